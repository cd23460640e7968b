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
