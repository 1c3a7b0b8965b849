"""The class report (gdcli.practice.report) as tables, CSV and Markdown. Nothing here prints."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from gdcli.files.formats import rows_to_csv

QUESTION_HEADER = ["problem", "question", "attempts", "students", "first tries", "first-try success",
                   "most common mistakes"]


def _share(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def _mistakes(question) -> str:
    return "; ".join(f"{count}× {text}" for text, count in question.mistakes) or "—"


def question_rows(report, share=_share) -> list[list]:
    return [[q.problem, q.question, q.attempts, q.students, q.first_tries, share(q.first_try_success),
             _mistakes(q)] for q in report.questions]


def report_view(report) -> Group:
    """Per question, then per student; 80 columns wide at least."""
    questions = Table(header_style="bold", box=None, pad_edge=False, padding=(0, 1), title="per question")
    questions.add_column("problem", style="cyan", max_width=22)
    questions.add_column("q", justify="right")
    questions.add_column("tries", justify="right")
    questions.add_column("first ✓", justify="right")
    questions.add_column("most common mistakes", ratio=1, min_width=24)
    for q in report.questions:
        questions.add_row(q.problem, str(q.question), str(q.attempts),
                          f"{_share(q.first_try_success)} of {q.first_tries}", _mistakes(q))
    students = Table(header_style="bold", box=None, pad_edge=False, padding=(0, 1), title="per student")
    students.add_column("student", style="cyan", max_width=24)
    students.add_column("answers", justify="right")
    students.add_column("topics mastered", ratio=1)
    for s in report.students:
        students.add_row(s.student, str(s.attempts), ", ".join(s.topics_mastered) or "—")
    parts = [questions, Text(""), students]
    if not report.questions:
        parts.insert(0, Text("no attempts in the files read."))
    return Group(*parts)


def report_csv(report) -> str:
    """One row per question; first-try success as a fraction from 0 to 1 (empty when nobody tried)."""
    return rows_to_csv(QUESTION_HEADER, question_rows(report, lambda v: "" if v is None else v))


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def report_markdown(report) -> str:
    """Two Markdown tables: per question and per student."""
    lines = ["# Class report", "", "## Per question", "", "| " + " | ".join(QUESTION_HEADER) + " |",
             "|" + "---|" * len(QUESTION_HEADER)]
    lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in question_rows(report)]
    lines += ["", "## Per student", "", "| student | answers | topics mastered |", "|---|---|---|"]
    lines += [f"| {_cell(s.student)} | {s.attempts} | {_cell(', '.join(s.topics_mastered) or '—')} |"
              for s in report.students]
    if report.skipped:
        lines += ["", "## Files skipped", ""] + [f"- {_cell(line)}" for line in report.skipped]
    return "\n".join(lines) + "\n"
