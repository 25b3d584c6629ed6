"""Sign-in: password, then a TOTP code (or enrolment where two-factor is required), sign-out."""

from __future__ import annotations

import time

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from webhooks.console import bp
from webhooks.extensions import db
from webhooks.models import StaffUser
from webhooks.services import audit
from webhooks.staff import accounts, throttle
from webhooks.staff.access import end_session, public, safe_next, signed_in_user, start_session

# The second step must follow the first promptly.
PENDING_SECONDS = 300
WRONG = "Wrong username or password."


def too_many(seconds: int) -> str:
    return f"Too many failed attempts. Try again in {seconds} seconds."


def _remote_addr() -> str:
    return throttle.client_address()


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    next_url = request.values.get("next")
    if request.method == "GET":
        return render_template("console/login.html", next=next_url)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    user = accounts.find_user(username) if username else None
    wait = throttle.retry_after_seconds(username, _remote_addr())
    if wait:
        db.session.commit()
        flash(too_many(wait), "error")
        page = render_template("console/login.html", next=next_url, username=username)
        return page, 429, {"Retry-After": str(wait)}
    if not accounts.check_password(user, password) or user is None or not user.active:
        throttle.record_failure(username, _remote_addr(), user)
        db.session.commit()
        flash(WRONG, "error")
        return render_template("console/login.html", next=next_url, username=username), 401
    if user.totp_enabled:
        step = "code"
    elif accounts.two_factor_required(user):
        step = "enroll"
    else:
        return _signed_in(user, next_url)
    db.session.commit()  # a rehashed password is kept
    session.clear()
    session.update(
        pending_staff_id=user.id,
        pending_nonce=user.session_nonce,
        pending_at=time.time(),
        pending_next=next_url,
    )
    return redirect(url_for("console.login_code" if step == "code" else "console.login_enroll"))


def _pending_user() -> StaffUser | None:
    staff_id = session.get("pending_staff_id")
    if staff_id is None or time.time() - float(session.get("pending_at", 0)) > PENDING_SECONDS:
        return None
    user = db.session.get(StaffUser, staff_id)
    if user is None or not user.active or user.session_nonce != session.get("pending_nonce"):
        return None
    return user


def _signed_in(user: StaffUser, next_url: str | None) -> ResponseReturnValue:
    throttle.record_success(user, _remote_addr())
    audit.record(user.actor, "staff_signed_in")
    db.session.commit()
    start_session(user)
    return redirect(safe_next(next_url))


@bp.route("/login/code", methods=["GET", "POST"])
@public
def login_code() -> ResponseReturnValue:
    user = _pending_user()
    if user is None or not user.totp_enabled:
        end_session()
        return redirect(url_for("console.login"))
    if request.method == "GET":
        return render_template("console/login_code.html")
    wait = throttle.retry_after_seconds(user.username, _remote_addr())
    if wait:
        db.session.commit()
        flash(too_many(wait), "error")
        return render_template("console/login_code.html"), 429, {"Retry-After": str(wait)}
    if not accounts.check_totp(user, request.form.get("code", "")):
        # A wrong code counts like a wrong password: the second factor cannot be guessed either.
        throttle.record_failure(user.username, _remote_addr(), user)
        db.session.commit()
        flash("That code is not valid. Enter the current code from your app.", "error")
        return render_template("console/login_code.html"), 401
    return _signed_in(user, session.get("pending_next"))


@bp.route("/login/enroll", methods=["GET", "POST"])
@public
def login_enroll() -> ResponseReturnValue:
    """First sign-in of someone who must use two-factor: scan, confirm with a code."""
    user = _pending_user()
    if user is None or user.totp_enabled:
        end_session()
        return redirect(url_for("console.login"))
    # The secret being enrolled lives in the database (encrypted), not in the cookie: a
    # Flask session is signed, not encrypted, and anyone holding it could read it.
    secret = accounts.pending_secret(user)
    db.session.commit()
    if request.method == "POST":
        wait = throttle.retry_after_seconds(user.username, _remote_addr())
        if wait:
            flash(too_many(wait), "error")
        elif accounts.enable_totp(user, secret, request.form.get("code", "")):
            audit.record(user.actor, "two_factor_enabled")
            return _signed_in(user, session.get("pending_next"))
        else:
            throttle.record_failure(user.username, _remote_addr(), user)
            db.session.commit()
            flash("That code does not match. Check the app's clock and try the next code.", "error")
    uri = accounts.provisioning_uri(user, secret)
    return render_template(
        "console/login_enroll.html",
        secret=secret,
        qr_svg=accounts.provisioning_qr_svg(uri),
    )


@bp.post("/logout")
@public
def logout() -> ResponseReturnValue:
    # Ends the session on the server too: a copy of the cookie is worth nothing afterwards
    # (the user's session nonce changes, which signs out their other sessions as well).
    user = signed_in_user()
    if user is not None:
        user.end_sessions()
        user.last_seen_at = None  # no longer in the supervisor's "signed in" list
        audit.record(user.actor, "staff_signed_out")
        db.session.commit()
    end_session()
    flash("You are signed out.", "info")
    return redirect(url_for("console.login"))
