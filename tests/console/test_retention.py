"""`flask purge`: conversations inactive for longer than the retention period go, whatever their
state, with their notes, screening answers, the engine's tracker and Twilio's copies; the ones
still with staff are shown to supervisors before."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from tests.console.helpers import escalation
from webhooks.extensions import db
from webhooks.models import (
    Conversation,
    ConversationState,
    ErasureJob,
    ErasureKind,
    Message,
    Note,
    ScreeningAnswer,
    Texter,
    Tombstone,
)
from webhooks.models.base import utcnow
from webhooks.services.texters import find_or_create_texter


def aged(app, phone, days_ago, state=ConversationState.CLOSED, **fields):
    """A conversation whose last message is ``days_ago`` old, with a note and an answer."""
    conversation_id = escalation(app, phone, state=state, **fields)
    then = utcnow() - timedelta(days=days_ago)
    with app.app_context():
        conversation = db.session.get(Conversation, conversation_id)
        conversation.created_at = then
        if state is ConversationState.CLOSED:
            conversation.closed_at = then
        db.session.execute(
            update(Message)
            .where(Message.conversation_id == conversation_id)
            .values(created_at=then)
        )
        db.session.add(Note(conversation_id=conversation_id, body="note"))
        db.session.add(
            ScreeningAnswer(conversation_id=conversation_id, question="id_taken", answer="yes")
        )
        db.session.commit()
    return conversation_id


def purge(app, *args):
    """As `flask purge` runs it: inside the application's context."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["purge", *args])


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_purge_goes_by_last_activity_whatever_the_state(app):
    old = {
        state: aged(app, f"+1555000000{i}", days_ago=120, state=state)
        for i, state in enumerate(ConversationState)
    }
    recent = aged(app, "+15550000009", days_ago=10, state=ConversationState.WITH_BOT)
    result = purge(app)
    assert result.exit_code == 0 and f"purged {len(old)} conversations" in result.output
    with app.app_context():
        assert set(db.session.scalars(select(Conversation.id))) == {recent}
        assert set(db.session.scalars(select(Message.conversation_id))) == {recent}
        assert set(db.session.scalars(select(Note.conversation_id))) == {recent}
        assert set(db.session.scalars(select(ScreeningAnswer.conversation_id))) == {recent}
    assert count(app, Texter) == 1  # the old conversations' texters had nothing else


def test_an_old_conversation_with_a_recent_message_stays(app):
    conversation_id = aged(app, "+15550000001", days_ago=120, state=ConversationState.WITH_BOT)
    with app.app_context():
        newest = db.session.scalars(
            select(Message).where(Message.conversation_id == conversation_id)
        ).first()
        newest.created_at = utcnow() - timedelta(days=1)
        db.session.commit()
    assert "purged 0" in purge(app).output


def test_purge_window_is_an_option(app):
    aged(app, "+15550000001", days_ago=10)
    assert "purged 0" in purge(app, "--days", "30").output
    assert "purged 1" in purge(app, "--days", "7").output
    assert count(app, Conversation) == count(app, Note) == 0


def test_purge_default_comes_from_configuration(make_app):
    app = make_app(RETENTION_DAYS=5)
    aged(app, "+15550000001", days_ago=6)
    result = purge(app)
    assert "purged 1 conversations inactive for more than 5 days" in result.output


def test_purge_queues_the_engines_tracker_for_erasure(app):
    conversation_id = aged(app, "+15550000001", days_ago=120)
    with app.app_context():
        engine_id = db.session.get(Conversation, conversation_id).engine_id
    purge(app)
    with app.app_context():
        jobs = db.session.scalars(select(ErasureJob)).all()
        assert [(j.kind, j.target) for j in jobs] == [(ErasureKind.TRACKER, engine_id)]


def test_a_purged_opt_out_survives_as_a_tombstone(app):
    aged(app, "+15550000001", days_ago=120)
    with app.app_context():
        db.session.execute(update(Texter).values(opted_out=True, opted_out_at=utcnow()))
        db.session.commit()
    purge(app)
    assert count(app, Texter) == 0 and count(app, Tombstone) == 1
    with app.app_context():
        tombstone = db.session.scalars(select(Tombstone)).one()
        assert "5550000001" not in tombstone.number_tag and tombstone.opted_out
        again = find_or_create_texter("+15550000001")
        db.session.commit()
        assert again.opted_out and not again.blocked


def test_conversations_with_staff_near_the_limit_are_shown_to_supervisors(app, signed_in):
    near = aged(app, "+15550000001", days_ago=85, state=ConversationState.WAITING_FOR_STAFF)
    aged(app, "+15550000002", days_ago=10, state=ConversationState.WAITING_FOR_STAFF)
    aged(app, "+15550000003", days_ago=85, state=ConversationState.WITH_BOT)
    page = signed_in("supervisor").get("/console/").get_data(as_text=True)
    assert "Purged soon" in page
    section = page.split("Purged soon", 1)[1]
    assert section.count("data-conversation=") == 1
    assert f'data-conversation="{near}"' in section
    assert "Purged soon" not in signed_in("staff").get("/console/").get_data(as_text=True)


def test_a_texters_delete_erases_staff_notes_too(app, phone):
    phone.send("hello")
    with app.app_context():
        conversation_id = db.session.scalar(select(Conversation.id))
        db.session.add(Note(conversation_id=conversation_id, body="about them"))
        db.session.commit()
    phone.send("DELETE")
    assert count(app, Conversation) == 0
    assert count(app, Note) == 0
