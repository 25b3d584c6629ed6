"""The optional one-question SMS survey after staff close a conversation, and its answers.

Sent only when admins switched it on, never after STOP or to a blocked number, never when the
risk was high or urgent, never outside the silence window (outbound refuses those sends).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import requests
from flask import current_app
from sqlalchemy import select
from twilio.base.exceptions import TwilioException

from webhooks import wording
from webhooks.extensions import db
from webhooks.i18n import render_reply
from webhooks.models import Author, Conversation, ConversationState, RiskLevel, Texter
from webhooks.models.base import utcnow
from webhooks.services import audit, outbound, settings
from webhooks.services.text import Body

log = logging.getLogger(__name__)
# The texter's reply → what it means (counted on the dashboard and in exports).
ANSWERS = {"1": "helped", "2": "helped_a_little", "3": "did_not_help"}
# Arabic-Indic digits mean the same (NFKC already folds full-width ones).
_DIGITS = str.maketrans("١٢٣۱۲۳", "123123")


def _answer_key(body: Body) -> str:
    return body.normalised.translate(_DIGITS)


def enabled() -> bool:
    return bool(settings.get("survey_enabled"))


def offer(conversation: Conversation) -> bool:
    """After a close by staff: ask the one question, when every rule allows it."""
    if not enabled() or RiskLevel(conversation.risk).rank >= RiskLevel.HIGH.rank:
        return False
    try:
        outbound.send_text(
            conversation,
            render_reply(wording.SURVEY_QUESTION, conversation.language),
            author=Author.SYSTEM,
        )
    except outbound.SendRefused:
        return False  # opted out, blocked, silent too long, or outside WhatsApp's window
    except (TwilioException, requests.RequestException) as exc:
        log.warning("survey not sent: %s", type(exc).__name__)
        return False
    conversation.survey_sent_at = utcnow()
    audit.record("system", "survey_sent", conversation.id)
    return True


def awaiting_answer(texter: Texter, body: Body) -> Conversation | None:
    """The closed conversation this text answers the survey of, if it is an answer."""
    if _answer_key(body) not in ANSWERS:
        return None
    latest = db.session.scalar(
        select(Conversation)
        .where(Conversation.texter_id == texter.id)
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    window = timedelta(hours=current_app.config["SILENCE_WINDOW_HOURS"])
    if (
        latest is None
        or latest.state != ConversationState.CLOSED
        or latest.survey_sent_at is None
        or latest.survey_answer is not None
        or utcnow() - latest.survey_sent_at > window
    ):
        return None
    return latest


def record_answer(conversation: Conversation, body: Body) -> str:
    answer = ANSWERS[_answer_key(body)]
    conversation.survey_answer = answer
    audit.record("texter", "survey_answered", conversation.id, answer=answer)
    return render_reply(wording.SURVEY_THANKS, conversation.language)
