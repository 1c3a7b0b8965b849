"""The 3-D view: the surface z = f(x, y) over the plotted window with each path lifted onto it, (x_t, y_t, f(x_t)).

Where f has steep walls (Rosenbrock's 100(y − x²)²), the surface is capped at a height that keeps the path's
part of the landscape visible: z is clipped to [min f, cap], cap being the larger of the path's highest f and
the 60th percentile of f over the window. The path is drawn above the surface so it is never hidden.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from mpl_toolkits.mplot3d.axes3d import Axes3D

from gdcli.engine.run import RunResult
from gdcli.plots.draw import math_name
from gdcli.plots.view import COLOUR_MAP, MAX_MARKERS, PATH_COLOURS, PATH_MARKERS, Box, grid_values

SURFACE_GRID = 70
"""Grid points per axis of the surface mesh (a coarser mesh than the contour's: the facets are drawn one by one)."""


def surface_cap(values: np.ndarray, runs: Sequence[RunResult], box: Box) -> float:
    """The height the surface is clipped at: max(path's highest f inside the window, 60th percentile of f)."""
    finite = values[np.isfinite(values)]
    heights = [float(np.percentile(finite, 60))]
    for run in runs:
        inside = box.contains(run.x[:, :2])
        if inside.any():
            heights.append(float(np.max(run.f[inside])))
    return max(heights)


def draw_surface(ax: Axes3D, runs: Sequence[RunResult], box: Box) -> None:
    """Draw f over ``box`` as a surface and each run's visible iterates lifted onto it."""
    objective = runs[0].objective
    X, Y, F = grid_values(objective, box, SURFACE_GRID)
    cap = surface_cap(F, runs, box)
    low = float(np.nanmin(F))
    Z = np.clip(F, low, cap)
    ax.plot_surface(X, Y, Z, cmap=COLOUR_MAP, linewidth=0, antialiased=True, alpha=0.75, rstride=1, cstride=1,
                    zorder=1)
    lift = 0.01 * (cap - low)
    for index, run in enumerate(runs):
        inside = box.contains(run.x[:, :2])
        xs, ys, fs = run.x[inside, 0], run.x[inside, 1], np.clip(run.f[inside], low, cap) + lift
        colour = PATH_COLOURS[index % len(PATH_COLOURS)]
        line, = ax.plot(xs, ys, fs, color=colour, linewidth=2.0, marker=PATH_MARKERS[index % len(PATH_MARKERS)],
                        markersize=3.5, markeredgecolor="black", markeredgewidth=0.4, zorder=10,
                        markevery=max(1, math.ceil(len(xs) / MAX_MARKERS)))
        line.set_gid("surface-path")
        if len(xs):
            ax.scatter([xs[0]], [ys[0]], [fs[0]], s=70, c="white", edgecolors="black", linewidths=1.2, zorder=11,
                       depthshade=False)
    ax.set_xlim(*box.xlim)
    ax.set_ylim(*box.ylim)
    ax.set_zlim(low, cap + 2 * lift)
    names = [math_name(s) for s in objective.symbols]
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_zlabel("$f$")
    ax.view_init(elev=35, azim=-60)
    ax.set_title("surface $z = f$, path lifted onto it", fontsize=11)
