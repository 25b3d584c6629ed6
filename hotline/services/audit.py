"""Writing the audit trail. Callers commit with their own unit of work."""

from __future__ import annotations

from typing import Any

from hotline.extensions import db
from hotline.models import AuditEvent


def record(actor: str, action: str, conversation_id: int | None = None, **detail: Any) -> None:
    db.session.add(
        AuditEvent(actor=actor, action=action, conversation_id=conversation_id, detail=detail)
    )
