"""Erasing a texter's data everywhere, and purging old conversations."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select

from webhooks.extensions import db
from webhooks.models import Conversation, ConversationState, Message, Texter
from webhooks.models.base import utcnow
from webhooks.services import audit
from webhooks.services.dialogue import DialogueUnavailable, dialogue

log = logging.getLogger(__name__)


def _forget_in_engine(conversation: Conversation) -> None:
    try:
        dialogue.erase(conversation.engine_id)
    except DialogueUnavailable:
        # The engine's tracker store expires data on its own; say so loudly.
        log.error("could not erase the engine's tracker for a conversation; it will expire")


def erase_texter(texter: Texter, actor: str = "texter") -> int:
    """Delete the texter, their conversations and messages, and the engine's trackers.

    Returns how many conversations were erased. The audit trail keeps that an erasure
    happened, never who or what.
    """
    conversations = list(
        db.session.scalars(select(Conversation).where(Conversation.texter_id == texter.id))
    )
    for conversation in conversations:
        _forget_in_engine(conversation)
    ids = [c.id for c in conversations]
    if ids:
        db.session.execute(delete(Message).where(Message.conversation_id.in_(ids)))
        db.session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    db.session.execute(delete(Texter).where(Texter.id == texter.id))
    audit.record(actor, "texter_erased", conversations=len(ids))
    return len(ids)


def purge_closed_conversations(days: int) -> int:
    """Erase conversations closed more than ``days`` ago; texters left with none go too."""
    cutoff = utcnow() - timedelta(days=days)
    old = list(
        db.session.scalars(
            select(Conversation).where(
                Conversation.state == ConversationState.CLOSED, Conversation.closed_at < cutoff
            )
        )
    )
    for conversation in old:
        _forget_in_engine(conversation)
        db.session.delete(conversation)
    db.session.flush()
    orphans = db.session.scalars(select(Texter).where(~Texter.conversations.any())).all()
    for texter in orphans:
        if not texter.opted_out:  # an opt-out must be remembered, or we could text them again
            db.session.delete(texter)
    audit.record("system", "retention_purge", conversations=len(old), days=days)
    return len(old)
