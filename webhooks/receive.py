"""What every webhook does once it has an InboundMessage: hand it to the inbox, and
answer 503 when the store cannot take it, so the provider delivers it again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from bot.channels.base import InboundMessage
from bot.pipeline.inbox import Receipt

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """The store cannot take the message: answer 503 so the provider retries."""


def receive(services: Services, message: InboundMessage, keep_only: bool = False,
            before: Callable[[], None] | None = None) -> Receipt:
    """Records and processes the message in one transaction. With `keep_only` it is
    only logged; with `before` (linking a shared phone), it is recorded, `before` runs,
    then it is processed: a failure after recording is the worker's to retry."""
    try:
        if before is None and not keep_only:
            return services.inbox.receive(message)
        receipt = services.inbox.record(message, keep_only=keep_only)
    except DBAPIError as error:
        raise StoreUnavailable() from error
    if receipt.duplicate or keep_only:
        return receipt
    try:
        before()
        services.inbox.process(receipt.message_id)
    except DBAPIError:
        log.warning("message %s recorded; processing left to the worker", receipt.message_id)
    return receipt
