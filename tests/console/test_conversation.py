"""A conversation for staff: what it shows, and claim, reply, notes, transfer, close, block."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, text

from tests.console.helpers import escalation, get
from tests.fakes import english
from webhooks.crypto import vault
from webhooks.extensions import db
from webhooks.models import (
    AuditEvent,
    Author,
    Conversation,
    ConversationState,
    Message,
    RiskLevel,
    Texter,
)
from webhooks.models.base import utcnow
from webhooks.services.screening import record_screening

PHONE = "+15551230001"


def audit_actions(app, conversation_id=None):
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if conversation_id is not None:
            query = query.where(AuditEvent.conversation_id == conversation_id)
        return [(e.actor, e.action) for e in db.session.scalars(query)]


def claimed(app, browser, **kwargs):
    conversation_id = escalation(app, **kwargs)
    assert browser.post(f"/console/conversations/{conversation_id}/claim").status_code == 302
    return conversation_id


def test_page_shows_transcript_screening_consent_and_only_a_masked_number(app, signed_in):
    conversation_id = escalation(app, PHONE, texts=("I cannot leave the farm",))
    with app.app_context():
        conversation = db.session.get(Conversation, conversation_id)
        record_screening(conversation, {"can_leave": "no", "pay_withheld": "no"})
        conversation.consent_given, conversation.consent_at = True, utcnow()
        db.session.commit()
    page = signed_in("staff").get(f"/console/conversations/{conversation_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "I cannot leave the farm" in html
    assert "•••• 0001" in html
    assert PHONE not in html and "5551230001" not in html and "1230001" not in html
    assert "Free to leave work or home" in html and 'class="indicator"' in html
    assert "given" in html and "UTC" in html


def test_every_view_is_audited(app, signed_in, staff_ids):
    conversation_id = escalation(app)
    signed_in("staff").get(f"/console/conversations/{conversation_id}")
    assert (f"staff:{staff_ids['staff']}", "conversation_viewed") in audit_actions(
        app, conversation_id
    )


def test_a_texted_script_is_shown_as_text_and_bodies_lay_out_right_to_left(app, signed_in):
    conversation_id = escalation(app, texts=("<script>alert('x')</script>", "أحتاج إلى مساعدة"))
    html = (
        signed_in("staff").get(f"/console/conversations/{conversation_id}").get_data(as_text=True)
    )
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert '<p class="body" dir="auto">أحتاج إلى مساعدة</p>' in html


def test_claim_then_reply_through_the_simulator_outbox(app, signed_in, staff_ids):
    browser = signed_in("staff")
    conversation_id = claimed(app, browser)
    conversation = get(app, Conversation, conversation_id)
    assert conversation.state == ConversationState.WITH_STAFF
    assert conversation.assigned_staff_id == staff_ids["staff"]

    response = browser.post(f"/console/conversations/{conversation_id}/reply", {"body": "Hello"})
    assert response.status_code == 302
    with app.app_context():
        message = db.session.scalars(select(Message).where(Message.author == Author.STAFF)).one()
        assert message.body == "Hello" and message.staff_user_id == staff_ids["staff"]
        assert message.status == "simulated"
    html = browser.get(f"/console/conversations/{conversation_id}/transcript").get_data(
        as_text=True
    )
    assert "Hello" in html and "status-simulated" in html and "sam" in html
    thread = app.test_client().post("/simulator/messages", json={"phone": PHONE}).get_json()
    assert [m["body"] for m in thread["messages"] if m["author"] == "staff"] == ["Hello"]
    actions = [a for _, a in audit_actions(app, conversation_id)]
    assert "conversation_claimed" in actions and "staff_replied" in actions
    # The audit trail never holds the text.
    with app.app_context():
        assert "Hello" not in str(db.session.scalars(select(AuditEvent.detail)).all())


def test_only_the_claimer_replies(app, signed_in):
    conversation_id = escalation(app)
    browser = signed_in("staff")
    response = browser.post(f"/console/conversations/{conversation_id}/reply", {"body": "Hi"})
    assert response.status_code == 409 and b"Claim the conversation" in response.data
    browser.post(f"/console/conversations/{conversation_id}/claim")
    other = signed_in("supervisor")
    response = other.post(f"/console/conversations/{conversation_id}/reply", {"body": "Hi"})
    assert response.status_code == 409


def test_staff_cannot_take_or_open_a_colleagues_conversation(app, signed_in, staff_ids):
    conversation_id = escalation(
        app, state=ConversationState.WITH_STAFF, assigned_staff_id=staff_ids["admin"]
    )
    staff = signed_in("staff")
    assert staff.get(f"/console/conversations/{conversation_id}").status_code == 403
    assert staff.post(f"/console/conversations/{conversation_id}/claim").status_code == 403
    # A supervisor takes over.
    supervisor = signed_in("supervisor")
    supervisor.post(f"/console/conversations/{conversation_id}/claim")
    assert get(app, Conversation, conversation_id).assigned_staff_id == staff_ids["supervisor"]
    assert "conversation_taken_over" in [a for _, a in audit_actions(app, conversation_id)]


def test_sending_to_an_opted_out_texter_is_refused_with_the_reason(app, signed_in):
    browser = signed_in("staff")
    conversation_id = claimed(app, browser)
    with app.app_context():
        texter = db.session.scalars(select(Texter)).one()
        texter.opted_out = True
        db.session.commit()
    page = browser.get(f"/console/conversations/{conversation_id}").get_data(as_text=True)
    assert "opted out (STOP)" in page and 'id="send"' not in page
    response = browser.post(f"/console/conversations/{conversation_id}/reply", {"body": "Hi"})
    assert response.status_code == 409 and b"opted out" in response.data
    with app.app_context():
        assert db.session.scalar(select(Message).where(Message.author == Author.STAFF)) is None


def test_after_the_silence_window_a_reply_needs_an_explicit_override(app, signed_in):
    browser = signed_in("staff")
    conversation_id = claimed(app, browser)
    with app.app_context():
        texter = db.session.scalars(select(Texter)).one()
        texter.last_inbound_at = utcnow() - timedelta(hours=30)
        db.session.commit()
    page = browser.get(f"/console/conversations/{conversation_id}").get_data(as_text=True)
    assert 'id="silence-warning"' in page and 'name="override_silence"' in page
    url = f"/console/conversations/{conversation_id}/reply"
    refused = browser.post(url, {"body": "Are you safe?"})
    assert refused.status_code == 409 and b"silent longer" in refused.data
    assert b"Are you safe?" in refused.data  # the draft is kept
    sent = browser.post(url, {"body": "Are you safe?", "override_silence": "1"})
    assert sent.status_code == 302
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "staff_replied")
        ).one()
        assert event.detail["override_silence"] is True


def test_canned_replies_come_from_the_catalogs_in_the_texters_language(app, signed_in, monkeypatch):
    rendered = []

    def fake_render(msgid, language, variables=None):
        rendered.append(language)
        return f"[{language}] {msgid}".format(**(variables or {}))

    monkeypatch.setattr("webhooks.i18n.render", fake_render)
    browser = signed_in("staff")
    conversation_id = claimed(app, browser, language="es")
    page = browser.get(f"/console/conversations/{conversation_id}").get_data(as_text=True)
    assert rendered and set(rendered) == {"es"}
    assert 'data-text="[es] If you are in danger now, please call 911. I am still here."' in page


def test_canned_reply_ids_are_marked_for_extraction():
    from pathlib import Path

    from babel.messages.extract import extract_from_file

    import webhooks.console.canned as canned

    extracted = extract_from_file("python", Path(canned.__file__), keywords={"N_": None})
    found = {message for _, message, _, _ in extracted}
    assert set(canned.CANNED_REPLIES.values()) <= found


def test_notes_are_kept_encrypted_and_shown_to_staff(app, signed_in):
    browser = signed_in("staff")
    conversation_id = escalation(app)
    browser.post(f"/console/conversations/{conversation_id}/notes", {"body": "Speaks Tagalog"})
    html = browser.get(f"/console/conversations/{conversation_id}").get_data(as_text=True)
    assert "Speaks Tagalog" in html
    with app.app_context():
        stored = bytes(db.session.execute(text("SELECT body FROM note")).scalar_one())
        assert b"Tagalog" not in stored
        assert vault.decrypt(stored) == "Speaks Tagalog"
    assert "note_added" in [a for _, a in audit_actions(app, conversation_id)]


def test_transfer_to_a_colleague(app, signed_in, staff_ids):
    browser = signed_in("staff")
    conversation_id = claimed(app, browser)
    browser.post(
        f"/console/conversations/{conversation_id}/transfer", {"to": staff_ids["supervisor"]}
    )
    assert get(app, Conversation, conversation_id).assigned_staff_id == staff_ids["supervisor"]
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "conversation_transferred")
        ).one()
        assert event.detail == {
            "from_staff": staff_ids["staff"],
            "to_staff": staff_ids["supervisor"],
        }
    # The former owner can no longer open it.
    assert browser.get(f"/console/conversations/{conversation_id}").status_code == 403


def test_release_puts_it_back_in_the_queue(app, signed_in):
    browser = signed_in("staff")
    conversation_id = claimed(app, browser)
    browser.post(f"/console/conversations/{conversation_id}/release")
    conversation = get(app, Conversation, conversation_id)
    assert conversation.state == ConversationState.WAITING_FOR_STAFF
    assert conversation.assigned_staff_id is None


def test_close_with_a_disposition_returns_the_texter_to_the_bot(app, signed_in, fake_engine):
    browser = signed_in("staff")
    conversation_id = claimed(app, browser)
    url = f"/console/conversations/{conversation_id}/close"
    browser.post(url, {"disposition": "made up"})
    assert get(app, Conversation, conversation_id).state == ConversationState.WITH_STAFF
    response = browser.post(url, {"disposition": "referred"})
    assert response.headers["Location"] == "/console/"
    conversation = get(app, Conversation, conversation_id)
    assert conversation.state == ConversationState.CLOSED
    assert conversation.disposition == "referred" and conversation.closed_at is not None
    resumed = [
        r.json()
        for r in fake_engine.requests
        if r.path == f"/conversations/{conversation.engine_id}/tracker/events"
    ]
    assert resumed == [[{"event": "resume"}]]
    assert "conversation_closed" in [a for _, a in audit_actions(app, conversation_id)]


def test_the_next_text_after_closing_goes_to_the_bot(app, signed_in, phone, fake_engine):
    browser = signed_in("staff")
    conversation_id = claimed(app, browser, phone=phone.number)
    browser.post(f"/console/conversations/{conversation_id}/close", {"disposition": "other"})
    fake_engine.replies = ["utter_greet"]
    assert phone.replies(phone.send("hi")) == [english("utter_greet")]


def test_supervisors_block_abusive_numbers(app, signed_in, phone, fake_engine):
    conversation_id = escalation(app, phone=phone.number)
    staff = signed_in("staff")
    assert staff.post(f"/console/conversations/{conversation_id}/block").status_code == 403
    supervisor = signed_in("supervisor")
    page = supervisor.get(f"/console/conversations/{conversation_id}").get_data(as_text=True)
    assert "Block number" in page
    supervisor.post(f"/console/conversations/{conversation_id}/block")
    with app.app_context():
        assert db.session.scalars(select(Texter)).one().blocked
    conversation = get(app, Conversation, conversation_id)
    assert conversation.state == ConversationState.CLOSED and conversation.disposition == "blocked"
    assert "texter_blocked" in [a for _, a in audit_actions(app, conversation_id)]
    before = len(fake_engine.messages)
    assert phone.replies(phone.send("abuse")) == []
    assert len(fake_engine.messages) == before
    supervisor.post(f"/console/conversations/{conversation_id}/unblock")
    with app.app_context():
        assert not db.session.scalars(select(Texter)).one().blocked


def test_the_page_polls_its_transcript(app, signed_in):
    conversation_id = escalation(app)
    html = (
        signed_in("staff").get(f"/console/conversations/{conversation_id}").get_data(as_text=True)
    )
    assert re.search(rf'hx-get="/console/conversations/{conversation_id}/transcript"', html)


def test_staff_set_the_risk_they_judge_even_lower(app, signed_in):
    browser = signed_in("staff")
    conversation_id = claimed(app, browser, risk=RiskLevel.URGENT)
    browser.post(f"/console/conversations/{conversation_id}/risk", {"risk": "low"})
    assert get(app, Conversation, conversation_id).risk == RiskLevel.LOW
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "risk_changed")
        ).one()
        assert event.detail == {"old": "urgent", "new": "low"}
    browser.post(f"/console/conversations/{conversation_id}/risk", {"risk": "extreme"})
    assert get(app, Conversation, conversation_id).risk == RiskLevel.LOW
