"""Editing a resource from a form or an import: validation, change history, SMS preview."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from webhooks.extensions import db
from webhooks.i18n import render_reply, supported_languages
from webhooks.models import Resource, ResourceCategory, ResourceChange, ResourceTranslation
from webhooks.services.resources import MAX_SEGMENTS, resource_line
from webhooks.services.segments import encoding, segments
from webhooks.wording import RESOURCES_INTRO

FIELDS = ("category", "name", "phone", "sms", "url", "region", "hours", "active", "priority")
LIMITS = {"name": 120, "phone": 32, "sms": 64, "url": 200, "region": 64, "hours": 64}
TRUE = {"1", "true", "yes", "on", "y"}
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class ResourceError(ValueError):
    """The submitted resource is not valid; ``errors`` lists what to fix."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validated values from loose input (a form, a JSON object, a CSV row)."""
    errors: list[str] = []
    values: dict[str, Any] = {}
    category = str(data.get("category") or "").strip().lower()
    if category not in {c.value for c in ResourceCategory}:
        errors.append(f"Category must be one of {', '.join(c.value for c in ResourceCategory)}.")
    values["category"] = category
    for field, limit in LIMITS.items():
        text = str(data.get(field) or "").strip()
        if len(text) > limit:
            errors.append(f"{field.capitalize()} is longer than {limit} characters.")
        values[field] = text or None
    if not values["name"]:
        errors.append("A name is required.")
    values["region"] = values["region"] or "national"
    url = values["url"]
    # Short addresses without a scheme fit SMS better; any scheme given must be a web one.
    if url and (SCHEME.match(url) and not url.startswith(("https://", "http://")) or " " in url):
        errors.append("A web address is like example.org/help or https://example.org/help.")
    active = data.get("active")
    values["active"] = active if isinstance(active, bool) else str(active or "").lower() in TRUE
    try:
        values["priority"] = int(data.get("priority") or 100)
    except (TypeError, ValueError):
        errors.append("Priority is a whole number (lower comes first).")
    descriptions = data.get("description") or {}
    if not isinstance(descriptions, dict):
        errors.append("Descriptions are given per language.")
        descriptions = {}
    values["description"] = {
        lang: str(text).strip()
        for lang, text in descriptions.items()
        if lang in supported_languages() and str(text or "").strip()
    }
    unknown = set(descriptions) - set(supported_languages())
    if unknown:
        errors.append(f"No catalog for language(s): {', '.join(sorted(unknown))}.")
    if errors:
        raise ResourceError(errors)
    return values


def from_form(form: Any) -> dict[str, Any]:
    data: dict[str, Any] = {field: form.get(field) for field in FIELDS}
    data["active"] = form.get("active") == "1"
    data["description"] = {
        lang: form.get(f"description_{lang}", "") for lang in supported_languages()
    }
    return data


def snapshot(resource: Resource) -> dict[str, Any]:
    """A flat view for comparing versions: fields and one entry per translation."""
    values: dict[str, Any] = {}
    for field in FIELDS:
        value = getattr(resource, field)
        values[field] = value.value if isinstance(value, ResourceCategory) else value
    for translation in resource.translations:
        values[f"description:{translation.language}"] = translation.description
    return values


def apply(resource: Resource, values: dict[str, Any]) -> None:
    for field in FIELDS:
        value = values[field]
        setattr(resource, field, ResourceCategory(value) if field == "category" else value)
    existing = {t.language: t for t in resource.translations}
    for lang, translation in existing.items():
        if lang not in values["description"]:
            resource.translations.remove(translation)
    for lang, text in values["description"].items():
        if lang in existing:
            existing[lang].description = text
        else:
            resource.translations.append(ResourceTranslation(language=lang, description=text))


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record_change(
    resource: Resource, staff_user_id: int | None, action: str, changes: dict[str, Any]
) -> None:
    db.session.add(
        ResourceChange(
            resource_id=resource.id,
            resource_name=resource.name,
            staff_user_id=staff_user_id,
            action=action,
            changes=changes,
        )
    )


def transient(values: dict[str, Any]) -> Resource:
    """An unsaved resource built from form values, for previewing."""
    resource = Resource(
        **{f: (ResourceCategory(values[f]) if f == "category" else values[f]) for f in FIELDS}
    )
    resource.translations = [
        ResourceTranslation(language=lang, description=text)
        for lang, text in values["description"].items()
    ]
    return resource


@dataclass
class SmsPreview:
    language: str
    text: str
    segments: int
    encoding: str
    translated: bool

    @property
    def too_long(self) -> bool:
        return self.segments > MAX_SEGMENTS


def previews(resource: Resource) -> list[SmsPreview]:
    """The text a texter would get for this resource alone, in every supported language."""
    translated = {t.language for t in resource.translations}
    result = []
    for lang in supported_languages():
        text = render_reply(RESOURCES_INTRO, lang) + "\n" + resource_line(resource, lang)
        result.append(SmsPreview(lang, text, segments(text), encoding(text), lang in translated))
    return result
