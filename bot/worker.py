"""The worker: the dispatcher loop, and periodic ticks driven by APScheduler.

Several workers may run, on one machine or several. Each channel is sent by the
worker holding its lease (bot/pipeline/dispatcher.py), so the provider's caps hold
for all of them together; the ticks that scan for due work run only on the worker
that holds the scheduler lease. Features add their ticks with `register_tick`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid

from apscheduler.schedulers.background import BackgroundScheduler

from bot.channels import table
from bot.core.ticks import TICKS, Tick
from bot.pipeline import leases
from bot.services import Services

log = logging.getLogger(__name__)

LEASE = "scheduler"
LEASE_TTL = dt.timedelta(seconds=30)
# How long a stopping worker waits for its sends on the wire.
STOP_SECONDS = 8.0
# How often the SMS channels table is read for a channel added, changed or removed.
CHANNELS_CHECK_SECONDS = 15.0


class Worker:
    def __init__(self, services: Services, dispatch_interval: float = 0.5,
                 channels_check_seconds: float = CHANNELS_CHECK_SECONDS):
        self.services = services
        self.dispatch_interval = dispatch_interval
        self.channels_check_seconds = channels_check_seconds
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self._stop = threading.Event()
        # Set to end the current dispatcher: when stopping, or when the channels changed.
        self._round = threading.Event()
        self._channels: frozenset | None = None
        self._dispatching: threading.Thread | None = None

    def run_ticks(self) -> None:
        """Runs every tick once if this worker holds the scheduler lease."""
        if not leases.acquire(self.services.database, LEASE, self.holder, LEASE_TTL):
            return
        for tick in TICKS.values():
            self._safely(tick.name, tick.run)

    def _safely(self, name: str, run) -> None:
        try:
            done = run(self.services)
            # One line per tick that did work; APScheduler's own lines are silenced.
            if any(done.values()) if isinstance(done, dict) else done:
                log.info("%s: %s", name, done)
        except Exception:
            log.exception("tick %s failed", name)

    def dispatch_loop(self) -> None:
        while not self._stop.is_set():
            dispatcher = self.services.dispatcher
            try:
                dispatcher.serve(self._round, self.dispatch_interval, self.holder)
            except Exception:
                log.exception("dispatch failed")
                self._stop.wait(self.dispatch_interval)
            if self._round.is_set() and not self._stop.is_set():
                # The channels changed: senders built from the table anew (the old
                # dispatcher has recorded its last verdicts and given up its leases).
                dispatcher.close()
                self.services.__dict__.pop("dispatcher", None)
                self._round.clear()

    def watch_channels(self) -> None:
        """Ends the current dispatcher when an SMS channel was added, changed, enabled,
        disabled or removed (from the dashboard, the API or the CLI): no restart needed."""
        try:
            now_set = table.sending_setup(self.services.database)
        except Exception:
            log.exception("could not read the channels table")
            return
        if self._channels is not None and now_set != self._channels:
            log.info("the SMS channels changed: sending with the new table")
            self._round.set()
        self._channels = now_set

    def start(self) -> threading.Thread:
        for tick in TICKS.values():
            self.scheduler.add_job(
                self._leader_tick, "interval", seconds=tick.seconds, args=[tick],
                id=tick.name, max_instances=1, coalesce=True, next_run_time=None,
            )
        self.watch_channels()
        self.scheduler.add_job(self.watch_channels, "interval",
                               seconds=self.channels_check_seconds, id="channels",
                               max_instances=1, coalesce=True)
        self.scheduler.start()
        for job in self.scheduler.get_jobs():
            job.modify(next_run_time=dt.datetime.now(dt.UTC))
        thread = threading.Thread(target=self.dispatch_loop, name="dispatcher", daemon=True)
        thread.start()
        self._dispatching = thread
        log.info("worker %s started", self.holder)
        return thread

    def _leader_tick(self, tick: Tick) -> None:
        if leases.acquire(self.services.database, LEASE, self.holder, LEASE_TTL):
            self._safely(tick.name, tick.run)

    def stop(self) -> None:
        """Lets the sends on the wire finish and be recorded, and gives up the
        channels' leases, so that another worker takes over at once."""
        self._stop.set()
        self._round.set()
        self.scheduler.shutdown(wait=False)
        if self._dispatching is not None:
            self._dispatching.join(timeout=STOP_SECONDS)
        leases.release(self.services.database, LEASE, self.holder)
