"""Canned replies staff can send, rendered in the texter's language from the catalogs.

English here is the message id (extracted by ``make extract-messages``, which looks for N_);
translations live only in ``locales/``. The key is what the console shows staff.
"""

from __future__ import annotations

from webhooks.i18n import render_reply
from webhooks.wording import N_

CANNED_REPLIES: dict[str, str] = {
    "Introduce yourself": N_(
        "Hello, I am a person from the team and I have read your messages. "
        "Is it safe for you to text right now?"
    ),
    "Check safety": N_("Are you somewhere safe right now? You can answer yes or no."),
    "Emergency number": N_(
        "If you are in danger now, please call {emergency_number}. I am still here."
    ),
    "Still there?": N_("Are you still there? Write whenever it is safe for you."),
    "Offer resources": N_(
        "I can send you contacts for a safe place, legal help, a doctor or help with "
        "problems at work. Which would help most?"
    ),
    "Phone safety": N_(
        "If someone else might read your phone, you can delete this thread. "
        "Text DELETE to erase your messages from our records."
    ),
    "Closing": N_(
        "Thank you for writing. You can text this number again at any time. "
        "In an emergency call {emergency_number}."
    ),
}


def canned_replies(language: str | None) -> dict[str, str]:
    """Label → the text the texter would get, in their language."""
    return {label: render_reply(msgid, language) for label, msgid in CANNED_REPLIES.items()}
