"""What providers tell us about whether an address can be reached."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from bot.contacts.lookup import find_identity
from bot.core.db import Database
from bot.store import Identity


def set_blocked(database: Database, channel: str, address: str, blocked: bool,
                at: dt.datetime) -> bool:
    """Marks the address stopped (the person blocked the bot) or reachable again.
    False when we do not know the address: nothing is made for a stranger."""
    with database.write() as db:
        identity = find_identity(db, channel, address)
        if identity is None:
            return False
        db.execute(update(Identity).where(Identity.id == identity.id)
                   .values(stopped_at=at if blocked else None))
        return True
