"""Pictures for `gd fit` (matplotlib's Figure on Agg, never pyplot).

- ``fit_figure``: the loss over the epochs against the exact loss; with one feature, the data with the fitted
  line (linear) or fitted probability curve σ(wx + b) (logistic) beside the exact fit, and the path of (w, b)
  epoch by epoch on the contours of the loss (drawn in the coordinates the optimizer works in).
- ``comparison_figure``: the loss of each batch size against epochs and against gradient evaluations.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.figure import Figure

from gdcli.fit.train import FitResult, batch_label
from gdcli.plots.figure import literal, new_figure

GRID = 120
"""Contour grid points per axis."""
CELLS = 2_000_000
"""Most entries of A·Θᵀ held at once while evaluating the loss on the contour grid."""


def _loss_axes(axes, curves: Sequence[tuple[np.ndarray, np.ndarray, str]], exact: float | None, xlabel: str) -> None:
    """Loss curves (log scale when every value is positive and they span a decade) and the exact minimum as a dashed line."""
    for x, loss, label in curves:
        axes.plot(x, loss, label=label, linewidth=1.5)
    if exact is not None:
        axes.axhline(exact, color="black", linestyle="--", linewidth=1, label="exact minimum")
    values = np.concatenate([c[1] for c in curves])
    values = values[np.isfinite(values)]
    if values.size and np.all(values > 0) and values.max() > 10 * values.min():
        axes.set_yscale("log")
    axes.set_xlabel(xlabel)
    axes.set_ylabel("loss L on all rows")
    axes.legend(fontsize="small")
    axes.grid(alpha=0.3)


def fit_figure(result: FitResult) -> Figure:
    """The loss curve, and for one feature the fitted curve on the data and the (w, b) path on the contours."""
    p, t = result.problem, result.trace
    one = len(p.data.features) == 1
    figure = new_figure(15.0 if one else 8.0, 5.0)
    panels = figure.subplots(1, 3 if one else 1, squeeze=False)[0]
    _loss_axes(panels[0], [(t.epoch, t.loss, f"batch {batch_label(result.batch_size)}")], p.reference.loss, "epoch")
    panels[0].set_title(f"{p.model.name} fit: loss per epoch")
    if one:
        _data_axes(panels[1], result)
        _contour_axes(panels[2], result)
    return figure


def _data_axes(axes, result: FitResult) -> None:
    p = result.problem
    x, y = p.data.X[:, 0], p.data.y
    axes.scatter(x, y, s=14, alpha=0.7, color="tab:gray", label="data")
    grid = np.linspace(x.min(), x.max(), 200)
    fits = [(result.coef[0], result.intercept, "fitted", "-")]
    if result.reference is not None:
        fits.append((result.reference[0][0], result.reference[1], "exact", "--"))
    for w, b, label, style in fits:
        z = w * grid + b
        curve = np.exp(z - np.logaddexp(0.0, z)) if p.model.name == "logistic" else z
        axes.plot(grid, curve, style, linewidth=1.5, label=f"{label}: w = {w:.4g}, b = {b:.4g}")
    axes.set_xlabel(literal(p.data.features[0]))
    axes.set_ylabel(literal(p.data.target) if p.model.name == "linear" else f"P({literal(p.data.target)} = 1)")
    axes.set_title("data and fitted " + ("line" if p.model.name == "linear" else "probability σ(wx + b)"))
    axes.legend(fontsize="small")
    axes.grid(alpha=0.3)


def _contour_axes(axes, result: FitResult) -> None:
    """L(w, b) on a grid around the path and θ*, with the path of (w, b) epoch by epoch."""
    p = result.problem
    path = result.trace.theta
    points = [path] + ([p.reference.theta[None, :]] if p.reference.theta is not None else [])
    corners = np.vstack(points)
    low, high = corners.min(axis=0), corners.max(axis=0)
    pad = np.maximum((high - low) * 0.15, 0.5)
    ws = np.linspace(low[0] - pad[0], high[0] + pad[0], GRID)
    bs = np.linspace(low[1] - pad[1], high[1] + pad[1], GRID)
    W, B = np.meshgrid(ws, bs)
    thetas = np.column_stack([W.ravel(), B.ravel()])
    chunk = max(1, CELLS // p.data.rows)
    with np.errstate(all="ignore"):
        loss = np.concatenate([p.model.losses(p.A, p.y, thetas[i:i + chunk], p.l2)
                               for i in range(0, len(thetas), chunk)]).reshape(W.shape)
    levels = np.quantile(loss[np.isfinite(loss)], np.linspace(0.0, 1.0, 25) ** 2)
    axes.contour(W, B, loss, levels=np.unique(levels), cmap="viridis", linewidths=0.8)
    axes.plot(path[:, 0], path[:, 1], "-o", color="tab:red", markersize=2.5, linewidth=1, label="(w, b) per epoch")
    axes.plot(path[0, 0], path[0, 1], "s", color="black", label="start (0, 0)")
    if p.reference.theta is not None:
        axes.plot(*p.reference.theta, "*", color="gold", markersize=14, markeredgecolor="black", label="exact θ*")
    scaled = " (standardised x)" if p.standardizer is not None else ""
    axes.set_xlabel("w" + scaled)
    axes.set_ylabel("b" + scaled)
    axes.set_title("path of (w, b) on the loss contours")
    axes.legend(fontsize="small")


def comparison_figure(results: Sequence[FitResult]) -> Figure:
    """Each batch size's loss against epochs (left) and against gradient evaluations, log scale (right)."""
    figure = new_figure(14.0, 5.0)
    by_epoch, by_evaluation = figure.subplots(1, 2)
    exact = results[0].problem.reference.loss
    epochs = [(r.trace.epoch, r.trace.loss, f"batch {batch_label(r.batch_size)}") for r in results]
    evaluations = [(r.trace.epoch * r.steps_per_epoch, r.trace.loss, f"batch {batch_label(r.batch_size)}")
                   for r in results]
    _loss_axes(by_epoch, epochs, exact, "epoch (one pass over the data)")
    by_epoch.set_title("loss against epochs")
    _loss_axes(by_evaluation, evaluations, exact, "gradient evaluations (optimizer steps)")
    by_evaluation.set_xscale("symlog", linthresh=1)
    by_evaluation.set_xlim(left=0)
    by_evaluation.set_title("loss against gradient evaluations")
    return figure
