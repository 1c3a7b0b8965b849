"""Pictures for `gd fit` (matplotlib's Figure on Agg, never pyplot).

- ``fit_figure``: the loss over the epochs against the exact loss; with one feature, the data with the fitted
  line (linear) or fitted probability curve σ(wx + b) (logistic) beside the exact fit, and the path of (w, b)
  epoch by epoch on the contours of the loss (drawn in the coordinates the optimizer works in).
- with two features and the logistic model, beside the loss: the data (each class its own marker and colour)
  and the decision boundary θ₀ + θ₁x₁ + θ₂x₂ = 0 (where σ = 1/2) as it moved during training — after the first
  epoch (at the start θ = 0 and every point has σ = 1/2: there is no line yet), a few epochs between, fading,
  and the final one bold, with the exact (Newton) boundary dotted.
- ``comparison_figure``: the loss of each batch size against epochs and against gradient evaluations.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.figure import Figure

from gdcli.engine.notation import number
from gdcli.fit.train import FitResult, batch_label
from gdcli.plots.draw import equal_aspect_if_comparable
from gdcli.plots.figure import literal, new_figure

GRID = 120
"""Contour grid points per axis."""
BOUNDARIES = 5
"""Decision boundaries drawn for a two-feature logistic fit: the first epoch's, the final one and three between."""
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
    """The loss curve, and for one feature the fitted curve on the data and the (w, b) path on the contours;
    for two features of a logistic fit, the data and the decision boundary as it moved."""
    p, t = result.problem, result.trace
    one = len(p.data.features) == 1
    classes = len(p.data.features) == 2 and p.model.name == "logistic"
    if one:
        figure = new_figure(15.0, 5.0)
        panels = figure.subplots(1, 3)
    elif classes:
        figure = new_figure(13.0, 5.5)
        panels = figure.subplots(1, 2, width_ratios=[1, 1.25])
    else:
        figure = new_figure(8.0, 5.0)
        panels = figure.subplots(1, 1, squeeze=False)[0]
    _loss_axes(panels[0], [(t.epoch, t.loss, f"batch {batch_label(result.batch_size)}")], p.reference.loss, "epoch")
    panels[0].set_title(f"{p.model.name} fit: loss per epoch")
    if one:
        _data_axes(panels[1], result)
        _contour_axes(panels[2], result)
    elif classes:
        _boundary_axes(panels[1], result)
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
        axes.plot(grid, curve, style, linewidth=1.5, label=f"{label}: w = {number(w, 4)}, b = {number(b, 4)}")
    axes.set_xlabel(literal(p.data.features[0]))
    axes.set_ylabel(literal(p.data.target) if p.model.name == "linear" else f"P({literal(p.data.target)} = 1)")
    axes.set_title("data and fitted " + ("line" if p.model.name == "linear" else "probability σ(wx + b)"))
    axes.legend(fontsize="small")
    axes.grid(alpha=0.3)


def boundary_epochs(epochs: np.ndarray, most: int = BOUNDARIES) -> np.ndarray:
    """The rows of the trace whose boundaries are drawn: the first epoch after the start, the last, and between
    them up to ``most`` − 2 more, the epochs nearest to even steps in log(epoch) (the boundary moves most in the
    first epochs)."""
    first, last = 1, len(epochs) - 1
    if last < first:
        return np.arange(0)
    wanted = np.geomspace(epochs[first], epochs[last], most)
    nearest = np.abs(epochs[first:last + 1, None] - wanted[None, :]).argmin(axis=0) + first
    return np.unique(nearest)


def boundary_segment(w: np.ndarray, b: float, xlim, ylim) -> np.ndarray | None:
    """The part of the line w₁x₁ + w₂x₂ + b = 0 inside the window [xlim] × [ylim], as its two ends (2 × 2), or
    None when it misses the window or w = 0 (no line). The line is p(s) = p₀ + s·d with p₀ = −b·w/‖w‖², its
    point nearest the origin, and d = (−w₂, w₁); each axis bounds s to an interval (Liang–Barsky clipping)."""
    norm = float(w @ w)
    if not (np.isfinite(norm) and norm > 0 and np.isfinite(b)):
        return None
    origin, direction = -b * w / norm, np.array([-w[1], w[0]])
    low, high = -np.inf, np.inf
    for axis, (lo, hi) in enumerate((xlim, ylim)):
        if direction[axis] == 0:
            if not lo <= origin[axis] <= hi:
                return None
            continue
        ends = sorted(((lo - origin[axis]) / direction[axis], (hi - origin[axis]) / direction[axis]))
        low, high = max(low, ends[0]), min(high, ends[1])
    if not low < high:
        return None
    return np.array([origin + low * direction, origin + high * direction])


def _boundary_axes(axes, result: FitResult) -> None:
    """The two classes of the data and the decision boundaries of boundary_epochs, in the original units."""
    p, t = result.problem, result.trace
    X, y = p.data.X, p.data.y
    names = [literal(name) for name in p.data.features]
    target = literal(p.data.target)
    for label, marker, colour in ((0, "o", "tab:blue"), (1, "^", "tab:orange")):
        rows = y == label
        points = axes.scatter(X[rows, 0], X[rows, 1], s=22, marker=marker, color=colour, edgecolors="black",
                              linewidths=0.4, alpha=0.8, zorder=2, label=f"{target} = {label}")
        points.set_gid(f"class-{label}")
    xlim, ylim = (_padded(X[:, 0]), _padded(X[:, 1]))
    chosen = boundary_epochs(t.epoch)
    for order, row in enumerate(chosen):
        final = order == len(chosen) - 1
        w, b = p.original(t.theta[row])
        w = np.asarray(w, dtype=float)
        segment = boundary_segment(w, b, xlim, ylim)
        share = order / max(len(chosen) - 1, 1)
        style = dict(color="black", linewidth=2.6, alpha=1.0) if final else dict(
            color="tab:red", linewidth=1.3, alpha=0.2 + 0.5 * share, linestyle="-" if order else "--")
        label = f"{'final, ' if final else ''}epoch {int(t.epoch[row])}"
        if segment is None:  # said in the legend, so a missing line is not mistaken for one hidden under another
            label += ": no line (w = 0)" if not np.any(w) else ": outside the window"
            segment = np.empty((0, 2))
        # the earlier lines go over the bold final one, so where the boundary stopped moving they still show
        line, = axes.plot(segment[:, 0], segment[:, 1], zorder=3 if final else 4, label=label, **style)
        line.set_gid("boundary-final" if final else f"boundary-epoch-{int(t.epoch[row])}")
    if result.reference is not None:
        segment = boundary_segment(np.asarray(result.reference[0], dtype=float), result.reference[1], xlim, ylim)
        if segment is not None:
            line, = axes.plot(segment[:, 0], segment[:, 1], ":", color="gold", linewidth=2.0, zorder=5,
                              label="exact (Newton)")
            line.set_gid("boundary-exact")
    axes.set_xlim(*xlim)
    axes.set_ylim(*ylim)
    equal_aspect_if_comparable(axes, xlim, ylim)
    axes.set_xlabel(names[0])
    axes.set_ylabel(names[1])
    axes.set_title(f"data and the boundary θ₀ + θ₁·{names[0]} + θ₂·{names[1]} = 0, epoch by epoch", fontsize=10)
    axes.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.02, 0.5))
    axes.grid(alpha=0.3)


def _padded(values: np.ndarray, margin: float = 0.08) -> tuple[float, float]:
    """[min, max] of ``values`` widened by ``margin`` of its width on each side (1 when all are equal)."""
    low, high = float(values.min()), float(values.max())
    pad = margin * (high - low) if high > low else 0.5
    return low - pad, high + pad


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
