"""An admin connects an SMS channel from the dashboard in a real browser (Debian's
Chromium), in Arabic: the form, the channel's page, and a removal that asks first (the
question comes from app.js: the page's CSP allows no inline script)."""

from __future__ import annotations

from bot.channels import table
from tests.browser import language, shot, sign_in
from tests.dashboard_builders import make_user


def test_an_admin_adds_then_removes_a_channel_in_arabic(page, live_url, services):
    _, email = make_user(services, "admin")
    sign_in(page, live_url, email, "/dashboard/channels/")
    language(page, "ar")
    assert page.locator("html[dir=rtl]").count() == 1
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
    shot(page, "channels-01-added-ar")

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
