"""Runs last (the name sorts last): stops the real Rasa server and proves nobody is left
without an answer."""

from __future__ import annotations

import requests

from scripts.devstack import Stack


def test_engine_stopped_texter_still_answered_and_queued(stack: Stack, make_texter) -> None:
    before = make_texter()
    assert before.send("hi")  # the engine is up
    stack.stop("rasa")
    health = requests.get(stack.app_url + "/healthz", timeout=10)
    assert health.status_code == 503
    assert health.json()["checks"]["engine"].startswith("unavailable")

    texter = make_texter()
    replies = texter.send("hello is anyone there")
    assert "person will write" in replies[0] and "911" in replies[0]
    state = texter.conversation()
    assert state["state"] == "waiting_for_staff"

    danger = make_texter()
    replies = danger.send("tiene un cuchillo y me va a matar")
    assert "911" in replies[0]
    assert danger.conversation()["risk"] == "urgent"
