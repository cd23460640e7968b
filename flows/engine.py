"""The conversation engine.

A flow has two entry points, `start(ctx, trigger)` and `resume(ctx, state, input)`,
and answers with a `Turn`: the replies to send and the state to keep (None when the
flow is over). The engine picks the flow (keywords first, then the open session, then
registration, an open conversation with a coordinator, or the menu), runs it, and
hands the replies back; it sends nothing itself. Session state is JSON (stored
encrypted), one row per contact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Row
from sqlalchemy.orm import Session

from bot.channels.base import InboundMessage
from bot.core.config import Settings
from bot.outbound.notify import translator
from bot.outbound.outbox import Recipient
from bot.store import Contact, ConversationSession, PendingFlow
from bot.text import keywords
from bot.text.normalize import clean, normalize, to_ascii_digits
from bot.text.render import Choice
from flows import sessions
from locales import Translator

MAX_INPUT = 4000


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()
    # Wipe this message's text once it has left (an anonymous report's code).
    scrub: bool = False


@dataclass(frozen=True)
class Notice:
    """Something for people other than the sender, done by the engine's caller: for
    now, coordinators alerted to an urgent report."""

    kind: str
    subject: str  # what it is about (a report code)


@dataclass
class Turn:
    replies: list[Reply] = field(default_factory=list)
    state: dict | None = None
    # Start this flow straight after (the menu after registration, say).
    then: str | None = None
    # The input held something the message log must not keep (an anonymous report).
    redact_input: bool = False
    # Close the session after this long instead of the usual timeout (a short linger).
    expires_in: dt.timedelta | None = None
    notices: list[Notice] = field(default_factory=list)
    # The conversation ending here must leave no row in the message log (an anonymous
    # report): its messages, both ways, are removed once the last reply has left.
    forget: bool = False


@dataclass(frozen=True)
class Input:
    text: str  # cleaned: controls removed, letters as typed
    normalized: str
    attachments: tuple[dict, ...] = ()

    @classmethod
    def from_message(cls, message: InboundMessage) -> Input:
        raw = message.choice if message.choice is not None else message.text
        text = clean(raw or "")
        return cls(text=text, normalized=normalize(text), attachments=message.attachments)

    @property
    def number(self) -> int | None:
        digits = to_ascii_digits(self.normalized)
        return int(digits) if digits.isdigit() and len(digits) < 6 else None


@dataclass
class Context:
    db: Session
    contact: Contact
    identity: Recipient  # an Identity, or the inbound path's Sender
    settings: Settings
    now: dt.datetime
    # The flow that was open when this message arrived, if any.
    open_flow: str | None = None
    # The message being handled, as typed (a keyword's argument is only its normalised
    # form): None when the turn was started from outside.
    given: Input | None = None

    @property
    def t(self) -> Translator:
        return translator(self.contact, self.settings)

    def keyword(self, name: str) -> str:
        return keywords.KEYWORDS[name].display(self.t.language)


@dataclass(frozen=True)
class Opening:
    """A flow's first turn offered to many people at once (a consultation sent to a
    whole audience): the same state for everyone, and one first reply per reader's
    language, so that bot.pipeline.offers writes the rows in SQL."""

    state: dict
    expires_at: dt.datetime
    replies: dict[str, Reply]  # by reader's language


class Flow(Protocol):
    name: str

    def start(self, ctx: Context, trigger: str) -> Turn: ...

    def resume(self, ctx: Context, state: dict, given: Input) -> Turn: ...

    def reprompt(self, ctx: Context, state: dict) -> list[Reply]: ...

    def expired(self, ctx: Context, state: dict) -> list[Reply]: ...


class Catcher(Protocol):
    """A flow that may take what would otherwise open the main menu (free text to a
    coordinator in an open conversation): `catches(ctx)` says whether it does now."""

    name: str

    def catches(self, ctx: Context) -> bool: ...


# Filled by bot.features.install() (the composition root), never by importing a flow.
FLOWS: dict[str, Flow] = {}


def catcher(ctx: Context) -> str | None:
    """The flow that takes the person's free text now instead of the main menu, if any."""
    return next((flow.name for flow in FLOWS.values()
                 if getattr(flow, "catches", None) and flow.catches(ctx)), None)


@dataclass(frozen=True)
class MenuItem:
    order: int
    label: str  # message id
    flow: str


MENU: list[MenuItem] = []


def install(flows: list[Flow], menu: list[MenuItem]) -> None:
    FLOWS.clear()
    FLOWS.update((flow.name, flow) for flow in flows)
    MENU[:] = sorted(menu, key=lambda item: item.order)


@dataclass(frozen=True)
class Outcome:
    replies: list[Reply]
    redact_input: bool = False
    notices: list[Notice] = field(default_factory=list)
    # When the conversation to forget began (Turn.forget), or None.
    forget_since: dt.datetime | None = None


class Engine:
    """Runs one inbound message against a contact's session."""

    def handle(self, ctx: Context, given: Input, session: Row | None) -> Outcome:
        """The turn for `given`, against the session the caller read with the contact
        locked (`sessions.read`; the inbound path reads it with its flood counts)."""
        if session is not None and session.expires_at <= ctx.now:
            self._close(ctx)
            session = None
        ctx.open_flow = session.flow if session is not None else None
        began = session.started_at if session is not None else ctx.now
        ctx.given = given
        replies, turn_flow, turn = self._dispatch(ctx, session, given)
        kept = self._save(ctx, session, turn_flow, turn)
        notices = list(turn.notices)
        replies += self._follow(ctx, turn, notices)
        if not kept:  # while a session is open nothing waiting starts: no need to look
            replies += self._start_pending(ctx, notices)
        return Outcome(replies, turn.redact_input, notices, began if turn.forget else None)

    def offer(self, ctx: Context, flow: str, trigger: str = "") -> Outcome:
        """Starts `flow` for the person, from outside a conversation (a coordinator
        sends a consultation or a question): now, unless they are in the middle of
        another conversation; then it waits and starts when that one ends."""
        session = sessions.read(ctx.db, ctx.contact.id)
        if session is not None and session.expires_at > ctx.now and session.flow != "menu":
            ctx.db.add(PendingFlow(contact_id=ctx.contact.id, flow=flow, trigger=trigger,
                                   created_at=ctx.now))
            return Outcome([])
        if session is not None:
            self._close(ctx)
        notices: list[Notice] = []
        return Outcome(self._begin(ctx, flow, trigger, notices), notices=notices)

    def _begin(self, ctx: Context, flow: str, trigger: str, notices: list[Notice]) -> list[Reply]:
        turn = FLOWS[flow].start(ctx, trigger)
        self._save(ctx, None, flow, turn)
        notices.extend(turn.notices)
        return turn.replies + self._follow(ctx, turn, notices)

    def _start_pending(self, ctx: Context, notices: list[Notice]) -> list[Reply]:
        """The oldest waiting conversation, if the person is free."""
        waiting = sessions.take_pending(ctx.db, ctx.contact.id)
        if waiting is None:
            return []
        return self._begin(ctx, waiting.flow, waiting.trigger, notices)

    def _dispatch(self, ctx, session, given) -> tuple[list[Reply], str | None, Turn]:
        matched = keywords.match(given.normalized) if len(given.text) <= MAX_INPUT else None
        if matched is not None and self._deferred(matched[0], session):
            matched = None
        if matched is not None:
            keyword, argument = matched
            if keyword.keeps_session and session is not None:
                turn = FLOWS[keyword.flow].start(ctx, argument)
                flow = FLOWS[session.flow]
                replies = turn.replies + flow.reprompt(ctx, session.state)
                return replies, session.flow, Turn(state=session.state)
            turn = FLOWS[keyword.flow].start(ctx, argument)
            return turn.replies, keyword.flow, turn
        if session is not None:
            turn = FLOWS[session.flow].resume(ctx, dict(session.state), given)
            return turn.replies, session.flow, turn
        entry = (catcher(ctx) or "menu") if ctx.contact.registered else "registration"
        turn = FLOWS[entry].start(ctx, "" if entry == "registration" else "unknown")
        return turn.replies, entry, turn

    @staticmethod
    def _deferred(keyword: keywords.Keyword, session) -> bool:
        # An idle main menu is not a question anyone is answering.
        if session is None or session.flow == "menu":
            return False
        if keyword.defers_to_session:
            return True
        waits = getattr(FLOWS[session.flow], "waits_for_text", None)
        return keyword.defers_to_text and waits is not None and waits(session.state)

    def _save(self, ctx: Context, session: Row | None, flow: str | None, turn: Turn) -> bool:
        """Keeps the turn's state, or closes the session; True when one is open after."""
        if turn.state is None or flow is None:
            if session is not None:
                self._close(ctx)
            return False
        timeout = dt.timedelta(minutes=ctx.settings.session_timeout_minutes)
        sessions.save(ctx.db, ctx.contact.id, flow, turn.state, ctx.now,
                      ctx.now + (turn.expires_in or timeout))
        return True

    @staticmethod
    def _close(ctx: Context) -> None:
        sessions.close(ctx.db, ctx.contact.id)

    def _follow(self, ctx: Context, turn: Turn, notices: list[Notice]) -> list[Reply]:
        if turn.then is None:
            return []
        return self._begin(ctx, turn.then, "", notices)

    def expire(self, ctx: Context, session: ConversationSession | Row) -> Outcome:
        replies = FLOWS[session.flow].expired(ctx, session.state)
        self._close(ctx)
        notices: list[Notice] = []
        return Outcome(replies + self._start_pending(ctx, notices), notices=notices)
