"""The view of `gd step` as rich renderables: nothing here prints or reads keys.

One screen shows, top to bottom: a title with the step counter; the picture (a map of f for 2 variables, the
curve of f for 1, the loss curve for more) beside the optimizer's state named as in its rule; every
assignment of the rule written out with this step's numbers (x₅ = x₄ − α·g₄ = …); the last rows of the
iterate table; the stability reading for the current α; a notice and the keys.

The map is drawn in character cells. With colour, each cell is two pixels (the upper half-block ▀ with the
upper pixel as foreground and the lower one as background), coloured by the rank of f among the map's
values (so any landscape shows its structure). Without colour, each cell is a shade glyph from ' ' (low f) to
'@' (high f), so colour is never the only signal. Marks: ◉ the current iterate, • the path, ○ x₀,
★ a known minimum, → the direction −∇f, ⇒ the next update actually taken (optimizers with state).
The map's scale is the same along both axes, so arrows and contours keep their true angles.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
from functools import lru_cache

import numpy as np
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from gdcli.engine.kernels import ArrayObjective
from gdcli.engine.notation import number, vector
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import HYPER_NAMES, SYMBOL_TEXT, Rule, rule_lines
from gdcli.engine.run import RunResult
from gdcli.render.solve import iterate_table, point_name
from gdcli.step.stepper import Step, Stepper

SHADES = " .:-=+*#%@"
"""Shade glyphs from low f to high f, for terminals without colour."""
VIRIDIS = np.array([(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)], dtype=float)
"""Colour stops from low f (dark violet) to high f (yellow)."""
GRADIENT_ARROWS = "→↗↑↖←↙↓↘"
STEP_ARROWS = "⇒⇗⇑⇖⇐⇙⇓⇘"
PATH_LINES = "─│╱╲"
"""Glyphs that join the path's points on the map."""
MARK_STYLE = {"◉": "bold red", "•": "bold white", "○": "bold white", "★": "bold magenta", "→": "bold cyan",
              "⇒": "bold bright_red", "─": "white"}
HELP = (("→/space", "forward"), ("←", "back"), ("↑/↓", "α ×/÷"), ("p", "play/pause"), ("+/−", "pace"),
        ("r", "restart"), ("o", "optimizer"), ("q", "quit"))
"""The keys of `gd step`, as the help line lists them."""
WINDOW = 4
"""Iterate-table rows shown before the current one."""
STATE_WIDTH = 44
"""Columns given to the state beside the picture."""
PICTURE_ROWS = 16
"""Rows of the picture in printed frames."""
PICTURE_SHARE = 0.5
"""The least share of a terminal's rows the picture gets while the rest of the screen can give up lines."""
SUBSCRIPTS = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
HYPER_OPTIONS = {shown: name for name, shown in HYPER_NAMES.items()}
"""Displayed hyper-parameter symbol → option name (β₁ → beta1)."""
QUANTITIES = {shown: name for name, shown in SYMBOL_TEXT.items()}
"""Displayed symbol of a rule's quantity → its name in the rule (m̂ → m_hat)."""
_SQRT = re.compile(r"√\((\w\u0302?)\)")
_TOKEN = re.compile(r"(?<![A-Za-z_0-9])(m̂|v̂|β₁|β₂|[xgαβερbsmv])(?![A-Za-z_0-9\u0302₀-₉])")


def _typeset(line: str) -> str:
    """A rule line with true minus signs."""
    return line.replace(" - ", " − ")


@lru_cache(maxsize=16)
def assignments(rule: Rule) -> tuple[tuple[str, str, str], ...]:
    """The rule's assignments as (the target's name, its symbol, the printed line ``target ← expression``), read
    from its printed lines (gdcli.engine.optimizers.rule_lines, held by the derivation cache, so a warm cache
    needs no SymPy here), once per rule (a page writes out hundreds of updates)."""
    shown = [(line.split(" ← ", 1)[0], line) for line in rule_lines(rule)]
    return tuple((QUANTITIES[symbol], symbol, line) for symbol, line in shown)


def sub(k: int) -> str:
    return str(k).translate(SUBSCRIPTS)


def values_text(values) -> str:
    """One coordinate as a number, several as a vector."""
    values = np.atleast_1d(values)
    return number(float(values[0]), 5) if values.size == 1 else vector(values, 5)


# the rule written out --------------------------------------------------------------------------------------
def update_lines(stepper: Stepper) -> list[str]:
    """Each assignment of the rule for the update xₖ₋₁ → xₖ at the stepper's position (see written_update)."""
    return written_update(stepper.run, stepper.steps, stepper.position, "Press → for the first update.")


def written_update(run: RunResult, steps: list[Step], k: int, first: str = "") -> list[str]:
    """Each assignment of the rule for the update xₖ₋₁ → xₖ: symbols with their step, then the numbers.

    ``b₅ = β·b₄ + g₄ = 0.9·(…) + (…) = (…)``: quantities assigned earlier in the same update carry k, the
    rest (x, g and the state from before) carry k − 1; hyper-parameters are shown by value. ``steps`` is the
    replay of ``run`` (gdcli.step.stepper.replay); ``first`` is added to the line shown at k = 0.
    """
    step = steps[k]
    if k == 0:
        return [f"x₀ = {values_text(step.x)}: the start." + (f" {first}" if first else "")]
    previous = steps[k - 1]
    if not run.optimizer.elementwise:
        d = step.values["d"]
        return [f"d{sub(k - 1)} = {values_text(d)}" + (f"  ({step.values['note']})" if "note" in step.values else ""),
                f"x{sub(k)} = x{sub(k - 1)} + α·d{sub(k - 1)} = {values_text(previous.x)} + {number(step.lr, 5)}·"
                f"{values_text(d)} = {values_text(step.x)}"]
    hyper = run.optimizer.hyper
    rule = run.optimizer.rule
    assigned: set[str] = set()
    lines = []
    for target, shown, line in assignments(rule):
        right = _SQRT.sub(r"√\1", _typeset(line).split(" ← ", 1)[1]).replace("ᵗ", str(k).translate(SUPERSCRIPTS))

        def symbolic(match: re.Match) -> str:
            name = match.group(1)
            if name in ("x", "g"):
                return name + sub(k - 1)
            if name in HYPER_OPTIONS or name == "α":
                return name
            return name + sub(k if name in assigned else k - 1)

        def numeric(match: re.Match) -> str:
            name = match.group(1)
            if name == "α":
                return number(step.lr, 5)
            if name in HYPER_OPTIONS:
                return number(hyper[HYPER_OPTIONS[name]], 5)
            if name == "x":
                return values_text(previous.x)
            if name == "g":
                return values_text(previous.grad)
            key = QUANTITIES[name]
            return values_text(step.values[key] if name in assigned else previous.state[key])

        lines.append(f"{shown}{sub(k)} = {_TOKEN.sub(symbolic, right)} = {_TOKEN.sub(numeric, right)} = "
                     f"{values_text(step.values[target])}")
        assigned.add(shown)
    return lines


BREAKS = ((" = ",), (" − ", " + "), ("·", "/"))
"""Where a written-out update may be broken, most preferred first: before an equals sign, before a sum's or a
difference's operator, at a product or a quotient; only outside brackets."""


def broken(line: str, width: int) -> list[str]:
    """``line`` in lines of at most ``width`` cells where it can be: each "= …" part on a line of its own when it
    does not fit after the previous one, continued under the first "=", and a part too wide for a line broken
    before a sum's or difference's sign, then after a product's or quotient's (BREAKS), never inside brackets::

        x₅ = x₄ − α·m̂₅/(√v̂₅ + ε)
           = (-1.196, 1.004) − 0.001·(-211.61, -86.499)/(√(44946, 7507.5) + 10⁻⁸)
           = (-1.195, 1.005)
    """
    if cell_len(line) <= width or " = " not in line:
        return [line]
    indent = " " * (cell_len(line.split(" = ", 1)[0]) + 1)
    lines = [""]
    for part in _cut(line, BREAKS[0]):
        if not lines[-1] or cell_len(lines[-1] + part) <= width:
            lines[-1] += part
            continue
        lines.append(indent)
        for piece in _pieces(part.lstrip(), width - len(indent), 1):
            if lines[-1] == indent or cell_len(lines[-1] + piece) <= width:
                lines[-1] += piece if lines[-1] != indent else piece.lstrip()
            else:
                lines.append(indent + piece.lstrip())
    return lines


def _cut(text: str, operators: tuple[str, ...]) -> list[str]:
    """``text`` cut before each of ``operators`` outside brackets (after "·" and "/", which stay on the left)."""
    cuts, depth = [0], 0
    for i, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        if depth == 0 and i > 0 and any(text.startswith(op, i) for op in operators):
            cuts.append(i + (char in "·/"))
    return [text[a:b] for a, b in zip(cuts, cuts[1:] + [len(text)]) if a < b]


def _pieces(text: str, width: int, level: int) -> list[str]:
    """``text`` cut at the operators of BREAKS[level], a piece wider than ``width`` cut again at the next
    level's."""
    if level == len(BREAKS):
        return [text]
    return [piece for part in _cut(text, BREAKS[level])
            for piece in (_pieces(part, width, level + 1) if cell_len(part) > width else [part])]


# the state beside the picture --------------------------------------------------------------------------------
METHOD_STATE = {"tau": "τ (added to H)", "beta": "β", "gamma": "γ (H₀ = γI)", "pairs": "pairs (s, y) kept",
                "skipped": "last update skipped"}
"""How the methods' recorded state is labelled (gdcli.engine.methods)."""


def method_state(state: dict, k: int, n: int, compact: bool) -> list[tuple[str, str]]:
    """A method's state for the next step, from xₖ: dₖ, then τ, β, γ, the pair count, H (3 variables or fewer,
    else its diagonal) and the row's note."""
    rows = [(f"d{sub(k)} (next step)", values_text(state["d"]) if "d" in state else "— (the run ends here)")]
    for key, label in METHOD_STATE.items():
        if key in state:
            value = state[key]
            rows.append((key if compact else label, "yes" if value is True else "no" if value is False else
                         number(float(value), 5)))
    if "H" in state:
        matrix = np.asarray(state["H"], dtype=float)
        rows.append(("H ≈ ∇²f⁻¹", "; ".join(vector(row, 4) for row in matrix) if n <= 3 and not compact
                     else f"{n}×{n}, diagonal {vector(np.diag(matrix), 3, 3)}"))
    if "note" in state:
        rows.append(("note", state["note"]))
    return rows

def state_table(stepper: Stepper, compact: bool = False) -> Table:
    """xₖ, f, ∇f, then every quantity of the rule as it reads (b ← β·b + g) with its value after this update,
    the step Δx and the effective per-coordinate step size −Δx/g. Compact (a short terminal): each quantity
    by its symbol alone, so every value fits on one line."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in state_rows(stepper.run, stepper.current, compact):
        grid.add_row(label, value)
    return grid


def state_rows(run: RunResult, step: Step, compact: bool = False) -> list[tuple[str, str]]:
    """The rows of state_table as (label, value) text: xₖ, f, ∇f, ‖∇f‖, the settings, the rule's quantities
    after this update, Δx and the effective step size."""
    k = step.k
    rows = [(f"x{sub(k)}", values_text(step.x)), (f"f(x{sub(k)})", number(step.f)),
            (f"∇f(x{sub(k)})", values_text(step.grad)), ("‖∇f‖", number(step.grad_norm, 4))]
    settings = [f"α = {number(step.lr if step.lr is not None else float(run.lr[0]), 5)}"]
    settings += run.optimizer.settings_text()
    rows.append((f"{run.optimizer.name}, t = {k}", ", ".join(settings)))
    if not run.optimizer.elementwise:
        rows += method_state(run.states[k], k, run.objective.dimension, compact)
    for name, shown, line in assignments(run.optimizer.rule) if run.optimizer.elementwise else ():
        if name == "x":
            continue
        value = step.values.get(name, step.state.get(name))
        label = shown if compact else _typeset(line)
        rows.append((label, values_text(value) if value is not None else "— (before the first update)"))
    if step.delta is not None:
        rows.append(("Δx" if compact else f"Δx = x{sub(k)} − x{sub(k - 1)}", values_text(step.delta)))
        rows.append(("α eff." if compact else "effective α = −Δx/g", values_text(step.effective)))
    return rows


# the picture ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _array_objective(objective: Objective) -> ArrayObjective:
    return ArrayObjective(objective)


@lru_cache(maxsize=16)
def _field(objective: Objective, region: tuple[float, float, float, float], cols: int, rows: int) -> np.ndarray:
    """f's rank in [0, 1] on a grid of (2·rows) × cols pixels over ``region``; nan where f is undefined."""
    x0, x1, y0, y1 = region
    xs = x0 + (np.arange(cols) + 0.5) / cols * (x1 - x0)
    ys = y1 - (np.arange(2 * rows) + 0.5) / (2 * rows) * (y1 - y0)
    grid_x, grid_y = np.meshgrid(xs, ys)
    f, _ = _array_objective(objective)([grid_x, grid_y])
    ranks = np.full(f.shape, math.nan)
    finite = np.isfinite(f)
    if finite.any():
        order = np.sort(f[finite])
        ranks[finite] = np.searchsorted(order, f[finite], side="left") / max(1, order.size - 1)
    return np.clip(ranks, 0.0, 1.0)


def region_of(points: np.ndarray, start: np.ndarray, aspect: float | None = None,
              margin: float = 0.15) -> tuple[float, ...]:
    """The box around the iterates (those within 100× the start's scale), with a margin.

    With ``aspect`` (width/height of the drawing in equal units) the shorter side is widened so both axes
    share one scale."""
    limit = 100.0 * max(1.0, float(np.max(np.abs(start))))
    keep = points[np.all(np.isfinite(points), axis=1) & np.all(np.abs(points) <= limit, axis=1)]
    if keep.size == 0:
        keep = start[None, :]
    low, high = keep.min(axis=0), keep.max(axis=0)
    span = high - low
    floor = max(1e-6, 1e-3 * float(np.max(np.abs(keep))), float(np.max(span)) * 0.2)
    span = np.maximum(span, floor) * (1 + 2 * margin)
    centre = (low + high) / 2
    if aspect is not None and span.size == 2:
        if span[0] / span[1] < aspect:
            span[0] = span[1] * aspect
        else:
            span[1] = span[0] / aspect
    return tuple(v for i in range(span.size) for v in (centre[i] - span[i] / 2, centre[i] + span[i] / 2))


LEVELS = 64
"""Colour levels of the map."""


@lru_cache(maxsize=LEVELS + 1)
def _colour(level: int) -> str:
    """The colour of level 0 … LEVELS − 1 (low f to high f) along VIRIDIS; −1 for undefined f."""
    if level < 0:
        return "grey30"
    position = level / (LEVELS - 1) * (len(VIRIDIS) - 1)
    i = min(int(position), len(VIRIDIS) - 2)
    r, g, b = VIRIDIS[i] + (VIRIDIS[i + 1] - VIRIDIS[i]) * (position - i)
    return f"rgb({int(r)},{int(g)},{int(b)})"


@lru_cache(maxsize=4096)
def _half_block(top: int, bottom: int) -> Style:
    return Style(color=_colour(top), bgcolor=_colour(bottom))


@lru_cache(maxsize=256)
def _mark_on(mark: str, background: int) -> Style:
    return Style.parse(MARK_STYLE.get(_family(mark), "bold")) + Style(bgcolor=_colour(background))


def _arrow(glyphs: str, dx: float, dy: float) -> str:
    """The glyph of the eight whose direction is nearest to (dx, dy) (dy up the screen)."""
    octant = round(math.atan2(dy, dx) / (math.pi / 4)) % 8
    return glyphs[octant]


class Picture:
    """A grid of character cells with marks on top; the base is a map of f, a curve, or blank."""

    def __init__(self, cols: int, rows: int, base: np.ndarray | None = None):
        self.cols, self.rows = cols, rows
        self.base = base  # ranks, (2·rows) × cols, or None
        self.marks: dict[tuple[int, int], str] = {}

    def mark(self, col: float, row: float, glyph: str) -> None:
        c, r = int(math.floor(col)), int(math.floor(row))
        if 0 <= c < self.cols and 0 <= r < self.rows:
            self.marks[c, r] = glyph

    def segment(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        """A line of box-drawing glyphs (─ │ ╱ ╲, by its slope on screen) through the empty cells from ``start``
        to ``end``, so a path reads as joined; cells already marked keep their mark."""
        dcol, drow = end[0] - start[0], end[1] - start[1]
        if not all(map(math.isfinite, (*start, *end))) or max(abs(dcol), abs(drow)) > 4 * (self.cols + self.rows):
            return
        angle = math.degrees(math.atan2(-2 * drow, dcol)) % 180  # rows are twice as tall as columns
        glyph = PATH_LINES[0 if angle < 22.5 or angle >= 157.5 else 2 if angle < 67.5 else 1 if angle < 112.5 else 3]
        count = int(2 * max(abs(dcol), abs(drow))) + 1
        for j in range(1, count):
            c, r = start[0] + dcol * j / count, start[1] + drow * j / count
            if (int(math.floor(c)), int(math.floor(r))) not in self.marks:
                self.mark(c, r, glyph)

    def ray(self, col: float, row: float, dcol: float, drow: float, glyphs: str, length: int) -> None:
        """Arrow glyphs along the direction (dcol, drow), in cells; rows are twice as tall as columns."""
        norm = math.hypot(dcol, 2 * drow)
        if not (math.isfinite(norm) and norm > 0):
            return
        glyph = _arrow(glyphs, dcol, -2 * drow)
        ucol, urow = dcol / norm, drow / norm
        here = (int(math.floor(col)), int(math.floor(row)))
        for j in range(1, 4 * length):
            c, r = col + ucol * j * 0.5, row + urow * j * 0.5
            cell = (int(math.floor(c)), int(math.floor(r)))
            if cell != here and self.marks.get(cell, "·") in "·•" + PATH_LINES:
                self.mark(c, r, glyph)
            if abs(cell[0] - here[0]) + abs(cell[1] - here[1]) >= length:
                break

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plain = console.no_color or console.color_system is None
        if self.base is not None:
            finite = np.isfinite(self.base)
            levels = np.where(finite, np.clip(np.nan_to_num(self.base) * LEVELS, 0, LEVELS - 1), -1).astype(int)
            top, bottom = self.base[0::2], self.base[1::2]
            mean = np.where(np.isnan(top), bottom, np.where(np.isnan(bottom), top, (top + bottom) / 2))
            shades = np.where(np.isfinite(mean), np.clip(np.nan_to_num(mean) * len(SHADES), 0, len(SHADES) - 1),
                              -1).astype(int)
        for r in range(self.rows):
            for c in range(self.cols):
                mark = self.marks.get((c, r))
                if self.base is None:
                    yield Segment(mark or " ", _mark_style(mark, plain))
                elif plain:
                    yield Segment(mark or (SHADES[shades[r, c]] if shades[r, c] >= 0 else "?"))
                elif mark:
                    yield Segment(mark, _mark_on(mark, levels[2 * r, c]))
                else:
                    yield Segment("▀", _half_block(levels[2 * r, c], levels[2 * r + 1, c]))
            yield Segment.line()


def _family(mark: str) -> str:
    if mark in PATH_LINES:
        return "─"
    if mark in GRADIENT_ARROWS:
        return "→"
    if mark in STEP_ARROWS:
        return "⇒"
    return mark


def _mark_style(mark: str | None, plain: bool) -> Style | None:
    if mark is None or plain:
        return None
    return Style.parse(MARK_STYLE.get(_family(mark), "dim"))


def picture(stepper: Stepper, cols: int, rows: int) -> tuple[Picture, list[str]]:
    """The picture for the objective's dimension and its legend in two lines."""
    n = stepper.objective.dimension
    if n == 2:
        return field_map(stepper, cols, rows)
    if n == 1:
        return curve(stepper, cols, rows)
    return loss_curve(stepper, cols, rows)


def _marks_legend(stepper: Stepper) -> str:
    text = "◉ xₖ  •─ path  ○ x₀  → −∇f"
    if not stepper.run.optimizer.elementwise or stepper.run.optimizer.rule.state_names:
        text += "  ⇒ next update"
    return text


def field_map(stepper: Stepper, cols: int, rows: int) -> tuple[Picture, list[str]]:
    """f over the region of the run with the path so far, xₖ, −∇f(xₖ) and the next update."""
    run = stepper.run
    region = region_of(run.x, run.start, aspect=cols / (2 * rows))
    x0, x1, y0, y1 = region
    ranks = _field(stepper.objective, region, cols, rows)
    view = Picture(cols, rows, ranks)

    def cell(point) -> tuple[float, float]:
        return (point[0] - x0) / (x1 - x0) * cols, (y1 - point[1]) / (y1 - y0) * rows

    step = stepper.current
    k = step.k
    if stepper.objective.function is not None:
        for minimum in stepper.objective.function.minima:
            view.mark(*cell(minimum), "★")
    for point in run.x[:k]:
        view.mark(*cell(point), "•")
    view.mark(*cell(run.x[0]), "○")
    for a, b in zip(run.x[:k], run.x[1:k + 1]):
        view.segment(cell(a), cell(b))
    here = cell(step.x)
    view.mark(*here, "◉")
    scale_col, scale_row = cols / (x1 - x0), rows / (y1 - y0)
    view.ray(*here, -step.grad[0] * scale_col, step.grad[1] * scale_row, GRADIENT_ARROWS, 3)
    if k < stepper.last and (not run.optimizer.elementwise or run.optimizer.rule.state_names):
        d = run.x[k + 1] - step.x
        view.ray(*here, d[0] * scale_col, -d[1] * scale_row, STEP_ARROWS, 4)
    names = stepper.objective.names
    return view, [f"{names[0]} ∈ [{number(x0, 4)}, {number(x1, 4)}], {names[1]} ∈ [{number(y0, 4)}, "
                  f"{number(y1, 4)}]; f low ' ' (violet) → '@' (yellow) high",
                  f"{_marks_legend(stepper)}  ★ minimum" + ("  ? f undefined" if np.isnan(ranks).any() else "")]


def curve(stepper: Stepper, cols: int, rows: int) -> tuple[Picture, list[str]]:
    """f over the run's interval with the iterates so far, xₖ, −f′(xₖ) and the next update."""
    run = stepper.run
    x0, x1 = region_of(run.x, run.start)
    xs = x0 + (np.arange(cols) + 0.5) / cols * (x1 - x0)
    f, _ = _array_objective(stepper.objective)([xs])
    seen = np.concatenate([f[np.isfinite(f)], run.f[np.isfinite(run.f)]])
    low, high = (float(seen.min()), float(seen.max())) if seen.size else (0.0, 1.0)
    high = high if high > low else low + 1.0
    view = Picture(cols, rows)

    def cell(x: float, y: float) -> tuple[float, float]:
        return (x - x0) / (x1 - x0) * cols, (high - y) / (high - low) * (rows - 1) + 0.5

    for c, value in enumerate(f):
        if math.isfinite(value):
            view.mark(c + 0.5, cell(xs[c], value)[1], "·")
    step = stepper.current
    for r in range(step.k):
        view.mark(*cell(run.x[r, 0], run.f[r]), "•")
    view.mark(*cell(run.x[0, 0], run.f[0]), "○")
    here = cell(step.x[0], step.f)
    view.mark(*here, "◉")
    view.ray(here[0], here[1], -step.grad[0], 0.0, GRADIENT_ARROWS, 3)
    if step.k < stepper.last and (not run.optimizer.elementwise or run.optimizer.rule.state_names):
        row = here[1] - 1 if here[1] >= 1 else here[1] + 1
        view.ray(here[0], row, run.x[step.k + 1, 0] - step.x[0], 0.0, STEP_ARROWS, 4)
    name = stepper.objective.names[0]
    return view, [f"{name} ∈ [{number(x0, 4)}, {number(x1, 4)}], f ∈ [{number(low, 4)}, {number(high, 4)}]",
                  f"· f  {_marks_legend(stepper).replace('∇f', 'f′')}"]


def loss_curve(stepper: Stepper, cols: int, rows: int) -> tuple[Picture, list[str]]:
    """f(xₜ) against t over the whole budget of the run, drawn up to the current step."""
    run = stepper.run
    values = np.asarray(run.f, dtype=float)
    finite = values[np.isfinite(values)]
    logarithmic = finite.size > 0 and bool(np.all(finite > 0)) and finite.max() / finite.min() > 100
    heights = np.log10(values) if logarithmic else values
    low, high = float(np.nanmin(heights)), float(np.nanmax(heights))
    high = high if high > low else low + 1.0
    last = max(1, stepper.last)
    view = Picture(cols, rows)
    step = stepper.current
    for t in range(step.k + 1):
        view.mark(t / last * (cols - 1) + 0.5, (high - heights[t]) / (high - low) * (rows - 1) + 0.5,
                  "◉" if t == step.k else "•")
    return view, [f"f(xₜ) for t = 0 … {stepper.last}{' (log scale)' if logarithmic else ''}, "
                  f"f ∈ [{number(float(finite.min()) if finite.size else 0.0, 4)}, "
                  f"{number(float(finite.max()) if finite.size else 0.0, 4)}]",
                  "◉ f(xₖ)  • earlier iterates"]


# the rest of the screen ------------------------------------------------------------------------------------
def title(stepper: Stepper) -> Text:
    """gd step · objective · optimizer · α · step k/N · playing or paused."""
    run = stepper.run
    text = stepper.objective.text if len(stepper.objective.text) <= 40 else stepper.objective.text[:39] + "…"
    play = f"▶ playing, {number(stepper.pace)} steps/s" if stepper.playing else "❚❚ paused"
    end = f" ({run.status})" if stepper.at_end else ""
    return Text.assemble(("gd step", "bold"), f" · {text} · {run.optimizer.name} · α = {number(stepper.lr)} · ",
                         (f"step {stepper.position}/{stepper.last}{end}", "bold"), f" · {play}")


def iterate_window(stepper: Stepper, rows: int = WINDOW) -> Table:
    """The iterate table's rows k − rows … k, the current one last and in bold."""
    run = stepper.run
    k = stepper.position
    lo = max(0, k - rows)
    window = dataclasses.replace(
        run, t=run.t[lo:k + 1], f=run.f[lo:k + 1], grad_norm=run.grad_norm[lo:k + 1], lr=run.lr[lo:k + 1],
        trials=run.trials[lo:k + 1], x=run.x[lo:k + 1], grad=run.grad[lo:k + 1],
        status=run.status if k == stepper.last else "max_steps",
    )
    table = iterate_table(window, 0)
    table.rows[-1].style = "bold"
    return table


def stability_line(stepper: Stepper, compact: bool = False) -> Text:
    """The stability reading for the current α, marked ✓/✗ where a bound applies (one line when compact)."""
    s = stepper.stability
    mark = {True: ("✓ stable: ", "green"), False: ("✗ unstable: ", "red"), None: ("", "")}[s.lr_is_stable]
    where = f"(Hessian at {point_name(s)})"
    if compact:  # one line: the verdict first, where it was read last
        line = Text.assemble(("stability: ", "bold"), mark, (s.reading, "italic"), f" {where}")
        line.no_wrap, line.overflow = True, "ellipsis"
        return line
    return Text.assemble(("stability ", "bold"), f"{where}: ", mark, (s.reading, "italic"))


def help_line(width: int = 100) -> Text:
    """The keys and what they do, packed into lines of ``width`` so no key is parted from its word."""
    lines: list[list] = [[]]
    used = 0
    for keys, action in HELP:
        size = cell_len(f"{keys} {action}  ")
        if used and used + size - 2 > width:
            lines.append([])
            used = 0
        lines[-1] += [(keys, "bold"), f" {action}  "]
        used += size
    texts = [Text.assemble(*line) for line in lines]
    for text in texts:
        text.rstrip()
    return Text("\n").join(texts)


def view(stepper: Stepper, width: int = 100, height: int | None = None) -> Group:
    """The whole screen for a terminal of ``width`` × ``height`` cells; the picture takes the rows left over
    (PICTURE_ROWS when ``height`` is None, as for printed frames). The picture keeps one size through the run
    (the smallest the screen leaves at the start, after WINDOW steps and at the end), so its window and scale
    stay put while the iterate window fills up."""
    side = min(STATE_WIDTH, max(30, width // 2))
    cols = max(16, width - side - 2)
    compact, window, rows = _layout(stepper, width, height, side)
    if height is not None:
        rows = min(rows, _steady_rows(stepper, width, height, side))
    state = state_table(stepper, compact)
    below = _below(stepper, width, compact, window)
    pic, legend = picture(stepper, cols, rows)
    top = Table.grid(padding=(0, 2))
    top.add_column(width=cols, no_wrap=True)
    top.add_column(width=side)
    top.add_row(pic, state)
    notice = Text(stepper.notice or " ", style="yellow", overflow="ellipsis", no_wrap=True)
    legend_lines = (Text(line, style="dim", overflow="ellipsis", no_wrap=True) for line in legend)
    return Group(title(stepper), help_line(width), notice, top, *legend_lines, *below)


def _below(stepper: Stepper, width: int, compact: bool, window: int) -> list:
    """What the screen shows under the picture: the written-out update (only its x line when compact) broken at
    operators to ``width``, the last ``window`` rows of the iterate table and the stability reading."""
    updates = update_lines(stepper)
    lines = [part for line in (updates[-1:] if compact else updates) for part in broken(line, width)]
    return [Text("\n".join(lines)), iterate_window(stepper, window), stability_line(stepper, compact)]


def _layout(stepper: Stepper, width: int, height: int | None, side: int) -> tuple[bool, int, int]:
    """(compact, iterate-window rows, picture rows) at the stepper's position: the fullest screen whose picture
    gets at least PICTURE_SHARE of the terminal's rows and is as tall as the state beside it. Short of that,
    give up in turn rows of the iterate window (down to the previous row), then the rules beside the state's
    values, all but the x line of the written-out update and all but one line of the stability reading, and the
    window's rows again (down to the current row alone)."""
    if height is None:
        return False, WINDOW, PICTURE_ROWS
    fixed = _height(help_line(width), width) + 4  # title, notice and the picture's two legend lines
    for compact in (False, True):
        state = _height(state_table(stepper, compact), side)
        update, _, stability = (_height(part, width) for part in _below(stepper, width, compact, 0))
        for window in range(WINDOW, -1 if compact else 0, -1):  # the full screen keeps the previous row
            rows = max(4, height - fixed - update - _height(iterate_window(stepper, window), width) - stability)
            if rows >= max(state, PICTURE_SHARE * height):
                return compact, window, rows
    return True, 0, rows


_STEADY: dict[tuple, int] = {}
"""Picture rows per (run, width, height), worked out once per run and screen size (see _steady_rows)."""


def _steady_rows(stepper: Stepper, width: int, height: int, side: int) -> int:
    """The fewest picture rows the screen leaves at the start, in the first steps as the iterate window fills up
    (the first update and the window's full size, each with the update after it) and at the end of the run."""
    key = (id(stepper.run), width, height)
    if key not in _STEADY:
        if len(_STEADY) > 64:
            _STEADY.clear()
        here = stepper.position
        try:
            sizes = []
            for k in sorted({min(k, stepper.last) for k in (0, 1, WINDOW, WINDOW + 1)} | {stepper.last}):
                stepper.position = k
                sizes.append(_layout(stepper, width, height, side)[2])
        finally:
            stepper.position = here
        _STEADY[key] = min(sizes)
    return _STEADY[key]


def _height(renderable, width: int) -> int:
    """Lines ``renderable`` takes at ``width`` columns."""
    console = Console(width=width, color_system=None, file=io.StringIO())
    return len(console.render_lines(renderable, console.options.update_width(width), pad=False))
