"""What the app says itself, outside the bot: keyword answers and safety replies.

English here is the message id; translations live in the catalogs (``locales/``).
"""

from __future__ import annotations


def N_(msgid: str) -> str:
    """Marks a message id for extraction; translation happens when it is rendered."""
    return msgid


STOP_CONFIRMED = N_(
    "You will get no more texts from this number. To start again, text START. "
    "In an emergency call {emergency_number}."
)
START_CONFIRMED = N_("You can text us again. Write whenever you are ready.")
HELP_TEXT = N_(
    "This number answers texts in confidence. Text STOP to stop messages, DELETE to erase "
    "your messages, or just tell us what you need. In an emergency call {emergency_number}."
)
DELETE_CONFIRMED = N_(
    "Your messages have been erased from our records. You can also delete this thread "
    "on your phone."
)
ENGINE_DOWN = N_(
    "Sorry, I cannot answer automatically right now. A person will write to you here soon. "
    "If you are in danger, call {emergency_number} now."
)
DANGER_SAFETY_NET = N_("If you are in danger now, call {emergency_number}.")
MEDIA_ONLY = N_("I can only read text here. Please write your message in words.")
LANGUAGE_SWITCHED = N_("OK, I will write in English from now on.")
RESOURCES_INTRO = N_("Here is who can help:")
NO_RESOURCES = N_(
    "I do not have a listing for that right now. A person from our team can help: "
    "reply 'talk to a person'. In an emergency call {emergency_number}."
)
NOT_UNDERSTOOD = N_(
    "Sorry, I did not understand. You can ask about a safe place, legal help, a doctor or "
    "problems at work."
)
