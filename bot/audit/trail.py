"""Recording the audit trail.

Actions (stable names, filterable): sign-in, sign-in.failed, sign-out, report.view,
report.status, report.note, export, broadcast.create, broadcast.send, broadcast.pause,
broadcast.resume, broadcast.cancel, meeting.create, meeting.change, meeting.cancel,
user.create, user.role, user.disable, user.enable, password.change, password.failed,
token.create, token.revoke, contact.lookup (a person looked up by number),
contact.erase, contact.import, keys.rotate. `details` holds ids, counts, statuses and
filters, never a phone number, name or report text.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping

from sqlalchemy.orm import Session

from bot.core.clock import now
from bot.store.audit import AuditEvent


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def record(db: Session, actor: str, action: str, target_type: str | None = None,
           target_id: object = None, details: Mapping | None = None) -> AuditEvent:
    event = AuditEvent(
        at=now(), actor=actor[:300], action=action, target_type=target_type,
        target_id=None if target_id is None else str(target_id)[:64],
        details=dict(details) if details else None,
    )
    db.add(event)
    return event
