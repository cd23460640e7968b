"""Partner organisations, and reports referred to them with the reporter's consent.

A partner is data: a name, how it receives referrals (a Telegram chat, an SMS number,
or a pack a coordinator exports and hands over), its languages and the provinces it
works in. A referral records what the reporter agreed to share: nothing yet (asking),
the account only, or the account with their name and number; it can be revoked.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import now
from bot.core.crypto import Encrypted
from bot.store.base import Base


class PartnerChannel:
    TELEGRAM = "telegram"
    SMS = "sms"
    PACK = "pack"
    ALL = (TELEGRAM, SMS, PACK)


class ReferralStatus:
    ASKING = "asking"  # the reporter is asked; nothing shared
    DECLINED = "declined"
    UNREACHABLE = "unreachable"  # a named reporter who cannot be asked: nothing shared
    SHARED = "shared"
    REVOKED = "revoked"
    ALL = (ASKING, DECLINED, UNREACHABLE, SHARED, REVOKED)


class Share:
    ACCOUNT = "account"  # the report without who sent it
    CONTACT = "contact"  # with the reporter's name and number
    ALL = (ACCOUNT, CONTACT)


class Partner(Base):
    __tablename__ = "partners"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(Encrypted)  # chat id or number; none for a pack
    languages: Mapped[list] = mapped_column(JSON, default=list)
    provinces: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    disabled_at: Mapped[dt.datetime | None]


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_code: Mapped[str] = mapped_column(
        ForeignKey("reports.code", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"),
                                            index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    share: Mapped[str | None] = mapped_column(String(16))
    proposed_by: Mapped[str] = mapped_column(String(120))
    proposed_at: Mapped[dt.datetime] = mapped_column(default=now)
    decided_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
