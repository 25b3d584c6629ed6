"""The real stack for end-to-end tests: trained Rasa model and server, action server, app.

Started once per test session (Rasa needs about a minute); each test uses its own phone.
"""

from __future__ import annotations

import contextlib
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import appcontext_pushed
from twilio.request_validator import RequestValidator

from scripts.devstack import MODEL, Stack, free_port, isolated_environment
from tests.e2e.browser import live, page, unreachable_engine  # noqa: F401  (browser fixtures)
from webhooks import create_app
from webhooks.crypto import vault
from webhooks.extensions import db
from webhooks.services.screening import screening_summary
from webhooks.services.texters import find_texter

AUTH_TOKEN = "e2e-auth-token"
_numbers = itertools.count(1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does)")
    work = tmp_path_factory.mktemp("stack")
    env = isolated_environment(work, AUTH_TOKEN, SIMULATOR_ENABLED="1")
    stack = Stack(
        app_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        env=env,
        log_dir=work / "logs",
    )
    stack.migrate()
    stack.inspector = create_app(  # type: ignore[attr-defined]
        {
            "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
            "HOTLINE_ENCRYPTION_KEYS": env["HOTLINE_ENCRYPTION_KEYS"],
            "HOTLINE_HASH_KEY": env["HOTLINE_HASH_KEY"],
            "HOTLINE_ENGINE_TOKEN": env["HOTLINE_ENGINE_TOKEN"],
            "RASA_URL": stack.rasa_url,
        }
    )
    # The vault is one per process, and the browser tests' apps configure it with keys of their
    # own: whenever the inspector is used, it puts the stack's keys back (whatever ran before).
    inspector = stack.inspector  # type: ignore[attr-defined]

    def stack_keys(sender: Any, **_: Any) -> None:
        vault.init_app(sender)

    appcontext_pushed.connect(stack_keys, inspector, weak=False)
    stack.start()
    try:
        stack.wait_healthy(timeout=300)
        yield stack
    finally:
        stack.stop()


class Texter:
    """A phone texting the running app through the signed webhook, as Twilio would."""

    def __init__(self, stack: Stack, number: str, app_url: str | None = None) -> None:
        self.stack = stack
        self.number = number
        self.app_url = app_url or stack.app_url
        self.sids = itertools.count(1)

    def send(self, body: str, **extra: str) -> list[str]:
        response = self.post(body, **extra)
        assert response.status_code == 200, response.text
        return [m.text or "" for m in ET.fromstring(response.content).iter("Message")]

    def post(self, body: str, sid: str | None = None, **extra: str) -> requests.Response:
        form = {
            "MessageSid": sid or f"SM{self.number[-6:]}{next(self.sids):026d}",
            "From": self.number,
            "To": "+15550100000",
            "Body": body,
            **extra,
        }
        url = f"{self.app_url}/webhooks/twilio/sms"
        signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
        return requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=60)

    def conversation(self) -> dict[str, Any]:
        """This texter's latest conversation, read from the stack's database with our code."""
        app = self.stack.inspector  # type: ignore[attr-defined]
        # The vault is one per process: another stack's inspector may have rekeyed it.
        vault.init_app(app)
        with app.app_context():
            try:
                texter = find_texter(self.number)
                if texter is None or not texter.conversations:
                    return {}
                c = max(texter.conversations, key=lambda c: c.id)
                return {
                    "state": c.state.value,
                    "risk": c.risk.value,
                    "minor": c.minor,
                    "consent_given": c.consent_given,
                    "consent_at": c.consent_at,
                    "engine_id": c.engine_id,
                    "language": c.language,
                    "opted_out": texter.opted_out,
                    "conversations": len(texter.conversations),
                    "screening": screening_summary(c),
                    "conversation": c,
                }
            finally:
                db.session.remove()


@pytest.fixture
def texter(stack: Stack) -> Texter:
    return Texter(stack, f"+1555777{next(_numbers):04d}")


@pytest.fixture
def make_texter(stack: Stack) -> Any:
    return lambda app_url=None: Texter(stack, f"+1555888{next(_numbers):04d}", app_url)


@contextlib.contextmanager
def another_app(stack: Stack, server: str, **env: str) -> Iterator[Stack]:
    """One more app process on the stack's database, engine and actions (its own port)."""
    app = Stack(
        app_port=free_port(),
        rasa_port=stack.rasa_port,
        actions_port=stack.actions_port,
        env={**stack.env, **env},
        log_dir=stack.log_dir / f"app-{server}-{free_port()}",
        app_server=server,
    )
    app.start_app()
    try:
        app.wait_healthy(timeout=120)
        yield app
    finally:
        app.stop()
