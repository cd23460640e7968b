"""Channels as data: the SMS channels in the `channels` table, and what an organisation
needs to connect one (its inbound URLs; for Kannel, the `sms-service` group).

A channel's name is the channel on its identities and messages: a reply leaves through
the channel the person wrote to because the identity it goes to is that channel's. The
environment's channels (`sim`, `telegram`, `sms` for Twilio) keep their names, which a
table channel cannot take.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files

from sqlalchemy import delete, func, select, update

from bot.core.db import Database
from bot.store import ChannelKind, ChannelRow, ChannelState, Direction, Message, Status

KINDS = (ChannelKind.KANNEL, ChannelKind.SMSGATE)
RESERVED = ("sim", "telegram", "sms", "whatsapp")
NAME = re.compile(r"^[a-z][a-z0-9-]{0,15}$")
PREFIX = re.compile(r"^\+?[0-9]{1,8}$")
# Delivery reports asked of Kannel: 1 delivered, 2 undelivered, 8 accepted by the SMSC,
# 16 rejected by the SMSC (4, "buffered", says nothing we keep).
KANNEL_DLR_MASK = 1 | 2 | 8 | 16


class ChannelError(ValueError):
    """A channel that cannot be added or found, said for the person who typed it; `field`
    names the setting at fault (the CLI option, the form field, the API property)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ChannelConfig:
    kind: str
    name: str
    url: str
    username: str | None
    password: str | None
    secret: str
    signing_key: str | None
    sender: str | None
    rate: float
    prefixes: tuple[str, ...]
    enabled: bool
    state: str
    state_at: dt.datetime | None = None

    @classmethod
    def of(cls, row: ChannelRow) -> ChannelConfig:
        return cls(kind=row.kind, name=row.name, url=row.url, username=row.username,
                   password=row.password, secret=row.secret,
                   signing_key=row.signing_key, sender=row.sender,
                   rate=row.rate, prefixes=tuple(row.prefixes or ()), enabled=row.enabled,
                   state=row.state, state_at=row.state_at)


@cache
def operators() -> dict:
    """The shipped operator prefixes (bot/channels/prefixes.json), by country and
    operator: {"af": {"roshan": {"name": ..., "prefixes": [...]}}}."""
    data = json.loads(files("bot.channels").joinpath("prefixes.json").read_text("utf-8"))
    return {country: ops for country, ops in data.items() if not country.startswith("_")}


def normal_prefixes(prefix: str) -> list[str]:
    """"+93 79" -> ["+9379"]; an operator from the shipped list ("af:roshan") -> its
    prefixes."""
    country, colon, operator = prefix.strip().lower().partition(":")
    if colon:
        found = operators().get(country, {}).get(operator)
        if found is None:
            raise ChannelError(f"no operator {prefix!r} in the shipped list (country:name, "
                               f"e.g. af:roshan, ye:sabafon, ma:inwi)", "prefixes")
        return list(found["prefixes"])
    digits = prefix.replace(" ", "").replace("-", "")
    if not PREFIX.match(digits):
        raise ChannelError(f"a prefix is digits, with or without +: {prefix!r}", "prefixes")
    return ["+" + digits.lstrip("+")]


def route(channels: list[ChannelConfig], address: str, exclude: tuple[str, ...] = ()
          ) -> str | None:
    """The channel for `address` among enabled, working ones: the longest prefix that
    matches, else a channel that takes all numbers (no prefixes); None if none."""
    best: tuple[int, str] | None = None
    for config in channels:
        if not config.enabled or config.state != ChannelState.UP or config.name in exclude:
            continue
        lengths = [len(p) for p in config.prefixes if address.startswith(p)]
        if not config.prefixes:
            lengths = [0]
        if lengths and (best is None or max(lengths) > best[0]):
            best = (max(lengths), config.name)
    return best[1] if best else None


def add(database: Database, kind: str, name: str, url: str, *, username: str | None = None,
        password: str | None = None, sender: str | None = None, rate: float = 1.0,
        prefixes: tuple[str, ...] = (), signing_key: str | None = None,
        at: dt.datetime) -> ChannelConfig:
    if kind not in KINDS:
        raise ChannelError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}", "kind")
    if not NAME.match(name) or name in RESERVED:
        raise ChannelError("a name is 1-16 lower-case letters, digits or '-', starting with a "
                           f"letter, and not one of {', '.join(RESERVED)}", "name")
    if not url.startswith(("http://", "https://")):
        raise ChannelError("the url is where Mashwara sends: an http:// or https:// address",
                           "url")
    _check_rate(rate)
    if sender is not None and not 0 < len(sender) <= 32:
        raise ChannelError("the sender (from) is at most 32 characters", "from")
    cleaned = _prefixes(prefixes)
    with database.write() as db:
        if db.scalar(select(ChannelRow.id).where(ChannelRow.name == name)) is not None:
            raise ChannelError(f"there is already a channel named {name}", "name")
        row = ChannelRow(kind=kind, name=name, url=url, username=username, password=password,
                         secret=secrets.token_urlsafe(24), sender=sender, rate=rate,
                         signing_key=signing_key or (secrets.token_urlsafe(24)
                                                     if kind == ChannelKind.SMSGATE else None),
                         prefixes=cleaned, enabled=True, state=ChannelState.UP,
                         created_at=at)
        db.add(row)
        db.flush()
        return ChannelConfig.of(row)


def _check_rate(rate: float) -> None:
    if not 0 < rate <= 1000:
        raise ChannelError("the rate is SMS per second, above 0 and at most 1000", "rate")


def _prefixes(given: tuple[str, ...]) -> list[str] | None:
    """"+93 79, af:roshan" as typed, once or repeated -> the prefixes, or None for all."""
    flat = [p.strip() for one in given for p in one.split(",") if p.strip()]
    return [one for p in flat for one in normal_prefixes(p)] or None


def change(database: Database, name: str, *, rate: float | None = None,
           prefixes: tuple[str, ...] | None = None) -> ChannelConfig:
    """A new pace or new prefixes (an empty tuple: all numbers)."""
    values: dict = {}
    if rate is not None:
        _check_rate(rate)
        values["rate"] = rate
    if prefixes is not None:
        values["prefixes"] = _prefixes(prefixes)
    get(database, name)
    if values:
        with database.write() as db:
            db.execute(update(ChannelRow).where(ChannelRow.name == name).values(**values))
    return get(database, name)


def all_channels(database: Database, enabled_only: bool = False) -> list[ChannelConfig]:
    query = select(ChannelRow).order_by(ChannelRow.name)
    if enabled_only:
        query = query.where(ChannelRow.enabled.is_(True))
    with database.read() as db:
        return [ChannelConfig.of(row) for row in db.scalars(query)]


def sending_setup(database: Database) -> frozenset[ChannelConfig]:
    """What the senders are built from: the enabled channels and their settings, not
    their state (which routing changes as sends fail and succeed)."""
    return frozenset(replace(config, state="", state_at=None)
                     for config in all_channels(database, enabled_only=True))


def get(database: Database, name: str) -> ChannelConfig:
    with database.read() as db:
        row = db.scalars(select(ChannelRow).where(ChannelRow.name == name)).first()
        if row is None:
            raise ChannelError(f"no channel named {name!r}", "name")
        return ChannelConfig.of(row)


def set_state(database: Database, name: str, state: str, at: dt.datetime) -> None:
    with database.write() as db:
        db.execute(update(ChannelRow).where(ChannelRow.name == name)
                   .values(state=state, state_at=at))


def set_enabled(database: Database, name: str, enabled: bool) -> None:
    get(database, name)
    with database.write() as db:
        db.execute(update(ChannelRow).where(ChannelRow.name == name).values(enabled=enabled))


def remove(database: Database, name: str) -> None:
    """The channel goes; its identities and messages stay (the people remain reachable
    by another channel, and the history is the history)."""
    get(database, name)
    with database.write() as db:
        db.execute(delete(ChannelRow).where(ChannelRow.name == name))


def seen(database: Database, name: str, at: dt.datetime, inbound: bool) -> None:
    column = "last_in_at" if inbound else "last_out_at"
    with database.write() as db:
        db.execute(update(ChannelRow).where(ChannelRow.name == name).values({column: at}))


def base_path(config: ChannelConfig) -> str:
    """The secret part makes the URL unguessable: whoever knows it can post messages as
    this channel's SMSC, so it is shown only to administrators."""
    return f"/webhooks/{config.kind}/{config.name}/{config.secret}"


def inbound_urls(config: ChannelConfig, public_url: str) -> dict[str, str]:
    base = public_url.rstrip("/") + base_path(config)
    if config.kind == ChannelKind.KANNEL:
        return {
            "receive": base + "/receive?from=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I",
            # Sent by Mashwara with each message as its dlr-url (id and %d added then).
            "status": base + "/status",
        }
    return {"events": base + "/events"}


def kannel_service_group(config: ChannelConfig, public_url: str) -> str:
    """The `sms-service` group to paste into kannel.conf: every message the SMSC brings
    (catch-all) goes to this channel's receive URL, and nothing is answered from there
    (replies come back through sendsms, at the channel's pace)."""
    url = inbound_urls(config, public_url)["receive"]
    return "\n".join([
        "group = sms-service",
        "keyword = default",
        "catch-all = true",
        f'get-url = "{url}"',
        "max-messages = 0",
        "omit-empty = true",
        "concatenation = true",
        "",
    ])


@dataclass(frozen=True)
class ChannelStatus:
    """What the dashboard shows of a channel: its state, its last message in and out,
    and how many messages wait for it. Never its URL or secrets."""

    name: str
    kind: str
    enabled: bool
    state: str
    rate: float
    prefixes: tuple[str, ...]
    last_in_at: dt.datetime | None
    last_out_at: dt.datetime | None
    queued: int


def overview(database: Database) -> list[ChannelStatus]:
    result = []
    with database.read() as db:
        for row in db.scalars(select(ChannelRow).order_by(ChannelRow.name)):
            mine = (Message.channel == row.name, Message.direction == Direction.OUT)
            last_out = db.scalar(select(func.max(Message.sent_at)).where(*mine))
            queued = db.scalar(select(func.count()).select_from(Message).where(
                *mine, Message.status.in_((Status.QUEUED, Status.SENDING))))
            result.append(ChannelStatus(row.name, row.kind, row.enabled, row.state, row.rate,
                                        tuple(row.prefixes or ()), row.last_in_at, last_out,
                                        queued or 0))
    return result
