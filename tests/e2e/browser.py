"""The browser tests' server and browser: a live app with the engine unreachable, and
Debian's Chromium driven by Playwright (fixtures ``live`` and ``page``, via conftest)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import settings_for_tests
from webhooks import create_app
from webhooks.config import REPO_ROOT
from webhooks.extensions import db
from webhooks.staff import accounts

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "console"
PASSWORD = "browser test passphrase"
TEXTER = "+15557770001"


@pytest.fixture
def unreachable_engine() -> Iterator[str]:
    """A port bound but never listening: connections are refused, and no other process
    (another test's Rasa server, say) can take it while the test runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def text(self, body: str) -> dict[str, Any]:
        """The texter's phone sends an SMS through the simulator (signed like Twilio's)."""
        response = requests.post(
            f"{self.url}/simulator/send", json={"phone": TEXTER, "body": body}, timeout=30
        )
        response.raise_for_status()
        return dict(response.json())

    def thread_messages(self) -> list[dict[str, Any]]:
        response = requests.post(
            f"{self.url}/simulator/messages", json={"phone": TEXTER}, timeout=10
        )
        return list(response.json()["messages"])


@pytest.fixture
def live(
    tmp_path: Path, request: pytest.FixtureRequest, unreachable_engine: str
) -> Iterator[LiveServer]:
    overrides = {"CONSOLE_POLL_SECONDS": 1, **getattr(request, "param", {})}
    app = create_app(
        settings_for_tests(f"sqlite:///{tmp_path / 'console.db'}", unreachable_engine, **overrides)
    )
    with app.app_context():
        db.create_all()
        admin = accounts.create_user("ada", PASSWORD, "admin")
        admin.totp_secret = accounts.new_totp_secret()
        db.session.commit()
    server = LiveServer(app)
    server.thread.start()
    yield server
    server.server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(live: LiveServer) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.csp_errors = []
        page.on(
            "console",
            lambda m: (
                page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        yield page
        context.close()
        browser.close()


def totp_code(live: LiveServer) -> str:
    with live.app.app_context():
        user = accounts.find_user("ada")
        assert user is not None and user.totp_secret
        return pyotp.TOTP(user.totp_secret).now()


def sign_in(page: Any, live: LiveServer) -> None:
    page.goto(f"{live.url}/console/")
    assert "/console/login" in page.url
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/console/login/code")
    page.fill("input[name=code]", totp_code(live))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live.url}/console/")
