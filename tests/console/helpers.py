"""Helpers for console and admin tests: staff accounts, signed-in clients, escalations."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from webhooks.crypto import vault
from webhooks.extensions import db
from webhooks.models import (
    Author,
    Conversation,
    ConversationState,
    Direction,
    Message,
    RiskLevel,
    StaffRole,
    StaffUser,
    Texter,
)
from webhooks.models.base import utcnow
from webhooks.staff import accounts
from webhooks.staff.access import session_values

PASSWORD = "correct horse battery"
ROLES = ("staff", "supervisor", "admin")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id, at a cost that keeps hundreds of sign-ins fast in tests."""
    monkeypatch.setattr(
        accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


def make_staff(
    app: Flask, username: str, role: str = "staff", totp: bool = False, **fields: Any
) -> int:
    with app.app_context():
        user = accounts.create_user(username, PASSWORD, StaffRole(role))
        if totp:
            user.totp_secret = accounts.new_totp_secret()
        for key, value in fields.items():
            setattr(user, key, value)
        db.session.commit()
        return user.id


def totp_secret(app: Flask, staff_id: int) -> str:
    with app.app_context():
        user = db.session.get(StaffUser, staff_id)
        assert user is not None and user.totp_secret
        return user.totp_secret


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


class Console:
    """A staff member's browser: signed in, with the session's CSRF token on every post."""

    def __init__(self, app: Flask, client: FlaskClient, staff_id: int | None) -> None:
        self.app = app
        self.client = client
        self.staff_id = staff_id
        if staff_id is not None:
            self.sign_in()
        self.token = csrf_token(client)

    def sign_in(self) -> None:
        with self.app.app_context():
            user = db.session.get(StaffUser, self.staff_id)
            assert user is not None
            values = session_values(user)
        with self.client.session_transaction() as session:
            session.update(values)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)


def csrf_token(client: FlaskClient) -> str:
    page = client.get("/console/login").get_data(as_text=True)
    found = CSRF.search(page)
    assert found, "no CSRF token on the sign-in page"
    return found.group(1)


def escalation(
    app: Flask,
    phone: str = "+15551230001",
    risk: RiskLevel = RiskLevel.NONE,
    waited: timedelta = timedelta(minutes=5),
    language: str | None = "en",
    state: ConversationState = ConversationState.WAITING_FOR_STAFF,
    texts: tuple[str, ...] = ("I need help",),
    assigned_staff_id: int | None = None,
    **fields: Any,
) -> int:
    """A texter whose conversation waits for staff, as the webhook and bot would leave it."""
    with app.app_context():
        texter = db.session.query(Texter).filter_by(phone_hash=vault.lookup_hash(phone)).first()
        if texter is None:
            texter = Texter(phone_hash=vault.lookup_hash(phone), phone=phone, language=language)
        texter.last_inbound_at = utcnow()
        fields.setdefault("queued_at", utcnow() - waited)
        fields.setdefault("queue_reason", "consent")
        conversation = Conversation(
            texter=texter,
            state=state,
            risk=risk,
            language=language,
            assigned_staff_id=assigned_staff_id,
            **fields,
        )
        db.session.add(conversation)
        for text in texts:
            db.session.add(
                Message(
                    conversation=conversation,
                    direction=Direction.INBOUND,
                    author=Author.TEXTER,
                    body=text,
                    status="received",
                )
            )
        db.session.commit()
        return conversation.id


def get(app: Flask, model: type, ident: int) -> Any:
    with app.app_context():
        found = db.session.get(model, ident)
        if found is not None:
            db.session.expunge(found)
        return found
