import datetime as dt

import time_machine
from sqlalchemy import func, select

from bot.core.clock import now
from bot.pipeline.housekeeping import purge_message_texts, retry_inbound
from bot.services import Services
from bot.store import Direction, Message, Status
from tests.builders import chat, make_contact


def inbound_by_status(services) -> dict:
    with services.database.read() as db:
        rows = db.execute(select(Message.status, func.count()).where(
            Message.direction == Direction.IN).group_by(Message.status)).all()
    return dict(rows)


def test_a_flood_is_slowed_and_nothing_is_dropped(settings):
    services = Services(settings.with_overrides(inbound_per_minute=5))
    _, _, address = make_contact(services)
    person = chat(services, address=address)
    replies = []
    for i in range(12):
        replies += person.say(f"message {i}")
    assert replies.count("You are sending many messages. We will answer them in a moment.") == 1
    assert inbound_by_status(services) == {Status.HANDLED: 5, Status.RECEIVED: 7}
    for minute in range(1, 4):  # the worker catches up at the allowed pace
        with time_machine.travel(now() + dt.timedelta(minutes=minute, seconds=1), tick=False):
            retry_inbound(services)
    assert inbound_by_status(services) == {Status.HANDLED: 12}
    services.database.dispose()


def test_message_texts_are_purged_after_the_retention_period(services):
    _, _, address = make_contact(services)
    chat(services, address=address).say("help")
    assert purge_message_texts(services) == 0
    with time_machine.travel(now() + dt.timedelta(days=91), tick=False):
        assert purge_message_texts(services) == 2
    with services.database.read() as db:
        assert db.scalar(select(func.count()).select_from(Message)
                         .where(Message.text.is_not(None))) == 0
        assert db.scalar(select(func.count()).select_from(Message)) == 2
