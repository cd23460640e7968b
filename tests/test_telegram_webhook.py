"""POST /webhooks/telegram: a table of real-format updates, one case per edge."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.contacts.lookup import find_identity
from bot.store import Direction, Identity, Message, Status
from tests.fakes.fixtures import WEBHOOK_SECRET
from tests.fakes.payloads import (
    tg_callback,
    tg_member,
    tg_message,
    tg_text,
    tg_update,
)

CHAT = 7_001_234


def post(client, update, secret=WEBHOOK_SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post("/webhooks/telegram", json=update, headers=headers)


def inbound(services) -> list[Message]:
    with services.database.read() as db:
        return list(db.scalars(select(Message).where(Message.direction == Direction.IN)
                               .order_by(Message.id)))


def replies(services) -> int:
    with services.database.read() as db:
        return db.scalar(select(func.count()).select_from(Message)
                         .where(Message.direction == Direction.OUT))


def photo():
    sizes = [{"file_id": f"AgACAgIAAxk{n}", "file_unique_id": f"AQAD{n}", "width": w,
              "height": w, "file_size": w * 40} for n, w in ((1, 90), (2, 320), (3, 800))]
    return tg_update(message=tg_message(CHAT, None, photo=sizes, caption="the burnt school"))


# case -> (update, text kept, attachment types, answered?)
MESSAGES = {
    "plain text": (lambda: tg_text(CHAT, "hello"), "hello", [], True),
    "Dari text": (lambda: tg_text(CHAT, "سلام", language="fa"), "سلام", [], True),
    "/start command": (lambda: tg_text(CHAT, "/start"), "/start", [], True),
    "/start with a deep-link payload": (lambda: tg_text(CHAT, "/start campaign7"), "/start",
                                        [], True),
    "command addressed to the bot by name": (lambda: tg_text(CHAT, "/help@mashwara_bot"),
                                             "/help", [], True),
    # The report and feedback flows keep none of their inputs in the log, the command
    # included; test_commands_reach_their_flows checks where these lead.
    "/report maps to the REPORT keyword": (lambda: tg_text(CHAT, "/report"), None, [], True),
    "/feedback maps to the FEEDBACK keyword": (lambda: tg_text(CHAT, "/feedback"), None,
                                               [], True),
    "/meetings maps to the MEETINGS keyword": (lambda: tg_text(CHAT, "/meetings"), "meetings",
                                               [], True),
    "other command loses its slash": (lambda: tg_text(CHAT, "/lang"), "lang", [], True),
    "photo with caption": (photo, "the burnt school", ["photo"], True),
    "voice note": (lambda: tg_update(message=tg_message(CHAT, None, voice={
        "file_id": "AwACAgIAAxkBAAI", "file_unique_id": "AgADXw", "duration": 4,
        "mime_type": "audio/ogg"})), "", ["voice"], True),
    "document": (lambda: tg_update(message=tg_message(CHAT, None, document={
        "file_id": "BQACAgIAAxkBAAI", "file_unique_id": "AgADYA", "file_name": "letter.pdf",
        "mime_type": "application/pdf"})), "", ["document"], True),
    "location": (lambda: tg_update(message=tg_message(CHAT, None, location={
        "latitude": 34.5281, "longitude": 69.1723})), "", ["location"], True),
    "edited message is kept, not answered": (lambda: tg_update(edited_message=tg_message(
        CHAT, "hello again", edit_date=1_763_000_000)), "hello again", ["edit"], False),
}


@pytest.mark.parametrize("case", MESSAGES.values(), ids=MESSAGES.keys())
def test_a_private_message_is_recorded_and_handled(channel_client, channel_services, case):
    update, text, kinds, answered = case
    response = post(channel_client, update())
    assert response.status_code == 200
    (row,) = inbound(channel_services)
    assert row.channel == "telegram" and row.text == text
    assert [a["type"] for a in row.attachments or []] == kinds
    assert row.status == Status.HANDLED
    assert (replies(channel_services) > 0) is answered


@pytest.mark.parametrize(("command", "flow"), [("/report", "report"),
                                               ("/feedback", "feedback")])
def test_commands_reach_their_flows(channel_client, channel_services, command, flow):
    from bot.store import ConversationSession
    from tests.builders import make_contact

    make_contact(channel_services, channel="telegram", address=str(CHAT))
    assert post(channel_client, tg_text(CHAT, command)).status_code == 200
    with channel_services.database.read() as db:
        assert db.scalars(select(ConversationSession.flow)).one() == flow


def test_a_photo_is_kept_as_its_largest_size_file_id_not_downloaded(
        channel_client, channel_services, fake_telegram):
    post(channel_client, photo())
    (row,) = inbound(channel_services)
    assert row.attachments[0]["file_id"] == "AgACAgIAAxk3"
    assert not fake_telegram.calls("getFile")


IGNORED = {
    "group message": lambda: tg_text(-100_200, "hello all", kind="group"),
    "supergroup message": lambda: tg_text(-100_300, "/start", kind="supergroup"),
    "channel post": lambda: tg_update(channel_post={
        "message_id": 5, "chat": {"id": -100_400, "type": "channel", "title": "News"},
        "date": 1_763_000_000, "text": "news"}),
    "poll (a shape we do not use)": lambda: tg_update(poll={
        "id": "5", "question": "?", "options": [], "total_voter_count": 0, "is_closed": False,
        "is_anonymous": True, "type": "regular", "allows_multiple_answers": False}),
    "sticker-free empty message": lambda: tg_update(message=tg_message(CHAT, None)),
    "update with nothing else": lambda: tg_update(),
    "membership change in a group": lambda: tg_update(my_chat_member={
        "chat": {"id": -100_500, "type": "group", "title": "G"}, "from": {"id": 1,
        "is_bot": False, "first_name": "A"}, "date": 1_763_000_000,
        "old_chat_member": {"user": {"id": 42, "is_bot": True, "first_name": "M"},
                            "status": "left"},
        "new_chat_member": {"user": {"id": 42, "is_bot": True, "first_name": "M"},
                            "status": "member"}}),
    "message field of the wrong type": lambda: tg_update(message="not an object"),
}


@pytest.mark.parametrize("update", IGNORED.values(), ids=IGNORED.keys())
def test_other_updates_get_200_and_are_left_alone(channel_client, channel_services, update):
    response = post(channel_client, update())
    assert response.status_code == 200
    assert inbound(channel_services) == [] and replies(channel_services) == 0


REFUSED = {
    "wrong secret": ({"update_id": 1}, "nope", 403),
    "missing secret": ({"update_id": 1}, None, 403),
    "secret of another length": ({"update_id": 1}, WEBHOOK_SECRET + "x", 403),
    "not JSON": ("update_id=1", WEBHOOK_SECRET, 400),
    "JSON list": ([1, 2], WEBHOOK_SECRET, 400),
    "no update_id": ({"message": {}}, WEBHOOK_SECRET, 400),
}


@pytest.mark.parametrize("body,secret,status", REFUSED.values(), ids=REFUSED.keys())
def test_bad_requests_are_refused(channel_client, channel_services, body, secret, status):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    if isinstance(body, str):
        response = channel_client.post("/webhooks/telegram", data=body, headers=headers,
                                       content_type="application/x-www-form-urlencoded")
    else:
        response = channel_client.post("/webhooks/telegram", json=body, headers=headers)
    assert response.status_code == status
    assert inbound(channel_services) == []


def test_no_configured_secret_refuses_every_update(channel_services, channel_settings):
    from bot.app import create_app

    services = type(channel_services)(channel_settings.with_overrides(telegram_webhook_secret=""))
    client = create_app(services=services).test_client()
    assert post(client, tg_text(CHAT, "hi"), secret="").status_code == 403
    services.database.dispose()


def test_a_redelivered_update_is_acknowledged_and_not_handled_again(
        channel_client, channel_services):
    update = tg_text(CHAT, "hello")
    assert post(channel_client, update).status_code == 200
    first = replies(channel_services)
    assert post(channel_client, update).status_code == 200
    assert len(inbound(channel_services)) == 1 and replies(channel_services) == first


def test_update_ids_are_a_set_not_a_running_maximum(channel_client, channel_services):
    post(channel_client, tg_text(CHAT, "hello", **{}) | {"update_id": 500})
    post(channel_client, tg_text(CHAT, "1") | {"update_id": 499})  # late, lower id
    assert [m.text for m in inbound(channel_services)] == ["hello", "1"]


def test_a_recycled_update_id_with_a_new_message_is_handled(channel_client, channel_services):
    """Telegram restarts update ids after a week without updates."""
    post(channel_client, tg_update(77, message=tg_message(CHAT, "hello", date=1_700_000_000)))
    post(channel_client, tg_update(77, message=tg_message(CHAT, "hi", date=1_763_000_000)))
    assert [m.text for m in inbound(channel_services)] == ["hello", "hi"]


def test_a_button_press_is_a_choice_and_the_query_is_answered(channel_client, channel_services):
    post(channel_client, tg_text(CHAT, "hello"))
    update = tg_callback(CHAT, "2")
    response = post(channel_client, update)
    assert response.get_json() == {"method": "answerCallbackQuery",
                                   "callback_query_id": update["callback_query"]["id"]}
    assert inbound(channel_services)[-1].text == "2"


def test_a_button_press_in_a_group_is_answered_and_ignored(channel_client, channel_services):
    update = tg_callback(CHAT, "1")
    update["callback_query"]["message"]["chat"] = {"id": -100_200, "type": "group", "title": "G"}
    response = post(channel_client, update)
    assert response.get_json()["method"] == "answerCallbackQuery"
    assert inbound(channel_services) == []


def _identity(services, channel, address):
    with services.database.read() as db:
        return find_identity(db, channel, address)


def test_blocking_the_bot_stops_the_chat_and_unblocking_resumes(channel_client, channel_services):
    post(channel_client, tg_text(CHAT, "hello"))
    post(channel_client, tg_member(CHAT, "member", "kicked"))
    assert _identity(channel_services, "telegram", str(CHAT)).stopped_at is not None
    post(channel_client, tg_member(CHAT, "kicked", "member"))
    assert _identity(channel_services, "telegram", str(CHAT)).stopped_at is None


def test_a_stranger_blocking_the_bot_leaves_no_trace(channel_client, channel_services):
    assert post(channel_client, tg_member(CHAT, "member", "kicked")).status_code == 200
    with channel_services.database.read() as db:
        assert db.scalar(select(func.count()).select_from(Identity)) == 0


def shared_contact(user_id: int, phone: str):
    return tg_update(message=tg_message(CHAT, None, contact={
        "phone_number": phone, "first_name": "Amina", "user_id": user_id}))


def test_sharing_ones_own_number_links_it_to_the_person(channel_client, channel_services):
    post(channel_client, tg_text(CHAT, "hello"))
    post(channel_client, shared_contact(CHAT, "93700111222"))
    sms = _identity(channel_services, "sms", "+93700111222")
    telegram = _identity(channel_services, "telegram", str(CHAT))
    assert sms is not None and sms.contact_id == telegram.contact_id
    (_, row) = inbound(channel_services)
    assert row.attachments == [{"type": "contact", "own": True}]  # the number is not logged


def test_someone_elses_card_links_nothing(channel_client, channel_services):
    post(channel_client, shared_contact(99, "+93700111222"))
    assert _identity(channel_services, "sms", "+93700111222") is None


def test_a_number_known_by_sms_merges_the_two_people(channel_client, channel_services):
    from tests.builders import make_contact

    sms_contact, _, _ = make_contact(channel_services, channel="sms", address="+93700111222",
                                     lang="fa", name="Amina")
    post(channel_client, tg_text(CHAT, "hello"))
    post(channel_client, shared_contact(CHAT, "+93700111222"))
    telegram = _identity(channel_services, "telegram", str(CHAT))
    assert telegram.contact_id == sms_contact  # the registered contact is kept
    with channel_services.database.read() as db:
        assert {m.contact_id for m in db.scalars(select(Message))} == {sms_contact}


def test_the_store_being_down_is_a_503_so_telegram_retries(down_client):
    assert post(down_client, tg_text(CHAT, "hello")).status_code == 503
