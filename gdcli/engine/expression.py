"""Safe parsing of objective text into a SymPy expression, with no eval at all.

The text is untrusted (it may come from a shared problem file). It is parsed by Python's ``ast`` module,
checked node by node against an allow-list, and the SymPy expression is built from the validated tree by
hand: ``sympify``, ``parse_expr`` and ``lambdify`` never see the raw text. The checks come in two halves:
``check_expression`` (structure: nodes, names, calls, depth, sizes) needs no SymPy and gives the canonical text
the derivation cache is keyed by; ``build`` makes the SymPy expression and checks what needs its values
(exponents, division by zero, a real result).

Allowed: numbers, variable names, ``+ - * / ** ^`` (``^`` is power, as students write it), unary minus and
plus, calls of the whitelisted functions with positional arguments, and the constants ``pi``, ``E`` and ``e``
(Euler's number, unless ``e`` is declared a variable). Text is first read as written on paper (`as_written`):
superscript digits are powers (x² = x**2), ``·`` and ``×`` multiply, ``−`` (U+2212) is minus, and a number
before a bracket or a name multiplies it (2x = 2*x, 2(x+1) = 2*(x+1)).
"""

from __future__ import annotations

import ast
import math
import operator
import re
from dataclasses import dataclass, field
from functools import lru_cache

from gdcli.engine.notation import number
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

FUNCTIONS: dict[str, tuple[str, int, int | None]] = {
    # name: (SymPy function, fewest arguments, most arguments or None for no limit)
    "sin": ("sin", 1, 1),
    "cos": ("cos", 1, 1),
    "tan": ("tan", 1, 1),
    "exp": ("exp", 1, 1),
    "log": ("log", 1, 2),
    "ln": ("log", 1, 1),
    "sqrt": ("sqrt", 1, 1),
    "tanh": ("tanh", 1, 1),
    "atan": ("atan", 1, 1),
    "arctan": ("atan", 1, 1),
    "sinh": ("sinh", 1, 1),
    "cosh": ("cosh", 1, 1),
    "Abs": ("Abs", 1, 1),
    "abs": ("Abs", 1, 1),
    "Max": ("Max", 2, None),
    "max": ("Max", 2, None),
    "Min": ("Min", 2, None),
    "min": ("Min", 2, None),
}
CONSTANTS = {"pi": "pi", "E": "E"}
"""Constant names and the SymPy constants they stand for."""
RESERVED = set(FUNCTIONS) | set(CONSTANTS)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
LIMITS = {"length": MAX_LENGTH, "depth": MAX_DEPTH, "exponent": MAX_EXPONENT, "digits": MAX_DIGITS,
          "factors": MAX_FACTORS, "extrema": MAX_EXTREMA}
"""The parser's limits, part of every cache key (gdcli.engine.cache): a text accepted under other limits is
read again."""


@dataclass(frozen=True)
class Checked:
    """Objective text that passed the structural checks (no SymPy needed): the validated tree, its canonical
    text (the tree written back, so spacing, ``^`` and redundant parentheses do not matter) and its variables."""

    tree: ast.Expression = field(compare=False, repr=False)
    text: str
    names: tuple[str, ...]
EULER = "e"
"""Read as Euler's number unless declared a variable."""
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
SYMBOLS = {"·": "*", "⋅": "*", "×": "*", "−": "-"}
_TOKEN = re.compile(
    r"(?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<power>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)", re.S)
_FACTOR = re.compile(r"[A-Za-z](?:_?\d+)?\Z")
"""A name a number may multiply without a star: one letter with an optional index (x, x1, x_2)."""


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


def check_expression(text: str, variables: list[str] | None = None) -> Checked:
    """Check ``text`` structurally (without SymPy) and give its canonical text and variables.

    ``variables`` fixes the variables and their order; any other name is then an error that names it.
    Without it the free names are the variables, in natural order (x1, x2, x10).
    """
    if not isinstance(text, str) or not text.strip():
        raise ObjectiveError("the objective is empty")
    if len(text) > MAX_LENGTH:
        raise ObjectiveError(f"the objective is {len(text)} characters long; the limit is {MAX_LENGTH}")
    declared = None if variables is None else check_variable_names(list(variables))
    source = as_written(text, declared)
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        raise ObjectiveError(_syntax_message(text, error)) from None
    checker = _Checker(declared)
    try:
        checker.check(tree.body, depth=0)
    except RecursionError:
        raise ObjectiveError(f"the objective is nested too deeply (limit {MAX_DEPTH})") from None
    names = declared if declared is not None else sorted(checker.names, key=natural_key)
    return Checked(tree, ast.unparse(tree), tuple(names))


def build(checked: Checked):
    """The SymPy expression of checked text and its variables (real symbols), refused unless finite and real."""
    builder = _Builder(checked.names)
    expr = builder.build(checked.tree.body)
    symbols = [builder.symbol(name) for name in checked.names]
    _check_real_scalar(expr)
    _check_size(expr)
    if not symbols:
        raise ObjectiveError("the objective has no variables")
    return expr, symbols


def parse_expression(text: str, variables: list[str] | None = None):
    """Parse ``text`` into a real scalar SymPy expression and its variables (check_expression, then build)."""
    return build(check_expression(text, variables))


def parse_number(text: str, what: str = "value"):
    """Parse a constant such as ``0.1``, ``1/10``, ``2e-1`` or ``pi/4`` exactly, through the safe parser."""
    source = _constant_source(text, what)
    try:
        return _constant_value(source)
    except ObjectiveError as error:
        raise _number_error(error, source, what) from None


def plain_number(text: str, what: str = "value") -> float | None:
    """The float nearest a constant made of numbers joined by + − × ÷, worked out exactly as fractions
    (fractions.Fraction, no SymPy: 1/10 + 0.2 is 3/10, rounded once); None for any other constant (powers,
    functions, π, a division by 0) or one beyond the range of floats."""
    source = _constant_source(text, what)
    try:
        tree = _constant_tree(source)
    except ObjectiveError as error:
        raise _number_error(error, source, what) from None
    try:
        return float(_fraction(tree.body))
    except (LookupError, ArithmeticError):
        return None


def read_number(text: str, what: str = "value") -> float:
    """The float nearest a constant's exact value: plain_number's when it has one, else parse_number's."""
    value = plain_number(text, what)
    return value if value is not None else float(parse_number(text, what))


def echo(text: str, most: int = 40) -> str:
    """``text`` as quoted back in an error line: whole when short, else its start and its length."""
    return text if len(text) <= most else f"{text[:most]}… ({len(text):,} characters)"


def parse_vector(text: str, what: str = "vector") -> list:
    """Parse ``1.2, -0.6`` or ``[1.2, -0.6]`` (or ``(…)``) into exact SymPy numbers."""
    return [parse_number(part, what) for part in vector_parts(text, what)]


def read_vector(text: str, what: str = "vector") -> list[float]:
    """``1.2, -0.6`` or ``[1.2, -0.6]`` (or ``(…)``) as floats, each read as read_number reads it."""
    return [read_number(part, what) for part in vector_parts(text, what)]


def vector_parts(text: str, what: str) -> list[str]:
    body = text.strip() if isinstance(text, str) else ""
    if len(body) >= 2 and body[0] + body[-1] in ("[]", "()"):
        body = body[1:-1]
    parts = [part for part in re.split(r"[,;]", body) if part.strip()]
    if len(parts) == 1:
        parts = body.split()
    if not parts:
        raise ObjectiveError(f"{what} is empty")
    return parts


def as_written(text: str, declared: list[str] | None = None) -> str:
    """Python source for ``text`` read as written on paper: ``^`` and superscript digits are powers (x² is
    x**(2), x⁻¹ is x**(-1)), ``·`` ``⋅`` ``×`` multiply, ``−`` is minus, and a number directly before ``(`` or a
    name multiplies it (2x is 2*x). A number before a run of letters that is neither a
    function, a constant, a declared variable nor one letter with an index (3xy) is refused: which product
    was meant is not clear. Nothing here evaluates anything; the result is parsed by ``ast``.
    """
    pieces: list[str] = []
    after_number = None
    for match in _TOKEN.finditer(text.strip()):
        kind, token = match.lastgroup, match.group()
        if kind == "space":
            pieces.append(token)
            continue
        if after_number is not None and (token == "(" or kind == "name" and token[0].isalpha()):
            if kind == "name" and not _multipliable(token, declared):
                raise ObjectiveError(f"cannot read '{after_number}{token}': {_product_hint(after_number, token)}")
            pieces.append("*")
        if kind == "power":
            token = f"**({token.translate(SUPERSCRIPTS)})"
        elif kind == "other":
            token = "**" if token == "^" else SYMBOLS.get(token, token)
        pieces.append(token)
        after_number = token if kind == "number" else None
    return "".join(pieces)


def reads_euler(text: str, variables: list[str]) -> bool:
    """Whether ``text`` (an objective whose variables are ``variables``) uses ``e`` as Euler's number."""
    return EULER not in variables and any(
        m.lastgroup == "name" and m.group() == EULER for m in _TOKEN.finditer(text))


def _multipliable(name: str, declared: list[str] | None) -> bool:
    return bool(_FACTOR.match(name)) or name in RESERVED or name == EULER or name in (declared or ())


def _product_hint(number: str, name: str) -> str:
    function = next((f for f in sorted(FUNCTIONS, key=len, reverse=True) if name.startswith(f)), None)
    if function and len(name) > len(function):
        return f"write {number}*{function}({name[len(function):]})"
    return f"write {number}*{'*'.join(re.findall(r'[A-Za-z][0-9_]*', name))}"


class _NotANumber(ObjectiveError):
    """Text given for a number that is no constant at all: a name, or unreadable."""


def _constant_source(text: str, what: str) -> str:
    """A constant's text, stripped; refused when empty."""
    if not isinstance(text, str) or not text.strip():
        raise ObjectiveError(f"{what} is empty")
    return text.strip()


def _number_error(error: ObjectiveError, source: str, what: str) -> ObjectiveError:
    """The parser's error reworded to speak of one number rather than of the objective."""
    shown = echo(source)
    if isinstance(error, _NotANumber):
        return ObjectiveError(f"{what} must be a number such as 0.1 or 1/10, not '{shown}'")
    detail = str(error).replace(" in the objective", "").replace("the objective ", "it ")
    return ObjectiveError(f"{what} '{shown}' is not a number: {detail}")


@lru_cache(maxsize=4096)
def _constant_tree(source: str) -> ast.Expression:
    """The structurally checked tree of a constant's stripped text, read as written (no names allowed; no
    SymPy)."""
    source = as_written(source, [])
    if len(source) > 200:
        raise ObjectiveError("too long")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise _NotANumber("cannot be read") from None
    _Checker([], constant=True).check(tree.body, depth=0)
    return tree


@lru_cache(maxsize=4096)
def _constant_value(source: str):
    """The exact SymPy value of a constant's stripped text."""
    value = _Builder().build(_constant_tree(source).body)
    _check_real_scalar(value)
    if not value.is_number:
        raise _NotANumber("not a constant")
    return value


def _fraction(node: ast.AST):
    """The exact value (a fractions.Fraction) of checked numbers joined by + − × ÷ (a float literal as written:
    0.1 is 1/10); raises LookupError for anything else (powers, functions, constants) and ZeroDivisionError for a
    division by 0."""
    from fractions import Fraction

    if isinstance(node, ast.Constant):
        return Fraction(repr(node.value)) if isinstance(node.value, float) else Fraction(node.value)
    if isinstance(node, ast.UnaryOp):
        value = _fraction(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _FRACTION_OPERATIONS:
        return _FRACTION_OPERATIONS[type(node.op)](_fraction(node.left), _fraction(node.right))
    raise LookupError("needs SymPy")


_FRACTION_OPERATIONS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
                        ast.Div: operator.truediv}


def _syntax_message(text: str, error: Exception) -> str:
    detail = getattr(error, "msg", None) or str(error) or type(error).__name__
    offset = getattr(error, "offset", None)
    where = f" at column {offset}" if offset else ""
    return f"cannot read the objective{where}: {detail}"


def _check_real_scalar(expr) -> None:
    import sympy as sp

    if not isinstance(expr, sp.Expr) or isinstance(expr, sp.MatrixBase):
        raise ObjectiveError("the objective is not a scalar expression")
    if expr.has(sp.I) or expr.has(sp.zoo) or expr.has(sp.nan) or expr.has(sp.oo) or expr.has(-sp.oo):
        raise ObjectiveError(f"the objective is not a finite real expression: it simplifies to {expr}")


def _check_size(expr) -> None:
    """Refuse before any derivative is taken what would make differentiation explode, counted over the expression
    as SymPy holds it (nested products and Max are flattened, (x^a)^b is x^(a·b)): products of more than
    MAX_FACTORS factors, exponents beyond MAX_EXPONENT, Max or Min of more than MAX_EXTREMA arguments."""
    import sympy as sp

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


class _Checker:
    """Check an ``ast`` tree against the allow-list, node by node, collecting the variable names (no SymPy).
    ``constant``: a number is being read, so any name that is not a constant is refused as not a number."""

    def __init__(self, declared: list[str] | None, constant: bool = False):
        self.declared = declared
        self.constant = constant
        self.names: set[str] = set()

    def check(self, node: ast.AST, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise ObjectiveError(f"the objective is nested too deeply (limit {MAX_DEPTH})")
        if isinstance(node, ast.Constant):
            self._number(node.value)
        elif isinstance(node, ast.Name):
            self._name(node.id)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            self.check(node.operand, depth + 1)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            self._chain(node, depth)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            self.check(node.left, depth + 1)
            self.check(node.right, depth + 1)
        elif isinstance(node, ast.Call):
            self._call(node, depth)
        else:
            raise ObjectiveError(f"'{_describe(node)}' is not allowed in an objective")

    def _chain(self, node: ast.BinOp, depth: int) -> None:
        """A left-leaning chain a ± b ± c (or a */ b */ c), walked iteratively, so its length is no depth."""
        ops = _chain_ops(node)
        factors = 0
        while isinstance(node, ast.BinOp) and isinstance(node.op, ops):
            if ast.Mult in ops and factors >= MAX_FACTORS:
                raise ObjectiveError(f"a product in the objective has more than {MAX_FACTORS} factors")
            factors += 1
            self.check(node.right, depth + 1)
            node = node.left
        self.check(node, depth + 1)

    def _number(self, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ObjectiveError(f"'{value!r}' is not allowed in an objective: only real numbers")
        if isinstance(value, int) and value.bit_length() > MAX_DIGITS * 3.33:
            raise ObjectiveError(f"a number in the objective has more than {MAX_DIGITS} digits")
        if isinstance(value, float) and not math.isfinite(value):
            raise ObjectiveError("a number in the objective is too large to be finite")

    def _name(self, name: str) -> None:
        if name in CONSTANTS:
            return
        if name == EULER and EULER not in (self.declared or ()):
            return
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

    def _call(self, node: ast.Call, depth: int) -> None:
        if not isinstance(node.func, ast.Name):
            raise ObjectiveError(f"'{_describe(node.func)}' is not a function the objective may call")
        name = node.func.id
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted({n for n in FUNCTIONS if n[0].islower()} | {"Abs", "Max", "Min"}))
            raise ObjectiveError(f"'{name}' is not an allowed function (allowed: {allowed})")
        if node.keywords:
            raise ObjectiveError(f"{name}() takes positional arguments only")
        _, fewest, most = FUNCTIONS[name]
        count = len(node.args)
        if count < fewest or (most is not None and count > most):
            wanted = f"{fewest}" if fewest == most else f"{fewest} or more" if most is None else f"{fewest} to {most}"
            raise ObjectiveError(f"{name}() takes {wanted} argument{'s' if wanted != '1' else ''}, not {count}")
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise ObjectiveError(f"{name}() takes plain arguments, not *args")
        for arg in node.args:
            self.check(arg, depth + 1)


class _Builder:
    """Build a SymPy expression from a tree _Checker accepted, refusing what only the values show: constants
    beyond MAX_DIGITS digits (checked as each piece is built, see _bounded), exponents, division by zero, Max or
    Min of too many arguments, exp/sinh/cosh of too large a constant."""

    def __init__(self, variables: tuple[str, ...] = ()):
        import sympy

        self.sp = sympy
        self.variables = variables
        self._symbols: dict = {}

    def symbol(self, name: str):
        if name not in self._symbols:
            self._symbols[name] = self.sp.Symbol(name, real=True)
        return self._symbols[name]

    def build(self, node: ast.AST):
        sp = self.sp
        if isinstance(node, ast.Constant):
            value = node.value  # _Checker let through only ints and finite floats
            return sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(value))  # 0.1 is exactly 1/10
        if isinstance(node, ast.Name):
            if node.id in CONSTANTS:
                return getattr(sp, CONSTANTS[node.id])
            return sp.E if node.id == EULER and EULER not in self.variables else self.symbol(node.id)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return _bounded(self._power(self.build(node.left), self.build(node.right)))
        if isinstance(node, ast.BinOp):
            terms = self._chain(node)
            return _bounded(sp.Add(*terms) if isinstance(node.op, (ast.Add, ast.Sub)) else sp.Mul(*terms))
        return _bounded(self._call(node))

    def _chain(self, node: ast.BinOp) -> list:
        """The terms of a left-leaning chain a ± b ± c (or factors of a */ b */ c), built iteratively."""
        ops = _chain_ops(node)
        terms = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, ops):
            right = self.build(node.right)
            if isinstance(node.op, ast.Sub):
                right = -right
            elif isinstance(node.op, ast.Div):
                if right == 0:
                    raise ObjectiveError("the objective divides by zero")
                right = self.sp.Pow(right, -1)
            terms.append(right)
            node = node.left
        terms.append(self.build(node))
        terms.reverse()
        return terms

    def _power(self, base, exponent):
        if exponent.is_number:
            size = abs(complex(exponent.evalf(15)))
            if size > MAX_EXPONENT:
                raise ObjectiveError(f"an exponent in the objective is {number(size, 4)}; the limit is {MAX_EXPONENT}")
            if base.is_number:
                magnitude = abs(complex(base.evalf(15)))
                if magnitude > 0 and abs(math.log10(magnitude) * float(abs(complex(exponent.evalf(15))))) > MAX_DIGITS:
                    raise ObjectiveError(f"a constant power in the objective has more than {MAX_DIGITS} digits")
                if magnitude == 0 and (exponent.is_negative or exponent.is_zero):
                    raise ObjectiveError("the objective raises zero to a non-positive power")
        return self.sp.Pow(base, exponent)

    def _call(self, node: ast.Call):
        sp = self.sp
        name = node.func.id
        function = getattr(sp, FUNCTIONS[name][0])
        args = [self.build(arg) for arg in node.args]
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


def _log10_size(value) -> float:
    """log₁₀|value| of a constant (−inf for 0) from a 15-digit evaluation; the constants built so far are
    bounded (see _bounded), so the evaluation is quick."""
    import mpmath
    import sympy as sp

    real, imaginary = value.evalf(15).as_real_imag()
    if not (real.is_Number and imaginary.is_Number):
        raise ObjectiveError(f"the constant {echo(sp.sstr(value))} cannot be evaluated")
    if not (real.is_finite and imaginary.is_finite):  # log(0), 1/0, 0·∞
        raise ObjectiveError(f"the constant {echo(sp.sstr(value))} is not a finite number")
    size = max(abs(real), abs(imaginary))
    return -math.inf if size == 0 else float(mpmath.log10(mpmath.mpf(sp.Float(size)._mpf_)))


def _bounded(value):
    """``value``, refused when it is a constant with more than MAX_DIGITS digits before the point: evaluating a
    function of it (cos(exp(exp(20)))) would take hours. Checked as each piece is built, so a function's
    argument is always bounded."""
    if value.is_number and _log10_size(value) > MAX_DIGITS:
        import sympy as sp

        raise ObjectiveError(f"the constant {echo(sp.sstr(value))} has more than {MAX_DIGITS} digits, the limit")
    return value


def _chain_ops(node: ast.BinOp) -> tuple:
    """The operators that continue a chain starting at ``node``: ± for a sum, */ for a product."""
    return (ast.Add, ast.Sub) if isinstance(node.op, (ast.Add, ast.Sub)) else (ast.Mult, ast.Div)


def _describe(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every node parse produced
        text = type(node).__name__
    return text if len(text) <= 40 else text[:37] + "..."
