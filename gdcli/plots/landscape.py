"""Pictures of a landscape: a learning-rate sweep against its stability bound, and the basins of attraction
coloured on the plane with the minima marked."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from gdcli.engine.kernels import ArrayObjective
from gdcli.engine.notation import number
from gdcli.landscape.basins import DIVERGED, NOT_CONVERGED
from gdcli.plots.draw import equal_aspect_if_comparable
from gdcli.plots.figure import DEFAULT_DPI, new_figure, save
from gdcli.plots.view import contour_levels

BASIN_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf")

STATUS_STYLE = {"converged": ("#1b9e77", "o"), "oscillating": ("#7570b3", "s"), "diverged": ("#d95f02", "x"),
                "max_steps": ("#666666", "^"), "shrinking zig-zag": ("#66a61e", "v"), "bounded zig-zag": ("#7570b3", "s"),
                "growing zig-zag": ("#e7298a", "D")}
"""Colour and marker per outcome: the marker alone tells them apart in grey."""


def outcomes(batch) -> np.ndarray:
    """Each run's outcome as the sweep labels it: a run that ended zig-zagging by its swings (shrinking,
    bounded or growing zig-zag), else its status."""
    swing = batch.swing
    return np.array([f"{w} zig-zag" if w is not None else s for s, w in zip(batch.status, swing)], dtype=object)


def sweep_figure(result):
    """Final f (left) and steps taken (right) against α, coloured by outcome (see outcomes), with the bound
    2/λmax marked (with a schedule, labelled as α₀'s bound for a constant step)."""
    figure = new_figure()
    value_axes, steps_axes = figure.subplots(1, 2)
    lrs, batch = result.lrs, result.batch
    geometric = lrs.size > 2 and lrs[0] > 0 and np.allclose(np.diff(np.log(lrs)), np.log(lrs[1] / lrs[0]))
    positive = bool(np.all(batch.final_f[np.isfinite(batch.final_f)] > 0))
    outcome = outcomes(batch)
    for status, (colour, marker) in STATUS_STYLE.items():
        chosen = outcome == status
        if not np.any(chosen):
            continue
        for axes, values in ((value_axes, batch.final_f), (steps_axes, batch.steps)):
            axes.plot(lrs[chosen], values[chosen], linestyle="none", marker=marker, color=colour, markersize=5,
                      label=f"{status} ({int(chosen.sum())})")
    for axes, label in ((value_axes, "final f"), (steps_axes, "steps taken")):
        axes.set_xlabel("starting learning rate α₀" if result.bound_is_for_alpha0 else "learning rate α")
        axes.set_ylabel(label)
        if geometric:
            axes.set_xscale("log")
        if result.max_stable_lr is not None:
            label = "α₀ bound if α stayed constant" if result.bound_is_for_alpha0 else "bound"
            axes.axvline(result.max_stable_lr, color="black", linestyle="--", linewidth=1)
            axes.annotate(f" {label} {number(result.max_stable_lr, 3)}", (result.max_stable_lr, 1),
                          xycoords=("data", "axes fraction"), va="top", fontsize="small")
        axes.grid(True, alpha=0.3)
    if positive:
        value_axes.set_yscale("log")
    value_axes.legend(loc="best", fontsize="small")
    figure.suptitle(f"learning-rate sweep: {result.objective.text}, {result.optimizer.name}, "
                    f"{result.budget} steps each")
    return figure


def plot_sweep(result, path: str, dpi: int = DEFAULT_DPI):
    """Draw the sweep (see sweep_figure) and write it atomically."""
    return save(sweep_figure(result), path, dpi)


def basins_figure(result):
    """Each start coloured by the critical point it reaches (grey: diverged, white: not converged), with f's
    contours on top, every end point marked and its share of the starts written beside it."""
    figure = new_figure(8.0, 6.5)
    axes = figure.add_subplot()
    count = len(result.points)
    palette = ["#ffffff", "#9e9e9e"] + [BASIN_COLOURS[i % len(BASIN_COLOURS)] for i in range(count)]
    image = result.labels + 2  # NOT_CONVERGED → 0, DIVERGED → 1, basin i → i + 2
    (x0, x1), (y0, y1) = result.region
    axes.imshow(image, origin="lower", extent=(x0, x1, y0, y1), cmap=ListedColormap(palette), vmin=0,
                vmax=len(palette) - 1, interpolation="nearest", aspect="auto", alpha=0.85)
    equal_aspect_if_comparable(axes, (x0, x1), (y0, y1))
    xx, yy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    f, _ = ArrayObjective(result.objective)([xx, yy])
    finite = np.isfinite(f)
    if finite.any() and np.ptp(f[finite]) > 0:
        axes.contour(xx, yy, np.where(finite, f, np.nan), levels=contour_levels(f[finite], 14), colors="black",
                     linewidths=0.4, alpha=0.5)
    handles = []
    for i, p in enumerate(result.points):
        marker = {"minimum": "*", "maximum": "^", "saddle": "X"}.get(p.kind, "o")
        axes.plot(*p.point, marker=marker, color="black", markeredgecolor="white", linestyle="none",
                  markersize=14 if p.kind == "minimum" else 9)
        axes.annotate(f"{100 * result.share(i):.1f}%", p.point, xytext=(8, 8), textcoords="offset points",
                      fontsize="medium", fontweight="bold",
                      bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "alpha": 0.8})
        handles.append(Patch(facecolor=palette[i + 2], edgecolor="black",
                             label=f"{p.kind} ({number(p.point[0], 3)}, {number(p.point[1], 3)}): "
                                   f"{100 * result.share(i):.1f}%"))
    for code, label, colour in ((DIVERGED, "diverged", palette[1]), (NOT_CONVERGED, "not converged", palette[0])):
        share = float(np.mean(result.labels == code))
        if share > 0:
            handles.append(Patch(facecolor=colour, edgecolor="black", label=f"{label}: {100 * share:.1f}%"))
    names = result.objective.names
    axes.set_xlabel(names[0])
    axes.set_ylabel(names[1])
    axes.set_title(f"basins of attraction: {result.objective.text}, {result.optimizer.name}, "
                   f"α = {number(result.lr)}, {result.budget} steps")
    if handles:
        figure.legend(handles=handles, loc="outside lower center", ncols=2, fontsize="small")
    return figure


def plot_basins(result, path: str, dpi: int = DEFAULT_DPI):
    """Draw the basins (see basins_figure) and write the figure atomically."""
    return save(basins_figure(result), path, dpi)
