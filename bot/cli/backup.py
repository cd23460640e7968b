"""`mashwara backup FILE` and `mashwara restore FILE`."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.context import services as _services
from bot.store.backup import BackupError, Summary
from bot.store.backup import backup as take
from bot.store.backup import restore as put_back


def _said(summary: Summary) -> str:
    return f"{summary.rows} rows in {len(summary.counts)} tables"


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """A consistent copy of the live store into FILE (new, readable by you alone),
    read back and counted before it counts as done. The encryption key is not in it:
    keep a copy of the key apart from the backups."""
    try:
        summary = take(_services().database, file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {_said(summary)} to {file}; read back and counted.")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(file: Path) -> None:
    """Restore a backup FILE into an empty store (MASHWARA_DATABASE_URL), then check
    that every table holds what the backup holds. Start Mashwara with the key that was
    in use when the backup was taken."""
    try:
        summary = put_back(_services().database, file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {_said(summary)} from {file}.")
