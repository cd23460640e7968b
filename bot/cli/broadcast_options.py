"""The options of `mashwara broadcasts create`, and turning them into a Draft."""

from __future__ import annotations

import datetime as dt
from functools import reduce

import click

from bot.broadcasts.compose import Draft
from bot.broadcasts.schedule import to_utc
from bot.core.config import LANGUAGES, Settings
from bot.store import Broadcast, Recurrence
from bot.text import places

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FILTERS = (("group", "groups", "group name"), ("province", "provinces", "province code"),
           ("role", "roles", "role"), ("language", "languages", "language"),
           ("channel", "channels", "channel: sms, telegram"))


def load(db, broadcast_id: int) -> Broadcast:
    broadcast = db.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise click.ClickException(f"There is no broadcast {broadcast_id}.")
    return broadcast


def _filter_options():
    for flag, _key, what in FILTERS:
        yield click.option(f"--{flag}", multiple=True, help=f"Only people with this {what}"
                           " (repeat for several).")
        yield click.option(f"--exclude-{flag}", multiple=True,
                           help=f"Leave out people with this {what}.")


def audience_options(command):
    return reduce(lambda cmd, option: option(cmd), reversed(list(_filter_options())), command)


def schedule_options(command):
    options = [
        click.option("--at", "at", metavar="'YYYY-MM-DD HH:MM'",
                     help="Local date and time of the (first) send; now without it."),
        click.option("--tz", help="Time zone of --at, --until and quiet hours [default: the"
                     " deployment's, from MASHWARA_PLACES]."),
        click.option("--repeat", type=click.Choice(Recurrence.ALL), default=Recurrence.NONE,
                     show_default=True),
        click.option("--on", "weekdays", help="Weekdays for --repeat weekly, e.g. mon,thu."),
        click.option("--until", help="Last local date of a repeat, e.g. 2026-12-31."),
        click.option("--quiet", help="Local hours with no SMS, e.g. 21:00-07:00; 'none' for"
                     " none [default: MASHWARA_BROADCAST_QUIET_HOURS]."),
    ]
    return reduce(lambda cmd, option: option(cmd), reversed(options), command)


def _local(value: str, zone: str, name: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use a date and time like '2026-11-24 09:00'",
                                 param_hint=name) from None
    return to_utc(parsed.date(), parsed.time(), zone)


def _weekdays(value: str | None) -> tuple[int, ...]:
    if not value:
        return ()
    days = [d.strip().lower()[:3] for d in value.split(",")]
    if any(d not in WEEKDAYS for d in days):
        raise click.BadParameter(f"use {','.join(WEEKDAYS)}", param_hint="--on")
    return tuple(WEEKDAYS.index(d) for d in days)


def _quiet(value: str | None, settings: Settings) -> tuple[str, str] | None:
    value = settings.broadcast_quiet_hours if value is None else value
    if not value or value == "none":
        return None
    start, _, end = value.partition("-")
    return start.strip(), end.strip()


def _texts(options: dict) -> dict[str, str]:
    texts = {lang: text for lang, text in options["texts"]}
    texts.update({lang: handle.read() for lang, handle in options["text_files"]})
    unknown = [lang for lang in texts if lang not in LANGUAGES]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: use one of {', '.join(LANGUAGES)}",
                                 param_hint="--text")
    return texts


def _audience(options: dict) -> dict:
    audience = {key: list(options[flag]) for flag, key, _ in FILTERS if flag != "group"}
    exclude = {key: list(options[f"exclude_{flag}"]) for flag, key, _ in FILTERS
               if flag != "group"}
    audience["groups"], exclude["groups"] = options["groups"], options["exclude_groups"]
    return {**audience, "exclude": exclude}


def draft_from(options: dict, settings: Settings, now: dt.datetime) -> Draft:
    zone = options["tz"] or places.load(settings.places).timezone
    until = None
    if options["until"]:
        until = _local(options["until"] + " 23:59:59", zone, "--until")
    return Draft(
        name=options["name"],
        texts=_texts(options),
        audience=_audience(options),
        timezone=zone,
        send_at=_local(options["at"], zone, "--at") if options["at"] else None,
        recurrence=options["repeat"],
        weekdays=_weekdays(options["weekdays"]),
        ends_at=until,
        quiet=_quiet(options["quiet"], settings),
        stop_hint=options["stop_hint"],
    )
