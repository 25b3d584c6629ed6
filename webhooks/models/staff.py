"""Hotline staff who sign in to the console: roles, password hash, two-factor secret."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.crypto import EncryptedText
from webhooks.extensions import db
from webhooks.models.base import utcnow


class StaffRole(enum.StrEnum):
    """Ordered: a later role can do everything an earlier one can."""

    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(StaffRole).index(self)

    def at_least(self, other: StaffRole | str) -> bool:
        return self.rank >= StaffRole(other).rank


def new_session_nonce() -> str:
    return secrets.token_hex(16)


class StaffUser(db.Model):  # type: ignore[name-defined]
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[StaffRole] = mapped_column(
        Enum(StaffRole, native_enum=False, length=16), default=StaffRole.STAFF
    )
    # argon2id encoded hash (parameters and salt included).
    password_hash: Mapped[str] = mapped_column(String(255))
    # Set by an admin's reset: the next sign-in must choose a new password.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Base32 TOTP secret, encrypted like texters' data; None until enrolled.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText())
    # A secret being enrolled, until the first code confirms it: kept here (encrypted), never
    # in the session cookie, which is signed but readable.
    pending_totp_secret: Mapped[str | None] = mapped_column(EncryptedText())
    # The last accepted time step: a code is never accepted twice.
    totp_last_step: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # Changing it signs the user out everywhere (password change, deactivation, 2FA reset).
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # The last console request (polling included), for the supervisor's "signed in" list.
    last_seen_at: Mapped[datetime | None]

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret is not None

    def has_role(self, role: StaffRole | str) -> bool:
        return StaffRole(self.role).at_least(role)

    def end_sessions(self) -> None:
        self.session_nonce = new_session_nonce()

    @property
    def actor(self) -> str:
        """How this user appears in the audit log."""
        return f"staff:{self.id}"
