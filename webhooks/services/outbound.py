"""Messages we send outside a webhook reply (staff replies): Twilio REST or the local outbox.

Never text first, never to an opted-out or blocked number; after the silence window a send
needs an explicit override (the console warns first).

Twilio's side of failure: a 5xx, a 429 or a timeout is retried with backoff, but never blindly:
a timeout (or a 5xx) may hide a message Twilio did create, so before each retry we ask Twilio
for the messages it holds to this number and adopt one with this body that no other message of
ours owns. A send that fails for good (a 4xx such as 21610, the number opted out at Twilio; or
every attempt used) is stored with status ``failed`` and Twilio's error code, so the console
shows it on the conversation.
"""

from __future__ import annotations

import logging
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

import requests
from flask import current_app
from sqlalchemy import select
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from webhooks.extensions import db
from webhooks.metrics import MESSAGES_OUT, SEND_FAILURES, SEND_RETRIES
from webhooks.models import Author, Conversation, Direction, Message
from webhooks.models.base import utcnow
from webhooks.services import audit
from webhooks.services.delivery import status_callback_url

log = logging.getLogger(__name__)
TWILIO_API = "https://api.twilio.com"
# WhatsApp accepts free-form messages only within 24 hours of the texter's last message.
WHATSAPP_WINDOW = timedelta(hours=24)
# Seconds before the second attempt; doubled for each further one.
BACKOFF_FIRST = 0.5
# Twilio: "Attempt to send to unsubscribed recipient" (the texter sent STOP to Twilio itself).
OPTED_OUT_AT_TWILIO = 21610


class SendRefused(RuntimeError):
    """The texter must not be texted now; the reason says why."""


class _RedirectingHttpClient(TwilioHttpClient):
    """Sends Twilio REST calls to another base URL (a local recorder in tests)."""

    def __init__(self, base_url: str, timeout: float | None = None) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


def twilio_client() -> Client:
    """The REST client: every call with a timeout, to the recorder when one is configured."""
    config = current_app.config
    timeout = config["TWILIO_SEND_TIMEOUT_SECONDS"]
    http_client = (
        _RedirectingHttpClient(config["TWILIO_API_BASE_URL"], timeout)
        if config["TWILIO_API_BASE_URL"]
        else TwilioHttpClient(timeout=timeout)
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
        MESSAGES_OUT.labels(author.value, "simulator").inc()
    else:
        _send_over_rest(message, texter.phone, sender_for(conversation), body)
    message.status_at = utcnow()
    return message


def _send_over_rest(message: Message, to: str, from_: str, body: str) -> None:
    """Create the message at Twilio at most once; on lasting failure, store why."""
    config = current_app.config
    client = twilio_client()
    base = config["HOTLINE_PUBLIC_URL"]
    # Twilio's clock and ours differ a little: look back a minute when checking for a copy.
    since = utcnow() - timedelta(minutes=1)
    attempts = max(1, config["TWILIO_SEND_ATTEMPTS"])
    reason = "unknown"
    for attempt in range(1, attempts + 1):
        ambiguous = False
        try:
            sent = client.messages.create(
                to=to,
                from_=from_,
                body=body,
                status_callback=status_callback_url(message.id, base) if base else None,
            )
        except TwilioRestException as exc:
            if exc.status < 500 and exc.status != 429:
                _failed(message, str(exc.code or exc.status), "refused")
                if exc.code == OPTED_OUT_AT_TWILIO:
                    message.conversation.texter.opted_out = True
                    message.conversation.texter.opted_out_at = utcnow()
                    audit.record("system", "opted_out_at_twilio", message.conversation_id)
                return
            reason, ambiguous = f"http_{exc.status}", exc.status != 429
        except (requests.ConnectionError, requests.Timeout) as exc:
            # A timeout or a dropped connection may come after Twilio created the message.
            reason, ambiguous = (
                ("timeout" if isinstance(exc, requests.Timeout) else "connection"),
                True,
            )
        else:
            _sent(message, sent.sid, sent.status)
            return
        log.warning("Twilio send attempt %d of %d failed: %s", attempt, attempts, reason)
        if ambiguous and (sid := _already_created(client, to, from_, body, since)) is not None:
            log.info("the failed attempt had reached Twilio; adopting its message")
            _sent(message, sid, "queued")
            return
        if attempt < attempts:
            SEND_RETRIES.inc()
            time.sleep(BACKOFF_FIRST * 2 ** (attempt - 1))
    _failed(message, None, reason)


def _already_created(client: Client, to: str, from_: str, body: str, since: datetime) -> str | None:
    """The SID of a message Twilio holds to this number with this body that no message of ours
    owns yet, created since the send began; None if there is none (or Twilio cannot say)."""
    try:
        held = client.messages.list(to=to, from_=from_, limit=20)
    except (TwilioRestException, requests.RequestException):
        return None  # cannot tell: the next attempt may send; Twilio's 5xx rarely created one
    candidates = [
        m.sid
        for m in held
        if m.body == body
        and m.sid
        and (m.date_created is None or m.date_created.replace(tzinfo=None) >= since)
    ]
    if not candidates:
        return None
    owned = set(
        db.session.scalars(select(Message.twilio_sid).where(Message.twilio_sid.in_(candidates)))
    )
    return next((sid for sid in candidates if sid not in owned), None)


def _sent(message: Message, sid: str, status: str | None) -> None:
    message.twilio_sid = sid
    message.status = status or "queued"
    MESSAGES_OUT.labels(message.author.value, "rest").inc()


def _failed(message: Message, error_code: str | None, reason: str) -> None:
    log.warning("a staff message could not be sent (%s, error %s)", reason, error_code)
    message.status = "failed"
    message.error_code = error_code or reason[:16]
    SEND_FAILURES.labels(reason).inc()
