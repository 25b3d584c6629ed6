"""Every console and admin route, as anonymous, staff, supervisor and admin: who gets in."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.console.helpers import ROLES, escalation, make_staff
from webhooks.models import StaffRole

# The least role each endpoint needs (None: open to anyone, e.g. the sign-in pages).
# A route added without an entry here fails test_every_route_is_listed.
REQUIRED = {
    "console.login": None,
    "console.login_code": None,
    "console.login_enroll": None,
    "console.logout": None,
    "console.queue": "staff",
    "console.queue_rows": "staff",
    "console.account": "staff",
    "console.change_password": "staff",
    "console.enable_two_factor": "staff",
    "console.disable_two_factor": "staff",
    "console.conversation": "staff",
    "console.transcript": "staff",
    "console.claim": "staff",
    "console.reply": "staff",
    "console.add_note": "staff",
    "console.transfer": "staff",
    "console.release": "staff",
    "console.close": "staff",
    "console.set_risk": "staff",
    "console.block": "supervisor",
    "console.unblock": "supervisor",
    "console.audit_log": "supervisor",
    "console.audit_export": "supervisor",
    "console.dashboard": "supervisor",
    "console.export_csv": "supervisor",
    "console.set_flag": "staff",
    "console.earlier": "staff",
    "console.alerts": "staff",
    "console.supervisor": "supervisor",
    "console.supervisor_health": "supervisor",
    "console.observe": "supervisor",
    "console.observe_transcript": "supervisor",
    "admin.index": "admin",
    "admin.resources": "admin",
    "admin.new_resource": "admin",
    "admin.edit_resource": "admin",
    "admin.delete_resource": "admin",
    "admin.preview": "admin",
    "admin.resource_history": "admin",
    "admin.history": "admin",
    "admin.export_resources": "admin",
    "admin.import_resources": "admin",
    "admin.users": "admin",
    "admin.create_user": "admin",
    "admin.change_role": "admin",
    "admin.deactivate": "admin",
    "admin.activate": "admin",
    "admin.reset_two_factor": "admin",
    "admin.reset_password": "admin",
    "admin.unlock": "admin",
    "admin.hours": "admin",
    "admin.save_hours": "admin",
    "admin.add_closure": "admin",
    "admin.delete_closure": "admin",
    "admin.save_operation_settings": "admin",
    "admin.dispositions": "admin",
    "admin.add_disposition": "admin",
    "admin.update_disposition": "admin",
}


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in {"console", "admin"}:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


def _url(rule: str, ids: dict[str, int]) -> str:
    url = rule.replace("<any(json, csv):fmt>", "json").replace("<key>", "other")
    return re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), url)


def test_every_route_is_listed(app):
    endpoints = {endpoint for endpoint, _, _ in _routes(app)}
    assert endpoints == set(REQUIRED)


def test_decorators_declare_what_the_table_says(app):
    for endpoint, role in REQUIRED.items():
        declared = app.view_functions[endpoint].required_role
        assert (declared.value if declared else None) == role, endpoint


@pytest.mark.parametrize("role", [None, *ROLES])
def test_who_gets_in(app, signed_in, staff_ids, role):
    victim = make_staff(app, "victim", "staff")
    ids = {
        "conversation_id": escalation(app, assigned_staff_id=staff_ids.get(role or "staff")),
        "resource_id": 999_999,  # missing: a 404 still shows the door was open
        "staff_id": victim,
        "earlier_id": 999_999,
        "closure_id": 999_999,
    }
    for endpoint, method, rule in _routes(app):
        browser = signed_in(role)  # fresh each time: a route may sign out or change the role
        url = _url(rule, ids)
        response = browser.get(url) if method == "GET" else browser.post(url)
        required = REQUIRED[endpoint]
        what = f"{role or 'anonymous'} {method} {url} -> {response.status_code}"
        assert response.status_code < 500, what
        if required is None:
            # Open to all: a refused sign-in answers 401, never 403.
            assert response.status_code != 403, what
        elif role is None:
            assert response.status_code == 302, what
            assert "/console/login" in response.headers["Location"], what
        elif StaffRole(role).at_least(required):
            assert response.status_code not in (401, 403), what
            assert "/console/login" not in response.headers.get("Location", ""), what
        else:
            assert response.status_code == 403, what


def test_a_polling_fragment_asks_htmx_to_go_to_sign_in(client):
    response = client.get("/console/queue/rows", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/console/login"
