"""Bearer tokens for the JSON API: shown once when made, kept only as a SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.clock import now
from bot.store import ApiToken, Role

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
    if row is None or row.revoked_at is not None:
        return None
    return row


def note_use(db: Session, token_id: int) -> None:
    """Records when a token was last used, at most once a minute (to spare writes)."""
    at = now()
    db.execute(update(ApiToken).where(
        ApiToken.id == token_id,
        (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < at - USE_PRECISION),
    ).values(last_used_at=at))
