"""The picture of a run's web page (gdcli.render.page): the figure of `--plot` as SVG, drawn once, and where
the page's moving marks go in it at every frame.

matplotlib draws the figure once (the filled contours rasterised inside the SVG at RASTER_DPI, so the file
stays small while lines, text and axes stay vector). The page's player then moves only a few marks over it:
the current point in both panels, the direction −∇f there (drawn at a fixed length: it shows the direction,
not the size) and the step actually taken, xₜ → xₜ₊₁. Their positions are computed here, in the SVG's own
coordinates (points, y downward), so the page's script only copies numbers into attributes.

The panels of a run follow gdcli.plots.trajectory: n = 2, the contour map (x, y) and the loss curve (t, f);
n = 1, the curve (x, f) and the loss curve; n ≥ 3, the loss curve (t, f) and the gradient norm (t, ‖∇f‖).
Those of a fit follow gdcli.plots.fit (fit_marks).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Sequence

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from gdcli.engine.run import RunResult
from gdcli.fit.train import FitResult
from gdcli.plots.animation import frame_rows
from gdcli.plots.view import PATH_COLOURS

SVG_DPI = 72
"""matplotlib writes SVG in points: 72 user units per inch."""
RASTER_DPI = 144
"""Resolution of the rasterised contour fill: two pixels per point, sharp on high-density screens."""
ARROW = 0.09
"""Length of the −∇f arrow, as a fraction of the panel's width."""
DECIMALS = 1
"""Positions are rounded to a tenth of a point."""
MOST_FRAMES = 300
"""Most frames of a page; longer runs are sampled evenly in t, so that runs compared on one page share their frames (each frame of each run costs
about 1.2 kB of text)."""
FRAME_BUDGET = 600
"""Most frames × runs of a page, so that a comparison of six optimizers stays under a megabyte."""

Point = list[float] | None
Segment = list[float] | None


@dataclass(frozen=True)
class Marks:
    """What one run shows at each frame, in data coordinates (frames × 2 arrays, nan where nothing shows):
    ``points[p]`` its current point in panel p (None: no mark in that panel), ``descent`` the direction of
    −∇f and ``step`` the next iterate, both in panel 0 (None: not drawn)."""

    points: list[np.ndarray | None]
    descent: np.ndarray | None = None
    step: np.ndarray | None = None


@dataclass(frozen=True)
class Track:
    """Marks placed in the SVG: ``points[p][j]`` is the current point in panel p at frame j, ``descent[j]`` the
    −∇f arrow and ``step[j]`` the step to the next iterate, each as SVG coordinates (None where a mark falls
    outside its panel or is not known)."""

    colour: str
    points: list[list[Point]]
    descent: list[Segment]
    step: list[Segment]


@dataclass(frozen=True)
class Scene:
    """The still figure as SVG text, its size in points, each marked panel's box (x, y, width, height) and a
    track per run."""

    svg: str
    width: float
    height: float
    panels: list[list[float]]
    tracks: list[Track]


def scene(figure: Figure, marks: Sequence[Marks]) -> Scene:
    """Draw ``figure`` as SVG (contour fills rasterised) and place each run's ``marks`` in it; panel p is
    ``figure.axes[p]``."""
    for axes in figure.axes:
        for artist in axes.collections:
            if isinstance(artist, ContourSet):
                artist.set_rasterized(True)
    figure.set_dpi(SVG_DPI)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "gd", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", dpi=RASTER_DPI, metadata={"Date": None})
    height = figure.bbox.height
    panels = figure.axes[:len(marks[0].points)]

    def place(axes: Axes, point) -> Point:
        if not np.all(np.isfinite(point)):
            return None
        with np.errstate(all="ignore"):
            px, py = axes.transData.transform(point)
        if not (np.isfinite(px) and np.isfinite(py) and axes.bbox.contains(px, py)):
            return None
        return [round(float(px), DECIMALS), round(float(height - py), DECIMALS)]

    tracks = []
    for index, mark in enumerate(marks):
        count = len(next(p for p in mark.points if p is not None))
        points = [[place(axes, q) for q in p] if p is not None else [None] * count
                  for axes, p in zip(panels, mark.points)]
        descent = [_arrow(panels[0], mark.points[0][j], mark.descent[j], here)
                   if mark.descent is not None and here is not None else None for j, here in enumerate(points[0])]
        step = []
        for j, here in enumerate(points[0]):
            following = place(panels[0], mark.step[j]) if mark.step is not None and here is not None else None
            step.append(here + following if following is not None else None)
        tracks.append(Track(PATH_COLOURS[index % len(PATH_COLOURS)], points, descent, step))
    boxes = [[round(float(a.bbox.x0), DECIMALS), round(float(height - a.bbox.y1), DECIMALS),
              round(float(a.bbox.width), DECIMALS), round(float(a.bbox.height), DECIMALS)] for a in panels]
    return Scene(buffer.getvalue().decode("utf-8"), round(float(figure.bbox.width), DECIMALS),
                 round(float(height), DECIMALS), boxes, tracks)


def run_marks(run: RunResult, rows: np.ndarray) -> Marks:
    """A run's marks at its recorded rows ``rows`` in the panels of gdcli.plots.trajectory (see the module
    docstring); the next iterate is known where the row after is the next step."""
    n = run.objective.dimension
    t, f = run.t[rows].astype(float), run.f[rows]
    loss = np.column_stack([t, run.grad_norm[rows] if n >= 3 else f])
    if n >= 3:
        return Marks([np.column_stack([t, f]), loss])
    first = run.x[rows].astype(float) if n == 2 else np.column_stack([run.x[rows, 0], f])
    gradient = run.grad[rows].astype(float)
    descent = -gradient if n == 2 else np.column_stack([-gradient[:, 0], np.zeros(len(rows))])
    following = np.minimum(rows + 1, len(run.t) - 1)
    known = (rows + 1 < len(run.t)) & (run.t[following] == run.t[rows] + 1)
    step = run.x[following].astype(float) if n == 2 else np.column_stack([run.x[following, 0], run.f[following]])
    step[~known] = np.nan
    return Marks([first, loss], descent, step)


def _arrow(axes: Axes, origin: np.ndarray, direction: np.ndarray, here: list[float]) -> Segment:
    """An arrow from ``here`` (``origin`` in data coordinates), ARROW of the panel's width long, in the
    direction ``direction`` takes on screen."""
    size = float(np.linalg.norm(direction))
    if not (np.isfinite(size) and size > 0):
        return None
    span = min(abs(np.diff(axes.get_xlim())[0]), abs(np.diff(axes.get_ylim())[0]))
    h = 1e-6 * span / size
    with np.errstate(all="ignore"):
        a = axes.transData.transform(origin)
        b = axes.transData.transform(origin + h * direction)
    screen = np.array([b[0] - a[0], a[1] - b[1]])  # y downward in the SVG
    length = float(np.linalg.norm(screen))
    if not (np.isfinite(length) and length > 0):
        return None
    tip = np.array(here) + screen / length * ARROW * axes.bbox.width
    return here + [round(float(tip[0]), DECIMALS), round(float(tip[1]), DECIMALS)]


def fit_marks(result: FitResult, rows: np.ndarray, compared: bool = False) -> Marks:
    """A fit's marks at its epochs ``rows`` in the panels of gdcli.plots.fit: the loss per epoch, and (w, b)
    on the loss contours for one feature (fit_figure); or the loss against epochs and against gradient
    evaluations (comparison_figure, ``compared``)."""
    trace = result.trace
    epoch, loss = trace.epoch[rows].astype(float), trace.loss[rows]
    if compared:
        return Marks([np.column_stack([epoch, loss]), np.column_stack([epoch * result.steps_per_epoch, loss])])
    if len(result.problem.data.features) != 1:
        return Marks([np.column_stack([epoch, loss])])
    return Marks([np.column_stack([epoch, loss]), None, trace.theta[rows].astype(float)])


def frames(times: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The page's frames from each run's recorded times (t, or epochs): times sampled evenly from the longest run
    (at most MOST_FRAMES, and at most FRAME_BUDGET frames of all runs together; first and last included), and for each run the recorded row shown at each time (its last row at
    or before it, so a run that stopped early stays at its end)."""
    longest = max(times, key=lambda t: int(t[-1]))
    most = max(2, min(MOST_FRAMES, FRAME_BUDGET // len(times)))
    chosen = longest[frame_rows(len(longest), most)]
    rows = np.array([np.searchsorted(t, chosen, side="right") - 1 for t in times])
    return chosen, rows
