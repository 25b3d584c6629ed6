"""GET /healthz: 200 when the database and the bot engine are ready, 503 while any is not."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from webhooks.extensions import db
from webhooks.ops import bp
from webhooks.services.dialogue import DialogueUnavailable, dialogue


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready; the type says enough
        db.session.rollback()
        checks["database"] = f"unavailable: {type(exc).__name__}"
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
