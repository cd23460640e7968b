"""What the feedback and report flows share: who may start one, and how often."""

from __future__ import annotations

from bot.store import quota
from flows.engine import Context, Reply, Turn


def refuse_start(ctx: Context, kind: str, limit: int) -> Turn | None:
    """A Turn instead of the flow: registration first (consent before anything is
    kept), or "please wait" when this hour's limit is used up. None to go ahead."""
    if not ctx.contact.registered:
        return Turn(then="registration")
    if not quota.available(ctx.db, ctx.contact.id, kind, limit, ctx.now):
        return Turn([Reply(ctx.t(f"{kind}.wait"))])
    return None


def count_one(ctx: Context, kind: str, limit: int, anonymous: bool = False) -> Turn | None:
    """Counts a finished report or feedback; a "please wait" Turn if over the limit.
    An anonymous report is counted under a key that names nobody (quota.take)."""
    if quota.take(ctx.db, ctx.contact.id, kind, limit, ctx.now, anonymous=anonymous):
        return None
    return Turn([Reply(ctx.t(f"{kind}.wait"))])
