"""Scheduled work (`flask tick`): still-in-line texts, urgent alerts to the on-call supervisor
(a local SMTP server and a local HTTP recorder), and idle conversations closing themselves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import Phone
from tests.console.helpers import escalation
from tests.fakes import HttpRecorder, SmtpRecorder
from tests.services.test_hours import closed_now, open_now
from webhooks.extensions import db
from webhooks.models import (
    AuditEvent,
    Author,
    Conversation,
    ConversationState,
    Message,
    RiskLevel,
)
from webhooks.models.base import utcnow
from webhooks.services import notify
from webhooks.services.texters import find_texter
from webhooks.services.waiting import tick

PHONE = "+15551230001"


@pytest.fixture
def smtp() -> Iterator[SmtpRecorder]:
    server = SmtpRecorder()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def webhook() -> Iterator[HttpRecorder]:
    recorder = HttpRecorder()
    recorder.start()
    yield recorder
    recorder.stop()


def system_texts(app, conversation_id: int) -> list[str]:
    with app.app_context():
        return [
            m.body
            for m in db.session.scalars(
                select(Message).where(
                    Message.conversation_id == conversation_id, Message.author == Author.SYSTEM
                )
            )
        ]


def run_tick(app):
    with app.app_context():
        return tick()


def test_still_in_line_once_per_wait_and_only_past_the_delay(app):
    late = escalation(app, PHONE, waited=timedelta(minutes=11))
    fresh = escalation(app, "+15551230002", waited=timedelta(minutes=3))
    assert run_tick(app).still_in_line == 1
    assert run_tick(app).still_in_line == 0  # at most once per wait
    (text,) = system_texts(app, late)
    assert "still in line" in text and "911" in text
    assert system_texts(app, fresh) == []


def test_still_in_line_in_the_texters_language(app):
    conversation_id = escalation(app, PHONE, waited=timedelta(minutes=30), language="es")
    run_tick(app)
    assert system_texts(app, conversation_id) == [
        "Sigues en la fila. Una persona te escribirá en cuanto pueda. Si estás en peligro, "
        "llama al 911."
    ]


def test_never_after_stop_never_outside_the_silence_window_never_when_claimed(app, staff_ids):
    stopped = escalation(app, PHONE, waited=timedelta(minutes=30))
    silent = escalation(app, "+15551230002", waited=timedelta(minutes=30))
    claimed = escalation(
        app,
        "+15551230003",
        waited=timedelta(minutes=30),
        state=ConversationState.WITH_STAFF,
        assigned_staff_id=staff_ids["staff"],
    )
    with app.app_context():
        db.session.get(Conversation, stopped).texter.opted_out = True
        db.session.get(Conversation, silent).texter.last_inbound_at = utcnow() - timedelta(hours=30)
        db.session.commit()
    assert run_tick(app).still_in_line == 0
    assert system_texts(app, stopped) == system_texts(app, silent) == []
    assert system_texts(app, claimed) == []


def test_no_still_in_line_while_closed(app):
    closed_now(app)
    conversation_id = escalation(app, PHONE, waited=timedelta(minutes=30))
    assert run_tick(app).still_in_line == 0 and system_texts(app, conversation_id) == []
    open_now(app)
    assert run_tick(app).still_in_line == 1


def test_released_back_to_the_queue_is_a_new_wait(app, signed_in):
    conversation_id = escalation(app, PHONE, waited=timedelta(minutes=30))
    run_tick(app)
    staff = signed_in("staff")
    staff.post(f"/console/conversations/{conversation_id}/claim")
    staff.post(f"/console/conversations/{conversation_id}/release")
    assert run_tick(app).still_in_line == 0  # the new wait has just begun
    with app.app_context():
        conversation = db.session.get(Conversation, conversation_id)
        conversation.queued_at = utcnow() - timedelta(minutes=20)
        db.session.commit()
    assert run_tick(app).still_in_line == 1
    assert len(system_texts(app, conversation_id)) == 2


def test_urgent_unclaimed_tells_the_oncall_supervisor_by_email_and_webhook_once(
    make_app, smtp, webhook
):
    app = make_app(
        ONCALL_EMAIL="oncall@hotline.example",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp.port,
        SMTP_FROM="alerts@hotline.example",
        ONCALL_WEBHOOK_URL=webhook.url + "/page",
        HOTLINE_PUBLIC_URL="https://hotline.example.org",
    )
    urgent = escalation(app, PHONE, risk=RiskLevel.URGENT, waited=timedelta(minutes=6))
    escalation(app, "+15551230002", risk=RiskLevel.URGENT, waited=timedelta(minutes=2))
    escalation(app, "+15551230003", risk=RiskLevel.HIGH, waited=timedelta(minutes=60))
    report = run_tick(app)
    assert report.urgent_alerts == 1 and sorted(report.told) == ["email", "webhook"]
    assert run_tick(app).urgent_alerts == 0  # once per conversation

    (mail,) = smtp.messages
    assert mail["to"] == ["oncall@hotline.example"] and mail["from"] == "alerts@hotline.example"
    assert "Urgent texter waiting 6 min" in mail["data"]
    assert f"https://hotline.example.org/console/conversations/{urgent}" in mail["data"]
    (posted,) = [r for r in webhook.requests if r.path == "/page"]
    payload = json.loads(posted.body)
    assert payload["conversation"] == urgent and payload["risk"] == "urgent"
    assert payload["waiting_minutes"] == 6
    # Never the number, never what the texter wrote.
    for sent in (mail["data"], posted.body.decode()):
        assert "5551230001" not in sent and "I need help" not in sent
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "urgent_alert")
        ).one()
        assert event.conversation_id == urgent and event.detail["told"] == ["email", "webhook"]


def test_an_unreachable_oncall_channel_does_not_stop_the_tick(make_app):
    app = make_app(
        ONCALL_EMAIL="oncall@hotline.example",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=1,
        ONCALL_WEBHOOK_URL="http://127.0.0.1:1/page",
    )
    escalation(app, PHONE, risk=RiskLevel.URGENT, waited=timedelta(minutes=30))
    report = run_tick(app)
    assert report.urgent_alerts == 1 and report.told == []


def test_the_oncall_supervisor_is_told_once_a_channel_is_reachable_again(make_app):
    """Issue 12: every channel down means nobody was told; later ticks try again (the console
    alert stays once), until one channel takes it, and then never again."""
    app = make_app(
        ONCALL_EMAIL="oncall@hotline.example",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=1,
        ONCALL_WEBHOOK_URL="http://127.0.0.1:1/page",
    )
    urgent = escalation(app, PHONE, risk=RiskLevel.URGENT, waited=timedelta(minutes=30))
    first = run_tick(app)
    assert first.urgent_alerts == 1 and first.told == []

    smtp, webhook = SmtpRecorder(), HttpRecorder()
    smtp.start()
    webhook.start()
    try:
        app.config.update(SMTP_PORT=smtp.port, ONCALL_WEBHOOK_URL=webhook.url + "/page")
        second = run_tick(app)
        assert second.urgent_alerts == 0  # the console alert was raised once, on the first tick
        assert sorted(second.told) == ["email", "webhook"]
        (mail,) = smtp.messages
        assert "Urgent texter waiting 30 min" in mail["data"]
        (posted,) = [r for r in webhook.requests if r.path == "/page"]
        assert json.loads(posted.body)["conversation"] == urgent

        third = run_tick(app)
        assert third.urgent_alerts == 0 and third.told == []
        assert len(smtp.messages) == 1 and len(webhook.requests) == 1
    finally:
        smtp.stop()
        webhook.stop()
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.conversation_id == urgent, AuditEvent.action.like("urgent_alert%"))
            .order_by(AuditEvent.id)
        ).all()
        assert [(e.action, e.detail["told"]) for e in events] == [
            ("urgent_alert", []),
            ("urgent_alert_oncall", ["email", "webhook"]),
        ]


def test_one_channel_taking_the_alert_is_enough(make_app, webhook):
    app = make_app(
        ONCALL_EMAIL="oncall@hotline.example",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=1,  # the email never goes
        ONCALL_WEBHOOK_URL=webhook.url + "/page",
    )
    escalation(app, PHONE, risk=RiskLevel.URGENT, waited=timedelta(minutes=30))
    assert run_tick(app).told == ["webhook"]
    assert run_tick(app).told == []
    assert len(webhook.requests) == 1


def test_no_oncall_channel_configured_is_not_retried(make_app, monkeypatch):
    app = make_app(ONCALL_EMAIL="", SMTP_HOST="", ONCALL_WEBHOOK_URL="")
    escalation(app, PHONE, risk=RiskLevel.URGENT, waited=timedelta(minutes=30))
    assert run_tick(app).urgent_alerts == 1

    def never(*args, **kwargs):
        raise AssertionError("no channel: nothing to try again")

    monkeypatch.setattr(notify, "oncall", never)
    assert run_tick(app).urgent_alerts == 0


def test_idle_conversation_closes_itself_and_the_next_text_starts_fresh(app, fake_engine):
    phone = Phone(app.test_client(), PHONE)
    phone.send("hello")
    with app.app_context():
        first = db.session.scalars(select(Conversation)).one()
        first_engine_id = first.engine_id
        for message in first.messages:
            message.created_at = utcnow() - timedelta(hours=25)
        db.session.commit()
    waiting = escalation(app, "+15551230002", waited=timedelta(hours=30))
    assert run_tick(app).idle_closed == 1
    with app.app_context():
        first = db.session.scalars(select(Conversation).order_by(Conversation.id)).first()
        assert first.state == ConversationState.CLOSED and first.disposition == "idle"
        assert first.closed_at is not None  # so the retention purge applies to it
        assert db.session.get(Conversation, waiting).state == ConversationState.WAITING_FOR_STAFF
    phone.send("hi again")
    with app.app_context():
        texter = find_texter(PHONE)
        assert texter is not None
        conversations = sorted(texter.conversations, key=lambda c: c.id)
        assert len(conversations) == 2 and conversations[1].state == ConversationState.WITH_BOT
        assert conversations[1].engine_id != first_engine_id  # the bot starts fresh
    assert fake_engine.messages[-1]["sender"] != first_engine_id


def test_a_texter_back_hours_later_finds_the_conversation_where_they_left_it(app):
    """Issue 10: coming back hours later, the yes answers the question last asked (the engine's
    session lasts 24 h), so the idle close must not end the conversation under it."""
    Phone(app.test_client(), PHONE).send("hello")
    with app.app_context():
        for message in db.session.scalars(select(Message)):
            message.created_at = utcnow() - timedelta(hours=5)
        db.session.commit()
    assert run_tick(app).idle_closed == 0
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        assert conversation.state == ConversationState.WITH_BOT


def test_recent_bot_conversation_stays_open(app):
    Phone(app.test_client(), PHONE).send("hello")
    assert run_tick(app).idle_closed == 0


def test_flask_tick_runs_once_for_cron(app, runner):
    escalation(app, PHONE, waited=timedelta(minutes=30))
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "still-in-line texts 1" in result.output
