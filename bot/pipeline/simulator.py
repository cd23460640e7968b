"""The simulator channel seen from the person's side: `mashwara chat` and the tests.

Saying something goes through the real inbox; replies are delivered by the real
dispatcher (here, or by a running worker) and read back from the message log.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.channels.base import InboundMessage
from bot.contacts.lookup import find_identity
from bot.outbound.outbox import choices_of
from bot.store import IN_FLIGHT, Direction, Message, Status
from bot.text.render import as_text

if TYPE_CHECKING:
    from bot.services import Services

CHANNEL = "sim"
DELIVERED = (Status.SENT, Status.DELIVERED, Status.READ)


class Simulator:
    def __init__(self, services: Services, address: str, language: str | None = None):
        self.services = services
        self.address = address
        self.language = language
        self.last_seen = self._newest()

    def _identity_id(self) -> int | None:
        with self.services.database.read() as db:
            identity = find_identity(db, CHANNEL, self.address)
            return identity.id if identity else None

    def _newest(self) -> int:
        identity_id = self._identity_id()
        if identity_id is None:
            return 0
        with self.services.database.read() as db:
            newest = db.scalar(select(Message.id).where(Message.identity_id == identity_id)
                               .order_by(Message.id.desc()).limit(1))
        return newest or 0

    def say(self, text: str, wait: float = 2.0) -> list[str]:
        """Sends `text` and returns the replies as a basic phone would show them."""
        self.services.inbox.receive(InboundMessage(
            channel=CHANNEL, address=self.address, text=text,
            external_id=f"sim-{uuid.uuid4().hex}", language_hint=self.language,
        ))
        return self.replies(wait)

    def replies(self, wait: float = 2.0) -> list[str]:
        identity_id = self._identity_id()
        if identity_id is None:
            return []
        deadline = time.monotonic() + wait
        while self.services.dispatcher.run_once([CHANNEL], identity_id):
            pass
        while self._in_flight(identity_id) and time.monotonic() < deadline:
            time.sleep(0.05)  # a running worker has them; let it finish
        return self._read(identity_id)

    def _in_flight(self, identity_id: int) -> bool:
        with self.services.database.read() as db:
            return db.scalar(select(Message.id).where(
                Message.identity_id == identity_id, Message.direction == Direction.OUT,
                Message.status.in_(IN_FLIGHT),
            ).limit(1)) is not None

    def _read(self, identity_id: int) -> list[str]:
        with self.services.database.read() as db:
            rows = db.scalars(select(Message).where(
                Message.identity_id == identity_id, Message.direction == Direction.OUT,
                Message.status.in_(DELIVERED), Message.id > self.last_seen,
            ).order_by(Message.id)).all()
        if rows:
            self.last_seen = rows[-1].id
        return [as_text(row.text or "", choices_of(row), row.language) for row in rows]
