"""The foundation end to end: signed webhook → app → real Rasa (NLG from the app) → TwiML."""

from __future__ import annotations

import time

import requests

from scripts.devstack import Stack


def test_health_reports_every_part_ready(stack: Stack) -> None:
    response = requests.get(stack.app_url + "/healthz", timeout=10)
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "engine": "ok", "actions": "ok"}


def test_first_text_gets_the_discreet_greeting_in_english(texter) -> None:
    replies = texter.send("hi")
    assert len(replies) == 1
    assert "safe" in replies[0] and "911" in replies[0]
    for word in ("traffick", "hotline", "Polaris"):
        assert word.lower() not in replies[0].lower()


def test_spanish_texter_is_answered_in_spanish_from_the_catalog(texter) -> None:
    replies = texter.send("hola buenas tardes necesito hablar")
    assert replies and "Hola" in replies[0] and "911" in replies[0]
    assert texter.conversation()["language"] == "es"


def test_repeated_delivery_gets_the_same_reply_once(texter) -> None:
    first = texter.post("hello there", sid="SMe2erepeat0000000000000000000001")
    second = texter.post("hello there", sid="SMe2erepeat0000000000000000000001")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content


def test_engine_tracker_knows_a_pseudonym_never_the_number(stack: Stack, texter) -> None:
    texter.send("hello")
    engine_id = texter.conversation()["engine_id"]
    token = stack.environment()["HOTLINE_ENGINE_TOKEN"]
    tracker = requests.get(
        f"{stack.rasa_url}/conversations/{engine_id}/tracker", params={"token": token}, timeout=10
    ).json()
    assert tracker["sender_id"] == engine_id
    assert texter.number not in str(tracker) and texter.number[2:] not in str(tracker)


def test_delete_erases_app_data_and_the_engine_tracker(stack: Stack, texter) -> None:
    texter.send("hello")
    texter.send("i need a doctor")
    engine_id = texter.conversation()["engine_id"]
    token = stack.environment()["HOTLINE_ENGINE_TOKEN"]
    url = f"{stack.rasa_url}/conversations/{engine_id}/tracker"
    before = requests.get(url, params={"token": token}, timeout=10).json()
    assert any(e["event"] == "user" for e in before["events"])

    replies = texter.send("DELETE")
    assert "erased" in replies[0]
    assert texter.conversation() == {}

    # The engine is told after the reply has gone (the erasure queue), so give it a moment.
    def erased() -> bool:
        after = requests.get(url, params={"token": token}, timeout=10).json()
        return not any(e["event"] in ("user", "bot") for e in after["events"])

    deadline = time.monotonic() + 15
    while not erased() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert erased()


def test_spanish_delete_keyword(texter) -> None:
    texter.send("hola")
    assert "borraron" in texter.send("BORRAR")[0]
    assert texter.conversation() == {}
