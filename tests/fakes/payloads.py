"""Provider payloads shaped like the providers' documented examples."""

from __future__ import annotations

import itertools
import time
import uuid

from twilio.request_validator import RequestValidator

from tests.fakes.fixtures import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, TWILIO_NUMBER

_update_ids = itertools.count(10_000)
_message_ids = itertools.count(1)


def tg_user(user_id: int, language: str = "en") -> dict:
    return {"id": user_id, "is_bot": False, "first_name": "Amina", "language_code": language}


def tg_chat(chat_id: int, kind: str = "private") -> dict:
    chat = {"id": chat_id, "type": kind}
    if kind == "private":
        chat["first_name"] = "Amina"
    else:
        chat["title"] = "Shura members"
    return chat


def tg_message(chat_id: int, text: str | None = "hello", *, kind: str = "private",
               language: str = "en", date: int | None = None, **fields) -> dict:
    message = {
        "message_id": next(_message_ids),
        "from": tg_user(chat_id if kind == "private" else 555, language),
        "chat": tg_chat(chat_id, kind),
        "date": date or int(time.time()),
        **fields,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            message["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
    return message


def tg_update(update_id: int | None = None, **body) -> dict:
    return {"update_id": next(_update_ids) if update_id is None else update_id, **body}


def tg_text(chat_id: int, text: str, **options) -> dict:
    return tg_update(message=tg_message(chat_id, text, **options))


def tg_callback(chat_id: int, data: str, language: str = "en") -> dict:
    return tg_update(callback_query={
        "id": str(uuid.uuid4().int)[:19],
        "from": tg_user(chat_id, language),
        "message": tg_message(chat_id, "Choose", language=language),
        "chat_instance": "-7364815902",
        "data": data,
    })


def tg_member(chat_id: int, old: str, new: str) -> dict:
    def member(status: str) -> dict:
        bot = {"id": 42, "is_bot": True, "first_name": "Mashwara", "username": "mashwara_bot"}
        return {"user": bot, "status": status, **({"until_date": 0} if status == "kicked"
                                                   else {})}

    return tg_update(my_chat_member={
        "chat": tg_chat(chat_id), "from": tg_user(chat_id), "date": int(time.time()),
        "old_chat_member": member(old), "new_chat_member": member(new),
    })


def sms_form(sender: str, body: str, sid: str | None = None, **extra) -> dict:
    return {
        "ToCountry": "US", "ToState": "CA", "SmsMessageSid": sid or "", "NumMedia": "0",
        "ToCity": "", "FromZip": "", "SmsSid": sid or "", "FromState": "", "SmsStatus":
        "received", "FromCity": "", "Body": body, "FromCountry": "AF", "To": TWILIO_NUMBER,
        "ToZip": "", "NumSegments": "1", "MessageSid": sid or "SM" + uuid.uuid4().hex,
        "AccountSid": ACCOUNT_SID, "From": sender, "ApiVersion": "2010-04-01", **extra,
    }


def status_form(sid: str, status: str, error_code: str | None = None) -> dict:
    form = {"MessageSid": sid, "MessageStatus": status, "SmsSid": sid, "SmsStatus": status,
            "AccountSid": ACCOUNT_SID, "From": TWILIO_NUMBER, "To": "+93700000001",
            "ApiVersion": "2010-04-01"}
    if error_code:
        form["ErrorCode"] = error_code
    return form


def twilio_signature(path: str, form: dict, token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(PUBLIC_URL + path, form)
