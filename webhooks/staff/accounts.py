"""Staff accounts: argon2id password hashes, TOTP two-factor, creating and resetting users."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from webhooks.extensions import db
from webhooks.models import StaffRole, StaffUser

MIN_PASSWORD_LENGTH = 12
# Plain names only: they appear in the audit log and its CSV export.
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# What an authenticator app shows next to the code: neutral, like the texter-facing wording.
TOTP_ISSUER = "Hotline console"
# The library's defaults (argon2id, 64 MiB, 3 passes): tests swap in a cheaper hasher.
hasher = PasswordHasher()
# Compared against when the username is unknown, so both paths take the same time.
_DUMMY_HASH = hasher.hash(secrets.token_hex(8))


class AccountError(ValueError):
    """The request cannot be done; the message says why, in words for the person."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return hasher.hash(password)


def check_password(user: StaffUser | None, password: str) -> bool:
    if user is None:
        try:
            hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def set_password(user: StaffUser, password: str) -> None:
    user.password_hash = hash_password(password)
    user.must_change_password = False
    user.end_sessions()


def temporary_password() -> str:
    """Given once to a person by an admin; it must be changed at the next sign-in."""
    return secrets.token_urlsafe(12)


def find_user(username: str) -> StaffUser | None:
    return db.session.scalar(
        select(StaffUser).where(func.lower(StaffUser.username) == username.strip().lower())
    )


def two_factor_required(user: StaffUser) -> bool:
    """Always for supervisors and admins (they read every conversation that reached staff, or
    run the service); for staff too with STAFF_2FA_REQUIRED."""
    return user.has_role(StaffRole.SUPERVISOR) or bool(current_app.config["STAFF_2FA_REQUIRED"])


def create_user(
    username: str, password: str, role: StaffRole | str, must_change_password: bool = False
) -> StaffUser:
    username = username.strip()
    if not USERNAME.fullmatch(username):
        raise AccountError("A username is 1 to 64 letters, digits, dots, dashes or underscores.")
    if find_user(username) is not None:
        raise AccountError(f"The username {username!r} is taken.")
    user = StaffUser(
        username=username,
        role=StaffRole(role),
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    return user


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: StaffUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=TOTP_ISSUER)


def provisioning_qr_svg(uri: str) -> str:
    """The QR code an authenticator app scans, as inline SVG (no image files, no JS)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff"))


def totp_step(secret: str, code: str) -> int | None:
    """The time step a code belongs to (one step of clock drift allowed), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now(UTC))
    for step in (now, now - 1, now + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_totp(user: StaffUser, code: str) -> bool:
    """A valid code not used before: a code seen once cannot sign in again."""
    if user.totp_secret is None:
        return False
    step = totp_step(user.totp_secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def pending_secret(user: StaffUser) -> str:
    """The secret being enrolled, kept encrypted with the user until a code confirms it."""
    if user.pending_totp_secret is None:
        user.pending_totp_secret = new_totp_secret()
    return user.pending_totp_secret


def enable_totp(user: StaffUser, secret: str, code: str) -> bool:
    """Enrolment is confirmed by a first code from the app, so a mistyped secret cannot lock out."""
    step = totp_step(secret, code)
    if step is None:
        return False
    user.totp_secret = secret
    user.totp_last_step = step
    user.pending_totp_secret = None
    return True


def reset_totp(user: StaffUser) -> None:
    user.totp_secret = None
    user.pending_totp_secret = None
    user.totp_last_step = None
    user.end_sessions()


def staff_names() -> dict[int, str]:
    """Id → username, to show names where the records keep ids (transcripts, audit, history)."""
    return {
        staff_id: name
        for staff_id, name in db.session.execute(select(StaffUser.id, StaffUser.username))
    }
