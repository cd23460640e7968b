"""The worker's side of broadcasts: fire what is due, finish what a crash left half
done, keep opted-out people and quiet hours respected while a run is sending, and
close runs whose messages have all left.

Only the worker holding the scheduler lease runs this; a due broadcast is still
claimed with a conditional UPDATE (carry on only if this worker changed the row),
so two workers that both believe they lead cannot fire it twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from sqlalchemy import exists, select, update

from bot.audit import trail as audit
from bot.broadcasts.control import UNSENT, hold_quiet_sms, release_held
from bot.broadcasts.fanout import Progress, fan_out, start_run
from bot.broadcasts.schedule import next_fire
from bot.core.clock import now
from bot.store import (
    Broadcast,
    BroadcastRun,
    BroadcastStatus,
    Contact,
    ContactStatus,
    Identity,
    Message,
    RunStatus,
    Status,
)

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

FIRING = (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING)


def channels(services: Services) -> tuple[str, ...]:
    """The channels this deployment can send on: nobody is queued on another."""
    return tuple(services.dispatcher.senders)


def claim(services: Services, broadcast_id: int, fire_at: dt.datetime) -> int | None:
    """Takes the occurrence due at `fire_at`; the run's id, or None if another took it."""
    at = now()
    with services.database.write() as db:
        won = db.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.next_fire_at == fire_at,
                   Broadcast.status.in_(FIRING))
            .values(status=BroadcastStatus.SENDING, next_fire_at=None)
        ).rowcount
        if not won:
            return None
        broadcast = db.get(Broadcast, broadcast_id)
        broadcast.next_fire_at = next_fire(broadcast, max(at, fire_at))
        run = start_run(db, broadcast, fire_at, at)
        audit.record(db, "scheduler", "broadcast.send", "broadcast", broadcast_id,
                     {"run": run.id, "fire_at": fire_at.isoformat()})
        return run.id


def run_fan_out(services: Services, run_id: int, progress: Progress | None = None) -> int:
    return fan_out(services.database, run_id,
                   default_language=services.settings.default_language,
                   channels=channels(services), now=now, progress=progress)


def fire_due(services: Services, only: int | None = None,
             progress: Progress | None = None) -> list[int]:
    """Fires every due broadcast (or just `only`); returns the runs it made."""
    query = select(Broadcast.id, Broadcast.next_fire_at).where(
        Broadcast.next_fire_at <= now(), Broadcast.status.in_(FIRING)
    ).order_by(Broadcast.next_fire_at).limit(20)
    if only is not None:
        query = query.where(Broadcast.id == only)
    with services.database.read() as db:
        due = db.execute(query).all()
    made = []
    for broadcast_id, fire_at in due:
        run_id = claim(services, broadcast_id, fire_at)
        if run_id is not None:
            log.info("broadcast %s fired: run %s", broadcast_id, run_id)
            run_fan_out(services, run_id, progress)
            made.append(run_id)
    return made


def resume_fan_outs(services: Services) -> int:
    """Finishes fan-outs a crash or a restart cut short."""
    with services.database.read() as db:
        ids = list(db.scalars(select(BroadcastRun.id).where(
            BroadcastRun.fanned_out_at.is_(None),
            BroadcastRun.status.in_((RunStatus.FANNING_OUT, RunStatus.PAUSED)))))
    return sum(run_fan_out(services, run_id) for run_id in ids)


def _sending_runs(db) -> list[BroadcastRun]:
    return list(db.scalars(select(BroadcastRun).where(
        BroadcastRun.status.in_((RunStatus.FANNING_OUT, RunStatus.SENDING)))))


def drop_opted_out(db, run_ids: list[int]) -> int:
    """People who sent STOP, or whose address stopped, after fan-out get nothing more."""
    gone = select(Contact.id).where(
        (Contact.stopped_at.is_not(None)) | (Contact.status != ContactStatus.ACTIVE))
    blocked = select(Identity.id).where(Identity.stopped_at.is_not(None))
    return db.execute(
        update(Message)
        .where(Message.broadcast_run_id.in_(run_ids), Message.status.in_(UNSENT),
               Message.contact_id.in_(gone) | Message.identity_id.in_(blocked))
        .values(status=Status.STOPPED)
    ).rowcount


def finish(db, at: dt.datetime) -> int:
    """Closes runs with nothing left to send, and broadcasts with nothing left to do."""
    pending = exists().where(Message.broadcast_run_id == BroadcastRun.id,
                             Message.status.in_((*UNSENT, Status.SENDING)))
    done = db.execute(
        update(BroadcastRun)
        .where(BroadcastRun.status == RunStatus.SENDING,
               BroadcastRun.fanned_out_at.is_not(None), ~pending)
        .values(status=RunStatus.DONE, finished_at=at)
    ).rowcount
    active = exists().where(BroadcastRun.broadcast_id == Broadcast.id,
                            BroadcastRun.status.in_((RunStatus.FANNING_OUT, RunStatus.SENDING)))
    idle = update(Broadcast).where(Broadcast.status == BroadcastStatus.SENDING, ~active)
    db.execute(idle.where(Broadcast.next_fire_at.is_(None)).values(status=BroadcastStatus.DONE))
    db.execute(idle.where(Broadcast.next_fire_at.is_not(None))
               .values(status=BroadcastStatus.SCHEDULED))
    return done


def keep_up(services: Services) -> int:
    """Opt-outs, quiet hours and completion for the runs now sending."""
    at = now()
    with services.database.write() as db:
        runs = _sending_runs(db)
        ids = [run.id for run in runs]
        changed = drop_opted_out(db, ids) if ids else 0
        for broadcast_id in {run.broadcast_id for run in runs}:
            broadcast = db.get(Broadcast, broadcast_id)
            mine = [run.id for run in runs if run.broadcast_id == broadcast_id]
            changed += release_held(db, mine, at) + hold_quiet_sms(db, broadcast, mine, at)
        return changed + finish(db, at)


def tick(services: Services) -> dict[str, int]:
    return {
        "resumed": resume_fan_outs(services),
        "fired": len(fire_due(services)),
        "kept": keep_up(services),
    }
