"""Resources by need, in the texter's language, within the SMS budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from webhooks.extensions import db
from webhooks.models import Resource, ResourceCategory, ResourceTranslation
from webhooks.services.segments import segments

DATA = Path(__file__).resolve().parent.parent / "data"
SEED_FILE = DATA / "resources_seed.yml"
DESCRIPTIONS_DIR = DATA / "resource_descriptions"
MAX_SEGMENTS = 3

INTENT_CATEGORIES = {
    "ask_shelter": ResourceCategory.SHELTER,
    "ask_legal": ResourceCategory.LEGAL,
    "ask_medical": ResourceCategory.MEDICAL,
    "ask_labor": ResourceCategory.LABOR,
    "ask_hotline": ResourceCategory.HOTLINE,
}


def active_resources(category: ResourceCategory) -> list[Resource]:
    return list(
        db.session.scalars(
            select(Resource)
            .where(Resource.category == category, Resource.active.is_(True))
            .order_by(Resource.priority, Resource.id)
        )
    )


def resource_line(resource: Resource, language: str) -> str:
    parts = [resource.description(language) or resource.name]
    if resource.phone:
        parts.append(resource.phone)
    if resource.sms:
        parts.append(resource.sms)
    if resource.url:
        parts.append(resource.url)
    if resource.hours:
        parts.append(resource.hours)
    return " ".join(p.strip() for p in parts if p)


def resources_text(
    category: ResourceCategory, language: str, intro: str, budget: int = MAX_SEGMENTS
) -> str | None:
    """As many resources as fit in ``budget`` segments together with the intro line."""
    text = intro
    added = 0
    for resource in active_resources(category):
        candidate = text + "\n" + resource_line(resource, language)
        if segments(candidate) > budget:
            break
        text, added = candidate, added + 1
    return text if added else None


def seed_resources() -> int:
    """Load the starting resource set once; an edited database is never overwritten."""
    if db.session.scalar(select(Resource.id).limit(1)) is not None:
        return 0
    entries: list[dict[str, Any]] = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))
    descriptions = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(DESCRIPTIONS_DIR.glob("*.yml"))
    }
    for entry in entries:
        key = str(entry.pop("key"))
        resource = Resource(category=ResourceCategory(entry.pop("category")), **entry)
        resource.translations = [
            ResourceTranslation(language=language, description=by_key[key])
            for language, by_key in descriptions.items()
            if by_key.get(key)
        ]
        db.session.add(resource)
    return len(entries)
