"""The dashboard as a coordinator reads it: one time zone, stated; each reader's calendar
and digits; words instead of stored codes; erased people labelled; arrows that point the
reading way."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re

import pytest
import time_machine
from sqlalchemy import select

from bot.audit.trail import record
from bot.contacts.erasure import erase_contact
from bot.core.clock import now
from bot.meetings import service as meetings
from bot.reports.service import change_status
from bot.store import Contact, Message, Report
from bot.text import places as geography
from bot.text.calendar import solar_hijri
from bot.text.normalize import localize_digits
from locales import Translator
from tests.builders import running, web_app
from tests.community import ANONYMOUS, NAMED, person, say_all
from tests.dashboard_builders import csrf, signed_in
from tests.dashboard_work import make_feedback, make_report

# 21:00 UTC on 20 November is 01:30 on 21 November in Kabul (UTC+04:30).
EVENING_UTC = dt.datetime(2026, 11, 20, 21, 0, tzinfo=dt.UTC)


def _switch(client, language: str, page: str = "/dashboard/overview/") -> None:
    client.post("/dashboard/language", data={"language": language, "next": page,
                                             "csrf_token": csrf(client, page)})


def _cells(page: str) -> list[str]:
    """The text of each table cell, tags removed."""
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]


def test_every_page_says_once_which_zone_its_times_are_in(app, services):
    client = signed_in(app, services, "admin")
    for path in ("/dashboard/overview/", "/dashboard/reports/", "/dashboard/audit/",
                 "/dashboard/messages/", "/dashboard/exports/"):
        page = client.get(path).get_data(as_text=True)
        assert page.count("Times in \u2066Asia/Kabul (UTC+04:30)\u2069") == 1, path
    _switch(client, "fa")
    page = client.get("/dashboard/reports/").get_data(as_text=True)
    assert "\u2066Asia/Kabul (UTC+۰۴:۳۰)\u2069" in page


def test_a_meeting_elsewhere_is_shown_in_the_stated_zone_with_its_own_beside(app, services):
    with services.database.write() as db:
        kabul = meetings.create(db, title={"en": "Shura"}, time_zone="Asia/Kabul",
                                local_start=dt.datetime(2030, 1, 5, 10, 0), now=now()).id
        aden = meetings.create(db, title={"en": "Dialogue"}, time_zone="Asia/Aden",
                               local_start=dt.datetime(2030, 1, 5, 10, 0), now=now()).id
    client = signed_in(app, services, "coordinator")
    page = client.get(f"/dashboard/meetings/{kabul}").get_data(as_text=True)
    assert "Jan 5, 2030, 10:00:00" in page and 'id="meeting-zone"' not in page
    page = client.get(f"/dashboard/meetings/{aden}").get_data(as_text=True)
    assert "Jan 5, 2030, 11:30:00" in page  # 10:00 in Aden is 11:30 in Kabul
    there = re.search(r'<small id="meeting-zone">([^<]+)</small>', page).group(1)
    assert there == "(local time there: 1/5/30, 10:00\u202fAM, \u2066Asia/Aden (UTC+03:00)\u2069)"


def test_an_anonymous_report_is_dated_by_the_kabul_day_like_the_times_beside_it(app, services):
    with time_machine.travel(EVENING_UTC, tick=False):
        say_all(person(services), ANONYMOUS)
        say_all(person(services), NAMED)
    with services.database.read() as db:
        days = {r.anonymous: r.received_on for r in db.scalars(select(Report))}
    assert days == {True: dt.date(2026, 11, 21), False: dt.date(2026, 11, 21)}
    client = signed_in(app, services, "coordinator")
    cells = _cells(client.get("/dashboard/reports/").get_data(as_text=True))
    assert "21 Nov" in cells  # the anonymous one: a day only
    assert any(cell.startswith("11/21/26, 1:30") for cell in cells)  # the named one


def test_audit_date_filters_are_kabul_days_like_its_rows(app, services):
    with services.database.write() as db:
        record(db, "cli:root", "report.view", "report", "R-AAAA").at = EVENING_UTC
    admin = signed_in(app, services, "admin")

    def shown(query: str) -> bool:
        return "R-AAAA" in admin.get(f"/dashboard/audit/?{query}").get_data(as_text=True)

    assert "11/21/26, 1:30" in admin.get("/dashboard/audit/").get_data(as_text=True)
    assert shown("since=2026-11-21") and shown("until=2026-11-21")
    assert not shown("until=2026-11-20")
    assert not shown("since=2026-11-22")


def test_report_and_export_date_filters_are_kabul_days(app, services):
    with time_machine.travel(EVENING_UTC, tick=False):
        code, _ = make_report(services)
    client = signed_in(app, services, "coordinator")
    assert code in client.get("/dashboard/reports/?since=2026-11-21").get_data(as_text=True)
    assert code not in client.get("/dashboard/reports/?until=2026-11-20").get_data(as_text=True)
    exported = client.get("/dashboard/exports/reports.csv?since=2026-11-21&until=2026-11-21")
    assert code in exported.get_data(as_text=True)
    exported = client.get("/dashboard/exports/reports.csv?until=2026-11-20")
    assert code not in exported.get_data(as_text=True)


def test_dari_and_pashto_pages_show_solar_hijri_dates_in_their_digits(app, services):
    with time_machine.travel(EVENING_UTC, tick=False):
        code, _ = make_report(services)
        client = signed_in(app, services, "coordinator")
        for language in ("fa", "ps"):
            _switch(client, language)
            # 21 November 2026 (Kabul) is 30 Aqrab 1405, in Afghan month names
            day = localize_digits(solar_hijri(dt.date(2026, 11, 21), language), language)
            assert day.startswith("۳۰ ") and day.endswith(" ۱۴۰۵")
            inbox = _cells(client.get("/dashboard/reports/").get_data(as_text=True))
            assert f"{day} ۰۱:۳۰" in inbox
            page = client.get(f"/dashboard/reports/{code}").get_data(as_text=True)
            gregorian = localize_digits("(21 ", language)  # the detail page gives both
            assert f"<dd>{day} {gregorian}" in page
        _switch(client, "ar")
        page = client.get(f"/dashboard/reports/{code}").get_data(as_text=True)
        assert "٢٠٢٦" in page and "عقرب" not in page  # Arabic readers: Gregorian


def _weeks(page: str, language: str) -> list[str]:
    """The row labels of the overview's reports-by-week chart."""
    caption = Translator(language, "en")("dash.panel.reports_by_week")
    table = page.split(f"<caption>{caption}</caption>")[1].split("</table>")[0]
    return re.findall(r'<th scope="row">([^<]+)</th>', table)


def test_overview_weeks_start_on_saturday_for_dari_and_monday_in_english(app, services):
    with time_machine.travel(EVENING_UTC - dt.timedelta(days=7), tick=False):
        make_report(services)  # a week earlier: the chart leaves out weeks with none
    with time_machine.travel(EVENING_UTC, tick=False):  # Saturday 21 November in Kabul
        make_report(services)
        client = signed_in(app, services, "coordinator")
        english = _weeks(client.get("/dashboard/overview/").get_data(as_text=True), "en")
        _switch(client, "fa")
        dari = _weeks(client.get("/dashboard/overview/").get_data(as_text=True), "fa")
    assert english[-1] == "16 Nov"  # Monday 16 November
    saturday = localize_digits(solar_hijri(dt.date(2026, 11, 21), "fa").rsplit(" ", 1)[0], "fa")
    assert dari[-1] == saturday and dari[-2] == "۲۳ عقرب"  # Saturday 14 November


@pytest.mark.parametrize(("places", "first_day"), [("yemen", "١٥ نوفمبر"),  # Sunday
                                                  ("morocco", "16 نوفمبر")])  # Monday
def test_arabic_weeks_start_as_the_deployments_country_starts_them(settings, places,
                                                                    first_day):
    with running(dataclasses.replace(settings, places=places)) as services, \
            time_machine.travel(EVENING_UTC, tick=False):  # Saturday 21 Nov in Aden
        make_report(services, province=geography.load(places).places[0].code)
        client = signed_in(web_app(services), services, "coordinator")
        _switch(client, "ar")
        weeks = _weeks(client.get("/dashboard/overview/").get_data(as_text=True), "ar")
    assert weeks[-1] == first_day


def test_check_in_codes_and_counts_are_in_the_readers_digits(app, services):
    with services.database.write() as db:
        meeting = meetings.create(db, title={"en": "Shura"}, time_zone="Asia/Kabul",
                                  local_start=dt.datetime(2030, 1, 5, 10, 0), now=now())
        meeting_id, checkin = meeting.id, meeting.checkin_code
    client = signed_in(app, services, "coordinator")
    _switch(client, "fa")
    page = client.get(f"/dashboard/meetings/{meeting_id}").get_data(as_text=True)
    shown = re.search(r'id="checkin-code"><bdi dir="ltr">([^<]+)<', page).group(1)
    assert shown == localize_digits(checkin, "fa") and shown != checkin
    _switch(client, "en")
    page = client.get(f"/dashboard/meetings/{meeting_id}").get_data(as_text=True)
    assert f'id="checkin-code"><bdi dir="ltr">{checkin}<' in page


def test_the_audit_trail_says_in_words_who_did_what(app, services):
    with services.database.write() as db:
        record(db, "cli:root", "report.view", "report", "R-7K3Q")
        record(db, "token:7", "export", "export", "rsvps")
        record(db, "scheduler", "some.new_action")
    admin = signed_in(app, services, "admin")
    cells = _cells(admin.get("/dashboard/audit/").get_data(as_text=True))
    assert {"command line (root)", "Viewed a report", "report R-7K3Q"} <= set(cells)
    assert {"API token 7", "Downloaded an export", "export of Meeting answers (RSVPs)"} <= set(
        cells)
    assert {"the scheduler", "some.new_action"} <= set(cells)  # a new code still shows
    assert "cli:root" not in cells and "report.view" not in cells
    _switch(admin, "fa", "/dashboard/audit/")
    cells = _cells(admin.get("/dashboard/audit/").get_data(as_text=True))
    assert {"خط فرمان (root)", "گزارشی را دید", "توکن API شماره ۷"} <= set(cells)


def test_the_audit_trails_details_are_named_in_words_with_their_values_as_they_are(
        app, services):
    with services.database.write() as db:
        record(db, "token:7", "report.list", details={
            "codes": ["R-7K3Q", "R-2B4C"], "rows": 12, "refused": False, "brand_new": "x"})
    admin = signed_in(app, services, "admin")
    cells = _cells(admin.get("/dashboard/audit/").get_data(as_text=True))
    assert "Codes: R-7K3Q, R-2B4C; Rows: 12; Refused: False; brand_new: x" in cells
    _switch(admin, "fa", "/dashboard/audit/")
    cells = _cells(admin.get("/dashboard/audit/").get_data(as_text=True))
    assert "کودها: R-7K3Q, R-2B4C; ردیف‌ها: 12; رد شد: False; brand_new: x" in cells


def test_exports_are_named_in_words_and_files_keep_machine_headers(app, services):
    admin = signed_in(app, services, "admin")
    page = admin.get("/dashboard/exports/").get_data(as_text=True)
    assert "Meeting answers (RSVPs)" in page and ">On what<" in page
    assert '<span title="target_type">' in page
    _switch(admin, "ar", "/dashboard/exports/")
    page = admin.get("/dashboard/exports/").get_data(as_text=True)
    assert "الردود على الدعوات" in page and ">على ماذا<" in page
    data = admin.get("/dashboard/exports/audit.csv").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    assert header == ["at", "actor", "action", "target_type", "target_id", "details"]


def test_the_message_log_names_channel_status_and_person(app, services):
    sim = person(services, name="Zarghuna")
    sim.say("menu")
    client = signed_in(app, services, "coordinator")
    page = client.get("/dashboard/messages/").get_data(as_text=True)
    cells = _cells(page)
    assert "Simulator" in cells and "Answered" in cells and "Zarghuna" in cells
    assert "sim" not in cells and "handled" not in cells
    assert f'/dashboard/contacts/{sim.contact_id}"' in page
    assert "Answered" in client.get("/dashboard/messages/?status=handled").get_data(
        as_text=True)


def test_an_erased_persons_reports_feedback_and_messages_are_labelled(app, services):
    code, contact_id = make_report(services)
    anonymous, _ = make_report(services, anonymous=True)
    sim = person(services)
    sim.say("menu")
    make_feedback(services)
    with services.database.write() as db:
        erase_contact(db, db.get(Contact, contact_id))
        erase_contact(db, db.get(Contact, sim.contact_id))
    client = signed_in(app, services, "coordinator")
    label = "erased person"
    inbox = client.get("/dashboard/reports/").get_data(as_text=True)
    rows = {c: row for row in inbox.split("<tr>") for c in (code, anonymous) if c in row}
    assert label in rows[code] and label not in rows[anonymous]
    assert label in client.get(f"/dashboard/reports/{code}").get_data(as_text=True)
    page = client.get(f"/dashboard/reports/{anonymous}").get_data(as_text=True)
    assert label not in page and "Anonymous" in page
    assert label in client.get("/dashboard/feedback/").get_data(as_text=True)
    with services.database.read() as db:
        erased = db.scalars(select(Message).where(Message.contact_id == sim.contact_id)).all()
    assert erased
    page = client.get(f"/dashboard/messages/?contact={sim.contact_id}").get_data(as_text=True)
    assert page.count(label) == len(erased)
    _switch(client, "ps", "/dashboard/feedback/")
    assert "پاک شوی کس" in client.get("/dashboard/feedback/").get_data(as_text=True)


def test_the_status_history_arrow_points_the_reading_way(app, services):
    code, _ = make_report(services)
    with services.database.write() as db:
        change_status(db, db.get(Report, code), "reviewing", "coordinator", None, now(),
                      services.settings)
    client = signed_in(app, services, "coordinator")
    arrow = re.compile(r'<span class="arrow" aria-hidden="true">(.)</span>')
    page = client.get(f"/dashboard/reports/{code}").get_data(as_text=True)
    assert arrow.findall(page) == ["→"]
    for language in ("fa", "ps", "ar"):
        _switch(client, language)
        page = client.get(f"/dashboard/reports/{code}").get_data(as_text=True)
        assert arrow.findall(page) == ["←"], language


LATIN_ON_PURPOSE = re.compile(
    r"<(script|style|textarea|code|select|title)\b.*?</\1>"  # not prose
    r'|<(bdi|a|span|td|dd)\b[^>]*dir="ltr"[^>]*>.*?</\2>'  # codes typed as they are: R-7K3Q
    r'|<td class="text[^"]*"[^>]*>.*?</td>'  # what people wrote, and the SMS sent to them
    r"|<[^>]+>", re.S)


def test_dari_prose_on_the_work_pages_has_no_latin_digits(app, services):
    code, _ = make_report(services)
    with services.database.write() as db:
        change_status(db, db.get(Report, code), "reviewing", "coordinator", None, now(),
                      services.settings)
        meeting = meetings.create(db, title={"en": "Shura"}, time_zone="Asia/Kabul",
                                  local_start=dt.datetime(2030, 1, 5, 10, 0), now=now())
        meeting_id = meeting.id
        record(db, "cli:root", "report.view", "report", code)
    make_feedback(services)
    person(services).say("menu")
    client = signed_in(app, services, "admin")
    _switch(client, "fa")
    for path in ("/dashboard/overview/", "/dashboard/reports/", f"/dashboard/reports/{code}",
                 "/dashboard/feedback/", "/dashboard/messages/", "/dashboard/meetings/",
                 f"/dashboard/meetings/{meeting_id}", "/dashboard/audit/",
                 "/dashboard/contacts/", "/dashboard/broadcasts/"):
        text = LATIN_ON_PURPOSE.sub(" ", client.get(path).get_data(as_text=True))
        assert not re.findall(r".{0,20}[0-9].{0,20}", text), path
