"""The navigation bar: each page module has its NavItem (NAV); dashboard/views lists them."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.permissions import can


@dataclass(frozen=True)
class NavItem:
    order: int
    endpoint: str
    label: str  # a message id in the `dashboard` domain
    permission: str


def visible_to(items: tuple[NavItem, ...], user) -> list[NavItem]:
    return [item for item in sorted(items, key=lambda i: i.order) if can(user, item.permission)]
