"""A message with choices as plain text, for SMS and the simulator."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.text.normalize import localize_digits


@dataclass(frozen=True)
class Choice:
    """One option of a menu: SMS shows it as a line "key. label", Telegram as a
    button whose callback data is the key, so a press reads like a typed reply."""

    key: str
    label: str



def as_text(text: str, choices: Iterable[Choice], language: str | None) -> str:
    lines = [text]
    for choice in choices:
        key = localize_digits(choice.key, language)
        lines.append(f"{key}. {choice.label}" if choice.key.isdigit() else f"{key} {choice.label}")
    return "\n".join(lines)
