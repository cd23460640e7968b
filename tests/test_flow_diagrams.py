"""Each question-by-question conversation has a Mermaid diagram beside its code, and
`mashwara flows check` fails when the diagram and the flow disagree."""

import shutil

from bot import features
from flows import check


def test_every_diagram_matches_its_flow():
    features.install()
    assert check.diagram_problems() == []


def test_a_stale_diagram_is_caught(tmp_path, monkeypatch):
    features.install()
    for diagram in check.DIAGRAMS.glob("*.mmd"):
        shutil.copy(diagram, tmp_path)
    report = tmp_path / "report.mmd"
    report.write_text(report.read_text().replace("urgent --> anonymous", "urgent --> safe"))
    monkeypatch.setattr(check, "DIAGRAMS", tmp_path)
    assert check.diagram_problems() == [
        "report.mmd: drawn ['safe'] not in the flow; flow has [] not drawn"]


def test_a_missing_diagram_is_caught(tmp_path, monkeypatch):
    features.install()
    monkeypatch.setattr(check, "DIAGRAMS", tmp_path)
    assert "flow report has no diagram report.mmd" in check.diagram_problems()
