"""What every webhook does once it has an InboundMessage: record it (committed before
the provider gets its answer), then process it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError

from bot.channels.base import InboundMessage
from bot.inbox import Receipt
from bot.services import Services

log = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """The store cannot take the message: answer 503 so the provider retries."""


def record(services: Services, message: InboundMessage, keep_only: bool = False) -> Receipt:
    try:
        return services.inbox.record(message, keep_only=keep_only)
    except DBAPIError as error:
        raise StoreUnavailable() from error


def receive(services: Services, message: InboundMessage, keep_only: bool = False,
            before: Callable[[], None] | None = None) -> Receipt:
    """Records, runs `before` (linking a shared phone, say), then processes. A failure
    after recording is the inbox's to retry: the message is safe in the store."""
    receipt = record(services, message, keep_only)
    if receipt.duplicate or keep_only:
        return receipt
    try:
        if before is not None:
            before()
        services.inbox.process(receipt.message_id)
    except DBAPIError:
        # Recorded, so acknowledged: the worker's retry-inbound tick processes it later.
        log.warning("message %s recorded; processing left to the worker", receipt.message_id)
    return receipt
