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
PAUSED = "screening_paused"
# The intents that ask for a kind of resource; the app maps them to its resource categories.
RESOURCE_NEEDS = ("ask_shelter", "ask_legal", "ask_medical", "ask_labor", "ask_hotline")
# The consent question, and the intents that answer it yes (bot/data/rules_handoff.yml).
CONSENT_QUESTIONS = ("utter_offer_person", "utter_offer_interpreter")
CONSENT_YES = ("affirm", "request_human")
# In the parse, the intent the danger gate displaced (bot/components/danger_gate.py).
DANGER_OVER_KEY = "danger_over"


def screening_slots(domain: dict[str, Any]) -> list[str]:
    """The screening questions, in order, as the domain's form lists them."""
    form = (domain.get("forms") or {}).get(SCREENING_FORM) or {}
    return list(form.get("required_slots") or [])


class Greet(Action):
    """The greeting at the start; once the bot has said anything, a greeting restarts nothing."""

    def name(self) -> str:
        return "action_greet"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        again = any(e.get("event") == "bot" for e in session_events(tracker))
        dispatcher.utter_message(
            json_message={"say": "utter_greet_again" if again else "utter_greet"}
        )
        return []


class PauseScreening(Action):
    """The form stopped before its end (the loop is already deactivated by the rule).

    The answers so far go to the app (staff see them whatever happens next); the slots stay, so
    the form resumes at the first question not answered. Why it paused decides how it resumes:
    "person" after a no to the offer of a person, "hold" only when the texter asks to go on.
    """

    def name(self) -> str:
        return "action_pause_screening"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name", "")
        reason = (
            "person"
            if intent in ("request_human", "change_consent", "request_interpreter")
            else "hold"
        )
        slots = screening_slots(domain)
        answers = {s: tracker.get_slot(s) for s in slots if tracker.get_slot(s) is not None}
        if answers:
            dispatcher.utter_message(json_message={"do": "record_screening", "answers": answers})
        return [SlotSet(PAUSED, reason), SlotSet("requested_slot", None)]


class ResumeScreening(Action):
    def name(self) -> str:
        return "action_resume_screening"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [SlotSet(PAUSED, None)]


class MarkDanger(Action):
    """The danger path's first step: risk urgent for the app.

    When the danger net decided "danger now" over what the NLU read as a yes to the consent
    question just asked (the engine's gate records the intent it displaced: ``danger_over``), the
    texter said yes, and a yes at that question always hands off: the emergency number, then the
    handoff, and the bot pauses here (the rule's offer of a person would ask again). Without this,
    "I'm alone now" as the yes, sent down the danger path by its words, got the offer again and no
    handoff. Otherwise the rule goes on: the number, then the offer.
    """

    def name(self) -> str:
        return "action_mark_danger"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(json_message={"do": "mark_danger"})
        over = tracker.latest_message.get(DANGER_OVER_KEY) or {}
        said = over.get("name") if isinstance(over, dict) else None
        if previous_bot_turn(tracker) in CONSENT_QUESTIONS and said in CONSENT_YES:
            dispatcher.utter_message(json_message={"say": "utter_danger"})
            dispatcher.utter_message(json_message={"say": "utter_handoff"})
            dispatcher.utter_message(json_message={"do": "hand_off"})
            return [SlotSet(PAUSED, None), ConversationPaused()]
        return []


class Handoff(Action):
    """Explicit yes: the app records consent and queues for staff; the bot pauses."""

    def name(self) -> str:
        return "action_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(json_message={"do": "hand_off"})
        return [SlotSet(PAUSED, None), ConversationPaused()]


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
        if tracker.active_loop.get("name"):
            # Inside the form its rule asks the question again right after: nothing reverted.
            dispatcher.utter_message(json_message={"say": "not_understood"})
            return []
        if previous_bot_turn(tracker) == self.name():
            return [UserUtteranceReverted(), FollowupAction("utter_offer_person")]
        dispatcher.utter_message(json_message={"say": "not_understood"})
        return [UserUtteranceReverted()]


def session_events(tracker: Tracker) -> list[dict[str, Any]]:
    """The events since the current session started (all of them when none is recorded)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "session_started":
            return events[index + 1 :]
    return events


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
