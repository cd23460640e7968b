"""A running worker takes up a change to the SMS channels table (from the dashboard, the
API or the CLI) without a restart: a channel added is sent through, one disabled is not."""

from __future__ import annotations

import time

from bot.channels import table
from bot.core.clock import now
from bot.outbound.outbox import enqueue
from bot.store import Identity
from bot.worker import Worker
from tests.builders import make_contact
from tests.fakes.sendsms import FakeSendsms
from tests.faults import wait_for


def _queue(services, identity_id: int, text: str) -> None:
    with services.database.write() as db:
        enqueue(db, db.get(Identity, identity_id), text, now=now())


def test_a_channel_added_or_disabled_while_the_worker_runs_takes_effect(services):
    sendsms = FakeSendsms().start()
    worker = Worker(services, dispatch_interval=0.1, channels_check_seconds=0.2)
    worker.start()
    try:
        table.add(services.database, "kannel", "roshan", sendsms.url, rate=20.0, at=now())
        _, identity_id, _ = make_contact(services, channel="roshan", address="+93799000333")
        _queue(services, identity_id, "hello")
        wait_for(lambda: sendsms.texts() == ["hello"], 60, "the new channel to send")
        table.set_enabled(services.database, "roshan", False)
        wait_for(lambda: "roshan" not in services.dispatcher.senders, 60,
                 "the worker to drop the disabled channel")
        _queue(services, identity_id, "held back")
        time.sleep(1.0)  # several dispatch rounds
        assert sendsms.texts() == ["hello"]
    finally:
        worker.stop()
        sendsms.stop()
