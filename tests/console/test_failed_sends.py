"""A staff message that fails for good shows on the conversation, with the reason."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.conftest import signed_post
from tests.console.helpers import escalation
from tests.fakes import TwilioRecorder
from webhooks.extensions import db
from webhooks.models import Author, Message
from webhooks.services import outbound


@pytest.fixture
def recorder() -> Iterator[TwilioRecorder]:
    recorder = TwilioRecorder()
    recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture
def app(make_app, recorder, monkeypatch):
    monkeypatch.setattr(outbound, "BACKOFF_FIRST", 0.01)
    return make_app(
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_FROM_NUMBER="+15550001111",
        TWILIO_API_BASE_URL=recorder.url,
        TWILIO_SEND_TIMEOUT_SECONDS=1.5,  # the recorder hangs 3 s; room for a loaded machine
    )


def _claimed(app, browser) -> int:
    conversation_id = escalation(app)
    assert browser.post(f"/console/conversations/{conversation_id}/claim").status_code == 302
    return conversation_id


def _transcript(browser, conversation_id: int) -> str:
    return browser.get(f"/console/conversations/{conversation_id}/transcript").get_data(
        as_text=True
    )


def test_an_opted_out_number_at_twilio_shows_on_the_conversation(app, signed_in, recorder):
    recorder.failures = [(400, 21610)]
    browser = signed_in("staff")
    conversation_id = _claimed(app, browser)
    response = browser.post(f"/console/conversations/{conversation_id}/reply", {"body": "Hi"})
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not delivered: the number has opted out at Twilio" in page
    assert 'id="refusal"' in page  # and nobody can try again
    html = _transcript(browser, conversation_id)
    assert 'id="undelivered"' in html and "error 21610" in html and "status-failed" in html
    assert len(recorder.creates) == 1  # a 4xx is not retried


def test_a_provider_that_never_answers_shows_after_the_last_attempt(app, signed_in, recorder):
    recorder.failures = [503, 503, 503]
    browser = signed_in("staff")
    conversation_id = _claimed(app, browser)
    browser.post(f"/console/conversations/{conversation_id}/reply", {"body": "Hi"})
    html = _transcript(browser, conversation_id)
    assert "every attempt" in html and len(recorder.creates) == 3 and not recorder.created


def test_undelivered_later_by_the_carrier_shows_too(app, signed_in, recorder):
    browser = signed_in("staff")
    conversation_id = _claimed(app, browser)
    browser.post(f"/console/conversations/{conversation_id}/reply", {"body": "Hi"})
    assert 'id="undelivered"' not in _transcript(browser, conversation_id)
    with app.app_context():
        message = db.session.scalars(select(Message).where(Message.author == Author.STAFF)).one()
        sid, message_id = message.twilio_sid, message.id
    form = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    path = f"/webhooks/twilio/status?m={message_id}"
    assert signed_post(app.test_client(), path, form).status_code == 204
    html = _transcript(browser, conversation_id)
    assert 'id="undelivered"' in html and "switched off" in html and "error 30003" in html
