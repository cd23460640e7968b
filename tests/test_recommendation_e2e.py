"""A coordinator records a recommendation from a meeting and moves it on, in a real
browser (Debian's Chromium driven by Playwright, as tests/test_dashboard_e2e.py does)."""

from __future__ import annotations

from tests.dashboard_builders import PASSWORD, make_user
from tests.meeting_builders import make_meeting
from tests.test_dashboard_e2e import _shot, live_url, page  # noqa: F401  (fixtures)


def test_a_recommendation_recorded_and_moved_on_in_a_real_browser(page, live_url,  # noqa: F811
                                                                   services):
    _, email = make_user(services, "coordinator")
    meeting = make_meeting(services)
    page.set_default_timeout(15_000)
    page.goto(f"{live_url}/dashboard/recommendations/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/dashboard/recommendations/")
    page.select_option("#rec-source", f"meeting:{meeting}")
    page.fill("#rec-to", "Provincial council")
    page.fill("#rec-text-en", "A clinic in Dand")
    page.fill("#rec-text-fa", "یک کلینیک در دند")
    page.click("#add-recommendation")
    card = page.locator("#recommendation-1")
    card.wait_for()
    assert "A clinic in Dand" in card.inner_text() and f"meeting {meeting}" in card.inner_text()
    _shot(page, "recommendation-01-recorded")
    card.locator("select[name=status]").select_option("accepted")
    card.locator("input[name=note]").fill("Agreed by the council")
    card.locator("button[type=submit]").click()
    page.wait_for_selector("#recommendation-1 dd.status:has-text('Accepted')")
    assert "Agreed by the council" in page.locator("#recommendation-1 .history").inner_text()
    assert page.console_errors == []
