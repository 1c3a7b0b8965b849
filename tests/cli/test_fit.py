"""`gd fit` from the command line: JSON fields, tables, plots and one-line errors."""

import json

import pytest

from tests.conftest import ROOT, run_python

DATA = ROOT / "problems" / "data"
SEEDS = str(DATA / "four_points.csv")


def test_json_fields_as_in_the_issue(cli):
    result = cli("fit", SEEDS, "--target", "y", "--lr", "0.01", "--epochs", "500", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    for key in ("model", "coef", "intercept", "loss", "epochs", "reference", "evaluations"):
        assert key in doc
    assert doc["model"] == "linear" and doc["evaluations"] == 500
    assert doc["coef"][0] == pytest.approx(0.81995, abs=5e-6) and doc["intercept"] == pytest.approx(1.64734, abs=5e-6)
    assert set(doc["epochs"][0]) == {"epoch", "loss", "grad_norm", "lr"} and len(doc["epochs"]) == 501
    assert doc["reference"]["coef"] == pytest.approx([0.7]) and doc["reference"]["intercept"] == pytest.approx(2.0)
    assert doc["reference"]["loss"] == pytest.approx(0.575)
    # the last table row is the fitted model: its loss is mean((y − wx − b)²), written out
    w, b = doc["coef"][0], doc["intercept"]
    loss = sum((y - w * x - b) ** 2 for x, y in [(1, 2), (2, 4), (3, 5), (4, 4)]) / 4
    assert doc["loss"] == pytest.approx(loss) and doc["epochs"][-1]["loss"] == pytest.approx(loss)


def test_table_output(cli):
    result = cli("fit", SEEDS, "--target", "y", "--lr", "1/100", "--epochs", "500", "--rows", "4")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "full batch: 1 step per epoch" in out and "✓ finished" in out
    assert "0.819946" in out and "1.64734" in out and "0.7" in out
    assert "497 epochs hidden" in out and "gradient evaluations: 500" in out
    # the panel's title names the file, its data row the whole path: the path is written once
    assert out.splitlines()[0].startswith("╭─ gd fit · four_points.csv ─") and out.count("four_points.csv") == 2


def test_logistic_with_standardize_and_l2(cli):
    result = cli("fit", DATA / "classes.csv", "--target", "label", "--model", "logistic", "--lr", "1",
                 "--epochs", "300", "--standardize", "--l2", "0.01", "--json")
    doc = json.loads(result.stdout)
    assert doc["model"] == "logistic" and doc["accuracy"] > 0.85 and doc["l2"] == 0.01
    assert doc["condition_number"]["after"] <= doc["condition_number"]["before"]
    assert doc["coef"] == pytest.approx(doc["reference"]["coef"], abs=1e-4)
    text = cli("fit", DATA / "classes.csv", "--target", "label", "--model", "logistic", "--l2", "0.01").stdout
    assert "weight decay" in text and "accuracy" in text


def test_compare_batch_sizes(cli, tmp_path):
    picture = tmp_path / "cmp.png"
    result = cli("fit", DATA / "linear.csv", "--target", "y", "--standardize", "--lr", "0.01", "--epochs", "5",
                 "--compare-batch-sizes", "1,8,full", "--plot", picture)
    assert result.exit_code == 0, result.stderr
    assert "steps/epoch" in result.stdout and "1,500" in result.stdout  # 300 rows × 5 epochs for SGD
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    docs = json.loads(cli("fit", DATA / "linear.csv", "--target", "y", "--epochs", "2",
                          "--compare-batch-sizes", "1,full", "--json").stdout)
    assert [d["batch_size"] for d in docs] == [1, 0] and [d["evaluations"] for d in docs] == [600, 2]


def test_plot_one_feature(cli, tmp_path):
    picture = tmp_path / "fit.svg"
    result = cli("fit", SEEDS, "--target", "y", "--epochs", "50", "--plot", picture)
    assert result.exit_code == 0 and picture.read_text().lstrip().startswith("<?xml")


def test_bad_plot_path_writes_nothing(cli, tmp_path):
    result = cli("fit", SEEDS, "--target", "y", "--plot", tmp_path / "fit.bmp")
    assert result.exit_code == 2 and "image format" in result.stderr and result.stdout == ""


BAD_FILES = [
    ("", ["empty"]),
    ("x,y\n1,2\n2,oops\n", ["row 3", "column 'y'", "'oops'"]),
    ("x,y\n1,2\n2,nan\n", ["row 3", "column 'y'", "finite"]),
    ("x,y\n1,2\n2,3,4\n", ["row 3", "3 cells"]),
    ("x,z\n1,2\n", ["row 1", "'y'"]),
]


@pytest.mark.parametrize("text, words", BAD_FILES)
def test_bad_data_is_one_line_exit_2(cli, tmp_path, text, words):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    result = cli("fit", path, "--target", "y")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gd: error: ") and "bad.csv" in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""
    for word in words:
        assert word in lines[0]


def test_model_specific_errors(cli, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("a,k,y\n1,5,0\n2,5,1\n3,5,3\n")
    missing = cli("fit", tmp_path / "none.csv", "--target", "y")
    labels = cli("fit", path, "--target", "y", "--model", "logistic")
    constant = cli("fit", path, "--target", "y", "--standardize")
    assert missing.exit_code == labels.exit_code == constant.exit_code == 2
    assert "none.csv: no such file" in missing.stderr
    assert "c.csv, row 4, column 'y': 3 is not a label 0 or 1" in labels.stderr
    assert "c.csv, rows 2–4, column 'k'" in constant.stderr
    bad = cli("fit", SEEDS, "--target", "y", "--compare-batch-sizes", "1,half")
    assert bad.exit_code == 2 and "'half'" in bad.stderr


def test_divergence_is_reported_not_raised(cli):
    result = cli("fit", SEEDS, "--target", "y", "--lr", "1", "--epochs", "1000", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["status"] == "diverged"


def test_help_has_an_example_and_loads_no_numpy():
    done = run_python("import sys; from gdcli.cli import app\n"
                      "try:\n    app(['fit', '--help'])\nexcept SystemExit:\n    pass\n"
                      "print('numpy' in sys.modules, 'matplotlib' in sys.modules)")
    assert "Example: gd fit" in done.stdout and done.stdout.strip().endswith("False False")


def test_standardised_penalty_is_named(cli):
    """With --standardize the L2 penalty acts on the weights of the standardised features, and the header says so."""
    def words(*extra):
        text = cli("fit", DATA / "classes.csv", "--target", "label", "--model", "logistic", "--l2", "0.01",
                   "--epochs", "5", *extra).stdout
        return " ".join(text.replace("│", " ").split())
    assert "it applies to the standardised weights" in words("--standardize")
    assert "it applies to the weights" in words() and "standardised weights" not in words()


def test_a_fifo_or_device_given_as_the_csv_is_one_line_at_once(cli, tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.csv")
    os.symlink("/dev/zero", tmp_path / "zero.csv")
    for name, kind in (("pipe.csv", "a FIFO (named pipe)"), ("zero.csv", "a character device")):
        result = cli("fit", tmp_path / name, "--target", "y")
        assert result.exit_code == 2 and "Traceback" not in result.stderr
        assert result.stderr == f"gd: error: {tmp_path / name}: is {kind}, not a CSV file\n"


def test_escape_sequences_in_a_csv_header_never_reach_the_terminal(cli, tmp_path):
    path = tmp_path / "hostile.csv"
    path.write_text("x\x1b]52;c;ZWNobyBoaQ==\x07,y\n1,2\n2,4\n3,5\n4,4\n", encoding="utf-8")
    result = cli("fit", path, "--target", "y", "--epochs", "5")
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout + result.stderr
    assert "x]52;c;ZWNobyBoaQ==" in result.stdout  # the column is still named, without its control characters
    bad = cli("fit", path, "--target", "y", "--features", "x\x1b[2J")
    assert bad.exit_code == 2 and "\x1b" not in bad.stderr and bad.stderr.count("\n") == 1
