"""The staff console in a real browser (Debian's Chromium via Playwright) against a real server.

The bot engine is unreachable on purpose: the app then answers the texter with its safety reply
and queues the conversation for staff itself, which is the escalation the console must show.
"""

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
from webhooks.models import Conversation, ConversationState
from webhooks.staff import accounts

pytestmark = pytest.mark.e2e

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


def test_escalation_claim_reply_close(page: Any, live: LiveServer) -> None:
    sign_in(page, live)
    page.screenshot(path=str(ARTIFACTS / "01-queue-empty.png"), full_page=True)
    assert page.locator("tr.queue-row").count() == 0
    page.evaluate("window.stillTheSamePage = true")

    # A texter writes; the engine is down, so the app queues the conversation for staff.
    sent = live.text("<script>window.pwned = 1</script> they took my passport, I need help")
    assert sent["status"] == 200 and sent["replies"]  # the texter still got a safety reply

    row = page.locator("tr.queue-row").first
    row.wait_for()  # arrives by polling, without a reload
    assert page.evaluate("window.stillTheSamePage") is True
    assert "engine unavailable" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "02-escalation-arrived.png"), full_page=True)

    row.locator("a", has_text="Open").click()
    page.wait_for_url("**/console/conversations/*")
    body = page.locator(".msg.inbound .body").first
    assert body.inner_text().startswith("<script>window.pwned = 1</script>")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert TEXTER not in page.content() and "•••• 0001" in page.content()

    page.click("#claim")
    page.wait_for_selector("#reply-body")
    page.click("button.canned-reply >> text=Introduce yourself")
    assert page.input_value("#reply-body").startswith("Hello, I am a person from the team")
    reply = "You can write to me here. Are you somewhere safe right now?"
    page.fill("#reply-body", reply)
    page.click("#send")
    sent_reply = page.locator(".msg.author-staff").last
    sent_reply.wait_for()
    assert reply in sent_reply.inner_text() and "simulated" in sent_reply.inner_text()
    page.screenshot(path=str(ARTIFACTS / "03-replied.png"), full_page=True)

    # The reply reached the texter's phone (the simulator's thread) ...
    assert reply in [m["body"] for m in live.thread_messages() if m["author"] == "staff"]
    # ... and their answer shows up in the open page by itself.
    live.text("yes I am safe now")
    page.locator(".msg.inbound .body", has_text="yes I am safe now").wait_for()
    page.screenshot(path=str(ARTIFACTS / "04-texter-answered.png"), full_page=True)

    page.select_option("#disposition", "information_given")
    page.click("#close")
    page.wait_for_url(f"{live.url}/console/")
    assert "Conversation closed" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "05-closed.png"), full_page=True)
    with live.app.app_context():
        conversation = db.session.scalars(db.select(Conversation)).one()
        assert conversation.state == ConversationState.CLOSED
        assert conversation.disposition == "information_given"

    # What supervisors see of it: counts and charts, and the trail of who did what.
    page.goto(f"{live.url}/console/dashboard")
    assert page.locator("svg.chart").count() == 4
    assert page.inner_text("#escalated") == "1"
    page.screenshot(path=str(ARTIFACTS / "08-dashboard.png"), full_page=True)
    page.goto(f"{live.url}/console/audit")
    for action in ("conversation_viewed", "conversation_claimed", "staff_replied"):
        assert action in page.inner_text("table.audit")
    assert "pwned" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "09-audit.png"), full_page=True)
    assert page.csp_errors == []


def test_admin_previews_a_resource_as_an_sms(page: Any, live: LiveServer) -> None:
    sign_in(page, live)
    page.goto(f"{live.url}/admin/resources/new")
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")
    page.fill("input[name=name]", "Legal Aid Line")
    page.fill("textarea[name=description_en]", "Free legal advice ✓")
    preview = page.locator('.preview[data-language="en"]')
    # Live, as the admin types (a busy CI machine may take a while).
    preview.locator(".encoding", has_text="UCS-2").wait_for(timeout=30_000)
    assert "Free legal advice ✓" in preview.inner_text()
    page.screenshot(path=str(ARTIFACTS / "06-resource-preview.png"), full_page=True)
    page.click("button[type=submit] >> text=Save")
    page.wait_for_url("**/admin/resources/*")
    assert "Added Legal Aid Line" in page.inner_text("main")
    assert page.csp_errors == []


@pytest.mark.parametrize("live", [{"CONSOLE_IDLE_TIMEOUT_MINUTES": 0.1}], indirect=True)
def test_an_idle_console_signs_itself_out(page: Any, live: LiveServer) -> None:
    sign_in(page, live)
    # Nobody clicks: the queue keeps polling, but polling is not activity.
    page.wait_for_url("**/console/login", timeout=20_000)
    assert "signed out after a period without activity" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "07-signed-out-when-idle.png"), full_page=True)
