"""Fitting a model to data by batch, mini-batch and stochastic gradient descent, against the exact answer.

Parameters θ = (w, b) start at zero. One epoch is one pass over the n rows:

- full batch (batch size 0, or ≥ n): one step per epoch with the exact gradient ∇L(θ);
- mini-batch B: the rows are shuffled with ``numpy.random.default_rng(seed)`` at the start of every epoch
  (``shuffle=False`` keeps file order), then one step per batch of B consecutive rows, with the gradient of
  the mean loss over that batch (the last batch may be smaller); B = 1 is stochastic gradient descent.

Each step is the engine's optimizer rule applied to the vector θ through ``gdcli.engine.kernels.ArrayRule``, so
momentum, Adam and the rest update exactly as in `gd solve`. The schedule gives α_t with t the epoch
(0, 1, …), as a learning-rate scheduler stepped once per epoch does.

Evaluations are counted in steps: one gradient evaluation per optimizer step, whatever the batch size
(so full batch makes one per epoch, B = 1 makes n). ``examples`` counts the rows those gradients read. The
full-data loss and gradient computed at the end of every epoch for the table are monitoring, not counted.

A run whose loss or parameters stop being finite, or whose loss grows past DIVERGENCE_FACTOR times its
starting scale, ends with status ``diverged`` and keeps the last finite epoch; otherwise ``max_epochs``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from gdcli.engine.checks import positive, tolerance, whole_number
from gdcli.engine.kernels import ArrayRule
from gdcli.engine.notation import number
from gdcli.engine.optimizers import Optimizer, make_optimizer
from gdcli.engine.run import DIVERGENCE_FACTOR
from gdcli.engine.schedules import Schedule, make_schedule
from gdcli.engine.stability import Stability, analyse
from gdcli.errors import OptionError
from gdcli.fit.data import Dataset, Standardizer, check_labels
from gdcli.fit.models import MODELS, Reference, accuracy, design

MAX_EPOCHS = 1_000_000
MAX_BATCH = 1_000_000_000
"""Largest --batch-size accepted (any size at or above the row count is full batch)."""
MAX_SEED = 2**63 - 1
MESSAGES = {
    "max_epochs": "finished the {epochs} epochs",
    "diverged": "diverged in epoch {epoch}: the loss or the parameters grew past {factor} times their "
                "starting scale or stopped being finite",
}


@dataclass
class Problem:
    """The data as the optimizer sees it: A = [X 1] (standardised when asked), y, the model, λ, θ*."""

    data: Dataset
    model: type
    A: np.ndarray
    y: np.ndarray
    l2: float
    standardizer: Standardizer | None
    reference: Reference
    conditioning: Stability
    """The Hessian of L at θ = 0 in the optimizer's coordinates: κ and the stable range of α."""
    raw_condition_number: float | None
    """κ of the same Hessian before standardising (None without --standardize or when λmin ≤ 0)."""

    def original(self, theta: np.ndarray) -> tuple[np.ndarray, float]:
        """(w, b) of θ in the data's own units."""
        if self.standardizer is None:
            return theta[:-1].copy(), float(theta[-1])
        return self.standardizer.to_original(theta[:-1], float(theta[-1]))


def prepare(data: Dataset, model: str = "linear", l2: float = 0.0, standardize: bool = False,
            optimizer: str = "gd", lr: float = 0.01, beta: float = 0.0) -> Problem:
    """Check the data for the model, standardise, find the exact answer and read the conditioning."""
    kind = MODELS.get(model.strip().lower() if isinstance(model, str) else model)
    if kind is None:
        raise OptionError(f"unknown model '{model}' (choose from {', '.join(MODELS)})")
    l2 = tolerance(l2, "--l2")
    if kind.name == "logistic":
        check_labels(data)
    standardizer = Standardizer.of(data) if standardize else None
    X = standardizer.transform(data.X) if standardizer else data.X
    A = design(X)
    size = A.shape[1]
    zero = np.zeros(size)
    with np.errstate(all="ignore"):
        hessian = kind.hessian(A, data.y, zero, l2)
        conditioning = analyse(hessian, zero, "θ = 0", optimizer, lr, beta)
        raw = None
        if standardizer is not None:
            raw = analyse(kind.hessian(design(data.X), data.y, zero, l2), zero, "θ = 0", optimizer, lr,
                          beta).condition_number
    return Problem(data, kind, A, data.y, l2, standardizer, kind.reference(A, data.y, l2), conditioning, raw)


@dataclass
class Trace:
    """One training run, recorded once per epoch (row 0 is the start θ = 0).

    ``lr[e]`` is the α used in epoch e + 1 (the engine's convention: α_t goes with the row it steps from).
    """

    status: str
    message: str
    epoch: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    lr: np.ndarray
    theta: np.ndarray
    evaluations: int
    examples: int


def learning_rates(schedule: Schedule, lr0: float, count: int) -> np.ndarray:
    """α_t for t = 0 … count − 1, from the schedule's formula evaluated over an array."""
    return schedule.over(lr0, count)


def train(problem: Problem, optimizer: Optimizer, lr: float, epochs: int, batch_size: int = 0, seed: int = 0,
          shuffle: bool = True, schedule: Schedule = Schedule(), progress: Callable[[], None] | None = None) -> Trace:
    """Run the optimizer for ``epochs`` epochs from θ = 0; see the module docstring. ``progress`` is called
    after every epoch."""
    A, y, l2 = problem.A, problem.y, problem.l2
    n, size = A.shape
    evaluate = problem.model.loss_and_gradient
    kernel = ArrayRule(optimizer.rule)
    hyper = optimizer.hyper
    alphas = learning_rates(schedule, lr, epochs + 1)
    full = batch_size <= 0 or batch_size >= n
    rng = np.random.default_rng(seed)
    losses, norms = np.empty(epochs + 1), np.empty(epochs + 1)
    thetas = np.zeros((epochs + 1, size))
    theta, state, step = np.zeros(size), {}, 0
    with np.errstate(all="ignore"):
        loss, grad = evaluate(A, y, theta, l2)
        losses[0], norms[0] = loss, math.sqrt(float(grad @ grad))
        bound = DIVERGENCE_FACTOR * max(1.0, abs(loss))
        last, ran, status = epochs, epochs, "max_epochs"
        for epoch in range(1, epochs + 1):
            alpha = alphas[epoch - 1]
            if full:
                step += 1
                theta, state, _ = kernel(theta, grad, state, alpha, step, hyper)
            else:
                rows, targets = A, y
                if shuffle:
                    order = rng.permutation(n)
                    rows, targets = A[order], y[order]
                for start in range(0, n, batch_size):
                    step += 1
                    g = evaluate(rows[start:start + batch_size], targets[start:start + batch_size], theta, l2)[1]
                    theta, state, _ = kernel(theta, g, state, alpha, step, hyper)
            loss, grad = evaluate(A, y, theta, l2)
            norm = math.sqrt(float(grad @ grad))
            if not (math.isfinite(loss) and math.isfinite(norm) and abs(loss) <= bound):
                last, ran, status = epoch - 1, epoch, "diverged"
                if math.isfinite(loss) and math.isfinite(norm):
                    last = epoch
                    losses[epoch], norms[epoch], thetas[epoch] = loss, norm, theta
                break
            losses[epoch], norms[epoch], thetas[epoch] = loss, norm, theta
            if progress is not None:
                progress()
    message = MESSAGES[status].format(epochs=epochs, epoch=ran, factor=number(DIVERGENCE_FACTOR))
    return Trace(status, message, np.arange(last + 1), losses[:last + 1], norms[:last + 1], alphas[:last + 1],
                 thetas[:last + 1], step, ran * n)


@dataclass
class FitResult:
    """A fitted model: the run, the coefficients in the data's units, the exact answer and how far from it."""

    problem: Problem
    optimizer: Optimizer
    lr0: float
    schedule: Schedule
    batch_size: int
    """0 for full batch."""
    seed: int
    shuffle: bool
    trace: Trace

    @property
    def model(self) -> str:
        return self.problem.model.name

    @property
    def steps_per_epoch(self) -> int:
        n = self.problem.data.rows
        return 1 if self.batch_size == 0 else -(-n // self.batch_size)

    @property
    def theta(self) -> np.ndarray:
        return self.trace.theta[-1]

    @property
    def coef(self) -> np.ndarray:
        return self.problem.original(self.theta)[0]

    @property
    def intercept(self) -> float:
        return self.problem.original(self.theta)[1]

    @property
    def loss(self) -> float:
        return float(self.trace.loss[-1])

    @property
    def reference(self) -> tuple[np.ndarray, float] | None:
        """(w*, b*) in the data's units, or None when the model has no exact answer on these data."""
        theta = self.problem.reference.theta
        return None if theta is None else self.problem.original(theta)

    @property
    def distance(self) -> float | None:
        """‖(w, b) − (w*, b*)‖ in the data's units."""
        if self.reference is None:
            return None
        coef, intercept = self.reference
        return float(np.linalg.norm(np.append(self.coef - coef, self.intercept - intercept)))

    @property
    def accuracy(self) -> float | None:
        """For logistic regression, the share of rows classified right; None for linear."""
        if self.model != "logistic":
            return None
        return accuracy(self.problem.A, self.problem.y, self.theta)

    @property
    def reference_accuracy(self) -> float | None:
        theta = self.problem.reference.theta
        if self.model != "logistic" or theta is None:
            return None
        return accuracy(self.problem.A, self.problem.y, theta)

    def to_dict(self) -> dict:
        """The JSON document of `gd fit --json`."""
        p, t = self.problem, self.trace
        reference = self.reference
        return {
            "model": self.model,
            "coef": [float(v) for v in self.coef],
            "intercept": self.intercept,
            "loss": self.loss,
            "epochs": [{"epoch": int(e), "loss": float(f), "grad_norm": float(g), "lr": float(a)}
                       for e, f, g, a in zip(t.epoch, t.loss, t.grad_norm, t.lr)],
            "reference": {
                "coef": None if reference is None else [float(v) for v in reference[0]],
                "intercept": None if reference is None else reference[1],
                "loss": p.reference.loss,
                "method": p.reference.method,
                **({"note": p.reference.note} if p.reference.note else {}),
            },
            "evaluations": t.evaluations,
            "examples": t.examples,
            "status": t.status,
            "message": t.message,
            "distance": self.distance,
            "accuracy": self.accuracy,
            "features": list(p.data.features),
            "target": p.data.target,
            "rows": p.data.rows,
            "optimizer": self.optimizer.to_dict(self.lr0),
            "schedule": {"name": self.schedule.name, "decay": self.schedule.decay},
            "batch_size": self.batch_size,
            "steps_per_epoch": self.steps_per_epoch,
            "seed": self.seed,
            "shuffle": self.shuffle,
            "l2": p.l2,
            "standardize": p.standardizer is not None,
            "condition_number": {"before": p.raw_condition_number if p.standardizer else
                                 p.conditioning.condition_number,
                                 "after": p.conditioning.condition_number if p.standardizer else None},
        }


def fit(data: Dataset, *, model: str = "linear", optimizer: str = "gd", lr: float = 0.01, epochs: int = 100,
        batch_size: int = 0, seed: int = 0, shuffle: bool = True, l2: float = 0.0, standardize: bool = False,
        schedule: str = "constant", decay: float | None = None, beta: float | None = None,
        beta1: float | None = None, beta2: float | None = None, eps: float | None = None,
        rho: float | None = None) -> FitResult:
    """Fit ``model`` to ``data`` with one optimizer and one batch size (0 = full batch)."""
    return compare(data, [batch_size], model=model, optimizer=optimizer, lr=lr, epochs=epochs, seed=seed,
                   shuffle=shuffle, l2=l2, standardize=standardize, schedule=schedule, decay=decay, beta=beta,
                   beta1=beta1, beta2=beta2, eps=eps, rho=rho)[0]


def compare(data: Dataset, batch_sizes: Sequence[int], *, model: str = "linear", optimizer: str = "gd",
            lr: float = 0.01, epochs: int = 100, seed: int = 0, shuffle: bool = True, l2: float = 0.0,
            standardize: bool = False, schedule: str = "constant", decay: float | None = None,
            beta: float | None = None, beta1: float | None = None, beta2: float | None = None,
            eps: float | None = None, rho: float | None = None,
            progress: Callable[[], None] | None = None) -> list[FitResult]:
    """The same fit once per batch size (0 = full batch), each from θ = 0 with the same seed; ``progress`` is
    called after every epoch of every fit."""
    rule = make_optimizer(optimizer, beta=beta, beta1=beta1, beta2=beta2, eps=eps, rho=rho)
    lr = positive(lr, "--lr")
    epochs = whole_number(epochs, "--epochs", 1, MAX_EPOCHS)
    seed = whole_number(seed, "--seed", 0, MAX_SEED)
    sizes = [whole_number(b, "--batch-size", 0, MAX_BATCH) for b in batch_sizes]
    plan = make_schedule(schedule, decay, steps=epochs)
    problem = prepare(data, model, l2, standardize, rule.name, lr, rule.hyper.get("beta", 0.0))
    n = data.rows
    results = []
    for size in sizes:
        size = 0 if size >= n else size
        trace = train(problem, rule, lr, epochs, size, seed, shuffle, plan, progress)
        results.append(FitResult(problem, rule, lr, plan, size, seed, shuffle, trace))
    return results


def read_batch_sizes(text: str) -> list[int]:
    """'1,8,full' → [1, 8, 0]: whole numbers ≥ 1, or 'full' (also 0) for full batch."""
    sizes = []
    for part in str(text).split(","):
        item = part.strip().lower()
        if item in ("full", "0"):
            sizes.append(0)
        elif item.isdigit() and int(item) > 0:
            sizes.append(int(item))
        else:
            raise OptionError(f"--compare-batch-sizes: '{part.strip()}' is not a batch size (use whole numbers "
                              "≥ 1 or 'full', e.g. 1,8,full)")
    return sizes


def batch_label(size: int) -> str:
    """A batch size as shown in tables and legends: "full" for the whole data set (size 0), else B."""
    return "full" if size == 0 else str(size)
