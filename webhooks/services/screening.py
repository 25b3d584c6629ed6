"""Screening answers stored as structured data, and the risk level computed from them."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from webhooks.extensions import db
from webhooks.models import Conversation, RiskLevel, ScreeningAnswer
from webhooks.services import audit, history

# Question id → the answer that is a trafficking indicator.
QUESTIONS: dict[str, str] = {
    "can_leave": "no",
    "id_taken": "yes",
    "owes_debt": "yes",
    "threatened": "yes",
    "forced_work": "yes",
    "pay_withheld": "yes",
    "under_18": "yes",
}
# Any one of these alone means high risk.
SEVERE = {"can_leave", "threatened", "forced_work", "under_18"}
ANSWERS = {"yes", "no", "skipped"}


def risk_from_answers(answers: Mapping[str, str]) -> RiskLevel:
    indicators = {q for q, a in answers.items() if QUESTIONS.get(q) == a}
    if indicators & SEVERE or len(indicators) >= 3:
        return RiskLevel.HIGH
    if indicators:
        return RiskLevel.ELEVATED
    if any(a in {"yes", "no"} for a in answers.values()):
        return RiskLevel.LOW
    return RiskLevel.NONE


def record_screening(conversation: Conversation, answers: Mapping[str, str | None]) -> RiskLevel:
    """Store the answers given (unasked questions are not stored) and raise the risk."""
    given = {q: a for q, a in answers.items() if q in QUESTIONS and a in ANSWERS}
    existing = {
        row.question: row
        for row in db.session.scalars(
            select(ScreeningAnswer).where(ScreeningAnswer.conversation_id == conversation.id)
        )
    }
    for question, answer in given.items():
        if question in existing:
            existing[question].answer = answer
        else:
            db.session.add(
                ScreeningAnswer(conversation_id=conversation.id, question=question, answer=answer)
            )
    level = risk_from_answers(given)
    conversation.raise_risk(level)
    if given.get("under_18") == "yes":
        conversation.minor = True
        # Also on the texter: the flag outlives this conversation's retention purge.
        history.flag_by_system(conversation, "minor")
    audit.record(
        "bot", "screening_recorded", conversation.id, answered=len(given), risk=level.value
    )
    return level


def screening_summary(conversation: Conversation) -> dict[str, str]:
    rows = db.session.scalars(
        select(ScreeningAnswer).where(ScreeningAnswer.conversation_id == conversation.id)
    )
    return {row.question: row.answer for row in rows}
