"""Composing a broadcast: the texts, the audience, the schedule, checked and previewed
before anything is stored or sent.

A problem is an error (refused) or a warning (the coordinator confirms). The preview
shows each language version as it will be sent, with its encoding and SMS segments,
and how many people each channel reaches and what that costs in segments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from bot.broadcasts import audience as audiences
from bot.broadcasts.schedule import first_fire, parse_hhmm, quiet_until
from bot.store import Broadcast, BroadcastStatus, Recurrence
from bot.text import segments
from bot.text.keywords import KEYWORDS
from locales import LANGUAGES, Translator

SMS_SEGMENT_WARNING = 4  # more than this many segments per message is worth a second look
PAST_GRACE = dt.timedelta(minutes=1)
PROVIDER_CHANNELS = ("sms", "telegram")


@dataclass(frozen=True)
class Draft:
    name: str
    texts: dict[str, str]
    audience: dict
    timezone: str
    send_at: dt.datetime | None = None  # None: now
    recurrence: str = Recurrence.NONE
    weekdays: tuple[int, ...] = ()
    ends_at: dt.datetime | None = None
    quiet: tuple[str, str] | None = None
    stop_hint: bool = True
    created_by: str | None = None


class Notice(str):
    """A warning or an error in English (what the CLI and the API say) that keeps its
    message id and values, so that the dashboard can say it in its reader's language."""

    key: str
    values: dict

    def __new__(cls, english: str, key: str, **values):
        notice = super().__new__(cls, english)
        notice.key, notice.values = key, values
        return notice


@dataclass(frozen=True)
class Version:
    language: str
    text: str
    characters: int
    encoding: str
    segments: int


@dataclass
class Preview:
    versions: dict[str, Version]
    # (channel, language of the text sent, language spoken) -> recipients
    sizes: dict[tuple[str, str, str], int]
    errors: list[Notice] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    def fallbacks(self) -> dict[str, int]:
        """spoken language -> how many people get another language's text."""
        counts: dict[str, int] = {}
        for (_, sent, spoken), n in self.sizes.items():
            if sent != spoken:
                counts[spoken] = counts.get(spoken, 0) + n
        return counts

    def by_channel(self) -> dict[str, tuple[int, int]]:
        """channel -> (recipients, messages or SMS segments)."""
        totals: dict[str, tuple[int, int]] = {}
        for (channel, language, _), n in sorted(self.sizes.items()):
            cost = n * (self.versions[language].segments if channel == "sms" else 1)
            people, spent = totals.get(channel, (0, 0))
            totals[channel] = (people + n, spent + cost)
        return totals


def stop_hint(language: str) -> str:
    stop = KEYWORDS["STOP"].display(language) if "STOP" in KEYWORDS else "STOP"
    return Translator(language, "en")("broadcasts.stop_hint", stop=stop)


def final_texts(draft: Draft) -> dict[str, str]:
    """The texts as they will be sent: trimmed, with the STOP hint when asked for."""
    texts = {lang: text.strip() for lang, text in draft.texts.items() if text and text.strip()}
    if draft.stop_hint:
        texts = {lang: f"{text}\n{stop_hint(lang)}" for lang, text in texts.items()}
    return texts


def versions(texts: dict[str, str]) -> dict[str, Version]:
    counted = {lang: segments.count(text) for lang, text in texts.items()}
    return {lang: Version(lang, texts[lang], c.characters, c.encoding, c.segments)
            for lang, c in counted.items()}


def preview(db: Session, draft: Draft, *, default_language: str, channels, now: dt.datetime,
            large_audience: int) -> Preview:
    texts = final_texts(draft)
    errors = _text_errors(draft, texts, default_language) + _schedule_errors(draft, now)
    sizes, unreachable = {}, 0
    if not any(e.key == "no_default_text" for e in errors):
        def count(on):
            return audiences.sizes(db, audiences.normalise(draft.audience), texts=texts,
                                   default_language=default_language, channels=on)

        sizes = count(channels)
        unreachable = sum(count({*channels, *PROVIDER_CHANNELS}).values()) - sum(sizes.values())
    result = Preview(versions(texts), sizes, errors)
    if not result.total:
        result.errors.append(Notice("The audience is empty: nobody registered, reachable and"
                                    " not stopped matches these filters.", "empty"))
    if unreachable:
        result.warnings.append(Notice(
            f"{unreachable} matching recipient(s) can only be reached on a channel not"
            " configured here: they will get nothing.", "unreachable", count=unreachable))
    result.warnings += _warnings(draft, result, default_language, large_audience, now)
    return result


def _text_errors(draft: Draft, texts: dict[str, str], default_language: str) -> list[Notice]:
    errors = [Notice(f"{lang!r} is not a language Mashwara speaks ({', '.join(LANGUAGES)})",
                     "language", language=lang) for lang in draft.texts if lang not in LANGUAGES]
    if default_language not in texts:
        errors.append(Notice(
            f"There is no text for the default language ({default_language}): the people"
            " whose language has no text of its own would get nothing.", "no_default_text",
            language=default_language))
    return errors


def _schedule_errors(draft: Draft, now: dt.datetime) -> list[Notice]:
    errors = []
    try:
        ZoneInfo(draft.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [Notice(f"Unknown time zone {draft.timezone!r}; use a name like Asia/Kabul.",
                       "zone", zone=draft.timezone)]
    if draft.send_at is not None and draft.send_at < now - PAST_GRACE:
        errors.append(Notice("The send time is in the past.", "past"))
    if draft.recurrence not in Recurrence.ALL:
        errors.append(Notice(f"Repeat must be one of: {', '.join(Recurrence.ALL)}.", "repeat"))
    if draft.ends_at is not None and draft.ends_at < (draft.send_at or now):
        errors.append(Notice("The end date is before the first send.", "ends_early"))
    if draft.quiet:
        errors += _quiet_errors(*draft.quiet)
    if not errors and first_fire(_probe(draft, now)) is None:
        errors.append(Notice("No occurrence falls between the first send and the end date.",
                             "no_occurrence"))
    return errors


def _probe(draft: Draft, now: dt.datetime) -> Broadcast:
    """An unsaved Broadcast with the draft's schedule, to compute its times."""
    quiet = draft.quiet or (None, None)
    return Broadcast(send_at=draft.send_at or now, timezone=draft.timezone,
                     recurrence=draft.recurrence, weekdays=list(draft.weekdays) or None,
                     ends_at=draft.ends_at, quiet_start=quiet[0], quiet_end=quiet[1])


def _quiet_errors(start: str, end: str) -> list[Notice]:
    try:
        if parse_hhmm(start) == parse_hhmm(end):
            return [Notice("Quiet hours cover the whole day: no SMS could ever be sent.",
                           "quiet_all_day")]
    except ValueError:
        return [Notice("Quiet hours must look like 21:00-07:00.", "quiet_format")]
    return []


def _warnings(draft: Draft, result: Preview, default_language: str, large: int,
              now: dt.datetime) -> list[Notice]:
    warnings = []
    if draft.recurrence != Recurrence.NONE and draft.ends_at is None and result.total > large:
        warnings.append(Notice(
            f"This repeats with no end date to {result.total} people: every occurrence"
            " costs the same again. Consider --until.", "endless", count=result.total))
    for lang, version in result.versions.items():
        if version.segments > SMS_SEGMENT_WARNING:
            warnings.append(Notice(f"The {lang} text takes {version.segments} SMS segments"
                                   " each.", "long", language=lang, count=version.segments))
    fallback = default_language if default_language in result.versions else "en"
    for spoken, n in sorted(result.fallbacks().items()):
        warnings.append(Notice(
            f"No {spoken} text: {n} recipient(s) reading {spoken} will get the {fallback}"
            " text instead.", "fallback", language=spoken, count=n, fallback=fallback))
    if draft.quiet and not result.errors and _starts_quiet(draft, now):
        warnings.append(Notice("The send time is within quiet hours: SMS waits until they"
                               " end.", "quiet"))
    return warnings


def _starts_quiet(draft: Draft, now: dt.datetime) -> bool:
    return quiet_until(_probe(draft, now), draft.send_at or now) is not None


def store(db: Session, draft: Draft, *, now: dt.datetime) -> Broadcast:
    broadcast = Broadcast(
        name=draft.name,
        audience=audiences.normalise(draft.audience),
        timezone=draft.timezone,
        send_at=draft.send_at or now,
        recurrence=draft.recurrence,
        weekdays=sorted(draft.weekdays) or None,
        ends_at=draft.ends_at,
        quiet_start=draft.quiet[0] if draft.quiet else None,
        quiet_end=draft.quiet[1] if draft.quiet else None,
        status=BroadcastStatus.SCHEDULED,
        created_by=draft.created_by,
        created_at=now,
    )
    broadcast.texts = final_texts(draft)
    broadcast.next_fire_at = first_fire(broadcast)
    db.add(broadcast)
    db.flush()
    return broadcast
