"""Concern report: category -> when -> where -> what happened -> urgent? -> anonymous?
-> reference code and what happens next.

    REPORT / menu / /report
        |
     category --> when (1-3, or a past date) --> province (or a Telegram location)
                                                   |            \\ location: no district
                                                 district        |
                                                   v             v
     code R-7K3Q <-- anonymous? <-- urgent? <-- what happened (late SMS parts join)
        \\-- urgent: coordinators alerted at once

Every input of this flow is redacted from the message log, for every report: the
answers live only in the session state (deleted at the end, or on 0 / CANCEL) and
then, encrypted, in the report. An anonymous report keeps no link to the contact:
the conversation's messages (both ways, the confirmation with the code included)
are removed from the log once sent, it is counted against the person's quota under
a key that names nobody, and its urgent alert leaves after a random delay.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.reports.service import file_report
from bot.text import places
from bot.text.dates import parse_date
from bot.text.keywords import Keyword
from bot.text.vocabulary import CATEGORIES
from flows.engine import Context, Input, MenuItem, Notice, Reply, Turn
from flows.intake import count_one, refuse_start
from flows.steps import ChoiceQuestion, Invalid, Option, StepFlow, TextQuestion, WhereQuestion

WHEN = ("today", "week", "earlier")


def today(ctx: Context) -> dt.date:
    """Today where the deployment is: a report at 23:00 UTC is tomorrow in Kabul."""
    zone = ZoneInfo(places.load(ctx.settings.places).timezone)
    return ctx.now.astimezone(zone).date()


def category_options(ctx: Context, _state: dict) -> list[Option]:
    return [Option(c, ctx.t(f"report.category.{c}")) for c in CATEGORIES]


def when_options(ctx: Context, _state: dict) -> list[Option]:
    return [Option(w, ctx.t(f"report.when.{w}")) for w in WHEN]


def province_options(ctx: Context, _state: dict) -> list[Option]:
    """The places, the one the person registered in first: most report from home."""
    geography = places.load(ctx.settings.places)
    ordered = sorted(geography.places, key=lambda p: p.code != ctx.contact.province)
    return [Option(p.code, p.name(ctx.contact.language)) for p in ordered]


def yes_no(prefix: str):
    def options(ctx: Context, _state: dict) -> list[Option]:
        return [Option("yes", ctx.t(f"{prefix}.yes")), Option("no", ctx.t(f"{prefix}.no"))]
    return options


class WhenQuestion(ChoiceQuestion):
    """1-3 for today / this week / earlier, or a typed date that is not in the future."""

    def answer(self, ctx: Context, state: dict, given: Input):
        chosen = super().answer(ctx, state, given)
        if not isinstance(chosen, Invalid):
            state.pop("occurred_on", None)
            if chosen == "today":
                state["occurred_on"] = today(ctx).isoformat()
            return chosen
        typed = parse_date(given.text, today(ctx), ctx.contact.language)
        if typed is None or typed > today(ctx):
            return Invalid("report.bad_when")
        state["occurred_on"] = typed.isoformat()
        return "date"


def location_of(given: Input) -> str | None:
    for attachment in given.attachments:
        if attachment.get("type") != "location":
            continue
        try:
            lat, lon = float(attachment["latitude"]), float(attachment["longitude"])
        except (KeyError, TypeError, ValueError):
            return None
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return f"{lat:.5f},{lon:.5f}"
    return None


class PlaceQuestion(WhereQuestion):
    """The province from the deployment's list, or a location shared on Telegram."""

    def ask(self, ctx: Context, state: dict) -> Reply:
        asked = super().ask(ctx, state)
        if getattr(ctx.identity, "channel", None) != "telegram":
            return asked
        return Reply(asked.text + "\n" + ctx.t("report.or_location"), asked.choices)

    def answer(self, ctx: Context, state: dict, given: Input):
        location = location_of(given)
        if location is not None:
            state["location"] = location
            return ""
        state.pop("location", None)
        return super().answer(ctx, state, given)


class ConcernReport(StepFlow):
    name = "report"
    redact = True
    questions = (
        ChoiceQuestion("category", "report.category", category_options),
        WhenQuestion("when", "report.when", when_options),
        PlaceQuestion("province", "report.province", province_options, page_size=9),
        TextQuestion("district", "report.district", max_length=80),
        TextQuestion("description", "report.description", max_length=4000, joins=True),
        ChoiceQuestion("urgent", "report.urgent", yes_no("report.urgent")),
        ChoiceQuestion("anonymous", "report.anonymous", yes_no("report.anonymous")),
    )

    def start(self, ctx: Context, trigger: str) -> Turn:
        refused = refuse_start(ctx, "report", ctx.settings.reports_per_hour)
        return self._mark(refused) if refused else super().start(ctx, trigger)

    def next_step(self, state: dict, step: int) -> int | None:
        following = super().next_step(state, step)
        if following is None or self.questions[following].key != "district":
            return following
        # A shared location says more than a district name.
        return following + 1 if state.get("location") else following

    def finish(self, ctx: Context, state: dict) -> Turn:
        fields = self.fields(state)
        refused = count_one(ctx, "report", ctx.settings.reports_per_hour,
                            anonymous=fields["anonymous"])
        if refused:
            return refused
        report = file_report(ctx.db, ctx.contact, fields, now=ctx.now, today=today(ctx))
        # An anonymous report's code, and the whole conversation that led to it, leave
        # the message log once the confirmation has left.
        reply = Reply(self.confirmation(ctx, report), scrub=report.anonymous)
        notices = [Notice("urgent_report", report.code)] if report.urgent else []
        return Turn([reply], notices=notices, forget=report.anonymous)

    @staticmethod
    def fields(state: dict) -> dict:
        occurred_on = state.get("occurred_on")
        return {
            "category": state["category"],
            "occurred": state["when"],
            "occurred_on": dt.date.fromisoformat(occurred_on) if occurred_on else None,
            "province": state["province"] or None,
            "district": state.get("district") or None,
            "location": state.get("location"),
            "description": state["description"],
            "urgent": state["urgent"] == "yes",
            "anonymous": state["anonymous"] == "yes",
        }

    @staticmethod
    def confirmation(ctx: Context, report) -> str:
        status = ctx.keyword("STATUS")
        lines = [ctx.t("report.received", code=report.code)]
        if report.urgent:
            lines.append(ctx.t("report.urgent_next"))
        msgid = "report.next_anonymous" if report.anonymous else "report.next_named"
        lines.append(ctx.t(msgid, status=status, code=report.code))
        return "\n".join(lines)


FLOWS = (ConcernReport(),)
MENU_ITEMS = (MenuItem(20, "menu.report", "report"),)
KEYWORDS = (
    Keyword("REPORT", "report", defers_to_text=True, aliases={
        "en": ("report", "/report", "concern"), "fr": ("signaler", "signalement"),
        "ar": ("بلاغ", "إبلاغ", "شكوى"), "fa": ("گزارش", "شکایت"),
        "ps": ("راپور", "شکایت"),
    }),
)
