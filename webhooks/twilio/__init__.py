"""Twilio's webhooks: inbound SMS and delivery status, every request signature-checked."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks/twilio")

from webhooks.twilio import routes  # noqa: E402,F401
