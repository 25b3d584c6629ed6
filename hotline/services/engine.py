"""The Rasa dialogue engine, called over HTTP exactly as it is deployed.

Only pseudonymous conversation ids and redacted text cross this boundary.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from flask import Flask, current_app
from requests.adapters import HTTPAdapter

log = logging.getLogger(__name__)


class EngineUnavailable(RuntimeError):
    """The engine did not answer in time, or answered with an error."""


class Engine:
    def __init__(self) -> None:
        self.session = requests.Session()
        # Enough pooled connections for a threaded app under load.
        self.session.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=32))

    def init_app(self, app: Flask) -> None:
        app.extensions["engine"] = self

    @property
    def _base(self) -> str:
        return str(current_app.config["RASA_URL"])

    @property
    def _params(self) -> dict[str, str]:
        token = current_app.config["HOTLINE_ENGINE_TOKEN"]
        return {"token": token} if token else {}

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        timeout = current_app.config["RASA_TIMEOUT_SECONDS"]
        try:
            response = self.session.request(
                method, self._base + path, timeout=timeout, params=self._params, **kwargs
            )
        except requests.RequestException as exc:
            raise EngineUnavailable(f"{method} {path}: {type(exc).__name__}") from exc
        if response.status_code >= 400:
            raise EngineUnavailable(f"{method} {path}: HTTP {response.status_code}")
        return response

    def ask(self, engine_id: str, text: str, metadata: dict[str, Any]) -> list[str]:
        """Send one message; return the texts of the bot's replies (possibly none)."""
        response = self._call(
            "POST",
            "/webhooks/rest/webhook",
            json={"sender": engine_id, "message": text, "metadata": metadata},
        )
        try:
            replies = response.json()
        except ValueError as exc:
            raise EngineUnavailable("engine answered with something that is not JSON") from exc
        return [r["text"] for r in replies if isinstance(r, dict) and r.get("text")]

    def erase(self, engine_id: str) -> None:
        """Replace the tracker's events with nothing: the engine forgets the conversation."""
        self._call("PUT", f"/conversations/{engine_id}/tracker/events", json=[])

    def append_events(self, engine_id: str, events: list[dict[str, Any]]) -> None:
        self._call("POST", f"/conversations/{engine_id}/tracker/events", json=events)

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = self._call("GET", "/status").json()
        return status

    def actions_healthy(self) -> bool:
        url = current_app.config["ACTION_SERVER_URL"] + "/health"
        try:
            return self.session.get(url, timeout=2).status_code == 200
        except requests.RequestException:
            return False


engine = Engine()
