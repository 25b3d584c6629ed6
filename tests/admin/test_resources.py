"""Admin resources: create and edit with translations, SMS preview, change history."""

from __future__ import annotations

from sqlalchemy import select

from webhooks.extensions import db
from webhooks.models import Resource, ResourceCategory, ResourceChange
from webhooks.services.resources import resources_text

FORM = {
    "category": "shelter",
    "name": "Safe House North",
    "phone": "+1 555 0100",
    "sms": "",
    "url": "https://safe.example.org",
    "region": "north",
    "hours": "24/7",
    "priority": "10",
    "active": "1",
    "description_en": "Safe House North, free shelter:",
    "description_es": "Casa Segura Norte, refugio gratuito:",
}


def create(admin, **changes):
    response = admin.post("/admin/resources/new", {**FORM, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_create_with_translations_and_the_bot_uses_it(app, signed_in):
    admin = signed_in("admin")
    resource_id = create(admin)
    with app.app_context():
        resource = db.session.get(Resource, resource_id)
        assert resource.region == "north" and resource.priority == 10 and resource.active
        assert {t.language: t.description for t in resource.translations} == {
            "en": "Safe House North, free shelter:",
            "es": "Casa Segura Norte, refugio gratuito:",
        }
        text = resources_text(ResourceCategory.SHELTER, "es", "Intro")
        assert "Casa Segura Norte" in text and "+1 555 0100" in text
    listing = admin.get("/admin/resources").get_data(as_text=True)
    assert "Safe House North" in listing


def test_the_form_previews_the_sms_with_segments_and_encoding(app, signed_in):
    admin = signed_in("admin")
    resource_id = create(admin)
    page = admin.get(f"/admin/resources/{resource_id}").get_data(as_text=True)
    assert 'data-language="es"' in page and "Casa Segura Norte" in page
    assert "1 segment" in page and "GSM-7" in page
    assert 'hx-post="/admin/resources/preview"' in page
    # Live preview of unsaved changes: a character outside GSM-7 switches to UCS-2.
    preview = admin.post(
        "/admin/resources/preview", {**FORM, "description_en": "Refuge ✓ " + "x" * 20}
    ).get_data(as_text=True)
    assert "UCS-2" in preview and "2 segments" in preview
    long = admin.post("/admin/resources/preview", {**FORM, "description_en": "y" * 600})
    assert "will not be sent" in long.get_data(as_text=True)
    missing = admin.post("/admin/resources/preview", {**FORM, "description_es": ""})
    assert "no translation" in missing.get_data(as_text=True)
    invalid = admin.post("/admin/resources/preview", {**FORM, "category": "nope"})
    assert "Category must be one of" in invalid.get_data(as_text=True)


def test_edits_are_recorded_in_the_history(app, signed_in, staff_ids):
    admin = signed_in("admin")
    resource_id = create(admin)
    admin.post(
        f"/admin/resources/{resource_id}",
        {**FORM, "hours": "Mon-Fri 9-17", "active": "", "description_es": ""},
    )
    with app.app_context():
        resource = db.session.get(Resource, resource_id)
        assert resource.hours == "Mon-Fri 9-17" and not resource.active
        assert [t.language for t in resource.translations] == ["en"]
        changes = db.session.scalars(select(ResourceChange).order_by(ResourceChange.id)).all()
        assert [c.action for c in changes] == ["created", "updated"]
        assert changes[1].staff_user_id == staff_ids["admin"]
        assert changes[1].changes == {
            "active": [True, False],
            "description:es": ["Casa Segura Norte, refugio gratuito:", None],
            "hours": ["24/7", "Mon-Fri 9-17"],
        }
    history = admin.get(f"/admin/resources/{resource_id}/history").get_data(as_text=True)
    assert "Mon-Fri 9-17" in history and "ada" in history


def test_delete_keeps_the_history(app, signed_in):
    admin = signed_in("admin")
    resource_id = create(admin)
    admin.post(f"/admin/resources/{resource_id}/delete")
    with app.app_context():
        assert db.session.get(Resource, resource_id) is None
    history = admin.get(f"/admin/resources/{resource_id}/history").get_data(as_text=True)
    assert "deleted" in history and "Safe House North" in history
    assert "deleted" in admin.get("/admin/history").get_data(as_text=True)


def test_invalid_input_is_explained_and_nothing_saved(app, signed_in):
    admin = signed_in("admin")
    response = admin.post(
        "/admin/resources/new",
        {**FORM, "name": "", "url": "javascript:alert(1)", "priority": "soon"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "A name is required" in page and "web address" in page and "Priority" in page
    with app.app_context():
        assert db.session.scalar(select(Resource.id)) is None
