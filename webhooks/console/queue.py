"""The staff queue: waiting conversations by risk (urgent first), then by how long they waited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import ColumnElement, select

from webhooks.console import bp
from webhooks.extensions import db
from webhooks.models import (
    Conversation,
    ConversationState,
    RiskLevel,
    ScreeningAnswer,
    StaffRole,
    StaffUser,
)
from webhooks.models.base import utcnow
from webhooks.services import history
from webhooks.services.privacy import due_for_purge_soon as purge_soon
from webhooks.services.screening import QUESTIONS
from webhooks.staff import accounts
from webhooks.staff.access import current_staff, role_required, staff_required

WAITING = "Waiting for staff"
QUEUED_WHILE_CLOSED = "Queued while closed"
UNASSIGNED = (WAITING, QUEUED_WHILE_CLOSED)
PURGE_SOON = "Purged soon: no activity for almost the retention period"


@dataclass
class QueueEntry:
    conversation: Conversation
    waiting_since: datetime
    screening: dict[str, str]
    assignee: str | None = None

    @property
    def risk(self) -> RiskLevel:
        return RiskLevel(self.conversation.risk)

    @property
    def wait_seconds(self) -> float:
        return max(0.0, (utcnow() - self.waiting_since).total_seconds())

    @property
    def flags(self) -> list[str]:
        return history.flags(self.conversation.texter)

    @property
    def indicators(self) -> list[str]:
        """Screening answers that point to trafficking, for a glance in the queue."""
        return [q for q, a in self.screening.items() if QUESTIONS.get(q) == a]


def _entries(*where: ColumnElement[bool]) -> list[QueueEntry]:
    conversations = list(db.session.scalars(select(Conversation).where(*where)))
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    if conversations:
        rows = db.session.scalars(
            select(ScreeningAnswer).where(
                ScreeningAnswer.conversation_id.in_([c.id for c in conversations])
            )
        )
        for row in rows:
            answers[row.conversation_id][row.question] = row.answer
    names = accounts.staff_names()
    entries = [
        QueueEntry(
            conversation=c,
            waiting_since=c.queued_at or c.created_at,
            screening=answers[c.id],
            assignee=names.get(c.assigned_staff_id) if c.assigned_staff_id else None,
        )
        for c in conversations
    ]
    # Most serious first; among equals, whoever has waited longest.
    entries.sort(key=lambda e: (-e.risk.rank, e.waiting_since, e.conversation.id))
    return entries


def waiting() -> list[QueueEntry]:
    return _entries(
        Conversation.state == ConversationState.WAITING_FOR_STAFF,
        Conversation.after_hours.is_(False),
    )


def queued_while_closed() -> list[QueueEntry]:
    """Who wrote while nobody was on shift: the first thing a shift sees, by risk then wait."""
    return _entries(
        Conversation.state == ConversationState.WAITING_FOR_STAFF,
        Conversation.after_hours.is_(True),
    )


def assigned_to(user: StaffUser) -> list[QueueEntry]:
    return _entries(
        Conversation.state == ConversationState.WITH_STAFF,
        Conversation.assigned_staff_id == user.id,
    )


def with_others(user: StaffUser) -> list[QueueEntry]:
    return _entries(
        Conversation.state == ConversationState.WITH_STAFF,
        Conversation.assigned_staff_id != user.id,
    )


def _sections() -> dict[str, list[QueueEntry]]:
    user = current_staff()
    sections = {}
    overnight = queued_while_closed()
    if overnight:
        sections[QUEUED_WHILE_CLOSED] = overnight
    sections.update({WAITING: waiting(), "With me": assigned_to(user)})
    if user.has_role(StaffRole.SUPERVISOR):
        sections["With other staff"] = with_others(user)
        # Still with staff, and the retention purge takes them within the warning window.
        soon = [c.id for c in purge_soon()]
        if soon:
            sections[PURGE_SOON] = _entries(Conversation.id.in_(soon))
    return sections


@bp.get("/")
@staff_required
def queue() -> ResponseReturnValue:
    return render_template("console/queue.html", sections=_sections(), unassigned=UNASSIGNED)


@bp.get("/queue/rows")
@role_required(StaffRole.STAFF, passive=True)
def queue_rows() -> ResponseReturnValue:
    """The queue's body alone, polled by the open page (not counted as activity)."""
    return render_template(
        "console/_queue_sections.html", sections=_sections(), unassigned=UNASSIGNED
    )
