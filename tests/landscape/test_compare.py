"""gd compare's rows are exactly gd solve's."""

import json


def test_compare_rows_equal_solve(cli):
    args = ["x^2 + 4*y^2", "--start", "2,1", "--lr", "0.05", "--steps", "300"]
    result = cli("compare", *args, "--optimizers", "gd,momentum,adam", "--json")
    assert result.exit_code == 0, result.stderr
    runs = json.loads(result.stdout)["runs"]
    assert [r["optimizer"] for r in runs] == ["gd", "momentum", "adam"]
    for row in runs:
        alone = json.loads(cli("solve", *args, "--optimizer", row["optimizer"], "--json").stdout)
        assert (row["status"], row["steps"], row["final_f"], row["final_x"]) == (
            alone["status"], alone["steps"], alone["final"]["f"], alone["final"]["x"])


def test_compare_table_and_bad_name(cli):
    table = cli("compare", "x^2", "--optimizers", "gd,adam", "--steps", "500")
    assert table.exit_code == 0 and "adam" in table.stdout and "✓ converged" in table.stdout
    bad = cli("compare", "x^2", "--optimizers", "gd,sgdx")
    assert bad.exit_code == 2 and "sgdx" in bad.stderr


def test_tune_picks_the_grid_alpha_with_the_fewest_steps():
    """The vectorised sweep's choice, checked against gd solve run at every α of the grid one by one."""
    from gdcli.engine.solution import solve
    from gdcli.landscape.compare import TUNE_GRID, compare

    solutions = compare("bowl", optimizers="gd,bfgs,polyak", steps=300, tune=True)
    for solution in solutions[:2]:
        name = solution.run.optimizer.name
        runs = [solve("bowl", optimizer=name, lr=float(lr), steps=300).run for lr in TUNE_GRID]
        fewest = min(r.steps for r in runs if r.status == "converged")
        chosen = [r.lr0 for r in runs if r.status == "converged" and r.steps == fewest]
        assert solution.run.lr0 in chosen and solution.run.steps == fewest
        assert solution.tuning.criterion.startswith("fewest steps to converge")
    assert solutions[2].tuning.lr is None and "uses no α" in solutions[2].tuning.criterion


def test_tune_falls_back_to_the_lowest_f_after_the_budget():
    from gdcli.engine.solution import solve
    from gdcli.landscape.compare import TUNE_GRID, compare

    [solution] = compare("rosenbrock", optimizers="gd", steps=50, tune=True)
    finals = [solve("rosenbrock", lr=float(lr), steps=50).run for lr in TUNE_GRID]
    best = min((r for r in finals if r.status != "diverged"), key=lambda r: r.final_f)
    assert solution.run.lr0 == best.lr0 and solution.tuning.criterion == "lowest f after 50 steps (none converged)"


def test_compare_table_shows_each_rows_alpha(cli):
    result = cli("compare", "bowl", "--optimizers", "gd,newton", "--lr", "0.05")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "α₀" in next(line for line in lines if "optimizer" in line)
    assert any(line.split()[:2] == ["gd", "0.05"] for line in lines)
    assert any(line.split()[:2] == ["newton", "0.05"] for line in lines)
    tuned = cli("compare", "bowl", "--optimizers", "gd,momentum", "--tune", "--steps", "500", "--json")
    rows = __import__("json").loads(tuned.stdout)["runs"]
    assert all(row["tuned"]["criterion"].startswith("fewest steps") for row in rows)
