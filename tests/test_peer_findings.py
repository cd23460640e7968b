"""What the peer gateways' captured payloads found: replayed in our providers' formats.

Each case is a payload as the provider sends it (courier's captured examples, made to our
fixtures' numbers), and what Mashwara must do with it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.contacts.lookup import find_identity, identify
from bot.core.clock import now
from bot.store import Direction, Message
from tests.fakes.fixtures import WEBHOOK_SECRET
from tests.fakes.payloads import sms_form, status_form, tg_message, tg_update, twilio_signature

SMS, STATUS = "/webhooks/twilio/sms", "/webhooks/twilio/status"
STRANGER = "+93700000001"  # the `To` of status_form


def post_twilio(client, path, form):
    return client.post(path, data=form, base_url="http://127.0.0.1",
                       headers={"X-Twilio-Signature": twilio_signature(path, form)})


def messages(services, direction):
    with services.database.read() as db:
        return list(db.scalars(select(Message).where(Message.direction == direction)))


# -- Twilio: an opt-out for a message we never sent (or no longer know) ----------------

OPT_OUTS = {
    "undelivered 21610, unknown sid": status_form("SM" + "9" * 32, "undelivered", "21610"),
    "failed 21610, unknown sid": status_form("SM" + "8" * 32, "failed", "21610"),
}


@pytest.mark.parametrize("form", OPT_OUTS.values(), ids=OPT_OUTS.keys())
@pytest.mark.parametrize("known", [True, False], ids=["known number", "new number"])
def test_an_opt_out_for_an_unknown_message_stops_the_to_number(
        channel_client, channel_services, form, known):
    if known:
        with channel_services.database.write() as db:
            identify(db, "sms", STRANGER, now())
    assert post_twilio(channel_client, STATUS, form).status_code == 204
    with channel_services.database.read() as db:
        assert find_identity(db, "sms", STRANGER).stopped_at is not None


def test_another_error_for_an_unknown_message_stops_nobody(channel_client, channel_services):
    form = status_form("SM" + "7" * 32, "undelivered", "30003")
    assert post_twilio(channel_client, STATUS, form).status_code == 204
    with channel_services.database.read() as db:
        assert find_identity(db, "sms", STRANGER) is None


# -- Twilio: WhatsApp (and other non-SMS) senders on the SMS webhook -------------------

NOT_SMS = {
    "whatsapp text": sms_form("whatsapp:+93700999111", "salam, this is private"),
    "whatsapp with a picture": sms_form(
        "whatsapp:+93700999112", "look", NumMedia="1", MediaContentType0="image/jpeg",
        MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"),
    "messenger": sms_form("messenger:1234567890", "hello"),
}


@pytest.mark.parametrize("form", NOT_SMS.values(), ids=NOT_SMS.keys())
def test_a_whatsapp_message_is_acknowledged_logged_and_never_answered(
        channel_client, channel_services, form, caplog):
    with caplog.at_level(logging.INFO, logger="webhooks.twilio"):
        response = post_twilio(channel_client, SMS, form)
    assert response.status_code == 200 and b"<Response></Response>" in response.data
    assert messages(channel_services, Direction.OUT) == []
    assert messages(channel_services, Direction.IN) == []
    logged = caplog.text
    assert form["MessageSid"] in logged and "not answered" in logged
    assert form["Body"] not in logged and form["From"].split(":")[1] not in logged


# -- Telegram: nested objects without a field today's Telegram always sends -------------

CHAT = 7_009_001


def without(update: dict, *path: str) -> dict:
    target = update
    for key in path[:-1]:
        target = target[key] if not key.isdigit() else target[int(key)]
    del target[path[-1]]
    return update


def with_photo(caption: str) -> dict:
    sizes = [{"file_id": "AgACAgIAAxk1", "width": 90, "height": 90},
             {"file_id": "AgACAgIAAxk2", "width": 800, "height": 800}]
    return tg_update(message=tg_message(CHAT, None, photo=sizes, caption=caption))


def forwarded(text: str) -> dict:
    return tg_update(message=tg_message(
        CHAT, text, forward_from={"id": 99, "first_name": "Zahra"}, forward_date=1700000000))


# case -> (update, the text that must arrive, the field the log must name)
INCOMPLETE = {
    "from without is_bot": (
        lambda: without(tg_update(message=tg_message(CHAT, "hello")), "message", "from",
                        "is_bot"), "hello", "message.from.is_bot"),
    "from without first_name": (
        lambda: without(tg_update(message=tg_message(CHAT, "salam")), "message", "from",
                        "first_name"), "salam", "message.from.first_name"),
    "photo sizes without file_unique_id": (
        lambda: with_photo("the burnt school"), "the burnt school",
        "message.photo.file_unique_id"),
    "forwarded from a user without is_bot": (
        lambda: forwarded("passing this on"), "passing this on",
        "message.forward_from.is_bot"),
}


@pytest.mark.parametrize("make,text,field", INCOMPLETE.values(), ids=INCOMPLETE.keys())
def test_an_update_missing_an_always_sent_field_still_gets_its_text_processed(
        channel_client, channel_services, make, text, field, caplog):
    update = make()
    with caplog.at_level(logging.INFO, logger="webhooks.telegram"):
        response = channel_client.post("/webhooks/telegram", json=update, headers={
            "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
    assert response.status_code == 200
    (row,) = messages(channel_services, Direction.IN)
    assert row.text == text
    assert len(messages(channel_services, Direction.OUT)) >= 1  # answered
    assert field in caplog.text
    assert text not in caplog.text


def test_an_update_that_cannot_be_repaired_says_which_field_in_the_log(
        channel_client, channel_services, caplog):
    update = without(tg_update(message=tg_message(CHAT, "hello")), "message", "chat", "type")
    with caplog.at_level(logging.INFO, logger="webhooks.telegram"):
        response = channel_client.post("/webhooks/telegram", json=update, headers={
            "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
    assert response.status_code == 200
    assert "lacks 'type'" in caplog.text
    assert "hello" not in caplog.text
