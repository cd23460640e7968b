"""A message with choices as plain text, for SMS and the simulator."""

from __future__ import annotations

from collections.abc import Iterable

from bot.channels.base import Choice
from flows.normalize import localize_digits


def as_text(text: str, choices: Iterable[Choice], language: str | None) -> str:
    lines = [text]
    for choice in choices:
        key = localize_digits(choice.key, language)
        lines.append(f"{key}. {choice.label}" if choice.key.isdigit() else f"{key} {choice.label}")
    return "\n".join(lines)
