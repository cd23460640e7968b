"""`mashwara contacts import FILE.csv`."""

from __future__ import annotations

import sys

import click

from bot.contacts.imports import COLUMNS, RowError, import_rows, read_csv
from bot.core import config
from bot.services import Services


@click.group()
def contacts() -> None:
    """Contacts added from outside a conversation."""


@contacts.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_csv(path: str) -> None:
    """Import FILE.csv (UTF-8; columns phone, name, language, province, district, role,
    groups separated by ';'). Existing numbers are updated; bad rows are reported and
    skipped. Import only people who agreed to be contacted."""
    try:
        services = Services(config.load())
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from None
    services.upgrade()
    with open(path, "rb") as handle:
        try:
            _, rows = read_csv(handle.read())
        except (RowError, UnicodeDecodeError) as error:
            raise click.ClickException(f"cannot read {path}: {error}") from None
    with click.progressbar(length=len(rows), label="Importing", file=sys.stderr) as bar:
        result = import_rows(services.database, rows, services.settings.places, bar.update)
    for line, message in result.errors:
        click.echo(f"line {line}: {message}", err=True)
    click.echo(f"{result.created} added, {result.updated} updated, {len(result.errors)} "
               f"rows with errors (columns: {', '.join(COLUMNS)}).")
