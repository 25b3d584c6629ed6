"""Operating hours: is a person on shift now, and if not, when will one be back?

Weekly hours are local times in the hotline's time zone (an admin setting); a dated closure
closes the whole day. With no weekly hours at all the hotline counts as always open, which is
how it behaved before hours existed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime
from sqlalchemy import select

from webhooks import wording
from webhooks.extensions import db
from webhooks.i18n import render_reply
from webhooks.models import Closure, OpeningHours, Resource, ResourceCategory
from webhooks.models.base import utcnow
from webhooks.services import settings

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
# How far ahead to look for the next opening (a long closure still gets an answer).
LOOKAHEAD_DAYS = 60
END_OF_DAY = time(23, 59, 59, 999999)


class HoursError(ValueError):
    """An admin's entry cannot be used; the message says why."""


def parse_clock(text: str) -> time:
    text = text.strip()
    if not _CLOCK.match(text):
        raise HoursError(f"{text!r} is not a time like 09:00 (24-hour clock).")
    if text == "24:00":
        return END_OF_DAY
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def time_zone() -> ZoneInfo:
    try:
        return ZoneInfo(str(settings.get("time_zone")))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass
class Schedule:
    zone: ZoneInfo
    openings: dict[int, list[tuple[time, time]]] = field(default_factory=dict)
    closures: set[date] = field(default_factory=set)

    @property
    def always_open(self) -> bool:
        return not any(self.openings.values())

    def local(self, moment: datetime) -> datetime:
        """A naive UTC moment (as stored) in the hotline's time zone."""
        return moment.replace(tzinfo=UTC).astimezone(self.zone)

    def is_open(self, moment: datetime) -> bool:
        if self.always_open:
            return True
        here = self.local(moment)
        if here.date() in self.closures:
            return False
        now = here.time().replace(tzinfo=None)
        return any(o <= now < c for o, c in self.openings.get(here.weekday(), []))

    def next_opening(self, moment: datetime) -> datetime | None:
        """When a person is next on shift (local, aware); ``moment`` itself if open now."""
        if self.is_open(moment):
            return self.local(moment)
        here = self.local(moment)
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = here.date() + timedelta(days=offset)
            if day in self.closures:
                continue
            for opens, _ in sorted(self.openings.get(day.weekday(), [])):
                start = datetime.combine(day, opens, tzinfo=self.zone)
                if start > here:
                    return start
        return None


def schedule() -> Schedule:
    result = Schedule(zone=time_zone())
    for row in db.session.scalars(select(OpeningHours)):
        result.openings.setdefault(row.weekday, []).append(
            (parse_clock(row.opens), parse_clock(row.closes))
        )
    today = utcnow().date()
    result.closures = set(
        db.session.scalars(select(Closure.day).where(Closure.day >= today - timedelta(days=1)))
    )
    return result


def is_open(moment: datetime | None = None) -> bool:
    return schedule().is_open(moment or utcnow())


def _babel_locale(language: str) -> Locale:
    for code in (language, {"tl": "fil"}.get(language, language), "en"):
        try:
            return Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            continue
    return Locale("en")


def back_at(language: str, moment: datetime | None = None) -> str | None:
    """ "Monday 09:00" in the texter's language (the hotline's local time), or None."""
    opening = schedule().next_opening(moment or utcnow())
    if opening is None:
        return None
    return format_datetime(opening, "EEEE HH:mm", locale=_babel_locale(language))


def national_line() -> Resource | None:
    """The 24/7 national line: the admins' choice, else the first active 24/7 hotline."""
    chosen = settings.get("national_line_resource_id")
    if chosen:
        resource = db.session.get(Resource, int(chosen))
        if resource is not None and resource.active and resource.phone:
            return resource
    return db.session.scalar(
        select(Resource)
        .where(
            Resource.category == ResourceCategory.HOTLINE,
            Resource.active.is_(True),
            Resource.phone.is_not(None),
            Resource.hours == "24/7",
        )
        .order_by(Resource.priority, Resource.id)
        .limit(1)
    )


def after_hours_text(
    msgid: str, fallback: str, language: str | None, moment: datetime | None = None
) -> str:
    """An after-hours text saying when a person is back and the 24/7 national line, or its
    fallback when no reopening is in sight or no national line is configured (the fallback
    still gives the emergency number and never promises "soon")."""
    when = back_at(language or "en", moment or utcnow())
    line = national_line()
    if when is None or line is None or not line.phone:
        return render_reply(fallback, language)
    return render_reply(msgid, language, {"back_at": when, "national_line": line.phone})


def closed_reply(language: str | None, moment: datetime | None = None) -> str | None:
    """The after-hours reply in the texter's language, or None while someone is on shift."""
    return _while_closed(wording.AFTER_HOURS, wording.AFTER_HOURS_FALLBACK, language, moment)


def closed_offer(language: str | None, moment: datetime | None = None) -> str | None:
    """The consent question after hours: a person writes back later (when), not now."""
    return _while_closed(
        wording.AFTER_HOURS_OFFER, wording.AFTER_HOURS_OFFER_FALLBACK, language, moment
    )


def _while_closed(
    msgid: str, fallback: str, language: str | None, moment: datetime | None
) -> str | None:
    moment = moment or utcnow()
    return None if is_open(moment) else after_hours_text(msgid, fallback, language, moment)


def weekly_text() -> dict[int, str]:
    """Each weekday's openings as admins type them: "09:00-17:00, 18:00-22:00"."""
    found: dict[int, list[tuple[str, str]]] = {d: [] for d in range(7)}
    for row in db.session.scalars(select(OpeningHours).order_by(OpeningHours.opens)):
        found[row.weekday].append((row.opens, row.closes))
    return {d: ", ".join(f"{o}-{c}" for o, c in spans) for d, spans in found.items()}


def parse_day(text: str) -> list[tuple[str, str]]:
    spans = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if "-" not in part:
            raise HoursError(f"{part!r}: write an opening as 09:00-17:00.")
        opens, closes = (p.strip() for p in part.split("-", 1))
        if parse_clock(opens) >= parse_clock(closes):
            raise HoursError(f"{part!r}: the closing time must come after the opening time.")
        spans.append((opens, closes))
    return spans


def set_weekly(days: dict[int, str], zone: str) -> None:
    """Replace the weekly hours (all or nothing: one bad entry changes nothing)."""
    try:
        ZoneInfo(zone.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise HoursError(f"{zone!r} is not a time zone (for example America/New_York).") from exc
    parsed = {day: parse_day(days.get(day, "")) for day in range(7)}
    for row in db.session.scalars(select(OpeningHours)):
        db.session.delete(row)
    for day, spans in parsed.items():
        for opens, closes in spans:
            db.session.add(OpeningHours(weekday=day, opens=opens, closes=closes))
    settings.put("time_zone", zone.strip())


def add_closure(day: date, label: str) -> None:
    if db.session.scalar(select(Closure).where(Closure.day == day)) is not None:
        raise HoursError(f"{day.isoformat()} is already a closure.")
    db.session.add(Closure(day=day, label=label.strip()[:120]))


def closures_from(today: date) -> list[Closure]:
    return list(
        db.session.scalars(select(Closure).where(Closure.day >= today).order_by(Closure.day))
    )
