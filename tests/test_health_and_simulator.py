"""GET /healthz and the local SMS simulator."""

from __future__ import annotations

from sqlalchemy import select

from tests.fakes import english
from webhooks.extensions import db
from webhooks.models import Author, Conversation
from webhooks.services.outbound import send_text


def test_health_is_200_when_everything_is_ready(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "engine": "ok", "actions": "ok"}


def test_health_is_503_while_the_engine_is_down(make_app):
    client = make_app(
        RASA_URL="http://127.0.0.1:9", ACTION_SERVER_URL="http://127.0.0.1:9"
    ).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"] == "ok" and checks["engine"].startswith("unavailable")


def test_simulator_texts_through_the_signed_webhook(app, client, fake_engine):
    assert client.get("/simulator/").status_code == 200
    sent = client.post("/simulator/send", json={"phone": "+15550102030", "body": "hello"})
    assert sent.get_json()["status"] == 200
    assert sent.get_json()["replies"] == [english("utter_about")]
    assert fake_engine.messages[0]["message"] == "hello"


def test_simulator_shows_the_thread_and_the_outbox(app, client):
    client.post("/simulator/send", json={"phone": "+15550102030", "body": "hello"})
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        send_text(conversation, "This is Ana from the team.", Author.STAFF)
        db.session.commit()
    thread = client.post("/simulator/messages", json={"phone": "+15550102030"}).get_json()
    bodies = [(m["author"], m["body"], m["status"]) for m in thread["messages"]]
    assert bodies[0][:2] == ("texter", "hello")
    assert ("staff", "This is Ana from the team.", "simulated") in bodies


def test_simulator_media_message(client):
    sent = client.post("/simulator/send", json={"phone": "+15550102031", "body": "", "media": True})
    assert "only read text" in sent.get_json()["replies"][0]
