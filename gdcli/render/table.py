"""Plain rich Tables laid out directly: the same output, a tenth of the time.

Rich's Table measures and renders every cell through its general machinery (a Padding around each cell,
Measurement of each, a Lines object per row): about 30 ms for the 22 rows of an iterate table and 10 ms for
each panel's grid, the largest part of a warm `gd solve`. The tables gd prints — no box, padding (0, 1) kept
off the edges, cells of text — are simple enough to lay out here, column widths and folding included, with
Rich's own rule for narrowing the columns that may wrap (Table._collapse_widths) and its own Text.wrap for
the cells that must fold. Any other table, or one that does not fit even after narrowing (a very narrow
terminal), is handed to Rich unchanged. tests/render/test_table.py checks the two agree character by
character and style by style over gd's tables at every width and over random tables.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.table import Table
from rich.text import Text


class PlainTable:
    """Render ``table`` (a rich Table) as Rich would, quickly when it is plain (see the module docstring)."""

    def __init__(self, table: Table):
        self.table = table

    def __rich_console__(self, console, options):
        t = self.table
        if not _plain(t):
            yield t
            return
        header = [[c.header] for c in t.columns] if t.show_header else [[] for _ in t.columns]
        cells = [[*head, *c.cells] for head, c in zip(header, t.columns)]
        texts = [[c if isinstance(c, str) else c.plain for c in column] for column in cells]
        n = len(t.columns)
        gap = 1 if t.collapse_padding else 2  # spaces between two columns: each side's padding, or one
        pads = [(i > 0) * (gap - 1) + (i < n - 1) for i in range(n)]
        natural = [max(cell_len(line) for text in column for line in text.split("\n")) for column in texts]
        widths = [min(w + pad, options.max_width) or 1 for w, pad in zip(natural, pads)]  # as Rich measures them
        if sum(widths) > options.max_width:
            widths = Table._collapse_widths(widths, [c.width is None and not c.no_wrap for c in t.columns],
                                            options.max_width)
        content = [width - pad for width, pad in zip(widths, pads)]
        shortest = [max(cell_len(word) for text in column for word in text.split() or [""]) for column in texts]
        if (sum(widths) > options.max_width or any(w < s for w, s in zip(content, shortest))
                or any(c.no_wrap and w < m for c, w, m in zip(t.columns, content, natural))):
            yield t  # narrower than its words or its unwrapped text: Rich shares the shortfall out or crops
            return
        head_style = console.get_style(t.header_style or "")
        row_styles = [head_style] * t.show_header + [console.get_style(row.style or "") for row in t.rows]
        bases = [console.get_style(c.style or "") for c in t.columns]
        space = " " * gap
        for r, row_style in enumerate(row_styles):
            is_header = t.show_header and r == 0
            blocks = [_cell_lines(console, cells[i][r], texts[i][r], content[i], column)
                      for i, column in enumerate(t.columns)]
            height = max(len(lines) for lines in blocks)
            for k in range(height):
                for i, lines in enumerate(blocks):
                    base = row_style if is_header else bases[i] + row_style
                    if i:
                        yield Segment(space, base)
                    j = k - (height - len(lines) if is_header else 0)  # headers sit at the bottom, cells at the top
                    if not 0 <= j < len(lines):
                        yield Segment(" " * content[i], base)
                    elif isinstance(lines[j], str):
                        yield Segment(lines[j], base)
                    else:
                        own = console.get_style(lines[j].style or "")  # render() leaves it to the caller
                        yield from Segment.apply_style(lines[j].render(console, end=""), base + own)
                yield Segment.line()
        if t.caption:
            caption = t.caption if isinstance(t.caption, Text) else console.render_str(
                t.caption, style="table.caption", highlight=False)
            yield from console.render(caption, options.update(width=sum(widths), justify="center"))


def _plain(t: Table) -> bool:
    """Whether ``t`` is a table PlainTable lays out itself: no box, title, footer, width or row styles,
    padding (0, 1) kept off its edges, columns justified left or right with no width of their own (and a
    header, when headers are shown), cells that are strings or Text without spaces at their lines' edges
    (see _words)."""
    return ((t.show_header or bool(t.rows)) and t.box is None and not t.title and not t.show_footer and not t.expand and t.min_width is None
            and t.width is None and t.padding == (0, 1, 0, 1) and not t.pad_edge and not t.leading
            and not t.show_lines and t.style in ("", "none") and not t.row_styles and not t.highlight
            and t.caption_style is None and t.caption_justify == "center"
            and all(not c.header_style and c.vertical == "top" and c.width is None and c.min_width is None
                    and c.max_width is None and c.ratio is None and c.justify in ("left", "right")
                    and (not t.show_header or isinstance(c.header, str) and c.header)
                    and all(_words(cell) for cell in (c.header, *c.cells))
                    for c in t.columns))


def _words(cell) -> bool:
    """Whether a cell is a string or a Text (with no justify or overflow of its own) none of whose lines
    starts or ends with a space or holds a tab, and none is blank unless it is the only one: what the layout
    here handles as Rich does; other cells are left to Rich."""
    if isinstance(cell, Text):
        if cell.justify or cell.overflow or cell.no_wrap is not None:
            return False
        cell = cell.plain
    lines = cell.split("\n") if isinstance(cell, str) else [None]
    return all(line == line.strip(" ") and "\t" not in line and (line or len(lines) == 1) for line in lines)


def _cell_lines(console, cell, text: str, width: int, column) -> list[str | Text]:
    """The lines of one cell at its column's width, padded to it: strings for plain one-line text that fits,
    else the Text lines Rich's wrap gives."""
    if isinstance(cell, str) and "\n" not in text and cell_len(text) <= width:
        fill = " " * (width - cell_len(text))
        return [fill + text if column.justify == "right" else text + fill]
    wrapped = (cell if isinstance(cell, Text) else Text(text)).wrap(console, width, justify=column.justify,
                                                                     overflow=column.overflow)
    wrapped.justify(console, width, column.justify, column.overflow)
    return [line if cell_len(line.plain) == width else line + " " * (width - cell_len(line.plain))
            for line in wrapped]
