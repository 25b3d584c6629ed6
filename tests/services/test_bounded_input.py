"""Keywords, language detection and the danger net see at most 1,600 characters (Twilio's
limit for one message); the whole body is still stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from webhooks.extensions import db
from webhooks.models import Direction, Message
from webhooks.services import inbound
from webhooks.services.text import MATCH_LIMIT, Body

LIGATURE = "\ufdfa"  # one character, eighteen after compatibility decomposition


@pytest.mark.parametrize("raw", ["help me " * 2000, LIGATURE * 5000, "我" * 9000])
def test_body_is_bounded_before_and_after_normalising(raw):
    body = Body.of(raw)
    assert body.raw == raw
    assert len(body.bounded) == MATCH_LIMIT == 1600
    assert len(body.normalised) <= MATCH_LIMIT


def test_every_matcher_sees_at_most_1600_characters(app, phone, monkeypatch):
    seen: dict[str, list[int]] = {"keywords": [], "language": [], "danger": [], "engine": []}

    def spy(name, real, *, text=False):
        def wrapped(arg, *args, **kwargs):
            if text:
                seen[name].append(len(args[0]))
            else:
                seen[name] += [len(arg.bounded), len(arg.normalised)]
            return real(arg, *args, **kwargs)

        return wrapped

    monkeypatch.setattr(inbound, "match_keyword", spy("keywords", inbound.match_keyword))
    monkeypatch.setattr(inbound, "identify_language", spy("language", inbound.identify_language))
    monkeypatch.setattr(inbound, "assess_danger", spy("danger", inbound.assess_danger))
    monkeypatch.setattr(
        inbound.dialogue, "ask", spy("engine", inbound.dialogue.ask, text=True), raising=False
    )
    long_text = ("my boss keeps my passport and I cannot leave " * 300)[:12000]
    phone.send(long_text)
    phone.send(LIGATURE * 4000)
    assert all(seen[name] for name in seen), seen
    assert max(n for lengths in seen.values() for n in lengths) <= MATCH_LIMIT
    with app.app_context():  # the whole body is kept
        bodies = db.session.scalars(
            select(Message.body).where(Message.direction == Direction.INBOUND)
        ).all()
        assert long_text in bodies
