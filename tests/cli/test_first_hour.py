"""Traps of a newcomer's first hour, driven as a user drives them: typed input read as meant, verdicts that
name what was found (issue 13)."""

import numpy as np
import pytest

from gdcli import solve
from gdcli.errors import OptionError


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch):
    monkeypatch.setenv("GD_WIDTH", "80")


@pytest.mark.parametrize(("command", "typed", "meant"),
                         [("solve", "rosenbrok", "rosenbrock"), ("analyze", "himmelblua", "himmelblau"),
                          ("solve", "three-hump-camle", "three-hump-camel")])
def test_a_misspelt_built_in_is_an_error_with_a_suggestion(cli, command, typed, meant):
    result = cli(command, typed)
    assert result.exit_code == 2
    assert f"unknown function '{typed}' — did you mean {meant}? (`gd functions` lists them)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bare_word_far_from_any_built_in_can_be_declared_a_variable(cli):
    refused = cli("solve", "loss")
    assert refused.exit_code == 2 and "--vars loss" in refused.stderr
    assert cli("solve", "loss^2", "--steps", "1").exit_code == 0  # among other terms: said nothing
    assert cli("solve", "x-y", "--steps", "1").exit_code == 0  # a hyphen far from any name is a difference


def test_e_is_eulers_number_and_the_header_says_so(cli):
    result = cli("solve", "e^x", "--start", "0", "--steps", "1")
    assert result.exit_code == 0, result.stderr
    assert "f(x) =" in result.stdout and "Euler's number" in result.stdout
    # one step of gd from 0 on eˣ: x₁ = 0 − 0.1·e⁰ = −0.1
    assert "final x = -0.1," in result.stdout
    declared = cli("solve", "e^x", "--vars", "e,x", "--start", "2,1", "--steps", "1")
    assert declared.exit_code == 0 and "f(e, x) =" in declared.stdout and "Euler" not in declared.stdout


@pytest.mark.parametrize("typed", ["x² + y²", "x·x + y×y", "x^2 + y^2 − 0", "1x^2 + 1y^2"])
def test_paper_notation_is_read_as_meant(cli, typed):
    # f = x² + y² from (1, 1) with α = 0.1: each coordinate is multiplied by 1 − 0.2 = 0.8
    result = cli("solve", typed, "--steps", "1")
    assert result.exit_code == 0, result.stderr
    assert "(0.8, 0.8)" in result.stdout


def test_a_number_before_a_bracket_multiplies(cli):
    # f = 2(x+1)²: f' = 4(x+1); from 0 with α = 0.1, x₁ = 0 − 0.4 = −0.4
    result = cli("solve", "2(x+1)^2", "--start", "0", "--steps", "1")
    assert result.exit_code == 0, result.stderr
    assert "2·(x + 1)²" in result.stdout and "final x = -0.4," in result.stdout
    refused = cli("solve", "3xy")
    assert refused.exit_code == 2 and "write 3*x*y" in refused.stderr


@pytest.mark.parametrize("start", [5, 5.0, [5], (5,), np.array([5.0]), np.float64(5), "5"])
def test_python_start_accepts_a_scalar_a_sequence_an_array_or_text(start):
    # gd on x² with α = 0.1 multiplies x by 0.8 per step
    assert np.allclose(solve("x^2", start=start, steps=2).run.x[:, 0], [5, 4, 3.2])


def test_python_start_of_the_wrong_length_is_an_option_error():
    with pytest.raises(OptionError, match="2 variables"):
        solve("x^2 + y^2", start=5)


def test_a_saddle_is_named_and_gets_no_green_tick(cli):
    # f = xy from (1, 1): gd keeps x = y and multiplies both by 1 − 0.1 = 0.9, sliding into the saddle (0, 0)
    result = cli("solve", "x*y", "--start", "1,1", "--steps", "200")
    assert result.exit_code == 0, result.stderr
    assert "converged to a saddle point: a small perturbation escapes it" in result.stdout
    assert "✓" not in result.stdout.split("╰")[-1]  # no tick in the verdict under the stability panel


def test_a_local_minimum_is_compared_with_the_global_one(cli):
    # Rastrigin from (2.5, 2.5) settles in the local minimum near (2, 2): there ∂f/∂x = 2x + 20π sin(2πx) = 0,
    # and f = 2·(x² + 10 − 10 cos 2πx) ≈ 7.96; the global minimum is f(0, 0) = 0.
    result = cli("solve", "rastrigin")
    assert result.exit_code == 0, result.stderr
    assert "converged to a local minimum, f = 7.96" in result.stdout
    assert "the global minimum is f = 0 at (0, 0)" in result.stdout


def test_the_hello_world_says_how_far_it_still_is(cli):
    """The default bowl x² + 4y² from (3, 3), α = 0.1, 20 steps: ∇f = (2x, 8y) shrinks componentwise by 0.8 and
    0.2 per step, so ‖∇f₂₀‖ ≈ 6·0.8²⁰ and ⌈log(10⁻⁸/‖∇f₂₀‖)/log 0.8⌉ more steps reach 10⁻⁸."""
    import math

    gradient = math.hypot(6 * 0.8**20, 24 * 0.2**20)
    more = math.ceil(math.log(1e-8 / gradient) / math.log(0.8))
    result = cli("solve")
    assert f"not converged yet: ‖∇f‖ = {gradient:.3g}; at most {more} more steps to 10⁻⁸" in result.stdout
    finished = cli("solve", "--steps", str(20 + more))
    assert "✓ converged" in finished.stdout


def test_divergence_names_what_grew_and_agrees_with_the_table(cli):
    # (x − 3)² from 0 with α = 1.1: x_t − 3 = −3·(−1.2)ᵗ, f = 9·1.44ᵗ passes 10¹²·9 first at t = 76
    result = cli("solve", "(x-3)^2", "--start", "0", "--lr", "1.1", "--steps", "200", "--rows", "0")
    assert "diverged after step 75: at step 76 |f| grew past 10¹²" in result.stdout
    last_row = [line for line in result.stdout.splitlines() if line.strip().startswith("75 ")]
    assert last_row and not any(line.strip().startswith("76 ") for line in result.stdout.splitlines())


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "nesterov", "adam"])
def test_no_letter_means_two_things_on_the_fit_screen(cli, optimizer):
    """four_points.csv has a column x and the model an intercept b: the rule may use neither letter."""
    import re

    result = cli("fit", "problems/data/four_points.csv", "--target", "y", "--optimizer", optimizer, "--epochs", "2")
    assert result.exit_code == 0, result.stderr
    header = result.stdout.split("╰")[0]
    rule = header[header.index("rule"):header.index("│ α")]
    assert "θ ← θ" in rule
    assert not re.search(r"(?<!\w)[xb](?!\w)", rule.split("(θ stands")[0])
    assert "1e-08" not in result.stdout


def test_the_sparkline_says_its_scale(cli):
    # the default bowl: f falls from f(3, 3) = 45 to below 0.01 in 20 steps, four decades: a log scale
    assert "f over the run, log scale" in cli("solve").stdout
    # x² from 1 at α = 0.01: f = 0.98^(2t) stays above 0.9 for 5 steps, so the bars are linear
    assert "f over the run, linear scale" in cli("solve", "x^2", "--lr", "0.01", "--steps", "5").stdout


def test_four_variables_keep_one_line_per_iterate_at_80_columns(cli):
    result = cli("solve", "x^2 + y^2 + z^2 + w^2", "--start", "1.2345,-2.3456,3.4567,4.5678", "--steps", "3")
    lines = result.stdout.splitlines()
    table = lines[[i for i, line in enumerate(lines) if line.startswith("t  x_t")][0] + 1:]
    assert [line.split()[0] for line in table[:4]] == ["0", "1", "2", "3"]
    assert all(len(line) <= 80 for line in lines)
