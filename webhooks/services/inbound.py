"""The inbound message path, top to bottom: one pass over one message.

1. A repeated delivery (same MessageSid) gets the replies it got before; nothing is stored twice.
2. The message is stored first and committed, so no later failure can lose it.
3. The body is normalised once (``Body``) and every step below reads that.
4. Decisions are made before anything is written: compliance keywords, opt-out and block,
   a language named, the language detected, the danger lexicon, staff or bot.
5. The engine is asked with no write pending (it never calls back), and returns what to say and
   do (``Say``/``Do``).
6. Everything decided is applied in one transaction, and the replies are stored in one place.
7. Any failure after step 2: the localized safety reply (with the emergency number), queued.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webhooks import wording
from webhooks.extensions import db
from webhooks.i18n import language_menu, render_reply
from webhooks.metrics import DANGER_UNSURE, MESSAGES_IN, SAFETY_REPLIES
from webhooks.models import (
    Author,
    Conversation,
    ConversationState,
    Direction,
    Message,
    ResourceCategory,
    RiskLevel,
    Texter,
)
from webhooks.models.base import utcnow
from webhooks.services import audit, escalation, hours, resources, screening, survey
from webhooks.services.danger_decision import METADATA_KEY
from webhooks.services.danger_model import READING_KEY, engine_reading
from webhooks.services.dialogue import DialogueUnavailable, Do, Say, Step, dialogue
from webhooks.services.keywords import Keyword, KeywordMatch, match_keyword
from webhooks.services.language import Detection, identify_language, named_language
from webhooks.services.privacy import erase_texter
from webhooks.services.safety import MODEL, DangerHit, assess_danger
from webhooks.services.text import Body, redact_numbers
from webhooks.services.texters import current_conversation, find_or_create_texter

log = logging.getLogger(__name__)

# What the engine gets of a very long message: enough to understand, bounded work.
ENGINE_TEXT_LIMIT = 1000
# A lexicon hit reaches the engine as this intent, whatever the NLU would have made of it.
DANGER_INTENT = "/report_danger"
# Bot responses with an after-hours variant (chosen here, by the app's operating hours).
AFTER_HOURS_VARIANTS = {
    "utter_offer_person": hours.closed_offer,
    "utter_handoff": hours.closed_reply,
}
# A language we do not speak, identified for the first time: the engine offers a person with
# an interpreter (the app says why in English, with every language we do speak).
INTERPRETER_INTENT = "/request_interpreter"


@dataclass
class InboundSms:
    sid: str
    from_number: str
    body: str
    num_media: int = 0


@dataclass
class Reply:
    author: Author
    text: str


@dataclass
class Outcome:
    replies: list[Message] = field(default_factory=list)
    # Erased texters get a reply that is not stored anywhere.
    unstored_replies: list[str] = field(default_factory=list)


def receive_sms(sms: InboundSms) -> Outcome:
    """Handle one delivery from Twilio. A repeated MessageSid gets the same replies."""
    previous = _find_inbound(sms.sid)
    if previous is not None:
        log.info("repeated delivery of a message; answering as before")
        answered = _replies_to(previous)
        if not answered and _left_unanswered(previous):
            return Outcome(replies=_answer_orphan(previous))
        return Outcome(replies=answered)

    texter = find_or_create_texter(sms.from_number)
    # "1", "2" or "3" right after a survey question answers it, in the closed conversation.
    surveyed = survey.awaiting_answer(texter, Body.of(sms.body))
    conversation = surveyed or current_conversation(texter)
    inbound = Message(
        conversation=conversation,
        direction=Direction.INBOUND,
        author=Author.TEXTER,
        body=sms.body,
        twilio_sid=sms.sid,
        num_media=sms.num_media,
        status="received",
    )
    db.session.add(inbound)
    texter.last_inbound_at = utcnow()
    try:
        db.session.commit()  # stored before anything can fail
    except IntegrityError:
        db.session.rollback()  # the same delivery is being handled right now
        previous = _find_inbound(sms.sid)
        return Outcome(replies=_replies_to(previous) if previous else [])
    MESSAGES_IN.inc()

    conversation_id = conversation.id
    try:
        body = Body.of(sms.body)
        if surveyed is not None:
            thanks = Reply(Author.SYSTEM, survey.record_answer(surveyed, body))
            replies, unstored = [thanks], list[str]()
        else:
            replies, unstored = _handle(texter, conversation, body)
        outcome = Outcome(_store(conversation, inbound, replies), unstored)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("inbound message failed after it was stored; sending the safety reply")
        conversation = db.session.get(Conversation, conversation_id)  # type: ignore[assignment]
        inbound = db.session.scalars(select(Message).where(Message.twilio_sid == sms.sid)).one()
        conversation.queue_for_staff("app_error")
        SAFETY_REPLIES.labels("app_error").inc()
        safety = Reply(Author.SYSTEM, render_reply(wording.ENGINE_DOWN, conversation.language))
        outcome = Outcome(_store(conversation, inbound, [safety]))
        db.session.commit()
    return outcome


def _left_unanswered(inbound: Message) -> bool:
    """Stored, but the process handling it died before it answered (kill -9 mid-request): the
    load balancer or Twilio resends only after giving up on that first attempt."""
    conversation, texter = inbound.conversation, inbound.conversation.texter
    silent = texter.opted_out or texter.blocked  # no reply is the right reply for them
    return conversation.state == ConversationState.WITH_BOT and not silent


def _answer_orphan(inbound: Message) -> list[Message]:
    """The safety reply (emergency number, a person will write), and staff see the texter."""
    log.warning("a stored message was never answered (its first attempt died); safety reply")
    conversation = inbound.conversation
    conversation.queue_for_staff("app_error")
    audit.record("system", "unanswered_delivery", conversation.id)
    safety = Reply(Author.SYSTEM, render_reply(wording.ENGINE_DOWN, conversation.language))
    stored = _store(conversation, inbound, [safety])
    db.session.commit()
    return stored


def _find_inbound(sid: str) -> Message | None:
    return db.session.scalar(select(Message).where(Message.twilio_sid == sid))


def _replies_to(message: Message) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.in_reply_to_id == message.id)))


def _handle(
    texter: Texter, conversation: Conversation, body: Body
) -> tuple[list[Reply], list[str]]:
    """Decide, ask the engine if the bot answers, then apply: (stored replies, unstored)."""
    keyword = match_keyword(body)
    if keyword is not None:
        return _keyword(texter, conversation, keyword)
    if texter.opted_out or texter.blocked:
        return [], []  # never text an opted-out or blocked number; the message is kept

    named = named_language(body)
    if named is not None:
        pending = _question_pending(conversation)
        conversation.language = texter.language = named
        replies = [_system(wording.LANGUAGE_SWITCHED, named)]
        again = _say(Say(pending), named) if pending is not None else None
        if again is not None:  # the question it was on, again, now in the texter's language
            replies.append(again)
        return replies, []

    detected = Detection() if conversation.language else identify_language(body)
    # Said once per conversation: a texter who goes on in their language gets the usual replies.
    other = detected.other if not conversation.other_language else None
    assessment = assess_danger(
        body, learned=detected.other is None, language=conversation.language or detected.language
    )
    forced = assessment.forced
    with_staff = conversation.state in (
        ConversationState.WAITING_FOR_STAFF,
        ConversationState.WITH_STAFF,
    )
    steps: list[Step] | None = None
    if not with_staff and not body.empty:
        # Nothing has been written since the inbound commit: the engine's wait holds no lock.
        text = redact_numbers(body.bounded[:ENGINE_TEXT_LIMIT])
        text = DANGER_INTENT if forced else INTERPRETER_INTENT if other else text
        # The app's evidence goes with the texter's own words (never with an intent the app
        # sends): the engine's gate adds the NLU's and makes the net's one decision.
        metadata: dict[str, Any] = {}
        if not text.startswith("/"):
            if assessment.evidence is not None:
                metadata[METADATA_KEY] = assessment.evidence
            # Romanised Russian or Korean read back into its own script, for the NLU's sentence
            # encoder (danger_model.engine_reading; Arabizi goes as written); made from the text
            # the engine gets, so no number it redacted comes back.
            found = engine_reading(text, conversation.language or detected.language)
            if found is not None:
                metadata[READING_KEY] = found
        try:
            steps = dialogue.ask(conversation.engine_id, text, metadata or None)
        except DialogueUnavailable as exc:
            log.warning("engine unavailable (%s); queueing for staff", exc)

    # From here on, one transaction: what was decided above, then what the engine decided.
    if detected.language is not None:
        conversation.language = texter.language = detected.language
    elif detected.other is not None and not conversation.other_language:
        conversation.other_language = detected.other
        audit.record("system", "other_language", conversation.id, language=detected.other)
    language = conversation.language
    # Asked, the engine decided the rest with the NLU's evidence; not asked (staff answer) or
    # not answering, the app decides alone: any of its layers is danger.
    danger = forced if steps is not None else assessment.hit
    if danger is not None:
        _mark_danger(conversation, danger)
    if with_staff:
        # Staff answer from here on; the bot is silent, but danger still gets the number.
        return ([_system(wording.DANGER_SAFETY_NET, language)] if danger else []), []
    if body.empty:
        return [_system(wording.MEDIA_ONLY, language)], []
    if steps is None:
        conversation.queue_for_staff("engine_unavailable")
        SAFETY_REPLIES.labels("engine_unavailable").inc()
        audit.record("system", "engine_unavailable", conversation.id)
        closed = _after_hours(conversation, language)
        reply = Reply(Author.SYSTEM, closed) if closed else _system(wording.ENGINE_DOWN, language)
        emergency = current_app.config["EMERGENCY_NUMBER"]
        if danger and emergency not in reply.text:
            return [_system(wording.DANGER_SAFETY_NET, language), reply], []
        return [reply], []

    was_waiting = conversation.state == ConversationState.WAITING_FOR_STAFF
    replies = [r for step in steps if (r := _apply(conversation, step, language)) is not None]
    if not was_waiting and conversation.state == ConversationState.WAITING_FOR_STAFF:
        _after_hours(conversation, language)
    if other:
        # First why English, then the offer; after the danger replies when there is danger.
        menu = render_reply(wording.OTHER_LANGUAGE, None, {"languages": language_menu()})
        replies.insert(len(replies) if danger else 0, Reply(Author.SYSTEM, menu))
    emergency = current_app.config["EMERGENCY_NUMBER"]
    if any(emergency in r.text for r in replies):
        return replies, []
    if danger:
        # The engine answered without the number: the safety net adds it, first.
        replies.insert(0, _system(wording.DANGER_SAFETY_NET, language))
    elif assessment.unsure or any(_unsure(step) for step in steps):
        # Close to danger, not decided: the number, first, and the usual answer after it. The
        # app's evidence close to the bar, or the engine's NLU read danger first and the
        # decision set it aside (bot/channel.py).
        DANGER_UNSURE.inc()
        replies.insert(0, _system(wording.DANGER_SAFETY_NET, language))
    elif any(_medical(step) for step in steps):
        # A medical question may be a medical emergency the boss will not treat: the number
        # before the list of clinics.
        replies.insert(0, _system(wording.MEDICAL_EMERGENCY, language))
    return replies, []


def _unsure(step: Step) -> bool:
    return isinstance(step, Do) and step.command == "danger_unsure"


def _medical(step: Step) -> bool:
    """A listing of medical resources, by the same need-to-category map that renders it."""
    if not isinstance(step, Say) or step.response != "resources":
        return False
    need = str(step.arguments.get("need", ""))
    return resources.INTENT_CATEGORIES.get(need) == ResourceCategory.MEDICAL


# The bot's questions: a texter who names a language while one is pending is asked it again in
# that language (its yes/no still answers it: the engine's form or rule is waiting for it).
QUESTIONS = (
    "utter_greet",
    "utter_offer_person",
    "utter_offer_interpreter",
    "utter_offer_screening",
    *(name for name in wording.BOT_RESPONSES if name.startswith("utter_ask_")),
)


def _question_pending(conversation: Conversation) -> str | None:
    """The question the bot asked last, if its last message was one (as it was rendered then)."""
    last = db.session.scalar(
        select(Message)
        .where(
            Message.conversation_id == conversation.id,
            Message.direction == Direction.OUTBOUND,
            Message.author == Author.BOT,
        )
        .order_by(Message.id.desc())
        .limit(1)
    )
    if last is None:
        return None
    language = conversation.language
    for name in QUESTIONS:
        rendered = _say(Say(name), language)
        if rendered is not None and rendered.text == last.body:
            return name
    return None


def _after_hours(conversation: Conversation, language: str | None) -> str | None:
    """Queued while nobody is on shift: marked so the next shift sees it first; the reply
    that says when a person will be back (None while the hotline is open)."""
    closed = hours.closed_reply(language)
    if closed is not None:
        conversation.after_hours = True
    return closed


def _mark_danger(conversation: Conversation, danger: DangerHit) -> None:
    conversation.raise_risk(RiskLevel.URGENT)
    if danger.language == MODEL:
        audit.record(
            "system", "danger_detected", conversation.id, layer="model", score=danger.pattern
        )
    else:
        audit.record("system", "danger_detected", conversation.id, lexicon=danger.language)


def _apply(conversation: Conversation, step: Step, language: str | None) -> Reply | None:
    """One thing the engine decided: a reply to render, or a command to apply."""
    if isinstance(step, Say):
        return _say(step, language)
    assert isinstance(step, Do)
    if step.command == "mark_danger":
        escalation.mark_danger(conversation, source="nlu")
    elif step.command == "hand_off":
        escalation.hand_to_staff(conversation)
    elif step.command == "consent_declined":
        escalation.record_consent(conversation, False)
    elif step.command == "danger_unsure":
        pass  # a verdict, not an action: read with the replies (_handle)
    elif step.command == "record_screening":
        answers = step.arguments.get("answers")
        screening.record_screening(conversation, answers if isinstance(answers, dict) else {})
    else:
        log.error("engine sent an unknown command %r; ignored", step.command)
    return None


def _say(step: Say, language: str | None) -> Reply | None:
    if step.response == "resources":
        category = resources.INTENT_CATEGORIES.get(str(step.arguments.get("need", "")))
        text = None
        if category is not None:
            intro = render_reply(wording.RESOURCES_INTRO, language)
            text = resources.resources_text(category, language or "en", intro)
        return Reply(Author.BOT, text or render_reply(wording.NO_RESOURCES, language))
    if step.response == "not_understood":
        return Reply(Author.BOT, render_reply(wording.NOT_UNDERSTOOD, language))
    if step.response in AFTER_HOURS_VARIANTS:
        # The app, not the engine, knows the hours: outside them these replies say when.
        closed = AFTER_HOURS_VARIANTS[step.response](language)
        if closed is not None:
            return Reply(Author.BOT, closed)
    msgid = wording.BOT_RESPONSES.get(step.response)
    if msgid is None:
        log.error("engine asked for a response the app does not have: %s", step.response)
        return None
    return Reply(Author.BOT, render_reply(msgid, language))


def _keyword(
    texter: Texter, conversation: Conversation, match: KeywordMatch
) -> tuple[list[Reply], list[str]]:
    language = conversation.language
    # STOP, HELP, START, DELETE are the carrier's words in every language: a Spanish texter's
    # STOP is answered in Spanish. A keyword of another language ("AYUDA") switches to it.
    carrier_word = language is not None and "en" in match.languages
    if language not in match.languages and not carrier_word:
        language = match.languages[0]
        conversation.language = texter.language = language
    # A blocked number is never answered, keywords included; what it asks still takes effect
    # (STOP opts out, DELETE erases, and the block outlives the erasure as a tombstone).
    silent = texter.blocked
    if match.keyword is Keyword.STOP:
        texter.opted_out, texter.opted_out_at = True, utcnow()
        audit.record("texter", "opted_out", conversation.id)
        return ([] if silent else [_system(wording.STOP_CONFIRMED, language)]), []
    if match.keyword is Keyword.START:
        texter.opted_out, texter.opted_out_at = False, None
        audit.record("texter", "opted_in", conversation.id)
        return ([] if silent else [_system(wording.START_CONFIRMED, language)]), []
    if match.keyword is Keyword.HELP:
        if texter.opted_out or silent:
            return [], []
        # The second message names every language in itself: a texter can answer with one.
        return [_system(wording.HELP_TEXT, language), Reply(Author.SYSTEM, language_menu())], []
    text = render_reply(wording.DELETE_CONFIRMED, language)
    erase_texter(texter)
    return [], ([] if silent else [text])


def _system(msgid: str, language: str | None) -> Reply:
    return Reply(Author.SYSTEM, render_reply(msgid, language))


def _store(conversation: Conversation, inbound: Message, replies: list[Reply]) -> list[Message]:
    """The one place replies are stored, in the order they are sent."""
    stored = []
    for reply in replies:
        message = Message(
            conversation=conversation,
            direction=Direction.OUTBOUND,
            author=reply.author,
            body=reply.text,
            in_reply_to_id=inbound.id,
            status="queued",
        )
        db.session.add(message)
        stored.append(message)
    db.session.flush()
    return stored
