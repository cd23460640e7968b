"""A consultation as a coordinator writes it (a YAML or JSON file, the API, the
dashboard), checked field by field: every error names the field it is about."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from bot.broadcasts import audience as audiences
from locales import LANGUAGES

KINDS = ("choice", "yesno", "number", "text")
YES_NO = ("yes", "no")
MAX_QUESTIONS = 10
KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
NUMBER_LIMIT = 99_999  # Input.number reads at most five digits


class SpecError(ValueError):
    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass
class Draft:
    name: str
    definition: dict  # {"title": {...}, "questions": [...]}
    audience: dict
    opens_at: dt.datetime
    closes_at: dt.datetime
    timezone: str
    remind_at: dt.datetime | None
    anonymous: bool


def _texts(value, field: str, default_language: str) -> dict[str, str]:
    """A text per language ({"en": ..., "fa": ...}), or one text in the default language."""
    if isinstance(value, str):
        value = {default_language: value}
    if not isinstance(value, dict) or not value:
        raise SpecError(field, "give a text, or a text per language")
    for lang, text in value.items():
        if lang not in LANGUAGES:
            raise SpecError(f"{field}.{lang}", f"not a language; use {', '.join(LANGUAGES)}")
        if not isinstance(text, str) or not text.strip():
            raise SpecError(f"{field}.{lang}", "empty text")
    return {lang: text.strip() for lang, text in value.items()}


def _key(value, field: str, taken: set[str]) -> str:
    if not isinstance(value, str) or not KEY.fullmatch(value):
        raise SpecError(field, "a short key of lower-case letters, digits and _, e.g. water")
    if value in taken:
        raise SpecError(field, f"{value!r} is used twice")
    taken.add(value)
    return value


def _options(raw, field: str, default_language: str) -> list[dict]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= 9:
        raise SpecError(field, "a choice has 2 to 9 options")
    taken: set[str] = set()
    options = []
    for i, option in enumerate(raw):
        where = f"{field}[{i}]"
        if not isinstance(option, dict):
            raise SpecError(where, "an option has a key and a text")
        options.append({"key": _key(option.get("key"), f"{where}.key", taken),
                        "text": _texts(option.get("text"), f"{where}.text", default_language)})
    return options


def _bound(raw, field: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or abs(raw) > NUMBER_LIMIT:
        raise SpecError(field, f"a whole number from 1 to {NUMBER_LIMIT}")
    if raw < 1:
        raise SpecError(field, "numbers are answered from 1 up: 0 is the CANCEL key")
    return raw


def _ask_if(raw, field: str, earlier: dict[str, dict]) -> dict | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"question", "in"}:
        raise SpecError(field, "write ask_if as {question: KEY, in: [OPTION, ...]}")
    asked = earlier.get(raw["question"])
    if asked is None:
        raise SpecError(f"{field}.question", "name an earlier question")
    keys = [o["key"] for o in asked.get("options", ())] or (
        list(YES_NO) if asked["kind"] == "yesno" else [])
    chosen = raw["in"] if isinstance(raw["in"], list) else [raw["in"]]
    if not keys:
        raise SpecError(f"{field}.question", "only a choice or yes/no question can decide")
    wrong = [c for c in chosen if c not in keys]
    if wrong or not chosen:
        raise SpecError(f"{field}.in", f"choose among {', '.join(keys)}")
    return {"question": raw["question"], "in": chosen}


def question(raw, field: str, default_language: str, earlier: dict[str, dict],
             taken: set[str]) -> dict:
    if not isinstance(raw, dict):
        raise SpecError(field, "a question has a key, a kind and a text")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise SpecError(f"{field}.kind", f"one of {', '.join(KINDS)}")
    result = {"key": _key(raw.get("key"), f"{field}.key", taken), "kind": kind,
              "text": _texts(raw.get("text"), f"{field}.text", default_language)}
    if kind == "choice":
        result["options"] = _options(raw.get("options"), f"{field}.options", default_language)
    elif raw.get("options") is not None:
        raise SpecError(f"{field}.options", "only a choice question has options")
    if kind == "number":
        low = _bound(raw.get("min", 1), f"{field}.min")
        high = _bound(raw.get("max", 100), f"{field}.max")
        if low >= high:
            raise SpecError(f"{field}.max", "must be above min")
        result |= {"min": low, "max": high}
    if not isinstance(raw.get("optional", False), bool):
        raise SpecError(f"{field}.optional", "true or false")
    result["optional"] = raw.get("optional", False)
    if result["optional"] and kind != "text":
        raise SpecError(f"{field}.optional", "only a free-text question can be optional")
    ask_if = _ask_if(raw.get("ask_if"), f"{field}.ask_if", earlier)
    if ask_if:
        result["ask_if"] = ask_if
    unknown = set(raw) - {"key", "kind", "text", "options", "min", "max", "optional", "ask_if"}
    if unknown:
        raise SpecError(f"{field}.{sorted(unknown)[0]}", "unknown field")
    return result


def _when(raw, field: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, dt.date):
        value = dt.datetime.combine(raw, dt.time())
    else:
        try:
            value = dt.datetime.fromisoformat(str(raw))
        except ValueError:
            raise SpecError(field, "a date and time like 2026-12-01 09:00") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(dt.UTC)


def _zone(raw) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(str(raw))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise SpecError("timezone", "a time zone like Asia/Kabul, Asia/Aden or Africa/Casablanca"
                        ) from None


def parse(raw, *, default_language: str, default_timezone: str = "UTC") -> Draft:
    """The consultation in `raw` (a mapping from YAML, JSON or a form), checked."""
    if not isinstance(raw, dict):
        raise SpecError("consultation", "a mapping with name, title and questions")
    unknown = set(raw) - {"name", "title", "questions", "audience", "opens", "closes",
                          "timezone", "remind", "anonymous"}
    if unknown:
        raise SpecError(sorted(unknown)[0], "unknown field")
    name = raw.get("name")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise SpecError("name", "lower-case letters, digits, - and _, e.g. water-2026")
    title = _texts(raw.get("title"), "title", default_language)
    questions = raw.get("questions")
    if not isinstance(questions, list) or not 1 <= len(questions) <= MAX_QUESTIONS:
        raise SpecError("questions", f"1 to {MAX_QUESTIONS} questions")
    earlier: dict[str, dict] = {}
    taken: set[str] = set()
    for i, raw_question in enumerate(questions):
        parsed = question(raw_question, f"questions[{i}]", default_language, earlier, taken)
        earlier[parsed["key"]] = parsed
    try:
        audience = audiences.normalise(raw.get("audience") or {})
    except (ValueError, TypeError, AttributeError) as error:
        raise SpecError("audience", str(error)) from None
    zone_name = raw.get("timezone") or default_timezone
    zone = _zone(zone_name)
    opens = _when(raw.get("opens", dt.datetime.now(dt.UTC)), "opens", zone)
    if raw.get("closes") is None:
        raise SpecError("closes", "say when the consultation closes")
    closes = _when(raw["closes"], "closes", zone)
    if closes <= opens:
        raise SpecError("closes", "must be after opens")
    remind = _when(raw["remind"], "remind", zone) if raw.get("remind") is not None else None
    if remind is not None and not opens < remind < closes:
        raise SpecError("remind", "must be between opens and closes")
    if not isinstance(raw.get("anonymous", False), bool):
        raise SpecError("anonymous", "true or false")
    return Draft(name=name, definition={"title": title, "questions": list(earlier.values())},
                 audience=audience, opens_at=opens, closes_at=closes, timezone=str(zone_name),
                 remind_at=remind, anonymous=raw.get("anonymous", False))
