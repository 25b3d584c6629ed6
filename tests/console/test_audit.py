"""The audit page: supervisors and admins read who did what; no message text; CSV export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from tests.console.helpers import escalation
from webhooks.extensions import db
from webhooks.models import AuditEvent


def test_supervisors_read_the_trail_with_names(app, signed_in, staff_ids):
    conversation_id = escalation(app, texts=("my secret words",))
    staff = signed_in("staff")
    staff.get(f"/console/conversations/{conversation_id}")
    staff.post(f"/console/conversations/{conversation_id}/claim")
    staff.post(f"/console/conversations/{conversation_id}/reply", {"body": "a private reply"})
    page = signed_in("supervisor").get("/console/audit").get_data(as_text=True)
    for action in ("conversation_viewed", "conversation_claimed", "staff_replied"):
        assert action in page
    assert "sam" in page
    assert "my secret words" not in page and "a private reply" not in page


def test_filters(app, signed_in):
    first = escalation(app, "+15550000001")
    second = escalation(app, "+15550000002")
    staff = signed_in("staff")
    staff.get(f"/console/conversations/{first}")
    staff.get(f"/console/conversations/{second}")
    supervisor = signed_in("supervisor")
    page = supervisor.get(f"/console/audit?conversation={second}").get_data(as_text=True)
    assert f'href="/console/conversations/{second}"' in page
    assert f'href="/console/conversations/{first}"' not in page
    page = supervisor.get("/console/audit?actor=sam&action=conversation_viewed").get_data(
        as_text=True
    )
    assert "2 events" in page


def test_export_is_audited_and_holds_no_text(app, signed_in, staff_ids):
    conversation_id = escalation(app, texts=("words",))
    signed_in("staff").get(f"/console/conversations/{conversation_id}")
    response = signed_in("admin").get("/console/audit/export.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert any(r["action"] == "conversation_viewed" and r["actor_name"] == "sam" for r in rows)
    assert "words" not in response.get_data(as_text=True)
    with app.app_context():
        exported = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "audit_exported")
        ).one()
        assert exported.actor == f"staff:{staff_ids['admin']}"
