"""Routing bulk SMS between channels: a tick that keeps each table channel's state and
moves waiting bulk messages off a channel that cannot send them.

A reply leaves through the channel the person wrote to (its identity's channel) and
waits for it. Bulk messages (broadcasts, invitations, reminders) go to the person's
last channel (`notify.preferred_identity`); this tick moves them when that channel
cannot carry them: a table channel that is down (its last FAILING_IN_A_ROW sends all
waiting to be tried again: the phone offline, the link broken), disabled or removed,
or the environment's `sms` channel where Twilio is not configured. They go to the
channel the routing rules choose for the number (the longest matching prefix, else a
channel that takes all numbers), every waiting bulk message of that person at once, so
their order is kept. A channel is up again as soon as a send through it succeeds.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from bot.channels import table
from bot.contacts.lookup import find_identity
from bot.core.clock import now
from bot.core.crypto import keyring
from bot.core.db import insert_ignore
from bot.core.ticks import Tick
from bot.store import ChannelState, Direction, Identity, Message, Priority, Status

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

FAILING_IN_A_ROW = 3
SMS = "sms"  # the environment's SMS channel (Twilio), whose addresses are numbers too


def states(database, configs: list[table.ChannelConfig], at: dt.datetime
           ) -> list[table.ChannelConfig]:
    """Marks a channel down when its last FAILING_IN_A_ROW sends all wait to be tried
    again, and up once a send through it succeeds after that; the configs as they are."""
    result = []
    for config in configs:
        state = _state(database, config)
        if state != config.state:
            log.warning("channel %s is %s", config.name, state)
            table.set_state(database, config.name, state, at)
            config = replace(config, state=state, state_at=at)
        result.append(config)
    return result


def _state(database, config: table.ChannelConfig) -> str:
    mine = (Message.channel == config.name, Message.direction == Direction.OUT)
    with database.read() as db:
        if config.state == ChannelState.DOWN:
            since = config.state_at or dt.datetime.min.replace(tzinfo=dt.UTC)
            back = db.scalar(select(Message.id).where(*mine, Message.sent_at >= since)
                             .limit(1))
            return ChannelState.UP if back is not None else ChannelState.DOWN
        latest = db.scalars(
            select(Message.status).where(*mine, Message.claimed_at.is_not(None))
            .order_by(Message.claimed_at.desc(), Message.id.desc())
            .limit(FAILING_IN_A_ROW)).all()
    failing = len(latest) == FAILING_IN_A_ROW and all(s == Status.QUEUED for s in latest)
    return ChannelState.DOWN if failing else ChannelState.UP


def reroute(database, configs: list[table.ChannelConfig], sending: set[str],
            at: dt.datetime) -> int:
    """Moves waiting bulk messages off channels that cannot send them; how many moved."""
    working = [c for c in configs if c.name in sending]
    stuck = {c.name for c in configs if c.name not in sending or c.state != ChannelState.UP}
    if SMS not in sending:
        stuck.add(SMS)
    if not stuck or not working:
        return 0
    moved = 0
    with database.write() as db:
        identities = db.scalars(
            select(Identity).where(Identity.id.in_(
                select(Message.identity_id).where(
                    Message.direction == Direction.OUT, Message.status == Status.QUEUED,
                    Message.priority >= Priority.BULK, Message.channel.in_(sorted(stuck)))))
        ).all()
        for identity in identities:
            target = table.route(working, identity.address, exclude=(identity.channel,))
            if target is None:
                continue
            new = _identity(db, identity, target, at)
            if new is None:
                continue
            result = db.execute(
                update(Message).where(Message.identity_id == identity.id,
                                      Message.direction == Direction.OUT,
                                      Message.status == Status.QUEUED,
                                      Message.priority >= Priority.BULK)
                .values(channel=target, identity_id=new.id, next_attempt_at=at))
            moved += result.rowcount
    if moved:
        log.info("%d bulk messages moved to working channels", moved)
    return moved


def _identity(db, identity: Identity, channel: str, at: dt.datetime) -> Identity | None:
    """The same person's identity on `channel` (made for them if they have none); None
    when that number there belongs to someone else (left for a coordinator to merge)."""
    existing = find_identity(db, channel, identity.address)
    if existing is None:
        insert_ignore(db, Identity, {
            "contact_id": identity.contact_id, "channel": channel,
            "address": identity.address,
            "address_index": keyring().blind_index(identity.address), "created_at": at,
        })
        existing = find_identity(db, channel, identity.address)
    return existing if existing is not None and existing.contact_id == identity.contact_id \
        else None


def route(services: Services) -> int:
    try:
        configs = table.all_channels(services.database)
    except DBAPIError:  # a store not migrated yet: nothing to route
        return 0
    at = now()
    configs = states(services.database, configs, at)
    return reroute(services.database, configs, set(services.dispatcher.senders), at)


TICKS = (Tick("route-sms", 15, route),)
