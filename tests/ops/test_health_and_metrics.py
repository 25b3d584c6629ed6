"""Liveness, readiness and the Prometheus endpoint (one process; tests/e2e covers gunicorn)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import OperationalError

from tests.conftest import Phone
from webhooks.extensions import db

TOKEN = "metrics-token-for-tests"
NUMBER = "+15557654321"
SECRET_WORDS = "my boss took my passport"


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError())

    monkeypatch.setattr(db.session, "execute", refuse)


def test_liveness_needs_nothing(client, database_down):
    assert client.get("/livez").status_code == 200


def test_readiness_needs_the_database_but_not_the_engine(make_app):
    # With the engine down the app still answers every texter (the safety reply), so it must
    # stay in the load balancer's pool.
    client = make_app(RASA_URL="http://127.0.0.1:9").test_client()
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json()["checks"] == {"database": "ok"}


def test_readiness_fails_without_the_database(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"].startswith("unavailable")


def test_metrics_are_not_served_without_a_token(make_app):
    client = make_app(HOTLINE_METRICS_TOKEN="").test_client()
    assert client.get("/metrics").status_code == 404
    guarded = make_app(HOTLINE_METRICS_TOKEN=TOKEN).test_client()
    assert guarded.get("/metrics").status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert guarded.get("/metrics", headers=wrong).status_code == 401


def _scrape(client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _value(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if match and (not labels or sorted((match.group(1) or "").split(",")) == wanted.split(",")):
            total += float(match.group(2))
    return total


def test_metrics_count_messages_engine_and_safety_replies(make_app, fake_engine):
    app = make_app(HOTLINE_METRICS_TOKEN=TOKEN)
    client = app.test_client()
    before = _scrape(client)
    phone = Phone(client, NUMBER)
    phone.send("hello")
    phone.send(SECRET_WORDS)
    fake_engine.status_code = 500  # the engine fails: safety reply, queued for staff
    phone.send("are you there")
    after = _scrape(client)

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert delta("hotline_messages_in_total") == 3
    assert delta("hotline_messages_out_total", author="bot", channel="twiml") == 2
    assert delta("hotline_messages_out_total", author="system", channel="twiml") == 1
    assert delta("hotline_engine_latency_seconds_count") == 3
    assert delta("hotline_engine_failures_total", reason="http_5xx") == 1
    assert delta("hotline_safety_replies_total", reason="engine_unavailable") == 1
    assert _value(after, "hotline_queue_length", state="waiting_for_staff", risk="none") == 1
    assert (
        _value(after, "hotline_queue_oldest_wait_seconds", state="waiting_for_staff", risk="none")
        >= 0
    )
    # Never a number or a text: not the texter's, not the words.
    assert NUMBER not in after and NUMBER[1:] not in after and "passport" not in after


@pytest.mark.parametrize("path", ["/livez", "/readyz"])
def test_health_endpoints_say_nothing_about_texters(client, path):
    assert set(client.get(path).get_json()) <= {"status", "checks"}
