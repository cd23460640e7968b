"""/api/v1/channels: the SMS channels of the table, their state and queues (admins)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from bot.channels.table import overview
from dashboard.api.registry import Call, endpoint
from dashboard.api.schema import spec


@dataclass
class ChannelOut:
    name: str
    kind: str = spec(enum=("kannel", "smsgate"))
    enabled: bool = spec()
    state: str = spec(enum=("up", "down"))
    per_minute: int = spec(description="its cap: SMS segments a minute")
    prefixes: list[str] = spec()
    last_in_at: dt.datetime | None = spec()
    last_out_at: dt.datetime | None = spec()
    queued: int = spec(description="messages waiting to leave through it")


@dataclass
class ChannelList:
    items: list[ChannelOut]


@endpoint("GET", "/v1/channels", permission="channels.manage", tag="channels",
          summary="SMS channels: state, last message in and out, queue", response=ChannelList)
def list_channels(call: Call):
    found = overview(current_app.extensions["mashwara"].database)
    return ChannelList([ChannelOut(c.name, c.kind, c.enabled, c.state, round(c.rate * 60),
                                   list(c.prefixes), c.last_in_at, c.last_out_at, c.queued)
                        for c in found])
