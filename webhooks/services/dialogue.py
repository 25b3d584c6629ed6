"""The Rasa dialogue engine, called over HTTP exactly as it is deployed, and what it decides.

The engine never writes text for the texter and never calls back into the app: each message it
returns is a structured payload, either ``{"say": <response name>, ...arguments}`` (the app
renders the words in the conversation's language) or ``{"do": <command>, ...arguments}`` (the
app applies it to its database). Only pseudonymous conversation ids and redacted text cross.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from flask import Flask, current_app
from requests.adapters import HTTPAdapter

from webhooks.metrics import ENGINE_FAILURES, ENGINE_LATENCY

log = logging.getLogger(__name__)
# A second try needs at least this much of the deadline left, after this pause.
RETRY_ROOM_SECONDS, RETRY_PAUSE_SECONDS = 2.0, 0.3


class DialogueUnavailable(RuntimeError):
    """The engine did not answer in time, or answered with an error."""

    def __init__(self, message: str, reason: str = "invalid", status: int | None = None) -> None:
        super().__init__(message)
        # One of a few words (timeout, connection, http_5xx, http_4xx, empty, invalid): a label.
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class Say:
    """Say a response (``utter_greet``, ``resources``) with these arguments."""

    response: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Do:
    """Apply a command (``hand_off``, ``record_screening``) with these arguments."""

    command: str
    arguments: dict[str, Any] = field(default_factory=dict)


Step = Say | Do


def parse_steps(messages: Any) -> list[Step]:
    """The engine's REST answer as steps, in order; anything else is logged and dropped."""
    if not isinstance(messages, list):
        raise DialogueUnavailable("engine answered with something that is not a list")
    steps: list[Step] = []
    for message in messages:
        payload = message.get("custom") if isinstance(message, dict) else None
        if not isinstance(payload, dict):
            # Plain text would be words the app did not choose (and not in the texter's
            # language): never forwarded.
            log.error("engine sent a message that is not a structured payload; dropped")
            continue
        arguments = {k: v for k, v in payload.items() if k not in ("say", "do")}
        if isinstance(payload.get("say"), str):
            steps.append(Say(payload["say"], arguments))
        elif isinstance(payload.get("do"), str):
            steps.append(Do(payload["do"], arguments))
        else:
            log.error("engine sent a payload with neither say nor do; dropped")
    return steps


class Dialogue:
    def __init__(self) -> None:
        self.session = requests.Session()
        # Enough pooled connections for a threaded app under load.
        self.session.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=32))
        # The engine is ours, on the private network: no proxy settings or .netrc to consult
        # (requests reads them from the environment on every call otherwise).
        self.session.trust_env = False

    def init_app(self, app: Flask) -> None:
        app.extensions["dialogue"] = self

    @property
    def _base(self) -> str:
        return str(current_app.config["RASA_URL"])

    @property
    def _params(self) -> dict[str, str]:
        token = current_app.config["HOTLINE_ENGINE_TOKEN"]
        return {"token": token} if token else {}

    def _call(
        self, method: str, path: str, timeout: float | None = None, **kwargs: Any
    ) -> requests.Response:
        timeout = timeout or current_app.config["RASA_TIMEOUT_SECONDS"]
        try:
            response = self.session.request(
                method, self._base + path, timeout=timeout, params=self._params, **kwargs
            )
        except requests.Timeout as exc:
            raise DialogueUnavailable(f"{method} {path}: {type(exc).__name__}", "timeout") from exc
        except requests.RequestException as exc:
            raise DialogueUnavailable(
                f"{method} {path}: {type(exc).__name__}", "connection"
            ) from exc
        if response.status_code >= 400:
            raise DialogueUnavailable(
                f"{method} {path}: HTTP {response.status_code}",
                "http_5xx" if response.status_code >= 500 else "http_4xx",
                response.status_code,
            )
        return response

    def ask(self, engine_id: str, text: str, metadata: dict[str, Any] | None = None) -> list[Step]:
        """Send one message; return what the engine decided to say and do (possibly nothing).
        ``metadata`` goes with it (Rasa's REST channel hands it to the NLU); never a phone
        number or anything else of the texter's.

        One more try, on another replica behind the load balancer, when the first failed for
        want of a connection or of a replica (connection refused or cut, 502, 503) and the
        deadline leaves room: a replica killed a moment ago should not cost a texter the
        bot. Never after a timeout or a 500: those may have been processed already.
        """
        started = time.perf_counter()
        deadline = started + current_app.config["RASA_TIMEOUT_SECONDS"]
        try:
            try:
                return self._ask_once(engine_id, text, metadata=metadata)
            except DialogueUnavailable as exc:
                retry = exc.reason == "connection" or exc.status in (502, 503)
                if not retry or deadline - time.perf_counter() < RETRY_ROOM_SECONDS:
                    raise
                ENGINE_FAILURES.labels(exc.reason).inc()
                log.warning("engine call failed (%s); trying once more", exc)
                time.sleep(RETRY_PAUSE_SECONDS)
                # Only what is left of the deadline: the webhook must answer Twilio in time.
                return self._ask_once(
                    engine_id, text, deadline - time.perf_counter(), metadata=metadata
                )
        except DialogueUnavailable as exc:
            ENGINE_FAILURES.labels(exc.reason).inc()
            raise
        finally:
            ENGINE_LATENCY.observe(time.perf_counter() - started)

    def _ask_once(
        self,
        engine_id: str,
        text: str,
        timeout: float | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> list[Step]:
        payload: dict[str, Any] = {"sender": engine_id, "message": text}
        if metadata:
            payload["metadata"] = metadata
        response = self._call("POST", "/webhooks/rest/webhook", json=payload, timeout=timeout)
        try:
            messages = response.json()
        except ValueError as exc:
            raise DialogueUnavailable("engine answered with something that is not JSON") from exc
        if messages == []:
            # Rasa's REST channel answers 200 with nothing when handling the message failed
            # (Redis gone, a lock it could not get): that is a failure, not a silent bot.
            raise DialogueUnavailable("engine answered with nothing", "empty")
        return parse_steps(messages)

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


dialogue = Dialogue()
