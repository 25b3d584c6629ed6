"""Danger, consent and handoff to staff; closing hands the texter back to the bot.

The engine's commands (applied by the message path) and console routes call these functions.
"""

from __future__ import annotations

import logging

from webhooks.models import Conversation, ConversationState, RiskLevel
from webhooks.models.base import utcnow
from webhooks.services import audit, history
from webhooks.services.dialogue import DialogueUnavailable, dialogue

log = logging.getLogger(__name__)


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
    if conversation.other_language and not conversation.language:
        conversation.needs_interpreter = True
        history.flag_by_system(conversation, "interpreter")  # for their later conversations
    conversation.queue_for_staff("consent")
    audit.record("bot", "queued_for_staff", conversation.id, risk=conversation.risk.value)


def close_conversation(conversation: Conversation, actor: str, disposition: str) -> None:
    """Staff are done: the conversation closes and the bot answers the texter's next text."""
    conversation.state = ConversationState.CLOSED
    conversation.closed_at = utcnow()
    conversation.disposition = disposition
    audit.record(actor, "conversation_closed", conversation.id, disposition=disposition)
    try:
        dialogue.append_events(conversation.engine_id, [{"event": "resume"}])
    except DialogueUnavailable:
        log.warning("could not resume the engine's tracker; the next text starts fresh anyway")
