"""SMS budgets and the glossary, as `mashwara flows check` enforces them."""

import json

from click.testing import CliRunner

from bot import features
from bot.cli.main import main
from flows import check, cost


def with_budgets(tmp_path, monkeypatch, change):
    data = json.loads(cost.BUDGETS.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "segments.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(cost, "BUDGETS", path)
    cost.budgets.cache_clear()


def test_the_catalogues_keep_their_budgets_and_glossary():
    features.install()
    cost.budgets.cache_clear()
    assert check.problems() == []


def test_help_is_two_sms_in_dari_and_pashto_and_feedback_thanks_one_in_pashto():
    features.install()
    assert cost.segments("fa", "help.text") == cost.segments("ps", "help.text") == 2
    assert cost.segments("ps", "feedback.thanks") == 1
    assert cost.segments("fr", "meetings.answer.maybe") == 1


def test_a_message_over_its_budget_fails_the_check(tmp_path, monkeypatch):
    features.install()
    with_budgets(tmp_path, monkeypatch, lambda d: d["budgets"]["help.text"].update(fa=1))
    assert cost.budget_problems() == ["fa: help.text costs 2 SMS; its budget is 1"]
    cost.budgets.cache_clear()


def test_a_message_without_a_budget_fails_the_check(tmp_path, monkeypatch):
    features.install()
    with_budgets(tmp_path, monkeypatch, lambda d: d["budgets"].pop("delete.no"))
    assert cost.budget_problems() == ["delete.no has no SMS budget in segments.json"]
    cost.budgets.cache_clear()


def test_a_word_the_glossary_replaced_fails_the_check(tmp_path, monkeypatch):
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps({"fa": [{"term": "help", "use": "رهنما", "not": ["کمک"]}]}),
                    encoding="utf-8")
    monkeypatch.setattr(cost, "GLOSSARY", path)
    found = cost.glossary_problems()
    assert "fa: menu.help says «کمک»; the glossary's word for help is «رهنما»" in found


def test_a_glossary_word_inside_a_longer_word_is_not_a_problem(tmp_path, monkeypatch):
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps({"fa": [{"term": "code", "use": "کود", "not": ["کد"]}]}),
                    encoding="utf-8")
    monkeypatch.setattr(cost, "GLOSSARY", path)
    assert cost.glossary_problems() == []  # «کدام» (which) is everywhere


def test_flows_check_prints_the_segments_of_every_message():
    result = CliRunner().invoke(main, ["flows", "check", "--segments"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["message", "en", "fa", "ps", "ar", "fr"]
    assert next(line for line in lines if line.startswith("help.text")).split() == [
        "help.text", "1", "2", "2", "2", "2"]
