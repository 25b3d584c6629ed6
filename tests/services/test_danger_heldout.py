"""The danger lexicon on the held-out sets (eval/heldout/, never tuned on by this test):
per-language floors for recall and false alarms, so a lexicon edit that loses a class of
danger, or starts firing on everyday slang, fails `make test`, not only `make eval`."""

from __future__ import annotations

import pytest
import yaml

from webhooks.config import REPO_ROOT
from webhooks.services.safety import scan_for_danger
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
