"""Danger, consent and handoff to staff; closing hands the texter back to the bot.

Bot actions and console routes that do the same thing call these functions.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Conversation, ConversationState, RiskLevel
from hotline.models.base import utcnow
from hotline.services import audit
from hotline.services.engine import EngineUnavailable, engine

log = logging.getLogger(__name__)


def conversation_for_engine(engine_id: str) -> Conversation | None:
    return db.session.scalar(select(Conversation).where(Conversation.engine_id == engine_id))


def mark_danger(conversation: Conversation, source: str) -> None:
    conversation.raise_risk(RiskLevel.URGENT)
    audit.record("bot", "danger_reported", conversation.id, source=source)


def record_consent(conversation: Conversation, given: bool) -> None:
    """Consent is asked plainly and recorded with its time; it can be changed later."""
    conversation.consent_given = given
    conversation.consent_at = utcnow()
    audit.record("texter", "consent_given" if given else "consent_declined", conversation.id)


def hand_to_staff(conversation: Conversation) -> None:
    """After an explicit yes: the conversation joins the staff queue."""
    record_consent(conversation, True)
    conversation.queue_for_staff("consent")
    audit.record("bot", "queued_for_staff", conversation.id, risk=conversation.risk.value)


def close_conversation(conversation: Conversation, actor: str, disposition: str) -> None:
    """Staff are done: the conversation closes and the bot answers the texter's next text."""
    conversation.state = ConversationState.CLOSED
    conversation.closed_at = utcnow()
    conversation.disposition = disposition
    audit.record(actor, "conversation_closed", conversation.id, disposition=disposition)
    try:
        engine.append_events(conversation.engine_id, [{"event": "resume"}])
    except EngineUnavailable:
        log.warning("could not resume the engine's tracker; the next text starts fresh anyway")
