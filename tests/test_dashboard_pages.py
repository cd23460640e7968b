"""The dashboard's pages: languages and direction, hostile text, headers, and what each
page does for the roles that may use it."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from bot.store import Contact, ContactStatus, GroupMember, Message, User
from tests.builders import chat, make_contact
from tests.dashboard_builders import csrf, make_user, sign_in, signed_in

HOSTILE = "<script>alert(1)</script>{{7*7}}"


def _switch(client, language: str, next_page: str = "/dashboard/overview/"):
    return client.post("/dashboard/language", data={
        "language": language, "next": next_page, "csrf_token": csrf(client, next_page)})


def test_dari_pashto_and_arabic_pages_are_right_to_left(app, services):
    client = signed_in(app, services, "viewer")
    for language, direction in (("fa", "rtl"), ("ps", "rtl"), ("ar", "rtl"), ("fr", "ltr"),
                                ("en", "ltr")):
        _switch(client, language)
        page = client.get("/dashboard/overview/").get_data(as_text=True)
        assert f'<html lang="{language}" dir="{direction}">' in page


def test_the_chosen_language_is_kept_for_the_user(app, services):
    user_id, email = make_user(services, "viewer")
    client = app.test_client()
    sign_in(client, email)
    _switch(client, "ps")
    with services.database.read() as db:
        assert db.get(User, user_id).language == "ps"
    later = app.test_client()
    sign_in(later, email)
    assert 'lang="ps"' in later.get("/dashboard/overview/").get_data(as_text=True)


def test_the_browser_language_is_the_first_guess(app):
    page = app.test_client().get("/dashboard/login", headers={"Accept-Language": "fa-AF,fa;q=0.9"})
    assert 'dir="rtl"' in page.get_data(as_text=True)


def test_dashboard_text_is_translated(app, services):
    client = signed_in(app, services, "viewer")
    _switch(client, "fa")
    page = client.get("/dashboard/contacts/").get_data(as_text=True)
    assert "مخاطبین" in page and "ولایت" in page


def test_numbers_are_written_in_the_script_of_the_language(app, services):
    for _ in range(12):
        make_contact(services)
    client = signed_in(app, services, "viewer")
    _switch(client, "fa")
    assert "۱۲ مخاطب" in client.get("/dashboard/overview/").get_data(as_text=True)
    _switch(client, "ar")
    assert "١٢" in client.get("/dashboard/overview/").get_data(as_text=True)
    _switch(client, "en")
    assert "12 registered contacts" in client.get("/dashboard/overview/").get_data(as_text=True)


def test_hostile_text_from_the_public_is_inert(app, services):
    contact_id, _, _ = make_contact(services, name=HOSTILE)
    person = chat(services, "en")
    person.say(HOSTILE)
    client = signed_in(app, services, "admin")
    for path in ("/dashboard/contacts/", f"/dashboard/contacts/{contact_id}",
                 "/dashboard/messages/"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in page, path


def test_security_headers(app, services):
    client = signed_in(app, services, "viewer")
    for path in ("/dashboard/login", "/dashboard/overview/", "/api/openapi.json"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert "script-src 'self'" in csp and "default-src 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_pages_refer_to_no_other_site(app, services):
    client = signed_in(app, services, "admin")
    for path in ("/dashboard/login", "/dashboard/overview/", "/dashboard/account",
                 "/dashboard/simulator/", "/dashboard/static/app.css"):
        page = client.get(path).get_data(as_text=True)
        assert "http://" not in page and "https://" not in page and "//cdn" not in page, path


def test_a_coordinator_adds_edits_and_erases_a_contact(app, services):
    client = signed_in(app, services, "coordinator")
    token = csrf(client, "/dashboard/contacts/new")
    response = client.post("/dashboard/contacts/new", data={
        "phone": "+93 700 123 456", "name": "Mariam", "language": "fa", "province": "kabul",
        "role": "shura", "groups": "Kabul shura", "csrf_token": token})
    assert response.status_code == 302
    contact_id = int(response.location.rsplit("/", 1)[1])
    page = client.get(f"/dashboard/contacts/{contact_id}").get_data(as_text=True)
    assert "Mariam" in page and "+93700123456" in page and "Kabul shura" in page
    client.post(f"/dashboard/contacts/{contact_id}/edit", data={
        "name": "Mariam A.", "language": "ps", "province": "herat", "role": "cso",
        "csrf_token": token})
    with services.database.read() as db:
        contact = db.get(Contact, contact_id)
        assert (contact.name, contact.language, contact.province) == ("Mariam A.", "ps", "herat")
    assert client.post(f"/dashboard/contacts/{contact_id}/erase",
                       data={"csrf_token": token}).status_code == 400  # not confirmed
    client.post(f"/dashboard/contacts/{contact_id}/erase",
                data={"confirm": "erase", "csrf_token": token})
    with services.database.read() as db:
        contact = db.get(Contact, contact_id)
        assert contact.status == ContactStatus.ERASING and contact.name is None
        assert not db.scalars(select(GroupMember).where(
            GroupMember.contact_id == contact_id)).all()


def test_a_bad_contact_form_says_what_is_wrong(app, services):
    client = signed_in(app, services, "coordinator")
    response = client.post("/dashboard/contacts/new", data={
        "phone": "12", "csrf_token": csrf(client, "/dashboard/contacts/new")})
    assert response.status_code == 400
    assert "is not an international phone number" in response.get_data(as_text=True)


def test_csv_import_reports_bad_rows_and_imports_the_rest(app, services):
    client = signed_in(app, services, "coordinator")
    data = ("phone,name,language,province,district,role,groups\n"
            "+93700000101,Ahmad,fa,kabul,Paghman,member,Youth\n"
            "not a phone,Bad,fa,kabul,,,\n"
            "+93700000102,Zarghuna,ps,nowhere,,,\n"
            "۰۰۹۳۷۰۰۰۰۰۱۰۳,Nasrin,fa,herat,,shura,Youth;Women\n").encode()
    response = client.post("/dashboard/contacts/import", data={
        "file": (io.BytesIO(data), "people.csv"),
        "csrf_token": csrf(client, "/dashboard/contacts/import")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 added, 0 updated, 2 rows with errors" in page
    assert "is not an international phone number" in page and "province" in page
    with services.database.read() as db:
        names = {c.name for c in db.scalars(select(Contact))}
    assert {"Ahmad", "Nasrin"} <= names and "Bad" not in names


def test_viewers_see_neither_numbers_nor_message_text(app, services):
    contact_id, _, address = make_contact(services, channel="sms")
    chat(services, "en").say("a private message")
    client = signed_in(app, services, "viewer")
    page = client.get(f"/dashboard/contacts/{contact_id}").get_data(as_text=True)
    assert address not in page and address[-2:] in page
    log = client.get("/dashboard/messages/").get_data(as_text=True)
    assert "a private message" not in log and "hidden for your role" in log
    coordinator = signed_in(app, services, "coordinator")
    assert "a private message" in coordinator.get("/dashboard/messages/").get_data(as_text=True)


def test_groups_gain_and_lose_members(app, services):
    contact_id, _, address = make_contact(services, channel="sms")
    client = signed_in(app, services, "coordinator")
    token = csrf(client, "/dashboard/groups/")
    response = client.post("/dashboard/groups/", data={"name": "Herat shura", "csrf_token": token})
    group_url = response.location
    client.post(f"{group_url}/members", data={"contact": address, "csrf_token": token})
    assert "Test" in client.get(group_url).get_data(as_text=True)
    client.post(f"{group_url}/members/{contact_id}/remove", data={"csrf_token": token})
    with services.database.read() as db:
        assert db.scalars(select(GroupMember)).all() == []


@pytest.mark.parametrize("written", ["+93700000123", "0700 000 123", "0093 700-000-123",
                                     "۰۷۰۰ ۰۰۰ ۱۲۳"])
def test_a_member_is_added_by_number_written_any_usual_way(app, services, written):
    contact_id, _, _ = make_contact(services, channel="sms", address="+93700000123")
    make_contact(services, channel="sms", address="+93700000124", name="Other")
    client = signed_in(app, services, "coordinator")
    token = csrf(client, "/dashboard/groups/")
    group_url = client.post("/dashboard/groups/", data={
        "name": "Herat shura", "csrf_token": token}).location
    client.post(f"{group_url}/members", data={"contact": written, "csrf_token": token})
    client.post(f"{group_url}/members", data={"contact": "0700 000 999", "csrf_token": token})
    with services.database.read() as db:
        assert db.scalars(select(GroupMember.contact_id)).all() == [contact_id]


def test_destructive_buttons_are_in_the_warning_colour(app, services):
    """Every button that removes, erases, cancels, closes, revokes or disables: the
    pages a coordinator and an admin use, each destructive form's button is .danger."""
    import re

    from tests.dashboard_work import make_report
    from tests.meeting_builders import make_meeting

    contact_id, _, address = make_contact(services, channel="sms")
    make_report(services)
    meeting_id = make_meeting(services)
    make_user(services, "viewer", email="v@example.org")
    client = signed_in(app, services, "admin")
    token = csrf(client, "/dashboard/groups/")
    group_url = client.post("/dashboard/groups/", data={
        "name": "Herat shura", "csrf_token": token}).location
    client.post(f"{group_url}/members", data={"contact": address, "csrf_token": token})
    destructive = re.compile(r'action="[^"]*/(remove|erase|cancel|close|revoke|disable)"'
                             r'[^>]*>.*?<button([^>]*)>', re.S)
    checked = 0
    for page in (group_url, f"/dashboard/contacts/{contact_id}", "/dashboard/users/",
                 f"/dashboard/meetings/{meeting_id}"):
        html = client.get(page).get_data(as_text=True)
        for action, attributes in destructive.findall(html):
            assert "danger" in attributes, (page, action)
            checked += 1
    assert checked >= 4


def test_the_simulator_page_talks_to_the_flows(app, services):
    client = signed_in(app, services, "coordinator")
    client.post("/dashboard/simulator/", data={
        "text": "salaam", "language": "fa", "csrf_token": csrf(client, "/dashboard/simulator/")})
    page = client.get("/dashboard/simulator/").get_data(as_text=True)
    assert "salaam" in page and 'class="from-bot"' in page
    with services.database.read() as db:
        assert db.scalar(select(Message).where(Message.direction == "out")) is not None


def test_exports_download_as_csv_and_xlsx(app, services):
    make_contact(services, name="=HYPERLINK(1)")
    client = signed_in(app, services, "coordinator")
    csv_file = client.get("/dashboard/exports/contacts.csv")
    assert csv_file.status_code == 200 and "attachment" in csv_file.headers["Content-Disposition"]
    assert "'=HYPERLINK(1)" in csv_file.get_data(as_text=True)
    xlsx = client.get("/dashboard/exports/contacts.xlsx")
    assert xlsx.data[:2] == b"PK"
    assert client.get("/dashboard/exports/nothing.csv").status_code == 404


def test_bad_input_is_a_clear_answer_not_a_500(app, services):
    client = signed_in(app, services, "admin")
    token = csrf(client, "/dashboard/groups/")
    assert client.get("/dashboard/contacts/?province=%00").status_code == 400
    assert client.post("/dashboard/groups/", data={"name": "a\x00b", "csrf_token": token}
                       ).status_code == 400
    assert client.post("/dashboard/users/", data={
        "email": "a\x00@example.org", "password": "x" * 12, "role": "viewer",
        "csrf_token": token}).status_code == 400
    for path in ("/dashboard/contacts/99999999999", "/dashboard/groups/99999999999",
                 "/dashboard/messages/?before=99999999999999999999&contact=abc",
                 "/dashboard/contacts/?page=99999999999999"):
        assert client.get(path).status_code < 500, path
    assert client.post("/dashboard/groups/1/members/99999999999/remove",
                       data={"csrf_token": token}).status_code == 404


def test_form_errors_are_in_the_readers_language(app, services):
    client = signed_in(app, services, "coordinator")
    _switch(client, "fa", "/dashboard/contacts/new")
    response = client.post("/dashboard/contacts/new", data={
        "phone": "0700", "csrf_token": csrf(client, "/dashboard/contacts/new")})
    assert "«0700» شماره تلفن بین‌المللی" in response.get_data(as_text=True)


def test_features_add_panels_to_the_overview(app, services, tmp_path, monkeypatch):
    from jinja2 import ChoiceLoader, DictLoader

    from dashboard.panels import Panel
    from dashboard.views import work_panels

    app.jinja_loader  # noqa: B018  (builds the loader before it is wrapped)
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, DictLoader({
        "panel_test.html": "{% from '_bars.html' import bar_table with context %}"
                           "{{ bar_table('Reports by category', data.bars) }}"})])
    from dashboard.charts import bars

    monkeypatch.setattr(work_panels, "PANELS", (*work_panels.PANELS, Panel(
        "test", 50, "reports.view", "panel_test.html",
        lambda db: {"bars": bars([("threats", 3), ("services", 1)])})))
    page = signed_in(app, services, "viewer").get("/dashboard/overview/")
    text = page.get_data(as_text=True)
    assert 'id="panel-test"' in text and "Reports by category" in text and "threats" in text


def test_a_very_large_import_is_sent_to_the_command_line(app, services):
    from dashboard.views.contacts import IMPORT_LIMIT

    client = signed_in(app, services, "coordinator")
    rows = "".join(f"+9370{n:07d}\n" for n in range(IMPORT_LIMIT + 1))
    response = client.post("/dashboard/contacts/import", data={
        "file": (io.BytesIO(("phone\n" + rows).encode()), "big.csv"),
        "csrf_token": csrf(client, "/dashboard/contacts/import")})
    assert response.status_code == 400
    assert "mashwara contacts import" in response.get_data(as_text=True)


def test_exports_take_filters(app, services):
    make_contact(services, name="In Kabul", province="kabul")
    make_contact(services, name="In Herat", province="herat")
    client = signed_in(app, services, "coordinator")
    page = client.get("/dashboard/exports/?province=herat").get_data(as_text=True)
    assert "contacts.csv?province=herat" in page
    text = client.get("/dashboard/exports/contacts.csv?province=herat&since=bad").get_data(
        as_text=True)
    assert "In Herat" in text and "In Kabul" not in text
    later = client.get("/dashboard/exports/contacts.csv?since=2999-01-01").get_data(as_text=True)
    assert "In Herat" not in later


def test_lists_page_on_keeping_their_filters(app, services, monkeypatch):
    """Feedback and audit lists, three to a page here: next and previous keep the filter."""
    import re

    from bot.audit import trail
    from dashboard.views import audit, feedback
    from tests.dashboard_work import make_feedback

    monkeypatch.setattr(feedback, "PAGE", 3)
    monkeypatch.setattr(audit, "PAGE", 3)
    for n in range(5):
        make_feedback(services, province="balkh", text=f"The road {n}")
    make_feedback(services, province="kabul", text="The Kabul clinic")
    client = signed_in(app, services, "admin")
    first = client.get("/dashboard/feedback/?province=balkh").get_data(as_text=True)
    [next_page] = re.findall(r'<p class="pager">\s*<a href="([^"]+)"', first)
    assert "province=balkh" in next_page and "page=2" in next_page
    second = client.get(next_page.replace("&amp;", "&")).get_data(as_text=True)
    assert "The road" in second and "The Kabul clinic" not in second
    links = re.findall(r'<p class="pager">\s*<a href="([^"]+)">([^<]+)</a>\s*</p>', second)
    assert len(links) == 1 and "page=1" in links[0][0]  # previous only: the last page
    with services.database.write() as db:
        for n in range(4):
            trail.record(db, "cli:root", "channel.test", "channel", f"link{n}")
    audited = client.get("/dashboard/audit/?action=channel.test").get_data(as_text=True)
    [next_page] = re.findall(r'<p class="pager">\s*<a href="([^"]+)"', audited)
    assert "action=channel.test" in next_page and "page=2" in next_page
