"""The line for the unsure: a text close to the danger net's bar, not over it, gets "If you are in
danger now, call ..." first and its usual answer after it, with no danger path (no urgent risk,
no forced intent). The price is a line of text for a texter who is not in danger; the gain is
the number for danger texts the one decision misses (``make eval`` prints both)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select

from tests.fakes import english
from tests.services.test_danger_decision import DECISION as STAND_IN
from webhooks.extensions import db
from webhooks.models import Conversation, RiskLevel
from webhooks.services import danger_decision, inbound, safety
from webhooks.services.safety import Assessment, assess_danger
from webhooks.services.text import Body
from webhooks.wording import DANGER_SAFETY_NET

LINE = DANGER_SAFETY_NET.format(emergency_number="911")
EVIDENCE = {"score": -0.8, "nlu": 0.14, "nlu_top": 0.46}


def _assessed(monkeypatch, unsure: bool) -> None:
    monkeypatch.setattr(
        inbound,
        "assess_danger",
        lambda *a, **k: Assessment(None, -0.5, None, EVIDENCE, unsure),
    )


def _risk(app) -> RiskLevel | None:
    with app.app_context():
        return db.session.scalars(select(Conversation)).one().risk


def test_an_unsure_text_gets_the_number_first_and_its_answer_no_danger_path(
    app, phone, fake_engine, monkeypatch
):
    _assessed(monkeypatch, unsure=True)
    fake_engine.replies = ["utter_offer_screening"]
    replies = phone.replies(phone.send("my boss keeps our papers and the door is always shut"))
    assert replies == [LINE, english("utter_offer_screening")]
    # The engine was asked with the texter's words and the evidence: its gate still decides.
    assert fake_engine.messages[-1]["message"].startswith("my boss")
    assert fake_engine.messages[-1]["metadata"] == {"danger_evidence": EVIDENCE}
    assert _risk(app) != RiskLevel.URGENT


def test_not_doubled_when_the_answer_carries_the_number(app, phone, fake_engine, monkeypatch):
    _assessed(monkeypatch, unsure=True)
    fake_engine.replies = ["utter_greet"]
    replies = phone.replies(phone.send("hi i dont feel safe here"))
    assert replies == [english("utter_greet")]  # the greeting has the number already


def test_a_text_far_from_the_bar_gets_its_answer_alone(app, phone, fake_engine, monkeypatch):
    _assessed(monkeypatch, unsure=False)
    fake_engine.replies = ["utter_about"]
    assert phone.replies(phone.send("who are you")) == [english("utter_about")]


def test_the_engine_deciding_danger_gets_its_own_reply_not_the_line_too(
    app, phone, fake_engine, monkeypatch
):
    _assessed(monkeypatch, unsure=True)
    fake_engine.replies = [{"do": "mark_danger"}, "utter_danger", "utter_offer_person"]
    replies = phone.replies(phone.send("they are coming for me"))
    assert replies == [english("utter_danger"), english("utter_offer_person")]
    assert _risk(app) == RiskLevel.URGENT


def test_the_nlus_danger_set_aside_by_the_engine_gets_the_line(
    app, phone, fake_engine, monkeypatch
):
    """The engine's NLU put danger first and the decision set it aside (bot/channel.py says
    so after the bot's answer): the number first, the usual answer, no danger path."""
    _assessed(monkeypatch, unsure=False)
    fake_engine.replies = ["utter_offer_screening", {"do": "danger_unsure"}]
    replies = phone.replies(phone.send("landlord says hell change the locks if im late"))
    assert replies == [LINE, english("utter_offer_screening")]
    assert _risk(app) != RiskLevel.URGENT
    # Once, when the app is unsure too; never over an answer that carries the number.
    _assessed(monkeypatch, unsure=True)
    fake_engine.replies = ["utter_offer_screening", {"do": "danger_unsure"}]
    assert phone.replies(phone.send("he locks the door at night")) == [
        LINE,
        english("utter_offer_screening"),
    ]
    fake_engine.replies = ["utter_greet", {"do": "danger_unsure"}]
    assert phone.replies(phone.send("hi")) == [english("utter_greet")]


# The stand-in decision of test_danger_decision, with bars for the line.
DECISION = dataclasses.replace(STAND_IN, soft=-1.5, soft_by_language={"vi": -1.0, "ar": -2.0})


def test_unsure_is_the_band_between_the_line_and_the_bar():
    assert DECISION.unsure(-1.5) and DECISION.unsure(-0.1)
    assert not DECISION.unsure(-1.51)
    # Each language its own bar; a language not known yet, the bar over all.
    assert not DECISION.unsure(-1.2, "vi") and DECISION.unsure(-1.2, "en")
    assert DECISION.unsure(-1.8, "ar") and not DECISION.unsure(-1.8, None)
    # No bar in the file (one fitted before the line existed): never unsure.
    assert not dataclasses.replace(DECISION, soft=None).unsure(10.0)


def test_the_fitted_line_gives_the_number_to_more_danger_than_the_decision_alone():
    data = json.loads(danger_decision.PATH.read_text(encoding="utf-8"))
    validation = data["validation"]
    decided, number = validation["each_set_left_out"], validation["number_each_set_left_out"]
    # Each development set left out in turn (the bar fitted on the others).
    assert number["danger_missed"] < decided["danger_missed"] / 2
    assert number["recall"] >= 0.99
    assert data["soft"] < 0  # below the bar the NLU's terms must clear


@pytest.mark.parametrize(
    ("text", "language"),
    [("where is the nearest shelter", "en"), ("hola necesito un abogado", "es"), ("yes", "en")],
)
def test_ordinary_texts_are_not_unsure(text, language):
    assessment = assess_danger(Body.of(text), language=language)
    assert assessment.forced is None and not assessment.unsure


def test_a_forced_text_is_not_also_unsure():
    assessment = assess_danger(Body.of("he has a gun and says he will shoot me"), language="en")
    assert assessment.forced is not None and not assessment.unsure


def test_the_shipped_net_gives_a_development_text_close_to_its_bar_the_line(phone, fake_engine):
    """With the real layer and decision (not a stand-in): a danger text of heldout_v33 that the
    danger path leaves to the NLU, and English's bar for the line reaches. A refit that moves it
    out of the band should say so here: heldout_v12's "Caught me with a phone. Said next time
    I'm finished" was this text until the bar rose to 97.1% (3b68610) and the app alone forced
    it onto the danger path."""
    text = "so sleepy. water tasted funny. where am i"
    assessment = assess_danger(Body.of(text), language="en")
    assert assessment.forced is None and assessment.unsure
    fake_engine.replies = ["utter_offer_screening"]
    assert phone.replies(phone.send(text)) == [LINE, english("utter_offer_screening")]


MEDICAL = {"say": "resources", "need": "ask_medical"}


@pytest.fixture
def listed(app):
    """The seeded resources, so that a listing does not fall back to its own wording."""
    from webhooks.services.resources import seed_resources

    with app.app_context():
        seed_resources()
        db.session.commit()


def test_medical_resources_come_after_the_number(listed, phone, fake_engine, monkeypatch):
    """A medical question may be a medical emergency the boss will not treat (the class the net
    misses most: the NLU reads it as a question about a doctor)."""
    from webhooks.wording import MEDICAL_EMERGENCY, RESOURCES_INTRO

    _assessed(monkeypatch, unsure=False)
    fake_engine.replies = [MEDICAL]
    first, listing = phone.replies(phone.send("fever 3 days boss wont take me to a doctor"))
    assert first == MEDICAL_EMERGENCY.format(emergency_number="911")
    assert listing.startswith(RESOURCES_INTRO) and "911" not in listing
    # Other needs do not get it; nor does an answer that already has the number.
    fake_engine.replies = [{"say": "resources", "need": "ask_shelter"}]
    (listing,) = phone.replies(phone.send("where can i sleep tonight"))
    assert listing.startswith(RESOURCES_INTRO)


def test_unsure_and_medical_get_one_line_not_two(listed, phone, fake_engine, monkeypatch):
    from webhooks.wording import RESOURCES_INTRO

    _assessed(monkeypatch, unsure=True)
    fake_engine.replies = [MEDICAL]
    line, listing = phone.replies(phone.send("they wont let me see a doctor, cant stop bleeding"))
    assert line == LINE and listing.startswith(RESOURCES_INTRO)


def test_a_listing_that_carries_the_number_gets_no_line(app, phone, fake_engine, monkeypatch):
    _assessed(monkeypatch, unsure=True)
    fake_engine.replies = [MEDICAL]
    # No resources listed: the fallback ("a person from our team can help ...") has the number.
    (reply,) = phone.replies(phone.send("they wont let me see a doctor"))
    assert "911" in reply and reply != LINE


@pytest.mark.parametrize(
    ("text", "language"),
    [("vâng", "vi"), ("dạ vâng", "vi"), ("la", "ar"), ("aywa akid", "ar"), ("da", "ru")],
)
def test_a_yes_or_no_never_gets_the_line(text, language):
    """Scored by the n-grams alone, a word or two sits near the bar on the prior, not on what it
    says: found by the end-to-end test of the screening in Vietnamese ("vâng", yes)."""
    assessment = assess_danger(Body.of(text), language=language)
    assert assessment.forced is None and not assessment.unsure


def test_three_words_or_four_han_characters_say_enough():
    assert not safety.says_enough(Body.of("co sung"))
    assert safety.says_enough(Body.of("they took everything"))
    assert safety.says_enough(Body.of("他们拿走护照"))
    assert not safety.says_enough(Body.of("是的"))
