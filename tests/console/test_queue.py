"""The queue: order by risk then wait, what each row shows, live updates, who sees what."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.console.helpers import escalation
from webhooks.models import ConversationState, RiskLevel
from webhooks.services.screening import record_screening


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-conversation="(\d+)"', html)]


def test_urgent_first_then_longest_waiting(app, signed_in):
    low_old = escalation(app, "+15550000001", RiskLevel.LOW, timedelta(minutes=50))
    urgent_new = escalation(app, "+15550000002", RiskLevel.URGENT, timedelta(minutes=1))
    high = escalation(app, "+15550000003", RiskLevel.HIGH, timedelta(minutes=3))
    urgent_old = escalation(app, "+15550000004", RiskLevel.URGENT, timedelta(minutes=9))
    page = signed_in("staff").get("/console/").get_data(as_text=True)
    assert row_ids(page) == [urgent_old, urgent_new, high, low_old]


def test_a_row_shows_language_risk_screening_consent_wait_and_minor(app, signed_in):
    conversation_id = escalation(
        app, language="es", risk=RiskLevel.HIGH, waited=timedelta(minutes=12), minor=True
    )
    with app.app_context():
        from webhooks.extensions import db
        from webhooks.models import Conversation
        from webhooks.services.escalation import record_consent

        conversation = db.session.get(Conversation, conversation_id)
        record_screening(conversation, {"can_leave": "no", "id_taken": "no", "under_18": "yes"})
        record_consent(conversation, True)
        db.session.commit()
    page = signed_in("staff").get("/console/").get_data(as_text=True)
    row = page[page.index(f'data-conversation="{conversation_id}"') :]
    row = row[: row.index("</tr>")]
    assert ">es<" in row
    assert "risk-high" in row
    assert "2 of 3 answers are indicators: can_leave, under_18" in row
    assert "given" in row
    assert "12 min" in row
    assert "minor" in row


def test_the_queue_polls_for_news(app, signed_in):
    browser = signed_in("staff")
    page = browser.get("/console/").get_data(as_text=True)
    assert 'hx-get="/console/queue/rows"' in page and 'hx-trigger="every 3s"' in page
    assert "/static/vendor/htmx.min.js" in page
    assert row_ids(browser.get("/console/queue/rows").get_data(as_text=True)) == []
    new = escalation(app)
    assert row_ids(browser.get("/console/queue/rows").get_data(as_text=True)) == [new]


def test_staff_see_the_waiting_and_their_own_supervisors_see_all(app, signed_in, staff_ids):
    waiting = escalation(app, "+15550000001")
    mine = escalation(
        app,
        "+15550000002",
        state=ConversationState.WITH_STAFF,
        assigned_staff_id=staff_ids["staff"],
    )
    others = escalation(
        app,
        "+15550000003",
        state=ConversationState.WITH_STAFF,
        assigned_staff_id=staff_ids["admin"],
    )
    escalation(app, "+15550000004", state=ConversationState.WITH_BOT)
    escalation(app, "+15550000005", state=ConversationState.CLOSED)
    staff_page = signed_in("staff").get("/console/").get_data(as_text=True)
    assert row_ids(staff_page) == [waiting, mine]
    supervisor_page = signed_in("supervisor").get("/console/").get_data(as_text=True)
    assert row_ids(supervisor_page) == [waiting, mine, others]
    assert "With other staff" in supervisor_page


def test_static_htmx_is_served_locally(client):
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200 and b"htmx" in response.data[:200]
    response.close()


def test_a_language_we_do_not_speak_and_an_interpreter_are_shown(app, signed_in):
    conversation_id = escalation(
        app, language=None, risk=RiskLevel.LOW, waited=timedelta(minutes=2)
    )
    with app.app_context():
        from webhooks.extensions import db
        from webhooks.models import Conversation
        from webhooks.services.escalation import hand_to_staff

        conversation = db.session.get(Conversation, conversation_id)
        conversation.other_language = "uk"
        hand_to_staff(conversation)  # the texter said yes while writing Ukrainian
        assert conversation.needs_interpreter is True
        db.session.commit()
    client = signed_in("staff")
    page = client.get("/console/").get_data(as_text=True)
    row = page[page.index(f'data-conversation="{conversation_id}"') :]
    row = row[: row.index("</tr>")]
    assert "uk (not spoken)" in row and "interpreter" in row
    page = client.get(f"/console/conversations/{conversation_id}").get_data(as_text=True)
    assert "needs an interpreter (uk)" in page
