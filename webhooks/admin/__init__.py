"""Admin area (/admin): resources and their translations, import/export, staff accounts."""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, url_for
from flask.typing import ResponseReturnValue

from webhooks.staff.access import admin_required
from webhooks.staff.pages import protect

bp = Blueprint("admin", __name__, url_prefix="/admin")
protect(bp)


@bp.get("/")
@admin_required
def index() -> ResponseReturnValue:
    return redirect(url_for("admin.resources"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


from webhooks.admin import (  # noqa: E402,F401  (routes register on bp)
    import_export,
    operations,
    resources,
    users,
)
