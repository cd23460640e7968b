"""Helpers for the consultation tests: the example file, stored and sent, and people
who answer it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from sqlalchemy import select

from bot.consultations import hooks, service, spec
from bot.core.clock import now
from bot.store import ConsultationAnswer, ConsultationResponse

EXAMPLE = Path(__file__).parent / "data" / "water.yaml"
# Inside the example's window (it opens 2026-11-23 08:00 in Kabul, 03:30 UTC).
OPEN = dt.datetime(2026, 11, 23, 6, tzinfo=dt.UTC)


def example(**changes) -> dict:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return {**raw, **changes}


def create(services, **changes) -> int:
    draft = spec.parse(example(**changes), default_language="en")
    with services.database.write() as db:
        return service.create(db, draft, by="test", now=now()).id


def send(services, consultation_id: int) -> int:
    return hooks.send(services, consultation_id)


def responses(services) -> list[tuple[ConsultationResponse, dict]]:
    with services.database.read() as db:
        found = []
        for response in db.scalars(select(ConsultationResponse)):
            answers = {a.question: a.option or a.number or a.text for a in db.scalars(
                select(ConsultationAnswer).where(ConsultationAnswer.response_id == response.id))}
            found.append((response, answers))
        return found


def cli_runner(settings):
    """`mashwara` run in-process against the test store: run("consultations", "list")."""
    from click.testing import CliRunner

    from bot.cli.main import main

    env = {"MASHWARA_DATABASE_URL": settings.database_url,
           "MASHWARA_ENCRYPTION_KEY": settings.encryption_keys[0],
           "MASHWARA_INSTANCE_DIR": str(settings.instance_dir)}
    return lambda *args: CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
