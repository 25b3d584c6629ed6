"""The staff console in a real browser (Debian's Chromium via Playwright) against a real server.

The bot engine is unreachable on purpose: the app then answers the texter with its safety reply
and queues the conversation for staff itself, which is the escalation the console must show.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.browser import ARTIFACTS, TEXTER, LiveServer, sign_in
from webhooks.extensions import db
from webhooks.models import Conversation, ConversationState

pytestmark = pytest.mark.e2e


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
    assert page.locator("svg.chart").count() == 5  # volume, languages, risk, outcomes, survey
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
