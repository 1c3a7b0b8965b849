"""The vectorised sweep: known stability boundary and agreement with the engine run by run."""

import json

import numpy as np

from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import make_optimizer
from gdcli.engine.run import run
from gdcli.landscape.sweep import sweep


def test_sweep_of_parabola_converges_below_one_and_diverges_above(cli):
    result = cli("sweep", "(x-3)^2", "--start", "0", "--lr-min", "0.05", "--lr-max", "1.5", "--num", "30", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["max_stable_lr"] == 1.0  # 2/λ with λ = f'' = 2
    for r in doc["runs"]:  # the grid 0.05, 0.10, …, 1.5 holds α = 1, where |1 − 2α| = 1: neither shrinks nor grows
        edge = abs(r["lr"] - 1) < 1e-9
        assert r["status"] == ("oscillating" if edge else "converged" if r["lr"] < 1 else "diverged")
        assert set(r) == {"lr", "status", "steps", "final_f"}


def test_edge_of_stability_oscillates():
    result = sweep("(x-3)^2", start="0", lr_min=0.5, lr_max=1.0, num=2, steps=100)
    assert list(result.batch.status) == ["converged", "oscillating"]  # at α = 1: x flips between 0 and 6


def test_sweep_matches_engine_run_by_run():
    for text, start, optimizer, lo, hi in (("himmelblau", "0,0", "momentum", 0.001, 0.03),
                                           ("x^2 + 4*y^2", "3,3", "adam", 0.01, 2.0),
                                           ("(x-3)^2", "0", "gd", 0.5, 1.2)):
        result = sweep(text, start=start, optimizer=optimizer, lr_min=lo, lr_max=hi, num=25, steps=300)
        f = Objective.parse(text)
        for i, lr in enumerate(result.lrs):
            alone = run(f, make_optimizer(optimizer), f.read_start(start), lr, 300, 1e-8)
            status = result.batch.status[i]
            assert alone.status == ("max_steps" if status == "oscillating" else status)
            assert alone.steps == result.batch.steps[i]
            assert np.allclose(alone.final_x, result.batch.final_x[i], rtol=1e-9, atol=1e-12)
