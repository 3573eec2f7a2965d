"""Argument checks shared by the nn modules, raising errors that name the argument and the bad value."""

from __future__ import annotations

import math
import numbers
from typing import Any, Mapping

import numpy as np


def real(x: object, what: str) -> float:
    """``x`` as a finite float; TypeError for non-numbers (bools included), ValueError for inf/nan.

    >>> real(3, "lr")
    3.0
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {type(x).__name__}: {x!r}")
    try:
        x = float(x)
    except OverflowError:  # an int beyond float range, such as a 400-digit number read from a file
        raise ValueError(f"{what} must be finite, got an integer too large for a float") from None
    if not math.isfinite(x):
        raise ValueError(f"{what} must be finite, got {x!r}")
    return x


def finite_array(array: np.ndarray, what: str) -> np.ndarray:
    """``array`` itself if every entry is finite, else a ValueError naming ``what`` and the first bad entry.

    The one finite check for arrays, as ``real`` is for single numbers.

    >>> finite_array(np.array([1.0, np.nan]), "X")
    Traceback (most recent call last):
    ...
    ValueError: X contains NaN or infinite values (the first, nan, at index (1,))
    """
    finite = np.isfinite(array)
    if not finite.all():
        where = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(f"{what} contains NaN or infinite values (the first, {float(array[where])!r}, at index {where})")
    return array


def at_least(x: object, low: float, what: str) -> float:
    """``x`` as a finite float that is >= ``low``. ``at_least(0.1, 0.0, "lr") == 0.1``"""
    x = real(x, what)
    if x < low:
        raise ValueError(f"{what} must be >= {low:g}, got {x!r}")
    return x


def above(x: object, low: float, what: str) -> float:
    """``x`` as a finite float that is > ``low`` (strictly). ``above(1e-8, 0.0, "eps") == 1e-8``"""
    x = real(x, what)
    if not x > low:
        raise ValueError(f"{what} must be > {low:g}, got {x!r}")
    return x


def fraction(x: object, what: str) -> float:
    """``x`` as a float in [0, 1) (momentum, decay rates). ``fraction(0.9, "beta1") == 0.9``"""
    x = real(x, what)
    if not 0.0 <= x < 1.0:
        raise ValueError(f"{what} must be in [0, 1), got {x!r}")
    return x


def positive_int(x: object, what: str) -> int:
    """``x`` as an int >= 1 (sizes, step counts). ``positive_int(3, "nin") == 3``"""
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{what} must be a positive integer, got {type(x).__name__}: {x!r}")
    if x < 1:
        raise ValueError(f"{what} must be a positive integer, got {x!r}")
    return int(x)


def lookup(registry: Mapping[str, Any], key: object, kind: str, kinds: str, hint: str = "") -> Any:
    """The entry of ``registry`` named ``key``, or ``key`` itself if it is callable.

    >>> lookup({"mse": len}, "mse", "loss", "losses") is len
    True
    """
    if isinstance(key, str):
        try:
            return registry[key]
        except KeyError:
            raise ValueError(f"unknown {kind} {key!r}; known {kinds}: {', '.join(registry)}{hint}") from None
    if callable(key):
        return key
    raise TypeError(f"{kind} must be a name or a callable, got {type(key).__name__}: {key!r}")


def check_seed(seed: object) -> int | None:
    """Return ``seed`` if it is a whole number or None, else raise a TypeError. ``check_seed(3) == 3``"""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"seed must be a whole number or None, got {type(seed).__name__}: {seed!r}")
    return seed


def make_rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """A numpy Generator from a seed (int or None), or the Generator itself to keep drawing from it.

    >>> int(make_rng(0).integers(100)) == int(make_rng(0).integers(100))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_seed(seed))
