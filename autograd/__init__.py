"""A scalar reverse-mode autograd engine: ``Value`` records the graph, ``backward`` walks it back.

>>> from autograd import Value
>>> x = Value(2.0, label="x")
>>> y = (x ** 2).sin() + 3 * x ** 2
>>> y.backward()
>>> round(x.grad, 6)
9.385426
"""

from .backprop import backward, grad, local_gradients, topological_order, zero_grad
from .functional import (
    cos, dot, elu, erf, exp, gelu, leaky_relu, log, power, relu, sigmoid, sign, silu, sin, softplus, sqrt,
    sum, tan, tanh,
)
from .expression import Expression, evaluate, parse
from .gc_control import gc_paused
from .gradcheck import GradcheckReport, gradcheck
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .ops import OPS, Op
from .value import Value

__all__ = [
    "Value", "Op", "OPS",
    "backward", "grad", "local_gradients", "topological_order", "zero_grad",
    "parse", "evaluate", "Expression", "gradcheck", "GradcheckReport",
    "no_grad", "enable_grad", "is_grad_enabled", "gc_paused",
    "exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "sign", "relu", "leaky_relu", "elu",
    "gelu", "softplus", "silu", "erf", "power", "sum", "dot",
]
