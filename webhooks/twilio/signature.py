"""Twilio request validation (X-Twilio-Signature) as a decorator on every Twilio route."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


def public_url() -> str:
    """The URL Twilio signed: behind a proxy it is the configured public one, not ours."""
    base = current_app.config["HOTLINE_PUBLIC_URL"]
    if not base:
        return request.url
    query = request.query_string.decode("utf-8")
    return base + request.path + (f"?{query}" if query else "")


def validate_twilio_request(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = current_app.config["TWILIO_AUTH_TOKEN"]
        signature = request.headers.get("X-Twilio-Signature", "")
        if not token or not signature:
            log.warning("rejected an unsigned request to %s", request.path)
            abort(403)
        if not RequestValidator(token).validate(public_url(), request.form, signature):
            log.warning("rejected a request with a bad signature to %s", request.path)
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
