"""Endpoints the bot engine calls: NLG (reply text in the conversation's language)."""

from flask import Blueprint

bp = Blueprint("bot_api", __name__, url_prefix="/bot")

from hotline.bot_api import routes  # noqa: E402,F401
