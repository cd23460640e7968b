"""When a broadcast fires, and when quiet hours let an SMS go.

Times are computed in the broadcast's time zone and stored in UTC: "every Monday
at 09:00 in Kabul" stays 09:00 local across daylight-saving changes (Morocco and
Europe have them), so the UTC instant moves and the local hour does not.
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from bot.store import Broadcast, Recurrence


def local(at: dt.datetime, zone: str) -> dt.datetime:
    return at.astimezone(ZoneInfo(zone))


def to_utc(day: dt.date, time: dt.time, zone: str) -> dt.datetime:
    """A local wall-clock time as UTC; a time skipped by DST lands just after the gap."""
    naive = dt.datetime.combine(day, time)
    aware = naive.replace(tzinfo=ZoneInfo(zone))
    return aware.astimezone(dt.UTC)


def _add_month(day: dt.date, months: int, wanted_day: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(wanted_day, calendar.monthrange(year, month)[1]))


def occurrences(broadcast: Broadcast):
    """Every fire time of `broadcast` in order, up to its end (UTC)."""
    first = local(broadcast.send_at, broadcast.timezone)
    time, day = first.time().replace(tzinfo=None), first.date()
    index = 0
    while True:
        if broadcast.recurrence == Recurrence.MONTHLY:
            candidate = _add_month(day, index, day.day)
        else:
            candidate = day + dt.timedelta(days=index)
        index += 1
        if broadcast.recurrence == Recurrence.WEEKLY and candidate.weekday() not in (
            broadcast.weekdays or [day.weekday()]
        ):
            continue
        at = to_utc(candidate, time, broadcast.timezone)
        if broadcast.ends_at is not None and at > broadcast.ends_at:
            return
        yield at
        if broadcast.recurrence == Recurrence.NONE:
            return


def next_fire(broadcast: Broadcast, after: dt.datetime) -> dt.datetime | None:
    """The first occurrence strictly after `after`: missed occurrences are skipped,
    so a worker that was down for three days sends once, not three times."""
    for at in occurrences(broadcast):
        if at > after:
            return at
    return None


def first_fire(broadcast: Broadcast) -> dt.datetime | None:
    return next(iter(occurrences(broadcast)), None)


def parse_hhmm(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def quiet_until(broadcast: Broadcast, at: dt.datetime) -> dt.datetime | None:
    """The end of the quiet hours `at` falls in (UTC), or None when SMS may go now."""
    if not broadcast.quiet_start or not broadcast.quiet_end:
        return None
    start, end = parse_hhmm(broadcast.quiet_start), parse_hhmm(broadcast.quiet_end)
    here = local(at, broadcast.timezone)
    clock = here.time().replace(tzinfo=None)
    if start < end:  # e.g. 13:00-15:00
        quiet, ends_on = start <= clock < end, here.date()
    else:  # across midnight, e.g. 21:00-07:00
        quiet = clock >= start or clock < end
        ends_on = here.date() + dt.timedelta(days=1) if clock >= start else here.date()
    return to_utc(ends_on, end, broadcast.timezone) if quiet else None
