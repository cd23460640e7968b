"""End to end in a real browser (tests/browser.py): a coordinator works in Dari, and runs a
meeting, a broadcast and a report. Screenshots go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import threading

from bot.core.clock import now
from bot.text.segments import count
from tests.browser import shot, sign_in
from tests.dashboard_builders import PASSWORD, make_user


def test_a_coordinator_works_in_dari_in_a_real_browser(page, live_url, services):
    _, email = make_user(services, "coordinator")
    page.set_default_timeout(15_000)

    page.goto(f"{live_url}/dashboard/overview/")
    assert "/dashboard/login" in page.url
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/dashboard/overview/")
    shot(page, "01-overview-en")

    page.select_option("#language-switch", "fa")  # app.js submits the switcher itself
    page.wait_for_selector("html[dir=rtl][lang=fa]")
    assert page.locator("nav a").first.inner_text() == "خلاصه"
    shot(page, "02-overview-fa-rtl")

    page.goto(f"{live_url}/dashboard/contacts/new")
    page.fill("form.card input[name=phone]", "+93 700 222 333")
    page.fill("input[name=name]", "مریم")
    page.select_option("form.card select[name=language]", "fa")
    page.select_option("form.card select[name=province]", "kabul")
    page.select_option("form.card select[name=role]", "shura")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("h1 >> text=مریم")
    shot(page, "03-contact-added")

    page.goto(f"{live_url}/dashboard/simulator/")
    page.select_option("form.card select[name=language]", "fa")
    page.fill("input[name=text]", "سلام")
    page.click("form.card button[type=submit]")
    reply = page.locator("ol.chat li.from-bot").first
    reply.wait_for()
    assert reply.inner_text().strip()
    shot(page, "04-simulator")

    for text in ("سلام " * 15, "Meeting at 10 {room 4} €5 " * 7, "ok", "😀" * 40):
        page.fill("#sim-text", text)
        expected = count(text)
        counter = page.locator("#sim-text-count")
        assert counter.get_attribute("data-encoding") == expected.encoding, text
        assert counter.get_attribute("data-segments") == str(expected.segments), text
    assert page.locator("#sim-text-count").inner_text() == "۴۰ حرف · UCS-2 · ۲ پیامک"

    page.goto(f"{live_url}/dashboard/messages/")
    assert page.locator("table.messages td.text >> text=سلام").count() >= 1
    shot(page, "05-messages")
    assert page.console_errors == []  # nothing blocked by the CSP, no script errors


def test_a_coordinator_runs_a_meeting_a_broadcast_and_a_report(page, live_url, services):
    from bot.contacts.imports import add_member, group_by_name
    from bot.store import Report
    from tests.builders import make_contact
    from tests.dashboard_work import make_report

    _, email = make_user(services, "coordinator")
    contact_id, _, address = make_contact(services, name="Amina")
    with services.database.write() as db:
        add_member(db, group_by_name(db, "Dand shura"), contact_id)
    code, _ = make_report(services)
    sign_in(page, live_url, email)

    page.goto(f"{live_url}/dashboard/meetings/")
    start = (now() + dt.timedelta(days=7)).strftime("%Y-%m-%dT10:00")
    page.fill("#new-meeting input[name=title_en]", "Dand shura")
    page.fill("#new-meeting input[name=start]", start)
    page.fill("#new-meeting input[name=quorum]", "1")
    page.select_option("#new-meeting select[name=group]", label="Dand shura")
    page.click("#new-meeting button[type=submit]")
    page.wait_for_selector("#roster")
    assert page.locator("#roster td.rsvp").inner_text() == "No answer"

    assert "Dand shura" in _sms(services, address, "yes")[0]
    page.reload()
    assert page.locator("#roster td.rsvp").inner_text() == "Yes"
    assert page.locator("#yes-count").inner_text() == "1"
    assert page.locator("#quorum").inner_text() == "Reached"
    shot(page, "06-meeting-roster")

    page.goto(f"{live_url}/dashboard/broadcasts/new")
    page.fill("input[name=name]", "Clinic days")
    page.fill("#text-en", "The clinic in Dand is open on Monday and Thursday, 8:00 to 12:00.")
    dari = "کلینیک دند روزهای دوشنبه و پنجشنبه از ساعت ۸ تا ۱۲ باز است."
    page.fill("#text-fa", dari)
    assert page.locator("#text-fa-count").get_attribute("data-encoding") == "UCS-2"
    page.select_option("select[name=groups]", label="Dand shura")
    page.check("input[name=when][value=at]")
    page.fill("input[name=at]", (now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT09:00"))
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("#preview")
    assert page.locator("#audience-size").inner_text() == "1 person receives it"
    with_hint = count(dari + "\n" + compose_hint("fa"))
    fa_row = page.locator("#versions tr", has_text="دری")
    assert fa_row.locator("td.segments").inner_text() == str(with_hint.segments)
    shot(page, "07-broadcast-preview")
    page.click("#create-broadcast")
    page.wait_for_selector("#progress")
    assert page.locator("#broadcast-status").inner_text() == "Scheduled"
    shot(page, "08-broadcast-progress")

    page.goto(f"{live_url}/dashboard/reports/{code}")
    page.select_option("select[name=status]", "reviewing")
    page.click("form[action$='/status'] button[type=submit]")
    page.wait_for_selector("#report-status >> text=being reviewed")
    with services.database.read() as db:
        assert db.get(Report, code).status == "reviewing"
    shot(page, "09-report-status")

    page.select_option("#language-switch", "fa")
    page.wait_for_selector("html[dir=rtl][lang=fa]")
    page.goto(f"{live_url}/dashboard/meetings/")
    page.wait_for_selector("html[dir=rtl][lang=fa]")
    page.locator("table.list a").first.click()
    page.wait_for_selector("#roster")
    assert page.locator("#roster td.rsvp").inner_text() == "بلی"
    shot(page, "10-roster-fa-rtl")
    page.goto(f"{live_url}/dashboard/overview/")
    for panel in ("reports", "feedback", "rsvp", "delivery"):
        assert page.locator(f"#panel-{panel} table").count() >= 1
    assert page.locator("#panel-rsvp td.num").first.inner_text() == "۱ بلی از ۱"
    shot(page, "11-overview-panels-fa")
    assert page.console_errors == []


def _sms(services, address: str, text: str) -> list[str]:
    """A person's message through the simulator (services.inbox), on a thread of its own:
    the simulator runs the dispatcher's event loop, and Playwright's is running here."""
    from tests.builders import chat

    replies: list[str] = []
    thread = threading.Thread(target=lambda: replies.extend(chat(services, address=address)
                                                            .say(text)))
    thread.start()
    thread.join(timeout=30)
    return replies


def compose_hint(language: str) -> str:
    from bot.broadcasts.compose import stop_hint

    return stop_hint(language)
