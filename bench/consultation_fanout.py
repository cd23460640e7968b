"""Sending a consultation to N people, beside a bare INSERT ... SELECT of the same rows.

  bare   one INSERT ... SELECT of the outbox rows (the opening in each person's
         language, by a CASE) and one of the recipient rows
  send   bot.consultations.hooks.send: the broadcasts' audience, then each person
         offered the conversation through the inbox (the engine starts it, or queues
         it behind the one in progress), a chunk of contacts per transaction

prints the time of each, the ratio, and the peak Python memory of `send` (tracemalloc)
at each size.

    .venv/bin/python bench/consultation_fanout.py            # 2,000 people, SQLite
    .venv/bin/python bench/consultation_fanout.py --full     # 10,000 and 100,000
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

BARE_OUTBOX = """
INSERT INTO messages (direction, channel, contact_id, identity_id, text, language, status,
                      priority, attempts, next_attempt_at, created_at)
SELECT 'out', i.channel, c.id, i.id, :opening, c.language, 'queued', 10, 0, :now, :now
FROM identities i JOIN contacts c ON c.id = i.contact_id
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


def measure(backend: str, count: int) -> tuple:
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
            first = service.create(db, spec.parse({**DEFINITION, "name": "bare"},
                                                  default_language="en"), by="b", now=now()).id
            second = service.create(db, spec.parse(DEFINITION, default_language="en"),
                                    by="b", now=now()).id
        started = time.perf_counter()
        with services.database.write() as db:
            db.execute(_bind(BARE_OUTBOX), {"opening": keyring().encrypt("Water?"),
                                            "now": now(), "channels": channels})
            db.execute(_bind(BARE_RECIPIENTS), {"cid": first, "now": now(),
                                                "channels": channels})
        bare = time.perf_counter() - started
        with services.database.write() as db:
            db.execute(text("DELETE FROM messages"))
        tracemalloc.start()
        started = time.perf_counter()
        reached = hooks.send(services, second)
        sent = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        services.database.dispose()
    return (backend, f"{count:,}", f"{reached:,}", f"{bare:.2f}", f"{sent:.2f}",
            f"{sent / bare:.1f}x", f"{peak / 2**20:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="10,000 and 100,000 people")
    parser.add_argument("--sizes", nargs="+", type=int, default=None)
    parser.add_argument("--backends", nargs="+", default=["sqlite"])
    options = parser.parse_args()
    sizes = options.sizes or ([10_000, 100_000] if options.full else [2_000])
    rows = [measure(backend, n) for backend in options.backends for n in sizes]
    print(table(rows, ("backend", "people", "reached", "bare s", "send s", "send/bare",
                       "send peak MiB")))


if __name__ == "__main__":
    main()
