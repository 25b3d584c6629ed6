"""Queue health for supervisors: who waits at which risk, for how long, and who is on."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from webhooks.extensions import db
from webhooks.models import Conversation, ConversationState, RiskLevel, StaffUser
from webhooks.models.base import utcnow

# A console that polled this recently counts as open (polling runs every few seconds).
SIGNED_IN_WITHIN = timedelta(minutes=2)


@dataclass
class StaffLoad:
    username: str
    role: str
    conversations: int
    last_seen_at: datetime


@dataclass
class QueueHealth:
    waiting_by_risk: list[tuple[str, int]] = field(default_factory=list)
    waiting: int = 0
    urgent_waiting: int = 0
    longest_wait_seconds: float | None = None
    after_hours_waiting: int = 0
    with_staff: int = 0
    staff: list[StaffLoad] = field(default_factory=list)


def queue_health(now: datetime | None = None) -> QueueHealth:
    now = now or utcnow()
    health = QueueHealth()
    waiting = db.session.execute(
        select(Conversation.risk, Conversation.queued_at, Conversation.after_hours).where(
            Conversation.state == ConversationState.WAITING_FOR_STAFF
        )
    ).all()
    by_risk: Counter[str] = Counter(RiskLevel(r).value for r, _, _ in waiting)
    health.waiting_by_risk = [(level.value, by_risk[level.value]) for level in reversed(RiskLevel)]
    health.waiting = len(waiting)
    health.urgent_waiting = by_risk[RiskLevel.URGENT.value]
    health.after_hours_waiting = sum(1 for _, _, late in waiting if late)
    queued = [q for _, q, _ in waiting if q is not None]
    if queued:
        health.longest_wait_seconds = max(0.0, (now - min(queued)).total_seconds())
    load = dict(
        db.session.execute(
            select(Conversation.assigned_staff_id, func.count())
            .where(Conversation.state == ConversationState.WITH_STAFF)
            .group_by(Conversation.assigned_staff_id)
        ).all()
    )
    health.with_staff = sum(load.values())
    poll = timedelta(seconds=3 * current_app.config["CONSOLE_POLL_SECONDS"])
    since = now - max(SIGNED_IN_WITHIN, poll)
    for user in db.session.scalars(
        select(StaffUser)
        .where(StaffUser.active.is_(True), StaffUser.last_seen_at >= since)
        .order_by(StaffUser.username)
    ):
        assert user.last_seen_at is not None
        health.staff.append(
            StaffLoad(user.username, user.role.value, int(load.get(user.id, 0)), user.last_seen_at)
        )
    return health
