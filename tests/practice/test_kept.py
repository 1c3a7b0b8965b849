"""Expected answers kept in the derivation cache grade every answer as the engine's own answers do."""

import math

import pytest

from gdcli.engine import cache
from gdcli.practice import kept, problems
from gdcli.practice.answers import Answer
from gdcli.practice.grading import Interval, NearMiss, answer_text
from tests.conftest import ROOT, run_python
from tests.engine.test_cache import IMPORTED, imported


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GDCLI_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def tries(question) -> list[str]:
    """Answers to grade: the right one as gd writes it, each offered mistake, and a value off by a half."""
    a = question.answer
    found = [answer_text(question.kind, a.value)]
    if question.kind in ("number", "vector", "choice"):
        found += [answer_text(question.kind, miss.value) for miss in a.near]
    if question.kind == "number":
        found.append(answer_text("number", float(a.value) * 1.5 + 0.5))
    return found


BANK = [p for p in problems.read_bank().problems]


@pytest.mark.parametrize("problem", BANK, ids=[p.id for p in BANK])
def test_kept_answers_grade_as_the_engine_s(folder, problem):
    fresh = problems.load(problem.path)  # answers computed by the engine, then kept
    graded = {q.number: [q.check(text) for text in tries(q)] for q in fresh.questions if q.kind != "expression"}
    cache.flush()
    again = problems.load(problem.path)  # answers read back from the entry
    for q in again.questions:
        if q.kind == "expression":
            continue
        assert [q.check(text) for text in tries(q)] == graded[q.number], (problem.id, q.number)
        assert "expected" not in q.__dict__, "the engine computed the answer again"


@pytest.mark.parametrize("value", [0.1 + 0.2, -0.0, math.inf, 3, (1.5, -2.0), [(0.6, 1.0), (1.08, 2.0)],
                                   Interval(0.0, 0.4, False, True), Interval(-math.inf, 2.0), "(b) step"])
def test_values_come_back_exactly_as_they_were(value):
    answer = Answer(value, names=["x"], near=(NearMiss(value, "a slip"),), dimension=2)
    back = kept.decode(kept.encode(answer))
    assert back == answer and type(back.value) is type(value)
    assert [type(v) for v in getattr(back.value, "__iter__", lambda: [])()] == \
        [type(v) for v in getattr(value, "__iter__", lambda: [])()]


def test_a_symbolic_answer_is_not_kept():
    with pytest.raises(TypeError):
        kept.encode(Answer(object()))


@pytest.mark.parametrize("answer", ["0.6, 1.08, 1.464, 1.7712", "0.6, 1.08, 1.46, 1.7712"])
def test_a_problem_checked_before_is_checked_without_the_engine(tmp_path, answer):
    env = {"GDCLI_CACHE": str(tmp_path / "cache"), "GDCLI_HOME": str(tmp_path / "home")}
    args = ("practice", "check", "quadratic-1d-two-rates", "--question", "2", "--answer", answer)
    first, second = run_python(IMPORTED, *args, env=env), run_python(IMPORTED, *args, env=env)
    assert {"gdcli.engine.objective", "numpy"} <= set(imported(first)), first.stderr
    assert imported(second) == [], second.stderr
    assert second.stdout == first.stdout and second.stdout.strip()


def test_a_changed_file_is_read_and_checked_again(folder, tmp_path):
    source = (ROOT / "problems" / "x-squared-from-five.toml").read_text()
    path = tmp_path / "p.toml"
    path.write_text(source)
    problems.load(path).question(1).answer
    cache.flush()
    path.write_text(source.replace('objective = "x^2"', 'objective = "x^2 +"'))
    with pytest.raises(problems.ProblemError, match="objective"):
        problems.load(path)
