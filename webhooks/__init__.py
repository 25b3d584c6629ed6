"""The hotline assistant: Flask application factory."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, Response, jsonify
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from webhooks.config import REPO_ROOT, load_config
from webhooks.crypto import vault
from webhooks.extensions import db, migrate
from webhooks.services.dialogue import dialogue


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"))
    if app.config["HOTLINE_ENCRYPTION_KEYS"]:
        vault.init_app(app)
    dialogue.init_app(app)

    from webhooks import ops, twilio

    app.register_blueprint(twilio.bp)
    app.register_blueprint(ops.bp)
    from webhooks import admin, console
    from webhooks.staff import pages

    pages.init_app(app)  # CSRF for the staff pages (console and admin), not for Twilio
    console.init_app(app)
    admin.init_app(app)
    if app.config["SIMULATOR_ENABLED"]:
        from webhooks import simulator

        app.register_blueprint(simulator.bp)

    from webhooks.cli import register_commands

    register_commands(app)
    _register_error_handlers(app)
    if app.config.get("HSTS_ENABLED"):

        @app.after_request
        def strict_transport_security(response: Response) -> Response:
            # Browsers keep to HTTPS for a year, subdomains included.
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
            return response

    _configure_logging(app)
    return app


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        return jsonify(error=exc.name, description=exc.description), exc.code or 500

    @app.errorhandler(500)
    def server_error(exc: Exception) -> ResponseReturnValue:
        db.session.rollback()
        return jsonify(error="Internal Server Error"), 500


def _configure_logging(app: Flask) -> None:
    # Our own log lines carry conversation ids at most: never numbers, never message text.
    if not app.debug and not logging.getLogger("webhooks").handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger("webhooks").addHandler(handler)
        logging.getLogger("webhooks").setLevel(logging.INFO)
