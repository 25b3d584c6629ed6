"""WhatsApp on the same webhook: `whatsapp:` senders are texters like any other (signed
webhooks, hashed and encrypted, keywords), replies go back on WhatsApp, the 24-hour window."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import LargeBinary, select, type_coerce

from tests.conftest import Phone
from tests.console.test_conversation import claimed
from tests.fakes import TwilioRecorder, english
from webhooks.crypto import vault
from webhooks.extensions import db
from webhooks.models import AuditEvent, Conversation, Texter
from webhooks.models.base import utcnow
from webhooks.services.texters import find_texter

WHATSAPP = "whatsapp:+15553334444"


@pytest.fixture
def recorder() -> Iterator[TwilioRecorder]:
    recorder = TwilioRecorder()
    recorder.start()
    yield recorder
    recorder.stop()


def test_a_whatsapp_sender_is_a_texter_hashed_and_encrypted_like_any_other(app, client):
    phone = Phone(client, WHATSAPP)
    response = phone.send("hello")
    assert phone.replies(response) == [english("utter_about")]
    # TwiML replies carry no "to": Twilio answers on the channel the message came in on.
    assert all("to" not in m.attrib for m in ET.fromstring(response.data).iter("Message"))
    with app.app_context():
        texter = find_texter(WHATSAPP)
        assert texter is not None and texter.channel == "whatsapp"
        assert texter.phone_hash == vault.lookup_hash(WHATSAPP)
        raw = db.session.scalar(select(type_coerce(Texter.__table__.c.phone, LargeBinary)))
        assert b"3334444" not in bytes(raw) and b"whatsapp" not in bytes(raw)
        assert texter.masked_phone == "•••• 4444"
        # The same number by SMS is a different thread (and a different hash).
        assert find_texter("+15553334444") is None


def test_keywords_work_on_whatsapp(app, client):
    phone = Phone(client, WHATSAPP)
    phone.send("hello")
    (stop,) = phone.replies(phone.send("STOP"))
    assert "START" in stop
    with app.app_context():
        assert find_texter(WHATSAPP).opted_out is True
    assert phone.replies(phone.send("hello again")) == []  # nothing to an opted-out texter


def test_staff_replies_go_out_on_whatsapp_without_segment_counting(make_app, recorder):
    app = make_app(
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_FROM_NUMBER="+15550001111",
        TWILIO_WHATSAPP_FROM="whatsapp:+15550002222",
        TWILIO_API_BASE_URL=recorder.url,
    )
    from tests.console.conftest import Console
    from tests.console.helpers import make_staff

    staff = Console(app, app.test_client(), make_staff(app, "wan", "staff"))
    conversation_id = claimed(app, staff, phone=WHATSAPP)
    response = staff.post(f"/console/conversations/{conversation_id}/reply", {"body": "Hello"})
    assert response.status_code == 302
    (sent,) = [r.form() for r in recorder.requests if r.method == "POST"]
    assert sent["To"] == [WHATSAPP] and sent["From"] == ["whatsapp:+15550002222"]
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "staff_replied")
        ).one()
        assert event.detail["segments"] is None  # SMS segments mean nothing on WhatsApp


def test_whatsapp_from_defaults_to_the_sms_number(make_app, recorder):
    app = make_app(
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_FROM_NUMBER="+15550001111",
        TWILIO_API_BASE_URL=recorder.url,
    )
    Phone(app.test_client(), WHATSAPP).send("hello")
    Phone(app.test_client(), "+15556667777").send("hello")
    from webhooks.services.outbound import sender_for

    with app.app_context():
        whatsapp, sms = db.session.scalars(select(Conversation).order_by(Conversation.id))
        assert sender_for(whatsapp) == "whatsapp:+15550001111"
        assert sender_for(sms) == "+15550001111"


def test_outside_the_24_hour_window_staff_replies_are_refused_with_the_reason(app, signed_in):
    staff = signed_in("staff")
    conversation_id = claimed(app, staff, phone=WHATSAPP)
    with app.app_context():
        db.session.get(Conversation, conversation_id).texter.last_inbound_at = utcnow() - timedelta(
            hours=25
        )
        db.session.commit()
    page = staff.get(f"/console/conversations/{conversation_id}").get_data(as_text=True)
    assert "replies are allowed only within 24 hours" in page and 'id="reply-body"' not in page
    # Even a forced post (the silence override included) is refused, and nothing is stored.
    refused = staff.post(
        f"/console/conversations/{conversation_id}/reply",
        {"body": "Hello", "override_silence": "1"},
    )
    assert refused.status_code == 409
    assert "within 24 hours" in refused.get_data(as_text=True)
    with app.app_context():
        c = db.session.get(Conversation, conversation_id)
        assert not [m for m in c.messages if m.direction.value == "outbound"]


def test_inside_the_window_a_whatsapp_reply_is_sent(app, signed_in):
    staff = signed_in("staff")
    conversation_id = claimed(app, staff, phone=WHATSAPP)
    response = staff.post(f"/console/conversations/{conversation_id}/reply", {"body": "Hi"})
    assert response.status_code == 302
    page = staff.get(f"/console/conversations/{conversation_id}").get_data(as_text=True)
    assert "WhatsApp" in page and "simulated" in page
