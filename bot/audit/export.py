"""The audit trail as an export: admins only in the dashboard (`mashwara export audit`
for the server's operator)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.exports import Filters, export
from bot.store import AuditEvent


def audit_rows(db: Session, filters: Filters):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if filters.since:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.until:
        query = query.where(AuditEvent.at < filters.until)
    if filters.status:  # the action, e.g. export or sign-in.failed
        query = query.where(AuditEvent.action == filters.status)
    for event in db.scalars(query):
        details = json.dumps(event.details, ensure_ascii=False, sort_keys=True) if \
            event.details else ""
        yield (event.at, event.actor, event.action, event.target_type, event.target_id, details)


EXPORTS = (
    export(audit_rows, "audit", ("at", "actor", "action", "target_type", "target_id", "details"),
                 "the audit trail: who did what, when (no personal data of the public)",
                 permission="audit.view"),
)
