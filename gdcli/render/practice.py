"""Rich renderables for practice: the problem list, a problem, a verdict, a worked solution, progress.

Nothing here prints. Every verdict carries a mark and a word (✓ correct, ✗ not yet) besides its colour.
"""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

DIFFICULTY_STYLE = {"easy": "green", "medium": "yellow", "hard": "red"}
STATE_MARK = {"solved": "✓ solved", "attempted": "… attempted", "not_tried": "· not tried"}


def problem_table(problems, states: dict[str, str] | None = None) -> Table:
    """id, title, difficulty, topic (and the student's state when known), one row per problem."""
    table = Table(header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("title", ratio=1, min_width=20)
    table.add_column("level", no_wrap=True)
    table.add_column("topic", max_width=14)
    if states is not None:
        table.add_column("you", no_wrap=True)
    for p in problems:
        row = [p.id, p.title, Text(p.difficulty, style=DIFFICULTY_STYLE[p.difficulty]), p.topic]
        if states is not None:
            row.append(STATE_MARK[states.get(p.id, "not_tried")])
        table.add_row(*row)
    table.caption = f"{len(problems)} problem{'s' if len(problems) != 1 else ''} · gd practice show ID"
    return table


def _heading(problem) -> str:
    variant = f" · variant {problem.seed}" if problem.seed else ""
    return f"{problem.id}{variant} · {problem.difficulty} · {problem.topic}"


def problem_view(problem) -> Panel:
    """The statement, then the numbered questions with the kind of answer each expects."""
    parts = [Text(problem.statement), Text("")]
    for q in problem.questions:
        parts.append(Text.assemble((f"{q.number}. ", "bold"), q.prompt, (f"  [{q.kind}]", "dim")))
        if q.kind == "choice":
            parts.append(Text("   choices: " + choice_list(q.choices), style="dim"))
        if q.exactness_text:
            parts.append(Text(f"   give numbers {q.exactness_text}", style="dim"))
    return Panel(Group(*parts), title=Text(problem.title), subtitle=Text(_heading(problem)),
                 title_align="left", subtitle_align="right", border_style="blue")


def choice_list(choices) -> str:
    """(a) converges / (b) oscillates / …: a letter or the whole choice is an answer."""
    return " / ".join(f"({chr(ord('a') + i)}) {c}" for i, c in enumerate(choices))


def question_view(question) -> Text:
    """One question as the interactive session asks it."""
    text = Text.assemble((f"Question {question.number}/{len(question.problem.questions)}: ", "bold"),
                         question.prompt, (f"  [{question.kind}]", "dim"))
    if question.kind == "choice":
        text.append("\n   choices: " + choice_list(question.choices), style="dim")
    if question.exactness_text:
        text.append(f"\n   give numbers {question.exactness_text}", style="dim")
    if question.kind == "expression":
        text.append("\n   write it in " + ", ".join(question.answer.names) + ", with * for products", style="dim")
    return text


def verdict_view(verdict, after_solution: bool = False) -> Text:
    """✓ correct or ✗ not yet, with the feedback (never the expected answer); a right answer given after the
    solution was shown is said to be recorded as such."""
    if verdict.correct:
        note = " (after the solution was shown: recorded as after the solution, not as solved)" if after_solution else ""
        return Text.assemble(("✓ correct", "bold green"), f" — {_strip_mark(verdict.feedback)}"
                             if _strip_mark(verdict.feedback) not in ("correct.", "") else "", note)
    return Text.assemble(("✗ not yet", "bold red"), f" — {_strip_mark(verdict.feedback)}")


def _strip_mark(feedback: str) -> str:
    return feedback[2:] if feedback[:2] in ("✓ ", "✗ ") else feedback


def hint_view(hint: str | None, number: int, total: int) -> Text:
    if hint is None:
        return Text("no more hints: type s to see the solution", style="dim")
    return Text.assemble((f"hint {number}/{total}: ", "bold magenta"), hint)


def answer_view(question) -> Group:
    """The worked explanation of one question and its answer."""
    return Group(Text(question.worked()), Text.assemble(("answer: ", "bold"), question.answer_text()))


def solution_view(problem) -> Panel:
    """The worked solution: each question, its explanation and its answer."""
    parts = [Text(problem.statement), Text("")]
    for q in problem.questions:
        parts += [Text.assemble((f"{q.number}. ", "bold"), (q.prompt, "bold")), answer_view(q), Text("")]
    return Panel(Group(*parts[:-1]), title=Text(f"solution · {problem.title}"), subtitle=Text(_heading(problem)),
                 title_align="left", subtitle_align="right", border_style="green")


def progress_table(topics) -> Table:
    """Per topic: how many problems are solved, attempted, not tried."""
    table = Table(header_style="bold", box=None, pad_edge=False, padding=(0, 2))
    table.add_column("topic")
    for name in ("✓ solved", "… attempted", "· not tried"):
        table.add_column(name, justify="right")
    totals = [0, 0, 0]
    for t in topics:
        counts = [len(t.solved), len(t.attempted), len(t.not_tried)]
        totals = [a + b for a, b in zip(totals, counts)]
        table.add_row(t.topic, *map(str, counts))
    table.add_row(Text("all topics", style="bold"), *(Text(str(n), style="bold") for n in totals))
    return table


def score_view(correct: int, asked: int) -> Text:
    return Text.assemble(("score: ", "bold"), f"{correct}/{asked} question{'s' if asked != 1 else ''} answered "
                                               "correctly")
