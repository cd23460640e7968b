"""Delivery receipts: a provider's later word on a message it accepted.

Receipts can arrive out of order (a "sent" after its "delivered"), so a status only
moves forward. Statuses before "sent" are ignored: our row is at least sent once it
has the provider's id, and "queued" on our side means "still to send".
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update

from bot.contacts.lookup import identify
from bot.core.db import Database
from bot.store import Direction, Identity, Message, Status

RANK = {
    Status.SENT: 1,
    Status.DELIVERED: 2,
    Status.UNDELIVERED: 2,
    Status.FAILED: 2,
    Status.READ: 3,
}
FINAL = (Status.UNDELIVERED, Status.FAILED, Status.STOPPED, Status.CANCELLED)


def record_receipt(database: Database, channel: str, external_id: str, status: str,
                   error_code: str | None, at: dt.datetime, stops: bool = False,
                   recipient: str | None = None, message_id: int | None = None) -> bool:
    """Applies a receipt; False when it was unknown, late or out of order.
    `stops`: the provider says the recipient opted out, so the address is stopped: the
    message's identity, and the `recipient` address the receipt names even when the
    message is not ours to know (sent before a restore, or by another system on the
    same number): an opt-out is never lost."""
    with database.write() as db:
        row = db.scalars(select(Message).where(
            Message.channel == channel, Message.external_id == external_id,
            Message.direction == Direction.OUT,
        ).with_for_update()).first()
        if row is None and message_id is not None:
            # Our own id, named in the receipt: a report can come back before the
            # dispatcher has recorded the provider's acceptance (the dispatcher then
            # keeps the status the receipt set), or while another report for the same
            # message holds the row and names it: after that lock PostgreSQL reads the
            # row again, so the row must still match once the other report has set it.
            row = db.scalars(select(Message).where(
                Message.id == message_id, Message.channel == channel,
                Message.direction == Direction.OUT,
                or_(Message.external_id.is_(None), Message.external_id == external_id),
            ).with_for_update()).first()
            if row is not None:
                row.external_id = external_id
        if stops and recipient:
            identify(db, channel, recipient, at).stopped_at = at
        if row is None:
            return False
        if stops and row.identity_id is not None:
            db.execute(update(Identity).where(Identity.id == row.identity_id)
                       .values(stopped_at=at))
        if status not in RANK or row.status in FINAL:
            return False
        if RANK[status] <= RANK.get(row.status, 0):
            return False
        row.status = status
        if error_code:
            row.error_code = error_code
        if status in (Status.DELIVERED, Status.READ):
            row.delivered_at = row.delivered_at or at
        return True
