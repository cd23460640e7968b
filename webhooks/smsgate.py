"""SMS Gateway for Android: the events of one channel's phone, on a URL with the
channel's secret in the path, registered by `mashwara channels add`.

POST /webhooks/smsgate/<name>/<secret>/events

Every request is signed as the gateway documents: `X-Signature` is the hex HMAC-SHA256,
under the channel's signing key, of the raw body followed by `X-Timestamp` (Unix
seconds). A bad signature, or a timestamp more than five minutes away, is a 403 (an
old request replayed). `sms:received` is an SMS in; its `messageId` is made from the
content and is not unique (the same words from the same person twice have one id),
so the event's own `id`, the same on every retry of that event, is what makes a
delivery again a duplicate. `sms:sent`, `sms:delivered` and `sms:failed` are the
states of a message we sent (its `messageId` is the id we gave it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import DBAPIError

from bot.channels.base import InboundMessage
from bot.core.clock import now
from bot.pipeline.receipts import record_receipt
from bot.store import Status
from webhooks import table_channels as shared
from webhooks.receive import StoreUnavailable

log = logging.getLogger(__name__)
blueprint = Blueprint("smsgate", __name__, url_prefix="/webhooks/smsgate")

WINDOW = 300  # seconds a signed request stays good
MAX_TEXT = 4000
STATES = {"sms:sent": Status.SENT, "sms:delivered": Status.DELIVERED,
          "sms:failed": Status.FAILED}


def signature(key: str, body: bytes, timestamp: str) -> str:
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def _verify(key: str | None, body: bytes) -> None:
    given, timestamp = request.headers.get("X-Signature", ""), request.headers.get(
        "X-Timestamp", "")
    if not key or not given or not timestamp.isdigit():
        abort(403)
    if not hmac.compare_digest(signature(key, body, timestamp), given.lower()):
        abort(403)
    if abs(time.time() - int(timestamp)) > WINDOW:
        abort(403)


@blueprint.post("/<name>/<secret>/events")
def events(name: str, secret: str):
    services = shared.services()
    config = shared.channel(services, "smsgate", name, secret)
    body = request.get_data(cache=False)
    _verify(config.signing_key, body)
    try:
        event = json.loads(body)
    except ValueError:
        abort(400)
    if not isinstance(event, dict) or not isinstance(event.get("payload"), dict):
        abort(400)
    kind, payload, event_id = event.get("event"), event["payload"], event.get("id")
    try:
        if kind == "sms:received":
            return _received(services, config, payload, event_id)
        if kind in STATES:
            message_id = payload.get("messageId")
            if not isinstance(message_id, str) or not message_id:
                abort(400)
            record_receipt(services.database, config.name, message_id[:64], STATES[kind],
                           None, now(), message_id=shared.own_id(message_id, "mw-"))
            return Response("", status=204)
    except (StoreUnavailable, DBAPIError):
        return Response("", status=503)  # the gateway retries with backoff
    log.info("smsgate %s: event %s ignored", config.name, str(kind)[:32])
    return Response("", status=204)


def _received(services, config, payload: dict, event_id) -> Response:
    sender, text = payload.get("phoneNumber"), payload.get("message")
    if not isinstance(event_id, str) or not event_id or not isinstance(sender, str) \
            or not isinstance(text, str):
        abort(400)
    address = shared.international(sender)
    if not shared.ADDRESS.match(address):
        abort(400)
    message = InboundMessage(channel=config.name, address=address, text=text[:MAX_TEXT],
                             external_id=f"e{event_id[:60]}")
    shared.take(services, config, message)
    return Response("", status=204)
