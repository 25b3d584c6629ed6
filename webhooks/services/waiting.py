"""Scheduled work (`flask tick`, from cron, a systemd timer or `make run`): nobody is forgotten.

- A texter waiting unclaimed past STILL_IN_LINE_MINUTES gets one "still in line" text per wait
  (while the hotline is open; outbound refuses after STOP, to a blocked number and outside the
  silence window or WhatsApp's 24 hours).
- An urgent conversation unclaimed past URGENT_ALERT_MINUTES raises an alert: every open console
  shows it (``overdue_urgent``), and the on-call supervisor is told once by email and/or webhook:
  tried again on later ticks while no configured channel has taken it.
- A conversation with the bot idle for IDLE_CLOSE_HOURS closes itself (disposition "idle"), so
  retention applies to it; the texter's next text starts a fresh conversation.
- Erasures that failed (the engine's tracker, Twilio's copies) are tried again.
Each conversation is committed on its own: one failed send does not undo the others.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests
from flask import current_app
from sqlalchemy import ColumnElement, func, select
from twilio.base.exceptions import TwilioException

from webhooks import wording
from webhooks.extensions import db
from webhooks.i18n import render_reply
from webhooks.models import (
    AuditEvent,
    Author,
    Conversation,
    ConversationState,
    Message,
    RiskLevel,
)
from webhooks.models.base import utcnow
from webhooks.services import audit, erasure, hours, notify, outbound
from webhooks.services.dispositions import IDLE

log = logging.getLogger(__name__)


@dataclass
class TickReport:
    still_in_line: int = 0
    urgent_alerts: int = 0
    idle_closed: int = 0
    erased: int = 0
    told: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"still-in-line texts {self.still_in_line}, urgent alerts {self.urgent_alerts}"
            f" (told: {', '.join(self.told) or 'nobody'}), idle closed {self.idle_closed},"
            f" erasures done {self.erased}"
        )


def _minutes(key: str) -> timedelta:
    return timedelta(minutes=float(current_app.config[key]))


def _unclaimed() -> list[ColumnElement[bool]]:
    return [
        Conversation.state == ConversationState.WAITING_FOR_STAFF,
        Conversation.assigned_staff_id.is_(None),
    ]


def overdue_urgent(now: datetime | None = None) -> list[Conversation]:
    """Urgent conversations nobody has claimed past the alert delay: what consoles alert on."""
    cutoff = (now or utcnow()) - _minutes("URGENT_ALERT_MINUTES")
    return list(
        db.session.scalars(
            select(Conversation)
            .where(
                *_unclaimed(),
                Conversation.risk == RiskLevel.URGENT,
                Conversation.queued_at <= cutoff,
            )
            .order_by(Conversation.queued_at)
        )
    )


def send_still_in_line(now: datetime) -> int:
    if not hours.is_open(now):
        return 0  # the after-hours reply already said when a person will be back
    cutoff = now - _minutes("STILL_IN_LINE_MINUTES")
    waiting = db.session.scalars(
        select(Conversation.id).where(
            *_unclaimed(), Conversation.still_in_line_at.is_(None), Conversation.queued_at <= cutoff
        )
    ).all()
    sent = 0
    for conversation_id in waiting:
        conversation = db.session.get(Conversation, conversation_id)
        assert conversation is not None
        try:
            text = render_reply(wording.STILL_IN_LINE, conversation.language)
            outbound.send_text(conversation, text, author=Author.SYSTEM)
        except outbound.SendRefused:
            db.session.rollback()
            continue  # tried again next tick: a texter who writes again may be told then
        except (TwilioException, requests.RequestException) as exc:
            db.session.rollback()
            log.warning("still-in-line text not sent: %s", type(exc).__name__)
            continue
        conversation.still_in_line_at = now
        audit.record("system", "still_in_line_sent", conversation.id)
        db.session.commit()
        sent += 1
    return sent


def _oncall_told(conversation_ids: list[int]) -> set[int]:
    """Of these conversations, those whose urgent alert reached the on-call supervisor: the
    audit trail says so ("urgent_alert", or "urgent_alert_oncall" for a later try, with a
    non-empty ``told``)."""
    if not conversation_ids:
        return set()
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.conversation_id.in_(conversation_ids),
            AuditEvent.action.in_(("urgent_alert", "urgent_alert_oncall")),
        )
    )
    return {e.conversation_id for e in events if e.conversation_id and (e.detail or {}).get("told")}


def raise_urgent_alerts(now: datetime, report: TickReport) -> None:
    """The console alert is raised once per conversation (``urgent_alert_at``); the on-call
    supervisor is tried on every tick while the conversation stays overdue and unclaimed, until
    one configured channel takes it, and never told twice after that."""
    base = current_app.config["HOTLINE_PUBLIC_URL"]
    channels = notify.channels()
    overdue = overdue_urgent(now)
    told_before = _oncall_told([c.id for c in overdue if c.urgent_alert_at is not None])
    for conversation in overdue:
        first = conversation.urgent_alert_at is None
        if not first and (not channels or conversation.id in told_before):
            continue
        waited = int((now - (conversation.queued_at or now)).total_seconds() // 60)
        facts = {
            "conversation": conversation.id,
            "risk": RiskLevel(conversation.risk).value,
            "waiting_minutes": waited,
            "language": conversation.language or "unknown",
        }
        if base:
            facts["console"] = f"{base}/console/conversations/{conversation.id}"
        if first:
            conversation.urgent_alert_at = now
            db.session.commit()  # the console alert is raised once, whatever happens below
        subject = f"Urgent texter waiting {waited} min, unclaimed"
        told = notify.oncall(subject, facts) if channels else []
        if first:
            audit.record("system", "urgent_alert", conversation.id, told=told, waited=waited)
            report.urgent_alerts += 1
        elif told:
            audit.record("system", "urgent_alert_oncall", conversation.id, told=told, waited=waited)
        else:
            log.warning("on-call supervisor still not told of conversation %s", conversation.id)
        db.session.commit()
        report.told.extend(t for t in told if t not in report.told)


def close_idle(now: datetime) -> int:
    cutoff = now - timedelta(hours=float(current_app.config["IDLE_CLOSE_HOURS"]))
    last = (
        select(Message.conversation_id, func.max(Message.created_at).label("at"))
        .group_by(Message.conversation_id)
        .subquery()
    )
    idle = db.session.scalars(
        select(Conversation)
        .outerjoin(last, last.c.conversation_id == Conversation.id)
        .where(
            Conversation.state == ConversationState.WITH_BOT,
            func.coalesce(last.c.at, Conversation.created_at) <= cutoff,
        )
    ).all()
    for conversation in idle:
        # No engine call: the texter's next text starts a new conversation with a new engine
        # id, and the old tracker expires in the tracker store.
        conversation.state = ConversationState.CLOSED
        conversation.closed_at = now
        conversation.disposition = IDLE
        audit.record("system", "conversation_closed", conversation.id, disposition=IDLE)
    db.session.commit()
    return len(idle)


def tick(now: datetime | None = None) -> TickReport:
    now = now or utcnow()
    report = TickReport()
    report.still_in_line = send_still_in_line(now)
    raise_urgent_alerts(now, report)
    report.idle_closed = close_idle(now)
    # DELETE's copies elsewhere (the engine's tracker, Twilio's messages and media) are retried
    # here too, so a failed one does not wait for the next inbound text to be tried again.
    report.erased, _ = erasure.work_pending(seconds=20)
    return report
