"""`gd solve` and `gd functions` through the CLI: output, JSON, CSV, and one-line errors."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import run_python

GOLDEN = Path(__file__).parent / "golden"


def test_default_example(cli):
    result = cli("solve")
    assert result.exit_code == 0, result.stderr
    assert "x² " in result.stdout or "2      2" in result.stdout
    assert "max_steps" in result.stdout and "0.25" in result.stdout


def test_golden_table_for_the_seed_example(cli):
    """The iterate table of (x − 3)² from 0 with α = 0.1, compared with a reviewed golden file."""
    result = cli("solve", "(x-3)^2", "--start", "0", "--lr", "0.1", "--steps", "4")
    assert result.exit_code == 0
    start = result.stdout.index("t  x_t")
    table = result.stdout[start:result.stdout.index("╭─ stability")].rstrip() + "\n"
    assert table == (GOLDEN / "solve_seed_table.txt").read_text()


def test_json_document(cli):
    result = cli("solve", "x1^2 + 4*x2^2", "--start", "2,1", "--lr", "1/5", "--steps", "3", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["objective"] == "x1^2 + 4*x2^2"
    assert doc["variables"] == ["x1", "x2"]
    assert doc["gradient"] == ["2*x1", "8*x2"]
    assert doc["hessian"] == [["2", "0"], ["0", "8"]]
    assert doc["optimizer"] == {"name": "gd", "lr": 0.2}
    assert doc["status"] == "max_steps" and doc["message"]
    assert [row["t"] for row in doc["iterates"]] == [0, 1, 2, 3]
    first, second = doc["iterates"][:2]
    assert first["x"] == [2.0, 1.0] and first["grad"] == [4.0, 8.0] and first["f"] == 8.0
    assert second["x"] == pytest.approx([1.2, -0.6]) and second["f"] == pytest.approx(2.88)
    assert set(first) >= {"t", "x", "f", "grad", "grad_norm", "lr"}
    s = doc["stability"]
    assert s["eigenvalues"] == [2.0, 8.0] and s["lambda_min"] == 2.0 and s["lambda_max"] == 8.0
    assert s["condition_number"] == 4.0 and s["max_stable_lr"] == 0.25 and s["lr_is_stable"] is True
    assert s["point"] == [0.0, 0.0] and s["point_kind"] == "minimum"  # the minimiser of x1² + 4x2²
    curvature = s["path_curvature"]
    assert curvature["t"] == [0, 1, 2, 3] and curvature["lambda_min"] == [2.0] * 4 and curvature["lambda_max"] == [8.0] * 4


def test_json_every_and_hyper_parameters(cli):
    result = cli("solve", "rosenbrock", "--optimizer", "adam", "--lr", "0.02", "--steps", "100", "--every", "30",
                 "--beta1", "0.8", "--json")
    doc = json.loads(result.stdout)
    assert [row["t"] for row in doc["iterates"]] == [0, 30, 60, 90, 100]
    assert doc["optimizer"] == {"name": "adam", "lr": 0.02, "beta1": 0.8, "beta2": 0.999, "eps": 1e-8}
    assert doc["stability"]["max_stable_lr"] is None and doc["stability"]["lr_is_stable"] is None


def test_csv_rows_equal_json_rows(cli, tmp_path):
    path = tmp_path / "run.csv"
    result = cli("solve", "x^2 + y^2", "--lr", "0.1", "--steps", "5", "--csv", path, "--json")
    assert result.exit_code == 0
    rows = list(csv.DictReader(path.read_text().splitlines()))
    doc = json.loads(result.stdout)
    assert [int(r["t"]) for r in rows] == [row["t"] for row in doc["iterates"]]
    assert [float(r["x"]) for r in rows] == [row["x"][0] for row in doc["iterates"]]
    assert list(rows[0]) == ["t", "x", "y", "f", "grad_x", "grad_y", "grad_norm", "lr"]


def test_csv_to_an_unwritable_path_is_one_line(cli, tmp_path):
    result = cli("solve", "x^2", "--csv", tmp_path / "missing" / "run.csv")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "cannot write" in result.stderr
    assert "stability" in result.stdout  # the run's output is still shown
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("args, fragment", [
    (["solve", "__import__('os').system('echo hi')"], "is not a function the objective may call"),
    (["solve", "x^2", "--start", "1,2"], "--start has 2 values"),
    (["solve", "x^2", "--lr", "0"], "--lr must be a positive"),
    (["solve", "x^2", "--lr", "nan"], "--lr"),
    (["solve", "x^2", "--steps", "ten"], "--steps"),
    (["solve", "x + z", "--vars", "x"], "'z' is not a declared variable"),
    (["solve", "log(x)", "--start", "-1"], "undefined at the start"),
    (["solve", "x^2", "--optimizer", "lbfgs2"], "unknown optimizer"),
    (["solve", "x^2", "--beta", "2", "--optimizer", "momentum"], "--beta"),
    (["solve", "x^2", "--nonsense"], "No such option"),
    (["solve", "x^^2"], "cannot read"),
])
def test_bad_input_is_one_line_exit_two(cli, args, fragment):
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gd: error:") and fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_functions_lists_the_catalog(cli):
    result = cli("functions")
    for name in ("bowl", "rosenbrock", "himmelblau", "booth", "beale", "matyas", "three-hump-camel", "rastrigin",
                 "saddle"):
        assert name in result.stdout
    doc = json.loads(cli("functions", "--json").stdout)
    assert {"name", "expression", "start", "minima"} <= set(doc[0])


def test_every_command_has_help_with_an_example(cli):
    import typer.main

    from gdcli.cli import app

    def walk(command, path):
        yield path
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    paths = list(walk(typer.main.get_command(app), []))[1:]
    assert ["solve"] in paths and len(paths) >= 8
    for path in paths:
        result = cli(*path, "--help")
        assert result.exit_code == 0 and "Example: gd" in result.stdout, path


def test_help_imports_neither_sympy_nor_numpy():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom gdcli.cli import app\n"
            "r = CliRunner().invoke(app, ['--help'])\nassert r.exit_code == 0\n"
            "print(sorted(m for m in ('sympy', 'numpy', 'matplotlib') if m in sys.modules))")
    assert run_python(code).stdout.strip() == "[]"


def test_solve_does_not_import_matplotlib():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom gdcli.cli import app\n"
            "r = CliRunner().invoke(app, ['solve'])\nassert r.exit_code == 0, r.output\n"
            "print('matplotlib' in sys.modules)")
    assert run_python(code).stdout.strip() == "False"


def test_python_dash_m_works():
    result = run_python("import runpy, sys; sys.argv = ['gd', 'solve', 'x^2', '--json']; "
                        "runpy.run_module('gdcli', run_name='__main__')")
    assert result.returncode == 0 and json.loads(result.stdout)["status"] in ("converged", "max_steps")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(objective=st.text(alphabet="xy0123456789+-*/^().,_ eEpisqrtlogn'[]:=<>!@#$%", min_size=1, max_size=30),
       start=st.text(alphabet="0123456789.,-/ naex[]", max_size=12),
       lr=st.text(alphabet="0123456789.-/e ", min_size=1, max_size=8))
def test_hostile_input_never_crashes(cli, objective, start, lr):
    """Whatever the text, `gd solve` either runs or ends with one line on stderr and exit code 2."""
    args = ["solve", "--lr", lr, "--steps", "3", "--", objective] if objective.startswith("-") else \
        ["solve", objective, "--lr", lr, "--steps", "3"]
    if start:
        args += ["--start", start]
    result = cli(*args)
    assert result.exit_code in (0, 2), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_written_files_get_the_usual_mode(cli, tmp_path):
    import os
    import stat

    path = tmp_path / "run.csv"
    assert cli("solve", "x^2", "--csv", path).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def _flat(text: str) -> str:
    """The words of rich output, box borders dropped, so wrapped sentences can be searched."""
    return " ".join(text.replace("│", " ").split())


def test_saddle_panel_and_json_say_no_step_size_is_stable(cli):
    """x² − y² from (1, 0.01): along y the factor is |1 + 2α| > 1 for every α > 0."""
    text = _flat(cli("solve", "x^2 - y^2", "--start", "1,0.01").stdout)
    assert "✓ inside" not in text and "gd stable for" not in text
    assert "no α > 0 is stable at a saddle" in text and "along (0, 1)" in text
    doc = json.loads(cli("solve", "x^2 - y^2", "--start", "1,0.01", "--json").stdout)["stability"]
    assert doc["lr_is_stable"] is False and doc["max_stable_lr"] is None and doc["point_kind"] == "saddle"
    assert doc["rate"] == pytest.approx(1.2) and doc["steps_predicted"] is None
    assert doc["escape_direction"] == [0.0, 1.0]


def test_saddle_handout_has_no_stable_range(cli, tmp_path):
    handout = tmp_path / "saddle.md"
    assert cli("solve", "x^2 - y^2", "--start", "1,0.01", "--markdown", handout).exit_code == 0
    text = handout.read_text()
    assert "at the every point" not in text and "is stable for" not in text and "saddle" in text
    bowl = tmp_path / "bowl.md"
    cli("solve", "x^2 + 4*y^2", "--markdown", bowl)
    assert "at every point (f is quadratic)" in bowl.read_text() and "at the every point" not in bowl.read_text()


def test_analyze_saddle_has_no_stable_range(cli):
    text = _flat(cli("analyze", "x*y").stdout)
    assert "gd stable for" not in text and "saddle" in text


def test_rosenbrock_panel_is_read_at_the_minimum(cli):
    text = _flat(cli("solve", "rosenbrock").stdout)
    assert "the minimum (1, 1) that the run approaches" in text and "34,588" in text
    assert "the budget of 5000 steps is far short" in text and "2/α = 2000 never crossed" in text
    assert "≈ 578 steps" not in text  # the old count, from the Hessian at the start


def test_json_path_curvature_is_sampled_like_the_iterates(cli):
    doc = json.loads(cli("solve", "rosenbrock", "--steps", "100", "--every", "25", "--json").stdout)
    curvature = doc["stability"]["path_curvature"]
    assert curvature["t"] == [row["t"] for row in doc["iterates"]] == [0, 25, 50, 75, 100]
    assert len(curvature["lambda_min"]) == len(curvature["lambda_max"]) == 5
    assert curvature["lambda_max"][0] == pytest.approx(np.linalg.eigvalsh([[1330.0, 480.0], [480.0, 200.0]])[1])


def test_curvature_above_fifty_variables_only_when_asked(cli):
    objective = " + ".join(f"x{i}^2" for i in range(51))
    skipped = json.loads(cli("solve", objective, "--steps", "2", "--json").stdout)["stability"]
    assert skipped["path_curvature"] is None and "--curvature" in skipped["path_curvature_note"]
    asked = json.loads(cli("solve", objective, "--steps", "2", "--curvature", "--json").stdout)["stability"]
    assert asked["path_curvature"]["lambda_max"] == pytest.approx([2.0] * 3)


def test_no_critical_point_gives_no_numbers(cli):
    doc = json.loads(cli("solve", "x^2 + y", "--json").stdout)["stability"]
    assert doc["point_kind"] == "not critical" and doc["point"] is None
    assert doc["rate"] is None and doc["steps_predicted"] is None and doc["max_stable_lr"] is None
    assert "no rate" in _flat(cli("solve", "x^2 + y").stdout)


def test_functions_booth_eigenvalues(cli):
    assert "eigenvalues 2 and 18" in _flat(cli("functions").stdout)


@pytest.mark.parametrize("steps, heading", [(5, "toward"), (60, "away")])
def test_a_run_on_a_quadratic_saddle_is_said_to_approach_it_only_while_it_does(cli, steps, heading):
    # gd on x² − y² from (1, 10⁻⁴) with α = 0.1: x_t = 0.8ᵗ, y_t = 10⁻⁴·1.2ᵗ, written out again here
    x = [(0.8**t, 1e-4 * 1.2**t) for t in range(steps + 1)]
    distance = [np.hypot(*p) for p in x]
    expected = "toward" if distance[-1] < distance[-2] and x[-1][0] ** 2 >= x[-1][1] ** 2 else "away"
    assert expected == heading
    result = cli("solve", "x^2 - y^2", "--start", "1,0.0001", "--lr", "0.1", "--steps", str(steps))
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    if heading == "toward":
        assert "the run is approaching a saddle point, which a small perturbation escapes" in text
    else:
        assert "approaching" not in text and "the run is moving away from the saddle point (0, 0)" in text


def test_momentum_that_has_escaped_a_saddle_is_not_said_to_approach_it(cli):
    result = cli("solve", "saddle", "--optimizer", "momentum", "--lr", "0.1", "--steps", "40")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "approaching" not in text and "moving away from the saddle point (0, 0)" in text
