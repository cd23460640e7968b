"""`mashwara recommendations`: what meetings and consultations recommended, and their
follow-up. Export them with `mashwara export recommendations [--format xlsx]`."""

from __future__ import annotations

import click

from bot.audit import trail as audit
from bot.cli.context import services as build_services
from bot.cli.context import texts as parse_texts
from bot.consultations import recommendations as service
from bot.consultations import service as consultations
from bot.consultations.spec import SpecError
from bot.core.clock import now
from bot.store import Recommendation, RecommendationStatus


@click.group()
def recommendations() -> None:
    """Recommendations from meetings and consultations: add, follow up, list."""


@recommendations.command("add")
@click.option("--consultation", "consultation_name", help="The consultation it came from.")
@click.option("--meeting", "meeting_id", type=int, help="The meeting it came from (its id).")
@click.option("--text", "texts", multiple=True, required=True,
              help='The text; "fa:..." for another language. Repeat per language.')
@click.option("--to", "addressed_to", required=True, help="An authority, an organisation.")
def add(consultation_name, meeting_id, texts, addressed_to) -> None:
    """Record a recommendation (status: proposed)."""
    services = build_services()
    with services.database.write() as db:
        consultation_id = None
        if consultation_name:
            found = consultations.find(db, consultation_name)
            if found is None:
                raise click.ClickException(f"no consultation {consultation_name!r}")
            consultation_id = found.id
        try:
            row = service.add(db, texts=parse_texts(texts, services.settings.default_language),
                              addressed_to=addressed_to, by=audit.cli_actor(), now=now(),
                              meeting_id=meeting_id, consultation_id=consultation_id)
        except SpecError as error:
            raise click.ClickException(str(error)) from None
        audit.record(db, audit.cli_actor(), "recommendation.add", "recommendation", row.id)
        click.echo(f"Recommendation {row.id} recorded (proposed).")


@recommendations.command("set-status")
@click.argument("recommendation_id", type=int)
@click.argument("status", type=click.Choice(RecommendationStatus.ALL))
@click.option("--note", help="Why, or what was done (kept encrypted).")
@click.option("--announce", is_flag=True,
              help="Tell the people who took part, in their language.")
def set_status(recommendation_id: int, status: str, note: str | None, announce: bool) -> None:
    """Move a recommendation on; recorded, dated, in its history."""
    services = build_services()
    with services.database.write() as db:
        row = db.get(Recommendation, recommendation_id)
        if row is None:
            raise click.ClickException(f"no recommendation {recommendation_id}")
        step = service.change(db, row, status, note=note, by=audit.cli_actor(), now=now(),
                              announce=announce, settings=services.settings)
        audit.record(db, audit.cli_actor(), "recommendation.status", "recommendation", row.id,
                     {"status": status, "announced": step.announced})
    told = f"; {step.announced} people told" if announce else ""
    click.echo(f"Recommendation {recommendation_id} is {status}{told}.")


@recommendations.command("list")
def list_() -> None:
    """Every recommendation with its source and history."""
    services = build_services()
    with services.database.read() as db:
        rows = service.listing(db)
        for row, steps in rows:
            click.echo(f"{row.id:>4}  {row.status:<12} {service.source_of(row)}; to"
                       f" {row.addressed_to}")
            for lang, text in row.texts.items():
                click.echo(f"      [{lang}] {text}")
            for step in steps:
                note = f": {step.note}" if step.note else ""
                click.echo(f"      {step.at:%Y-%m-%d} {step.status}{note}")
    if not rows:
        click.echo("No recommendations yet.")
