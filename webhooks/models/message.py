"""One SMS in or out, its body encrypted."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webhooks.crypto import EncryptedText
from webhooks.extensions import db
from webhooks.models.base import utcnow

if TYPE_CHECKING:
    from webhooks.models.conversation import Conversation


class Direction(enum.StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Author(enum.StrEnum):
    TEXTER = "texter"
    BOT = "bot"
    STAFF = "staff"
    SYSTEM = "system"  # keyword answers and safety replies written by the app itself


class Message(db.Model):  # type: ignore[name-defined]
    __tablename__ = "message"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[Direction] = mapped_column(Enum(Direction, native_enum=False, length=8))
    author: Mapped[Author] = mapped_column(Enum(Author, native_enum=False, length=8))
    body: Mapped[str] = mapped_column(EncryptedText())
    # Twilio's MessageSid: unique, so a repeated delivery is recognised and stored once.
    twilio_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # For a reply: the inbound message it answers (a repeated delivery gets the same replies).
    in_reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), index=True
    )
    num_media: Mapped[int] = mapped_column(default=0)
    status: Mapped[str | None] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(16))
    staff_user_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_at: Mapped[datetime | None]

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
