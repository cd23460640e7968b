"""`mashwara reports ...`: what coordinators do with reports before the dashboard."""

from __future__ import annotations

import click

from bot.cli.context import services as build_services
from bot.store import ReportStatus


@click.group()
def reports() -> None:
    """Concern reports."""


@reports.command("set-status")
@click.argument("code")
@click.argument("status", type=click.Choice(ReportStatus.ALL))
@click.option("--note", default=None, help="Why, for the report's history (kept encrypted).")
@click.option("--by", default="cli", show_default=True, help="Who is making the change.")
def set_status(code: str, status: str, note: str | None, by: str) -> None:
    """Set the STATUS of report CODE (e.g. R-7K3Q); a named reporter is told."""
    from bot.audit import trail as audit
    from bot.core.clock import now
    from bot.reports.service import change_status, find_report
    from bot.text.codes import parse_code

    services = build_services()
    with services.database.write() as db:
        report = find_report(db, parse_code("R", code))
        if report is None:
            raise click.ClickException(f"no report has the code {code}")
        change = change_status(db, report, status, by, note, now(), services.settings)
        shown = report.code
        if change is not None:
            audit.record(db, audit.cli_actor(), "report.status", "report", shown,
                         {"from": change.old_status, "to": status, "by": by[:80]})
    if change is None:
        click.echo(f"{shown} is already {status}; nothing changed.")
    else:
        click.echo(f"{shown}: {change.old_status} -> {status}.")


@reports.command("ask")
@click.argument("code")
@click.argument("text")
@click.option("--by", default="cli", show_default=True, help="Who is asking.")
def ask(code: str, text: str, by: str) -> None:
    """Ask the reporter of CODE a question: sent to a named reporter in their
    conversation; held on an anonymous report until the reporter sends STATUS CODE."""
    from bot.audit import trail as audit
    from bot.core.clock import now
    from bot.reports import questions
    from bot.reports.service import find_report
    from bot.text.codes import parse_code

    services = build_services()
    with services.database.write() as db:
        report = find_report(db, parse_code("R", code))
        if report is None:
            raise click.ClickException(f"no report has the code {code}")
        try:
            asked = questions.ask(db, report, text, by=by, now=now(), settings=services.settings)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        audit.record(db, audit.cli_actor(), "report.ask", "report", report.code,
                     {"held": asked.held})
        shown = report.code
    if asked.held:
        click.echo(f"{shown}: the question waits for the reporter's STATUS {shown}.")
    elif asked.reached:
        click.echo(f"{shown}: the question is on its way to the reporter.")
    else:
        raise click.ClickException(f"{shown}: the reporter cannot be reached (no address)")


@reports.command("show")
@click.argument("code")
def show(code: str) -> None:
    """Report CODE with its history and its whole thread (questions and answers, or
    the messages with a named reporter). Prints report text: keep the output safe."""
    from bot.audit import trail as audit
    from bot.reports.service import find_report
    from bot.reports.thread import report_thread
    from bot.text.codes import parse_code

    services = build_services()
    with services.database.write() as db:
        report = find_report(db, parse_code("R", code))
        if report is None:
            raise click.ClickException(f"no report has the code {code}")
        lines = report_thread(db, report)
        audit.record(db, audit.cli_actor(), "report.view", "report", report.code)
    click.echo("\n".join(lines))
