"""How a conversation ended: a taxonomy admins edit (kept for statistics and exports).

Staff choose among the active, non-system ones when they close; ``system`` dispositions are
set by the app itself (a supervisor's block, an idle conversation closing itself).
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from webhooks.extensions import db
from webhooks.models import Disposition

BLOCKED = "blocked"
IDLE = "idle"
# The taxonomy as it was when it was a constant; migration 0004 seeds the same rows.
SEED: list[tuple[str, str, bool]] = [
    ("information_given", "Information given", False),
    ("referred", "Referred to a resource or partner", False),
    ("emergency_services", "Handed to emergency services", False),
    ("not_trafficking", "Not a trafficking situation", False),
    ("texter_left", "Texter stopped answering", False),
    ("abusive", "Abusive or prank", False),
    ("other", "Other", False),
    (BLOCKED, "Number blocked by a supervisor", True),
    (IDLE, "Idle: closed by itself", True),
]
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


class DispositionError(ValueError):
    """An admin's edit cannot be saved; the message says why."""


def _ensure_seeded() -> None:
    """A database built without migrations (tests, create_all) gets the starting taxonomy."""
    if db.session.scalar(select(func.count()).select_from(Disposition)):
        return
    for position, (key, label, system) in enumerate(SEED):
        db.session.add(Disposition(key=key, label=label, position=position * 10, system=system))
    db.session.flush()


def all_dispositions() -> list[Disposition]:
    _ensure_seeded()
    return list(
        db.session.scalars(select(Disposition).order_by(Disposition.position, Disposition.key))
    )


def choices() -> dict[str, str]:
    """What staff pick from when they close a conversation."""
    return {d.key: d.label for d in all_dispositions() if d.active and not d.system}


def labels() -> dict[str, str]:
    return {d.key: d.label for d in all_dispositions()}


def add(key: str, label: str) -> Disposition:
    key, label = key.strip().lower(), label.strip()
    if not _KEY.match(key):
        raise DispositionError("The key is 2–32 lower-case letters, digits or underscores.")
    if not label:
        raise DispositionError("The label is empty.")
    _ensure_seeded()
    if db.session.get(Disposition, key) is not None:
        raise DispositionError(f"{key} exists already.")
    last = db.session.scalar(select(func.max(Disposition.position))) or 0
    disposition = Disposition(key=key, label=label[:120], position=last + 10)
    db.session.add(disposition)
    return disposition


def update(key: str, label: str, active: bool, position: int | None = None) -> Disposition:
    disposition = db.session.get(Disposition, key)
    if disposition is None:
        raise DispositionError("No such disposition.")
    if not label.strip():
        raise DispositionError("The label is empty.")
    if disposition.system and not active:
        raise DispositionError("The app sets this one itself; it cannot be switched off.")
    disposition.label = label.strip()[:120]
    disposition.active = active
    if position is not None:
        disposition.position = position
    return disposition
