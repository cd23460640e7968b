"""Splitting a long text into parts a provider accepts, on word boundaries."""

from __future__ import annotations

TELEGRAM_LIMIT = 4096


def _units(text: str) -> int:
    # Telegram counts UTF-16 code units: an emoji outside the BMP counts twice.
    return len(text.encode("utf-16-le")) // 2


def split(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts of at most `limit` units, cut at the last newline or space before the
    limit (a word longer than the limit is cut where it must be)."""
    parts: list[str] = []
    rest = text.strip()
    while _units(rest) > limit:
        cut = _fit(rest, limit)
        space = max(rest.rfind("\n", 0, cut + 1), rest.rfind(" ", 0, cut + 1))
        if space > 0:
            cut = space
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _fit(text: str, limit: int) -> int:
    """The number of characters of `text` that fit in `limit` units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)
