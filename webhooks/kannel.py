"""Kannel: one channel's SMS in (smsbox's `sms-service` get-url) and its delivery reports
(the `dlr-url` each sendsms carried), on URLs with the channel's secret in the path.

GET /webhooks/kannel/<name>/<secret>/receive?from=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I
GET /webhooks/kannel/<name>/<secret>/status?id=k<message id>&type=%d

The text comes as Kannel's raw bytes (%b, URL-encoded) with their coding: UCS-2 as
UTF-16BE, the others in the charset Kannel names. A wrong secret or an unknown channel is
a 403; a message without a sender is a 400; the answer to a message is empty (Kannel
sends nothing back from it: replies go through sendsms at the channel's pace).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import DBAPIError

from bot.channels.base import InboundMessage
from bot.core.clock import now
from bot.pipeline.receipts import record_receipt
from bot.store import Status
from webhooks import table_channels as shared
from webhooks.receive import StoreUnavailable

log = logging.getLogger(__name__)
blueprint = Blueprint("kannel", __name__, url_prefix="/webhooks/kannel")

UCS2 = "2"
MAX_TEXT = 4000
# Kannel's report types (the bits of dlr-mask) -> our statuses.
REPORTS = {"1": Status.DELIVERED, "2": Status.UNDELIVERED, "8": Status.SENT,
           "16": Status.FAILED}


def _raw_args() -> dict[str, bytes]:
    """The query's values as bytes: %b is the message's own octets, not UTF-8."""
    pairs = parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True,
                      encoding="latin-1")
    return {key: value.encode("latin-1") for key, value in pairs}


def decode(data: bytes, coding: str, charset: str) -> str:
    if coding == UCS2 or charset.upper().replace("-", "") in ("UTF16BE", "UCS2"):
        return data.decode("utf-16-be", errors="replace")
    for name in (charset or "UTF-8", "UTF-8"):
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


@blueprint.route("/<name>/<secret>/receive", methods=["GET", "POST"])
def receive_sms(name: str, secret: str):
    services = shared.services()
    config = shared.channel(services, "kannel", name, secret)
    args = _raw_args()
    sender = shared.international(args.get("from", b"").decode("latin-1"))
    if not shared.ADDRESS.match(sender):
        abort(400)
    coding = args.get("coding", b"").decode("latin-1")
    charset = args.get("charset", b"").decode("latin-1")
    text = decode(args.get("text", b""), coding, charset)[:MAX_TEXT]
    kannel_id = args.get("id", b"").decode("latin-1")[:64] or None
    message = InboundMessage(channel=config.name, address=sender, text=text,
                             external_id=kannel_id)
    try:
        shared.take(services, config, message)
    except (StoreUnavailable, DBAPIError):
        return Response("", status=503)
    return Response("", status=200, mimetype="text/plain")


@blueprint.route("/<name>/<secret>/status", methods=["GET", "POST"])
def status(name: str, secret: str):
    services = shared.services()
    config = shared.channel(services, "kannel", name, secret)
    message_id, kind = request.args.get("id", ""), request.args.get("type", "")
    if not message_id or not kind.isdigit():
        abort(400)
    state = REPORTS.get(kind)
    if state is None:  # "buffered" and the like: nothing to keep
        return Response("", status=204)
    try:
        record_receipt(services.database, config.name, message_id[:64], state, None, now(),
                       message_id=shared.own_id(message_id, "k"))
    except DBAPIError:
        return Response("", status=503)
    return Response("", status=204)
