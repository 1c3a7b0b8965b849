"""The six optimizers, each written once as SymPy update equations per coordinate.

Symbols (the same in the rules shown to the user, in the docstrings and in the options):

=========  ==========  =====================================================================
symbol     option      meaning
=========  ==========  =====================================================================
x          --start     the coordinate being updated
g          —           ∂f/∂x at the current point
α          --lr        the learning rate (after any schedule or line search)
t          —           the step number, 1 for the first update
β          --beta      momentum coefficient (momentum, nesterov)
β₁, β₂     --beta1/2   Adam's decay rates for the first and second moments
ε          --eps       the small constant that keeps the division finite
ρ          --rho       RMSprop's decay rate for the squared gradients
b, s, m, v —           state: momentum buffer, sum/average of g², Adam's moments (all start at 0)
=========  ==========  =====================================================================

The rules (torch.optim's documented update rules, float64, torch's defaults except momentum's β = 0.9):

- gd:        x ← x − α·g
- momentum:  b ← β·b + g;  x ← x − α·b            (torch.optim.SGD; Sutskever's v ← βv − αg, x ← x + v
                                                   gives the same iterates only while α is constant)
- nesterov:  b ← β·b + g;  x ← x − α·(g + β·b)    (torch's form: the look-ahead x + βv of the textbook is
                                                   folded into the step, so ∇f is taken at x itself)
- adagrad:   s ← s + g²;  x ← x − α·g/(√s + ε)                        ε = 1e-10
- rmsprop:   s ← ρ·s + (1 − ρ)·g²;  x ← x − α·g/(√s + ε)              ρ = 0.99, ε = 1e-8
- adam:      m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;
             m̂ ← m/(1 − β₁ᵗ);  v̂ ← v/(1 − β₂ᵗ);  x ← x − α·m̂/(√v̂ + ε)   β₁ = 0.9, β₂ = 0.999, ε = 1e-8

Every rule is elementwise, so one scalar rule serves every coordinate: the run loop generates Python code
from it, the vectorised kernels generate NumPy code from it, and exact arithmetic substitutes fractions into
it. The formula printed in a run's header is this code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sympy as sp

from gdcli.engine.methods import METHODS, Method
from gdcli.engine.notation import scientific
from gdcli.engine.methods import settings as method_settings
from gdcli.errors import OptionError

x, g, alpha, t = sp.symbols("x g alpha t", real=True)
beta, beta1, beta2, eps, rho = sp.symbols("beta beta1 beta2 epsilon rho", positive=True)
b, s, m, v, m_hat, v_hat = sp.symbols("b s m v m_hat v_hat", real=True)

SYMBOL_NAMES = {
    x: "x", g: "g", alpha: "α", t: "t", beta: "β", beta1: "β₁", beta2: "β₂", eps: "ε", rho: "ρ",
    b: "b", s: "s", m: "m", v: "v", m_hat: "m̂", v_hat: "v̂",
}
"""How each symbol is written for the user."""


@dataclass(frozen=True, eq=False)
class Rule:
    """An optimizer as ordered assignments ``target ← expression``, evaluated one after another per coordinate.

    ``state`` names the targets that persist between steps (initialised to 0); other targets besides ``x``
    are temporaries shown for teaching (Adam's bias-corrected m̂ and v̂).
    """

    name: str
    title: str
    steps: tuple[tuple[sp.Symbol, sp.Expr], ...]
    state: tuple[sp.Symbol, ...]
    defaults: dict[str, float] = field(default_factory=dict)
    note: str = ""

    def uses_step_number(self) -> bool:
        return any(expr.has(t) for _, expr in self.steps)


def _over(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    """numerator/denominator, without asking SymPy to simplify 1/denominator (its assumption queries cost a
    fiftieth of a second at start-up, and there is nothing to simplify)."""
    return numerator * sp.Pow(denominator, -1, evaluate=False)


SETTING_NAMES = {"memory": "m", "cg_beta": "β", "bb": "BB", "h0": "H₀", "fstar": "f*"}
"""How the methods' settings (gdcli.engine.methods) are written for the user."""
HYPER_SYMBOLS = {"beta": beta, "beta1": beta1, "beta2": beta2, "eps": eps, "rho": rho}

GD = Rule(
    "gd", "gradient descent",
    ((x, x - alpha * g),),
    (),
    note="The plain steepest-descent step xₜ₊₁ = xₜ − α∇f(xₜ).",
)
MOMENTUM = Rule(
    "momentum", "heavy-ball momentum (torch.optim.SGD, momentum=β)",
    ((b, beta * b + g), (x, x - alpha * b)),
    (b,),
    {"beta": 0.9},
    note=(
        "torch's convention: the buffer sums raw gradients, b ← βb + g, and α scales the whole step. "
        "Sutskever's form v ← βv − αg, x ← x + v gives the same iterates for a constant α; with a schedule "
        "the two differ, because here a change of α rescales the accumulated velocity too. "
        "b starts at 0, so the first step is b = g, as in torch."
    ),
)
NESTEROV = Rule(
    "nesterov", "Nesterov momentum (torch.optim.SGD, nesterov=True)",
    ((b, beta * b + g), (x, x - alpha * (g + beta * b))),
    (b,),
    {"beta": 0.9},
    note=(
        "torch's reformulation: the gradient is taken at the current point and the step looks ahead "
        "with g + βb. The textbook form evaluates the gradient at the look-ahead point x + βv; the two "
        "trace the same points shifted by one momentum step."
    ),
)
ADAGRAD = Rule(
    "adagrad", "AdaGrad (torch.optim.Adagrad)",
    ((s, s + g**2), (x, x - alpha * _over(g, sp.sqrt(s) + eps))),
    (s,),
    {"eps": 1e-10},
    note="s accumulates every squared gradient, so each coordinate's step α/(√s + ε) only shrinks.",
)
RMSPROP = Rule(
    "rmsprop", "RMSprop (torch.optim.RMSprop)",
    ((s, rho * s + (1 - rho) * g**2), (x, x - alpha * _over(g, sp.sqrt(s) + eps))),
    (s,),
    {"rho": 0.99, "eps": 1e-8},
    note="torch calls ρ 'alpha' and adds ε outside the square root, as here; s starts at 0.",
)
ADAM = Rule(
    "adam", "Adam (torch.optim.Adam)",
    (
        (m, beta1 * m + (1 - beta1) * g),
        (v, beta2 * v + (1 - beta2) * g**2),
        (m_hat, _over(m, 1 - beta1**t)),
        (v_hat, _over(v, 1 - beta2**t)),
        (x, x - alpha * _over(m_hat, sp.sqrt(v_hat) + eps)),
    ),
    (m, v),
    {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    note="Kingma and Ba's rule with bias correction; ε is added after the square root, as torch does.",
)

RULES: dict[str, Rule] = {r.name: r for r in (GD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADAM)}
ELEMENTWISE = tuple(RULES)
"""The rules that update each coordinate on its own (generated loop, NumPy kernels, exact fractions)."""
NAMES = ELEMENTWISE + tuple(METHODS)
"""Every --optimizer value: the elementwise rules, then the methods of gdcli.engine.methods."""


@dataclass(frozen=True)
class Optimizer:
    """A rule with its hyper-parameter values fixed and checked."""

    rule: Rule | Method
    hyper: dict[str, float]

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def elementwise(self) -> bool:
        """True for the six rules that update each coordinate on its own (see ELEMENTWISE)."""
        return isinstance(self.rule, Rule)

    def settings_text(self) -> list[str]:
        """Each hyper-parameter or setting as the header shows it: β = 0.9, m = 10, H₀ = scaled."""
        shown = []
        for key, value in self.hyper.items():
            symbol = HYPER_SYMBOLS.get(key)
            label = SYMBOL_NAMES[symbol] if symbol is not None else SETTING_NAMES.get(key, key)
            text = scientific(value) if isinstance(value, float) else "from the catalog" if value is None else str(value)
            shown.append(f"{label} = {text}")
        return shown

    def to_dict(self, lr: float) -> dict:
        return {"name": self.name, "lr": lr, **self.hyper}


def make_optimizer(name: str, **given: float | None) -> Optimizer:
    """The optimizer ``name`` with its defaults, overridden by the non-None values in ``given``.

    Hyper-parameters that the optimizer does not use are ignored. Values are checked as torch checks them:
    0 ≤ β < 1, 0 ≤ β₁, β₂ < 1, 0 ≤ ρ < 1, ε ≥ 0, all finite. The methods' settings (memory, cg_beta, bb, h0,
    fstar) are checked by gdcli.engine.methods.settings.
    """
    key = name.strip().lower() if isinstance(name, str) else None
    if key in METHODS:
        return Optimizer(METHODS[key], method_settings(METHODS[key], given))
    rule = RULES.get(key)
    if rule is None:
        raise OptionError(f"unknown optimizer '{name}' (choose from {', '.join(NAMES)})")
    hyper = dict(rule.defaults)
    for key, value in given.items():
        if value is None or key not in hyper:
            continue
        value = float(value)
        if not math.isfinite(value):
            raise OptionError(f"invalid --{key} value: {value} (must be finite)")
        if key == "eps" and value < 0:
            raise OptionError(f"invalid --eps value: {value} (must be at least 0)")
        if key != "eps" and not 0 <= value < 1:
            raise OptionError(f"invalid --{key} value: {value} (must satisfy 0 ≤ {key} < 1)")
        hyper[key] = value
    return Optimizer(rule, hyper)


def rule_lines(rule: Rule | Method) -> list[str]:
    """The rule as the user reads it: one line ``target ← expression`` per assignment, in Unicode symbols."""
    if isinstance(rule, Method):
        return list(rule.lines)
    return [f"{symbol_text(target)} ← {expression_text(expr)}" for target, expr in rule.steps]


def expression_text(expr: sp.Expr) -> str:
    """A compact one-line Unicode rendering of a rule expression (α, β₁, √, ²), in reading order."""
    text = sp.sstr(reading_order(expr), order="none")
    for symbol in sorted(SYMBOL_NAMES, key=lambda sym: -len(sym.name)):
        text = _replace_name(text, symbol.name, SYMBOL_NAMES[symbol])
    return (
        text.replace("sqrt", "√").replace("**2", "²").replace("**t", "ᵗ").replace("*", "·")
    )


_VARYING = (x, g, b, s, m, v, m_hat, v_hat)


def reading_order(expr: sp.Expr) -> sp.Expr:
    """Rebuild sums and products (unevaluated) so they read as textbooks write them: βb + g, ρs + (1 − ρ)g²."""
    if not expr.args:
        return expr
    args = [reading_order(arg) for arg in expr.args]
    if isinstance(expr, sp.Add):
        # the term holding the updated quantity or its state first, then the rest
        args.sort(key=lambda a: (not a.has(x, b, s, m, v, m_hat, v_hat), a.could_extract_minus_sign()))
        return sp.Add(*args, evaluate=False)
    if isinstance(expr, sp.Mul):
        # numbers, then constants and coefficients, then the varying quantities
        args.sort(key=lambda a: (not a.is_number, a.has(*_VARYING), isinstance(a, sp.Pow) and a.exp.is_negative))
        return sp.Mul(*args, evaluate=False)
    return expr.func(*args, evaluate=False)


def symbol_text(symbol: sp.Symbol) -> str:
    return SYMBOL_NAMES.get(symbol, symbol.name)


def _replace_name(text: str, name: str, shown: str) -> str:
    import re

    return re.sub(rf"(?<![A-Za-z_0-9]){re.escape(name)}(?![A-Za-z_0-9])", shown, text)
