"""Extra charts on the overview page, registered by the features that own the data
(reports by category and week, RSVP rates, broadcast delivery ...), so that the overview
grows without being edited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from .permissions import can


@dataclass(frozen=True)
class Panel:
    name: str
    order: int
    permission: str
    template: str  # rendered with `data` (what `load` returned) in its context
    load: Callable[[Session], dict]


PANELS: dict[str, Panel] = {}


def add_panel(name: str, order: int, permission: str, template: str,
              load: Callable[[Session], dict]) -> None:
    PANELS[name] = Panel(name, order, permission, template, load)


def visible_panels(db: Session, user) -> list[tuple[Panel, dict]]:
    shown = sorted((p for p in PANELS.values() if can(user, p.permission)), key=lambda p: p.order)
    return [(panel, panel.load(db)) for panel in shown]
