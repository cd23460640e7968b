"""Builders for meeting tests: a meeting with invitees, and running the worker's tick."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.core.clock import now
from bot.meetings import reminders, service
from bot.services import Services
from bot.store import Invitation, Meeting, Message

KABUL_START = dt.datetime(2026, 12, 1, 10, 0)  # local time: 05:30 UTC
TITLES = {"en": "Dand district shura", "fa": "شورای ولسوالی دند", "ps": "د ډنډ ولسوالۍ شورا",
          "ar": "مجلس مديرية دند", "fr": "Choura du district de Dand"}
PLACES = {"en": "District office", "fa": "دفتر ولسوالی", "ps": "د ولسوالۍ دفتر",
          "ar": "مكتب المديرية", "fr": "Bureau du district"}


def make_meeting(services: Services, *, local_start: dt.datetime = KABUL_START,
                 time_zone: str = "Asia/Kabul", titles: dict | None = None,
                 code: str = "4821", **options) -> int:
    with services.database.write() as db:
        meeting = service.create(db, title=titles or TITLES, local_start=local_start,
                                 time_zone=time_zone, place=PLACES, now=now(), **options)
        meeting.checkin_code = code  # fixed, so that transcripts are stable
        return meeting.id


def invite(services: Services, meeting_id: int, *contact_ids: int) -> service.Fanout:
    with services.database.write() as db:
        meeting = db.get(Meeting, meeting_id)
        service.add_invitees(db, meeting, contact_ids)
        return service.send_invitations(db, meeting, services.settings, now())


def tick(services: Services) -> int:
    """One run of the worker's meeting tick."""
    return reminders.send_due(services)


def invitation(services: Services, meeting_id: int, contact_id: int) -> Invitation:
    with services.database.read() as db:
        return db.scalars(select(Invitation).where(Invitation.meeting_id == meeting_id,
                                                   Invitation.contact_id == contact_id)).one()


def outbound_count(services: Services, contact_id: int) -> int:
    with services.database.read() as db:
        return len(db.scalars(select(Message.id).where(Message.contact_id == contact_id,
                                                       Message.direction == "out")).all())


def run_cli(settings, *args, input: str | None = None):
    from click.testing import CliRunner

    from bot.cli.main import main

    env = {"MASHWARA_DATABASE_URL": settings.database_url,
           "MASHWARA_ENCRYPTION_KEY": settings.encryption_keys[0],
           "MASHWARA_INSTANCE_DIR": str(settings.instance_dir)}
    return CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)
