"""Switches admins set in the console (time zone, national line, survey), kept in the database.

Deployment settings (ports, secrets, minutes before a reminder) come from the environment
(webhooks/config.py); these are the ones an admin changes without a redeploy.
"""

from __future__ import annotations

from typing import Any

from webhooks.extensions import db
from webhooks.models import HotlineSetting

DEFAULTS: dict[str, Any] = {
    "time_zone": "UTC",
    # The resource whose number is the 24/7 national line in after-hours replies (None: the
    # first active 24/7 hotline resource).
    "national_line_resource_id": None,
    "survey_enabled": False,
}


def get(key: str) -> Any:
    row = db.session.get(HotlineSetting, key)
    return DEFAULTS[key] if row is None else row.value


def put(key: str, value: Any) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(HotlineSetting, key)
    if row is None:
        db.session.add(HotlineSetting(key=key, value=value))
    else:
        row.value = value
