"""Supervisors: queue health, silent observation; every console: the urgent-waiting alert."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue

from webhooks.console import bp
from webhooks.console.conversation import _transcript_context
from webhooks.extensions import db
from webhooks.models import Conversation, StaffRole
from webhooks.models.base import utcnow
from webhooks.services import audit, handling, supervision, waiting
from webhooks.staff.access import current_staff, role_required, supervisor_required


@bp.get("/alerts")
@role_required(StaffRole.STAFF, passive=True)
def alerts() -> ResponseReturnValue:
    """Polled by every open console page: urgent texters nobody has claimed in time."""
    now = utcnow()
    overdue = [
        (c, int((now - (c.queued_at or now)).total_seconds() // 60))
        for c in waiting.overdue_urgent(now)
    ]
    return render_template("console/_alerts.html", overdue=overdue)


@bp.get("/supervisor")
@supervisor_required
def supervisor() -> ResponseReturnValue:
    return render_template("console/supervisor.html", health=supervision.queue_health())


@bp.get("/supervisor/health")
@role_required(StaffRole.SUPERVISOR, passive=True)
def supervisor_health() -> ResponseReturnValue:
    return render_template("console/_queue_health.html", health=supervision.queue_health())


def _observed(conversation_id: int) -> Conversation:
    conversation = db.session.get(Conversation, conversation_id)
    # Only what reached staff can be observed, like any other staff view of a conversation.
    if conversation is None or not handling.reached_staff(conversation):
        abort(404)
    return conversation


@bp.get("/conversations/<int:conversation_id>/observe")
@supervisor_required
def observe(conversation_id: int) -> ResponseReturnValue:
    """Read-only: no claim, no reply, no note; neither texter nor staff member is told."""
    conversation = _observed(conversation_id)
    audit.record(current_staff().actor, "conversation_observed", conversation.id)
    db.session.commit()
    return render_template("console/observe.html", **_transcript_context(conversation))


@bp.get("/conversations/<int:conversation_id>/observe/transcript")
@role_required(StaffRole.SUPERVISOR, passive=True)
def observe_transcript(conversation_id: int) -> ResponseReturnValue:
    conversation = _observed(conversation_id)
    audit.record(current_staff().actor, "conversation_observed", conversation.id, view="transcript")
    db.session.commit()
    return render_template("console/_transcript.html", **_transcript_context(conversation))
