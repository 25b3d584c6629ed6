"""Handing a texter to staff: a language we do not speak sets the texter's interpreter flag."""

from __future__ import annotations

from sqlalchemy import select

from tests.console.helpers import escalation
from webhooks.extensions import db
from webhooks.models import AuditEvent, Conversation, ConversationState
from webhooks.models.base import utcnow
from webhooks.services.escalation import hand_to_staff

PHONE = "+15551230001"


def said_yes_in(app, language: str | None, other_language: str | None, phone: str = PHONE) -> int:
    """A conversation with the bot where the texter said yes to a person."""
    conversation_id = escalation(
        app, phone, language=language, state=ConversationState.WITH_BOT, queued_at=None
    )
    with app.app_context():
        conversation = db.session.get(Conversation, conversation_id)
        conversation.other_language = other_language
        hand_to_staff(conversation)
        db.session.commit()
    return conversation_id


def flag_events(app, conversation_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (e.actor, e.detail["flag"])
            for e in db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.conversation_id == conversation_id, AuditEvent.action == "flag_set"
                )
            )
        ]


def test_needing_an_interpreter_flags_the_texter_for_later_conversations(app, signed_in):
    first = said_yes_in(app, language=None, other_language="uk")
    with app.app_context():
        conversation = db.session.get(Conversation, first)
        assert conversation.needs_interpreter is True
        assert conversation.texter.flags == ["interpreter"]
        conversation.state, conversation.closed_at = ConversationState.CLOSED, utcnow()
        db.session.commit()
    assert flag_events(app, first) == [("system", "interpreter")]

    later = said_yes_in(app, language="en", other_language=None)
    page = signed_in("staff").get(f"/console/conversations/{later}").get_data(as_text=True)
    assert 'data-flag="interpreter">Needs an interpreter' in page
    with app.app_context():
        assert db.session.get(Conversation, later).needs_interpreter is False

    again = said_yes_in(app, language=None, other_language="uk")
    assert flag_events(app, again) == []  # already flagged: not set (nor audited) twice


def test_a_language_we_speak_flags_nothing(app):
    conversation_id = said_yes_in(app, language="es", other_language=None)
    with app.app_context():
        conversation = db.session.get(Conversation, conversation_id)
        assert conversation.needs_interpreter is False and conversation.texter.flags == []
    assert flag_events(app, conversation_id) == []
