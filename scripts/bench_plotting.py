"""Benchmarks for pictures: an animation frame drawn by blitting (gdcli.plots.animation.frames) against redrawing the
whole figure for every frame, which is what matplotlib.animation's writers do."""

from __future__ import annotations

import itertools

FRAMES = 20


def cases():
    from gdcli.engine.solution import solve
    from gdcli.plots.animation import frames, scene

    run = solve("rosenbrock", steps=400).run

    def blitted():
        for _ in itertools.islice(frames(run, most=FRAMES), FRAMES):
            pass

    def redrawn():
        figure, _, update = scene(run, None, None)
        for row in range(FRAMES):
            update(row)
            figure.canvas.draw()
            bytes(figure.canvas.buffer_rgba())

    return [(f"animation, {FRAMES} frames: blitting vs full redraws", 0.3, blitted, redrawn)]


if __name__ == "__main__":
    import time

    for name, target, candidate, reference in cases():
        def best(fn):
            times = []
            for _ in range(3):
                start = time.perf_counter()
                fn()
                times.append(time.perf_counter() - start)
            return min(times)

        ratio = best(candidate) / best(reference)
        print(f"{name}: ratio {ratio:.3f} (target {target})")
