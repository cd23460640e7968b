"""/api/v1/conversations: open conversations by area and assignee, one with its thread,
replies, notes, assignment, closing; /api/v1/reports/questions: a question to a reporter
(held for STATUS on an anonymous report)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from bot.audit import trail as audit
from bot.conversations import service as conversations
from bot.core.clock import now
from bot.reports import questions
from bot.store import Contact, Conversation, Message, Report, Role, User
from dashboard.api.messages import MessageOut
from dashboard.api.registry import (
    ApiError,
    Call,
    PageQuery,
    Reply,
    cursor_after,
    endpoint,
    get_or_404,
    page_of,
)
from dashboard.api.schema import spec

TAG = "conversations"


def services():
    return current_app.extensions["mashwara"]


def actor(call: Call) -> str:
    return f"token:{call.token.id}"


@dataclass
class ConversationOut:
    id: int
    contact_id: int
    status: str = spec(enum=("open", "closed"))
    subject: str | None = spec(description="the report code or feedback reference it began from")
    province: str | None = spec()
    assigned_to: int | None = spec()
    unread: int = spec()
    opened_at: dt.datetime = spec()
    last_activity_at: dt.datetime = spec()
    closed_at: dt.datetime | None = spec()


@dataclass
class NoteOut:
    by: str
    text: str
    at: dt.datetime


@dataclass
class ThreadOut:
    conversation: ConversationOut
    messages: list[MessageOut] = spec(description="oldest first; text null when not kept")
    notes: list[NoteOut] = spec()


@dataclass
class ConversationQuery(PageQuery):
    province: str = spec("", max_length=64, description="province code")
    assignee: int = spec(0, minimum=0, description="a user id; 0: anyone")
    unassigned: bool = spec(False, description="only those nobody follows up")


@dataclass
class OpenIn:
    contact_id: int = spec(minimum=1)


@dataclass
class TextIn:
    text: str = spec(min_length=1, max_length=conversations.TEXT_LIMIT)


@dataclass
class AssignIn:
    user_id: int | None = spec(None, description="null: nobody")


@dataclass
class QuestionQuery:
    code: str = spec("", max_length=12, description="the report's code")


@dataclass
class QuestionIn:
    text: str = spec(min_length=1, max_length=questions.QUESTION_LIMIT)


@dataclass
class AskedOut:
    held: bool = spec(description="true: anonymous, waits for STATUS and the code")
    conversation_id: int | None = spec()
    reached: bool = spec(description="false: a named reporter with no reachable address")


def out(c: Conversation) -> ConversationOut:
    return ConversationOut(c.id, c.contact_id, c.status, c.subject, c.province, c.assigned_to,
                           c.unread, c.opened_at, c.last_activity_at, c.closed_at)



@endpoint("GET", "/v1/conversations", permission="conversations.use", tag=TAG,
          summary="Open conversations, unread first, then the most recently active",
          query=ConversationQuery, response=page_of(ConversationOut))
def list_conversations(call: Call):
    q: ConversationQuery = call.query
    offset = cursor_after(q) or 0
    if offset > 1_000_000:
        raise ApiError(400, "bad_cursor", "cursor is not one this API gave")
    with services().database.read() as db:
        query = conversations.open_list(db, province=q.province or None,
                                        assignee=q.assignee or None, unassigned=q.unassigned)
        rows = list(db.scalars(query.offset(offset).limit(q.limit + 1)))
    more = len(rows) > q.limit
    return page_of(ConversationOut)([out(c) for c in rows[:q.limit]],
                                    str(offset + q.limit) if more else None)


@endpoint("POST", "/v1/conversations", permission="conversations.use", tag=TAG,
          summary="Open a conversation with a person (or find the open one)",
          body=OpenIn, response=ConversationOut, errors=(404, 409))
def open_conversation(call: Call):
    with services().database.write() as db:
        contact = db.get(Contact, call.body.contact_id)
        if contact is None:
            raise ApiError(404, "not_found", "no such contact")
        if not contact.registered:
            raise ApiError(409, "not_registered", "this person is not registered")
        conversation = conversations.open_for(db, contact, now=now())
        audit.record(db, actor(call), "conversation.open", "conversation", conversation.id)
        return out(conversation)


@endpoint("GET", "/v1/conversations/<int:conversation_id>", permission="conversations.use",
          tag=TAG, summary="One conversation with the person's messages and notes; marks it read",
          response=ThreadOut, errors=(404,))
def get_conversation(call: Call, conversation_id: int):
    with services().database.write() as db:
        conversation = get_or_404(db, Conversation, conversation_id, "conversation")
        conversations.mark_read(conversation)
        thread = conversations.thread(db, conversation.contact_id)
        notes = conversations.notes(db, conversation.id)
        audit.record(db, actor(call), "conversation.view", "conversation", conversation.id)
        return ThreadOut(out(conversation), [_message(m) for m in thread],
                         [NoteOut(n.by, n.text, n.at) for n in notes])


def _message(m: Message) -> MessageOut:
    return MessageOut(m.id, m.direction, m.channel, m.contact_id, m.status, m.language, m.text,
                      m.segments, m.created_at, m.sent_at, m.delivered_at)


@endpoint("POST", "/v1/conversations/<int:conversation_id>/messages",
          permission="conversations.use", tag=TAG,
          summary="Reply: by the channel the person last used, at conversation priority",
          body=TextIn, response=MessageOut, status=201, errors=(404, 409))
def reply(call: Call, conversation_id: int):
    with services().database.write() as db:
        conversation = get_or_404(db, Conversation, conversation_id, "conversation")
        if conversation.status != "open":
            raise ApiError(409, "closed", "the conversation is closed")
        sent = conversations.send(db, conversation, call.body.text, now=now(),
                                  settings=services().settings)
        if sent is None:
            raise ApiError(409, "unreachable", "this person has no reachable address")
        audit.record(db, actor(call), "conversation.reply", "conversation", conversation.id)
        db.flush()
        return _message(sent)


@endpoint("POST", "/v1/conversations/<int:conversation_id>/notes",
          permission="conversations.use", tag=TAG, summary="A note for coordinators only",
          body=TextIn, response=NoteOut, status=201, errors=(404,))
def add_note(call: Call, conversation_id: int):
    with services().database.write() as db:
        conversation = get_or_404(db, Conversation, conversation_id, "conversation")
        if len(call.body.text) > conversations.NOTE_LIMIT:
            raise ApiError(422, "invalid", f"a note is at most {conversations.NOTE_LIMIT}")
        note = conversations.add_note(db, conversation, call.body.text, by=actor(call),
                                      now=now())
        audit.record(db, actor(call), "conversation.note", "conversation", conversation.id)
        return NoteOut(note.by, note.text, note.at)


@endpoint("POST", "/v1/conversations/<int:conversation_id>/assign",
          permission="conversations.use", tag=TAG, summary="Who follows it up",
          body=AssignIn, response=ConversationOut, errors=(404, 422))
def assign(call: Call, conversation_id: int):
    with services().database.write() as db:
        conversation = get_or_404(db, Conversation, conversation_id, "conversation")
        user_id = call.body.user_id
        if user_id is not None:
            user = db.get(User, user_id) if 0 < user_id < 2**31 else None
            if user is None or user.role not in (Role.COORDINATOR, Role.ADMIN) \
                    or user.disabled_at is not None:
                raise ApiError(422, "invalid", "user_id is not an active coordinator")
        conversations.assign(conversation, user_id)
        audit.record(db, actor(call), "conversation.assign", "conversation", conversation.id,
                     {"user_id": user_id})
        return out(conversation)


@endpoint("POST", "/v1/conversations/<int:conversation_id>/close",
          permission="conversations.use", tag=TAG,
          summary="Close it; the person is told how to reach the organisation again",
          response=ConversationOut, errors=(404,))
def close(call: Call, conversation_id: int):
    with services().database.write() as db:
        conversation = get_or_404(db, Conversation, conversation_id, "conversation")
        if conversations.close(db, conversation, now=now(), settings=services().settings):
            audit.record(db, actor(call), "conversation.close", "conversation", conversation.id)
        return out(conversation)


@endpoint("POST", "/v1/reports/questions", permission="reports.edit", tag="reports",
          summary="Ask the reporter: sent in their conversation when named, held for "
                  "STATUS and the code when anonymous",
          query=QuestionQuery, body=QuestionIn, response=AskedOut, status=201,
          errors=(404,))
def ask_reporter(call: Call):
    code = call.query.code.upper()
    with services().database.write() as db:
        report = db.get(Report, code) if code else None
        if report is None:
            raise ApiError(404, "not_found", "give the code of a report: ?code=R-XXXX")
        asked = questions.ask(db, report, call.body.text, by=actor(call), now=now(),
                              settings=services().settings)
        audit.record(db, actor(call), "report.ask", "report", report.code, {"held": asked.held})
        return Reply(201, AskedOut(asked.held, asked.conversation.id if asked.conversation
                                   else None, asked.reached))


