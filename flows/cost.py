"""What each message costs in SMS, and the words each language has agreed on.

A message is filled with sample values (the organisation's name, a code, the
keywords as the reader's language shows them, a meeting date written for the reader)
and counted in SMS segments (bot.text.segments). `locales/segments.json` holds the
most each message may cost in each language: `mashwara flows check` fails when a
wording change costs another SMS, so that it is a decision, not an accident.
`locales/glossary.json` names, per language, the one word for a key term and the
words it replaces; the check fails when a message uses a replaced word.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache

from babel.messages.pofile import read_po

import locales
from bot.text.calendar import local_date, local_time
from bot.text.keywords import KEYWORDS
from bot.text.segments import count

BUDGETS = locales.ROOT / "segments.json"
GLOSSARY = locales.ROOT / "glossary.json"

# The placeholder's keyword, shown as the reader's language writes it.
KEYWORD_OF = {
    "menu": "MENU", "help": "HELP", "lang": "LANG", "stop": "STOP", "start": "START",
    "join": "START", "delete": "DELETE", "cancel": "CANCEL", "status": "STATUS",
    "yes": "YES", "no": "NO", "maybe": "MAYBE", "meetings": "MEETINGS",
}
SAMPLES = {
    "org": "Mashwara", "code": "R-7K3Q", "reference": "F-7K3Q", "name": "Zarghuna",
    "max": "200", "n": "3", "title": "Dand district shura", "place": "Dand district office",
    "text": "The water point in Dand opens on Monday.", "contact": "+93799000111",
    "limit": "20", "quorum": "12", "summary": "The shura agreed to meet the district governor.",
}
SAMPLE_DAY = dt.datetime(2026, 12, 1, 10, 0)


def domains(names: list[str]) -> dict[str, list[str]]:
    """The message ids of each domain, from the English catalogue."""
    found = {}
    for name in names:
        path = locales.ROOT / "en" / "LC_MESSAGES" / f"{name}.po"
        with path.open("rb") as handle:
            found[name] = [m.id for m in read_po(handle, locale="en") if m.id]
    return found


def _sample(language: str, name: str) -> str:
    if name in KEYWORD_OF:
        return KEYWORDS[KEYWORD_OF[name]].display(language)
    if name == "example":
        return f"{KEYWORDS['HERE'].display(language)} 4821"
    if name in ("when", "date"):
        date = local_date(SAMPLE_DAY.date(), language)
        return date if name == "date" else f"{date}, {local_time(SAMPLE_DAY, language)}"
    if name == "time":
        return local_time(SAMPLE_DAY, language)
    return SAMPLES.get(name, "X" * 12)


def segments(language: str, msgid: str) -> int:
    """The SMS segments `msgid` costs in `language`, its longest form filled with samples."""
    value = locales.catalog(language).messages[msgid]
    forms = value if isinstance(value, tuple) else (value,)
    return max(count(form.format_map(_Samples(language))).segments for form in forms)


class _Samples(dict):
    def __init__(self, language: str):
        super().__init__()
        self.language = language

    def __missing__(self, name: str) -> str:
        return _sample(self.language, name)


def table(names: list[str]) -> dict[str, dict[str, int]]:
    return {msgid: {lang: segments(lang, msgid) for lang in locales.LANGUAGES
                    if msgid in locales.catalog(lang).messages}
            for ids in domains(names).values() for msgid in ids}


@cache
def budgets() -> dict:
    return json.loads(BUDGETS.read_text(encoding="utf-8"))


def budget_problems() -> list[str]:
    data = budgets()
    found = []
    for msgid, costs in table(data["domains"]).items():
        allowed = data["budgets"].get(msgid)
        if allowed is None:
            found.append(f"{msgid} has no SMS budget in {BUDGETS.name}")
            continue
        found += [f"{lang}: {msgid} costs {cost} SMS; its budget is {allowed.get(lang)}"
                  for lang, cost in costs.items() if cost > allowed.get(lang, 0)]
    return found


def glossary_problems() -> list[str]:
    glossary = json.loads(GLOSSARY.read_text(encoding="utf-8"))
    found = []
    for language, terms in glossary.items():
        if language not in locales.LANGUAGES:
            continue  # "_about"
        messages = locales.catalog(language).messages
        for term in terms:
            for avoid in term["not"]:
                word = re.compile(rf"(?<!\w){re.escape(avoid)}(?!\w)")
                found += [f"{language}: {msgid} says «{avoid}»; the glossary's word for "
                          f"{term['term']} is «{term['use']}»"
                          for msgid, text in messages.items()
                          if any(word.search(form) for form in _forms(text))]
    return found


def _forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


def write_budgets() -> None:
    """Records today's cost of every message as its budget (for a new domain, or after a
    reviewed change that costs another SMS)."""
    data = budgets()
    costs = table(data["domains"])
    lines = [f"  {json.dumps(m)}: {json.dumps(costs[m], sort_keys=True)}" for m in sorted(costs)]
    head = {k: v for k, v in data.items() if k != "budgets"}
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    text += ',\n "budgets": {\n' + ",\n".join(lines) + "\n }\n}\n"
    BUDGETS.write_text(text, encoding="utf-8")
    budgets.cache_clear()
