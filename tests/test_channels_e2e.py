"""An admin connects an SMS channel from the dashboard in a real browser (Debian's
Chromium), in Arabic: the form, the channel's page, and a removal that asks first (the
question comes from app.js: the page's CSP allows no inline script)."""

from __future__ import annotations

from bot.channels import table
from tests.dashboard_builders import PASSWORD, make_user
from tests.test_dashboard_e2e import _shot, live_url, page  # noqa: F401  (fixtures)


def test_an_admin_adds_then_removes_a_channel_in_arabic(page, live_url, services):  # noqa: F811
    _, email = make_user(services, "admin")
    page.set_default_timeout(15_000)
    page.goto(f"{live_url}/dashboard/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/dashboard/**")
    page.select_option("#language-switch", "ar")
    page.wait_for_selector("html[dir=rtl][lang=ar]")

    page.goto(f"{live_url}/dashboard/channels/")
    form = page.locator("#add-channel")
    form.locator("select[name=kind]").select_option("kannel")
    form.locator("input[name=name]").fill("roshan")
    form.locator("input[name=url]").fill("http://127.0.0.1:13013/cgi-bin/sendsms")
    form.locator("input[name=password]").fill("sendsms-pass")
    form.locator("input[name=rate]").fill("5")
    form.locator("input[name=prefixes]").fill("af:roshan")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/dashboard/channels/roshan")
    assert "أُضيفت القناة roshan" in page.content()
    _shot(page, "channels-01-added-ar")

    remove = page.locator("form[action$='/roshan/remove'] button")
    page.once("dialog", lambda dialog: dialog.dismiss())
    remove.click()
    page.wait_for_timeout(300)  # a dismissed question sends nothing
    assert [c.name for c in table.all_channels(services.database)] == ["roshan"]
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    remove.click()
    page.wait_for_url("**/dashboard/channels/")
    assert questions == ["حذف هذه القناة؟ يبقى أشخاصها ورسائلها."]
    assert table.all_channels(services.database) == []
    assert page.console_errors == []
