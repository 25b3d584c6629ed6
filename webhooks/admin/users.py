"""Admin: staff accounts — create, change role, deactivate, reset password or two-factor, unlock."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from webhooks.admin import bp
from webhooks.extensions import db
from webhooks.models import StaffRole, StaffUser
from webhooks.models.base import utcnow
from webhooks.services import audit
from webhooks.staff import accounts, throttle
from webhooks.staff.access import admin_required, current_staff


def _load(staff_id: int) -> StaffUser:
    user = db.session.get(StaffUser, staff_id)
    if user is None:
        abort(404)
    return user


def _active_admins() -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(StaffUser)
            .where(StaffUser.role == StaffRole.ADMIN, StaffUser.active.is_(True))
        )
        or 0
    )


def _guard_last_admin(user: StaffUser) -> None:
    """Nobody can remove the last way into the admin area, nor lock themselves out."""
    if user.id == current_staff().id:
        raise accounts.AccountError("You cannot change your own role or access here.")
    if user.role == StaffRole.ADMIN and user.active and _active_admins() <= 1:
        raise accounts.AccountError("This is the last active admin.")


@bp.get("/users")
@admin_required
def users() -> ResponseReturnValue:
    rows = db.session.scalars(select(StaffUser).order_by(StaffUser.username)).all()
    return render_template(
        "admin/users.html", users=rows, roles=[r.value for r in StaffRole], now=utcnow()
    )


def _show_password(user: StaffUser, password: str, why: str) -> ResponseReturnValue:
    return render_template("admin/user_password.html", user=user, password=password, why=why)


@bp.post("/users")
@admin_required
def create_user() -> ResponseReturnValue:
    password = accounts.temporary_password()
    try:
        user = accounts.create_user(
            request.form.get("username", ""),
            password,
            request.form.get("role", "staff"),
            must_change_password=True,
        )
    except (accounts.AccountError, ValueError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.users"))
    audit.record(current_staff().actor, "user_created", target_staff=user.id, role=user.role.value)
    db.session.commit()
    return _show_password(user, password, "created")


def _change(
    staff_id: int, action: str, change: Callable[[StaffUser], None], done: str
) -> ResponseReturnValue:
    user = _load(staff_id)
    try:
        change(user)
    except accounts.AccountError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.users"))
    audit.record(current_staff().actor, action, target_staff=user.id)
    db.session.commit()
    flash(done.format(name=user.username), "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:staff_id>/role")
@admin_required
def change_role(staff_id: int) -> ResponseReturnValue:
    role = request.form.get("role", "")
    if role not in {r.value for r in StaffRole}:
        abort(400, description="Unknown role.")

    def change(user: StaffUser) -> None:
        _guard_last_admin(user)
        user.role = StaffRole(role)
        user.end_sessions()  # the new role applies from the next sign-in

    return _change(staff_id, "user_role_changed", change, "{name} is now " + role + ".")


@bp.post("/users/<int:staff_id>/deactivate")
@admin_required
def deactivate(staff_id: int) -> ResponseReturnValue:
    def change(user: StaffUser) -> None:
        _guard_last_admin(user)
        user.active = False
        user.end_sessions()

    return _change(staff_id, "user_deactivated", change, "{name} can no longer sign in.")


@bp.post("/users/<int:staff_id>/activate")
@admin_required
def activate(staff_id: int) -> ResponseReturnValue:
    def change(user: StaffUser) -> None:
        user.active = True

    return _change(staff_id, "user_activated", change, "{name} can sign in again.")


@bp.post("/users/<int:staff_id>/reset-2fa")
@admin_required
def reset_two_factor(staff_id: int) -> ResponseReturnValue:
    return _change(
        staff_id,
        "user_2fa_reset",
        accounts.reset_totp,
        "{name}'s two-factor sign-in was reset; they set it up again at their next sign-in.",
    )


@bp.post("/users/<int:staff_id>/unlock")
@admin_required
def unlock(staff_id: int) -> ResponseReturnValue:
    return _change(staff_id, "user_unlocked", throttle.unlock, "{name} can try to sign in again.")


@bp.post("/users/<int:staff_id>/reset-password")
@admin_required
def reset_password(staff_id: int) -> ResponseReturnValue:
    user = _load(staff_id)
    password = accounts.temporary_password()
    accounts.set_password(user, password)
    user.must_change_password = True
    audit.record(current_staff().actor, "user_password_reset", target_staff=user.id)
    db.session.commit()
    return _show_password(user, password, "reset")
