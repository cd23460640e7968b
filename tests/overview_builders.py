"""Builders for the overview's charts: broadcasts fired on one channel, their messages
brought to a status as the channel's sender and receipts would."""

from __future__ import annotations

from sqlalchemy import update

from bot.services import Services
from bot.store import Message
from tests.broadcasting import fire, schedule
from tests.builders import make_contact


def sent_broadcast(services: Services, name: str, channel: str, statuses: list[str]) -> int:
    """A broadcast to len(statuses) new people on `channel`, its messages set to `statuses`."""
    for _ in statuses:
        make_contact(services, channel=channel)
    broadcast_id = schedule(services, name=name, audience={"channels": [channel]})
    [run_id] = fire(services, broadcast_id, channels=(channel,))
    with services.database.write() as db:
        ids = db.scalars(Message.__table__.select().with_only_columns(Message.id)
                         .where(Message.broadcast_run_id == run_id).order_by(Message.id)).all()
        for message_id, status in zip(ids, statuses, strict=True):
            db.execute(update(Message).where(Message.id == message_id).values(status=status))
    return broadcast_id
