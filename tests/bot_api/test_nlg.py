"""POST /bot/nlg: the engine's reply text, rendered from the catalogs."""

from __future__ import annotations

from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Conversation
from tests.conftest import ENGINE_TOKEN


def _nlg(client, response, sender="nobody", token=ENGINE_TOKEN, **arguments):
    return client.post(
        f"/bot/nlg?token={token}",
        json={
            "response": response,
            "arguments": arguments,
            "tracker": {"sender_id": sender, "slots": {}},
            "channel": {"name": "rest"},
        },
    )


def test_nlg_needs_the_engine_token(client):
    assert _nlg(client, "utter_greet", token="wrong").status_code == 403
    assert client.post("/bot/nlg", json={"response": "utter_greet"}).status_code == 403


def test_nlg_renders_english_with_the_configured_emergency_number(client):
    text = _nlg(client, "utter_greet").get_json()["text"]
    assert text.startswith("Hi, thanks for writing") and "911" in text and "{" not in text


def test_nlg_renders_in_the_conversations_language(app, client, phone):
    phone.send("hola, necesito ayuda por favor")
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        assert conversation.language == "es"
        sender = conversation.engine_id
    text = _nlg(client, "utter_danger", sender=sender).get_json()["text"]
    assert text.startswith("Si estás en peligro ahora, llama al 911")


def test_unknown_response_is_a_404(client):
    assert _nlg(client, "utter_does_not_exist").status_code == 404


def test_missing_response_name_is_a_400(client):
    assert client.post(f"/bot/nlg?token={ENGINE_TOKEN}", json={}).status_code == 400
