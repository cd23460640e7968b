"""The follow-up in a real browser (Debian's Chromium through Playwright, as in
tests/browser.py): a named report arrives, the coordinator asks from the report's page,
the reporter answers, the unread count shows in the navigation, the reply box counts
segments live, the report is referred after the reporter agreed; an anonymous report's
question is answered through STATUS and shown. Screenshots in English, Dari and Arabic
go to test-artifacts/followup-*.png."""

from __future__ import annotations

from tests.browser import apart, language, shot, sign_in
from tests.community import person
from tests.dashboard_builders import make_user
from tests.followup_builders import file_by_sms
from tests.test_referral import add_partner


def test_a_whole_follow_up_in_a_real_browser(page, live_url, services, settings):
    _, email = apart(make_user, services, "coordinator")
    apart(add_partner, settings)
    sim = apart(lambda: person(services, lang="fa", name="Zarghuna"))
    code = apart(file_by_sms, sim)
    apart(sim.replies)
    page.set_default_timeout(15_000)
    sign_in(page, live_url, email)

    page.goto(f"{live_url}/dashboard/reports/{code}")
    page.fill("textarea[name=text][maxlength='600']", "Which village?")
    page.click("form[action$='/ask'] button")
    page.wait_for_selector("text=Sent: it is on its way to the person.")
    assert apart(sim.replies)[0].startswith(f"درباره گزارش {code} شما: Which village?")
    apart(sim.say, "قریه قلعه نو")

    page.goto(f"{live_url}/dashboard/reports/")
    assert page.locator("nav summary .badge").inner_text() == "1"
    page.click("nav summary >> text=Follow-up")
    page.click("nav details[open] a >> text=Conversations")
    page.click("table.list a >> text=Zarghuna")
    page.wait_for_selector("#thread >> text=قریه قلعه نو")
    page.fill("#reply-text", "تشکر، فردا زنگ می‌زنیم.")
    counter = page.locator("#reply-text-count")
    counter.wait_for()
    assert counter.get_attribute("data-encoding") == "UCS-2"
    shot(page, "followup-conversation-en")
    page.click("text=Send now")
    page.wait_for_selector("text=Sent: it is on its way to the person.")
    assert apart(sim.replies) == ["تشکر، فردا زنگ می‌زنیم."]
    language(page, "fa")
    assert page.locator("html").get_attribute("dir") == "rtl"
    shot(page, "followup-conversation-fa")

    page.goto(f"{live_url}/dashboard/reports/{code}")
    page.select_option("select[name=partner]", label="Legal Aid Kabul")
    page.click("form[action$='/refer'] button")
    page.wait_for_selector("text=از گزارش‌دهنده پرسیده می‌شود که آیا شریک شود.")
    assert "Legal Aid Kabul" in apart(sim.replies)[0]
    apart(sim.say, "۱")
    page.reload()
    page.wait_for_selector("#referrals >> text=شریک شد (تنها گزارش)")
    language(page, "ar")
    shot(page, "followup-report-ar")

    hidden_person = apart(person, services)
    hidden = apart(lambda: file_by_sms(hidden_person, anonymous=True))
    page.goto(f"{live_url}/dashboard/reports/{hidden}")
    page.fill("textarea[name=text][maxlength='600']", "Are you safe?")
    page.click("form[action$='/ask'] button")
    page.wait_for_selector("text=ينتظر السؤال في البلاغ حتى يرسل المبلِّغ «حالة» مع الرمز.")
    apart(hidden_person.say, f"STATUS {hidden} Yes, we moved.")
    page.reload()
    page.wait_for_selector("#questions >> text=Yes, we moved.")
    shot(page, "followup-anonymous-ar")
    assert page.console_errors == []
