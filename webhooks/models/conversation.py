"""A conversation: one run of messages with the bot and, with consent, with staff."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webhooks.extensions import db
from webhooks.models.base import utcnow

if TYPE_CHECKING:
    from webhooks.models.message import Message
    from webhooks.models.texter import Texter


class ConversationState(enum.StrEnum):
    WITH_BOT = "with_bot"
    WAITING_FOR_STAFF = "waiting_for_staff"
    WITH_STAFF = "with_staff"
    CLOSED = "closed"


class RiskLevel(enum.StrEnum):
    """Ordered: a later member is more serious."""

    NONE = "none"
    LOW = "low"
    ELEVATED = "elevated"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return list(RiskLevel).index(self)


def new_engine_id() -> str:
    return "c-" + secrets.token_hex(12)


class Conversation(db.Model):  # type: ignore[name-defined]
    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The only name the bot engine knows this conversation by: random, never the phone number.
    engine_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_engine_id)
    texter_id: Mapped[int] = mapped_column(ForeignKey("texter.id", ondelete="CASCADE"), index=True)
    state: Mapped[ConversationState] = mapped_column(
        Enum(ConversationState, native_enum=False, length=24), default=ConversationState.WITH_BOT
    )
    risk: Mapped[RiskLevel] = mapped_column(
        Enum(RiskLevel, native_enum=False, length=16), default=RiskLevel.NONE
    )
    language: Mapped[str | None] = mapped_column(String(8))
    # A language we do not speak, identified from the texter's words (ISO 639-1), and whether
    # staff need an interpreter (the texter said yes to a person while writing in it).
    other_language: Mapped[str | None] = mapped_column(String(8))
    needs_interpreter: Mapped[bool] = mapped_column(default=False)
    consent_given: Mapped[bool | None]
    consent_at: Mapped[datetime | None]
    queued_at: Mapped[datetime | None]
    queue_reason: Mapped[str | None] = mapped_column(String(32))
    # Flagged to staff: the texter said they are under 18.
    minor: Mapped[bool] = mapped_column(default=False)
    assigned_staff_id: Mapped[int | None] = mapped_column(index=True)
    disposition: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None]
    # Queued while the hotline was closed: the texter was told when a person will be back.
    after_hours: Mapped[bool] = mapped_column(default=False)
    # Waiting texters: the one "still in line" text of this wait, and the urgent alert.
    still_in_line_at: Mapped[datetime | None]
    urgent_alert_at: Mapped[datetime | None]
    # The one-question survey after close, and the answer (a key of services.survey.ANSWERS).
    survey_sent_at: Mapped[datetime | None]
    survey_answer: Mapped[str | None] = mapped_column(String(16))

    texter: Mapped[Texter] = relationship(back_populates="conversations")
    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Message.id",
    )

    def raise_risk(self, level: RiskLevel) -> None:
        """Risk only goes up within a conversation; staff lower it explicitly."""
        if level.rank > RiskLevel(self.risk).rank:
            self.risk = level

    def queue_for_staff(self, reason: str) -> None:
        if self.state in (ConversationState.WAITING_FOR_STAFF, ConversationState.WITH_STAFF):
            return
        self.state = ConversationState.WAITING_FOR_STAFF
        self.queued_at = utcnow()
        self.queue_reason = reason
        self.still_in_line_at = None
