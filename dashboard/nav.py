"""The navigation bar: each page module has its NavItem (NAV); dashboard/views lists them.
Items that name a section are shown together under it (a menu that opens), so that the
bar stays one line wide in every language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dashboard.permissions import can

# Section ids in the order they appear; the label of each is `dash.section.<id>`.
SECTIONS = ("followup", "people", "outreach", "records", "settings")


@dataclass(frozen=True)
class NavItem:
    order: int
    endpoint: str
    label: str  # a message id in the `dashboard` domain
    permission: str
    # A count shown beside the label (unread messages), or None.
    badge: Callable[[], int] | None = None
    section: str | None = None  # one of SECTIONS, or None for a link of its own


@dataclass(frozen=True)
class Section:
    name: str
    items: tuple[NavItem, ...]

    @property
    def label(self) -> str:
        return f"dash.section.{self.name}"

    def badge(self) -> int:
        return sum(item.badge() for item in self.items if item.badge)

    def holds(self, blueprint: str | None) -> bool:
        return any(item.endpoint.split(".")[0] == blueprint for item in self.items)


def visible_to(items: tuple[NavItem, ...], user) -> list[NavItem | Section]:
    """The bar for this user: links of their own first, then each section with the items
    the user may open; a section with a single such item is shown as that link."""
    mine = [item for item in sorted(items, key=lambda i: i.order) if can(user, item.permission)]
    bar: list[NavItem | Section] = [item for item in mine if item.section is None]
    for name in SECTIONS:
        inside = tuple(item for item in mine if item.section == name)
        if len(inside) == 1:
            bar.append(inside[0])
        elif inside:
            bar.append(Section(name, inside))
    return bar
