"""Dashboard accounts, API tokens and failed sign-ins (for rate limiting)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import now
from bot.core.crypto import Encrypted
from bot.store.base import Base


class Role:
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    VIEWER = "viewer"
    ALL = ("admin", "coordinator", "viewer")
    RANK = {"viewer": 0, "coordinator": 1, "admin": 2}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    totp_secret: Mapped[str | None] = mapped_column(Encrypted)
    # The last TOTP time step accepted, so that a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    disabled_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    last_sign_in_at: Mapped[dt.datetime | None]
    # Carried in the session cookie; raising it ends every session of the account
    # (sign-out, password change, role change, disabling).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The area a coordinator or viewer is limited to: province codes and group ids (None
    # or empty: everywhere). Changed with accounts.service.set_scope, never directly.
    scope_provinces: Mapped[list | None] = mapped_column(JSON)
    scope_groups: Mapped[list | None] = mapped_column(JSON)

    @property
    def scoped(self) -> bool:
        return bool(self.scope_provinces or self.scope_groups)

    @property
    def active(self) -> bool:
        return self.disabled_at is None


class ApiToken(Base):
    """A bearer token for the JSON API. Only a SHA-256 of the token is kept: tokens are
    random 256-bit values, so a plain hash is enough (no password stretching needed)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class LoginFailure(Base):
    """One failed sign-in, keyed by a keyed hash of the account or of the client address;
    kept in the store so the limit holds across gunicorn workers."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
