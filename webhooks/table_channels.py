"""What the webhooks of the table's channels (Kannel, SMS Gateway) share: finding the
channel named in the URL and checking the URL's secret, and numbers in one form."""

from __future__ import annotations

import hmac
import re
from typing import TYPE_CHECKING

from flask import abort, current_app
from sqlalchemy.exc import DBAPIError

from bot.channels import table
from bot.channels.base import InboundMessage
from bot.contacts.linking import link_phone
from bot.core.clock import now
from webhooks.receive import receive

if TYPE_CHECKING:
    from bot.services import Services

ADDRESS = re.compile(r"^\+?[0-9]{3,20}$")


def services() -> Services:
    return current_app.extensions["mashwara"]


def channel(services: Services, kind: str, name: str, secret: str) -> table.ChannelConfig:
    """The channel, or 403 (unknown name, another kind, wrong secret: all alike)."""
    try:
        config = table.get(services.database, name)
    except table.ChannelError:
        abort(403)
    except DBAPIError:
        abort(503)
    if config.kind != kind or not hmac.compare_digest(config.secret.encode(),
                                                      secret.encode()):
        abort(403)
    return config


def international(address: str) -> str:
    """The sender as the gateway gave it, in the +country form our identities use when
    it is a full number (gateways often leave out the +); short codes stay as they are."""
    digits = address.strip().replace(" ", "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.isdigit() and len(digits) >= 10:
        digits = "+" + digits
    return digits


def own_id(external_id: str, prefix: str) -> int | None:
    """The row id in an external id we made ("k42", "mw-42"), or None."""
    rest = external_id.removeprefix(prefix)
    return int(rest) if rest != external_id and rest.isdigit() and len(rest) < 19 else None


def take(services: Services, config: table.ChannelConfig, message: InboundMessage) -> None:
    """Hands the message to the inbox. One number on several SMS channels is one person:
    the number joins the contact of that number. Raises StoreUnavailable or DBAPIError."""

    def link():
        link_phone(services.database, config.name, message.address, message.address, now())

    receive(services, message, before=link)
    table.seen(services.database, config.name, now(), inbound=True)
