"""Data helpers for training: splitting, one-hot labels, standardising features, shuffled minibatches.

The data sets themselves live in ``nn.datasets`` and are re-exported here, so ``nn.data`` is the
one place a learner imports data from.
"""

from __future__ import annotations

import numbers
from typing import Any, Iterator

import numpy as np

from ._checks import finite_array, positive_int
from .datasets import (
    GENDER_NAMES, GENDER_SHIFT, gender_table, load_digits, make_blobs, make_rng, make_circles, make_moons,
    make_spirals, xor_points, xor_table,
)

__all__ = [
    "xor_table", "xor_points", "gender_table", "GENDER_NAMES", "GENDER_SHIFT", "make_moons", "make_circles",
    "make_spirals", "make_blobs", "load_digits", "train_test_split", "one_hot", "standardize", "minibatches",
    "as_features", "as_targets", "class_indices",
]


def as_features(X: Any, what: str = "X") -> np.ndarray:
    """``X`` as a finite float64 array of shape (n, features); a 1-D ``X`` is one feature per sample.

    >>> as_features([1, 2]).tolist()
    [[1.0], [2.0]]
    """
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be an array of numbers with one row per sample, got {type(X).__name__}") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{what} must be 2-D (samples × features), got shape {arr.shape}")
    if len(arr) == 0:
        raise ValueError(f"{what} is empty: it needs at least one sample")
    return finite_array(arr, what)


def as_targets(y: Any, n: int, what: str = "y") -> np.ndarray:
    """``y`` as a finite numeric array of length ``n`` (shape (n,) or (n, k)), matching ``n`` samples.

    >>> as_targets([0, 1], 2).tolist()
    [0, 1]
    """
    arr = np.asarray(y)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{what} must be numbers (labels or target values), got dtype {arr.dtype}")
    if arr.ndim not in (1, 2):
        raise ValueError(f"{what} must have shape (n,) or (n, k), got {arr.shape}")
    if len(arr) != n:
        raise ValueError(f"X and {what} must have the same number of samples, got {n} and {len(arr)}")
    return finite_array(arr, what) if np.issubdtype(arr.dtype, np.floating) else arr


def train_test_split(
    X: Any, y: Any, test_size: float | int = 0.25, seed: int | np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle the samples and split them into ``X_train, X_test, y_train, y_test``.

    ``test_size`` is a fraction in (0, 1) (rounded up to whole samples) or a whole number of test
    samples; both parts always keep at least one sample.

    >>> X_train, X_test, y_train, y_test = train_test_split(np.arange(10.0), np.arange(10), 0.2, seed=0)
    >>> X_train.shape, X_test.shape, sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(10))
    ((8, 1), (2, 1), True)
    """
    X = as_features(X)
    y = as_targets(y, len(X))
    n = len(X)
    if n < 2:
        raise ValueError(f"train_test_split needs at least 2 samples, got {n}")
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"test_size must be a fraction or a whole number of samples, got {test_size!r}")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
        if not 1 <= n_test <= n - 1:
            raise ValueError(f"test_size as a count must be between 1 and {n - 1} (n = {n}), got {n_test}")
    else:
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"test_size as a fraction must be strictly between 0 and 1, got {test_size!r}")
        n_test = min(max(int(np.ceil(test_size * n)), 1), n - 1)
    order = make_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def one_hot(y: Any, num_classes: int | None = None) -> np.ndarray:
    """Class indices → rows of zeros with a single 1.0 (float64, shape (n, num_classes)).

    >>> one_hot([0, 2, 1]).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    labels = class_indices(y)
    if num_classes is None:
        num_classes = int(labels.max()) + 1
    num_classes = positive_int(num_classes, "num_classes")
    if labels.max() >= num_classes:
        raise ValueError(f"one_hot: label {int(labels.max())} is out of range for num_classes={num_classes}")
    encoded = np.zeros((len(labels), num_classes))
    encoded[np.arange(len(labels)), labels] = 1.0
    return encoded


def class_indices(y: Any, what: str = "y") -> np.ndarray:
    """``y`` as a 1-D int64 array of class indices (whole numbers >= 0).

    >>> class_indices([1.0, 0.0]).tolist()
    [1, 0]
    """
    arr = np.asarray(y)
    if arr.ndim != 1 or len(arr) == 0:
        raise ValueError(f"{what} must be a non-empty 1-D array of class indices, got shape {arr.shape}")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{what} must hold whole numbers (class indices), got dtype {arr.dtype}")
    as_int = arr.astype(np.int64)
    if np.any(as_int != arr) or np.any(as_int < 0):
        raise ValueError(f"{what} must hold whole numbers >= 0 (class indices), got e.g. {arr[(as_int != arr) | (as_int < 0)][0]!r}")
    return as_int


def standardize(
    X: Any, mean: Any = None, std: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shift and scale each column to mean 0, standard deviation 1; return ``(Z, mean, std)``.

    Pass the training set's ``mean`` and ``std`` to transform a test set the same way. A constant
    column (std 0, like the always-blank corner pixels of the digits) is only shifted.

    >>> Z, mean, std = standardize([[1.0, 5.0], [3.0, 5.0]])
    >>> Z.tolist(), mean.tolist(), std.tolist()
    ([[-1.0, 0.0], [1.0, 0.0]], [2.0, 5.0], [1.0, 1.0])
    """
    X = as_features(X)
    if (mean is None) != (std is None):
        raise ValueError("standardize: pass both mean and std (from the training set), or neither")
    if mean is None:
        mean = X.mean(axis=0)
        std = X.std(axis=0)
        std = np.where(std > 0.0, std, 1.0)
    else:
        mean, std = _per_feature(mean, X.shape[1], "mean"), _per_feature(std, X.shape[1], "std")
        finite_array(mean, "standardize: mean")
        finite_array(std, "standardize: std")
        if not np.all(std > 0):
            raise ValueError(f"standardize: std must be > 0 for every feature, got {std.tolist()!r}")
    return (X - mean) / std, mean, std


def _per_feature(stat: Any, features: int, name: str) -> np.ndarray:
    """A statistic as one float per feature (a single number is used for every feature)."""
    try:
        return np.broadcast_to(np.asarray(stat, dtype=np.float64), (features,)).copy()
    except (TypeError, ValueError):
        raise ValueError(f"standardize: {name} must be a number or one number per feature ({features}), "
                         f"got {stat!r}") from None


def minibatches(
    X: Any,
    y: Any,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int | np.random.Generator | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs that together cover every sample once (one epoch).

    ``batch_size=None`` gives one full batch; the last batch is smaller when ``batch_size`` does
    not divide n. With ``shuffle`` the order is a fresh permutation from ``seed`` (an int, a
    numpy Generator to keep drawing new orders from, or None for an unseeded one).

    >>> [yb.tolist() for _, yb in minibatches(np.zeros((5, 1)), np.arange(5), 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    X = as_features(X)
    y = as_targets(y, len(X))
    n = len(X)
    size = n if batch_size is None else positive_int(batch_size, "batch_size")
    order = make_rng(seed).permutation(n) if shuffle else np.arange(n)
    # Checked above, sliced lazily below: bad arguments fail at the call, not at the first batch.
    return ((X[order[i:i + size]], y[order[i:i + size]]) for i in range(0, n, size))
