"""Free text to a coordinator: while a conversation is open, what the person sends that
is no keyword and no answer to an open question goes to it instead of the main menu.

Nothing is answered: a person is on the other side, and an automatic "received" on
every SMS would cost the sender's patience and the organisation's segments. The
message itself is already in the log, which is the conversation's thread.
"""

from __future__ import annotations

from bot.conversations import service as conversations
from flows.engine import Context, Turn
from flows.steps import Simple


class ToCoordinator(Simple):
    name = "conversation"

    def catches(self, ctx: Context) -> bool:
        return conversations.current(ctx.db, ctx.contact.id) is not None

    def start(self, ctx: Context, trigger: str) -> Turn:
        conversations.received(ctx.db, ctx.contact.id, ctx.now)
        return Turn()


FLOWS = (ToCoordinator(),)
