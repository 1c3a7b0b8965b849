"""The vectorised sweep: known stability boundary and agreement with the engine run by run."""

import json

import numpy as np
import pytest

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
        assert {"lr", "status", "steps", "final_f"} <= set(r)


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


def test_zigzag_labels_follow_the_swings(cli):
    # gd on (x − 3)²: x_t − 3 = −3(1 − 2α)ᵗ, so the swings change by |1 − 2α| per step: shrinking below α = 1,
    # bounded at 1, growing above; runs of 300 steps that have not stopped are labelled by that factor
    result = cli("sweep", "(x-3)^2", "--start", "0", "--lr-min", "0.9", "--lr-max", "1.1", "--num", "21",
                 "--steps", "300", "--json")
    runs = {round(r["lr"], 2): r for r in json.loads(result.stdout)["runs"]}
    for lr, swing in ((0.99, "shrinking"), (1.0, "bounded"), (1.01, "growing"), (1.02, "growing")):
        assert runs[lr]["swing"] == swing
        assert runs[lr]["swing_factor"] == pytest.approx(abs(1 - 2 * lr), rel=1e-6)
    assert runs[0.9]["swing"] is None and runs[1.1]["swing"] is None  # converged, diverged
    shown = cli("sweep", "(x-3)^2", "--start", "0", "--lr-min", "0.9", "--lr-max", "1.1", "--num", "21",
                "--steps", "300").stdout
    for line, label in (("0.99", "shrinking ×0.9800/step"), ("1 ", "bounded ×1.0000/step"),
                        ("1.01", "growing ×1.0200/step"), ("1.02", "growing ×1.0400/step")):
        assert any(row.split()[0] == line.strip() and label in row for row in shown.splitlines())


def test_schedule_bound_is_alpha0s_and_the_reading_says_the_schedule_moves_it(cli):
    # inverse decay 1: α_t = α₀/(1 + t) < 1 = 2/λ once t > α₀ − 1, so an α₀ above the constant-α bound converges
    result = cli("sweep", "(x-3)^2", "--start", "0", "--lr-min", "0.5", "--lr-max", "3", "--num", "6",
                 "--schedule", "inverse", "--decay", "1", "--steps", "1000")
    text = " ".join(result.stdout.split())
    assert "α₀ bound 1" in text and "moves this bound" in text
    doc = json.loads(cli("sweep", "(x-3)^2", "--start", "0", "--lr-min", "0.5", "--lr-max", "3", "--num", "6",
                         "--schedule", "inverse", "--decay", "1", "--steps", "1000", "--json").stdout)
    assert doc["bound_for"] == "alpha0 as a constant step" and doc["max_stable_lr"] == 1.0
    assert any(r["lr"] > 1 and r["status"] == "converged" for r in doc["runs"])
    plain = json.loads(cli("sweep", "(x-3)^2", "--start", "0", "--lr-min", "0.5", "--lr-max", "3", "--num", "6",
                           "--json").stdout)
    assert plain["bound_for"] == "alpha"


def test_momentum_swings_follow_the_spectral_radius():
    # heavy ball on (x − 3)² (λ = 2): the error (b, e) is multiplied by [[β, λ], [−αβ, 1 − αλ]] each step, whose
    # eigenvalues for these α are complex with modulus √β: the swings shrink by about √0.9 ≈ 0.9487 per step
    result = sweep("(x-3)^2", start="0", lr_min=1.85, lr_max=1.89, num=5, steps=300, optimizer="momentum")
    for lr, factor, swing in zip(result.lrs, result.batch.swing_factor, result.batch.swing):
        radius = max(abs(np.linalg.eigvals([[0.9, 2.0], [-lr * 0.9, 1 - 2 * lr]])))
        assert swing == "shrinking" and factor == pytest.approx(radius, rel=0.02)


def test_a_cosine_floor_is_kept_for_every_alpha_of_the_batch():
    # cosine: α_t = α_min + (α₀ − α_min)(1 + cos(πt/T))/2, so gd on (x − 3)² multiplies x_t − 3 by 1 − 2α_t
    from gdcli.engine.schedules import make_schedule
    from gdcli.landscape.batch import advance

    steps, floor = 40, 0.05
    plan = make_schedule("cosine", lr_min=floor, steps=steps)
    f, gd = Objective.parse("(x-3)^2"), make_optimizer("gd")
    lrs = np.array([0.1, 0.3, 0.45])
    batch = advance(f, gd, np.zeros((3, 1)), lrs, steps, tol=0.0, schedule=plan)
    for i, lr0 in enumerate(lrs):
        error = -3.0
        for t in range(steps):
            alpha = floor + (lr0 - floor) * (1 + np.cos(np.pi * t / steps)) / 2
            error *= 1 - 2 * alpha
        assert batch.final_x[i, 0] == pytest.approx(3 + error, rel=1e-12, abs=1e-14)
        alone = run(f, gd, np.zeros(1), lr0, steps, 0.0, schedule=plan)
        assert batch.final_x[i, 0] == pytest.approx(alone.final_x[0], rel=1e-12, abs=1e-14)
