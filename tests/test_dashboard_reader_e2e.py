"""In a real browser (Debian's Chromium): the status-history arrow points from the old
status to the new one as the page is laid out, in English and in Arabic and Dari, and the
page says which zone its times are in."""

from __future__ import annotations

from bot.core.clock import now
from bot.reports.service import change_status
from bot.store import Report
from tests.browser import apart, language, shot, sign_in
from tests.dashboard_builders import make_user
from tests.dashboard_work import make_report


def _reviewing(services) -> str:
    code, _ = make_report(services)
    with services.database.write() as db:
        change_status(db, db.get(Report, code), "reviewing", "coordinator", None, now(),
                      services.settings)
    return code


def _arrow_points_from_old_to_new(shown) -> str:
    row = shown.locator("td:has(> span.arrow)")
    old, arrow, new = (row.locator(f"span.{part}").bounding_box()
                       for part in ("from", "arrow", "to"))
    glyph = row.locator("span.arrow").inner_text()
    if old["x"] < new["x"]:
        assert old["x"] < arrow["x"] < new["x"] and glyph == "→"
    else:
        assert old["x"] > arrow["x"] > new["x"] and glyph == "←"
    return glyph


def test_the_status_arrow_points_the_reading_way_in_a_real_browser(page, live_url,
                                                                   services):
    _, email = apart(make_user, services, "coordinator")
    code = apart(_reviewing, services)
    page.set_default_timeout(15_000)
    sign_in(page, live_url, email)
    page.goto(f"{live_url}/dashboard/reports/{code}")
    assert _arrow_points_from_old_to_new(page) == "→"
    assert page.locator("#time-zone").inner_text() == "Times in \u2066Asia/Kabul (UTC+04:30)\u2069"
    for code_ in ("ar", "fa"):
        language(page, code_)
        assert _arrow_points_from_old_to_new(page) == "←"
        assert page.locator("#time-zone").is_visible()
        shot(page, f"reader-history-{code_}")
    assert not page.console_errors
