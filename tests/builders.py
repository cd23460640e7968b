"""Builders for test objects, named for what they make."""

from __future__ import annotations

import contextlib
import itertools
import uuid

from bot.channels.base import InboundMessage
from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.core.config import Settings
from bot.pipeline.simulator import Simulator
from bot.services import Services
from bot.store import ContactStatus

_numbers = itertools.count(1)


def phone() -> str:
    return f"+9370{next(_numbers):07d}"


def make_contact(services: Services, *, lang: str = "en", registered: bool = True,
                 channel: str = "sim", address: str | None = None, name: str | None = "Test",
                 province: str = "kabul", role: str = "member"):
    """A contact with one identity; registered unless told otherwise. Returns the identity
    (its `contact_id` names the contact) and the address."""
    address = address or phone()
    with services.database.write() as db:
        identity = identify(db, channel, address, now(), lang)
        contact = identity.contact
        contact.language = lang
        if registered:
            contact.status = ContactStatus.ACTIVE
            contact.name, contact.province, contact.district, contact.role = (
                name, province, "Dand", role)
            contact.consent_at = contact.registered_at = now()
        db.flush()
        return identity.contact_id, identity.id, address


def inbound(text: str = "", *, channel: str = "sim", address: str | None = None,
            external_id: str | None = None, **extra) -> InboundMessage:
    return InboundMessage(channel=channel, address=address or phone(), text=text,
                          external_id=external_id or f"test-{uuid.uuid4().hex}", **extra)


def chat(services: Services, lang: str | None = None, address: str | None = None) -> Simulator:
    """A person on the simulator channel: `.say(text)` returns the replies as text."""
    return Simulator(services, address or phone(), language=lang)


def web_app(services: Services):
    """The Flask app over `services`, in testing mode."""
    from bot.app import create_app

    application = create_app(services=services)
    application.config["TESTING"] = True
    return application


@contextlib.contextmanager
def running(settings: Settings):
    """Services on `settings`, closed down (dispatcher loop, connections) afterwards."""
    built = Services(settings)
    try:
        yield built
    finally:
        if "dispatcher" in built.__dict__:
            built.dispatcher.close()
        built.database.dispose()
