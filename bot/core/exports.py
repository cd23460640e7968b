"""Exports for coordinators: CSV (UTF-8 with a BOM, so spreadsheets read Arabic script
correctly) and XLSX, from a registry that each feature adds to.

Free text from the public is written so that no spreadsheet runs it as a formula:
a cell that starts with = + - @ or a control character (other than a bare signed number
such as a phone number) is prefixed with an apostrophe in CSV, and every text is written
as a plain string in XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from sqlalchemy.orm import Session

from bot.core.clock import midnight

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Filters:
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    status: str | None = None
    category: str | None = None
    province: str | None = None

    def apply(self, query, *, at=None, status=None, category=None, province=None,
              day: Callable[[dt.datetime], object] = lambda value: value):
        """`query` narrowed by the filters that are set, each on the column named for
        it (`at` for since/until, compared after `day`); a filter whose column is
        not given does not apply to this export."""
        wanted = [
            (at, self.since and day(self.since), lambda c, v: c >= v),
            (at, self.until and day(self.until), lambda c, v: c < v),
            (status, self.status, lambda c, v: c == v),
            (category, self.category, lambda c, v: c == v),
            (province, self.province, lambda c, v: c == v),
        ]
        for column, value, compare in wanted:
            if column is not None and value:
                query = query.where(compare(column, value))
        return query


def day_filters(zone: str, since: dt.date | None = None, until: dt.date | None = None,
                **given) -> Filters:
    """Filters on whole days in `zone`, the deployment's (every page and the command line
    read dates in it), the `until` day included."""
    return Filters(since=since and midnight(since, zone),
                   until=until and midnight(until + dt.timedelta(days=1), zone), **given)


def filter_details(filters: Filters) -> dict:
    """The filters given, for the audit trail (codes and dates only)."""
    given = {name: getattr(filters, name) for name in filters.__dataclass_fields__}
    return {name: value.isoformat() if isinstance(value, dt.datetime) else value
            for name, value in given.items() if value is not None}


@dataclass(frozen=True)
class Export:
    name: str
    columns: tuple[str, ...]
    rows: Callable[[Session, Filters], Iterable[Sequence]]
    description: str = ""
    # Who may download it from the dashboard (dashboard.permissions); the CLI is the operator.
    permission: str = "exports.download"


# Filled by bot.features.install() (the composition root).
EXPORTS: dict[str, Export] = {}


def export(rows: Callable[[Session, Filters], Iterable[Sequence]], name: str,
           columns: Sequence[str], description: str = "",
           permission: str = "exports.download") -> Export:
    return Export(name, tuple(columns), rows, description, permission)


def cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _inert(value):
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if value[0] in "+-" and value[1:].replace(" ", "").isdigit():
        return value  # a phone number or a plain number runs nothing
    return "'" + value


def write_csv(stream: IO[str], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(columns)
    written = 0
    for row in rows:
        writer.writerow([_inert(cell(value)) for value in row])
        written += 1
    return written


def write_xlsx(path, columns: Sequence[str], rows: Iterable[Sequence], title: str) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(columns))
    written = 0
    for row in rows:
        cells = []
        for value in row:
            out = WriteOnlyCell(sheet, value=cell(value))
            if isinstance(out.value, str):
                out.data_type = "s"  # never a formula, whatever it starts with
            cells.append(out)
        sheet.append(cells)
        written += 1
    book.save(path)
    return written
