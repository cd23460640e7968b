"""Property-based: whatever a provider (or someone pretending to be one) posts to the
webhooks, the answer is never a 500 and no session is left broken. Any Unicode, any
size up to the request limit, any field missing or of the wrong type.

Forged and replayed signatures and wrong secrets: test_twilio_webhook.py and
test_telegram_webhook.py; here, the same refusals for arbitrary bodies."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.store import ConversationSession, Message
from flows.engine import FLOWS
from tests.fakes.fixtures import WEBHOOK_SECRET
from tests.fakes.payloads import sms_form, status_form, tg_callback, tg_member, tg_text
from tests.test_twilio_webhook import SMS, STATUS, post

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=3000)
HUGE_TEXT = st.integers(10_000, 200_000).map(lambda n: "ښ" * n)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=12)
HOSTILE = settings(max_examples=50, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
OK = {200, 400}  # handled, or refused as malformed: never 500


def sessions_valid(services) -> None:
    with services.database.read() as db:
        for session in db.scalars(select(ConversationSession)):
            assert session.flow in FLOWS and isinstance(session.state, dict)


@st.composite
def telegram_updates(draw) -> dict:
    """A real-format update, then mangled: text replaced, fields dropped or retyped."""
    chat = draw(st.integers(1, 2**52))
    update = draw(st.sampled_from([
        lambda: tg_text(chat, draw(ANY_TEXT | HUGE_TEXT)),
        lambda: tg_callback(chat, draw(ANY_TEXT)),
        lambda: tg_member(chat, "member", "kicked"),
    ]))()
    for _ in range(draw(st.integers(0, 3))):
        target = update.get("message") or update.get("callback_query") or update
        if not isinstance(target, dict) or not target:
            break
        key = draw(st.sampled_from(sorted(target)))
        if draw(st.booleans()):
            del target[key]
        else:
            target[key] = draw(JSON_VALUE)
    return update


@HOSTILE
@given(update=telegram_updates())
def test_any_telegram_update_is_never_a_500(channel_client, channel_services, update):
    body = json.dumps(update)

    response = channel_client.post("/webhooks/telegram", data=body,
                                   content_type="application/json",
                                   headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
    assert response.status_code in OK | ({413} if len(body.encode()) > 1 << 20 else set())
    sessions_valid(channel_services)


HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=300)


@HOSTILE
@given(body=JSON_VALUE, secret=HEADER_TEXT)
def test_any_body_with_a_wrong_secret_is_refused(channel_client, channel_services, body,
                                                  secret):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret != WEBHOOK_SECRET else {}
    response = channel_client.post("/webhooks/telegram", json=body, headers=headers)
    assert response.status_code == 403
    with channel_services.database.read() as db:
        assert db.scalar(select(Message.id)) is None


FORM_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=2000)


@st.composite
def sms_forms(draw) -> dict:
    form = sms_form(draw(st.sampled_from(["+93700111222", "+967711223344"]) | FORM_TEXT),
                    draw(FORM_TEXT | st.integers(2000, 20_000).map(lambda n: "م" * n)))
    for key in draw(st.lists(st.sampled_from(sorted(form)), max_size=4)):
        if draw(st.booleans()):
            form.pop(key, None)
        else:
            form[key] = draw(FORM_TEXT)
    return form


@HOSTILE
@given(form=sms_forms())
def test_any_signed_sms_form_is_never_a_500(channel_client, channel_services, form):
    assert post(channel_client, SMS, form).status_code in OK
    sessions_valid(channel_services)


@HOSTILE
@given(form=st.dictionaries(FORM_TEXT, FORM_TEXT, max_size=8))
def test_any_signed_receipt_is_never_a_500(channel_client, form):
    assert post(channel_client, STATUS, form).status_code in OK


@HOSTILE
@given(form=sms_forms(), signature=HEADER_TEXT)
def test_any_form_with_a_forged_signature_is_refused(channel_client, form, signature):
    assert post(channel_client, SMS, form, signature=signature or "x").status_code == 403
    assert post(channel_client, STATUS, status_form("SM1", "delivered"),
                signature=signature or "x").status_code == 403
