"""`mashwara consultations`: ask the community questions written in a file, send them,
read the results. Output is English for coordinators."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import yaml

from bot.audit import trail as audit
from bot.cli.context import services as build_services
from bot.consultations import hooks, results, service, spec, summary
from bot.core.clock import now
from bot.core.exports import write_csv, write_xlsx
from bot.store import ConsultationStatus


@click.group()
def consultations() -> None:
    """Questions to the community: create from a file, send, close, read the results."""


def read_file(path: Path) -> dict:
    """A consultation file, YAML or JSON (YAML reads JSON too); safe_load only."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path.name} is not valid YAML or JSON: {error}") from None


def _load(db, name: str):
    found = service.find(db, name)
    if found is None:
        raise click.ClickException(f"no consultation {name!r}; see `mashwara consultations list`")
    return found


def print_costs(rows: list[dict]) -> None:
    click.echo("Before sending (the first message; the rest depends on the answers):")
    for row in rows:
        unit = f", {row['segments']} SMS segment(s) each, {row['cost']} in all" \
            if row["channel"] == "sms" else ""
        click.echo(f"  [{row['language']}] {row['channel']}: {row['recipients']} recipient(s),"
                   f" {row['characters']} characters, {row['encoding']}{unit}")
    if not rows:
        click.echo("  nobody: the audience is empty on the channels this deployment sends on.")


@consultations.command("create")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file; store nothing.")
def create(file: Path, dry_run: bool) -> None:
    """Create a consultation from FILE (YAML or JSON); see README, Consultations."""
    services = build_services()
    settings = services.settings
    try:
        draft = spec.parse(read_file(file), default_language=settings.default_language)
        with services.database.write() as db:
            row = service.create(db, draft, by=audit.cli_actor(), now=now())
            costs = service.costs(db, row, default_language=settings.default_language,
                                  channels=hooks.channels(services))
            if dry_run:
                db.rollback()
            else:
                audit.record(db, audit.cli_actor(), "consultation.create", "consultation",
                             row.id, {"name": row.name})
    except spec.SpecError as error:
        raise click.ClickException(f"{file.name}: {error}") from None
    print_costs(costs)
    if dry_run:
        click.echo("The file is valid; nothing was stored (--dry-run).")
    else:
        click.echo(f"Consultation {draft.name} created. Send it with"
                   f" `mashwara consultations send {draft.name}`.")


@consultations.command("list")
def list_() -> None:
    """Every consultation, newest first: status, sent to, answered."""
    services = build_services()
    with services.database.read() as db:
        rows = service.listing(db)
        for row, sent, answered in rows:
            click.echo(f"{row.name:<32} {row.status:<10} closes"
                       f" {row.closes_at:%Y-%m-%d %H:%M} UTC  sent {sent}  answered {answered}"
                       f"{'  anonymous' if row.anonymous else ''}")
    if not rows:
        click.echo("No consultations yet: `mashwara consultations create FILE.yaml`.")


@consultations.command("show")
@click.argument("name")
def show(name: str) -> None:
    """The consultation's questions, audience, dates and costs."""
    services = build_services()
    with services.database.read() as db:
        row = _load(db, name)
        click.echo(f"{row.name} [{row.status}]{' anonymous' if row.anonymous else ''}")
        for lang, title in row.definition["title"].items():
            click.echo(f"  title [{lang}] {title}")
        click.echo(f"  opens {row.opens_at:%Y-%m-%d %H:%M} UTC, closes"
                   f" {row.closes_at:%Y-%m-%d %H:%M} UTC ({row.timezone}); reminder"
                   f" {row.remind_at and f'{row.remind_at:%Y-%m-%d %H:%M} UTC' or 'none'}")
        click.echo(f"  audience: {row.audience or 'everyone'}")
        for i, q in enumerate(row.definition["questions"], start=1):
            extra = f" {q['min']}-{q['max']}" if q["kind"] == "number" else ""
            when = f" (if {q['ask_if']['question']} in {q['ask_if']['in']})" \
                if q.get("ask_if") else ""
            click.echo(f"  {i}. {q['key']} [{q['kind']}{extra}]{when}")
            for lang, text in q["text"].items():
                click.echo(f"       [{lang}] {text}")
            for option in q.get("options", ()):
                click.echo(f"       - {option['key']}: {' / '.join(option['text'].values())}")
        print_costs(service.costs(db, row, default_language=services.settings.default_language,
                                  channels=hooks.channels(services)))


@consultations.command("send")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def send(name: str, yes: bool) -> None:
    """Send NAME to its audience now (or when it opens, if that is later)."""
    services = build_services()
    with services.database.write() as db:
        row = _load(db, name)
        if row.status == ConsultationStatus.CLOSED:
            raise click.ClickException(f"{name} is closed")
        costs = service.costs(db, row, default_language=services.settings.default_language,
                              channels=hooks.channels(services))
        consultation_id, opens = row.id, row.opens_at
    print_costs(costs)
    if not yes:
        click.confirm(f"Send {name} to {sum(r['recipients'] for r in costs)} people?",
                      abort=True)
    with services.database.write() as db:
        audit.record(db, audit.cli_actor(), "consultation.send", "consultation",
                     consultation_id, {"recipients": sum(r["recipients"] for r in costs)})
        if opens > now():
            _load(db, name).status = ConsultationStatus.SCHEDULED
    if opens > now():
        click.echo(f"{name} will be sent when it opens, {opens:%Y-%m-%d %H:%M} UTC.")
        return
    reached = hooks.send(services, consultation_id)
    click.echo(f"{name} sent to {reached} people; the worker sends at each channel's pace.")


@consultations.command("close")
@click.argument("name")
def close(name: str) -> None:
    """Stop taking answers now; late answers are told politely that it is closed."""
    services = build_services()
    with services.database.write() as db:
        row = _load(db, name)
        service.close(db, row, now())
        audit.record(db, audit.cli_actor(), "consultation.close", "consultation", row.id)
    click.echo(f"{name} is closed.")


@consultations.command("results")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write; JSON and CSV go to standard output without it.")
def results_(name: str, fmt: str, output: str | None) -> None:
    """The results of NAME; counts below MASHWARA_SUPPRESS_BELOW show as "fewer than N"."""
    services = build_services()
    if fmt == "xlsx" and not output:
        raise click.BadParameter("XLSX needs a file: add -o FILE.xlsx", param_hint="--output")
    with services.database.read() as db:
        found = results.results(db, _load(db, name), below=services.settings.suppress_below,
                                texts_shown=None)
    if fmt == "json":
        text = json.dumps(results.plain(found), ensure_ascii=False, indent=2)
        Path(output).write_text(text, encoding="utf-8") if output else click.echo(text)
    elif fmt == "xlsx":
        write_xlsx(output, results.COLUMNS, results.rows(found), name[:31])
    elif output:
        with open(output, "w", encoding="utf-8", newline="") as stream:
            write_csv(stream, results.COLUMNS, results.rows(found))
    else:
        write_csv(sys.stdout, results.COLUMNS, results.rows(found))
    with services.database.write() as db:
        audit.record(db, audit.cli_actor(), "export", "consultation", name, {"format": fmt})


@consultations.command("say")
@click.argument("name")
@click.option("--text", "texts", nargs=2, multiple=True, required=True, metavar="LANG TEXT",
              help="The summary in one language, figures in braces: --text en"
                   " '{source_well} of you said the well.'  Repeat per language.")
@click.option("--to", type=click.Choice(summary.AUDIENCES), default="participants",
              show_default=True, help="Those who answered, or everyone it was sent to.")
@click.option("--dry-run", is_flag=True, help="Show each language's text; send nothing.")
def say(name: str, texts: tuple, to: str, dry_run: bool) -> None:
    """'You said, we did': send NAME's people a summary with figures from the results."""
    services = build_services()
    settings = services.settings
    with services.database.write() as db:
        row = _load(db, name)
        found = summary.figures(results.results(db, row, below=settings.suppress_below,
                                                with_breakdowns=False))
        try:
            checked = summary.check(dict(texts), found)
        except spec.SpecError as error:
            raise click.ClickException(str(error)) from None
        for language in checked:
            t = summary.Translator(language, settings.default_language)
            click.echo(f"[{language}] {summary.render(checked, found, t)}")
        if dry_run:
            return
        reached = summary.send(db, row, checked, found, to=to, settings=settings, now=now())
        audit.record(db, audit.cli_actor(), "consultation.summary", "consultation", row.id,
                     {"to": to, "reached": reached})
    click.echo(f"Summary queued for {reached} people.")
