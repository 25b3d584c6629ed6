"""A texter's earlier conversations, and flags that carry across them (never the number)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from webhooks.extensions import db
from webhooks.models import Conversation, Note, RiskLevel, StaffUser, Texter
from webhooks.services import audit, handling

# Flag → what staff read.
FLAGS: dict[str, str] = {
    "minor": "Minor",
    "interpreter": "Needs an interpreter",
    "abusive": "Abusive",
}


class HistoryError(RuntimeError):
    """Refused; the message says why, for the staff member."""


@dataclass
class EarlierConversation:
    id: int
    created_at: datetime
    closed_at: datetime | None
    language: str | None
    risk: RiskLevel
    disposition: str | None
    notes: int
    openable: bool  # the same rule as opening any conversation (handling.can_view)


@dataclass
class Earlier:
    conversations: list[EarlierConversation]  # the ones that reached staff, newest first
    bot_only: int  # never meant for any person to read: counted, nothing else


def earlier_conversations(user: StaffUser, conversation: Conversation) -> Earlier:
    """The same texter's other conversations: metadata of those that reached staff (a link only
    where the user may open them), and how many stayed with the bot."""
    notes = (
        select(Note.conversation_id, func.count().label("n"))
        .group_by(Note.conversation_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Conversation, func.coalesce(notes.c.n, 0))
        .outerjoin(notes, notes.c.conversation_id == Conversation.id)
        .where(Conversation.texter_id == conversation.texter_id, Conversation.id != conversation.id)
        .order_by(Conversation.id.desc())
    ).all()
    shown = [
        EarlierConversation(
            id=c.id,
            created_at=c.created_at,
            closed_at=c.closed_at,
            language=c.language,
            risk=RiskLevel(c.risk),
            disposition=c.disposition,
            notes=int(n),
            openable=handling.can_view(user, c),
        )
        for c, n in rows
        if handling.reached_staff(c)
    ]
    return Earlier(conversations=shown, bot_only=len(rows) - len(shown))


def flags(texter: Texter) -> list[str]:
    """Flags in their fixed order; "minor" also when any conversation's screening said so."""
    found = set(texter.flags or [])
    if any(c.minor for c in texter.conversations):
        found.add("minor")
    return [f for f in FLAGS if f in found]


def add_flag(texter: Texter, flag: str) -> None:
    if flag not in (texter.flags or []):
        texter.flags = [*(texter.flags or []), flag]  # a new list: JSON changes are not tracked


def flag_by_system(conversation: Conversation, flag: str) -> None:
    """The hotline itself sets a flag (the screening said under 18, the texter needs an
    interpreter), audited as the system; nothing is recorded when the texter has it already."""
    if flag not in FLAGS:
        raise HistoryError("No such flag.")
    if flag in (conversation.texter.flags or []):
        return
    add_flag(conversation.texter, flag)
    audit.record("system", "flag_set", conversation.id, flag=flag)


def set_flag(user: StaffUser, conversation: Conversation, flag: str, on: bool) -> None:
    if flag not in FLAGS:
        raise HistoryError("No such flag.")
    texter = conversation.texter
    if on:
        add_flag(texter, flag)
    else:
        texter.flags = [f for f in (texter.flags or []) if f != flag]
        if flag == "minor":
            for c in texter.conversations:
                c.minor = False
    audit.record(user.actor, "flag_set" if on else "flag_cleared", conversation.id, flag=flag)


def open_earlier(user: StaffUser, current: Conversation, earlier: Conversation) -> None:
    """Staff open an earlier conversation from the one they may see, under the same rule as
    opening any conversation (it reached staff, and the user may view it): always audited."""
    if earlier.texter_id != current.texter_id or earlier.id == current.id:
        raise HistoryError("That is not an earlier conversation of this texter.")
    if not handling.can_view(user, earlier):
        raise HistoryError("That conversation is not there.")
    audit.record(user.actor, "history_opened", earlier.id, from_conversation=current.id)
