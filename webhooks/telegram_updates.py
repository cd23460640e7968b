"""Telegram updates as neutral values: what arrived, and what to do with it.

Only private chats are conversations; groups and channels are left alone. Every
update that carries a message gets an external id that is the same when Telegram
delivers it again but differs when Telegram reuses the update_id (it restarts the
count after a week without updates): the update_id with the message's date, the
edit's date, or the callback query's own id.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from telegram import Message, Update

from bot.channels.base import InboundMessage

CHANNEL = "telegram"
# /command -> the text the keywords know; the others lose the slash ("/menu" -> "menu").
COMMANDS = {
    "start": "/start", "help": "/help", "stop": "/stop", "language": "/language",
    "report": "report", "feedback": "feedback", "meetings": "meetings",
}
MEDIA = ("photo", "voice", "audio", "video", "video_note", "document", "sticker", "animation")
BLOCKED = ("kicked",)
MAX_ID = 64
UNBLOCKED = ("member",)


@dataclass(frozen=True)
class Translated:
    message: InboundMessage | None = None
    # False: keep the message in the log without answering it (an edit).
    process: bool = True
    # A phone number the person shared as their own contact.
    phone: str | None = None
    # (address, blocked) when the person blocked or unblocked the bot.
    membership: tuple[str, bool] | None = None
    callback_query_id: str | None = None
    ignored: str | None = None  # why nothing was done, for the log
    filled: tuple[str, ...] = ()  # fields Telegram always sends that were missing


# Objects that are Telegram users, by the key they sit under, and the fields the Bot API
# calls required that PTB refuses to build them without. A user who is not a bot is the
# only kind that writes to us in a private chat.
USER_KEYS = ("from", "user", "via_bot", "forward_from", "sender_business_bot")
USER_DEFAULTS = {"is_bot": False, "first_name": ""}


def complete(data: dict) -> tuple[dict, list[str]]:
    """A copy of the update with the always-sent fields it lacks filled in, and their
    paths ("message.from.is_bot"). Media without `file_unique_id` get their `file_id`
    (the unique id only names the same file across bots; we only keep it)."""
    filled: list[str] = []

    def walk(value, path: str, key: str):
        if isinstance(value, list):
            return [walk(item, path, key) for item in value]
        if not isinstance(value, dict):
            return value
        value = {k: walk(v, f"{path}.{k}" if path else k, k) for k, v in value.items()}
        if key in USER_KEYS and "id" in value:
            for field_name, default in USER_DEFAULTS.items():
                if field_name not in value:
                    value[field_name] = default
                    filled.append(f"{path}.{field_name}")
        if "file_id" in value and "file_unique_id" not in value:
            value["file_unique_id"] = str(value["file_id"])
            filled.append(f"{path}.file_unique_id")
        return value

    return walk(data, "", ""), filled


def translate(data: dict) -> Translated:
    """Raises on an update whose shape or field types are not Telegram's. A field that
    today's Telegram always sends but that an older or other server left out is filled
    in (the `filled` list says which), so the text still reaches the person's
    conversation."""
    data, filled = complete(data)
    translated = _translate(data)
    if filled:
        translated = replace(translated, filled=tuple(filled))
    if translated.message is not None:
        _check_types(translated.message)
    return translated


def _check_types(message: InboundMessage) -> None:
    """PTB takes fields as given: a number where text belongs must stop here, not in
    the store."""
    for name in ("address", "text", "choice", "language_hint", "external_id"):
        value = getattr(message, name)
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} is a {type(value).__name__}")
    if len(message.external_id or "") > MAX_ID or len(message.address) > MAX_ID:
        raise ValueError("an id longer than Telegram's")  # ids are numbers of <= 20 digits
    for item in message.attachments:
        if not all(isinstance(v, str | int | float | bool) for v in item.values()):
            raise TypeError("an attachment field is not a scalar")


def _translate(data: dict) -> Translated:
    update = Update.de_json(data, None)
    if update.callback_query is not None:
        return _callback(update)
    if update.message is not None:
        return _message(update, update.message, stamp=_ts(update.message.date))
    if update.edited_message is not None:
        edited = update.edited_message
        stamp = f"e{_ts(edited.edit_date or edited.date)}"
        return _message(update, edited, stamp=stamp, process=False)
    if update.my_chat_member is not None:
        return _membership(update)
    return Translated(ignored="update type not handled")


def _ts(value) -> int:
    return int(value.timestamp()) if value is not None else 0


def _private(message: Message | None) -> bool:
    return message is not None and message.chat.type == "private"


def _message(update: Update, message: Message, stamp: str | int, process=True) -> Translated:
    if not _private(message):
        return Translated(ignored=f"{message.chat.type} chat")
    text, attachments = message.text or message.caption or "", list(_attachments(message))
    phone = _own_phone(message)
    if message.text and message.text.startswith("/"):
        text = command_text(message.text)
    if not process:
        attachments.append({"type": "edit", "message_id": message.message_id})
    if not (text or attachments):
        return Translated(ignored="message without content we use")
    return Translated(
        message=_inbound(update, message, text=text, attachments=tuple(attachments),
                         external_id=f"u{update.update_id}:{stamp}"),
        process=process, phone=phone,
    )


def _inbound(update: Update, message: Message, **values) -> InboundMessage:
    user = update.effective_user
    language = (user.language_code or "").split("-")[0] if user else ""
    return InboundMessage(channel=CHANNEL, address=str(message.chat.id),
                          language_hint=language or None, **values)


def command_text(text: str) -> str:
    head, _, rest = text.strip().partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    if name in COMMANDS:
        return COMMANDS[name]
    return f"{name} {rest}".strip()


def _attachments(message: Message):
    for kind in MEDIA:
        media = getattr(message, kind, None)
        if media:
            item = media[-1] if isinstance(media, tuple) else media  # largest photo size
            yield {"type": kind, "file_id": item.file_id, "file_unique_id": item.file_unique_id}
    if message.location is not None:
        yield {"type": "location", "latitude": message.location.latitude,
               "longitude": message.location.longitude}
    if message.contact is not None:
        yield {"type": "contact", "own": _own_phone(message) is not None}


def _own_phone(message: Message) -> str | None:
    """The number of a shared contact, only when it is the sender's own: anyone can
    share someone else's card, and that must not link their number to this person."""
    contact, user = message.contact, message.from_user
    if contact is None or user is None or contact.user_id != user.id:
        return None
    digits = "".join(c for c in contact.phone_number if c.isdigit())
    return f"+{digits}" if digits else None


def _callback(update: Update) -> Translated:
    query = update.callback_query
    if not isinstance(query.id, str) or len(query.id) > MAX_ID:
        raise TypeError("callback query id")
    if not _private(query.message) or not query.data:
        return Translated(callback_query_id=query.id, ignored="callback outside a private chat")
    message = _inbound(update, query.message, choice=query.data,
                       external_id=f"u{update.update_id}:c{query.id}")
    return Translated(message=message, callback_query_id=query.id)


def _membership(update: Update) -> Translated:
    change = update.my_chat_member
    if change.chat.type != "private":
        return Translated(ignored=f"membership in a {change.chat.type} chat")
    status = change.new_chat_member.status
    if status in BLOCKED + UNBLOCKED:
        return Translated(membership=(str(change.chat.id), status in BLOCKED))
    return Translated(ignored="membership change not handled")
