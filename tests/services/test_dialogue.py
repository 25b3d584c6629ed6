"""The engine client: one more try when a replica was missing, never after a possible success."""

from __future__ import annotations

import pytest

from tests.fakes import english
from webhooks.services import dialogue as dialogue_module
from webhooks.wording import ENGINE_DOWN


@pytest.fixture(autouse=True)
def quick_retry(monkeypatch):
    monkeypatch.setattr(dialogue_module, "RETRY_PAUSE_SECONDS", 0.01)
    monkeypatch.setattr(dialogue_module, "RETRY_ROOM_SECONDS", 0.5)


@pytest.mark.parametrize("status", [502, 503])
def test_no_replica_behind_the_load_balancer_is_tried_once_more(phone, fake_engine, status):
    fake_engine.fail_next = [status]
    assert phone.replies(phone.send("hello")) == [english("utter_about")]
    assert len(fake_engine.messages) == 2


def test_a_500_is_not_retried_the_texter_gets_the_safety_reply(phone, fake_engine):
    # The engine may have processed the message already: a second try could answer it twice.
    fake_engine.fail_next = [500]
    replies = phone.replies(phone.send("hello"))
    assert replies[0].startswith(ENGINE_DOWN.split(".")[0])
    assert len(fake_engine.messages) == 1


def test_only_one_more_try(phone, fake_engine):
    fake_engine.fail_next = [503, 503]
    replies = phone.replies(phone.send("hello"))
    assert replies[0].startswith(ENGINE_DOWN.split(".")[0])
    assert len(fake_engine.messages) == 2


def test_no_retry_when_the_deadline_leaves_no_room(make_app, fake_engine):
    from tests.conftest import Phone

    app = make_app(RASA_TIMEOUT_SECONDS=0.4)
    phone = Phone(app.test_client())
    fake_engine.fail_next = [503]
    replies = phone.replies(phone.send("hello"))
    assert replies[0].startswith(ENGINE_DOWN.split(".")[0])
    assert len(fake_engine.messages) == 1


def test_an_empty_answer_is_a_failure_not_silence(phone, fake_engine):
    # Rasa's REST channel answers 200 [] when it failed inside (Redis gone, a lock not got).
    fake_engine.replies = []
    replies = phone.replies(phone.send("hello"))
    assert replies[0].startswith(ENGINE_DOWN.split(".")[0])


def test_the_second_try_only_gets_what_is_left_of_the_deadline(make_app, fake_engine):
    from tests.conftest import Phone
    from webhooks.services.dialogue import dialogue

    # Twilio waits 15 s at most: a slow failure and a slow retry must not add up past the
    # engine's deadline. Checked on the timeouts the client asks for, not on a wall clock.
    app = make_app(RASA_TIMEOUT_SECONDS=2.0)
    phone = Phone(app.test_client())
    fake_engine.delay = 1.2
    fake_engine.fail_next = [503]
    timeouts: list[float] = []
    request = dialogue.session.request

    def spy(method, url, **kwargs):
        if url.endswith("/webhooks/rest/webhook"):
            timeouts.append(kwargs["timeout"])
        return request(method, url, **kwargs)

    dialogue.session.request = spy  # type: ignore[method-assign]
    try:
        replies = phone.replies(phone.send("hello"))
    finally:
        dialogue.session.request = request  # type: ignore[method-assign]
    assert replies[0].startswith(ENGINE_DOWN.split(".")[0])
    assert timeouts[0] == 2.0
    # The first answer took at least the engine's 1.2 s: a second try gets at most the rest.
    assert all(t <= 2.0 - fake_engine.delay for t in timeouts[1:])
    assert len(timeouts) == len(fake_engine.messages) <= 2


def test_the_apps_evidence_goes_with_the_texters_words(phone, fake_engine):
    """The engine's gate completes the net's one decision with the NLU's evidence
    (bot/components/danger_gate.py): the app's partial score and the NLU's weights travel as
    metadata, and nothing else does (no phone number; beside the message, only the reading back
    of a romanised Russian, Korean or Arabic text, tested below)."""
    phone.send("where is the nearest shelter")
    sent = fake_engine.messages[-1]
    assert sent["message"] == "where is the nearest shelter"
    assert set(sent["metadata"]) == {"danger_evidence"}
    evidence = sent["metadata"]["danger_evidence"]
    assert set(evidence) == {"score", "nlu", "nlu_top"}
    assert evidence["score"] < 0


def test_no_evidence_goes_with_the_danger_intent_the_app_forces(phone, fake_engine):
    phone.send("he has a gun")  # danger whatever the NLU says: the app sends the intent
    sent = fake_engine.messages[-1]
    assert sent["message"] == "/report_danger"
    assert "metadata" not in sent


def test_a_lexicon_hit_left_to_the_engine_gets_the_number_first_when_it_is_down(
    app, phone, fake_engine, monkeypatch
):
    """A hit the engine's gate would weigh (not forced by the app) still gets the emergency
    number first when the engine does not answer: the app decides alone then."""
    from sqlalchemy import select

    from webhooks.extensions import db
    from webhooks.models import Conversation, RiskLevel
    from webhooks.services import inbound
    from webhooks.services.safety import Assessment, DangerHit

    evidence = {"score": -1.0, "nlu": 0.2, "nlu_top": 0.4}
    monkeypatch.setattr(
        inbound,
        "assess_danger",
        lambda *a, **k: Assessment(DangerHit("en", "x"), -1.0, None, evidence),
    )
    fake_engine.fail_next = [500]
    replies = phone.replies(phone.send("they said they would hurt me"))
    # The engine-down reply carries the number itself; nothing is added before it.
    assert replies == [ENGINE_DOWN.format(emergency_number="911")]
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        assert conversation.risk == RiskLevel.URGENT
    # It went to the engine as the texter's words with the evidence, not as a forced intent.
    assert fake_engine.messages[-1]["metadata"] == {"danger_evidence": evidence}


def test_no_margin_for_a_language_we_do_not_speak(phone, fake_engine):
    # The layer was trained on our languages only: its score on Polish is noise.
    phone.send("Mój szef zabrał mi paszport i mówi, że muszę pracować dalej")
    assert "metadata" not in fake_engine.messages[-1]


def test_romanised_russian_goes_with_its_reading_back(phone, fake_engine):
    """The NLU's sentence encoder learned Russian in Cyrillic: a translit text of a Russian
    conversation goes to the engine as written, with the app's reading back beside it (the one
    the danger layer reads); made from what the engine gets, so a redacted number stays out."""
    phone.send("Здравствуйте, мне нужна помощь, пожалуйста")
    assert "reading" not in (fake_engine.messages[-1].get("metadata") or {})
    phone.send("gde mozhno nayti advokata, moy nomer 89161234567")
    sent = fake_engine.messages[-1]
    assert sent["message"].startswith("gde mozhno nayti advokata")
    reading = sent["metadata"]["reading"]
    assert reading.startswith("где можно найти адвоката")
    assert not any(ch.isdigit() for ch in reading)
    assert "89161234567" not in str(sent)


def test_no_reading_goes_with_a_text_in_its_own_script(phone, fake_engine):
    phone.send("where is the nearest shelter")
    phone.send("can you help me find a lawyer")
    assert all("reading" not in (m.get("metadata") or {}) for m in fake_engine.messages)
