"""Deletions outside our database, queued with the erasure and retried until they are done.

The engine's tracker (in memory: replaced by nothing through Rasa's API; in Redis: the key
deleted, because Rasa's Redis store merges a replacement into what it holds and keeps it) and
Twilio's copies of the messages and their media (REST DELETE). Jobs are rows written in the
erasure's own transaction; ``flask erase-pending`` (cron) and the app after each webhook reply
work them, so the texter's reply never waits for them.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select, update
from twilio.base.exceptions import TwilioException, TwilioRestException

from webhooks.extensions import db
from webhooks.models import ErasureJob, ErasureKind
from webhooks.models.base import utcnow
from webhooks.services.dialogue import dialogue

log = logging.getLogger(__name__)

# A worker that takes a job owns it this long; a crashed worker's job comes back after it.
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
# What the app does after a webhook reply: a few jobs, briefly.
OPPORTUNISTIC_JOBS = 5
OPPORTUNISTIC_SECONDS = 2.0
# Rasa's Redis tracker store keys: "<key_prefix>:tracker:<sender id>".
TRACKER_KEY = "{prefix}:tracker:{engine_id}"


def enqueue(kind: ErasureKind, target: str | None = None, phone: str | None = None) -> None:
    db.session.add(ErasureJob(kind=kind, target=target, phone=phone))


def twilio_configured() -> bool:
    return bool(current_app.config["TWILIO_ACCOUNT_SID"])


# --- the deletions themselves ---------------------------------------------------------------


def _erase_tracker(engine_id: str) -> None:
    store = current_app.config["RASA_TRACKER_STORE_URL"]
    if store.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(store, socket_timeout=5)
        try:
            prefix = current_app.config["RASA_TRACKER_KEY_PREFIX"]
            client.delete(TRACKER_KEY.format(prefix=prefix, engine_id=engine_id))
        finally:
            client.close()
    else:
        # In memory: the replaced tracker holds no events (Rasa keeps only the empty record).
        dialogue.erase(engine_id)


def _gone(exc: TwilioException) -> bool:
    if isinstance(exc, TwilioRestException):
        return exc.status == 404
    # A list that cannot be fetched carries the HTTP response as its second argument.
    response = exc.args[1] if len(exc.args) > 1 else None
    return getattr(response, "status_code", None) == 404


def _media(message: Any) -> list[Any]:
    try:
        return list(message.media.list())
    except TwilioException as exc:
        if _gone(exc):
            return []
        raise


def _erase_twilio_message(client: Any, sid: str) -> None:
    """The message's media first, then the message (an already deleted one is done)."""
    message = client.messages(sid)
    try:
        for media in _media(message):
            try:
                message.media(media.sid).delete()
            except TwilioRestException as exc:
                if not _gone(exc):
                    raise
        message.delete()
    except TwilioRestException as exc:
        if not _gone(exc):  # already deleted: done
            raise


def _erase_twilio_number(client: Any, phone: str) -> None:
    """Every message Twilio lists to or from the number (TwiML replies whose SID we never
    learned included); one that cannot be deleted yet (still sending) fails the job."""
    failures = 0
    for listed in (*client.messages.list(to=phone), *client.messages.list(from_=phone)):
        try:
            _erase_twilio_message(client, listed.sid)
        except TwilioException:
            failures += 1
    if failures:
        raise RuntimeError(f"{failures} messages could not be deleted yet")


def _run(job: ErasureJob) -> None:
    if job.kind is ErasureKind.TRACKER:
        assert job.target
        _erase_tracker(job.target)
        return
    from webhooks.services.outbound import twilio_client

    client = twilio_client()
    if job.kind is ErasureKind.TWILIO_MESSAGE:
        assert job.target
        _erase_twilio_message(client, job.target)
    else:
        assert job.phone
        _erase_twilio_number(client, job.phone)


# --- the queue -------------------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    return min(MAX_BACKOFF, timedelta(minutes=2 ** min(attempts, 10)))


def _take(job_id: int, due: Any) -> bool:
    """Lease a job: only one worker (process or thread) gets it."""
    taken = db.session.execute(
        update(ErasureJob)
        .where(ErasureJob.id == job_id, ErasureJob.next_attempt_at == due)
        .values(next_attempt_at=utcnow() + LEASE)
    )
    db.session.commit()
    return bool(getattr(taken, "rowcount", 0) == 1)


def work_pending(limit: int = 100, seconds: float | None = None) -> tuple[int, int]:
    """Work due jobs: (done, failed and rescheduled)."""
    started = time.monotonic()
    done = failed = 0
    due = db.session.execute(
        select(ErasureJob.id, ErasureJob.next_attempt_at)
        .where(ErasureJob.next_attempt_at <= utcnow())
        .order_by(ErasureJob.next_attempt_at)
        .limit(limit)
    ).all()
    db.session.commit()
    for job_id, next_at in due:
        if seconds is not None and time.monotonic() - started > seconds:
            break
        if not _take(job_id, next_at):
            continue
        job = db.session.get(ErasureJob, job_id)
        if job is None:
            continue
        try:
            _run(job)
        except Exception as exc:  # noqa: BLE001  (any failure: try again later)
            db.session.rollback()
            job = db.session.get(ErasureJob, job_id)
            if job is None:
                continue
            job.attempts += 1
            job.next_attempt_at = utcnow() + _backoff(job.attempts)
            job.last_error = f"{type(exc).__name__}: {exc}"[:200]
            db.session.commit()
            log.warning("erasure job %s (%s) failed; retrying later", job_id, job.kind.value)
            failed += 1
        else:
            db.session.delete(job)
            db.session.commit()
            done += 1
    return done, failed


def pending_count() -> int:
    return len(db.session.scalars(select(ErasureJob.id)).all())


def work_after_response(app: Flask) -> None:
    """After a webhook reply has been sent: a few due jobs, if there are any."""
    with app.app_context():
        try:
            has_due = db.session.scalar(
                select(ErasureJob.id).where(ErasureJob.next_attempt_at <= utcnow()).limit(1)
            )
            if has_due is not None:
                work_pending(limit=OPPORTUNISTIC_JOBS, seconds=OPPORTUNISTIC_SECONDS)
        except Exception:  # the reply is gone already; cron will pick the jobs up
            log.exception("erasure work after a reply failed")
        finally:
            db.session.remove()
