"""Saved progress: an append-only log under GDCLI_HOME; corrupt files set aside; concurrent writers lose nothing."""

import json
import os
import subprocess
import sys
import threading

import pytest

from gdcli.practice import progress
from gdcli.practice.progress import Attempt
from tests.conftest import ROOT


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GDCLI_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_home_override_and_round_trip(home):
    assert progress.data_directory() == home
    assert progress.read().attempts == []
    progress.record(Attempt("p1", 1, True, "0.2", 1.0))
    progress.record(Attempt("p1", 2, False, "1/5 ✗", 2.0))
    log = progress.read()
    assert log.warnings == []
    assert log.attempts == [Attempt("p1", 1, True, "0.2", 1.0), Attempt("p1", 2, False, "1/5 ✗", 2.0)]
    lines = (home / "progress.jsonl").read_text().splitlines()
    assert [json.loads(line)["question"] for line in lines] == [1, 2]


def test_default_directory_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("GDCLI_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert progress.data_directory() == tmp_path / "gdcli"


GARBAGE = [
    b"not json\n", b"\xff\xfe\n", b'{"problem": 1}\n', b"[1, 2]\n",
    b'{"problem": "p", "question": 1, "correct": true, "answer": 5}\n',          # a non-text answer
    b'{"problem": "p", "question": true, "correct": true}\n',                     # a flag for a number
    b'{"problem": "p", "question": 1, "correct": true, "time": "noon"}\n',
    b"[" * 100_000 + b"]" * 100_000 + b"\n",                                       # nested past any stack
]


@pytest.mark.parametrize("garbage", GARBAGE, ids=range(len(GARBAGE)))
def test_corrupt_log_is_repaired_in_place_and_kept_as_it_was(home, garbage):
    progress.record(Attempt("p1", 1, True, "a", 1.0))
    path = home / "progress.jsonl"
    original = path.read_bytes() + garbage
    path.write_bytes(original)
    inode = path.stat().st_ino
    log = progress.read()
    assert len(log.warnings) == 1 and "1 unreadable line" in log.warnings[0]
    aside = list(home.glob("progress.jsonl.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == original      # the student's file, untouched
    assert aside[0].name in log.warnings[0]
    assert log.attempts == [Attempt("p1", 1, True, "a", 1.0)]          # readable attempts kept
    assert path.stat().st_ino == inode                                 # the live log was never renamed
    assert progress.read().warnings == [] and progress.read().attempts == log.attempts
    progress.record(Attempt("p1", 2, False, "b", 2.0))
    assert progress.read().attempts == [*log.attempts, Attempt("p1", 2, False, "b", 2.0)]


def test_a_last_line_without_newline_is_not_glued_to_the_next(home):
    path = home / "progress.jsonl"
    home.mkdir()
    path.write_bytes(b'{"problem": "p", "question": 1, "correct": true, "answer": "x", "time": 1.0}')
    progress.record(Attempt("p", 2, True, "y", 2.0))
    log = progress.read()
    assert log.warnings == [] and [a.question for a in log.attempts] == [1, 2]


def test_a_full_disk_during_the_repair_leaves_the_log_as_it_was(home, monkeypatch):
    from gdcli.files import formats

    progress.record(Attempt("p1", 1, True, "a", 1.0))
    path = home / "progress.jsonl"
    path.write_bytes(path.read_bytes() + b"garbage\n")
    original = path.read_bytes()

    def full_disk(descriptor, payload):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(formats, "_write_all", full_disk)
    log = progress.read()
    assert path.read_bytes() == original and sorted(os.listdir(home)) == ["progress.jsonl"]
    assert log.attempts == [Attempt("p1", 1, True, "a", 1.0)]
    assert len(log.warnings) == 1 and "left as it is" in log.warnings[0] and "No space left" in log.warnings[0]


def test_an_answer_that_is_not_utf8_is_recorded(home):
    progress.record(Attempt("p", 1, False, "0.5\udcff", 1.0))   # how Python spells the byte 0xff of argv
    log = progress.read()
    assert log.warnings == [] and log.attempts[0].answer == "0.5\ufffd"


def _append(home, worker, count, barrier):
    os.environ["GDCLI_HOME"] = str(home)
    barrier.wait()
    for i in range(count):
        progress.record(Attempt(f"w{worker}", i + 1, True, "x"))


def _repair(home, barrier):
    os.environ["GDCLI_HOME"] = str(home)
    barrier.wait()
    for _ in range(20):
        progress.read()


def test_concurrent_writers_racing_a_repair_lose_nothing(home):
    import multiprocessing

    home.mkdir()
    path = home / "progress.jsonl"
    path.write_bytes(b'{"problem": "old", "question": 1, "correct": true}\n' + b"garbage\n" * 50)
    context = multiprocessing.get_context("spawn")
    writers, count = 3, 150
    barrier = context.Barrier(writers + 2)
    processes = [context.Process(target=_append, args=(home, w, count, barrier)) for w in range(writers)]
    processes += [context.Process(target=_repair, args=(home, barrier)) for _ in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * len(processes)
    log = progress.read()
    assert log.warnings == []
    assert {(a.problem, a.question) for a in log.attempts} == (
        {("old", 1)} | {(f"w{w}", i + 1) for w in range(writers) for i in range(count)})
    assert len(log.attempts) == writers * count + 1


def test_threads_appending_at_once_lose_nothing(home):
    def write(worker):
        for i in range(200):
            progress.record(Attempt(f"w{worker}", i + 1, i % 2 == 0, "x" * (i % 50)))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log = progress.read()
    assert log.warnings == [] and len(log.attempts) == 800
    assert {(a.problem, a.question) for a in log.attempts} == {(f"w{w}", i + 1) for w in range(4) for i in range(200)}


def test_two_processes_appending_at_once_lose_nothing(home):
    code = ("import sys\nfrom gdcli.practice.progress import Attempt, record\n"
            "for i in range(300): record(Attempt(sys.argv[1], i + 1, True, 'y' * 100))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), GDCLI_HOME=str(home))
    procs = [subprocess.Popen([sys.executable, "-c", code, name], env=env) for name in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    log = progress.read()
    assert log.warnings == [] and len(log.attempts) == 600


def test_solved_attempted_not_tried_by_topic(home):
    from types import SimpleNamespace as P

    bank = [P(id="a", topic="t1", questions=[1, 2]), P(id="b", topic="t1", questions=[1]),
            P(id="c", topic="t2", questions=[1])]
    attempts = [Attempt("a", 1, True), Attempt("a", 2, False), Attempt("a", 2, True), Attempt("b", 1, False)]
    topics = {t.topic: t for t in progress.by_topic(bank, attempts)}
    assert topics["t1"].solved == ["a"] and topics["t1"].attempted == ["b"]
    assert topics["t2"].not_tried == ["c"]


def test_unwritable_home_is_a_user_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("GDCLI_HOME", str(blocker / "sub"))
    from gdcli.errors import GdError
    with pytest.raises(GdError, match="cannot save progress"):
        progress.record(Attempt("p", 1, True))
