"""The dashboard as a coordinator uses it every day, through the Flask test client:
meetings (titles per language, the place shown, the time zone from a list, a hint where
there is no group), the broadcast composer's hints, words and button, the overview's
charts, picking contacts for a group, and the partners page."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from sqlalchemy import select

from bot.contacts.imports import add_member, group_by_name
from bot.store import Meeting, Message
from tests.builders import make_contact
from tests.dashboard_builders import csrf, signed_in

NOW = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)


def _group_of(services, *contact_ids: int, name: str = "Dand shura") -> int:
    with services.database.write() as db:
        group = group_by_name(db, name)
        for contact_id in contact_ids:
            add_member(db, group, contact_id)
        return group.id


def _new_meeting(client, **fields):
    token = csrf(client, "/dashboard/meetings/")
    return client.post("/dashboard/meetings/", data={
        "start": "2026-12-01T10:00", "csrf_token": token, **fields}, follow_redirects=True)


def _sent_to(services, contact_id: int) -> list[str]:
    with services.database.read() as db:
        return list(db.scalars(select(Message.text).where(
            Message.contact_id == contact_id, Message.direction == "out")))


@time_machine.travel(NOW, tick=False)
def test_a_meeting_title_is_written_per_language_and_each_invitee_reads_their_own(
        app, services):
    dari, english, pashto = (make_contact(services, lang=lang)[0] for lang in ("fa", "en", "ps"))
    group_id = _group_of(services, dari, english, pashto)
    client = signed_in(app, services, "coordinator")
    page = _new_meeting(client, title_en="Dand shura", title_fa="شورای دند",
                        place_en="District office", place_fa="دفتر ولسوالی",
                        tz="Asia/Kabul", group=str(group_id), invite="1").get_data(as_text=True)
    assert 'id="place"><bdi>District office</bdi>' in page  # the place is shown
    with services.database.read() as db:
        meeting = db.scalars(select(Meeting)).one()
        assert meeting.title == {"en": "Dand shura", "fa": "شورای دند"}
        assert meeting.place == {"en": "District office", "fa": "دفتر ولسوالی"}
    assert "شورای دند" in _sent_to(services, dari)[0]
    assert "دفتر ولسوالی" in _sent_to(services, dari)[0]
    assert "Dand shura" in _sent_to(services, english)[0]
    assert "Dand shura" in _sent_to(services, pashto)[0]  # no Pashto title: the default's


def _change(client, meeting_id: int, **fields):
    token = csrf(client, f"/dashboard/meetings/{meeting_id}")
    form = {"start": "2026-12-01T10:00", "duration": "120", "csrf_token": token, **fields}
    return client.post(f"/dashboard/meetings/{meeting_id}/change", data=form,
                       follow_redirects=True).get_data(as_text=True)


@time_machine.travel(NOW, tick=False)
def test_a_meeting_title_is_edited_per_language_and_invitations_are_not_sent_again(
        app, services):
    dari, english = (make_contact(services, lang=lang)[0] for lang in ("fa", "en"))
    group_id = _group_of(services, dari, english)
    client = signed_in(app, services, "coordinator")
    _new_meeting(client, title_en="Dand shura", title_fa="شورای دند", tz="Asia/Kabul",
                 group=str(group_id), invite="1")
    with services.database.read() as db:
        meeting_id = db.scalars(select(Meeting.id)).one()
    page = client.get(f"/dashboard/meetings/{meeting_id}").get_data(as_text=True)
    assert 'name="title_fa" lang="fa" dir="auto" maxlength="200" value="شورای دند"' in page
    page = _change(client, meeting_id, title_en="Dand district shura",
                   title_fa="شورای ولسوالی دند", title_ps="د ډنډ ولسوالۍ شورا")
    assert "Saved; nobody was messaged." in page
    with services.database.read() as db:
        meeting = db.get(Meeting, meeting_id)
        assert meeting.title == {"en": "Dand district shura", "fa": "شورای ولسوالی دند",
                                 "ps": "د ډنډ ولسوالۍ شورا"}
        assert meeting.status == "scheduled"
    assert len(_sent_to(services, dari)) == len(_sent_to(services, english)) == 1
    pashto = make_contact(services, lang="ps")[0]
    _group_of(services, pashto)
    client.post(f"/dashboard/meetings/{meeting_id}/invite", data={
        "group": str(group_id), "csrf_token": csrf(client, f"/dashboard/meetings/{meeting_id}")})
    assert "د ډنډ ولسوالۍ شورا" in _sent_to(services, pashto)[0]  # new invitations: new title
    assert len(_sent_to(services, dari)) == 1
    page = _change(client, meeting_id, start="2026-12-01T11:00",
                   title_en="Dand district shura", title_fa="شورای ولسوالی دند")
    assert "Meeting changed; invitees told." in page
    assert "شورای ولسوالی دند" in _sent_to(services, dari)[-1]  # a new time is told, new title


@time_machine.travel(NOW, tick=False)
def test_the_meeting_form_offers_time_zones_from_a_list_and_refuses_others(app, services):
    client = signed_in(app, services, "coordinator")
    form = client.get("/dashboard/meetings/").get_data(as_text=True)
    assert '<option value="Asia/Kabul" selected>Asia/Kabul</option>' in form
    assert '<option value="Asia/Aden">' in form and '<option value="UTC">' in form
    assert 'name="title_fa" lang="fa"' in form and 'name="title_ps" lang="ps"' in form
    page = _new_meeting(client, title_en="Shura", tz="Mars/Olympus").get_data(as_text=True)
    assert "Choose the time zone from the list." in page
    page = _new_meeting(client, title_en="Shura", tz="Asia/Aden").get_data(as_text=True)
    # Times are in the stated zone (Kabul); a meeting elsewhere adds its own local time.
    assert re.search(r'id="meeting-zone">[^<]*Asia/Aden', page)
    with services.database.read() as db:
        assert db.scalars(select(Meeting.time_zone)).all() == ["Asia/Aden"]


def test_invite_groups_says_how_to_make_a_group_when_there_is_none(app, services):
    client = signed_in(app, services, "coordinator")
    page = client.get("/dashboard/meetings/").get_data(as_text=True)
    assert 'id="no-groups">There is no group yet, so nobody can be invited.' in page
    assert 'href="/dashboard/groups/"' in page
    assert '<select name="group"' not in page
    _group_of(services, make_contact(services)[0])
    page = client.get("/dashboard/meetings/").get_data(as_text=True)
    assert '<select name="group"' in page and "Groups are made on the Groups page" in page


def _preview(client, **fields) -> str:
    token = csrf(client, "/dashboard/broadcasts/new")
    form = {"name": "Clinic", "text_en": "The clinic opens Monday.", "when": "now",
            "tz": "Asia/Kabul", "repeat": "none", "csrf_token": token, **fields}
    return client.post("/dashboard/broadcasts/preview", data=form).get_data(as_text=True)


def test_every_audience_list_in_the_composer_has_a_hint(app, services):
    page = signed_in(app, services, "coordinator").get("/dashboard/broadcasts/new")
    page = page.get_data(as_text=True)
    for key in ("groups", "provinces", "roles", "languages", "channels"):
        for prefix in ("", "exclude_"):
            assert f'aria-describedby="{prefix}{key}-hint"' in page
            assert f'<small class="hint" id="{prefix}{key}-hint">' in page
    assert "People who read any chosen language." in page
    assert "People who read these languages are left out." in page
    assert '<select name="tz" dir="ltr"><option value="Asia/Kabul" selected>' in page
    assert 'id="preview-pending"' in page  # the preview's place, beside the form


@time_machine.travel(NOW, tick=False)
def test_the_composer_warns_in_words_in_the_warning_colour_and_says_send_now(app, services):
    make_contact(services, lang="ps")
    client = signed_in(app, services, "coordinator")
    page = _preview(client)
    assert ('<p class="flash warning" role="alert">No پښتو text: people who read پښتو (1)'
            " get the English text instead.</p>") in page
    assert "No ps text" not in page
    assert 'name="next" value="/dashboard/broadcasts/preview"' not in page  # POST only: a 405
    assert '>Send now</button>' in page
    assert '>Schedule it</button>' in _preview(client, when="at", at="2026-11-21T09:00")
    client.post("/dashboard/language", data={
        "language": "fa", "next": "/dashboard/overview/",
        "csrf_token": csrf(client, "/dashboard/overview/")})
    page = _preview(client)
    assert "متن پښتو نیست: کسانی که پښتو می‌خوانند (۱) به جای آن متن English را می‌گیرند." in page
    assert ">همین حالا بفرستید</button>" in page


def _weekday_boxes(client) -> list[str]:
    page = client.get("/dashboard/broadcasts/new").get_data(as_text=True)
    return re.findall(r'name="weekdays" value="(\d)"', page)


def test_the_composers_weekdays_are_in_the_order_of_the_readers_week(app, services):
    client = signed_in(app, services, "coordinator")
    assert _weekday_boxes(client) == ["0", "1", "2", "3", "4", "5", "6"]  # Monday first
    client.post("/dashboard/language", data={
        "language": "fa", "next": "/dashboard/overview/",
        "csrf_token": csrf(client, "/dashboard/overview/")})
    assert _weekday_boxes(client) == ["5", "6", "0", "1", "2", "3", "4"]  # Saturday first


def _members(services, group_id: int) -> set[int]:
    from bot.store import GroupMember

    with services.database.read() as db:
        return set(db.scalars(select(GroupMember.contact_id).where(
            GroupMember.group_id == group_id)))


def _pick(client, group_id, *contact_ids):
    token = csrf(client, "/dashboard/contacts/")
    return client.post("/dashboard/groups/members", data={
        "group": str(group_id), "contact": [str(c) for c in contact_ids], "csrf_token": token})


def test_people_ticked_on_the_contacts_list_are_added_to_a_group(app, services):
    from bot.store import AuditEvent

    amina, bilal = (make_contact(services, name=n)[0] for n in ("Amina", "Bilal"))
    group_id = _group_of(services)
    client = signed_in(app, services, "coordinator")
    page = client.get("/dashboard/contacts/").get_data(as_text=True)
    assert f'<input type="checkbox" name="contact" value="{amina}" form="to-group"' in page
    assert f'<option value="{group_id}">Dand shura</option>' in page
    response = _pick(client, group_id, amina, bilal)
    assert response.status_code == 302 and response.location.endswith(f"/groups/{group_id}")
    assert _members(services, group_id) == {amina, bilal}
    assert "Added to Dand shura: 2." in client.get(response.location).get_data(as_text=True)
    with services.database.read() as db:
        event = db.scalars(select(AuditEvent).where(
            AuditEvent.action == "group.add_members")).one()
    assert event.details["picked"] == 2 and event.details["added"] == 2
    nothing = _pick(client, group_id)
    assert nothing.status_code == 302 and nothing.location.endswith("/dashboard/contacts/")
    assert _pick(client, group_id, "²").status_code == 302  # not an id: nothing picked


def test_viewers_get_no_boxes_and_cannot_add(app, services):
    amina = make_contact(services, name="Amina")[0]
    group_id = _group_of(services)
    client = signed_in(app, services, "viewer")
    assert 'form="to-group"' not in client.get("/dashboard/contacts/").get_data(as_text=True)
    assert _pick(client, group_id, amina).status_code == 403
    assert _members(services, group_id) == set()


def test_a_kabul_coordinator_cannot_add_a_takhar_person_to_a_group(app, services):
    from tests.dashboard_builders import sign_in
    from tests.test_area_scope_e2e import limited

    kabul = make_contact(services, name="Karima", province="kabul")[0]
    takhar = make_contact(services, name="Tamana", province="takhar")[0]
    group_id = _group_of(services)
    limited(services, "kabul@example.org", "kabul")
    client = app.test_client()
    sign_in(client, "kabul@example.org")
    page = client.get("/dashboard/contacts/").get_data(as_text=True)
    assert f'value="{kabul}" form="to-group"' in page and "Tamana" not in page
    assert _pick(client, group_id, kabul, takhar).status_code == 404
    assert _members(services, group_id) == set()  # nothing, not even the Kabul person
    assert _pick(client, group_id, kabul).status_code == 302
    assert _members(services, group_id) == {kabul}


def _partners_form(client, **fields):
    token = csrf(client, "/dashboard/partners/")
    return client.post("/dashboard/partners/", data={"csrf_token": token, **fields})


def test_an_admin_lists_adds_and_disables_partners_audited_like_the_cli(app, services):
    from bot.store import AuditEvent, Partner

    client = signed_in(app, services, "admin")
    response = _partners_form(client, name="Legal Aid Kabul", channel="sms",
                              address="0700 123 456", language=["fa", "en"],
                              province=["kabul", "nowhere"])
    assert response.status_code == 302
    with services.database.read() as db:
        partner = db.scalars(select(Partner)).one()
        assert (partner.channel, partner.address) == ("sms", "+93700123456")
        assert partner.languages == ["fa", "en"] and partner.provinces == ["kabul"]
        partner_id = partner.id
    page = client.get("/dashboard/partners/").get_data(as_text=True)
    assert "Legal Aid Kabul" in page and "+93700123456" not in page  # never shown
    token = csrf(client, "/dashboard/partners/")
    client.post(f"/dashboard/partners/{partner_id}/disable", data={"csrf_token": token})
    client.post(f"/dashboard/partners/{partner_id}/disable", data={"csrf_token": token})
    with services.database.read() as db:
        assert db.get(Partner, partner_id).disabled_at is not None
        actions = [e.action for e in db.scalars(select(AuditEvent).where(
            AuditEvent.target_type == "partner").order_by(AuditEvent.id))]
    assert actions == ["partner.add", "partner.disable"]  # disabling twice is one event
    assert f'data-partner="{partner_id}"' in client.get("/dashboard/partners/").get_data(
        as_text=True)


def test_a_disabled_partner_is_enabled_again_by_an_admin_audited(app, services):
    from bot.store import AuditEvent, Partner

    client = signed_in(app, services, "admin")
    _partners_form(client, name="Legal Aid Kabul", channel="pack")
    with services.database.read() as db:
        partner_id = db.scalars(select(Partner.id)).one()
    token = csrf(client, "/dashboard/partners/")
    client.post(f"/dashboard/partners/{partner_id}/disable", data={"csrf_token": token})
    page = client.get("/dashboard/partners/").get_data(as_text=True)
    assert f'action="/dashboard/partners/{partner_id}/enable"' in page
    response = client.post(f"/dashboard/partners/{partner_id}/enable",
                           data={"csrf_token": token}, follow_redirects=True)
    assert "Legal Aid Kabul can receive new referrals again." in response.get_data(as_text=True)
    client.post(f"/dashboard/partners/{partner_id}/enable", data={"csrf_token": token})
    with services.database.read() as db:
        assert db.get(Partner, partner_id).disabled_at is None
        actions = [e.action for e in db.scalars(select(AuditEvent).where(
            AuditEvent.target_type == "partner").order_by(AuditEvent.id))]
    assert actions == ["partner.add", "partner.disable", "partner.enable"]
    page = client.get("/dashboard/partners/").get_data(as_text=True)
    assert f'action="/dashboard/partners/{partner_id}/disable"' in page
    assert "Enabled a partner" in client.get("/dashboard/audit/").get_data(as_text=True)


def test_a_partner_form_that_does_not_fit_is_answered_422_with_words(app, services):
    client = signed_in(app, services, "admin")
    cases = [({"name": "", "channel": "pack"}, "1 to 120 characters"),
             ({"name": "X", "channel": "email"}, "Choose how the partner receives"),
             ({"name": "X", "channel": "telegram", "address": "@someone"}, "chat id (digits)"),
             ({"name": "X", "channel": "sms", "address": "not a number"}, "chat id (digits)"),
             ({"name": "X", "channel": "pack", "address": "+93700123456"}, "chat id (digits)")]
    for fields, said in cases:
        response = _partners_form(client, **fields)
        assert response.status_code == 422, fields
        assert said in response.get_data(as_text=True), fields
    assert _partners_form(client, name="X", channel="telegram", address="-1001").status_code == 302
    again = _partners_form(client, name="X", channel="pack")
    assert again.status_code == 422 and "already called X" in again.get_data(as_text=True)


def test_coordinators_have_no_partners_page(app, services):
    client = signed_in(app, services, "coordinator")
    assert client.get("/dashboard/partners/").status_code == 403
    assert "/dashboard/partners/" not in client.get("/dashboard/overview/").get_data(
        as_text=True)


def test_a_channel_without_delivery_reports_says_so_instead_of_0_percent(app, services):
    from tests.overview_builders import sent_broadcast

    sent_broadcast(services, "On the simulator", "sim", ["sent", "sent"])
    sent_broadcast(services, "By SMS", "sms", ["delivered", "sent", "failed"])
    page = signed_in(app, services, "coordinator").get("/dashboard/overview/")
    page = page.get_data(as_text=True)
    simulator = page[page.index("On the simulator"):][:600]
    assert "No delivery reports on this channel" in simulator and "%" not in simulator
    assert "2 sent" in simulator and "0 of 2 delivered" not in simulator
    by_sms = page[page.index("By SMS"):][:600]
    assert "1 of 3 delivered" in by_sms and "33%" in by_sms
    assert ('id="unreported">2 messages went by Simulator, which report no delivery'
            in page)
    assert "33% of 3 confirmed delivered." in page  # the SMS only, not 20% of 5


def test_an_empty_overview_shows_no_rows_of_zeros_and_has_legends(app, services):
    page = signed_in(app, services, "admin").get("/dashboard/overview/").get_data(as_text=True)
    assert '<td class="num">0</td>' not in page
    assert page.count("Nothing yet.") >= 6
    assert "Registered people" not in page  # no legend under an empty chart


def test_days_and_outcomes_without_messages_are_left_out_and_charts_have_legends(
        app, services):
    from tests.overview_builders import sent_broadcast

    sent_broadcast(services, "By SMS", "sms", ["delivered", "sent"])
    page = signed_in(app, services, "admin").get("/dashboard/overview/").get_data(as_text=True)
    delivery = page[page.index('id="delivery"'):page.index("bars days")]
    assert '<td class="num">0</td>' not in delivery  # no "failed 0", no "waiting 0"
    days = page[page.index("bars days"):page.index('id="days-legend"')]
    assert days.count('<th scope="row">') == 1
    assert "In: sent by people" in page and "Out: sent to people" in page
    assert "Registered people" in page and "Messages on channels that report delivery" in page


@time_machine.travel(NOW, tick=False)
def test_the_composer_refuses_in_words_in_the_readers_language(app, services):
    make_contact(services)
    client = signed_in(app, services, "coordinator")
    page = _preview(client, text_en="", text_fa="سلام", when="at", at="2026-11-19T09:00")
    assert ('<p class="flash error" role="alert">Write the English text: people whose'
            ' language has no text of its own get that one') in page
    assert "The send time is in the past." in page
    assert "default language (en)" not in page  # no raw code
    client.post("/dashboard/language", data={
        "language": "ar", "next": "/dashboard/overview/",
        "csrf_token": csrf(client, "/dashboard/overview/")})
    page = _preview(client, text_en="", text_fa="سلام")
    assert "اكتب النص بـEnglish" in page
