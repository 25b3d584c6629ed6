"""The danger net's one decision (webhooks/services/danger_decision.py): what the app forces,
what it leaves to the engine's gate, and that the fitted file belongs to today's layer and
lexicon."""

from __future__ import annotations

import json
import math

import pytest
import yaml

from webhooks.config import REPO_ROOT
from webhooks.services import danger_decision, danger_model, safety
from webhooks.services.danger_decision import Decision, lexicon_digest, nlu_logit
from webhooks.services.safety import assess_danger
from webhooks.services.text import Body

DATA = json.loads(danger_decision.PATH.read_text(encoding="utf-8"))


def test_the_decision_belongs_to_todays_layer_and_lexicon():
    layer = json.loads(danger_model.MODEL_PATH.read_text(encoding="utf-8"))
    assert DATA["layer_digest"] == layer["digest"], "run `make danger-decision`"
    assert DATA["lexicon_digest"] == lexicon_digest(), "run `make danger-decision`"


def test_the_fitted_decision_was_validated_against_the_rule_it_replaced():
    validation = DATA["validation"]
    new, old = validation["each_set_left_out"], validation["any_one_layer_before"]
    # Measured leaving each development set out: no more danger missed, fewer false alarms.
    assert new["danger_missed"] <= old["danger_missed"]
    assert new["false_alarms"] < old["false_alarms"]
    assert validation["lexicon_catches_overruled"].startswith("0 of ")
    # The lexicon's word weighs: overruled only far below the bar a text without a hit meets.
    assert DATA["veto"] < DATA["threshold"] - 3


DECISION = Decision(
    intercept=0.0,
    threshold=-1.0,
    veto=-7.0,
    ngrams=1.0,
    sentence=2.0,
    nlu=0.25,
    nlu_top=0.5,
    language_bias={"vi": -0.5},
)


def test_a_lexicon_hit_meets_the_veto_a_text_without_one_the_threshold():
    assert DECISION.partial(False, 0.0, 0.0, "en") == pytest.approx(1.0)
    assert DECISION.partial(True, 0.0, 0.0, "en") == pytest.approx(7.0)
    # No sentence score (Vietnamese, the encoder down) counts as zero; a language's own bias.
    assert DECISION.partial(False, 1.0, None, "vi") == pytest.approx(1.5)
    assert DECISION.partial(False, 1.0, None, None) == pytest.approx(2.0)


def test_the_app_forces_only_what_no_nlu_answer_could_overrule():
    lowest = 0.25 * nlu_logit(0.0)  # about -2.3: the NLU sure it is not danger
    assert DECISION.sure_without_nlu(-lowest + 0.01)
    assert not DECISION.sure_without_nlu(-lowest - 0.01)
    # The NLU's terms are bounded: 0.0 and 1.0 do not weigh without bound.
    assert math.isfinite(nlu_logit(0.0)) and math.isfinite(nlu_logit(1.0))
    assert DECISION.nlu_terms(0.9, True) > DECISION.nlu_terms(0.1, False)


def test_without_the_decision_the_app_decides_as_any_one_of_its_layers(monkeypatch):
    monkeypatch.setattr(danger_decision, "decision", lambda: None)
    for text in ("he has a gun", "where is the nearest shelter"):
        assessment = assess_danger(Body.of(text), language="en")
        assert assessment.forced == assessment.hit
        assert assessment.evidence is None


def test_a_broken_decision_file_is_logged_and_leaves_the_layers_in_charge(
    tmp_path, monkeypatch, caplog
):
    broken = tmp_path / "danger_decision.json"
    broken.write_text("{", encoding="utf-8")
    monkeypatch.setattr(danger_decision, "PATH", broken)
    danger_decision.decision.cache_clear()
    try:
        assert danger_decision.decision() is None
        assert "danger decision unavailable" in caplog.text
    finally:
        danger_decision.decision.cache_clear()


def _lexicon_caught(path_glob: str) -> list[tuple[str, str]]:
    caught = []
    for path in sorted(REPO_ROOT.glob(path_glob)):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for text in data.get("danger") or []:
            if safety.scan_for_danger(Body.of(str(text))) is not None:
                caught.append((path.stem, str(text)))
    return caught


@pytest.mark.parametrize("path_glob", ["eval/heldout/*.yml", "eval/heldout_v2/*.yml"])
def test_what_the_lexicon_catches_is_danger_or_left_to_a_gate_that_sees_it(path_glob):
    """Every danger text the lexicon catches in its own early sets is forced by the app, or
    goes to the engine with evidence whose bar is the veto, not the threshold: only an NLU sure
    beyond what any such text showed could overrule it (eval/danger_decision.py checks that
    with the NLU's real answers before it writes the file)."""
    joint = danger_decision.decision()
    assert joint is not None
    caught = _lexicon_caught(path_glob)
    assert len(caught) > 100
    forced = 0
    for language, text in caught:
        assessment = assess_danger(Body.of(text), language=language)
        assert assessment.hit is not None  # engine down or staff answering: danger
        if assessment.forced is not None:
            forced += 1
            continue
        assert assessment.evidence is not None
        # The NLU at its most doubtful (report_danger ranked low, not first) and the text still
        # needs less than the bar a text without a hit must clear.
        without = joint.partial(False, *_scores(text, language), language)
        assert assessment.evidence["score"] > without + 3, text
    assert forced / len(caught) > 0.9


def _scores(text: str, language: str) -> tuple[float, float | None]:
    return danger_model.model().scores(Body.of(text), language)
