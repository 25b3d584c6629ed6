"""The danger net's one decision, completed in the engine, on the real stack.

A tenant asking whether a landlord's threat to change the locks is legal: the NLU alone calls it
"danger now"; the app's evidence (its learned layer, no lexicon hit) sits far below the bar and
travels with the message as metadata; the engine's danger gate (bot/components/danger_gate.py)
adds the NLU's terms, and the sum stays below zero: not danger. The engine's channel then tells
the app that the NLU's danger was set aside, and the texter gets the number on one line before
the usual answer (bot/channel.py). What is danger whatever the NLU could say the app forces
itself.

The text the gate is shown on has to be one today's NLU gets wrong: a survivor writing years
later ("SAFE_NOW") was, until NLU data round seven taught the NLU itself; it stays as a check.
"""

from __future__ import annotations

import uuid

import requests

from scripts.devstack import Stack
from webhooks.wording import DANGER_SAFETY_NET

LINE = DANGER_SAFETY_NET.format(emergency_number="911")

GATED = (
    "landlord threatened to change the locks if im late with rent again, can he do that? "
    "im paid up for now"
)
SAFE_NOW = (
    "ya hace años que me sacaron de una casa donde me tenían trabajando sin pago, "
    "hoy estudio enfermería 💪 gracias a ustedes"
)


def parse(stack: Stack, text: str, metadata: dict | None = None) -> str:
    token = stack.environment()["HOTLINE_ENGINE_TOKEN"]
    body: dict = {"text": text}
    if metadata is not None:
        body["metadata"] = metadata
    response = requests.post(
        f"{stack.rasa_url}/model/parse", params={"token": token}, json=body, timeout=10
    )
    return response.json()["intent"]["name"]


def test_the_nlu_alone_calls_it_danger(stack: Stack) -> None:
    # What makes the next test mean something: without the app's margin, the NLU says danger.
    assert parse(stack, GATED) == "report_danger"


def payloads(
    stack: Stack, text: str, metadata: dict | None, sender: str | None = None
) -> list[dict]:
    """What the engine answers through its REST channel (which hands metadata to the NLU;
    /model/parse does not); a new conversation unless ``sender`` is given."""
    token = stack.environment()["HOTLINE_ENGINE_TOKEN"]
    body: dict = {"sender": sender or uuid.uuid4().hex, "message": text}
    if metadata is not None:
        body["metadata"] = metadata
    response = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", params={"token": token}, json=body, timeout=30
    )
    response.raise_for_status()
    return [m.get("custom", {}) for m in response.json()]


def said(stack: Stack, text: str, metadata: dict) -> list:
    return [p.get("say") for p in payloads(stack, text, metadata)]


UNSURE = {"do": "danger_unsure"}


def test_the_engine_says_when_the_gate_set_the_nlus_danger_aside(stack: Stack) -> None:
    """bot/channel.py: after the bot's answer, the verdict the app gives the line for."""
    weights = {"nlu": 0.2, "nlu_top": 0.4}
    answer = payloads(stack, GATED, {"danger_evidence": {"score": -5.0, **weights}})
    assert answer[-1] == UNSURE and len(answer) > 1, answer
    assert {"say": "utter_danger"} not in answer
    # Not when the NLU put something else first, nor when the decision is danger, nor when
    # there is no evidence to decide with (the NLU's word stands).
    shelter = "where is the nearest shelter"
    assert UNSURE not in payloads(stack, shelter, {"danger_evidence": {"score": -5.0, **weights}})
    assert UNSURE not in payloads(stack, GATED, {"danger_evidence": {"score": 3.0, **weights}})
    assert UNSURE not in payloads(stack, GATED, None)


def test_the_channel_refuses_a_request_without_a_message(stack: Stack) -> None:
    token = stack.environment()["HOTLINE_ENGINE_TOKEN"]
    for body in ({"sender": "x"}, {"message": "hi"}, {"sender": "x", "message": 5}, [1]):
        response = requests.post(
            f"{stack.rasa_url}/webhooks/rest/webhook", params={"token": token}, json=body
        )
        assert response.status_code == 400, body
        assert "required" in response.json()["error"]


def test_the_gate_decides_both_ways_on_the_evidence(stack: Stack) -> None:
    weights = {"nlu": 0.2, "nlu_top": 0.4}
    # The NLU says danger; the evidence far below the bar: not danger.
    assert "utter_danger" not in said(stack, GATED, {"danger_evidence": {"score": -5.0, **weights}})
    # The NLU says something else; the evidence well above the bar: danger.
    shelter = "where is the nearest shelter"
    assert "utter_danger" not in said(
        stack, shelter, {"danger_evidence": {"score": -5.0, **weights}}
    )
    assert "utter_danger" in said(stack, shelter, {"danger_evidence": {"score": 3.0, **weights}})


def test_the_gate_sets_the_nlus_danger_aside_and_the_texter_gets_the_line(
    stack: Stack, make_texter
) -> None:
    """Not the danger path (no urgent risk, no danger reply), but the NLU read danger: the
    number first, on one line, and the usual answer after it."""
    texter = make_texter()
    replies = texter.send(GATED)
    assert len(replies) >= 2 and replies[0] == LINE, replies
    assert not any("911" in r for r in replies[1:]), replies
    assert texter.conversation()["risk"] != "urgent"


def test_a_survivor_safe_now_gets_no_emergency_reply(stack: Stack, make_texter) -> None:
    texter = make_texter()
    replies = texter.send(SAFE_NOW)
    assert replies and not any("911" in r for r in replies), replies
    assert texter.conversation()["risk"] != "urgent"


def test_danger_the_layer_knows_still_gets_the_number_first(stack: Stack, make_texter) -> None:
    texter = make_texter()
    replies = texter.send(
        "me sacaron de la casa hace una hora pero el patrón me está buscando con un machete"
    )
    assert "911" in replies[0]
    assert texter.conversation()["risk"] == "urgent"


def test_a_text_close_to_the_bar_gets_the_number_first(stack: Stack, make_texter) -> None:
    """A development danger text the app scores close to its bar, not over it: whatever the
    NLU makes of it (the danger path, or anything else with the line for the unsure), the
    number comes first."""
    texter = make_texter()
    replies = texter.send("Caught me with a phone. Said next time I'm finished")
    assert replies and "911" in replies[0], replies


def test_medical_resources_come_after_the_number(stack: Stack, make_texter) -> None:
    texter = make_texter()
    replies = texter.send("where can i see a doctor for free")
    assert replies[0] == "If it is an emergency, call 911 now.", replies
    assert replies[1].startswith("Here is who can help"), replies
    assert texter.conversation()["risk"] != "urgent"


def test_a_yes_to_the_offer_of_a_person_sent_down_the_danger_path_still_hands_off(
    stack: Stack,
) -> None:
    """The gate decides danger over the NLU's yes at the consent question (its words, as for
    "I'm alone now"): the number first, then the handoff, and the bot pauses; a no over which
    it decides danger gets the number and the offer again, and no handoff."""
    danger = {"danger_evidence": {"score": 3.0, "nlu": 0.2, "nlu_top": 0.4}}

    def send(sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        return payloads(stack, text, metadata, sender)

    yes = uuid.uuid4().hex
    assert send(yes, "/request_human") == [{"say": "utter_offer_person"}]
    assert send(yes, "yes", danger) == [
        {"do": "mark_danger"},
        {"say": "utter_danger"},
        {"say": "utter_handoff"},
        {"do": "hand_off"},
    ]
    assert send(yes, "hello?") == []  # paused: staff answer from here

    no = uuid.uuid4().hex
    assert send(no, "/request_human") == [{"say": "utter_offer_person"}]
    assert send(no, "no", danger) == [
        {"do": "mark_danger"},
        {"say": "utter_danger"},
        {"say": "utter_offer_person"},
    ]
