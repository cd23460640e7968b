"""Periodic work the worker runs, registered by each feature.

A tick scans the store for what is due (expired sessions, due reminders, due
broadcasts) and does it. Ticks run only on the worker holding the scheduler lease;
each must be safe to run again after a crash (claim rows, do not assume).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services import Services


@dataclass(frozen=True)
class Tick:
    name: str
    seconds: float
    run: Callable[[Services], object]


# Filled by bot.features.install() (the composition root).
TICKS: dict[str, Tick] = {}
