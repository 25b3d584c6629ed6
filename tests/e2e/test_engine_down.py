"""With the engine down, nobody is left without an answer: the safety reply, then staff.

An app of its own whose engine address answers nothing, so no other test depends on the order
in which tests run.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from scripts.devstack import Stack, free_port


@pytest.fixture(scope="module")
def app_without_engine(stack: Stack) -> Iterator[Stack]:
    with socket.socket() as silent:
        # Bound and listening but never accepting: connections hang as with a stuck engine.
        silent.bind(("127.0.0.1", 0))
        silent.listen(0)
        port = silent.getsockname()[1]
        env = {"RASA_URL": f"http://127.0.0.1:{port}", "RASA_TIMEOUT_SECONDS": "2"}
        app = Stack(
            app_port=free_port(),
            rasa_port=port,
            actions_port=stack.actions_port,
            env={**stack.env, **env},
            log_dir=stack.log_dir / "app-without-engine",
        )
        app.start_app()
        try:
            app.wait_healthy(timeout=60, require_healthy=False)
            yield app
        finally:
            app.stop()


def test_engine_down_texter_still_answered_and_queued(
    app_without_engine: Stack, make_texter: Any
) -> None:
    health = requests.get(app_without_engine.app_url + "/healthz", timeout=10)
    assert health.status_code == 503
    assert health.json()["checks"]["engine"].startswith("unavailable")

    texter = make_texter(app_without_engine.app_url)
    replies = texter.send("hello is anyone there")
    assert "person will write" in replies[0] and "911" in replies[0]
    assert texter.conversation()["state"] == "waiting_for_staff"

    danger = make_texter(app_without_engine.app_url)
    replies = danger.send("tiene un cuchillo y me va a matar")
    assert "911" in replies[0]
    assert danger.conversation()["risk"] == "urgent"
