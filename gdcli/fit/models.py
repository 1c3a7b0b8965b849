"""The two models of `gd fit`, their losses and gradients over data, and their exact answers.

Parameters are one vector θ = (w₁, …, w_p, b) and the data one design matrix A = [X 1] (a column of ones
last), so the prediction is z = Aθ = Xw + b. With n rows and weight decay λ ≥ 0:

- linear:    L(θ) = (1/n) Σ (yᵢ − zᵢ)² + (λ/2)‖w‖²,          ∇L = (2/n) Aᵀ(z − y) + λ(w, 0)
- logistic:  L(θ) = (1/n) Σ [log(1 + e^zᵢ) − yᵢ zᵢ] + (λ/2)‖w‖², ∇L = (1/n) Aᵀ(σ(z) − y) + λ(w, 0)

The intercept b is never penalised. log(1 + eᶻ) is computed as logaddexp(0, z), which neither overflows
for large z nor loses digits for very negative z, and σ(z) = exp(z − log(1 + eᶻ)) reuses it.

Exact references: least squares by lstsq on the augmented system [A; √(nλ/2)·D] θ ≈ [y; 0] (D = diag(1, …,
1, 0)), whose normal equations are ∇L = 0; logistic maximum likelihood by Newton's method θ ← θ − H⁻¹∇L with
H = (1/n) Aᵀ diag(σ(1 − σ)) A + λD, halving the step until the loss decreases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEWTON_STEPS = 100
NEWTON_TOL = 1e-12
"""Newton stops when ‖∇L‖ ≤ NEWTON_TOL·max(1, ‖∇L(0)‖)."""
SEPARABLE_NORM = 1e6
"""A Newton iterate this large means the likelihood has no maximum: the classes are separable."""


def design(X: np.ndarray) -> np.ndarray:
    """A = [X 1], C-ordered so that A θ and Aᵀ r are single BLAS calls."""
    n = X.shape[0]
    return np.ascontiguousarray(np.hstack([X, np.ones((n, 1))]))


def penalty_mask(size: int) -> np.ndarray:
    """D = (1, …, 1, 0): weight decay acts on w, not on b."""
    mask = np.ones(size)
    mask[-1] = 0.0
    return mask


def with_decay(loss: float, grad: np.ndarray, theta: np.ndarray, l2: float) -> tuple[float, np.ndarray]:
    """Add (λ/2)‖w‖² to the loss and λ(w, 0) to the gradient (in place)."""
    if l2:
        w = theta[:-1]
        loss += 0.5 * l2 * float(w @ w)
        grad[:-1] += l2 * w
    return loss, grad


def decay(thetas: np.ndarray, l2: float) -> np.ndarray:
    """(λ/2)‖w‖² for each row θ = (w, b) of ``thetas``."""
    return 0.5 * l2 * np.sum(thetas[:, :-1] ** 2, axis=1)


@dataclass(frozen=True)
class Reference:
    """The exact minimiser θ* of the loss (with its weight decay), or why there is none."""

    theta: np.ndarray | None
    loss: float | None
    method: str
    """How θ* was found."""
    note: str = ""


class Linear:
    """Least squares: mean squared error of z = Xw + b."""

    name = "linear"
    loss_text = "L = mean((y − Xw − b)²)"

    @staticmethod
    def loss_and_gradient(A: np.ndarray, y: np.ndarray, theta: np.ndarray, l2: float) -> tuple[float, np.ndarray]:
        """L(θ) and ∇L(θ) from one residual r = Aθ − y: two passes over the data."""
        r = A @ theta
        r -= y
        n = r.shape[0]
        grad = A.T @ r
        grad *= 2.0 / n
        loss = float(r @ r) / n
        return with_decay(loss, grad, theta, l2)

    @staticmethod
    def losses(A: np.ndarray, y: np.ndarray, thetas: np.ndarray, l2: float) -> np.ndarray:
        """L at each row of ``thetas`` (k × (p + 1)) at once, for contour plots."""
        r = A @ thetas.T - y[:, None]
        return np.mean(r * r, axis=0) + decay(thetas, l2)

    @staticmethod
    def hessian(A: np.ndarray, y: np.ndarray, theta: np.ndarray, l2: float) -> np.ndarray:
        """(2/n) AᵀA + λD, the same at every θ."""
        return 2.0 / A.shape[0] * (A.T @ A) + np.diag(l2 * penalty_mask(A.shape[1]))

    @classmethod
    def reference(cls, A: np.ndarray, y: np.ndarray, l2: float) -> Reference:
        """Least squares by lstsq (the minimum-norm solution when columns are collinear)."""
        n, size = A.shape
        system, values = A, y
        if l2:
            rows = np.diag(np.sqrt(n * l2 / 2) * penalty_mask(size))[:-1]
            system, values = np.vstack([A, rows]), np.concatenate([y, np.zeros(size - 1)])
        theta = np.linalg.lstsq(system, values, rcond=None)[0]
        method = "least squares (lstsq)" + (", ridge λ" if l2 else "")
        return Reference(theta, cls.loss_and_gradient(A, y, theta, l2)[0], method)


class Logistic:
    """Logistic regression: mean cross-entropy of P(y = 1) = σ(Xw + b) against labels 0/1."""

    name = "logistic"
    loss_text = "L = mean(log(1 + e^z) − y·z), z = Xw + b"

    @staticmethod
    def loss_and_gradient(A: np.ndarray, y: np.ndarray, theta: np.ndarray, l2: float) -> tuple[float, np.ndarray]:
        """L(θ) and ∇L(θ) from one z = Aθ; σ(z) = exp(z − log(1 + eᶻ))."""
        z = A @ theta
        n = z.shape[0]
        softplus = np.logaddexp(0.0, z)
        loss = (float(softplus.sum()) - float(y @ z)) / n
        p = np.exp(z - softplus)
        p -= y
        grad = A.T @ p
        grad /= n
        return with_decay(loss, grad, theta, l2)

    @staticmethod
    def losses(A: np.ndarray, y: np.ndarray, thetas: np.ndarray, l2: float) -> np.ndarray:
        """L at each row of ``thetas`` (k × (p + 1)) at once, for contour plots."""
        z = A @ thetas.T
        return np.mean(np.logaddexp(0.0, z), axis=0) - (y @ z) / len(y) + decay(thetas, l2)

    @staticmethod
    def hessian(A: np.ndarray, y: np.ndarray, theta: np.ndarray, l2: float) -> np.ndarray:
        """(1/n) Aᵀ diag(σ(1 − σ)) A + λD."""
        z = A @ theta
        p = np.exp(z - np.logaddexp(0.0, z))
        weights = p * (1 - p)
        return (A.T * weights) @ A / A.shape[0] + np.diag(l2 * penalty_mask(A.shape[1]))

    @classmethod
    def reference(cls, A: np.ndarray, y: np.ndarray, l2: float) -> Reference:
        """Maximum likelihood (with weight decay λ when given) by damped Newton from θ = 0."""
        method = "maximum likelihood (Newton)" + (", ridge λ" if l2 else "")
        theta = np.zeros(A.shape[1])
        loss, grad = cls.loss_and_gradient(A, y, theta, l2)
        tolerance = NEWTON_TOL * max(1.0, float(np.linalg.norm(grad)))
        with np.errstate(all="ignore"):
            for _ in range(NEWTON_STEPS):
                if np.linalg.norm(grad) <= tolerance:
                    break
                step = np.linalg.lstsq(cls.hessian(A, y, theta, l2), grad, rcond=None)[0]
                scale = 1.0
                while scale > 1e-12:
                    candidate = theta - scale * step
                    new_loss, new_grad = cls.loss_and_gradient(A, y, candidate, l2)
                    if new_loss <= loss:
                        break
                    scale /= 2
                else:
                    break
                theta, loss, grad = candidate, new_loss, new_grad
                if np.linalg.norm(theta) > SEPARABLE_NORM:
                    break
        # with no decay, a loss below log(2)/n puts every row on its side of the boundary: separable classes
        separable = not l2 and loss * A.shape[0] < np.log(2)
        if not separable and np.linalg.norm(grad) <= tolerance * 1e3 and np.linalg.norm(theta) <= SEPARABLE_NORM:
            return Reference(theta, loss, method)
        return Reference(None, None, method, "no maximum-likelihood fit exists: the classes are separable, "
                                             "so ‖w‖ grows without bound (add --l2 to get one)")


MODELS = {"linear": Linear, "logistic": Logistic}


def accuracy(A: np.ndarray, y: np.ndarray, theta: np.ndarray) -> float:
    """The share of rows where the predicted class [Aθ > 0] equals the label."""
    return float(np.mean((A @ theta > 0) == (y == 1)))
