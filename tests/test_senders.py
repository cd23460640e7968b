"""The senders against the fake providers over real HTTP: what reaches the API, and
the verdict for each answer."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.base import OutboundMessage, Verdict
from bot.channels.split import split
from bot.channels.telegram.sender import TelegramSender
from bot.channels.twilio.sender import TwilioSender
from bot.text.render import Choice
from tests.fakes.fixtures import PUBLIC_URL, TWILIO_NUMBER
from tests.fakes.twilio import OPTED_OUT

CHAT = "7001234"
PHONE = "+93700123456"


def send(sender, message):
    async def go():
        try:
            return await sender.send(message)
        finally:
            await sender.aclose()

    return asyncio.run(go())


def outbound(address, text="hello", choices=(), language="en"):
    return OutboundMessage(id=1, channel="x", address=address, text=text,
                           choices=tuple(choices), language=language)


def test_choices_become_inline_buttons(channel_settings, fake_telegram):
    choices = [Choice("1", "دری"), Choice("2", "پښتو")]
    result = send(TelegramSender(channel_settings), outbound(CHAT, "زبان؟", choices))
    assert result.verdict is Verdict.SENT
    (call,) = fake_telegram.sent()
    assert call["chat_id"] == CHAT and call["text"] == "زبان؟"
    assert call["reply_markup"] == {"inline_keyboard": [
        [{"text": "دری", "callback_data": "1"}], [{"text": "پښتو", "callback_data": "2"}]]}


def test_a_long_text_goes_in_parts_split_between_words_buttons_on_the_last(
        channel_settings, fake_telegram):
    text = " ".join(["کلمه"] * 2500)  # 12,499 characters
    send(TelegramSender(channel_settings), outbound(CHAT, text, [Choice("1", "OK")]))
    calls = fake_telegram.sent()
    assert len(calls) == 4
    assert all(len(c["text"]) <= 4096 for c in calls)
    assert " ".join(c["text"] for c in calls) == text
    assert [("reply_markup" in c) for c in calls] == [False, False, False, True]


SPLITS = {
    "short": ("hello", 10, ["hello"]),
    "at a space": ("aaa bbb ccc", 7, ["aaa bbb", "ccc"]),
    "at a newline": ("aa\nbb cc", 4, ["aa", "bb", "cc"]),
    "a word longer than the limit": ("abcdefghij", 4, ["abcd", "efgh", "ij"]),
    "emoji count as two units": ("🙂🙂🙂", 4, ["🙂🙂", "🙂"]),
    "empty": ("", 10, []),
}


@pytest.mark.parametrize("text,limit,parts", SPLITS.values(), ids=SPLITS.keys())
def test_split(text, limit, parts):
    assert [p.replace("\n", " ") for p in split(text, limit)] == parts


def tg_error(status, description, **parameters):
    body = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return {"status": status, "body": body}


TELEGRAM_VERDICTS = {
    "flood control": (tg_error(429, "Too Many Requests: retry after 7", retry_after=7),
                      Verdict.RETRY, "429", 7),
    "server error": (tg_error(500, "Internal Server Error"), Verdict.RETRY, "5xx", None),
    "bad gateway": (tg_error(502, "Bad Gateway"), Verdict.RETRY, "5xx", None),
    "connection dropped": ({"drop": True}, Verdict.RETRY, "5xx", None),
    "blocked by the user": (tg_error(403, "Forbidden: bot was blocked by the user"),
                            Verdict.STOPPED, "403", None),
    "user deactivated": (tg_error(403, "Forbidden: user is deactivated"), Verdict.STOPPED,
                         "403", None),
    "chat not found": (tg_error(400, "Bad Request: chat not found"), Verdict.FAILED, "400",
                       None),
    "token revoked": (tg_error(401, "Unauthorized"), Verdict.RETRY, "401", None),
}


@pytest.mark.parametrize("fault,verdict,code,retry_after", TELEGRAM_VERDICTS.values(),
                         ids=TELEGRAM_VERDICTS.keys())
def test_telegram_answers_become_verdicts(channel_settings, fake_telegram, fault, verdict, code,
                                          retry_after):
    fake_telegram.fail(**fault)
    result = send(TelegramSender(channel_settings), outbound(CHAT))
    assert (result.verdict, result.error_code, result.retry_after) == (verdict, code, retry_after)


def test_a_telegram_timeout_is_a_retry(channel_settings, fake_telegram):
    fake_telegram.fail(delay=1.0, status=200, body={"ok": True, "result": {}})
    sender = TelegramSender(channel_settings, timeout=0.3)
    result = send(sender, outbound(CHAT))
    assert (result.verdict, result.error_code) == (Verdict.RETRY, "timeout")


def test_sms_renders_numbered_choices_and_counts_segments(channel_settings, fake_twilio):
    message = outbound(PHONE, "زبان خود را انتخاب کنید", [Choice("1", "دری"), Choice("2", "پښتو")],
                       language="fa")
    result = send(TwilioSender(channel_settings), message)
    (call,) = fake_twilio.sent()
    assert call["Body"] == "زبان خود را انتخاب کنید\n۱. دری\n۲. پښتو"
    assert call["To"] == PHONE and call["From"] == TWILIO_NUMBER
    assert call["StatusCallback"] == PUBLIC_URL + "/webhooks/twilio/status"
    assert result.verdict is Verdict.SENT and result.external_id.startswith("SM")
    assert result.segments == 1


def test_sms_from_a_messaging_service(channel_settings, fake_twilio):
    service = "MG" + "1" * 32
    send(TwilioSender(channel_settings.with_overrides(twilio_from=service, public_url="")),
         outbound(PHONE))
    (call,) = fake_twilio.sent()
    assert call["MessagingServiceSid"] == service and "From" not in call
    assert "StatusCallback" not in call


def test_a_long_dari_sms_is_counted_in_ucs2_segments(channel_settings, fake_twilio):
    result = send(TwilioSender(channel_settings), outbound(PHONE, "س" * 140))
    assert result.segments == 3  # 140 UCS-2 characters: 67 + 67 + 6


def tw_error(status, code, message):
    return {"status": status, "body": {"code": code, "message": message, "status": status,
                                       "more_info": f"https://www.twilio.com/docs/errors/{code}"}}


TWILIO_VERDICTS = {
    "too many requests": (tw_error(429, 20429, "Too Many Requests"), Verdict.RETRY, "20429"),
    "server error": (tw_error(500, 20500, "Internal Server Error"), Verdict.RETRY, "20500"),
    "service unavailable": (tw_error(503, 20503, "Service Unavailable"), Verdict.RETRY, "20503"),
    "connection dropped": ({"drop": True}, Verdict.RETRY, "network"),
    "opted out": ({"status": 400, "body": OPTED_OUT}, Verdict.STOPPED, "21610"),
    "invalid number": (tw_error(400, 21211, "Invalid 'To' Phone Number"), Verdict.FAILED,
                       "21211"),
    "unreachable country": (tw_error(400, 21408, "Permission to send an SMS has not been"
                                                  " enabled"), Verdict.FAILED, "21408"),
}


@pytest.mark.parametrize("fault,verdict,code", TWILIO_VERDICTS.values(),
                         ids=TWILIO_VERDICTS.keys())
def test_twilio_answers_become_verdicts(channel_settings, fake_twilio, fault, verdict, code):
    fake_twilio.fail(**fault)
    result = send(TwilioSender(channel_settings), outbound(PHONE))
    assert (result.verdict, result.error_code) == (verdict, code)


def test_a_twilio_timeout_is_a_retry(channel_settings, fake_twilio):
    fake_twilio.fail(delay=1.0, status=201, body={})
    result = send(TwilioSender(channel_settings, timeout=0.3), outbound(PHONE))
    assert (result.verdict, result.error_code) == (Verdict.RETRY, "network")


def test_a_choice_key_over_64_bytes_fails_without_a_call(channel_settings, fake_telegram):
    result = send(TelegramSender(channel_settings), outbound(CHAT, "?", [Choice("ب" * 40, "x")]))
    assert (result.verdict, result.error_code) == (Verdict.FAILED, "callback_data")
    assert fake_telegram.sent() == []


def test_sending_logs_no_token_number_or_text_even_verbose(channel_settings, fake_telegram,
                                                           fake_twilio, caplog):
    caplog.set_level("DEBUG")  # `mashwara -v`
    send(TelegramSender(channel_settings), outbound(CHAT, "secret words"))
    send(TwilioSender(channel_settings), outbound(PHONE, "secret words"))
    logged = caplog.text
    assert channel_settings.telegram_bot_token not in logged
    assert PHONE not in logged and CHAT not in logged and "secret words" not in logged
