"""Every English message id the texter can be sent: the bot's responses and the app's own.

English is the message id; translations live in the catalogs (``locales/``), rendered by
``webhooks.i18n.render_reply`` in the conversation's language. The engine names a response
(``utter_greet``); the app looks its words up here. Nothing here is sent by the engine itself.
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
# Before the medical resources, when no reply carries the number: a texter asking for a doctor
# may be the one whose boss will not let them see one while they bleed or burn with fever.
MEDICAL_EMERGENCY = N_("If it is an emergency, call {emergency_number} now.")
MEDIA_ONLY = N_("I can only read text here. Please write your message in words.")
LANGUAGE_SWITCHED = N_("OK, I will write in English from now on.")
RESOURCES_INTRO = N_("Here is who can help:")
NO_RESOURCES = N_(
    "I do not have a listing for that right now. A person from our team can help: "
    "reply 'talk to a person'. In an emergency call {emergency_number}."
)
# A language we do not speak, identified: English, every language we do speak in its own name,
# and (from the engine, utter_offer_interpreter) the offer of a person with an interpreter.
OTHER_LANGUAGE = N_(
    "Sorry, I cannot write in your language yet. If you read one of these, reply with its "
    "name: {languages}"
)
NOT_UNDERSTOOD = N_(
    "Sorry, I did not understand. You can ask about a safe place, legal help, a doctor or "
    "problems at work."
)

# Outside operating hours: the consent question and the handoff (or safety) reply.
# Each with a fallback for when no reopening is in sight or no national line is configured.
AFTER_HOURS_OFFER = N_(
    "Our team is away now and back {back_at}. Do you want a person to write to you then? "
    "Reply YES or NO. In danger, call {emergency_number}. Day or night: {national_line}."
)
AFTER_HOURS_OFFER_FALLBACK = N_(
    "Our team is away now. Do you want a person to write to you when they are back? "
    "Reply YES or NO. In danger, call {emergency_number}."
)
AFTER_HOURS = N_(
    "Our team is away now and back {back_at}. A person will write to you then. In danger, "
    "call {emergency_number}. Day or night: {national_line}."
)
AFTER_HOURS_FALLBACK = N_(
    "Our team is away now. A person will write to you when they are back. In danger, call "
    "{emergency_number}."
)
# Waiting for staff longer than STILL_IN_LINE_MINUTES: sent once per wait.
STILL_IN_LINE = N_(
    "You are still in line. A person will write to you as soon as they can. In danger, call "
    "{emergency_number}."
)
# After staff close a conversation, when admins switch the survey on.
SURVEY_QUESTION = N_(
    "Did this conversation help you? Reply 1 for yes, 2 for a little, 3 for no. You do not "
    "have to answer."
)
SURVEY_THANKS = N_("Thank you for your answer. Write again any time.")


# The bot's responses, by the names in bot/domain.yml (each there is ``custom: {say: <name>}``).
BOT_RESPONSES: dict[str, str] = {
    "utter_greet": N_(
        "Hi, thanks for writing. Is it safe for you to text right now? Reply YES or NO. "
        "If you are in danger, call {emergency_number}."
    ),
    "utter_greet_again": N_("Hi again, I am still here."),
    "utter_offer_interpreter": N_(
        "Do you want to text with a person from our team, with an interpreter for your "
        "language? Reply YES or NO."
    ),
    "utter_screening_on_hold": N_(
        "When you are safe and want to go on with the questions, write 'go on'."
    ),
    "utter_safe_continue": N_(
        "Good. Tell me what is going on, or ask about a safe place to stay, legal help, a"
        " doctor or problems at work."
    ),
    "utter_not_safe": N_("OK. Delete this thread if you need to. Write again any time."),
    "utter_danger": N_(
        "If you are in danger now, call {emergency_number}. If you can, go somewhere safe"
        " or near other people."
    ),
    "utter_offer_person": N_(
        "Do you want to text with a person from our team now? Reply YES or NO."
    ),
    "utter_handoff": N_(
        "Thank you. A person will write to you here soon. If it stops being safe, you do "
        "not have to answer."
    ),
    "utter_consent_declined": N_(
        "OK, no one will contact you. If you change your mind, write 'talk to a person'."
    ),
    "utter_about": N_(
        "I am an automatic helper. I can share safe places, legal, medical and work help,"
        " and connect you with a person if you want. Text HELP for options."
    ),
    "utter_offer_screening": N_(
        "I am sorry that is happening. May I ask a few short yes or no questions to find "
        "the right help? You can skip any."
    ),
    "utter_ask_can_leave": N_(
        "Can you leave your work or home when you want to? (yes / no / skip)"
    ),
    "utter_ask_id_taken": N_("Does someone else keep your ID or passport? (yes / no / skip)"),
    "utter_ask_owes_debt": N_(
        "Do you owe money to your employer or the person who brought you here? (yes / no / skip)"
    ),
    "utter_ask_threatened": N_("Has anyone threatened you or your family? (yes / no / skip)"),
    "utter_ask_forced_work": N_(
        "Are you made to do work or sex acts you do not want to do? (yes / no / skip)"
    ),
    "utter_ask_pay_withheld": N_("Is your pay kept from you? (yes / no / skip)"),
    "utter_ask_under_18": N_("Are you under 18? (yes / no / skip)"),
    "utter_screening_done": N_(
        "Thank you for answering. What you told me helps us find the right support."
    ),
    "utter_offer_resources": N_(
        "OK. I can tell you about a safe place to stay, legal help, a doctor, work rights"
        " or a phone line. Which one?"
    ),
    "utter_goodbye": N_(
        "Take care. To stay safe, you can delete this thread now. Write again any time."
    ),
    "utter_you_are_welcome": N_("You are welcome. I am here if you need anything else."),
}
