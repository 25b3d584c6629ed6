"""One app for the action server; each action runs inside its app context."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cache

from flask import Flask

from hotline import create_app
from hotline.extensions import db
from hotline.models import Conversation
from hotline.services.escalation import conversation_for_engine


@cache
def app() -> Flask:
    return create_app()


@contextlib.contextmanager
def conversation_scope(engine_id: str) -> Iterator[Conversation | None]:
    """The conversation behind a sender id; committed when the action is done."""
    with app().app_context():
        conversation = conversation_for_engine(engine_id)
        try:
            yield conversation
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()
