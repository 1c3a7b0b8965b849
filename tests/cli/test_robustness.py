"""Robust under anything: whatever a student types, gd answers with a result or one line on stderr, never a
traceback or a hang. One test per class of failure, driven as a user drives gd."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gdcli
from gdcli.errors import GdError, ObjectiveError, OptionError


def one_line(result, code: int = 2) -> str:
    """The single stderr line of a refused command (exit code ``code``, no traceback)."""
    assert result.exit_code == code, (result.exit_code, result.stdout[-500:], result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def no_noise(result) -> None:
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr, result.stderr


# 1. objectives whose derivatives or start generated code cannot evaluate --------------------------------------
@pytest.mark.parametrize("args, reason", [
    (("solve", "0**x"), "∇f of this objective holds nan"),
    (("solve", "(-1)**x"), "∇f of this objective holds the imaginary unit"),
    (("solve", "x^2", "--start", "1e154"), "‖∇f‖ overflows at the start (x = 10¹⁵⁴)"),
    (("solve", "(x+1)^1000"), "‖∇f‖ overflows at the start (x = 1)"),
    (("solve", "x^300", "--start", "1e10"), "f overflows at the start"),
    (("solve", "x^2", "--lr", "exp(exp(exp(exp(10))))"), "exp() of a constant above 921"),
    (("basins", "x^2+y^2", "--grid", "-3"), "--grid must be a whole number between 2 and 1000, not -3"),
    (("solve", "Abs(log(x))"), "the gradient of f is undefined at the start (x = 1)"),
])
def test_unevaluable_objectives_and_starts_are_refused_in_one_line(cli, args, reason):
    assert reason in one_line(cli(*args))


def test_api_raises_gd_errors_for_bad_input():
    with pytest.raises(ObjectiveError, match="holds nan"):
        gdcli.solve("0**x")
    with pytest.raises(OptionError, match="overflows at the start"):
        gdcli.solve("x^2", start="1e154")
    with pytest.raises(GdError):
        gdcli.solve("(-1)**x")


def test_a_kink_in_the_hessian_is_analysed_away_from_the_kink(cli):
    # |log x| = log x for x > 1 and −log x for x < 1: f'' = ∓(1/x²)·(−1)… ; its Hessian holds the derivative of
    # sign(log x), which is 0 away from x = 1, so the analysis runs and finds no interior critical point
    result = cli("analyze", "Abs(log(x))", "--json")
    no_noise(result)
    assert json.loads(result.stdout)["critical_points"] == []


def test_fractional_power_with_line_search_stays_in_the_domain(cli):
    # x^(1/3) is undefined (not complex) for x < 0: trials there are rejected and every accepted step satisfies
    # Armijo's condition f(x − αg) ≤ f(x) − c1·α·g² with f and g written again here
    result = cli("solve", "x**(1/3)", "--start", "0.01", "--line-search", "--lr", "10", "--steps", "5", "--json")
    no_noise(result)
    rows = json.loads(result.stdout)["iterates"]
    for before, after in zip(rows, rows[1:]):
        x, x_next = before["x"][0], after["x"][0]
        g = x ** (-2 / 3) / 3
        assert x_next >= 0 and x_next == pytest.approx(x - before["lr"] * g)
        assert x_next ** (1 / 3) <= x ** (1 / 3) - 1e-4 * before["lr"] * g * g


# 2. pictures -------------------------------------------------------------------------------------------------
def test_pictures_beyond_a_floats_range_are_refused_and_leave_no_file(cli, tmp_path):
    target = tmp_path / "c.png"
    line = one_line(cli("compare", "x^2+y^2", "--start", "1e150,1", "--lr", "1.5", "--plot", target))
    assert "cannot draw" in line and not target.exists()
    line = one_line(cli("basins", "x^2+y^2", "--region", "-1e308,1e308", "--plot", tmp_path / "b.png"))
    assert "--region must be narrower than 1.8e308" in line


def test_huge_animations_are_refused_before_the_run(cli, tmp_path):
    line = one_line(cli("solve", "x^2+y^2", "--animate", tmp_path / "a.gif", "--dpi", "1200"))
    assert "--dpi of an animation must be between 10 and 200" in line


def test_dollar_signs_in_csv_headers_are_drawn_literally(cli, tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("$\\foo{$,y$\n" + "".join(f"{x},{2 * x + 1}\n" for x in range(6)))
    result = cli("fit", data, "--target", "y$", "--lr", "0.01", "--epochs", "20", "--plot", tmp_path / "f.png")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "f.png").stat().st_size > 0


def test_a_problem_title_is_printed_as_written_not_read_as_markup(cli, tmp_path):
    # Rich reads a Panel's str title as console markup and :emoji: codes; "[/b]" would raise MarkupError
    from tests.conftest import ROOT

    text = (ROOT / "problems" / "x-squared-from-five.toml").read_text()
    title = "Step [/b] sizes [x] :smile:"
    problem = tmp_path / "p.toml"
    problem.write_text("\n".join(f'title = "{title}"' if line.startswith("title = ") else line
                                  for line in text.splitlines()))
    for args in (("practice", "show", problem), ("practice", "solution", problem)):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert title in result.stdout


def test_dollar_escaping_keeps_the_text():
    from gdcli.plots.figure import literal

    assert literal("$\\foo{$") == "\\$\\foo{\\$"


# 3. symbolic work that would not end -------------------------------------------------------------------------
MAX30 = "Max(" + ",".join(f"x{i}" for i in range(1, 31)) + ")"
PRODUCT126 = ("*".join(f"(x{i}+1)" for i in range(1, 64)) + "*(" + "*".join(f"(x{i}+2)" for i in range(1, 64))
              + ")")


@pytest.mark.parametrize("args, reason", [
    (("solve", "x^2 + cos(exp(exp(20)))"), "exp() of a constant above 921"),
    (("solve", "x^2", "--start", "exp(exp(20))"), "--start 'exp(exp(20))' is not a number"),
    (("solve", "x^2 + 10^399*10^399"), "has more than 400 digits"),
    (("solve", "((x^1000)^1000)^1000", "--exact"), "the exponent 1000000000 once powers"),
    (("solve", "x^600*x^600"), "the exponent 1200"),
    (("solve", PRODUCT126), "a product in the objective has 126 factors"),
    (("solve", MAX30), "Max() in the objective has 30 arguments"),
    (("solve", "Max(Max(x,y,z),Max(a,b,c))"), "Max() in the objective has 6 arguments"),
])
def test_explosive_symbolic_work_is_refused_before_it_starts(cli, args, reason):
    assert reason in one_line(cli(*args))


def test_a_huge_constant_inside_a_function_is_evaluated_once_not_overflowed(cli):
    # sin(10^399) is a constant in [−1, 1]: f = x² + sin(10^399) has its minimum at x = 0 like x²
    result = cli("solve", "x^2 + sin(10^399)", "--start", "1", "--lr", "1/2", "--steps", "1", "--json")
    no_noise(result)
    assert json.loads(result.stdout)["final"]["x"] == [0.0]


def test_newton_starts_are_bounded_in_total_not_per_axis():
    from gdcli.landscape.analysis import grid

    region = np.array([[-1.0, 1.0]] * 20)
    points = grid(region, 400)
    assert points.shape == (400, 20)  # not 2²⁰ corners
    assert np.all((points >= -1) & (points <= 1))
    assert grid(np.array([[0.0, 1.0]] * 2), 400).shape == (400, 2)  # few variables: the even 20 × 20 grid


def test_analyze_in_twenty_variables_finds_the_minimum(cli):
    objective = "+".join(f"(x{i}-1)^2" for i in range(1, 21))
    result = cli("analyze", objective, "--json")
    no_noise(result)
    points = json.loads(result.stdout)["critical_points"]
    assert [p["kind"] for p in points] == ["minimum"]
    assert points[0]["point"] == pytest.approx([1.0] * 20)


def test_update_maps_of_many_variables_name_only_their_own_variable():
    from gdcli.landscape.explain import update_map
    from gdcli.engine.objective import Objective
    from gdcli.engine.optimizers import make_optimizer

    n = 300
    lines = update_map(Objective.parse("+".join(f"x{i}^2" for i in range(1, n + 1))), make_optimizer("gd"))
    # x_i ← x_i − α·2x_i = (1 − 2α)·x_i for every i, and nothing else
    assert len(lines) == n
    assert all(line == f"x{i}_(t+1) = (1 - 2·α)·x{i}_t" for i, line in zip(range(1, n + 1), lines))


# 5. the last line of defence ---------------------------------------------------------------------------------
@pytest.mark.parametrize("error, words", [
    (MemoryError(), "ran out of memory"),
    (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
    (OverflowError("int too large to convert to float"), "too large to represent"),
    (IndexError("index -1 is out of bounds"), "an unexpected failure"),
])
def test_unexpected_failures_become_one_line_and_a_distinct_exit_code(cli, monkeypatch, error, words):
    import gdcli.engine.solution

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(gdcli.engine.solution, "solve", broken)
    line = one_line(cli("solve", "x^2"), code=70)
    assert words in line and "please report it" in line and type(error).__name__ in line


def test_ctrl_c_says_interrupted(cli, monkeypatch):
    import gdcli.engine.solution

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(gdcli.engine.solution, "solve", interrupted)
    assert one_line(cli("solve", "x^2"), code=130) == "gd: interrupted"


def test_long_inputs_are_not_echoed_whole(cli):
    name = "1" + "a" * 5000
    line = one_line(cli("solve", "x^2", "--vars", name))
    assert len(line) <= len("gd: error: ") + 300 and "characters in all" in line
    line = one_line(cli("solve", "x^2", "--lr", "q" * 150))
    assert "--lr must be a number such as 0.1 or 1/10" in line and len(line) < 200


# 6. messages -------------------------------------------------------------------------------------------------
def test_an_objective_starting_with_minus_gets_a_hint_and_both_ways_work(cli):
    line = one_line(cli("solve", "-x^2+y^2"))
    assert 'leading space, " -x^2+y^2"' in line and 'gd solve [OPTIONS] -- "-x^2+y^2"' in line
    spaced = cli("solve", " -x^2+y^2", "--start", "1,1", "--steps", "1", "--json")
    dashed = cli("solve", "--start", "1,1", "--steps", "1", "--json", "--", "-x^2+y^2")
    no_noise(spaced), no_noise(dashed)
    # x₁ = x₀ − 0.1·∇f(x₀) with ∇f = (−2x, 2y) at (1, 1): (1.2, 0.8)
    for result in (spaced, dashed):
        assert json.loads(result.stdout)["final"]["x"] == pytest.approx([1.2, 0.8])


@pytest.mark.parametrize("value", ["nan", "abc", "inf", "1/", "x+1"])
def test_number_options_speak_of_numbers(cli, value):
    assert f"--lr must be a number such as 0.1 or 1/10, not '{value}'" in one_line(cli("solve", "x^2", "--lr", value))


def test_diverging_runs_print_no_runtime_warnings(cli):
    no_noise(cli("sweep", "x^4+y^2", "--lr-max", "50", "--num", "20", "--steps", "200"))
    no_noise(cli("basins", "x^4-x^2+y^2", "--lr", "3", "--grid", "9", "--steps", "100"))


def test_explain_with_every_works_out_consecutive_steps(cli):
    result = cli("solve", "(x-3)^2", "--start", "0", "--every", "5", "--steps", "20", "--explain")
    no_noise(result)
    # x₁ = x₀ − α·2(x₀ − 3) = 0 − 0.1·(−6) = 0.6; x₂ = 0.6 − 0.1·2·(0.6 − 3) = 1.08
    assert "x₁ = x₀ − α∇f(x₀) = 0 − 0.1·(-6) = 0.6" in result.stdout
    assert "x₂ = x₁ − α∇f(x₁) = 0.6 − 0.1·(-4.8) = 1.08" in result.stdout


# hypothesis: random objectives with huge constants -----------------------------------------------------------
LEAVES = st.sampled_from(["x", "y", "0", "1", "2", "pi", "E", "1e308", "10^300", "1000", "-5", "1/3", "0.5"])
UNARY = ["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "atan", "sinh", "cosh", "Abs"]


def _grow(children):
    unary = st.tuples(st.sampled_from(UNARY), children).map(lambda t: f"{t[0]}({t[1]})")
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "^"]), children).map(
        lambda t: f"({t[0]}){t[1]}({t[2]})")
    extremum = st.tuples(st.sampled_from(["Max", "Min"]), children, children).map(
        lambda t: f"{t[0]}({t[1]}, {t[2]})")
    return unary | binary | extremum


OBJECTIVES = st.recursive(LEAVES, _grow, max_leaves=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(OBJECTIVES)
def test_random_objectives_never_raise_a_traceback(cli, text):
    result = cli("solve", text, "--steps", "3")
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code in (0, 2), (text, result.exit_code, result.stderr)
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1, (text, result.stderr)
    else:
        assert "Warning" not in result.stderr, (text, result.stderr)


@pytest.mark.parametrize("objective", ["tanh(Max(1, x)) + y^2", "Max(x, 10^150)*(1 + 10^150) + y^2"])
def test_batch_commands_evaluate_max_and_huge_integers(cli, objective):
    no_noise(cli("sweep", objective, "--num", "5", "--steps", "20"))


def test_array_kernels_agree_with_the_scalar_loop_on_max_and_huge_integers():
    from gdcli.engine.kernels import ArrayObjective
    from gdcli.engine.objective import Objective

    objective = Objective.parse("Max(x, 2)*(10^300 + 1) + Min(x, y)")
    points = [np.array([1.0, 3.0, -1.0]), np.array([0.5, 0.5, -2.0])]
    values, _ = ArrayObjective(objective)(points)
    # f = max(x, 2)·(1e300 + 1) + min(x, y), written again
    expected = [max(x, 2) * 1e300 + min(x, y) for x, y in zip(*points)]
    assert list(values) == pytest.approx(expected)


# 4. scale ----------------------------------------------------------------------------------------------------
def test_a_batch_advanced_in_blocks_of_rows_ends_as_in_one_block(monkeypatch):
    from gdcli.engine.objective import Objective
    from gdcli.engine.optimizers import make_optimizer
    from gdcli.landscape import batch

    objective, rule = Objective.parse("x^4 - x^2 + y^2"), make_optimizer("momentum")
    starts = np.random.default_rng(1).uniform(-2, 2, (300, 2))
    lrs = np.linspace(0.01, 1.2, 300)
    whole = batch.advance(objective, rule, starts, lrs, 150)
    monkeypatch.setattr(batch, "MAX_CELLS", batch.CHUNK * 2 * 7)  # blocks of 7 rows
    blocks = batch.advance(objective, rule, starts, lrs, 150)
    for name in ("status", "steps", "final_x", "final_f", "final_grad_norm"):
        assert np.array_equal(getattr(whole, name), getattr(blocks, name)), name
    assert len(set(whole.status)) >= 2  # the blocks hold runs that end in different ways


def test_json_above_its_row_limit_is_refused_with_the_way_out(cli, monkeypatch):
    import gdcli.engine.solution

    monkeypatch.setattr(gdcli.engine.solution, "MAX_JSON_ROWS", 10)
    line = one_line(cli("solve", "x^2", "--steps", "50", "--tol", "0", "--json"))
    assert "this run kept 51; the limit is 10" in line and "--every K" in line
    kept = cli("solve", "x^2", "--steps", "50", "--tol", "0", "--every", "10", "--json")
    no_noise(kept)
    assert [row["t"] for row in json.loads(kept.stdout)["iterates"]] == [0, 10, 20, 30, 40, 50]


def test_the_stepper_budget_has_a_stated_maximum(cli):
    line = one_line(cli("step", "x^2", "--steps", "10000000", "--frames", "1"))
    assert "--steps of gd step must be a whole number between 0 and 100,000, not 10000000" in line
