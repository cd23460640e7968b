"""Extra charts on the overview page (reports by category and week, RSVP rates,
broadcast delivery ...), listed in dashboard/work_panels.py, so that the overview grows
without being edited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dashboard.permissions import can


@dataclass(frozen=True)
class Panel:
    name: str
    order: int
    permission: str
    template: str  # rendered with `data` (what `load` returned) in its context
    load: Callable[[Session], dict]


def visible_panels(panels: tuple[Panel, ...], db: Session, user) -> list[tuple[Panel, dict]]:
    shown = sorted((p for p in panels if can(user, p.permission)), key=lambda p: p.order)
    return [(panel, panel.load(db)) for panel in shown]
