"""Bar charts as data for server-rendered SVG (templates/_bars.html): no chart library,
no script, nothing to download."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 100.0  # the bars' viewBox width, in per cent of the chart


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float  # 0..WIDTH


def bars(items: list[tuple[str, int]]) -> list[Bar]:
    top = max((value for _, value in items), default=0) or 1
    return [Bar(label, value, WIDTH * value / top) for label, value in items]


@dataclass(frozen=True)
class Column:
    label: str
    values: tuple[int, ...]
    heights: tuple[float, ...]  # 0..100 each


def columns(items: list[tuple[str, tuple[int, ...]]]) -> list[Column]:
    top = max((v for _, values in items for v in values), default=0) or 1
    return [Column(label, values, tuple(100.0 * v / top for v in values))
            for label, values in items]
