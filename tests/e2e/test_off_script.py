"""Off-script turns inside the screening and at the consent question, through the signed
webhook and the real engine, in several languages (issue 10)."""

from __future__ import annotations

from webhooks import wording
from webhooks.i18n import render

ASK = wording.BOT_RESPONSES


def say(name: str, language: str) -> str:
    return render(ASK[name], language, {"emergency_number": "911"})


def questions(replies: list[str]) -> int:
    return sum(reply.count("?") + reply.count("？") for reply in replies)


def test_a_person_asked_for_inside_the_screening_and_a_yes_hands_off(texter) -> None:
    texter.send("my boss took my passport and says i owe him money")
    assert texter.send("yes") == [say("utter_ask_can_leave", "en")]
    assert texter.send("no") == [say("utter_ask_id_taken", "en")]
    replies = texter.send("can i talk to a real person")
    assert replies == [say("utter_offer_person", "en")]  # the consent question, alone
    assert texter.send("yes")[0] == say("utter_handoff", "en")
    state = texter.conversation()
    assert state["state"] == "waiting_for_staff" and state["consent_given"] is True
    # The yes went to the consent question, not to a screening question.
    assert state["screening"] == {"can_leave": "no"}
    assert state["minor"] is False


def test_no_to_a_person_inside_the_screening_goes_back_to_its_question(make_texter) -> None:
    texter = make_texter()
    texter.send("mi jefe me quito el pasaporte y no me paga")
    assert texter.send("si") == [say("utter_ask_can_leave", "es")]
    assert texter.send("quiero hablar con una persona") == [say("utter_offer_person", "es")]
    replies = texter.send("no")
    assert replies == [say("utter_consent_declined", "es"), say("utter_ask_can_leave", "es")]
    assert texter.send("no") == [say("utter_ask_id_taken", "es")]


def test_danger_inside_the_screening_holds_it_until_the_texter_goes_on(make_texter) -> None:
    texter = make_texter()
    texter.send("mi jefe me quito el pasaporte y no me paga")
    texter.send("si")
    replies = texter.send("dijo que si hablo con alguien me mata")
    assert "911" in replies[0]
    assert replies[-1] == say("utter_offer_person", "es")
    assert not any(r.startswith(say("utter_ask_can_leave", "es")[:12]) for r in replies)
    assert texter.conversation()["risk"] == "urgent"
    replies = texter.send("no")
    assert replies == [say("utter_consent_declined", "es"), say("utter_screening_on_hold", "es")]
    assert texter.send("ya estoy a salvo, sigamos con las preguntas") == [
        say("utter_ask_can_leave", "es")
    ]


def test_resources_and_a_greeting_inside_the_screening_restart_nothing(make_texter) -> None:
    texter = make_texter()
    texter.send("chủ lấy hộ chiếu của em và không trả lương")
    assert texter.conversation()["language"] == "vi"
    assert texter.send("vâng") == [say("utter_ask_can_leave", "vi")]
    replies = texter.send("tối nay em cần chỗ ở")
    assert replies[-1] == say("utter_ask_can_leave", "vi") and len(replies) == 2
    assert questions(replies) == 1
    replies = texter.send("xin chào")
    assert replies == [say("utter_greet_again", "vi"), say("utter_ask_can_leave", "vi")]
    assert texter.send("không") == [say("utter_ask_id_taken", "vi")]


def test_help_and_naming_a_language_inside_the_screening_and_its_question_goes_on(
    make_texter,
) -> None:
    texter = make_texter()
    texter.send("my boss took my passport and says i owe him money")
    assert texter.send("yes") == [say("utter_ask_can_leave", "en")]
    help_text = texter.send("HELP")
    assert help_text[0] == render(wording.HELP_TEXT, "en", {"emergency_number": "911"})
    # Naming a language: the question it was on, again, in that language.
    switched = texter.send("español")
    assert switched[-1] == say("utter_ask_can_leave", "es") and len(switched) == 2
    assert texter.send("no") == [say("utter_ask_id_taken", "es")]  # it answered that question
    # STOP inside the screening: confirmed, and nothing more is sent, whatever is asked.
    stopped = texter.send("STOP")
    assert stopped == [render(wording.STOP_CONFIRMED, "es", {"emergency_number": "911"})]
    assert texter.send("si") == []


def test_resources_at_the_consent_question_and_the_yes_still_answers_it(make_texter) -> None:
    texter = make_texter()
    texter.send("je veux parler a quelqu un de votre equipe")
    replies = texter.send("ou est ce que je peux dormir ce soir")
    assert replies[-1] == say("utter_offer_person", "fr")
    assert texter.send("oui")[0] == say("utter_handoff", "fr")
    assert texter.conversation()["state"] == "waiting_for_staff"


def test_a_language_we_do_not_speak_gets_english_the_menu_and_an_interpreter(make_texter) -> None:
    texter = make_texter()
    replies = texter.send("привіт мені потрібна допомога, роботодавець забрав мій паспорт")
    assert replies[0].startswith("Sorry, I cannot write in your language yet.")
    assert "русский" in replies[0] and "English" in replies[0]  # the menu
    assert replies[-1] == say("utter_offer_interpreter", "en")
    state = texter.conversation()
    assert state["language"] is None  # never Russian
    assert state["conversation"].other_language == "uk"
    assert texter.send("yes")[0] == say("utter_handoff", "en")
    state = texter.conversation()
    assert state["state"] == "waiting_for_staff"
    assert state["conversation"].needs_interpreter is True


def _age_the_tracker(stack, texter, hours: float) -> None:
    """Move every event of the engine's tracker back in time, as if the texter went quiet."""
    import requests

    engine_id = texter.conversation()["engine_id"]
    token = stack.environment()["HOTLINE_ENGINE_TOKEN"]
    url = f"{stack.rasa_url}/conversations/{engine_id}/tracker"
    events = requests.get(url, params={"token": token}, timeout=10).json()["events"]
    for event in events:
        event["timestamp"] -= hours * 3600
    response = requests.put(f"{url}/events", params={"token": token}, json=events, timeout=10)
    assert response.status_code == 200, response.text


def test_coming_back_hours_later_the_screening_goes_on(stack, make_texter) -> None:
    texter = make_texter()
    texter.send("my boss took my passport and says i owe him money")
    texter.send("yes")
    assert texter.send("no") == [say("utter_ask_id_taken", "en")]
    _age_the_tracker(stack, texter, hours=5)
    replies = texter.send("hello?")  # five hours later: nothing restarts
    assert replies == [say("utter_greet_again", "en"), say("utter_ask_id_taken", "en")]
    assert texter.send("yes") == [say("utter_ask_owes_debt", "en")]
