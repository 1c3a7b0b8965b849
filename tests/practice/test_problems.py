"""The problem bank: every file loads, the engine's answers agree with the stated ones and with derivations
written out here, solutions are accepted, perturbed answers are rejected, broken files fail on one line."""

import json
import math
import os

import numpy as np
import pytest

from gdcli.errors import GdError
from gdcli.practice import problems
from gdcli.practice.grading import Interval, answer_text

BANK = sorted(problems.bank_directory().glob("*.toml"))


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("GDCLI_HOME", str(tmp_path / "home"))


def test_the_bank_has_thirty_problems_at_every_level():
    bank = problems.bank()
    assert len(bank) >= 30
    assert {p.difficulty for p in bank} == {"easy", "medium", "hard"}
    topics = {p.topic for p in bank}
    for topic in ("step size", "stability", "conditioning", "optimizers", "schedules", "line search",
                  "critical points", "stochastic gradients", "regularisation", "convergence rates"):
        assert topic in topics


@pytest.mark.parametrize("path", BANK, ids=[p.stem for p in BANK])
def test_problem_loads_and_its_answers_hold(path):
    problem = problems.load(path)
    assert problem.id == path.stem
    for q in problem.questions:
        expected = q.answer  # raises when a stated answer disagrees with the engine's
        text = q.answer_text()
        assert q.check(text).correct, (problem.id, q.number, text)
        if q.compute is not None and q.stated is not None:
            assert q.check(q._read_stated()).correct
        wrong = perturbed(q.kind, expected.value, q.choices)
        assert not q.check(answer_text(q.kind, wrong)).correct, (problem.id, q.number, wrong)
        assert q.worked() and "{answer}" not in q.worked()


def perturbed(kind, value, choices):
    """A wrong answer of the same shape."""
    bump = lambda v: v * 1.5 + 0.5 if v != 0 else 0.1  # noqa: E731
    if kind == "number":
        return bump(value)
    if kind == "vector":
        return [bump(value[0]), *value[1:]]
    if kind == "iterates":
        return [*value[:-1], [bump(value[-1][0]), *value[-1][1:]]]
    if kind == "interval":
        return Interval(value.lower, value.upper * 1.5)
    if kind == "expression":
        return [value[0] + 1, *value[1:]]
    return next(c for c in choices if c != value)


def find(ident):
    return problems.find(ident)


# independent derivations of the seed numbers --------------------------------------------------------------

def test_seed_quadratic_iterates_by_the_closed_form():
    problem = find("quadratic-1d-two-rates")
    for number, alpha in ((2, 0.1), (3, 1.1)):
        x, by_hand = 0.0, []
        for _ in range(4):
            x = (1 - 2 * alpha) * x + 6 * alpha   # x − α·2(x − 3)
            by_hand.append([x])
        computed = problem.question(number).answer.value
        assert [row[0] for row in computed] == pytest.approx([row[0] for row in by_hand])
    assert problem.question(4).answer.value == Interval(0.0, 1.0)


def test_seed_linear_regression_teaches_the_true_numbers():
    X, Y = np.array([1.0, 2, 3, 4]), np.array([2.0, 4, 5, 4])
    w = b = 0.0
    for _ in range(500):                       # the seed's own loop
        residual = Y - (w * X + b)
        w, b = w + 0.01 * 2 * np.mean(X * residual), b + 0.01 * 2 * np.mean(residual)
    problem = find("linear-regression-four-points")
    assert problem.question(2).answer.value == pytest.approx([w, b], abs=1e-9)
    assert (w, b) == pytest.approx((0.81995, 1.64734), abs=1e-5)
    claim = problem.question(2).check("0.8, 1.5")                     # the seed's claim is wrong
    assert not claim.correct and "tutorial" in claim.feedback
    least = np.linalg.lstsq(np.column_stack([X, np.ones(4)]), Y, rcond=None)[0]
    assert problem.question(1).answer.value == pytest.approx(least) == [0.7, 2.0]
    hessian = 2 / 4 * np.array([[np.sum(X * X), np.sum(X)], [np.sum(X), 4]])
    values = np.linalg.eigvalsh(hessian)
    assert problem.question(3).answer.value == pytest.approx(values[1] / values[0])


def test_seed_two_d_steps():
    assert find("elliptic-bowl-one-step").question(3).answer.value == pytest.approx([2 - 0.2 * 4, 1 - 0.2 * 8])
    assert find("elliptic-bowl-one-step").question(4).answer.value == pytest.approx(1.2**2 + 4 * 0.6**2)
    assert find("shifted-bowl-one-step").question(2).answer.value == pytest.approx([3 - 0.5 * 4, 0 - 0.5 * 4])
    assert [r[0] for r in find("x-squared-from-five").question(2).answer.value] == pytest.approx([1, 0.2, 0.04])


def test_seed_eigenvalues_one_and_ten():
    problem = find("eigenvalues-one-and-ten")
    assert problem.question(1).answer.value == Interval(0.0, 2 / 10)
    assert problem.question(2).answer.value == pytest.approx(10)
    assert problem.question(3).answer.value == pytest.approx(2 / 11)
    assert problem.question(4).answer.value == pytest.approx(9 / 11)


def test_seed_three_step_sizes_on_x_squared():
    problem = find("x-squared-three-rates")
    assert [r[0] for r in problem.question(1).answer.value] == [-2, 4, -8]
    assert problem.question(2).answer.value == math.ceil(math.log(0.01) / math.log(0.98))
    assert problem.question(3).answer.value == pytest.approx(0.5)


def test_optimizer_arithmetic_by_hand():
    g = 2.0                                    # f = x², x₀ = 1
    m, v = 0.1 * g, 0.001 * g * g
    m_hat, v_hat = m / (1 - 0.9), v / (1 - 0.999)
    adam = find("adam-first-step")
    assert [adam.question(n).answer.value for n in (1, 2, 3)] == pytest.approx([m, m_hat, v_hat])
    assert adam.question(4).answer.value == pytest.approx(1 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8))
    momentum = find("momentum-two-steps")
    b1 = np.array([4.0, 8.0])
    x1 = np.array([2.0, 1.0]) - 0.1 * b1
    b2 = 0.9 * b1 + np.array([2 * x1[0], 8 * x1[1]])
    assert momentum.question(2).answer.value == pytest.approx(b2)
    assert momentum.question(3).answer.value == pytest.approx(x1 - 0.1 * b2)
    assert momentum.question(4).answer.value == Interval(0.0, 2 * 1.9 / 8)
    s1 = 4.0
    x1 = 1 - 0.5 * 2 / math.sqrt(s1)
    s2 = s1 + (2 * x1) ** 2
    assert find("adagrad-two-steps").question(3).answer.value == pytest.approx(x1 - 0.5 * 2 * x1 / math.sqrt(s2))
    b1 = 2.0
    x1 = 1 - 0.1 * (2 + 0.9 * b1)
    b2 = 0.9 * b1 + 2 * x1
    assert find("nesterov-two-steps").question(3).answer.value == pytest.approx(x1 - 0.1 * (2 * x1 + 0.9 * b2))
    assert find("rmsprop-first-step").question(2).answer.value == pytest.approx(1 - 0.01 * 2 / (math.sqrt(0.04) + 1e-8))


def test_armijo_property_itself():
    problem = find("armijo-backtracking")
    alpha = problem.question(3).answer.value
    f = lambda p: p[0] ** 2 + 4 * p[1] ** 2  # noqa: E731
    x, g = np.array([2.0, 1.0]), np.array([4.0, 8.0])
    assert f(x - alpha * g) <= f(x) - 1e-4 * alpha * g @ g
    assert f(x - 2 * alpha * g) > f(x) - 1e-4 * 2 * alpha * g @ g     # the previous trial failed


def test_batch_and_stochastic_gradients_by_hand():
    xs, ys = np.array([1.0, 2, 3]), np.array([2.0, 4, 7])
    problem = find("batch-versus-stochastic")
    assert problem.question(1).answer.value == pytest.approx(np.mean(-2 * xs * ys))
    assert problem.question(2).answer.value == pytest.approx(-2 * xs[1] * ys[1])
    assert problem.question(3).answer.value == pytest.approx(np.mean(-2 * xs[[0, 2]] * ys[[0, 2]]))
    assert problem.question(5).answer.value == pytest.approx(np.sum(xs * ys) / np.sum(xs * xs))


def test_weight_decay_matches_the_decay_form():
    w, alpha, lam = 2.0, 0.1, 0.5
    assert find("l2-weight-decay-step").question(1).answer.value == pytest.approx(
        (1 - alpha * lam) * w - alpha * 2 * (w - 3))


# broken and hostile files -----------------------------------------------------------------------------------

GOOD = '''id = "tiny"
title = "Tiny"
difficulty = "easy"
topic = "t"
statement = "s"
[data]
objective = "x^2"
start = [1]
lr = 0.1
[[questions]]
prompt = "x1?"
kind = "number"
compute = "iterate"
explanation = "e"
'''


@pytest.mark.parametrize("text, field", [
    ("id = [", "toml"),
    (GOOD.replace('title = "Tiny"\n', ""), "title"),
    (GOOD.replace('difficulty = "easy"', 'difficulty = "trivial"'), "difficulty"),
    (GOOD.replace('lr = 0.1', 'lr = true'), "data.lr"),
    (GOOD.replace('start = [1]', 'start = {a = 1}'), "data.start"),
    (GOOD.replace('objective = "x^2"', 'objective = "__import__(\'os\').system(\'ls\')"'), "data.objective"),
    (GOOD.replace('objective = "x^2"', 'objective = "x^99999"'), "data.objective"),
    (GOOD.replace('kind = "number"', 'kind = "essay"'), "questions[1].kind"),
    (GOOD.replace('compute = "iterate"', 'compute = "exec"'), "questions[1].compute"),
    (GOOD.replace('compute = "iterate"\n', ""), "questions[1].answer"),
    (GOOD.replace('explanation = "e"\n', ""), "questions[1].explanation"),
    (GOOD + 'tolerance = -1\n', "questions[1].tolerance"),
    (GOOD + 'color = "red"\n', "questions[1].color"),
    (GOOD.split("[[questions]]")[0], "questions"),
    (GOOD + 'hints = "one"\n', "questions[1].hints"),
    (GOOD + 'mistakes = [1]\n', "questions[1].mistakes"),
    (GOOD.replace('id = "tiny"', 'id = "../../etc"'), "id"),
    (b"\xff\xfe id = 1", "file"),
    ("x = " + "[" * 5000 + "]" * 5000, "toml"),
    (GOOD + "#" + "x" * 70_000 + "\n", "file"),
])
def test_broken_file_is_one_line_naming_file_and_field(cli, tmp_path, text, field):
    path = tmp_path / "broken.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = cli("practice", "show", str(path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gd: error: broken.toml: " + field), lines
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_stated_answer_that_disagrees_with_the_engine(cli, tmp_path):
    path = tmp_path / "wrong.toml"
    path.write_text(GOOD + 'answer = 0.8\n')      # the engine says 1 − 0.1·2 = 0.8
    assert cli("practice", "solution", str(path), "--json").exit_code == 0
    path.write_text(GOOD + 'answer = 0.9\n')
    result = cli("practice", "solution", str(path), "--json")
    assert result.exit_code == 2 and "wrong.toml: questions[1].answer: the stated answer 0.9 disagrees" in result.stderr


def test_data_the_engine_refuses_names_the_field(cli, tmp_path):
    path = tmp_path / "refused.toml"
    path.write_text(GOOD.replace("start = [1]", "start = [1, 2]"))
    result = cli("practice", "check", str(path), "--question", "1", "--answer", "0.8")
    assert result.exit_code == 2 and "refused.toml: data.start: --start has 2 values" in result.stderr


DATASET = GOOD.replace('objective = "x^2"\nstart = [1]', 'dataset = { x = [0.5, -2, "1/3"], y = [1.25, 3, -1] }\n'
                       'model = "a*x^2 + c*exp(-x)"\nparams = ["a", "c"]\nbatch = [1, 3]\nstart = [1, 0]')


def test_a_dataset_objective_is_the_mean_squared_error_written_out(tmp_path):
    """The rows of ``batch``, each xᵢ put into the model, as SymPy is told by hand; a data value that is no
    number and a model that names an undeclared variable are refused at the dataset's field."""
    import sympy as sp

    from gdcli.practice.answers import Context

    path = tmp_path / "data.toml"
    path.write_text(DATASET)
    objective = Context(problems.load(path).question(1)).objective
    a, c = objective.symbols
    model = lambda x: a * x**2 + c * sp.exp(-x)  # noqa: E731
    by_hand = ((sp.Rational(5, 4) - model(sp.Rational(1, 2)))**2 + (-1 - model(sp.Rational(1, 3)))**2) / 2
    assert objective.names == ["a", "c"] and sp.simplify(objective.expr - by_hand) == 0
    assert objective.text == "mean squared error of a*x^2 + c*exp(-x)"
    for value, message in (('"1/0"', "a data value '1/0' is not a number"), ('"x"', "a data value must be a number")):
        path.write_text(DATASET.replace('"1/3"', value))
        with pytest.raises(GdError, match="data.dataset: " + message):
            problems.load(path)
    path.write_text(DATASET.replace('params = ["a", "c"]', 'params = ["a"]'))
    with pytest.raises(GdError, match="'c' is not a declared variable"):
        problems.load(path)


def test_duplicate_ids_in_a_bank(cli, tmp_path, monkeypatch):
    (tmp_path / "a.toml").write_text(GOOD)
    (tmp_path / "b.toml").write_text(GOOD)
    monkeypatch.setenv("GDCLI_PROBLEMS", str(tmp_path))
    result = cli("practice", "list", "--json")
    assert result.exit_code == 0 and [p["id"] for p in json.loads(result.stdout)] == ["tiny"]
    assert result.stderr == "gd: warning: skipped b.toml: id: 'tiny' is also the id of a.toml\n"


# the wording of the bank, checked with the engine -------------------------------------------------------

def test_every_question_has_a_hint():
    for problem in problems.bank():
        for q in problem.questions:
            assert q.hints, (problem.id, q.number)


def test_the_stability_bound_is_asked_as_a_bound_not_a_largest_element():
    problem = find("one-eigenvalue-three-fates")
    bound = problem.question(4)
    assert "largest" not in bound.prompt
    assert bound.answer.value == pytest.approx(2 / 10)           # 2/f″ with f = 5x²
    # at α = B the engine's run oscillates (question 2 asks exactly that), just below it converges
    assert float(problem.question(2).data["lr"]) == pytest.approx(bound.answer.value)
    assert problem.question(2).answer.value == "oscillates"
    assert problem.question(1).answer.value == "converges"


def test_the_directional_derivative_is_negative_and_its_magnitude_is_named():
    q = find("steepest-descent-direction").question(3)
    assert q.answer.value == pytest.approx(-math.sqrt(2**2 + 4**2))   # ∇f·u = −‖∇f‖ at (1, 2)
    verdict = q.check("2*sqrt(5)")
    assert not verdict.correct and "directional derivative" in verdict.misconception
    assert q.check("-2sqrt(5)").correct


def test_the_step_count_is_quoted_to_its_digits():
    q = find("linear-regression-four-points").question(5)
    lambda_min = (17 - math.sqrt(269)) / 2                       # eigenvalue of [[15, 5], [5, 2]]
    steps = math.log(1e-6) / math.log(1 - 0.01 * lambda_min)
    assert f"{steps:.2f}" in q.explanation and "4607.5" not in q.explanation


def test_the_camel_is_not_convex_where_the_explanation_says():
    q = find("local-minimum-camel").question(4)
    fxx = 4 - 12.6 * 1**2 + 5 * 1**4                             # ∂²/∂x² of 2x² − 1.05x⁴ + x⁶/6 + xy + y²
    assert fxx == pytest.approx(-3.6) and "−3.6" in q.explanation
    assert "sufficient, not necessary" in q.explanation


def test_the_schedule_explanation_rests_on_the_divergent_sum():
    q = find("schedule-rescues-large-step").question(3)
    assert q.answer.value == "converges" and "Σcₜ" in q.explanation
    product, total = 1.0, 0.0
    for t in range(2, 200):
        product *= 1 - 2.4 / (1 + t)
        total += 2.4 / (1 + t)
    assert product < 1e-3 and total > 10


def test_convergence_rates_defines_strong_convexity_globally():
    statement = find("convergence-rates").statement
    assert "everywhere" in statement and "near that minimizer" in statement


def test_choices_named_in_ordinary_words_are_accepted():
    assert find("local-minimum-camel").question(3).check("a local minimum").correct
    assert find("convergence-rates").question(2).check("sub-linear").correct
    assert not find("saddle-and-maximum").question(1).check("saddle + 1").correct
    assert not find("one-eigenvalue-three-fates").question(1).check("convex").correct


# one broken teacher file beside good ones: reported by name, skipped by the bank, fatal only when named ------

BROKEN = {
    "variables.toml": (GOOD.replace('id = "tiny"', 'id = "v"').replace("[data]\n", "[data]\nvariables = [1, 2]\n"),
                       "data.variables: must be a non-empty list of names"),
    "eigen.toml": (GOOD.replace('id = "tiny"', 'id = "e"').replace("[data]\n", "[data]\neigenvalues = []\n"),
                   "data.eigenvalues: must be a non-empty list of numbers"),
    "reduction.toml": (GOOD.replace('id = "tiny"', 'id = "r"') + "data = { reduction = 0 }\n",
                       "questions[1].data.reduction: must be between 0 and 1"),
    "schedule.toml": (GOOD.replace('id = "tiny"', 'id = "s"').replace("[data]\n", "[data]\nt = -10\n"),
                      "data.t: must be a step index from 0"),
    "parens.toml": (GOOD.replace('id = "tiny"', 'id = "p"').replace('compute = "iterate"\n', 'answer = "()"\n'),
                    "questions[1].answer: '()' holds no number"),
}


@pytest.fixture
def broken_bank(tmp_path, monkeypatch):
    """A bank of one good problem and one broken file of each kind, a FIFO and a link to /dev/zero among them."""
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "good.toml").write_text(GOOD)
    for name, (text, _) in BROKEN.items():
        (folder / name).write_text(text)
    os.mkfifo(folder / "fifo.toml")
    os.symlink("/dev/zero", folder / "zero.toml")
    monkeypatch.setenv("GDCLI_PROBLEMS", str(folder))
    return folder


FAULTS = {**{name: fault for name, (_, fault) in BROKEN.items()},
          "fifo.toml": "file: is a FIFO (named pipe), not a problem file",
          "zero.toml": "file: is a character device, not a problem file"}


def warned(stderr):
    """The files each warning line names, after checking each line is one."""
    lines = stderr.splitlines()
    assert "Traceback" not in stderr and all(line.startswith("gd: warning: skipped ") for line in lines), lines
    return {line.split()[3].rstrip(":"): line for line in lines}


def test_a_broken_file_is_skipped_by_list_progress_and_start(cli, broken_bank):
    listed = cli("practice", "list", "--json")
    assert listed.exit_code == 0 and [p["id"] for p in json.loads(listed.stdout)] == ["tiny"]
    lines = warned(listed.stderr)
    assert set(lines) == set(FAULTS)
    for name, fault in FAULTS.items():
        assert f"skipped {name}: {fault}" in lines[name]
    progress = cli("practice", "progress")
    assert progress.exit_code == 0 and set(warned(progress.stderr)) == set(FAULTS)
    assert "1" in progress.stdout.splitlines()[-1]  # the one good problem, not tried
    session = cli("practice", "start", input="0.8\n")
    assert session.exit_code == 0 and "✓ correct" in session.stdout and "score: 1/1" in session.stdout
    assert set(warned(session.stderr)) == set(FAULTS)


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_only_a_command_naming_the_broken_file_fails(cli, broken_bank, name):
    for command in (("show",), ("check", "--question", "1", "--answer", "0.8"), ("solution",), ("start",)):
        result = cli("practice", command[0], str(broken_bank / name), *command[1:])
        lines = result.stderr.splitlines()
        assert result.exit_code == 2 and len(lines) == 1 and "Traceback" not in result.stderr
        assert lines[0].startswith(f"gd: error: {name}: {FAULTS[name]}")
    assert cli("practice", "show", "tiny").exit_code == 0


def test_an_engine_fault_no_check_foresaw_fails_that_question_alone(cli, tmp_path, monkeypatch):
    from gdcli.practice import answers

    def broken(context):
        return 1 / 0

    monkeypatch.setitem(answers.COMPUTES, "iterate", broken)
    path = tmp_path / "tiny.toml"
    path.write_text(GOOD)
    result = cli("practice", "check", str(path), "--question", "1", "--answer", "0.8")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert result.stderr == ("gd: error: tiny.toml: questions[1].data: the engine cannot compute the answer from "
                             "these data (ZeroDivisionError)\n")


def test_escape_sequences_in_a_problem_file_never_reach_the_terminal(cli, tmp_path):
    hostile = (GOOD.replace('title = "Tiny"', 'title = "Tiny\\u001b]0;pwned\\u0007"')
               .replace('statement = "s"', 'statement = "clear\\u001b[2J\\nsecond line"')
               .replace('prompt = "x1?"', 'prompt = "x1?\\u001b]52;c;ZWNobyBoaQ==\\u0007"')
               .replace('explanation = "e"', 'explanation = "e\\u009b31m"\nhints = ["h\\u001bc"]'))
    path = tmp_path / "hostile.toml"
    path.write_text(hostile)
    shown = cli("practice", "show", str(path)).stdout + cli("practice", "solution", str(path)).stdout
    session = cli("practice", "start", str(path), input="?\ns\n").stdout
    for text in (shown, session):
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "clear" in shown and "second line" in shown and "Tiny]0;pwned" in shown
    assert "hc" in session
    bad = tmp_path / "bad\x1b[2J.toml"
    bad.write_text(hostile.replace('difficulty = "easy"', 'difficulty = "\\u001b[2J"'))
    result = cli("practice", "show", str(bad))
    assert result.exit_code == 2 and "\x1b" not in result.stderr and result.stderr.count("\n") == 1


def test_a_question_the_engine_refuses_mid_session_skips_only_its_problem(cli, tmp_path, monkeypatch):
    (tmp_path / "late.toml").write_text(GOOD.replace('id = "tiny"', 'id = "late"').replace("start = [1]",
                                                                                          'start = "abc"'))
    (tmp_path / "tiny.toml").write_text(GOOD)
    monkeypatch.setenv("GDCLI_PROBLEMS", str(tmp_path))
    session = cli("practice", "start", input="1\n0.8\n")
    assert session.exit_code == 0 and "Traceback" not in session.stderr
    (warning,) = session.stderr.splitlines()
    assert warning.startswith("gd: warning: skipped the rest of late: late.toml: data.start:")
    assert "✓ correct" in session.stdout and "that was the last problem." in session.stdout
