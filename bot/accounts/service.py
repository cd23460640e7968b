"""Dashboard accounts: argon2id password hashes, roles, TOTP second factor.

Shared by `mashwara users ...` and the dashboard's sign-in.
"""

from __future__ import annotations

import re

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.tokens import revoke_owned
from bot.core.clock import now
from bot.core.refusal import Refusal
from bot.store import Role, User

# argon2-cffi's defaults are RFC 9106's "low memory" argon2id profile (64 MiB, t=3).
HASHER = PasswordHasher()
# Verifying against this keeps an unknown e-mail as slow as a wrong password.
_DUMMY_HASH = HASHER.hash("not a password")
MIN_PASSWORD = 10
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(Refusal):
    pass


def normal_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise AccountError("account.error.email", email=repr(email))
    return email


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("account.error.password", n=MIN_PASSWORD)


def find_user(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(db: Session, email: str, password: str, role: str) -> User:
    email = normal_email(email)
    if role not in Role.ALL:
        raise AccountError("account.error.role", roles=", ".join(Role.ALL))
    check_password_strength(password)
    if find_user(db, email):
        raise AccountError("account.error.taken", email=email)
    user = User(email=email, password_hash=HASHER.hash(password), role=role, created_at=now())
    db.add(user)
    db.flush()
    return user


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None."""
    user = find_user(db, email)
    try:
        HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    return user


def end_sessions(user: User) -> None:
    """Every dashboard session of this account stops working at its next request."""
    user.session_version = (user.session_version or 0) + 1


def set_role(db: Session, user: User, role: str) -> int:
    """Changes the role, ends the account's sessions and revokes its API tokens (made
    under the old role); returns how many tokens were revoked."""
    if role not in Role.ALL:
        raise AccountError("account.error.role", roles=", ".join(Role.ALL))
    if role == Role.ADMIN and user.scoped:
        raise AccountError("account.error.scope_admin")
    user.role = role
    end_sessions(user)
    return revoke_owned(db, user.id)


def set_scope(db: Session, user: User, provinces: list[str], groups: list[int]) -> int:
    """Limits the account to these provinces (codes) and groups (ids), or lifts the
    limit when both are empty. As with a role, the account's sessions end and its API
    tokens (which carry its scope) are revoked; returns how many tokens were revoked.
    An admin manages accounts and sees the audit trail: it cannot be limited."""
    provinces = sorted({p.strip().lower() for p in provinces if p.strip()})
    groups = sorted({int(g) for g in groups})
    if (provinces or groups) and user.role == Role.ADMIN:
        raise AccountError("account.error.scope_admin")
    user.scope_provinces = provinces or None
    user.scope_groups = groups or None
    end_sessions(user)
    return revoke_owned(db, user.id)


def disable(db: Session, user: User) -> int:
    """Stops the account at once: sessions end and its API tokens are revoked."""
    user.disabled_at = now()
    end_sessions(user)
    return revoke_owned(db, user.id)


def set_password(user: User, password: str) -> None:
    """A new password; every session of the account ends (including the one asking)."""
    check_password_strength(password)
    user.password_hash = HASHER.hash(password)
    end_sessions(user)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def check_totp(user: User, code: str, secret: str | None = None) -> bool:
    """True for a current code (one step of clock drift allowed) not used before."""
    secret = secret or user.totp_secret
    code = re.sub(r"\s", "", code or "")
    if not secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(secret)
    at = now()
    current = totp.timecode(at)
    for step in (current, current - 1, current + 1):
        if step > (user.totp_last_step or -1) and totp.verify(code, for_time=step * totp.interval):
            user.totp_last_step = step
            return True
    return False
