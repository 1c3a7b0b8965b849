"""A schedule's α_t against t, for `gd schedule --plot`."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from gdcli.plots.figure import DEFAULT_DPI, new_figure, save


def draw_schedule(values: Sequence[float], title: str, path: str | Path, dpi: int | None = None) -> Path:
    """α_t for t = 0 … len(values) − 1 as a step plot (α_t holds over step t), written to ``path``."""
    figure = new_figure(8.0, 4.0)
    axes = figure.add_subplot()
    axes.step(range(len(values)), values, where="post", color="tab:blue")
    axes.set_xlabel("step t")
    axes.set_ylabel("α_t")
    axes.set_title(title, fontsize=10)
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    return save(figure, path, dpi or DEFAULT_DPI)
