"""Shared fixtures: the app on SQLite (and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from twilio.request_validator import RequestValidator

os.environ["HOTLINE_ENV"] = "testing"  # never read the developer's instance/ secrets

from tests.fakes import FakeEngine  # noqa: E402
from webhooks import create_app  # noqa: E402
from webhooks.config import database_url  # noqa: E402
from webhooks.crypto import generate_key, generate_secret  # noqa: E402
from webhooks.extensions import db  # noqa: E402

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
ENGINE_TOKEN = "test-engine-token"
KEYS = generate_key()
HASH_KEY = generate_secret()

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def settings_for_tests(database_uri: str, engine_url: str, **overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "HOTLINE_ENCRYPTION_KEYS": KEYS,
        "HOTLINE_HASH_KEY": HASH_KEY,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_ACCOUNT_SID": "",
        "HOTLINE_ENGINE_TOKEN": ENGINE_TOKEN,
        "RASA_URL": engine_url,
        "ACTION_SERVER_URL": engine_url,
        "RASA_TIMEOUT_SECONDS": 2.0,
        "SIMULATOR_ENABLED": True,
        "HOTLINE_PUBLIC_URL": "",
    }
    settings.update(overrides)
    return settings


@pytest.fixture
def fake_engine() -> Iterator[FakeEngine]:
    engine = FakeEngine()
    engine.start()
    yield engine
    engine.stop()


@pytest.fixture(params=DATABASES)
def database_uri(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "postgresql":
        return database_url(os.environ["TEST_DATABASE_URL"])
    return f"sqlite:///{tmp_path / 'hotline.db'}"


@pytest.fixture
def make_app(database_uri: str, fake_engine: FakeEngine) -> Iterator[Any]:
    created: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        app = create_app(settings_for_tests(database_uri, fake_engine.url, **overrides))
        with app.app_context():
            if database_uri.startswith("postgresql"):
                db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                db.session.commit()
            db.create_all()
        created.append(app)
        return app

    yield factory
    for app in created:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Any) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


class Phone:
    """A texter's phone: sends Twilio-signed webhooks, as Twilio would."""

    counter = 0

    def __init__(self, client: FlaskClient, number: str = "+15551234567") -> None:
        self.client = client
        self.number = number

    def send(self, body: str | None, *, sid: str | None = None, **extra: str) -> Any:
        Phone.counter += 1
        form = {
            "MessageSid": sid or f"SM{Phone.counter:032d}",
            "From": self.number,
            "To": "+15550001111",
            "AccountSid": "AC" + "0" * 32,
            **extra,
        }
        if body is not None:
            form["Body"] = body
        public = self.client.application.config["HOTLINE_PUBLIC_URL"]
        url = f"{public}/webhooks/twilio/sms" if public else None
        return signed_post(self.client, "/webhooks/twilio/sms", form, url=url)

    def replies(self, response: Any) -> list[str]:
        import xml.etree.ElementTree as ET

        assert response.status_code == 200, response.data
        return [m.text or "" for m in ET.fromstring(response.data).iter("Message")]


def signed_post(
    client: FlaskClient,
    path: str,
    form: dict[str, str],
    url: str | None = None,
    token: str = AUTH_TOKEN,
) -> Any:
    signature = RequestValidator(token).compute_signature(url or f"http://localhost{path}", form)
    response = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
    # As a WSGI server does once the reply is sent: runs the work queued for after it.
    response.close()
    return response


@pytest.fixture
def phone(client: FlaskClient) -> Phone:
    return Phone(client)
