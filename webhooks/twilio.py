"""Twilio: POST /webhooks/twilio/sms (inbound SMS) and /webhooks/twilio/status
(delivery receipts).

The X-Twilio-Signature is checked with Twilio's RequestValidator on the URL Twilio
called: MASHWARA_PUBLIC_URL plus the path (and query). Behind a reverse proxy the
address we see is not the one Twilio signed, which is why the public URL is set
rather than taken from the request. Inbound messages are answered with empty TwiML:
replies go through the outbox, at the sender's pace.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy.exc import DBAPIError
from twilio.request_validator import RequestValidator

from bot.channels.base import InboundMessage
from bot.core.clock import now
from bot.pipeline.receipts import record_receipt
from webhooks.receive import StoreUnavailable, receive

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
CHANNEL = "sms"
OPTED_OUT = "21610"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_MEDIA = 10  # Twilio sends at most ten media items with one message

blueprint = Blueprint("twilio", __name__, url_prefix="/webhooks/twilio")


def _services() -> Services:
    return current_app.extensions["mashwara"]


def _verify(services: Services) -> None:
    token = services.settings.twilio_auth_token
    signature = request.headers.get("X-Twilio-Signature", "")
    base = services.settings.public_url.rstrip("/") or request.host_url.rstrip("/")
    query = request.query_string.decode()
    url = base + request.path + (f"?{query}" if query else "")
    if not token or not signature or not RequestValidator(token).validate(
        url, request.form, signature
    ):
        abort(403)


def _media(form) -> tuple[dict, ...]:
    count = min(int(form.get("NumMedia", "0") or 0), MAX_MEDIA)
    return tuple(
        {"type": "media", "url": form[f"MediaUrl{i}"],
         "content_type": form.get(f"MediaContentType{i}")}
        for i in range(count) if form.get(f"MediaUrl{i}")
    )


@blueprint.post("/sms")
def sms():
    services = _services()
    _verify(services)
    form = request.form
    sid, sender = form.get("MessageSid") or form.get("SmsSid"), form.get("From")
    if not sid or not sender:
        abort(400)
    if ":" in sender:  # "whatsapp:+93...", "messenger:...": Twilio refuses an SMS answer
        log.info("twilio %s message %s acknowledged, not answered: no such channel here",
                 "".join(filter(str.isalnum, sender.split(":", 1)[0]))[:16], sid[:40])
        return Response(EMPTY_TWIML, mimetype="text/xml")
    try:
        media = _media(form)
    except ValueError:
        abort(400)
    message = InboundMessage(channel=CHANNEL, address=sender, text=form.get("Body", ""),
                             external_id=sid, attachments=media)
    try:
        receive(services, message)
    except StoreUnavailable:
        return Response(EMPTY_TWIML, status=503, mimetype="text/xml")
    return Response(EMPTY_TWIML, mimetype="text/xml")


@blueprint.post("/status")
def status():
    services = _services()
    _verify(services)
    form = request.form
    sid, state = form.get("MessageSid"), form.get("MessageStatus")
    if not sid or not state:
        abort(400)
    code = form.get("ErrorCode") or None
    try:
        # Like the peer gateways, an opt-out stops the `To` number whatever the sid.
        record_receipt(services.database, CHANNEL, sid, state, code, now(),
                       stops=code == OPTED_OUT, recipient=form.get("To") or None)
    except DBAPIError:
        return Response("", status=503)
    return Response("", status=204)
