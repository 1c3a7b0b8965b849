"""The course map and a topic's screen (gdcli.practice.course). Nothing here prints."""

from __future__ import annotations

import shlex

from rich.console import Group
from rich.table import Table
from rich.text import Text

STATE_MARK = {"mastered": "✓ mastered", "open": "○ open", "locked": "· locked"}


def course_map(found) -> Table:
    """Number, topic, state and streak, one row per topic."""
    table = Table(header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    table.add_column("#", justify="right")
    table.add_column("topic", style="cyan", no_wrap=True)
    table.add_column("title", ratio=1, min_width=20)
    table.add_column("state", no_wrap=True)
    table.add_column("streak", justify="right", no_wrap=True)
    for number, s in enumerate(found, start=1):
        table.add_row(str(number), s.topic.id, s.topic.title, STATE_MARK[s.state], f"{s.streak}/{s.topic.gate}")
    return table


def topic_screen(standing, number: int, total: int, width: int = 80) -> Group:
    """The topic's title, where it stands, its text and the demonstration that comes next, folded to ``width``:
    fits 80 × 24."""
    topic = standing.topic
    return Group(
        Text(f"topic {number}/{total} · {topic.title}", style="bold"),
        Text(f"streak {standing.streak}/{topic.gate} right first tries in a row on new variants · "
             f"{STATE_MARK[standing.state]}"),
        Text(""),
        Text(topic.text),
        Text(""),
        Text("the demonstration:"),
        Text("\n".join(command_lines(topic.demo, width))),
    )


def command_lines(words, width: int) -> list[str]:
    """"$ gd …" folded into lines of at most ``width`` characters, continued with a backslash as in a shell."""
    lines, line = [], "$ gd"
    for word in map(shlex.quote, words):
        if len(line) + 1 + len(word) + 2 > width and line.strip():
            lines.append(line + " \\")
            line = "   "
        line += " " + word
    return [*lines, line]


def pages(lines: list[str], size: int) -> list[list[str]]:
    """``lines`` (which may carry ANSI styles) cut into pages of at most ``size`` lines, each page ending where a
    block ends — before a blank line or a panel's top edge ╭ — when such a place is in its second half; blank
    lines at the edges of a page are dropped."""
    plain = [Text.from_ansi(line).plain for line in lines]
    found, first = [], 0
    while first < len(lines):
        while first < len(lines) and not plain[first].strip():
            first += 1
        if first == len(lines):
            break
        end = min(first + size, len(lines))
        if end < len(lines):
            cuts = [i for i in range(end, first + size // 2, -1) if not plain[i].strip() or plain[i].startswith("╭")]
            end = cuts[0] if cuts else end
        last = end
        while not plain[last - 1].strip():
            last -= 1
        found.append(lines[first:last])
        first = end
    return found


def streak_line(current: int, gate: int, mastered: bool) -> Text:
    if mastered:
        return Text(f"✓ gate passed: {gate} right first tries in a row.", style="bold green")
    return Text(f"streak: {current}/{gate} right first tries in a row.")
