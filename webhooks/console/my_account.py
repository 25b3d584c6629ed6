"""My account: change my password, turn two-factor sign-in on (or off where it is optional)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from webhooks.console import bp
from webhooks.console.login import too_many
from webhooks.extensions import db
from webhooks.models import StaffUser
from webhooks.services import audit
from webhooks.staff import accounts, throttle
from webhooks.staff.access import current_staff, staff_required, start_session


def _held(user: StaffUser) -> dict[str, str] | None:
    """Password and code checks inside a session are throttled like sign-in: a stolen
    session cannot be used to guess the password or the second factor."""
    wait = throttle.retry_after_seconds(user.username, throttle.client_address())
    if not wait:
        return None
    flash(too_many(wait), "error")
    return {"Retry-After": str(wait)}


def _failed(user: StaffUser) -> None:
    throttle.record_failure(user.username, throttle.client_address(), user)
    db.session.commit()


def _passed(user: StaffUser) -> None:
    throttle.record_success(user, throttle.client_address(), signed_in=False)


@bp.get("/account")
@staff_required
def account() -> ResponseReturnValue:
    user = current_staff()
    setup = None
    if not user.totp_enabled:
        # Kept encrypted with the user until confirmed, never in the (readable) cookie.
        secret = accounts.pending_secret(user)
        db.session.commit()
        uri = accounts.provisioning_uri(user, secret)
        setup = {"secret": secret, "qr_svg": accounts.provisioning_qr_svg(uri)}
    return render_template(
        "console/account.html",
        setup=setup,
        two_factor_required=accounts.two_factor_required(user),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@staff_required
def change_password() -> ResponseReturnValue:
    user = current_staff()
    if request.method == "GET":
        return render_template("console/change_password.html")
    held = _held(user)
    if held is not None:
        return render_template("console/change_password.html"), 429, held
    if not accounts.check_password(user, request.form.get("current", "")):
        _failed(user)
        flash("Your current password is not right.", "error")
        return render_template("console/change_password.html"), 400
    _passed(user)
    new = request.form.get("new", "")
    if new != request.form.get("confirm", ""):
        flash("The two new passwords differ.", "error")
        return render_template("console/change_password.html"), 400
    try:
        accounts.set_password(user, new)
    except accounts.AccountError as exc:
        flash(str(exc), "error")
        return render_template("console/change_password.html"), 400
    audit.record(user.actor, "password_changed")
    db.session.commit()
    start_session(user)  # other sessions end with the old nonce; this one carries on
    flash("Password changed. Other sessions have been signed out.", "info")
    return redirect(url_for("console.account"))


@bp.post("/account/2fa")
@staff_required
def enable_two_factor() -> ResponseReturnValue:
    user = current_staff()
    secret = user.pending_totp_secret
    if user.totp_enabled or secret is None:
        return redirect(url_for("console.account"))
    if _held(user) is not None:
        return redirect(url_for("console.account"))
    if not accounts.enable_totp(user, secret, request.form.get("code", "")):
        _failed(user)
        flash("That code does not match. Check the app's clock and try the next code.", "error")
        return redirect(url_for("console.account"))
    _passed(user)
    audit.record(user.actor, "two_factor_enabled")
    db.session.commit()
    flash("Two-factor sign-in is on.", "info")
    return redirect(url_for("console.account"))


@bp.post("/account/2fa/off")
@staff_required
def disable_two_factor() -> ResponseReturnValue:
    user = current_staff()
    if accounts.two_factor_required(user):
        flash("Two-factor sign-in is required for your role.", "error")
        return redirect(url_for("console.account"))
    if _held(user) is not None:
        return redirect(url_for("console.account"))
    if not accounts.check_totp(user, request.form.get("code", "")):
        _failed(user)
        flash("Enter a current code to turn two-factor sign-in off.", "error")
        return redirect(url_for("console.account"))
    _passed(user)
    accounts.reset_totp(user)
    audit.record(user.actor, "two_factor_disabled")
    db.session.commit()
    start_session(user)
    flash("Two-factor sign-in is off.", "info")
    return redirect(url_for("console.account"))
