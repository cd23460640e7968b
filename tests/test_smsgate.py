"""SMS Gateway for Android: the sender against a Prism mock of the published spec
(tests/specs/smsgate_api_v1.swagger.json), the signed webhooks in the documented format
(good, bad and replayed signatures, duplicates), the phone offline then back, and the
webhooks registered by `mashwara channels add`."""

from __future__ import annotations

import asyncio
import json
import time
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.channels import table
from bot.channels.base import OutboundMessage
from bot.channels.smsgate.sender import SmsGateSender, register_webhooks
from bot.cli.main import main
from bot.core.clock import now
from bot.outbound.outbox import enqueue
from bot.store import Direction, Identity, Message, Status
from bot.text.render import Choice
from tests.builders import make_contact, running, web_app
from tests.fakes.prism import recorded_mock
from tests.fakes.server import FakeServer
from webhooks.smsgate import signature

PUBLIC = "https://bot.example.org"
PHONE = "+93799444555"


@pytest.fixture
def public_services(settings):
    with running(settings.with_overrides(public_url=PUBLIC)) as built:
        yield built


def add(services, url="http://127.0.0.1:9/3rdparty/v1", name="phone1", **options):
    return table.add(services.database, "smsgate", name, url, username="ABCDEF",
                     password="app-password", at=now(), **options)


# -- the outbound contract ----------------------------------------------------------

@pytest.fixture(scope="module")
def smsgate_mock():
    with recorded_mock("smsgate_api_v1.swagger.json") as proxy:
        yield proxy


def config_for(url: str) -> table.ChannelConfig:
    return table.ChannelConfig(kind="smsgate", name="phone1", url=url + "/3rdparty/v1",
                               username="ABCDEF", password="app-password", secret="s" * 32,
                               signing_key="k" * 32, sender=None, rate=1.0, prefixes=(),
                               enabled=True, state="up")


SENDS = {
    "English": ("Your report R-7K3Q was received.", ()),
    "Dari with numbered choices": ("آیا در جلسه شرکت می‌کنید؟",
                                   (Choice("1", "بلی"), Choice("2", "نخیر"))),
    "long, split by the phone": ("word " * 200, ()),
}


@pytest.mark.parametrize("text,choices", SENDS.values(), ids=SENDS.keys())
def test_outbound_sms_matches_the_gateways_spec(smsgate_mock, text, choices):
    sender = SmsGateSender(config_for(smsgate_mock.url), PUBLIC)
    message = OutboundMessage(id=41, channel="phone1", address=PHONE, text=text,
                              choices=choices, language="fa")
    before = len(smsgate_mock.answers)
    result = asyncio.run(sender.send(message))
    (answer,) = smsgate_mock.answers[before:]
    assert answer.request_violations() == []
    assert (answer.status, answer.path) == (202, "/3rdparty/v1/messages")
    assert (result.verdict, result.external_id) == ("sent", "mw-41")


def test_webhook_registration_matches_the_gateways_spec(smsgate_mock):
    before = len(smsgate_mock.answers)
    assert register_webhooks(config_for(smsgate_mock.url), PUBLIC) == 4
    answers = smsgate_mock.answers[before:]
    assert [a.status for a in answers] == [201] * 4
    assert all(a.request_violations() == [] for a in answers)


# -- the signed webhooks ----------------------------------------------------------------

def event(kind: str, payload: dict, event_id: str = "Ey6ECgOkVVFjz3CL48B8C") -> dict:
    return {"deviceId": "ffffffffceb0b1db0000018e937c815b", "event": kind, "id": event_id,
            "payload": payload, "webhookId": "mashwara-phone1-received"}


def received(text: str, event_id: str = "Ey6ECgOkVVFjz3CL48B8C", number="93799444555"):
    return event("sms:received", {"messageId": "abc123", "message": text,
                                  "phoneNumber": number, "simNumber": 1,
                                  "receivedAt": "2024-06-22T15:46:11.000+07:00"}, event_id)


def post(client, config, body: dict | bytes, *, key=None, timestamp=None, sign=None,
         seconds_off: int = 0):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    # Taken when the request is made: a suite runs for minutes after collection.
    timestamp = str(int(time.time()) + seconds_off) if timestamp is None else timestamp
    given = sign if sign is not None else signature(key or config.signing_key, raw, timestamp)
    return client.post(f"/webhooks/smsgate/{config.name}/{config.secret}/events", data=raw,
                       content_type="application/json",
                       headers={"X-Signature": given, "X-Timestamp": timestamp})


@pytest.fixture
def gate(public_services):
    return public_services, add(public_services), web_app(public_services).test_client()


def inbound(services):
    with services.database.read() as db:
        return list(db.scalars(select(Message).where(Message.direction == Direction.IN)
                               .order_by(Message.id)))


@pytest.mark.parametrize("text", ["hello", "سلام، کمک", "ښه ګډون"])
def test_a_signed_sms_is_received_and_answered(gate, text):
    services, config, client = gate
    assert post(client, config, received(text)).status_code == 204
    (row,) = inbound(services)
    assert (row.channel, row.text) == ("phone1", text)
    with services.database.read() as db:
        assert db.get(Identity, row.identity_id).address == "+93799444555"
        replies = db.scalars(select(Message).where(Message.direction == Direction.OUT)).all()
    assert replies and all(r.channel == "phone1" for r in replies)


REFUSED = {
    "no signature": dict(sign=""),
    "signed with another key": dict(key="another-key"),
    "signature of another body": dict(sign=signature("k", b"{}", "1")),
    "timestamp not a number": dict(timestamp="yesterday"),
    "replayed after ten minutes": dict(seconds_off=-600),
    "from the future": dict(seconds_off=600),
}


@pytest.mark.parametrize("options", REFUSED.values(), ids=REFUSED.keys())
def test_a_bad_or_stale_signature_is_a_403(gate, options):
    services, config, client = gate
    assert post(client, config, received("hello"), **options).status_code == 403
    assert inbound(services) == []


def test_a_stale_timestamp_re_signed_by_an_attacker_without_the_key_is_refused(gate):
    services, config, client = gate
    body = json.dumps(received("hello")).encode()
    old = str(int(time.time()) - 600)
    good_then = signature(config.signing_key, body, old)
    response = post(client, config, body, timestamp=str(int(time.time())), sign=good_then)
    assert response.status_code == 403


def test_the_wrong_secret_in_the_url_is_a_403(gate):
    services, config, client = gate
    body = json.dumps(received("hello")).encode()
    ts = str(int(time.time()))
    response = client.post(f"/webhooks/smsgate/{config.name}/{'x' * 32}/events", data=body,
                           headers={"X-Signature": signature(config.signing_key, body, ts),
                                    "X-Timestamp": ts})
    assert response.status_code == 403


def test_an_event_delivered_again_is_handled_once_but_the_same_words_twice_are_two(gate):
    """messageId is made from the content: the same words twice share it. The event id is
    what a retry repeats."""
    services, config, client = gate
    assert post(client, config, received("yes", event_id="event-1")).status_code == 204
    assert post(client, config, received("yes", event_id="event-1")).status_code == 204
    assert len(inbound(services)) == 1
    assert post(client, config, received("yes", event_id="event-2")).status_code == 204
    assert [r.text for r in inbound(services)] == ["yes", "yes"]


MALFORMED = {
    "not JSON": b"{not json",
    "no payload": json.dumps({"event": "sms:received", "id": "x"}).encode(),
    "no sender": json.dumps(event("sms:received", {"message": "hi"})).encode(),
    "a number where text belongs": json.dumps(event("sms:received", {
        "message": 5, "phoneNumber": "93799444555"})).encode(),
    "receipt without a message id": json.dumps(event("sms:delivered", {})).encode(),
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_signed_body_is_a_400(gate, body):
    services, config, client = gate
    assert post(client, config, body).status_code == 400


STATES = {
    "sent then delivered": (["sms:sent", "sms:delivered"], Status.DELIVERED),
    "delivered before sent": (["sms:delivered", "sms:sent"], Status.DELIVERED),
    "failed": (["sms:failed"], Status.FAILED),
}


@pytest.mark.parametrize("kinds,final", STATES.values(), ids=STATES.keys())
def test_delivery_events_move_the_message_forward(gate, kinds, final):
    services, config, client = gate
    _, identity_id, _ = make_contact(services, channel="phone1", address=PHONE)
    with services.database.write() as db:
        message_id = enqueue(db, db.get(Identity, identity_id), "hello", now=now())
        row = db.get(Message, message_id)
        row.status, row.external_id = Status.SENT, f"mw-{message_id}"
    for n, kind in enumerate(kinds):
        body = event(kind, {"messageId": f"mw-{message_id}", "phoneNumber": PHONE,
                            "simNumber": 1, "deliveredAt": "2024-06-22T15:46:11.000+07:00",
                            "reason": "RESULT_ERROR_GENERIC_FAILURE"}, event_id=f"d{n}")
        assert post(client, config, body).status_code == 204
    with services.database.read() as db:
        assert db.get(Message, message_id).status == final


# -- the phone offline, then back ------------------------------------------------------

class FakeGateway(FakeServer):
    def answer(self, request):
        return 202, {"id": request.params.get("id"), "deviceId": "PyDmBQZZXYmyxMwED8Fzy",
                     "state": "Pending", "recipients": [{"phoneNumber": PHONE,
                                                         "state": "Pending"}]}


@pytest.fixture
def gateway():
    server = FakeGateway().start()
    yield server
    server.stop()


def test_the_phone_offline_then_back_loses_nothing_and_keeps_the_order(public_services,
                                                                     gateway):
    add(public_services, url=f"{gateway.url}/3rdparty/v1", rate=50.0)
    _, identity_id, _ = make_contact(public_services, channel="phone1", address=PHONE)
    with public_services.database.write() as db:
        for n in range(4):
            enqueue(db, db.get(Identity, identity_id), f"notice {n}", now=now())
    gateway.fail(status=503, body={"message": "Queue limits exceeded; ensure device is online"})
    gateway.fail(drop=True)
    dispatcher = public_services.dispatcher
    for _ in range(2):
        dispatcher.run_once(["phone1"])
        with public_services.database.write() as db:  # retries due now, not in seconds
            for row in db.scalars(select(Message).where(Message.status == Status.QUEUED)):
                row.next_attempt_at = now()
    for _ in range(4):
        dispatcher.run_once(["phone1"])
    texts = [r.params["textMessage"]["text"] for r in gateway.requests]
    assert texts == ["notice 0", "notice 1", "notice 2", "notice 3"]
    with public_services.database.read() as db:
        statuses = db.scalars(select(Message.status).where(
            Message.direction == Direction.OUT)).all()
    assert statuses == [Status.SENT] * 4


# -- registration by `mashwara channels add` -------------------------------------------

def test_channels_add_registers_the_webhooks_with_the_gateway(settings, public_services,
                                                              gateway):
    env = {"MASHWARA_DATABASE_URL": settings.database_url,
           "MASHWARA_ENCRYPTION_KEY": settings.encryption_keys[0],
           "MASHWARA_INSTANCE_DIR": str(settings.instance_dir), "MASHWARA_PUBLIC_URL": PUBLIC}
    result = CliRunner().invoke(main, [
        "channels", "add", "smsgate", "phone1", "--url", f"{gateway.url}/3rdparty/v1",
        "--username", "ABCDEF", "--password", "app-password"], env=env)
    assert result.exit_code == 0, result.output
    config = table.get(public_services.database, "phone1")
    assert f"Signing Key: {config.signing_key}" in result.output
    hooks = [r for r in gateway.requests if urlsplit(r.path).path == "/3rdparty/v1/webhooks"]
    assert sorted(h.params["event"] for h in hooks) == [
        "sms:delivered", "sms:failed", "sms:received", "sms:sent"]
    events_url = f"{PUBLIC}/webhooks/smsgate/phone1/{config.secret}/events"
    assert {h.params["url"] for h in hooks} == {events_url}
    assert all(h.headers.get("Authorization", "").startswith("Basic ") for h in hooks)
