"""Who is signed in, and the decorators that let only the right roles through.

Roles are ordered staff < supervisor < admin: ``@role_required("supervisor")`` lets
supervisors and admins in. Anonymous visitors are sent to the sign-in page, the wrong role
gets 403. Sessions end after an idle period (background polling does not count as activity)
and after a maximum age.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from webhooks.extensions import db
from webhooks.models import StaffRole, StaffUser

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])

SESSION_KEYS = ("staff_id", "staff_nonce", "staff_login_at", "staff_seen_at")
# Pages a user who must change their password may still open.
PASSWORD_CHANGE_ENDPOINTS = {"console.change_password", "console.logout"}


def session_values(user: StaffUser, now: float | None = None) -> dict[str, Any]:
    """What a signed-in session holds: an id, the user's nonce, and two clocks."""
    now = time.time() if now is None else now
    return {
        "staff_id": user.id,
        "staff_nonce": user.session_nonce,
        "staff_login_at": now,
        "staff_seen_at": now,
    }


def start_session(user: StaffUser) -> None:
    session.clear()  # nothing from before sign-in carries over (no session fixation)
    session.update(session_values(user))


def end_session() -> None:
    session.clear()


def current_staff() -> StaffUser:
    """The signed-in user; only valid inside a view behind one of the decorators."""
    return cast(StaffUser, g.staff)


def _session_user(passive: bool) -> StaffUser | None:
    staff_id = session.get("staff_id")
    if staff_id is None:
        return None
    now = time.time()
    config = current_app.config
    idle = config["CONSOLE_IDLE_TIMEOUT_MINUTES"] * 60
    max_age = config["CONSOLE_SESSION_MAX_HOURS"] * 3600
    if now - float(session.get("staff_seen_at", 0)) > idle:
        end_session()
        flash("You were signed out after a period without activity.", "info")
        return None
    if now - float(session.get("staff_login_at", 0)) > max_age:
        end_session()
        flash("Your session reached its maximum length. Please sign in again.", "info")
        return None
    user = db.session.get(StaffUser, staff_id)
    if user is None or not user.active or user.session_nonce != session.get("staff_nonce"):
        end_session()
        return None
    if not passive:
        session["staff_seen_at"] = now
    _mark_seen(user)
    return user


def _mark_seen(user: StaffUser) -> None:
    """For the supervisor's "signed in" list; written at most every 30 s per user."""
    from webhooks.models.base import utcnow

    moment = utcnow()
    if user.last_seen_at is None or (moment - user.last_seen_at).total_seconds() > 30:
        user.last_seen_at = moment
        db.session.commit()


def signed_in_user() -> StaffUser | None:
    """Whoever this session belongs to, if it is still valid (does not count as activity)."""
    return _session_user(passive=True)


def _to_login() -> ResponseReturnValue:
    login = url_for("console.login")
    if request.headers.get("HX-Request"):
        # A polling fragment must not render the sign-in page inside itself.
        return "", 401, {"HX-Redirect": login}
    if request.method == "GET":
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    return redirect(login)


def role_required(role: StaffRole | str, passive: bool = False) -> Callable[[F], F]:
    """Signed in, with at least ``role``. ``passive`` views (polling) do not count as activity."""
    required = StaffRole(role)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            user = _session_user(passive)
            if user is None:
                return _to_login()
            if user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
                return redirect(url_for("console.change_password"))
            if not user.has_role(required):
                abort(403)
            g.staff = user
            return view(*args, **kwargs)

        wrapped.required_role = required  # type: ignore[attr-defined]
        return cast(F, wrapped)

    return decorator


def staff_required(view: F) -> F:
    return role_required(StaffRole.STAFF)(view)


def supervisor_required(view: F) -> F:
    return role_required(StaffRole.SUPERVISOR)(view)


def admin_required(view: F) -> F:
    return role_required(StaffRole.ADMIN)(view)


def public(view: F) -> F:
    """Marks a view that anonymous visitors may open (sign-in pages): checked by the tests."""
    view.required_role = None  # type: ignore[attr-defined]
    return view


def safe_next(target: str | None) -> str:
    """Only our own console and admin pages: a sign-in link cannot send staff elsewhere."""
    if target and target.startswith(("/console", "/admin")) and "//" not in target:
        return target
    return url_for("console.queue")
