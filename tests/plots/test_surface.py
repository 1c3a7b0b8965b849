"""The 3-D surface panel (gdcli.plots.surface), checked through the plotted data: every facet of the surface
lies inside the z limits with nothing cut off, its heights rise with f (no flat caps, no teeth), the z axis is
labelled in f at round values, and the path is lifted onto the surface. f is written out again here."""

from __future__ import annotations

import math

import numpy as np
import pytest
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from gdcli.engine.solution import solve
from gdcli.plots.trajectory import run_figure

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def himmelblau(x, y):
    return (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2


def surface_of(run):
    figure = run_figure(run, surface=True)
    (axes,) = [ax for ax in figure.axes if ax.name == "3d"]
    (mesh,) = [c for c in axes.collections if isinstance(c, Poly3DCollection)]
    (path,) = [line for line in axes.get_lines() if line.get_gid() == "surface-path"]
    vertices = np.asarray(mesh._faces, dtype=float).reshape(-1, 3)  # every corner of every facet drawn
    return axes, vertices, path


def label_value(text: str) -> float:
    """A tick label read back as a number: 0, 0.01, −2, 10³, −10³, 5·10⁻⁴."""
    text = text.replace("−", "-")
    if "·10" in text:
        mantissa, power = text.split("·10")
        return float(mantissa) * 10.0 ** int(power.translate(SUPERSCRIPTS))
    body = text.lstrip("-")
    if body.startswith("10") and body[2:] and not body[2:].isascii():
        return (-1 if text.startswith("-") else 1) * 10.0 ** int(body[2:].translate(SUPERSCRIPTS))
    return float(text)


@pytest.fixture(scope="module")
def rosenbrock_surface():
    return surface_of(solve("rosenbrock").run)


def test_rosenbrock_surface_is_whole_inside_the_z_limits(rosenbrock_surface):
    axes, vertices, _ = rosenbrock_surface
    assert np.all(np.isfinite(vertices)), "facets masked or missing (the saw-tooth walls)"
    low, high = axes.get_zlim()
    assert np.all((vertices[:, 2] >= low) & (vertices[:, 2] <= high))


def test_rosenbrock_surface_rises_with_f_everywhere(rosenbrock_surface):
    # no height is capped: sorted by f (written out here), the heights never fall, and they rise wherever f
    # does by more than rounding — a clipped wall would give many corners of different f the same height
    _, vertices, _ = rosenbrock_surface
    f = rosenbrock(vertices[:, 0], vertices[:, 1])
    order = np.argsort(f, kind="stable")
    f, z = f[order], vertices[order, 2]
    rises = np.diff(f) > 1e-9 * (1 + np.abs(f[1:]))
    assert np.all(np.diff(z)[rises] > 0)
    assert np.all(np.abs(np.diff(z)[~rises]) < 1e-9)
    assert f[-1] > 300  # the walls are drawn to their full height (f reaches about 500 in the window)


def test_rosenbrock_z_axis_is_labelled_in_f_at_round_values(rosenbrock_surface):
    axes, vertices, _ = rosenbrock_surface
    f = rosenbrock(vertices[:, 0], vertices[:, 1])
    ticks = [(float(z), label_value(label.get_text()))
             for z, label in zip(axes.zaxis.get_ticklocs(), axes.zaxis.get_ticklabels())]
    assert len(ticks) >= 3
    values = [v for _, v in ticks]
    assert values[0] == 0 and {1.0, 10.0, 100.0} <= set(values)
    for v in values[1:]:  # one significant digit: 1, 2, 5, 10, 100 …
        assert v / 10 ** math.floor(math.log10(v)) == pytest.approx(round(v / 10 ** math.floor(math.log10(v))))
    # a tick labelled v sits at the height where f = v: corners with f above v are drawn above it, below, below
    for position, v in ticks:
        clear = np.abs(f - v) > 1e-6 * (1 + v)
        assert np.array_equal(vertices[clear, 2] > position, f[clear] > v)
    # the scale is logarithmic: z = log₁₀(f + c) for one constant c > 0, so 10^z − f is the same at every corner
    offsets = 10.0 ** vertices[:, 2] - f
    assert offsets.min() > 0 and np.ptp(offsets) < 1e-9 * (1 + f.max())
    assert axes.get_zlabel() == "$f$ (log scale)"


def test_rosenbrock_path_is_drawn_above_the_surface_at_its_f(rosenbrock_surface):
    axes, vertices, path = rosenbrock_surface
    xs, ys, zs = path.get_data_3d()
    f_path = rosenbrock(xs, ys)
    f = rosenbrock(vertices[:, 0], vertices[:, 1])
    order = np.argsort(f)
    f, z = f[order], vertices[order, 2]
    # every corner of the surface with f no higher than the iterate's lies below the iterate's marker
    below = np.searchsorted(f, f_path, side="right")
    highest_below = np.maximum.accumulate(z)[np.maximum(below - 1, 0)]
    assert np.all(zs > highest_below[below > 0].min() - 1) and np.all((zs > highest_below) | (below == 0))
    assert np.all(np.diff(zs)[np.diff(f_path) < -1e-12] < 0)  # f falls along the path, and so does its height
    assert np.all(zs <= axes.get_zlim()[1])
    assert not axes.computed_zorder and path.get_zorder() > 1  # drawn over the surface, never hidden by it


def test_a_bowl_seen_from_its_start_keeps_z_equal_to_f():
    # Himmelblau from (0, 0): the path starts at f = 170 of about 900 over the window, so z = f, unclipped
    run = solve("himmelblau", steps=60).run
    axes, vertices, path = surface_of(run)
    assert np.allclose(vertices[:, 2], himmelblau(vertices[:, 0], vertices[:, 1]))
    low, high = axes.get_zlim()
    assert low <= vertices[:, 2].min() and vertices[:, 2].max() <= high
    xs, ys, zs = path.get_data_3d()
    x, y = run.x[:, 0], run.x[:, 1]
    assert np.allclose(xs, x) and np.allclose(ys, y)
    # lifted onto z = f(x, y) plus a small lift (a hundredth of the surface's height) so it sits above it
    lift = (high - low) / 102
    assert np.allclose(zs, himmelblau(x, y) + lift, rtol=1e-9, atol=lift * 1e-6)
    assert axes.get_zlabel() == "$f$"
