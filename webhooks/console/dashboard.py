"""The supervisors' dashboard: volumes, languages, risk, waits and escalations as charts."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from webhooks.console import bp, charts
from webhooks.services import stats
from webhooks.staff.access import supervisor_required

PERIODS = (7, 30, 90)


@bp.get("/dashboard")
@supervisor_required
def dashboard() -> ResponseReturnValue:
    days = request.args.get("days", 30, type=int)
    if days not in PERIODS:
        days = 30
    numbers = stats.dashboard(days)
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
        disposition_chart=charts.bars("Closed conversations by outcome", numbers.dispositions),
    )
