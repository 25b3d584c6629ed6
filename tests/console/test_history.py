"""A texter's earlier conversations: opened under the same rule as any conversation (it reached
staff, and the user may view it), and every opening is in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.console.helpers import escalation, make_staff
from tests.console.test_conversation import audit_actions
from webhooks.extensions import db
from webhooks.models import AuditEvent, Conversation, ConversationState, RiskLevel
from webhooks.models.base import utcnow

PHONE = "+15551230001"


def closed_earlier(app, texts=("antes",), **fields):
    """An earlier, closed conversation of the texter at PHONE."""
    conversation_id = escalation(app, PHONE, texts=texts, **fields)
    with app.app_context():
        c = db.session.get(Conversation, conversation_id)
        c.state, c.closed_at, c.disposition = ConversationState.CLOSED, utcnow(), "referred"
        db.session.commit()
    return conversation_id


def bot_only_earlier(app):
    """An earlier conversation that stayed with the bot: never queued, never meant to be read."""
    return closed_earlier(
        app, texts=("only the bot heard this",), queued_at=None, queue_reason=None
    )


def opened(app, conversation_id):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == "history_opened",
                AuditEvent.conversation_id == conversation_id,
            )
        ).all()


@pytest.mark.parametrize("role", ["staff", "supervisor", "admin"])
def test_an_earlier_conversation_with_the_bot_only_does_not_open(app, signed_in, role):
    earlier = bot_only_earlier(app)
    current = escalation(app, PHONE, texts=("hello again",))
    browser = signed_in(role)

    page = browser.get(f"/console/conversations/{current}").get_data(as_text=True)
    assert f'data-conversation="{earlier}"' not in page
    assert f"/earlier/{earlier}" not in page
    assert "1 earlier conversation with the bot only." in page

    response = browser.get(f"/console/conversations/{current}/earlier/{earlier}")
    assert response.status_code == 404
    assert "only the bot heard this" not in response.get_data(as_text=True)
    assert opened(app, earlier) == []
    assert audit_actions(app, earlier) == []


def test_an_earlier_conversation_that_reached_staff_opens_and_is_audited(app, signed_in, staff_ids):
    # A colleague's: supervisors may open it; and one that was Sam's own, for Sam.
    theirs = closed_earlier(app, texts=("with a colleague",))
    own = closed_earlier(app, texts=("with Sam",), assigned_staff_id=staff_ids["staff"])
    current = escalation(app, PHONE, texts=("hello again",), risk=RiskLevel.HIGH)

    supervisor = signed_in("supervisor")
    response = supervisor.get(f"/console/conversations/{current}/earlier/{theirs}")
    assert response.status_code == 200 and "with a colleague" in response.get_data(as_text=True)
    assert (f"staff:{staff_ids['supervisor']}", "history_opened") in audit_actions(app, theirs)
    assert opened(app, theirs) == [{"from_conversation": current}]

    staff = signed_in("staff")
    page = staff.get(f"/console/conversations/{current}").get_data(as_text=True)
    assert f"/console/conversations/{current}/earlier/{own}" in page
    response = staff.get(f"/console/conversations/{current}/earlier/{own}")
    assert response.status_code == 200 and "with Sam" in response.get_data(as_text=True)
    assert (f"staff:{staff_ids['staff']}", "history_opened") in audit_actions(app, own)


def test_staff_open_earlier_conversations_only_as_they_would_open_them_directly(
    app, signed_in, staff_ids
):
    """Staff see the waiting conversations and their own: a colleague's closed one is listed
    (metadata only) but does not open from the history either."""
    other = make_staff(app, "cat", "staff")
    theirs = closed_earlier(app, texts=("with a colleague",), assigned_staff_id=other)
    current = escalation(app, PHONE, texts=("hello again",))
    staff = signed_in("staff")

    assert staff.get(f"/console/conversations/{theirs}").status_code == 403
    page = staff.get(f"/console/conversations/{current}").get_data(as_text=True)
    assert f'data-conversation="{theirs}"' in page
    assert f"/earlier/{theirs}" not in page
    response = staff.get(f"/console/conversations/{current}/earlier/{theirs}")
    assert response.status_code == 404
    assert "with a colleague" not in response.get_data(as_text=True)
    assert opened(app, theirs) == []
