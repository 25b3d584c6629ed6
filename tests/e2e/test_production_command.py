"""The README's production command, run as written: gunicorn with the repo's gunicorn.conf.py.

The engine never calls back into the app, so the default configuration and a single sync
worker must both carry a whole conversation: greeting, screening, resources, consent, handoff.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from scripts.devstack import Stack
from tests.e2e.conftest import another_app

# What production requires besides secrets; the test stack's engine keeps trackers in memory.
PRODUCTION = {
    "HOTLINE_ENV": "production",
    "CONSOLE_TRUSTED_PROXIES": "0",
    "RASA_TRACKER_STORE_URL": "memory",
}
SETUPS = {
    "gunicorn.conf.py defaults": {},
    "one sync worker": {"HOTLINE_WORKERS": "1", "HOTLINE_WORKER_CLASS": "sync"},
}


@pytest.fixture(scope="module", params=list(SETUPS))
def production_app(stack: Stack, request: pytest.FixtureRequest) -> Iterator[Stack]:
    with another_app(stack, "gunicorn", **PRODUCTION, **SETUPS[request.param]) as app:
        yield app


def test_a_whole_conversation_through_the_production_command(
    production_app: Stack, make_texter: Any
) -> None:
    texter = make_texter(production_app.app_url)
    assert "safe for you to text" in texter.send("hi")[0]
    assert "Tell me what is going on" in texter.send("yes")[0]
    assert "questions" in texter.send("my boss keeps my passport and i cannot leave")[0]
    assert "leave" in texter.send("yes")[0]
    for answer in ["no", "yes", "no", "skip", "yes", "no"]:
        replies = texter.send(answer)
    assert "Is your pay" not in replies[0]
    replies = texter.send("no")  # under 18
    assert "Thank you for answering" in replies[0] and "person" in replies[-1]
    assert "Here is who can help" in texter.send("i need a safe place to sleep")[0]
    assert "person" in texter.send("can i talk to a real person")[0]
    assert "A person will write" in texter.send("yes")[0]

    state = texter.conversation()
    assert state["state"] == "waiting_for_staff" and state["consent_given"] is True
    assert state["screening"]["can_leave"] == "no" and state["screening"]["id_taken"] == "yes"
    assert state["risk"] == "high"
