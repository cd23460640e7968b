"""`mashwara users ...` and `mashwara contacts import`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.accounts.service import authenticate
from bot.cli.main import main
from bot.store import Contact, Group, User


@pytest.fixture
def run(settings, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray .env
    env = {"MASHWARA_DATABASE_URL": settings.database_url,
           "MASHWARA_ENCRYPTION_KEY": settings.encryption_keys[0],
           "MASHWARA_SECRET_KEY": "test-secret",
           "MASHWARA_INSTANCE_DIR": str(tmp_path / "instance")}

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(main, list(args), input=input, env=env)

    return invoke


def test_users_create_asks_for_the_password_twice(run, services):
    result = run("users", "create", "Amina@Example.org", "--role", "admin",
                 input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    with services.database.read() as db:
        user = authenticate(db, "amina@example.org", "a long password")
        assert user is not None and user.role == "admin"


def test_users_create_refuses_different_passwords(run, services):
    result = run("users", "create", "a@example.org", "--role", "viewer",
                 input="a long password\nanother password\na long password\na long password\n")
    assert "do not match" in result.output.lower() or "match" in result.output.lower()


def test_users_create_from_stdin_for_scripts(run, services):
    assert run("users", "create", "bot@example.org", "--role", "viewer", "--password-stdin",
               input="scripted password\n").exit_code == 0
    short = run("users", "create", "c@example.org", "--role", "viewer", "--password-stdin",
                input="short\n")
    assert short.exit_code != 0 and "10 characters" in short.output
    again = run("users", "create", "bot@example.org", "--role", "viewer", "--password-stdin",
                input="scripted password\n")
    assert again.exit_code != 0 and "already" in again.output


def test_users_list_set_role_and_disable(run, services):
    run("users", "create", "d@example.org", "--role", "viewer", "--password-stdin",
        input="scripted password\n")
    assert run("users", "set-role", "d@example.org", "coordinator").exit_code == 0
    assert run("users", "disable", "d@example.org").exit_code == 0
    listing = run("users", "list").output
    assert "d@example.org\tcoordinator\tdisabled" in listing
    with services.database.read() as db:
        assert db.scalar(select(User)).disabled_at is not None
    assert run("users", "disable", "nobody@example.org").exit_code != 0


def test_contacts_import_reports_bad_rows_and_goes_on(run, services, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("\ufeffphone;name;province;role;groups\n"
                    "+93700000201;Ahmad;kabul;member;Youth\n"
                    "0093 700 000 202;Laila;herat;shura;\"Youth;Women\"\n"
                    "abc;Nobody;kabul;member;\n"
                    "+93700000203;Karim;kabul;king;\n", encoding="utf-8")
    result = run("contacts", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 2 rows with errors" in result.output
    assert "line 4:" in result.output and "line 5:" in result.output
    with services.database.read() as db:
        assert sorted(c.name for c in db.scalars(select(Contact))) == ["Ahmad", "Laila"]
        assert sorted(g.name for g in db.scalars(select(Group))) == ["Women", "Youth"]
    again = run("contacts", "import", str(path))
    assert "0 added, 2 updated" in again.output


def test_contacts_import_without_a_phone_column_says_so(run, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,province\nAhmad,kabul\n", encoding="utf-8")
    result = run("contacts", "import", str(path))
    assert result.exit_code != 0 and "phone" in result.output
