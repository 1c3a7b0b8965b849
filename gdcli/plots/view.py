"""The window of a figure and the grid under it: the box that holds the path and the minima, limits typed
by the user, f on a grid, contour levels (log-spaced when f spans decades), and the colours every picture
shares (viridis for f, warm colours with their own markers and dashes for paths).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from matplotlib import patheffects

from gdcli.engine.expression import parse_vector
from gdcli.engine.kernels import ArrayObjective
from gdcli.engine.notation import number
from gdcli.engine.objective import Objective
from gdcli.engine.run import RunResult
from gdcli.errors import GdError, OptionError

COLOUR_MAP = "viridis"
"""Dark blue (low f) to yellow (high f): monotone in lightness, so it reads in grey too."""
PATH_COLOURS = ("#d62728", "#ff7f0e", "#e377c2", "#ffffff", "#17becf", "#8c564b")
"""Paths in warm colours or white that stand out on viridis; each also gets its own marker and dash."""
PATH_MARKERS = ("o", "s", "^", "D", "v", "P")
PATH_DASHES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)))
HALO = [patheffects.withStroke(linewidth=3.2, foreground="black", alpha=0.55)]
"""A dark outline under every path line, so it stays visible on both the dark and the light end of the map."""
GRID = 220
"""Grid points per axis for the contour (220² evaluations, vectorised)."""
LEVELS = 24
"""Number of contour bands."""
MARGIN = 0.12
"""Fraction of the view's span added on each side."""
MAX_MARKERS = 60
"""Most markers drawn along one path (the line itself keeps every iterate)."""
MAX_ARROWS = 8
"""Most direction arrows along one path."""
COMPARE_ARROWS = 4
"""Arrows per path when several paths share one window."""
LOG_SPAN = 100.0
"""Use a log scale (loss) or log-spaced levels (contour) when the values span at least this factor."""


@dataclass(frozen=True)
class Box:
    """The plotted window [xmin, xmax] × [ymin, ymax] (ymin, ymax unused for one variable)."""

    xmin: float
    xmax: float
    ymin: float = 0.0
    ymax: float = 1.0

    @property
    def xlim(self) -> tuple[float, float]:
        return self.xmin, self.xmax

    @property
    def ylim(self) -> tuple[float, float]:
        return self.ymin, self.ymax

    def contains(self, points: np.ndarray) -> np.ndarray:
        """Which rows of (k × 2) ``points`` lie inside the box."""
        return ((points[:, 0] >= self.xmin) & (points[:, 0] <= self.xmax)
                & (points[:, 1] >= self.ymin) & (points[:, 1] <= self.ymax))


# reading options ----------------------------------------------------------------------------------------
def read_limits(text: str | Sequence[float] | None, name: str) -> tuple[float, float] | None:
    """``"a,b"`` (numbers or constants such as -pi) as (a, b) with a < b, both finite; None stays None."""
    if text is None:
        return None
    values = parse_vector(text, name) if isinstance(text, str) else list(text)
    try:
        pair = [float(v) for v in values]
    except (TypeError, ValueError):
        raise OptionError(f"{name} must be two real numbers a,b") from None
    except OverflowError:
        raise OptionError(f"{name} must be two finite numbers within ±1.8e308") from None
    if len(pair) != 2 or not all(math.isfinite(v) for v in pair):
        raise OptionError(f"{name} must be two finite numbers a,b, such as {name} -2,2")
    if not pair[0] < pair[1]:
        raise OptionError(f"{name} must have a < b, not {number(pair[0])},{number(pair[1])}")
    return pair[0], pair[1]


# choosing the view ----------------------------------------------------------------------------------------
def span(low: float, high: float) -> tuple[float, float]:
    """[low, high] widened by MARGIN on each side; a single point gets a unit-wide window."""
    width = high - low
    if width <= 1e-12 * max(1.0, abs(low), abs(high)):
        width = max(1.0, abs(low) * 0.5)
        return low - width / 2, high + width / 2
    return low - MARGIN * width, high + MARGIN * width


def visible_path(run: RunResult) -> np.ndarray:
    """The iterates the view is fitted to: all of them, or for a diverged run those still near the start."""
    x = run.x
    if run.status != "diverged" or len(x) < 2:
        return x
    features = [run.start] + [np.asarray(m, float) for m in known_minima(run.objective)]
    centre = np.mean(features, axis=0)
    scale = max(1.0, float(np.max(np.abs(np.asarray(features) - centre))) * 2)
    distance = np.max(np.abs(x - centre), axis=1)
    near = distance <= 4 * scale
    # the prefix of iterates that stayed near: once a run has escaped, later rows are off the chart; the first
    # step is kept unless it is already far out, since its overshoot is what the picture is about
    stop = int(np.argmin(near)) if not near.all() else len(x)
    first_step = 2 if distance[1] <= 100 * scale else 1
    return x[: max(stop, first_step)]


def known_minima(objective: Objective) -> list[tuple[float, ...]]:
    function = objective.function
    if function is None or len(function.start) != objective.dimension:
        return []
    return [tuple(m) for m in function.minima]


def view_box(runs: Sequence[RunResult], xlim=None, ylim=None) -> Box:
    """The window that holds every (visible) path and the known minima, with a margin; xlim/ylim override."""
    objective = runs[0].objective
    points = [visible_path(r) for r in runs]
    minima = known_minima(objective)
    if minima:
        points.append(np.asarray(minima, dtype=float))
    cloud = np.vstack(points)
    xs = span(float(cloud[:, 0].min()), float(cloud[:, 0].max()))
    if objective.dimension == 1:
        return Box(*(xlim or xs))
    ys = span(float(cloud[:, 1].min()), float(cloud[:, 1].max()))
    return Box(*(xlim or xs), *(ylim or ys))


# the landscape -----------------------------------------------------------------------------------------
def grid_values(objective: Objective, box: Box, size: int = GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, Y, F) on a size × size grid over the box; F is nan where f is undefined or not finite."""
    X, Y = np.meshgrid(np.linspace(box.xmin, box.xmax, size), np.linspace(box.ymin, box.ymax, size))
    F, _ = ArrayObjective(objective)([X, Y])
    F = np.array(F, dtype=float)
    F[~np.isfinite(F)] = np.nan
    return X, Y, F


def contour_levels(values: np.ndarray, count: int = LEVELS) -> np.ndarray:
    """Increasing contour levels for the finite ``values``.

    When f − min f spans at least LOG_SPAN (a narrow valley with steep walls, f = 100(y − x²)² + …), the
    levels are min f + d with d geometrically spaced from the 1st percentile of f − min f up to its maximum,
    so both the valley floor and the walls get bands; otherwise they are evenly spaced.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        raise GdError("f is not defined anywhere in the plotted window: choose another one with --xlim/--ylim")
    low, high = float(finite.min()), float(finite.max())
    if high - low <= 1e-12 * max(1.0, abs(low)):
        return np.array([low - 0.5, low + 0.5]) if high == low else np.linspace(low, high, 3)
    excess = finite - low
    floor = float(np.percentile(excess, 1))
    floor = max(floor, (high - low) * 1e-9)
    if (high - low) / floor >= LOG_SPAN:
        return low + np.concatenate([[0.0], np.geomspace(floor, high - low, count - 1)])
    return np.linspace(low, high, count)
