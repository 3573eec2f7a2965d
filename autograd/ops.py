"""The op table: every operation the engine knows, each defined by one ``define_op`` call.

An op's forward math, derivative rule, picture label, operand names, caption and domain message
live in its ``Op`` entry and nowhere else. ``define_op`` also gives a public op its surfaces: a
``Value`` method, a module function in ``autograd`` that takes Values or floats, and a name the
expression parser (and so the CLI) accepts. Rules are written once against a math namespace ``m``
(``float_math`` for floats, ``functional`` for Values, a numpy namespace for batches), so the
same table drives the float backward pass, higher-order gradients and a batch executor. Rules are
branch-free on values: a value-dependent choice lives in a namespace helper (``m.tanh_grad``).

Signatures:
    forward(m, arg, *xs) -> y
    vjp(m, g, y, arg, *xs) -> one gradient contribution per parent, in parent order
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, replace
from typing import Any, Callable, Sequence

from .shared_math import TWO_OVER_SQRT_PI


def _number(c: float) -> str:
    return f"{c:g}"


@dataclass(frozen=True, slots=True)
class Op:
    """One entry of the op table (make one with ``define_op``).

    name: stable identifier (``"mul"``); symbol: how pictures show it (``"×"``);
    arity: 1, 2, or None for n-ary ops whose parents are a tuple of any length;
    derivative: the local derivative as a learner would write it, one ``∂/∂name = ...`` part per
    operand name, joined by ", "; derivative_in: ``derivative_in(names, c) -> tuple[str, ...]``, the
    same rule in any operand names, one right-hand side per operand (per group for an n-ary op),
    with the constant ``c`` as a number (None: write it as ``c``); views show rules with it; template: the picture label with the op's constant (``"× {c}"``);
    domain: where it is defined, for error messages.

    Facts for views (so they never test op names):
    operands: the operand names the derivative text uses (``("a", "b")``, ``("x",)``); an n-ary op's
    parents are ``len(operands)`` equal groups (a dot product's ``("w", "x")``: w1…wn then x1…xn);
    ordered: whether swapping operands changes the result (sub, div, pow: pictures label them);
    linear: a sum of operands or of their products with no function applied (add, sum, dot, dotc),
    so a layer whose output comes from it has no activation;
    formula: ``formula(names, c) -> str``, the right-hand side that computes the result from the
    operands' names and the constant ``c`` as text (None without one); for an n-ary op it writes
    one term from one name per group and the terms are joined by " + " (see ``caption``);
    parameter: ``(name, default)`` of the constant a public op's method takes (``("slope", 0.01)``);
    public: whether the op has a method, a module function and a parser name (its ``name``).
    """

    name: str
    symbol: str
    arity: int | None
    forward: Callable
    vjp: Callable
    derivative: str
    template: str = "{symbol}"
    domain: str = ""
    operands: tuple[str, ...] = ("x",)
    ordered: bool = False
    linear: bool = False
    formula: Callable[[Sequence[str], Any], str] | None = None
    parameter: tuple[str, float] | None = None
    public: bool = False
    derivative_in: Callable[[Sequence[str], float | None], tuple[str, ...]] | None = None

    def describe(self, arg: object = None) -> str:
        """How a picture labels this op, with its constant filled in: ``MULC.describe(3.0) == '× 3'``."""
        if arg is None or isinstance(arg, tuple):
            return self.symbol
        return self.template.format(symbol=self.symbol, c=f"{arg:g}")

    def operand_names(self, count: int) -> list[str]:
        """A name per parent of a node with ``count`` parents: ``["a", "b"]``, or ``w1, w2, x1, x2`` for a dot.

        >>> OPS["dot"].operand_names(4), OPS["sub"].operand_names(2)
        (['w1', 'w2', 'x1', 'x2'], ['a', 'b'])
        """
        if self.arity is not None:
            return list(self.operands)
        n = count // len(self.operands)
        return [f"{name}{i}" for name in self.operands for i in range(1, n + 1)]

    def rule_for(self, position: int, count: int) -> str:
        """The rule for the parent at ``position`` of a node with ``count`` parents, in the table's names.

        >>> OPS["div"].rule_for(1, 2), OPS["dot"].rule_for(3, 4)
        ('∂/∂b = −a/b²', '∂/∂xᵢ = wᵢ')
        """
        names = self.operands if self.arity is not None else tuple(f"{o}ᵢ" for o in self.operands)
        group = position if self.arity is not None else position // max(1, count // len(self.operands))
        group = min(group, len(names) - 1)
        return f"∂/∂{names[group]} = {self.derivative_in(names, None)[group]}"

    def local_derivative(self, position: int, names: Sequence[str], arg: Any = None) -> str:
        """∂node/∂parent for the parent at ``position``, written in the parents' ``names`` with the
        node's constant ``arg`` filled in: the op's ``derivative_in``, nothing rewritten.

        >>> OPS["powc"].local_derivative(0, ["a"], 3.0), OPS["dot"].local_derivative(3, ["w1", "w2", "u", "v"])
        ('3·a^2', 'w2')
        """
        if self.arity is not None:
            c = None if arg is None or isinstance(arg, tuple) else arg
            return self.derivative_in(list(names), c)[position]
        groups = len(self.operands)
        n = max(1, len(names) // groups)
        group, i = divmod(position, n)
        c = arg[i] if isinstance(arg, tuple) else None
        return self.derivative_in([names[i + k * n] for k in range(groups)], c)[min(group, groups - 1)]

    def caption(
        self,
        names: Sequence[str],
        arg: Any = None,
        number: Callable[[float], str] = _number,
        max_terms: int | None = None,
    ) -> str:
        """The formula that computed a node from its parents' ``names`` (``"a × 3"``, ``"w1·x1 + w2·x2"``).

        ``number`` formats constants; an n-ary caption longer than ``max_terms`` terms is shortened.

        >>> OPS["mulc"].caption(["a"], 3.0), OPS["dotc"].caption(["w1", "w2"], (0.5, 2.0))
        ('a × 3', '0.5·w1 + 2·w2')
        """
        formula = self.formula or _default_formula(self)
        if self.arity is not None:
            c = None if arg is None or isinstance(arg, tuple) else number(arg)
            return formula(list(names), c)
        groups = len(self.operands)
        n = len(names) // groups
        constants = arg if isinstance(arg, tuple) else (None,) * n
        terms = [
            formula([names[i + k * n] for k in range(groups)], None if c is None else number(c))
            for i, c in zip(range(n), constants)
        ]
        if max_terms is not None and len(terms) > max_terms:
            return " + ".join(terms[:max_terms - 1]) + f" + … ({len(terms)} terms)"
        return " + ".join(terms)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def __str__(self) -> str:
        return self.name


def _default_formula(op: Op) -> Callable[[Sequence[str], Any], str]:
    if op.arity is None:
        return lambda names, c: "·".join(names) if c is None else f"{c}·{'·'.join(names)}"

    def formula(names: Sequence[str], c: str | None) -> str:
        args = ", ".join([*names, *([c] if c is not None else [])])
        return f"{op.symbol}({args})"

    return formula


OPS: dict[str, Op] = {}
_BUILT_IN: set[str] = set()
# (add, remove) callbacks that give a public op its surfaces: value.py adds the method, functional
# the module function, the package its attribute. They subscribe here, so this module imports none of them.
_SURFACES: list[tuple[Callable[[Op], None], Callable[[Op], None]]] = []


def on_define(add: Callable[[Op], None], remove: Callable[[Op], None]) -> None:
    """Call ``add(op)`` for every public op now and whenever one is defined; ``remove(op)`` when undefined."""
    _SURFACES.append((add, remove))
    for op in list(OPS.values()):
        if op.public:
            add(op)


def define_op(
    name: str,
    forward: Callable,
    vjp: Callable,
    *,
    derivative: str | None = None,
    derivative_in: Callable[[Sequence[str], float | None], tuple[str, ...]] | None = None,
    symbol: str | None = None,
    arity: int | None = 1,
    domain: str = "",
    template: str = "{symbol}",
    operands: Sequence[str] | None = None,
    ordered: bool | None = None,
    linear: bool = False,
    formula: Callable[[Sequence[str], Any], str] | None = None,
    parameter: tuple[str, float] | None = None,
    public: bool = True,
) -> Op:
    """Add an op to the table; a public op becomes a Value method, an ``autograd`` function and a parser name.

    ``forward(m, arg, *xs)`` computes the result from floats; ``vjp(m, g, y, arg, *xs)`` returns the
    gradient contribution for each operand, written against the namespace ``m`` so it also runs on
    Values (derivatives of any order). The rule's text is ``derivative`` (``"∂/∂x = 1/(1 + x²)"``), or
    ``derivative_in(names, c)``, a function writing it in any operand names, or both; from the text
    alone, ``derivative_in`` fills its operand names (and ``c``, or the parameter's name) in as
    written. See ``Op`` for the other fields; ``undefine_op`` removes it.

    >>> import math, autograd
    >>> op = define_op("atan", lambda m, arg, x: math.atan(x), lambda m, g, y, arg, x: (g / (1 + x * x),),
    ...                derivative="∂/∂x = 1/(1 + x²)")
    >>> x = autograd.Value(1.0); y = x.atan(); y.backward(); x.grad
    0.5
    >>> undefine_op("atan")
    """
    op = _make_op(name, forward, vjp, derivative, symbol, arity, domain, template, operands, ordered,
                  linear, formula, parameter, public, derivative_in)
    OPS[name] = op
    if public:
        added: list[Callable[[Op], None]] = []
        try:
            for add, remove in _SURFACES:
                add(op)
                added.append(remove)
        except Exception:  # a clash found by a surface: leave no half-defined op behind
            for remove in added:
                remove(op)
            del OPS[name]
            raise
    return op


def undefine_op(name: str) -> None:
    """Remove an op ``define_op`` added (and its method, function and parser name); built-ins stay."""
    if name in _BUILT_IN:
        raise ValueError(f"{name!r} is a built-in op and cannot be removed")
    op = OPS.pop(name, None)
    if op is None:
        raise KeyError(f"no op called {name!r}")
    if op.public:
        for _add, remove in _SURFACES:
            remove(op)


def _make_op(name, forward, vjp, derivative, symbol, arity, domain, template, operands, ordered,
             linear, formula, parameter, public, derivative_in) -> Op:
    if not isinstance(name, str) or not name.isascii() or not name.isidentifier() or name.startswith("_") \
            or keyword.iskeyword(name):
        raise ValueError(f"op name must be an ASCII identifier not starting with '_', got {name!r}")
    if name in OPS:
        raise ValueError(f"an op called {name!r} already exists (undefine_op({name!r}) first)")
    for what, f in (("forward", forward), ("vjp", vjp)):
        if not callable(f):
            raise TypeError(f"{what} must be callable, got {type(f).__name__}: {f!r}")
    for what, f in (("formula", formula), ("derivative_in", derivative_in)):
        if f is not None and not callable(f):
            raise TypeError(f"{what} must be callable, got {type(f).__name__}: {f!r}")
    if derivative is None and derivative_in is None:
        raise TypeError(f"define_op({name!r}) needs its rule's text: derivative= (or derivative_in=)")
    if arity not in (1, 2, None):
        raise ValueError(f"arity must be 1, 2 or None (n-ary), got {arity!r}")
    for what, text in (("derivative", derivative), ("symbol", symbol), ("domain", domain), ("template", template)):
        if text is not None and not isinstance(text, str):
            raise TypeError(f"{what} must be a str, got {type(text).__name__}: {text!r}")
    if operands is None:
        operands = ("a", "b") if arity == 2 else ("x",)
    operands = tuple(operands)
    if (arity is not None and len(operands) != arity) or not operands \
            or not all(isinstance(o, str) and o for o in operands):
        raise ValueError(f"operands must name each of the {arity or 'n-ary'} operand(s), got {operands!r}")
    if parameter is not None:
        if arity != 1 or not (isinstance(parameter, tuple) and len(parameter) == 2
                              and isinstance(parameter[0], str) and parameter[0].isidentifier()):
            raise ValueError(f"parameter must be (name, default) on a unary op, got {parameter!r}")
    if derivative_in is None:
        derivative_in = _rule_from_text(derivative, operands, parameter)
    op = Op(
        name, name if symbol is None else symbol, arity, forward, vjp, derivative or "", template, domain,
        operands, arity == 2 if ordered is None else bool(ordered), bool(linear), formula, parameter,
        bool(public) and arity is not None, derivative_in,
    )
    _check_rule_function(op)
    if derivative is None:  # the table's text, written by the op's own function in its operand names
        count = len(operands) if arity is None else arity
        op = replace(op, derivative=", ".join(op.rule_for(i, count) for i in range(count)))
    return op


def _check_rule_function(op: Op) -> None:
    """Call ``derivative_in`` once now, so a wrong one fails at ``define_op``, not inside a picture."""
    try:
        sides = op.derivative_in(list(op.operands), None)
    except Exception as exc:
        raise ValueError(f"derivative_in of {op.name!r} failed on the operand names {op.operands!r}: {exc!r}") from exc
    if not (isinstance(sides, tuple) and len(sides) == len(op.operands) and all(isinstance(t, str) for t in sides)):
        raise ValueError(f"derivative_in of {op.name!r} must return a tuple of {len(op.operands)} str (one per "
                         f"operand {op.operands!r}), got {sides!r}")


def _rule_from_text(derivative: str, operands: tuple[str, ...], parameter: Any) -> Callable:
    """The ``derivative_in`` of an op defined by its text alone: each operand's ``∂/∂name = …`` part
    with the operand names (``x``, an n-ary ``xᵢ``), ``c`` and the parameter's name as blanks to fill."""
    parts = re.split(r",\s*(?=∂/∂)", derivative)
    sides = [part.partition(" = ")[2] or part for part in parts]
    if len(sides) != len(operands):
        sides = [derivative] * len(operands)
    constants = ("c", *(parameter[:1] if parameter else ()))
    words = "|".join(re.escape(w) for w in (*operands, *constants))
    # A blank is a whole word (not inside "exp"), with an n-ary op's ᵢ, or ˣ (a superscript x).
    pieces = [re.split(rf"((?<![A-Za-z])(?:{words})ᵢ?(?![A-Za-z])|ˣ)", side) for side in sides]

    def fill(word: str, names: Sequence[str], c: float | None) -> str:
        if word == "ˣ":  # eˣ stays eˣ for an operand called x, else e^name
            x = names[operands.index("x")] if "x" in operands else "x"
            return word if x == "x" else f"^{x}"
        bare = word.rstrip("ᵢ")
        if bare in operands:
            return names[operands.index(bare)]
        return word if c is None else _number(c)

    def derivative_in(names: Sequence[str], c: float | None) -> tuple[str, ...]:
        return tuple("".join(fill(p, names, c) if k % 2 else p for k, p in enumerate(side)) for side in pieces)

    return derivative_in


def _builtin(name: str, forward: Callable, vjp: Callable, **facts: Any) -> Op:
    facts.setdefault("public", False)
    op = define_op(name, forward, vjp, **facts)
    _BUILT_IN.add(name)
    return op


def _binary_formula(symbol: str) -> Callable[[Sequence[str], Any], str]:
    return lambda names, c: f"{names[0]} {symbol} {names[1]}"


def _constant(c: float | None, name: str = "c") -> str:
    """A rule's constant: its name in the table's general rule, its value at a node."""
    return name if c is None else _number(c)


def _grouped(c: float | None) -> str:
    """The constant as an operand of ÷ or ^: a negative one in parentheses."""
    return f"({_number(c)})" if c is not None and c < 0 else _constant(c)


def _negated(c: float | None) -> str:
    """−c, with the sign worked out at a node (−(−3) is 3)."""
    return "−c" if c is None else _number(-c) if c < 0 else f"−{_number(c)}"


def _scaled(c: float | None, name: str, term: str) -> str:
    """c·term, with the factor left out at a node where it is 1 (and −term where it is −1)."""
    if c is None:
        return f"{name}·{term}"
    return term if c == 1 else f"-{term}" if c == -1 else f"{_number(c)}·{term}"


def _e_to(x: str) -> str:
    return "eˣ" if x == "x" else f"e^{x}"


def _power_rule(names: Sequence[str], c: float | None) -> tuple[str]:
    """d/dx xᶜ = c·x^(c−1), with the arithmetic done at a node: 2·x, 3·x^2, 1, 0.5·x^(-0.5)."""
    x = names[0]
    if c is None:
        return (f"c·{x}^(c−1)",)
    e = c - 1
    if e == 0:
        return (_number(c),)
    power = x if e == 1 else f"{x}^{_number(e)}" if e > 0 else f"{x}^({_number(e)})"
    return (_scaled(c, "c", power),)


# ----- the built-in ops ------------------------------------------------------------------------------

# Binary arithmetic: parents (a, b). The dunders (a + b) are their surface, written by hand in value.py.
ADD = _builtin("add", lambda m, arg, a, b: a + b, lambda m, g, y, arg, a, b: (g, g),
               derivative_in=lambda n, c: ("1", "1"), symbol="+", arity=2, ordered=False, linear=True,
               formula=_binary_formula("+"))
SUB = _builtin("sub", lambda m, arg, a, b: a - b, lambda m, g, y, arg, a, b: (g, -g),
               derivative_in=lambda n, c: ("1", "−1"), symbol="−", arity=2, formula=_binary_formula("−"))
MUL = _builtin("mul", lambda m, arg, a, b: a * b, lambda m, g, y, arg, a, b: (g * b, g * a),
               derivative_in=lambda n, c: (n[1], n[0]), symbol="×", arity=2, ordered=False, formula=_binary_formula("×"))
DIV = _builtin("div", lambda m, arg, a, b: a / b, lambda m, g, y, arg, a, b: (g / b, -g * y / b),
               derivative_in=lambda n, c: (f"1/{n[1]}", f"−{n[0]}/{n[1]}²"), symbol="÷", arity=2, domain="division by zero",
               formula=_binary_formula("÷"))
POW = _builtin(
    "pow",
    lambda m, arg, a, b: m.power(a, b),
    lambda m, g, y, arg, a, b: (g * m.power_slope(a, b), g * m.xlogy(y, a)),
    derivative_in=lambda n, c: (f"{n[1]}·{n[0]}^({n[1]}−1)", f"{n[0]}^{n[1]}·ln {n[0]}"), symbol="^", arity=2, formula=_binary_formula("^"),
    domain="a**b needs a >= 0 unless b is a whole number, and a != 0 when b < 0",
)

# Arithmetic with a plain-number constant c (kept in ``arg``): one node, no extra leaf for c.
ADDC = _builtin("addc", lambda m, arg, x: x + arg, lambda m, g, y, arg, x: (g,), derivative_in=lambda n, c: ("1",),
                symbol="+", template="+ {c}", formula=lambda n, c: f"{n[0]} + {c}")
SUBC = _builtin("subc", lambda m, arg, x: x - arg, lambda m, g, y, arg, x: (g,), derivative_in=lambda n, c: ("1",),
                symbol="−", template="− {c}", formula=lambda n, c: f"{n[0]} − {c}")
RSUBC = _builtin("rsubc", lambda m, arg, x: arg - x, lambda m, g, y, arg, x: (-g,), derivative_in=lambda n, c: ("−1",),
                 symbol="−", template="{c} −", ordered=True, formula=lambda n, c: f"{c} − {n[0]}")
MULC = _builtin("mulc", lambda m, arg, x: x * arg, lambda m, g, y, arg, x: (g * arg,), derivative_in=lambda n, c: (_constant(c),),
                symbol="×", template="× {c}", formula=lambda n, c: f"{n[0]} × {c}")
DIVC = _builtin("divc", lambda m, arg, x: x / arg, lambda m, g, y, arg, x: (g / arg,), derivative_in=lambda n, c: (f"1/{_grouped(c)}",),
                symbol="÷", template="÷ {c}", domain="division by zero",
                formula=lambda n, c: f"{n[0]} ÷ {c}")
RDIVC = _builtin("rdivc", lambda m, arg, x: arg / x, lambda m, g, y, arg, x: (-g * y / x,),
                 derivative_in=lambda n, c: (f"{_negated(c)}/{n[0]}²",), symbol="÷", template="{c} ÷", domain="division by zero",
                 ordered=True, formula=lambda n, c: f"{c} ÷ {n[0]}")
POWC = _builtin(
    "powc",
    lambda m, arg, x: m.power(x, arg),
    lambda m, g, y, arg, x: (g * m.power_slope(x, arg),),
    derivative_in=_power_rule, symbol="^", template="^{c}", formula=lambda n, c: f"{n[0]}^{c}",
    domain="x**c needs x >= 0 unless c is a whole number, and x != 0 when c < 0",
)
RPOWC = _builtin(
    "rpowc",
    lambda m, arg, x: m.power(arg, x),
    lambda m, g, y, arg, x: (g * m.xlogy(y, arg),),
    derivative_in=lambda n, c: (f"{_grouped(c)}^{n[0]}·ln {_grouped(c)}",), symbol="^", template="{c}^",
    ordered=True, formula=lambda n, c: f"({c})^{n[0]}" if str(c)[:1] in "-−" else f"{c}^{n[0]}",  # (−8)^x, not −(8^x)
    domain="c**x needs c >= 0 unless x is a whole number, and c != 0 when x < 0",
)
NEG = _builtin("neg", lambda m, arg, x: -x, lambda m, g, y, arg, x: (-g,), derivative_in=lambda n, c: ("−1",),
               symbol="−", formula=lambda n, c: f"−{n[0]}")
ABS = _builtin("abs", lambda m, arg, x: abs(x), lambda m, g, y, arg, x: (g * m.sign(x),),
               derivative_in=lambda n, c: (f"sign({n[0]})",), symbol="|·|", formula=lambda n, c: f"|{n[0]}|")

# Functions: each is a Value method, an autograd function and a parser name.
EXP = _builtin("exp", lambda m, arg, x: m.exp(x), lambda m, g, y, arg, x: (g * y,),
               derivative_in=lambda n, c: (_e_to(n[0]),), public=True)
LOG = _builtin("log", lambda m, arg, x: m.log(x), lambda m, g, y, arg, x: (g / x,),
               derivative_in=lambda n, c: (f"1/{n[0]}",), domain="log(x) needs x > 0", public=True)
SQRT = _builtin("sqrt", lambda m, arg, x: m.sqrt(x), lambda m, g, y, arg, x: (g * 0.5 / y,),
                derivative_in=lambda n, c: (f"1/(2√{n[0]})",), symbol="√", domain="sqrt(x) needs x >= 0", public=True)
SIN = _builtin("sin", lambda m, arg, x: m.sin(x), lambda m, g, y, arg, x: (g * m.cos(x),),
               derivative_in=lambda n, c: (f"cos {n[0]}",), public=True)
COS = _builtin("cos", lambda m, arg, x: m.cos(x), lambda m, g, y, arg, x: (-g * m.sin(x),),
               derivative_in=lambda n, c: (f"−sin {n[0]}",), public=True)
TAN = _builtin("tan", lambda m, arg, x: m.tan(x), lambda m, g, y, arg, x: (g * (1 + y * y),),
               derivative_in=lambda n, c: (f"1 + tan²{n[0]}",), public=True)
TANH = _builtin("tanh", lambda m, arg, x: m.tanh(x), lambda m, g, y, arg, x: (g * m.tanh_grad(x, y),),
                derivative_in=lambda n, c: (f"1 − tanh²{n[0]}",), public=True)
SIGMOID = _builtin(
    "sigmoid",
    lambda m, arg, x: m.sigmoid(x),
    # 1 − σ(x) is computed as σ(−x): subtracting from 1 would lose every digit in the far tail.
    lambda m, g, y, arg, x: (g * y * m.sigmoid(-x),),
    derivative_in=lambda n, c: (f"σ({n[0]})·(1 − σ({n[0]}))",), symbol="σ", public=True,
)
RELU = _builtin("relu", lambda m, arg, x: m.relu(x), lambda m, g, y, arg, x: (g * m.step(x),),
                derivative_in=lambda n, c: (f"1 if {n[0]} > 0 else 0",), symbol="ReLU", public=True)
LEAKY_RELU = _builtin(
    "leaky_relu",
    lambda m, arg, x: m.leaky_relu(x, arg),
    lambda m, g, y, arg, x: (g * (arg + (1 - arg) * m.step(x)),),
    derivative_in=lambda n, c: (f"1 if {n[0]} > 0 else {_constant(c, 'slope')}",), symbol="LeakyReLU", template="LeakyReLU({c})",
    parameter=("slope", 0.01), public=True,
)
ELU = _builtin(
    "elu",
    lambda m, arg, x: m.elu(x, arg),
    lambda m, g, y, arg, x: (g * m.elu_slope(x, arg),),
    derivative_in=lambda n, c: (f"1 if {n[0]} > 0 else {_scaled(c, 'α', _e_to(n[0]))}",), symbol="ELU", template="ELU({c})",
    parameter=("alpha", 1.0), public=True,
)
GELU = _builtin(
    "gelu",
    lambda m, arg, x: m.gelu(x),
    lambda m, g, y, arg, x: (g * (m.normal_cdf(x) + x * m.normal_pdf(x)),),
    derivative_in=lambda n, c: (f"Φ({n[0]}) + {n[0]}·φ({n[0]})",), symbol="GELU", public=True,
)
SOFTPLUS = _builtin("softplus", lambda m, arg, x: m.softplus(x), lambda m, g, y, arg, x: (g * m.sigmoid(x),),
                    derivative_in=lambda n, c: (f"σ({n[0]})",), public=True)
SILU = _builtin(
    "silu",
    lambda m, arg, x: m.silu(x),
    lambda m, g, y, arg, x: (g * m.sigmoid(x) * (1 + x * m.sigmoid(-x)),),
    derivative_in=lambda n, c: (f"σ({n[0]})·(1 + {n[0]}·(1 − σ({n[0]})))",), symbol="SiLU", public=True,
)
SIGN = _builtin(
    "sign",
    lambda m, arg, x: m.sign(x, arg),
    lambda m, g, y, arg, x: (g * 0.0,),
    derivative_in=lambda n, c: ("0 (a step: no gradient flows, as in the perceptron)",),
    parameter=("at_zero", 0.0), public=True, formula=lambda n, c: f"sign({n[0]})",
)
ERF = _builtin("erf", lambda m, arg, x: m.erf(x), lambda m, g, y, arg, x: (g * TWO_OVER_SQRT_PI * m.exp(-x * x),),
               derivative_in=lambda n, c: (f"(2/√π)·e^(−{n[0]}²)",), public=True)


# N-ary ops: parents are a tuple of any length (their constructors, sum and dot, are in functional).
def _dot_forward(m, arg, *xs):
    n = len(xs) // 2
    return m.dot(xs[:n], xs[n:])


def _dot_vjp(m, g, y, arg, *xs):
    n = len(xs) // 2
    return [g * x for x in xs[n:]] + [g * w for w in xs[:n]]


SUM = _builtin("sum", lambda m, arg, *xs: sum(xs), lambda m, g, y, arg, *xs: (g,) * len(xs),
               derivative_in=lambda n, c: ("1",), symbol="Σ", arity=None, linear=True, formula=lambda n, c: n[0])
DOT = _builtin("dot", _dot_forward, _dot_vjp, derivative_in=lambda n, c: (n[1], n[0]), symbol="·", arity=None,
               operands=("w", "x"), ordered=True, linear=True, formula=lambda n, c: f"{n[0]}·{n[1]}")
DOTC = _builtin(
    "dotc",
    lambda m, arg, *ws: m.dot(ws, arg),
    lambda m, g, y, arg, *ws: [g * c for c in arg],
    derivative_in=lambda n, c: ("cᵢ (the constant inputs)" if c is None else _number(c),), symbol="·", arity=None, operands=("w",), linear=True,
    formula=lambda n, c: f"{c}·{n[0]}",
)
