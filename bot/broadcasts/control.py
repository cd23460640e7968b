"""Pause, resume and cancel a broadcast, and count how its messages are doing.

Pausing holds the run's queued rows (status 'paused') so the dispatcher, which only
claims 'queued', leaves them; messages already with a provider finish. The run row
is updated first, so a fan-out chunk (which locks the run) sees the new state and
writes its rows paused too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.broadcasts.schedule import quiet_until
from bot.store import Broadcast, BroadcastRun, BroadcastStatus, Message, RunStatus, Status

ACTIVE_RUNS = (RunStatus.FANNING_OUT, RunStatus.SENDING, RunStatus.PAUSED)
UNSENT = (Status.QUEUED, Status.WAITING, Status.PAUSED)


class ControlError(ValueError):
    pass


def _runs(db: Session, broadcast_id: int, statuses) -> list[BroadcastRun]:
    return list(db.scalars(select(BroadcastRun).where(
        BroadcastRun.broadcast_id == broadcast_id, BroadcastRun.status.in_(statuses))
        .with_for_update()))


def _rows(run_ids: list[int], *statuses: str):
    return update(Message).where(Message.broadcast_run_id.in_(run_ids),
                                 Message.status.in_(statuses))


def pause(db: Session, broadcast: Broadcast) -> int:
    """Returns how many queued messages were held."""
    if broadcast.status not in (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING):
        raise ControlError(f"broadcast {broadcast.id} is {broadcast.status}: nothing to pause")
    broadcast.status = BroadcastStatus.PAUSED
    runs = _runs(db, broadcast.id, (RunStatus.FANNING_OUT, RunStatus.SENDING))
    for run in runs:
        run.status = RunStatus.PAUSED
    db.flush()
    ids = [run.id for run in runs]
    return db.execute(_rows(ids, Status.QUEUED, Status.WAITING)
                      .values(status=Status.PAUSED)).rowcount


def resume(db: Session, broadcast: Broadcast, now: dt.datetime) -> int:
    """Returns how many held messages were queued again."""
    if broadcast.status != BroadcastStatus.PAUSED:
        raise ControlError(f"broadcast {broadcast.id} is {broadcast.status}, not paused")
    runs = _runs(db, broadcast.id, (RunStatus.PAUSED,))
    for run in runs:
        run.status = RunStatus.SENDING if run.fanned_out_at else RunStatus.FANNING_OUT
    if runs:
        broadcast.status = BroadcastStatus.SENDING
    elif broadcast.next_fire_at is not None:
        broadcast.status = BroadcastStatus.SCHEDULED
    else:
        broadcast.status = BroadcastStatus.DONE
    db.flush()
    ids = [run.id for run in runs]
    resumed = db.execute(_rows(ids, Status.PAUSED).values(status=Status.QUEUED,
                                                          next_attempt_at=now)).rowcount
    hold_quiet_sms(db, broadcast, ids, now)
    return resumed


def cancel(db: Session, broadcast: Broadcast, now: dt.datetime) -> int:
    """Returns how many unsent messages were cancelled. Nothing is sent after this."""
    if broadcast.status in (BroadcastStatus.DONE, BroadcastStatus.CANCELLED):
        raise ControlError(f"broadcast {broadcast.id} is already {broadcast.status}")
    broadcast.status, broadcast.next_fire_at = BroadcastStatus.CANCELLED, None
    runs = _runs(db, broadcast.id, ACTIVE_RUNS)
    for run in runs:
        run.status, run.finished_at = RunStatus.CANCELLED, now
    db.flush()
    ids = [run.id for run in runs]
    return db.execute(_rows(ids, *UNSENT).values(status=Status.CANCELLED)).rowcount


def hold_quiet_sms(db: Session, broadcast: Broadcast, run_ids: list[int],
                   now: dt.datetime) -> int:
    """Holds queued SMS of these runs until the quiet hours end, if now is in them.

    Held, not merely queued for later: a queued row counts as in flight for its
    address, and would keep a conversation reply to that person waiting all night."""
    until = quiet_until(broadcast, now)
    if until is None or not run_ids:
        return 0
    return db.execute(
        _rows(run_ids, Status.QUEUED).where(Message.channel == "sms")
        .values(status=Status.WAITING, next_attempt_at=until)
    ).rowcount


def release_held(db: Session, run_ids: list[int], now: dt.datetime) -> int:
    """Queues the held SMS whose quiet hours are over."""
    if not run_ids:
        return 0
    return db.execute(
        _rows(run_ids, Status.WAITING).where(Message.next_attempt_at <= now)
        .values(status=Status.QUEUED)
    ).rowcount


@dataclass(frozen=True)
class Counts:
    queued: int = 0  # waiting, including held by a pause and being sent right now
    sent: int = 0  # the provider took it; no receipt yet
    delivered: int = 0
    failed: int = 0
    stopped: int = 0  # opted out, or the provider says the address is stopped
    cancelled: int = 0
    segments: int = 0  # SMS segments sent or on their way

    @property
    def total(self) -> int:
        return (self.queued + self.sent + self.delivered + self.failed + self.stopped
                + self.cancelled)

    @property
    def finished(self) -> int:
        return self.total - self.queued


BUCKETS = {
    Status.QUEUED: "queued", Status.SENDING: "queued", Status.PAUSED: "queued",
    Status.WAITING: "queued",
    Status.SENT: "sent", Status.DELIVERED: "delivered", Status.READ: "delivered",
    Status.FAILED: "failed", Status.UNDELIVERED: "failed",
    Status.STOPPED: "stopped", Status.CANCELLED: "cancelled",
}


def counts(db: Session, run_ids: list[int], *where) -> Counts:
    """The runs' messages by outcome; `where` narrows them (to some channels, say)."""
    rows = db.execute(
        select(Message.status, func.count(), func.coalesce(func.sum(Message.segments), 0))
        .where(Message.broadcast_run_id.in_(run_ids), *where).group_by(Message.status)
    ).all()
    tally = dict.fromkeys(("queued", "sent", "delivered", "failed", "stopped", "cancelled"), 0)
    spent = 0
    for status, n, segs in rows:
        bucket = BUCKETS.get(status, "failed")
        tally[bucket] += n
        if bucket not in ("cancelled", "stopped", "failed"):
            spent += segs
    return Counts(**tally, segments=spent)


def run_ids(db: Session, broadcast_id: int) -> list[int]:
    return list(db.scalars(select(BroadcastRun.id).where(
        BroadcastRun.broadcast_id == broadcast_id)))
