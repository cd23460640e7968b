"""The navigation bar: a registry each page module adds its entry to."""

from __future__ import annotations

from dataclasses import dataclass

from .permissions import can


@dataclass(frozen=True)
class NavItem:
    order: int
    endpoint: str
    label: str  # a message id in the `dashboard` domain
    permission: str


NAV: dict[str, NavItem] = {}


def add_nav(order: int, endpoint: str, label: str, permission: str) -> None:
    NAV[endpoint] = NavItem(order, endpoint, label, permission)


def visible_to(user) -> list[NavItem]:
    return [item for item in sorted(NAV.values(), key=lambda i: i.order)
            if can(user, item.permission)]
