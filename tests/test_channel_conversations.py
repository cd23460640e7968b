"""A whole registration over each real channel: webhook -> inbox -> flows -> outbox ->
dispatcher -> the fake provider over HTTP, in Dari and in English."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.contacts.lookup import find_identity
from bot.store import Contact, Direction, Message, Status
from tests.fakes.payloads import sms_form, tg_callback, tg_text, twilio_signature

CHAT = 7_009_001
PHONE = "+93700555001"
NAME = {"en": "Amina", "fa": "زرغونه"}
DISTRICT = {"en": "Dand", "fa": "ده‌سبز"}
LANGUAGE_KEY = {"en": "1", "fa": "2"}


def drain(services) -> None:
    while services.dispatcher.run_once():
        pass


class TelegramPerson:
    def __init__(self, client, services, fake, lang):
        self.client, self.services, self.fake, self.lang = client, services, fake, lang
        self.seen = 0

    def _post(self, update) -> list[dict]:
        response = self.client.post("/webhooks/telegram", json=update, headers={
            "X-Telegram-Bot-Api-Secret-Token": "test-webhook-secret"})
        assert response.status_code == 200
        drain(self.services)
        calls = self.fake.sent()
        new, self.seen = calls[self.seen:], len(calls)
        return new

    def says(self, text: str) -> list[dict]:
        return self._post(tg_text(CHAT, text, language=self.lang))

    def presses(self, key: str) -> list[dict]:
        return self._post(tg_callback(CHAT, key, language=self.lang))


def buttons(call: dict) -> list[str]:
    rows = call.get("reply_markup", {}).get("inline_keyboard", [])
    return [row[0]["callback_data"] for row in rows]


def registered(services, channel, address) -> Contact:
    with services.database.read() as db:
        identity = find_identity(db, channel, address)
        return db.get(Contact, identity.contact_id)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_registration_over_telegram_with_buttons(channel_client, channel_services,
                                                 fake_telegram, lang):
    person = TelegramPerson(channel_client, channel_services, fake_telegram, lang)
    (ask_language,) = person.says("/start")
    assert buttons(ask_language) == ["1", "2", "3", "4", "5"]
    (consent,) = person.presses(LANGUAGE_KEY[lang])
    assert buttons(consent) == ["1", "2"]
    (ask_name,) = person.presses("1")
    (ask_province,) = person.says(NAME[lang])
    assert buttons(ask_province)[-1] == "#"
    (more,) = person.presses("#")
    assert "14" in buttons(more)
    (ask_district,) = person.presses("14")
    assert buttons(ask_district) == []  # free text stays free text
    (ask_role,) = person.says(DISTRICT[lang])
    done = person.presses("2")
    assert NAME[lang] in done[0]["text"] and buttons(done[-1])
    assert all(call["chat_id"] == str(CHAT) for call in fake_telegram.sent())
    contact = registered(channel_services, "telegram", str(CHAT))
    assert (contact.language, contact.name, contact.province, contact.district) == (
        lang, NAME[lang], "kabul", DISTRICT[lang])
    assert fake_telegram.calls("answerCallbackQuery") == []  # answered inside the webhook


class SmsPerson:
    def __init__(self, client, services, fake):
        self.client, self.services, self.fake = client, services, fake
        self.seen = 0

    def says(self, text: str) -> list[str]:
        form = sms_form(PHONE, text)
        response = self.client.post("/webhooks/twilio/sms", data=form, headers={
            "X-Twilio-Signature": twilio_signature("/webhooks/twilio/sms", form)})
        assert response.status_code == 200
        drain(self.services)
        calls = self.fake.sent()
        new, self.seen = calls[self.seen:], len(calls)
        return [call["Body"] for call in new]


DIGITS = {"fa": "۱۲۳۴۵۶۷۸۹", "en": "123456789"}


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_registration_over_sms_with_numbered_menus(channel_client, channel_services, fake_twilio,
                                                   lang):
    digit = DIGITS[lang]
    person = SmsPerson(channel_client, channel_services, fake_twilio)
    (ask_language,) = person.says("سلام" if lang == "fa" else "hello")
    assert ask_language.splitlines()[1:3] == ["1. English", "2. دری"]
    (consent,) = person.says(LANGUAGE_KEY[lang])
    assert f"{digit[0]}. " in consent  # numbered in the reader's own digits
    person.says(digit[0])
    person.says(NAME[lang])
    person.says("#")
    person.says(digit[0] + digit[3])
    person.says(DISTRICT[lang])
    done = person.says(digit[1])
    assert NAME[lang] in done[0]
    contact = registered(channel_services, "sms", PHONE)
    assert (contact.language, contact.province, contact.district) == (
        lang, "kabul", DISTRICT[lang])
    with channel_services.database.read() as db:
        rows = db.scalars(select(Message).where(Message.direction == Direction.OUT)).all()
    assert {row.status for row in rows} == {Status.SENT}
    assert all(row.segments and row.external_id.startswith("SM") for row in rows)
    assert all(call["To"] == PHONE for call in fake_twilio.sent())
