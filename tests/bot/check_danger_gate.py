"""Runs in the Rasa engine's environment (`make bot-test`): the danger gate's behaviour."""

from __future__ import annotations

import logging

logging.disable(logging.WARNING)

from components.danger_gate import DANGER_OVER_KEY, SET_ASIDE_KEY, DangerGate  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

RANKING = [
    {"name": "report_danger", "confidence": 0.55},
    {"name": "describe_situation", "confidence": 0.30},
    {"name": "greet", "confidence": 0.15},
]


def parsed(text: str, metadata: object) -> Message:
    message = Message.build(text=text)
    message.set("metadata", metadata)
    message.set("intent", dict(RANKING[0]), add_to_output=True)
    message.set("intent_ranking", [dict(r) for r in RANKING], add_to_output=True)
    return message


def gated(text: str, metadata: object, ranking: list[dict] | None = None) -> Message:
    gate = DangerGate(DangerGate.get_default_config())
    message = parsed(text, metadata)
    if ranking is not None:
        message.set("intent", dict(ranking[0]), add_to_output=True)
        message.set("intent_ranking", [dict(r) for r in ranking], add_to_output=True)
    return gate.process([message])[0]


def intent_after(text: str, metadata: object, ranking: list[dict] | None = None) -> str:
    return gated(text, metadata, ranking).get("intent")["name"]


def set_aside(text: str, metadata: object, ranking: list[dict] | None = None) -> float | None:
    score = gated(text, metadata, ranking).get(SET_ASIDE_KEY)
    return None if score is None else round(score, 2)


def evidence(score: float) -> dict:
    return {"danger_evidence": {"score": score, "nlu": 0.25, "nlu_top": 0.1}}


def main() -> None:
    text = "my boss is killing me with these hours"
    # NLU: report_danger at 0.55 (log-odds 0.2), first: its terms add 0.25 * 0.2 + 0.1 = 0.15.
    # The app's partial score far below: not danger, the next intent of the ranking.
    assert intent_after(text, evidence(-3.5)) == "describe_situation"
    assert intent_after(text, evidence(-0.2)) == "describe_situation"
    # With the NLU's terms at or above zero: danger.
    assert intent_after(text, evidence(-0.1)) == "report_danger"
    assert intent_after(text, evidence(2.0)) == "report_danger"
    # The NLU put something else first, but the evidence adds up to danger: danger, on top,
    # sure enough for the fallback classifier after the gate.
    other = [
        {"name": "describe_situation", "confidence": 0.7},
        {"name": "report_danger", "confidence": 0.2},
        {"name": "greet", "confidence": 0.1},
    ]
    gate = DangerGate(DangerGate.get_default_config())
    message = parsed("they are outside", evidence(1.0))
    message.set("intent", dict(other[0]), add_to_output=True)
    message.set("intent_ranking", [dict(r) for r in other], add_to_output=True)
    decided = gate.process([message])[0]
    assert decided.get("intent")["name"] == "report_danger"
    assert decided.get("intent")["confidence"] >= 0.7  # never below the intent it displaced
    assert [r["name"] for r in decided.get("intent_ranking")][0] == "report_danger"
    # The intent it displaced goes with the parse (the danger path's offer of a person reads it).
    assert decided.get(DANGER_OVER_KEY) == {"name": "describe_situation", "confidence": 0.7}
    assert gated(text, evidence(2.0)).get(DANGER_OVER_KEY) is None  # the NLU said danger itself
    # report_danger not even in the ranking (confidence 0, clamped): below zero stays as is.
    assert intent_after("hello", evidence(-0.5), other[:1]) == "describe_situation"
    # No evidence (a language we do not speak, the layer down), or nonsense: the NLU's word.
    for metadata in (
        None,
        {},
        {"danger_evidence": "low"},
        {"danger_evidence": {"score": True, "nlu": 0.2, "nlu_top": 0.1}},
        {"danger_evidence": {"score": float("nan"), "nlu": 0.2, "nlu_top": 0.1}},
        {"danger_evidence": {"score": -9.0}},
        {"danger_margin": -9.0},
        [1],
    ):
        assert intent_after(text, metadata) == "report_danger", metadata
    # An intent the app sent is its own decision and is never overruled.
    assert intent_after("/report_danger", evidence(-9.0)) == "report_danger"
    # Other intents well below zero are not touched.
    assert intent_after("hello", evidence(-9.0), [{"name": "greet", "confidence": 0.9}]) == "greet"
    # The parse says when the NLU's first intent, danger, was set aside (the app gives the line
    # for the unsure), and only then.
    assert set_aside(text, evidence(-3.5)) == -3.35  # -3.5 + the NLU's 0.15
    assert set_aside(text, evidence(2.0)) is None  # decided danger
    assert set_aside("they are outside", evidence(-3.5), other) is None  # the NLU said otherwise
    assert set_aside(text, None) is None  # no evidence: the NLU's word stands
    assert set_aside("/report_danger", evidence(-9.0)) is None
    print("danger gate: ok")


if __name__ == "__main__":
    main()
