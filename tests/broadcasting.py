"""Builders for broadcast tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.broadcasts import compose, runner
from bot.broadcasts.compose import Draft
from bot.broadcasts.fanout import fan_out
from bot.core.clock import now
from bot.services import Services
from bot.store import Broadcast, Message

TEXTS = {"en": "Meeting Monday 10:00 at the district office.",
         "fa": "جلسه روز دوشنبه ساعت ۱۰ در دفتر ولسوالی."}
CHANNELS = ("sim", "sms", "telegram")


def draft(**changes) -> Draft:
    values = {"name": "Meeting", "texts": TEXTS, "audience": {}, "timezone": "Asia/Kabul",
              "stop_hint": False}
    return Draft(**{**values, **changes})


def preview(services: Services, made: Draft, channels=CHANNELS) -> compose.Preview:
    with services.database.read() as db:
        return compose.preview(db, made, default_language=services.settings.default_language,
                               channels=channels, now=now(), large_audience=100)


def schedule(services: Services, **changes) -> int:
    with services.database.write() as db:
        return compose.store(db, draft(**changes), now=now()).id


def fire(services: Services, broadcast_id: int | None = None, channels=CHANNELS,
         chunk: int = 1000, progress=None) -> list[int]:
    """Fires what is due, fanning out on `channels` (the tests' fake senders)."""
    made = []
    with services.database.read() as db:
        due = db.execute(select(Broadcast.id, Broadcast.next_fire_at).where(
            Broadcast.next_fire_at <= now())).all()
    for found, fire_at in due:
        if broadcast_id not in (None, found):
            continue
        run_id = runner.claim(services, found, fire_at)
        if run_id is not None:
            fan_out(services.database, run_id, default_language="en", channels=channels,
                    now=now, chunk=chunk, progress=progress)
            made.append(run_id)
    return made


def outbox(services: Services, run_id: int | None = None) -> list[Message]:
    query = select(Message).where(Message.broadcast_run_id.is_not(None)).order_by(Message.id)
    if run_id is not None:
        query = query.where(Message.broadcast_run_id == run_id)
    with services.database.read() as db:
        return list(db.scalars(query))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
