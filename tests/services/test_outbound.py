"""Staff messages through Twilio's REST API (to a local recorder) or the simulator outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import Phone
from tests.fakes import TwilioRecorder
from webhooks.extensions import db
from webhooks.models import Author, Conversation
from webhooks.models.base import utcnow
from webhooks.services import outbound
from webhooks.services.outbound import SendRefused, send_text


@pytest.fixture
def recorder() -> Iterator[TwilioRecorder]:
    recorder = TwilioRecorder()
    recorder.start()
    yield recorder
    recorder.stop()


def _conversation(app) -> Conversation:
    return db.session.scalars(select(Conversation)).one()


def test_staff_reply_goes_through_twilio_rest(make_app, recorder):
    app = make_app(
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_FROM_NUMBER="+15550001111",
        TWILIO_API_BASE_URL=recorder.url,
        HOTLINE_PUBLIC_URL="https://hotline.example.org",
    )
    Phone(app.test_client(), "+15553334444").send("hello")
    with app.app_context():
        message = send_text(
            _conversation(app), "Hello, this is Sam.", Author.STAFF, staff_user_id=7
        )
        db.session.commit()
        assert message.twilio_sid == recorder.created[0]["sid"] and message.status == "queued"
    (request,) = [r for r in recorder.requests if r.method == "POST"]
    assert request.path == f"/2010-04-01/Accounts/AC{'1' * 32}/Messages.json"
    form = request.form()
    assert form["To"] == ["+15553334444"] and form["Body"] == ["Hello, this is Sam."]
    assert form["StatusCallback"][0].startswith(
        "https://hotline.example.org/webhooks/twilio/status?m="
    )
    assert request.headers["Authorization"].startswith("Basic ")


def test_never_to_an_opted_out_texter(app, phone):
    phone.send("hello")
    phone.send("STOP")
    with app.app_context(), pytest.raises(SendRefused, match="opted out"):
        send_text(_conversation(app), "hi")


def test_not_after_the_silence_window_without_an_override(app, phone):
    phone.send("hello")
    with app.app_context():
        conversation = _conversation(app)
        conversation.texter.last_inbound_at = utcnow() - timedelta(hours=30)
        with pytest.raises(SendRefused, match="silent"):
            send_text(conversation, "are you there?")
        assert (
            send_text(conversation, "are you there?", override_silence=True).status == "simulated"
        )


@pytest.fixture
def rest_app(make_app, recorder, monkeypatch):
    monkeypatch.setattr(outbound, "BACKOFF_FIRST", 0.01)
    # Generous against a loaded machine (a 0.5 s budget timed out on a plain 400 in CI, and the
    # retry it caused looked like a retried opt-out); "hang" answers well after it.
    recorder.hang_seconds = 4.0
    app = make_app(
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_FROM_NUMBER="+15550001111",
        TWILIO_API_BASE_URL=recorder.url,
        TWILIO_SEND_TIMEOUT_SECONDS=2.0,
    )
    Phone(app.test_client(), "+15553334444").send("hello")
    return app


def _send(app, body="Hello, this is Sam."):
    with app.app_context():
        message = send_text(_conversation(app), body, Author.STAFF)
        db.session.commit()
        return message.status, message.error_code, message.twilio_sid


def test_a_5xx_is_retried_and_sent_once(rest_app, recorder):
    recorder.failures = [503]
    status, _, sid = _send(rest_app)
    assert len(recorder.creates) == 2 and len(recorder.created) == 1
    assert status == "queued" and sid == recorder.created[0]["sid"]


def test_a_timeout_that_hid_a_success_is_not_sent_again(rest_app, recorder):
    recorder.failures = ["hang"]
    status, _, sid = _send(rest_app)
    # Twilio created the message while we timed out: we found it instead of sending it again.
    assert len(recorder.creates) == 1 and len(recorder.created) == 1
    assert status == "queued" and sid == recorder.created[0]["sid"]


def test_a_timeout_that_sent_nothing_is_retried(rest_app, recorder):
    recorder.failures = ["hang-fail"]
    status, _, sid = _send(rest_app)
    assert len(recorder.creates) == 2 and len(recorder.created) == 1
    assert status == "queued" and sid == recorder.created[0]["sid"]


def test_an_earlier_message_with_the_same_words_is_not_mistaken_for_the_lost_one(
    rest_app, recorder
):
    assert _send(rest_app, "ok")[0] == "queued"
    recorder.failures = ["hang-fail"]
    status, _, sid = _send(rest_app, "ok")
    assert len(recorder.created) == 2 and sid == recorder.created[1]["sid"]


def test_every_attempt_failing_stores_the_message_as_failed(rest_app, recorder):
    recorder.failures = [500, 502, 503]
    status, error, sid = _send(rest_app)
    assert len(recorder.creates) == 3 and not recorder.created
    assert status == "failed" and error == "http_503" and sid is None


def test_an_opted_out_number_at_twilio_is_not_retried_and_shows_why(rest_app, recorder):
    recorder.failures = [(400, 21610)]
    status, error, _ = _send(rest_app)
    assert len(recorder.creates) == 1
    assert status == "failed" and error == "21610"
    with rest_app.app_context():
        assert _conversation(rest_app).texter.opted_out  # nobody tries again
        with pytest.raises(SendRefused, match="opted out"):
            send_text(_conversation(rest_app), "hi")
