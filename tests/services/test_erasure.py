"""DELETE and purge erase outside our database too: the engine's tracker and Twilio's copies
of every message and its media, retried until done, after the texter's reply has gone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import Phone, signed_post
from tests.fakes import TwilioRecorder
from webhooks.extensions import db
from webhooks.models import (
    Conversation,
    ErasureJob,
    ErasureKind,
    Message,
    Texter,
    Tombstone,
)
from webhooks.models.base import utcnow
from webhooks.services import erasure

NUMBER = "+15553334444"
HOTLINE = "+15550001111"


@pytest.fixture
def recorder() -> Iterator[TwilioRecorder]:
    recorder = TwilioRecorder()
    recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture
def twilio_app(make_app, recorder):
    return make_app(
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_FROM_NUMBER=HOTLINE,
        TWILIO_API_BASE_URL=recorder.url,
        SIMULATOR_ENABLED=False,
    )


def _text(app, recorder, body, sid, media=0):
    """The texter texts; Twilio keeps its copy (and one of our TwiML reply, SID unknown)."""
    recorder.add(sid, to=HOTLINE, from_=NUMBER, media=media)
    recorder.add("SMreply" + sid[2:12], to=NUMBER, from_=HOTLINE)
    return Phone(app.test_client(), NUMBER).send(body, sid=sid, NumMedia=str(media))


def _jobs(app) -> list[ErasureJob]:
    with app.app_context():
        jobs = list(db.session.scalars(select(ErasureJob).order_by(ErasureJob.id)))
        db.session.expunge_all()
        return jobs


def test_delete_erases_twilios_copies_and_media_after_the_reply(twilio_app, recorder):
    _text(twilio_app, recorder, "hello", "SM" + "a" * 32)
    _text(twilio_app, recorder, "look at this", "SM" + "b" * 32, media=2)
    assert len(recorder.held_for(NUMBER)) == 4
    recorder.add("SMother" + "0" * 27, to="+15559990000", from_=HOTLINE)  # someone else's

    client = twilio_app.test_client()
    form = {"MessageSid": "SM" + "c" * 32, "From": NUMBER, "To": HOTLINE, "Body": "DELETE"}
    recorder.add(form["MessageSid"], to=HOTLINE, from_=NUMBER)
    response = signed_post_open(client, form)
    # The reply is complete before Twilio has been asked anything.
    assert "erased" in Phone(client).replies(response)[0]
    assert recorder.deletes == []
    with twilio_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0
    response.close()  # the server has sent the reply: the queued erasure starts now
    assert recorder.deletes  # (a few jobs, briefly: cron's erase-pending does the rest)
    twilio_app.test_cli_runner().invoke(args=["erase-pending"])

    assert recorder.held_for(NUMBER) == []
    assert "SMother" + "0" * 27 in recorder.messages
    media_deletes = [path for path in recorder.deletes if "/Media/" in path]
    assert len(media_deletes) == 2
    assert _jobs(twilio_app) == []


def signed_post_open(client, form):
    """A signed webhook post whose response is not closed yet (the reply still in flight)."""
    from twilio.request_validator import RequestValidator

    from tests.conftest import AUTH_TOKEN

    url = "http://localhost/webhooks/twilio/sms"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
    return client.post("/webhooks/twilio/sms", data=form, headers={"X-Twilio-Signature": signature})


def test_twilio_refusals_are_retried_until_done(twilio_app, recorder, runner):
    _text(twilio_app, recorder, "hello", "SM" + "a" * 32)
    recorder.refuse_deletes = 100  # Twilio is still sending, or down
    reply = Phone(twilio_app.test_client(), NUMBER).replies(
        Phone(twilio_app.test_client(), NUMBER).send("DELETE")
    )
    assert "erased" in reply[0]
    pending = [j for j in _jobs(twilio_app) if j.kind is not ErasureKind.TRACKER]
    assert pending and all(j.attempts == 1 and j.next_attempt_at > utcnow() for j in pending)
    assert all(j.last_error for j in pending)
    assert recorder.held_for(NUMBER)

    recorder.refuse_deletes = 0
    with twilio_app.app_context():  # later: the retry is due
        db.session.execute(update(ErasureJob).values(next_attempt_at=utcnow()))
        db.session.commit()
    result = twilio_app.test_cli_runner().invoke(args=["erase-pending"])
    assert "0 pending" in result.output, [(j.target, j.last_error) for j in _jobs(twilio_app)]
    assert recorder.held_for(NUMBER) == []


def test_the_engines_tracker_is_erased_in_memory_after_the_reply(app, phone, fake_engine):
    phone.send("hello")
    with app.app_context():
        engine_id = db.session.scalar(select(Conversation.engine_id))
    phone.send("DELETE")
    (put,) = [r for r in fake_engine.requests if r.method == "PUT"]
    assert put.path == f"/conversations/{engine_id}/tracker/events" and put.json() == []
    assert _jobs(app) == []


def test_an_engine_that_is_down_gets_the_erasure_later(app, phone, fake_engine, runner):
    phone.send("hello")
    fake_engine.status_code = 500
    original = fake_engine.respond
    fake_engine.respond = lambda request: (
        (500, {}) if request.method == "PUT" else original(request)
    )
    assert "erased" in phone.replies(phone.send("DELETE"))[0]
    (job,) = _jobs(app)
    assert job.kind is ErasureKind.TRACKER and job.attempts == 1
    fake_engine.respond = original
    with app.app_context():
        db.session.execute(update(ErasureJob).values(next_attempt_at=utcnow() - timedelta(1)))
        db.session.commit()
        assert erasure.work_pending() == (1, 0)


def test_the_scheduled_tick_retries_a_failed_erasure(app, phone, fake_engine, runner):
    """Nobody need text in again for the engine's copy to go: cron's `flask tick` works the
    queue too."""
    phone.send("hello")
    original = fake_engine.respond
    fake_engine.respond = lambda request: (
        (500, {}) if request.method == "PUT" else original(request)
    )
    phone.send("DELETE")
    assert len(_jobs(app)) == 1
    fake_engine.respond = original
    with app.app_context():
        db.session.execute(update(ErasureJob).values(next_attempt_at=utcnow() - timedelta(1)))
        db.session.commit()
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "erasures done 1" in result.output
    assert _jobs(app) == []


def test_a_block_survives_delete_as_a_tombstone_and_help_stays_silent(app, phone):
    phone.send("hello")
    with app.app_context():
        db.session.execute(update(Texter).values(blocked=True))
        db.session.commit()
    assert phone.replies(phone.send("HELP")) == []  # a blocked number gets no answer
    assert phone.replies(phone.send("DELETE")) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Texter)) == 0
        tombstone = db.session.scalars(select(Tombstone)).one()
        assert tombstone.blocked and not tombstone.opted_out
        columns = {c.name for c in Tombstone.__table__.columns}
        assert columns == {"id", "number_tag", "key_id", "opted_out", "blocked", "created_at"}
    # The number texts again: still blocked, still unanswered.
    assert phone.replies(phone.send("hello again")) == []
    assert phone.replies(phone.send("HELP")) == []
    with app.app_context():
        assert db.session.scalars(select(Texter)).one().blocked


def test_an_opt_out_survives_delete(app, phone, fake_engine):
    phone.send("hello")
    phone.send("STOP")
    phone.send("DELETE")
    before = len(fake_engine.messages)
    assert phone.replies(phone.send("hello")) == []
    assert len(fake_engine.messages) == before
    with app.app_context():
        assert db.session.scalars(select(Texter)).one().opted_out


def test_jobs_hold_no_message_text(twilio_app, recorder):
    _text(twilio_app, recorder, "my secret words", "SM" + "a" * 32)
    recorder.refuse_deletes = 100
    Phone(twilio_app.test_client(), NUMBER).send("DELETE")
    for job in _jobs(twilio_app):
        assert "secret" not in f"{job.target} {job.phone} {job.last_error}"
    assert signed_post  # the helper module stays the one way to post
