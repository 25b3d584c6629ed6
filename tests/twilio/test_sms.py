"""POST /webhooks/twilio/sms: signatures, the message path, bad input."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from tests.conftest import Phone, signed_post
from tests.fakes import english
from webhooks.extensions import db
from webhooks.models import Conversation, ConversationState, Direction, Message, RiskLevel
from webhooks.models.audit import AuditEvent
from webhooks.services.safety import scan_for_danger
from webhooks.services.text import Body


def count(app, model=Message, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_unsigned_request_is_refused_and_nothing_stored(app, client, fake_engine):
    response = client.post(
        "/webhooks/twilio/sms", data={"MessageSid": "SM1", "From": "+1555", "Body": "hi"}
    )
    assert response.status_code == 403
    assert count(app) == 0 and not fake_engine.messages


def test_forged_signature_is_refused(app, client):
    form = {"MessageSid": "SM1", "From": "+15551234567", "Body": "hi"}
    response = signed_post(client, "/webhooks/twilio/sms", form, token="not-the-real-token")
    assert response.status_code == 403
    tampered = signed_post(client, "/webhooks/twilio/sms", form)
    assert tampered.status_code == 200
    # Same signature, changed body: refused.
    response = client.post(
        "/webhooks/twilio/sms",
        data={**form, "Body": "changed", "MessageSid": "SM2"},
        headers={"X-Twilio-Signature": "AAAA"},
    )
    assert response.status_code == 403
    assert count(app, Message, Message.direction == Direction.INBOUND) == 1


def test_signature_is_checked_against_the_public_url(make_app):
    app = make_app(HOTLINE_PUBLIC_URL="https://hotline.example.org")
    client = app.test_client()
    form = {"MessageSid": "SMproxy", "From": "+15551234567", "Body": "hello"}
    assert signed_post(client, "/webhooks/twilio/sms", form).status_code == 403
    ok = signed_post(
        client, "/webhooks/twilio/sms", form, url="https://hotline.example.org/webhooks/twilio/sms"
    )
    assert ok.status_code == 200
    assert b"https://hotline.example.org/webhooks/twilio/status?m=" in ok.data


def test_reply_comes_back_as_twiml_and_both_sides_are_stored(app, phone, fake_engine):
    fake_engine.replies = ["utter_greet", "utter_about"]
    response = phone.send("hello there")
    assert response.mimetype == "application/xml"
    assert phone.replies(response) == [english("utter_greet"), english("utter_about")]
    assert count(app, Message, Message.direction == Direction.INBOUND) == 1
    assert count(app, Message, Message.direction == Direction.OUTBOUND) == 2


def test_repeated_delivery_gets_the_same_reply_and_is_stored_once(app, phone, fake_engine):
    first = phone.send("hello", sid="SMrepeat")
    fake_engine.replies = ["utter_goodbye"]
    second = phone.send("hello", sid="SMrepeat")
    assert phone.replies(first) == phone.replies(second)
    assert len(fake_engine.messages) == 1
    assert count(app) == 2


def test_a_stored_message_whose_first_attempt_died_gets_the_safety_reply_once(
    app, phone, fake_engine, monkeypatch
):
    # The process dies after the inbound commit and before any reply is stored.
    import webhooks.services.inbound as inbound

    def die(*args, **kwargs):
        raise SystemExit("kill -9")

    monkeypatch.setattr(inbound, "_handle", die)
    with pytest.raises(SystemExit):
        phone.send("hello", sid="SMorphan")
    monkeypatch.undo()
    assert count(app, Message, Message.direction == Direction.INBOUND) == 1
    # The load balancer (or Twilio) resends it to another instance.
    replies = phone.replies(phone.send("hello", sid="SMorphan"))
    assert len(replies) == 1 and "person will write" in replies[0] and "911" in replies[0]
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        assert conversation.state is ConversationState.WAITING_FOR_STAFF
    # A third delivery gets the same reply, stored once; the engine was never asked.
    assert phone.replies(phone.send("hello", sid="SMorphan")) == replies
    assert count(app, Message, Message.direction == Direction.OUTBOUND) == 1
    assert not fake_engine.messages


def test_an_opted_out_texter_s_repeated_message_stays_unanswered(app, phone, fake_engine):
    phone.send("STOP")
    assert phone.replies(phone.send("hello", sid="SMquiet")) == []
    assert phone.replies(phone.send("hello", sid="SMquiet")) == []


def test_the_engine_never_sees_the_phone_number(phone, fake_engine):
    phone.send("call me back on 555 123 4567 please")
    sent = fake_engine.messages[0]
    assert phone.number not in str(fake_engine.requests[0].body)
    assert sent["sender"].startswith("c-")
    assert "4567" not in sent["message"] and "<number>" in sent["message"]


@pytest.mark.parametrize(
    "form",
    [{"From": "+15551234567", "Body": "hi"}, {"MessageSid": "SMnofrom", "Body": "hi"}],
    ids=["no MessageSid", "no From"],
)
def test_missing_required_fields_are_a_clear_400(app, client, form):
    response = signed_post(client, "/webhooks/twilio/sms", form)
    assert response.status_code == 400
    assert "required" in response.get_json()["description"]
    assert count(app) == 0


@pytest.mark.parametrize("body", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_missing_or_empty_body_gets_a_sensible_reply(phone, fake_engine, body):
    replies = phone.replies(phone.send(body))
    assert replies == ["I can only read text here. Please write your message in words."]
    assert not fake_engine.messages


def test_media_without_text_is_answered_and_kept(app, phone, fake_engine):
    response = phone.send(
        None, NumMedia="1", MediaUrl0="https://api.twilio.com/x.jpg", MediaContentType0="image/jpeg"
    )
    assert "only read text" in phone.replies(response)[0]
    with app.app_context():
        inbound = db.session.scalars(select(Message)).first()
        assert inbound.num_media == 1


def test_bad_num_media_is_a_400(phone):
    assert phone.send("hi", NumMedia="lots").status_code == 400


def test_a_10kb_body_is_stored_whole_and_bounded_for_the_engine(app, phone, fake_engine):
    body = "ayuda " * 1700
    assert phone.replies(phone.send(body))
    assert len(fake_engine.messages[0]["message"]) <= 1000
    with app.app_context():
        assert db.session.scalars(select(Message)).first().body == body


def test_a_huge_request_is_refused_with_413(app, phone):
    assert phone.send("x" * 100_000).status_code == 413
    assert count(app) == 0


def test_emoji_and_non_latin_text_round_trip(app, phone, fake_engine):
    body = "我需要帮助 🙏 مساعدة Tôi cần giúp"
    assert phone.replies(phone.send(body))
    assert fake_engine.messages[0]["message"] == body
    with app.app_context():
        assert db.session.scalars(select(Message)).first().body == body


def test_unknown_parameters_are_ignored(phone):
    assert phone.send("hi", SomethingNew="1", FromCity="X").status_code == 200


def test_engine_down_still_answers_and_queues_for_staff(make_app, fake_engine):
    app = make_app(RASA_URL="http://127.0.0.1:9")  # nothing listens there
    phone = Phone(app.test_client())
    replies = phone.replies(phone.send("hello"))
    assert "911" in replies[0] and "person" in replies[0]
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        assert conversation.state is ConversationState.WAITING_FOR_STAFF
        assert conversation.queue_reason == "engine_unavailable"


def test_engine_slower_than_the_deadline_counts_as_down(make_app, fake_engine):
    fake_engine.delay = 1.5
    app = make_app(RASA_TIMEOUT_SECONDS=0.3)
    phone = Phone(app.test_client())
    assert "911" in phone.replies(phone.send("hello"))[0]


def test_engine_error_status_counts_as_down(phone, fake_engine):
    fake_engine.status_code = 500
    assert "person will write" in phone.replies(phone.send("hello"))[0]


def test_danger_gets_the_emergency_number_first_even_when_the_engine_omits_it(
    app, phone, fake_engine
):
    fake_engine.replies = ["utter_offer_person"]
    replies = phone.replies(phone.send("he has a gun"))
    assert "911" in replies[0]
    assert fake_engine.messages[0]["message"] == "/report_danger"
    with app.app_context():
        assert db.session.scalars(select(Conversation)).one().risk is RiskLevel.URGENT


def test_danger_with_the_engine_down(make_app):
    app = make_app(RASA_URL="http://127.0.0.1:9")
    phone = Phone(app.test_client())
    assert "911" in phone.replies(phone.send("they are beating me"))[0]


@pytest.mark.parametrize("engine_up", [True, False], ids=["engine up", "engine down"])
def test_danger_only_the_learned_layer_knows(make_app, fake_engine, engine_up):
    # No lexicon pattern matches this text; the app's learned layer does, with or without the
    # engine: risk urgent, the danger safety reply first, and the engine told /report_danger.
    text = "the manager took everyones passports and the gate is locked at night"
    assert scan_for_danger(Body.of(text)) is None
    app = make_app() if engine_up else make_app(RASA_URL="http://127.0.0.1:9")
    phone = Phone(app.test_client())
    assert "911" in phone.replies(phone.send(text))[0]
    with app.app_context():
        assert db.session.scalars(select(Conversation)).one().risk is RiskLevel.URGENT
        (event,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "danger_detected")
        )
        assert event.detail["layer"] == "model"
    if engine_up:
        assert fake_engine.messages[0]["message"] == "/report_danger"


def test_emergency_number_is_configurable(make_app, fake_engine):
    app = make_app(EMERGENCY_NUMBER="112", RASA_URL="http://127.0.0.1:9")
    phone = Phone(app.test_client())
    assert "112" in phone.replies(phone.send("he has a knife"))[0]


def test_waiting_for_staff_the_bot_is_silent_but_danger_is_answered(app, phone, fake_engine):
    phone.send("hello")
    with app.app_context():
        db.session.scalars(select(Conversation)).one().queue_for_staff("consent")
        db.session.commit()
    assert phone.replies(phone.send("are you there")) == []
    assert "911" in phone.replies(phone.send("he has a gun"))[0]
    assert len(fake_engine.messages) == 1


def test_logs_hold_no_phone_number_or_message_text(make_app, caplog):
    caplog.set_level(logging.DEBUG)
    app = make_app(RASA_URL="http://127.0.0.1:9")
    phone = Phone(app.test_client(), "+15559876543")
    phone.send("my secret words")
    phone.send("my secret words", sid="SM" + "9" * 32)
    text = caplog.text
    assert "engine unavailable" in text  # something was logged
    assert "5559876543" not in text and "secret words" not in text


def test_a_language_we_do_not_speak_english_menu_and_interpreter(app, phone, fake_engine):
    fake_engine.replies = ["utter_offer_interpreter"]
    replies = phone.replies(phone.send("dzien dobry, potrzebuje pomocy, szef zabral moj paszport"))
    assert fake_engine.messages[0]["message"] == "/request_interpreter"
    assert replies[0].startswith("Sorry, I cannot write in your language yet.")
    assert "español" in replies[0] and "中文" in replies[0]
    assert "interpreter" in replies[-1]
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        assert conversation.language is None and conversation.other_language == "pl"
    # Said once: the next text in Polish goes to the engine as it is.
    fake_engine.replies = ["not_understood"]
    phone.send("nie rozumiem, prosze pomozcie mi")
    assert fake_engine.messages[-1]["message"] != "/request_interpreter"


def test_ukrainian_is_never_answered_in_russian(app, phone, fake_engine):
    fake_engine.replies = ["utter_offer_interpreter"]
    phone.send("мені не платять зарплату, я не можу піти з роботи")
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        assert conversation.language is None and conversation.other_language == "uk"
