"""Switching graph recording off (``no_grad``) and back on (``enable_grad``), per thread as in PyTorch.

Each thread has its own grad mode: a thread inside ``no_grad`` never stops another thread's graphs
from recording. ``value._threads_without_grad`` counts the threads whose mode is off right now, so
building a node reads one global and looks at the thread's own flag only while some thread is off.
"""

from __future__ import annotations

import threading
from contextlib import ContextDecorator
from typing import Any

from . import value as _value

_count_lock = threading.Lock()


def is_grad_enabled() -> bool:
    """True while new Values made by this thread record their op and parents (the default).

    >>> with no_grad():
    ...     is_grad_enabled()
    False
    >>> is_grad_enabled()
    True
    """
    return _value._thread_mode.enabled


def _set_mode(enabled: bool) -> bool:
    """Set this thread's grad mode; return the previous one."""
    mode = _value._thread_mode
    previous = mode.enabled
    if previous != enabled:
        with _count_lock:
            mode.enabled = enabled
            _value._threads_without_grad += -1 if enabled else 1
    return previous


class _GradMode(ContextDecorator):
    """A reusable context manager and decorator setting this thread's grad mode inside its block."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        # The modes to restore, per thread: one object can be entered again, nested, or from other threads.
        self._saved = threading.local()

    def __enter__(self) -> None:
        stack = self._saved.__dict__.setdefault("stack", [])
        stack.append(_set_mode(self._enabled))

    def __exit__(self, *exc: Any) -> None:
        _set_mode(self._saved.stack.pop())

    def __repr__(self) -> str:
        return "no_grad()" if not self._enabled else "enable_grad()"


def no_grad() -> _GradMode:
    """Context manager (or decorator): ops this thread runs inside record no parents, for fast inference.

    Other threads keep recording. The same object can be used in several ``with`` blocks.

    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.is_leaf
    True
    """
    return _GradMode(False)


def enable_grad() -> _GradMode:
    """Context manager (or decorator): this thread records graphs again, even inside ``no_grad``."""
    return _GradMode(True)
