"""/api/v1/broadcasts: read with delivery counts, and create (checked by
bot.broadcasts.compose exactly as the composer and the CLI are)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from bot.audit import trail as audit
from bot.broadcasts import compose, control, runner
from bot.broadcasts.schedule import to_utc
from bot.core.clock import now
from bot.store import Broadcast, BroadcastStatus, Recurrence
from dashboard import scope
from dashboard.api.community import token_actor
from dashboard.api.registry import (
    ApiError,
    Call,
    PageQuery,
    cursor_after,
    endpoint,
    get_or_404,
    page_of,
    paged,
)
from dashboard.api.schema import spec
from locales import LANGUAGES

STATUSES = (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING,
            BroadcastStatus.PAUSED, BroadcastStatus.DONE, BroadcastStatus.CANCELLED)


def services():
    return current_app.extensions["mashwara"]


@dataclass
class Counts:
    queued: int
    sent: int
    delivered: int
    failed: int
    stopped: int
    cancelled: int
    segments: int


@dataclass
class Text:
    language: str = spec(enum=LANGUAGES)
    text: str = spec(min_length=1, max_length=1600)


@dataclass
class TextOut:
    language: str
    text: str
    encoding: str
    segments: int


@dataclass
class BroadcastOut:
    id: int
    name: str
    status: str = spec(enum=STATUSES)
    recurrence: str = spec(enum=Recurrence.ALL)
    timezone: str = spec()
    send_at: dt.datetime = spec()
    next_fire_at: dt.datetime | None = spec()
    ends_at: dt.datetime | None = spec()
    texts: list[TextOut] = spec()
    counts: Counts = spec()


@dataclass
class Audience:
    groups: list[int] = spec([])
    provinces: list[str] = spec([])
    roles: list[str] = spec([])
    languages: list[str] = spec([])
    channels: list[str] = spec([])


@dataclass
class BroadcastIn:
    name: str = spec(min_length=1, max_length=120)
    texts: list[Text] = spec(description="one per language; the default language is needed")
    timezone: str = spec(min_length=1, max_length=64, description="IANA name")
    audience: Audience | None = spec(None)
    exclude: Audience | None = spec(None)
    send_at: str = spec("", max_length=19, description="local time 2026-12-01T09:00; empty: now")
    recurrence: str = spec(Recurrence.NONE, enum=Recurrence.ALL)
    weekdays: list[int] = spec([], description="0 = Monday, for weekly")
    until: str = spec("", max_length=10, format="date", description="last local day")
    quiet_hours: str = spec("", max_length=11, description="21:00-07:00; empty: none")
    stop_hint: bool = spec(True)


def broadcast_out(db, broadcast: Broadcast) -> BroadcastOut:
    counts = control.counts(db, control.run_ids(db, broadcast.id))
    texts = [TextOut(v.language, v.text, v.encoding, v.segments)
             for v in compose.versions(broadcast.texts).values()]
    return BroadcastOut(broadcast.id, broadcast.name, broadcast.status, broadcast.recurrence,
                        broadcast.timezone, broadcast.send_at, broadcast.next_fire_at,
                        broadcast.ends_at, texts, Counts(**vars(counts)))


@endpoint("GET", "/v1/broadcasts", permission="broadcasts.view", tag="broadcasts",
          summary="Broadcasts, newest first, with delivery counts", query=PageQuery,
          response=page_of(BroadcastOut))
def list_broadcasts(call: Call):
    query = select(Broadcast).order_by(Broadcast.id.desc()).limit(call.query.limit + 1)
    after = cursor_after(call.query)
    if after is not None:
        query = query.where(Broadcast.id < after)
    with services().database.read() as db:
        rows, cursor = paged(list(db.scalars(query)), call.query.limit, lambda b: b.id)
        return page_of(BroadcastOut)([broadcast_out(db, b) for b in rows], cursor)


@endpoint("GET", "/v1/broadcasts/<int:broadcast_id>", permission="broadcasts.view",
          tag="broadcasts", summary="One broadcast with its delivery counts",
          response=BroadcastOut, errors=(404,))
def get_broadcast(call: Call, broadcast_id: int):
    with services().database.read() as db:
        broadcast = get_or_404(db, Broadcast, broadcast_id, "broadcast")
        return broadcast_out(db, broadcast)


def _local(value: str, zone: str, name: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is not None or not 2000 <= parsed.year <= 2200:
            raise ValueError
        return to_utc(parsed.date(), parsed.time(), zone)
    except (ValueError, KeyError):
        raise ApiError(422, "invalid", f"{name} must be a local time like 2026-12-01T09:00"
                       " in a known time zone") from None


def _draft(body: BroadcastIn, call: Call) -> compose.Draft:
    if len({t.language for t in body.texts}) != len(body.texts):
        raise ApiError(422, "invalid", "one text per language")
    if any(not 0 <= d <= 6 for d in body.weekdays):
        raise ApiError(422, "invalid", "weekdays are 0 (Monday) to 6")
    quiet = None
    if body.quiet_hours:
        start, _, end = body.quiet_hours.partition("-")
        quiet = (start.strip(), end.strip())
    audience = vars(body.audience) if body.audience else {}
    audience = {**audience, "exclude": vars(body.exclude) if body.exclude else {}}
    return compose.Draft(
        name=body.name, texts={t.language: t.text for t in body.texts}, audience=audience,
        timezone=body.timezone,
        send_at=_local(body.send_at, body.timezone, "send_at") if body.send_at else None,
        recurrence=body.recurrence, weekdays=tuple(body.weekdays),
        ends_at=_local(body.until + "T23:59:59", body.timezone, "until") if body.until else None,
        quiet=quiet, stop_hint=body.stop_hint, created_by=token_actor(call))


@endpoint("POST", "/v1/broadcasts", permission="broadcasts.send", tag="broadcasts",
          summary="Schedule a broadcast (refused with the preview's errors)",
          body=BroadcastIn, response=BroadcastOut, status=201, errors=(422,))
def create_broadcast(call: Call):
    draft = _draft(call.body, call)
    settings = services().settings
    with services().database.read() as db:
        preview = compose.preview(db, draft, default_language=settings.default_language,
                                  channels=runner.channels(services()), now=now(),
                                  large_audience=settings.broadcast_confirm_above)
    if preview.errors:
        raise ApiError(422, "invalid", " ".join(preview.errors))
    if not scope.confines(draft.audience):
        raise ApiError(422, "invalid", "audience: name provinces or groups of your area")
    with services().database.write() as db:
        broadcast = compose.store(db, draft, now=now())
        audit.record(db, token_actor(call), "broadcast.create", "broadcast", broadcast.id,
                     {"recipients": preview.total, "languages": sorted(broadcast.texts)})
        return broadcast_out(db, broadcast)
