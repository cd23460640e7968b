"""Sign-in attempts, limited per account and per client address. Failures are rows in
the store, so the limit holds across gunicorn workers and restarts; keys are keyed
hashes, so the table holds neither e-mail addresses nor IP addresses."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.core.clock import now
from bot.store import LoginFailure

WINDOW = dt.timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20


def keys(secret: str, email: str, address: str) -> tuple[str, str]:
    def digest(kind: str, value: str) -> str:
        return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    return digest("account", email.strip().lower()), digest("address", address)


def _failures(db: Session, key: str) -> int:
    return db.scalar(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.key == key, LoginFailure.created_at > now() - WINDOW)) or 0


def blocked(db: Session, account_key: str, address_key: str) -> bool:
    return (_failures(db, account_key) >= PER_ACCOUNT
            or _failures(db, address_key) >= PER_ADDRESS)


def record_failure(db: Session, *keys_: str) -> None:
    at = now()
    db.execute(delete(LoginFailure).where(LoginFailure.created_at <= at - WINDOW))
    db.add_all(LoginFailure(key=key, created_at=at) for key in keys_)


def clear(db: Session, account_key: str) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.key == account_key))
