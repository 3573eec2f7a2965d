"""Small offline data sets as numpy arrays: the tutorials' XOR and gender tables, moons, circles, spirals, blobs, digits.

Every generator is seeded, returns ``(X, y)`` with ``X`` float64 of shape (n, features) and ``y``
int64 class labels of shape (n,), and needs nothing but numpy (the digits need scikit-learn).
"""

from __future__ import annotations

import math
import random

import numpy as np

from ._checks import at_least, check_seed, finite_array, make_rng, positive_int, real

# The backpropagation tutorial shifts weight (lb) and height (in) by these amounts "to make the numbers look nice".
GENDER_SHIFT = (135.0, 66.0)
GENDER_NAMES = ("Alice", "Bob", "Charlie", "Diana")
_GENDER_RAW = ((133.0, 65.0), (160.0, 72.0), (152.0, 70.0), (120.0, 60.0))
_GENDER_LABELS = (1, 0, 0, 1)  # the tutorial codes Female as 1 and Male as 0


def _check_size(n: object, noise: object) -> tuple[int, float]:
    n = positive_int(n, "n")
    if n < 2:
        raise ValueError(f"n must be at least 2 (one sample per class), got {n}")
    return n, at_least(noise, 0.0, "noise")


def xor_table() -> tuple[np.ndarray, np.ndarray]:
    """The four rows of the XOR truth table: label 1 when exactly one input is 1.

    >>> X, y = xor_table()
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([0, 1, 1, 0], dtype=np.int64)


def xor_points(n: int = 1000, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """The XOR tutorial's XOR data: ``n`` points uniform in the unit square, label 1 in the off-diagonal quadrants.

    The points are drawn exactly as the tutorial draws them, two ``random.random()`` calls per point
    from ``random.Random(seed)``, so ``random.seed(seed)`` followed by the tutorial's own loop gives
    the same points. A coordinate of exactly 0.5 counts as the upper half, as in the tutorial.

    >>> X, y = xor_points(3, seed=0)
    >>> X.shape, y.tolist()
    ((3, 2), [0, 0, 1])
    """
    n = positive_int(n, "n")
    rng = random.Random(check_seed(seed))
    X = np.array([[rng.random(), rng.random()] for _ in range(n)])
    upper = X >= 0.5
    return X, (upper[:, 0] != upper[:, 1]).astype(np.int64)


def gender_table() -> tuple[np.ndarray, np.ndarray]:
    """The backpropagation tutorial's four people: (weight − 135 lb, height − 66 in) and gender (1 = female, 0 = male).

    Names are in ``GENDER_NAMES``; shift new people by ``GENDER_SHIFT`` the same way.

    >>> X, y = gender_table()
    >>> X.tolist(), y.tolist()
    ([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]], [1, 0, 0, 1])
    """
    X = np.array(_GENDER_RAW) - np.array(GENDER_SHIFT)
    return X, np.array(_GENDER_LABELS, dtype=np.int64)


def make_moons(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: class 0 arcs over (0, 0)–(−1, 0)–(1, 0), class 1 under it, shifted.

    Points are spread evenly along each arc, jittered by Gaussian noise of standard deviation
    ``noise``, and shuffled.

    >>> X, y = make_moons(10, noise=0.0)
    >>> X.shape, int(y.sum())
    ((10, 2), 5)
    """
    n, noise = _check_size(n, noise)
    rng = make_rng(seed)
    n_upper = n // 2
    t_upper = np.linspace(0.0, math.pi, n_upper)
    t_lower = np.linspace(0.0, math.pi, n - n_upper)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.vstack([upper, lower])
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n_upper, n - n_upper])
    return _jitter_and_shuffle(X, y, noise, rng)


def make_circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric rings: class 0 on the unit circle, class 1 on a circle of radius ``factor`` (< 1).

    >>> X, y = make_circles(8, noise=0.0)
    >>> np.round(np.hypot(X[:, 0], X[:, 1]), 6)[y == 1].tolist()
    [0.5, 0.5, 0.5, 0.5]
    """
    n, noise = _check_size(n, noise)
    factor = real(factor, "factor (the inner radius)")
    if not 0 < factor < 1:
        raise ValueError(f"factor (the inner radius) must be strictly between 0 and 1, got {factor!r}")
    rng = make_rng(seed)
    n_outer = n // 2
    # endpoint=False: 0 and 2π are the same point, so each ring gets n distinct angles.
    t_outer = np.linspace(0.0, 2.0 * math.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2.0 * math.pi, n - n_outer, endpoint=False)
    X = np.vstack([
        np.column_stack([np.cos(t_outer), np.sin(t_outer)]),
        factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)]),
    ])
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n_outer, n - n_outer])
    return _jitter_and_shuffle(X, y, noise, rng)


def make_spirals(
    n: int = 300, classes: int = 3, noise: float = 0.2, turns: float = 1.0, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` spiral arms winding out from the origin, one class per arm, inside the unit disc.

    Arm k starts at angle 2πk/classes and turns ``turns`` times as its radius grows from 0 to 1;
    ``noise`` is the standard deviation of the Gaussian jitter of the angle (in radians, scaled
    by the radius so the centre stays tidy).

    >>> X, y = make_spirals(9, classes=3, noise=0.0)
    >>> np.bincount(y).tolist(), bool(np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0))
    ([3, 3, 3], True)
    """
    n, noise = _check_size(n, noise)
    classes = positive_int(classes, "classes")
    if not 2 <= classes <= n:
        raise ValueError(f"classes must be between 2 and n ({n}), got {classes}")
    turns = real(turns, "turns")
    if not 0 < turns <= 10:
        raise ValueError(f"turns must be in (0, 10], got {turns!r}")
    rng = make_rng(seed)
    sizes = np.full(classes, n // classes)
    sizes[: n % classes] += 1
    y = np.repeat(np.arange(classes, dtype=np.int64), sizes)
    radius = np.concatenate([np.linspace(0.05, 1.0, m) for m in sizes])
    angle = 2.0 * math.pi * (y / classes + turns * radius)
    angle += noise * rng.standard_normal(n)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    order = rng.permutation(n)
    return X[order], y[order]


def make_blobs(
    n: int = 100, noise: float = 0.5, centers: tuple = ((-1.0, -1.0), (1.0, 1.0)), seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs: class k is a round cloud of standard deviation ``noise`` around ``centers[k]``.

    The n points are shared out as evenly as possible between the classes, then shuffled.

    >>> X, y = make_blobs(6, noise=0.0)
    >>> np.bincount(y).tolist(), sorted({tuple(p) for p in X.tolist()})
    ([3, 3], [(-1.0, -1.0), (1.0, 1.0)])
    """
    n, noise = _check_size(n, noise)
    try:
        middles = np.asarray(centers, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"centers must be a list of points such as ((-1, -1), (1, 1)), got {centers!r}") from None
    if middles.ndim != 2 or not 2 <= len(middles) <= n:
        raise ValueError(f"centers must be 2 to n ({n}) points of equal length, got {centers!r}")
    finite_array(middles, "centers")
    sizes = np.full(len(middles), n // len(middles))
    sizes[: n % len(middles)] += 1
    y = np.repeat(np.arange(len(middles), dtype=np.int64), sizes)
    return _jitter_and_shuffle(middles[y], y, noise, make_rng(seed))


def _jitter_and_shuffle(X: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator) -> tuple:
    X = X + noise * rng.standard_normal(X.shape)
    order = rng.permutation(len(y))
    return X[order], y[order]


def load_digits(scaled: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten 8×8 digits bundled with scikit-learn: ``X`` (1797, 64), ``y`` 0–9.

    Pixels run 0–16; ``scaled=True`` divides them by 16 so inputs lie in [0, 1]. Needs the
    ``[datasets]`` extra (scikit-learn), which reads the copy it ships: no download.

    >>> X, y = load_digits()
    >>> X.shape, float(X.max()), sorted(set(y.tolist())) == list(range(10))
    ((1797, 64), 1.0, True)
    """
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise ImportError(
            "load_digits needs scikit-learn, which ships the 8×8 digits: pip install 'valuegrad[datasets]'"
        ) from None
    X, y = sklearn_digits(return_X_y=True)
    X = X.astype(np.float64)
    return (X / 16.0 if scaled else X), y.astype(np.int64)
