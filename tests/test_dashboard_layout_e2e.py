"""The dashboard's layout in a real browser (Debian's Chromium through Playwright, as in
tests/browser.py): the navigation on one line at 1280 pixels in English, Dari and
Arabic, its menus, and the broadcast composer's preview beside the form. Screenshots go to
test-artifacts/layout-*.png."""

from __future__ import annotations

from tests.browser import language, shot, sign_in
from tests.dashboard_builders import make_user


def nav_lines(page) -> int:
    """How many lines the navigation bar takes: its height over one entry's height."""
    nav = page.locator("header nav").bounding_box()
    entry = page.locator("header nav > a").first.bounding_box()
    return round(nav["height"] / entry["height"])


def test_the_navigation_fits_one_line_in_english_dari_and_arabic(page, live_url, services):
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
        shot(page, f"layout-nav-{code}")

    page.click("nav details[data-section=settings] summary")
    users = page.locator("nav details[data-section=settings] a").first
    assert users.is_visible()
    assert nav_lines(page) == 1  # the open menu lies over the page, not in the bar
    page.click("nav details[data-section=records] summary")
    users.wait_for(state="hidden")  # one menu open at a time
    page.keyboard.press("Escape")
    assert page.locator("nav details[open]").count() == 0
    shot(page, "layout-nav-menu-ar")
    assert page.console_errors == []


def test_the_composer_preview_sits_beside_the_form_or_on_top_when_narrow(
        page, live_url, services):
    from tests.builders import make_contact

    make_contact(services, lang="ps")
    _, email = make_user(services, "coordinator")
    page.set_default_timeout(15_000)
    sign_in(page, live_url, email)
    page.goto(f"{live_url}/dashboard/broadcasts/new")
    page.fill("input[name=name]", "Clinic days")
    page.fill("#text-en", "The clinic is open on Monday.")
    page.click("button[name=step][value=preview]")
    page.wait_for_selector("#preview")
    form = page.locator("#composer .fields").bounding_box()
    preview = page.locator("#preview").bounding_box()
    assert preview["x"] >= form["x"] + form["width"]  # beside, not below
    assert preview["y"] < form["y"] + 200  # at the top of the page, not 2,400 px down
    warning = page.locator("#preview .flash.warning").first
    assert warning.inner_text().startswith("No پښتو text")
    assert warning.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 244, 214)"
    button = page.locator("#create-broadcast")
    assert button.inner_text() == "Send now"
    page.check("input[name=when][value=at]")
    assert button.inner_text() == "Schedule it"
    shot(page, "layout-composer-wide")

    page.set_viewport_size({"width": 600, "height": 900})
    page.goto(f"{live_url}/dashboard/broadcasts/new")
    language(page, "ar")
    pending = page.locator("#preview-pending").bounding_box()
    first = page.locator("#composer .fields").bounding_box()
    assert pending["y"] + pending["height"] <= first["y"]  # on top, on a narrow screen
    shot(page, "layout-composer-narrow-ar")
    assert page.console_errors == []


def test_overview_figures_stay_inside_their_cards_in_arabic_and_dari(page, live_url, services):
    from tests.overview_builders import sent_broadcast

    sent_broadcast(services, "Clinic days announcement for every district", "sms",
                   ["delivered", "sent", "failed"])
    sent_broadcast(services, "Simulator trial", "sim", ["sent"])
    _, email = make_user(services, "coordinator")
    page.set_default_timeout(15_000)
    sign_in(page, live_url, email)
    for code in ("ar", "fa"):
        language(page, code)
        cards = page.locator("main .card").all()
        assert len(cards) >= 6
        for card in cards:
            box = card.bounding_box()
            for cell in card.locator("td, th, p").all():
                inner = cell.bounding_box()
                assert box["x"] - 1 <= inner["x"], (code, cell.inner_text())
                assert inner["x"] + inner["width"] <= box["x"] + box["width"] + 1, (
                    code, cell.inner_text())
                assert cell.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), (
                    code, cell.inner_text())  # nothing spills out of its cell either
        assert page.locator("#panel-delivery td.unreported").count() == 1
        shot(page, f"layout-overview-{code}")
    assert page.console_errors == []
