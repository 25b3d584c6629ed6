"""Erasing a texter's data everywhere, and purging conversations past their retention.

Everywhere means: our database (texter, conversations, messages, notes, screening answers),
the engine's tracker, and Twilio's copies of the messages and their media. The last two are
deletions in other systems: they are queued in the same transaction (``services.erasure``) and
retried until done. An opt-out or a block outlives the erasure as a tombstone: a keyed
pseudonym of the number and two flags, nothing else.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, select

from webhooks.crypto import vault
from webhooks.extensions import db
from webhooks.models import (
    Conversation,
    ConversationState,
    ErasureKind,
    Message,
    ScreeningAnswer,
    Texter,
    Tombstone,
)
from webhooks.models.base import utcnow
from webhooks.services import audit, erasure

log = logging.getLogger(__name__)


def _queue_outside_erasure(conversations: list[Conversation]) -> None:
    """The engine's trackers and Twilio's copies of these conversations' messages."""
    ids = [c.id for c in conversations]
    for conversation in conversations:
        erasure.enqueue(ErasureKind.TRACKER, conversation.engine_id)
    if ids and erasure.twilio_configured():
        sids = db.session.scalars(
            select(Message.twilio_sid).where(
                Message.conversation_id.in_(ids), Message.twilio_sid.is_not(None)
            )
        )
        for sid in sids:
            erasure.enqueue(ErasureKind.TWILIO_MESSAGE, sid)


def _delete_conversations(ids: list[int]) -> None:
    if not ids:
        return
    # Bulk deletes; notes follow through the listener in models.note (and the foreign keys).
    db.session.execute(delete(ScreeningAnswer).where(ScreeningAnswer.conversation_id.in_(ids)))
    db.session.execute(delete(Message).where(Message.conversation_id.in_(ids)))
    db.session.execute(delete(Conversation).where(Conversation.id.in_(ids)))


def _forget_texter(texter: Texter) -> None:
    """The texter row goes; an opt-out or block stays as a tombstone; Twilio is swept."""
    if texter.opted_out or texter.blocked:
        tag = vault.tombstone_tags(texter.phone)[0]
        existing = db.session.scalar(select(Tombstone).where(Tombstone.number_tag == tag))
        if existing is None:
            existing = Tombstone(number_tag=tag, key_id=vault.hash_key_id())
            db.session.add(existing)
        existing.opted_out = texter.opted_out
        existing.blocked = texter.blocked
    if erasure.twilio_configured():
        # Also the replies whose SID never came back in a status callback.
        erasure.enqueue(ErasureKind.TWILIO_NUMBER, phone=texter.phone)
    db.session.execute(delete(Texter).where(Texter.id == texter.id))


def erase_texter(texter: Texter, actor: str = "texter") -> int:
    """Delete the texter, their conversations and messages; queue the engine's and Twilio's.

    Returns how many conversations were erased. The audit trail keeps that an erasure
    happened, never who or what.
    """
    conversations = list(
        db.session.scalars(select(Conversation).where(Conversation.texter_id == texter.id))
    )
    _queue_outside_erasure(conversations)
    _delete_conversations([c.id for c in conversations])
    _forget_texter(texter)
    audit.record(actor, "texter_erased", conversations=len(conversations))
    return len(conversations)


def last_activity() -> ColumnElement[datetime]:
    """A conversation's last activity: its newest message, or its creation."""
    newest = (
        select(func.max(Message.created_at))
        .where(Message.conversation_id == Conversation.id)
        .correlate(Conversation)
        .scalar_subquery()
    )
    return func.coalesce(newest, Conversation.created_at)


def retention_cutoff(days: int | None = None) -> datetime:
    days = current_app.config["RETENTION_DAYS"] if days is None else days
    return utcnow() - timedelta(days=days)


def due_for_purge_soon() -> list[Conversation]:
    """Conversations with staff (waiting or claimed) that the purge will take within the
    warning window: shown to supervisors first, so no one waiting is dropped unseen."""
    warn = timedelta(days=current_app.config["RETENTION_WARNING_DAYS"])
    return list(
        db.session.scalars(
            select(Conversation)
            .where(
                Conversation.state.in_(
                    (ConversationState.WAITING_FOR_STAFF, ConversationState.WITH_STAFF)
                ),
                last_activity() < retention_cutoff() + warn,
            )
            .order_by(Conversation.id)
        )
    )


def purge_inactive_conversations(days: int) -> int:
    """Erase conversations whose last activity is more than ``days`` old, whatever their
    state; texters left with none go too (an opt-out or block stays as a tombstone)."""
    cutoff = retention_cutoff(days)
    old = list(db.session.scalars(select(Conversation).where(last_activity() < cutoff)))
    _queue_outside_erasure(old)
    _delete_conversations([c.id for c in old])
    db.session.flush()
    orphans = db.session.scalars(select(Texter).where(~Texter.conversations.any())).all()
    for texter in orphans:
        _forget_texter(texter)
    audit.record("system", "retention_purge", conversations=len(old), days=days)
    return len(old)
