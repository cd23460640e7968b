"""What consultations add to the worker (send when open, the one reminder, close when
due) and to erasure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from bot.consultations import service
from bot.contacts.erasure import Eraser
from bot.core.clock import now
from bot.core.ticks import Tick
from bot.store import (
    Consultation,
    ConsultationAnswer,
    ConsultationRecipient,
    ConsultationResponse,
    Priority,
)

if TYPE_CHECKING:
    from bot.services import Services


def offer_all_with(services: Services) -> service.OfferAll:
    """Offers the answering conversation through the inbox, at bulk priority (paced
    behind conversations, as broadcasts are)."""
    def offer_all(db, people, trigger: str, within: tuple[int, int]):
        return services.inbox.offer_all(db, people, service.FLOW, trigger, within=within,
                                 priority=Priority.BULK)
    return offer_all


def channels(services: Services) -> tuple[str, ...]:
    return tuple(services.dispatcher.senders)


def send(services: Services, consultation_id: int) -> int:
    return service.send(services.database, consultation_id, offer_all=offer_all_with(services),
                        default_language=services.settings.default_language,
                        channels=channels(services), now=now())


def remind(services: Services, consultation_id: int) -> int:
    return service.remind(services.database, consultation_id,
                          offer_all=offer_all_with(services),
                          default_language=services.settings.default_language,
                          channels=channels(services), now=now())


def tick(services: Services) -> dict[str, int]:
    with services.database.read() as db:
        todo = service.due(db, now())
    done = {"sent": sum(send(services, i) for i in todo["send"]),
            "reminded": sum(remind(services, i) for i in todo["remind"])}
    with services.database.write() as db:
        for consultation_id in todo["close"]:
            service.close(db, db.get(Consultation, consultation_id), now())
    return done | {"closed": len(todo["close"])}


def erase(db, contact) -> None:
    """A person's named answers go with them; anonymous ones were never theirs."""
    theirs = select(ConsultationResponse.id).where(ConsultationResponse.contact_id == contact.id)
    db.execute(delete(ConsultationAnswer).where(ConsultationAnswer.response_id.in_(theirs)))
    db.execute(delete(ConsultationResponse).where(
        ConsultationResponse.contact_id == contact.id))
    db.execute(delete(ConsultationRecipient).where(
        ConsultationRecipient.contact_id == contact.id))


TICKS = (Tick("consultations", 60, tick),)
ERASERS = (Eraser(("consultation_recipients", "consultation_responses"), erase),)
