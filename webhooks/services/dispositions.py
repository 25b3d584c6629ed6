"""How a conversation ended, as staff record it when they close it (kept for statistics)."""

from __future__ import annotations

DISPOSITIONS: dict[str, str] = {
    "information_given": "Information given",
    "referred": "Referred to a resource or partner",
    "emergency_services": "Handed to emergency services",
    "not_trafficking": "Not a trafficking situation",
    "texter_left": "Texter stopped answering",
    "abusive": "Abusive or prank",
    "other": "Other",
}
# Set by the app itself when a supervisor blocks the number of an open conversation.
BLOCKED = "blocked"
