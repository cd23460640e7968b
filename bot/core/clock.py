import datetime as dt


def now() -> dt.datetime:
    """The current time, aware and in UTC; tests move it with time-machine."""
    return dt.datetime.now(dt.UTC)
