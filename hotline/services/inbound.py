"""The inbound message path: store first, keywords, staff, language, safety net, engine.

See DESIGN.md "Message path". Returns the reply texts the webhook sends back as TwiML.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotline import replies
from hotline.extensions import db
from hotline.i18n import language_menu
from hotline.models import (
    Author,
    Conversation,
    ConversationState,
    Direction,
    Message,
    RiskLevel,
    Texter,
)
from hotline.models.base import utcnow
from hotline.services import audit
from hotline.services.engine import EngineUnavailable, engine
from hotline.services.keywords import Keyword, KeywordMatch, match_keyword
from hotline.services.language import detect_language, named_language
from hotline.services.privacy import erase_texter
from hotline.services.replies import render_reply
from hotline.services.safety import scan_for_danger
from hotline.services.text import redact_numbers
from hotline.services.texters import current_conversation, find_or_create_texter

log = logging.getLogger(__name__)

# What the engine gets of a very long message: enough to understand, bounded work.
ENGINE_TEXT_LIMIT = 1000
DANGER_INTENT = "/report_danger"


@dataclass
class InboundSms:
    sid: str
    from_number: str
    body: str
    num_media: int = 0


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
        return Outcome(replies=_replies_to(previous))

    texter = find_or_create_texter(sms.from_number)
    conversation = current_conversation(texter)
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

    conversation_id = conversation.id
    try:
        outcome = _route(texter, conversation, inbound, sms)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("inbound message failed after it was stored; sending the safety reply")
        conversation = db.session.get(Conversation, conversation_id)  # type: ignore[assignment]
        inbound = db.session.scalars(select(Message).where(Message.twilio_sid == sms.sid)).one()
        conversation.queue_for_staff("app_error")
        outcome = Outcome(
            replies=[_reply(conversation, inbound, Author.SYSTEM, replies.ENGINE_DOWN)]
        )
        db.session.commit()
    return outcome


def _find_inbound(sid: str) -> Message | None:
    return db.session.scalar(select(Message).where(Message.twilio_sid == sid))


def _replies_to(message: Message) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.in_reply_to_id == message.id)))


def _route(
    texter: Texter, conversation: Conversation, inbound: Message, sms: InboundSms
) -> Outcome:
    keyword = match_keyword(sms.body)
    if keyword is not None:
        return _keyword(texter, conversation, inbound, keyword)
    if texter.opted_out or texter.blocked:
        return Outcome()  # never text an opted-out or blocked number; the message is kept

    named = named_language(sms.body)
    if named is not None:
        conversation.language = texter.language = named
        return Outcome([_reply(conversation, inbound, Author.SYSTEM, replies.LANGUAGE_SWITCHED)])
    if conversation.language is None:
        detected = detect_language(sms.body)
        if detected is not None:
            conversation.language = texter.language = detected

    danger = scan_for_danger(sms.body)
    if danger is not None:
        conversation.raise_risk(RiskLevel.URGENT)
        audit.record("system", "danger_detected", conversation.id, lexicon=danger.language)

    if conversation.state in (ConversationState.WAITING_FOR_STAFF, ConversationState.WITH_STAFF):
        # Staff answer from here on; the bot is silent, but danger still gets the number.
        if danger is not None:
            return Outcome(
                [_reply(conversation, inbound, Author.SYSTEM, replies.DANGER_SAFETY_NET)]
            )
        return Outcome()

    if not sms.body.strip():
        return Outcome([_reply(conversation, inbound, Author.SYSTEM, replies.MEDIA_ONLY)])

    return _ask_engine(conversation, inbound, sms.body, danger is not None)


def _ask_engine(conversation: Conversation, inbound: Message, body: str, danger: bool) -> Outcome:
    text = DANGER_INTENT if danger else redact_numbers(body[:ENGINE_TEXT_LIMIT])
    # The engine may call back into the app (NLG, actions) for this conversation.
    db.session.commit()
    try:
        texts = engine.ask(conversation.engine_id, text, {"language": conversation.language})
    except EngineUnavailable as exc:
        log.warning("engine unavailable (%s); queueing for staff", exc)
        db.session.refresh(conversation)
        conversation.queue_for_staff("engine_unavailable")
        if danger:
            conversation.raise_risk(RiskLevel.URGENT)
        audit.record("system", "engine_unavailable", conversation.id)
        return Outcome([_reply(conversation, inbound, Author.SYSTEM, replies.ENGINE_DOWN)])
    db.session.refresh(conversation)  # actions may have changed state, risk, consent
    outcome = Outcome()
    emergency = current_app.config["EMERGENCY_NUMBER"]
    if danger and not any(emergency in t for t in texts):
        # The engine answered without the number: the safety net adds it, first.
        outcome.replies.append(
            _reply(conversation, inbound, Author.SYSTEM, replies.DANGER_SAFETY_NET)
        )
    for t in texts:
        outcome.replies.append(_store_reply(conversation, inbound, Author.BOT, t))
    return outcome


def _keyword(
    texter: Texter, conversation: Conversation, inbound: Message, match: KeywordMatch
) -> Outcome:
    language = conversation.language
    if language not in match.languages:
        language = match.languages[0]
        conversation.language = texter.language = language
    if match.keyword is Keyword.STOP:
        texter.opted_out, texter.opted_out_at = True, utcnow()
        audit.record("texter", "opted_out", conversation.id)
        return Outcome([_reply(conversation, inbound, Author.SYSTEM, replies.STOP_CONFIRMED)])
    if match.keyword is Keyword.START:
        texter.opted_out, texter.opted_out_at = False, None
        audit.record("texter", "opted_in", conversation.id)
        return Outcome([_reply(conversation, inbound, Author.SYSTEM, replies.START_CONFIRMED)])
    if match.keyword is Keyword.HELP:
        if texter.opted_out:
            return Outcome()
        # The second message names every language in itself: a texter can answer with one.
        return Outcome(
            [
                _reply(conversation, inbound, Author.SYSTEM, replies.HELP_TEXT),
                _store_reply(conversation, inbound, Author.SYSTEM, language_menu()),
            ]
        )
    text = render_reply(replies.DELETE_CONFIRMED, language)
    erase_texter(texter)
    return Outcome(unstored_replies=[text])


def _reply(conversation: Conversation, inbound: Message, author: Author, msgid: str) -> Message:
    return _store_reply(conversation, inbound, author, render_reply(msgid, conversation.language))


def _store_reply(
    conversation: Conversation, inbound: Message, author: Author, text: str
) -> Message:
    message = Message(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        author=author,
        body=text,
        in_reply_to_id=inbound.id,
        status="queued",
    )
    db.session.add(message)
    db.session.flush()
    return message
