"""Rasa's NLG endpoint: response name in, localized text out."""

from __future__ import annotations

import hmac
import logging
from typing import Any

from flask import abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from hotline.bot_api import bp
from hotline.services.replies import render_bot_response

log = logging.getLogger(__name__)


def _check_token() -> None:
    expected = current_app.config["HOTLINE_ENGINE_TOKEN"]
    given = request.args.get("token", "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        abort(403)


@bp.post("/nlg")
def nlg() -> ResponseReturnValue:
    _check_token()
    payload: dict[str, Any] = request.get_json(silent=True) or {}
    name = payload.get("response")
    if not isinstance(name, str):
        abort(400, description="response is required")
    tracker = payload.get("tracker") or {}
    text = render_bot_response(
        name,
        engine_id=str(tracker.get("sender_id") or ""),
        slots=tracker.get("slots") or {},
        arguments=payload.get("arguments") or {},
    )
    if text is None:
        log.error("the engine asked for a response the domain does not have: %s", name)
        abort(404, description=f"unknown response {name}")
    return jsonify({"text": text, "buttons": [], "image": None, "elements": [], "attachments": []})
