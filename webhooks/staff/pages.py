"""What every staff page shares, console and admin alike: CSRF, security headers, error pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

csrf = CSRFProtect()

# Pages carry texters' words: nothing cached, nothing framed, no script but our own files.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Same-origin (not no-referrer): Flask-WTF checks the referrer of HTTPS form posts.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def init_app(app: Flask) -> None:
    """CSRF for the staff blueprints only (``protect``): Twilio posts no tokens."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    # A token lives as long as the session; the idle timeout and maximum age bound that.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)


def protect(blueprint: Blueprint) -> None:
    """Hooks shared by the console and admin blueprints."""

    @blueprint.before_request
    def check_csrf() -> None:
        csrf.protect()

    @blueprint.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @blueprint.context_processor
    def console_context() -> dict[str, Any]:
        from flask import current_app, g

        return {
            "staff": g.get("staff"),
            "poll_seconds": current_app.config["CONSOLE_POLL_SECONDS"],
        }

    @blueprint.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        return render_template(
            "console/error.html",
            code=400,
            title="This form has expired",
            description="Reload the page and try again.",
        ), 400

    @blueprint.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        return render_template(
            "console/error.html",
            code=exc.code,
            title=exc.name,
            description=exc.description,
        ), exc.code or 500
