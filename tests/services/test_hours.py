"""Operating hours: the schedule, and what texters hear outside hours (the app chooses it)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.conftest import Phone
from webhooks.extensions import db
from webhooks.i18n import render_reply, supported_languages
from webhooks.models import Conversation, ConversationState
from webhooks.models.base import utcnow
from webhooks.services import hours
from webhooks.services.resources import seed_resources
from webhooks.services.segments import segments
from webhooks.wording import (
    AFTER_HOURS,
    AFTER_HOURS_OFFER,
    AFTER_HOURS_OFFER_FALLBACK,
    BOT_RESPONSES,
)

NEW_YORK = ZoneInfo("America/New_York")


def _plan(**openings: str) -> hours.Schedule:
    plan = hours.Schedule(zone=NEW_YORK)
    for day, text in openings.items():
        index = [d.lower()[:3] for d in hours.WEEKDAYS].index(day)
        plan.openings[index] = [
            (hours.parse_clock(o), hours.parse_clock(c)) for o, c in hours.parse_day(text)
        ]
    return plan


def _utc(local: datetime) -> datetime:
    """A New York wall-clock moment as the naive UTC the database stores."""
    return local.replace(tzinfo=NEW_YORK).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def test_open_inside_hours_in_the_hotlines_time_zone_not_utc():
    plan = _plan(mon="09:00-17:00")
    monday = datetime(2026, 11, 30)  # a Monday
    assert plan.is_open(_utc(monday.replace(hour=9)))
    assert plan.is_open(_utc(monday.replace(hour=16, minute=59)))
    assert not plan.is_open(_utc(monday.replace(hour=17)))
    assert not plan.is_open(_utc(monday.replace(hour=8, minute=59)))
    # 15:00 UTC is 10:00 in New York: open, though UTC's clock says otherwise for 09-17 UTC.
    assert plan.is_open(datetime(2026, 11, 30, 15, 0))
    assert not plan.is_open(datetime(2026, 11, 30, 22, 30))


def test_next_opening_skips_closed_days_and_dated_closures():
    plan = _plan(mon="09:00-12:00, 13:00-17:00", wed="10:00-14:00")
    monday = datetime(2026, 11, 30)
    lunch = _utc(monday.replace(hour=12, minute=30))
    assert plan.next_opening(lunch) == datetime(2026, 11, 30, 13, 0, tzinfo=NEW_YORK)
    evening = _utc(monday.replace(hour=20))
    assert plan.next_opening(evening) == datetime(2026, 12, 2, 10, 0, tzinfo=NEW_YORK)
    plan.closures = {date(2026, 12, 2)}  # Wednesday is a holiday
    assert plan.next_opening(evening) == datetime(2026, 12, 7, 9, 0, tzinfo=NEW_YORK)
    assert not plan.is_open(_utc(datetime(2026, 12, 2, 11)))


def test_no_weekly_hours_means_always_open():
    plan = hours.Schedule(zone=NEW_YORK)
    assert plan.always_open and plan.is_open(datetime(2026, 12, 25, 3, 0))


@pytest.mark.parametrize("bad", ["9-17", "09:00", "17:00-09:00", "25:00-26:00"])
def test_bad_entries_are_refused_with_a_reason(bad):
    with pytest.raises(hours.HoursError):
        hours.parse_day(bad)


def closed_now(app, zone: str = "UTC") -> datetime:
    """Weekly hours that exclude now: open only two days from today, 09:00-17:00."""
    with app.app_context():
        day = (utcnow().weekday() + 2) % 7
        hours.set_weekly({day: "09:00-17:00"}, zone)
        db.session.commit()
        opening = hours.schedule().next_opening(utcnow())
        assert opening is not None
        return opening


def open_now(app) -> None:
    with app.app_context():
        hours.set_weekly({d: "00:00-24:00" for d in range(7)}, "UTC")
        db.session.commit()


def test_after_hours_handoff_says_when_gives_both_numbers_and_queues_first(app, phone, fake_engine):
    with app.app_context():
        seed_resources()
        db.session.commit()
    opening = closed_now(app)
    fake_engine.replies = [{"do": "hand_off"}, "utter_handoff"]
    (reply,) = phone.replies(phone.send("yes please"))
    assert opening.strftime("%A") in reply and "09:00" in reply
    assert "911" in reply and "1-888-373-7888" in reply  # emergency and 24/7 national line
    assert "soon" not in reply
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        assert conversation.state == ConversationState.WAITING_FOR_STAFF
        assert conversation.after_hours is True


@pytest.mark.parametrize(
    ("name", "opening_words", "yes_or_no"),
    [
        (None, "away now", "YES or NO"),
        ("español", "Nuestro equipo", "SÍ o NO"),
        ("русский", "команды нет", "ДА или НЕТ"),
    ],
)
def test_after_hours_consent_question_says_when_and_gives_both_numbers(
    app, client, fake_engine, name, opening_words, yes_or_no
):
    with app.app_context():
        seed_resources()
        db.session.commit()
    opening = closed_now(app)
    fake_engine.replies = ["utter_offer_person"]
    texter = Phone(client, "+15559990002")
    language = "en"
    if name is not None:
        texter.send(name)  # names the language
        language = {"español": "es", "русский": "ru"}[name]
    (reply,) = texter.replies(texter.send("can I talk to someone"))
    assert opening_words in reply and yes_or_no in reply
    weekday = hours.format_datetime(opening, "EEEE", locale=hours._babel_locale(language))
    assert weekday in reply and "09:00" in reply  # when a person is back
    assert "911" in reply and "1-888-373-7888" in reply  # emergency and 24/7 national line
    assert "soon" not in reply and "{" not in reply


@pytest.mark.parametrize("missing", ["national line", "reopening"])
def test_after_hours_consent_question_fallback_still_gives_the_emergency_number(
    app, phone, fake_engine, monkeypatch, missing
):
    closed_now(app)
    if missing == "reopening":
        with app.app_context():
            seed_resources()  # a national line, but no opening in sight
            db.session.commit()
        monkeypatch.setattr(hours, "back_at", lambda language, moment=None: None)
    # (Otherwise no resources are seeded: no 24/7 national line is configured.)
    fake_engine.replies = ["utter_offer_person"]
    (reply,) = phone.replies(phone.send("can I talk to someone"))
    assert reply == render_reply_in(app, AFTER_HOURS_OFFER_FALLBACK)
    assert "away now" in reply and "YES or NO" in reply and "911" in reply
    assert "soon" not in reply and "1-888-373-7888" not in reply


def render_reply_in(app, msgid: str, language: str = "en") -> str:
    with app.app_context():
        return render_reply(msgid, language)


def test_in_hours_the_bot_says_what_it_always_said(app, phone, fake_engine):
    open_now(app)
    fake_engine.replies = [{"do": "hand_off"}, "utter_handoff"]
    (reply,) = phone.replies(phone.send("yes"))
    assert reply == BOT_RESPONSES["utter_handoff"]
    with app.app_context():
        assert db.session.scalars(select(Conversation)).one().after_hours is False


def test_after_hours_in_the_texters_language(app, client, fake_engine):
    with app.app_context():
        seed_resources()
        db.session.commit()
    closed_now(app)
    fake_engine.replies = [{"do": "hand_off"}, "utter_handoff"]
    texter = Phone(client, "+15559990001")
    texter.send("español")  # names the language
    (reply,) = texter.replies(texter.send("sí"))
    assert "Nuestro equipo" in reply and "1-888-373-7888" in reply


def test_engine_down_after_hours_tells_when_not_soon(make_app, fake_engine):
    app = make_app()
    closed_now(app)
    fake_engine.status_code = 500
    phone = Phone(app.test_client())
    (reply,) = phone.replies(phone.send("help me"))
    assert "away now" in reply and "911" in reply


@pytest.mark.parametrize("msgid", [AFTER_HOURS, AFTER_HOURS_OFFER])
def test_the_after_hours_texts_fit_three_segments_in_every_language_with_real_values(app, msgid):
    with app.app_context():
        for language in supported_languages():
            for day in range(7):  # every weekday's name, the longest included
                when = hours.format_datetime(
                    datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("UTC")) + timedelta(days=day),
                    "EEEE HH:mm",
                    locale=hours._babel_locale(language),
                )
                text = render_reply(
                    msgid, language, {"back_at": when, "national_line": "1-888-373-7888"}
                )
                assert "{" not in text
                assert segments(text) <= 3, (language, segments(text), text)
