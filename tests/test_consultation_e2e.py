"""A coordinator writes, checks, creates and sends a consultation in a real browser
(Debian's Chromium driven by Playwright, as tests/test_dashboard_e2e.py does), and reads
its results with the small counts suppressed."""

from __future__ import annotations

import threading

import yaml

from tests.community import person, say_all
from tests.consulting import example
from tests.dashboard_builders import PASSWORD, make_user
from tests.test_dashboard_e2e import _shot, live_url, page  # noqa: F401  (fixtures)


def answer(people) -> None:
    for n, sim in enumerate(people):
        sim.replies()
        say_all(sim, ["دریا" if n == 0 else "۱", "بلی", "۱"])


def test_a_consultation_from_editor_to_results_in_a_real_browser(page, live_url,  # noqa: F811
                                                                  services):
    _, email = make_user(services, "coordinator")
    people = [person(services, lang="fa") for _ in range(6)]
    raw = example(closes="2099-01-01 18:00", remind=None)
    raw.pop("opens")
    page.set_default_timeout(15_000)
    page.goto(f"{live_url}/dashboard/consultations/new")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/dashboard/consultations/new")
    page.goto(f"{live_url}/dashboard/consultations/new")
    page.fill("#source", yaml.safe_dump(raw, allow_unicode=True))
    page.click("#preview-consultation")
    page.wait_for_selector("#questions-sms")
    fa_first = page.locator("#questions-sms tbody tr").nth(1)
    assert fa_first.locator("td.segments").inner_text() == "2"
    assert "UCS-2" in fa_first.inner_text()
    assert page.locator("#costs tbody tr").count() == 1  # six Dari speakers, one channel
    _shot(page, "consultation-01-preview")
    page.click("#create-consultation")
    page.wait_for_selector("#send-consultation")
    page.click("#send-consultation")
    page.wait_for_selector("#consultation-status")
    assert page.locator("#consultation-status").inner_text() == "Open"
    answering = threading.Thread(target=answer, args=(people,))  # away from Playwright's loop
    answering.start()
    answering.join()
    page.reload()
    source = page.locator("#q-source table.counts")
    assert source.locator("tr").nth(0).inner_text().split() == ["Well", "5"]
    assert "fewer than 5" in source.locator("tr").nth(1).inner_text()
    assert page.locator("#responses").inner_text() == "6"
    _shot(page, "consultation-02-results")
    assert page.console_errors == []
