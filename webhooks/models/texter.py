"""A person who texts the hotline, known to us only by an encrypted number."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webhooks.crypto import EncryptedText
from webhooks.extensions import db
from webhooks.models.base import utcnow

if TYPE_CHECKING:
    from webhooks.models.conversation import Conversation


class Texter(db.Model):  # type: ignore[name-defined]
    __tablename__ = "texter"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Keyed hash (HMAC-SHA256) of the E.164 number: finds the texter without storing it readable.
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    phone: Mapped[str] = mapped_column(EncryptedText())
    language: Mapped[str | None] = mapped_column(String(8))
    opted_out: Mapped[bool] = mapped_column(default=False)
    opted_out_at: Mapped[datetime | None]
    blocked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_inbound_at: Mapped[datetime | None]
    # Flags staff set that carry across conversations (services.history.FLAGS), never the number.
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)

    conversations: Mapped[list[Conversation]] = relationship(
        back_populates="texter", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def channel(self) -> str:
        """ "whatsapp" for Twilio's ``whatsapp:`` addresses, else "sms"."""
        return "whatsapp" if self.phone.startswith("whatsapp:") else "sms"

    @property
    def masked_phone(self) -> str:
        """What staff see: enough to tell two texters apart on a call, no more."""
        digits = self.phone
        return "•••• " + digits[-4:] if len(digits) >= 4 else "••••"
