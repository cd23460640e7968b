"""The figures on the overview page, each one query."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.channels import WITHOUT_DELIVERY_REPORTS
from bot.store import Contact, ContactStatus, Direction, Message, Status

DELIVERED = (Status.DELIVERED, Status.READ)
SENT = (Status.SENT,)
FAILED = (Status.FAILED, Status.UNDELIVERED, Status.STOPPED)


def contacts_by(db: Session, column) -> list[tuple[str | None, int]]:
    rows = db.execute(
        select(column, func.count()).where(Contact.status == ContactStatus.ACTIVE)
        .group_by(column).order_by(func.count().desc())
    ).all()
    return [(key, count) for key, count in rows]


def _day(db: Session):
    if db.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", Message.created_at))
    return func.date(Message.created_at)


def messages_per_day(db: Session, today: dt.date, days: int = 14) -> list[tuple[dt.date, int, int]]:
    """(day, inbound, outbound) for each of the last `days` days, oldest first (UTC days)."""
    start = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time(), dt.UTC)
    day = _day(db)
    rows = db.execute(
        select(day, Message.direction, func.count()).where(Message.created_at >= start)
        .group_by(day, Message.direction)
    ).all()
    counts = Counter({(str(d)[:10], direction): n for d, direction, n in rows})
    out = []
    for offset in range(days):
        date = today - dt.timedelta(days=days - 1 - offset)
        out.append((date, counts[(date.isoformat(), Direction.IN)],
                    counts[(date.isoformat(), Direction.OUT)]))
    return out


def delivery(db: Session, since: dt.datetime) -> dict[str, int]:
    """Outbound messages since `since` on channels that report delivery, by outcome:
    delivered, sent, failed, pending."""
    rows = db.execute(
        select(Message.status, func.count()).where(
            Message.direction == Direction.OUT, Message.created_at >= since,
            Message.channel.not_in(WITHOUT_DELIVERY_REPORTS))
        .group_by(Message.status)
    ).all()
    result = Counter()
    for status, count in rows:
        outcome = ("delivered" if status in DELIVERED else "sent" if status in SENT
                   else "failed" if status in FAILED else "pending")
        result[outcome] += count
    return {key: result[key] for key in ("delivered", "sent", "failed", "pending")}


def unreported(db: Session, since: dt.datetime) -> dict[str, int]:
    """Outbound messages since `since` on channels that never report delivery, by channel."""
    return dict(db.execute(
        select(Message.channel, func.count()).where(
            Message.direction == Direction.OUT, Message.created_at >= since,
            Message.channel.in_(WITHOUT_DELIVERY_REPORTS))
        .group_by(Message.channel).order_by(Message.channel)
    ).all())
