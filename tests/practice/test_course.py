"""The course files and the gate read from the progress log."""

import pytest

from gdcli.errors import GdError
from gdcli.practice import course, problems
from gdcli.practice.progress import Attempt, reveal


def topic(gate=3, templates=("a", "b")):
    return course.Topic("t", "T", "text", ("solve", "x^2"), templates, gate, None)


def right(problem, question, seed, when):
    return Attempt(problem, question, True, "ok", when, seed=seed)


def wrong(problem, question, seed, when):
    return Attempt(problem, question, False, "no", when, seed=seed)


def test_the_streak_counts_first_tries_only_and_a_reveal_resets_it():
    t = topic()
    log = [right("a", 1, 7, 1), wrong("a", 2, 7, 2), right("a", 2, 7, 3), right("b", 1, None, 4),
           right("a", 1, 7, 5), right("other", 1, 1, 6)]
    # first tries: a1 ✓ (1), a2 ✗ (0); a2's second try and a1 again do not count; b1 ✓ (1); "other" is not ours
    assert course.streak(t, log) == (1, False)
    log += [right("a", 1, 8, 7), reveal("a", 2, 8, 8)]
    assert course.streak(t, log) == (0, False)
    log += [right("a", 2, 9, 9), right("a", 3, 9, 10), right("b", 2, None, 11)]
    assert course.streak(t, log) == (3, True)
    log += [wrong("a", 1, 10, 12)]
    assert course.streak(t, log) == (0, True)  # mastered stays mastered


def test_states_open_one_topic_after_another_and_no_gates_opens_all():
    first, second, third = (course.Topic(n, n, "x", ("solve",), (n,), 1, None) for n in ("p", "q", "r"))
    log = [right("p", 1, None, 1)]
    assert [s.state for s in course.standings([first, second, third], log)] == ["mastered", "open", "locked"]
    assert [s.state for s in course.standings([first, second, third], log, gates=False)] == \
        ["mastered", "open", "open"]
    assert course.resume(course.standings([first, second, third], log)).topic is second


GOOD = 'title = "T"\ntext = "words"\ndemo = ["solve", "x^2"]\ntemplates = ["x-squared-from-five"]\n'


@pytest.mark.parametrize("content, field", [
    (GOOD.replace('title = "T"', 'title = 3'), "title"),
    (GOOD.replace('text = "words"', 'text = """' + "\n".join(["line"] * 20) + '"""'), "text"),
    (GOOD.replace('text = "words"', 'text = "' + "w" * 90 + '"'), "text"),
    (GOOD.replace('["solve", "x^2"]', '"solve x^2"'), "demo"),
    (GOOD.replace('["x-squared-from-five"]', '[]'), "templates"),
    (GOOD + "gate = 0\n", "gate"),
    (GOOD + "colour = 1\n", "colour"),
    ("title = ", "file"),
])
def test_a_broken_course_file_is_one_line_naming_file_and_field(tmp_path, content, field):
    (tmp_path / "01-broken.toml").write_text(content, encoding="utf-8")
    with pytest.raises(GdError) as error:
        course.read_course(tmp_path)
    message = str(error.value)
    assert "\n" not in message and "01-broken.toml" in message and f": {field}:" in message


def test_the_shipped_course_covers_the_syllabus_with_templates_of_the_bank():
    topics = course.read_course()
    assert [t.id for t in topics] == ["update-rule", "step-size", "curvature", "stopping", "schedules", "momentum",
                                      "adaptive", "critical-points", "stochastic", "weight-decay"]
    bank = {p.id for p in problems.bank()}
    for t in topics:
        assert set(t.templates) <= bank, t.id
        assert len(t.text.splitlines()) <= course.TEXT_LINES


def test_the_course_folder_comes_from_the_environment(tmp_path, monkeypatch):
    (tmp_path / "05-only.toml").write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("GDCLI_COURSE", str(tmp_path))
    assert [t.id for t in course.read_course()] == ["only"]


def test_a_template_listed_in_two_topics_is_refused_naming_both_files(tmp_path):
    (tmp_path / "01-first.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "02-second.toml").write_text(GOOD.replace('["x-squared-from-five"]',
                                                          '["quadratic-1d-two-rates", "x-squared-from-five"]'),
                                             encoding="utf-8")
    with pytest.raises(GdError) as error:
        course.read_course(tmp_path)
    message = str(error.value)
    assert "\n" not in message and "02-second.toml: templates:" in message and "01-first.toml" in message
    assert "'x-squared-from-five'" in message


def test_a_template_listed_twice_in_one_topic_is_one_topic_s(tmp_path):
    (tmp_path / "01-only.toml").write_text(GOOD.replace('["x-squared-from-five"]',
                                                        '["x-squared-from-five", "x-squared-from-five"]'),
                                           encoding="utf-8")
    assert [t.id for t in course.read_course(tmp_path)] == ["only"]
