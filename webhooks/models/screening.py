"""Answers to the screening questions, one row per question asked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.crypto import EncryptedText
from webhooks.extensions import db
from webhooks.models.base import utcnow


class ScreeningAnswer(db.Model):  # type: ignore[name-defined]
    __tablename__ = "screening_answer"
    __table_args__ = (UniqueConstraint("conversation_id", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    # One of webhooks.services.screening.QUESTIONS; the answer is yes / no / skipped,
    # encrypted like message bodies (what a texter answered is as sensitive as what they wrote).
    question: Mapped[str] = mapped_column(String(32))
    answer: Mapped[str] = mapped_column(EncryptedText())
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
