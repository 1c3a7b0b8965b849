"""A plain rich Table laid out directly: the same output, a tenth of the time.

Rich's Table measures and renders every cell through its general machinery (a Padding around each cell,
Measurement of each, a Lines object per row): about 30 ms for the 22 rows of an iterate table, the largest
part of a warm `gd solve`. The tables gd prints in columns are plain — no box, one space of padding inside
the edges, one-line cells of text — so their layout is simple enough to do here, column widths and folding
included, with Rich's own rule for narrowing the columns that may wrap (Table._collapse_widths) and its own
Text.wrap for the cells that must fold. Any other table, or one that does not fit even after narrowing (a
very narrow terminal), is handed to Rich unchanged. tests/render/test_table.py checks the two agree character
by character and style by style over many tables and widths.
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
        cells = [[c.header, *c.cells] for c in t.columns]
        texts = [[c if isinstance(c, str) else c.plain for c in column] for column in cells]
        n = len(t.columns)
        pads = [(i > 0) + (i < n - 1) for i in range(n)]  # one space inside each edge between columns
        widths = [max(map(cell_len, column)) + pad or 1 for column, pad in zip(texts, pads)]
        if sum(widths) > options.max_width:
            widths = Table._collapse_widths(widths, [c.width is None and not c.no_wrap for c in t.columns],
                                            options.max_width)
        content = [width - pad for width, pad in zip(widths, pads)]
        shortest = [max(cell_len(word) for text in column for word in text.split() or [""]) for column in texts]
        if sum(widths) > options.max_width or any(w < s for w, s in zip(content, shortest)):
            yield t  # narrower than its longest words: Rich's last resort shares the shortfall out
            return
        styles = [console.get_style(t.header_style or "")] + [
            console.get_style(row.style) if row.style else None for row in t.rows]
        for r, row_style in enumerate(styles):
            blocks = [_cell_lines(console, cells[i][r], texts[i][r], content[i], column)
                      for i, column in enumerate(t.columns)]
            height = max(len(lines) for lines, _ in blocks)
            for k in range(height):
                for i, (lines, style) in enumerate(blocks):
                    if i:
                        yield Segment("  ", row_style)
                    j = k - (height - len(lines) if r == 0 else 0)  # headers sit at the bottom, cells at the top
                    text = lines[j] if 0 <= j < len(lines) else " " * content[i]
                    yield Segment(text, row_style + style if row_style and style else style or row_style)
                yield Segment.line()
        if t.caption:
            caption = t.caption if isinstance(t.caption, Text) else console.render_str(
                t.caption, style="table.caption", highlight=False)
            yield from console.render(caption, options.update(width=sum(widths), justify="center"))


def _plain(t: Table) -> bool:
    """Whether ``t`` is a table PlainTable lays out itself: no box, title, footer, width or row styles,
    padding (0, 1) without it at the edges, columns with a header, justified left or right, without styles
    or widths of their own, and cells that are strings or single-style Text of words joined by single
    spaces."""
    return (t.box is None and not t.title and t.show_header and not t.show_footer and not t.expand
            and t.min_width is None and t.width is None and t.padding == (0, 1, 0, 1) and not t.pad_edge
            and not t.collapse_padding and not t.leading and not t.show_lines and t.style in ("", "none")
            and not t.row_styles and not t.highlight and t.caption_style is None and t.caption_justify == "center"
            and all(not c.style and not c.header_style and c.vertical == "top" and c.width is None
                    and c.min_width is None and c.max_width is None and c.ratio is None
                    and c.justify in ("left", "right") and isinstance(c.header, str) and c.header
                    and all(isinstance(cell, (str, Text)) and _words(cell) and not getattr(cell, "spans", None)
                            for cell in (c.header, *c.cells))
                    for c in t.columns))


def _words(cell: str | Text) -> bool:
    """Whether a cell's text is words joined by single spaces (or empty): what the layout here handles as
    Rich does; cells with spaces at their edges or in runs are left to Rich."""
    text = cell if isinstance(cell, str) else cell.plain
    return text == " ".join(text.split())


def _cell_lines(console, cell, text: str, width: int, column) -> tuple[list[str], object]:
    """The lines of one cell at its column's width, padded to it, and the cell's own style."""
    style = console.get_style(cell.style) if isinstance(cell, Text) and cell.style else None
    length = cell_len(text)
    if length <= width:
        fill = " " * (width - length)
        return [fill + text if column.justify == "right" else text + fill], style
    wrapped = Text(text).wrap(console, width, justify=column.justify, overflow=column.overflow)
    wrapped.justify(console, width, column.justify, column.overflow)
    return [line.plain + " " * (width - cell_len(line.plain)) for line in wrapped], style
