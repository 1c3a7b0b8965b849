"""The run's web page (`--html`, gdcli.render.page): self-contained, accessible, and showing gd's own numbers."""

import json
import re

import numpy as np
import pytest

from tests.conftest import run_python

CONTROLS = ("first step", "previous step", "play", "next step", "last step")


def page_data(text: str) -> dict:
    """The JSON block the page's script reads."""
    block = re.search(r'<script type="application/json" id="gd-data">(.*?)</script>', text, re.DOTALL).group(1)
    return json.loads(block.replace("<\\/", "</"))


def numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?", text)]


@pytest.fixture
def momentum_page(cli, tmp_path):
    path = tmp_path / "run.html"
    result = cli("solve", "x^2 + 4*y^2", "--start", "3,-2", "--optimizer", "momentum", "--lr", "0.05",
                 "--steps", "25", "--json", "--html", path)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), path.read_text(encoding="utf-8")


def test_page_is_one_file_that_needs_no_network(momentum_page):
    _, text = momentum_page
    assert text.startswith("<!DOCTYPE html>") and "<link" not in text and "<script src" not in text
    references = re.findall(r'(?:src|href)="([^"]*)"', text)
    assert references and all(r.startswith(("#", "data:")) for r in references), \
        [r for r in references if not r.startswith(("#", "data:"))]
    assert "@import" not in text and "url(http" not in text


def test_controls_have_their_accessible_names_and_the_state_is_a_captioned_table(momentum_page):
    _, text = momentum_page
    labels = re.findall(r'<button type="button" id="gd-\w+" aria-label="([^"]+)"', text)
    assert tuple(labels) == CONTROLS
    assert re.search(r'<table class="state" id="gd-state-0"><caption>state of momentum', text)
    assert 'type="range"' in text and 'id="gd-speed"' in text
    assert text.count("<math") >= 4  # f, ∇f, ∇²f and the rule's two lines


def test_every_frame_shows_the_runs_iterate_and_the_momentum_buffer(momentum_page):
    document, text = momentum_page
    data = page_data(text)
    iterates = document["iterates"]
    assert data["times"] == list(range(len(iterates)))  # a short run: every iterate is a frame
    run = data["runs"][0]
    beta = 0.9
    for k in (0, 1, 7, 25):
        rows = dict(run["frames"][k]["state"])
        x = numbers(next(v for label, v in rows.items() if label.startswith("x")))
        assert x == pytest.approx(iterates[k]["x"], rel=1e-4, abs=1e-9)
        assert numbers(next(v for label, v in rows.items() if label.startswith("f(")))[0] == pytest.approx(
            iterates[k]["f"], rel=1e-5, abs=1e-12)
        if k:  # b_k = Σ_{j<k} β^(k−1−j) g_j, the buffer written out from the recorded gradients
            expected = sum(beta ** (k - 1 - j) * np.array(iterates[j]["grad"]) for j in range(k))
            assert numbers(rows["b ← β·b + g"]) == pytest.approx(list(expected), rel=1e-4)
            subscript = str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
            assert run["frames"][k]["update"][0].startswith(f"b{subscript} = β·b")
    assert run["frames"][3]["row"][0] == "3"


def test_a_long_run_is_sampled_like_the_animation(cli, tmp_path):
    path = tmp_path / "long.html"
    assert cli("solve", "(x-3)^2", "--lr", "0.001", "--steps", "999", "--tol", "0", "--html", path).exit_code == 0
    times = page_data(path.read_text(encoding="utf-8"))["times"]
    assert len(times) == 300 and times[0] == 0 and times[-1] == 999 and all(np.diff(times) > 0)


def test_a_run_kept_every_kth_iterate_says_its_state_is_not_recorded(cli, tmp_path):
    path = tmp_path / "every.html"
    assert cli("solve", "x^2", "--optimizer", "adam", "--steps", "30", "--every", "10", "--html", path).exit_code == 0
    data = page_data(path.read_text(encoding="utf-8"))
    assert data["times"] == [0, 10, 20, 30]
    assert dict(data["runs"][0]["frames"][1]["state"])["state"].startswith("not recorded")


@pytest.mark.parametrize("objective, start", [("(x-1)^4", "3"), ("x^2 + y^2 + z^2", "1,2,3")])
def test_one_and_three_variables_get_a_page(cli, tmp_path, objective, start):
    path = tmp_path / "run.html"
    assert cli("solve", objective, "--start", start, "--steps", "5", "--html", path).exit_code == 0
    run = page_data(path.read_text(encoding="utf-8"))["runs"][0]
    assert len(run["points"]) == 2 and all(p is not None for p in run["points"][1])  # the loss curve
    if objective.count("^") == 1:  # one variable: −f′ points along x, here to the left (f′(3) = 32 > 0)
        x0, y0, x1, y1 = run["descent"][0]
        assert x1 < x0 and y1 == pytest.approx(y0)
    else:
        assert run["descent"] == [None] * 6


def test_compare_puts_every_optimizer_on_one_slider(cli, tmp_path):
    path = tmp_path / "compare.html"
    result = cli("compare", "x^2 + 4*y^2", "--optimizers", "gd,adam", "--steps", "12", "--html", path)
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    data = page_data(text)
    assert [r["name"] for r in data["runs"]] == ["gd", "adam"]
    assert text.count('type="range"') == 1 and 'id="gd-state-1"' in text


def test_an_unwritable_page_is_one_line_and_exit_2(cli, tmp_path):
    result = cli("solve", "x^2", "--html", tmp_path / "missing" / "run.html")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.strip().count("\n") == 0 and "run.html" in result.stderr
    assert not list(tmp_path.rglob("*.html"))


def test_solve_without_html_loads_no_page_machinery():
    # (sympy.printing.mathml costs nothing extra: `import sympy` loads it already)
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom gdcli.cli import app\n"
            "r = CliRunner().invoke(app, ['solve'])\nassert r.exit_code == 0, r.output\n"
            "print(sorted(m for m in ('gdcli.render.page', 'gdcli.plots.scene', 'matplotlib') if m in sys.modules))")
    assert run_python(code).stdout.strip() == "[]"


def test_a_solution_shows_itself_in_a_notebook_and_keeps_a_one_line_repr():
    from matplotlib.figure import Figure

    from gdcli import solve

    solution = solve("(x - 3)^2", start="0", lr="1/10", steps=4)
    assert "\n" not in repr(solution) and repr(solution).startswith("Solution('(x - 3)^2', gd")
    shown = solution._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "&lt;!DOCTYPE html&gt;" in shown and "next step" in shown
    assert isinstance(solution.figure(), Figure)


def test_fit_pages_mark_the_epoch_and_show_the_coefficients(cli, tmp_path):
    from gdcli.fit.data import read_csv

    path = tmp_path / "fit.html"
    data = "problems/data/four_points.csv"
    result = cli("fit", data, "--target", "y", "--lr", "0.01", "--epochs", "60", "--json", "--html", path)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    page = page_data(path.read_text(encoding="utf-8"))
    assert page["unit"] == "epoch" and page["times"] == list(range(61))
    # full-batch gradient descent on L = mean((y − wx − b)²) from θ = 0, written out again with NumPy
    dataset = read_csv(data, "y", None)
    x, y = dataset.X[:, 0], dataset.y
    w = b = 0.0
    for _ in range(60):
        residual = y - (w * x + b)
        w, b = w + 0.01 * 2 * np.mean(residual * x), b + 0.01 * 2 * np.mean(residual)
    last = dict(page["runs"][0]["frames"][-1]["state"])
    assert numbers(last["w (x)"])[0] == pytest.approx(w, rel=1e-5)
    assert numbers(last["b (intercept)"])[0] == pytest.approx(b, rel=1e-5)
    assert numbers(last["loss L on all rows"])[0] == pytest.approx(document["epochs"][-1]["loss"], rel=1e-5)
    assert len(page["runs"][0]["points"]) == 3 and page["runs"][0]["points"][1] == [None] * 61

    compared = tmp_path / "batches.html"
    assert cli("fit", data, "--target", "y", "--epochs", "20", "--compare-batch-sizes", "1,full",
               "--html", compared).exit_code == 0
    assert [r["name"] for r in page_data(compared.read_text(encoding="utf-8"))["runs"]] == ["batch 1", "batch full"]
