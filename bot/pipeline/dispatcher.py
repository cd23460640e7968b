"""The dispatcher: claims queued outbound rows and hands them to the channel senders.

A row is claimed with a conditional UPDATE (FOR UPDATE SKIP LOCKED on PostgreSQL,
under BEGIN IMMEDIATE on SQLite), so several dispatchers never send one row twice.
Messages to one address leave in order within a priority: a row is not claimed while
an earlier row to the same address is on the wire, or queued at the same or a more
urgent priority. Conversation replies are claimed before bulk messages, and overtake
a person's own broadcast row rather than wait behind it.

Sending is asynchronous: up to MASHWARA_DISPATCH_CONCURRENCY calls in flight, each
channel paced in memory (bot/pipeline/pacing.py), each verdict recorded as soon as the
provider answers. A paced channel claims only about half a second of sending at a time
(BATCH_SECONDS), so a reply queued behind a broadcast waits about that long, not the
whole broadcast, and then takes the next room in the provider's window.

Several workers (on one machine or several) share the channels: in `serve`, a channel
is sent by one worker at a time, the holder of its lease (`send:<channel>`), so its
pacer holds the provider's caps, overall and per chat, for everyone. The holder
renews the lease every second; a worker that holds no channel, or fewer than the
others, takes a channel nobody holds, so channels spread over workers, and every
worker still does all the other work. When a holder dies its lease runs out
(CHANNEL_LEASE_TTL): the next holder waits one window of the provider's count before
its first send, and requeues what the dead holder had claimed but not sent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import re
import threading
from collections.abc import Iterable

from sqlalchemy import (
    Row,
    bindparam,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import OperationalError

from bot.channels.base import OutboundMessage, Sender, SendResult, Verdict
from bot.channels.wire import ON_WIRE
from bot.core.clock import now
from bot.core.config import Settings
from bot.core.db import Database
from bot.outbound.outbox import choices_of
from bot.pipeline.leases import Tenure
from bot.pipeline.pacing import JITTER_MARGIN, Pacer
from bot.store import Direction, Identity, Message, Priority, Status
from bot.store.messages import QUEUE

log = logging.getLogger(__name__)

# A paced channel claims about this many seconds of sending at a time.
BATCH_SECONDS = 0.5
# Pauses before trying again to record a verdict the store could not take.
RECORD_RETRIES = (0.5, 2.0, 8.0)
# Verdicts answered within this many seconds of each other are recorded together.
RECORD_GATHER = 0.02
# A channel's lease: renewed every RENEW_SECONDS, lost CHANNEL_LEASE_TTL after its
# holder's last renewal. The holder stops starting sends LEASE_MARGIN before that (for
# clocks that differ between machines); a new holder waits one window of the
# providers' count (SETTLE_SECONDS) before its first send.
CHANNEL_LEASE_TTL = dt.timedelta(seconds=8)
RENEW_SECONDS = 1.0
LEASE_MARGIN = 1.0
SETTLE_SECONDS = 1.0 + JITTER_MARGIN


_messages, _identities = Message.__table__, Identity.__table__
_earlier = _messages.alias("earlier")
_at = bindparam("at", type_=_messages.c.claimed_at.type)
_ids = bindparam("ids", expanding=True)
# The dispatcher's statements, built once: building them (the claim's most of all)
# cost more CPU than running them, several times a second per channel.
# In order per address, within a priority: a reply waits for an earlier reply or for
# whatever is on the wire, never for that person's queued broadcast row, which may be
# hours away in a large SMS broadcast.
# The person's rows are found by (identity_id, status), both in one index: as two
# conditions to combine, a planner without statistics (a queue just filled by a fan-out)
# read the whole queue for every candidate.
_BLOCKED = exists().where(
    _earlier.c.identity_id == _messages.c.identity_id,
    _earlier.c.status.in_([literal_column(f"'{Status.SENDING}'"),
                           literal_column(f"'{Status.QUEUED}'")]),
    _earlier.c.direction == Direction.OUT,
    _earlier.c.id < _messages.c.id,
    or_(_earlier.c.status == Status.SENDING, _earlier.c.priority <= _messages.c.priority),
)
# The queue is read in its index's order (ix_messages_queue), which the claim stops
# walking at its limit; its condition is written out for the planners to match.
_CLAIMABLE = (
    select(_messages.c.id)
    .where(text(QUEUE),
           _messages.c.next_attempt_at <= _at,
           _messages.c.channel.in_(bindparam("channels", expanding=True)),
           ~_BLOCKED)
    .order_by(_messages.c.priority, _messages.c.id)
    .limit(bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_CLAIMABLE_FOR = _CLAIMABLE.where(_messages.c.identity_id == bindparam("identity"))
_TAKE = update(_messages).where(_messages.c.id.in_(_ids)).values(
    status=Status.SENDING, claimed_at=_at, attempts=_messages.c.attempts + 1)
_CLAIMED = (
    select(_messages.c.id, _messages.c.channel, _messages.c.text, _messages.c.choices,
           _messages.c.language, _messages.c.priority, _identities.c.address)
    .join(_identities, _identities.c.id == _messages.c.identity_id)
    .where(_messages.c.id.in_(_ids))
    .order_by(_messages.c.id)
)
_LOCK_CLAIMED = (
    select(_messages.c.id, _messages.c.status, _messages.c.attempts, _messages.c.identity_id)
    .where(_messages.c.id.in_(_ids)).order_by(_messages.c.id).with_for_update()
)


def _kept(name: str, column):
    """A new value for `column`, or the one it has when the parameter is None."""
    return func.coalesce(bindparam(name, type_=column.type), column)


_VERDICT = update(_messages).where(_messages.c.id == bindparam("row")).values(
    status=bindparam("v_status"), error_code=bindparam("v_code"),
    error=bindparam("v_error", type_=_messages.c.error.type),
    segments=_kept("v_segments", _messages.c.segments),
    sent_at=_kept("v_sent_at", _messages.c.sent_at),
    external_id=_kept("v_external_id", _messages.c.external_id),
    next_attempt_at=_kept("v_next", _messages.c.next_attempt_at),
)
_STOP = update(_identities).where(_identities.c.id.in_(_ids)).values(stopped_at=_at)


def backoff(attempts: int) -> float:
    """Seconds before retry number `attempts`: 5 s, 10 s, 20 s ... capped at 30 min."""
    return min(5 * 2 ** max(attempts - 1, 0), 1800)


def _log_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("a send could not be completed", exc_info=task.exception())


def redact_digits(error: str | None) -> str | None:
    """A provider's error text without its digits: they quote the number ("The 'To'
    number +93... is not a valid phone number"); the provider's code is kept apart."""
    return None if error is None else re.sub(r"\d", "#", error)[:500]


class Dispatcher:
    def __init__(self, database: Database, senders: dict[str, Sender], settings: Settings):
        self.database = database
        self.senders = senders
        self.settings = settings
        self.pacers = {name: Pacer(sender.pace)
                       for name, sender in senders.items()
                       if getattr(sender, "pace", None) is not None}
        self._busy = threading.Lock()
        self._event_loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._verdicts: list[tuple[OutboundMessage, SendResult, asyncio.Future]] = []
        self._recording: asyncio.Task | None = None

    def claim(self, limit: int, channels: Iterable[str] | None = None,
              identity_id: int | None = None) -> list[OutboundMessage]:
        at = now()
        query, params = _CLAIMABLE, {"at": at, "channels": list(channels or self.senders),
                                     "limit": limit}
        if identity_id is not None:
            query, params["identity"] = _CLAIMABLE_FOR, identity_id
        with self.database.write() as db:
            ids = list(db.scalars(query, params))
            if not ids:
                return []
            db.execute(_TAKE, {"ids": ids, "at": at})
            return [self._outbound(row) for row in db.execute(_CLAIMED, {"ids": ids})]

    def _outbound(self, row: Row) -> OutboundMessage:
        return OutboundMessage(
            id=row.id, channel=row.channel, address=row.address, text=row.text or "",
            choices=choices_of(row), language=row.language or self.settings.default_language,
            urgent=row.priority < Priority.BULK,
        )

    def run_once(self, channels: Iterable[str] | None = None,
                 identity_id: int | None = None) -> int:
        """Claims one batch per channel and sends it; returns how many were handled.
        Returns 0 at once if this dispatcher is already running (`serve`)."""
        if not self._busy.acquire(timeout=0.1):
            return 0
        try:
            wanted = [c for c in (channels or self.senders) if c in self.senders]
            return self._loop().run_until_complete(self._round(wanted, identity_id))
        finally:
            self._busy.release()

    def serve(self, stop: threading.Event, interval: float = 0.5,
              holder: str = "dispatcher") -> None:
        """Sends until `stop` is set, each channel at its own pace while this process
        (`holder`, unique among workers) holds the channel's lease, so a slow SMS
        batch never holds up Telegram."""
        with self._busy:
            self._loop().run_until_complete(self._serve(stop, interval, holder))

    async def _serve(self, stop: threading.Event, interval: float, holder: str) -> None:
        tenures = {channel: Tenure(self.database, f"send:{channel}", holder, CHANNEL_LEASE_TTL,
                                   settle=SETTLE_SECONDS, margin=LEASE_MARGIN)
                   for channel in self.senders}
        await asyncio.gather(
            *(self._serve_channel(channel, tenures, stop, interval) for channel in self.senders)
        )

    async def _serve_channel(self, channel: str, tenures: dict[str, Tenure],
                             stop: threading.Event, interval: float) -> None:
        # The next batch is claimed as soon as the pacer has let the last one go, not
        # when its slowest send returns: the channel never idles between batches, and a
        # reply waits at most about one batch (BATCH_SECONDS).
        tenure = tenures[channel]
        keeper = asyncio.create_task(self._keep(channel, tenures, stop))
        in_flight: set[asyncio.Task] = set()
        while not stop.is_set():
            if not tenure.active():
                await asyncio.sleep(min(interval, 0.1))
                continue
            try:
                handled = await self._channel_round(channel, None, in_flight, tenure)
            except Exception:
                log.exception("dispatching %s failed", channel)
                handled = 0
            if not handled:
                await asyncio.sleep(interval)
        if in_flight:
            await asyncio.gather(*in_flight)  # every verdict recorded before we stop
        await keeper
        if tenure.held:
            try:
                await asyncio.to_thread(tenure.release)  # the next holder need not wait
            except OperationalError:
                log.warning("could not release the lease on %s; it runs out", channel)

    async def _keep(self, channel: str, tenures: dict[str, Tenure],
                    stop: threading.Event) -> None:
        """Holds the channel's lease: renews it while held; otherwise tries to take it,
        the less often the more channels this process already holds."""
        tenure = tenures[channel]
        # Workers started together do not all reach for the same channel first.
        await asyncio.sleep(random.uniform(0, RENEW_SECONDS))  # nosec B311 (not a secret)
        while not stop.is_set():
            try:
                taking_at = now()
                if await asyncio.to_thread(tenure.renew):
                    log.info("sending %s (term %d)", channel, tenure.term)
                    requeued = await asyncio.to_thread(self.requeue_abandoned, channel,
                                                       taking_at)
                    if requeued:
                        log.info("%d message(s) on %s requeued from the last holder",
                                 requeued, channel)
            except Exception:
                log.exception("could not renew the lease on %s", channel)
            others = sum(1 for name, t in tenures.items() if name != channel and t.held)
            pause = RENEW_SECONDS if tenure.held else (
                RENEW_SECONDS * (1 + 3 * others) * random.uniform(0.75, 1.25))  # nosec B311
            deadline = asyncio.get_running_loop().time() + pause
            while not stop.is_set() and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.1)

    def _loop(self) -> asyncio.AbstractEventLoop:
        # One loop for the dispatcher's life: provider clients keep connections on it.
        if self._event_loop is None or self._event_loop.is_closed():
            self._event_loop = asyncio.new_event_loop()
        return self._event_loop

    def close(self) -> None:
        if self._event_loop is None:
            return
        for sender in self.senders.values():
            if hasattr(sender, "aclose"):
                self._event_loop.run_until_complete(sender.aclose())
        self._event_loop.close()

    async def _round(self, channels: list[str], identity_id: int | None) -> int:
        counts = await asyncio.gather(*(self._channel_round(c, identity_id) for c in channels))
        return sum(counts)

    async def _channel_round(self, channel: str, identity_id: int | None,
                             in_flight: set[asyncio.Task] | None = None,
                             tenure: Tenure | None = None) -> int:
        """Claims and sends one batch. With `in_flight`, returns once the pacer has let
        go the first quarter of it, leaving the sends in that set; without,
        returns when every verdict is recorded. With `tenure`, a message whose turn
        comes after the tenure's term has ended is not sent (the next holder requeues
        it)."""
        pacer = self.pacers.get(channel)
        limit = self.settings.dispatch_batch
        if pacer is not None:
            pacer.forget_idle()
            limit = min(limit, pacer.batch_size(BATCH_SECONDS))
        batch = await asyncio.to_thread(self.claim, limit, [channel], identity_id)
        if in_flight is None:
            await self.deliver(batch)
            return len(batch)
        started = [asyncio.Event() for _ in batch]
        term = tenure.term if tenure is not None else None
        for message, event in zip(batch, started, strict=True):
            task = asyncio.create_task(self._deliver_one(message, event, tenure, term))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
            task.add_done_callback(_log_failure)
        # The next batch is claimed while the rest of this one still waits its turn: a
        # claim can take a tenth of a second or more on a busy machine (its thread waits
        # for the interpreter while the sends run) and must leave no gap in sending.
        # Claims still come one batch apart (a batch starts when the last has gone), and
        # a reply claimed with the next batch goes before the bulk waiting in memory.
        await asyncio.gather(*(event.wait() for event in started[:max(1, len(started) // 4)]))
        return len(batch)

    async def deliver(self, messages: list[OutboundMessage]) -> list[SendResult]:
        return list(await asyncio.gather(*(self._deliver_one(m) for m in messages)))

    async def _deliver_one(self, message: OutboundMessage, started: asyncio.Event | None = None,
                           tenure: Tenure | None = None, term: int | None = None) -> SendResult:
        sender = self.senders[message.channel]
        pacer = self.pacers.get(message.channel)
        ticket = None
        try:
            if pacer is not None:
                ticket = await pacer.wait(message.address, sender.cost(message),
                                          message.urgent)
        finally:
            if started is not None:
                started.set()
        if tenure is not None and not tenure.active(term):
            if ticket is not None:
                ticket.on_wire()
            # Another worker may hold the channel now: it requeues this row.
            return SendResult.retry("the channel's lease ended before its turn")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.settings.dispatch_concurrency)
        async with self._slots:
            reset = ON_WIRE.set(ticket.on_wire if ticket is not None else None)
            try:
                result = await self._send(message)
            finally:
                ON_WIRE.reset(reset)
                if ticket is not None:
                    ticket.on_wire()  # a sender that did not say, or a request that failed
        if pacer is not None and result.retry_after:
            pacer.overall.pause(result.retry_after)
        # Recorded now, not at the end of the batch: a crash later in the batch must
        # not send again what the provider has already accepted.
        await self._record_soon(message, result)
        return result

    async def _record_soon(self, message: OutboundMessage, result: SendResult) -> None:
        """The provider has answered: the verdict is recorded now, with those that came
        in within RECORD_GATHER or while the last write was under way (one transaction
        for them all: at 130 sends a second, one write per verdict was a fifth of the
        sending path's CPU)."""
        done = asyncio.get_running_loop().create_future()
        self._verdicts.append((message, result, done))
        if self._recording is None or self._recording.done():
            self._recording = asyncio.create_task(self._record_waiting())
        await done

    async def _record_waiting(self) -> None:
        await asyncio.sleep(RECORD_GATHER)
        while self._verdicts:
            waiting, self._verdicts = self._verdicts, []
            try:
                await self._record_retrying([(m, r) for m, r, _ in waiting])
            except Exception as error:
                for *_, done in waiting:
                    done.set_exception(error)
            else:
                for *_, done in waiting:
                    done.set_result(None)

    async def _record_retrying(self, outcomes: list[tuple[OutboundMessage, SendResult]]) -> None:
        """Losing a verdict would send the message again once its claim goes stale, so
        a busy store is tried a few times."""
        for delay in RECORD_RETRIES:
            try:
                await asyncio.to_thread(self.record, outcomes)
                return
            except OperationalError:
                log.warning("store busy recording %d verdict(s); trying again", len(outcomes))
                await asyncio.sleep(delay)
        await asyncio.to_thread(self.record, outcomes)

    async def _send(self, message: OutboundMessage) -> SendResult:
        try:
            return await self.senders[message.channel].send(message)
        except Exception as error:  # a sender bug must not lose the message
            log.exception("sender for %s failed on message %s", message.channel, message.id)
            return SendResult.retry(f"{type(error).__name__}: {error}")

    def record(self, outcomes: list[tuple[OutboundMessage, SendResult]]) -> None:
        at = now()
        with self.database.write() as db:
            # Locked in id order, so that a delivery receipt committed meanwhile is read
            # (not overwritten) and two writers never wait on each other in a circle.
            rows = {row.id: row for row in db.execute(
                _LOCK_CLAIMED, {"ids": [m.id for m, _ in outcomes]})}
            changes = [self._verdict(rows[message.id], result, at)
                       for message, result in outcomes]
            db.execute(_VERDICT, changes)
            stopped = [rows[m.id].identity_id for m, r in outcomes
                       if r.verdict is Verdict.STOPPED and rows[m.id].identity_id is not None]
            if stopped:
                db.execute(_STOP, {"ids": stopped, "at": at})

    def _verdict(self, row: Row, result: SendResult, at: dt.datetime) -> dict:
        """The row's new values (for `_VERDICT`); None leaves a column as it is."""
        change = {"row": row.id, "v_status": Status.FAILED, "v_code": result.error_code,
                  "v_error": redact_digits(result.error), "v_segments": result.segments,
                  "v_sent_at": None, "v_external_id": None, "v_next": None}
        if result.verdict is Verdict.SENT:
            # A delivery report may have come back before this verdict was recorded.
            change["v_status"] = Status.SENT if row.status == Status.SENDING else row.status
            change["v_sent_at"], change["v_external_id"] = at, result.external_id
        elif result.verdict is Verdict.RETRY and row.attempts < self.settings.max_attempts:
            delay = max(result.retry_after or 0, backoff(row.attempts))
            change["v_status"] = Status.QUEUED
            change["v_next"] = at + dt.timedelta(seconds=delay)
        elif result.verdict is Verdict.STOPPED:
            change["v_status"] = Status.STOPPED
        return change

    def requeue_abandoned(self, channel: str, before: dt.datetime) -> int:
        """At the start of a term on `channel`: requeues its rows claimed before
        `before` (the lease was taken) and still unanswered: the last holder stopped
        sending before its lease ran out. A row that was on the wire when that holder
        died may go twice, as in `release_stale`."""
        with self.database.write() as db:
            return db.execute(
                update(Message)
                .where(Message.channel == channel, Message.direction == Direction.OUT,
                       Message.status == Status.SENDING, Message.claimed_at < before)
                .values(status=Status.QUEUED)
            ).rowcount

    def release_stale(self, older_than: dt.timedelta) -> int:
        """Requeues rows claimed by a dispatcher that died before recording a verdict.

        The provider may or may not have taken such a message: requeueing risks one
        duplicate, dropping it risks a loss, and a loss is worse."""
        with self.database.write() as db:
            result = db.execute(
                update(Message)
                .where(Message.status == Status.SENDING, Message.claimed_at < now() - older_than)
                .values(status=Status.QUEUED)
            )
            return result.rowcount
