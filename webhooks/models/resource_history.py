"""Change history of resources: who changed which fields, from what, to what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from webhooks.extensions import db
from webhooks.models.base import utcnow


class ResourceChange(db.Model):  # type: ignore[name-defined]
    __tablename__ = "resource_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the history of a deleted resource stays readable.
    resource_id: Mapped[int] = mapped_column(index=True)
    resource_name: Mapped[str] = mapped_column(String(120))
    staff_user_id: Mapped[int | None]
    # created / updated / deleted / imported
    action: Mapped[str] = mapped_column(String(16))
    # field → [old, new]; translations appear as "description:<language>".
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
