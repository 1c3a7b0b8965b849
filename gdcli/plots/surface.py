"""The 3-D view: the surface z = f(x, y) over the plotted window with each path lifted onto it, (x_t, y_t, f(x_t)).

Nothing is clipped. When the paths live at the bottom of the window's range of f (Rosenbrock's walls
100(y − x²)² rise to about 500 over the window while the path starts at f = 24), a linear height would flatten
every path onto the floor; there the height drawn is z = log₁₀(f − f_min + c), c a power of ten a decade below
the paths' highest f − f_min, so the path's descent and the walls both show, and the z axis is labelled in f
itself, its ticks at round values of f. Otherwise z = f. Either way the z limits hold the whole surface and
the paths, and the paths are drawn over the surface so they are never hidden.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from matplotlib.ticker import FixedFormatter, FixedLocator
from mpl_toolkits.mplot3d.axes3d import Axes3D

from gdcli.engine.run import RunResult
from gdcli.plots.draw import math_names, tick_text
from gdcli.plots.view import COLOUR_MAP, MAX_MARKERS, PATH_COLOURS, PATH_MARKERS, Box, grid_values

SURFACE_GRID = 140
"""Grid points per axis of the surface mesh: fine enough that Rosenbrock's narrow valley has a smooth floor
(at 70 its rows show as scallops); the facets are rasterised, so a vector file does not grow with them."""
WALLS = 10.0
"""A surface is drawn with log heights when the paths' highest f − f_min is below 1/WALLS of the window's
range of f (Rosenbrock from its standard start: 24 of about 500); a bowl seen from its start (x² + y², Booth,
Himmelblau: a fifth or more) keeps z = f, its shape as it is."""
RELIEF = 1
"""Decades below the paths' highest f − f_min where the log height's offset c lies: values of f − f_min well
below c lie flat on the floor. More decades would resolve the floor further but turn a mesh over a narrow
valley into spikes."""
Z_TICKS = 6
"""Most ticks on a log-scaled z axis."""
TICK_GAP = 0.06
"""Least distance between two z ticks, as a fraction of the z range."""


@dataclass(frozen=True)
class Heights:
    """How f is drawn as a height: z = log₁₀(f − low + offset) when ``offset`` is set, else z = f."""

    low: float
    offset: float | None = None

    @classmethod
    def of(cls, low: float, high: float, path_high: float | None) -> "Heights":
        """The heights for f from ``low`` to ``high`` over the window with paths reaching up to ``path_high``
        (None: no path in view): log heights when 0 < path_high − low < (high − low)/WALLS, with the offset
        c = 10^(k − RELIEF), 10^k the largest power of ten at most path_high − low; else z = f."""
        if path_high is None or not 0 < path_high - low < (high - low) / WALLS:
            return cls(low)
        return cls(low, 10.0 ** (math.floor(math.log10(path_high - low)) - RELIEF))

    def __call__(self, f: np.ndarray) -> np.ndarray:
        f = np.asarray(f, dtype=float)
        return f if self.offset is None else np.log10(f - self.low + self.offset)

    def ticks(self, high: float) -> list[float]:
        """Round values of f to mark on a log-scaled z axis, from about ``low`` to ``high``: low rounded to the
        offset's decimal place, then low + d rounded to d's leading digit for d = powers of ten; from the top
        down, a tick closer than TICK_GAP of the z range to the one above is left out (at most Z_TICKS)."""
        c = self.offset
        first, last = round(math.log10(c)), math.floor(math.log10(max(high - self.low, c)))
        values = [round(self.low / c) * c] + [round((self.low + d) / d) * d for d in 10.0 ** np.arange(first, last + 1)]
        candidates = sorted({float(v) for v in values if v - self.low + c > 0 and v <= high}, reverse=True)
        gap = TICK_GAP * float(self(high) - self(self.low))
        ticks: list[float] = []
        for v in candidates:
            if not ticks or self(ticks[-1]) - self(v) >= gap:
                ticks.append(v)
        return sorted(ticks[:Z_TICKS])


def draw_surface(ax: Axes3D, runs: Sequence[RunResult], box: Box) -> None:
    """Draw f over ``box`` as a surface and each run's visible iterates lifted onto it (see the module
    docstring for the heights)."""
    objective = runs[0].objective
    X, Y, F = grid_values(objective, box, SURFACE_GRID)
    lifted = []
    for run in runs:
        inside = box.contains(run.x[:, :2]) & np.isfinite(run.f)
        lifted.append((run.x[inside, 0], run.x[inside, 1], run.f[inside]))
    paths = np.concatenate([f for _, _, f in lifted])
    values = np.concatenate([F.ravel(), paths])
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    heights = Heights.of(low, high, float(paths.max()) if paths.size else None)
    bottom, top = float(heights(heights.low)), float(heights(high))
    lift = 0.01 * max(top - bottom, 1e-12)
    ax.computed_zorder = False  # draw in the order given: the surface first, the paths over it
    surface = ax.plot_surface(X, Y, heights(F), cmap=COLOUR_MAP, linewidth=0, antialiased=True, alpha=0.8,
                              rstride=1, cstride=1, zorder=1)
    surface.set_rasterized(True)  # in SVG and PDF an image of the facets; the axes, text and paths stay vector
    for index, (xs, ys, fs) in enumerate(lifted):
        zs = heights(fs) + lift
        colour = PATH_COLOURS[index % len(PATH_COLOURS)]
        line, = ax.plot(xs, ys, zs, color=colour, linewidth=2.0, marker=PATH_MARKERS[index % len(PATH_MARKERS)],
                        markersize=3.5, markeredgecolor="black", markeredgewidth=0.4, zorder=10,
                        markevery=max(1, math.ceil(len(xs) / MAX_MARKERS)))
        line.set_gid("surface-path")
        if len(xs):
            ax.scatter([xs[0]], [ys[0]], [zs[0]], s=70, c="white", edgecolors="black", linewidths=1.2, zorder=11,
                       depthshade=False)
    ax.set_xlim(*box.xlim)
    ax.set_ylim(*box.ylim)
    names = math_names(objective)
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if heights.offset is None:
        ax.set_zlim(bottom, top + 2 * lift)
        ax.set_zlabel("$f$")
        ax.set_title("surface $z = f$, path lifted onto it", fontsize=11)
    else:
        ticks = heights.ticks(high)
        positions = heights(np.array(ticks))
        ax.set_zlim(min(bottom, float(positions[0])), top + 2 * lift)
        ax.zaxis.set_major_locator(FixedLocator(positions))
        ax.zaxis.set_major_formatter(FixedFormatter([tick_text(v) for v in ticks]))
        ax.set_zlabel("$f$ (log scale)")
        ax.set_title("surface of $f$ (log height), path lifted onto it", fontsize=11)
    ax.view_init(elev=35, azim=-60)
