"""The engine's REST channel: Rasa's, plus the one verdict of its NLU that the app acts on.

The app asks the engine at ``POST /webhooks/rest/webhook`` with ``{"sender", "message",
"metadata"}`` and gets the bot's structured payloads back (webhooks/services/dialogue.py), as
from Rasa's own REST channel. One thing the app must also know is not a bot message: that the
NLU put ``report_danger`` first and the danger gate set it aside (bot/components/danger_gate.py).
The app gives such a text the number first with its usual answer (the line for the unsure),
without the danger path. So this channel parses the message itself before handing it on (Rasa
then uses that parse instead of parsing again: the NLU runs once) and, when the parse says so,
adds ``{"custom": {"do": "danger_unsure"}}`` after the bot's payloads.

Unlike Rasa's channel it answers 400 to a request without a sender or a message, and it never
logs the texter's words. Streaming (``?stream=true``) is not offered: the app does not use it.

Runs inside the Rasa engine (Python 3.10, rasa==3.6.21), named in bot/credentials.yml.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from components.danger_gate import SET_ASIDE_KEY
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)
UNSURE = {"do": "danger_unsure"}


class HotlineRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"  # the same address as Rasa's REST channel: /webhooks/rest/webhook

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("hotline_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.json(
                    {"error": "a sender and a message, both strings, are required"}, status=400
                )
            metadata = body.get("metadata")
            collector = CollectingOutputChannel()
            message = UserMessage(
                text,
                collector,
                sender,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else None,
            )
            agent = request.app.ctx.agent
            set_aside = None
            try:
                if agent is not None and agent.is_ready():
                    # Parsed here, used by Rasa as is (MessageProcessor skips its own parse).
                    message.parse_data = await agent.processor.parse_message(message)
                    set_aside = message.parse_data.get(SET_ASIDE_KEY)
                await on_new_message(message)
            except CancelledError:
                log.error("handling a message timed out (sender %s)", sender)
            except Exception as exc:  # what Rasa's channel does: answer with what was said
                log.exception("handling a message failed (sender %s): %s", sender, type(exc))
            messages = list(collector.messages)
            # Only with the bot's answer: nothing at all tells the app the engine failed.
            if messages and set_aside is not None:
                messages.append({"recipient_id": sender, "custom": dict(UNSURE)})
            return response.json(messages)

        return webhook
