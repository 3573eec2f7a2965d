"""Switching graph recording off (``no_grad``) and back on (``enable_grad``)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from . import value as _value


def is_grad_enabled() -> bool:
    """True while new Values record their op and parents (the default)."""
    return _value._grad_enabled


@contextmanager
def _grad_mode(enabled: bool) -> Iterator[None]:
    previous = _value._grad_enabled
    _value._grad_enabled = enabled
    try:
        yield
    finally:
        _value._grad_enabled = previous


def no_grad():
    """Context manager (or decorator): ops inside record no parents, for fast inference.

    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.is_leaf
    True
    """
    return _grad_mode(False)


def enable_grad():
    """Context manager (or decorator): record graphs again, even inside ``no_grad``."""
    return _grad_mode(True)
