"""Health and metrics for operators and the load balancer.

- ``GET /livez``: the process answers (liveness: restart it when this fails).
- ``GET /readyz``: this instance can take a text now (readiness: the load balancer's check).
  It needs the database only: with the engine down the app still answers every texter with
  the safety reply and queues them, so taking instances out of the pool would be worse.
- ``GET /healthz``: every dependency (database, engine, action server); 503 while any is not ok.
- ``GET /metrics``: Prometheus, only with ``Authorization: Bearer <HOTLINE_METRICS_TOKEN>``
  (404 without a configured token); the load balancer does not route it from outside either.
"""

from __future__ import annotations

import hmac

from flask import Response, abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from webhooks.extensions import db
from webhooks.metrics import exposition
from webhooks.ops import bp
from webhooks.services.dialogue import DialogueUnavailable, dialogue


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # any failure means not ready; the type says enough
        db.session.rollback()
        return f"unavailable: {type(exc).__name__}"


@bp.get("/livez")
def livez() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    database = _database()
    ready = database == "ok"
    return jsonify(status="ok" if ready else "unavailable", checks={"database": database}), (
        200 if ready else 503
    )


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    checks: dict[str, str] = {"database": _database()}
    try:
        status = dialogue.status()
        checks["engine"] = (
            "ok" if status.get("model_id") or status.get("model_file") else "no model"
        )
    except DialogueUnavailable as exc:
        checks["engine"] = f"unavailable: {exc}"
    checks["actions"] = "ok" if dialogue.actions_healthy() else "unavailable"
    ready = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503


@bp.get("/metrics")
def metrics() -> Response:
    token = current_app.config["HOTLINE_METRICS_TOKEN"]
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token:
        abort(404)
    if not hmac.compare_digest(given.encode(), token.encode()):
        abort(401)
    body, content_type = exposition()
    return Response(body, content_type=content_type)
