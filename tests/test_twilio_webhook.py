"""POST /webhooks/twilio/sms and /status: real-format forms, signed with Twilio's own
RequestValidator on the public URL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.contacts.lookup import find_identity, identify
from bot.core.clock import now
from bot.outbound.outbox import enqueue
from bot.store import Direction, Message, Status
from tests.fakes.payloads import sms_form, status_form, twilio_signature

SMS = "/webhooks/twilio/sms"
STATUS = "/webhooks/twilio/status"
SENDER = "+93700123456"


def post(client, path, form, signature=None, base_url="http://127.0.0.1"):
    signature = twilio_signature(path, form) if signature is None else signature
    headers = {"X-Twilio-Signature": signature} if signature else {}
    return client.post(path, data=form, headers=headers, base_url=base_url)


def inbound(services) -> list[Message]:
    with services.database.read() as db:
        return list(db.scalars(select(Message).where(Message.direction == Direction.IN)
                               .order_by(Message.id)))


MESSAGES = {
    "English text": (sms_form(SENDER, "hello"), "hello", []),
    "Dari text": (sms_form(SENDER, "سلام، کمک"), "سلام، کمک", []),
    "Pashto text with its own letters": (sms_form(SENDER, "ښه ګډون"), "ښه ګډون", []),
    "empty body": (sms_form(SENDER, ""), "", []),
    "MMS with two pictures": (sms_form(
        SENDER, "look", NumMedia="2",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
        MediaContentType0="image/jpeg",
        MediaUrl1="https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2",
        MediaContentType1="image/png"), "look", ["image/jpeg", "image/png"]),
}


@pytest.mark.parametrize("form,text,media", MESSAGES.values(), ids=MESSAGES.keys())
def test_an_sms_is_recorded_handled_and_answered_with_empty_twiml(
        channel_client, channel_services, form, text, media):
    response = post(channel_client, SMS, form)
    assert response.status_code == 200
    assert response.mimetype == "text/xml" and b"<Response></Response>" in response.data
    (row,) = inbound(channel_services)
    assert (row.channel, row.text, row.status) == ("sms", text, Status.HANDLED)
    assert row.external_id == form["MessageSid"]
    assert [a["content_type"] for a in row.attachments or []] == media


REFUSED = {
    "missing signature": lambda form: "",
    "signature of another body": lambda form: twilio_signature(SMS, {**form, "Body": "x"}),
    "signature made with another token": lambda form: twilio_signature(SMS, form, token="t2"),
    "signature for another path": lambda form: twilio_signature(STATUS, form),
    "garbage signature": lambda form: "bm90IGEgc2lnbmF0dXJl",
}


@pytest.mark.parametrize("signature", REFUSED.values(), ids=REFUSED.keys())
def test_a_bad_signature_is_refused(channel_client, channel_services, signature):
    form = sms_form(SENDER, "hello")
    assert post(channel_client, SMS, form, signature=signature(form)).status_code == 403
    assert inbound(channel_services) == []


def test_the_signature_is_checked_on_the_public_url_not_the_proxied_one(
        channel_client, channel_services):
    """Behind a reverse proxy we are called on an inner address; Twilio signed the
    public one, which MASHWARA_PUBLIC_URL names."""
    response = post(channel_client, SMS, sms_form(SENDER, "hi"), base_url="http://10.0.0.5:8000")
    assert response.status_code == 200


def test_a_replayed_request_is_acknowledged_and_not_handled_again(
        channel_client, channel_services):
    form = sms_form(SENDER, "hello")
    signature = twilio_signature(SMS, form)
    assert post(channel_client, SMS, form, signature).status_code == 200
    assert post(channel_client, SMS, form, signature).status_code == 200
    assert len(inbound(channel_services)) == 1
    with channel_services.database.read() as db:
        replies = db.scalar(select(func.count()).select_from(Message)
                            .where(Message.direction == Direction.OUT))
    assert replies == 1


@pytest.mark.parametrize("field", ["From", "MessageSid"])
def test_a_form_without_sender_or_id_is_a_400(channel_client, field):
    form = {k: v for k, v in sms_form(SENDER, "hi").items() if k not in (field, "SmsSid")}
    assert post(channel_client, SMS, form).status_code == 400


def test_the_store_being_down_is_a_503_so_twilio_retries(down_client):
    assert post(down_client, SMS, sms_form(SENDER, "hello")).status_code == 503


def sent_message(services, sid="SM" + "a" * 32) -> int:
    with services.database.write() as db:
        identity = identify(db, "sms", SENDER, now())
        message_id = enqueue(db, identity, "hello", now=now())
        row = db.get(Message, message_id)
        row.status, row.external_id = Status.SENT, sid
        return message_id


def status_of(services, message_id):
    with services.database.read() as db:
        return db.get(Message, message_id)


ORDERS = {
    "in order": (["sending", "sent", "delivered"], Status.DELIVERED),
    "delivered before sent": (["delivered", "sent"], Status.DELIVERED),
    "read after delivered": (["sent", "delivered", "read"], Status.READ),
    "undelivered is final": (["sent", "undelivered", "delivered"], Status.UNDELIVERED),
    "failed after sent": (["sent", "failed"], Status.FAILED),
    "queued never requeues": (["queued", "accepted"], Status.SENT),
    "unknown status ignored": (["exploded"], Status.SENT),
}


@pytest.mark.parametrize("sequence,final", ORDERS.values(), ids=ORDERS.keys())
def test_receipts_only_move_a_status_forward(channel_client, channel_services, sequence, final):
    message_id = sent_message(channel_services)
    for state in sequence:
        assert post(channel_client, STATUS, status_form("SM" + "a" * 32, state)).status_code == 204
    row = status_of(channel_services, message_id)
    assert row.status == final
    assert (row.delivered_at is not None) is (final in (Status.DELIVERED, Status.READ))


def test_an_opted_out_recipient_is_marked_stopped(channel_client, channel_services):
    message_id = sent_message(channel_services)
    form = status_form("SM" + "a" * 32, "failed", error_code="21610")
    assert post(channel_client, STATUS, form).status_code == 204
    row = status_of(channel_services, message_id)
    assert (row.status, row.error_code) == (Status.FAILED, "21610")
    with channel_services.database.read() as db:
        assert find_identity(db, "sms", SENDER).stopped_at is not None


def test_a_receipt_for_an_unknown_message_is_acknowledged(channel_client):
    assert post(channel_client, STATUS, status_form("SM" + "f" * 32, "delivered")).status_code \
        == 204


def test_a_receipt_with_a_bad_signature_is_refused(channel_client, channel_services):
    message_id = sent_message(channel_services)
    response = post(channel_client, STATUS, status_form("SM" + "a" * 32, "delivered"),
                    signature="AAAA")
    assert response.status_code == 403
    assert status_of(channel_services, message_id).status == Status.SENT


def test_a_store_failure_while_processing_is_a_503_and_keeps_nothing_half_done(
        channel_client, channel_services, monkeypatch):
    """Recording and processing are one transaction: if the store fails on the way, the
    provider is told to retry, and the retry is handled once."""
    from sqlalchemy.exc import OperationalError

    def down(*_args):
        raise OperationalError("UPDATE", {}, Exception("connection lost"))

    monkeypatch.setattr(channel_services.inbox.engine, "handle", down)
    monkeypatch.setattr(channel_services.inbox, "_apologise", down)
    form = sms_form(SENDER, "hello")
    assert post(channel_client, SMS, form).status_code == 503
    assert inbound(channel_services) == []
    monkeypatch.undo()
    assert post(channel_client, SMS, form).status_code == 200
    (row,) = inbound(channel_services)
    assert row.status == Status.HANDLED
