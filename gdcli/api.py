"""The library's front door: every name of the public API, gathered from the packages that define it.

``from gdcli import solve`` (and every other name in ``gdcli.__all__``) loads this module lazily, so that
``gd --help`` starts without SymPy or NumPy.

Results made here know how to show themselves: in a notebook a ``Solution``, ``Comparison`` or ``Fit`` displays
the run's web page inline (``_repr_html_``), ``page()`` returns that page as text, ``figure()`` the
matplotlib Figure of ``--plot``. The page is put together here because it needs both a picture
(gdcli.plots) and text (gdcli.render), and only this layer sits above both.

>>> from gdcli import solve
>>> solution = solve("(x - 3)^2", start="0", lr="1/10", steps=4)
>>> solution.run.x[:, 0].round(4).tolist()
[0.0, 0.6, 1.08, 1.464, 1.7712]
>>> solution
Solution('(x - 3)^2', gd, α = 0.1: max_steps after 4 steps, f = 1.50995)
"""

from __future__ import annotations

from dataclasses import fields
from typing import Sequence

from gdcli.engine import solution as engine
from gdcli.engine.expression import parse_expression
from gdcli.engine.functions import CATALOG
from gdcli.engine.notation import number
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import RULES, Optimizer, make_optimizer
from gdcli.engine.run import LineSearch, RunResult, run
from gdcli.engine.schedules import make_schedule
from gdcli.engine.stability import Stability
from gdcli.errors import GdError
from gdcli.fit.train import FitResult
from gdcli.landscape.basins import Basins, basins
from gdcli.landscape.sweep import Sweep, sweep

__all__ = ["Basins", "CATALOG", "Comparison", "Fit", "GdError", "LineSearch", "Objective", "Optimizer", "RULES",
           "RunResult", "Solution", "Stability", "Sweep", "basins", "compare", "fit_csv", "make_optimizer",
           "make_schedule", "parse_expression", "run", "solve", "sweep"]


class Shown:
    """A result that a notebook displays as its page (``page()``, given by each result), inline in an iframe."""

    def _repr_html_(self) -> str:
        from gdcli.render.page import inline

        return inline(self.page())


class Solution(Shown, engine.Solution):
    """One `gd solve` (gdcli.engine.solution.Solution) that also shows itself as a page or a figure."""

    def __repr__(self) -> str:
        r = self.run
        return (f"Solution({self.objective.text!r}, {r.optimizer.name}, α = {number(r.lr0)}: {r.status} after "
                f"{r.steps} steps, f = {number(r.final_f)})")

    def figure(self):
        """The matplotlib Figure of `gd solve --plot`, to draw on or save."""
        from gdcli.plots.trajectory import run_figure

        return run_figure(self.run)

    def page(self) -> str:
        """The run as one self-contained HTML page (`gd solve --html`)."""
        return solution_page(self)


class Comparison(Shown, list):
    """The runs of `gd compare` (a list of Solution) that show themselves as one page with one slider."""

    def __repr__(self) -> str:
        return f"Comparison({', '.join(repr(s) for s in self)})"

    def figure(self):
        """The matplotlib Figure of `gd compare --plot`."""
        from gdcli.plots.trajectory import compare_figure

        return compare_figure([s.run for s in self])

    def page(self) -> str:
        """Every run on one page (`gd compare --html`)."""
        return compare_page(self)


class Fit(Shown, FitResult):
    """One `gd fit` (gdcli.fit.train.FitResult) that also shows itself as a page or a figure."""

    def __repr__(self) -> str:
        return (f"Fit({self.model} on {self.problem.data.path}, {self.optimizer.name}, α = {number(self.lr0)}: "
                f"{self.trace.status} after {int(self.trace.epoch[-1])} epochs, L = {number(self.loss)})")

    def figure(self):
        """The matplotlib Figure of `gd fit --plot`."""
        from gdcli.plots.fit import fit_figure

        return fit_figure(self)

    def page(self) -> str:
        """The fit as one self-contained HTML page (`gd fit --html`)."""
        return fit_page([self])


def solve(objective: str | Objective | None = None, **options) -> Solution:
    """gdcli.engine.solution.solve, returning a Solution that displays itself in a notebook."""
    found = engine.solve(objective, **options)
    return Solution(found.objective, found.run, found.stability)


def compare(objective: str | Objective | None = None, **options) -> Comparison:
    """gdcli.landscape.compare.compare (several optimizers, the same options), as a Comparison."""
    from gdcli.landscape.compare import compare as run_compare

    return Comparison(Solution(s.objective, s.run, s.stability) for s in run_compare(objective, **options))


def fit_csv(data: str, target: str, features: Sequence[str] | None = None, **options) -> Fit:
    """Fit a model to the CSV file ``data`` (gdcli.fit.train.fit: model, optimizer, lr, epochs, batch_size, …),
    as a Fit that displays itself in a notebook."""
    from gdcli.fit.data import read_csv
    from gdcli.fit.train import fit as train

    result = train(read_csv(data, target, features), **options)
    return Fit(**{field.name: getattr(result, field.name) for field in fields(result)})


def solution_page(solution: engine.Solution) -> str:
    """The page of one run: the figure of `--plot` with a player, the state, the update and the stability."""
    from gdcli.plots.trajectory import run_figure

    return _runs_page(f"gd solve · {solution.objective.text}", [solution], run_figure(solution.run))


def compare_page(solutions: Sequence[engine.Solution]) -> str:
    """The page of several runs on one objective: every path on one contour, one slider, a panel each."""
    from gdcli.plots.trajectory import compare_figure

    runs = [s.run for s in solutions]
    return _runs_page(f"gd compare · {solutions[0].objective.text}", solutions, compare_figure(runs))


def fit_page(results: Sequence) -> str:
    """The page of `gd fit` (gdcli.fit.train.FitResult each; several for --compare-batch-sizes)."""
    from gdcli.plots import fit as fit_plots
    from gdcli.plots.scene import fit_marks, frames, scene
    from gdcli.render.page import fit_page as render_page

    compared = len(results) > 1
    figure = fit_plots.comparison_figure(results) if compared else fit_plots.fit_figure(results[0])
    times, rows = frames([r.trace.epoch for r in results])
    marks = [fit_marks(r, chosen, compared) for r, chosen in zip(results, rows)]
    data = results[0].problem.data
    return render_page(f"gd fit · {data.path}: {', '.join(data.features)} → {data.target}", results, times, rows,
                       scene(figure, marks))


def _runs_page(title: str, solutions: Sequence[engine.Solution], figure) -> str:
    from gdcli.plots.scene import frames, run_marks, scene
    from gdcli.render.page import page

    runs = [s.run for s in solutions]
    times, rows = frames([r.t for r in runs])
    return page(title, solutions, times, rows, scene(figure, [run_marks(r, chosen) for r, chosen in zip(runs, rows)]))
