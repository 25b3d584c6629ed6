"""Rendering the bot's responses in the conversation's language (used by the NLG endpoint)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from flask import current_app
from sqlalchemy import select

from hotline.extensions import db
from hotline.i18n import domain_responses, render
from hotline.models import Conversation


def conversation_language(engine_id: str) -> str | None:
    return db.session.scalar(
        select(Conversation.language).where(Conversation.engine_id == engine_id)
    )


def render_bot_response(
    name: str, engine_id: str, slots: Mapping[str, Any], arguments: Mapping[str, Any]
) -> str | None:
    variants = domain_responses().get(name)
    if not variants:
        return None
    variables: dict[str, Any] = {k: v for k, v in slots.items() if v is not None}
    variables.update(arguments)
    # The emergency number comes from configuration only, never from the engine.
    variables["emergency_number"] = current_app.config["EMERGENCY_NUMBER"]
    language = conversation_language(engine_id) or current_app.config["HOTLINE_DEFAULT_LANGUAGE"]
    return render(random.choice(variants), language, variables)


def render_reply(msgid: str, language: str | None) -> str:
    """An app-side reply (hotline.replies) in a language, with the configured numbers."""
    return render(
        msgid,
        language or current_app.config["HOTLINE_DEFAULT_LANGUAGE"],
        {"emergency_number": current_app.config["EMERGENCY_NUMBER"]},
    )
