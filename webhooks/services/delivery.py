"""Delivery status of outbound messages, from Twilio's status callbacks."""

from __future__ import annotations

import logging

from sqlalchemy import select

from webhooks.extensions import db
from webhooks.models import Direction, Message
from webhooks.models.base import utcnow

log = logging.getLogger(__name__)

# Callbacks can arrive out of order: never move a message back to an earlier status.
_ORDER = {
    "queued": 0,
    "accepted": 0,
    "scheduled": 0,
    "sending": 1,
    "sent": 2,
    "simulated": 2,
    "delivered": 3,
    "read": 4,
    "undelivered": 3,
    "failed": 3,
    "canceled": 3,
}


def status_callback_url(message_id: int, base: str) -> str:
    """Where Twilio reports this message's delivery; the id rides in the signed URL."""
    return f"{base}/webhooks/twilio/status?m={message_id}"


def record_status(sid: str, status: str, error_code: str | None, message_id: int | None) -> bool:
    message = None
    if message_id is not None:
        message = db.session.get(Message, message_id)
    if message is None:
        message = db.session.scalar(select(Message).where(Message.twilio_sid == sid))
    if message is None or message.direction is not Direction.OUTBOUND:
        log.info("status callback for a message we do not know; ignored")
        return False
    if message.twilio_sid is None:
        message.twilio_sid = sid  # a TwiML reply learns its SID from its first callback
    if _ORDER.get(status, 0) >= _ORDER.get(message.status or "queued", 0):
        message.status = status
        message.error_code = error_code or None
        message.status_at = utcnow()
    db.session.commit()
    return True
