"""Finding texters by keyed hash and their current conversation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webhooks.crypto import vault
from webhooks.extensions import db
from webhooks.models import Conversation, ConversationState, Texter


def find_texter(phone: str) -> Texter | None:
    return db.session.scalar(select(Texter).where(Texter.phone_hash == vault.lookup_hash(phone)))


def find_or_create_texter(phone: str) -> Texter:
    texter = find_texter(phone)
    if texter is not None:
        return texter
    texter = Texter(phone_hash=vault.lookup_hash(phone), phone=phone)
    try:
        with db.session.begin_nested():
            db.session.add(texter)
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
