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

SCREENING_FORM = "screening_form"
# The intents that ask for a kind of resource; the app maps them to its resource categories.
RESOURCE_NEEDS = ("ask_shelter", "ask_legal", "ask_medical", "ask_labor", "ask_hotline")


def screening_slots(domain: dict[str, Any]) -> list[str]:
    """The screening questions, in order, as the domain's form lists them."""
    form = (domain.get("forms") or {}).get(SCREENING_FORM) or {}
    return list(form.get("required_slots") or [])


class MarkDanger(Action):
    def name(self) -> str:
        return "action_mark_danger"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(json_message={"do": "mark_danger"})
        return []


class Handoff(Action):
    """Explicit yes: the app records consent and queues for staff; the bot pauses."""

    def name(self) -> str:
        return "action_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(json_message={"do": "hand_off"})
        return [ConversationPaused()]


class RecordDeclined(Action):
    def name(self) -> str:
        return "action_record_declined"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(json_message={"do": "consent_declined"})
        return []


class SubmitScreening(Action):
    """The answers given so far go to the app; the slots are cleared for a later screening."""

    def name(self) -> str:
        return "action_submit_screening"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        slots = screening_slots(domain)
        answers = {s: tracker.get_slot(s) for s in slots if tracker.get_slot(s) is not None}
        dispatcher.utter_message(json_message={"do": "record_screening", "answers": answers})
        return [SlotSet(slot, None) for slot in slots] + [SlotSet("requested_slot", None)]


class GiveResources(Action):
    """Which need the texter asked about; the app lists its current resources for it."""

    def name(self) -> str:
        return "action_give_resources"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name", "")
        need = intent if intent in RESOURCE_NEEDS else None
        dispatcher.utter_message(json_message={"say": "resources", "need": need})
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
        if previous_bot_turn(tracker) == self.name():
            return [UserUtteranceReverted(), FollowupAction("utter_offer_person")]
        dispatcher.utter_message(json_message={"say": "not_understood"})
        return [UserUtteranceReverted()]


def previous_bot_turn(tracker: Tracker) -> str | None:
    """The last action the bot ran before the texter's latest message."""
    seen_latest_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user" and not seen_latest_message:
            seen_latest_message = True
        elif seen_latest_message and event.get("event") == "action":
            if event.get("name") not in ("action_listen", None):
                return str(event.get("name"))
    return None
