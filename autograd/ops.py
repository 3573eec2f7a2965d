"""The op table: every operation the engine knows, with its forward function and its derivative rule.

Each rule is written once, against a math namespace ``m`` (``float_math`` for floats, the
``functional`` module for Values, numpy later), so the same table drives the float backward pass,
higher-order gradients and any future batch executor. A graph is fully described by each node's op,
its ``op_arg`` (an exponent or slope, else None) and its ordered parents.

Signatures:
    forward(m, arg, *xs) -> y
    vjp(m, g, y, arg, *xs) -> one gradient contribution per parent, in parent order
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True, slots=True)
class Op:
    """One entry of the op table.

    name: stable identifier (``"mul"``); symbol: how pictures show it (``"×"``);
    arity: 1, 2, or None for n-ary ops whose parents are a tuple of any length;
    derivative: the local derivative as a learner would write it; template: the picture label
    with the op's constant (``"× {c}"``); domain: where it is defined, for error messages.
    """

    name: str
    symbol: str
    arity: int | None
    forward: Callable
    vjp: Callable
    derivative: str
    template: str = "{symbol}"
    domain: str = ""  # where the op is defined, for error messages ("log(x) needs x > 0")

    def describe(self, arg: object = None) -> str:
        """How a picture labels this op, with its constant filled in: ``MULC.describe(3.0) == '× 3'``."""
        if arg is None or isinstance(arg, tuple):
            return self.symbol
        return self.template.format(symbol=self.symbol, c=f"{arg:g}")

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def __str__(self) -> str:
        return self.name


def _dot_forward(m, arg, *xs):
    n = len(xs) // 2
    return m.dot(xs[:n], xs[n:])


def _dot_vjp(m, g, y, arg, *xs):
    n = len(xs) // 2
    return [g * x for x in xs[n:]] + [g * w for w in xs[:n]]


_TWO_OVER_SQRT_PI = 1.1283791670955126  # d/dx erf(x) = (2/√π)·e^(−x²)

OPS: dict[str, Op] = {}


def _op(name, symbol, arity, forward, vjp, derivative, template="{symbol}", domain="") -> Op:
    op = Op(name, symbol, arity, forward, vjp, derivative, template, domain)
    OPS[name] = op
    return op


# Binary arithmetic: parents (a, b).
ADD = _op("add", "+", 2, lambda m, arg, a, b: a + b, lambda m, g, y, arg, a, b: (g, g), "∂/∂a = 1, ∂/∂b = 1")
SUB = _op("sub", "−", 2, lambda m, arg, a, b: a - b, lambda m, g, y, arg, a, b: (g, -g), "∂/∂a = 1, ∂/∂b = −1")
MUL = _op("mul", "×", 2, lambda m, arg, a, b: a * b, lambda m, g, y, arg, a, b: (g * b, g * a), "∂/∂a = b, ∂/∂b = a")
DIV = _op(
    "div", "÷", 2,
    lambda m, arg, a, b: a / b,
    lambda m, g, y, arg, a, b: (g / b, -g * y / b),
    "∂/∂a = 1/b, ∂/∂b = −a/b²",
    domain="division by zero",
)
POW = _op(
    "pow", "^", 2,
    lambda m, arg, a, b: m.power(a, b),
    lambda m, g, y, arg, a, b: (g * b * m.power(a, b - 1), g * m.xlogy(y, a)),
    "∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a",
    domain="a**b needs a >= 0 unless b is a whole number, and a != 0 when b < 0",
)

# Arithmetic with a plain-number constant c (kept in ``arg``): one node, no extra leaf for c.
ADDC = _op("addc", "+", 1, lambda m, arg, x: x + arg, lambda m, g, y, arg, x: (g,), "∂/∂x = 1", "+ {c}")
SUBC = _op("subc", "−", 1, lambda m, arg, x: x - arg, lambda m, g, y, arg, x: (g,), "∂/∂x = 1", "− {c}")
RSUBC = _op("rsubc", "−", 1, lambda m, arg, x: arg - x, lambda m, g, y, arg, x: (-g,), "∂/∂x = −1", "{c} −")
MULC = _op("mulc", "×", 1, lambda m, arg, x: x * arg, lambda m, g, y, arg, x: (g * arg,), "∂/∂x = c", "× {c}")
DIVC = _op(
    "divc", "÷", 1,
    lambda m, arg, x: x / arg,
    lambda m, g, y, arg, x: (g / arg,),
    "∂/∂x = 1/c",
    "÷ {c}",
    domain="division by zero",
)
RDIVC = _op(
    "rdivc", "÷", 1,
    lambda m, arg, x: arg / x,
    lambda m, g, y, arg, x: (-g * y / x,),
    "∂/∂x = −c/x²",
    "{c} ÷",
    domain="division by zero",
)
POWC = _op(
    "powc", "^", 1,
    lambda m, arg, x: m.power(x, arg),
    lambda m, g, y, arg, x: (g * arg * m.power(x, arg - 1),),
    "∂/∂x = c·x^(c−1)",
    "^{c}",
    domain="x**c needs x >= 0 unless c is a whole number, and x != 0 when c < 0",
)
RPOWC = _op(
    "rpowc", "^", 1,
    lambda m, arg, x: m.power(arg, x),
    lambda m, g, y, arg, x: (g * m.xlogy(y, arg),),
    "∂/∂x = c^x·ln c",
    "{c}^",
    domain="c**x needs c >= 0 unless x is a whole number, and c != 0 when x < 0",
)

# Unary functions: parent (x,). ``arg`` carries the slope of leaky_relu and the alpha of elu.
NEG = _op("neg", "−", 1, lambda m, arg, x: -x, lambda m, g, y, arg, x: (-g,), "∂/∂x = −1")
EXP = _op("exp", "exp", 1, lambda m, arg, x: m.exp(x), lambda m, g, y, arg, x: (g * y,), "∂/∂x = eˣ")
LOG = _op(
    "log", "log", 1,
    lambda m, arg, x: m.log(x),
    lambda m, g, y, arg, x: (g / x,),
    "∂/∂x = 1/x",
    domain="log(x) needs x > 0",
)
SQRT = _op(
    "sqrt", "√", 1,
    lambda m, arg, x: m.sqrt(x),
    lambda m, g, y, arg, x: (g * 0.5 / y,),
    "∂/∂x = 1/(2√x)",
    domain="sqrt(x) needs x >= 0",
)
SIN = _op("sin", "sin", 1, lambda m, arg, x: m.sin(x), lambda m, g, y, arg, x: (g * m.cos(x),), "∂/∂x = cos x")
COS = _op("cos", "cos", 1, lambda m, arg, x: m.cos(x), lambda m, g, y, arg, x: (-g * m.sin(x),), "∂/∂x = −sin x")
TAN = _op("tan", "tan", 1, lambda m, arg, x: m.tan(x), lambda m, g, y, arg, x: (g * (1 + y * y),), "∂/∂x = 1 + tan²x")
TANH = _op(
    "tanh", "tanh", 1,
    lambda m, arg, x: m.tanh(x),
    # 1 − y² is within a few ulps while |y| < 0.9; beyond, y's rounding swamps it (10⁻⁷ relative at
    # x = 12, 0 past 19), so the tails take sech²x from e^(−2|x|).
    lambda m, g, y, arg, x: (
        (g * (1 - y * y),) if -0.9 < y < 0.9
        else (g * 4.0 * (t := m.exp(-2.0 * abs(x))) / ((1.0 + t) * (1.0 + t)),)  # sech²x, t = e^(−2|x|)
    ),
    "∂/∂x = 1 − tanh²x",
)
SIGMOID = _op(
    "sigmoid", "σ", 1,
    lambda m, arg, x: m.sigmoid(x),
    # 1 − σ(x) is computed as σ(−x): subtracting from 1 would lose every digit in the far tail.
    lambda m, g, y, arg, x: (g * y * m.sigmoid(-x),),
    "∂/∂x = σ(x)·(1 − σ(x))",
)
RELU = _op("relu", "ReLU", 1, lambda m, arg, x: m.relu(x), lambda m, g, y, arg, x: (g * m.step(x),), "∂/∂x = 1 if x > 0 else 0")
LEAKY_RELU = _op(
    "leaky_relu", "LeakyReLU", 1,
    lambda m, arg, x: m.leaky_relu(x, arg),
    lambda m, g, y, arg, x: (g * (arg + (1 - arg) * m.step(x)),),
    "∂/∂x = 1 if x > 0 else slope",
    "LeakyReLU({c})",
)
ELU = _op(
    "elu", "ELU", 1,
    lambda m, arg, x: m.elu(x, arg),
    lambda m, g, y, arg, x: (g * m.elu_slope(x, arg),),
    "∂/∂x = 1 if x > 0 else α·eˣ",
    "ELU({c})",
)
GELU = _op(
    "gelu", "GELU", 1,
    lambda m, arg, x: m.gelu(x),
    lambda m, g, y, arg, x: (g * (m.normal_cdf(x) + x * m.normal_pdf(x)),),
    "∂/∂x = Φ(x) + x·φ(x)",
)
SOFTPLUS = _op(
    "softplus", "softplus", 1,
    lambda m, arg, x: m.softplus(x),
    lambda m, g, y, arg, x: (g * m.sigmoid(x),),
    "∂/∂x = σ(x)",
)
SILU = _op(
    "silu", "SiLU", 1,
    lambda m, arg, x: m.silu(x),
    lambda m, g, y, arg, x: (g * m.sigmoid(x) * (1 + x * m.sigmoid(-x)),),
    "∂/∂x = σ(x)·(1 + x·(1 − σ(x)))",
)
ABS = _op("abs", "|·|", 1, lambda m, arg, x: abs(x), lambda m, g, y, arg, x: (g * m.sign(x),), "∂/∂x = sign(x)")
SIGN = _op(
    "sign", "sign", 1,
    lambda m, arg, x: m.sign(x, arg),
    lambda m, g, y, arg, x: (g * 0.0,),
    "∂/∂x = 0 (a step: no gradient flows, as in the perceptron)",
    "sign",
)
ERF = _op(
    "erf", "erf", 1,
    lambda m, arg, x: m.erf(x),
    lambda m, g, y, arg, x: (g * _TWO_OVER_SQRT_PI * m.exp(-x * x),),
    "∂/∂x = (2/√π)·e^(−x²)",
)

# N-ary ops: parents are a tuple of any length.
SUM = _op("sum", "Σ", None, lambda m, arg, *xs: sum(xs), lambda m, g, y, arg, *xs: (g,) * len(xs), "∂/∂xᵢ = 1")
DOT = _op("dot", "·", None, _dot_forward, _dot_vjp, "∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ")
DOTC = _op(
    "dotc", "·", None,
    lambda m, arg, *ws: m.dot(ws, arg),
    lambda m, g, y, arg, *ws: [g * c for c in arg],
    "∂/∂wᵢ = cᵢ (the constant inputs)",
)
