"""Optimizers: after ``backward`` fills each parameter's ``.grad``, ``step()`` moves ``.data`` downhill.

Updates are plain float arithmetic on ``p.data`` (no graph is recorded) and follow the usual
definitions exactly (they match ``torch.optim`` with float64 tensors):

- SGD:     g = ∇ + λ·p;  v = μ·v + g (v = g at the first step);  p −= lr·v
- RMSProp: g = ∇ + λ·p;  s = α·s + (1 − α)·g²;  p −= lr·g / (√s + ε)
- Adam:    g = ∇ + λ·p;  m = β₁·m + (1 − β₁)·g;  s = β₂·s + (1 − β₂)·g²;
           p −= (lr / (1 − β₁ᵗ))·m / (√s / √(1 − β₂ᵗ) + ε)   (bias-corrected)
- AdamW:   p −= lr·λ·p first (decay decoupled from the gradient), then the Adam step with λ = 0.

Each optimizer's math is written once, in ``_propose``, over numpy arrays (elementwise float64
arithmetic, the same operations in the same order as on floats): ``step()`` gathers the parameters'
``.data`` and ``.grad`` into arrays, and compiled training (``fit(..., compile=True)``) calls
``step_arrays`` on the arrays it keeps, so both paths share one state and one arithmetic.

A step is all or nothing: each optimizer proposes every new value and its new state first; if any
value is not finite (a learning rate too large, an infinite gradient), ``step`` raises
``NonFiniteStepError`` naming the parameter, and no parameter, moment or step count changes.
"""

from __future__ import annotations

import math
from operator import attrgetter
from typing import Any, Iterable

import numpy as np

from autograd import Value, zero_grad

from ._checks import above, at_least, fraction


class NonFiniteStepError(OverflowError):
    """A step would have made a parameter infinite or NaN; nothing was changed.

    An OverflowError, as the engine's own overflows are, so ``except OverflowError`` catches divergence.
    """


class Optimizer:
    """Base class: holds the parameters and a validated learning rate ``lr`` (settable, e.g. by a schedule).

    A subclass writes ``_propose(t, data, grad)``: the new values of every parameter and its new
    state for step ``t``, as arrays, computed without changing anything; ``step`` checks them and
    then commits them. ``_state`` names the attributes holding one number per parameter.
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        if isinstance(params, Value) or not isinstance(params, Iterable):
            hint = " (pass model.parameters())" if hasattr(params, "parameters") else ""
            raise TypeError(f"{type(self).__name__} expects an iterable of Values{hint}, got {type(params).__name__}")
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{type(self).__name__} got no parameters to optimize")
        seen: set[int] = set()
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{type(self).__name__}: params[{i}] must be a Value, got {type(p).__name__}: {p!r}")
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: params[{i}] appears twice; it would be updated twice per step")
            seen.add(id(p))
        self.lr = lr
        self.steps = 0

    @property
    def lr(self) -> float:
        """The learning rate; setting it checks it is a finite number >= 0."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = at_least(value, 0.0, "learning rate lr")

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0: ``autograd.zero_grad``."""
        zero_grad(self.params)

    def step(self) -> None:
        """Update every parameter from its ``.grad`` once, or raise ``NonFiniteStepError`` and change nothing.

        >>> w = Value(1.0); w.grad = 1e300
        >>> SGD([w], lr=1e10).step()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        nn.optim.NonFiniteStepError: SGD step 1 would make parameter params[0] -inf (its grad is 1e+300, lr 1e+10); ...
        >>> w.data
        1.0
        """
        n = len(self.params)
        data = np.fromiter(map(_data, self.params), dtype=np.float64, count=n)
        self.step_arrays(data, np.fromiter(map(_grad, self.params), dtype=np.float64, count=n))
        for p, x in zip(self.params, data.tolist()):
            p.data = x

    def step_arrays(self, data: np.ndarray, grad: np.ndarray) -> None:
        """One step on arrays aligned with ``params``: ``data`` updated in place from ``grad`` (all or nothing).

        >>> w = Value(1.0); opt = SGD([w], lr=0.1)
        >>> data = np.array([1.0]); opt.step_arrays(data, np.array([0.5])); data.tolist(), opt.steps
        ([0.95], 1)
        """
        with np.errstate(all="ignore"):  # an inf or nan is reported just below, naming the parameter
            values, state = self._propose(self.steps + 1, data, grad)
            total = np.add.reduce(values)
        if not math.isfinite(total):  # one sum is cheap; a finite sum may still overflow, so look closer
            self._refuse(np.flatnonzero(~np.isfinite(values)).tolist(), values, grad)
        data[...] = values
        self._commit(state)
        self.steps += 1

    def _refuse(self, bad: list[int], values: np.ndarray, grad: np.ndarray) -> None:
        if not bad:
            return
        i = bad[0]
        p = self.params[i]
        name = f"{p.label!r}" if p.label else f"params[{i}]"
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
        raise NonFiniteStepError(
            f"{type(self).__name__} step {self.steps + 1} would make parameter {name} {float(values[i])!r}{more} "
            f"(its grad is {float(grad[i]):g}, lr {self.lr:g}); nothing was changed: try a smaller learning rate")

    def _propose(self, t: int, data: np.ndarray, grad: np.ndarray) -> tuple[np.ndarray, Any]:
        """New values of every parameter after step ``t``, and the state to keep; changes nothing."""
        raise NotImplementedError

    def _commit(self, state: Any) -> None:
        """Keep the state ``_propose`` returned (after every new value proved finite)."""

    _state: tuple[str, ...] = ()

    def reorder(self, order: list[int]) -> None:
        """Put the parameters (and their per-parameter state) in the given order: ``params[order[0]]`` first.

        The update is elementwise, so order changes nothing but where each number sits; compiled
        training lines the optimizer up with its program's parameter vector this way.

        >>> a, b = Value(1.0), Value(2.0); opt = SGD([a, b], lr=0.1); opt.reorder([1, 0]); opt.params == [b, a]
        True
        """
        if sorted(order) != list(range(len(self.params))):
            raise ValueError(f"order must be a permutation of 0..{len(self.params) - 1}")
        self.params = [self.params[i] for i in order]
        for name in self._state:
            state = getattr(self, name)
            if state is not None:
                setattr(self, name, state[np.asarray(order, dtype=np.intp)])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr!r}, {len(self.params)} parameters, {self.steps} steps)"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum μ and L2 weight decay λ.

    >>> w = Value(1.0); w.grad = 0.5
    >>> opt = SGD([w], lr=0.1); opt.step(); w.data
    0.95
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.momentum = fraction(momentum, "momentum")
        self.weight_decay = at_least(weight_decay, 0.0, "weight_decay")
        self._velocity: np.ndarray | None = None

    _state = ("_velocity",)

    def _propose(self, t: int, data: np.ndarray, grad: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        grads = grad + wd * data if wd else grad
        if mu == 0.0:
            return data - lr * grads, None
        old = self._velocity
        velocity = grads.copy() if old is None else mu * old + grads
        return data - lr * velocity, velocity

    def _commit(self, state: np.ndarray | None) -> None:
        if state is not None:
            self._velocity = state


class RMSProp(Optimizer):
    """Divides each step by a running root-mean-square of recent gradients (decay ``alpha``).

    >>> w = Value(1.0); w.grad = 2.0
    >>> opt = RMSProp([w], lr=0.01); opt.step(); round(w.data, 6)
    0.9
    """

    def __init__(self, params: Iterable[Value], lr: float, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        self.alpha = fraction(alpha, "alpha")
        self.eps = above(eps, 0.0, "eps")  # eps = 0 divides 0 by 0 where a gradient has always been 0
        self.weight_decay = at_least(weight_decay, 0.0, "weight_decay")
        self._square = np.zeros(len(self.params))

    _state = ("_square",)

    def _propose(self, t: int, data: np.ndarray, grad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lr, alpha, eps, wd = self.lr, self.alpha, self.eps, self.weight_decay
        g = grad + wd * data if wd else grad
        square = alpha * self._square + (1.0 - alpha) * g * g
        return data - lr * g / (np.sqrt(square) + eps), square

    def _commit(self, state: np.ndarray) -> None:
        self._square = state


class Adam(Optimizer):
    """Adaptive moments: momentum on the gradient and on its square, both bias-corrected.

    ``weight_decay`` adds λ·p to the gradient (L2, as in the original Adam); see ``AdamW``.

    >>> w = Value(1.0); w.grad = 5.0
    >>> opt = Adam([w], lr=0.1); opt.step(); round(w.data, 6)   # the first step moves by ≈ lr
    0.9
    """

    _decoupled = False

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}") from None
        self.betas = (fraction(beta1, "beta1"), fraction(beta2, "beta2"))
        self.eps = above(eps, 0.0, "eps")  # eps = 0 divides 0 by 0 where a gradient has always been 0
        self.weight_decay = at_least(weight_decay, 0.0, "weight_decay")
        self._m = np.zeros(len(self.params))
        self._s = np.zeros(len(self.params))

    _state = ("_m", "_s")

    def _propose(self, t: int, data: np.ndarray, grad: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        lr, eps, wd = self.lr, self.eps, self.weight_decay
        beta1, beta2 = self.betas
        step_size = lr / (1.0 - beta1 ** t)
        root_correction = math.sqrt(1.0 - beta2 ** t)
        coupled = wd and not self._decoupled
        shrink = 1.0 - lr * wd if wd and self._decoupled else 1.0
        g = grad + wd * data if coupled else grad
        m = beta1 * self._m + (1.0 - beta1) * g
        s = beta2 * self._s + (1.0 - beta2) * g * g
        return data * shrink - step_size * m / (np.sqrt(s) / root_correction + eps), (m, s)

    def _commit(self, state: tuple[np.ndarray, np.ndarray]) -> None:
        self._m, self._s = state


class AdamW(Adam):
    """Adam with decoupled weight decay: each step first shrinks p by lr·λ, apart from the gradient.

    >>> w = Value(1.0); w.grad = 0.0
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5); opt.step(); w.data
    0.95
    """

    _decoupled = True

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.01) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


_data = attrgetter("data")
_grad = attrgetter("grad")
