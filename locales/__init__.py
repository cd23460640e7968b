"""Translations: gettext catalogues whose msgids are message ids.

Each language has one `.po` file per domain (`core`, and one per feature), so that
features add text without touching each other's files. A message is looked up in
the contact's language, then the deployment's default, then English.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po

ROOT = Path(__file__).parent
LANGUAGES = ("en", "fa", "ps", "ar", "fr")
NATIVE_NAMES = {"en": "English", "fa": "دری", "ps": "پښتو", "ar": "العربية", "fr": "Français"}
RTL = frozenset({"fa", "ps", "ar"})


@dataclass
class LanguageCatalog:
    language: str
    messages: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    plural_forms: str = ""
    comments: dict[str, list[str]] = field(default_factory=dict)


def _read(language: str) -> LanguageCatalog:
    result = LanguageCatalog(language)
    for path in sorted((ROOT / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        result.plural_forms = catalog.plural_forms
        for message in catalog:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if key in result.messages:
                raise ValueError(f"{path}: message {key!r} is defined twice")
            if message.string and (not isinstance(message.string, tuple) or all(message.string)):
                result.messages[key] = message.string
            result.comments[key] = list(message.auto_comments) + list(message.user_comments)
    return result


@cache
def catalog(language: str) -> LanguageCatalog:
    return _read(language)


def plural_index(language: str, n: int) -> int:
    """The gettext plural form for `n`, by CLDR's rules for `language`."""
    rule = Locale.parse(language).plural_form
    categories = [c for c in ("zero", "one", "two", "few", "many") if c in rule.tags]
    return (categories + ["other"]).index(rule(abs(n)))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class MissingMessage(LookupError):
    pass


def lookup(chain: Iterable[str], msgid: str, n: int | None = None) -> tuple[str, str]:
    """The text of `msgid` in the first language of `chain` that has it."""
    for language in chain:
        value = catalog(language).messages.get(msgid)
        if value is None:
            continue
        if isinstance(value, tuple):
            forms = value
            return language, forms[min(plural_index(language, n or 0), len(forms) - 1)]
        return language, value
    raise MissingMessage(msgid)


def fallback_chain(language: str | None, default: str) -> tuple[str, ...]:
    chain = [lang for lang in (language, default, "en") if lang]
    return tuple(dict.fromkeys(chain))


@dataclass(frozen=True)
class Translator:
    language: str
    default: str = "en"

    @property
    def chain(self) -> tuple[str, ...]:
        return fallback_chain(self.language, self.default)

    def __call__(self, msgid: str, **params) -> str:
        return lookup(self.chain, msgid)[1].format_map(params)

    def plural(self, msgid: str, n: int, **params) -> str:
        return lookup(self.chain, msgid, n)[1].format_map({"n": n, **params})
