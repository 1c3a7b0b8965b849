"""The course map and a topic's screen (gdcli.practice.course). Nothing here prints."""

from __future__ import annotations

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


def topic_screen(standing, number: int, total: int) -> Group:
    """The topic's title, where it stands, its text and what comes next: fits 80 × 24."""
    topic = standing.topic
    return Group(
        Text(f"topic {number}/{total} · {topic.title}", style="bold"),
        Text(f"streak {standing.streak}/{topic.gate} right first tries in a row on new variants · "
             f"{STATE_MARK[standing.state]}"),
        Text(""),
        Text(topic.text),
        Text(""),
        Text(f"demonstration: gd {' '.join(topic.demo)}"),
    )


def streak_line(current: int, gate: int, mastered: bool) -> Text:
    if mastered:
        return Text(f"✓ gate passed: {gate} right first tries in a row.", style="bold green")
    return Text(f"streak: {current}/{gate} right first tries in a row.")
