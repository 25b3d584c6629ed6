"""Hotline operations in a real browser (Debian's Chromium via Playwright), real server:
the shift's first view, urgent alerts with their sound and mute, contact history and flags,
queue health and silent observation, hours and outcomes, the survey and the funders' export,
and WhatsApp's 24-hour window. Screenshots go to test-artifacts/operations/."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.console.helpers import escalation
from tests.e2e.browser import TEXTER, LiveServer, sign_in
from webhooks.config import REPO_ROOT
from webhooks.extensions import db
from webhooks.models import AuditEvent, Conversation, ConversationState, Note, RiskLevel
from webhooks.models.base import utcnow
from webhooks.services import hours
from webhooks.services.resources import seed_resources

pytestmark = pytest.mark.e2e
SHOTS = REPO_ROOT / "test-artifacts" / "operations"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def actions(live: LiveServer, conversation_id: int | None = None) -> list[str]:
    with live.app.app_context():
        query = db.select(AuditEvent.action)
        if conversation_id is not None:
            query = query.where(AuditEvent.conversation_id == conversation_id)
        return list(db.session.scalars(query))


def ada_id(live: LiveServer) -> int:
    from webhooks.staff import accounts

    with live.app.app_context():
        user = accounts.find_user("ada")
        assert user is not None
        return user.id


def test_shift_start_sees_queued_while_closed_first_and_urgent_alerts_sound_until_muted(
    page: Any, live: LiveServer
) -> None:
    app = live.app
    night_low = escalation(app, "+15550000101", waited=timedelta(hours=8), after_hours=True)
    night_high = escalation(
        app, "+15550000102", risk=RiskLevel.HIGH, waited=timedelta(hours=6), after_hours=True
    )
    escalation(app, "+15550000103", waited=timedelta(minutes=2))
    sign_in(page, live)
    section = page.locator("section.closed-queue")
    section.wait_for()
    assert (
        page.locator("section.queue-section").first.inner_text().startswith("Queued while closed")
    )
    rows = section.locator("tr.queue-row")
    assert [rows.nth(i).get_attribute("data-conversation") for i in range(2)] == [
        str(night_high),
        str(night_low),
    ]
    shot(page, "01-queue-queued-while-closed-first.png")

    # An urgent texter nobody claims: the bar appears by polling, with one tone.
    urgent = escalation(app, "+15550000104", risk=RiskLevel.URGENT, waited=timedelta(minutes=7))
    bar = page.locator("#alerts .alert-bar")
    bar.wait_for()
    assert f"conversation {urgent} waiting 7 min" in bar.inner_text()
    page.wait_for_function("() => window.hotlineAlertTones === 1")
    assert page.inner_text("#alert-mute") == "Sound on"
    shot(page, "02-urgent-alert-bar.png")

    page.click("#alert-mute")
    assert page.inner_text("#alert-mute") == "Sound off"
    second = escalation(app, "+15550000105", risk=RiskLevel.URGENT, waited=timedelta(minutes=9))
    page.locator(f'#alerts a[data-conversation="{second}"]').wait_for()
    page.wait_for_timeout(1500)
    assert page.evaluate("window.hotlineAlertTones") == 1  # muted: seen, not heard
    page.reload()  # the choice is remembered in this browser
    assert page.inner_text("#alert-mute") == "Sound off"
    shot(page, "03-alert-muted.png")

    page.click(f'#alerts a[data-conversation="{urgent}"]')
    page.wait_for_url(f"**/console/conversations/{urgent}")
    page.click("#claim")
    page.wait_for_selector("#reply-body")
    page.locator(f'#alerts a[data-conversation="{urgent}"]').wait_for(state="detached")
    assert page.csp_errors == []


def test_contact_history_flags_and_an_audited_look_back(page: Any, live: LiveServer) -> None:
    app = live.app
    earlier = escalation(app, TEXTER, language="es", risk=RiskLevel.HIGH, texts=("hace un mes",))
    with app.app_context():
        c = db.session.get(Conversation, earlier)
        c.state, c.closed_at, c.disposition = ConversationState.CLOSED, utcnow(), "referred"
        c.created_at = utcnow() - timedelta(days=30)
        db.session.add(Note(conversation_id=earlier, staff_user_id=None, body="Spoke Spanish"))
        db.session.commit()
    current = escalation(app, TEXTER, texts=("hello again",))
    sign_in(page, live)
    page.goto(f"{live.url}/console/conversations/{current}")
    row = page.locator(f'table.earlier tr[data-conversation="{earlier}"]')
    assert "es" in row.inner_text() and "Referred to a resource or partner" in row.inner_text()
    assert row.locator("td").nth(4).inner_text() == "1"
    assert TEXTER not in page.content()
    page.click("#claim")
    page.wait_for_selector("#reply-body")
    page.click('button.flag-toggle[data-flag="interpreter"]')
    page.locator('.badges .texter-flag[data-flag="interpreter"]').wait_for()
    shot(page, "04-history-and-flags.png")

    row = page.locator(f'table.earlier tr[data-conversation="{earlier}"]')
    row.locator("a", has_text="Open").click()
    page.wait_for_url(f"**/earlier/{earlier}")
    assert "hace un mes" in page.inner_text(".thread") and "Spoke Spanish" in page.content()
    shot(page, "05-earlier-conversation.png")
    assert "history_opened" in actions(live, earlier)
    assert "flag_set" in actions(live, current)
    assert page.csp_errors == []


def test_supervisor_sees_queue_health_and_observes_silently(page: Any, live: LiveServer) -> None:
    app = live.app
    escalation(app, "+15550000201", risk=RiskLevel.URGENT, waited=timedelta(minutes=3))
    escalation(app, "+15550000202", risk=RiskLevel.ELEVATED, waited=timedelta(minutes=25))
    sign_in(page, live)
    busy = escalation(
        app,
        "+15550000203",
        state=ConversationState.WITH_STAFF,
        assigned_staff_id=ada_id(live),
        texts=("I am with ada",),
    )
    page.click("header nav a:text('Supervisor')")
    page.wait_for_url("**/console/supervisor")
    assert page.inner_text("#waiting-total") == "2"
    assert page.inner_text("#urgent-waiting") == "1"
    assert page.inner_text("#longest-wait") == "25 min"
    page.locator('tr[data-user="ada"] td.load', has_text="1").wait_for()
    # Live: a new arrival shows without a reload.
    escalation(app, "+15550000204", risk=RiskLevel.URGENT, waited=timedelta(minutes=1))
    page.locator("#urgent-waiting", has_text="2").wait_for()
    shot(page, "06-queue-health.png")

    page.goto(f"{live.url}/console/conversations/{busy}")
    page.click("#observe")
    page.wait_for_url(f"**/console/conversations/{busy}/observe")
    assert "I am with ada" in page.inner_text("#transcript")
    assert page.locator("#claim, #send, #reply-body, #close, textarea").count() == 0
    assert "Read-only" in page.inner_text("#observing")
    shot(page, "07-observe-read-only.png")
    assert "conversation_observed" in actions(live, busy)
    assert page.csp_errors == []


def test_admin_sets_hours_and_a_texter_after_hours_hears_when(page: Any, live: LiveServer) -> None:
    with live.app.app_context():
        seed_resources()
        db.session.commit()
        today = utcnow().weekday()
    sign_in(page, live)
    page.goto(f"{live.url}/admin/hours")
    page.fill("input[name=time_zone]", "America/Chicago")
    open_day = (today + 2) % 7
    page.fill(f"input[name=day{open_day}]", "09:00-17:00")
    page.click("#save-hours")
    page.wait_for_url("**/admin/hours")
    assert "Operating hours saved" in page.inner_text("main")
    assert "Closed now" in page.inner_text("#open-now")
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    page.fill("input[name=day]", tomorrow)
    page.fill("input[name=label]", "Holiday")
    page.click("#add-closure")
    page.locator(f'table.closures tr[data-day="{tomorrow}"]').wait_for()
    ru = page.inner_text('table.previews tr[data-language="ru"]')
    assert "1-888-373-7888" in ru and "911" in ru
    shot(page, "08-admin-hours.png")

    # The texter writes at night; the engine is down here, so the app's own reply answers.
    sent = live.text("I need help")
    (reply,) = sent["replies"]
    with live.app.app_context():
        opening = hours.schedule().next_opening(utcnow())
        assert opening is not None
    assert "away now" in reply and opening.strftime("%A") in reply and "1-888-373-7888" in reply
    page.goto(f"{live.url}/console/")
    page.locator("section.closed-queue tr.queue-row").wait_for()
    assert page.csp_errors == []


def test_outcomes_survey_and_the_funders_export(page: Any, live: LiveServer) -> None:
    sign_in(page, live)
    page.goto(f"{live.url}/admin/dispositions")
    page.fill("#add-disposition-form input[name=key]", "legal_aid")
    page.fill("#add-disposition-form input[name=label]", "Referred for legal aid")
    page.click("#add-disposition")
    page.locator('tr[data-key="legal_aid"]').wait_for()
    shot(page, "09-admin-outcomes.png")
    page.goto(f"{live.url}/admin/hours")
    page.check("#survey-enabled")
    page.click("#save-settings")
    page.wait_for_url("**/admin/hours")

    # Engine down: queued for staff. Not a plea ("please someone help me" is urgent to the danger
    # net, and no survey follows an urgent conversation).
    live.text("can i talk to someone about my job")
    page.goto(f"{live.url}/console/")
    page.locator("tr.queue-row a", has_text="Open").first.click()
    page.click("#claim")
    page.fill("#reply-body", "I am here. How can I help?")
    page.click("#send")
    page.locator(".msg.author-staff").last.wait_for()
    page.select_option("#disposition", "legal_aid")
    page.click("#close")
    page.wait_for_url(f"{live.url}/console/")
    survey = [m["body"] for m in live.thread_messages() if m["author"] == "system"]
    assert any(b.startswith("Did this conversation help you?") for b in survey)
    answer = live.text("1")
    assert answer["replies"] == ["Thank you for your answer. Write again any time."]

    page.goto(f"{live.url}/console/dashboard?days=7")
    assert page.inner_text("#survey-sent") == "1"
    assert page.locator("svg.chart").count() == 5
    assert "Referred for leg…" in page.inner_text("main")  # long labels are shortened
    shot(page, "10-dashboard-survey-and-export.png")
    with page.expect_download() as download:
        page.click("#export-day")
    body = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 7
    today = rows[-1]
    assert today["conversations"] == "1" and today["escalated"] == "1"
    assert today["disposition:legal_aid"] == "1" and today["survey:helped"] == "1"
    assert TEXTER not in body and TEXTER[-4:] not in body and "help me" not in body
    (SHOTS / "funders-export-day.csv").write_text(body, encoding="utf-8")
    assert page.csp_errors == []


def test_whatsapp_outside_24_hours_is_refused_in_the_console(page: Any, live: LiveServer) -> None:
    sign_in(page, live)
    late = escalation(
        live.app,
        "whatsapp:+15550000301",
        state=ConversationState.WITH_STAFF,
        assigned_staff_id=ada_id(live),
        texts=("hola por whatsapp",),
    )
    with live.app.app_context():
        c = db.session.get(Conversation, late)
        c.texter.last_inbound_at = utcnow() - timedelta(hours=26)
        db.session.commit()
    page.goto(f"{live.url}/console/conversations/{late}")
    assert page.inner_text(".channel-name") == "WhatsApp"
    refusal = page.inner_text("#refusal")
    assert "only within 24 hours" in refusal and "has to write first" in refusal
    assert page.locator("#reply-body").count() == 0
    shot(page, "11-whatsapp-window-closed.png")
    page.goto(f"{live.url}/console/")
    assert "WhatsApp" in page.inner_text("table.queue")
    assert requests.get(f"{live.url}/healthz", timeout=10).status_code in (200, 503)
    assert page.csp_errors == []
