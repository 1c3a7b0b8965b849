"""Writing where the user points: regular files atomically, devices and FIFOs straight through, never a
temporary file left behind (signals included), never two outputs on one path."""

import os
import signal
import stat
import subprocess
import sys
import threading

import pytest

from gdcli.errors import GdError
from gdcli.files.formats import write_atomic
from tests.conftest import ROOT


def gd(*args, **options):
    """`gd ARGS…` in a fresh interpreter, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "gdcli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, **options)


def one_error_line(result):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_symlink_keeps_pointing_at_the_file_it_names(tmp_path):
    (tmp_path / "real.csv").write_text("old")
    os.symlink("real.csv", tmp_path / "link.csv")
    write_atomic(tmp_path / "link.csv", "new")
    assert os.readlink(tmp_path / "link.csv") == "real.csv"
    assert (tmp_path / "real.csv").read_text() == "new"
    assert sorted(os.listdir(tmp_path)) == ["link.csv", "real.csv"]


def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "rows.csv"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    result = gd("solve", "x^2", "--start", "1", "--lr", "0.25", "--steps", "2", "--csv", fifo)
    reader.join()
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["rows.csv"]
    lines = received[0].splitlines()
    assert len(lines) == 4 and lines[1].startswith("0,") and lines[3].startswith("2,")
    # x₂ = (1 − 2·0.25)² · 1 = 0.25 for f = x², so the last row holds 0.25
    assert "0.25" in lines[3].split(",")


def test_csv_to_dev_stdout_goes_to_standard_output(tmp_path):
    result = gd("solve", "x^2", "--start", "1", "--lr", "0.25", "--steps", "2", "--csv", "/dev/stdout", "--json")
    assert result.returncode == 0, result.stderr
    document, *csv_lines = result.stdout.splitlines()
    assert document.startswith("{") and csv_lines[0].startswith("t,") and len(csv_lines) == 4


def test_dev_null_is_never_replaced():
    before = os.stat("/dev/null")
    result = gd("solve", "x^2", "--steps", "2", "--csv", "/dev/null", "--markdown", "/dev/null")
    after = os.stat("/dev/null")
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_two_outputs_on_one_path_are_refused(cli, tmp_path):
    target = tmp_path / "out.txt"
    result = cli("solve", "x^2", "--csv", target, "--markdown", target)
    assert result.exit_code == 2
    assert "--csv and --markdown name the same file" in one_error_line(result)
    pictures = cli("solve", "x^2 + y^2", "--plot", tmp_path / "p.png", "--animate", tmp_path / "." / "p.png")
    assert pictures.exit_code == 2 and "--plot and --animate" in one_error_line(pictures)
    page = cli("compare", "x^2 + y^2", "--plot", tmp_path / "c.png", "--html", tmp_path / "c.png")
    assert page.exit_code == 2 and "--plot and --html" in one_error_line(page)
    assert os.listdir(tmp_path) == []


def test_write_failure_leaves_nothing(tmp_path, monkeypatch):
    from gdcli.files import formats

    def full_disk(descriptor, payload):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(formats, "_write_all", full_disk)
    (tmp_path / "out.csv").write_text("kept")
    with pytest.raises(GdError, match="out.csv: No space left on device"):
        write_atomic(tmp_path / "out.csv", "new")
    assert os.listdir(tmp_path) == ["out.csv"] and (tmp_path / "out.csv").read_text() == "kept"


# The child writes half the CSV, says so on stdout, then waits on stdin: the signal arrives mid-write, with
# the temporary file on disk, and no sleep is needed to catch that moment.
MID_WRITE = """
import sys
from gdcli.files import formats

write = formats._write_all

def half_then_wait(descriptor, payload):
    write(descriptor, payload[:len(payload) // 2])
    print("half written", flush=True)
    sys.stdin.readline()
    write(descriptor, payload[len(payload) // 2:])

formats._write_all = half_then_wait
from gdcli.cli import main
sys.argv = ["gd", "solve", "x^2 + y^2", "--start", "1,1", "--lr", "0.001", "--steps", "20000", "--tol", "0",
            "--json", "--csv", sys.argv[1]]
main()
"""


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_mid_write_leaves_no_temporary_file(tmp_path, signal_number):
    folder = tmp_path / "out"
    folder.mkdir()
    with subprocess.Popen([sys.executable, "-c", MID_WRITE, str(folder / "rows.csv")], cwd=ROOT, text=True,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=dict(os.environ, PYTHONPATH=str(ROOT))) as child:
        for line in child.stdout:
            if line == "half written\n":
                break
        temporary = os.listdir(folder)
        assert len(temporary) == 1 and temporary[0].endswith(".tmp")  # the write is under way
        child.send_signal(signal_number)
        _, stderr = child.communicate(timeout=120)
    assert os.listdir(folder) == []
    assert "Traceback" not in stderr
    if signal_number == signal.SIGINT:
        assert child.returncode == 130
    else:
        assert child.returncode == -signal_number  # the signal still ends the process, as it would have
