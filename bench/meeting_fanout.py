"""How much a meeting's fan-out costs beyond queueing the messages themselves.

Baseline: `notify` to N contacts in one transaction (what any broadcast costs).
Measured: sending N invitations (calendar text per language, RSVP session per person)
and one reminder tick to N YES answers. Printed as ratios to the baseline, on a
fresh SQLite file (or MASHWARA_BENCH_DB, e.g. a PostgreSQL URL).

    .venv/bin/python bench/meeting_fanout.py [N]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time

from cryptography.fernet import Fernet
from sqlalchemy import update

from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.core.config import Settings
from bot.meetings import reminders, service
from bot.outbound.notify import notify
from bot.services import Services
from bot.store import Contact, ContactStatus, Invitation, Meeting, Response

LANGS = ("en", "fa", "ps", "ar", "fr")


def contacts(services: Services, n: int) -> list[int]:
    with services.database.write() as db:
        ids = []
        for i in range(n):
            identity = identify(db, "sim", f"+9379{i:07d}", now(), LANGS[i % 5])
            identity.contact.status = ContactStatus.ACTIVE
            identity.contact.language = LANGS[i % 5]
            ids.append(identity.contact_id)
        return ids


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main(n: int) -> None:
    url = os.environ.get("MASHWARA_BENCH_DB") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    services = Services(Settings(database_url=url,
                                 encryption_keys=(Fernet.generate_key().decode(),)))
    services.upgrade()
    ids = contacts(services, n)

    def baseline():
        with services.database.write() as db:
            for contact_id in ids:
                notify(db, db.get(Contact, contact_id), "Announcement", now=now())

    def invitations():
        with services.database.write() as db:
            meeting = service.create(db, title={"en": "Shura", "fa": "شورا"}, now=now(),
                                     local_start=dt.datetime.now() + dt.timedelta(days=3),
                                     time_zone="Asia/Kabul", place={"en": "Office"})
            service.add_invitees(db, meeting, ids)
            service.send_invitations(db, meeting, services.settings, now())
            db.execute(update(Invitation).values(response=Response.YES))
            db.execute(update(Meeting).values(starts_at=now() + dt.timedelta(hours=23)))
            reminders.schedule(db, meeting, now() - dt.timedelta(days=1))

    base = timed(baseline)
    invite = timed(invitations)
    remind = timed(lambda: reminders.send_due(services))
    print(f"{n} contacts, {services.database.dialect}")
    print(f"baseline notify x{n}: {base:.3f} s (1.00)")
    print(f"invitations:         {invite / base:.2f} x baseline")
    print(f"reminder tick:       {remind / base:.2f} x baseline")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
