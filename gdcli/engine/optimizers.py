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
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import SimpleNamespace
from typing import Callable

from gdcli.engine.methods import METHODS, Method
from gdcli.engine.notation import number
from gdcli.engine.methods import settings as method_settings
from gdcli.errors import OptionError

HYPER_NAMES = {"beta": "β", "beta1": "β₁", "beta2": "β₂", "eps": "ε", "rho": "ρ"}
"""How each hyper-parameter is written for the user."""


@lru_cache(maxsize=None)
def symbols() -> SimpleNamespace:
    """The SymPy symbols of the rules, made on first use (SymPy is imported only when a rule is needed)."""
    import sympy as sp

    x, g, alpha, t = sp.symbols("x g alpha t", real=True)
    beta, beta1, beta2, eps, rho = sp.symbols("beta beta1 beta2 epsilon rho", positive=True)
    b, s, m, v, m_hat, v_hat = sp.symbols("b s m v m_hat v_hat", real=True)
    return SimpleNamespace(x=x, g=g, alpha=alpha, t=t, beta=beta, beta1=beta1, beta2=beta2, eps=eps, rho=rho,
                           b=b, s=s, m=m, v=v, m_hat=m_hat, v_hat=v_hat)


SYMBOL_TEXT = {"x": "x", "g": "g", "alpha": "α", "t": "t", **HYPER_NAMES, "b": "b", "s": "s", "m": "m", "v": "v",
               "m_hat": "m̂", "v_hat": "v̂"}
"""How each quantity of the rules is written for the user, by its name in ``symbols()`` (m_hat → m̂)."""


@lru_cache(maxsize=None)
def _symbol_names() -> dict:
    return {getattr(symbols(), key): shown for key, shown in SYMBOL_TEXT.items()}


def __getattr__(name: str):
    """The symbols (x, g, alpha, …), HYPER_SYMBOLS and SYMBOL_NAMES (how each symbol is written for the user),
    built with SymPy on first access."""
    if name in SYMBOL_TEXT:
        return getattr(symbols(), name)
    if name == "HYPER_SYMBOLS":
        return {key: getattr(symbols(), key) for key in HYPER_NAMES}
    if name == "SYMBOL_NAMES":
        return _symbol_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, eq=False)
class Rule:
    """An optimizer as ordered assignments ``target ← expression``, evaluated one after another per coordinate.

    ``equations`` builds the assignments from the symbols (see ``symbols()``), so SymPy is imported only when
    ``steps`` is first read. ``state_names`` are the targets that persist between steps (initialised to 0);
    other targets besides ``x`` are temporaries shown for teaching (Adam's bias-corrected m̂ and v̂).
    """

    name: str
    title: str
    equations: Callable[[SimpleNamespace], tuple] = field(repr=False)
    state_names: tuple[str, ...]
    defaults: dict[str, float] = field(default_factory=dict)
    note: str = ""

    @cached_property
    def steps(self) -> tuple:
        return self.equations(symbols())

    @property
    def state(self) -> tuple:
        return tuple(getattr(symbols(), name) for name in self.state_names)

    def uses_step_number(self) -> bool:
        return any(expr.has(symbols().t) for _, expr in self.steps)


def _over(numerator, denominator):
    """numerator/denominator, without asking SymPy to simplify 1/denominator (its assumption queries cost a
    fiftieth of a second at start-up, and there is nothing to simplify)."""
    import sympy as sp

    return numerator * sp.Pow(denominator, -1, evaluate=False)


def _sqrt(value):
    import sympy as sp

    return sp.sqrt(value)


SETTING_NAMES = {"memory": "m", "cg_beta": "β", "bb": "BB", "h0": "H₀", "fstar": "f*"}
"""How the methods' settings (gdcli.engine.methods) are written for the user."""

GD = Rule(
    "gd", "gradient descent",
    lambda y: ((y.x, y.x - y.alpha * y.g),),
    (),
    note="The plain steepest-descent step xₜ₊₁ = xₜ − α∇f(xₜ).",
)
MOMENTUM = Rule(
    "momentum", "heavy-ball momentum (torch.optim.SGD, momentum=β)",
    lambda y: ((y.b, y.beta * y.b + y.g), (y.x, y.x - y.alpha * y.b)),
    ("b",),
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
    lambda y: ((y.b, y.beta * y.b + y.g), (y.x, y.x - y.alpha * (y.g + y.beta * y.b))),
    ("b",),
    {"beta": 0.9},
    note=(
        "torch's reformulation: the gradient is taken at the current point and the step looks ahead "
        "with g + βb. The textbook form evaluates the gradient at the look-ahead point x + βv; the two "
        "trace the same points shifted by one momentum step."
    ),
)
ADAGRAD = Rule(
    "adagrad", "AdaGrad (torch.optim.Adagrad)",
    lambda y: ((y.s, y.s + y.g**2), (y.x, y.x - y.alpha * _over(y.g, _sqrt(y.s) + y.eps))),
    ("s",),
    {"eps": 1e-10},
    note="s accumulates every squared gradient, so each coordinate's step α/(√s + ε) only shrinks.",
)
RMSPROP = Rule(
    "rmsprop", "RMSprop (torch.optim.RMSprop)",
    lambda y: ((y.s, y.rho * y.s + (1 - y.rho) * y.g**2), (y.x, y.x - y.alpha * _over(y.g, _sqrt(y.s) + y.eps))),
    ("s",),
    {"rho": 0.99, "eps": 1e-8},
    note="torch calls ρ 'alpha' and adds ε outside the square root, as here; s starts at 0.",
)
ADAM = Rule(
    "adam", "Adam (torch.optim.Adam)",
    lambda y: (
        (y.m, y.beta1 * y.m + (1 - y.beta1) * y.g),
        (y.v, y.beta2 * y.v + (1 - y.beta2) * y.g**2),
        (y.m_hat, _over(y.m, 1 - y.beta1**y.t)),
        (y.v_hat, _over(y.v, 1 - y.beta2**y.t)),
        (y.x, y.x - y.alpha * _over(y.m_hat, _sqrt(y.v_hat) + y.eps)),
    ),
    ("m", "v"),
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
            label = HYPER_NAMES.get(key) or SETTING_NAMES.get(key, key)
            text = number(value) if isinstance(value, float) else "from the catalog" if value is None else str(value)
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
    """The rule as the user reads it: one line ``target ← expression`` per assignment, in Unicode symbols
    (kept in the derivation cache for the built-in rules, so a run's header needs no SymPy); a method's own
    lines as written."""
    if isinstance(rule, Method):
        return list(rule.lines)

    def make() -> list[str]:
        return [f"{symbol_text(target)} ← {expression_text(expr)}" for target, expr in rule.steps]

    if RULES.get(rule.name) is not rule:
        return make()
    return _rule_texts().get(rule.name, make)


@lru_cache(maxsize=None)
def _rule_texts():
    from gdcli.engine.cache import Entry

    return Entry({"rules": "the built-in optimizers' printed rules"})


def expression_text(expr) -> str:
    """A compact one-line Unicode rendering of a rule expression (α, β₁, √, ²), in reading order."""
    import sympy as sp

    text = sp.sstr(reading_order(expr), order="none")
    for name in sorted(SYMBOL_TEXT, key=lambda key: -len(getattr(symbols(), key).name)):
        text = _replace_name(text, getattr(symbols(), name).name, SYMBOL_TEXT[name])
    return (
        text.replace("sqrt", "√").replace("**2", "²").replace("**t", "ᵗ").replace("*", "·")
    )


def reading_order(expr):
    """Rebuild sums and products (unevaluated) so they read as textbooks write them: βb + g, ρs + (1 − ρ)g²."""
    import sympy as sp

    if not expr.args:
        return expr
    y = symbols()
    varying = (y.x, y.g, y.b, y.s, y.m, y.v, y.m_hat, y.v_hat)
    args = [reading_order(arg) for arg in expr.args]
    if isinstance(expr, sp.Add):
        # the term holding the updated quantity or its state first, then the rest
        args.sort(key=lambda a: (not a.has(y.x, y.b, y.s, y.m, y.v, y.m_hat, y.v_hat), a.could_extract_minus_sign()))
        return sp.Add(*args, evaluate=False)
    if isinstance(expr, sp.Mul):
        # numbers, then constants and coefficients, then the varying quantities
        args.sort(key=lambda a: (not a.is_number, a.has(*varying), isinstance(a, sp.Pow) and a.exp.is_negative))
        return sp.Mul(*args, evaluate=False)
    return expr.func(*args, evaluate=False)


def symbol_text(symbol) -> str:
    return _symbol_names().get(symbol, symbol.name)


def _replace_name(text: str, name: str, shown: str) -> str:
    return re.sub(rf"(?<![A-Za-z_0-9]){re.escape(name)}(?![A-Za-z_0-9])", shown, text)
