import datetime as dt

import time_machine
from sqlalchemy import select

from bot.core.clock import now
from bot.pipeline.housekeeping import retry_inbound
from bot.services import Services
from bot.store import AuditEvent, Identity, Message, Priority
from tests.builders import chat, make_contact

DUTY_PHONE = "+93799000001"


def alerts(services) -> list[Message]:
    with services.database.read() as db:
        return list(db.scalars(select(Message).where(Message.priority == Priority.ALERT)))


def flood(services, address: str, times: int, at: dt.datetime) -> None:
    """`times` messages at `at`, then the worker catches up over the next minutes."""
    with time_machine.travel(at, tick=False):
        person = chat(services, address=address)
        for i in range(times):
            person.say(f"message {i}")
    for minute in range(1, 5):
        with time_machine.travel(at + dt.timedelta(minutes=minute, seconds=1), tick=False):
            retry_inbound(services)


def test_coordinators_are_told_once_an_hour_by_contact_id_only(settings):
    services = Services(settings.with_overrides(inbound_per_minute=3, alert_sms=(DUTY_PHONE,)))
    contact_id, _, address = make_contact(services, name="Zarghuna")
    start = now()
    flood(services, address, 8, start)
    [alert] = alerts(services)
    assert alert.text == (f"Contact {contact_id} is sending more than 3 messages a minute."
                          " Their messages are slowed.")
    with services.database.read() as db:
        assert db.get(Identity, alert.identity_id).address == DUTY_PHONE
    flood(services, address, 8, start + dt.timedelta(minutes=30))
    assert len(alerts(services)) == 1
    flood(services, address, 8, start + dt.timedelta(minutes=61))
    assert len(alerts(services)) == 2
    services.database.dispose()


def test_without_destinations_nobody_is_alerted_but_the_trail_says_so(settings):
    services = Services(settings.with_overrides(inbound_per_minute=3))
    contact_id, _, address = make_contact(services)
    flood(services, address, 5, now())
    assert alerts(services) == []
    with services.database.read() as db:
        [event] = db.scalars(select(AuditEvent))
    assert (event.actor, event.action, event.target_id) == ("system", "contact.flooding",
                                                            str(contact_id))
    services.database.dispose()
