"""POST /webhooks/twilio/status: signed delivery callbacks update outbound messages."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import signed_post
from webhooks.extensions import db
from webhooks.models import Direction, Message


def _reply_id(app) -> int:
    with app.app_context():
        return db.session.scalars(
            select(Message.id).where(Message.direction == Direction.OUTBOUND)
        ).first()


def _status(client, message_id, sid, status, **extra):
    path = f"/webhooks/twilio/status?m={message_id}"
    form = {"MessageSid": sid, "MessageStatus": status, **extra}
    return signed_post(client, path, form, url=f"http://localhost{path}")


def test_status_callbacks_record_delivery_and_never_go_backwards(app, client, phone):
    phone.send("hello")
    message_id = _reply_id(app)
    assert _status(client, message_id, "SMreply1", "sent").status_code == 204
    assert _status(client, message_id, "SMreply1", "delivered").status_code == 204
    assert _status(client, message_id, "SMreply1", "sent").status_code == 204  # late arrival
    with app.app_context():
        message = db.session.get(Message, message_id)
        assert message.status == "delivered" and message.twilio_sid == "SMreply1"


def test_failed_delivery_keeps_the_error_code(app, client, phone):
    phone.send("hello")
    message_id = _reply_id(app)
    _status(client, message_id, "SMreply2", "undelivered", ErrorCode="30003")
    with app.app_context():
        assert db.session.get(Message, message_id).error_code == "30003"


def test_unsigned_status_is_refused(app, client, phone):
    phone.send("hello")
    response = client.post(
        "/webhooks/twilio/status", data={"MessageSid": "x", "MessageStatus": "delivered"}
    )
    assert response.status_code == 403


def test_status_for_an_unknown_message_is_accepted_and_ignored(client):
    assert _status(client, 999, "SMunknown", "delivered").status_code == 204


def test_status_without_fields_is_a_400(client):
    path = "/webhooks/twilio/status"
    assert signed_post(client, path, {"MessageSid": "SM1"}).status_code == 400
