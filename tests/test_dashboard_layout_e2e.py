"""The dashboard's layout in a real browser (Debian's Chromium through Playwright, as in
test_dashboard_e2e): the navigation on one line at 1280 pixels in English, Dari and
Arabic, its menus, and the broadcast composer's preview beside the form. Screenshots go to
test-artifacts/layout-*.png."""

from __future__ import annotations

from tests.dashboard_builders import make_user
from tests.test_dashboard_e2e import _shot, live_url, page  # noqa: F401  (fixtures)
from tests.test_followup_e2e import language, sign_in


def nav_lines(page) -> int:  # noqa: F811
    """How many lines the navigation bar takes: its height over one entry's height."""
    nav = page.locator("header nav").bounding_box()
    entry = page.locator("header nav > a").first.bounding_box()
    return round(nav["height"] / entry["height"])


def test_the_navigation_fits_one_line_in_english_dari_and_arabic(page, live_url, services):  # noqa: F811
    _, email = make_user(services, "admin")
    page.set_default_timeout(15_000)
    sign_in(page, live_url, email)
    for code in ("en", "fa", "ar"):
        if code != "en":
            language(page, code)
        assert nav_lines(page) == 1, code
        middles = [box["y"] + box["height"] / 2 for box in (
            e.bounding_box() for e in page.locator("header nav > a, header nav summary").all())]
        assert len(middles) == 6 and max(middles) - min(middles) < 4, (code, middles)
        header = page.locator("header.top").bounding_box()
        entry = page.locator("header nav > a").first.bounding_box()
        assert header["height"] < 2.5 * entry["height"], code  # the whole bar is one row
        _shot(page, f"layout-nav-{code}")

    page.click("nav details[data-section=settings] summary")
    users = page.locator("nav details[data-section=settings] a").first
    assert users.is_visible()
    assert nav_lines(page) == 1  # the open menu lies over the page, not in the bar
    page.click("nav details[data-section=records] summary")
    users.wait_for(state="hidden")  # one menu open at a time
    page.keyboard.press("Escape")
    assert page.locator("nav details[open]").count() == 0
    _shot(page, "layout-nav-menu-ar")
    assert page.console_errors == []
