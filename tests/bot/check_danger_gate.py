"""Runs in the Rasa engine's environment (`make bot-test`): the danger gate's behaviour."""

from __future__ import annotations

import logging

logging.disable(logging.WARNING)

from components.danger_gate import DangerGate  # noqa: E402
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


def intent_after(text: str, metadata: object) -> str:
    gate = DangerGate(DangerGate.get_default_config())
    return gate.process([parsed(text, metadata)])[0].get("intent")["name"]


def main() -> None:
    text = "my boss is killing me with these hours"
    # The app's layer is sure it is not danger now: the next intent of the ranking.
    assert intent_after(text, {"danger_margin": -3.5}) == "describe_situation"
    # Unsure, or leaning to danger: the NLU's word stands.
    assert intent_after(text, {"danger_margin": -1.0}) == "report_danger"
    assert intent_after(text, {"danger_margin": 2.0}) == "report_danger"
    # No margin (a language we do not speak, the layer down), or nonsense: the NLU's word.
    for metadata in (None, {}, {"danger_margin": "low"}, {"danger_margin": True}, [1]):
        assert intent_after(text, metadata) == "report_danger", metadata
    assert intent_after(text, {"danger_margin": float("nan")}) == "report_danger"
    # An intent the app sent is its own decision and is never overruled.
    assert intent_after("/report_danger", {"danger_margin": -9.0}) == "report_danger"
    # Other intents are not touched.
    gate = DangerGate(DangerGate.get_default_config())
    message = parsed("hello", {"danger_margin": -9.0})
    message.set("intent", {"name": "greet", "confidence": 0.9}, add_to_output=True)
    assert gate.process([message])[0].get("intent")["name"] == "greet"
    print("danger gate: ok")


if __name__ == "__main__":
    main()
