"""`gd learn` driven on a pseudo-terminal of 24 × 80 as a student would: a gate opens after three right first
tries in a row, a revealed solution resets the streak, quitting and resuming keeps the place."""

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

import pytest

from gdcli.practice import course, problems
from gdcli.practice.variants import seed_of
from tests.conftest import ROOT

ANSI = re.compile(rb"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78MDE])")
ROWS, COLS = 24, 80
WAIT = 120.0
TEMPLATE = "quadratic-1d-two-rates"


class Student:
    """`python -m gdcli learn ARGS` on a pseudo-terminal, its controlling terminal."""

    def __init__(self, env: dict, *args: str):
        self.master, self.slave = pty.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.process = subprocess.Popen([sys.executable, "-m", "gdcli", "learn", *args], stdin=self.slave,
                                        stdout=self.slave, stderr=self.slave, env=env, cwd=str(ROOT),
                                        preexec_fn=os.setsid)
        self.raw = b""
        self.mark = 0

    def text(self) -> str:
        return ANSI.sub(b"", self.raw).decode("utf-8", "replace").replace("\r\n", "\n")

    def expect(self, pattern: str) -> str:
        """The output since the last expect once it shows ``pattern`` (a regular expression)."""
        while True:
            found = re.search(pattern, self.text()[self.mark:])
            if found:
                seen = self.text()[self.mark:self.mark + found.end()]
                self.mark += found.end()
                return seen
            ready, _, _ = select.select([self.master], [], [], WAIT)
            assert ready, f"gd learn stopped before showing {pattern!r}; it shows:\n{self.text()[-3000:]}"
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                chunk = b""
            assert chunk, f"gd learn ended before showing {pattern!r}; it shows:\n{self.text()[-3000:]}"
            self.raw += chunk

    def send(self, line: str) -> None:
        os.write(self.master, line.encode("utf-8") + b"\r")

    def close(self) -> int:
        code = self.process.wait(timeout=WAIT)
        os.close(self.master)
        os.close(self.slave)
        return code


@pytest.fixture
def classroom(tmp_path):
    """A two-topic course whose first topic draws on TEMPLATE (the second on another), and a fresh progress store."""
    folder = tmp_path / "course"
    folder.mkdir()
    for number, name, template in ((1, "first", TEMPLATE), (2, "second", "x-squared-from-five")):
        (folder / f"0{number}-{name}.toml").write_text(
            f'title = "The {name} topic"\ntext = "What the {name} topic is about."\n'
            f'demo = ["solve", "(x-3)^2", "--start", "0", "--lr", "0.1", "--steps", "2"]\n'
            f'templates = ["{template}"]\n', encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), GDCLI_COURSE=str(folder), GDCLI_HOME=str(tmp_path / "home"),
               TERM="dumb", NO_COLOR="1", COLUMNS=str(COLS), LINES=str(ROWS))
    env.pop("GD_WIDTH")  # the suite's fixed width: here the terminal's own 80 columns hold
    opened = []

    def start(*args):
        opened.append(Student(env, *args))
        return opened[-1]

    yield start, env
    for student in opened:
        if student.process.poll() is None:
            student.process.kill()
            student.process.wait()


def variant(k: int):
    """The k-th new variant gd learn shows in topic "first" (variant seeds "learn:first:k")."""
    return problems.find(TEMPLATE, seed=seed_of(f"learn:first:{k}"))


def course_map(env) -> list[dict]:
    result = subprocess.run([sys.executable, "-m", "gdcli", "learn", "map", "--json"], capture_output=True,
                            env=env, cwd=str(ROOT), timeout=WAIT, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def screens_of(student) -> list[str]:
    """What the student sees at each stop: the topic's screen, then each page of its demonstration, each from the
    line after the previous answer down to its prompt."""
    found = [student.expect(r"Enter: the demonstration · q: quit")]
    while "Enter: practice" not in found[-1]:
        student.send("")
        found.append(student.expect(r"(Enter: more|Enter: practice) · q: quit").split("\n", 1)[1])
    return found


def open_first_topic(student) -> str:
    screen = screens_of(student)[0]
    student.send("")
    student.expect(r"answer \(\? hint")
    return screen


def test_three_right_first_tries_open_the_next_topic(classroom):
    start, env = classroom
    assert [t["state"] for t in course_map(env)] == ["open", "locked"]
    student = start()
    screen = open_first_topic(student)
    assert "topic 1/2 · The first topic" in screen and "streak 0/3" in screen
    assert max(len(line) for line in screen.splitlines()) <= COLS
    questions = variant(1).questions
    for number in (1, 2, 3):
        student.send(questions[number - 1].answer_text())
        if number < 3:
            student.expect(rf"streak: {number}/3")
            student.expect(r"answer \(\? hint")
    student.expect(r"gate passed")
    student.expect(r"next topic: The second topic")
    student.expect(r"Enter: the demonstration")
    student.send("q")
    student.expect("your place is kept")
    assert student.close() == 0
    assert [(t["state"], t["streak"]) for t in course_map(env)] == [("mastered", 3), ("open", 0)]


def test_a_revealed_solution_resets_the_streak(classroom):
    start, env = classroom
    student = start()
    open_first_topic(student)
    questions = variant(1).questions
    student.send(questions[0].answer_text())
    student.expect(r"streak: 1/3")
    student.expect(r"answer \(\? hint")
    student.send("s")
    student.expect(r"streak: 0/3")
    student.expect(r"answer \(\? hint")
    student.send("q")
    assert student.close() == 0
    assert [(t["state"], t["streak"]) for t in course_map(env)] == [("open", 0), ("locked", 0)]


def test_quitting_and_resuming_keeps_the_place_and_never_repeats_a_variant(classroom):
    start, env = classroom
    student = start()
    open_first_topic(student)
    student.send(variant(1).questions[0].answer_text())
    student.expect(r"streak: 1/3")
    student.expect(r"answer \(\? hint")
    student.send("q")
    student.expect("your place is kept")
    assert student.close() == 0

    again = start()
    screen = open_first_topic(again)
    assert "The first topic" in screen and "streak 1/3" in screen
    second = variant(2)
    assert second.seed != variant(1).seed  # and the answers below are right only for this new variant
    for number in (1, 2):
        again.send(second.questions[number - 1].answer_text())
        if number == 1:
            again.expect(r"streak: 2/3")
            again.expect(r"answer \(\? hint")
    again.expect(r"gate passed")
    again.expect(r"Enter: the demonstration")
    again.send("q")
    assert again.close() == 0
    assert course_map(env)[0]["state"] == "mastered"


def test_a_locked_topic_needs_the_gate_or_no_gates(classroom, cli):
    start, env = classroom
    result = subprocess.run([sys.executable, "-m", "gdcli", "learn", "second"], capture_output=True, env=env,
                            cwd=str(ROOT), timeout=WAIT, text=True)
    assert result.returncode == 2 and "locked" in result.stderr and "Traceback" not in result.stderr
    student = start("second", "--no-gates")
    assert "topic 2/2 · The second topic" in student.expect(r"Enter: the demonstration")
    student.send("q")
    assert student.close() == 0


@pytest.mark.slow
@pytest.mark.parametrize("topic", [t.id for t in course.read_course()])
def test_each_topic_s_explanation_and_demonstration_fit_screens_of_80_by_24(topic, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), GDCLI_HOME=str(tmp_path / "home"), TERM="dumb", NO_COLOR="1",
               COLUMNS=str(COLS), LINES=str(ROWS))
    env.pop("GDCLI_COURSE", None)
    env.pop("GD_WIDTH")
    student = Student(env, topic, "--no-gates")
    try:
        screens = screens_of(student)
        practice = []  # then the first problem, a page at a time, down to its first answer prompt
        while not practice or "answer (? hint" not in practice[-1]:
            student.send("")
            practice.append(student.expect(r"(Enter: more · q: quit|answer \(\? hint)").split("\n", 1)[1])
        student.send("q")
        assert student.close() == 0
    finally:
        if student.process.poll() is None:
            student.process.kill()
            student.process.wait()
    shown = next(t for t in course.read_course() if t.id == topic)
    assert shown.title in screens[0] and shown.text.splitlines()[-1].strip() in screens[0]
    assert f"$ gd {shown.demo[0]}" in screens[1]
    for screen in screens + practice:
        rows = screen.split("\n")
        assert len(rows) <= ROWS, f"{len(rows)} rows:\n{screen}"
        assert max(len(row) for row in rows) <= COLS, screen
    assert "the demonstration could not run" not in "".join(screens)


def test_a_course_sharing_a_template_between_topics_is_one_line_naming_both_files(tmp_path, monkeypatch, cli):
    for number in (1, 2):
        (tmp_path / f"0{number}-t{number}.toml").write_text(
            f'title = "T{number}"\ntext = "words"\ndemo = ["solve", "x^2"]\ntemplates = ["{TEMPLATE}"]\n',
            encoding="utf-8")
    monkeypatch.setenv("GDCLI_COURSE", str(tmp_path))
    monkeypatch.setenv("GDCLI_HOME", str(tmp_path / "home"))
    result = cli("learn", "map")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "02-t2.toml: templates:" in result.stderr and "01-t1.toml" in result.stderr
