"""Resources the bot gives out (shelters, legal aid, lines to call), kept current by admins."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webhooks.extensions import db
from webhooks.models.base import utcnow


class ResourceCategory(enum.StrEnum):
    SHELTER = "shelter"
    LEGAL = "legal"
    MEDICAL = "medical"
    LABOR = "labor"
    HOTLINE = "hotline"
    EMERGENCY = "emergency"


class Resource(db.Model):  # type: ignore[name-defined]
    __tablename__ = "resource"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[ResourceCategory] = mapped_column(
        Enum(ResourceCategory, native_enum=False, length=16), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    sms: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(64), default="national")
    hours: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    priority: Mapped[int] = mapped_column(default=100)  # lower comes first
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    translations: Mapped[list[ResourceTranslation]] = relationship(
        back_populates="resource", cascade="all, delete-orphan"
    )

    def description(self, language: str) -> str | None:
        by_language = {t.language: t.description for t in self.translations}
        return by_language.get(language) or by_language.get("en")


class ResourceTranslation(db.Model):  # type: ignore[name-defined]
    __tablename__ = "resource_translation"
    __table_args__ = (UniqueConstraint("resource_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text)

    resource: Mapped[Resource] = relationship(back_populates="translations")
