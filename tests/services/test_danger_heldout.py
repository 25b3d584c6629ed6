"""The danger lexicon on the held-out sets (eval/heldout/, never tuned on by this test):
per-language floors for recall and false alarms, so a lexicon edit that loses a class of
danger, or starts firing on everyday slang, fails `make test`, not only `make eval`."""

from __future__ import annotations

import pytest
import yaml

from webhooks.config import REPO_ROOT
from webhooks.services.safety import detect_danger, scan_for_danger
from webhooks.services.text import Body

HELDOUT = sorted((REPO_ROOT / "eval" / "heldout").glob("*.yml"))
# The lexicon alone; the NLU adds its share on top (make eval prints both).
MIN_RECALL = 0.9
MAX_FALSE_ALARMS = 0.05


def _sets(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["danger"], data["not_danger"]


def test_every_supported_language_has_a_heldout_set():
    from webhooks.i18n import supported_languages

    assert {p.stem for p in HELDOUT} >= set(supported_languages())


@pytest.mark.parametrize("path", HELDOUT, ids=lambda p: p.stem)
def test_lexicon_recall_and_false_alarms_per_language(path):
    danger, safe = _sets(path)
    assert len(danger) >= 20 and len(safe) >= 20
    missed = [t for t in danger if scan_for_danger(Body.of(t)) is None]
    alarms = [t for t in safe if scan_for_danger(Body.of(t)) is not None]
    recall = 1 - len(missed) / len(danger)
    false_alarms = len(alarms) / len(safe)
    assert recall >= MIN_RECALL, f"recall {recall:.2f}; missed: {missed}"
    assert false_alarms <= MAX_FALSE_ALARMS, f"false alarms {false_alarms:.2f}: {alarms}"


# The blind set (eval/heldout_v4, written without the lexicon in view, never tuned on): the
# lexicon alone caught 40-70% per language at its first run (2026-12-02), the NLU adds the rest
# that is caught (make eval prints both). Floors two texts below that first run, ceilings two
# above: an edit that loses a class of danger, or fires on everyday slang, fails here.
BLIND = REPO_ROOT / "eval" / "heldout_v4"
BLIND_FIRST_RUN = {  # language: (recall, false alarms) of the lexicon alone, 30 + 30 texts
    "ar": (17, 4),
    "en": (21, 5),
    "es": (21, 1),
    "fr": (17, 2),
    "ko": (19, 1),
    "pt": (21, 2),
    "ru": (14, 0),
    "tl": (16, 2),
    "vi": (12, 2),
    "zh": (18, 3),
}


# The second blind set (eval/heldout_v5, committed before the learned layer and the training data
# it measures; a development set since heldout_v6): what the app's own net (lexicon, then the
# learned layer; no engine needed) caught and wrongly raised with the build of 2026-12-02, 35 + 35
# texts per language. The NLU adds its share on top (make eval). Floors and ceilings two texts
# either side, as above.
BLIND_V5 = REPO_ROOT / "eval" / "heldout_v5"
BLIND_V5_FIRST_RUN = {  # language: (caught, false alarms) of detect_danger
    "ar": (30, 9),
    "en": (31, 4),
    "es": (32, 6),
    "fr": (32, 5),
    "ko": (33, 2),
    "pt": (33, 2),
    "ru": (29, 5),
    "tl": (34, 7),
    "vi": (31, 5),
    "zh": (34, 2),
}


# The third blind set (eval/heldout_v6, committed before the lexicon's exemptions for fiction and
# laughter, training data round four and the learned layer's new step; a development set since
# heldout_v7): detect_danger's first run on it. Floors and ceilings two texts either side.
BLIND_V6 = REPO_ROOT / "eval" / "heldout_v6"
BLIND_V6_FIRST_RUN = {  # language: (caught, false alarms) of detect_danger
    "ar": (30, 4),
    "en": (34, 6),
    "es": (33, 4),
    "fr": (34, 8),
    "ko": (33, 5),
    "pt": (32, 8),
    "ru": (30, 2),
    "tl": (33, 2),
    "vi": (35, 3),
    "zh": (30, 1),
}


# The fourth blind set (eval/heldout_v7, committed before training data round five; a development
# set since heldout_v8): the first run of detect_danger on it with the build that round five made.
# Two texts either side, as above.
BLIND_V7 = REPO_ROOT / "eval" / "heldout_v7"
BLIND_V7_FIRST_RUN = {  # language: (caught, false alarms) of detect_danger
    "ar": (29, 10),
    "en": (33, 9),
    "es": (33, 6),
    "fr": (34, 10),
    "ko": (35, 3),
    "pt": (33, 7),
    "ru": (32, 3),
    "tl": (33, 6),
    "vi": (35, 3),
    "zh": (31, 1),
}


# The fifth blind set (eval/heldout_v8, committed before training data round six and the lexicon
# fixes found on v7): the first run of detect_danger on it with the build they made.
BLIND_V8 = REPO_ROOT / "eval" / "heldout_v8"
BLIND_V8_FIRST_RUN = {  # language: (caught, false alarms) of detect_danger
    "ar": (32, 6),
    "en": (34, 8),
    "es": (32, 6),
    "fr": (32, 3),
    "ko": (34, 1),
    "pt": (33, 2),
    "ru": (28, 2),
    "tl": (34, 5),
    "vi": (32, 6),
    "zh": (32, 1),
}


# The sixth blind set (eval/heldout_v9, committed before the learned layer's sentence encoder):
# the first run of detect_danger on it with the encoder, told each set's language as the app is.
BLIND_V9 = REPO_ROOT / "eval" / "heldout_v9"
BLIND_V9_FIRST_RUN = {  # language: (caught, false alarms) of detect_danger
    "ar": (31, 7),
    "en": (35, 7),
    "es": (35, 7),
    "fr": (34, 7),
    "ko": (35, 5),
    "pt": (34, 5),
    "ru": (30, 2),
    "tl": (33, 3),
    "vi": (33, 5),
    "zh": (33, 1),
}


# The seventh blind set (eval/heldout_v10, committed before the engine's danger gate): the first
# run of detect_danger on it (the app's own net; the gate acts in the engine, make eval shows it).
BLIND_V10 = REPO_ROOT / "eval" / "heldout_v10"
BLIND_V10_FIRST_RUN = {  # language: (caught, false alarms) of detect_danger
    "ar": (31, 4),
    "en": (35, 6),
    "es": (33, 3),
    "fr": (35, 9),
    "ko": (34, 1),
    "pt": (35, 4),
    "ru": (31, 4),
    "tl": (32, 4),
    "vi": (33, 4),
    "zh": (33, 1),
}


# The eighth blind set (eval/heldout_v11, committed before the NLU's sentence features): the first
# run of detect_danger on it (the app's own net; the NLU adds its share in make eval).
BLIND_V11 = REPO_ROOT / "eval" / "heldout_v11"
BLIND_V11_FIRST_RUN = {  # language: (caught, false alarms) of detect_danger
    "ar": (33, 5),
    "en": (35, 5),
    "es": (32, 9),
    "fr": (35, 5),
    "ko": (33, 6),
    "pt": (34, 5),
    "ru": (34, 3),
    "tl": (33, 5),
    "vi": (31, 3),
    "zh": (35, 4),
}

BLIND_V12 = REPO_ROOT / "eval" / "heldout_v12"
BLIND_V12_FIRST_RUN = {  # language: (caught, false alarms) of detect_danger
    "ar": (33, 3),
    "en": (31, 4),
    "es": (32, 5),
    "fr": (34, 6),
    "ko": (34, 6),
    "pt": (34, 6),
    "ru": (34, 5),
    "tl": (33, 6),
    "vi": (30, 3),
    "zh": (34, 2),
}


# A first figure a later rebuild moved past its two texts, on purpose and named: (set, language):
# false alarms allowed beyond the two. heldout_v10 Arabic: the learned layer rebuilt without the
# 60 examples 0.8-alike to the blind heldout_v42 and v43 (they may not be trained on before those
# sets are measured) forces the danger path on 7 of its 35 not-danger texts, against 4 at the
# first run and 5 before the rebuild, at the old bar (96.9%) as at the new (97.1%). Over all
# development sets the app's own net went from .971 recall / 8.9% false alarms to .973 / 9.2%
# (Arabic .951 / 10.3% to .956 / 10.4%). v10 is a development set now: the decision is fitted on it.
# Rebuilt again without the 26 examples 0.8-alike to the blind v41-v44 (4 of them Arabic), the
# app alone takes 8 (its hit is the lexicon's or the layer's, whatever the decision's bar): over
# v4-v41 the app's own net is .973 / 9.7% before and after (Arabic .955 / 11.7% to .952 / 11.6%).
MORE_ALARMS = {("heldout_v10", "ar"): 2}

# (set, the detector it measures, texts per label, its first figures): the same check for all.
BLIND_CASES = [
    (BLIND, scan_for_danger, 30, BLIND_FIRST_RUN),
    (BLIND_V5, detect_danger, 35, BLIND_V5_FIRST_RUN),
    (BLIND_V6, detect_danger, 35, BLIND_V6_FIRST_RUN),
    (BLIND_V7, detect_danger, 35, BLIND_V7_FIRST_RUN),
    (BLIND_V8, detect_danger, 35, BLIND_V8_FIRST_RUN),
    (BLIND_V9, detect_danger, 35, BLIND_V9_FIRST_RUN),
    (BLIND_V10, detect_danger, 35, BLIND_V10_FIRST_RUN),
    (BLIND_V11, detect_danger, 35, BLIND_V11_FIRST_RUN),
    (BLIND_V12, detect_danger, 35, BLIND_V12_FIRST_RUN),
]


@pytest.mark.parametrize(
    ("folder", "detector", "size", "first_run", "language"),
    [
        pytest.param(*case, language, id=f"{case[0].name}-{language}")
        for case in BLIND_CASES
        for language in sorted(case[3])
    ],
)
def test_the_blind_sets_keep_their_first_figures(folder, detector, size, first_run, language):
    danger, safe = _sets(folder / f"{language}.yml")
    assert len(danger) == size and len(safe) == size
    # The app tells the learned layer the conversation's language (detect_danger's argument).
    kwargs = {"language": language} if detector is detect_danger else {}
    caught = sum(detector(Body.of(t), **kwargs) is not None for t in danger)
    alarms = sum(detector(Body.of(t), **kwargs) is not None for t in safe)
    first_caught, first_alarms = first_run[language]
    assert caught >= first_caught - 2, f"caught {caught}/{size}, first run {first_caught}"
    allowed = first_alarms + 2 + MORE_ALARMS.get((folder.name, language), 0)
    assert alarms <= allowed, f"{alarms}/{size} false alarms, first run {first_alarms}"
