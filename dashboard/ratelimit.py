"""Sign-in attempts, slowed per client address and per account at that address.

Failures are counted under two keys: the address alone (one address guessing across
many accounts) and the account together with the address (one address guessing one
account). Past a few free failures each key makes the next attempt wait, doubling with
every further failure up to an hour. No key counts an account alone: someone guessing
from one address must not lock the account's owner out, who signs in from another.

Failures are rows in the store, so the limit holds across gunicorn workers and
restarts; keys are keyed hashes, so the table holds neither e-mail nor IP addresses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.core.clock import now
from bot.store import LoginFailure

WINDOW = dt.timedelta(hours=24)  # failures older than this are forgotten
FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=1)
FREE_PER_ACCOUNT = 5  # failures for one account from one address before waits begin
FREE_PER_ADDRESS = 20  # failures from one address, over all accounts


def keys(secret: str, email: str, address: str) -> tuple[str, str]:
    """(account at this address, this address)."""
    def digest(kind: str, value: str) -> str:
        return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    return (digest("account-address", f"{email.strip().lower()}\n{address}"),
            digest("address", address))


def _wait(db: Session, key: str, free: int, at: dt.datetime) -> float:
    count, last = db.execute(select(func.count(), func.max(LoginFailure.created_at)).where(
        LoginFailure.key == key, LoginFailure.created_at > at - WINDOW)).one()
    if count < free or last is None:
        return 0.0
    wait = min(FIRST_WAIT * 2 ** min(count - free, 16), LONGEST_WAIT)
    return max((last + wait - at).total_seconds(), 0.0)


def retry_after(db: Session, pair_key: str, address_key: str) -> int:
    """Seconds before this address may try this account again (0: now)."""
    at = now()
    wait = max(_wait(db, pair_key, FREE_PER_ACCOUNT, at),
               _wait(db, address_key, FREE_PER_ADDRESS, at))
    return math.ceil(wait)


def record_failure(db: Session, *keys_: str) -> None:
    at = now()
    db.execute(delete(LoginFailure).where(LoginFailure.created_at <= at - WINDOW))
    db.add_all(LoginFailure(key=key, created_at=at) for key in keys_)


def clear(db: Session, pair_key: str) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.key == pair_key))
