"""Referral with consent: a named reporter is asked in their language (after the
conversation they are in), and only what they agreed to reaches the partner; an
anonymous report goes as the account alone; revocation; the pack for a partner
without a channel; every step audited."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.store import AuditEvent, Contact, ContactStatus, Message, Referral
from tests.community import person
from tests.followup_builders import file_by_sms
from tests.test_exports import run_cli

DESCRIPTION = "They beat my brother at the checkpoint."


def add_partner(settings, name="Legal Aid Kabul", channel="sms", address="+93799000001",
                language="en"):
    args = ["partners", "add", name, "--channel", channel, "--language", language,
            "--province", "kabul"]
    result = run_cli(settings, *args, *(["--address", address] if address else []))
    assert result.exit_code == 0, result.output


def to_partners(services) -> list[str]:
    with services.database.read() as db:
        return list(db.scalars(select(Message.text).join(Contact, Contact.id == Message.contact_id)
                               .where(Contact.status == ContactStatus.STAFF)
                               .order_by(Message.id)))


def referral(services) -> Referral:
    with services.database.read() as db:
        return db.scalars(select(Referral)).one()


def refer(settings, code, partner="Legal Aid Kabul"):
    result = run_cli(settings, "reports", "refer", code, partner)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_named_reporter_is_asked_and_the_account_alone_is_shared(services, settings):
    sim = person(services, lang="fa", name="Zarghuna")
    code = file_by_sms(sim)
    sim.replies()
    add_partner(settings)
    assert "asked" in refer(settings, code)
    assert to_partners(services) == []  # nothing before the answer
    (question,) = sim.replies()
    assert question.startswith(f"Mashwara می‌خواهد گزارش {code} شما را به Legal Aid Kabul بدهد")
    assert "۱. بلی، تنها گزارش، بدون نام و شماره من" in question
    assert sim.say("۱") == ["تشکر. گزارش شما بدون نام و شماره تان به Legal Aid Kabul می‌رود."]
    (sent,) = to_partners(services)
    assert code in sent and DESCRIPTION in sent and "No contact details are shared." in sent
    assert "Zarghuna" not in sent and sim.address not in sent
    assert (referral(services).status, referral(services).share) == ("shared", "account")
    with services.database.read() as db:
        actions = list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    steps = [a for a in actions if a.startswith("referral.")]
    assert steps == ["referral.propose", "referral.consent", "referral.sent"]


def test_name_and_number_go_only_when_the_reporter_agrees(services, settings):
    sim = person(services, name="Amina")
    code = file_by_sms(sim)
    add_partner(settings, channel="telegram", address="-1001234")
    refer(settings, code)
    sim.replies()
    assert sim.say("2") == ["Thank you. Your report goes to Legal Aid Kabul with your name "
                            "and number, so they can contact you."]
    (sent,) = to_partners(services)
    assert f"The reporter agreed to share: Amina, {sim.address}." in sent


def test_no_means_nothing_is_shared(services, settings):
    sim = person(services, lang="ar")
    code = file_by_sms(sim)
    add_partner(settings)
    refer(settings, code)
    sim.replies()
    assert sim.say("٣") == ["مفهوم. لن تتم مشاركة بلاغك."]
    assert to_partners(services) == [] and referral(services).status == "declined"


def test_the_question_waits_for_the_conversation_the_reporter_is_in(services, settings):
    sim = person(services)
    code = file_by_sms(sim)
    add_partner(settings)
    sim.say("report")
    refer(settings, code)
    assert sim.replies() == []  # they are choosing a category
    replies = sim.say("cancel")
    assert "Legal Aid Kabul" in replies[-1]


def test_an_anonymous_report_is_shared_without_asking_and_without_contact_data(
        services, settings):
    sim = person(services, name="Amina")
    code = file_by_sms(sim, anonymous=True)
    sim.replies()
    add_partner(settings, language="fr")
    assert "anonymous" in refer(settings, code)
    assert sim.replies() == []
    (sent,) = to_partners(services)
    assert sent.startswith(f"Mashwara vous transmet le signalement {code}")
    assert "Aucune coordonnée n'est transmise." in sent and "Amina" not in sent


def test_revoking_tells_the_partner_and_an_unanswered_request_shares_nothing(
        services, settings):
    sim = person(services)
    code = file_by_sms(sim)
    add_partner(settings)
    refer(settings, code)
    sim.replies()
    assert "revoked" in run_cli(settings, "reports", "revoke-referral",
                                str(referral(services).id)).output
    assert sim.say("1") == ["This request was withdrawn. Nothing is shared."]
    assert to_partners(services) == []
    hidden = file_by_sms(person(services), anonymous=True)
    refer(settings, hidden)
    with services.database.read() as db:
        shared = db.scalars(select(Referral).where(Referral.report_code == hidden)).one().id
    run_cli(settings, "reports", "revoke-referral", str(shared))
    assert to_partners(services)[-1] == (f"Mashwara withdraws its referral of report {hidden}. "
                                         "Please delete what you received.")


def test_a_pack_holds_only_what_was_agreed_and_not_revoked(services, settings, tmp_path):
    add_partner(settings, name="Women's Shelter", channel="pack", address=None)
    named, anonymous = person(services, name="Amina"), person(services, name="Zarghuna")
    code, hidden = file_by_sms(named), file_by_sms(anonymous, anonymous=True)
    refer(settings, code, "Women's Shelter")
    named.replies()
    named.say("2")
    refer(settings, hidden, "Women's Shelter")
    out = tmp_path / "pack.json"
    assert run_cli(settings, "partners", "pack", "Women's Shelter", "-o", str(out)).exit_code == 0
    items = {item["code"]: item for item in json.loads(out.read_text())["referrals"]}
    assert items[code]["name"] == "Amina" and items[code]["address"] == named.address
    assert "name" not in items[hidden] and items[hidden]["description"] == DESCRIPTION
    assert to_partners(services) == []  # a pack is handed over, never sent
    assert "Women's Shelter" in run_cli(settings, "partners", "list").output
    shown = run_cli(settings, "reports", "show", code).output
    assert "shared (contact)" in shown


def test_partners_are_checked(settings):
    result = run_cli(settings, "partners", "add", "X", "--channel", "sms")
    assert result.exit_code != 0 and "needs an address" in result.output
    assert run_cli(settings, "reports", "refer", "R-2222", "X").exit_code != 0
