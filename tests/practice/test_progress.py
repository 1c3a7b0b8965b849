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


@pytest.mark.parametrize("garbage", [b"not json\n", b"\xff\xfe\n", b'{"problem": 1}\n', b"[1, 2]\n"])
def test_corrupt_file_is_set_aside_never_overwritten(home, garbage):
    progress.record(Attempt("p1", 1, True, "a", 1.0))
    path = home / "progress.jsonl"
    original = path.read_bytes() + garbage
    path.write_bytes(original)
    log = progress.read()
    assert len(log.warnings) == 1 and "moved to progress.jsonl.corrupt-" in log.warnings[0]
    aside = list(home.glob("progress.jsonl.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == original      # the student's data, untouched
    assert log.attempts == [Attempt("p1", 1, True, "a", 1.0)]          # readable attempts kept
    assert progress.read().warnings == [] and progress.read().attempts == log.attempts


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
