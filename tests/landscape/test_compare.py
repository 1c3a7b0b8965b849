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
