"""Simulator routes: the page, sending a text as a phone would, reading the thread."""

from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET

from flask import abort, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from webhooks.extensions import db
from webhooks.models import Conversation, Message
from webhooks.services.texters import find_texter
from webhooks.simulator import bp

SIMULATOR_TO = "+15550100000"


@bp.get("/")
def page() -> ResponseReturnValue:
    return render_template("simulator/index.html")


@bp.post("/send")
def send() -> ResponseReturnValue:
    """Build Twilio's form, sign it with the auth token, post it to the real webhook."""
    data = request.get_json(silent=True) or {}
    phone = str(data.get("phone") or "").strip()
    if not phone:
        abort(400, description="phone is required")
    form = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": "AC" + "0" * 32,
        "From": phone,
        "To": SIMULATOR_TO,
        "Body": str(data.get("body") or ""),
        "NumMedia": "1" if data.get("media") else "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    if data.get("media"):
        form["MediaUrl0"] = "https://api.twilio.com/simulated-media.jpg"
        form["MediaContentType0"] = "image/jpeg"
    base = current_app.config["HOTLINE_PUBLIC_URL"] or request.host_url.rstrip("/")
    url = base + "/webhooks/twilio/sms"
    signature = RequestValidator(current_app.config["TWILIO_AUTH_TOKEN"]).compute_signature(
        url, form
    )
    with current_app.test_client() as client:
        response = client.post(
            "/webhooks/twilio/sms",
            data=form,
            headers={"X-Twilio-Signature": signature},
            base_url=request.host_url,
        )
    replies: list[str] = []
    if response.status_code == 200 and response.data:
        replies = [m.text or "" for m in ET.fromstring(response.data).iter("Message")]
    return jsonify(status=response.status_code, replies=replies, sid=form["MessageSid"])


@bp.post("/messages")
def messages() -> ResponseReturnValue:
    """The whole thread for one simulated phone (POST: numbers stay out of access logs)."""
    data = request.get_json(silent=True) or {}
    texter = find_texter(str(data.get("phone") or "").strip())
    if texter is None:
        return jsonify(messages=[])
    rows = db.session.scalars(
        select(Message)
        .join(Conversation)
        .where(Conversation.texter_id == texter.id)
        .order_by(Message.id)
    )
    return jsonify(
        messages=[
            {
                "id": m.id,
                "direction": m.direction.value,
                "author": m.author.value,
                "body": m.body,
                "status": m.status,
                "at": m.created_at.isoformat(timespec="seconds"),
            }
            for m in rows
        ]
    )
