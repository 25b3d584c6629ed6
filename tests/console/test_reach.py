"""Staff and supervisors open only conversations that reached staff, and every read of a
conversation's content is in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.console.helpers import escalation
from webhooks.extensions import db
from webhooks.models import AuditEvent, ConversationState


def bot_only(app, phone="+15551230009"):
    """A conversation that stayed with the bot: never queued, no consent."""
    return escalation(
        app, phone, state=ConversationState.WITH_BOT, queued_at=None, queue_reason=None
    )


def views(app, conversation_id):
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action.in_(["conversation_viewed", "conversation_observed"]),
                AuditEvent.conversation_id == conversation_id,
            )
        )


@pytest.mark.parametrize("role", ["staff", "supervisor", "admin"])
def test_a_conversation_that_stayed_with_the_bot_is_not_there(app, signed_in, role):
    conversation_id = bot_only(app)
    browser = signed_in(role)
    for path in ("", "/transcript"):
        assert browser.get(f"/console/conversations/{conversation_id}{path}").status_code == 404
    assert browser.post(f"/console/conversations/{conversation_id}/claim").status_code == 404
    assert (
        browser.post(f"/console/conversations/{conversation_id}/notes", {"body": "x"}).status_code
        == 404
    )
    assert views(app, conversation_id) == 0


@pytest.mark.parametrize("reason", ["consent", "danger", "engine_unavailable", "app_error"])
def test_conversations_that_reached_staff_open_for_supervisors(app, signed_in, reason):
    conversation_id = escalation(app, queue_reason=reason, state=ConversationState.CLOSED)
    assert (
        signed_in("supervisor").get(f"/console/conversations/{conversation_id}").status_code == 200
    )
    # Staff: only while it waits, or when it is theirs.
    assert signed_in("staff").get(f"/console/conversations/{conversation_id}").status_code == 403


def test_every_read_of_conversation_content_is_audited(app, signed_in):
    """Every GET route that takes a conversation id (page, transcript, and any added later:
    history, export...) writes an audit event when it shows the conversation."""
    conversation_id = escalation(app)
    browser = signed_in("supervisor")
    routes = [
        rule
        for rule in app.url_map.iter_rules()
        # Routes that also name another conversation (an earlier one of the same texter)
        # have their own audit tests (tests/console/test_history.py).
        if rule.arguments == {"conversation_id"} and "GET" in (rule.methods or ())
    ]
    assert {r.endpoint for r in routes} >= {"console.conversation", "console.transcript"}
    for rule in routes:
        before = views(app, conversation_id)
        path = rule.rule.replace("<int:conversation_id>", str(conversation_id))
        assert browser.get(path).status_code == 200, path
        assert views(app, conversation_id) == before + 1, rule.endpoint
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "conversation_viewed")
        ).all()
    assert {d["view"] for d in details} == {"page", "transcript"}
