"""`gd practice export`: the file written, what was skipped named, bad options one line with nothing written."""

import xml.etree.ElementTree as ET

import pytest


def test_cli_writes_the_file_and_names_what_it_skipped(cli, tmp_path):
    target = tmp_path / "quiz.xml"
    result = cli("practice", "export", "--format", "moodle", "--out", str(target),
                 "--ids", "quadratic-1d-two-rates", "--variants", "2", "--seed", "ann")
    assert result.exit_code == 0, result.output
    assert ET.fromstring(target.read_bytes()).tag == "quiz"
    assert "interval" in result.stderr


@pytest.mark.parametrize("arguments, message", [
    (["--format", "word"], "--format must be one of moodle, qti"),
    (["--format", "qti", "--ids", "no-such-problem"], "no problem 'no-such-problem'"),
    (["--format", "qti", "--topic", "no such topic"], "no problems match"),
    (["--format", "qti", "--variants", "0"], "--variants must be from 1"),
])
def test_cli_bad_options_are_one_line_and_write_nothing(cli, tmp_path, arguments, message):
    target = tmp_path / "quiz.zip"
    result = cli("practice", "export", "--out", str(target), *arguments)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not target.exists()


def test_progress_export_then_report_with_csv_and_markdown(cli, tmp_path, monkeypatch):
    import csv

    monkeypatch.setenv("GDCLI_HOME", str(tmp_path / "home"))
    assert cli("practice", "check", "x-squared-from-five", "-q", "2", "-a", "-99").exit_code == 1
    hand_in = tmp_path / "ann.json"
    assert cli("practice", "progress", "--export", hand_in, "--student", "ann").exit_code == 0
    (tmp_path / "junk.json").write_text("not json")
    table, page = tmp_path / "class.csv", tmp_path / "class.md"
    result = cli("practice", "report", hand_in, tmp_path / "junk.json", "--csv", table, "--markdown", page)
    assert result.exit_code == 0
    assert "junk.json: not JSON text" in result.stderr and "Traceback" not in result.stderr
    with table.open(encoding="utf-8") as text:
        rows = list(csv.DictReader(text))
    assert [(r["problem"], r["question"], r["attempts"], r["first-try success"]) for r in rows] == [
        ("x-squared-from-five", "2", "1", "0.0")]
    assert "| ann | 1 |" in page.read_text()
