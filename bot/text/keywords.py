"""Keywords: words that work in any language, at any time.

Each keyword names the flow it starts and has aliases in all five languages. Aliases
are stored normalised, so `مُساعَدَة`, `مساعدة` and `مساعده` are one alias.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text.normalize import normalize


@dataclass(frozen=True)
class Keyword:
    name: str
    flow: str
    aliases: dict[str, tuple[str, ...]]
    # Keeps the open session (HELP re-asks the question) instead of replacing it.
    keeps_session: bool = False
    # Matches "STATUS R-7K3Q": the rest of the message is the argument.
    takes_argument: bool = False
    # An everyday answer word (YES, NO): while another flow is asking a question, it is
    # that flow's answer ("no" to the consent question), not this keyword.
    defers_to_session: bool = False
    # A word that is also a name or an everyday word (fa «نظر» is FEEDBACK and the name
    # Nazar): while a flow waits for free text ("What is your name?"), it is the answer.
    defers_to_text: bool = False
    # What an argument must look like (normalised text); anything else is not this
    # keyword, so "وضعیت امنیتی خراب است" (the situation is bad) stays an answer.
    argument_pattern: str | None = None

    def display(self, language: str) -> str:
        """How to write this keyword for a reader of `language`."""
        alias = self.aliases.get(language, ()) or self.aliases["en"]
        return alias[0].upper() if _latin(alias[0]) else alias[0]


def _latin(word: str) -> bool:
    """Written in Latin letters, so capitals make it stand out (PRÉSENT, MENU)."""
    return all(ord(c) < 0x0590 for c in word)


KEYWORDS: dict[str, Keyword] = {}
_ALIASES: dict[str, Keyword] = {}


def install(keywords: list[Keyword]) -> None:
    """Makes `keywords` the ones recognised (bot.features.install calls this)."""
    KEYWORDS.clear()
    _ALIASES.clear()
    for keyword in keywords:
        _register(keyword)


def _register(keyword: Keyword) -> None:
    for language_aliases in keyword.aliases.values():
        for alias in language_aliases:
            key = normalize(alias)
            other = _ALIASES.get(key)
            if other is not None and other.name != keyword.name:
                raise ValueError(f"alias {alias!r} of {keyword.name} is already {other.name}'s")
            _ALIASES[key] = keyword
    KEYWORDS[keyword.name] = keyword


def match(normalized: str) -> tuple[Keyword, str] | None:
    """The keyword that `normalized` text is, with its argument if it takes one."""
    keyword = _ALIASES.get(normalized)
    if keyword is not None:
        return keyword, ""
    head, _, rest = normalized.partition(" ")
    keyword = _ALIASES.get(head)
    if keyword is None or not keyword.takes_argument or not rest:
        return None
    if keyword.argument_pattern and not re.fullmatch(keyword.argument_pattern, rest):
        return None
    return keyword, rest
