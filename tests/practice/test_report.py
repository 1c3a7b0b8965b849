"""Hand-in files and the class report: 200 simulated students with known mistake rates, recovered."""

import json
import random

import pytest

from gdcli.practice import problems, report
from gdcli.practice.grading import answer_text
from gdcli.practice.progress import Attempt, reveal

PROBLEM, QUESTION = "shifted-bowl-one-step", 2
SEEDS = [3, 17, 29, 41]
STUDENTS = 200
RIGHT = 0.55
MISTAKE_RATES = (0.20, 0.15, 0.10)
"""The chance that a student's first try is each of the question's first three named mistakes."""


@pytest.fixture(scope="module")
def variants():
    return {s: problems.find(PROBLEM, seed=s).question(QUESTION) for s in SEEDS}


def simulate(variants, folder):
    """Each student gets a variant; the first try is right or one named mistake, drawn with the rates above, and
    graded by the real grader; a wrong first try is followed by a right one. Returns the tally made here."""
    generator = random.Random(2026)
    tally = {"first_right": 0, "mistakes": {}}
    for student in range(STUDENTS):
        seed = generator.choice(SEEDS)
        question = variants[seed]
        right = question.answer_text()
        draw, texts = generator.random(), [right]
        if draw >= RIGHT:
            index = 0 if draw < RIGHT + MISTAKE_RATES[0] else 1 if draw < RIGHT + sum(MISTAKE_RATES[:2]) else 2
            texts = [answer_text("vector", question.answer.near[index].value), right]
        attempts = []
        for moment, text in enumerate(texts):
            verdict = question.check(text)
            attempts.append(Attempt(PROBLEM, QUESTION, verdict.correct, text, float(moment), seed=seed,
                                    mistake=verdict.misconception))
        if len(texts) == 1:
            tally["first_right"] += 1
        else:
            message = question.answer.near[index].message
            tally["mistakes"][message] = tally["mistakes"].get(message, 0) + 1
        (folder / f"student-{student:03d}.json").write_bytes(report.hand_in(attempts, f"student {student}"))
    return tally


def test_the_report_recovers_the_rates_of_200_simulated_students(variants, tmp_path):
    tally = simulate(variants, tmp_path)
    made = report.class_report(sorted(tmp_path.iterdir()), [problems.find(PROBLEM)])
    assert made.skipped == []
    [row] = made.questions
    assert (row.problem, row.question, row.students, row.first_tries) == (PROBLEM, QUESTION, STUDENTS, STUDENTS)
    assert row.attempts == STUDENTS + sum(tally["mistakes"].values())
    assert row.first_right == tally["first_right"]
    assert abs(row.first_try_success - RIGHT) <= 0.06
    near = variants[SEEDS[0]].answer.near
    counted = dict(row.mistakes)
    for miss, rate in zip(near, MISTAKE_RATES):
        assert counted[miss.message] == tally["mistakes"][miss.message]
        assert abs(counted[miss.message] / STUDENTS - rate) <= 0.05
    assert [n for _, n in row.mistakes] == sorted((n for _, n in row.mistakes), reverse=True)
    assert len(made.students) == STUDENTS and all(s.attempts in (1, 2) for s in made.students)


def test_a_revealed_solution_before_any_answer_is_a_first_try_missed(variants, tmp_path):
    question = variants[SEEDS[0]]
    attempts = [reveal(PROBLEM, QUESTION, SEEDS[0], 1.0),
                Attempt(PROBLEM, QUESTION, False, question.answer_text(), 2.0, True, SEEDS[0])]
    (tmp_path / "bo.json").write_bytes(report.hand_in(attempts, None))
    made = report.class_report([tmp_path / "bo.json"], [])
    [row] = made.questions
    assert (row.first_tries, row.first_right, row.attempts) == (1, 0, 1)
    assert made.students[0].student == "bo"


def test_a_topic_is_mastered_when_every_problem_of_it_is_solved(tmp_path):
    problem = problems.find(PROBLEM)
    solved = [Attempt(PROBLEM, q.number, True, q.answer_text(), float(q.number)) for q in problem.questions]
    (tmp_path / "all.json").write_bytes(report.hand_in(solved, "cy"))
    (tmp_path / "some.json").write_bytes(report.hand_in(solved[:-1], "di"))
    made = report.class_report([tmp_path / "all.json", tmp_path / "some.json"], [problem])
    assert [(s.student, s.topics_mastered) for s in made.students] == [("cy", [problem.topic]), ("di", [])]


@pytest.mark.parametrize("content, fault", [
    (b"\xff\xfe", "not JSON text"),
    (b'{"format": "something else"}', "not a gd hand-in file"),
    (b'{"format": "gd-practice-attempts", "version": 9, "attempts": []}', "version 9"),
    (json.dumps({"format": "gd-practice-attempts", "version": 1, "attempts": [{"problem": 3}]}).encode(),
     "attempt 1"),
    (b"[1, 2]", "not a gd hand-in file"),
])
def test_malformed_and_foreign_files_are_named_and_skipped(tmp_path, content, fault):
    good = tmp_path / "good.json"
    good.write_bytes(report.hand_in([Attempt(PROBLEM, 1, True, "x", 1.0)], "eve"))
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    made = report.class_report([bad, tmp_path / "missing.json", good], [])
    assert len(made.skipped) == 2
    assert "bad.json" in made.skipped[0] and fault in made.skipped[0]
    assert "missing.json" in made.skipped[1]
    assert [s.student for s in made.students] == ["eve"]
