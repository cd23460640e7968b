import csv
import io

from click.testing import CliRunner
from openpyxl import load_workbook

from bot.cli.main import main
from bot.core.exports import write_csv, write_xlsx
from tests.builders import make_contact

HOSTILE = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "کابل",
           "+93 701 111 111", "plain"]


def test_csv_has_a_bom_and_neutralises_formulas():
    stream = io.StringIO()
    write_csv(stream, ["text"], [[value] for value in HOSTILE])
    data = stream.getvalue()
    assert data.startswith("\ufeff")
    values = [row[0] for row in csv.reader(io.StringIO(data[1:]))][1:]
    assert values == ["'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3+cmd|' /C calc'!A0",
                      "'@SUM(A1)", "کابل", "+93 701 111 111", "plain"]


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, ["text"], [[value] for value in HOSTILE], "test")
    sheet = load_workbook(path).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == HOSTILE
    assert all(c.data_type == "s" for c in cells)


def run_cli(settings, *args):
    env = {"MASHWARA_DATABASE_URL": settings.database_url,
           "MASHWARA_ENCRYPTION_KEY": settings.encryption_keys[0],
           "MASHWARA_INSTANCE_DIR": str(settings.instance_dir)}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_export_contacts_as_csv_in_arabic_script(services, settings):
    make_contact(services, name="زرغونه", address="+93701111111", province="herat", channel="sms")
    make_contact(services, name="Amina", province="kabul")
    result = run_cli(settings, "export", "contacts", "--province", "herat")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows[0][:4] == ["id", "status", "language", "name"]
    assert [(r[3], r[7]) for r in rows[1:]] == [("زرغونه", "+93701111111")]


def test_export_rejects_an_unknown_name_clearly(settings):
    result = run_cli(settings, "export", "nothing")
    assert result.exit_code == 2 and "choose one of: " in result.output
    assert "contacts" in result.output.split("choose one of: ")[1]
