"""What erasure leaves behind: pending deletions elsewhere, and keyed-hash tombstones."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.crypto import EncryptedText
from webhooks.extensions import db
from webhooks.models.base import utcnow


class ErasureKind(enum.StrEnum):
    TRACKER = "tracker"  # the engine's tracker of one conversation (target: engine id)
    TWILIO_MESSAGE = "twilio_message"  # one message and its media at Twilio (target: SID)
    TWILIO_NUMBER = "twilio_number"  # every message Twilio still lists to or from a number


class ErasureJob(db.Model):  # type: ignore[name-defined]
    """A deletion outside our database, retried until it is done (``flask erase-pending``).

    Written in the same transaction as the erasure itself, so a crash cannot forget it.
    """

    __tablename__ = "erasure_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ErasureKind] = mapped_column(Enum(ErasureKind, native_enum=False, length=16))
    # An engine id or a MessageSid: neither says who the texter is.
    target: Mapped[str | None] = mapped_column(String(64))
    # Only for TWILIO_NUMBER: the number, encrypted, until Twilio holds nothing for it.
    phone: Mapped[str | None] = mapped_column(EncryptedText())
    attempts: Mapped[int] = mapped_column(default=0)
    # Due from this time; a worker that takes the job moves it forward (a lease).
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Tombstone(db.Model):  # type: ignore[name-defined]
    """An erased texter's opt-out or block, found again by number, with nothing else kept.

    ``number_tag`` is a keyed pseudonym of the number (``crypto.tombstone_tag``) that can be
    re-keyed without the number, so rotating the hash key keeps every tombstone.
    """

    __tablename__ = "tombstone"

    id: Mapped[int] = mapped_column(primary_key=True)
    number_tag: Mapped[str] = mapped_column(String(600), unique=True)
    # Which hash key made the tag (``vault.hash_key_id``): rotation re-keys it to the current.
    key_id: Mapped[str] = mapped_column(String(16))
    opted_out: Mapped[bool] = mapped_column(default=False)
    blocked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
