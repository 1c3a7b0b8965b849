"""The pictures of `gd fit`, checked through the plotted data. With two features and the logistic model the
figure shows the data, each class with its own marker, and the decision boundary θ₀ + θ₁x₁ + θ₂x₂ = 0 as it
moved: the data drawn are the CSV's rows (read here with the csv module), the final line lies on the boundary
of the coefficients the JSON reports, and the first epoch's line on the boundary of one gradient step from θ = 0
(its closed form written out here)."""

from __future__ import annotations

import csv
import json
from fractions import Fraction

import numpy as np
import pytest

from gdcli.engine.expression import read_number
from gdcli.files.shipped import datasets_directory
from gdcli.fit.data import read_csv
from gdcli.fit.train import fit
from gdcli.plots.fit import boundary_epochs, boundary_segment, fit_figure

LR = 0.5


@pytest.fixture(scope="module")
def rows():
    """classes.csv as a spreadsheet would read it: (x1, x2, label) per row."""
    with open(datasets_directory() / "classes.csv", newline="") as handle:
        return [(float(r["x1"]), float(r["x2"]), int(r["label"])) for r in csv.DictReader(handle)]


@pytest.fixture(scope="module", params=[False, True], ids=["raw", "standardised"])
def fitted(request):
    result = fit(read_csv("classes.csv", "label"), model="logistic", lr=LR, epochs=60,
                 standardize=request.param)
    return result, json.loads(json.dumps(result.to_dict())), fit_figure(result)


def boundary_panel(figure):
    (panel,) = [ax for ax in figure.axes if any(line.get_gid() == "boundary-final" for line in ax.get_lines())]
    return panel


def lines_of(panel):
    return {line.get_gid(): line for line in panel.get_lines() if (line.get_gid() or "").startswith("boundary")}


def test_the_data_drawn_are_the_csv_rows_by_class(fitted, rows):
    _, _, figure = fitted
    panel = boundary_panel(figure)
    drawn = {c.get_gid(): c for c in panel.collections}
    for label in (0, 1):
        expected = sorted((x1, x2) for x1, x2, y in rows if y == label)
        assert np.array_equal(sorted(map(tuple, drawn[f"class-{label}"].get_offsets().tolist())), expected)
    markers = [drawn[f"class-{label}"].get_paths()[0].vertices for label in (0, 1)]
    assert markers[0].shape != markers[1].shape or not np.allclose(*markers)  # distinct markers, not colour alone
    assert panel.get_xlabel() == "x1" and panel.get_ylabel() == "x2"


def test_the_final_boundary_is_the_one_the_json_reports(fitted):
    _, document, figure = fitted
    final = lines_of(boundary_panel(figure))["boundary-final"]
    w, b = np.array(document["coef"]), document["intercept"]
    points = np.column_stack([final.get_xdata(), final.get_ydata()])
    assert np.allclose(points @ w + b, 0, atol=1e-9 * (1 + np.abs(points).max() * np.abs(w).max()))
    assert final.get_linewidth() > max(line.get_linewidth() for gid, line in lines_of(boundary_panel(figure)).items()
                                       if gid.startswith("boundary-epoch"))
    assert f"epoch {document['epochs'][-1]['epoch']}" in final.get_label()


def test_the_lines_run_across_the_whole_window(fitted):
    _, _, figure = fitted
    panel = boundary_panel(figure)
    (xmin, xmax), (ymin, ymax) = panel.get_xlim(), panel.get_ylim()
    for line in lines_of(panel).values():
        for x, y in zip(line.get_xdata(), line.get_ydata()):  # each end on the window's edge
            assert min(abs(x - xmin), abs(x - xmax), abs(y - ymin), abs(y - ymax)) < 1e-9 * (xmax - xmin)


def test_the_first_boundary_is_one_gradient_step_from_zero(fitted, rows):
    # full-batch GD from θ = 0 on the mean cross-entropy: ∇L(0) = (1/n) Σ (σ(0) − y)·(x, 1) with σ(0) = 1/2, so
    # θ₁ = α·mean((y − 1/2)·(x, 1)); standardised, the step is taken on z = (x − μ)/σ and mapped back
    result, _, figure = fitted
    x = np.array([(x1, x2) for x1, x2, _ in rows])
    y = np.array([label for *_, label in rows], dtype=float)
    if result.problem.standardizer is None:
        w = LR * ((y - 0.5)[:, None] * x).mean(axis=0)
        b = LR * (y - 0.5).mean()
    else:
        mu, sigma = x.mean(axis=0), x.std(axis=0)
        z = (x - mu) / sigma
        wz, bz = LR * ((y - 0.5)[:, None] * z).mean(axis=0), LR * (y - 0.5).mean()
        w, b = wz / sigma, bz - (wz * mu / sigma).sum()
    first = lines_of(boundary_panel(figure))["boundary-epoch-1"]
    points = np.column_stack([first.get_xdata(), first.get_ydata()])
    assert np.allclose(points @ w + b, 0, atol=1e-9)
    assert first.get_linestyle() == "--"


def test_intermediate_boundaries_fade_the_older_they_are(fitted):
    _, _, figure = fitted
    lines = lines_of(boundary_panel(figure))
    epochs = sorted(int(gid.rsplit("-", 1)[1]) for gid in lines if gid.startswith("boundary-epoch"))
    assert len(epochs) >= 3 and epochs[0] == 1
    alphas = [lines[f"boundary-epoch-{e}"].get_alpha() for e in epochs]
    assert all(a < b for a, b in zip(alphas, alphas[1:])) and alphas[-1] < lines["boundary-final"].get_alpha()


def test_boundary_epochs_are_first_last_and_log_spaced_between():
    chosen = boundary_epochs(np.arange(0, 101))
    assert list(chosen) == [1, 3, 10, 32, 100]  # 100^(k/4): 1, 3.16, 10, 31.6, 100
    assert list(boundary_epochs(np.arange(0, 3))) == [1, 2]
    assert list(boundary_epochs(np.arange(0, 1))) == []


@pytest.mark.parametrize("w, b, ends", [
    ((1.0, 1.0), -1.0, {(0.0, 1.0), (1.0, 0.0)}),  # x + y = 1 across the unit square's corners
    ((0.0, 2.0), -1.0, {(0.0, 0.5), (1.0, 0.5)}),  # y = 1/2: horizontal
    ((4.0, 0.0), -1.0, {(0.25, 0.0), (0.25, 1.0)}),  # x = 1/4: vertical
])
def test_boundary_segment_clips_the_line_to_the_window(w, b, ends):
    segment = boundary_segment(np.array(w), b, (0.0, 1.0), (0.0, 1.0))
    assert {tuple(np.round(p, 12) + 0.0) for p in segment} == ends


@pytest.mark.parametrize("w, b", [((1.0, 1.0), -5.0), ((0.0, 0.0), 1.0), ((0.0, 1.0), -2.0)])
def test_a_line_outside_the_window_or_no_line_at_all_is_not_drawn(w, b):
    assert boundary_segment(np.array(w), b, (0.0, 1.0), (0.0, 1.0)) is None


def test_gd_fit_plot_writes_the_boundary_figure(cli, tmp_path):
    picture = tmp_path / "classes.png"
    result = cli("fit", "classes.csv", "--target", "label", "--model", "logistic", "--epochs", "30", "--plot", picture)
    assert result.exit_code == 0, result.output
    assert picture.stat().st_size > 20_000


def test_a_boundary_outside_the_window_is_named_in_the_legend(tmp_path):
    # the label is the sign of x1 − 11 at (10, 10), (10, 12), (12, 10), (12, 12): one step from θ = 0 gives
    # w = α·mean((y − ½)·x) = α·(½, 0) and b = α·mean(y − ½) = 0, the line x1 = 0, far left of the data
    data = tmp_path / "far.csv"
    data.write_text("x1,x2,y\n10,10,0\n10,12,0\n12,10,1\n12,12,1\n")
    result = fit(read_csv(data, "y"), model="logistic", lr=0.1, epochs=400)
    panel = boundary_panel(fit_figure(result))
    labels = {line.get_gid(): line.get_label() for line in lines_of(panel).values()}
    assert labels["boundary-epoch-1"] == "epoch 1: outside the window"
    assert len(lines_of(panel)["boundary-epoch-1"].get_xdata()) == 0
    # the others say so exactly when w·x + b has one sign at every corner of the window (from their own θ)
    (xmin, xmax), (ymin, ymax) = panel.get_xlim(), panel.get_ylim()
    corners = np.array([(xmin, ymin), (xmin, ymax), (xmax, ymin), (xmax, ymax)])
    for row, epoch in enumerate(result.trace.epoch):
        gid = "boundary-final" if row == len(result.trace.epoch) - 1 else f"boundary-epoch-{epoch}"
        if gid in labels:
            w, b = result.problem.original(result.trace.theta[row])
            outside = len({bool(v > 0) for v in corners @ w + b}) == 1
            assert labels[gid].endswith(": outside the window") == outside


def test_fit_legend_writes_small_coefficients_as_powers_of_ten():
    # four_points.csv, L = mean((y − wx − b)²): ∇L = H·(w, b) − (2/4)·(Σxy, Σy) with H = (2/4)·[[Σx², Σx], [Σx, 4]],
    # Σx = 10, Σx² = 30, Σy = 15, Σxy = 41; three steps of α = 10⁻⁶ from (0, 0), in exact arithmetic
    alpha, w, b = Fraction(1, 10**6), Fraction(0), Fraction(0)
    for _ in range(3):
        w, b = (w - alpha * (15 * w + 5 * b - Fraction(41, 2)),
                b - alpha * (5 * w + 2 * b - Fraction(15, 2)))
    figure = fit_figure(fit(read_csv("four_points.csv", "y"), lr=1e-6, epochs=3))
    (label,) = [line.get_label() for ax in figure.axes for line in ax.get_lines()
                if line.get_label().startswith("fitted")]
    shown_w, shown_b = label.removeprefix("fitted: w = ").split(", b = ")
    assert "·10⁻⁵" in shown_w and "·10⁻⁵" in shown_b
    assert read_number(shown_w) == pytest.approx(float(w), rel=5e-4)
    assert read_number(shown_b) == pytest.approx(float(b), rel=5e-4)
