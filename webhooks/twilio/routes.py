"""Inbound SMS and delivery status. Thin: the message path lives in services.inbound."""

from __future__ import annotations

from flask import Response, abort, current_app, request
from twilio.twiml.messaging_response import MessagingResponse

from webhooks.metrics import MESSAGES_OUT
from webhooks.services import erasure
from webhooks.services.delivery import record_status, status_callback_url
from webhooks.services.inbound import InboundSms, receive_sms
from webhooks.twilio import bp
from webhooks.twilio.signature import validate_twilio_request


def _twiml(response: MessagingResponse) -> Response:
    return Response(str(response), mimetype="application/xml")


def _status_callback(message_id: int) -> str:
    base = current_app.config["HOTLINE_PUBLIC_URL"] or request.host_url.rstrip("/")
    return status_callback_url(message_id, base)


@bp.post("/sms")
@validate_twilio_request
def inbound_sms() -> Response:
    sid = request.form.get("MessageSid") or request.form.get("SmsSid")
    sender = request.form.get("From")
    if not sid or not sender:
        abort(400, description="MessageSid and From are required")
    try:
        num_media = max(0, int(request.form.get("NumMedia", "0") or 0))
    except ValueError:
        abort(400, description="NumMedia must be a number")
    outcome = receive_sms(
        InboundSms(
            sid=sid, from_number=sender, body=request.form.get("Body", ""), num_media=num_media
        )
    )
    twiml = MessagingResponse()
    for message in outcome.replies:
        twiml.message(message.body, action=_status_callback(message.id), method="POST")
        MESSAGES_OUT.labels(message.author.value, "twiml").inc()
    for text in outcome.unstored_replies:
        twiml.message(text)
        MESSAGES_OUT.labels("system", "twiml").inc()
    response = _twiml(twiml)
    # Pending erasures (engine trackers, Twilio's copies) are worked after the reply is sent.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    response.call_on_close(lambda: erasure.work_after_response(app))
    return response


@bp.post("/status")
@validate_twilio_request
def delivery_status() -> tuple[str, int]:
    status = request.form.get("MessageStatus") or request.form.get("SmsStatus")
    sid = request.form.get("MessageSid") or request.form.get("SmsSid")
    if not status or not sid:
        abort(400, description="MessageSid and MessageStatus are required")
    message_id = request.args.get("m", type=int)
    record_status(sid, status, request.form.get("ErrorCode"), message_id)
    return "", 204
