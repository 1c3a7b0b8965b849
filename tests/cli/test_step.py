"""`gd step`: printed frames through CliRunner, and the interactive screen driven through a pseudo-terminal.

Numbers on screen are checked against closed forms: gd on x² + 4y² from (3, 3) with step α multiplies x by
(1 − 2α) and y by (1 − 8α) each step.
"""

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

import pytest
from rich.cells import cell_len

from tests.conftest import ROOT, run_python

ANSI = re.compile(rb"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78MDE])")
ROWS, COLS = 40, 100
"""The pseudo-terminal's size."""
WAIT = 120.0
"""Generous limit on waiting for expected output (a failure guard, not a timing assertion)."""


def test_frames_print_successive_views(cli):
    result = cli("step", "--frames", "3")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert [int(k) for k in re.findall(r"step (\d+)/20", out)] == [0, 1, 2]
    assert "x₀ = (3, 3): the start" in out
    assert "x₁ = x₀ − α·g₀ = (3, 3) − 0.1·(6, 24) = (2.4, 0.6)" in out   # (3·0.8, 3·0.2)
    assert "x₂ = x₁ − α·g₁ = (2.4, 0.6) − 0.1·(4.8, 4.8) = (1.92, 0.12)" in out
    assert "✓ stable" in out and "2/λmax = 0.25" in out  # λmax = 8
    assert out.count("→/space forward") == 3


def test_frames_show_adam_state(cli):
    result = cli("step", "x^2", "--start", "3", "-o", "adam", "--frames", "2")
    assert result.exit_code == 0, result.stderr
    # one step by hand: g₀ = 6, m₁ = 0.1·6, v₁ = 0.001·36, m̂₁ = 6, v̂₁ = 36, x₁ = 3 − 0.1·6/(6 + 1e-8)
    for expected in ("m ← β₁·m + (1 − β₁)·g  0.6", "v ← β₂·v + (1 − β₂)·g² 0.036", "m̂ ← m/(1 − β₁ᵗ)        6",
                     "v̂ ← v/(1 − β₂ᵗ)        36", "x₁ = x₀ − α·m̂₁/(√v̂₁ + ε) = 3 − 0.1·6/(√36 + 10⁻⁸) = 2.9"):
        assert expected in result.stdout


def test_frames_for_one_and_many_variables(cli):
    one = cli("step", "(x-2)^2", "--start", "0", "--frames", "2")
    assert one.exit_code == 0 and "x₁ = x₀ − α·g₀ = 0 − 0.1·-4 = 0.4" in one.stdout
    many = cli("step", "x^2 + y^2 + z^2", "--frames", "1")
    assert many.exit_code == 0 and "f(xₜ) for t = 0 … 20" in many.stdout


def test_without_a_terminal_one_line_and_exit_2(cli):
    result = cli("step")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("gd: error: ") and "TTY" in result.stderr


@pytest.mark.parametrize("args", [("--frames", "0"), ("--factor", "1", "--frames", "1"),
                                  ("__import__('os')", "--frames", "1"), ("--lr", "-1", "--frames", "1"),
                                  ("-o", "sgd", "--frames", "1")])
def test_bad_input_is_one_line(cli, args):
    result = cli("step", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("gd: error: ")


def test_help_imports_no_numpy():
    probe = run_python("import sys\nfrom gdcli.cli import app\ntry:\n    app(['step', '--help'])\n"
                       "except SystemExit:\n    pass\nprint('numpy' in sys.modules, 'sympy' in sys.modules)")
    assert probe.stdout.strip().endswith("False False")
    assert "Example: gd step" in probe.stdout


# the interactive screen ------------------------------------------------------------------------------------
class Terminal:
    """`python -m gdcli step ARGS` on a pseudo-terminal of ``rows`` × ``cols`` cells (40 × 100 unless given),
    its controlling terminal."""

    def __init__(self, *args: str, rows: int = ROWS, cols: int = COLS):
        self.rows, self.cols = rows, cols
        self.master, self.slave = pty.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.settings = termios.tcgetattr(self.slave)
        env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", NO_COLOR="1", GD_WIDTH=str(cols))
        env.pop("COLUMNS", None), env.pop("LINES", None)

        def controlling_terminal():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen([sys.executable, "-m", "gdcli", "step", *args], stdin=self.slave,
                                        stdout=self.slave, stderr=self.slave, env=env, cwd=str(ROOT),
                                        preexec_fn=controlling_terminal)
        self.raw = b""
        self.mark = 0

    def read(self, timeout: float = WAIT) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.raw += chunk
        return bool(chunk)

    def text(self, start: int = 0) -> str:
        return ANSI.sub(b"", self.raw[start:]).decode("utf-8", "replace")

    def send(self, keys: bytes) -> None:
        self.mark = len(self.raw)
        os.write(self.master, keys)

    def frames(self):
        """Complete frames written since the last key, oldest first, reading more as needed.

        A frame starts at cursor-home (ESC [ H) and is complete when it fills the screen: its rows, the last
        padded to its columns."""
        seen = 0
        while True:
            parts = self.raw[self.mark:].split(b"\x1b[H")[1:]
            for number, part in enumerate(parts[seen:], start=seen):
                lines = ANSI.sub(b"", part).decode("utf-8", "replace").split("\r\n")
                complete = len(lines) == self.rows and cell_len(lines[-1]) == self.cols
                if not complete and number == len(parts) - 1:
                    break  # still being written
                seen = number + 1
                if complete:  # (an incomplete frame followed by another is only a cursor move)
                    yield "\n".join(line.rstrip() for line in lines)
            assert self.read(), f"the screen stopped changing; it shows:\n{self.text(self.mark)[-3000:]}"

    def screen(self, step: int, contains: str = "") -> str:
        """The first complete frame since the last key at this step (and showing ``contains``)."""
        for frame in self.frames():
            if re.search(rf"step {step}/\d+", frame) and contains in frame:
                return frame

    def finish(self) -> int:
        """Wait for the exit code, reading what is left on the screen."""
        code = self.process.wait(timeout=WAIT)
        while self.read(0):
            pass
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def terminal():
    opened = []

    def spawn(*args, **size):
        opened.append(Terminal(*args, **size))
        return opened[-1]

    yield spawn
    for term in opened:
        term.close()


def point(screen: str, k: int) -> str:
    return re.search(rf"x{str(k).translate(str.maketrans('0123456789', '₀₁₂₃₄₅₆₇₈₉'))}\s+(\([^)]*\))",
                     screen).group(1)


def test_keys_step_back_change_alpha_and_quit(terminal):
    term = terminal("--lr", "0.1")
    first = term.screen(0)
    assert "α = 0.1" in first and point(first, 0) == "(3, 3)"
    term.send(b"\x1b[C \x1b[C")  # → space →
    third = term.screen(3)
    assert point(third, 3) == "(1.536, 0.024)"  # (3·0.8³, 3·0.2³)
    assert "x₃ = x₂ − α·g₂ = (1.92, 0.12) − 0.1·(3.84, 0.96) = (1.536, 0.024)" in third
    term.send(b"\x1b[D")  # ←
    second = term.screen(2)
    assert point(second, 2) == "(1.92, 0.12)"
    term.send(b"\x1b[C")
    assert term.screen(3) == third  # forth and back and forth: the same screen
    term.send(b"\x1b[A")  # ↑: α = 0.2, recomputed from x₀, still at step 3
    doubled = term.screen(3, "α = 0.2")
    assert "α = 0.2" in doubled and "recomputed from the start" in doubled
    assert point(doubled, 3) == "(0.648, -0.648)"  # (3·0.6³, 3·(−0.6)³)
    term.send(b"\x1b[B")  # ↓ back to α = 0.1
    assert point(term.screen(3, "α = 0.1"), 3) == "(1.536, 0.024)"
    term.send(b"r")
    assert "restarted at x₀" in term.screen(0)
    term.send(b"q")
    assert term.finish() == 0
    assert termios.tcgetattr(term.slave) == term.settings
    assert b"\x1b[?1049l" in term.raw  # left the alternate screen


def test_optimizer_cycle_and_play(terminal):
    term = terminal()
    term.screen(0)
    term.send(b"o")  # gd → momentum
    screen = term.screen(0, "momentum")
    assert "· momentum ·" in screen and "optimizer → momentum" in screen
    term.send(b"\x1b[C\x1b[C")
    screen = term.screen(2)
    # b₁ = g₀ = (6, 24), x₁ = (2.4, 0.6), g₁ = (4.8, 4.8), b₂ = 0.9·b₁ + g₁
    assert "b₂ = β·b₁ + g₁ = 0.9·(6, 24) + (4.8, 4.8) = (10.2, 26.4)" in screen
    assert point(screen, 2) == "(1.38, -2.04)"
    term.send(b"++++p")  # faster, then play: the counter advances without keys
    assert "▶ playing, 32 steps/s" in term.screen(5)
    term.send(b"pq")
    assert term.finish() == 0


def test_terminal_restored_after_q_and_ctrl_c(terminal):
    for key, code in ((b"q", 0), (b"\x03", 130)):
        term = terminal("rosenbrock", "-o", "adam")
        term.screen(0)
        during = termios.tcgetattr(term.slave)
        assert during[3] & termios.ICANON == 0  # cbreak while running
        term.send(key)
        assert term.finish() == code
        assert termios.tcgetattr(term.slave) == term.settings  # echo and line mode back as they were
        ending = b"\x1b[?1049l" + (b"gd: interrupted\r\n" if code == 130 else b"")
        assert term.raw.endswith(ending)  # back from the alternate screen, and no traceback after


def test_at_80_by_24_the_map_keeps_its_window_and_joins_the_path(terminal):
    """An 80 × 24 terminal: the picture's window and rows do not change while the iterate window fills up, the
    path between iterates is drawn with line glyphs, and every key stays on the line of its word."""
    term = terminal(rows=24, cols=80)
    screens = [term.screen(0)]
    for k in range(1, 7):
        term.send(b"\x1b[C")
        screens.append(term.screen(k))
    windows = {re.search(r"x ∈ \[[^]]*\], y ∈ \[[^]]*\]", screen).group() for screen in screens}
    assert len(windows) == 1
    legend_at = {[i for i, line in enumerate(screen.splitlines()) if line.startswith("x ∈ [")][0]
                 for screen in screens}
    assert max(legend_at) - min(legend_at) <= 1  # the picture keeps its rows (the state beside may wrap once)
    # from (3, 3) to (2.4, 0.6): y falls by 2.4 of the window's height, so the segment crosses several rows
    left = ["".join(line[:36]) for line in screens[2].splitlines()]
    assert any(glyph in line for line in left for glyph in "─│╱╲")
    for screen in screens:
        lines = screen.splitlines()
        for keys, action in (("→/space", "forward"), ("↑/↓", "α ×/÷"), ("p", "play/pause"), ("o", "optimizer"),
                             ("q", "quit")):
            assert any(f"{keys} {action}" in line for line in lines[1:4])
    term.send(b"q")
    assert term.finish() == 0


def test_at_80_by_24_the_picture_is_large_and_long_updates_break_at_operators(terminal):
    """The picture takes at least half of an 80 × 24 terminal, and Adam's update with three variables is broken
    before an "=" rather than wherever the line runs out."""
    term = terminal("x^2 + 4*y^2 + z^2", "--start", "3,3,3", "-o", "adam", rows=24, cols=80)
    term.screen(0)
    term.send(b"\x1b[C")
    lines = term.screen(1).splitlines()
    assert len(lines) <= 24 and all(cell_len(line) <= 80 for line in lines)
    legend = next(i for i, line in enumerate(lines) if line.startswith("f(xₜ) for t = 0"))
    assert legend - 4 >= 12  # below the title, two lines of keys and the notice
    # by hand: g₀ = (6, 24, 6), m̂₁ = g₀, v̂₁ = g₀², so x₁ = 3 − 0.1·g/|g| = 2.9 in each coordinate (ε = 10⁻⁸)
    first = lines.index("x₁ = x₀ − α·m̂₁/(√v̂₁ + ε) = (3, 3, 3) − 0.1·(6, 24, 6)/(√(36, 576, 36) + 10⁻⁸)")
    assert lines[first + 1] == "   = (2.9, 2.9, 2.9)"
    term.send(b"q")
    assert term.finish() == 0


def test_at_80_by_24_the_bowl_map_is_twelve_rows_or_more(terminal):
    term = terminal(rows=24, cols=80)
    for k in range(3):
        if k:
            term.send(b"\x1b[C")
        lines = term.screen(k).splitlines()
        legend = next(i for i, line in enumerate(lines) if line.startswith("x ∈ ["))
        assert legend - 4 >= 12
        assert "x₂ = x₁ − α·g₁ = (2.4, 0.6) − 0.1·(4.8, 4.8) = (1.92, 0.12)" in lines or k != 2
    term.send(b"q")
    assert term.finish() == 0
