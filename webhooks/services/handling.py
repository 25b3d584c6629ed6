"""What staff do with a conversation: claim, reply, note, transfer, release, close, block.

Routes stay thin and call these; every action writes the audit log (never message text).
"""

from __future__ import annotations

import logging

import requests
from sqlalchemy import select
from twilio.base.exceptions import TwilioException

from webhooks.extensions import db
from webhooks.models import (
    Author,
    Conversation,
    ConversationState,
    Message,
    Note,
    RiskLevel,
    StaffRole,
    StaffUser,
)
from webhooks.models.base import utcnow
from webhooks.services import audit, dispositions, escalation, outbound, survey
from webhooks.services.dispositions import BLOCKED
from webhooks.services.segments import segments

log = logging.getLogger(__name__)
OPEN_FOR_STAFF = (ConversationState.WAITING_FOR_STAFF, ConversationState.WITH_STAFF)


class HandlingError(RuntimeError):
    """The action was refused; the message says why, for the staff member."""


def reached_staff(conversation: Conversation) -> bool:
    """Queued for staff at some point: with the texter's consent, by danger, or because the
    engine or the app failed (``queue_for_staff`` sets ``queued_at``, which nothing clears).
    A conversation that stayed with the bot was never meant for any person to read."""
    return conversation.queued_at is not None


def can_view(user: StaffUser, conversation: Conversation) -> bool:
    """Only conversations that reached staff. Staff: the waiting ones and their own;
    supervisors: every one that reached staff."""
    if not reached_staff(conversation):
        return False
    if user.has_role(StaffRole.SUPERVISOR):
        return True
    return (
        conversation.state == ConversationState.WAITING_FOR_STAFF
        or conversation.assigned_staff_id == user.id
    )


def can_act(user: StaffUser, conversation: Conversation) -> bool:
    return conversation.assigned_staff_id == user.id or user.has_role(StaffRole.SUPERVISOR)


def record_view(user: StaffUser, conversation: Conversation, what: str = "page") -> None:
    """Every read of a conversation's content is in the audit log: the page, each transcript
    refresh, anything else that shows messages, notes or answers."""
    audit.record(user.actor, "conversation_viewed", conversation.id, view=what)


def claim(user: StaffUser, conversation: Conversation) -> None:
    if conversation.state not in OPEN_FOR_STAFF:
        raise HandlingError("This conversation is not waiting for staff.")
    previous = conversation.assigned_staff_id
    if previous == user.id:
        return
    if previous is not None and not user.has_role(StaffRole.SUPERVISOR):
        raise HandlingError("Someone else has this conversation; ask a supervisor.")
    waited = (utcnow() - conversation.queued_at).total_seconds() if conversation.queued_at else None
    conversation.assigned_staff_id = user.id
    conversation.state = ConversationState.WITH_STAFF
    if previous is None:
        audit.record(user.actor, "conversation_claimed", conversation.id, wait_seconds=waited)
    else:
        audit.record(user.actor, "conversation_taken_over", conversation.id, from_staff=previous)


def reply(
    user: StaffUser, conversation: Conversation, body: str, override_silence: bool = False
) -> Message:
    body = body.strip()
    if not body:
        raise HandlingError("The reply is empty.")
    if conversation.state != ConversationState.WITH_STAFF:
        raise HandlingError("Claim the conversation before replying.")
    if conversation.assigned_staff_id != user.id:
        raise HandlingError("Only the staff member who has this conversation can reply.")
    try:
        message = outbound.send_text(
            conversation,
            body,
            author=Author.STAFF,
            staff_user_id=user.id,
            override_silence=override_silence,
        )
    except outbound.SendRefused as exc:
        raise HandlingError(f"Not sent: {exc}.") from exc
    except (TwilioException, requests.RequestException) as exc:
        db.session.rollback()
        log.warning("Twilio did not take a staff reply: %s", type(exc).__name__)
        raise HandlingError("Not sent: the SMS provider refused or did not answer.") from exc
    audit.record(
        user.actor,
        "staff_replied",
        conversation.id,
        message_id=message.id,
        # Segments are what an SMS costs; WhatsApp messages are not split.
        segments=segments(body) if conversation.texter.channel == "sms" else None,
        override_silence=override_silence,
    )
    return message


def add_note(user: StaffUser, conversation: Conversation, body: str) -> Note:
    body = body.strip()
    if not body:
        raise HandlingError("The note is empty.")
    note = Note(conversation_id=conversation.id, staff_user_id=user.id, body=body)
    db.session.add(note)
    db.session.flush()
    audit.record(user.actor, "note_added", conversation.id, note_id=note.id)
    return note


def transfer(user: StaffUser, conversation: Conversation, to_user: StaffUser | None) -> None:
    if conversation.state not in OPEN_FOR_STAFF:
        raise HandlingError("Only an open conversation can be transferred.")
    if not can_act(user, conversation):
        raise HandlingError("Only the staff member who has it, or a supervisor, can transfer it.")
    if to_user is None or not to_user.active:
        raise HandlingError("Choose an active staff member.")
    if to_user.id == conversation.assigned_staff_id:
        raise HandlingError("That person already has this conversation.")
    previous = conversation.assigned_staff_id
    conversation.assigned_staff_id = to_user.id
    conversation.state = ConversationState.WITH_STAFF
    audit.record(
        user.actor,
        "conversation_transferred",
        conversation.id,
        from_staff=previous,
        to_staff=to_user.id,
    )


def release(user: StaffUser, conversation: Conversation) -> None:
    """Back to the queue for someone else (end of a shift): the bot stays silent."""
    if conversation.state != ConversationState.WITH_STAFF or not can_act(user, conversation):
        raise HandlingError("Only the staff member who has it, or a supervisor, can release it.")
    previous = conversation.assigned_staff_id
    conversation.assigned_staff_id = None
    conversation.state = ConversationState.WAITING_FOR_STAFF
    # A new wait: the texter may be told once more that they are still in line.
    conversation.queued_at, conversation.still_in_line_at = utcnow(), None
    audit.record(user.actor, "conversation_released", conversation.id, from_staff=previous)


def close(user: StaffUser, conversation: Conversation, disposition: str) -> None:
    if disposition not in dispositions.choices():
        raise HandlingError("Choose how the conversation ended.")
    if conversation.state not in OPEN_FOR_STAFF:
        raise HandlingError("This conversation is not open with staff.")
    if not can_act(user, conversation):
        raise HandlingError("Claim the conversation before closing it.")
    escalation.close_conversation(conversation, user.actor, disposition)
    survey.offer(conversation)


def set_risk(user: StaffUser, conversation: Conversation, level: str) -> None:
    """Staff judge the risk themselves: the only way it goes down (the bot only raises it)."""
    if level not in {r.value for r in RiskLevel}:
        raise HandlingError("Choose a risk level.")
    if not can_act(user, conversation):
        raise HandlingError("Claim the conversation before changing its risk.")
    previous = RiskLevel(conversation.risk)
    if previous == level:
        return
    conversation.risk = RiskLevel(level)
    audit.record(user.actor, "risk_changed", conversation.id, old=previous.value, new=level)


def block(user: StaffUser, conversation: Conversation) -> None:
    """Supervisors block an abusive number: nothing is sent to it and the bot ignores it."""
    if not user.has_role(StaffRole.SUPERVISOR):
        raise HandlingError("Only a supervisor can block a number.")
    texter = conversation.texter
    if texter.blocked:
        return
    texter.blocked = True
    audit.record(user.actor, "texter_blocked", conversation.id)
    if conversation.state in OPEN_FOR_STAFF:
        escalation.close_conversation(conversation, user.actor, BLOCKED)


def unblock(user: StaffUser, conversation: Conversation) -> None:
    if not user.has_role(StaffRole.SUPERVISOR):
        raise HandlingError("Only a supervisor can unblock a number.")
    if conversation.texter.blocked:
        conversation.texter.blocked = False
        audit.record(user.actor, "texter_unblocked", conversation.id)


def transfer_candidates(user: StaffUser) -> list[StaffUser]:
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(StaffUser.active.is_(True), StaffUser.id != user.id)
            .order_by(StaffUser.username)
        )
    )
