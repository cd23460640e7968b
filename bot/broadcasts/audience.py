"""Who a broadcast reaches, as SQL: one reachable identity per contact.

The audience is always registered contacts who have not sent STOP, reached on an
address the provider has not marked as stopped, on a channel this deployment can
send on. Filters narrow it; exclusions take out whoever matches any of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select

from bot.store import Contact, ContactStatus, GroupMember, Identity

FILTER_KEYS = ("groups", "provinces", "roles", "languages", "channels")


def normalise(audience: dict) -> dict:
    """Drops empty filters, so that stored audiences compare and print cleanly."""
    kept = {key: list(audience[key]) for key in FILTER_KEYS if audience.get(key)}
    exclude = {key: list(v) for key, v in (audience.get("exclude") or {}).items() if v}
    unknown = set(audience) - set(FILTER_KEYS) - {"exclude"} | set(exclude) - set(FILTER_KEYS)
    if unknown:
        raise ValueError(f"unknown audience filter: {', '.join(sorted(unknown))}")
    return {**kept, "exclude": exclude} if exclude else kept


def language_of(texts: Iterable[str], default: str) -> ColumnElement:
    """The language whose text a contact gets: theirs, else the default, else English."""
    fallback = default if default in texts else "en"
    return case((Contact.language.in_(list(texts)), Contact.language), else_=fallback)


def _field(key: str, default_language: str) -> ColumnElement:
    return {
        "provinces": Contact.province,
        "roles": Contact.role,
        "languages": func.coalesce(Contact.language, default_language),
        "channels": Identity.channel,
    }[key]


def _match(key: str, values: list, default_language: str) -> ColumnElement:
    if key == "groups":
        return exists().where(GroupMember.contact_id == Contact.id,
                              GroupMember.group_id.in_(values))
    return _field(key, default_language).in_(values)


def _mismatch(key: str, values: list, default_language: str) -> ColumnElement:
    if key == "groups":
        return ~_match(key, values, default_language)
    field = _field(key, default_language)
    return or_(field.is_(None), field.not_in(values))  # NOT IN alone drops NULLs


def _conditions(audience: dict, default_language: str, channels: Iterable[str]):
    conditions = [
        Contact.status == ContactStatus.ACTIVE,
        Contact.stopped_at.is_(None),
        Identity.stopped_at.is_(None),
        Identity.channel.in_(list(channels)),
    ]
    conditions += [_match(key, values, default_language)
                   for key, values in audience.items() if key != "exclude"]
    conditions += [_mismatch(key, values, default_language)
                   for key, values in (audience.get("exclude") or {}).items()]
    return conditions


def recipients(
    audience: dict,
    *,
    texts: Iterable[str],
    default_language: str,
    channels: Iterable[str],
    contact_ids: tuple[int, int] | None = None,
) -> Select:
    """One row per recipient: contact_id, identity_id, channel, language.

    The identity is the contact's preferred channel if reachable, else the one they
    were last seen on (as bot.outbound.notify chooses for a single message)."""
    rank = func.row_number().over(
        partition_by=Identity.contact_id,
        order_by=(
            case((Identity.channel == Contact.preferred_channel, 0), else_=1),
            Identity.last_seen_at.desc().nulls_last(),
            Identity.id.desc(),
        ),
    )
    conditions = _conditions(audience, default_language, channels)
    if contact_ids is not None:
        # On both sides of the join, so each can use its index for the range.
        conditions += [Contact.id.between(*contact_ids), Identity.contact_id.between(*contact_ids)]
    ranked = (
        select(
            Identity.contact_id,
            Identity.id.label("identity_id"),
            Identity.channel,
            language_of(texts, default_language).label("language"),
            func.coalesce(Contact.language, default_language).label("spoken"),
            rank.label("rank"),
        )
        .join(Contact, Contact.id == Identity.contact_id)
        .where(and_(*conditions))
        .subquery("ranked")
    )
    return select(ranked.c.contact_id, ranked.c.identity_id, ranked.c.channel,
                  ranked.c.language, ranked.c.spoken).where(ranked.c.rank == 1)


def sizes(db, audience: dict, **options) -> dict[tuple[str, str, str], int]:
    """(channel, language of the text sent, language spoken) -> how many recipients."""
    chosen = recipients(audience, **options).subquery("chosen")
    keys = (chosen.c.channel, chosen.c.language, chosen.c.spoken)
    query = select(*keys, func.count()).group_by(*keys)
    return {(channel, sent, spoken): n for channel, sent, spoken, n in db.execute(query)}
