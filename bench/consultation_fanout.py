"""Sending a consultation to N people, beside a bare INSERT ... SELECT of the same rows.

  bare   one INSERT ... SELECT each of the rows a send writes: the outbox rows (the
         opening in each person's language, by a CASE), the session rows (the
         conversation started) and the recipient rows
  send   bot.consultations.hooks.send: the broadcasts' audience, then each chunk of
         contacts offered the conversation in SQL (bot.pipeline.offers: started now,
         or a pending-flow row behind the one in progress), a chunk per transaction

prints the best time of each (taken in turns), the ratio, and the peak Python memory
of one more `send` (tracemalloc, apart from the timing) at each size.

    .venv/bin/python bench/consultation_fanout.py            # 2,000 people, SQLite
    .venv/bin/python bench/consultation_fanout.py --full     # 10,000 and 100,000
    .venv/bin/python bench/consultation_fanout.py --full --backends sqlite postgresql
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import bindparam, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_services, table
from bench.consultation_results import DEFINITION
from bench.fanout import SEED_CONTACTS, SEED_IDENTITIES
from bot.consultations import hooks, service, spec
from bot.core.clock import now
from bot.core.crypto import keyring
from bot.store.base import UTCDateTime
from locales import LANGUAGES, catalog

BARE_OUTBOX = """
INSERT INTO messages (direction, channel, contact_id, identity_id, text, language, status,
                      priority, attempts, next_attempt_at, created_at)
SELECT 'out', i.channel, c.id, i.id, :opening, c.language, 'queued', 10, 0, :now, :now
FROM identities i JOIN contacts c ON c.id = i.contact_id
WHERE c.status = 'active' AND c.stopped_at IS NULL AND i.stopped_at IS NULL
  AND i.channel IN :channels
"""
BARE_SESSIONS = """
INSERT INTO sessions (contact_id, flow, state, started_at, updated_at, expires_at)
SELECT c.id, 'consultation', :state, :now, :now, :now FROM contacts c
JOIN identities i ON i.contact_id = c.id
WHERE c.status = 'active' AND c.stopped_at IS NULL AND i.stopped_at IS NULL
  AND i.channel IN :channels
"""
BARE_RECIPIENTS = """
INSERT INTO consultation_recipients (consultation_id, contact_id, sent_at, answered)
SELECT :cid, c.id, :now, false FROM contacts c JOIN identities i ON i.contact_id = c.id
WHERE c.status = 'active' AND c.stopped_at IS NULL AND i.stopped_at IS NULL
  AND i.channel IN :channels
"""


def _bind(sql: str):
    bound = text(sql).bindparams(bindparam("now", type_=UTCDateTime()))
    return bound.bindparams(bindparam("channels", expanding=True)) if ":channels" in sql \
        else bound


def _clear(services) -> None:
    with services.database.write() as db:
        for table_name in ("messages", "sessions", "pending_flows", "consultation_recipients"):
            db.execute(text(f"DELETE FROM {table_name}"))


def _bare(services, consultation_id: int, channels: list[str]) -> None:
    with services.database.write() as db:
        db.execute(_bind(BARE_OUTBOX), {"opening": keyring().encrypt("Water?"),
                                        "now": now(), "channels": channels})
        db.execute(_bind(BARE_SESSIONS), {"state": keyring().encrypt('{"c": 1}'),
                                          "now": now(), "channels": channels})
        db.execute(_bind(BARE_RECIPIENTS), {"cid": consultation_id, "now": now(),
                                            "channels": channels})


def _timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def measure(backend: str, count: int, repeat: int) -> tuple:
    with fresh_services(backend) as services:
        # Telegram on (no request is made: nothing is dispatched here); SMS stays off.
        services.settings = services.settings.with_overrides(telegram_bot_token="bench")
        channels = list(hooks.channels(services))  # the bare rows go to the same channels
        address = keyring().encrypt("+93700000000")
        with services.database.write() as db:
            db.execute(_bind(SEED_CONTACTS), {"count": count, "now": now()})
            db.execute(_bind(SEED_IDENTITIES), {"count": count, "now": now(),
                                                "address": address})
            db.execute(text("UPDATE contacts SET registered_at = created_at,"
                            " consent_at = created_at"))
            if services.database.is_postgres:
                db.execute(text("ANALYZE"))
            cid = service.create(db, spec.parse(DEFINITION, default_language="en"),
                                 by="b", now=now()).id
        for language in LANGUAGES:  # read once per process, as a running worker has
            catalog(language)
        bare, sent = [], []
        for _ in range(repeat):  # in turns, so that a busy moment does not land on one side
            _clear(services)
            bare.append(_timed(lambda: _bare(services, cid, channels)))
            _clear(services)
            sent.append(_timed(lambda: hooks.send(services, cid)))
        _clear(services)
        tracemalloc.start()
        reached = hooks.send(services, cid)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        services.database.dispose()
    bare_s, sent_s = min(bare), min(sent)
    return (backend, f"{count:,}", f"{reached:,}", f"{bare_s:.2f}", f"{sent_s:.2f}",
            f"{sent_s / bare_s:.1f}x", f"{peak / 2**20:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="10,000 and 100,000 people")
    parser.add_argument("--sizes", nargs="+", type=int, default=None)
    parser.add_argument("--backends", nargs="+", default=["sqlite"])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best counts")
    options = parser.parse_args()
    sizes = options.sizes or ([10_000, 100_000] if options.full else [2_000])
    rows = [measure(backend, n, options.repeat) for backend in options.backends for n in sizes]
    print(table(rows, ("backend", "people", "reached", "bare s", "send s", "send/bare",
                       "send peak MiB")))


if __name__ == "__main__":
    main()
