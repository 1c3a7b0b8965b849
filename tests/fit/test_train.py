"""The training loop and the exact references, each against a derivation written out here."""


import numpy as np
import pytest

from gdcli.engine.schedules import make_schedule
from gdcli.errors import GdError
from gdcli.fit.data import Dataset, read_csv
from gdcli.fit.models import Linear, Logistic, design
from gdcli.fit.train import compare, fit, learning_rates, read_batch_sizes
from tests.conftest import ROOT

DATA = ROOT / "problems" / "data"


def dataset(X, y, name="mem.csv"):
    X = np.asarray(X, dtype=float).reshape(len(y), -1)
    return Dataset(name, tuple(f"x{j}" for j in range(X.shape[1])), "y", X, np.asarray(y, float),
                   tuple(range(2, len(y) + 2)))


SEEDS = dataset([1, 2, 3, 4], [2, 4, 5, 4])


def test_seeds_500_full_batch_steps():
    # the seeds' loop, written out: w1 ← w1 − α·(−2·mean(x·r)), w2 ← w2 − α·(−2·mean(r))
    x, y = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 5.0, 4.0]
    w1 = w2 = 0.0
    for _ in range(500):
        r = [yi - (w1 * xi + w2) for xi, yi in zip(x, y)]
        g1 = -2 * sum(xi * ri for xi, ri in zip(x, r)) / 4
        g2 = -2 * sum(r) / 4
        w1, w2 = w1 - 0.01 * g1, w2 - 0.01 * g2
    result = fit(SEEDS, lr=0.01, epochs=500)
    assert result.coef[0] == pytest.approx(w1, rel=1e-12) and result.intercept == pytest.approx(w2, rel=1e-12)
    assert result.coef[0] == pytest.approx(0.81995, abs=5e-6)
    assert result.intercept == pytest.approx(1.64734, abs=5e-6)
    assert result.trace.evaluations == 500 and result.trace.status == "max_epochs"


def test_seeds_least_squares_answer():
    # slope = Σ(x − x̄)(y − ȳ)/Σ(x − x̄)² = 3.5/5 = 0.7, intercept = ȳ − 0.7·x̄ = 3.75 − 1.75 = 2
    result = fit(SEEDS, lr=0.01, epochs=1)
    coef, intercept = result.reference
    assert coef[0] == pytest.approx(0.7, abs=1e-12) and intercept == pytest.approx(2.0, abs=1e-12)
    # its loss: residuals 2 − 2.7, 4 − 3.4, 5 − 4.1, 4 − 4.8
    assert result.problem.reference.loss == pytest.approx((0.49 + 0.36 + 0.81 + 0.64) / 4)


def test_full_batch_reaches_least_squares_on_generated_data():
    data = read_csv(DATA / "linear.csv", "y")
    result = fit(data, lr=0.3, epochs=300, standardize=True)
    A = np.column_stack([data.X, np.ones(data.rows)])
    normal = np.linalg.solve(A.T @ A, A.T @ data.y)  # the normal equations, solved here
    assert np.allclose(result.coef, normal[:-1], atol=1e-8) and result.intercept == pytest.approx(normal[-1])
    assert result.distance < 1e-8


def test_ridge_reference_solves_its_normal_equations():
    data = read_csv(DATA / "linear.csv", "y")
    lam, n = 0.5, data.rows
    A = np.column_stack([data.X, np.ones(n)])
    D = np.diag([1.0, 1.0, 1.0, 0.0])
    # ∇[(1/n)‖Aθ − y‖² + (λ/2)‖w‖²] = 0  ⇔  (2/n AᵀA + λD) θ = 2/n Aᵀy
    expected = np.linalg.solve(2 / n * A.T @ A + lam * D, 2 / n * A.T @ data.y)
    result = fit(data, lr=0.015, epochs=8000, l2=lam)
    assert np.allclose(result.problem.reference.theta, expected)
    assert np.allclose([*result.coef, result.intercept], expected, atol=1e-6)


def logistic_gradient(A, y, theta, lam):
    z = A @ theta
    p = 1 / (1 + np.exp(-z))
    g = A.T @ (p - y) / len(y)
    g[:-1] += lam * theta[:-1]
    return g


@pytest.mark.parametrize("lam", [0.0, 0.1])
def test_full_batch_reaches_newton_fit(lam):
    data = read_csv(DATA / "classes.csv", "label")
    result = fit(data, model="logistic", lr=2.0, epochs=1500, l2=lam)
    A = np.column_stack([data.X, np.ones(data.rows)])
    star = result.problem.reference.theta
    assert np.linalg.norm(logistic_gradient(A, data.y, star, lam)) < 1e-10  # θ* is stationary
    assert np.allclose([*result.coef, result.intercept], star, atol=1e-6)
    # the cross-entropy at θ*, written out
    p = 1 / (1 + np.exp(-(A @ star)))
    loss = -np.mean(data.y * np.log(p) + (1 - data.y) * np.log(1 - p)) + lam / 2 * star[:-1] @ star[:-1]
    assert result.problem.reference.loss == pytest.approx(loss, rel=1e-12)
    assert result.accuracy == pytest.approx(np.mean((A @ star > 0) == (data.y == 1)))


def test_separable_data_has_no_maximum_likelihood_fit():
    data = dataset([-2, -1, 1, 2], [0, 0, 1, 1])
    result = fit(data, model="logistic", lr=0.5, epochs=20)
    assert result.reference is None and "separable" in result.problem.reference.note
    assert result.distance is None
    assert fit(data, model="logistic", lr=0.5, epochs=20, l2=0.1).reference is not None


def test_logistic_loss_is_stable_for_large_z():
    A = design(np.array([[1000.0], [-1000.0]]))
    loss, grad = Logistic.loss_and_gradient(A, np.array([0.0, 1.0]), np.array([1.0, 0.0]), 0.0)
    # log(1 + e^1000) − 0 and log(1 + e^−1000) + 1000: both ≈ 1000
    assert loss == pytest.approx(1000.0) and np.all(np.isfinite(grad))


def test_sgd_in_file_order_is_the_per_row_loop():
    x, y = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 5.0, 4.0]
    w = b = 0.0
    for _ in range(3):
        for xi, yi in zip(x, y):
            r = w * xi + b - yi
            w, b = w - 0.05 * 2 * r * xi, b - 0.05 * 2 * r
    result = fit(SEEDS, lr=0.05, epochs=3, batch_size=1, shuffle=False)
    assert result.coef[0] == pytest.approx(w, rel=1e-12) and result.intercept == pytest.approx(b, rel=1e-12)
    assert result.trace.evaluations == 12 and result.trace.examples == 12


def test_momentum_full_batch_is_the_torch_rule():
    x, y = np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 5.0, 4.0])
    theta, buffer = np.zeros(2), np.zeros(2)
    for _ in range(40):
        r = theta[0] * x + theta[1] - y
        g = np.array([2 * np.mean(r * x), 2 * np.mean(r)])
        buffer = 0.8 * buffer + g
        theta = theta - 0.02 * buffer
    result = fit(SEEDS, optimizer="momentum", beta=0.8, lr=0.02, epochs=40)
    assert np.allclose([*result.coef, result.intercept], theta, rtol=1e-12)


def test_fixed_seed_reproduces_mini_batches_and_another_does_not():
    data = read_csv(DATA / "linear.csv", "y")
    first = fit(data, lr=0.001, epochs=5, batch_size=8, seed=3)
    again = fit(data, lr=0.001, epochs=5, batch_size=8, seed=3)
    other = fit(data, lr=0.001, epochs=5, batch_size=8, seed=4)
    assert np.array_equal(first.trace.theta, again.trace.theta)
    assert np.array_equal(first.trace.loss, again.trace.loss)
    assert not np.allclose(first.trace.theta[-1], other.trace.theta[-1])
    unshuffled = [fit(data, lr=0.001, epochs=5, batch_size=8, seed=s, shuffle=False) for s in (3, 4)]
    assert np.array_equal(unshuffled[0].trace.theta, unshuffled[1].trace.theta)


def test_steps_and_evaluations_per_batch_size():
    data = read_csv(DATA / "linear.csv", "y")  # 300 rows
    results = compare(data, read_batch_sizes("1,8,full,500"), lr=0.001, epochs=2)
    assert [r.batch_size for r in results] == [1, 8, 0, 0]
    assert [r.steps_per_epoch for r in results] == [300, 38, 1, 1]  # ⌈300/8⌉ = 38, the last batch has 4 rows
    assert [r.trace.evaluations for r in results] == [600, 76, 2, 2]
    assert all(r.trace.examples == 600 for r in results)


def test_full_batch_table_rows():
    result = fit(SEEDS, lr=0.01, epochs=3)
    t = result.trace
    assert t.epoch.tolist() == [0, 1, 2, 3]
    # row 0 is θ = 0: loss mean(y²) = (4 + 16 + 25 + 16)/4, gradient (−2·mean(xy), −2·mean(y)) = (−20.5, −7.5)
    assert t.loss[0] == pytest.approx(61 / 4) and t.grad_norm[0] == pytest.approx(np.hypot(20.5, 7.5))


def test_schedule_is_per_epoch():
    result = fit(SEEDS, lr=0.1, epochs=4, schedule="inverse", decay=0.5)
    assert np.allclose(result.trace.lr, [0.1 / (1 + 0.5 * e) for e in range(5)])
    assert np.allclose(learning_rates(make_schedule("exponential", 0.9), 2.0, 3), [2.0, 1.8, 1.62])


def test_divergence_is_a_status_with_the_last_finite_epoch():
    result = fit(SEEDS, lr=1.0, epochs=2000)  # far above 2/λmax ≈ 0.12
    assert result.trace.status == "diverged" and "diverged in epoch" in result.trace.message
    assert np.all(np.isfinite(result.trace.loss)) and np.all(np.isfinite(result.trace.theta))
    assert len(result.trace.epoch) < 2001


def test_linear_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    A, y, theta = design(rng.normal(size=(20, 3))), rng.normal(size=20), rng.normal(size=4)
    for model in (Linear, Logistic):
        labels = (y > 0).astype(float) if model is Logistic else y
        _, grad = model.loss_and_gradient(A, labels, theta, 0.3)
        h = 1e-6
        numeric = [(model.loss_and_gradient(A, labels, theta + h * e, 0.3)[0]
                    - model.loss_and_gradient(A, labels, theta - h * e, 0.3)[0]) / (2 * h) for e in np.eye(4)]
        assert np.allclose(grad, numeric, atol=1e-6)
        many = model.losses(A, labels, np.vstack([theta, 2 * theta]), 0.3)
        assert many[1] == pytest.approx(model.loss_and_gradient(A, labels, 2 * theta, 0.3)[0])


@pytest.mark.parametrize("kwargs, words", [
    ({"lr": 0}, "--lr"), ({"epochs": 0}, "--epochs"), ({"batch_size": -1}, "--batch-size"),
    ({"l2": -1}, "--l2"), ({"model": "tree"}, "unknown model"), ({"optimizer": "sgdx"}, "unknown optimizer"),
])
def test_bad_options(kwargs, words):
    with pytest.raises(GdError, match=words):
        fit(SEEDS, **{"lr": 0.01, **kwargs})


def test_bad_batch_size_list():
    with pytest.raises(GdError, match="'x' is not a batch size"):
        read_batch_sizes("1,x")
