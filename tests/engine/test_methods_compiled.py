"""The generated loop of Newton, BFGS, CG, Barzilai–Borwein and Polyak (gdcli.engine.methods_compiled) against the Python loop of
gdcli.engine.methods, which it replaces on small problems: the same rows, states, notes and stopping reasons,
to the last bit."""

import json
import math
import random
import struct

import numpy as np
import pytest

from gdcli.engine import methods_compiled
from gdcli.engine.functions import CATALOG
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import make_optimizer
from gdcli.engine.run import LineSearch, run
from gdcli.engine.schedules import make_schedule
from gdcli.errors import OptionError

SEARCHES = (None, "armijo", "wolfe", "strong-wolfe", "exact")
"""None: the method's own default (a fixed α = 1 for newton, the Wolfe search for bfgs)."""


def bits(values) -> bytes:
    return np.ascontiguousarray(values, dtype=float).tobytes()


def everything(result) -> tuple:
    """A run's whole outcome, with floats compared bit for bit (−0.0 ≠ 0.0, nan = nan): the rows, the states
    and notes as JSON writes them, the status, message and evaluation counts."""
    if isinstance(result, str):
        return result
    arrays = (result.t, result.f, result.grad_norm, result.lr, result.trials, result.x, result.grad)
    return (tuple(bits(a) for a in arrays), json.dumps(result.states), result.status, result.reason,
            result.message, result.steps, result.evaluations)


def both_ways(monkeypatch, objective, optimizer, start, lr=1.0, search=None, **options) -> tuple:
    """The run by the generated loop, then by the Python loop (the generated one switched off); a run refused
    on the way (Polyak's f below f*) as its message."""
    def outcome():
        try:
            return run(objective, optimizer, np.array(start, dtype=float), lr, line_search=search, **options)
        except OptionError as error:
            return str(error)

    generated = outcome()
    with monkeypatch.context() as patch:
        patch.setattr(methods_compiled, "covers", lambda optimizer, objective: False)
        python = outcome()
    return generated, python


def variants():
    """Each covered method with each of its settings and each line search it takes."""
    with_searches = [("newton", {}), ("bfgs", {"h0": "scaled"}), ("bfgs", {"h0": "identity"}),
                     ("cg", {"cg_beta": "pr"}), ("cg", {"cg_beta": "fr"})]
    own_step = [("bb", {"bb": 1}), ("bb", {"bb": 2}), ("polyak", {})]
    return ([(method, given, kind) for method, given in with_searches for kind in SEARCHES]
            + [(method, given, None) for method, given in own_step])


@pytest.mark.parametrize("function", [f.name for f in CATALOG])
@pytest.mark.parametrize("method, given, kind", variants())
def test_every_catalog_function_runs_the_same_rows_in_the_generated_loop(monkeypatch, function, method, given,
                                                                         kind):
    objective = Objective.parse(function)
    if method == "polyak" and not objective.function.minima:
        given = {"fstar": -1e30}  # the saddle has no minimum value: f falls without bound
    optimizer = make_optimizer(method, **given)
    assert methods_compiled.covers(optimizer, objective)
    search = LineSearch(kind=kind) if kind else None
    generated, python = both_ways(monkeypatch, objective, optimizer, objective.default_start(), search=search,
                                  steps=100, tol=1e-10)
    assert everything(generated) == everything(python)
    assert generated.states is not None


def typed_cases():
    """Typed objectives in 1 to 4 variables, each reaching some branch of the loop: an indefinite Hessian (τ
    and its note), ∇²f = 0, ∇²f undefined at the start, f undefined along the way, skipped BFGS updates,
    failed and rounding-limited searches, divergence."""
    return [
        ("(x-1)^2 + exp(x)", ["x"], (2.0,)),
        ("x^4 - x^2 + y^2", ["x", "y"], (0.1, 1.0)),
        ("x^2 - y^2", ["x", "y"], (1.0, 0.5)),
        ("x + 2*y", ["x", "y"], (1.0, 1.0)),
        ("x^(3/2) + y^2", ["x", "y"], (0.0, 1.0)),
        ("log(x) + (x - 3)^2 + y^2", ["x", "y"], (0.2, 1.0)),
        ("sqrt(x) + y^2", ["x", "y"], (1.0, 1.0)),
        ("sqrt(x^2 + y^2)", ["x", "y"], (1.0, -2.0)),
        ("abs(x) + y^2", ["x", "y"], (-1.4, -2.4)),
        ("exp(10*x) + y^2", ["x", "y"], (1.0, 1.0)),
        ("x^2 + 2*y^2 + 3*z^2 + x*z - y", ["x", "y", "z"], (1.0, -1.0, 2.0)),
        ("(a-1)^2 + 10*(b-a^2)^2 + (c-b)^4 + exp(d) - d", ["a", "b", "c", "d"], (-1.0, 2.0, 0.5, 1.0)),
        ("sin(x)*cos(y) + x^2/10", ["x", "y"], (1.0, 2.0)),
    ]


@pytest.mark.parametrize("text, variables, start", typed_cases())
def test_typed_objectives_in_one_to_four_variables_run_the_same_rows(monkeypatch, text, variables, start):
    objective = Objective.parse(text, variables)
    rng = random.Random(text)
    for method, given, kind in variants():
        optimizer = make_optimizer(method, **({"fstar": -1e3} if method == "polyak" else given))
        options = dict(steps=rng.choice((5, 60)), tol=rng.choice((1e-10, 0.0)), xtol=rng.choice((0.0, 1e-9)),
                       ftol=rng.choice((0.0, 1e-12)), every=rng.choice((1, 3)),
                       schedule=make_schedule(rng.choice(("constant", "inverse"))))
        generated, python = both_ways(monkeypatch, objective, optimizer, start, rng.choice((1.0, 0.5)),
                                      LineSearch(kind=kind) if kind else None, **options)
        assert everything(generated) == everything(python), (method, given, kind, options)


def test_the_typed_cases_reach_the_loops_branches(monkeypatch):
    """The cases above are not all easy: together they meet a shifted Hessian, a skipped update, CG's
    restarts, a kept BB step, ∇²f undefined, f undefined, divergence, a failed search and each stopping test."""
    reasons, notes = set(), set()
    for text, variables, start in typed_cases():
        objective = Objective.parse(text, variables)
        for method, given, kind in variants():
            optimizer = make_optimizer(method, **({"fstar": -1e3} if method == "polyak" else given))
            try:
                result = run(objective, optimizer, np.array(start), 1.0, steps=60, tol=1e-10,
                             line_search=LineSearch(kind=kind) if kind else None)
            except OptionError:  # Polyak's f fell below the f* given
                reasons.add("below f*")
                continue
            reasons.add(result.reason)
            notes.update(s["note"].split(":")[0].split(" =")[0] for s in result.states if "note" in s)
    assert {"tol", "max_steps", "hessian", "undefined", "bound", "below f*"} <= reasons
    assert reasons & {"precision", "line_search_rule"}
    assert {"H not pos. def.", "update skipped", "restart", "sᵀy"} <= notes


@pytest.mark.parametrize("count", [0, 1, 2, 3, 5])
def test_total_is_written_to_round_as_pythons_sum(count):
    """Against sum() itself, on terms that cancel, differ in scale and include −0.0."""
    rng = random.Random(count)
    pool = [-0.0, 0.0, 1e-300, -1e16, 1e16, 1.0, -1.0, 0.1, 3.0, -7.5e-5]
    for _ in range(300):
        terms = [rng.choice(pool) * rng.choice((1.0, rng.uniform(-2, 2))) for _ in range(count)]
        names = [f"t{i}" for i in range(count)]
        written = eval(methods_compiled.total(names), dict(zip(names, terms)))  # noqa: S307 - our own source
        assert struct.pack("d", written) == struct.pack("d", sum(terms)), terms


def test_larger_problems_and_other_methods_keep_the_python_loop():
    five = Objective.parse(" + ".join(f"(x{i} - {i})^2" for i in range(5)), [f"x{i}" for i in range(5)])
    two = Objective.parse("rosenbrock")
    assert not methods_compiled.covers(make_optimizer("newton"), five)
    assert not methods_compiled.covers(make_optimizer("lbfgs"), two)
    assert not methods_compiled.covers(make_optimizer("gd"), two)  # under a Wolfe search, the Python loop
    result = run(five, make_optimizer("newton"), np.zeros(5), 1.0, steps=3, tol=1e-12)
    np.testing.assert_allclose(result.x[1], np.arange(5.0), atol=1e-12)  # one Newton step on a quadratic


def test_a_newton_step_in_the_generated_loop_is_the_linear_algebra_written_again():
    """Independent of both loops: from (0, 0) on himmelblau H = diag(−42, −26) is indefinite, so
    τ = 42 + β with β = 10⁻³·42 (N&W Algorithm 3.3) and d = −(H + τI)⁻¹g."""
    objective = Objective.parse("himmelblau")
    result = run(objective, make_optimizer("newton"), np.array([0.0, 0.0]), 1.0, steps=1, tol=0.0)
    beta = 1e-3 * 42
    tau = 42 + beta
    assert result.states[0]["tau"] == pytest.approx(tau, rel=1e-15)
    g = np.array([2 * (0 + 0 - 11) * 2 * 0 + 2 * (0 + 0 - 7), 2 * (0 + 0 - 11) + 2 * (0 + 0 - 7) * 2 * 0])
    d = -np.linalg.solve(np.diag([-42.0, -26.0]) + tau * np.eye(2), g)
    np.testing.assert_allclose(result.states[0]["d"], d, rtol=1e-13)
    assert result.states[0]["note"] == f"H not pos. def.: τ = {tau:.3g} added"
    assert math.isclose(result.x[1][0], d[0], rel_tol=1e-13)
