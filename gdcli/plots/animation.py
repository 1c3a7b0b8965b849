"""Animations of a run: the path drawn step by step over the landscape, with t, f(x_t) and ‖∇f(x_t)‖ in the frame.

Long runs are sampled: at most ``most`` frames (MAX_FRAMES by default), one per sampled recorded row, evenly
spaced in the distance travelled along the path (travel_rows), the first and the last row always included.

Frames are drawn by blitting on the Agg canvas: the still parts (contours, labels, the faint full curves) are
rendered once, and each frame restores that background and draws only the moving artists (the path so far,
the current point, the growing loss curve, the caption). matplotlib.animation's writers redraw the whole figure
for every frame, constrained layout and contours included: scripts/bench_plotting.py measures 20 blitted frames,
setup included, at about 0.13 of the time of 20 full redraws. The frames are then encoded by Pillow (.gif) or piped to ffmpeg (.mp4, when installed),
and the file appears atomically (gdcli.files.formats.write_atomic).
"""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import matplotlib
import numpy as np
from PIL import Image

from gdcli.engine.kernels import ArrayObjective
from gdcli.engine.notation import number
from gdcli.engine.run import RunResult
from gdcli.errors import GdError
from gdcli.files.formats import removed_on_signal, write_atomic
from gdcli.plots.draw import draw_landscape, draw_series, mark_ends, mark_minima, math_names, title_of
from gdcli.plots.figure import new_figure
from gdcli.plots.trajectory import check_view
from gdcli.plots.view import HALO, MAX_MARKERS, PATH_COLOURS, span, view_box

MAX_FRAMES = 120
"""Most frames in one animation; longer runs are sampled by distance travelled (travel_rows)."""
FPS = 8
"""Frames per second: a 120-frame animation lasts 15 s."""
ANIMATION_DPI = 100
"""Default resolution of animations: 1000×500 pixels (a still figure defaults to 150 dpi)."""
MAX_ANIMATION_DPI = 200
"""Highest resolution of animations: 120 frames of 2000×1000 pixels are 240 million pixels, which a GIF holds in
memory while it is encoded (at 1200 dpi they would be 8.6 billion)."""
SIZE = (10.0, 5.0)
FORMATS = (".gif", ".mp4")


def check_dpi(dpi: int) -> None:
    """A GdError unless 10 ≤ dpi ≤ MAX_ANIMATION_DPI."""
    if not 10 <= dpi <= MAX_ANIMATION_DPI:
        raise GdError(f"--dpi of an animation must be between 10 and {MAX_ANIMATION_DPI} "
                      f"(120 frames of {int(SIZE[0] * MAX_ANIMATION_DPI)}×{int(SIZE[1] * MAX_ANIMATION_DPI)} "
                      f"pixels at most), not {dpi}")


def frame_rows(count: int, most: int = MAX_FRAMES) -> np.ndarray:
    """Indices of the recorded rows shown, one frame each: all of them when there are at most ``most``, else
    ``most`` evenly spaced indices from 0 to count − 1 (both ends included, no repeats)."""
    if count <= 0:
        raise GdError("the run has no iterates to animate")
    if most < 2:
        raise GdError(f"an animation needs at least 2 frames, not {most}")
    if count <= most:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, most).round().astype(int))


def ffmpeg() -> str | None:
    """The ffmpeg program matplotlib is configured to use, if it is installed."""
    return shutil.which(matplotlib.rcParams["animation.ffmpeg_path"])


def animation_format(path: str | Path) -> str:
    """'.gif' or '.mp4' from the path; a GdError for other extensions, or for .mp4 when ffmpeg is missing."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise GdError(f"cannot tell the animation format of {path}: use .gif (or .mp4 where ffmpeg is installed)")
    if suffix == ".mp4" and ffmpeg() is None:
        raise GdError(f"writing {path} needs ffmpeg, which is not installed here: use a .gif path instead")
    return suffix


def travel_rows(x: np.ndarray, most: int = MAX_FRAMES) -> np.ndarray:
    """Indices of the recorded rows an animation shows: all of them when there are at most ``most``, else rows
    evenly spaced in the distance travelled along the path Σ‖x_{t+1} − x_t‖ (both ends included), so a run that
    crawls for most of its steps is not shown as a dot that does not move. Where one long step takes several
    of those places, the frames left over go to the other rows, evenly by index; by index alone (frame_rows)
    when the path does not move."""
    rows = frame_rows(len(x), most)
    if len(rows) == len(x):
        return rows
    steps = np.linalg.norm(np.diff(np.nan_to_num(np.asarray(x, dtype=float)), axis=0), axis=1)
    travelled = np.concatenate([[0.0], np.cumsum(np.where(np.isfinite(steps), steps, 0.0))])
    if not travelled[-1] > 0:
        return rows
    chosen = np.searchsorted(travelled, np.linspace(0.0, travelled[-1], most), side="left")
    chosen = np.unique(np.concatenate([[0], np.minimum(chosen, len(x) - 1), [len(x) - 1]]))
    rest = np.setdiff1d(np.arange(len(x)), chosen)  # a long jump takes several targets: fill by index
    fill = rest[np.unique(np.linspace(0, rest.size - 1, most - chosen.size).round().astype(int))]
    return np.union1d(chosen, fill) if chosen.size < most else chosen


def frame_text(run: RunResult, row: int) -> str:
    """The caption of one frame: t, f(x_t) and ‖∇f(x_t)‖ of recorded row ``row``, small values as 1.47·10⁻¹²."""
    return (f"t = {int(run.t[row])}    f = {number(float(run.f[row]), 4)}    "
            f"‖∇f‖ = {number(float(run.grad_norm[row]), 3)}")


def frames(run: RunResult, xlim=None, ylim=None, dpi: int = ANIMATION_DPI,
           most: int = MAX_FRAMES) -> Iterator[tuple[int, np.ndarray]]:
    """(row, RGBA pixels) for each frame: the row of ``travel_rows`` it shows and the image as an array.

    2 variables: the contour with the path so far and the current point; 1 variable: the curve f(x) with the
    iterates so far; 3 or more: ‖∇f‖ so far. The loss panel beside it grows with t; the caption gives t, f
    and ‖∇f‖. The faint full curves fix the axes, so nothing jumps between frames.
    """
    rows = travel_rows(run.x, most)
    figure, moving, update = scene(run, xlim, ylim)
    figure.set_dpi(dpi)
    canvas = figure.canvas
    canvas.draw()  # constrained layout, with the longest caption in place
    figure.set_layout_engine("none")  # freeze it: the frames only change the moving artists
    for artist in moving:
        artist.set_animated(True)
    canvas.draw()
    background = canvas.copy_from_bbox(figure.bbox)
    for row in rows:
        canvas.restore_region(background)
        update(int(row))
        for artist in moving:
            figure.draw_artist(artist)
        yield int(row), np.asarray(canvas.buffer_rgba()).copy()


def scene(run: RunResult, xlim, ylim):
    """The figure with its still parts drawn, the moving artists, and the function that moves them to a row."""
    n = run.objective.dimension
    figure = new_figure(*SIZE)
    left, loss = figure.subplots(1, 2, width_ratios=[1.35, 1])
    if n == 2:
        box = view_box([run], xlim, ylim)
        draw_landscape(left, run.objective, box, figure)
        mark_minima(left, run.objective)
        mark_ends(left, run.start, None)
        xs, ys = run.x[:, 0], run.x[:, 1]
        handles, names = left.get_legend_handles_labels()
        figure.legend(handles, names, loc="outside lower center", ncols=len(names), fontsize=9)
    elif n == 1:
        box = view_box([run], xlim)
        grid = np.linspace(box.xmin, box.xmax, 600)
        values = ArrayObjective(run.objective)([grid])[0]
        left.plot(grid, values, color="#3b3b3b", linewidth=2.0)
        inside = (run.x[:, 0] >= box.xmin) & (run.x[:, 0] <= box.xmax)
        shown = np.concatenate([values, run.f[inside]])
        shown = shown[np.isfinite(shown)]
        left.set_xlim(*box.xlim)
        left.set_ylim(*span(float(shown.min()), float(shown.max())))
        left.set_xlabel(math_names(run.objective)[0])
        left.set_ylabel(f"$f({run.objective.latex['names'][0]})$")
        left.grid(True, alpha=0.3)
        xs, ys = run.x[:, 0], run.f
    else:
        draw_series(left, [run], "grad_norm", r"$\|\nabla f(\mathbf{x}_t)\|$", [None])
        left.lines[0].set_alpha(0.25)
        xs, ys = run.t.astype(float), run.grad_norm
    every = max(1, math.ceil(len(xs) / MAX_MARKERS))
    path, = left.plot([], [], color=PATH_COLOURS[0], linewidth=1.6, marker="o", markersize=4, markeredgecolor="black",
                      markeredgewidth=0.5, markevery=every, path_effects=HALO, zorder=5)
    path.set_gid("path")
    current, = left.plot([], [], linestyle="none", marker="o", markersize=11, markerfacecolor="#ff7f0e",
                         markeredgecolor="black", markeredgewidth=1.5, zorder=7)
    draw_series(loss, [run], "f", r"$f(\mathbf{x}_t)$", [None])
    loss.lines[0].set_alpha(0.25)
    loss.set_title("loss", fontsize=11)
    growing, = loss.plot([], [], color="#1f4e9c", linewidth=2.2, zorder=5)
    longest = max((frame_text(run, r) for r in (0, len(run.t) - 1)), key=len)
    caption = left.set_title(longest, fontsize=11, family="monospace")
    figure.suptitle(title_of(run), fontsize=12)

    def update(row: int) -> None:
        shown = slice(0, row + 1)
        path.set_data(xs[shown], ys[shown])
        current.set_data([xs[row]], [ys[row]])
        growing.set_data(run.t[shown], run.f[shown])
        caption.set_text(frame_text(run, row))

    return figure, (path, current, growing, caption), update


def animate(run: RunResult, path: str | Path, xlim=None, ylim=None, dpi: int = ANIMATION_DPI,
            most: int = MAX_FRAMES, fps: int = FPS, progress: Callable[[int, int], None] | None = None) -> Path:
    """Render ``run`` as an animation (see frames) and write it atomically to ``path`` (.gif, or .mp4 with
    ffmpeg); one frame per row of ``travel_rows``, ``fps`` frames per second. ``progress(done, total)`` is
    called after each frame. A GIF's frames share the first frame's palette, so each frame after it stores only
    the region that changed."""
    suffix = animation_format(path)
    check_dpi(dpi)
    check_view(run, xlim, ylim)
    total = len(travel_rows(run.x, most))

    def counted() -> Iterator[tuple[int, np.ndarray]]:
        for done, frame in enumerate(frames(run, xlim, ylim, dpi, most), start=1):
            yield frame
            if progress is not None:
                progress(done, total)

    if suffix == ".gif":
        images: list[Image.Image] = []
        for _, rgba in counted():
            picture = Image.fromarray(rgba[..., :3])
            images.append(picture.quantize(256, method=Image.Quantize.FASTOCTREE) if not images else
                          picture.quantize(palette=images[0], dither=Image.Dither.NONE))
        buffer = io.BytesIO()
        images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=round(1000 / fps),
                       loop=0)
        return write_atomic(path, buffer.getvalue())
    return write_atomic(path, _encode_mp4(counted(), fps))


def _encode_mp4(images: Iterator[tuple[int, np.ndarray]], fps: int) -> bytes:
    """Pipe RGBA frames to ffmpeg (H.264 where available, even-sized, yuv420p so every player reads it)."""
    _, first = next(images)
    height, width = first.shape[:2]
    with removed_on_signal() as pending, tempfile.TemporaryDirectory(prefix="gd-animation-") as folder:
        pending.append(folder)  # SIGTERM while ffmpeg works leaves no folder behind
        target = Path(folder) / "movie.mp4"
        command = [ffmpeg(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgba",
                   "-s", f"{width}x{height}", "-r", str(fps), "-i", "-",
                   "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", str(target)]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            process.stdin.write(first.tobytes())
            for _, rgba in images:
                process.stdin.write(rgba.tobytes())
            process.stdin.close()
        except BrokenPipeError:
            pass
        error = process.stderr.read().decode(errors="replace").strip()
        if process.wait() != 0:
            raise GdError(f"ffmpeg could not write the video: {error.splitlines()[-1] if error else 'unknown error'}")
        return target.read_bytes()
