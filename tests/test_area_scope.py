"""Area-scoped accounts: made and changed with the CLI and the users page, audited; a
change ends the account's sessions and revokes its tokens; counts and headers name the
area; consultation results count only the area's answers. (That no route shows another
province's rows is proved route by route in test_dashboard_permissions.py.)"""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from bot.accounts.tokens import create_token
from bot.cli.main import main
from bot.store import AuditEvent, User
from tests.builders import make_contact
from tests.dashboard_builders import PASSWORD, bearer, csrf, make_user, sign_in
from tests.test_cli import env_for

OVERVIEW = "/dashboard/overview/"


def _cli(settings, *args, password: str | None = None):
    return CliRunner().invoke(main, ["users", *args], env=env_for(settings),
                              input=f"{password}\n" if password else None)


def _user(services, email: str) -> User:
    with services.database.read() as db:
        return db.scalar(select(User).where(User.email == email))


def _trail(services, action: str) -> list[AuditEvent]:
    with services.database.read() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _token_of(services, user_id: int, role: str = "coordinator") -> str:
    with services.database.write() as db:
        return create_token(db, "etl", role, user_id)[1]


def test_the_cli_limits_an_account_and_a_change_ends_its_sessions_and_tokens(
        app, services, settings):
    for province in ("kabul", "takhar", "balkh"):
        make_contact(services, province=province)
    made = _cli(settings, "create", "k@example.org", "--role", "coordinator",
                "--province", "kabul", "--province", "takhar", "--password-stdin",
                password=PASSWORD)
    assert made.exit_code == 0, made.output
    assert "k@example.org\tcoordinator\tactive\t-\t-\tkabul,takhar" in _cli(
        settings, "list").output
    client = app.test_client()
    assert sign_in(client, "k@example.org").status_code == 302
    page = client.get(OVERVIEW).get_data(as_text=True)
    assert "In your area: Kabul, Takhar" in page
    assert ">2 registered contacts<" in page  # not the Balkh one
    token = _token_of(services, _user(services, "k@example.org").id)
    api = app.test_client()
    listed = api.get("/api/v1/contacts", headers=bearer(token)).get_json()
    assert sorted(c["province"] for c in listed["items"]) == ["kabul", "takhar"]

    changed = _cli(settings, "set-scope", "k@example.org", "--province", "balkh")
    assert changed.exit_code == 0, changed.output
    assert "1 API token(s) were revoked" in changed.output
    assert client.get(OVERVIEW).status_code == 302  # its session ended
    assert api.get("/api/v1/contacts", headers=bearer(token)).status_code == 401
    [event] = _trail(services, "user.scope")
    assert event.details["from"] == {"provinces": ["kabul", "takhar"], "groups": None}
    assert event.details["to"] == {"provinces": ["balkh"], "groups": None}
    assert _trail(services, "user.create")[0].details["scope"]["provinces"] == [
        "kabul", "takhar"]

    lifted = _cli(settings, "set-scope", "k@example.org")
    assert lifted.exit_code == 0 and "now sees: everywhere" in lifted.output
    assert sign_in(client, "k@example.org").status_code == 302
    assert "In your area" not in client.get(OVERVIEW).get_data(as_text=True)


def test_the_cli_refuses_an_unknown_province_group_or_a_scoped_admin(services, settings):
    make_user(services, "admin", email="root@example.org")
    make_user(services, "viewer", email="v@example.org")
    unknown = _cli(settings, "set-scope", "v@example.org", "--province", "atlantis")
    assert unknown.exit_code != 0 and "unknown province atlantis" in unknown.output
    no_group = _cli(settings, "set-scope", "v@example.org", "--group", "Nowhere shura")
    assert no_group.exit_code != 0 and "no group" in no_group.output
    admin = _cli(settings, "set-scope", "root@example.org", "--province", "kabul")
    assert admin.exit_code != 0 and "admin account cannot be limited" in admin.output
    assert _user(services, "v@example.org").scope_provinces is None
    assert _trail(services, "user.scope") == []


def test_a_group_scope_shows_the_groups_members_wherever_they_live(app, services, settings):
    from bot.contacts.imports import add_member, group_by_name

    member, _, _ = make_contact(services, name="Member Far", province="herat")
    make_contact(services, name="Stranger Near", province="herat")
    with services.database.write() as db:
        add_member(db, group_by_name(db, "Dand shura"), member)
    make_user(services, "viewer", email="g@example.org")
    assert _cli(settings, "set-scope", "g@example.org", "--group", "Dand shura").exit_code == 0
    client = app.test_client()
    assert sign_in(client, "g@example.org").status_code == 302
    page = client.get("/dashboard/contacts/").get_data(as_text=True)
    assert "Member Far" in page and "Stranger Near" not in page
    assert "In your area: Dand shura" in page


def test_the_users_page_sets_a_scope_audited_and_refuses_bad_values(app, services):
    target_id, email = make_user(services, "viewer", email="v@example.org")
    viewer = app.test_client()
    assert sign_in(viewer, email).status_code == 302
    _, admin_email = make_user(services, "admin", email="root@example.org")
    admin = app.test_client()
    assert sign_in(admin, admin_email).status_code == 302
    token = csrf(admin, "/dashboard/users/")
    url = f"/dashboard/users/{target_id}/scope"
    assert admin.post(url, data={"province": "atlantis", "csrf_token": token}).status_code == 400
    assert admin.post(url, data={"group": "999", "csrf_token": token}).status_code == 400
    assert viewer.get(OVERVIEW).status_code == 200  # nothing changed yet
    done = admin.post(url, data={"province": ["kabul", "takhar"], "csrf_token": token})
    assert done.status_code == 302
    assert _user(services, email).scope_provinces == ["kabul", "takhar"]
    assert viewer.get(OVERVIEW).status_code == 302
    [event] = _trail(services, "user.scope")
    assert event.details["to"]["provinces"] == ["kabul", "takhar"]
    assert "v@example.org: area changed" in admin.get("/dashboard/users/").get_data(
        as_text=True)


def test_consultation_results_count_only_the_areas_answers(app, services, time_machine):
    from tests.consulting import OPEN, create
    from tests.test_consultation_results import PEOPLE, answer

    time_machine.move_to(OPEN, tick=False)
    create(services)
    answer(services, PEOPLE)  # six from Balkh, one from Herat
    herat_id, _ = make_user(services, "coordinator", email="herat@example.org")
    with services.database.write() as db:
        from bot.accounts.service import set_scope

        set_scope(db, db.get(User, herat_id), ["herat"], [])
    api = app.test_client()
    everyone = api.get("/api/v1/consultations/1/results",
                       headers=bearer(_token_of(services, None))).get_json()
    assert (everyone["sent"], everyone["responses"]) == (7, 7)
    herat = api.get("/api/v1/consultations/1/results",
                    headers=bearer(_token_of(services, herat_id))).get_json()
    assert (herat["sent"], herat["responses"]) == ("fewer than 5", "fewer than 5")
    assert set(herat["breakdowns"]["province"]["responses"]) == {"herat"}
    chosen_in = herat["breakdowns"]["province"]["options"]["source"].values()
    assert {group for groups in chosen_in for group in groups} == {"herat"}
    assert "Idea 0" not in str(herat)


def test_a_group_scope_counts_its_members_answers_wherever_they_live(app, services,
                                                                     time_machine):
    """The answers carry their response's province; a group's member is known from the
    response, so their answers count although Balkh is not in the area."""
    from bot.contacts.imports import add_member, group_by_name
    from tests.consulting import OPEN, create
    from tests.test_consultation_results import PEOPLE, answer

    time_machine.move_to(OPEN, tick=False)
    create(services)
    answer(services, PEOPLE)  # contacts 1-5 from Balkh answer Idea 0-4
    viewer_id, _ = make_user(services, "coordinator", email="shura@example.org")
    with services.database.write() as db:
        from bot.accounts.service import set_scope

        shura = group_by_name(db, "Dand shura")
        add_member(db, shura, 1)
        set_scope(db, db.get(User, viewer_id), [], [shura.id])
    found = app.test_client().get("/api/v1/consultations/1/results",
                                  headers=bearer(_token_of(services, viewer_id))).get_json()
    assert found["responses"] == "fewer than 5"
    assert set(found["breakdowns"]["province"]["responses"]) == {"balkh"}
    [source] = found["breakdowns"]["province"]["options"]["source"].values()
    assert source == {"balkh": "fewer than 5"}


def test_a_scoped_account_announces_only_to_its_area(app, services):
    """The send happens later, outside any request: the audience itself must lie inside
    the area (the dashboard's composer and the API alike)."""
    from bot.accounts.service import set_scope

    make_contact(services, province="kabul")
    make_contact(services, province="balkh")
    user_id, email = make_user(services, "coordinator", email="k@example.org")
    with services.database.write() as db:
        set_scope(db, db.get(User, user_id), ["kabul"], [])
    api = app.test_client()
    headers = bearer(_token_of(services, user_id))

    def post(audience):
        return api.post("/api/v1/broadcasts", headers=headers, json={
            "name": "Clinic", "timezone": "Asia/Kabul",
            "texts": [{"language": "en", "text": "Clinic Monday"}], "audience": audience})

    for outside in ({}, {"provinces": ["kabul", "balkh"]}, {"languages": ["en"]}):
        refused = post(outside)
        assert refused.status_code == 422 and "your area" in refused.json["error"]["message"]
    assert post({"provinces": ["kabul"]}).status_code == 201
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    page = client.post("/dashboard/broadcasts/", data={
        "name": "Everyone", "text_en": "Hello", "when": "now", "timezone": "Asia/Kabul",
        "csrf_token": csrf(client, "/dashboard/broadcasts/new")})
    assert page.status_code == 422
    assert "Name provinces or groups of your area" in page.get_data(as_text=True)


def test_an_admin_makes_a_token_for_a_scoped_account_which_carries_its_area(app, services):
    from bot.accounts.service import set_scope

    make_contact(services, province="kabul")
    make_contact(services, province="balkh")
    user_id, email = make_user(services, "viewer", email="k@example.org")
    with services.database.write() as db:
        set_scope(db, db.get(User, user_id), ["kabul"], [])
    _, admin_email = make_user(services, "admin", email="root@example.org")
    admin = app.test_client()
    assert sign_in(admin, admin_email).status_code == 302
    token = csrf(admin, "/dashboard/tokens/")
    too_high = admin.post("/dashboard/tokens/", data={
        "name": "etl", "role": "coordinator", "for": str(user_id), "csrf_token": token})
    assert too_high.status_code == 400  # never more than the account's role
    made = admin.post("/dashboard/tokens/", data={
        "name": "etl", "role": "viewer", "for": str(user_id), "csrf_token": token})
    assert made.status_code == 201
    secret = made.get_data(as_text=True).split('id="new-token">')[1].split("<")[0].strip()
    api = app.test_client()
    listed = api.get("/api/v1/contacts", headers=bearer(secret)).get_json()
    assert [c["province"] for c in listed["items"]] == ["kabul"]
    with services.database.write() as db:
        set_scope(db, db.get(User, user_id), ["balkh"], [])
    assert api.get("/api/v1/contacts", headers=bearer(secret)).status_code == 401
    details = _trail(services, "token.create")[0].details
    assert (details["role"], details["for"]) == ("viewer", user_id)
