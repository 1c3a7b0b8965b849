"""Animations: one frame per sampled step, the path so far in each frame, t/f/‖∇f‖ in the caption, and the same
care with files as still figures (atomic, clear errors)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from gdcli.engine.solution import solve
from gdcli.errors import GdError
from gdcli.plots import animation
from gdcli.plots.animation import MAX_FRAMES, animate, frame_rows, frame_text, scene


@pytest.fixture(scope="module")
def bowl():
    """GD on x² + 4y² from (3, 3), α = 0.1, 12 steps: x_t = 3·0.8^t, y_t = 3·0.2^t."""
    return solve(None, lr="0.1", steps=12, tol=0).run


def gif_frames(path) -> list[np.ndarray]:
    with Image.open(path) as image:
        assert image.format == "GIF"
        frames = []
        for k in range(image.n_frames):
            image.seek(k)
            frames.append(np.asarray(image.convert("RGB"), dtype=float))
        return frames


def test_frame_rows_keep_every_row_of_a_short_run():
    assert frame_rows(21).tolist() == list(range(21))


@pytest.mark.parametrize("count, most", [(5001, MAX_FRAMES), (121, MAX_FRAMES), (1000, 7)])
def test_frame_rows_sample_long_runs_evenly(count, most):
    rows = frame_rows(count, most)
    assert len(rows) == most
    assert rows[0] == 0 and rows[-1] == count - 1
    assert np.all(np.diff(rows) > 0)
    # evenly spaced: every gap is within one row of (count − 1)/(most − 1)
    assert np.all(np.abs(np.diff(rows) - (count - 1) / (most - 1)) <= 1)


def test_each_frame_shows_the_path_so_far(bowl):
    figure, moving, update = scene(bowl, None, None)
    path, current, growing, caption = moving
    update(5)
    t = np.arange(6)
    assert np.allclose(path.get_xdata(), 3 * 0.8 ** t) and np.allclose(path.get_ydata(), 3 * 0.2 ** t)
    assert np.allclose(current.get_xdata(), [3 * 0.8 ** 5])
    assert np.allclose(growing.get_ydata(), (3 * 0.8 ** t) ** 2 + 4 * (3 * 0.2 ** t) ** 2)
    assert caption.get_text() == frame_text(bowl, 5)


def test_caption_gives_t_f_and_gradient_norm(bowl):
    # at t = 1: x = (2.4, 0.6), f = 2.4² + 4·0.6² = 7.2, ∇f = (4.8, 4.8), ‖∇f‖ = 4.8·√2 ≈ 6.79
    assert frame_text(bowl, 1) == "t = 1    f = 7.2    ‖∇f‖ = 6.79"


def test_gif_has_one_frame_per_step_and_is_not_blank(tmp_path, bowl):
    target = animate(bowl, tmp_path / "bowl.gif", dpi=40)
    frames = gif_frames(target)
    assert len(frames) == 13  # rows t = 0 … 12
    assert frames[0].shape == (200, 400, 3)  # 10×5 in at 40 dpi
    assert all(frame.var() > 100 for frame in frames)
    assert not np.array_equal(frames[0], frames[-1])  # the path moves
    assert [p.name for p in tmp_path.iterdir()] == ["bowl.gif"]


def test_long_runs_are_sampled_to_the_frame_cap(tmp_path):
    run = solve("rosenbrock", steps=300).run
    target = animate(run, tmp_path / "long.gif", dpi=30, most=15)
    with Image.open(target) as image:
        assert image.n_frames == 15


@pytest.mark.parametrize("objective, rows", [("(x - 3)^2", 5), ("x^2 + 2*y^2 + 3*z^2", 5)])
def test_one_and_three_variables_animate(tmp_path, objective, rows):
    run = solve(objective, start="0" if "z" not in objective else None, steps=rows - 1, tol=0).run
    with Image.open(animate(run, tmp_path / "a.gif", dpi=30)) as image:
        assert image.n_frames == rows and image.size == (300, 150)


def test_mp4_without_ffmpeg_is_a_clear_error(tmp_path, bowl, monkeypatch):
    monkeypatch.setattr(animation, "ffmpeg", lambda: None)
    with pytest.raises(GdError, match="needs ffmpeg.*use a .gif"):
        animate(bowl, tmp_path / "movie.mp4")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, message", [("movie.avi", "animation format"), ("missing/a.gif", "cannot write")])
def test_bad_animation_paths_leave_no_file(tmp_path, bowl, name, message):
    with pytest.raises(GdError, match=message):
        animate(bowl, tmp_path / name, dpi=20, most=3)
    assert list(tmp_path.iterdir()) == []


def test_solve_animate_writes_the_gif_after_the_table(cli, tmp_path):
    target = tmp_path / "run.gif"
    result = cli("solve", "(x - 3)^2", "--start", "0", "--lr", "0.9", "--steps", "6", "--animate", target,
                 "--dpi", "30")
    assert result.exit_code == 0, result.stderr
    assert "f over the run" in result.stdout
    assert f"wrote {target}" in result.stderr
    with Image.open(target) as image:
        assert image.n_frames == 7


def test_frames_are_spaced_by_distance_travelled():
    """A path that covers 10 units in its first 10 steps, then creeps 10⁻⁶ a step for 990 steps: of 20 frames
    spaced evenly in distance, frame j sits where the path has travelled j·L/19 (L ≈ 10.001), i.e. at step
    ⌈j·L/19⌉, so every one of the first 11 rows is shown; the frames those places share go to the rest."""
    x = np.concatenate([np.arange(11.0), 10 + 1e-6 * np.arange(1, 991)])[:, None]
    rows = animation.travel_rows(x, 20)
    assert len(rows) == 20 and len(set(rows.tolist())) == 20
    assert set(range(11)) <= set(rows.tolist()) and rows[-1] == len(x) - 1


@pytest.mark.slow
def test_the_readme_rosenbrock_gif_is_under_two_megabytes(cli, tmp_path):
    path = tmp_path / "rosenbrock.gif"
    result = cli("solve", "rosenbrock", "--optimizer", "momentum", "--lr", "0.001", "--steps", "3000",
                 "--animate", path)
    assert result.exit_code == 0, result.stderr
    assert path.stat().st_size < 2 * 2**20
    frames = gif_frames(path)
    # the middle and the last frame differ: the path moved on (the frames were not all spent on a still dot)
    assert np.abs(frames[-1] - frames[len(frames) // 2]).max() > 0


def test_caption_writes_small_numbers_as_powers_of_ten():
    # GD on x² from 1 with α = 1/4: x_t = 2⁻ᵗ, so at t = 20 f = 4⁻²⁰ ≈ 9.095·10⁻¹³ and ‖∇f‖ = 2·2⁻²⁰ ≈ 1.91·10⁻⁶
    run = solve("x^2", start="1", lr="1/4", steps=20, tol=0).run
    assert frame_text(run, 20) == "t = 20    f = 9.095·10⁻¹³    ‖∇f‖ = 1.91·10⁻⁶"
