"""Risk level from screening answers, and the texter's minor flag from under_18."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.console.helpers import escalation
from webhooks.extensions import db
from webhooks.models import AuditEvent, Conversation, ConversationState, RiskLevel
from webhooks.models.base import utcnow
from webhooks.services.privacy import purge_inactive_conversations
from webhooks.services.screening import record_screening, risk_from_answers

PHONE = "+15551230001"


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        ({}, RiskLevel.NONE),
        ({"can_leave": "skipped"}, RiskLevel.NONE),
        ({"can_leave": "yes", "id_taken": "no"}, RiskLevel.LOW),
        ({"id_taken": "yes"}, RiskLevel.ELEVATED),
        ({"id_taken": "yes", "owes_debt": "yes"}, RiskLevel.ELEVATED),
        ({"id_taken": "yes", "owes_debt": "yes", "pay_withheld": "yes"}, RiskLevel.HIGH),
        ({"can_leave": "no"}, RiskLevel.HIGH),
        ({"threatened": "yes"}, RiskLevel.HIGH),
        ({"under_18": "yes"}, RiskLevel.HIGH),
    ],
)
def test_risk_from_answers(answers, risk):
    assert risk_from_answers(answers) is risk


def _screened(app, answers: dict[str, str], phone: str = PHONE) -> int:
    conversation_id = escalation(app, phone, state=ConversationState.WITH_BOT, queued_at=None)
    with app.app_context():
        conversation = db.session.get(Conversation, conversation_id)
        record_screening(conversation, answers)
        db.session.commit()
    return conversation_id


def _flag_events(app) -> list[tuple[str, int | None, str]]:
    with app.app_context():
        return [
            (e.actor, e.conversation_id, e.detail["flag"])
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "flag_set"))
        ]


def test_under_18_sets_the_texters_minor_flag_and_it_outlives_the_conversation(app, signed_in):
    first = _screened(app, {"can_leave": "yes", "under_18": "yes"})
    with app.app_context():
        conversation = db.session.get(Conversation, first)
        assert conversation.minor is True and conversation.texter.flags == ["minor"]
        # The conversation is purged (retention) while the texter has a newer one.
        for message in conversation.messages:
            message.created_at = utcnow() - timedelta(days=400)
        db.session.commit()
    assert _flag_events(app) == [("system", first, "minor")]
    later = escalation(app, PHONE)
    with app.app_context():
        assert purge_inactive_conversations(365) == 1
        db.session.commit()
        assert db.session.get(Conversation, first) is None
    page = signed_in("staff").get(f"/console/conversations/{later}").get_data(as_text=True)
    assert 'data-flag="minor">Minor' in page


def test_the_minor_flag_is_set_once_and_not_for_other_answers(app):
    _screened(app, {"under_18": "no", "id_taken": "yes"}, phone="+15551230002")
    assert _flag_events(app) == []
    first = _screened(app, {"under_18": "yes"})
    _screened(app, {"under_18": "yes"})  # a later conversation: flagged already
    assert _flag_events(app) == [("system", first, "minor")]
