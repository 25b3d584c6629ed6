"""Console operations: contact history and flags, the supervisor's view, silent observation,
urgent alerts, dispositions as data, the survey after close, and exports for funders."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import Phone
from tests.console.helpers import escalation
from tests.console.test_conversation import audit_actions, claimed
from webhooks.extensions import db
from webhooks.models import (
    AuditEvent,
    Author,
    Conversation,
    ConversationState,
    Message,
    Note,
    RiskLevel,
)
from webhooks.models.base import utcnow
from webhooks.services import settings
from webhooks.services.exports import neutralise

PHONE = "+15551230001"


def _close(app, conversation_id, disposition="referred", **fields):
    with app.app_context():
        c = db.session.get(Conversation, conversation_id)
        c.state, c.closed_at, c.disposition = ConversationState.CLOSED, utcnow(), disposition
        for key, value in fields.items():
            setattr(c, key, value)
        db.session.commit()


# --- contact history and flags ---------------------------------------------------------


def test_earlier_conversations_are_listed_and_opening_one_is_audited(app, signed_in, staff_ids):
    # The earlier conversation is this staff member's own: opening it from the history follows
    # the same rule as opening it directly (tests/console/test_history.py).
    earlier = escalation(
        app,
        PHONE,
        language="es",
        risk=RiskLevel.HIGH,
        texts=("antes",),
        assigned_staff_id=staff_ids["staff"],
    )
    with app.app_context():
        db.session.add(Note(conversation_id=earlier, staff_user_id=staff_ids["staff"], body="n1"))
        db.session.add(Note(conversation_id=earlier, staff_user_id=staff_ids["staff"], body="n2"))
        db.session.commit()
    _close(app, earlier)
    other_texter = escalation(app, "+15559990000", texts=("someone else",))
    _close(app, other_texter)
    current = escalation(app, PHONE, texts=("hola otra vez",))
    staff = signed_in("staff")
    page = staff.get(f"/console/conversations/{current}").get_data(as_text=True)
    row = page[page.index(f'<tr data-conversation="{earlier}">') :]
    row = row[: row.index("</tr>")]
    assert "es" in row and "high" in row and "Referred to a resource or partner" in row
    assert "<td>2</td>" in row  # two notes
    assert f'data-conversation="{other_texter}"' not in page
    assert "5551230001" not in page  # never the number

    opened = staff.get(f"/console/conversations/{current}/earlier/{earlier}")
    assert opened.status_code == 200 and "antes" in opened.get_data(as_text=True)
    assert (f"staff:{staff_ids['staff']}", "history_opened") in audit_actions(app, earlier)
    # Only the same texter's conversations open this way.
    assert staff.get(f"/console/conversations/{current}/earlier/{other_texter}").status_code == 404


def test_flags_carry_across_conversations(app, signed_in):
    first = claimed(app, signed_in("staff"), phone=PHONE)
    staff = signed_in("staff")
    staff.post(f"/console/conversations/{first}/claim")
    response = staff.post(
        f"/console/conversations/{first}/flags", {"flag": "interpreter", "on": "1"}
    )
    assert response.status_code == 302
    staff.post(f"/console/conversations/{first}/flags", {"flag": "abusive", "on": "1"})
    staff.post(f"/console/conversations/{first}/flags", {"flag": "abusive", "on": "0"})
    assert staff.post(f"/console/conversations/{first}/flags", {"flag": "nope", "on": "1"})
    _close(app, first)
    later = escalation(app, PHONE)
    page = staff.get(f"/console/conversations/{later}").get_data(as_text=True)
    assert 'data-flag="interpreter">Needs an interpreter' in page
    assert 'class="flag texter-flag" data-flag="abusive"' not in page
    queue = staff.get("/console/").get_data(as_text=True)
    assert '<span class="flag">interpreter</span>' in queue
    actions = [a for _, a in audit_actions(app, first)]
    assert actions.count("flag_set") == 2 and actions.count("flag_cleared") == 1


def test_flags_need_the_conversation(app, signed_in):
    waiting = escalation(app, PHONE)
    staff = signed_in("staff")
    staff.post(f"/console/conversations/{waiting}/flags", {"flag": "minor", "on": "1"})
    with app.app_context():
        assert db.session.get(Conversation, waiting).texter.flags == []


def test_a_minor_from_screening_shows_as_a_texter_flag_later(app, signed_in):
    first = escalation(app, PHONE, minor=True)
    _close(app, first)
    later = escalation(app, PHONE)
    page = signed_in("staff").get(f"/console/conversations/{later}").get_data(as_text=True)
    assert 'data-flag="minor">Minor' in page


# --- supervisor view, observe, alerts --------------------------------------------------


def test_queue_health_counts_waiting_by_risk_longest_wait_and_staff_load(app, signed_in, staff_ids):
    escalation(app, PHONE, risk=RiskLevel.URGENT, waited=timedelta(minutes=40))
    escalation(app, "+15551230002", risk=RiskLevel.HIGH, waited=timedelta(minutes=3))
    escalation(
        app,
        "+15551230003",
        state=ConversationState.WITH_STAFF,
        assigned_staff_id=staff_ids["staff"],
    )
    signed_in("staff").get("/console/")  # Sam has a console open
    page = signed_in("supervisor").get("/console/supervisor").get_data(as_text=True)
    assert '<span class="number" id="waiting-total">2</span>' in page
    assert '<span class="number" id="urgent-waiting">1</span>' in page
    assert '<span class="number" id="longest-wait">40 min</span>' in page
    assert (
        '<tr data-risk="urgent"><th><span class="risk risk-urgent">urgent</span></th><td>1' in page
    )
    sam = page[page.index('<tr data-user="sam">') :]
    assert '<td class="load">1</td>' in sam[: sam.index("</tr>")]
    assert '<tr data-user="sue">' in page
    assert signed_in("staff").get("/console/supervisor").status_code == 403


def test_signing_out_leaves_the_signed_in_list(app, signed_in):
    staff = signed_in("staff")
    staff.get("/console/")
    staff.post("/console/logout")
    page = signed_in("supervisor").get("/console/supervisor").get_data(as_text=True)
    assert '<tr data-user="sam">' not in page


def test_observe_is_read_only_and_audited(app, signed_in, staff_ids):
    conversation_id = escalation(
        app, PHONE, state=ConversationState.WITH_STAFF, assigned_staff_id=staff_ids["staff"]
    )
    supervisor = signed_in("supervisor")
    page = supervisor.get(f"/console/conversations/{conversation_id}/observe")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "I need help" in text and "Read-only" in text
    for action in ("/claim", "/reply", "/notes", "/close", "/transfer"):
        assert f"/console/conversations/{conversation_id}{action}" not in text
    assert (f"staff:{staff_ids['supervisor']}", "conversation_observed") in audit_actions(
        app, conversation_id
    )
    assert (
        signed_in("staff").get(f"/console/conversations/{conversation_id}/observe").status_code
        == 403
    )
    with app.app_context():  # nothing was sent, nothing changed hands
        c = db.session.get(Conversation, conversation_id)
        assert c.assigned_staff_id == staff_ids["staff"]
        assert not [m for m in c.messages if m.direction.value == "outbound"]


def test_alerts_show_urgent_unclaimed_past_the_delay_in_every_console(app, signed_in):
    overdue = escalation(app, PHONE, risk=RiskLevel.URGENT, waited=timedelta(minutes=6))
    escalation(app, "+15551230002", risk=RiskLevel.URGENT, waited=timedelta(minutes=1))
    escalation(app, "+15551230003", risk=RiskLevel.HIGH, waited=timedelta(minutes=60))
    for role in ("staff", "supervisor", "admin"):
        fragment = signed_in(role).get("/console/alerts").get_data(as_text=True)
        assert f'data-alerts="{overdue}"' in fragment and "waiting 6 min" in fragment
    page = signed_in("staff").get("/console/").get_data(as_text=True)
    assert 'id="alerts"' in page and 'id="alert-mute"' in page


def test_no_alert_bar_when_nothing_is_overdue(app, signed_in):
    escalation(app, PHONE, risk=RiskLevel.URGENT, waited=timedelta(minutes=1))
    assert "alert-bar" not in signed_in("staff").get("/console/alerts").get_data(as_text=True)


def test_queued_while_closed_comes_first_by_risk_then_wait(app, signed_in):
    escalation(app, "+15551230010", risk=RiskLevel.URGENT, waited=timedelta(minutes=2))
    old_low = escalation(app, PHONE, waited=timedelta(hours=9), after_hours=True)
    high = escalation(
        app, "+15551230002", risk=RiskLevel.HIGH, waited=timedelta(hours=3), after_hours=True
    )
    older_low = escalation(app, "+15551230003", waited=timedelta(hours=10), after_hours=True)
    page = signed_in("staff").get("/console/").get_data(as_text=True)
    assert page.index("Queued while closed") < page.index("Waiting for staff")
    closed_section = page[page.index("Queued while closed") : page.index("Waiting for staff")]
    order = [closed_section.index(f'data-conversation="{c}"') for c in (high, older_low, old_low)]
    assert order == sorted(order)


# --- dispositions as data -------------------------------------------------------------


def test_admins_edit_the_taxonomy_and_staff_close_with_it(app, signed_in):
    admin = signed_in("admin")
    page = admin.get("/admin/dispositions").get_data(as_text=True)
    assert "information_given" in page and "idle" in page
    assert admin.post("/admin/dispositions", {"key": "legal_aid", "label": "Legal aid"})
    admin.post("/admin/dispositions/other", {"label": "Something else", "position": "5"})
    bad = admin.post("/admin/dispositions", {"key": "Bad Key", "label": "x"}, follow_redirects=True)
    assert "lower-case letters" in bad.get_data(as_text=True)
    refused = admin.post(
        "/admin/dispositions/idle", {"label": "Idle", "position": "1"}, follow_redirects=True
    )
    assert "cannot be switched off" in refused.get_data(as_text=True)  # the app sets it
    staff = signed_in("staff")
    conversation_id = claimed(app, staff)
    page = staff.get(f"/console/conversations/{conversation_id}").get_data(as_text=True)
    assert '<option value="legal_aid">Legal aid</option>' in page
    assert '<option value="other">' not in page  # switched off (unchecked "active")
    assert '<option value="idle">' not in page and '<option value="blocked">' not in page
    assert staff.post(f"/console/conversations/{conversation_id}/close", {"disposition": "idle"})
    with app.app_context():
        assert db.session.get(Conversation, conversation_id).state != ConversationState.CLOSED
    staff.post(f"/console/conversations/{conversation_id}/close", {"disposition": "legal_aid"})
    with app.app_context():
        assert db.session.get(Conversation, conversation_id).disposition == "legal_aid"
    dashboard = signed_in("supervisor").get("/console/dashboard").get_data(as_text=True)
    assert "Legal aid" in dashboard


# --- the survey -----------------------------------------------------------------------


def _survey_on(app, on=True):
    with app.app_context():
        settings.put("survey_enabled", on)
        db.session.commit()


def _system_texts(app, conversation_id):
    with app.app_context():
        return [
            m.body
            for m in db.session.scalars(
                select(Message).where(
                    Message.conversation_id == conversation_id, Message.author == Author.SYSTEM
                )
            )
        ]


def _close_by_staff(app, staff, **kwargs):
    conversation_id = claimed(app, staff, **kwargs)
    staff.post(f"/console/conversations/{conversation_id}/close", {"disposition": "referred"})
    return conversation_id


def test_survey_after_close_answer_counted_on_the_dashboard(app, signed_in):
    _survey_on(app)
    staff = signed_in("staff")
    conversation_id = _close_by_staff(app, staff, phone=PHONE)
    (question,) = _system_texts(app, conversation_id)
    assert question.startswith("Did this conversation help you?")
    phone = Phone(app.test_client(), PHONE)
    (thanks,) = phone.replies(phone.send(" 2 "))
    assert thanks == "Thank you for your answer. Write again any time."
    with app.app_context():
        c = db.session.get(Conversation, conversation_id)
        assert c.survey_answer == "helped_a_little" and c.state == ConversationState.CLOSED
        assert len(c.texter.conversations) == 1  # the answer did not start a conversation
    # A second "1" is an ordinary text now: the bot answers it in a new conversation.
    phone.send("1")
    with app.app_context():
        assert len(db.session.get(Conversation, conversation_id).texter.conversations) == 2
    page = signed_in("supervisor").get("/console/dashboard").get_data(as_text=True)
    assert '<span id="survey-sent">1</span>' in page and "helped a little" in page


def test_no_survey_when_off_after_stop_at_high_risk_or_outside_the_silence_window(app, signed_in):
    staff = signed_in("staff")
    off = _close_by_staff(app, staff, phone="+15551230001")
    _survey_on(app)
    risky = _close_by_staff(app, staff, phone="+15551230002", risk=RiskLevel.HIGH)
    urgent = _close_by_staff(app, staff, phone="+15551230003", risk=RiskLevel.URGENT)
    stopped_id = claimed(app, staff, phone="+15551230004")
    silent_id = claimed(app, staff, phone="+15551230005")
    with app.app_context():
        db.session.get(Conversation, stopped_id).texter.opted_out = True
        db.session.get(Conversation, silent_id).texter.last_inbound_at = utcnow() - timedelta(
            hours=25
        )
        db.session.commit()
    for conversation_id in (stopped_id, silent_id):
        staff.post(f"/console/conversations/{conversation_id}/close", {"disposition": "referred"})
    for conversation_id in (off, risky, urgent, stopped_id, silent_id):
        assert _system_texts(app, conversation_id) == [], conversation_id
        with app.app_context():
            c = db.session.get(Conversation, conversation_id)
            assert c.state == ConversationState.CLOSED and c.survey_sent_at is None


def test_survey_switch_is_an_admin_setting(app, signed_in):
    admin = signed_in("admin")
    admin.post("/admin/hours/settings", {"survey_enabled": "1"})
    with app.app_context():
        assert settings.get("survey_enabled") is True
    admin.post("/admin/hours/settings", {})
    with app.app_context():
        assert settings.get("survey_enabled") is False


# --- exports for funders --------------------------------------------------------------


def test_export_is_aggregated_counts_with_no_numbers_text_or_ids(app, signed_in, staff_ids):
    _survey_on(app)
    staff = signed_in("staff")
    first = _close_by_staff(app, staff, phone=PHONE, language="es", texts=("=HYPERLINK(1)",))
    _close_by_staff(app, staff, phone="+15551230002", risk=RiskLevel.URGENT)
    Phone(app.test_client(), PHONE).send("1")
    with app.app_context():
        db.session.add(AuditEvent(actor="system", action="urgent_alert", conversation_id=first))
        db.session.commit()
    supervisor = signed_in("supervisor")
    response = supervisor.get("/console/dashboard/export.csv?period=day&days=7")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 7
    today = rows[-1]
    assert today["conversations"] == "2" and today["escalated"] == "2"
    assert today["language:es"] == "1" and today["risk:urgent"] == "1"
    assert today["disposition:referred"] == "2" and today["claimed"] == "2"
    assert today["survey_sent"] == "1" and today["survey:helped"] == "1"
    assert today["urgent_alerts"] == "1" and today["median_wait_seconds"] != ""
    assert "5551230001" not in body and "HYPERLINK" not in body and "sam" not in body
    assert str(first) not in [cell for row in csv.reader(io.StringIO(body)) for cell in row[1:2]]
    weekly = supervisor.get("/console/dashboard/export.csv?period=week&days=30")
    week_rows = list(csv.DictReader(io.StringIO(weekly.get_data(as_text=True))))
    assert sum(int(r["conversations"]) for r in week_rows) == 2
    assert signed_in("staff").get("/console/dashboard/export.csv").status_code == 403
    assert (f"staff:{staff_ids['supervisor']}", "export_downloaded") in audit_actions(app)


def test_export_neutralises_spreadsheet_formulas(app, signed_in):
    assert neutralise("=1+1") == "'=1+1" and neutralise("+cmd") == "'+cmd"
    assert neutralise("-2") == "'-2" and neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("safe") == "safe" and neutralise(3) == "3"
    signed_in("admin").post("/admin/dispositions", {"key": "odd", "label": "=cmd()"})
    body = signed_in("supervisor").get("/console/dashboard/export.csv").get_data(as_text=True)
    assert "disposition:odd" in body.splitlines()[0] and "=cmd" not in body
