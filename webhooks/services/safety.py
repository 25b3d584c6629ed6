"""The app's danger net, run on every inbound message: a multilingual lexicon, then a learned layer.

Neither depends on the NLU model or the engine being up: a hit forces the danger path. The
lexicon (below) is what was written down; the learned layer (``danger_model.py``, n-grams and a
multilingual sentence encoder) is trained on the NLU examples, for the wordings nobody wrote down.
Patterns live in ``webhooks/data/danger/<lang>.txt`` (one regular expression per line). A line
starting with ``!`` is an exemption: a text that matches one (laughter: "lol", "jaja", "kkk",
"ㅋㅋ", "哈哈"; the laughing emoji 😂 🤣 and the "I'm dead" skull 💀, which normalising drops, so
they are looked for in the text as received) is hyperbole, and the lexicon stays silent on it; the
learned layer and the NLU still read it.
Patterns use bounded gaps only (a few words or characters at most), never a quantified group
holding an unbounded quantifier, so no text of the 1,600 characters matched can make one
backtrack for long (tests/services/test_danger_lexicon.py checks).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from webhooks.services import danger_decision, danger_model
from webhooks.services.text import Body, fold_marks

log = logging.getLogger(__name__)
MODEL = "model"
LEXICON_DIR = Path(__file__).resolve().parent.parent / "data" / "danger"
# Laughing (U+1F602, U+1F923) and "I'm dead" (U+1F480, a skull for laughing too hard): in every
# language the mark of hyperbole ("that exam murdered me 💀"). Not the crying, sweating or fearful
# faces, which a texter in danger sends too.
LAUGHTER_EMOJI = re.compile("[\U0001f602\U0001f923\U0001f480]")


@dataclass(frozen=True)
class DangerHit:
    language: str  # the lexicon's language, or "model" for the learned layer
    pattern: str  # the pattern that matched, or the learned layer's score


def fold(pattern: str) -> str:
    """A pattern written as people spell (й, أ, ế, ㅋㅋ), folded as ``normalise`` folds the text it
    is matched against: accents and marks dropped, compatibility forms decomposed. Unfolded, "уйду"
    or "ㅋㅋ" could never match, since the text they meet has "уиду" and conjoining jamo."""
    return fold_marks(pattern)


def _lines() -> list[tuple[str, str]]:
    lines = []
    for path in sorted(LEXICON_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                lines.append((path.stem, fold(line)))
    return lines


@cache
def _lexicon() -> list[tuple[str, re.Pattern[str]]]:
    patterns = [(lang, re.compile(line)) for lang, line in _lines() if not line.startswith("!")]
    if not patterns:
        raise RuntimeError(f"danger lexicon is empty: {LEXICON_DIR}")
    return patterns


@cache
def _exemptions() -> list[re.Pattern[str]]:
    return [re.compile(line[1:]) for _, line in _lines() if line.startswith("!")]


def scan_for_danger(body: Body) -> DangerHit | None:
    """First danger pattern found in the message, in any language (texters code-switch)."""
    text = body.normalised
    if LAUGHTER_EMOJI.search(body.bounded) or any(e.search(text) for e in _exemptions()):
        return None
    for language, pattern in _lexicon():
        if pattern.search(text):
            return DangerHit(language, pattern.pattern)
    return None


@dataclass(frozen=True)
class Assessment:
    # The app's own decision: a lexicon hit, else a positive layer margin. What decides when
    # the engine is not asked (staff are answering) or does not answer.
    hit: DangerHit | None
    # The learned layer's margin (above zero is danger), None when it did not run (a language
    # we do not speak, the layer unavailable).
    margin: float | None
    # The danger path, forced by the app before it asks the engine: the net's one decision
    # (danger_decision.py) is danger whatever the NLU could say. Without that decision, the
    # app's own (``hit``).
    forced: DangerHit | None = None
    # For the engine's danger gate, which adds the NLU's terms and decides (None: the NLU
    # decides alone there).
    evidence: dict[str, float] | None = None
    # Not forced, but close to the bar (danger_decision.Decision.unsure): whatever the engine
    # answers, the reply carries the emergency number.
    unsure: bool = False


def assess_danger(body: Body, learned: bool = True, language: str | None = None) -> Assessment:
    """The lexicon (its hit names the pattern), the learned layer, told the conversation's
    language where it is known (the layer scores some languages differently), and the net's one
    decision over both (``danger_decision.py``).

    ``learned=False`` for a text in a language we do not speak: the layer was trained on our
    languages only, and its score on Polish or Swahili is noise (a Polish "my boss took my
    passport" scored as danger and lost the texter the offer of an interpreter). There the
    lexicon alone decides and forces."""
    lexicon = scan_for_danger(body)
    if not learned or not body.normalised:
        return Assessment(lexicon, None, lexicon)
    try:
        layer = danger_model.model()
        ngram_logit, sentence = layer.scores(body, language)
        margin = layer.margin_of(ngram_logit, sentence)
    except Exception:  # a broken model file must not take the lexicon's answer with it
        log.exception("danger model unavailable; the lexicon alone decides")
        return Assessment(lexicon, None, lexicon)
    hit = lexicon or (DangerHit(MODEL, f"{margin:+.3f}") if margin > 0 else None)
    joint = danger_decision.decision()
    if joint is None:
        return Assessment(hit, margin, hit)
    partial = joint.partial(lexicon is not None, ngram_logit, sentence, language)
    if joint.sure_without_nlu(partial):
        forced = hit or DangerHit(MODEL, f"{margin:+.3f}")
        return Assessment(forced, margin, forced)
    unsure = joint.unsure(partial, language) and says_enough(body)
    return Assessment(hit, margin, None, joint.evidence(partial), unsure)


# Chinese and Japanese write a sentence without spaces: four of their characters say as much as
# three words.
HAN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def says_enough(body: Body) -> bool:
    """Enough words for a score near the bar to be the text's, not the prior's: the line for the
    unsure needs three words, or four Han or kana characters. Below that, the n-grams alone (which
    score Vietnamese and romanised text) put "vâng" and "dạ" (yes), Arabizi "la", "aywa" and "ana
    bkhir" (I'm fine), Russian "da" and "net" within the line's bar: every yes or no answered with
    "if you are in danger now". On the development sets the rule took the line from two danger
    texts of 6,250 ("nzif bzaf", bleeding a lot; "co sung", there's a gun) and one not-danger."""
    text = body.normalised
    return len(text.split()) >= 3 or len(HAN.findall(text)) >= 4


def detect_danger(
    body: Body, learned: bool = True, language: str | None = None
) -> DangerHit | None:
    """The app's decision alone, as when the engine is not asked (see ``assess_danger``)."""
    return assess_danger(body, learned, language).hit
