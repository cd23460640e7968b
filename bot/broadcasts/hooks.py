"""What broadcasts add to the worker, erasure and exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update

from bot.broadcasts import runner
from bot.broadcasts.control import UNSENT, counts
from bot.contacts.erasure import Eraser
from bot.core.exports import Filters, export
from bot.core.ticks import Tick
from bot.store import Broadcast, BroadcastRun, Message, Status

if TYPE_CHECKING:
    from bot.services import Services


def broadcasts_tick(services: Services) -> dict[str, int]:
    return runner.tick(services)


def cancel_pending_broadcasts(db, contact) -> None:
    """An erased person gets no announcement that was queued before."""
    db.execute(
        update(Message)
        .where(Message.contact_id == contact.id, Message.broadcast_run_id.is_not(None),
               Message.status.in_(UNSENT))
        .values(status=Status.CANCELLED)
    )


def broadcast_rows(db, filters: Filters):
    query = (select(Broadcast.id, Broadcast.name, BroadcastRun)
             .join(BroadcastRun, BroadcastRun.broadcast_id == Broadcast.id)
             .order_by(BroadcastRun.fire_at, BroadcastRun.id))
    query = filters.apply(query, at=BroadcastRun.fire_at, status=BroadcastRun.status)
    for broadcast_id, name, run in db.execute(query).all():
        c = counts(db, [run.id])
        yield (broadcast_id, name, run.id, run.fire_at, run.status, run.recipients, c.queued,
               c.sent, c.delivered, c.failed, c.stopped, c.cancelled, c.segments)


def recipient_rows(db, broadcast_id: int):
    """One row per message of a broadcast, for its report: ids, never addresses."""
    query = (select(Message.broadcast_run_id, Message.id, Message.contact_id, Message.channel,
                    Message.language, Message.status, Message.segments, Message.attempts,
                    Message.sent_at, Message.delivered_at, Message.error_code)
             .join(BroadcastRun, BroadcastRun.id == Message.broadcast_run_id)
             .where(BroadcastRun.broadcast_id == broadcast_id)
             .order_by(Message.broadcast_run_id, Message.id))
    yield from db.execute(query.execution_options(yield_per=1000))


RECIPIENT_COLUMNS = ("run", "message", "contact", "channel", "language", "status", "segments",
                     "attempts", "sent_at", "delivered_at", "error_code")


TICKS = (Tick("broadcasts", 15, broadcasts_tick),)


EXPORTS = (
    export(broadcast_rows, "broadcasts",
    ("broadcast", "name", "run", "fired_at", "run_status", "recipients", "queued", "sent",
     "delivered", "failed", "opted_out", "cancelled", "sms_segments"),
    "every broadcast run with its delivery counts (no personal data)",),
)


ERASERS = (Eraser(("messages",), cancel_pending_broadcasts),)
