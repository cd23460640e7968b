"""POST /webhooks/telegram: Telegram updates in, InboundMessages to the inbox.

The secret header is compared in constant time. A body that is not an update is a
400; an update of a shape we do not use is a 200 and a log line, so Telegram does
not hold back the updates behind it; a store that is down is a 503, so Telegram
delivers the update again. A callback query is answered in the webhook's reply (a
Bot API method call in the response body), so the button's spinner stops.
"""

from __future__ import annotations

import hmac
import logging
import re
from typing import TYPE_CHECKING

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy.exc import DBAPIError

from bot.contacts.linking import link_phone
from bot.contacts.reachability import set_blocked
from bot.core.clock import now
from webhooks.receive import StoreUnavailable, receive
from webhooks.telegram_updates import CHANNEL, Translated, translate

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)
MISSING = re.compile(r"(\w+)\.__init__\(\) missing \d+ required [\w ]*arguments?: ([\w', ]+)")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # a header name  # nosec B105

blueprint = Blueprint("telegram", __name__)


@blueprint.post("/webhooks/telegram")
def webhook():
    services: Services = current_app.extensions["mashwara"]
    _verify(services.settings.telegram_webhook_secret)
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        abort(400)
    try:
        answer = handle_update(services, data)
    except StoreUnavailable:
        return jsonify(ok=False), 503
    return jsonify(answer or {})


def _verify(secret: str) -> None:
    given = request.headers.get(SECRET_HEADER, "")
    if not secret:
        log.warning("a Telegram update arrived but TELEGRAM_WEBHOOK_SECRET is not set")
        abort(403)
    if not hmac.compare_digest(given.encode(), secret.encode()):
        abort(403)


def handle_update(services: Services, data: dict) -> dict | None:
    """Handles one update (from the webhook or from polling). Returns the Bot API call
    to make in answer, if any: {"method": "answerCallbackQuery", ...}."""
    try:
        translated = translate(data)
    except Exception as error:  # the update's shape is not what PTB knows: nothing to retry
        log.warning("telegram update %s could not be parsed: %s", data.get("update_id"),
                    why(error))
        translated = Translated(ignored="unparsable")
    if translated.filled:
        log.info("telegram update %s lacked %s; filled in", data.get("update_id"),
                 ", ".join(translated.filled[:8]))
    if translated.ignored:
        log.info("telegram update %s ignored: %s", data.get("update_id"), translated.ignored)
    try:
        _apply(services, translated)
    except DBAPIError as error:
        raise StoreUnavailable() from error
    if translated.callback_query_id:
        return {"method": "answerCallbackQuery", "callback_query_id": translated.callback_query_id}
    return None


def why(error: Exception) -> str:
    """What was wrong, without the values: PTB names the object and the missing field
    ("User.__init__() missing 1 required positional argument: 'is_bot'")."""
    found = MISSING.search(str(error)) if isinstance(error, TypeError) else None
    if found:
        return f"{found.group(1)} lacks {found.group(2)}"
    return type(error).__name__


def _apply(services: Services, translated: Translated) -> None:
    if translated.membership is not None:
        address, blocked = translated.membership
        set_blocked(services.database, CHANNEL, address, blocked, now())
    message = translated.message
    if message is None:
        return

    def link():
        link_phone(services.database, CHANNEL, message.address, translated.phone, now())

    receive(services, message, keep_only=not translated.process,
            before=link if translated.phone else None)
