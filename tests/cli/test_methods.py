"""The methods and line searches on the command line: options, header lines, notes, JSON and CSV rows."""

import json

import pytest


@pytest.mark.parametrize("args, kind", [
    (["--line-search"], "armijo"),
    (["--line-search", "wolfe"], "wolfe"),
    (["--line-search", "strong-wolfe"], "strong-wolfe"),
    (["--line-search", "exact"], "exact"),
    (["--line-search", "--steps", "5"], "armijo"),
])
def test_line_search_alone_is_armijo(cli, args, kind):
    result = cli("solve", "x^2 + 4*y^2", *args, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["line_search"]["kind"] == kind


def test_line_search_before_the_objective_and_a_misspelt_kind(cli):
    result = cli("solve", "--line-search", "x^2 + 4*y^2", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["line_search"]["kind"] == "armijo"
    bad = cli("solve", "x^2", "--line-search", "wolf")
    assert bad.exit_code == 2 and "unknown line search 'wolf'" in bad.stderr


def test_each_accepted_row_shows_alpha_and_trials(cli):
    result = cli("solve", "rosenbrock", "--optimizer", "bfgs", "--rows", "0")
    assert result.exit_code == 0
    assert "wolfe line search, c1 = 0.0001, c2 = 0.9" in result.stdout
    header = next(line for line in result.stdout.splitlines() if line.lstrip().startswith("t "))
    assert "α_t" in header and "trials" in header


def test_newton_header_and_note_where_the_hessian_is_indefinite(cli):
    result = cli("solve", "himmelblau", "--optimizer", "newton", "--start", "0,0", "--steps", "3")
    assert result.exit_code == 0
    assert "d ← −(H + τI)⁻¹·g" in result.stdout and "note" in result.stdout and "τ = 42" in result.stdout


def test_json_and_csv_carry_the_state(cli, tmp_path):
    path = tmp_path / "rows.csv"
    result = cli("solve", "rosenbrock", "--optimizer", "cg", "--cg-beta", "fr", "--json", "--csv", path)
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["optimizer"]["cg_beta"] == "fr"
    assert {"d", "beta"} <= set(document["iterates"][1]["state"])
    header = path.read_text().splitlines()[0].split(",")
    assert header[-4:-2] == ["d_x", "d_y"] or {"d_x", "d_y", "beta"} <= set(header)


@pytest.mark.parametrize("args, fragment", [
    (["--optimizer", "lbfgs", "--memory", "0"], "--memory"),
    (["--optimizer", "polyak"], "--fstar"),
    (["--optimizer", "bb", "--line-search", "wolfe"], "chooses its own"),
    (["--optimizer", "adam", "--line-search"], "works with gd and the methods"),
])
def test_bad_method_options_are_one_line_exit_two(cli, args, fragment):
    result = cli("solve", "x^2 + 1", *args)
    assert result.exit_code == 2 and fragment in result.stderr and "Traceback" not in result.output
