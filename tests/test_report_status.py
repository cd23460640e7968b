"""Status and follow-up: STATUS <code>, change_status with history and notification,
`mashwara reports set-status`, urgent alerts and erasure."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from bot.contacts.erasure import erase_contact
from bot.core.clock import now
from bot.reports.service import change_status
from bot.services import Services
from bot.store import (
    Contact,
    ContactStatus,
    Direction,
    Feedback,
    Identity,
    Message,
    Priority,
    Report,
    ReportChange,
)
from tests.community import ANONYMOUS, NAMED, feedback, person, reports, say_all
from tests.test_exports import run_cli


def file(services, sim, answers=NAMED) -> str:
    return re.search(r"R-\w{4}", say_all(sim, answers)[0]).group()


def set_status(services, code, status, by="amina@example.org", note=None):
    with services.database.write() as db:
        report = db.get(Report, code)
        return change_status(db, report, status, by, note, now(), services.settings)


def test_status_answers_anyone_holding_the_code_in_their_language(services):
    code = file(services, person(services))
    other = person(services, lang="fr")
    assert other.say(f"statut {code.lower()}") == [
        "État du signalement : enregistré, pas encore examiné."]
    set_status(services, code, "reviewing")
    arabic = person(services, lang="ar")
    assert arabic.say("حَالَة " + code.replace("-", " ")) == ["حالة البلاغ: قيد المراجعة."]


def test_an_unknown_and_a_malformed_code_get_the_same_answer(services):
    file(services, person(services))
    sim = person(services)
    unknown = sim.say("STATUS R-2345")
    malformed = sim.say("STATUS hello")
    assert unknown == malformed
    assert unknown[0].startswith("No report with that code was found.")
    assert sim.say("status")[0] == "Send STATUS and your report code, like: STATUS R-7K3Q"


def test_a_status_question_is_redacted_and_the_answer_does_not_repeat_the_code(services):
    code = file(services, person(services, lang="fa"), ANONYMOUS)
    sim = person(services, lang="fa")
    reply = sim.say(f"وضعیت {code}")[0]
    assert code not in reply
    with services.database.read() as db:
        texts = db.scalars(select(Message.text).where(Message.contact_id == sim.contact_id)).all()
    assert not any(t and code in t for t in texts)


def test_a_status_change_is_recorded_and_told_to_a_named_reporter(services):
    sim = person(services, lang="ps")
    code = file(services, sim, ["راپور", "۱", "۱", "#", "۱۴", "ډنډ", "وهل ټکول", "۲", "۲"])
    sim.replies()
    assert set_status(services, code, "referred", note="Sent to the AIHRC office") is not None
    assert sim.replies() == [
        f"ستاسو د راپور {code} حالت بدل شو: یوې همکارې ادارې ته لېږل شوی چې مرسته کولی شي."]
    with services.database.read() as db:
        (change,) = db.scalars(select(ReportChange)).all()
    assert (change.old_status, change.status, change.by, change.note) == (
        "new", "referred", "amina@example.org", "Sent to the AIHRC office")


def test_an_anonymous_reporter_is_not_told_and_no_change_is_no_change(services):
    sim = person(services)
    code = file(services, sim, ANONYMOUS)
    sim.replies()
    set_status(services, code, "reviewing")
    assert set_status(services, code, "reviewing") is None
    assert sim.replies() == []
    with services.database.read() as db:
        assert len(db.scalars(select(ReportChange)).all()) == 1


def test_an_unknown_status_is_refused(services):
    code = file(services, person(services))
    with pytest.raises(ValueError):
        set_status(services, code, "lost")


def test_cli_sets_a_status(services, settings):
    sim = person(services)
    code = file(services, sim)
    result = run_cli(settings, "reports", "set-status", code.lower(), "resolved",
                     "--note", "Family reunited")
    assert result.exit_code == 0 and f"{code}: new -> resolved." in result.output
    assert reports(services)[0].status == "resolved"
    assert "resolved" in sim.replies()[-1]
    missing = run_cli(settings, "reports", "set-status", "R-2222", "closed")
    assert missing.exit_code == 1 and "no report has the code" in missing.output
    wrong = run_cli(settings, "reports", "set-status", code, "done")
    assert wrong.exit_code == 2


@pytest.fixture
def alerting(settings):
    built = Services(settings.with_overrides(alert_telegram_chats=("-100123",),
                                             alert_sms=("+93799000111", "+93799000222")))
    yield built
    built.database.dispose()


def test_an_urgent_report_alerts_coordinators_without_the_reporter(alerting, settings):
    sim = person(alerting, name="Zarghuna", province="herat")
    answers = list(NAMED)
    answers[7] = "1"  # urgent
    code = file(alerting, sim, answers)
    with alerting.database.read() as db:
        alerts = db.execute(select(Message, Identity.address, Contact.status)
                            .join(Identity, Identity.id == Message.identity_id)
                            .join(Contact, Contact.id == Identity.contact_id)
                            .where(Message.priority == Priority.ALERT)).all()
    assert sorted((m.channel, address) for m, address, _ in alerts) == [
        ("sms", "+93799000111"), ("sms", "+93799000222"), ("telegram", "-100123")]
    for message, _, status in alerts:
        assert message.text == f"URGENT report {code}: Human-rights violation, Herat."
        assert status == ContactStatus.STAFF and message.direction == Direction.OUT
    result = run_cli(settings, "export", "contacts")
    assert "+93799000111" not in result.stdout and "-100123" not in result.stdout
    assert len(list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))) == 2


def test_a_report_that_is_not_urgent_alerts_nobody(alerting):
    file(alerting, person(alerting))
    with alerting.database.read() as db:
        assert db.scalars(select(Message).where(Message.priority == Priority.ALERT)).all() == []


def test_erasure_unlinks_reports_and_feedback_and_drops_what_was_said(services):
    sim = person(services)
    file(services, sim)
    say_all(sim, ["feedback", "1", "The clinic has no water."])
    with services.database.write() as db:
        erase_contact(db, db.get(Contact, sim.contact_id))
    (report,) = reports(services)
    assert (report.contact_id, report.created_at) == (None, None)
    assert (report.description, report.district, report.category) == ("", None, "rights")
    (row,) = feedback(services)
    assert (row.contact_id, row.text) == (None, "")
    with services.database.read() as db:
        assert db.scalars(select(Feedback.contact_id)).all() == [None]


def test_someone_not_registered_can_ask_for_a_status(services):
    from tests.builders import chat

    code = file(services, person(services))
    assert chat(services).say(f"STATUS {code}") == [
        "Report status: received, not yet reviewed."]


def test_a_sentence_that_starts_like_status_is_not_the_keyword(services):
    sim = person(services, lang="fa")
    say_all(sim, ["گزارش", "۱", "۱", "۱", "جرم"])
    assert sim.say("وضعیت امنیتی در قریه ما خراب است")[0].startswith("آیا کسی")
    say_all(sim, ["۲", "۲"])
    assert reports(services)[0].description == "وضعیت امنیتی در قریه ما خراب است"
    assert sim.say("status of the clinic is bad")[0].startswith("ببخشید، نفهمیدم.")
    assert sim.say("STATUS R7K3Q")[0].startswith("گزارشی با این کود پیدا نشد.")


def test_guessing_codes_by_the_dozen_is_slowed_down(settings):
    from flows.status import STATUS_PER_HOUR

    # The spine's per-minute limit would slow this burst first; the hourly quota is tested.
    services = Services(settings.with_overrides(inbound_per_minute=1000))
    code = file(services, person(services))
    sim = person(services)
    for n in range(STATUS_PER_HOUR):
        sim.say(f"STATUS R-{n:04d}".replace("0", "2").replace("1", "3"))
    assert sim.say(f"STATUS {code}") == [
        "Too many status requests this hour. Please try again later."]
    services.database.dispose()
