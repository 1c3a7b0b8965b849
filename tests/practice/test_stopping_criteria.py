"""The stopping-criteria template and its compute rules (gdcli.practice.answers: stopping_step, first_stop,
gradient_test_radius), checked against the closed forms computed again in exact fractions."""

import itertools
import math
import tomllib
from collections import Counter
from fractions import Fraction

import pytest

from gdcli.errors import ProblemError
from gdcli.practice import problems
from gdcli.practice.answers import COMPUTES, Context
from tests.conftest import ROOT

TEMPLATE = ROOT / "problems" / "stopping-criteria.toml"


class Asked:
    """A question as a compute rule sees it: its data and its rule."""

    def __init__(self, compute: str, **data):
        self.kind, self.compute, self.data = "number", compute, data

    def error(self, field, message):
        return ProblemError(f"{field}: {message}")

    def data_error(self, key, message):
        return ProblemError(f"data.{key}: {message}")


def answer(compute, **data):
    return COMPUTES[compute](Context(Asked(compute, **data))).value


def first_step(holds, start):
    return next(t for t in itertools.count(start) if holds(t))


def closed_forms(h, lr, x0, c, tol):
    """The first step of each test on f = h(x − c)², from exact arithmetic: e_t = ρᵗe₀ with ρ = 1 − 2hα,
    |f′(x_t)| = 2h|e_t|, |x_t − x_{t−1}| = α·2h|e_{t−1}|, |f(x_t) − f(x_{t−1})| = h(1 − ρ²)e_{t−1}²."""
    alpha, tol = Fraction(lr), Fraction(tol)
    rho, e0 = 1 - 2 * h * alpha, Fraction(x0 - c)
    return {
        "gradient": first_step(lambda t: 2 * h * abs(rho ** t * e0) <= tol, 0),
        "step": first_step(lambda t: alpha * 2 * h * abs(rho ** (t - 1) * e0) <= tol, 1),
        "value": first_step(lambda t: h * (1 - rho ** 2) * (rho ** (t - 1) * e0) ** 2 <= tol, 1),
    }


def every_draw():
    """Every combination of the template's parameters that the questions use."""
    table = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))["parameters"]
    ranges = {name: (list(range(spec["integers"][0], spec["integers"][1] + 1)) if "integers" in spec
                     else spec["choice"]) for name, spec in table.items() if name != "flat"}
    return [dict(zip(ranges, values)) for values in itertools.product(*ranges.values())]


def test_the_engine_s_first_stopping_steps_are_the_closed_forms_for_every_draw_of_the_template():
    draws = every_draw()
    assert len(draws) >= 100
    for draw in draws:
        expected = closed_forms(**draw)
        data = {"objective": f"{draw['h']}*(x - {draw['c']})^2", "start": str(draw["x0"]), "lr": draw["lr"],
                "tol": draw["tol"]}
        for criterion, step in expected.items():
            assert answer("stopping_step", criterion=criterion, **data) == step, (draw, criterion)
        first = min(expected.values())
        winners = [name for name, step in expected.items() if step == first]
        if len(winners) == 1:
            assert COMPUTES["first_stop"](Context(Asked("first_stop", **data))).value == winners[0]
        else:
            with pytest.raises(ProblemError, match="both stop"):
                COMPUTES["first_stop"](Context(Asked("first_stop", **data)))


def test_the_original_and_its_variants_read_their_answers_from_the_engine():
    original = problems.find("stopping-criteria")
    steps = closed_forms(h=2, lr="0.1", x0=0, c=3, tol="0.01")
    assert [q.answer.value for q in original.questions] == \
        [steps["gradient"], steps["step"], steps["value"], "value", pytest.approx(0.01 / 0.02)]
    firsts = set()
    for seed in range(1, 13):
        variant = problems.find("stopping-criteria", seed=seed)
        values = variant.values
        expected = closed_forms(values["h"], values["lr"], values["x0"], values["c"], values["tol"])
        assert [q.answer.value for q in variant.questions[:3]] == [expected[k] for k in ("gradient", "step", "value")]
        assert variant.questions[4].answer.value == pytest.approx(float(values["tol"]) / float(values["flat"]))
        assert all(q.explanation_fits and "{" not in q.worked() for q in variant.questions)
        firsts.add(variant.questions[3].answer.value)
    assert firsts <= {"gradient", "step", "value"}


def test_one_step_short_is_a_near_miss_that_says_the_test_still_fails():
    question = problems.find("stopping-criteria").questions[0]
    verdict = question.check(str(question.answer.value - 1))
    assert not verdict.correct and "still fails" in verdict.feedback


def test_the_gradient_test_radius_is_tol_over_the_smallest_curvature():
    # H = [[2, 1], [1, 4]]: λmin = 3 − √2; the farthest point with ‖He‖ ≤ tol lies along λmin's eigenvector
    assert answer("gradient_test_radius", objective="x^2 + x*y + 2*y^2", tol="0.01") == \
        pytest.approx(0.01 / (3 - math.sqrt(2)))
    assert answer("gradient_test_radius", objective="0.02/2*x^2 + 2*y^2", tol=0.001) == pytest.approx(0.05)
    for objective in ("x^4 + y^2", "x^2 - y^2"):
        with pytest.raises(ProblemError, match="data.objective"):
            answer("gradient_test_radius", objective=objective, tol="0.01")


def test_a_test_that_never_holds_or_an_unknown_one_is_an_error_naming_the_field():
    data = {"objective": "(x - 1)^2", "start": "0", "lr": "1", "tol": "0.01"}  # α = 2/f″: the error keeps its size
    with pytest.raises(ProblemError, match="data.tol: the gradient test never holds"):
        answer("stopping_step", criterion="gradient", steps=50, **data)
    with pytest.raises(ProblemError, match="data.criterion"):
        answer("stopping_step", criterion="distance", **data)


def test_which_test_fires_first_is_not_guessable_across_the_draws():
    """Over every draw distinct_answers keeps (the three stopping steps and the radius tol/flat all differ),
    the closed forms give the step test first in 35–65 % of the draws and the value test in 35–65 %: the
    choice question's answer is not the same one almost always (with tol ≤ 0.1 alone it was value 88 %)."""
    table = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))["parameters"]
    firsts = Counter()
    for draw in every_draw():
        steps = closed_forms(**draw)
        for flat in table["flat"]["choice"]:
            if len(set(steps.values()) | {Fraction(draw["tol"]) / Fraction(flat)}) == 4:
                firsts[min(steps, key=steps.get)] += 1
    total = sum(firsts.values())
    assert total >= 500
    assert 0.35 <= firsts["step"] / total <= 0.65 and 0.35 <= firsts["value"] / total <= 0.65, firsts
