"""The Newton, conjugate-gradient and Barzilai–Borwein templates: each named mistake, computed here from its
formula, is rejected and named; the CLI shows, checks, solves and runs them with seeds."""

import json
from fractions import Fraction

import numpy as np
import pytest

from gdcli.practice import mistakes, problems, progress
from gdcli.practice.grading import answer_text

METHOD_TEMPLATES = ("newton-step-by-hand", "conjugate-gradient-two-steps", "barzilai-borwein-step")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GDCLI_HOME", str(tmp_path / "home"))


def named(question, value):
    verdict = question.check(answer_text(question.kind, value))
    assert not verdict.correct
    return verdict.misconception


def test_newton_with_h_for_its_inverse_and_as_a_gradient_step():
    problem = problems.find("newton-step-by-hand")          # f = 2x² + 2xy + 2y² − 8x − 10y from (2, −1)
    x0, h = np.array([2.0, -1.0]), np.array([[4.0, 2.0], [2.0, 4.0]])
    g0 = h @ x0 - [8.0, 10.0]
    assert list(g0) == [-2.0, -10.0]
    q = problem.question(3)
    assert named(q, list(x0 - h @ g0)) == mistakes.H_NOT_INVERSE
    assert named(q, list(x0 - g0)) == mistakes.GRADIENT_STEP
    assert named(q, list(x0 + np.linalg.solve(h, g0))) == mistakes.WRONG_WAY
    assert named(problem.question(4), 2) == mistakes.CG_COUNT   # CG needs n = 2 here, Newton one


def test_conjugate_gradients_without_the_previous_direction():
    problem = problems.find("conjugate-gradient-two-steps")   # A = [[4, −3], [−3, 6]], b = (3, 3), x₀ = 0
    a, b = np.array([[4.0, -3.0], [-3.0, 6.0]]), np.array([3.0, 3.0])
    x, g = np.zeros(2), -b
    for _ in range(2):                                        # steepest descent with the exact step gᵀg/gᵀAg
        x = x - (g @ g) / (g @ a @ g) * g
        g = a @ x - b
    assert named(problem.question(6), list(x)) == mistakes.NO_CONJUGATION
    g1 = a @ np.array([1.5, 1.5]) - b
    assert named(problem.question(5), list(-g1)) == mistakes.NO_CONJUGATION
    g0 = -b
    beta = (g1 @ g1) / (g0 @ g0)
    assert named(problem.question(4), 1 / beta) == mistakes.BETA_UPSIDE_DOWN
    assert named(problem.question(4), np.linalg.norm(g1) / np.linalg.norm(g0)) == mistakes.NORM_RATIO
    assert named(problem.question(2), (g0 @ a @ g0) / (g0 @ g0)) == mistakes.UPSIDE_DOWN


def test_polak_ribiere_equals_fletcher_reeves_after_an_exact_step_so_it_is_not_offered():
    q = problems.find("conjugate-gradient-two-steps", seed=11).question(4)
    assert mistakes.OTHER_BETA["pr"] not in [m.message for m in q.answer.near]


def test_barzilai_borwein_formulas_swapped_and_the_first_step_kept():
    problem = problems.find("barzilai-borwein-step")          # f = 2u² + 6v² from (3, 1), α₀ = 0.05
    grad = lambda x: [4 * x[0], 12 * x[1]]  # noqa: E731
    F = Fraction
    x0 = [F(3), F(1)]
    x1 = [x0[i] - F(1, 20) * grad(x0)[i] for i in range(2)]
    s = [x1[i] - x0[i] for i in range(2)]
    y = [grad(x1)[i] - grad(x0)[i] for i in range(2)]
    ss, sy, yy = sum(t * t for t in s), sum(p * q for p, q in zip(s, y)), sum(t * t for t in y)
    assert named(problem.question(4), float(sy / yy)) == mistakes.BB_SWAPPED
    assert named(problem.question(5), float(ss / sy)) == mistakes.BB_SWAPPED
    assert named(problem.question(4), float(sy / ss)) == mistakes.UPSIDE_DOWN
    assert named(problem.question(6), [float(x1[i] - sy / yy * grad(x1)[i]) for i in range(2)]) == mistakes.BB_SWAPPED
    assert named(problem.question(6), [float(x1[i] - F(1, 20) * grad(x1)[i]) for i in range(2)]) \
        == mistakes.KEPT_FIRST_STEP
    assert named(problem.question(2), [float(-t) for t in s]) == mistakes.REVERSED
    assert named(problem.question(3), [float(-t) for t in y]) == mistakes.REVERSED


def test_variant_explanations_are_the_engine_worked_steps():
    problem = problems.find("barzilai-borwein-step", seed=3)
    q = problem.question(6)
    assert not q.explanation_fits
    worked = q.worked()
    assert "sᵀs" in worked and q.answer_text() in worked and "24 → 12.48" not in worked
    newton = problems.find("newton-step-by-hand", seed=3).question(3).worked()
    assert "d = −H⁻¹∇f" in newton


@pytest.mark.parametrize("ident", METHOD_TEMPLATES)
def test_the_cli_lists_shows_checks_solves_and_starts_them(cli, ident):
    assert ident in cli("practice", "list").stdout
    problem = problems.find(ident, seed=21)
    shown = json.loads(cli("practice", "show", ident, "--seed", "21", "--json").stdout)
    assert shown["parameters"] == problem.values and shown["data"] == problem.data
    right = problem.question(1).answer_text()
    result = cli("practice", "check", ident, "--seed", "21", "-q", "1", "-a", right)
    assert result.exit_code == 0 and progress.read().attempts[-1].seed == 21
    solution = json.loads(cli("practice", "solution", ident, "--seed", "21", "--json").stdout)
    assert [a["answer"] for a in solution["answers"]] == [q.answer_text() for q in problem.questions]
    started = cli("practice", "start", ident, "--seed", "21", input=right + "\nq\n")
    assert started.exit_code == 0 and "score: 1/" in started.stdout


@pytest.mark.parametrize("setting, field", [('cg_beta = "hs"', "data.cg_beta"), ('line_search = "wolf"', "data.line_search"),
                                            ("bb = 3", "data.bb")])
def test_a_bad_method_setting_is_one_line_naming_its_field(cli, tmp_path, setting, field):
    optimizer = "bb" if setting.startswith("bb") else "cg"
    path = tmp_path / "bad.toml"
    path.write_text(f'''id = "bad"
title = "t"
difficulty = "easy"
topic = "t"
statement = "s"
[data]
objective = "x^2 + 2*y^2"
start = [1, 1]
optimizer = "{optimizer}"
{setting}
lr = 0.1
[[questions]]
prompt = "p"
kind = "vector"
compute = "iterate"
hints = ["h"]
explanation = "e"
''', encoding="utf-8")
    result = cli("practice", "solution", str(path))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and f": {field}:" in result.stderr
