"""Optimizers: after ``backward`` fills each parameter's ``.grad``, ``step()`` moves ``.data`` downhill.

Updates are plain float arithmetic on ``p.data`` (no graph is recorded) and follow the usual
definitions exactly (they match ``torch.optim`` with float64 tensors):

- SGD:     g = ∇ + λ·p;  v = μ·v + g (v = g at the first step);  p −= lr·v
- RMSProp: g = ∇ + λ·p;  s = α·s + (1 − α)·g²;  p −= lr·g / (√s + ε)
- Adam:    g = ∇ + λ·p;  m = β₁·m + (1 − β₁)·g;  s = β₂·s + (1 − β₂)·g²;
           p −= (lr / (1 − β₁ᵗ))·m / (√s / √(1 − β₂ᵗ) + ε)   (bias-corrected)
- AdamW:   p −= lr·λ·p first (decay decoupled from the gradient), then the Adam step with λ = 0.
"""

from __future__ import annotations

import math
from typing import Iterable

from autograd import Value

from ._checks import at_least, fraction


class Optimizer:
    """Base class: holds the parameters and a validated learning rate ``lr`` (settable, e.g. by a schedule)."""

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
        """Set every parameter's ``.grad`` to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its ``.grad`` once."""
        self.steps += 1
        self._update()

    def _update(self) -> None:
        raise NotImplementedError

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
        self._velocity: list[float] | None = None

    def _update(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if mu == 0.0:
            for p in self.params:
                p.data -= lr * (p.grad + wd * p.data if wd else p.grad)
            return
        velocity = self._velocity
        if velocity is None:
            velocity = self._velocity = [p.grad + wd * p.data if wd else p.grad for p in self.params]
        else:
            for i, p in enumerate(self.params):
                velocity[i] = mu * velocity[i] + (p.grad + wd * p.data if wd else p.grad)
        for p, v in zip(self.params, velocity):
            p.data -= lr * v


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
        self.eps = at_least(eps, 0.0, "eps")
        self.weight_decay = at_least(weight_decay, 0.0, "weight_decay")
        self._square = [0.0] * len(self.params)

    def _update(self) -> None:
        lr, alpha, eps, wd, square = self.lr, self.alpha, self.eps, self.weight_decay, self._square
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            s = square[i] = alpha * square[i] + (1.0 - alpha) * g * g
            p.data -= lr * g / (math.sqrt(s) + eps)


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
        self.eps = at_least(eps, 0.0, "eps")
        self.weight_decay = at_least(weight_decay, 0.0, "weight_decay")
        self._m = [0.0] * len(self.params)
        self._s = [0.0] * len(self.params)

    def _update(self) -> None:
        lr, eps, wd = self.lr, self.eps, self.weight_decay
        beta1, beta2 = self.betas
        step_size = lr / (1.0 - beta1 ** self.steps)
        root_correction = math.sqrt(1.0 - beta2 ** self.steps)
        m, s = self._m, self._s
        coupled = wd and not self._decoupled
        shrink = 1.0 - lr * wd
        for i, p in enumerate(self.params):
            g = p.grad
            if coupled:
                g += wd * p.data
            elif wd:
                p.data *= shrink
            mi = m[i] = beta1 * m[i] + (1.0 - beta1) * g
            si = s[i] = beta2 * s[i] + (1.0 - beta2) * g * g
            p.data -= step_size * mi / (math.sqrt(si) / root_correction + eps)


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
