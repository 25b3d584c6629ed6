"""Sign-in attempts, kept briefly to rate-limit guessing by username and by address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.extensions import db
from webhooks.models.base import utcnow


class LoginAttempt(db.Model):  # type: ignore[name-defined]
    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored as typed, lower-cased: guesses at unknown names count too.
    username: Mapped[str] = mapped_column(String(64), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
