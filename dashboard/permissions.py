"""Who may do what: one table of permissions per role, and `can(user, permission)`.

Every dashboard and API view names the permission it needs (`@require("contacts.view")`
or `@public`); a view that names none is refused to everyone. Pages still to come
(reports, feedback, meetings, broadcasts, audit) already have their permissions here,
so adding a page does not change who may see what.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.store import Role

VIEWER = frozenset({
    "overview.view",
    "contacts.view",
    "groups.view",
    "messages.view",
    "account.self",
    "reports.view",      # the list and statuses, never the text
    "feedback.view",
    "meetings.view",
    "broadcasts.view",
})
COORDINATOR = VIEWER | {
    "contacts.addresses",  # phone numbers and Telegram ids in clear
    "contacts.edit",
    "contacts.erase",
    "groups.edit",
    "messages.text",
    "simulator.use",
    "exports.download",
    "reports.text",
    "reports.edit",
    "feedback.text",
    "meetings.edit",
    "broadcasts.send",
    "contacts.by_number",  # find a person by phone number (every lookup is audited)
    "contacts.district",   # a contact's district: with a name, it points at a household
    "conversations.use",  # threads with people: read, reply, assign, close
}
ADMIN = COORDINATOR | {"users.manage", "tokens.manage", "audit.view"}
ADMIN = ADMIN | {"channels.manage"}  # SMS channels: state, queues (changed with the CLI)
ADMIN = ADMIN | {"partners.manage"}  # referral partners: list, add, disable

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.VIEWER: VIEWER,
    Role.COORDINATOR: frozenset(COORDINATOR),
    Role.ADMIN: frozenset(ADMIN),
}
ALL = ADMIN
PUBLIC = "public"


class HasRole(Protocol):
    role: str


def can(user: HasRole | None, permission: str) -> bool:
    """True if `user` (a User, an ApiToken, or None for nobody) has `permission`."""
    if permission == PUBLIC:
        return True
    if permission not in ALL:
        raise KeyError(f"unknown permission {permission!r}: add it to dashboard.permissions")
    return user is not None and permission in PERMISSIONS.get(user.role, ())


def require(permission: str) -> Callable:
    """Marks a view with the permission it needs; the blueprint's guard enforces it."""
    if permission != PUBLIC and permission not in ALL:
        raise KeyError(f"unknown permission {permission!r}")

    def mark(view):
        view.permission = permission
        return view

    return mark


public = require(PUBLIC)


def permission_of(view) -> str | None:
    return getattr(view, "permission", None)
