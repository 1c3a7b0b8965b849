"""The forgiving answer reader and the grader: many spellings of the same answer, and near-miss feedback."""

import math

import pytest
import sympy as sp

from gdcli.errors import GdError
from gdcli.practice.grading import (
    DEFAULT_EXACTNESS,
    Exactness,
    Interval,
    NearMiss,
    answer_text,
    equivalent,
    grade,
    read_choice,
    read_interval,
    read_iterates,
    read_number,
    read_vector,
)

x, y, x1, x2, alpha = (sp.Symbol(n, real=True) for n in ("x", "y", "x1", "x2", "alpha"))


@pytest.mark.parametrize("text", ["0.2", "1/5", "2e-1", " 0.20 ", "2/10", "x1 = 0.2", "0.2000", ".2"])
def test_numbers_in_many_spellings(text):
    assert read_number(text) == pytest.approx(0.2)
    assert grade("number", 0.2, text).correct


@pytest.mark.parametrize("text", ["1.2, -0.6", "[1.2, -0.6]", "(1.2, -0.6)", "1.2; -0.6", "1.2 -0.6",
                                  "[6/5, -3/5]", "x1 = [1.2, −0.6]"])
def test_vectors_in_many_spellings(text):
    assert read_vector(text) == pytest.approx([1.2, -0.6])
    assert grade("vector", [1.2, -0.6], text).correct


def test_iterates_one_and_several_dimensions():
    assert read_iterates("0.6, 1.08, 1.464", 1) == [[0.6], [1.08], [1.464]]
    two = [[1.2, -0.6], [0.72, 0.36]]
    for text in ("(1.2, -0.6), (0.72, 0.36)", "(1.2, -0.6); (0.72, 0.36)", "1.2, -0.6; 0.72, 0.36",
                 "[[1.2, -0.6], [0.72, 0.36]]"):
        rows = read_iterates(text, 2)
        assert [row == pytest.approx(want) for row, want in zip(rows, two)] == [True, True] and len(rows) == 2, text


@pytest.mark.parametrize("text", ["0 < a < 1", "0<alpha<1", "0 < α < 1", "(0, 1)", "a < 1", "α < 1",
                                  "1 > a > 0", "alpha in (0, 1)", "0 < lr < 2/2", "(0; 1)"])
def test_intervals_in_many_spellings(text):
    assert read_interval(text) == Interval(0.0, 1.0)
    assert grade("interval", Interval(0.0, 1.0), text).correct


def test_interval_closed_ends_are_read_and_rejected_with_a_reason():
    assert read_interval("0 < a <= 1") == Interval(0.0, 1.0, False, True)
    assert read_interval("[0, 1)") == Interval(0.0, 1.0, True, False)
    assert read_interval("a >= 0.5") == Interval(0.5, math.inf, True, False)
    verdict = grade("interval", Interval(0.0, 1.0), "0 < a ≤ 1")
    assert not verdict.correct and "strict" in verdict.feedback
    verdict = grade("interval", Interval(0.0, 0.2), "0 < a < 0.1")
    assert not verdict.correct and "2/λmax" in verdict.feedback


@pytest.mark.parametrize("bad", ["", "a < b", "(1, 0)", "banana", "0 < a < b < 1"])
def test_unreadable_intervals_are_errors(bad):
    with pytest.raises(GdError):
        read_interval(bad)
    assert not grade("interval", Interval(0.0, 1.0), bad or " ").correct


def test_expressions_graded_by_symbolic_equivalence():
    want = [2 * x - 6]
    for text in ("2*(x - 3)", "2*x - 6", "-6 + 2*x", "2x - 6".replace("2x", "2*x"), "f'(x) = 2*(x-3)",
                 "(x - 3)*2", "4*(x - 3)/2"):
        assert grade("expression", want, text, names=["x"]).correct, text
    gradient = [2 * x1, 8 * x2]
    for text in ("[2*x1, 8*x2]", "2*x1, 8*x2", "(2*x1, 8*x2)", "[x1*2, 2*4*x2]"):
        assert grade("expression", gradient, text, names=["x1", "x2"]).correct, text


def test_expression_near_misses_and_refusals():
    want = [2 * x - 6]
    assert "sign" in grade("expression", want, "6 - 2*x", names=["x"]).feedback
    assert "factor of 2" in grade("expression", want, "x - 3", names=["x"]).feedback
    assert "not a name" in grade("expression", want, "2*z - 6", names=["x"]).feedback
    hostile = grade("expression", want, "__import__('os').system('echo hi')", names=["x"])
    assert not hostile.correct and "not allowed in an answer" in hostile.feedback
    assert grade("expression", want, "2x - 6", names=["x"]).correct  # an implicit product is read
    assert equivalent(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1))


def test_update_rule_in_alpha():
    rule = [x * (1 - 2 * alpha) + 6 * alpha]
    for text in ("(1 - 2*alpha)*x + 6*alpha", "x - alpha*2*(x - 3)", "x − α·2(x − 3)".replace("2(", "2*("),
                 "x_next = x - 2*alpha*(x-3)"):
        assert grade("expression", rule, text, names=["x", "alpha"]).correct, text


def test_choices_match_the_whole_answer():
    options = ["converges", "oscillates", "diverges"]
    for text, meant in (("converges", "converges"), ("Converges.", "converges"), ("  CONVERGES ", "converges"),
                        ("b", "oscillates"), ("(c)", "diverges"), ("OSCILLATES", "oscillates")):
        assert read_choice(text, options) == meant, text
    for refused in ("conv", "convex", "converging", "converges now", "maybe", "converges + 1"):
        with pytest.raises(GdError, match="not one of the choices"):
            read_choice(refused, options)
    assert not grade("choice", "diverges", "converges", choices=options).correct


def test_choice_synonyms_articles_hyphens_and_junk():
    options = ["minimum", "maximum", "saddle"]
    synonyms = {"minimum": ["local minimum", "min", "minimum point"], "saddle": ["saddle point"]}
    for text, meant in (("a local minimum", "minimum"), ("Local-Minimum", "minimum"), ("min", "minimum"),
                        ("the minimum point", "minimum"), ("saddle point", "saddle"), ("a saddle", "saddle")):
        assert read_choice(text, options, synonyms) == meant, text
    for refused in ("saddle + 1", "saddle point 2", "local maximum", "mini"):
        verdict = grade("choice", "saddle", refused, choices=options, synonyms=synonyms)
        assert not verdict.correct and "not one of the choices" in verdict.feedback, refused
    assert read_choice("sub-linear", ["linear", "sublinear"]) == "sublinear"


def test_a_wrong_choice_does_not_name_the_right_one():
    verdict = grade("choice", "maximum", "minimum", choices=["minimum", "maximum", "saddle"])
    assert not verdict.correct and "maximum" not in verdict.feedback


def test_numbers_to_four_significant_figures_by_default():
    # half a unit in the 4th significant figure of 1.7712 is 0.0005
    assert grade("number", 1.7712, "1.771").correct
    assert grade("number", 1.7712, "1.7712").correct
    assert not grade("number", 1.7712, "1.770").correct
    assert not grade("number", -3.2208, "-3.2238").correct        # one digit off in the 4th figure
    assert grade("number", -3.2208, "-3.221").correct
    assert grade("number", 4607.64, "4608").correct and not grade("number", 4607.64, "4607").correct
    assert "close" in grade("number", 0.81995, "0.8").feedback


def test_declared_exactness():
    assert DEFAULT_EXACTNESS.text() == "to 4 significant figures"
    two = Exactness("sigfigs", 2)
    assert grade("number", 0.81995, "0.82", exactness=two).correct
    assert not grade("number", 0.81995, "0.83", exactness=two).correct
    absolute = Exactness("absolute", 1e-4)
    assert grade("number", 0.81995, "0.8200", exactness=absolute).correct
    assert not grade("number", 0.81995, "0.8197", exactness=absolute).correct
    relative = Exactness("relative", 0.01)
    assert grade("number", 200.0, "201.9", exactness=relative).correct
    assert not grade("number", 200.0, "202.1", exactness=relative).correct
    assert "to within ±0.0001" == absolute.text()
    assert "close, but not to 4 significant figures" in grade("number", 0.81995, "0.8").feedback


def test_number_near_misses():
    assert "sign" in grade("number", 2.5, "-2.5").feedback
    assert "twice" in grade("number", 2.5, "5").feedback
    near = (NearMiss(1.08, "that is the iterate one step earlier"),)
    assert "one step earlier" in grade("number", 1.464, "1.08", near=near).feedback
    assert "component 2 has the wrong sign" in grade("vector", [1.2, -0.6], "1.2, 0.6").feedback
    assert "swapped" in grade("vector", [1.2, -0.6], "-0.6, 1.2").feedback
    assert "3 components" in grade("vector", [1.2, -0.6], "1, 2, 3").feedback


def test_iterates_feedback_points_at_the_first_wrong_one():
    want = [[0.6], [1.08], [1.464], [1.7712]]
    verdict = grade("iterates", want, "0.6, 1.08, 1.46, 1.77")
    assert not verdict.correct and "iterate 3" in verdict.feedback
    assert "4" in grade("iterates", want, "0.6, 1.08").feedback
    listed_start = grade("iterates", want, "0, 0.6, 1.08, 1.464, 1.7712", near=(NearMiss([0.0], "x₀"),))
    assert listed_start.correct and "x₀" in listed_start.feedback


def test_answer_text_round_trips_through_the_reader():
    cases = [("number", 0.6000000000000001), ("vector", [1.2, -0.6]), ("iterates", [[0.6], [1.08]]),
             ("iterates", [[1.2, -0.6], [0.72, 0.36]]), ("interval", Interval(0.0, 0.2)),
             ("expression", [2 * x1, 8 * x2]), ("choice", "saddle")]
    for kind, value in cases:
        text = answer_text(kind, value)
        assert grade(kind, value, text, choices=["minimum", "saddle"], names=["x1", "x2"],
                     dimension=2 if kind == "iterates" and len(value[0]) == 2 else 1).correct, (kind, text)


def test_long_and_empty_answers_are_refused_not_crashed():
    assert "empty" in grade("number", 1.0, "   ").feedback
    assert "limit" in grade("number", 1.0, "1" * 5000).feedback
    assert not grade("number", 1.0, "9" * 300).correct


# hostile answers: bounded work, and nothing non-finite is ever graded correct -------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from gdcli.practice.equivalence import value_at  # noqa: E402

HUGE = ["10^400", "exp(exp(exp(exp(10))))", "cos(exp(exp(20)))", "0**(x-5)", "1e308", "((x+1)^1000)^1000"]


@pytest.mark.parametrize("text", [*HUGE, "[10^400, 10^400]", "0**(x-5) - 0**(x-4)", "2*x - 6 + 0**(x-5)",
                                  "[((x+1)^1000)^1000, 1]", "log(-x)", "sqrt(x - 3)"])
def test_non_finite_answers_are_never_equivalent(text):
    verdict = grade("expression", [2 * x - 6], text, names=["x", "alpha"])
    assert not verdict.correct and verdict.feedback


def test_huge_powers_are_judged_by_value_without_expanding():
    big = (x + 1) ** 1_000_000
    assert not equivalent(big, big + 1)
    assert equivalent(big * 2, 2 * big)
    assert math.isnan(value_at(big, {x: 2.0}))            # 3^1000000 is beyond any bound: nan, at once
    assert value_at(big, {x: 0.0}) == 1.0


@pytest.mark.parametrize("text", ["exp(exp(exp(exp(10))))", "10^400", "cos(exp(exp(20)))", "-10^400"])
def test_numbers_too_large_for_a_float_are_a_clear_verdict(text):
    verdict = grade("number", 0.2, text)
    # refused either by the parser's digit limit (exp of a constant above 921 has over 400 digits) or as a float
    # overflow: both say why in one line
    assert not verdict.correct
    assert "not a finite real number" in verdict.feedback or "more than 400 digits" in verdict.feedback
    assert not grade("vector", [0.2, 1.0], f"[{text}, 1]").correct
    assert not grade("iterates", [[0.2], [1.0]], f"{text}, 1").correct
    assert not grade("interval", Interval(0.0, 1.0), f"0 < a < {text}").correct


LEAVES = st.sampled_from(["x", "alpha", "2", "6", "0", "1/3", *(h for h in HUGE if h != "cos(exp(exp(20)))")])
"""cos(exp(exp(20))) inside Abs makes SymPy's own constructor reduce the argument modulo π to 10⁸ digits while
the parser builds the expression: bounding that belongs to the parser's budget for constants, not to grading."""
FUNCTIONS = ["exp", "log", "sin", "cos", "sqrt", "tanh", "Abs", "atan"]


def _tree(children):
    unary = st.tuples(st.sampled_from(FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})")
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "^"]), children).map(
        lambda t: f"({t[0]}){t[1]}({t[2]})")
    extremum = st.tuples(st.sampled_from(["Max", "Min"]), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})")
    return unary | binary | extremum


@settings(max_examples=150, deadline=None)
@given(st.recursive(LEAVES, _tree, max_leaves=12))
def test_random_answers_are_graded_and_correct_only_when_equal_and_finite(text):
    expected = 2 * x - 6
    verdict = grade("expression", [expected], text, names=["x", "alpha"])
    assert isinstance(verdict.correct, bool) and verdict.feedback
    if verdict.correct:  # then it really is 2x − 6: finite and equal at fresh points, by value
        from gdcli.practice.grading import read_expressions

        (answer,) = read_expressions(text, ["x", "alpha"])
        for point in (0.45, 1.3, 2.05):
            values = {s: point for s in answer.free_symbols}
            assert value_at(answer, values) == pytest.approx(2 * point - 6, rel=1e-6, abs=1e-9)


def test_a_wrong_answer_in_json_does_not_reveal_the_right_one(cli, tmp_path, monkeypatch):
    """`check --json` keeps its "expected" field: the answer graded against when right, null when wrong. So a
    wrong attempt reveals nothing and the next right one counts as solved; after `solution` it does not."""
    import json

    from gdcli.practice import progress

    monkeypatch.setenv("GDCLI_HOME", str(tmp_path / "home"))
    from gdcli.practice import problems

    ask = ("practice", "check", "elliptic-bowl-one-step", "--seed", "5", "-q", "3", "--json")
    problem = problems.find("elliptic-bowl-one-step", seed=5)
    s1, s2, c, lr = problem.values["s1"], problem.values["s2"], problem.values["c"], float(problem.values["lr"])
    right = f"[{s1 - lr * 2 * s1:.10g}, {s2 - lr * 2 * c * s2:.10g}]"     # x₁ = x₀ − α∇f(x₀), ∇f = (2x₁, 2c·x₂)
    wrong = json.loads(cli(*ask, "-a", "[100, 100]").stdout)
    assert wrong["correct"] is False and wrong["expected"] is None and set(wrong) == {
        "correct", "expected", "feedback", "misconception", "after_solution"}
    assert right not in json.dumps(wrong)
    solved = json.loads(cli(*ask, "-a", right).stdout)
    assert solved["correct"] is True and solved["after_solution"] is False and solved["expected"] is not None
    assert grade("vector", [float(v) for v in solved["expected"].strip("[]").split(",")], right).correct
    assert progress.read().attempts[-1].correct
    cli("practice", "solution", "elliptic-bowl-one-step", "--seed", "5", "--json")
    again = json.loads(cli(*ask, "-a", right).stdout)
    assert again["after_solution"] is True and not progress.read().attempts[-1].correct
