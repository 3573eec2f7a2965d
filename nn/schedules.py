"""Learning-rate schedules: call ``step()`` once per epoch and the optimizer's ``lr`` follows a curve.

Each schedule computes the rate for epoch e directly from the optimizer's starting rate lr₀ (no
repeated multiplication, so no drift): ``lr_at(e)`` is exact and ``lr_at(0) == lr₀``.
"""

from __future__ import annotations

import math

from ._checks import at_least, positive_int
from .optim import Optimizer


class Schedule:
    """Base class: remembers the optimizer's starting ``lr`` and sets ``optimizer.lr = lr_at(epoch)`` on ``step()``."""

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__} needs an nn.optim optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0

    def lr_at(self, epoch: int) -> float:
        """The learning rate after ``epoch`` calls of ``step()``."""
        raise NotImplementedError

    def step(self) -> float:
        """Advance one epoch and set the optimizer's lr; returns the new lr."""
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)
        return self.optimizer.lr

    def __repr__(self) -> str:
        return f"{type(self).__name__}(epoch={self.epoch}, lr={self.optimizer.lr!r})"


class StepDecay(Schedule):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs: lr₀·γ^⌊e / step_size⌋.

    >>> from autograd import Value
    >>> from nn.optim import SGD
    >>> s = StepDecay(SGD([Value(0.0)], lr=1.0), step_size=2, gamma=0.5)
    >>> [s.step() for _ in range(5)]
    [1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float) -> None:
        super().__init__(optimizer)
        self.step_size = positive_int(step_size, "step_size")
        self.gamma = at_least(gamma, 0.0, "gamma")

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class _Anneal(Schedule):
    """A schedule that goes from lr₀ to ``final_lr`` over ``total_steps`` epochs, then stays there."""

    def __init__(self, optimizer: Optimizer, total_steps: int, final_lr: float = 0.0) -> None:
        super().__init__(optimizer)
        self.total_steps = positive_int(total_steps, "total_steps")
        self.final_lr = at_least(final_lr, 0.0, "final_lr")

    def _progress(self, epoch: int) -> float:
        """How far along the way epoch is, from 0 to 1."""
        return min(epoch, self.total_steps) / self.total_steps


class LinearDecay(_Anneal):
    """Go in a straight line from lr₀ to ``final_lr`` over ``total_steps`` epochs, then stay there.

    >>> from autograd import Value
    >>> from nn.optim import SGD
    >>> s = LinearDecay(SGD([Value(0.0)], lr=1.0), total_steps=4, final_lr=0.0)
    >>> [s.step() for _ in range(5)]
    [0.75, 0.5, 0.25, 0.0, 0.0]
    """

    def __init__(self, optimizer: Optimizer, total_steps: int, final_lr: float) -> None:
        super().__init__(optimizer, total_steps, final_lr)

    def lr_at(self, epoch: int) -> float:
        t = self._progress(epoch)
        return (1.0 - t) * self.base_lr + t * self.final_lr  # exact at both ends


class CosineDecay(_Anneal):
    """Follow half a cosine from lr₀ down to ``final_lr`` over ``total_steps`` epochs, then stay there.

    >>> from autograd import Value
    >>> from nn.optim import SGD
    >>> s = CosineDecay(SGD([Value(0.0)], lr=1.0), total_steps=2)
    >>> [round(s.step(), 12) for _ in range(3)]
    [0.5, 0.0, 0.0]
    """

    def lr_at(self, epoch: int) -> float:
        t = self._progress(epoch)
        return self.final_lr + (self.base_lr - self.final_lr) * 0.5 * (1.0 + math.cos(math.pi * t))
