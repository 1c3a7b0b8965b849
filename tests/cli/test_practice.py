"""`gd practice`: list, show, check, solution, progress and the interactive session driven through stdin."""

import json

import pytest

from tests.conftest import run_python


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GDCLI_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_list_json_and_filters(cli):
    result = cli("practice", "list", "--json")
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert len(items) >= 30 and all(set(i) == {"id", "title", "difficulty", "topic"} for i in items)
    easy = json.loads(cli("practice", "list", "--difficulty", "easy", "--json").stdout)
    assert easy and all(i["difficulty"] == "easy" for i in easy)
    topic = json.loads(cli("practice", "list", "--topic", "optimizers", "--json").stdout)
    assert topic and all(i["topic"] == "optimizers" for i in topic)
    table = cli("practice", "list", "--difficulty", "hard")
    assert "eigenvalues-one-and-ten" in table.stdout and "quadratic-1d-two-rates" not in table.stdout
    bad = cli("practice", "list", "--difficulty", "trivial")
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


def test_show_json_shape(cli):
    doc = json.loads(cli("practice", "show", "elliptic-bowl-one-step", "--json").stdout)
    assert set(doc) == {"id", "title", "difficulty", "topic", "statement", "seed", "parameters", "data", "questions"}
    assert doc["questions"][0] == {"number": 1, "prompt": doc["questions"][0]["prompt"], "kind": "expression",
                                   "choices": [], "exactness": None}
    assert doc["questions"][2]["exactness"] == "to 4 significant figures (the default)"
    assert doc["data"]["objective"] == "x1^2 + 4*x2^2"
    text = cli("practice", "show", "elliptic-bowl-one-step").stdout
    assert "x₁² + 4x₂²" in text and "1." in text


def test_show_by_path_and_unknown_id(cli):
    from gdcli.practice.problems import bank_directory

    assert cli("practice", "show", str(bank_directory() / "adam-first-step.toml")).exit_code == 0
    missing = cli("practice", "show", "no-such-problem")
    assert missing.exit_code == 2 and "no problem 'no-such-problem'" in missing.stderr


def test_check_exit_codes_and_json(cli):
    ok = cli("practice", "check", "elliptic-bowl-one-step", "--question", "3", "--answer", "[1.2, -0.6]", "--json")
    assert ok.exit_code == 0
    assert json.loads(ok.stdout) == {"correct": True, "expected": "[1.2, -0.6]", "feedback": "✓ correct.",
                                     "misconception": None, "after_solution": False}
    wrong = cli("practice", "check", "elliptic-bowl-one-step", "--question", "3", "--answer", "2.8, 2.6", "--json")
    assert wrong.exit_code == 1
    doc = json.loads(wrong.stdout)
    assert doc["correct"] is False and "uphill" in doc["feedback"]
    text = cli("practice", "check", "quadratic-1d-two-rates", "-q", "4", "-a", "0 < a <= 1")
    assert text.exit_code == 1 and "✗ not yet" in text.stdout and "strict" in text.stdout
    assert cli("practice", "check", "quadratic-1d-two-rates", "-q", "9", "-a", "1").exit_code == 2


def test_solution_answers_are_accepted_by_check(cli):
    doc = json.loads(cli("practice", "solution", "linear-regression-four-points", "--json").stdout)
    assert doc["id"] == "linear-regression-four-points"
    for item in doc["answers"]:
        assert cli("practice", "check", doc["id"], "-q", item["number"], "-a", item["answer"]).exit_code == 0
    text = cli("practice", "solution", "linear-regression-four-points").stdout
    assert "0.81995" in text and "answer:" in text


def test_answers_after_the_solution_are_recorded_as_such_never_as_correct(cli):
    from gdcli.practice import progress

    cli("practice", "solution", "x-squared-from-five")
    result = cli("practice", "check", "x-squared-from-five", "-q", "3", "-a", "(0, 1)", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["after_solution"] is True
    last = progress.read().attempts[-1]
    assert (last.question, last.correct, last.after_solution) == (3, False, True)
    text = cli("practice", "check", "x-squared-from-five", "-q", "3", "-a", "(0, 1)").stdout
    assert "after the solution" in text
    row = next(line for line in cli("practice", "progress").stdout.splitlines() if line.startswith("step size"))
    assert row.split()[2] == "0"                          # nothing solved


def test_a_wrong_choice_is_not_answered_with_the_right_one(cli):
    result = cli("practice", "start", "saddle-and-maximum", input="minimum\nmaximum\nq\n")
    out = result.stdout
    assert "not minimum" in out
    from gdcli.practice import problems

    right = problems.find("saddle-and-maximum").question(1).answer_text()
    wrong_line = next(line for line in out.splitlines() if "not minimum" in line)
    assert right not in wrong_line


def test_progress_by_topic(cli):
    cli("practice", "check", "x-squared-from-five", "-q", "1", "-a", "(1 - 2*alpha)*x")
    cli("practice", "check", "x-squared-from-five", "-q", "2", "-a", "1, 0.2, 0.04")
    cli("practice", "check", "x-squared-from-five", "-q", "3", "-a", "(0, 1)")
    cli("practice", "check", "quadratic-1d-two-rates", "-q", "2", "-a", "0")
    result = cli("practice", "progress")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if line.startswith("step size"))
    assert row.split()[2:5] == ["1", "1", "1"]          # solved, attempted, not tried


def test_progress_warns_about_a_corrupt_file(cli, home):
    home.mkdir(parents=True)
    (home / "progress.jsonl").write_text("garbage\n")
    result = cli("practice", "progress")
    assert result.exit_code == 0 and "gd: warning:" in result.stderr and "set aside" not in result.stdout
    assert list(home.glob("progress.jsonl.corrupt-*"))


def test_interactive_session_hint_wrong_right_solution_and_score(cli):
    answers = "\n".join([
        "?",                  # hint 1 for question 1
        "x",                  # wrong (not equivalent)
        "x - alpha*2*x",      # right
        "1, 0.2, 0.05",       # wrong iterate 3
        "1, 0.2, 0.04",       # right
        "s",                  # reveal the solution of question 3
    ]) + "\n"
    result = cli("practice", "start", "x-squared-from-five", input=answers)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "hint 1/1: f′(x) = 2x." in out
    assert out.count("✗ not yet") == 2 and out.count("✓ correct") == 2
    assert "iterate 3 is wrong" in out
    assert "answer: 0 < α < 1" in out
    assert "score: 2/3" in out
    from gdcli.practice import progress

    attempts = progress.read().attempts
    assert [(a.question, a.correct) for a in attempts] == [(1, False), (1, True), (2, False), (2, True), (3, False)]
    assert [a.after_solution for a in attempts] == [False, False, False, False, True]


def test_interactive_session_moves_on_and_quits(cli):
    result = cli("practice", "start", "--difficulty", "easy", input="skip\nskip\nskip\nskip\nskip\nq\n")
    assert result.exit_code == 0
    assert result.stdout.count("Question 1/") >= 2          # moved to a second problem
    assert "score: 0/" in result.stdout


def test_interactive_session_ends_cleanly_at_end_of_input(cli):
    # question 1: m₁ = (1 − β₁)·f′(x₀) = 0.1·2 = 0.2
    result = cli("practice", "start", "adam-first-step", input="0.2\n")
    assert result.exit_code == 0 and "score: 1/1" in result.stdout   # question 2, cut off, is not scored


def test_a_question_quit_is_not_scored(cli):
    result = cli("practice", "start", "adam-first-step", input="0.2\nq\n")
    assert result.exit_code == 0 and "session ended." in result.stdout
    assert "score: 1/1 question answered correctly" in result.stdout and "1/2" not in result.stdout


def test_help_does_not_import_the_engine():
    code = ("import sys\nfrom gdcli.cli import app\ntry:\n    app(['practice', '--help'])\nexcept SystemExit:\n    pass\n"
            "print('sympy' in sys.modules, 'numpy' in sys.modules)")
    result = run_python(code)
    assert result.stdout.strip().splitlines()[-1] == "False False"


def test_every_command_has_an_example():
    from gdcli.cli.practice import practice_app

    for command in practice_app.registered_commands:
        assert command.callback.__doc__.strip().splitlines()[-1].strip().startswith("Example: gd practice ")


def test_the_check_example_in_help_is_right(cli):
    import shlex

    from gdcli.cli.practice import check

    example = next(line for line in check.__doc__.splitlines() if "Example: gd practice check" in line)
    arguments = shlex.split(example.split("Example: gd ", 1)[1])
    assert cli(*arguments).exit_code == 0


def test_greek_letters_in_an_answer(cli):
    result = cli("practice", "check", "x-squared-from-five", "-q", "1", "-a", "(1 − 2α)x")
    assert result.exit_code == 0, result.stdout


def test_an_answer_that_is_not_utf8_is_graded_shown_and_recorded(home):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run([sys.executable, "-m", "gdcli", "practice", "check", "quadratic-1d-two-rates", "-q", "1",
                             "-a", b"0.6\xff"], capture_output=True, cwd=ROOT, timeout=120,
                            env=dict(os.environ, GDCLI_HOME=str(home), PYTHONIOENCODING="utf-8"))
    assert result.returncode == 1 and b"Traceback" not in result.stderr and result.stderr == b""
    assert "✗ not yet" in result.stdout.decode("utf-8")
    (line,) = (home / "progress.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["answer"] == "0.6\ufffd" and json.loads(line)["correct"] is False


def test_a_progress_log_that_is_a_fifo_is_one_line(cli, home):
    import os

    home.mkdir()
    os.mkfifo(home / "progress.jsonl")
    for args in (("progress",), ("check", "quadratic-1d-two-rates", "-q", "4", "-a", "0 < a < 1")):
        result = cli("practice", *args)
        assert result.exit_code == 2 and "Traceback" not in result.stderr
        (line,) = result.stderr.splitlines()
        assert "progress.jsonl" in line and "FIFO" in line


@pytest.mark.parametrize("question, answer", [
    (1, "[10^400, 10^400]"), (1, "[0**(x1-5) - 0**(x1-4), 8*x2]"), (1, "[((x1+1)^1000)^1000, 1]"),
    (1, "[2*x1 + 0**(x2-5), 8*x2]"), (4, "exp(exp(exp(exp(10))))"), (4, "10^400"), (2, "[1e999, 1]"),
])
def test_hostile_answers_are_graded_wrong_and_recorded(cli, home, question, answer):
    result = cli("practice", "check", "elliptic-bowl-one-step", "-q", question, "-a", answer)
    assert result.exit_code == 1 and result.stderr == "" and "✗ not yet" in result.stdout
    (line,) = (home / "progress.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["correct"] is False and json.loads(line)["question"] == question
