"""The supervisors' dashboard: the right numbers, drawn as SVG, and nothing personal."""

from __future__ import annotations

from datetime import timedelta

from tests.console.helpers import escalation
from webhooks.extensions import db
from webhooks.models import Conversation, ConversationState, RiskLevel
from webhooks.models.base import utcnow


def test_numbers_and_charts(app, signed_in):
    escalation(app, "+15550000001", RiskLevel.URGENT, language="es", texts=("secret one",))
    escalation(app, "+15550000002", RiskLevel.HIGH, language="en")
    bot_only = escalation(app, "+15550000003", state=ConversationState.WITH_BOT, language="en")
    with app.app_context():
        db.session.get(Conversation, bot_only).queued_at = None
        db.session.commit()
    staff = signed_in("staff")
    # Claims after 5 minutes' wait each.
    for conversation_id in (1, 2):
        staff.post(f"/console/conversations/{conversation_id}/claim")
    html = signed_in("supervisor").get("/console/dashboard?days=7").get_data(as_text=True)
    assert 'id="total">3<' in html
    assert 'id="escalated">2<' in html
    assert 'id="escalation-rate">67%<' in html
    assert 'id="median-wait">5 min<' in html
    assert html.count("<svg") == 5  # volume, languages, risk, outcomes, survey
    assert ">es<" in html and ">urgent<" in html
    assert "secret one" not in html and "0001" not in html


def test_old_conversations_fall_outside_the_period(app, signed_in):
    old = escalation(app)
    with app.app_context():
        db.session.get(Conversation, old).created_at = utcnow() - timedelta(days=40)
        db.session.commit()
    html = signed_in("supervisor").get("/console/dashboard").get_data(as_text=True)
    assert 'id="total">0<' in html
    html = signed_in("supervisor").get("/console/dashboard?days=90").get_data(as_text=True)
    assert 'id="total">1<' in html


def test_staff_have_no_dashboard(signed_in):
    assert signed_in("staff").get("/console/dashboard").status_code == 403
