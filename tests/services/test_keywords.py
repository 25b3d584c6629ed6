"""STOP/START/HELP/DELETE in every language, before anything else."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.fakes import english
from webhooks.extensions import db
from webhooks.i18n import supported_languages
from webhooks.models import AuditEvent, Conversation, Message, Texter
from webhooks.services.keywords import Keyword, keywords_for, match_keyword
from webhooks.services.text import Body


@pytest.mark.parametrize("language", supported_languages())
@pytest.mark.parametrize("keyword", list(Keyword))
def test_every_language_has_every_keyword(language, keyword):
    assert keywords_for(keyword, language), f"no {keyword} keyword for {language}"


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("STOP", Keyword.STOP),
        ("  stop. ", Keyword.STOP),
        ("Parar", Keyword.STOP),
        ("ayuda", Keyword.HELP),
        ("HELP", Keyword.HELP),
        ("Borrar", Keyword.DELETE),
        ("delete", Keyword.DELETE),
        ("START", Keyword.START),
        ("iniciar", Keyword.START),
    ],
)
def test_whole_message_keywords_match(text, keyword):
    match = match_keyword(Body.of(text))
    assert match is not None and match.keyword is keyword


@pytest.mark.parametrize("text", ["please stop hurting me", "yes", "help me he has a gun", "si"])
def test_keywords_inside_a_sentence_are_not_keywords(text):
    assert match_keyword(Body.of(text)) is None


def test_stop_opts_out_and_nothing_more_is_sent(app, phone, fake_engine):
    assert "no more texts" in phone.replies(phone.send("STOP"))[0]
    assert phone.replies(phone.send("hello")) == []
    assert not fake_engine.messages
    with app.app_context():
        assert db.session.scalars(select(Texter)).one().opted_out


def test_spanish_stop_is_answered_in_spanish(phone):
    assert "No recibirás más mensajes" in phone.replies(phone.send("PARAR"))[0]


def test_the_carriers_stop_is_answered_in_the_conversations_language(app, phone):
    phone.send("hola, necesito ayuda con mi trabajo por favor")
    assert "No recibirás más mensajes" in phone.replies(phone.send("STOP"))[0]
    with app.app_context():
        assert db.session.scalars(select(Texter)).one().language == "es"


def test_start_opts_back_in(app, phone, fake_engine):
    phone.send("STOP")
    assert "text us again" in phone.replies(phone.send("START"))[0]
    assert phone.replies(phone.send("hello")) == [english("utter_about")]


def test_help_explains_the_service_and_keywords(phone, fake_engine):
    reply, languages = phone.replies(phone.send("HELP"))
    assert "STOP" in reply and "DELETE" in reply and "911" in reply
    assert "English" in languages and "español" in languages
    spanish = phone.replies(phone.send("AYUDA"))[0]
    assert "PARAR" in spanish and "BORRAR" in spanish
    assert not fake_engine.messages


def test_delete_erases_everything_and_asks_the_engine_to_forget(app, phone, fake_engine):
    phone.send("hello")
    phone.send("i need a doctor")
    reply = phone.replies(phone.send("DELETE"))
    assert "erased" in reply[0]
    with app.app_context():
        for model in (Texter, Conversation, Message):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0
        erased = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "texter_erased"))
        assert erased.one().detail == {"conversations": 1}
    puts = [r for r in fake_engine.requests if r.method == "PUT"]
    assert len(puts) == 1 and puts[0].json() == [] and puts[0].path.endswith("/tracker/events")


def test_repeated_delete_delivery_stores_nothing(app, phone):
    phone.send("BORRAR", sid="SMdel")
    assert "borraron" in phone.replies(phone.send("BORRAR", sid="SMdel"))[0]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0
