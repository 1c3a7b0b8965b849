"""Schedules: α_t from each formula written again with math, in the run loop, the methods' loop and `gd schedule`."""

import json
import math

import numpy as np
import pytest

from gdcli.engine.schedules import make_schedule
from gdcli.engine.solution import solve
from gdcli.errors import OptionError


def by_hand(name, lr0, t, steps=100, decay=None, period=10, lr_min=0.0, warmup=0):
    value = {
        "constant": lambda: lr0,
        "inverse": lambda: lr0 / (1 + (0.1 if decay is None else decay) * t),
        "exponential": lambda: lr0 * (0.95 if decay is None else decay) ** t,
        "step": lambda: lr0 * (0.5 if decay is None else decay) ** (t // period),
        "cosine": lambda: lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / steps)) / 2,
    }[name]()
    return value * min(1.0, (t + 1) / warmup) if warmup > 1 else value


@pytest.mark.parametrize("name", ["constant", "inverse", "exponential", "step", "cosine"])
@pytest.mark.parametrize("warmup", [0, 5])
def test_values_are_the_formulas(name, warmup):
    plan = make_schedule(name, period=7, lr_min=0.002, warmup=warmup, steps=40)
    expected = [by_hand(name, 0.3, t, 40, period=7, lr_min=0.002, warmup=warmup) for t in range(41)]
    np.testing.assert_allclose(plan.values(0.3, 40), expected, rtol=1e-13)
    assert plan.at(0.3, 13) == pytest.approx(expected[13], rel=1e-13)


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "newton"])
@pytest.mark.parametrize("name", ["step", "cosine"])
def test_runs_step_with_the_scheduled_alpha(optimizer, name):
    run = solve("x^2 + 4*y^2", optimizer=optimizer, lr="0.05", steps=30, tol=0, schedule=name, period=4,
                lr_min=0.01, warmup=3).run
    expected = [by_hand(name, 0.05, t, 30, period=4, lr_min=0.01, warmup=3) for t in range(31)]
    np.testing.assert_allclose(run.lr, expected, rtol=1e-13)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"name": "step", "decay": 1.5}, "--decay"),
    ({"name": "step", "period": 0}, "--period"),
    ({"name": "cosine"}, "--steps"),
    ({"name": "cosine", "steps": 10, "lr_min": -1}, "--lr-min"),
    ({"name": "constant", "warmup": -2}, "--warmup"),
    ({"name": "cyclic"}, "unknown schedule"),
])
def test_bad_schedules(kwargs, fragment):
    with pytest.raises(OptionError, match=fragment):
        make_schedule(**kwargs)


def test_gd_schedule_prints_and_draws(cli, tmp_path):
    result = cli("schedule", "step", "--lr", "0.2", "--steps", "25", "--period", "10", "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["values"] == pytest.approx([0.2 * 0.5 ** (t // 10) for t in range(26)], rel=1e-13)
    picture = tmp_path / "alpha.png"
    shown = cli("schedule", "cosine", "--steps", "20", "--warmup", "4", "--plot", picture)
    assert shown.exit_code == 0 and picture.read_bytes().startswith(b"\x89PNG")
    assert "linear warm-up" in shown.stdout and "T = 20" in shown.stdout
    bad = cli("schedule", "cosine", "--plot", tmp_path / "alpha.gif")
    assert bad.exit_code == 2 and "image format" in bad.stderr
