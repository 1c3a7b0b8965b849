"""Safe parsing of objective text into a SymPy expression, with no eval at all.

The text is untrusted (it may come from a shared problem file). It is parsed by Python's ``ast`` module,
checked node by node against an allow-list, and the SymPy expression is built from the validated tree by
hand: ``sympify``, ``parse_expr`` and ``lambdify`` never see the raw text.

Allowed: numbers, variable names, ``+ - * / ** ^`` (``^`` is power, as students write it), unary minus and
plus, calls of the whitelisted functions with positional arguments, and the constants ``pi`` and ``E``.
"""

from __future__ import annotations

import ast
import math
import re
from functools import lru_cache

import mpmath
import sympy as sp

from gdcli.errors import ObjectiveError

MAX_LENGTH = 20_000
"""Longest objective text accepted, in characters."""
MAX_DEPTH = 40
"""Deepest nesting of parentheses and calls (a chain a + b + c counts once)."""
MAX_EXPONENT = 1000
"""Largest |n| allowed in a constant exponent."""
MAX_DIGITS = 400
"""Largest number of digits in a number, literal or computed from constants."""
MAX_GROWTH = MAX_DIGITS * math.log(10)
"""Largest |a| in a constant exp(a), sinh(a) or cosh(a): beyond it the value has more than MAX_DIGITS digits."""
GROWING = {"exp", "sinh", "cosh"}
MAX_FACTORS = 64
"""Most factors in one product a*b*c*…, counted once SymPy has flattened (a*b)*(c*d) into one product: the
product rule turns n factors into n² in the gradient."""
MAX_EXTREMA = 5
"""Most arguments of one Max or Min, counted once Max(Max(a, b), c) is flattened: SymPy compares every pair of
arguments at each derivative, and Max of 7 variables already takes seconds."""

FUNCTIONS: dict[str, tuple[object, int, int | None]] = {
    # name: (sympy function, fewest arguments, most arguments or None for no limit)
    "sin": (sp.sin, 1, 1),
    "cos": (sp.cos, 1, 1),
    "tan": (sp.tan, 1, 1),
    "exp": (sp.exp, 1, 1),
    "log": (sp.log, 1, 2),
    "ln": (sp.log, 1, 1),
    "sqrt": (sp.sqrt, 1, 1),
    "tanh": (sp.tanh, 1, 1),
    "atan": (sp.atan, 1, 1),
    "arctan": (sp.atan, 1, 1),
    "sinh": (sp.sinh, 1, 1),
    "cosh": (sp.cosh, 1, 1),
    "Abs": (sp.Abs, 1, 1),
    "abs": (sp.Abs, 1, 1),
    "Max": (sp.Max, 2, None),
    "max": (sp.Max, 2, None),
    "Min": (sp.Min, 2, None),
    "min": (sp.Min, 2, None),
}
CONSTANTS = {"pi": sp.pi, "E": sp.E}
RESERVED = set(FUNCTIONS) | set(CONSTANTS)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_IMPLICIT_PRODUCT = re.compile(r"(?<![A-Za-z_\d.])(\d+(?:\.\d*)?)\s*([A-Za-z(])")


def natural_key(name: str) -> tuple:
    """Sort key that puts x2 before x10: digit runs compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def check_variable_names(names: list[str]) -> list[str]:
    """Validate names given with --vars: identifiers, not reserved, no repeats."""
    seen: list[str] = []
    for name in names:
        if not _NAME.match(name):
            raise ObjectiveError(f"'{name}' is not a valid variable name (letters, digits, _; a letter first)")
        if name in RESERVED:
            raise ObjectiveError(f"'{name}' is a function or constant and cannot be a variable")
        if name in seen:
            raise ObjectiveError(f"variable '{name}' is listed twice")
        seen.append(name)
    if not seen:
        raise ObjectiveError("no variables given")
    return seen


def parse_expression(text: str, variables: list[str] | None = None) -> tuple[sp.Expr, list[sp.Symbol]]:
    """Parse ``text`` into a real scalar SymPy expression and its variables.

    ``variables`` fixes the variables and their order; any other name is then an error that names it.
    Without it the free names are the variables, in natural order (x1, x2, x10).
    """
    if not isinstance(text, str) or not text.strip():
        raise ObjectiveError("the objective is empty")
    if len(text) > MAX_LENGTH:
        raise ObjectiveError(f"the objective is {len(text)} characters long; the limit is {MAX_LENGTH}")
    source = text.strip().replace("^", "**")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        raise ObjectiveError(_syntax_message(text, error)) from None
    declared = None if variables is None else check_variable_names(list(variables))
    builder = _Builder(declared)
    try:
        expr = builder.build(tree.body, depth=0)
    except RecursionError:
        raise ObjectiveError(f"the objective is nested too deeply (limit {MAX_DEPTH})") from None
    names = declared if declared is not None else sorted(builder.names, key=natural_key)
    symbols = [builder.symbol(name) for name in names]
    _check_real_scalar(expr)
    _check_size(expr)
    if not symbols:
        raise ObjectiveError("the objective has no variables")
    return expr, symbols


def parse_number(text: str, what: str = "value") -> sp.Expr:
    """Parse a constant such as ``0.1``, ``1/10``, ``2e-1`` or ``pi/4`` exactly, through the safe parser."""
    if not isinstance(text, str) or not text.strip():
        raise ObjectiveError(f"{what} is empty")
    shown = echo(text.strip())
    try:
        value = _parse_constant(text)
    except _NotANumber:
        raise ObjectiveError(f"{what} must be a number such as 0.1 or 1/10, not '{shown}'") from None
    except ObjectiveError as error:  # the parser's words are the objective's; here they speak of one number
        detail = str(error).replace(" in the objective", "").replace("the objective ", "it ")
        raise ObjectiveError(f"{what} '{shown}' is not a number: {detail}") from None
    return value


def echo(text: str, most: int = 40) -> str:
    """``text`` as quoted back in an error line: whole when short, else its start and its length."""
    return text if len(text) <= most else f"{text[:most]}… ({len(text):,} characters)"


def parse_vector(text: str, what: str = "vector") -> list[sp.Expr]:
    """Parse ``1.2, -0.6`` or ``[1.2, -0.6]`` (or ``(…)``) into exact SymPy numbers."""
    body = text.strip() if isinstance(text, str) else ""
    if len(body) >= 2 and body[0] + body[-1] in ("[]", "()"):
        body = body[1:-1]
    parts = [part for part in re.split(r"[,;]", body) if part.strip()]
    if len(parts) == 1:
        parts = body.split()
    if not parts:
        raise ObjectiveError(f"{what} is empty")
    return [parse_number(part, what) for part in parts]


class _NotANumber(ObjectiveError):
    """Text given for a number that is no constant at all: a name, or unreadable."""


@lru_cache(maxsize=4096)
def _parse_constant(text: str) -> sp.Expr:
    source = text.strip().replace("^", "**")
    if len(source) > 200:
        raise ObjectiveError("too long")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise _NotANumber("cannot be read") from None
    value = _Builder([], constant=True).build(tree.body, depth=0)
    _check_real_scalar(value)
    if not value.is_number:
        raise _NotANumber("not a constant")
    return value


def _syntax_message(text: str, error: Exception) -> str:
    match = _IMPLICIT_PRODUCT.search(text)
    if match:
        return f"cannot read the objective: write '{match.group(1)}*{match.group(2)}' for a product, not '{match.group(0).replace(' ', '')}'"
    detail = getattr(error, "msg", None) or str(error) or type(error).__name__
    offset = getattr(error, "offset", None)
    where = f" at column {offset}" if offset else ""
    return f"cannot read the objective{where}: {detail}"


def _check_real_scalar(expr: sp.Expr) -> None:
    if not isinstance(expr, sp.Expr) or isinstance(expr, sp.MatrixBase):
        raise ObjectiveError("the objective is not a scalar expression")
    if expr.has(sp.I) or expr.has(sp.zoo) or expr.has(sp.nan) or expr.has(sp.oo) or expr.has(-sp.oo):
        raise ObjectiveError(f"the objective is not a finite real expression: it simplifies to {expr}")


def _check_size(expr: sp.Expr) -> None:
    """Refuse before any derivative is taken what would make differentiation explode, counted over the expression
    as SymPy holds it (nested products and Max are flattened, (x^a)^b is x^(a·b)): products of more than
    MAX_FACTORS factors, exponents beyond MAX_EXPONENT, Max or Min of more than MAX_EXTREMA arguments."""
    for node in sp.preorder_traversal(expr):
        if node.is_Mul and len(node.args) > MAX_FACTORS:
            raise ObjectiveError(f"a product in the objective has {len(node.args)} factors once nested products are "
                                 f"multiplied out; the limit is {MAX_FACTORS}")
        if node.is_Pow and node.exp.is_number and abs(node.exp) > MAX_EXPONENT:
            raise ObjectiveError(f"a power in the objective has the exponent {echo(sp.sstr(node.exp))} once powers "
                                 f"of powers and products of powers are combined; the limit is {MAX_EXPONENT}")
        if isinstance(node, (sp.Max, sp.Min)) and len(node.args) > MAX_EXTREMA:
            raise ObjectiveError(f"{type(node).__name__}() in the objective has {len(node.args)} arguments once "
                                 f"nested ones are merged; the limit is {MAX_EXTREMA}")


class _Builder:
    """Build a SymPy expression from an allow-listed ``ast`` tree, node by node."""

    def __init__(self, declared: list[str] | None, constant: bool = False):
        self.declared = declared
        self.constant = constant
        self.names: set[str] = set()
        self._symbols: dict[str, sp.Symbol] = {}

    def symbol(self, name: str) -> sp.Symbol:
        if name not in self._symbols:
            self._symbols[name] = sp.Symbol(name, real=True)
        return self._symbols[name]

    def build(self, node: ast.AST, depth: int) -> sp.Expr:
        if depth > MAX_DEPTH:
            raise ObjectiveError(f"the objective is nested too deeply (limit {MAX_DEPTH})")
        if isinstance(node, ast.Constant):
            return self._number(node.value)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand, depth + 1)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            return _bounded(sp.Add(*self._chain(node, (ast.Add, ast.Sub), depth)))
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            return _bounded(sp.Mul(*self._chain(node, (ast.Mult, ast.Div), depth)))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return _bounded(self._power(self.build(node.left, depth + 1), self.build(node.right, depth + 1)))
        if isinstance(node, ast.Call):
            return _bounded(self._call(node, depth))
        raise ObjectiveError(f"'{_describe(node)}' is not allowed in an objective")

    def _chain(self, node: ast.BinOp, ops: tuple, depth: int) -> list[sp.Expr]:
        """Flatten a left-leaning chain a ± b ± c (or a */ b */ c) iteratively, so its length is no depth."""
        terms: list[sp.Expr] = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ops):
            if ast.Mult in ops and len(terms) >= MAX_FACTORS:
                raise ObjectiveError(f"a product in the objective has more than {MAX_FACTORS} factors")
            right = self.build(node.right, depth + 1)
            if isinstance(node.op, ast.Sub):
                right = -right
            elif isinstance(node.op, ast.Div):
                if right == 0:
                    raise ObjectiveError("the objective divides by zero")
                right = sp.Pow(right, -1)
            terms.append(right)
            node = node.left
        terms.append(self.build(node, depth + 1))
        terms.reverse()
        return terms

    def _number(self, value: object) -> sp.Expr:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ObjectiveError(f"'{value!r}' is not allowed in an objective: only real numbers")
        if isinstance(value, int):
            if value.bit_length() > MAX_DIGITS * 3.33:
                raise ObjectiveError(f"a number in the objective has more than {MAX_DIGITS} digits")
            return sp.Integer(value)
        if not math.isfinite(value):
            raise ObjectiveError("a number in the objective is too large to be finite")
        return sp.Rational(repr(value))  # the decimal as written: 0.1 is exactly 1/10

    def _name(self, name: str) -> sp.Expr:
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise ObjectiveError(f"'{name}' is a function: call it, as in {name}(x)")
        if self.constant:
            raise _NotANumber(f"'{name}' is a name, not a number")
        if not _NAME.match(name):
            raise ObjectiveError(f"'{name}' is not allowed as a name (names start with a letter)")
        if self.declared is not None and name not in self.declared:
            raise ObjectiveError(
                f"'{name}' is not a declared variable (--vars gives {', '.join(self.declared) or 'none'})"
            )
        self.names.add(name)
        return self.symbol(name)

    def _power(self, base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
        if exponent.is_number:
            size = abs(complex(exponent.evalf(15)))
            if size > MAX_EXPONENT:
                raise ObjectiveError(f"an exponent in the objective is {size:.4g}; the limit is {MAX_EXPONENT}")
            if base.is_number:
                magnitude = abs(complex(base.evalf(15)))
                if magnitude > 0 and abs(math.log10(magnitude) * float(abs(complex(exponent.evalf(15))))) > MAX_DIGITS:
                    raise ObjectiveError(f"a constant power in the objective has more than {MAX_DIGITS} digits")
                if magnitude == 0 and (exponent.is_negative or exponent.is_zero):
                    raise ObjectiveError("the objective raises zero to a non-positive power")
        return sp.Pow(base, exponent)

    def _call(self, node: ast.Call, depth: int) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise ObjectiveError(f"'{_describe(node.func)}' is not a function the objective may call")
        name = node.func.id
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted({n for n in FUNCTIONS if n[0].islower()} | {"Abs", "Max", "Min"}))
            raise ObjectiveError(f"'{name}' is not an allowed function (allowed: {allowed})")
        if node.keywords:
            raise ObjectiveError(f"{name}() takes positional arguments only")
        function, fewest, most = FUNCTIONS[name]
        count = len(node.args)
        if count < fewest or (most is not None and count > most):
            wanted = f"{fewest}" if fewest == most else f"{fewest} or more" if most is None else f"{fewest} to {most}"
            raise ObjectiveError(f"{name}() takes {wanted} argument{'s' if wanted != '1' else ''}, not {count}")
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise ObjectiveError(f"{name}() takes plain arguments, not *args")
        args = [self.build(arg, depth + 1) for arg in node.args]
        if function in (sp.Max, sp.Min):  # counted as SymPy will flatten them, before its pairwise comparisons
            merged = sum(len(a.args) if isinstance(a, function) else 1 for a in args)
            if merged > MAX_EXTREMA:
                raise ObjectiveError(f"{name}() in the objective has {merged} arguments once nested ones are "
                                     f"merged; the limit is {MAX_EXTREMA}")
        if name in GROWING and args[0].is_number and _log10_size(args[0]) > math.log10(MAX_GROWTH):
            raise ObjectiveError(f"{name}() of a constant above {MAX_GROWTH:.0f} would have more than {MAX_DIGITS} "
                                 f"digits, the limit")
        try:
            return function(*args)
        except (ValueError, TypeError) as error:  # Max(x, log(-5)): SymPy cannot compare a complex constant
            raise ObjectiveError(f"{name}() cannot be applied here: {echo(str(error), 80)}") from None


def _log10_size(value: sp.Expr) -> float:
    """log₁₀|value| of a constant (−inf for 0) from a 15-digit evaluation; the constants built so far are
    bounded (see _bounded), so the evaluation is quick."""
    real, imaginary = value.evalf(15).as_real_imag()
    if not (real.is_Number and imaginary.is_Number):
        raise ObjectiveError(f"the constant {echo(sp.sstr(value))} cannot be evaluated")
    if not (real.is_finite and imaginary.is_finite):  # log(0), 1/0, 0·∞
        raise ObjectiveError(f"the constant {echo(sp.sstr(value))} is not a finite number")
    size = max(abs(real), abs(imaginary))
    return -math.inf if size == 0 else float(mpmath.log10(mpmath.mpf(sp.Float(size)._mpf_)))


def _bounded(value: sp.Expr) -> sp.Expr:
    """``value``, refused when it is a constant with more than MAX_DIGITS digits before the point: evaluating a
    function of it (cos(exp(exp(20)))) would take hours. Checked as each piece is built, so a function's
    argument is always bounded."""
    if value.is_number and _log10_size(value) > MAX_DIGITS:
        raise ObjectiveError(f"the constant {echo(sp.sstr(value))} has more than {MAX_DIGITS} digits, the limit")
    return value


def _describe(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every node parse produced
        text = type(node).__name__
    return text if len(text) <= 40 else text[:37] + "..."
