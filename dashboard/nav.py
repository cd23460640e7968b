"""The navigation bar: each page module has its NavItem (NAV); dashboard/views lists them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dashboard.permissions import can


@dataclass(frozen=True)
class NavItem:
    order: int
    endpoint: str
    label: str  # a message id in the `dashboard` domain
    permission: str
    # A count shown beside the label (unread messages), or None.
    badge: Callable[[], int] | None = None


def visible_to(items: tuple[NavItem, ...], user) -> list[NavItem]:
    return [item for item in sorted(items, key=lambda i: i.order) if can(user, item.permission)]
