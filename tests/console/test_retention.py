"""`flask purge`: conversations closed more than N days ago go, with their notes; the rest stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.console.helpers import escalation
from webhooks.extensions import db
from webhooks.models import Conversation, ConversationState, Message, Note, Texter
from webhooks.models.base import utcnow


def closed(app, phone, days_ago):
    conversation_id = escalation(app, phone, state=ConversationState.CLOSED)
    with app.app_context():
        conversation = db.session.get(Conversation, conversation_id)
        conversation.closed_at = utcnow() - timedelta(days=days_ago)
        db.session.add(Note(conversation_id=conversation_id, body="note"))
        db.session.commit()
    return conversation_id


def purge(app, *args):
    """As `flask purge` runs it: inside the application's context."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["purge", *args])


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_purge_removes_old_closed_conversations_and_keeps_recent_ones(app):
    old = closed(app, "+15550000001", days_ago=120)
    recent = closed(app, "+15550000002", days_ago=10)
    still_open = escalation(app, "+15550000003")
    result = purge(app)
    assert result.exit_code == 0 and "purged 1 conversations" in result.output
    with app.app_context():
        remaining = set(db.session.scalars(select(Conversation.id)))
    assert remaining == {recent, still_open}
    assert old not in remaining
    assert count(app, Texter) == 2  # the old conversation's texter had nothing else
    assert count(app, Note) == 1


def test_purge_erases_the_old_conversations_messages(app):
    # Conversation.messages leaves the rows to ON DELETE CASCADE, which SQLite enforces only
    # with PRAGMA foreign_keys (turned on for every SQLite connection in extensions.py).
    closed(app, "+15550000001", days_ago=120)
    recent = closed(app, "+15550000002", days_ago=10)
    purge(app)
    with app.app_context():
        left = set(db.session.scalars(select(Message.conversation_id)))
    assert left == {recent}


def test_purge_window_is_an_option(app):
    closed(app, "+15550000001", days_ago=10)
    assert "purged 0" in purge(app, "--days", "30").output
    assert "purged 1" in purge(app, "--days", "7").output
    assert count(app, Conversation) == count(app, Note) == 0


def test_purge_default_comes_from_configuration(make_app):
    app = make_app(RETENTION_DAYS=5)
    closed(app, "+15550000001", days_ago=6)
    result = purge(app)
    assert "purged 1 conversations closed more than 5 days ago" in result.output


def test_a_texters_delete_erases_staff_notes_too(app, phone):
    phone.send("hello")
    with app.app_context():
        conversation_id = db.session.scalar(select(Conversation.id))
        db.session.add(Note(conversation_id=conversation_id, body="about them"))
        db.session.commit()
    phone.send("DELETE")
    assert count(app, Conversation) == 0
    assert count(app, Note) == 0
