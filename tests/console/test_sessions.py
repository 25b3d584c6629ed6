"""Sessions end on the server at sign-out; checks inside a session are throttled; sign-in
throttling is a progressive delay per account and a hold per client address."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.console.helpers import (
    PASSWORD,
    Console,
    csrf_token,
    current_code,
    make_staff,
    totp_secret,
)
from webhooks.extensions import db
from webhooks.models import LoginAttempt


def sign_in(app, client, username, password=PASSWORD, address=None):
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post(
        "/console/login",
        data={"csrf_token": csrf_token(client), "username": username, "password": password},
        headers=headers,
    )


def age_attempts(app, seconds):
    """Time passes: every recorded attempt is this much older."""
    with app.app_context():  # in Python: SQLite cannot subtract an interval from its text
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.created_at -= timedelta(seconds=seconds)
        db.session.commit()


def test_sign_out_ends_the_session_on_the_server(app, staff_ids):
    client = app.test_client()
    assert sign_in(app, client, "sam").status_code == 302
    cookie = client.get_cookie("session").value
    client.post("/console/logout", data={"csrf_token": csrf_token(client)})
    stolen = app.test_client()
    stolen.set_cookie("session", cookie)  # a copy taken before signing out
    assert stolen.get("/console/").status_code == 302  # to the sign-in page


def test_in_session_password_checks_are_throttled(app, signed_in):
    browser = signed_in("staff")
    wrong = {
        "current": "not it at all",
        "new": "a new long password",
        "confirm": "a new long password",
    }
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert browser.post("/console/account/password", wrong).status_code == 400
    held = browser.post("/console/account/password", {**wrong, "current": PASSWORD})
    assert held.status_code == 429 and int(held.headers["Retry-After"]) >= 1
    age_attempts(app, 60)
    right = {**wrong, "current": PASSWORD}
    assert browser.post("/console/account/password", right).status_code == 302


def test_in_session_code_checks_are_throttled(app):
    staff_id = make_staff(app, "tess", "staff", totp=True)
    browser = Console(app, app.test_client(), staff_id)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        browser.post("/console/account/2fa/off", {"code": "000000"})
    code = current_code(totp_secret(app, staff_id))
    browser.post("/console/account/2fa/off", {"code": code})
    assert totp_secret(app, staff_id)  # still on: the right code came while held
    assert "Too many failed attempts" in browser.get("/console/account").get_data(as_text=True)


def test_the_delay_per_account_doubles_and_a_success_resets_it(app, staff_ids):
    client = app.test_client()
    free = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(free):
        assert sign_in(app, client, "sam", "wrong").status_code == 401
    delays = []
    for _ in range(4):
        held = sign_in(app, client, "sam")  # even the right password waits
        assert held.status_code == 429, delays
        delays.append(int(held.headers["Retry-After"]))
        age_attempts(app, delays[-1])
        assert sign_in(app, client, "sam", "wrong").status_code == 401
    assert delays == [1, 2, 4, 8]
    age_attempts(app, 16)
    assert sign_in(app, client, "sam").status_code == 302
    assert sign_in(app, app.test_client(), "sam", "wrong").status_code == 401  # counts afresh


def test_the_delay_is_capped(make_app):
    app = make_app(LOGIN_LOCKOUT_MINUTES=1, LOGIN_MAX_FAILURES_PER_IP=1000)
    make_staff(app, "sam")
    client = app.test_client()
    for _ in range(30):
        age_attempts(app, 100)  # each guess waits out the delay before it
        assert sign_in(app, client, "sam", "wrong").status_code == 401
    held = sign_in(app, client, "sam")
    assert held.status_code == 429 and 55 <= int(held.headers["Retry-After"]) <= 60


def test_one_address_behind_the_proxy_cannot_hold_everyone(make_app):
    app = make_app(CONSOLE_TRUSTED_PROXIES=1, LOGIN_MAX_FAILURES_PER_IP=5)
    make_staff(app, "sam")
    make_staff(app, "ana")
    client = app.test_client()
    for name in ("a", "b", "c", "d", "e", "f"):  # guesses at many names from one client
        sign_in(app, client, name, "guess", address="198.51.100.66")
    assert sign_in(app, client, "sam", address="198.51.100.66").status_code == 429
    # Everyone else, behind the same proxy, signs in.
    assert sign_in(app, app.test_client(), "sam", address="198.51.100.7").status_code == 302
    assert sign_in(app, app.test_client(), "ana", address="198.51.100.8").status_code == 302


def test_a_spoofed_header_does_not_move_the_client_address(make_app):
    """With one trusted proxy, only the address the proxy appended counts: a client that sends
    its own X-Forwarded-For cannot pick a fresh address for each guess."""
    app = make_app(CONSOLE_TRUSTED_PROXIES=1, LOGIN_MAX_FAILURES_PER_IP=3)
    client = app.test_client()
    for i in range(3):
        sign_in(app, client, f"x{i}", "guess", address=f"10.0.0.{i}, 198.51.100.66")
    assert sign_in(app, client, "y", "guess", address="10.9.9.9, 198.51.100.66").status_code == 429
