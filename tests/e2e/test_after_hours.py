"""Outside operating hours, with the real engine: the engine asks for its usual consent and
handoff replies, and the app says when a person will be back instead."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from scripts.devstack import Stack
from webhooks.extensions import db
from webhooks.models.base import utcnow
from webhooks.services import hours


@pytest.fixture
def closed(stack: Stack) -> Iterator[Any]:
    """The hotline closed now (open only two days from today); always open again afterwards."""
    app = stack.inspector  # type: ignore[attr-defined]
    with app.app_context():
        hours.set_weekly({(utcnow().weekday() + 2) % 7: "09:00-17:00"}, "UTC")
        db.session.commit()
        opening = hours.schedule().next_opening(utcnow())
        db.session.remove()
    try:
        yield opening
    finally:
        with app.app_context():
            hours.set_weekly({}, "UTC")
            db.session.commit()
            db.session.remove()


def test_after_hours_the_consent_and_handoff_replies_say_when(closed, texter) -> None:
    offer = texter.send("can i talk to a real person")
    # The consent question says when a person is back, the emergency number and the 24/7 line.
    assert "away now" in offer[0] and "YES or NO" in offer[0]
    assert closed.strftime("%A") in offer[0] and "911" in offer[0]
    assert "1-888-373-7888" in offer[0]
    (handoff,) = texter.send("yes")
    assert closed.strftime("%A") in handoff and "09:00" in handoff
    assert "911" in handoff and "1-888-373-7888" in handoff
    state = texter.conversation()
    assert state["state"] == "waiting_for_staff" and state["conversation"].after_hours is True
    assert state["consent_given"] is True
