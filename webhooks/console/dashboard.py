"""The supervisors' dashboard: volumes, languages, risk, waits and escalations as charts."""

from __future__ import annotations

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue

from webhooks.console import bp, charts
from webhooks.extensions import db
from webhooks.services import audit, dispositions, exports, stats
from webhooks.staff.access import current_staff, supervisor_required

PERIODS = (7, 30, 90)
# What fits left of a bar in the charts (admins' labels can be long).
LABEL_CHARS = 17


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


@bp.get("/dashboard")
@supervisor_required
def dashboard() -> ResponseReturnValue:
    days = request.args.get("days", 30, type=int)
    if days not in PERIODS:
        days = 30
    numbers = stats.dashboard(days)
    labels = dispositions.labels()
    volume = charts.columns(
        f"Conversations per day, last {days} days",
        [(d.strftime("%d %b"), n, e) for d, n, e in numbers.per_day],
        legend=("conversations", "escalated to staff"),
    )
    return render_template(
        "console/dashboard.html",
        numbers=numbers,
        periods=PERIODS,
        volume_chart=volume,
        language_chart=charts.bars("Conversations by language", numbers.languages),
        risk_chart=charts.bars("Conversations by risk level", numbers.risks),
        disposition_chart=charts.bars(
            "Closed conversations by outcome",
            [(_short(labels.get(k, k)), n) for k, n in numbers.dispositions],
        ),
        survey_chart=charts.bars(
            "Survey answers", [(a.replace("_", " "), n) for a, n in numbers.survey_answers]
        ),
    )


@bp.get("/dashboard/export.csv")
@supervisor_required
def export_csv() -> ResponseReturnValue:
    """Counts per day or week for funders: no numbers, no text, no ids."""
    period = request.args.get("period", "week")
    days = request.args.get("days", 90, type=int)
    if period not in exports.PERIODS or days not in PERIODS:
        period, days = "week", 90
    body = exports.funders_csv(period, days)
    audit.record(current_staff().actor, "export_downloaded", period=period, days=days)
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="hotline-{period}-{days}d.csv"',
        },
    )
