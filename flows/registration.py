"""Registration: language -> consent -> name (or skip) -> province -> district -> role.

    first message / JOIN / /start
        |
     language --> consent --no--> "nothing kept" (contact erased)
                    | yes
                   name (1 = skip) --> province (numbered, # = more) --> district
                                                                           |
                                        main menu <-- "registered" <--  role

Nothing is stored on the contact until the last answer; CANCEL on the way erases
what little exists (the address we were answering).
"""

from __future__ import annotations

from bot.contacts.erasure import erase_contact
from bot.store import ContactStatus
from bot.text import places
from bot.text.vocabulary import ROLES
from flows.engine import Context, Reply, Turn
from flows.steps import ChoiceQuestion, Option, StepFlow, TextQuestion, WhereQuestion
from locales import LANGUAGES, NATIVE_NAMES


def language_options(_ctx: Context, _state: dict) -> list[Option]:
    return [Option(code, NATIVE_NAMES[code]) for code in LANGUAGES]


def consent_options(ctx: Context, _state: dict) -> list[Option]:
    return [Option("yes", ctx.t("consent.agree")), Option("no", ctx.t("consent.decline"))]


def province_options(ctx: Context, _state: dict) -> list[Option]:
    geography = places.load(ctx.settings.places)
    return [Option(p.code, p.name(ctx.contact.language)) for p in geography.places]


def role_options(ctx: Context, _state: dict) -> list[Option]:
    return [Option(role, ctx.t(f"role.{role}")) for role in ROLES]


class Registration(StepFlow):
    name = "registration"
    expired_message = "registration.expired"
    questions = (
        ChoiceQuestion("language", "registration.language", language_options,
                       params=lambda ctx, _s: {"org": ctx.settings.org_name}),
        ChoiceQuestion("consent", "registration.consent", consent_options,
                       params=lambda ctx, _s: {"org": ctx.settings.org_name,
                                               "delete": ctx.keyword("DELETE")}),
        TextQuestion("name", "registration.name", max_length=80, skippable=True),
        WhereQuestion("province", "registration.province", province_options, page_size=9),
        TextQuestion("district", "registration.district", max_length=80),
        ChoiceQuestion("role", "registration.role", role_options),
    )

    def answered(self, ctx: Context, state: dict, key: str) -> Turn | None:
        if key == "language":
            ctx.contact.language = state["language"]
        if key == "consent" and state["consent"] == "no":
            text = ctx.t("registration.declined", join=ctx.keyword("START"))
            erase_contact(ctx.db, ctx.contact)
            return Turn([Reply(text)])
        return None

    def finish(self, ctx: Context, state: dict) -> Turn:
        contact = ctx.contact
        contact.name = state["name"] or None
        contact.province = state["province"]
        contact.district = state["district"]
        contact.role = state["role"]
        contact.consent_at = contact.registered_at = ctx.now
        contact.status = ContactStatus.ACTIVE
        if contact.name:
            text = ctx.t("registration.done_named", name=contact.name)
        else:
            text = ctx.t("registration.done")
        return Turn([Reply(text)], then="menu")


FLOWS = (Registration(),)
