"""/api/v1/messages: the message log, newest first. `text` is null for tokens whose
role may not read message text. Alerts to coordinators carry their times to the hour
only: an urgent report's alert must not date the reporter's messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from bot.store import Message, Priority
from dashboard.api.registry import Call, PageQuery, cursor_after, endpoint, page_of, paged
from dashboard.api.schema import spec


@dataclass
class MessageOut:
    id: int
    direction: str = spec(enum=("in", "out"))
    channel: str = spec()
    contact_id: int | None = spec()
    status: str = spec()
    language: str | None = spec()
    text: str | None = spec()
    segments: int | None = spec()
    created_at: dt.datetime = spec()
    sent_at: dt.datetime | None = spec()
    delivered_at: dt.datetime | None = spec()


@dataclass
class MessageQuery(PageQuery):
    direction: str = spec("", enum=("", "in", "out"))
    channel: str = spec("", max_length=16)
    status: str = spec("", max_length=16)
    contact_id: int = spec(0, minimum=0, description="0: any contact")


@endpoint("GET", "/v1/messages", permission="messages.view", tag="messages",
          summary="The message log, newest first", query=MessageQuery,
          response=page_of(MessageOut))
def list_messages(call: Call):
    q: MessageQuery = call.query
    query = select(Message).order_by(Message.id.desc()).limit(q.limit + 1)
    for column, value in ((Message.direction, q.direction), (Message.channel, q.channel),
                          (Message.status, q.status), (Message.contact_id, q.contact_id)):
        if value:
            query = query.where(column == value)
    before = cursor_after(q)
    if before is not None:
        query = query.where(Message.id < before)
    see = call.can("messages.text")
    with current_app.extensions["mashwara"].database.read() as db:
        rows, cursor = paged(list(db.scalars(query)), q.limit, lambda m: m.id)
        items = [MessageOut(m.id, m.direction, m.channel, m.contact_id, m.status, m.language,
                            m.text if see else None, m.segments,
                            *_times(m)) for m in rows]
    return page_of(MessageOut)(items, cursor)


def _times(m: Message) -> tuple:
    times = (m.created_at, m.sent_at, m.delivered_at)
    if m.priority != Priority.ALERT:
        return times
    return tuple(t and t.replace(minute=0, second=0, microsecond=0) for t in times)
