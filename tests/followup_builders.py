"""Builders for the follow-up tests: a report filed through the flow, a question asked."""

from __future__ import annotations

import re

from bot.core.clock import now
from bot.reports import questions
from bot.store import Report
from tests.community import ANONYMOUS, NAMED, say_all


def file_by_sms(sim, anonymous: bool = False) -> str:
    """Takes `sim` through a report; returns its code."""
    replies = say_all(sim, ANONYMOUS if anonymous else NAMED)
    return re.search(r"R-\w{4,5}", replies[0]).group()


def ask(services, code: str, text: str, by: str = "amina@example.org"):
    with services.database.write() as db:
        return questions.ask(db, db.get(Report, code), text, by=by, now=now(),
                             settings=services.settings)
