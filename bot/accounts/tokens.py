"""Bearer tokens for the JSON API: shown once when made, kept only as a SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.clock import now
from bot.store import ApiToken, Role, User

PREFIX = "mw_"
USE_PRECISION = dt.timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Session, name: str, role: str, created_by: int | None) -> tuple[ApiToken, str]:
    """The new token row and the token itself, which is not stored and cannot be shown again."""
    if role not in Role.ALL:
        raise ValueError(f"role must be one of {', '.join(Role.ALL)}")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name.strip()[:80] or "token", role=role, token_hash=_digest(token),
                   prefix=token[:10], created_by=created_by, created_at=now())
    db.add(row)
    db.flush()
    return row, token


def verify_token(db: Session, token: str) -> ApiToken | None:
    """The live token row for `token`, or None. The lookup is by hash, so comparing
    is a unique-index match and leaks nothing about other tokens."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or not _owner_allows(db, row):
        return None
    return row


def _owner_allows(db: Session, row: ApiToken) -> bool:
    """A token is worth no more than the account that made it: none once that account is
    disabled, and never more than its present role (tokens made outside the dashboard
    have no owner)."""
    if row.created_by is None:
        return True
    owner = db.get(User, row.created_by)
    return (owner is not None and owner.active
            and Role.RANK.get(row.role, 99) <= Role.RANK.get(owner.role, -1))


def revoke_owned(db: Session, user_id: int) -> int:
    """Revokes every live token made by this account; returns how many."""
    result = db.execute(update(ApiToken).where(
        ApiToken.created_by == user_id, ApiToken.revoked_at.is_(None),
    ).values(revoked_at=now()))
    return result.rowcount or 0


def note_use(db: Session, token_id: int) -> None:
    """Records when a token was last used, at most once a minute (to spare writes)."""
    at = now()
    db.execute(update(ApiToken).where(
        ApiToken.id == token_id,
        (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < at - USE_PRECISION),
    ).values(last_used_at=at))
