"""Basins of attraction: Himmelblau's four minima, and agreement with the engine start by start."""

import json

import numpy as np

from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import make_optimizer
from gdcli.engine.run import run
from gdcli.landscape.basins import DIVERGED, NOT_CONVERGED, basins


def test_himmelblau_basins(cli, tmp_path):
    result = cli("basins", "himmelblau", "--grid", "21", "--json", "--plot", tmp_path / "b.png")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    minima = [b for b in doc["basins"] if b["kind"] == "minimum"]
    assert len(minima) == 4
    assert abs(sum(b["share"] for b in doc["basins"]) - 1) < 1e-12
    assert (tmp_path / "b.png").stat().st_size > 0


def test_basins_match_engine_start_by_start():
    result = basins("x^4 - 3*x^2 + y^2", grid=9, region="-2,2", lr=0.05, steps=400)
    f = Objective.parse("x^4 - 3*x^2 + y^2")
    (xs, ys) = result.axes
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            alone = run(f, make_optimizer("gd"), np.array([x, y]), 0.05, 400, 1e-8)
            label = result.labels[i, j]
            if alone.status == "converged":
                assert np.allclose(result.points[label].point, alone.final_x, atol=1e-6)
                # x = 0 is the saddle's stable line; every other start reaches x = ±√(3/2)
                assert abs(alone.final_x[0]) < 1e-6 or abs(abs(alone.final_x[0]) - 1.5 ** 0.5) < 1e-6
            else:
                assert label == (DIVERGED if alone.status == "diverged" else NOT_CONVERGED)


def test_basins_need_two_variables(cli):
    result = cli("basins", "x^2", "--grid", "5")
    assert result.exit_code == 2 and "2" in result.stderr


def test_a_large_unconverged_share_gets_the_budget_that_settles_it(cli, monkeypatch):
    """three-hump camel with its 200 steps: a third of an 11×11 grid runs out of steps. The budget the verdict
    suggests is checked start by start with the engine's own run loop: each of those starts, run alone with
    that budget, converges or diverges, and did neither within 200 steps."""
    monkeypatch.setenv("GD_WIDTH", "80")
    result = basins("three-hump-camel", grid=11)
    stuck = np.column_stack([g.ravel() for g in np.meshgrid(*result.axes)])[result.labels.ravel() == NOT_CONVERGED]
    assert len(stuck) / 121 > 0.1 and result.settling is not None and result.settling.settled
    f = Objective.parse("three-hump-camel")
    for start in stuck:
        assert run(f, make_optimizer("gd"), start, 0.05, 200).status == "max_steps"
        assert run(f, make_optimizer("gd"), start, 0.05, result.settling.steps).status in ("converged", "diverged")
    shown = cli("basins", "three-hump-camel", "--grid", "11")
    words = " ".join(shown.stdout.split())
    assert f"have not converged within 200 steps: --steps {result.settling.steps} settles" in words


def test_no_settling_verdict_when_the_grid_converged():
    assert basins("himmelblau", grid=11).settling is None
