"""A run as one self-contained web page: the figure with a player, the optimizer's state at every frame, the
update written out with that step's numbers, the iterate table, the stability reading and the formulas.

Everything is inside the one file: the figure is matplotlib's SVG (gdcli.plots.scene: the contour fill a
raster image inside it, the rest vector), the formulas are MathML (SymPy's presentation printer, rendered by
the browser itself), and a small hand-written script (page.js beside this module, with page.css) moves the
marks and fills the inspector from a JSON block computed here. No network, no CDN, nothing to install; the
page reads without colour (marks differ by shape and line style, the current row by ▶) and on a phone.

Why this rendering: an interactive plotting library inlined (plotly's bundle is about 3.5 MB) would make a
page too heavy to e-mail, and drawing the contours in JavaScript would repeat what matplotlib already does
for `--plot`. Drawn once by matplotlib, the picture matches `--plot` exactly; the page's script only copies
numbers computed here into attributes and table cells, so every number shown is gd's own.

The text per frame comes from the renderers of `gd step` (gdcli.render.step), replaying the run through the
optimizer's rule (gdcli.step.stepper.replay); a run recorded with `--every K` has no state between its rows,
and the page says so instead.
"""

from __future__ import annotations

import html
import io
from functools import lru_cache
from importlib.resources import files
from typing import Sequence

import numpy as np
import sympy as sp
from rich.console import Console

from gdcli.engine.notation import number, unicode, vector
from gdcli.engine.optimizers import HYPER_SYMBOLS, reading_order, rule_lines, symbol_text
from gdcli.engine.run import RunResult
from gdcli.files.formats import to_json
from gdcli.fit.train import batch_label
from gdcli.render.fit import header as fit_header
from gdcli.render.solve import stability_panel
from gdcli.render.step import state_rows, values_text, written_update
from gdcli.step.stepper import Replay, replay

TEXT_WIDTH = 80
"""Columns of the stability reading, as the terminal shows it."""
MATH_LIMIT = 400
"""Longest formula typeset (characters of its one-line form); longer ones are shown as text."""
CONTROLS = (("first", "first step", "M3 3h2v14H3zM17 3v14L6 10z"), ("previous", "previous step", "M15 3v14L4 10z"),
            ("play", "play", "M5 3v14l12-7z"), ("next", "next step", "M5 3v14l11-7z"),
            ("last", "last step", "M15 3h2v14h-2zM3 3v14l11-7z"))
"""The player's buttons: their role, accessible name and icon (an SVG path on a 20×20 grid, so no font is
needed; play becomes two bars while playing, and its pressed state is announced)."""
SPEEDS = (1, 2, 5, 10, 20, 50)
"""Frames per second offered while playing."""
DEFAULT_SPEED = 5
ITERATE_HEADINGS = ("t", "xₜ", "f(xₜ)", "‖∇f‖", "αₜ")
FIT_HEADINGS = ("epoch", "θ (as the optimizer sees it)", "L", "‖∇L‖", "α")


def asset(name: str) -> str:
    """page.js or page.css, package data beside this module."""
    return files("gdcli.render").joinpath(name).read_text(encoding="utf-8")


def page(title: str, solutions: Sequence, times: np.ndarray, rows: np.ndarray, scene) -> str:
    """The page of one or more runs on one objective (``solutions``: gdcli.engine.solution.Solution each).

    ``times`` are the frames' t and ``rows[i]`` run i's recorded row at each frame (gdcli.plots.scene.frames);
    ``scene`` is the drawn figure with the marks' positions (gdcli.plots.scene.Scene).
    """
    runs = [s.run for s in solutions]
    n = runs[0].objective.dimension
    where = {1: "the curve of f with the iterates", 2: "the contours of f with the path"}.get(n, "f(xₜ) against t")
    legend = ["● (a filled circle with a black centre): the current iterate in each panel"]
    if n <= 2:
        legend += ["→ black arrow with a head: the direction of −∇f there (its length is fixed, not ‖∇f‖)",
                   "┅ dashed line: the step actually taken, from xₜ to xₜ₊₁"]
    return _document(
        title, _formulas(runs[0].objective, runs), scene, [r.optimizer.name for r in runs], times,
        [_run_data(s, chosen) for s, chosen in zip(solutions, rows)],
        [_panel(i, r.optimizer.name, ITERATE_HEADINGS, "stability", _text(stability_panel(s.stability, r.lr0)))
         for i, (s, r) in enumerate(zip(solutions, runs))],
        max(len(r.t) for r in runs), "t", f"{where}, and beside it the loss curve", legend)


def fit_page(title: str, results: Sequence, times: np.ndarray, rows: np.ndarray, scene) -> str:
    """The page of `gd fit` (``results``: gdcli.fit.train.FitResult each, one per batch size): the figure of
    `--plot` with the current epoch marked, and per epoch the loss, ‖∇L‖, α, the coefficients in the data's
    units and their distance from the exact answer. ``times`` are epochs; see ``page`` for the rest."""
    names = [f"batch {batch_label(r.batch_size)}" for r in results]
    return _document(
        title, _rules([r.optimizer for r in results]), scene, names, times,
        [_fit_data(r, chosen) for r, chosen in zip(results, rows)],
        [_panel(i, name, FIT_HEADINGS, "set-up", _text(fit_header(r)), update=False)
         for i, (name, r) in enumerate(zip(names, results))],
        max(len(r.trace.epoch) for r in results), "epoch", "the loss per epoch and the fit",
        ["● (a filled circle with a black centre): the current epoch in each panel"])


def _document(title: str, formulas: str, scene, names: list[str], times: np.ndarray, runs: list[dict],
              panels: list[str], recorded: int, unit: str, picture: str, legend: list[str]) -> str:
    """The page around its parts; ``unit`` names what the frames count (t or epoch)."""
    for run, track in zip(runs, scene.tracks):
        run.update(colour=track.colour, points=track.points, descent=track.descent, step=track.step)
    data = {"times": [int(t) for t in times], "unit": unit, "runs": runs}
    sampled = (f"The player shows {len(times)} of the {recorded} recorded rows, evenly spaced in "
               f"{unit}; the figure has them all." if len(times) < recorded else
               "The player shows every recorded row.")
    body = [
        "<header>", f"<h1>{html.escape(title)}</h1>", formulas, "</header>",
        "<main>",
        '<section class="stage" aria-label="picture and controls">',
        f'<figure id="gd-figure">{_picture(scene, names, picture)}'
        f"<figcaption>{html.escape('; '.join(legend))}.</figcaption></figure>",
        _controls(len(times), unit),
        f'<p class="note">{html.escape(sampled)} Keys: ← and → step, space plays or pauses; '
        f'<a id="gd-link" href="#t=0">link to this {"step" if unit == "t" else "epoch"}</a> (#t=K opens at '
        f"{unit} K).</p>",
        "</section>",
        '<section class="inspector" aria-label="state">', *panels, "</section>",
        "</main>",
        f'<script type="application/json" id="gd-data">{_script_json(data)}</script>',
        f"<script>{asset('page.js')}</script>",
    ]
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>", f"<style>{asset('page.css')}</style>", "</head>", "<body>",
        *body, "</body>", "</html>", "",
    ])


def inline(document: str, height: int = 900) -> str:
    """The page for a notebook cell: an iframe holding it (its own ids, styles and script, nothing shared)."""
    return (f'<iframe srcdoc="{html.escape(document, quote=True)}" title="gd run" '
            f'style="width: 100%; height: {height}px; border: 1px solid #ccc"></iframe>')


# the data the script shows -------------------------------------------------------------------------------
def _run_data(solution, chosen: np.ndarray) -> dict:
    """Per frame: the inspector's rows (label, value), the update written out and the iterate-table row."""
    run = solution.run
    steps = _replayed(run)
    frames = []
    for r in map(int, chosen):
        row = [str(int(run.t[r])), vector(run.x[r]), number(float(run.f[r])), number(float(run.grad_norm[r]), 4),
               number(float(run.lr[r]), 4)]
        if steps is not None:
            inspector = state_rows(run, steps.steps[r])
            update = written_update(run, steps.steps, r)
        else:
            inspector = [(f"x at t = {int(run.t[r])}", values_text(run.x[r])), ("f(x)", number(float(run.f[r]))),
                         ("∇f(x)", values_text(run.grad[r])), ("‖∇f‖", number(float(run.grad_norm[r]), 4)),
                         ("α", number(float(run.lr[r]), 5)),
                         ("state", "not recorded: the run keeps only some iterates (--every)")]
            update = ["The update is written out only for runs that keep every iterate (without --every)."]
        frames.append({"state": inspector, "update": update, "row": row})
    return {"name": run.optimizer.name, "frames": frames}


def _fit_data(result, chosen: np.ndarray) -> dict:
    """Per frame (epoch): loss, ‖∇L‖, α, the coefficients in the data's units and the distance to the exact
    answer ‖(w, b) − (w*, b*)‖."""
    p, trace = result.problem, result.trace
    exact = result.reference
    frames = []
    for e in map(int, chosen):
        coef, intercept = p.original(trace.theta[e])
        rows = [("epoch", str(int(trace.epoch[e]))), ("loss L on all rows", number(float(trace.loss[e]))),
                ("‖∇L‖", number(float(trace.grad_norm[e]), 4)), ("α", number(float(trace.lr[e]), 5))]
        rows += [(f"w ({name})", number(float(w))) for name, w in zip(p.data.features, coef)]
        rows.append(("b (intercept)", number(float(intercept))))
        if exact is not None:
            gap = float(np.linalg.norm(np.append(coef - exact[0], intercept - exact[1])))
            rows.append(("‖(w, b) − (w*, b*)‖", number(gap, 4)))
        frames.append({"state": rows, "row": [str(int(trace.epoch[e])), vector(trace.theta[e]),
                                              number(float(trace.loss[e])), number(float(trace.grad_norm[e]), 4),
                                              number(float(trace.lr[e]), 4)]})
    return {"name": f"batch {batch_label(result.batch_size)}", "frames": frames}


def _replayed(run: RunResult) -> Replay | None:
    """The run replayed with its state, when it kept every iterate (t = 0, 1, 2, …)."""
    if not np.array_equal(run.t, np.arange(len(run.t))):
        return None
    return replay(run)


def _script_json(data: dict) -> str:
    """Strict JSON that cannot end the script element early."""
    return to_json(data).replace("</", "<\\/")


# the parts of the page -------------------------------------------------------------------------------------
def _math(expr) -> str:
    """A formula as MathML; text when it is too long to typeset."""
    body = _math_body(expr)
    return f'<math display="inline">{body}</math>' if body is not None else f"<code>{html.escape(_flat(expr))}</code>"


def _math_body(expr, rule: bool = False) -> str | None:
    """The presentation MathML of ``expr`` (without the math element), or None when it is too long; a rule's
    expression in its reading order (β·b + g)."""
    if len(_flat(expr)) > MATH_LIMIT:
        return None
    if rule:
        return _printer()({"order": "none"}).doprint(reading_order(expr))
    return _printer()().doprint(expr)


@lru_cache(maxsize=1)
def _printer() -> type:
    """SymPy's presentation MathML printer, with m_hat and v_hat written m̂ and v̂ (imported only for a page)."""
    from sympy.printing.mathml import MathMLPresentationPrinter

    class RulePrinter(MathMLPresentationPrinter):
        def _print_Symbol(self, symbol, style="plain"):
            if not symbol.name.endswith("_hat"):
                return super()._print_Symbol(symbol, style)
            over = self.dom.createElement("mover")
            over.setAttribute("accent", "true")
            for tag, text in (("mi", symbol.name[:-4]), ("mo", "^")):
                part = self.dom.createElement(tag)
                part.appendChild(self.dom.createTextNode(text))
                over.appendChild(part)
            return over

    return RulePrinter


def _flat(expr) -> str:
    return str(expr) if isinstance(expr, sp.MatrixBase) else unicode(expr)


def _formulas(objective, runs: Sequence[RunResult]) -> str:
    """f, ∇f and ∇²f as MathML, each optimizer's rule, α and the start."""
    names = ", ".join(objective.names) if objective.dimension <= 4 else f"{objective.names[0]}, …, {objective.names[-1]}"
    items = [("f(" + names + ") =", _math(objective.expr))]
    if objective.dimension <= 4:
        items.append(("∇f =", _math(sp.Matrix(objective.gradient))))
        items.append(("∇²f =", _math(objective.hessian)))
    else:
        items.append(("∇f, ∇²f", f"{objective.dimension} components, derived term by term"))
    items += _rule_items([run.optimizer for run in runs])
    for run in runs:
        hyper = ", ".join(f"{symbol_text(HYPER_SYMBOLS[key])} = {number(value)}"
                          for key, value in run.optimizer.hyper.items())
        items.append(("run" if len(runs) == 1 else f"run ({run.optimizer.name})", html.escape(
            f"α = {number(run.lr0)}; {run.schedule.describe()}" + (f"; {hyper}" if hyper else "")
            + f"; start {vector(run.start)}; {run.message}")))
    return _definitions(items)


def _rules(optimizers: Sequence) -> str:
    return _definitions(_rule_items(optimizers))


def _rule_items(optimizers: Sequence) -> list[tuple[str, str]]:
    """Each distinct optimizer's rule, one MathML line per assignment."""
    items = []
    for rule in dict.fromkeys(o.rule for o in optimizers):
        lines = []
        for (target, expr), line in zip(rule.steps, rule_lines(rule)):
            body = _math_body(expr, rule=True)
            lines.append(f'<math display="inline">{_math_body(target)}<mo>←</mo>{body}</math>'
                         if body is not None else f"<code>{html.escape(line)}</code>")
        items.append((rule.name, f"<div>{html.escape(rule.title)}</div>{'<br>'.join(lines)}"))
    return items


def _definitions(items: list[tuple[str, str]]) -> str:
    return '<dl class="formulas">' + "".join(
        f"<dt>{html.escape(label)}</dt><dd>{value}</dd>" for label, value in items) + "</dl>"


def _picture(scene, names: list[str], title: str) -> str:
    """matplotlib's SVG with the moving marks added on top, in the same coordinates."""
    svg = scene.svg[scene.svg.index("<svg"):]
    svg = svg.replace("<svg ", '<svg role="img" aria-labelledby="gd-figure-title" ', 1)
    clips = "".join(f'<clipPath id="gd-clip-{p}"><rect x="{x}" y="{y}" width="{w}" height="{h}"/></clipPath>'
                    for p, (x, y, w, h) in enumerate(scene.panels))
    marks = [f'<title id="gd-figure-title">{html.escape(title)}; the marks show the current frame</title>',
             f"<defs>{clips}"
             '<marker id="gd-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="black" stroke="white" '
             'stroke-width="1"/></marker></defs>']
    for i, (name, track) in enumerate(zip(names, scene.tracks)):
        marks.append(f'<g class="gd-marks" data-run="{i}">')
        marks.append(f'<line class="gd-step" clip-path="url(#gd-clip-0)" stroke="{track.colour}"/>')
        marks.append('<line class="gd-descent" clip-path="url(#gd-clip-0)" marker-end="url(#gd-head)"/>')
        for p in range(len(scene.panels)):
            marks.append(f'<g class="gd-point" data-panel="{p}"><circle r="6" fill="{track.colour}"/>'
                         f'<circle r="2" fill="black"/>'
                         + (f'<text x="9" y="-8">{html.escape(name)}</text>' if len(names) > 1 else "")
                         + "</g>")
        marks.append("</g>")
    end = svg.rindex("</svg>")
    return svg[:end] + "".join(marks) + svg[end:]


def _controls(count: int, unit: str) -> str:
    buttons = "".join(f'<button type="button" id="gd-{role}" aria-label="{label}" title="{label}"'
                      + (' aria-pressed="false"' if role == "play" else "")
                      + f'><svg viewBox="0 0 20 20" aria-hidden="true"><path d="{icon}"/></svg></button>'
                      for role, label, icon in CONTROLS)
    speeds = "".join(f'<option value="{s}"{" selected" if s == DEFAULT_SPEED else ""}>{s} frames/s</option>'
                     for s in SPEEDS)
    return (f'<div class="controls" role="group" aria-label="player">{buttons}'
            f'<label>speed <select id="gd-speed" aria-label="speed">{speeds}</select></label>'
            f'<input type="range" id="gd-slider" min="0" max="{count - 1}" value="0" step="1" '
            f'aria-label="{"step" if unit == "t" else unit}">'
            f'<output id="gd-position" aria-live="polite">{unit} = 0</output></div>')


def _panel(index: int, name: str, headings: Sequence[str], about: str, text: str, update: bool = True) -> str:
    """One run's inspector: its state table, the update written out, the iterate window and ``text`` under
    the heading ``about`` (the stability reading, or a fit's set-up)."""
    name = html.escape(name)
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headings)
    return "\n".join([
        f'<article class="run" data-run="{index}" aria-label="{name}">',
        f"<h2>{name}</h2>",
        f'<table class="state" id="gd-state-{index}"><caption>state of {name} at <span class="gd-t">'
        f"{html.escape(headings[0])} = 0</span></caption><tbody></tbody></table>",
        f'<h3>the update, with this step\'s numbers</h3><pre class="update" id="gd-update-{index}"></pre>'
        if update else "",
        f'<table class="iterates" id="gd-iterates-{index}"><caption>rows around the current one (▶)</caption>'
        f'<thead><tr><th scope="col"></th>{head}</tr></thead><tbody></tbody></table>',
        f'<h3>{html.escape(about)}</h3><pre class="about">{html.escape(text)}</pre>',
        "</article>",
    ])


def _text(renderable) -> str:
    """A rich renderable as plain text at TEXT_WIDTH columns (never sent to a notebook by rich itself)."""
    console = Console(file=io.StringIO(), width=TEXT_WIDTH, color_system=None, record=True, force_jupyter=False)
    console.print(renderable)
    return console.export_text().rstrip()
