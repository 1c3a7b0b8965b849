"""Random variants: parameters, templating, seeds, certification by the engine, and a property test per
template over many variants — every requirement holds, every answer equals a computation written out here,
the right answer in several written forms is accepted, and each offered mistake is rejected and named."""

import json
import math
import multiprocessing
from fractions import Fraction

import numpy as np
import pytest

from gdcli.errors import GdError, ProblemError
from gdcli.practice import problems, progress, variants
from gdcli.practice.grading import Interval, answer_text, number_text

TEMPLATES = ("x-squared-from-five", "quadratic-1d-two-rates", "one-eigenvalue-three-fates", "x-squared-three-rates",
             "shifted-bowl-one-step", "elliptic-bowl-one-step", "steepest-descent-direction", "weight-decay-factor",
             "learning-rate-schedules", "best-fixed-step", "zigzag-narrow-valley", "momentum-two-steps",
             "eigenvalues-one-and-ten", "ill-conditioning-cost", "nesterov-two-steps", "newton-step-by-hand",
             "conjugate-gradient-two-steps", "barzilai-borwein-step", "stopping-criteria")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GDCLI_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


# ---------------------------------------------------------------------------------------------------------
# seeds, parameters, templating

def test_seeds_are_numbers_or_hashed_names():
    assert variants.seed_of("42") == 42 and variants.seed_of(7) == 7
    assert variants.seed_of("Ada Lovelace") == variants.seed_of("Ada Lovelace") != variants.seed_of("Ada")
    with pytest.raises(GdError):
        variants.seed_of("  ")


def test_the_banks_templates_span_every_level():
    bank = problems.bank()
    templates = [p for p in bank if p.values is not None]
    assert {p.id for p in templates} == set(TEMPLATES)
    assert {p.difficulty for p in templates} == {"easy", "medium", "hard"}
    assert all(p.seed == 0 for p in templates)            # the bank shows the originals


def test_templating_fills_values_arithmetic_and_leaves_other_braces():
    values = {"a": 3, "lr": "0.1", "start": [2, -1]}
    assert variants.instantiate("f = (x − {a})², α = {lr}, 2a = {2*a}", values) == "f = (x − 3)², α = 0.1, 2a = 6"
    assert variants.instantiate("{start}", values) == [2, -1]           # a whole placeholder keeps its type
    assert variants.instantiate("from {start}", values) == "from (2, -1)"
    assert variants.instantiate("{1 - 2*lr}", values) == "0.8"
    kept = "eigenvalues {1, 100}, answer {answer}, unknown {b}, {__import__('os')}"
    assert variants.instantiate(kept, values) == kept


def test_the_same_seed_gives_the_same_variant_and_seeds_differ():
    first = problems.find("quadratic-1d-two-rates", seed=12345)
    again = problems.find("quadratic-1d-two-rates", seed=12345)
    assert first.values == again.values and first.statement == again.statement
    drawn = {json.dumps(problems.find("quadratic-1d-two-rates", seed=s).values, sort_keys=True) for s in range(1, 30)}
    assert len(drawn) > 5


def test_variant_zero_is_the_original():
    original = problems.find("quadratic-1d-two-rates")
    assert original.seed == 0 and original.values == {"c": 3, "x0": 0, "lr": "0.1", "lr2": "1.1"}
    assert "f(x) = (x − 3)²" in original.statement and original.question(3).answer_text() == "6.6, -1.32, 8.184, -3.2208"
    assert problems.find("quadratic-1d-two-rates", seed=0).values == original.values


def test_requirements_hold_for_the_originals():
    for ident in TEMPLATES:
        problem = problems.find(ident)
        assert problem.requirements and all(r.holds(problem) for r in problem.requirements), ident


def write(tmp_path, text, name="t.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BEHAVIOUR = '''[[questions]]
prompt = "What happens?"
kind = "choice"
compute = "behaviour"
choices = ["converges", "oscillates", "diverges"]
'''

TEMPLATE = '''id = "t"
title = "t"
difficulty = "easy"
topic = "step size"
statement = "f = {k}x² from 1 with α = {lr}."
[data]
objective = "{k}*x^2"
start = [1]
lr = "{lr}"
steps = 200
''' + BEHAVIOUR + '''hints = ["1 − 2kα."]
explanation = "ρ = |1 − {2*k}·{lr}|."
[parameters]
k = { integers = [1, 9] }
lr = { choice = ["0.1", "0.3"] }
[variants]
original = { k = 1, lr = "0.1" }
'''


def test_a_variant_satisfies_its_requirements(tmp_path):
    path = write(tmp_path, TEMPLATE + 'require = ["diverges"]\n')
    for seed in range(1, 40):
        problem = problems.load(path, seed)
        k, lr = problem.values["k"], float(problem.values["lr"])
        assert abs(1 - 2 * k * lr) > 1                        # diverges: the factor's size exceeds 1
        assert problem.question(1).answer.value == "diverges"


def test_an_impossible_requirement_is_a_clear_error(tmp_path):
    path = write(tmp_path, TEMPLATE + 'require = ["diverges", "converges"]\n')
    problems.load(path)                                       # the original is not checked against require
    with pytest.raises(ProblemError, match="no draw of 500 satisfied diverges, converges"):
        problems.load(path, 3)


@pytest.mark.parametrize("fault, field", [
    ('k = { integers = [9, 1] }', "parameters.k.integers"),
    ('k = { integers = [1, 9], choice = [1] }', "parameters.k"),
    ('k = { integers = [1, 9], colour = "red" }', "parameters.k.colour"),
    ('k = { integers = [0, 0], nonzero = true }', "parameters.k.integers"),
])
def test_broken_parameters_fail_on_their_field(tmp_path, fault, field):
    path = write(tmp_path, TEMPLATE.replace("k = { integers = [1, 9] }", fault) + 'require = []\n')
    with pytest.raises(ProblemError, match=field.replace(".", r"\.")):
        problems.load(path)


@pytest.mark.parametrize("require, message", [
    ('["converges_quickly"]', "not a predicate"),
    ('["diverges_before(n = -1)"]', "whole numbers"),
    ('["answers_exact(colour = 2)"]', "no argument 'colour'"),
])
def test_broken_requirements_fail_on_their_field(tmp_path, require, message):
    path = write(tmp_path, TEMPLATE + f"require = {require}\n")
    with pytest.raises(ProblemError, match=message):
        problems.load(path)


def test_a_problem_without_parameters_has_no_variants():
    with pytest.raises(GdError, match="has no variants"):
        problems.find("adam-first-step", seed=3)


def test_a_variant_explained_by_the_engine_when_its_text_was_for_the_original():
    problem = problems.find("x-squared-from-five", seed=5)
    q = problem.question(2)                                   # its explanation was typed for 5 → 1 → 0.2
    assert not q.explanation_fits
    worked = q.worked()
    x, lr = problem.values["c"], float(problem.values["lr"])
    for step in range(1, 4):
        x = (1 - 2 * lr) * x
        assert number_text(x) in worked
    assert q.answer_text() in worked and "5 → 1" not in worked
    assert problem.question(3).explanation_fits              # written against the parameters


# ---------------------------------------------------------------------------------------------------------
# exact predicates

RUN = '''id = "e"
title = "e"
difficulty = "easy"
topic = "step size"
statement = "A run."
[data]
objective = "{objective}"
start = {start}
lr = "{lr}"
steps = {steps}
{extra}
''' + BEHAVIOUR + '''hints = ["ρ."]
explanation = "ρ."
[[questions]]
prompt = "The iterates?"
kind = "iterates"
compute = "iterates"
hints = ["x − αf′(x)."]
explanation = "x − αf′(x)."
'''


def run_problem(tmp_path, objective="5*x^2", start="[1]", lr="0.1", steps=3, extra=""):
    return problems.load(write(tmp_path, RUN.format(objective=objective, start=start, lr=lr, steps=steps,
                                                    extra=extra)))


def test_the_fate_is_decided_exactly_where_floats_cannot_tell(tmp_path):
    # 5x² with α = 0.2 + 10⁻¹⁴: 1 − 10α = −1 − 10⁻¹³ exactly, so ρ > 1; in floats ρ is within the engine's
    # 10⁻¹² of 1, and its reading is "oscillates"
    problem = run_problem(tmp_path, lr="0.20000000000001")
    assert abs(Fraction("0.20000000000001") * 10 - 1) > 1
    assert problem.question(1).answer.value == "oscillates"
    assert variants.diverges(problem) and not variants.oscillates(problem)
    assert not variants.diverges(problem, question=1) and not variants.oscillates(problem, question=1)  # they disagree
    edge = run_problem(tmp_path, lr="0.2")                      # 1 − 10·(1/5) = −1 exactly
    assert variants.oscillates(edge) and variants.oscillates(edge, question=1) and not variants.converges(edge)


def test_a_fate_with_irrational_eigenvalues_is_exact(tmp_path):
    # H = [[2, 2], [2, 4]] has eigenvalues 3 ± √5; gd converges iff α·(3 + √5) < 2, i.e. α < 2/(3 + √5) = (3 − √5)/2
    bound = (3 - math.sqrt(5)) / 2
    for lr, fate in (("0.38", "converges"), ("0.382", "diverges"), ("0.1", "converges")):
        problem = run_problem(tmp_path, objective="x^2 + 2*x*y + 2*y^2", start="[1, 1]", lr=lr)
        assert (float(lr) < bound) == (fate == "converges")
        assert variants.converges(problem) == (fate == "converges") and variants.diverges(problem) == (fate == "diverges")
        assert variants.zigzags(problem) == (float(lr) * (3 + math.sqrt(5)) > 1)


def test_steps_to_diverge_and_converge_are_counted_exactly(tmp_path):
    # x² with α = 3/2 from 1: x_t = (−2)ᵗ and f = 4ᵗ, past 10¹²·max(1, f(x₀)) first at t = 20 (4²⁰ > 10¹² > 4¹⁹)
    grows = run_problem(tmp_path, objective="x^2", lr="1.5")
    assert 4**19 < 10**12 < 4**20
    assert variants.diverges_before(grows, 20) and not variants.diverges_before(grows, 19)
    # α = 1/4: x_t = 2⁻ᵗ, ‖∇f‖² = 4·4⁻ᵗ, at most 10⁻¹² of its start first at t = 20
    shrinks = run_problem(tmp_path, objective="x^2", lr="0.25")
    assert 4.0**-19 > 1e-12 >= 4.0**-20
    assert variants.converges_within(shrinks, 20) and not variants.converges_within(shrinks, 19)


def test_answers_exact_reads_the_exact_iterates(tmp_path):
    # x² from 1 with α = 0.1: x_t = 0.8ᵗ = 0.8, 0.64, 0.512: three places, not two
    problem = run_problem(tmp_path, objective="x^2", lr="0.1")
    assert [float(Fraction(4, 5) ** t) for t in (1, 2, 3)] == [row[0] for row in problem.question(2).answer.value]
    assert variants.answers_exact(problem, 3) and not variants.answers_exact(problem, 2)
    # momentum on a 2-d bowl: b₁ = g₀, x₁ = x₀ − αb₁, b₂ = βb₁ + g₁, x₂ = x₁ − αb₂, in Fractions
    momentum = run_problem(tmp_path, objective="x^2 + 3*y^2", start="[1, -2]", lr="0.05", steps=2,
                           extra='optimizer = "momentum"\nbeta = 0.5')
    lr, beta, x = Fraction(1, 20), Fraction(1, 2), [Fraction(1), Fraction(-2)]
    grad = lambda p: [2 * p[0], 6 * p[1]]  # noqa: E731
    b = grad(x)
    x1 = [x[i] - lr * b[i] for i in range(2)]
    b = [beta * b[i] + grad(x1)[i] for i in range(2)]
    x2 = [x1[i] - lr * b[i] for i in range(2)]
    places = next(d for d in range(30) if all((v * 10**d).denominator == 1 for v in x1 + x2))
    assert places >= 2
    assert variants.answers_exact(momentum, places) and not variants.answers_exact(momentum, places - 1)


def test_exact_reading_is_not_claimed_where_the_rule_does_not_allow_it(tmp_path):
    assert variants._exact(run_problem(tmp_path, objective="x^4"), None) is None              # not quadratic
    assert variants._exact(run_problem(tmp_path, extra='optimizer = "adam"'), None) is None   # a square root
    assert variants._exact(run_problem(tmp_path, extra='schedule = "inverse"\ndecay = 0.1'), None) is None
    assert variants._exact(run_problem(tmp_path), None) is not None


# ---------------------------------------------------------------------------------------------------------
# the CLI

def test_show_json_with_a_seed_has_the_variant_data(cli):
    doc = json.loads(cli("practice", "show", "shifted-bowl-one-step", "--seed", "ada", "--json").stdout)
    values = doc["parameters"]
    assert doc["seed"] == variants.seed_of("ada")
    assert doc["data"]["objective"] == f"(x1 - {values['a']})^2 + (x2 + {values['b']})^2"
    assert doc["data"]["start"] == [values["s1"], values["s2"]]


def test_check_and_solution_with_a_seed_record_it(cli):
    problem = problems.find("elliptic-bowl-one-step", seed=9)
    right = problem.question(3).answer_text()
    result = cli("practice", "check", "elliptic-bowl-one-step", "--seed", "9", "-q", "3", "-a", right)
    assert result.exit_code == 0, result.stdout
    assert progress.read().attempts[-1].seed == 9 and progress.read().attempts[-1].correct
    solution = json.loads(cli("practice", "solution", "elliptic-bowl-one-step", "--seed", "9", "--json").stdout)
    assert solution["seed"] == 9 and solution["answers"][2]["answer"] == right
    again = cli("practice", "check", "elliptic-bowl-one-step", "--seed", "9", "-q", "3", "-a", right, "--json")
    assert json.loads(again.stdout)["after_solution"] is True


def test_start_with_a_seed_asks_the_variant(cli):
    problem = problems.find("one-eigenvalue-three-fates", seed=4)
    result = cli("practice", "start", "one-eigenvalue-three-fates", "--seed", "4",
                 input=problem.question(1).answer_text() + "\nq\n")
    assert result.exit_code == 0 and f"f(x) = {problem.values['k']}x²" in result.stdout
    assert "score: 1/" in result.stdout
    assert progress.read().attempts[-1].seed == 4


def test_a_seed_for_a_problem_without_parameters_is_refused_in_one_line(cli):
    result = cli("practice", "show", "adam-first-step", "--seed", "3")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "no variants" in result.stderr


# ---------------------------------------------------------------------------------------------------------
# the property test: each template over many variants

def q(value):
    """A float from an exact Fraction or a string such as "0.1"."""
    return float(Fraction(value))


def iterate(x0, factor, steps):
    """x_t = factor·x_{t−1}: the gd iterates of a one-dimensional quadratic written as its error."""
    xs, x = [], Fraction(x0)
    for _ in range(steps):
        x = factor * x
        xs.append(float(x))
    return xs


def expected_answers(ident, v):
    """The answers of template ``ident`` with values ``v``, each derived here from the mathematics."""
    F = Fraction
    if ident == "x-squared-from-five":
        lr = F(v["lr"])
        return [None, iterate(v["c"], 1 - 2 * lr, 3), Interval(0.0, 1.0)]
    if ident == "quadratic-1d-two-rates":
        c, x0, lr, lr2 = v["c"], v["x0"], F(v["lr"]), F(v["lr2"])
        runs = [[c + e for e in iterate(x0 - c, 1 - 2 * a, 4)] for a in (lr, lr2)]
        return [None, runs[0], runs[1], Interval(0.0, 1.0), "diverges" if abs(1 - 2 * lr2) > 1 else "converges"]
    if ident == "one-eigenvalue-three-fates":
        return ["converges", "oscillates", "diverges", 1 / v["k"]]
    if ident == "x-squared-three-rates":
        needed = math.ceil(math.log(0.01) / math.log(0.98))
        return [iterate(v["x0"], 1 - 2 * F(v["big"]), 3), needed, 0.5, 0.0]
    if ident == "shifted-bowl-one-step":
        return [None, [v["a"], -v["b"]], (v["s1"] - v["a"]) ** 2 + (v["s2"] + v["b"]) ** 2, 0.0]
    if ident == "elliptic-bowl-one-step":
        c, s1, s2, lr = v["c"], v["s1"], v["s2"], F(v["lr"])
        x1 = [s1 - lr * 2 * s1, s2 - lr * 2 * c * s2]
        return [None, [2 * s1, 2 * c * s2], [float(x) for x in x1], float(x1[0] ** 2 + c * x1[1] ** 2)]
    if ident == "steepest-descent-direction":
        p, r = v["p"], v["q"]
        norm = math.hypot(p, r)
        return [[2 * p, 2 * r], [-p / norm, -r / norm], -2 * norm]
    if ident == "weight-decay-factor":
        factor = 1 - F(v["lr"]) * F(v["lam"])
        return [float(factor), float(factor ** 100)]
    if ident == "learning-rate-schedules":
        k, ek = F(v["k"]).limit_denominator(100), F(v["ek"]).limit_denominator(100)
        return [float(F(v["a0"]) / (1 + k * v["t"])), float(F(v["e0"]) * ek ** v["et"]), float(9 / k)]
    if ident == "best-fixed-step":
        c = v["c"]
        return [Interval(0.0, 1 / c), 2 / (2 + 2 * c), (c - 1) / (c + 1)]
    if ident == "zigzag-narrow-valley":
        c, lr = v["c"], q(v["lr"])
        return [c, [1 - 2 * lr, 1 - 2 * c * lr], "yes" if 2 * c * lr > 1 else "no",
                max(abs(1 - 2 * lr), abs(1 - 2 * c * lr)), 2 / (2 + 2 * c)]
    if ident == "momentum-two-steps":
        lr, beta = F(v["lr"]), F(v["beta"]).limit_denominator(10)
        x = [F(v["s1"]), F(v["s2"])]
        grad = lambda p: [2 * p[0], 8 * p[1]]  # noqa: E731
        b1 = grad(x)
        x1 = [x[i] - lr * b1[i] for i in range(2)]
        b2 = [beta * b1[i] + grad(x1)[i] for i in range(2)]
        x2 = [x1[i] - lr * b2[i] for i in range(2)]
        return [[float(t) for t in x1], [float(t) for t in b2], [float(t) for t in x2],
                Interval(0.0, float(2 * (1 + beta) / 8))]
    if ident == "eigenvalues-one-and-ten":
        l1, r = v["l1"], v["r"]
        return [Interval(0.0, 2 / (l1 * r)), r, 2 / (l1 + l1 * r), (r - 1) / (r + 1),
                "alpha is limited by the steep direction, so the flat direction moves slowly"]
    if ident == "ill-conditioning-cost":
        rho = (v["K"] - 1) / (v["K"] + 1)
        return [rho, math.ceil(math.log(1e-6) / math.log(rho)), 2 / v["K"]]
    if ident == "nesterov-two-steps":
        lr, beta, x = F(v["lr"]), F(v["beta"]).limit_denominator(10), F(v["x0"])
        g = 2 * x
        b = g
        x1 = x - lr * (g + beta * b)
        g = 2 * x1
        b2 = beta * b + g
        x2 = x1 - lr * (g + beta * b2)
        return [float(x1), float(b2), float(x2)]
    if ident in ("newton-step-by-hand", "conjugate-gradient-two-steps", "barzilai-borwein-step"):
        return method_answers(ident, v)
    if ident == "stopping-criteria":
        from tests.practice.test_stopping_criteria import closed_forms

        steps = closed_forms(v["h"], v["lr"], v["x0"], v["c"], v["tol"])
        return [steps["gradient"], steps["step"], steps["value"], min(steps, key=steps.get), q(v["tol"]) / q(v["flat"])]
    raise AssertionError(ident)


def dot(u, w):
    return sum(a * b for a, b in zip(u, w))


def times(matrix, u):
    return [dot(row, u) for row in matrix]


def method_answers(ident, v):
    """Newton, linear conjugate gradients and Barzilai–Borwein on a quadratic, in Fractions from the textbook
    formulas (Nocedal & Wright, Algorithm 5.2 for CG; Barzilai & Borwein 1988)."""
    F = Fraction
    floats = lambda u: [float(t) for t in u]  # noqa: E731
    if ident == "newton-step-by-hand":
        a, b, c, p, r = v["a"], v["b"], v["c"], v["p"], v["q"]
        x0 = [v["s1"], v["s2"]]
        hessian = [[2 * a, b], [b, 2 * c]]
        g0 = [2 * a * x0[0] + b * x0[1] - p, b * x0[0] + 2 * c * x0[1] - r]
        det = F(4 * a * c - b * b)
        inverse = [[2 * c / det, -b / det], [-b / det, 2 * a / det]]   # the 2×2 inverse by cofactors
        x1 = [x0[i] - times(inverse, g0)[i] for i in range(2)]
        assert x1 == [(2 * c * p - b * r) / det, (2 * a * r - b * p) / det]   # Cramer: the minimiser
        return [g0, [2 * a, b, b, 2 * c], floats(x1), 1]
    if ident == "conjugate-gradient-two-steps":
        matrix = [[2 * v["a"], v["m"]], [v["m"], 2 * v["c"]]]
        g0 = [F(-v["p"]), F(-v["q"])]                                   # A·0 − b
        d0 = [-t for t in g0]
        alpha0 = dot(g0, g0) / dot(d0, times(matrix, d0))
        x1 = [alpha0 * t for t in d0]
        g1 = [g0[i] + alpha0 * times(matrix, d0)[i] for i in range(2)]
        beta1 = dot(g1, g1) / dot(g0, g0)
        d1 = [-g1[i] + beta1 * d0[i] for i in range(2)]
        alpha1 = -dot(g1, d1) / dot(d1, times(matrix, d1))
        x2 = [x1[i] + alpha1 * d1[i] for i in range(2)]
        assert times(matrix, x2) == [v["p"], v["q"]]                   # x₂ solves Ax = b
        return [floats(g0), float(alpha0), floats(x1), float(beta1), floats(d1), floats(x2), 2]
    a, c, lr = v["a"], v["c"], F(v["lr"])
    grad = lambda x: [2 * a * x[0], 2 * c * x[1]]  # noqa: E731
    x0 = [F(v["s1"]), F(v["s2"])]
    x1 = [x0[i] - lr * grad(x0)[i] for i in range(2)]
    s_, y_ = [x1[i] - x0[i] for i in range(2)], [grad(x1)[i] - grad(x0)[i] for i in range(2)]
    bb1, bb2 = dot(s_, s_) / dot(s_, y_), dot(s_, y_) / dot(y_, y_)
    x2 = [x1[i] - bb1 * grad(x1)[i] for i in range(2)]
    return [floats(x1), floats(s_), floats(y_), float(bb1), float(bb2), floats(x2)]


def written_forms(kind, value, choices):
    """The right answer written several ways a student might."""
    if kind == "number":
        forms = [number_text(value), f"x = {number_text(value)}", f"{value:.6e}"]
        exact = Fraction(value).limit_denominator(1000)
        if float(exact) == value:
            forms.append(f"{exact.numerator}/{exact.denominator}")
        return forms
    if kind == "vector":
        return [answer_text("vector", value), "(" + "; ".join(number_text(v) for v in value) + ")",
                " ".join(number_text(v) for v in value)]
    if kind == "iterates":
        return [answer_text("iterates", value), "[" + ", ".join(number_text(r[0]) for r in value) + "]"] \
            if all(len(r) == 1 for r in value) else [answer_text("iterates", value)]
    if kind == "interval":
        top = number_text(value.upper)
        return [answer_text("interval", value), f"(0, {top})", f"α < {top}", f"0 < alpha < {top}"]
    if kind == "choice":
        return [value, value.upper(), f"({chr(ord('a') + choices.index(value))})"]
    return [answer_text(kind, value)]


def near(got, want, rel, tiny=1e-12) -> bool:
    """Two numbers, or lists of them, equal to a relative ``rel`` (or within ``tiny``)."""
    got, want = np.ravel(np.asarray(got, dtype=float)), np.ravel(np.asarray(want, dtype=float))
    return got.shape == want.shape and bool(np.all(np.abs(got - want) <= np.maximum(rel * np.abs(want), tiny)))


def check_variant(problem, verdicts):
    """Every requirement holds (judged once per value set: ``verdicts`` keeps each set's verdict and data, and
    a variant drawn again must carry the same data), every answer equals expected_answers, the right answer
    in several written forms is accepted, and each offered mistake is rejected and named."""
    key = json.dumps(problem.values, sort_keys=True)
    if key not in verdicts:
        verdicts[key] = (all(r.holds(problem) for r in problem.requirements), problem.statement, problem.data)
    assert verdicts[key] == (True, problem.statement, problem.data), (problem.id, problem.values)
    expected = expected_answers(problem.id, problem.values)
    for question, want in zip(problem.questions, expected):
        got = question.answer.value
        if want is None:                                       # an expression: checked by equivalence below
            assert question.check(question.answer_text()).correct
            continue
        if isinstance(want, Interval):
            assert got.lower == want.lower and near(got.upper, want.upper, 1e-12), problem.id
        elif isinstance(want, str):
            assert got == want, (problem.id, question.number)
        elif question.kind == "iterates":
            assert near([row[0] for row in got], want, 1e-12), problem.id
            want = [[w] for w in want]
        else:
            assert near(got, want, 1e-9), (problem.id, question.number, problem.values)
        for form in written_forms(question.kind, got if question.kind != "choice" else want, list(question.choices)):
            assert question.check(form).correct, (problem.id, question.number, form)
        for miss in question.answer.near:
            if question.kind in ("number", "vector", "choice", "interval"):
                shown = answer_text(question.kind, miss.value)
                verdict = question.check(shown)
                assert not verdict.correct and verdict.misconception == miss.message, (problem.id, shown)


VARIANTS = 1000
"""Variants checked per template (seeds 1 … VARIANTS), besides the original."""
WORKERS = 2
"""Processes sharing a template's seeds (CI has two cores)."""


def check_seeds(ident: str, first: int, last: int) -> str | None:
    """check_variant on the variants first … last of template ``ident``: None, or what failed and where."""
    path, verdicts, seed = problems.find(ident).path, {}, first
    try:
        for seed in range(first, last + 1):
            check_variant(problems.load(path, seed), verdicts)
    except Exception as error:  # reported by the test, with its seed
        return f"seed {seed}: {type(error).__name__}: {error}"
    return None


@pytest.mark.slow
@pytest.mark.parametrize("ident", TEMPLATES)
def test_every_template_over_many_variants(ident):
    check_variant(problems.find(ident), {})
    cut = [VARIANTS * k // WORKERS for k in range(WORKERS + 1)]
    ranges = [(ident, cut[k] + 1, cut[k + 1]) for k in range(WORKERS)]
    if "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
            failures = pool.starmap(check_seeds, ranges)
    else:
        failures = [check_seeds(*r) for r in ranges]
    assert failures == [None] * WORKERS, (ident, failures)
