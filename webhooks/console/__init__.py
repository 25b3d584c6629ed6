"""Staff console (/console): sign-in, the queue, conversations, audit log, dashboard."""

from __future__ import annotations

from flask import Blueprint, Flask

from webhooks.staff.pages import protect

bp = Blueprint("console", __name__, url_prefix="/console")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


protect(bp)

from webhooks.console import (  # noqa: E402,F401  (routes register on bp)
    audit_log,
    conversation,
    dashboard,
    login,
    my_account,
    queue,
    supervision,
)
