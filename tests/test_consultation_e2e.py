"""A coordinator writes, checks, creates and sends a consultation in a real browser
(Debian's Chromium driven by Playwright, set up in tests/browser.py), and reads
its results with the small counts suppressed."""

from __future__ import annotations

import threading

import yaml

from tests.browser import shot, sign_in
from tests.community import person, say_all
from tests.consulting import example
from tests.dashboard_builders import make_user


def answer(people) -> None:
    for n, sim in enumerate(people):
        sim.replies()
        say_all(sim, ["دریا" if n == 0 else "۱", "بلی", "۱"])


def open_editor(browser_page, base: str, email: str) -> None:
    """Signed in, on the consultation editor."""
    sign_in(browser_page, base, email, "/dashboard/consultations/new")


def test_a_consultation_from_editor_to_results_in_a_real_browser(page, live_url,
                                                                  services):
    _, email = make_user(services, "coordinator")
    people = [person(services, lang="fa") for _ in range(6)]
    raw = example(closes="2099-01-01 18:00", remind=None)
    raw.pop("opens")
    open_editor(page, live_url, email)
    page.goto(f"{live_url}/dashboard/consultations/new")
    page.fill("#source", yaml.safe_dump(raw, allow_unicode=True))
    page.click("#preview-consultation")
    page.wait_for_selector("#questions-sms")
    fa_first = page.locator("#questions-sms tbody tr").nth(1)
    assert fa_first.locator("td.segments").inner_text() == "2"
    assert "UCS-2" in fa_first.inner_text()
    assert page.locator("#costs tbody tr").count() == 1  # six Dari speakers, one channel
    shot(page, "consultation-01-preview")
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
    shot(page, "consultation-02-results")
    assert page.console_errors == []


LIVE = """name: live
title: {en: Water}
closes: 2099-01-01 18:00
questions:
  - key: source
    kind: yesno
    text: {en: "Well?"}
  - key: enough
    kind: yesno
    text:
      en: Is there enough water"""


def test_the_editor_counts_each_question_as_the_coordinator_types(page, live_url,
                                                                   services):
    _, email = make_user(services, "coordinator")
    open_editor(page, live_url, email)
    live = page.locator("#live-sms")
    page.wait_for_selector("#live-sms[data-state=counted]")  # the example, on opening
    page.fill("#source", LIVE)
    page.wait_for_selector("#live-sms[data-state=counted]")
    english = live.locator("tr[data-question=enough][data-language=en]")
    before = int(english.locator("td.characters").inner_text())
    assert english.locator("td.encoding").inner_text() == "GSM-7"
    page.locator("#source").press("Control+End")
    page.keyboard.type(" in your village?")
    page.wait_for_selector("#live-sms[data-state=counted]")
    assert int(english.locator("td.characters").inner_text()) == before + 17
    page.keyboard.type(" آب")  # an Arabic-script word: no longer GSM-7
    page.wait_for_selector("#live-sms[data-state=counted]")
    assert english.locator("td.encoding").inner_text() == "UCS-2"
    assert live.locator("tbody tr").count() == 10  # two questions, five languages
    page.keyboard.type("\n  - key: x\n    kind: maybe")
    page.wait_for_selector("#live-sms[data-state=error]")
    assert live.locator("#live-error").inner_text() == \
        "questions[2].kind: one of choice, yesno, number, text"
    shot(page, "consultation-03-live-counts")
    # The browser notes the draft's 422 (a wrong draft is answered so); nothing else.
    assert {e.split(": ", 1)[1] for e in page.console_errors} <= {
        "the server responded with a status of 422 (UNPROCESSABLE ENTITY)"}
