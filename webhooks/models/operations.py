"""What admins set for the hotline's operation: weekly hours, dated closures, dispositions,
and a few switches (time zone, the 24/7 national line, the survey)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.extensions import db
from webhooks.models.base import utcnow


class OpeningHours(db.Model):  # type: ignore[name-defined]
    """One opening on one weekday (0 = Monday), local time "HH:MM"; a day may have several."""

    __tablename__ = "opening_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int] = mapped_column(index=True)
    opens: Mapped[str] = mapped_column(String(5))
    closes: Mapped[str] = mapped_column(String(5))


class Closure(db.Model):  # type: ignore[name-defined]
    """A dated closure (a holiday): closed all day, whatever the weekly hours say."""

    __tablename__ = "closure"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")


class Disposition(db.Model):  # type: ignore[name-defined]
    """How a conversation ended: a taxonomy admins edit. ``system`` ones are set by the app."""

    __tablename__ = "disposition"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True)
    system: Mapped[bool] = mapped_column(default=False)


class HotlineSetting(db.Model):  # type: ignore[name-defined]
    """A switch admins set in the console (not a deployment setting: those are environment)."""

    __tablename__ = "hotline_setting"

    key: Mapped[str] = mapped_column(String(48), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
