"""Resources as JSON or CSV, for backup, bulk editing in a spreadsheet, and moving between sites.

JSON: a list of objects with the resource's fields and ``description: {language: text}`` (the
shape of ``webhooks/data/resources_seed.yml``). CSV: one column per field and one
``description_<language>`` column per supported language. An ``id`` that exists updates that
resource; without one (or an unknown one) a new resource is created.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import select

from webhooks.extensions import db
from webhooks.i18n import supported_languages
from webhooks.models import Resource
from webhooks.services import resource_editing
from webhooks.services.spreadsheet import neutralise, restore

MAX_ROWS = 5000


def _entries() -> list[dict[str, Any]]:
    entries = []
    for resource in db.session.scalars(select(Resource).order_by(Resource.id)):
        entry: dict[str, Any] = {"id": resource.id}
        entry.update({k: v for k, v in resource_editing.snapshot(resource).items() if ":" not in k})
        entry["description"] = {t.language: t.description for t in resource.translations}
        entries.append(entry)
    return entries


def export_json() -> str:
    return json.dumps(_entries(), ensure_ascii=False, indent=2)


def csv_columns() -> list[str]:
    return [
        "id",
        *resource_editing.FIELDS,
        *(f"description_{lang}" for lang in supported_languages()),
    ]


def export_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=csv_columns())
    writer.writeheader()
    for entry in _entries():
        row = {k: v for k, v in entry.items() if k != "description"}
        for lang, text in entry["description"].items():
            row[f"description_{lang}"] = text
        row["active"] = "yes" if entry["active"] else "no"
        writer.writerow({k: "" if v is None else neutralise(v) for k, v in row.items()})
    return out.getvalue()


def parse_json(text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise resource_editing.ResourceError(
            [f"Not valid JSON: {exc.msg} (line {exc.lineno})."]
        ) from exc
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise resource_editing.ResourceError(["The JSON must be a list of resources."])
    return data


def parse_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # spreadsheets add a BOM
    missing = {"category", "name"} - set(reader.fieldnames or [])
    if missing:
        raise resource_editing.ResourceError([f"Missing column(s): {', '.join(sorted(missing))}."])
    entries = []
    for raw in reader:
        row = {k: restore(v) for k, v in raw.items()}  # our own export's quoted formulas
        entry: dict[str, Any] = {k: v for k, v in row.items() if k and "description_" not in k}
        entry["description"] = {
            k.removeprefix("description_"): v
            for k, v in row.items()
            if k and k.startswith("description_") and v
        }
        entries.append(entry)
    return entries


def import_entries(entries: list[dict[str, Any]], staff_user_id: int | None) -> tuple[int, int]:
    """All or nothing: every row is validated before any is saved. Returns (created, updated)."""
    if len(entries) > MAX_ROWS:
        raise resource_editing.ResourceError([f"At most {MAX_ROWS} resources in one import."])
    cleaned: list[tuple[Resource | None, dict[str, Any]]] = []
    errors: list[str] = []
    for number, entry in enumerate(entries, start=1):
        try:
            values = resource_editing.clean(entry)
        except resource_editing.ResourceError as exc:
            errors.extend(f"Row {number}: {error}" for error in exc.errors)
            continue
        resource_id = str(entry.get("id") or "").strip()
        existing = db.session.get(Resource, int(resource_id)) if resource_id.isdigit() else None
        cleaned.append((existing, values))
    if errors:
        raise resource_editing.ResourceError(errors)
    created = updated = 0
    for existing, values in cleaned:
        if existing is None:
            resource = Resource()
            resource.translations = []
            resource_editing.apply(resource, values)
            db.session.add(resource)
            db.session.flush()
            changes = resource_editing.diff({}, resource_editing.snapshot(resource))
            created += 1
        else:
            before = resource_editing.snapshot(existing)
            resource_editing.apply(existing, values)
            changes = resource_editing.diff(before, resource_editing.snapshot(existing))
            if not changes:
                continue
            resource = existing
            updated += 1
        resource_editing.record_change(resource, staff_user_id, "imported", changes)
    return created, updated
