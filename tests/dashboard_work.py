"""Builders for the work pages' tests: a report and feedback as the flows would store them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core.clock import now
from bot.reports.service import file_report
from bot.services import Services
from bot.store import Contact, Feedback
from bot.text import places
from tests.builders import make_contact

SECRET = "Soldiers took my brother from the market"


def make_report(services: Services, *, anonymous: bool = False, urgent: bool = False,
                category: str = "rights", province: str = "kabul",
                description: str = SECRET) -> tuple[str, int]:
    contact_id, _, _ = make_contact(services)
    fields = {"category": category, "occurred": "today", "occurred_on": now().date(),
              "province": province, "district": "Dand", "location": None,
              "description": description, "urgent": urgent, "anonymous": anonymous}
    zone = ZoneInfo(places.load(services.settings.places).timezone)
    with services.database.write() as db:
        report = file_report(db, db.get(Contact, contact_id), fields, now=now(),
                             today=now().astimezone(zone).date())
        return report.code, contact_id


def make_feedback(services: Services, *, topic: str = "services", province: str = "kabul",
                  text: str = "The clinic has no medicine") -> str:
    with services.database.write() as db:
        item = Feedback(reference=f"F-{abs(hash(text)) % 10000:04d}", topic=topic, text=text,
                        province=province, language="en", created_at=now())
        db.add(item)
        return item.reference
