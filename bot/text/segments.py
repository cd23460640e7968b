"""How many SMS segments a text costs.

GSM-7 carries 160 characters in one SMS, 153 per segment once split; characters from
the GSM extension table (^ { } [ ] ~ | € and others) take two. Any other character,
and any Arabic-script letter, makes the whole message UCS-2: 70 in one SMS, 67 per
segment, and characters outside the BMP (most emoji) take two code units. A
character is never split across two segments, so the count packs them one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int


def _pack(widths: list[int], single: int, multi: int) -> int:
    total = sum(widths)
    if total <= single:
        return 1
    segments, used = 1, 0
    for width in widths:
        if used + width > multi:
            segments, used = segments + 1, 0
        used += width
    return segments


def count(text: str) -> SegmentCount:
    if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text):
        widths = [2 if c in GSM_EXTENSION else 1 for c in text]
        return SegmentCount("GSM-7", len(text), sum(widths), _pack(widths, 160, 153))
    widths = [2 if ord(c) > 0xFFFF else 1 for c in text]
    return SegmentCount("UCS-2", len(text), sum(widths), _pack(widths, 70, 67))
