"""The audit trail from the dashboard: who is acting, named the same way everywhere."""

from __future__ import annotations

from collections.abc import Mapping

from flask import g, request
from sqlalchemy.orm import Session

from bot.audit import trail as audit


def actor() -> str:
    user = g.get("user")
    return f"user:{user.email}" if user is not None else "anonymous"


def record(db: Session, action: str, target_type: str | None = None, target_id: object = None,
           details: Mapping | None = None, *, who: str | None = None) -> None:
    address = {"address": request.remote_addr} if request.remote_addr else {}
    audit.record(db, who or actor(), action, target_type, target_id,
                 {**address, **(details or {})})
