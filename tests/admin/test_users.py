"""Admin user management: create, role, deactivate, reset password and two-factor, unlock."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.console.helpers import csrf_token, get, make_staff
from webhooks.extensions import db
from webhooks.models import AuditEvent, StaffRole, StaffUser


def test_create_a_user_who_must_choose_a_password(app, signed_in):
    admin = signed_in("admin")
    page = admin.post("/admin/users", {"username": "newbie", "role": "staff"})
    html = page.get_data(as_text=True)
    password = re.search(r'id="temporary-password">([^<]+)<', html).group(1)
    client = app.test_client()
    token = csrf_token(client)
    response = client.post(
        "/console/login", data={"csrf_token": token, "username": "newbie", "password": password}
    )
    assert response.status_code == 302
    assert client.get("/console/").headers["Location"] == "/console/account/password"
    with app.app_context():
        user = db.session.scalars(select(StaffUser).where(StaffUser.username == "newbie")).one()
        assert user.role == StaffRole.STAFF and user.must_change_password
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user_created")
        ).one()
        assert event.detail["target_staff"] == user.id
    assert password not in admin.get("/admin/users").get_data(as_text=True)


def test_duplicate_and_bad_names_are_refused(signed_in):
    admin = signed_in("admin")
    admin.post("/admin/users", {"username": "sam", "role": "staff"})
    assert "taken" in admin.get("/admin/users").get_data(as_text=True)


def test_change_role_ends_the_users_sessions(app, signed_in, staff_ids):
    staff = signed_in("staff")
    assert staff.get("/console/dashboard").status_code == 403
    signed_in("admin").post(f"/admin/users/{staff_ids['staff']}/role", {"role": "supervisor"})
    assert get(app, StaffUser, staff_ids["staff"]).role == StaffRole.SUPERVISOR
    assert staff.get("/console/").status_code == 302  # signed out: the new role needs a sign-in
    assert signed_in("staff").get("/console/dashboard").status_code == 200


def test_deactivate_and_activate(app, signed_in, staff_ids):
    staff = signed_in("staff")
    admin = signed_in("admin")
    admin.post(f"/admin/users/{staff_ids['staff']}/deactivate")
    assert not get(app, StaffUser, staff_ids["staff"]).active
    assert staff.get("/console/").status_code == 302
    admin.post(f"/admin/users/{staff_ids['staff']}/activate")
    assert get(app, StaffUser, staff_ids["staff"]).active


def test_reset_two_factor_and_password_and_unlock(app, signed_in, staff_ids):
    admin = signed_in("admin")
    other_admin = make_staff(app, "otto", "admin", totp=True, failed_logins=3)
    admin.post(f"/admin/users/{other_admin}/reset-2fa")
    assert get(app, StaffUser, other_admin).totp_secret is None
    page = admin.post(f"/admin/users/{other_admin}/reset-password").get_data(as_text=True)
    assert 'id="temporary-password"' in page
    assert get(app, StaffUser, other_admin).must_change_password
    admin.post(f"/admin/users/{other_admin}/unlock")
    assert get(app, StaffUser, other_admin).failed_logins == 0
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"user_2fa_reset", "user_password_reset", "user_unlocked"} <= actions


def test_admins_cannot_lock_themselves_or_the_last_admin_out(app, signed_in, staff_ids):
    admin = signed_in("admin")
    admin.post(f"/admin/users/{staff_ids['admin']}/role", {"role": "staff"})
    admin.post(f"/admin/users/{staff_ids['admin']}/deactivate")
    user = get(app, StaffUser, staff_ids["admin"])
    assert user.role == StaffRole.ADMIN and user.active
    assert "your own role" in admin.get("/admin/users").get_data(as_text=True)
