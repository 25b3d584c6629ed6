"""Sign-in rate limit: failures per username and per address lock further attempts for a while.

Kept in the database, so every app process (gunicorn worker) sees the same counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, select

from webhooks.extensions import db
from webhooks.models import LoginAttempt, StaffUser
from webhooks.models.base import utcnow

# Old attempts are of no use to the limit; they are pruned as new ones arrive.
KEEP_ATTEMPTS = timedelta(days=1)


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])


def _failures(*where: ColumnElement[bool]) -> int:
    since = utcnow() - _window()
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > since, *where)
        )
        or 0
    )


def locked_until(username: str, remote_addr: str, user: StaffUser | None) -> datetime | None:
    """When sign-in opens again for this name from this address, or None if it is open now."""
    now = utcnow()
    config = current_app.config
    if user is not None and user.locked_until is not None and user.locked_until > now:
        return user.locked_until
    # Unknown names lock like known ones: the lock must not reveal which names exist.
    name = username.strip().lower()
    if user is None and _failures(LoginAttempt.username == name) >= config["LOGIN_MAX_FAILURES"]:
        return now + _window()
    if _failures(LoginAttempt.remote_addr == remote_addr) >= config["LOGIN_MAX_FAILURES_PER_IP"]:
        return now + _window()
    return None


def record_failure(username: str, remote_addr: str, user: StaffUser | None) -> None:
    _record(username, remote_addr, succeeded=False)
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = utcnow() + _window()
            user.failed_logins = 0


def record_success(user: StaffUser, remote_addr: str) -> None:
    _record(user.username, remote_addr, succeeded=True)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()


def unlock(user: StaffUser) -> None:
    user.failed_logins = 0
    user.locked_until = None
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username == user.username.lower()))


def _record(username: str, remote_addr: str, succeeded: bool) -> None:
    db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.created_at < utcnow() - KEEP_ATTEMPTS)
    )
    db.session.add(
        LoginAttempt(
            username=username.strip().lower()[:64],
            remote_addr=remote_addr[:64],
            succeeded=succeeded,
        )
    )
