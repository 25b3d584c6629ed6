"""Admin: operating hours, closures, the national line, the survey switch; dispositions."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from webhooks import wording
from webhooks.admin import bp
from webhooks.extensions import db
from webhooks.i18n import supported_languages
from webhooks.models import Closure, Resource
from webhooks.models.base import utcnow
from webhooks.services import audit, dispositions, hours, settings, survey
from webhooks.staff.access import admin_required, current_staff


def _previews() -> list[tuple[str, str, str]]:
    """The after-hours consent question and reply as each language's texters would get them."""
    return [
        (
            language,
            hours.after_hours_text(
                wording.AFTER_HOURS_OFFER, wording.AFTER_HOURS_OFFER_FALLBACK, language
            ),
            hours.after_hours_text(wording.AFTER_HOURS, wording.AFTER_HOURS_FALLBACK, language),
        )
        for language in supported_languages()
    ]


@bp.get("/hours", endpoint="hours")
@admin_required
def hours_page() -> ResponseReturnValue:
    plan = hours.schedule()
    return render_template(
        "admin/hours.html",
        weekdays=hours.WEEKDAYS,
        weekly=hours.weekly_text(),
        zone=settings.get("time_zone"),
        closures=hours.closures_from(utcnow().date()),
        resources=db.session.scalars(
            select(Resource).where(Resource.active.is_(True), Resource.phone.is_not(None))
        ).all(),
        national=hours.national_line(),
        survey_enabled=survey.enabled(),
        open_now=plan.is_open(utcnow()),
        always_open=plan.always_open,
        previews=_previews(),
    )


@bp.post("/hours")
@admin_required
def save_hours() -> ResponseReturnValue:
    try:
        hours.set_weekly(
            {day: request.form.get(f"day{day}", "") for day in range(7)},
            request.form.get("time_zone", "UTC"),
        )
    except hours.HoursError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        audit.record(current_staff().actor, "hours_changed")
        db.session.commit()
        flash("Operating hours saved.", "info")
    return redirect(url_for("admin.hours"))


@bp.post("/hours/closures")
@admin_required
def add_closure() -> ResponseReturnValue:
    try:
        day = date.fromisoformat(request.form.get("day", ""))
        hours.add_closure(day, request.form.get("label", ""))
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc) if isinstance(exc, hours.HoursError) else "Choose a date.", "error")
    else:
        audit.record(current_staff().actor, "closure_added", day=day.isoformat())
        db.session.commit()
        flash(f"Closed on {day.isoformat()}.", "info")
    return redirect(url_for("admin.hours"))


@bp.post("/hours/closures/<int:closure_id>/delete")
@admin_required
def delete_closure(closure_id: int) -> ResponseReturnValue:
    closure = db.session.get(Closure, closure_id)
    if closure is not None:
        audit.record(current_staff().actor, "closure_removed", day=closure.day.isoformat())
        db.session.delete(closure)
        db.session.commit()
    return redirect(url_for("admin.hours"))


@bp.post("/hours/settings")
@admin_required
def save_operation_settings() -> ResponseReturnValue:
    chosen = request.form.get("national_line", type=int)
    settings.put("national_line_resource_id", chosen or None)
    settings.put("survey_enabled", request.form.get("survey_enabled") == "1")
    audit.record(
        current_staff().actor,
        "operation_settings_changed",
        national_line=chosen,
        survey=request.form.get("survey_enabled") == "1",
    )
    db.session.commit()
    flash("Settings saved.", "info")
    return redirect(url_for("admin.hours"))


@bp.get("/dispositions", endpoint="dispositions")
@admin_required
def dispositions_page() -> ResponseReturnValue:
    rows = dispositions.all_dispositions()
    db.session.commit()  # a first visit seeds an empty taxonomy
    return render_template("admin/dispositions.html", dispositions=rows)


@bp.post("/dispositions")
@admin_required
def add_disposition() -> ResponseReturnValue:
    try:
        added = dispositions.add(request.form.get("key", ""), request.form.get("label", ""))
    except dispositions.DispositionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        audit.record(current_staff().actor, "disposition_added", key=added.key)
        db.session.commit()
        flash(f"Added {added.label}.", "info")
    return redirect(url_for("admin.dispositions"))


@bp.post("/dispositions/<key>")
@admin_required
def update_disposition(key: str) -> ResponseReturnValue:
    try:
        dispositions.update(
            key,
            request.form.get("label", ""),
            active=request.form.get("active") == "1",
            position=request.form.get("position", type=int),
        )
    except dispositions.DispositionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        audit.record(current_staff().actor, "disposition_changed", key=key)
        db.session.commit()
        flash("Saved.", "info")
    return redirect(url_for("admin.dispositions"))
