"""SMS channels an organisation runs besides the environment's Telegram and Twilio: a
Kannel link to an operator, an Android phone running SMS Gateway. Each row is one
channel; its `name` is the channel name on identities and messages."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import now
from bot.core.crypto import Encrypted
from bot.store.base import Base


class ChannelKind:
    KANNEL = "kannel"
    SMSGATE = "smsgate"


class ChannelState:
    UP = "up"
    DOWN = "down"  # repeated failures: bulk should go another way


class ChannelRow(Base):
    __tablename__ = "channels"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(16), unique=True)
    # Where Mashwara sends (smsbox's sendsms, the gateway's API), with its credentials.
    url: Mapped[str] = mapped_column(Encrypted)
    username: Mapped[str | None] = mapped_column(Encrypted)
    password: Mapped[str | None] = mapped_column(Encrypted)
    # The unguessable part of this channel's inbound URLs.
    secret: Mapped[str] = mapped_column(Encrypted)
    # The key a gateway signs its webhooks with (SMS Gateway's Settings > Webhooks).
    signing_key: Mapped[str | None] = mapped_column(Encrypted)
    sender: Mapped[str | None] = mapped_column(String(32))  # --from: number or sender id
    rate: Mapped[float] = mapped_column(Float, default=1.0)  # SMS segments per second
    prefixes: Mapped[list | None] = mapped_column(JSON)  # "+9379", "+93 70": numbers it takes
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    state: Mapped[str] = mapped_column(String(16), default=ChannelState.UP)
    state_at: Mapped[dt.datetime | None]  # when the state last changed
    last_in_at: Mapped[dt.datetime | None]
    last_out_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
