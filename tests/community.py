"""Helpers for the feedback and report tests: a registered person, and the answers
that take them through a report."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.core.clock import now
from bot.reports.ticks import scrub_sent
from bot.store import Feedback, Report
from tests.builders import chat, make_contact

# category 1 (rights), today, province 1 (Kabul, where the person registered, offered
# first; asked after a look at page two), district, text, not urgent, named
NAMED = ["report", "1", "1", "#", "1", "Dand", "They beat my brother at the checkpoint.",
         "2", "2"]
ANONYMOUS = NAMED[:-1] + ["1"]


def person(services, lang: str = "en", **contact):
    """A registered contact on the simulator channel, ready to talk."""
    contact_id, identity_id, address = make_contact(services, lang=lang, **contact)
    sim = chat(services, lang=lang, address=address)
    sim.contact_id, sim.identity_id = contact_id, identity_id
    return sim


def say_all(sim, answers) -> list[str]:
    replies = []
    for answer in answers:
        replies = sim.say(answer)
    return replies


def reports(services) -> list[Report]:
    with services.database.read() as db:
        return list(db.scalars(select(Report).order_by(Report.received_on)))


def feedback(services) -> list[Feedback]:
    with services.database.read() as db:
        return list(db.scalars(select(Feedback).order_by(Feedback.id)))


def scrub(services, after: dt.timedelta = dt.timedelta(minutes=2)) -> int:
    """Runs the scrub as the worker would, `after` from now."""
    with services.database.write() as db:
        return scrub_sent(db, now() + after)
