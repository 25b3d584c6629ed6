"""Writing the audit trail. Callers commit with their own unit of work."""

from __future__ import annotations

from typing import Any

from webhooks.extensions import db
from webhooks.models import AuditEvent


def record(actor: str, action: str, conversation_id: int | None = None, **detail: Any) -> None:
    db.session.add(
        AuditEvent(actor=actor, action=action, conversation_id=conversation_id, detail=detail)
    )
