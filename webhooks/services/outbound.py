"""Messages we send outside a webhook reply (staff replies): Twilio REST or the local outbox.

Never text first, never to an opted-out or blocked number; after the silence window a send
needs an explicit override (the console warns first).
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from webhooks.extensions import db
from webhooks.models import Author, Conversation, Direction, Message
from webhooks.models.base import utcnow
from webhooks.services.delivery import status_callback_url

log = logging.getLogger(__name__)
TWILIO_API = "https://api.twilio.com"
# WhatsApp accepts free-form messages only within 24 hours of the texter's last message.
WHATSAPP_WINDOW = timedelta(hours=24)


class SendRefused(RuntimeError):
    """The texter must not be texted now; the reason says why."""


class _RedirectingHttpClient(TwilioHttpClient):
    """Sends Twilio REST calls to another base URL (a local recorder in tests)."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def twilio_client() -> Client:
    config = current_app.config
    http_client = (
        _RedirectingHttpClient(config["TWILIO_API_BASE_URL"])
        if config["TWILIO_API_BASE_URL"]
        else None
    )
    return Client(
        config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"], http_client=http_client
    )


def uses_simulator() -> bool:
    return not current_app.config["TWILIO_ACCOUNT_SID"]


def silent_too_long(conversation: Conversation) -> bool:
    last = conversation.texter.last_inbound_at
    window = timedelta(hours=current_app.config["SILENCE_WINDOW_HOURS"])
    return last is None or utcnow() - last > window


def whatsapp_window_closed(conversation: Conversation) -> bool:
    texter = conversation.texter
    if texter.channel != "whatsapp":
        return False
    last = texter.last_inbound_at
    return last is None or utcnow() - last > WHATSAPP_WINDOW


def sender_for(conversation: Conversation) -> str:
    """Our address on the texter's channel: SMS number, or the WhatsApp sender."""
    config = current_app.config
    if conversation.texter.channel == "whatsapp":
        configured = config["TWILIO_WHATSAPP_FROM"] or config["TWILIO_FROM_NUMBER"]
        return configured if configured.startswith("whatsapp:") else "whatsapp:" + configured
    return str(config["TWILIO_FROM_NUMBER"])


def send_text(
    conversation: Conversation,
    body: str,
    author: Author = Author.STAFF,
    staff_user_id: int | None = None,
    override_silence: bool = False,
) -> Message:
    texter = conversation.texter
    if texter.opted_out:
        raise SendRefused("the texter has opted out (STOP)")
    if texter.blocked:
        raise SendRefused("this number is blocked")
    if whatsapp_window_closed(conversation):
        # Not overridable: WhatsApp itself refuses, and only the texter can reopen the window.
        raise SendRefused(
            "WhatsApp allows replies only within 24 hours of the texter's last message; "
            "the texter has to write first"
        )
    if silent_too_long(conversation) and not override_silence:
        raise SendRefused("the texter has been silent longer than the silence window")
    message = Message(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        author=author,
        body=body,
        staff_user_id=staff_user_id,
        status="queued",
    )
    db.session.add(message)
    db.session.flush()
    if uses_simulator():
        message.twilio_sid = "SM" + secrets.token_hex(16)
        message.status = "simulated"
    else:
        config = current_app.config
        base = config["HOTLINE_PUBLIC_URL"]
        sent = twilio_client().messages.create(
            to=texter.phone,
            from_=sender_for(conversation),
            body=body,
            status_callback=status_callback_url(message.id, base) if base else None,
        )
        message.twilio_sid = sent.sid
        message.status = sent.status or "queued"
    message.status_at = utcnow()
    return message
