"""The always-on keywords and the main menu.

Keywords win over an open flow. HELP and STOP answer and then repeat the question
that was open; the others replace the open flow.
"""

from __future__ import annotations

from bot.audit import trail as audit
from bot.contacts.erasure import erase_contact
from bot.text.keywords import Keyword
from flows.engine import MENU, Context, Input, MenuItem, Reply, Turn, catcher
from flows.steps import ChoiceQuestion, Invalid, Option, Simple, StepFlow
from locales import LANGUAGES, NATIVE_NAMES


def help_text(ctx: Context) -> str:
    # Two SMS in Arabic script: CANCEL and LANG are left out, since MENU leaves any
    # question and the language is one of the menu's items.
    return ctx.t(
        "help.text",
        org=ctx.settings.org_name,
        menu=ctx.keyword("MENU"),
        status=ctx.keyword("STATUS"),
        stop=ctx.keyword("STOP"),
        delete=ctx.keyword("DELETE"),
    )


class Help(Simple):
    name = "help"

    def start(self, ctx: Context, trigger: str) -> Turn:
        return Turn([Reply(help_text(ctx))])


class Stop(Simple):
    name = "stop"

    def start(self, ctx: Context, trigger: str) -> Turn:
        ctx.contact.stopped_at = ctx.contact.stopped_at or ctx.now
        return Turn([Reply(ctx.t("stop.done", start=ctx.keyword("START")))])


class Start(Simple):
    name = "start"

    def start(self, ctx: Context, trigger: str) -> Turn:
        if not ctx.contact.registered:
            return Turn(then="registration")
        ctx.contact.stopped_at = None
        return Turn([Reply(ctx.t("start.welcome_back"))], then="menu")


class Cancel(Simple):
    name = "cancel"

    def start(self, ctx: Context, trigger: str) -> Turn:
        if not ctx.contact.registered:
            erase_contact(ctx.db, ctx.contact)
            return Turn([Reply(ctx.t("registration.cancelled", join=ctx.keyword("START")))])
        msgid = "cancel.done" if ctx.open_flow else "cancel.nothing"
        return Turn([Reply(ctx.t(msgid, menu=ctx.keyword("MENU")))])


def menu_options(ctx: Context, _state: dict) -> list[Option]:
    return [Option(item.flow, ctx.t(item.label)) for item in MENU]


class Menu(StepFlow):
    name = "menu"
    questions = (ChoiceQuestion("choice", "menu.title", menu_options),)

    def start(self, ctx: Context, trigger: str) -> Turn:
        if not ctx.contact.registered:  # erased, or never registered: nothing to offer yet
            return Turn(then="registration")
        turn = super().start(ctx, trigger)
        if trigger == "unknown":
            asked = turn.replies[0]
            turn.replies = [Reply(ctx.t("help.unknown") + "\n" + asked.text, asked.choices)]
        return turn

    def resume(self, ctx: Context, state: dict, given: Input) -> Turn:
        # A menu opened during a conversation with a coordinator still takes its numbers,
        # but what is no choice is meant for that person, not a wrong answer.
        if isinstance(self.questions[0].answer(ctx, dict(state), given), Invalid):
            taker = catcher(ctx)
            if taker is not None:
                return Turn(then=taker)
        return super().resume(ctx, state, given)

    def finish(self, ctx: Context, state: dict) -> Turn:
        return Turn(then=state["choice"])

    def expired(self, ctx: Context, state: dict) -> list[Reply]:
        return []  # nobody needs telling that an unanswered menu closed


def language_options(_ctx: Context, _state: dict) -> list[Option]:
    return [Option(code, NATIVE_NAMES[code]) for code in LANGUAGES]


class Language(StepFlow):
    name = "language"
    questions = (ChoiceQuestion("language", "language.choose", language_options),)

    def start(self, ctx: Context, trigger: str) -> Turn:
        if not ctx.contact.registered:
            return Turn(then="registration")
        return super().start(ctx, trigger)

    def finish(self, ctx: Context, state: dict) -> Turn:
        ctx.contact.language = state["language"]
        return Turn([Reply(ctx.t("language.changed"))], then="menu")


def confirm_options(ctx: Context, _state: dict) -> list[Option]:
    return [Option("yes", ctx.t("delete.yes")), Option("no", ctx.t("delete.no"))]


class Delete(StepFlow):
    name = "delete"
    questions = (
        ChoiceQuestion("confirm", "delete.confirm", confirm_options,
                       params=lambda ctx, _s: {"org": ctx.settings.org_name}),
    )

    def finish(self, ctx: Context, state: dict) -> Turn:
        if state["confirm"] != "yes":
            return Turn([Reply(ctx.t("delete.kept", menu=ctx.keyword("MENU")))])
        text = ctx.t("delete.done")
        erase_contact(ctx.db, ctx.contact)
        who = f"contact:{ctx.contact.id}"
        audit.record(ctx.db, who, "contact.erase", "contact", ctx.contact.id, {"by": "DELETE"})
        return Turn([Reply(text)])


FLOWS = (Help(), Stop(), Start(), Cancel(), Menu(), Language(), Delete())
MENU_ITEMS = (MenuItem(80, "menu.language", "language"), MenuItem(90, "menu.help", "help"),)
KEYWORDS = (
    Keyword("HELP", "help", keeps_session=True, aliases={
        "en": ("help", "info", "/help"), "fr": ("aide",), "ar": ("مساعدة",),
        "fa": ("کمک", "رهنما", "راهنما"), "ps": ("مرسته", "لارښود"),
    }),
    Keyword("STOP", "stop", keeps_session=True, aliases={
        "en": ("stop", "unsubscribe", "/stop"), "fr": ("stop", "arret", "desabonner"),
        "ar": ("توقف", "ايقاف", "الغاء الاشتراك", "stop"), "fa": ("توقف", "لغو اشتراک", "stop"),
        "ps": ("ودرول", "بس کړه", "stop"),
    }),
    Keyword("START", "start", aliases={
        "en": ("join", "start", "subscribe", "/start"),
        "fr": ("inscription", "rejoindre", "commencer", "start"),
        "ar": ("اشتراك", "ابدأ", "انضمام", "start"), "fa": ("عضویت", "شروع", "start"),
        "ps": ("ګډون", "گډون", "پیل", "start"),
    }),
    Keyword("MENU", "menu", aliases={
        "en": ("menu", "/menu"), "fr": ("menu",), "ar": ("القائمة", "قائمة"),
        "fa": ("منو", "فهرست"), "ps": ("مینو", "لړلیک"),
    }),
    Keyword("LANG", "language", aliases={
        "en": ("lang", "language", "/language"), "fr": ("langue",), "ar": ("اللغة", "لغة"),
        "fa": ("زبان",), "ps": ("ژبه",),
    }),
    Keyword("CANCEL", "cancel", aliases={
        "en": ("cancel", "0", "quit", "exit", "/cancel"), "fr": ("annuler",), "ar": ("إلغاء",),
        "fa": ("لغو",), "ps": ("لغوه", "پرېږده"),
    }),
    Keyword("DELETE", "delete", aliases={
        "en": ("delete", "erase"), "fr": ("supprimer", "effacer"), "ar": ("حذف", "امسح"),
        "fa": ("حذف", "پاک"), "ps": ("پاکول", "ړنګول"),
    }),
)
