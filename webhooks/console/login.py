"""Sign-in: password, then a TOTP code (or enrolment where two-factor is required), sign-out."""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from webhooks.console import bp
from webhooks.extensions import db
from webhooks.models import StaffUser
from webhooks.services import audit
from webhooks.staff import accounts, throttle
from webhooks.staff.access import end_session, public, safe_next, start_session

# The second step must follow the first promptly.
PENDING_SECONDS = 300
WRONG = "Wrong username or password."
LOCKED = "Too many failed attempts. Try again later."


def _remote_addr() -> str:
    """The client's address; behind N trusted proxies, the Nth from the right they appended."""
    hops = current_app.config["CONSOLE_TRUSTED_PROXIES"]
    forwarded = [
        part.strip()
        for header in request.headers.getlist("X-Forwarded-For")
        for part in header.split(",")
        if part.strip()
    ]
    if hops > 0 and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    next_url = request.values.get("next")
    if request.method == "GET":
        return render_template("console/login.html", next=next_url)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    user = accounts.find_user(username) if username else None
    if throttle.locked_until(username, _remote_addr(), user) is not None:
        db.session.commit()
        flash(LOCKED, "error")
        return render_template("console/login.html", next=next_url, username=username), 429
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
    if throttle.locked_until(user.username, _remote_addr(), user) is not None:
        end_session()
        db.session.commit()
        flash(LOCKED, "error")
        return redirect(url_for("console.login"))
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
    secret = session.get("pending_totp_secret")
    if secret is None:
        secret = session["pending_totp_secret"] = accounts.new_totp_secret()
    if request.method == "POST":
        if accounts.enable_totp(user, secret, request.form.get("code", "")):
            audit.record(user.actor, "two_factor_enabled")
            return _signed_in(user, session.get("pending_next"))
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
    user = db.session.get(StaffUser, session.get("staff_id") or 0)
    if user is not None:
        user.last_seen_at = None  # no longer in the supervisor's "signed in" list
        db.session.commit()
    end_session()
    flash("You are signed out.", "info")
    return redirect(url_for("console.login"))
