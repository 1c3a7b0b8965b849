"""Practice benchmarks: drawing and certifying random variants of a template.

Each case runs a fresh interpreter that imports gd's practice package, loads the template and draws the
variants of seeds 1 … VARIANTS (every requirement checked by the engine); the reference is the same
interpreter loading the template's original only. The difference is the time the variants took, reported
as variants per second besides the ratio.
"""

from __future__ import annotations

import sys

VARIANTS = 1000
TEMPLATES = ("x-squared-from-five", "quadratic-1d-two-rates", "momentum-two-steps")


def cases():
    from bench import command

    python = sys.executable
    found = []
    for template in TEMPLATES:
        load = f"from gdcli.practice import problems\np = problems.find({template!r})\n"
        draw = load + f"for seed in range(1, {VARIANTS + 1}):\n    problems.find({template!r}, seed=seed)\n"
        found.append((f"{template}: {VARIANTS} certified variants vs loading the original", 4.0,
                      command(python, "-c", draw), command(python, "-c", load), VARIANTS))
    return found
