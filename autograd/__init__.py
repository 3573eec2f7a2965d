"""A scalar reverse-mode autograd engine: ``Value`` records the graph, ``backward`` walks it back.

>>> from autograd import Value
>>> x = Value(2.0, label="x")
>>> y = (x ** 2).sin() + 3 * x ** 2
>>> y.backward()
>>> round(x.grad, 6)
9.385426

Every public op of the table (``exp``, ``tanh``, ``leaky_relu``... and any added with ``define_op``)
is also a function here that takes a Value or a number.
"""

from . import functional as _functional
from . import ops as _ops
from .compile_program import Program, compile
from .compile_trace import TraceError
from .backprop import SweepStep, backward, grad, local_gradients, reverse_sweep, topological_order, zero_grad
from .expression import Expression, evaluate, parse
from .functional import dot, power, sum
from .gc_control import gc_paused
from .gradcheck import GradcheckReport, gradcheck
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .ops import OPS, Op, define_op, undefine_op
from .value import Value

__all__ = [
    "Value", "Op", "OPS", "define_op", "undefine_op",
    "backward", "grad", "local_gradients", "reverse_sweep", "SweepStep", "topological_order", "zero_grad",
    "parse", "evaluate", "Expression", "gradcheck", "GradcheckReport",
    "compile", "Program", "TraceError",
    "no_grad", "enable_grad", "is_grad_enabled", "gc_paused",
    "power", "sum", "dot",
]


def _add_function(op: Op) -> None:
    existing = globals().get(op.name)
    if existing is not None and getattr(existing, "__module__", None) != _functional.__name__:
        raise ValueError(f"op name {op.name!r} clashes with autograd.{op.name}")
    globals()[op.name] = getattr(_functional, op.name)
    __all__.append(op.name)


def _remove_function(op: Op) -> None:
    globals().pop(op.name, None)
    if op.name in __all__:
        __all__.remove(op.name)


_ops.on_define(_add_function, _remove_function)
