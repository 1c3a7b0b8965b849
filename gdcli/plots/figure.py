"""Figures with matplotlib's object API on the Agg canvas: no pyplot, no global state, no window.

Imported only when a picture is asked for, so runs without --plot never load matplotlib.
"""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gdcli.errors import GdError
from gdcli.files.formats import write_atomic

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
DEFAULT_DPI = 150
SIZE = (10.0, 5.0)
"""Default size in inches: 1500×750 pixels at the default dpi, readable on a slide."""


def new_figure(width: float = SIZE[0], height: float = SIZE[1]) -> Figure:
    """A Figure attached to an Agg canvas, with constrained layout so labels never overlap."""
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def literal(text: str) -> str:
    """Text from data (a CSV column name) shown as it is: each $ escaped, so matplotlib never reads it as math."""
    return str(text).replace("$", r"\$")


def image_format(path: str | Path) -> str:
    """The format named by the path's extension (png, svg, pdf), or a GdError naming the path."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise GdError(f"cannot tell the image format of {path}: use .png, .svg or .pdf")
    return FORMATS[suffix]


def save(figure: Figure, path: str | Path, dpi: int = DEFAULT_DPI) -> Path:
    """Render ``figure`` in memory, then write it atomically; nothing is left behind on failure."""
    fmt = image_format(path)
    if not 10 <= dpi <= 1200:
        raise GdError(f"--dpi must be between 10 and 1200, not {dpi}")
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format=fmt, dpi=dpi)
    except (OverflowError, ValueError, FloatingPointError):  # axes limits or ticks beyond a float's range
        raise GdError(f"cannot draw {path}: the values to draw are too large for a picture's axes "
                      f"(near ±1.8e308); a start nearer the minimum keeps them in range") from None
    return write_atomic(path, buffer.getvalue())
