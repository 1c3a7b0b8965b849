"""The picture of a run's web page (gdcli.render.page): the figure of `--plot` as SVG, drawn once, and where
the page's moving marks go in it at every frame.

matplotlib draws the figure once (the filled contours rasterised inside the SVG at RASTER_DPI, so the file
stays small while lines, text and axes stay vector). The page's player then moves only a few marks over it:
the current point in both panels, the direction −∇f there (drawn at a fixed length: it shows the direction,
not the size) and the step actually taken, xₜ → xₜ₊₁. Their positions are computed here, in the SVG's own
coordinates (points, y downward), so the page's script only copies numbers into attributes.

The panels follow gdcli.plots.trajectory: n = 2, the contour map (x, y) and the loss curve (t, f);
n = 1, the curve (x, f) and the loss curve; n ≥ 3, the loss curve (t, f) and the gradient norm (t, ‖∇f‖).
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
"""Most frames of a page; longer runs are sampled evenly, as animations are (each frame of each run costs
about 1.2 kB of text)."""
FRAME_BUDGET = 600
"""Most frames × runs of a page, so that a comparison of six optimizers stays under a megabyte."""

Point = list[float] | None
Segment = list[float] | None


@dataclass(frozen=True)
class Track:
    """Where one run's marks go at every frame: ``points[p][j]`` is the current point in panel p at frame j,
    ``descent[j]`` the −∇f arrow and ``step[j]`` the step to the next iterate in the first panel, each as SVG
    coordinates (None where a mark falls outside its panel or is not known)."""

    colour: str
    points: list[list[Point]]
    descent: list[Segment]
    step: list[Segment]


@dataclass(frozen=True)
class Scene:
    """The still figure as SVG text, its size in points, each panel's box (x, y, width, height) and a track
    per run."""

    svg: str
    width: float
    height: float
    panels: list[list[float]]
    tracks: list[Track]


def scene(figure: Figure, runs: Sequence[RunResult], rows: np.ndarray) -> Scene:
    """Draw ``figure`` (gdcli.plots.trajectory.run_figure or compare_figure of ``runs``) as SVG and place the
    marks of run i at its recorded rows ``rows[i]`` (one per frame)."""
    for axes in figure.axes:
        for artist in axes.collections:
            if isinstance(artist, ContourSet):
                artist.set_rasterized(True)
    figure.set_dpi(SVG_DPI)
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "gd", "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", dpi=RASTER_DPI, metadata={"Date": None})
    width, height = figure.bbox.width, figure.bbox.height
    panels = figure.axes[:2]

    def place(axes: Axes, point) -> Point:
        if not np.all(np.isfinite(point)):
            return None
        with np.errstate(all="ignore"):
            px, py = axes.transData.transform(point)
        if not (np.isfinite(px) and np.isfinite(py) and axes.bbox.contains(px, py)):
            return None
        return [round(float(px), DECIMALS), round(float(height - py), DECIMALS)]

    tracks = []
    for index, (run, chosen) in enumerate(zip(runs, rows)):
        n = run.objective.dimension
        points = [[place(axes, _panel_point(run, p, n, r)) for r in chosen] for p, axes in enumerate(panels)]
        descent, step = [], []
        for r, here in zip(chosen, points[0]):
            if n >= 3 or here is None:
                descent.append(None)
                step.append(None)
                continue
            descent.append(_arrow(panels[0], run, r, here))
            nxt = r + 1
            following = place(panels[0], _panel_point(run, 0, n, nxt)) if (
                nxt < len(run.t) and run.t[nxt] == run.t[r] + 1) else None
            step.append(here + following if following is not None else None)
        tracks.append(Track(PATH_COLOURS[index % len(PATH_COLOURS)], points, descent, step))
    svg = buffer.getvalue().decode("utf-8")
    boxes = [[round(float(a.bbox.x0), DECIMALS), round(float(height - a.bbox.y1), DECIMALS),
              round(float(a.bbox.width), DECIMALS), round(float(a.bbox.height), DECIMALS)] for a in panels]
    return Scene(svg, round(float(width), DECIMALS), round(float(height), DECIMALS), boxes, tracks)


def _panel_point(run: RunResult, panel: int, n: int, row: int) -> np.ndarray:
    """Row ``row`` of the run in the data coordinates of panel 0 or 1 (see the module docstring)."""
    if panel == 1:
        return np.array([run.t[row], run.grad_norm[row] if n >= 3 else run.f[row]], dtype=float)
    if n == 2:
        return run.x[row].astype(float)
    if n == 1:
        return np.array([run.x[row, 0], run.f[row]], dtype=float)
    return np.array([run.t[row], run.f[row]], dtype=float)


def _arrow(axes: Axes, run: RunResult, row: int, here: list[float]) -> Segment:
    """The −∇f arrow from ``here``, ARROW of the panel's width long, in the direction −∇f takes on screen
    (for one variable, along the x axis: the direction −f′ moves x)."""
    n = run.objective.dimension
    gradient = run.grad[row].astype(float)
    direction = -gradient if n == 2 else np.array([-gradient[0], 0.0])
    size = float(np.linalg.norm(direction))
    if not (np.isfinite(size) and size > 0):
        return None
    origin = _panel_point(run, 0, n, row)
    span = np.abs(np.diff(axes.get_xlim())[0]), np.abs(np.diff(axes.get_ylim())[0])
    h = 1e-6 * min(span) / size
    with np.errstate(all="ignore"):
        a = axes.transData.transform(origin)
        b = axes.transData.transform(origin + h * direction)
    screen = np.array([b[0] - a[0], a[1] - b[1]])  # y downward in the SVG
    length = float(np.linalg.norm(screen))
    if not (np.isfinite(length) and length > 0):
        return None
    tip = np.array(here) + screen / length * ARROW * axes.bbox.width
    return here + [round(float(tip[0]), DECIMALS), round(float(tip[1]), DECIMALS)]


def frames(runs: Sequence[RunResult]) -> tuple[np.ndarray, np.ndarray]:
    """The page's frames: times t sampled from the longest run as animations sample (at most MOST_FRAMES, and
    at most FRAME_BUDGET frames of all runs together; evenly spaced, first and last included), and for each
    run the recorded row shown at each time (its last row at or before t, so a run that stopped early stays
    at its end)."""
    longest = max(runs, key=lambda run: int(run.t[-1]))
    most = max(2, min(MOST_FRAMES, FRAME_BUDGET // len(runs)))
    times = longest.t[frame_rows(len(longest.t), most)]
    rows = np.array([np.searchsorted(run.t, times, side="right") - 1 for run in runs])
    return times, rows
