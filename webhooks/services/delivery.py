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


# A message in one of these states did not reach the texter and never will.
NOT_DELIVERED = ("failed", "undelivered")
# What staff read beside a message that did not arrive (Twilio's error codes, and our own
# reasons when Twilio never took it).
_FAILURES = {
    "21610": "the number has opted out at Twilio (it texted STOP); nothing more can be sent",
    "21211": "Twilio says this is not a valid phone number",
    "21614": "this number cannot receive SMS",
    "30003": "the phone is switched off or out of reach",
    "30004": "the texter's carrier blocked the message",
    "30005": "the number is unknown or no longer in service",
    "30006": "a landline, or a carrier that cannot be reached",
    "30007": "the carrier filtered the message as spam",
    "30008": "the carrier could not deliver it",
    "timeout": "the SMS provider did not answer in time, every attempt",
    "connection": "the SMS provider could not be reached, every attempt",
}


def explain_failure(error_code: str | None) -> str:
    """Why a message did not arrive, in staff's words."""
    if error_code in _FAILURES:
        return _FAILURES[error_code]
    if error_code and error_code.startswith("http_"):
        return "the SMS provider failed (HTTP " + error_code[5:] + "), every attempt"
    return f"Twilio error {error_code}" if error_code else "no reason given"


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
