"""A local phone: text the bot through the same signed webhook, see replies and the outbox.

Registered only when no Twilio account is configured (never in production).
"""

from flask import Blueprint

bp = Blueprint("simulator", __name__, url_prefix="/simulator")

from webhooks.simulator import routes  # noqa: E402,F401
