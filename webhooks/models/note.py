"""Internal notes staff keep on a conversation; never sent, encrypted like message bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, delete, event, select
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, backref, mapped_column, relationship

from webhooks.crypto import EncryptedText
from webhooks.extensions import db
from webhooks.models.base import utcnow
from webhooks.models.conversation import Conversation


class Note(db.Model):  # type: ignore[name-defined]
    __tablename__ = "note"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    staff_user_id: Mapped[int | None] = mapped_column(index=True)
    body: Mapped[str] = mapped_column(EncryptedText())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Deleting a conversation through the ORM (retention purge) deletes its notes too.
    conversation: Mapped[Conversation] = relationship(
        backref=backref("notes", cascade="all, delete-orphan", order_by="Note.id")
    )


@event.listens_for(Session, "do_orm_execute")
def _erase_notes_with_conversations(state: ORMExecuteState) -> None:
    """A bulk DELETE of conversations (a texter's DELETE) takes their notes with it.

    PostgreSQL cascades by foreign key, SQLite does not enforce foreign keys by default:
    without this, notes about an erased texter would survive on SQLite.
    """
    if not state.is_delete or state.bind_mapper is not Conversation.__mapper__:
        return
    where: Any = state.statement.whereclause  # type: ignore[attr-defined]
    doomed = select(Conversation.id)
    if where is not None:
        doomed = doomed.where(where)
    state.session.execute(delete(Note).where(Note.conversation_id.in_(doomed)))
