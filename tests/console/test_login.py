"""Sign-in: passwords, two-factor codes, rate limit, idle timeout, CSRF, security headers."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.console.helpers import (
    PASSWORD,
    Console,
    csrf_token,
    current_code,
    get,
    make_staff,
    totp_secret,
)
from webhooks.extensions import db
from webhooks.models import AuditEvent, StaffUser
from webhooks.staff import accounts


def sign_in(app, client, username, password=PASSWORD, **extra):
    token = csrf_token(client)
    return client.post(
        "/console/login",
        data={"csrf_token": token, "username": username, "password": password, **extra},
    )


def test_staff_sign_in_with_a_password_and_reach_the_queue(app, client, staff_ids):
    response = sign_in(app, client, "sam")
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    assert client.get("/console/").status_code == 200
    with app.app_context():
        user = db.session.get(StaffUser, staff_ids["staff"])
        assert user.password_hash.startswith("$argon2id$")
        assert user.last_login_at is not None
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "staff_signed_in" in actions


def test_wrong_password_and_unknown_user_get_the_same_answer(client, app, staff_ids):
    wrong = sign_in(app, client, "sam", "not the password")
    unknown = sign_in(app, client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert b"Wrong username or password" in wrong.data
    assert b"Wrong username or password" in unknown.data
    assert client.get("/console/").status_code == 302


def test_sign_in_redirects_only_to_our_own_pages(app, client, staff_ids):
    response = sign_in(app, client, "sam", next="/console/account")
    assert response.headers["Location"] == "/console/account"
    client = app.test_client()
    response = sign_in(app, client, "sam", next="https://evil.example/")
    assert response.headers["Location"] == "/console/"


def test_admins_need_a_code_and_a_code_works_once(app, client, staff_ids):
    response = sign_in(app, client, "ada")
    assert response.headers["Location"] == "/console/login/code"
    assert client.get("/console/").status_code == 302  # not signed in yet
    code = current_code(totp_secret(app, staff_ids["admin"]))
    token = csrf_token(client)
    bad = client.post("/console/login/code", data={"csrf_token": token, "code": "000000"})
    assert bad.status_code == 401
    good = client.post("/console/login/code", data={"csrf_token": token, "code": code})
    assert good.status_code == 302 and good.headers["Location"] == "/console/"
    assert client.get("/admin/users").status_code == 200

    # The same code, replayed in another browser, is refused.
    other = app.test_client()
    sign_in(app, other, "ada")
    replay = other.post("/console/login/code", data={"csrf_token": csrf_token(other), "code": code})
    assert replay.status_code == 401


@pytest.mark.parametrize("role", ["admin", "supervisor"])
def test_supervisors_and_admins_without_two_factor_must_enrol_before_anything_else(
    app, client, role
):
    newadmin = make_staff(app, "newadmin", role)
    response = sign_in(app, client, "newadmin")
    assert response.headers["Location"] == "/console/login/enroll"
    page = client.get("/console/login/enroll").get_data(as_text=True)
    assert "<svg" in page  # the QR code
    secret = get(app, StaffUser, newadmin).pending_totp_secret
    assert secret in page
    with client.session_transaction() as session:
        assert secret not in str(dict(session))  # never in the (readable) cookie
    token = csrf_token(client)
    wrong = client.post("/console/login/enroll", data={"csrf_token": token, "code": "123456"})
    assert b"does not match" in wrong.data
    done = client.post(
        "/console/login/enroll", data={"csrf_token": token, "code": current_code(secret)}
    )
    assert done.headers["Location"] == "/console/"
    with app.app_context():
        assert accounts.find_user("newadmin").totp_secret == secret


def test_two_factor_for_everyone_when_configured(make_app):
    app = make_app(STAFF_2FA_REQUIRED=True)
    make_staff(app, "sam", "staff")
    client = app.test_client()
    assert sign_in(app, client, "sam").headers["Location"] == "/console/login/enroll"


def test_repeated_failures_lock_the_username(app, client, staff_ids):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert sign_in(app, client, "sam", "wrong password").status_code == 401
    locked = sign_in(app, client, "sam")  # even the right password
    assert locked.status_code == 429 and b"Too many failed attempts" in locked.data
    # An admin unlocks.
    with app.app_context():
        user = db.session.get(StaffUser, staff_ids["staff"])
        from webhooks.staff import throttle

        throttle.unlock(user)
        db.session.commit()
    assert sign_in(app, client, "sam").status_code == 302


def test_unknown_names_lock_too(app, client):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(app, client, "ghost", "guess")
    assert sign_in(app, client, "ghost", "guess").status_code == 429


def test_many_failures_from_one_address_hold_that_address_for_every_name(make_app):
    app = make_app(LOGIN_MAX_FAILURES_PER_IP=3)
    make_staff(app, "sam")
    client = app.test_client()
    for name in ("a", "b", "c"):
        sign_in(app, client, name, "guess")
    assert sign_in(app, client, "sam").status_code == 429


def test_wrong_codes_count_as_failures(app, client, staff_ids):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(app, client, "ada")
        token = csrf_token(client)
        wrong = client.post("/console/login/code", data={"csrf_token": token, "code": "000000"})
        assert wrong.status_code == 401
    assert sign_in(app, client, "ada").status_code == 429


def test_deactivated_staff_cannot_sign_in_and_are_signed_out(app, signed_in, staff_ids):
    browser = signed_in("staff")
    assert browser.get("/console/").status_code == 200
    with app.app_context():
        user = db.session.get(StaffUser, staff_ids["staff"])
        user.active = False
        user.end_sessions()
        db.session.commit()
    assert browser.get("/console/").status_code == 302
    assert sign_in(app, app.test_client(), "sam").status_code == 401


def test_idle_sessions_end_but_polling_does_not_keep_them_alive(app, signed_in):
    browser = signed_in("staff")
    with browser.client.session_transaction() as session:
        session["staff_seen_at"] = time.time() - 14 * 60
    # Polling is not activity: the clock is not reset.
    assert browser.get("/console/queue/rows").status_code == 200
    with browser.client.session_transaction() as session:
        assert time.time() - session["staff_seen_at"] > 13 * 60
    # A click is.
    assert browser.get("/console/").status_code == 200
    with browser.client.session_transaction() as session:
        assert time.time() - session["staff_seen_at"] < 60
        session["staff_seen_at"] = time.time() - 16 * 60
    response = browser.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    assert b"without activity" in browser.get("/console/login").data


def test_sessions_have_a_maximum_age(app, signed_in):
    browser = signed_in("staff")
    with browser.client.session_transaction() as session:
        session["staff_login_at"] = time.time() - 13 * 3600
    assert browser.get("/console/").status_code == 302


def test_signing_out(signed_in):
    browser = signed_in("staff")
    assert browser.post("/console/logout").status_code == 302
    assert browser.get("/console/").status_code == 302


def test_forms_without_the_csrf_token_are_refused(signed_in, app):
    browser = signed_in("staff")
    response = browser.client.post("/console/logout")
    assert response.status_code == 400 and b"expired" in response.data
    response = app.test_client().post("/console/login", data={"username": "sam", "password": "x"})
    assert response.status_code == 400


def test_session_cookie_and_security_headers(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/console/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_reset_password_must_be_changed_first(app, signed_in, staff_ids):
    with app.app_context():
        user = db.session.get(StaffUser, staff_ids["staff"])
        user.must_change_password = True
        db.session.commit()
    browser = signed_in("staff")
    assert browser.get("/console/").headers["Location"] == "/console/account/password"
    short = browser.post(
        "/console/account/password", {"current": PASSWORD, "new": "short", "confirm": "short"}
    )
    assert short.status_code == 400
    new = "a much longer passphrase"
    done = browser.post(
        "/console/account/password", {"current": PASSWORD, "new": new, "confirm": new}
    )
    assert done.status_code == 302
    assert browser.get("/console/").status_code == 200
    assert not get(app, StaffUser, staff_ids["staff"]).must_change_password
    assert sign_in(app, app.test_client(), "sam", new).status_code == 302


def test_staff_can_turn_two_factor_on(app, signed_in, staff_ids):
    browser = signed_in("staff")
    page = browser.get("/console/account").get_data(as_text=True)
    assert "<svg" in page
    secret = get(app, StaffUser, staff_ids["staff"]).pending_totp_secret
    assert secret in page
    with browser.client.session_transaction() as session:
        assert secret not in str(dict(session))
    browser.post("/console/account/2fa", {"code": current_code(secret)})
    assert get(app, StaffUser, staff_ids["staff"]).totp_secret == secret
    client = app.test_client()
    assert sign_in(app, client, "sam").headers["Location"] == "/console/login/code"


def test_the_console_helper_signs_in(app, staff_ids):
    assert Console(app, app.test_client(), staff_ids["staff"]).get("/console/").status_code == 200


def test_behind_a_trusted_proxy_the_limit_counts_the_client_address(make_app):
    app = make_app(LOGIN_MAX_FAILURES_PER_IP=2, CONSOLE_TRUSTED_PROXIES=1)
    make_staff(app, "sam")
    client = app.test_client()

    def attempt(address, password="guess"):
        token = csrf_token(client)
        return client.post(
            "/console/login",
            data={
                "csrf_token": token,
                "username": "sam" if password == PASSWORD else "x",
                "password": password,
            },
            headers={"X-Forwarded-For": f"203.0.113.9, {address}"},
        )

    attempt("198.51.100.1")
    attempt("198.51.100.1")
    assert attempt("198.51.100.1", PASSWORD).status_code == 429
    # Another client behind the same proxy is not locked out.
    assert attempt("198.51.100.2", PASSWORD).status_code == 302
