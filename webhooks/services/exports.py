"""Aggregated CSV for funders: counts per day or week, nothing a person could be traced by.

No numbers, no message text, no conversation or staff ids: one row per period, one column per
measure. Every cell that a spreadsheet would read as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from webhooks.extensions import db
from webhooks.models import AuditEvent, Conversation, RiskLevel
from webhooks.models.base import utcnow
from webhooks.services import dispositions
from webhooks.services.survey import ANSWERS

PERIODS = ("day", "week")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: object) -> str:
    """A cell as text that no spreadsheet evaluates (OWASP's CSV-injection advice)."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def period_start(day: date, period: str) -> date:
    return day - timedelta(days=day.weekday()) if period == "week" else day


def funders_csv(period: str, days: int) -> str:
    if period not in PERIODS:
        raise ValueError(period)
    today = utcnow().date()
    first = period_start(today - timedelta(days=days - 1), period)
    since = utcnow().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=(today - first).days
    )
    rows = db.session.execute(
        select(
            Conversation.created_at,
            Conversation.queued_at,
            Conversation.language,
            Conversation.risk,
            Conversation.disposition,
            Conversation.after_hours,
            Conversation.survey_sent_at,
            Conversation.survey_answer,
        ).where(Conversation.created_at >= since)
    ).all()
    counts: dict[date, Counter[str]] = defaultdict(Counter)
    languages: set[str] = set()
    for created, queued, language, risk, disposition, late, surveyed, answer in rows:
        c = counts[period_start(created.date(), period)]
        c["conversations"] += 1
        c["escalated"] += queued is not None
        c["queued_after_hours"] += bool(late)
        languages.add(language or "unknown")
        c["language:" + (language or "unknown")] += 1
        c["risk:" + RiskLevel(risk).value] += 1
        if disposition:
            c["disposition:" + disposition] += 1
        c["survey_sent"] += surveyed is not None
        if answer:
            c["survey:" + answer] += 1
    waits: dict[date, list[float]] = defaultdict(list)
    for created, detail in db.session.execute(
        select(AuditEvent.created_at, AuditEvent.detail).where(
            AuditEvent.action == "conversation_claimed", AuditEvent.created_at >= since
        )
    ):
        if isinstance(detail, dict) and detail.get("wait_seconds") is not None:
            waits[period_start(created.date(), period)].append(float(detail["wait_seconds"]))
    for action, key in (("urgent_alert", "urgent_alerts"), ("still_in_line_sent", "still_in_line")):
        for (created,) in db.session.execute(
            select(AuditEvent.created_at).where(
                AuditEvent.action == action, AuditEvent.created_at >= since
            )
        ):
            counts[period_start(created.date(), period)][key] += 1

    columns = ["conversations", "escalated", "queued_after_hours", "urgent_alerts"]
    columns += ["still_in_line", "claimed", "median_wait_seconds", "longest_wait_seconds"]
    columns += [f"language:{code}" for code in sorted(languages)]
    columns += [f"risk:{level.value}" for level in RiskLevel]
    columns += [f"disposition:{key}" for key in dispositions.labels()]
    columns += ["survey_sent"] + [f"survey:{answer}" for answer in ANSWERS.values()]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in [f"{period}_starting", *columns]])
    step = timedelta(days=7 if period == "week" else 1)
    start = first
    while start <= today:
        c, w = counts[start], waits[start]
        c["claimed"] = len(w)
        values: list[object] = []
        for column in columns:
            if column == "median_wait_seconds":
                values.append(round(statistics.median(w)) if w else "")
            elif column == "longest_wait_seconds":
                values.append(round(max(w)) if w else "")
            else:
                values.append(c[column])
        writer.writerow([neutralise(v) for v in [start.isoformat(), *values]])
        start += step
    return out.getvalue()
