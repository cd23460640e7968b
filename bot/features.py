"""The composition root: the one list of what Mashwara does.

Each feature is the list of modules that make it up. A module offers its parts as
plain tuples (FLOWS, MENU_ITEMS, KEYWORDS, TICKS, ERASERS, EXPORTS) and registers
nothing itself; `install` puts every part where the engine, the worker, erasure and
the exports look, so what runs is exactly what is listed here.
"""

from __future__ import annotations

from types import ModuleType

from bot.audit import export as audit_export
from bot.broadcasts import hooks as broadcasts
from bot.consultations import hooks as consultations
from bot.consultations import recommendations
from bot.contacts import erasure
from bot.contacts import export as contacts_export
from bot.conversations import service as conversations
from bot.core import exports, ticks
from bot.meetings import erasure as meetings_erasure
from bot.meetings import export as meetings_export
from bot.meetings import reminders
from bot.pipeline import housekeeping, routing
from bot.reports import export as reports_export
from bot.reports import service as reports
from bot.reports import ticks as reports_ticks
from bot.text import keywords
from flows import (
    checkin,
    consultation,
    core,
    engine,
    feedback,
    referral,
    registration,
    report,
    rsvp,
    status,
)
from flows import conversation as to_coordinator

FEATURES: dict[str, tuple[ModuleType, ...]] = {
    "conversations": (core, registration, housekeeping),
    "contacts": (contacts_export,),
    "feedback": (feedback,),
    "reports": (report, status, reports, reports_export, reports_ticks),
    "meetings": (rsvp, checkin, reminders, meetings_erasure, meetings_export),
    "broadcasts": (broadcasts,),
    "audit": (audit_export,),
    "channels": (routing,),
    "followup": (to_coordinator, conversations, referral),
    "consultations": (consultation, consultations, recommendations),
}


def parts(kind: str) -> list:
    return [part for modules in FEATURES.values() for module in modules
            for part in getattr(module, kind, ())]


def install() -> None:
    """Idempotent: every Services built in one process installs the same parts."""
    engine.install(parts("FLOWS"), parts("MENU_ITEMS"))
    keywords.install(parts("KEYWORDS"))
    ticks.TICKS.clear()
    ticks.TICKS.update((tick.name, tick) for tick in parts("TICKS"))
    erasure.ERASERS[:] = parts("ERASERS")
    exports.EXPORTS.clear()
    exports.EXPORTS.update((export.name, export) for export in parts("EXPORTS"))
