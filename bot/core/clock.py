import datetime as dt
from zoneinfo import ZoneInfo


def now() -> dt.datetime:
    """The current time, aware and in UTC; tests move it with time-machine."""
    return dt.datetime.now(dt.UTC)


def midnight(day: dt.date, zone: str) -> dt.datetime:
    """The start of `day` in `zone`."""
    return dt.datetime.combine(day, dt.time(), ZoneInfo(zone))
