"""Routing SMS between channels: replies through the channel the person wrote to,
bulk through their last channel or the prefix rules, and away from a channel that is
down, in order. The shipped operator prefixes are data, checked here."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.channels import table
from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.outbound.notify import notify
from bot.outbound.outbox import enqueue
from bot.pipeline import routing
from bot.store import ChannelState, Contact, Direction, Identity, Message, Priority, Status
from tests.builders import make_contact, running
from tests.fakes.sendsms import FakeSendsms
from tests.fakes.server import Fault


@pytest.fixture
def links():
    servers = [FakeSendsms().start(), FakeSendsms().start()]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def services(settings):
    with running(settings.with_overrides(public_url="https://bot.example.org")) as built:
        yield built


def add(services, name, server, prefixes=()):
    return table.add(services.database, "kannel", name, f"{server.url}/cgi-bin/sendsms",
                     username="u", password="p", rate=100.0, prefixes=prefixes, at=now())


def queue(services, identity_id, texts, priority=Priority.BULK):
    with services.database.write() as db:
        for text in texts:
            enqueue(db, db.get(Identity, identity_id), text, now=now(), priority=priority)


def due_now(services):
    with services.database.write() as db:
        for row in db.scalars(select(Message).where(Message.status == Status.QUEUED)):
            row.next_attempt_at = now()


# -- the shipped prefixes -----------------------------------------------------------------

def test_the_operator_prefixes_of_the_three_countries_are_shipped_and_marked_for_review():
    data = table.operators()
    assert set(data) == {"af", "ye", "ma"}
    codes = {"af": "+93", "ye": "+967", "ma": "+212"}
    seen = {}
    for country, operators in data.items():
        assert len(operators) >= 3
        for name, operator in operators.items():
            assert operator["review"] is True and operator["name"]
            for prefix in operator["prefixes"]:
                assert re.fullmatch(r"\+[0-9]{3,9}", prefix) and prefix.startswith(
                    codes[country])
                assert prefix not in seen, f"{prefix} in {name} and {seen.get(prefix)}"
                seen[prefix] = name


def test_an_operator_can_be_named_instead_of_its_prefixes(services, links):
    config = add(services, "roshan", links[0], prefixes=("af:roshan", "+93 20"))
    assert config.prefixes == ("+9379", "+9372", "+9320")
    with pytest.raises(table.ChannelError):
        add(services, "other", links[1], prefixes=("af:nosuch",))


ROUTES = {
    "longest prefix wins": ("+93791234567", "roshan"),
    "other Roshan range": ("+93721234567", "roshan"),
    "AWCC number": ("+93701234567", "awcc"),
    "no rule: the channel for all numbers": ("+967771234567", "anywhere"),
}


@pytest.mark.parametrize("address,expected", ROUTES.values(), ids=ROUTES.keys())
def test_the_routing_rules_choose_by_prefix(address, expected):
    def config(name, prefixes, state=ChannelState.UP):
        return table.ChannelConfig(kind="kannel", name=name, url="http://x/", username=None,
                                   password=None, secret="s", signing_key=None, sender=None,
                                   rate=1.0, prefixes=prefixes, enabled=True, state=state)
    channels = [config("anywhere", ()), config("awcc", ("+9370", "+9371")),
                config("roshan", ("+937", "+9379", "+9372")),
                config("broken", ("+93791",), ChannelState.DOWN)]
    assert table.route(channels, address) == expected


# -- replies, bulk, failover ----------------------------------------------------------------

def test_a_reply_leaves_through_the_channel_the_person_wrote_to(services, links):
    add(services, "roshan", links[0], prefixes=("af:roshan",))
    add(services, "awcc", links[1])
    # An AWCC-routed number that wrote to the Roshan link is answered on the Roshan link.
    _, identity_id, _ = make_contact(services, channel="roshan", address="+93701112223")
    queue(services, identity_id, ["your answer"], priority=Priority.CONVERSATION)
    routing.route(services)
    services.dispatcher.run_once()
    assert links[0].texts() == ["your answer"] and links[1].texts() == []


def test_bulk_goes_to_the_persons_last_channel(services, links):
    add(services, "roshan", links[0])
    add(services, "awcc", links[1])
    contact_id, _, _ = make_contact(services, channel="roshan", address="+93791112223")
    with services.database.write() as db:
        identify(db, "awcc", "+93791112223", now()).contact_id = contact_id
        contact = db.get(Contact, contact_id)
        contact.preferred_channel = "awcc"  # they wrote through AWCC last
        notify(db, contact, "meeting moved", now=now(), settings=services.settings,
               priority=Priority.BULK)
    services.dispatcher.run_once()
    assert links[1].texts() == ["meeting moved"] and links[0].texts() == []


def test_an_imported_number_without_twilio_goes_by_the_prefix_rules(services, links):
    """Contacts imported from a CSV have an `sms` identity; with no Twilio configured, the
    routing rules pick the operator's own link."""
    add(services, "roshan", links[0], prefixes=("af:roshan",))
    add(services, "awcc", links[1], prefixes=("af:awcc",))
    _, roshan_id, _ = make_contact(services, channel="sms", address="+93799000001")
    _, awcc_id, _ = make_contact(services, channel="sms", address="+93709000002")
    queue(services, roshan_id, ["to roshan"])
    queue(services, awcc_id, ["to awcc"])
    assert routing.route(services) == 2
    services.dispatcher.run_once()
    assert links[0].texts() == ["to roshan"] and links[1].texts() == ["to awcc"]


def test_when_a_channel_is_down_bulk_moves_to_another_in_order(services, links):
    down, spare = links
    add(services, "phone1", down, prefixes=("af:roshan",))
    add(services, "phone2", spare)
    _, identity_id, _ = make_contact(services, channel="phone1", address="+93799123123")
    _, other_id, _ = make_contact(services, channel="phone1", address="+93799123124")
    queue(services, identity_id, [f"bulk {n}" for n in range(4)])
    queue(services, other_id, ["other 0"])
    queue(services, identity_id, ["a reply waits for its channel"],
          priority=Priority.CONVERSATION)
    down.fail_for(3600, Fault(status=503, body="Sending failed"))  # the link is down
    for _ in range(2):
        services.dispatcher.run_once(["phone1"])
        due_now(services)
    assert routing.route(services) == 5
    assert table.get(services.database, "phone1").state == ChannelState.DOWN
    for _ in range(6):
        services.dispatcher.run_once()
    assert [t for t in spare.texts() if t.startswith("bulk")] == [f"bulk {n}" for n in range(4)]
    assert sorted(spare.texts()) == ["bulk 0", "bulk 1", "bulk 2", "bulk 3", "other 0"]
    with services.database.read() as db:
        reply = db.scalars(select(Message).where(Message.priority == Priority.CONVERSATION,
                                                 Message.direction == Direction.OUT)).one()
        assert (reply.channel, reply.status) == ("phone1", Status.QUEUED)
    # The phone is back: the reply goes, and the channel is up again.
    down.outage = None
    due_now(services)
    services.dispatcher.run_once(["phone1"])
    assert down.texts()[-1:] == ["a reply waits for its channel"]
    routing.route(services)
    assert table.get(services.database, "phone1").state == ChannelState.UP


def test_a_channel_that_worked_before_stays_down_while_its_link_is(services, links):
    down, spare = links
    add(services, "phone1", down, prefixes=("af:roshan",))
    add(services, "phone2", spare)
    _, identity_id, _ = make_contact(services, channel="phone1", address="+93799123125")
    queue(services, identity_id, ["sent while the link was up"])
    services.dispatcher.run_once(["phone1"])
    assert down.texts() == ["sent while the link was up"]
    for n in range(3):  # three people: each one's first message is tried
        _, someone, _ = make_contact(services, channel="phone1", address=f"+9379912314{n}")
        queue(services, someone, [f"bulk {n}"])
    down.fail_for(3600, Fault(status=503, body="Sending failed"))
    for _ in range(2):
        services.dispatcher.run_once(["phone1"])
        due_now(services)
    routing.route(services)
    assert table.get(services.database, "phone1").state == ChannelState.DOWN
    routing.route(services)  # a send from before it went down says nothing of now
    assert table.get(services.database, "phone1").state == ChannelState.DOWN
