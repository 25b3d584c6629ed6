"""The actions named in bot/domain.yml."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ConversationPaused,
    EventType,
    FollowupAction,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.context import conversation_scope
from hotline import replies
from hotline.services import escalation, resources, screening
from hotline.services.replies import render_reply

SCREENING_SLOTS = list(screening.QUESTIONS)


class MarkDanger(Action):
    def name(self) -> str:
        return "action_mark_danger"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with conversation_scope(tracker.sender_id) as conversation:
            if conversation is not None:
                escalation.mark_danger(conversation, source="nlu")
        return []


class Handoff(Action):
    """Explicit yes: record consent, queue for staff, pause the bot."""

    def name(self) -> str:
        return "action_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with conversation_scope(tracker.sender_id) as conversation:
            if conversation is not None:
                escalation.hand_to_staff(conversation)
        return [ConversationPaused()]


class RecordDeclined(Action):
    def name(self) -> str:
        return "action_record_declined"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with conversation_scope(tracker.sender_id) as conversation:
            if conversation is not None:
                escalation.record_consent(conversation, False)
        return []


class SubmitScreening(Action):
    def name(self) -> str:
        return "action_submit_screening"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        answers = {slot: tracker.get_slot(slot) for slot in SCREENING_SLOTS}
        with conversation_scope(tracker.sender_id) as conversation:
            if conversation is not None:
                screening.record_screening(conversation, answers)
        return [SlotSet(slot, None) for slot in SCREENING_SLOTS] + [SlotSet("requested_slot", None)]


class GiveResources(Action):
    def name(self) -> str:
        return "action_give_resources"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name", "")
        category = resources.INTENT_CATEGORIES.get(intent)
        with conversation_scope(tracker.sender_id) as conversation:
            language = conversation.language if conversation else None
            text = None
            if category is not None:
                intro = render_reply(replies.RESOURCES_INTRO, language)
                text = resources.resources_text(category, language or "en", intro)
            dispatcher.utter_message(text=text or render_reply(replies.NO_RESOURCES, language))
        return []


class Fallback(Action):
    """Not understood: say so; the second time in a row, offer a person.

    The message is reverted (as Rasa's own fallback does), so the dialogue goes on from where
    it was, a form keeps its place, and the engine does not loop on its own fallback.
    """

    def name(self) -> str:
        return "action_fallback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if _previous_bot_turn(tracker) == self.name():
            return [UserUtteranceReverted(), FollowupAction("utter_offer_person")]
        with conversation_scope(tracker.sender_id) as conversation:
            language = conversation.language if conversation else None
            dispatcher.utter_message(text=render_reply(replies.NOT_UNDERSTOOD, language))
        return [UserUtteranceReverted()]


def _previous_bot_turn(tracker: Tracker) -> str | None:
    """The last action the bot ran before the texter's latest message."""
    seen_latest_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user" and not seen_latest_message:
            seen_latest_message = True
        elif seen_latest_message and event.get("event") == "action":
            if event.get("name") not in ("action_listen", None):
                return str(event.get("name"))
    return None
