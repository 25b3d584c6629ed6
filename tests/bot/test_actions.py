"""Every bot action, with a dispatcher and tracker as rasa_sdk gives them (as Rasa's Sara does).

Actions are pure: they return events and payloads for the app, and touch nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from actions import actions
from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher


def tracker(
    intent: str = "greet",
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    active_loop: dict[str, Any] | None = None,
    latest_message: dict[str, Any] | None = None,
) -> Tracker:
    return Tracker(
        sender_id="c-0123456789abcdef01234567",
        slots=slots or {},
        latest_message=latest_message
        or {"intent": {"name": intent, "confidence": 0.9}, "text": "..."},
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop=active_loop or {},
        latest_action_name=None,
    )


def run(action: Any, domain: dict[str, Any], t: Tracker) -> tuple[list[Any], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, domain)
    return events, [m["custom"] for m in dispatcher.messages]


def test_every_action_in_the_domain_is_implemented(domain):
    ours = [c for c in actions.Action.__subclasses__() if c.__module__ == actions.__name__]
    implemented = {cls().name() for cls in ours}
    assert set(domain["actions"]) == implemented


def test_actions_import_nothing_of_the_app():
    source = Path(actions.__file__).read_text(encoding="utf-8")
    assert "webhooks" not in source and "sqlalchemy" not in source and "requests" not in source


def test_mark_danger_asks_the_app_to_raise_the_risk(domain):
    events, payloads = run(actions.MarkDanger(), domain, tracker("report_danger"))
    assert events == [] and payloads == [{"do": "mark_danger"}]


def test_handoff_asks_the_app_to_queue_and_pauses_the_bot(domain):
    events, payloads = run(actions.Handoff(), domain, tracker("affirm"))
    assert payloads == [{"do": "hand_off"}]
    assert events == [SlotSet("screening_paused", None), ConversationPaused()]


def after(question: str, over: str | None) -> Tracker:
    """The danger path's first step: the bot asked ``question``, the texter answered, the gate
    decided danger (over ``over``, the NLU's first intent, when given)."""
    latest: dict[str, Any] = {"intent": {"name": "report_danger", "confidence": 0.8}, "text": "."}
    if over is not None:
        latest["danger_over"] = {"name": over, "confidence": 0.9}
    events = [
        {"event": "action", "name": question},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": ".", "parse_data": latest},
    ]
    return tracker(events=events, latest_message=latest)


@pytest.mark.parametrize(
    ("question", "over", "hands_off"),
    [
        ("utter_offer_person", "affirm", True),  # "I'm alone now", the yes, read as danger
        ("utter_offer_person", "request_human", True),
        ("utter_offer_interpreter", "affirm", True),
        ("utter_offer_person", "deny", False),  # a no is no consent
        ("utter_offer_person", None, False),  # the NLU said danger itself: no yes was read
        ("utter_ask_can_leave", "affirm", False),  # a yes to another question is no consent
        ("utter_greet", "affirm", False),
    ],
)
def test_danger_after_a_yes_to_the_consent_question_hands_off(domain, question, over, hands_off):
    events, payloads = run(actions.MarkDanger(), domain, after(question, over))
    if hands_off:  # the number, then the handoff; paused, so the rule's offer never comes
        assert payloads == [
            {"do": "mark_danger"},
            {"say": "utter_danger"},
            {"say": "utter_handoff"},
            {"do": "hand_off"},
        ]
        assert events == [SlotSet("screening_paused", None), ConversationPaused()]
    else:  # the rule goes on: the number, then the offer of a person
        assert payloads == [{"do": "mark_danger"}] and events == []


def test_declined_consent_is_recorded(domain):
    events, payloads = run(actions.RecordDeclined(), domain, tracker("deny"))
    assert events == [] and payloads == [{"do": "consent_declined"}]


def test_screening_sends_the_answers_given_and_clears_every_slot(domain):
    slots = {"can_leave": "no", "id_taken": "skipped", "owes_debt": None}
    events, payloads = run(actions.SubmitScreening(), domain, tracker("deny", slots))
    assert payloads == [
        {"do": "record_screening", "answers": {"can_leave": "no", "id_taken": "skipped"}}
    ]
    questions = domain["forms"]["screening_form"]["required_slots"]
    assert events == [SlotSet(q, None) for q in questions] + [SlotSet("requested_slot", None)]


@pytest.mark.parametrize("intent", actions.RESOURCE_NEEDS)
def test_resources_name_the_need_for_the_app_to_list(domain, intent):
    events, payloads = run(actions.GiveResources(), domain, tracker(intent))
    assert events == [] and payloads == [{"say": "resources", "need": intent}]


def test_resources_for_an_intent_that_is_no_need_say_so(domain):
    _, payloads = run(actions.GiveResources(), domain, tracker("greet"))
    assert payloads == [{"say": "resources", "need": None}]


def test_fallback_says_not_understood_and_reverts(domain):
    events, payloads = run(actions.Fallback(), domain, tracker("nlu_fallback"))
    assert payloads == [{"say": "not_understood"}]
    assert events == [UserUtteranceReverted()]


def test_a_second_fallback_in_a_row_offers_a_person(domain):
    history = [
        {"event": "user", "text": "pizza?"},
        {"event": "action", "name": "action_fallback"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "football?"},
    ]
    events, payloads = run(actions.Fallback(), domain, tracker("nlu_fallback", events=history))
    assert payloads == []
    assert events == [UserUtteranceReverted(), FollowupAction("utter_offer_person")]


def test_the_first_greeting_asks_whether_it_is_safe():
    events, payloads = run(actions.Greet(), {}, tracker("greet", events=[{"event": "user"}]))
    assert events == [] and payloads == [{"say": "utter_greet"}]


def test_a_greeting_after_the_bot_has_spoken_restarts_nothing():
    history = [{"event": "session_started"}, {"event": "user"}, {"event": "bot"}, {"event": "user"}]
    events, payloads = run(actions.Greet(), {}, tracker("greet", events=history))
    assert payloads == [{"say": "utter_greet_again"}]


def test_a_greeting_in_a_new_session_is_a_first_greeting():
    history = [{"event": "bot"}, {"event": "session_started"}, {"event": "user"}]
    _, payloads = run(actions.Greet(), {}, tracker("greet", events=history))
    assert payloads == [{"say": "utter_greet"}]


@pytest.mark.parametrize(
    ("intent", "reason"),
    [
        ("request_human", "person"),
        ("request_interpreter", "person"),
        ("report_danger", "hold"),
        ("not_safe", "hold"),
    ],
)
def test_a_paused_screening_keeps_its_answers_and_says_why(domain, intent, reason):
    t = tracker(intent, slots={"can_leave": "no", "id_taken": None})
    events, payloads = run(actions.PauseScreening(), domain, t)
    assert payloads == [{"do": "record_screening", "answers": {"can_leave": "no"}}]
    assert events == [SlotSet("screening_paused", reason), SlotSet("requested_slot", None)]


def test_resuming_clears_the_pause(domain):
    events, payloads = run(actions.ResumeScreening(), domain, tracker("resume_screening"))
    assert events == [SlotSet("screening_paused", None)] and payloads == []


def test_not_understood_inside_the_form_reverts_nothing(domain):
    t = tracker("nlu_fallback", active_loop={"name": "screening_form"})
    events, payloads = run(actions.Fallback(), domain, t)
    assert payloads == [{"say": "not_understood"}] and events == []
