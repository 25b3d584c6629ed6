"""Throttling password and code checks: a progressive delay per account, a limit per address.

Per account (or per unknown name, so the delay does not reveal which names exist): the first
``LOGIN_MAX_FAILURES`` failures in a row cost nothing, then each further attempt must wait
twice as long as the one before (1 s, 2 s, 4 s, ...), at most ``LOGIN_LOCKOUT_MINUTES``; a
success starts over. Guessing slows to a crawl, and the owner is never held for long.

Per client address (the real client, behind ``CONSOLE_TRUSTED_PROXIES``): this many failures
within ``LOGIN_LOCKOUT_MINUTES`` hold that one address until they age out. No address can hold
everyone: with the proxy count right, each client is its own address.

Sign-in, the second step and the checks inside a signed-in session (current password, codes)
all count here. Kept in the database, so every app process sees the same counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select

from webhooks.extensions import db
from webhooks.models import LoginAttempt, StaffUser
from webhooks.models.base import utcnow

# Old attempts are of no use to the limit; they are pruned as new ones arrive.
KEEP_ATTEMPTS = timedelta(days=1)
# Enough history to compute any delay up to the cap.
LOOKBACK = 64


def client_address() -> str:
    """The client's address; behind N trusted proxies, the Nth from the right they appended."""
    hops = current_app.config["CONSOLE_TRUSTED_PROXIES"]
    forwarded = [
        part.strip()
        for header in request.headers.getlist("X-Forwarded-For")
        for part in header.split(",")
        if part.strip()
    ]
    if hops > 0 and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote_addr or "unknown"


def _cap() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])


def delay_after(failures: int) -> timedelta:
    """How long an account waits after this many failures in a row."""
    free = current_app.config["LOGIN_MAX_FAILURES"]
    if failures < free:
        return timedelta(0)
    return min(_cap(), timedelta(seconds=2 ** min(failures - free, 30)))


def _name(username: str) -> str:
    return username.strip().lower()[:64]


def _failures_in_a_row(name: str) -> tuple[int, datetime | None]:
    rows = db.session.execute(
        select(LoginAttempt.succeeded, LoginAttempt.created_at)
        .where(LoginAttempt.username == name, LoginAttempt.created_at > utcnow() - KEEP_ATTEMPTS)
        .order_by(LoginAttempt.id.desc())
        .limit(LOOKBACK)
    ).all()
    count = 0
    last: datetime | None = None
    for succeeded, created_at in rows:
        if succeeded:
            break
        count += 1
        last = last or created_at
    return count, last


def retry_at(username: str, remote_addr: str) -> datetime | None:
    """When the next check for this name from this address may run, or None if now."""
    now = utcnow()
    waits: list[datetime] = []
    failures, last = _failures_in_a_row(_name(username))
    if last is not None and last + delay_after(failures) > now:
        waits.append(last + delay_after(failures))
    since = now - _cap()
    recent = db.session.execute(
        select(func.count(), func.min(LoginAttempt.created_at)).where(
            LoginAttempt.remote_addr == remote_addr[:64],
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.created_at > since,
        )
    ).one()
    if recent[0] >= current_app.config["LOGIN_MAX_FAILURES_PER_IP"] and recent[1] is not None:
        waits.append(recent[1] + _cap())
    return max(waits) if waits else None


def retry_after_seconds(username: str, remote_addr: str) -> int:
    """Seconds to wait before the next check (0: go ahead)."""
    when = retry_at(username, remote_addr)
    if when is None:
        return 0
    return max(1, int((when - utcnow()).total_seconds() + 0.999))


def record_failure(username: str, remote_addr: str, user: StaffUser | None) -> None:
    _record(username, remote_addr, succeeded=False)
    db.session.flush()
    if user is not None:
        failures, _ = _failures_in_a_row(_name(username))
        user.failed_logins = failures
        delay = delay_after(failures)
        # For the admin's user list ("held"); the attempts themselves decide.
        user.locked_until = utcnow() + delay if delay else None


def record_success(user: StaffUser, remote_addr: str, signed_in: bool = True) -> None:
    _record(user.username, remote_addr, succeeded=True)
    user.failed_logins = 0
    user.locked_until = None
    if signed_in:
        user.last_login_at = utcnow()


def unlock(user: StaffUser) -> None:
    user.failed_logins = 0
    user.locked_until = None
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username == _name(user.username)))


def _record(username: str, remote_addr: str, succeeded: bool) -> None:
    db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.created_at < utcnow() - KEEP_ATTEMPTS)
    )
    db.session.add(
        LoginAttempt(username=_name(username), remote_addr=remote_addr[:64], succeeded=succeeded)
    )
