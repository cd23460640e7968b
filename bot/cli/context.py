"""What the commands share: building Services (the CLI's composition root), finding
contacts and groups, texts given per language."""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import trail as audit
from bot.contacts.lookup import find_identity
from bot.core import config
from bot.services import Services
from bot.store import Contact, Group
from locales import LANGUAGES


def services() -> Services:
    """The one way a command gets Mashwara's parts: settings errors as a clean message."""
    try:
        return Services(config.load())
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from None


def contact_id(db: Session, given: str) -> int:
    """A contact by id (`42`) or phone number (`+93700000001`); a lookup by number is
    written to the audit trail (with the contact's id, never the number)."""
    if given.isdigit() and db.get(Contact, int(given)) is not None:
        return int(given)
    for channel in ("sms", "sim"):
        identity = find_identity(db, channel, given)
        if identity is not None:
            audit.record(db, audit.cli_actor(), "contact.lookup", "contact",
                         identity.contact_id, {"via": "cli", "found": 1})
            return identity.contact_id
    raise click.ClickException(f"no contact {given!r}: give a contact id or a phone number")


def group_id(db: Session, given: str) -> int:
    group = db.scalars(select(Group).where(Group.name == given)).first()
    if group is None and given.isdigit():
        group = db.get(Group, int(given))
    if group is None:
        raise click.ClickException(f"no group {given!r}; see `mashwara groups list`")
    return group.id


def texts(values: tuple[str, ...], default: str) -> dict:
    """`--title "Dand shura" --title "fa:شورای دند"` -> {"en": ..., "fa": ...}."""
    result = {}
    for value in values:
        code, sep, rest = value.partition(":")
        if sep and code in LANGUAGES:
            result[code] = rest.strip()
        else:
            result[default] = value.strip()
    return result
