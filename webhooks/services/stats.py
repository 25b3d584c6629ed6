"""Numbers for the supervisors' dashboard: counts and durations only, never personal data."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from webhooks.extensions import db
from webhooks.models import AuditEvent, Conversation, RiskLevel
from webhooks.models.base import utcnow
from webhooks.services.survey import ANSWERS


@dataclass
class Dashboard:
    days: int
    per_day: list[tuple[date, int, int]] = field(default_factory=list)  # day, new, escalated
    languages: list[tuple[str, int]] = field(default_factory=list)
    risks: list[tuple[str, int]] = field(default_factory=list)
    dispositions: list[tuple[str, int]] = field(default_factory=list)
    conversations: int = 0
    escalated: int = 0
    median_wait_seconds: float | None = None
    claimed: int = 0
    survey_sent: int = 0
    survey_answers: list[tuple[str, int]] = field(default_factory=list)

    @property
    def escalation_rate(self) -> float | None:
        return self.escalated / self.conversations if self.conversations else None


def dashboard(days: int) -> Dashboard:
    """Conversations started in the last ``days`` days (today included)."""
    today = utcnow().date()
    first = today - timedelta(days=days - 1)
    since = utcnow().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days - 1)
    rows = db.session.execute(
        select(
            Conversation.created_at,
            Conversation.queued_at,
            Conversation.language,
            Conversation.risk,
            Conversation.disposition,
            Conversation.survey_sent_at,
            Conversation.survey_answer,
        ).where(Conversation.created_at >= since)
    ).all()
    answers: Counter[str] = Counter()
    new: Counter[date] = Counter()
    escalated: Counter[date] = Counter()
    languages: Counter[str] = Counter()
    risks: Counter[str] = Counter()
    dispositions: Counter[str] = Counter()
    surveyed = 0
    for created_at, queued_at, language, risk, disposition, sent, answer in rows:
        surveyed += sent is not None
        if answer:
            answers[answer] += 1
        new[created_at.date()] += 1
        if queued_at is not None:
            escalated[created_at.date()] += 1
        languages[language or "unknown"] += 1
        risks[RiskLevel(risk).value] += 1
        if disposition:
            dispositions[disposition] += 1
    result = Dashboard(days=days, conversations=len(rows), escalated=sum(escalated.values()))
    result.per_day = [
        (day, new[day], escalated[day]) for day in (first + timedelta(days=i) for i in range(days))
    ]
    result.languages = languages.most_common()
    result.risks = [(level.value, risks[level.value]) for level in RiskLevel]
    result.dispositions = dispositions.most_common()
    result.survey_sent = surveyed
    result.survey_answers = [(a, answers[a]) for a in ANSWERS.values()]
    waits = [
        float(detail["wait_seconds"])
        for detail in db.session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action == "conversation_claimed", AuditEvent.created_at >= since
            )
        )
        if isinstance(detail, dict) and detail.get("wait_seconds") is not None
    ]
    result.claimed = len(waits)
    result.median_wait_seconds = statistics.median(waits) if waits else None
    return result
