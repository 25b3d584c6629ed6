"""Finding texters by keyed hash (any configured hash key) and their current conversation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webhooks.crypto import vault
from webhooks.extensions import db
from webhooks.models import Conversation, ConversationState, Texter, Tombstone
from webhooks.models.base import utcnow


def find_texter(phone: str) -> Texter | None:
    """During a hash-key rotation both keys find a texter; the current one is written back."""
    hashes = vault.lookup_hashes(phone)
    texter = db.session.scalar(select(Texter).where(Texter.phone_hash.in_(hashes)))
    if texter is not None and texter.phone_hash != hashes[0]:
        texter.phone_hash = hashes[0]
    return texter


def _tombstone(phone: str) -> Tombstone | None:
    return db.session.scalar(
        select(Tombstone).where(Tombstone.number_tag.in_(vault.tombstone_tags(phone)))
    )


def find_or_create_texter(phone: str) -> Texter:
    texter = find_texter(phone)
    if texter is not None:
        return texter
    texter = Texter(phone_hash=vault.lookup_hash(phone), phone=phone)
    # An erased texter's opt-out or block comes back with the number; the texter row holds it
    # from now on (and a new erasure writes a new tombstone).
    tombstone = _tombstone(phone)
    if tombstone is not None:
        texter.opted_out = tombstone.opted_out
        texter.opted_out_at = utcnow() if tombstone.opted_out else None
        texter.blocked = tombstone.blocked
    try:
        with db.session.begin_nested():
            db.session.add(texter)
            if tombstone is not None:
                db.session.delete(tombstone)
    except IntegrityError:  # the same number arrived twice at once: the other one won
        texter = find_texter(phone)
        assert texter is not None
    return texter


def current_conversation(texter: Texter) -> Conversation:
    """The texter's open conversation, or a new one (a closed conversation stays closed)."""
    conversation = db.session.scalar(
        select(Conversation)
        .where(Conversation.texter_id == texter.id, Conversation.state != ConversationState.CLOSED)
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    if conversation is None:
        conversation = Conversation(texter=texter, language=texter.language)
        db.session.add(conversation)
        db.session.flush()
    return conversation
