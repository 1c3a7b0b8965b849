"""The stepping model and its view: states against the update formulas done by hand, the trajectory against
gdcli.engine.run.run, the controls, and the rendered screen."""

import io
import math

import numpy as np
import pytest
from rich.cells import cell_len
from rich.console import Console

from gdcli.cli.step import decode_keys
from gdcli.engine.objective import Objective
from gdcli.engine.optimizers import NAMES, make_optimizer
from gdcli.engine.run import run
from gdcli.errors import OptionError
from gdcli.render.step import update_lines, view
from gdcli.step.stepper import PACES, Stepper

BOWL_G0 = np.array([6.0, 24.0])
"""∇(x² + 4y²) at the bowl's start (3, 3)."""


def text(renderable, width=100, color_system=None) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=color_system, no_color=color_system is None)
    console.print(renderable)
    return console.file.getvalue()


@pytest.mark.parametrize("name", NAMES)
def test_trajectory_is_the_engines(name):
    objective = Objective.parse("rosenbrock")
    stepper = Stepper(objective, optimizer=name, lr="0.001", steps=60)
    reference = run(objective, make_optimizer(name), np.array([-1.2, 1.0]), 0.001, 60)
    assert stepper.last == len(reference.t) - 1
    assert stepper.last == 60 or reference.status == "converged"
    assert np.array_equal(np.array([s.x for s in stepper.steps]), reference.x)
    assert stepper.replay.deviation < 1e-12


def test_gd_state_is_plain_steps():
    stepper = Stepper(None, lr="1/10")
    stepper.goto(2)
    step = stepper.current
    # x₁ = (3, 3) − 0.1·(6, 24) = (2.4, 0.6); g₁ = (4.8, 4.8); x₂ = (1.92, 0.12)
    assert np.allclose(step.x, [1.92, 0.12])
    assert np.allclose(step.delta, [-0.48, -0.48])
    assert np.allclose(step.effective, [0.1, 0.1])
    assert stepper.steps[0].values == {} and stepper.steps[0].delta is None


def test_momentum_buffer_by_hand():
    stepper = Stepper(None, optimizer="momentum", lr=0.1)
    g1 = np.array([2 * 2.4, 8 * 0.6])  # at x₁ = x₀ − α·g₀ = (2.4, 0.6)
    stepper.goto(2)
    assert np.allclose(stepper.current.state["b"], 0.9 * BOWL_G0 + g1)  # b₂ = β·b₁ + g₁, b₁ = g₀
    assert np.allclose(stepper.current.x, [2.4, 0.6] - 0.1 * (0.9 * BOWL_G0 + g1))


def test_one_adam_step_by_hand():
    stepper = Stepper(None, optimizer="adam", lr=0.1)
    stepper.forward()
    values = stepper.current.values
    m = 0.1 * BOWL_G0                  # m₁ = β₁·0 + (1 − β₁)·g₀
    v = 0.001 * BOWL_G0**2             # v₁ = β₂·0 + (1 − β₂)·g₀²
    m_hat, v_hat = m / (1 - 0.9), v / (1 - 0.999)
    x = 3 - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8)
    assert np.allclose(values["m"], m) and np.allclose(values["v"], v)
    assert np.allclose(values["m_hat"], BOWL_G0) and np.allclose(values["v_hat"], BOWL_G0**2)
    assert np.allclose(values["m_hat"], m_hat) and np.allclose(values["v_hat"], v_hat)
    assert np.allclose(stepper.current.x, x) and np.allclose(x, [2.9, 2.9])
    assert set(stepper.current.state) == {"m", "v"}


def test_adaptive_effective_step():
    adagrad = Stepper(None, optimizer="adagrad", lr=0.1)
    adagrad.forward()
    # s₁ = g₀², so the first step is α·g/(|g| + ε): effective α = α/(|g₀| + ε) per coordinate
    assert np.allclose(adagrad.current.state["s"], BOWL_G0**2)
    assert np.allclose(adagrad.current.effective, 0.1 / (BOWL_G0 + 1e-10))
    rmsprop = Stepper(None, optimizer="rmsprop", lr=0.01)
    rmsprop.forward()
    assert np.allclose(rmsprop.current.state["s"], 0.01 * BOWL_G0**2)  # (1 − ρ)·g₀²


def test_forward_back_restart():
    stepper = Stepper(None, steps=5)
    assert not stepper.back() and stepper.position == 0
    for _ in range(5):
        assert stepper.forward()
    assert stepper.at_end and not stepper.forward()
    assert "end of the run" in stepper.notice and "5 steps" in stepper.notice
    stepper.back()
    assert stepper.position == 4 and stepper.notice == ""
    stepper.restart()
    assert stepper.position == 0 and not stepper.playing


def test_alpha_change_recomputes_from_the_start():
    stepper = Stepper(None, lr=0.1, factor=2)
    stepper.goto(3)
    assert stepper.alpha_up()
    assert stepper.lr == pytest.approx(0.2) and stepper.position == 3
    assert "recomputed from the start" in stepper.notice
    # gd on x² + 4y² with α = 0.2: x ← (1 − 2α)x = 0.6x, y ← (1 − 8α)y = −0.6y
    assert np.allclose(stepper.current.x, [3 * 0.6**3, 3 * (-0.6) ** 3])
    assert stepper.stability.lr == pytest.approx(0.2)
    stepper.alpha_down()
    stepper.alpha_down()
    assert stepper.lr == pytest.approx(0.05)
    assert np.allclose(stepper.current.x, [3 * 0.9**3, 3 * 0.6**3])


def test_alpha_up_into_divergence_keeps_a_position_inside_the_run():
    stepper = Stepper(None, lr=0.2, factor=2, steps=50)
    stepper.goto(50)
    stepper.alpha_up()  # α = 0.4 > 2/8: y ← −2.2y diverges
    assert stepper.run.status == "diverged"
    assert stepper.position == stepper.last < 50
    assert "diverged" in stepper.notice


def test_a_refused_change_is_undone():
    stepper = Stepper(None, lr=0.1, factor=1e300)
    assert stepper.alpha_down()
    assert not stepper.alpha_down()  # α would underflow to 0
    assert stepper.lr == pytest.approx(1e-301) and "refused" in stepper.notice and "--lr" in stepper.notice
    assert stepper.alpha_up() and stepper.alpha_up()  # α = 1e299 overflows at once: diverged, no warning
    assert stepper.run.status == "diverged" and stepper.position == 0


def test_cycle_optimizer_and_line_search():
    stepper = Stepper(None, line_search=True)
    assert stepper.run.line_search is not None
    seen = [stepper.optimizer]
    for _ in NAMES:
        stepper.cycle_optimizer()
        seen.append(stepper.optimizer)
        searched = stepper.optimizer in ("gd", "newton", "bfgs", "lbfgs", "cg")
        assert (stepper.run.line_search is not None) == searched
        if searched:  # the Armijo search asked for, along each method's direction
            assert stepper.run.line_search.kind == "armijo"
    assert seen == [*NAMES, NAMES[0]]


def test_play_and_pace():
    stepper = Stepper(None, steps=2)
    stepper.toggle_play()
    assert stepper.playing and stepper.delay == pytest.approx(1 / stepper.pace)
    stepper.tick(), stepper.tick(), stepper.tick()
    assert stepper.at_end and not stepper.playing
    stepper.toggle_play()  # playing again from the end starts over
    assert stepper.position == 0 and stepper.playing
    for _ in PACES:
        stepper.faster()
    assert stepper.pace == PACES[-1]
    for _ in PACES:
        stepper.slower()
    assert stepper.pace == PACES[0]


def test_bad_factor():
    with pytest.raises(OptionError, match="--factor"):
        Stepper(None, factor=1.0)


def test_update_written_out():
    stepper = Stepper(None, lr=0.1)
    assert update_lines(stepper)[0].startswith("x₀ = (3, 3)")
    stepper.goto(2)
    assert update_lines(stepper) == ["x₂ = x₁ − α·g₁ = (2.4, 0.6) − 0.1·(4.8, 4.8) = (1.92, 0.12)"]
    momentum = Stepper(None, optimizer="momentum", lr=0.1)
    momentum.goto(2)
    assert update_lines(momentum) == [
        "b₂ = β·b₁ + g₁ = 0.9·(6, 24) + (4.8, 4.8) = (10.2, 26.4)",
        "x₂ = x₁ − α·b₂ = (2.4, 0.6) − 0.1·(10.2, 26.4) = (1.38, -2.04)",
    ]
    adam = Stepper("x^2", start="3", optimizer="adam", lr=0.1)
    adam.goto(1)
    lines = update_lines(adam)
    assert lines[0] == "m₁ = β₁·m₀ + (1 − β₁)·g₀ = 0.9·0 + (1 − 0.9)·6 = 0.6"
    assert lines[2] == "m̂₁ = m₁/(1 − β₁¹) = 0.6/(1 − 0.9¹) = 6"
    assert lines[4].startswith("x₁ = x₀ − α·m̂₁/(√v̂₁ + ε) = 3 − 0.1·6/(√36 + 10⁻⁸) = 2.9")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("objective,start", [("x^2 + 4*y^2", None), ("(x-1)^4 + x^2", None),
                                             ("x^2 + y^2 + z^2", None), ("log(x) + y^2", "2,1")])
def test_every_view_renders(name, objective, start):
    # Polyak's step needs f*: a value below every f the run meets stands in for these typed objectives
    stepper = Stepper(objective, optimizer=name, start=start, **({"fstar": -100} if name == "polyak" else {}))
    for k in (0, 1, stepper.last):
        stepper.goto(k)
        for colour in (None, "truecolor"):
            screen = text(view(stepper, 100, 40), color_system=colour)
            # Newton leaves log(x)'s domain at its first step: the run is x₀ alone and goto(1) stays at 0
            assert f"step {min(k, stepper.last)}/{stepper.last}" in screen and "quit" in screen


def test_back_and_forth_gives_the_same_screen():
    stepper = Stepper("rosenbrock", optimizer="adam", steps=30)
    stepper.goto(7)
    before = text(view(stepper, 100, 40))
    stepper.forward(), stepper.forward(), stepper.back(), stepper.back()
    assert text(view(stepper, 100, 40)) == before


def test_map_marks():
    stepper = Stepper(None, lr=0.1)
    lines = text(view(stepper, 100)).splitlines()
    row = next(i for i, line in enumerate(lines) if "◉" in line)
    col = lines[row].index("◉")
    # −∇f(3, 3) = (−6, −24) points mostly down the screen: −104° from the x axis, nearest arrow ↓
    assert lines[row + 1][col] == "↓"
    assert any("★" in line for line in lines)  # the known minimum (0, 0) is inside the map
    plain_map = "".join(line[:50] for line in lines[3:19])
    assert " " in plain_map and "@" in plain_map  # shades from low f to high f


def test_next_update_arrow_for_momentum_only():
    momentum = Stepper(None, optimizer="momentum")
    momentum.goto(2)
    assert any(glyph in text(view(momentum, 100)) for glyph in "⇒⇗⇑⇖⇐⇙⇓⇘")
    gd = Stepper(None)
    gd.goto(2)
    assert not any(glyph in text(view(gd, 100)) for glyph in "⇒⇗⇑⇖⇐⇙⇓⇘")


def test_view_fits_the_terminal_height():
    stepper = Stepper(None, optimizer="adam")
    stepper.goto(5)
    for height in (30, 40, 60):
        assert len(text(view(stepper, 100, height)).splitlines()) <= height


def test_decode_keys():
    assert decode_keys(b"\x1b[C \x1b[D\x1bOAq+") == (["right", " ", "left", "up", "q", "+"], b"")
    assert decode_keys(b"p\x1b[") == (["p"], b"\x1b[")
    assert decode_keys(b"\x1b[15~r") == (["r"], b"")  # F5 is ignored


def test_undefined_region_is_marked():
    stepper = Stepper("log(x) + y^2", start="0.5,1", lr=0.01)
    screen = text(view(stepper, 100))
    assert math.isfinite(stepper.current.f) and "step 0/" in screen


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", "momentum"])
def test_view_fits_a_classic_80_by_24_terminal(optimizer):
    """Adam's state is the tallest; on 80×24 the view compacts (rules folded into symbols) rather than overflow."""
    import io

    from rich.console import Console

    stepper = Stepper("rosenbrock", optimizer=optimizer, lr=0.001)
    for _ in range(3):
        stepper.forward()
    console = Console(width=80, height=24, file=io.StringIO(), color_system=None)
    lines = console.render_lines(view(stepper, 80, 24), console.options, pad=False)
    assert len(lines) <= 24
    text = "\n".join("".join(segment.text for segment in line) for line in lines)
    assert "step 3/" in text and "x₃" in text


def test_long_updates_break_at_operators():
    from gdcli.render.step import broken

    line = ("x₅ = x₄ − α·m̂₅/(√v̂₅ + ε) = (-1.196, 1.004) − 0.001·(-211.61, -86.499)/(√(44946, 7507.5) + 10⁻⁸) = "
            "(-1.195, 1.005)")
    assert broken(line, 80) == ["x₅ = x₄ − α·m̂₅/(√v̂₅ + ε)",
                                "   = (-1.196, 1.004) − 0.001·(-211.61, -86.499)/(√(44946, 7507.5) + 10⁻⁸)",
                                "   = (-1.195, 1.005)"]
    # narrower: before the difference's sign, then after the product's and the quotient's, never inside brackets
    assert broken(line, 40) == ["x₅ = x₄ − α·m̂₅/(√v̂₅ + ε)", "   = (-1.196, 1.004) − 0.001·",
                                "   (-211.61, -86.499)/", "   (√(44946, 7507.5) + 10⁻⁸)", "   = (-1.195, 1.005)"]
    # a part too wide for a line of its own starts on a new line all the same, then breaks after the quotient
    four = ("x₁ = x₀ − α·m̂₁/(√v̂₁ + ε) = (1.2345, -2.3456, 3.4567, 4.5678) − 0.1·(2.469, -4.6912, 27.654, 381.22)/"
            "(√(6.096, 22.007, 764.72, 1.4533·10⁵) + 10⁻⁸) = (1.1345, -2.2456, 3.3567, 4.4678)")
    assert broken(four, 80) == ["x₁ = x₀ − α·m̂₁/(√v̂₁ + ε)",
                                "   = (1.2345, -2.3456, 3.4567, 4.5678) − 0.1·(2.469, -4.6912, 27.654, 381.22)/",
                                "   (√(6.096, 22.007, 764.72, 1.4533·10⁵) + 10⁻⁸)", "   = (1.1345, -2.2456, 3.3567, 4.4678)"]
    short = "x₂ = x₁ − α·g₁ = (2.4, 0.6) − 0.1·(4.8, 4.8) = (1.92, 0.12)"
    assert broken(short, 80) == [short]


@pytest.mark.parametrize("optimizer", ["gd", "adam", "bfgs", "momentum"])
def test_at_80_by_24_the_picture_takes_half_the_screen(optimizer):
    stepper = Stepper("rosenbrock", optimizer=optimizer)
    for k in range(7):
        stepper.goto(k)
        lines = text(view(stepper, 80, 24), width=80).splitlines()
        assert len(lines) <= 24 and all(cell_len(line) <= 80 for line in lines)
        legend = next(i for i, line in enumerate(lines) if line.startswith("x ∈ ["))
        assert legend - 4 >= 12  # title, two lines of keys and the notice above the picture; 12 = 24/2
