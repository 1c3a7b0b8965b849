"""PlainTable prints what Rich's Table prints, character by character and style by style."""

import copy
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from gdcli.engine.solution import solve
from gdcli.render.solve import iterate_table
from gdcli.render.table import PlainTable


def shown(renderable, width: int) -> list[tuple[str, str]]:
    """Each character printed at ``width`` columns with its style (a space with its background only: bold
    or not, a space looks the same)."""
    console = Console(file=io.StringIO(), width=width, force_terminal=True, color_system="standard",
                      highlight=False, markup=False, emoji=False, soft_wrap=False)
    found = []
    for segment in console.render(renderable, console.options):
        style = segment.style or Style.null()
        found += [(ch, str(style.bgcolor) if ch == " " else str(style)) for ch in segment.text]
    return found


RUNS = {
    "bowl": dict(),
    "rosenbrock adam": dict(objective="rosenbrock", optimizer="adam", lr=0.02, steps=3000),
    "four variables": dict(objective="x^2 + 4*y^2 + z^2 + w^2", steps=40),
    "six variables": dict(objective="x^2+y^2+z^2+u^2+v^2+w^2", steps=30),
    "armijo trials": dict(objective="himmelblau", line_search="armijo", steps=30),
    "newton notes": dict(objective="saddle", optimizer="newton", steps=4),
    "one variable, no hidden rows": dict(objective="(x-3)^2", start="0", steps=5),
}


@pytest.mark.parametrize("name", RUNS)
def test_iterate_tables_match_rich_at_every_width(name):
    run = solve(**RUNS[name]).run
    for width in range(20, 141):
        assert shown(PlainTable(iterate_table(run, 20)), width) == shown(iterate_table(run, 20), width), width


@pytest.mark.parametrize("name", RUNS)
def test_the_panels_grids_match_rich_at_every_width(name):
    from gdcli.render.solve import header, stability_panel

    sol = solve(**RUNS[name])
    for panel in (header(sol), stability_panel(sol.stability, sol.run.lr0)):
        raw = copy.copy(panel)
        raw.renderable = panel.renderable.table
        for width in range(24, 141):
            assert shown(panel, width) == shown(raw, width), width


@pytest.mark.parametrize("name", RUNS)
def test_gd_solve_at_80_columns_is_laid_out_without_rich_s_table(monkeypatch, name):
    from gdcli.render.solve import solution

    sol = solve(**RUNS[name])

    def refuse(*args):
        raise AssertionError("handed to Rich's Table")
    monkeypatch.setattr(Table, "__rich_console__", refuse)
    assert shown(solution(sol), 80)


words = st.builds(lambda parts, gap: gap.join(parts),
                  st.lists(st.text(st.sampled_from("ab(-0.5,1e·⁻⋮‖∇)x⎡⎤"), min_size=1, max_size=7), max_size=3),
                  st.sampled_from([" ", "  "]))
cells = st.one_of(words, st.builds(lambda text, style: Text(text, style=style), words,
                                   st.sampled_from(["dim", "yellow", "bold red"])))


@settings(max_examples=300, deadline=None)
@given(columns=st.lists(st.tuples(words.filter(bool), st.sampled_from(["left", "right"]), st.booleans()), min_size=1, max_size=6),
       rows=st.lists(st.lists(cells, min_size=6, max_size=6), max_size=6),
       caption=st.one_of(st.none(), words), bold_last=st.booleans(), width=st.integers(10, 120))
def test_random_plain_tables_match_rich(columns, rows, caption, bold_last, width):
    def make():
        table = Table(header_style="bold", box=None, pad_edge=False, padding=(0, 1), caption=caption or None)
        for header, justify, wraps in columns:
            table.add_column(header, justify=justify, no_wrap=not wraps, overflow="fold" if wraps else "ellipsis")
        for row in rows:
            table.add_row(*row[:len(columns)])
        if rows and bold_last:
            table.rows[-1].style = "bold"
        return table
    assert shown(PlainTable(make()), width) == shown(make(), width)


lines = st.lists(words, min_size=1, max_size=3).map("\n".join)
grid_cells = st.one_of(lines, st.builds(lambda a, b, style: Text.assemble(a, (b, style)), words, words,
                                        st.sampled_from(["green", "italic", "bold red"])))


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(words, grid_cells), max_size=6), width=st.integers(10, 120))
def test_random_grids_match_rich(rows, width):
    def make():
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        for row in rows:
            grid.add_row(*row)
        return grid
    assert shown(PlainTable(make()), width) == shown(make(), width)


def test_other_tables_are_left_to_rich():
    boxed = Table("a", "b", title="boxed")
    boxed.add_row("1", "2")
    assert shown(PlainTable(boxed), 40) == shown(boxed, 40)
