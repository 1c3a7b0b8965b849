"""The picture options of a command (--plot, --surface, --animate, --xlim, --ylim, --dpi), read and checked before
the run, and the files written after it.

Checking first means a misspelt extension or a bad --xlim is reported before any work is done; the files are
written after the run's table is printed, each atomically, so a failure leaves the table on screen and no
partial file behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from gdcli.engine.run import RunResult
from gdcli.errors import OptionError

Progress = Callable[[int, int], None]
"""Called with (frames done, frames in all) while an animation renders."""


@dataclass(frozen=True)
class Pictures:
    """What to draw for a run: a figure (with a 3-D panel when ``surface``), an animation, or both."""

    plot: str | None = None
    surface: bool = False
    animate: str | None = None
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    dpi: int | None = None

    @classmethod
    def read(cls, plot: str | None = None, surface: bool = False, animate: str | None = None,
             xlim: str | None = None, ylim: str | None = None, dpi: int | None = None) -> "Pictures":
        """Check the options as given on the command line; nothing is drawn yet."""
        from gdcli.plots.animation import animation_format, check_dpi
        from gdcli.plots.figure import image_format
        from gdcli.plots.view import read_limits

        if surface and plot is None:
            raise OptionError("--surface adds a 3-D panel to the --plot figure: give --plot PATH too")
        if plot is None and animate is None:
            given = [name for name, value in (("--xlim", xlim), ("--ylim", ylim), ("--dpi", dpi)) if value is not None]
            raise OptionError(f"{', '.join(given)} shape{'s' if len(given) == 1 else ''} a picture: "
                              "give --plot PATH or --animate PATH too")
        if plot is not None:
            image_format(plot)
        if animate is not None:
            animation_format(animate)
            if dpi is not None:
                check_dpi(dpi)
        if dpi is not None and not 10 <= dpi <= 1200:
            raise OptionError(f"--dpi must be between 10 and 1200, not {dpi}")
        return cls(plot, surface, animate, read_limits(xlim, "--xlim"), read_limits(ylim, "--ylim"), dpi)

    def check(self, run: RunResult) -> None:
        """The checks that need the run (--surface and --ylim need two variables), before anything is shown."""
        from gdcli.plots.trajectory import check_view

        check_view(run, self.xlim, self.ylim, self.surface)

    def write(self, run: RunResult, progress: Progress | None = None, curvature=None) -> list[Path]:
        """Draw and write every file asked for; returns their paths in the order written. ``curvature`` (the
        run's gdcli.engine.stability.PathCurvature) adds its panel to the --plot figure."""
        from gdcli.plots.animation import ANIMATION_DPI, animate
        from gdcli.plots.figure import DEFAULT_DPI
        from gdcli.plots.trajectory import plot_run

        self.check(run)  # before any file is written
        written = []
        if self.plot is not None:
            written.append(plot_run(run, self.plot, self.xlim, self.ylim, self.surface, self.dpi or DEFAULT_DPI,
                                    curvature))
        if self.animate is not None:
            written.append(animate(run, self.animate, self.xlim, self.ylim, self.dpi or ANIMATION_DPI,
                                   progress=progress))
        return written
