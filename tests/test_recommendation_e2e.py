"""A coordinator records a recommendation from a meeting and moves it on, in a real
browser (Debian's Chromium driven by Playwright, set up in tests/browser.py)."""

from __future__ import annotations

from tests.browser import shot, sign_in
from tests.dashboard_builders import make_user
from tests.meeting_builders import make_meeting


def test_a_recommendation_recorded_and_moved_on_in_a_real_browser(page, live_url,
                                                                   services):
    _, email = make_user(services, "coordinator")
    meeting = make_meeting(services)
    sign_in(page, live_url, email, "/dashboard/recommendations/")
    page.select_option("#rec-source", f"meeting:{meeting}")
    page.fill("#rec-to", "Provincial council")
    page.fill("#rec-text-en", "A clinic in Dand")
    page.fill("#rec-text-fa", "یک کلینیک در دند")
    page.click("#add-recommendation")
    card = page.locator("#recommendation-1")
    card.wait_for()
    assert "A clinic in Dand" in card.inner_text() and f"meeting {meeting}" in card.inner_text()
    shot(page, "recommendation-01-recorded")
    card.locator("select[name=status]").select_option("accepted")
    card.locator("input[name=note]").fill("Agreed by the council")
    card.locator("button[type=submit]").click()
    page.wait_for_selector("#recommendation-1 dd.status:has-text('Accepted')")
    assert "Agreed by the council" in page.locator("#recommendation-1 .history").inner_text()
    assert page.console_errors == []
