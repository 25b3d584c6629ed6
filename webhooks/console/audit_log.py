"""The audit log for supervisors and admins: who did what to which conversation, and when."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, func, select

from webhooks.console import bp
from webhooks.extensions import db
from webhooks.models import AuditEvent, StaffUser
from webhooks.services import audit
from webhooks.services.spreadsheet import safe_row
from webhooks.staff.access import current_staff, supervisor_required

PAGE_SIZE = 100
EXPORT_LIMIT = 50_000


def _filtered(query: Select[Any]) -> Select[Any]:
    action = request.args.get("action", "").strip()
    actor = request.args.get("actor", "").strip()
    conversation_id = request.args.get("conversation", type=int)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == actor))
        query = query.where(AuditEvent.actor == (user.actor if user else actor))
    if conversation_id is not None:
        query = query.where(AuditEvent.conversation_id == conversation_id)
    return query


def _actor_names() -> dict[str, str]:
    return {
        f"staff:{staff_id}": name
        for staff_id, name in db.session.execute(select(StaffUser.id, StaffUser.username))
    }


@bp.get("/audit")
@supervisor_required
def audit_log() -> ResponseReturnValue:
    page = max(1, request.args.get("page", 1, type=int))
    query = _filtered(select(AuditEvent))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = db.session.scalars(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template(
        "console/audit.html",
        events=events,
        names=_actor_names(),
        actions=list(actions),
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
        args=request.args,
        filters={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.get("/audit/export.csv")
@supervisor_required
def audit_export() -> ResponseReturnValue:
    query = _filtered(select(AuditEvent)).order_by(AuditEvent.id).limit(EXPORT_LIMIT)
    names = _actor_names()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "actor_name", "action", "conversation_id", "detail"])
    count = 0
    for event in db.session.scalars(query):
        writer.writerow(
            safe_row(
                [
                    event.id,
                    event.created_at.isoformat(timespec="seconds"),
                    event.actor,
                    names.get(event.actor, ""),
                    event.action,
                    event.conversation_id or "",
                    json.dumps(event.detail, sort_keys=True),
                ]
            )
        )
        count += 1
    audit.record(current_staff().actor, "audit_exported", rows=count)
    db.session.commit()
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit.csv"},
    )
