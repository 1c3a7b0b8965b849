"""Benchmarks: each path timed against a reference measured in the same run, printed as a ratio.

    python scripts/bench.py            # every case
    python scripts/bench.py rosenbrock # cases whose name contains the word

A ratio is time(candidate) / time(reference), each the best of several repeats (more for the commands that
take well under a second, whose minimum needs more tries to settle), the two sides alternating, so a shared,
noisy machine slows both sides alike. A case passes when its ratio is at most its target. Other modules in scripts/ named
bench_*.py add cases through a function ``cases()`` returning (name, target, candidate, reference) tuples; a
fifth entry, a count of items the candidate makes beyond the reference, adds items per second to the line.

Memory cases (memory_cases) print the peak memory of a command beyond the same command on a tiny input, as a
ratio to the bytes of data the command keeps; their inputs are generated in a temporary folder.
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

Case = tuple  # (name, target, candidate, reference) or (…, count): count items per candidate run, reported per second


def best_times(candidate: Callable[[], object], reference: Callable[[], object], repeats: int) -> tuple[float, float]:
    """The best time of each over ``repeats`` runs, the two alternating so that a busy spell slows both."""
    best = [math.inf, math.inf]
    for _ in range(repeats):
        for side, function in enumerate((reference, candidate)):
            start = time.perf_counter()
            function()
            best[side] = min(best[side], time.perf_counter() - start)
    return best[1], best[0]


def command(*args: str, env: dict | None = None, check: bool = True) -> Callable[[], None]:
    """A zero-argument callable that runs a command in a fresh interpreter (with ``env`` added to the environment)."""
    environment = dict(os.environ, **(env or {}))

    def run() -> None:
        subprocess.run(args, check=check, capture_output=True, env=environment)
    return run


CHAIN = " + ".join(f"100*(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, 100))
"""The 100-variable chained Rosenbrock function as a user types it."""

CACHE = tempfile.mkdtemp(prefix="gd-bench-cache-")
"""The derivation cache of every gd command timed here (GDCLI_CACHE), so the user's own cache is left alone."""
PROGRESS = tempfile.mkdtemp(prefix="gd-bench-home-")
"""Where `gd practice check` records attempts here (GDCLI_HOME)."""


QUICK_REPEATS = 11
"""Repeats of each side of a case whose candidate takes well under a second (a warm gd command)."""


def quick(run: Callable[[], None]) -> Callable[[], None]:
    """``run``, timed QUICK_REPEATS times (with its reference)."""
    run.repeats = QUICK_REPEATS
    return run


def gd_command(*args: str, cold: bool = False, check: bool = True) -> Callable[[], None]:
    """`gd ARGS…` in a fresh interpreter, as an installed gd runs (its bytecode cached, like SymPy's: so
    PYTHONDONTWRITEBYTECODE is cleared); warm (main runs it once untimed, filling the derivation cache:
    ``warm_up``) unless ``cold``, which empties the derivation cache before every run."""
    run = command(sys.executable, "-m", "gdcli", *args,
                  env={"GDCLI_CACHE": CACHE, "GDCLI_HOME": PROGRESS, "PYTHONDONTWRITEBYTECODE": ""}, check=check)
    if not cold:
        run.warm_up = run
        return quick(run)

    def cold_run() -> None:
        shutil.rmtree(CACHE, ignore_errors=True)
        run()
    return cold_run


# ---------------------------------------------------------------------------------------------------------
# engine cases


ROSENBROCK_STEPS = 20_000


def rosenbrock_by_hand(x: float = -1.2, y: float = 1.0, lr: float = 0.0005, steps: int = ROSENBROCK_STEPS):
    """What a student would write: f, ∇f and the gd step over Python floats, keeping every row."""
    rows = []
    for t in range(steps + 1):
        f = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        gx = -2 * (1 - x) - 400 * x * (y - x * x)
        gy = 200 * (y - x * x)
        gn = math.sqrt(gx * gx + gy * gy)
        rows.append((t, f, gn, lr, x, y, gx, gy))
        if gn <= 1e-8 or t == steps:
            break
        x -= lr * gx
        y -= lr * gy
    return rows


def engine_cases() -> list[Case]:
    import numpy as np

    from gdcli.engine.functions import CATALOG
    from gdcli.engine.objective import Objective
    from gdcli.engine.optimizers import make_optimizer
    from gdcli.engine.run import run
    from gdcli.engine.stability import path_curvature

    rosenbrock = Objective.parse("rosenbrock")
    gd = make_optimizer("gd")

    def engine() -> None:
        run(rosenbrock, gd, np.array([-1.2, 1.0]), 0.0005, steps=ROSENBROCK_STEPS)

    engine()  # compile once: the comparison is per step

    def ten_thousand() -> object:
        return run(rosenbrock, gd, np.array([-1.2, 1.0]), 0.001, steps=10_000)

    kept = ten_thousand()

    def curvature() -> None:
        path_curvature(kept)  # compiles ∇²f over arrays afresh each time, so that cost is counted
    naive = (
        "import sympy, numpy\n"
        f"f = sympy.sympify({CHAIN.replace('^', '**')!r})\n"
        "v = sorted(f.free_symbols, key=lambda s: int(s.name[1:]))\n"
        "g = sympy.lambdify(v, [f.diff(s) for s in v]); h = sympy.lambdify(v, sympy.hessian(f, v))\n"
        "x = numpy.full(100, 1.0)\n"
        "for _ in range(200): x = x - 0.0005 * numpy.array(g(*x))\n"
        "numpy.linalg.eigvalsh(numpy.array(h(*x), dtype=float))\n"
    )
    python = sys.executable
    floor = command(python, "-c", "import sympy, numpy, typer, rich")
    sympy = command(python, "-c", "import sympy")
    adam = ("solve", "rosenbrock", "--optimizer", "adam", "--lr", "0.02", "--steps", "3000")
    check = ("practice", "check", "quadratic-1d-two-rates", "--question", "2", "--answer", "0.6, 1.08, 1.464, 1.7712")
    return [
        ("rosenbrock: 20k gd steps, generated loop vs hand-written floats", 1.5, engine, rosenbrock_by_hand),
        ("rosenbrock: curvature along the path of 10k gd steps vs the run itself", 0.2, curvature, ten_thousand),
        ("gd --help (with shell completion) vs import typer, rich", 2.0,
         quick(command(python, "-m", "gdcli", "--help")), command(python, "-c", "import typer, rich")),
        ("gd solve (default example), cold cache, vs import sympy, numpy, typer, rich", 1.4,
         gd_command("solve", cold=True), floor),
        ("gd solve (default example), warm cache, vs import sympy", 0.6, gd_command("solve"), sympy),
        ("gd solve rosenbrock --optimizer adam --lr 0.02 --steps 3000, warm cache, vs import sympy", 0.6,
         gd_command(*adam), sympy),
        ("gd practice check (a problem checked once), warm cache, vs import sympy", 0.6, gd_command(*check), sympy),
        *((f"gd analyze {f.name}, cold cache, vs import sympy, numpy, typer, rich", 2.0,
           gd_command("analyze", f.name, cold=True), floor) for f in CATALOG),
        ("100-variable chained Rosenbrock, with stability, vs sympify+hessian+lambdify", 0.2,
         command(python, "-m", "gdcli", "solve", CHAIN, "--lr", "0.0005", "--steps", "200", "--json"),
         command(python, "-c", naive)),
    ]


# ---------------------------------------------------------------------------------------------------------
# memory cases: peak resident memory of a command beyond the same command on a tiny input, as a ratio to the
# bytes of data the command keeps

MemoryCase = tuple[str, float, Callable[[Path], tuple[list[str], list[str], int]]]
"""(name, target, set-up): the set-up writes its inputs into a temporary folder and returns the candidate's
arguments of gd, the reference's (the same on a tiny input) and the bytes of data the candidate keeps."""


PEAK = """
import sys
from gdcli.cli import main
try:
    main()
finally:
    with open("/proc/self/status") as status:
        sys.stderr.write("\\nVmHWM " + next(line for line in status if line.startswith("VmHWM")).split()[1] + "\\n")
"""
"""Runs gd and reports on its last stderr line the high-water mark of its own memory (VmHWM, in kB). Read in
the child: the rusage of a child also counts the parent's memory, copied in before the exec."""


def peak_memory(args: list[str]) -> int:
    """Peak resident set size in bytes of `gd ARGS…` run in a fresh interpreter (Linux)."""
    # no derivation cache: with one, a command on an objective not seen since gd's code changed imports SymPy
    # and its reference may not, and the difference is SymPy, not the data
    result = subprocess.run([sys.executable, "-c", PEAK, *args], capture_output=True, text=True, cwd=ROOT,
                            env=dict(os.environ, GDCLI_CACHE="off"))
    last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    if result.returncode != 0 or not last.startswith("VmHWM "):
        raise RuntimeError(f"gd {' '.join(args[:3])} … failed: {result.stderr[-300:]}")
    return int(last.split()[1]) * 1024


FIT_ROWS = 2_000_000


def fit_memory(folder: Path) -> tuple[list[str], list[str], int]:
    """gd fit on a generated CSV of FIT_ROWS rows (two features and a target); it keeps 3 columns of floats."""
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(FIT_ROWS, 2))
    table = np.column_stack([X, X @ [1.5, -2.0] + 0.3 + rng.normal(scale=0.1, size=FIT_ROWS)])
    big, tiny = folder / "big.csv", folder / "tiny.csv"
    np.savetxt(big, table, delimiter=",", header="a,b,y", comments="", fmt="%.17g")
    np.savetxt(tiny, table[:4], delimiter=",", header="a,b,y", comments="", fmt="%.17g")
    fit = ["fit", "--target", "y", "--epochs", "2"]
    return [*fit, str(big)], [*fit, str(tiny)], table.nbytes


SWEEP_RUNS = 100_000


def sweep_memory(folder: Path) -> tuple[list[str], list[str], int]:
    """gd sweep of SWEEP_RUNS learning rates on a 2-variable bowl; per run it keeps α, the status, the steps,
    the final x (2 numbers), f and ‖∇f‖: 7 numbers of 8 bytes."""
    sweep = ["sweep", "x^2 + 4*y^2", "--steps", "200", "--num"]
    return [*sweep, str(SWEEP_RUNS)], [*sweep, "2"], SWEEP_RUNS * 7 * 8


def memory_cases() -> list[MemoryCase]:
    return [(f"gd fit on a {FIT_ROWS:,}-row CSV: peak memory beyond a 4-row fit / data kept", 5.0, fit_memory),
            (f"gd sweep --num {SWEEP_RUNS:,} --steps 200: peak memory beyond --num 2 / data kept", 20.0,
             sweep_memory)]


def run_memory(words: list[str]) -> int:
    """Print each memory case's ratio; the number of cases above their target."""
    failures = 0
    for name, target, setup in memory_cases():
        if words and not any(w in name.lower() for w in words):
            continue
        with tempfile.TemporaryDirectory(prefix="gd-bench-") as folder:
            candidate, reference, kept = setup(Path(folder))
            extra = peak_memory(candidate) - peak_memory(reference)
        ratio = extra / kept
        failures += ratio > target
        print(f"{ratio:7.3f} {target:7.2f}  {extra / 2**20:8.1f}MB {kept / 2**20:8.1f}MB  {name} "
              f"[{'ok' if ratio <= target else 'LARGE'}]", flush=True)
    return failures


def all_cases() -> list[Case]:
    cases = engine_cases()
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases += module.cases()
    return cases


def main(argv: list[str]) -> int:
    words = [w.lower() for w in argv]
    failures = 0
    print(f"{'ratio':>7} {'target':>7}  {'candidate':>10} {'reference':>10}  case")
    for name, target, candidate, reference, *count in all_cases():
        if words and not any(w in name.lower() for w in words):
            continue
        slow = "100-variable" in name or bool(count)
        repeats = 1 if slow else getattr(candidate, "repeats", 5)
        getattr(candidate, "warm_up", lambda: None)()
        candidate_time, reference_time = best_times(candidate, reference, repeats)
        ratio = candidate_time / reference_time
        verdict = "ok" if ratio <= target else "SLOW"
        failures += ratio > target
        rate = f" ({count[0] / max(candidate_time - reference_time, 1e-9):,.0f} per second)" if count else ""
        print(f"{ratio:7.3f} {target:7.2f}  {candidate_time:9.4f}s {reference_time:9.4f}s  {name}{rate} [{verdict}]",
              flush=True)
    print(f"{'ratio':>7} {'target':>7}  {'extra':>10} {'kept':>10}  memory case")
    failures += run_memory(words)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
