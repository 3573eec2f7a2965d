"""Weight initialisation schemes: each draws a layer's weight matrix and bias vector from a numpy Generator.

A scheme is any callable ``scheme(rng, fan_in, fan_out) -> (weights, biases)`` returning an array of
shape ``(fan_out, fan_in)`` (row j holds neuron j's weights) and one of shape ``(fan_out,)``. Pass one,
or its name, as ``init=`` to ``Neuron``, ``Layer`` or ``MLP``. Every built-in random scheme starts the
biases at 0.

| name | weights |
|---|---|
| ``"uniform"`` | U(−1, 1), the tutorials' random start |
| ``"xavier"`` | Glorot uniform: U(−a, a), a = √(6 / (fan_in + fan_out)); suits tanh and sigmoid |
| ``"he"`` | He (Kaiming) normal: N(0, σ²), σ = √(2 / fan_in); suits relu |
| ``"he_uniform"`` | He uniform: U(−a, a), a = √(6 / fan_in) |
| ``constant(w, b)`` | every weight w, every bias b (``constant(1.0)`` is the gender example's start) |
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ._checks import finite_array, lookup, real

Initializer = Callable[[np.random.Generator, int, int], tuple[np.ndarray, np.ndarray]]


def uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights from U(−1, 1), biases 0.

    >>> import numpy as np
    >>> w, b = uniform(np.random.default_rng(0), 3, 2)
    >>> w.shape, b.tolist(), bool((abs(w) <= 1).all())
    ((2, 3), [0.0, 0.0], True)
    """
    return rng.uniform(-1.0, 1.0, size=(fan_out, fan_in)), np.zeros(fan_out)


def xavier(rng: np.random.Generator, fan_in: int, fan_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Glorot uniform weights, U(−a, a) with a = √(6 / (fan_in + fan_out)); biases 0.

    >>> import numpy as np
    >>> w, _ = xavier(np.random.default_rng(0), 4, 2)
    >>> bool((abs(w) <= 1.0).all())
    True
    """
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_out, fan_in)), np.zeros(fan_out)


def he(rng: np.random.Generator, fan_in: int, fan_out: int) -> tuple[np.ndarray, np.ndarray]:
    """He (Kaiming) normal weights, N(0, 2 / fan_in); biases 0.

    >>> import numpy as np
    >>> w, _ = he(np.random.default_rng(0), 20000, 1)
    >>> round(float(w.std()), 2)
    0.01
    """
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_out, fan_in)), np.zeros(fan_out)


def he_uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> tuple[np.ndarray, np.ndarray]:
    """He (Kaiming) uniform weights, U(−a, a) with a = √(6 / fan_in); biases 0.

    >>> import numpy as np
    >>> w, _ = he_uniform(np.random.default_rng(0), 6, 3)
    >>> bool((abs(w) <= 1.0).all())
    True
    """
    bound = math.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, size=(fan_out, fan_in)), np.zeros(fan_out)


def constant(weight: float = 1.0, bias: float = 0.0) -> Initializer:
    """A scheme giving every weight the value ``weight`` and every bias ``bias``.

    >>> import numpy as np
    >>> w, b = constant(1.0)(np.random.default_rng(), 2, 2)
    >>> w.tolist(), b.tolist()
    ([[1.0, 1.0], [1.0, 1.0]], [0.0, 0.0])
    """
    weight, bias = real(weight, "constant weight"), real(bias, "constant bias")

    def constant_scheme(rng: np.random.Generator, fan_in: int, fan_out: int) -> tuple[np.ndarray, np.ndarray]:
        return np.full((fan_out, fan_in), weight), np.full(fan_out, bias)

    constant_scheme.__name__ = f"constant({weight!r}, {bias!r})"
    return constant_scheme


SCHEMES: dict[str, Initializer] = {"uniform": uniform, "xavier": xavier, "he": he, "he_uniform": he_uniform}


def get(init: str | Initializer) -> Initializer:
    """Look up a scheme by name, or return a callable scheme unchanged.

    >>> get("xavier").__name__
    'xavier'
    """
    return lookup(SCHEMES, init, "init scheme", "init schemes", hint=", or nn.init.constant(w, b)")


def draw(init: str | Initializer, rng: np.random.Generator, fan_in: int, fan_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Run a scheme and check it returned finite arrays of shapes (fan_out, fan_in) and (fan_out,).

    >>> import numpy as np
    >>> w, b = draw("uniform", np.random.default_rng(1), 2, 3)
    >>> w.shape, b.shape
    ((3, 2), (3,))
    """
    scheme = get(init)
    weights, biases = scheme(rng, fan_in, fan_out)
    name = getattr(scheme, "__name__", repr(scheme))
    return (
        as_matrix(weights, (fan_out, fan_in), f"init scheme {name} weights"),
        as_matrix(biases, (fan_out,), f"init scheme {name} biases"),
    )


def as_matrix(values: object, shape: tuple[int, ...], what: str) -> np.ndarray:
    """``values`` as a float array of exactly ``shape`` with only finite entries, else a ValueError.

    >>> as_matrix([[1, 2]], (1, 2), "weights").tolist()
    [[1.0, 2.0]]
    """
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be numbers of shape {shape}: {exc}") from None
    if array.shape != shape:
        raise ValueError(f"{what} must have shape {shape}, got shape {array.shape}")
    return finite_array(array, what)

