"""The issue's "done when" for area scope, in a real browser (Debian's Chromium through
Playwright, as in test_followup_e2e): a coordinator limited to Kabul signs in and sees none
of Takhar's reports, conversations or contacts, while an unscoped coordinator sees both
provinces' work. Screenshots go to test-artifacts/scope-*.png."""

from __future__ import annotations

from bot.accounts.service import set_scope
from bot.conversations.service import open_for
from bot.core.clock import now
from bot.store import Contact, User
from tests.browser import shot, sign_in
from tests.builders import make_contact
from tests.dashboard_builders import make_user
from tests.dashboard_work import make_report


def work_in(services, province: str, name: str) -> str:
    """A person of `province` in a conversation, and a report from there; its code."""
    contact_id, _, _ = make_contact(services, name=name, province=province)
    with services.database.write() as db:
        open_for(db, db.get(Contact, contact_id), now=now())
    return make_report(services, province=province)[0]


def limited(services, email: str, province: str) -> None:
    user_id, _ = make_user(services, "coordinator", email=email)
    with services.database.write() as db:
        set_scope(db, db.get(User, user_id), [province], [])


def seen(page, live_url) -> str:
    """The text of the reports, conversations and contacts lists, as this account sees them."""
    texts = []
    for path in ("reports/", "conversations/", "contacts/"):
        page.goto(f"{live_url}/dashboard/{path}")
        texts.append(page.locator("main").inner_text())
    return "\n".join(texts)


def test_a_kabul_coordinator_sees_none_of_takhars_work(page, live_url, services):
    kabul = work_in(services, "kabul", "Karima Kabuli")
    takhar = work_in(services, "takhar", "Tamana Takhari")
    limited(services, "kabul@example.org", "kabul")
    make_user(services, "coordinator", email="all@example.org")
    page.set_default_timeout(15_000)

    sign_in(page, live_url, "kabul@example.org")
    mine = seen(page, live_url)
    assert kabul in mine and "Karima Kabuli" in mine
    assert takhar not in mine and "Tamana" not in mine
    shot(page, "scope-kabul-contacts")
    assert page.goto(f"{live_url}/dashboard/reports/{takhar}").status == 404
    page.goto(f"{live_url}/dashboard/overview/")
    page.console_errors.clear()  # the browser's lines for that 404 and its /favicon.ico
    page.click("form[action$='/logout'] button")

    sign_in(page, live_url, "all@example.org")
    everything = seen(page, live_url)
    assert kabul in everything and takhar in everything
    assert "Karima Kabuli" in everything and "Tamana Takhari" in everything
    shot(page, "scope-unscoped-contacts")
    assert page.console_errors == []
