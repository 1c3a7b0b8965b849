"""A student's attempts handed in as one file, and a class report read from many such files.

The hand-in file (``gd practice progress --export FILE``) is JSON::

    {"format": "gd-practice-attempts", "version": 1, "student": "ann",
     "attempts": [{"problem": "...", "question": 2, "correct": false, "answer": "...", "time": ...,
                   "seed": 7, "mistake": "that is a step uphill ..."}, ...]}

each attempt as the progress log stores it (gdcli.practice.progress.Attempt), with the variant's seed.

The report counts, per question: attempts, students, first-try success — the share of (student, variant)
pairs whose first record was a right answer (a solution revealed first is a first try missed) — and the named
mistakes of wrong answers, most common first; per student, the topics mastered (every problem of the topic
solved, gdcli.practice.progress.state_of).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gdcli.errors import GdError
from gdcli.files.reading import UnreadableFile, read_regular
from gdcli.files.text import printable
from gdcli.practice.progress import SOLUTION_SHOWN, Attempt, by_topic

FORMAT = "gd-practice-attempts"
VERSION = 1
MAX_HAND_IN = 16 * 1024 * 1024
TOP_MISTAKES = 3


def hand_in(attempts: list[Attempt], student: str | None) -> bytes:
    """The hand-in file of ``attempts`` (JSON, UTF-8)."""
    records = [json.loads(a.line()) for a in attempts]
    document = {"format": FORMAT, "version": VERSION, "student": student, "attempts": records}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@dataclass
class HandIn:
    """One student's attempts: the student's name (the file's stem when it names none)."""

    student: str
    attempts: list[Attempt]


def read_hand_in(path: str | os.PathLike) -> HandIn:
    """A hand-in file, checked; GdError naming the file and its fault otherwise."""
    shown = printable(str(path))
    try:
        raw = read_regular(Path(path), MAX_HAND_IN, "hand-in file")
    except UnreadableFile as error:
        raise GdError(f"{shown}: {error.reason}") from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise GdError(f"{shown}: not JSON text") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise GdError(f"{shown}: not a gd hand-in file (gd practice progress --export writes them)")
    if document.get("version") != VERSION:
        raise GdError(f"{shown}: hand-in version {printable(str(document.get('version')))}; this gd reads {VERSION}")
    student, records = document.get("student"), document.get("attempts")
    if not isinstance(records, list) or not (student is None or isinstance(student, str)):
        raise GdError(f"{shown}: 'attempts' must be a list and 'student' a text")
    attempts = []
    for number, record in enumerate(records, start=1):
        try:
            attempts.append(Attempt.of(record))
        except TypeError as error:
            raise GdError(f"{shown}: attempt {number}: {error}") from None
    return HandIn(printable(student or Path(path).stem, False), attempts)


@dataclass
class QuestionReport:
    """One question of the bank across the class."""

    problem: str
    question: int
    attempts: int = 0
    students: int = 0
    first_tries: int = 0
    first_right: int = 0
    mistakes: list[tuple[str, int]] = field(default_factory=list)

    @property
    def first_try_success(self) -> float | None:
        return self.first_right / self.first_tries if self.first_tries else None

    def to_dict(self) -> dict:
        return {"problem": self.problem, "question": self.question, "attempts": self.attempts,
                "students": self.students, "first_tries": self.first_tries,
                "first_try_success": self.first_try_success,
                "mistakes": [{"mistake": m, "count": n} for m, n in self.mistakes]}


@dataclass
class StudentReport:
    student: str
    attempts: int
    topics_mastered: list[str]

    def to_dict(self) -> dict:
        return {"student": self.student, "attempts": self.attempts, "topics_mastered": self.topics_mastered}


@dataclass
class ClassReport:
    questions: list[QuestionReport]
    students: list[StudentReport]
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"questions": [q.to_dict() for q in self.questions], "students": [s.to_dict() for s in self.students],
                "skipped": self.skipped}


def class_report(paths, problems) -> ClassReport:
    """The report over the hand-in files ``paths`` (a file that cannot be read is named in ``skipped``);
    ``problems`` (the bank) gives the topics."""
    hand_ins, skipped = [], []
    for path in paths:
        try:
            hand_ins.append(read_hand_in(path))
        except GdError as error:
            skipped.append(str(error))
    return ClassReport(question_reports(hand_ins), [student_report(h, problems) for h in hand_ins], skipped)


def question_reports(hand_ins: list[HandIn]) -> list[QuestionReport]:
    """Per question: attempts, students, first tries and their successes, named mistakes by count."""
    reports: dict[tuple[str, int], QuestionReport] = {}
    mistakes: dict[tuple[str, int], Counter] = {}
    for index, entry in enumerate(hand_ins):
        first: dict[tuple, Attempt] = {}
        for attempt in sorted(entry.attempts, key=lambda a: a.time):
            key = (attempt.problem, attempt.question)
            report = reports.setdefault(key, QuestionReport(*key))
            report.attempts += not _is_reveal(attempt)
            first.setdefault((*key, attempt.seed), attempt)
            if attempt.mistake and not attempt.correct:
                mistakes.setdefault(key, Counter())[attempt.mistake] += 1
        for key in {k[:2] for k in first}:
            reports[key].students += 1
        for (problem, question, _), attempt in first.items():
            report = reports[(problem, question)]
            report.first_tries += 1
            report.first_right += attempt.correct
    for key, report in reports.items():
        counted = mistakes.get(key, Counter())
        report.mistakes = sorted(counted.items(), key=lambda item: (-item[1], item[0]))[:TOP_MISTAKES]
    return sorted(reports.values(), key=lambda r: (r.problem, r.question))


def _is_reveal(attempt: Attempt) -> bool:
    return attempt.answer == SOLUTION_SHOWN


def student_report(entry: HandIn, problems) -> StudentReport:
    """The topics of the bank whose every problem the student solved."""
    mastered = [t.topic for t in by_topic(problems, entry.attempts) if not t.attempted and not t.not_tried]
    answered = sum(not _is_reveal(a) for a in entry.attempts)
    return StudentReport(entry.student, answered, mastered)
