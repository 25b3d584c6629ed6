"""The conversation end to end, through the signed webhook and the real engine and actions."""

from __future__ import annotations

from webhooks.extensions import db
from webhooks.models import Conversation
from webhooks.services.escalation import close_conversation


def test_safe_to_text_yes_then_no_is_one_short_line(make_texter) -> None:
    safe = make_texter()
    safe.send("hi")
    assert "Tell me what is going on" in safe.send("yes")[0]

    unsafe = make_texter()
    unsafe.send("hello")
    replies = unsafe.send("no")
    assert replies == ["OK. Delete this thread if you need to. Write again any time."]


def test_danger_first_reply_has_the_number_then_a_person_is_offered(texter) -> None:
    replies = texter.send("he has a gun")
    assert "911" in replies[0]
    assert "person" in replies[-1]
    assert texter.conversation()["risk"] == "urgent"


def test_danger_understood_by_the_nlu_alone_marks_urgent(texter) -> None:
    # Worded so the lexicon does not fire: the model and action_mark_danger must do it.
    replies = texter.send("please come quick hes hurting me really bad")
    assert "911" in replies[0]
    assert texter.conversation()["risk"] == "urgent"


def test_screening_ends_in_a_risk_level_with_skips(texter) -> None:
    assert "questions" in texter.send("my boss took my passport and says i owe him money")[0]
    assert "leave" in texter.send("yes")[0]
    answers = ["no", "skip", "yes", "skip", "no", "yes", "no"]
    for answer in answers:
        replies = texter.send(answer)
    assert "Thank you for answering" in replies[0] and "person" in replies[-1]
    state = texter.conversation()
    assert state["screening"] == {
        "can_leave": "no",
        "id_taken": "skipped",
        "owes_debt": "yes",
        "threatened": "skipped",
        "forced_work": "no",
        "pay_withheld": "yes",
        "under_18": "no",
    }
    assert state["risk"] == "high"


def test_stop_ends_the_screening_early_and_a_minor_is_flagged(texter) -> None:
    texter.send("i work all day and they never pay me and i cant go out")
    texter.send("yes")
    texter.send("yes")  # can leave
    texter.send("no")  # id
    replies = texter.send("no more questions please")
    assert "Thank you for answering" in replies[0]
    assert texter.conversation()["screening"] == {"can_leave": "yes", "id_taken": "no"}
    assert texter.conversation()["risk"] == "low"


def test_resources_by_need_in_the_texters_language(make_texter) -> None:
    english = make_texter()
    replies = english.send("i need a safe place to sleep tonight")
    assert "Here is who can help" in replies[0] and "1-800-799-7233" in replies[0]
    spanish = make_texter()
    replies = spanish.send("necesito un abogado para arreglar mis papeles")
    assert "Quién te puede ayudar" in replies[0] and "immigrationadvocates.org" in replies[0]


def test_consent_no_is_respected_and_can_change(texter) -> None:
    assert "person" in texter.send("can i talk to a real person")[0]
    assert "no one will contact you" in texter.send("no")[0]
    state = texter.conversation()
    assert state["consent_given"] is False and state["state"] == "with_bot"
    assert "person" in texter.send("i changed my mind i want to talk to someone")[0]
    assert "A person will write" in texter.send("yes")[0]
    state = texter.conversation()
    assert state["consent_given"] is True and state["consent_at"] is not None
    assert state["state"] == "waiting_for_staff"


def test_handoff_pauses_the_bot_and_closing_resumes_it(stack, texter) -> None:
    texter.send("i want to talk to a person")
    texter.send("yes")
    assert texter.send("hello? are you there") == []  # staff answer now, the bot is silent
    with stack.inspector.app_context():
        state = texter.conversation()
        conversation = db.session.get(Conversation, state["conversation"].id)
        close_conversation(conversation, actor="staff:test", disposition="resolved")
        db.session.commit()
        db.session.remove()
    replies = texter.send("hi again")
    assert replies and "safe" in replies[0]
    assert texter.conversation()["conversations"] == 2


def test_two_misunderstandings_in_a_row_offer_a_person(texter) -> None:
    first = texter.send("where is the best pizza in town")
    assert "did not understand" in first[0]
    second = texter.send("who will win the football match tonight")
    assert "person" in second[-1]


def test_goodbye_ends_with_a_safety_tip(texter) -> None:
    assert "delete this thread" in texter.send("ok bye")[0]
