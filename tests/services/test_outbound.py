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
        assert message.twilio_sid in recorder.messages and message.status == "queued"
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
