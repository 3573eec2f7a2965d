"""Pausing Python's cycle collector around work that makes and frees a whole graph.

A graph of Values has no reference cycles, so reference counting frees it; the cycle collector
only re-walks its nodes while they are alive. Pausing it for one training step (build, backward,
update, drop) skips that work entirely, and the user's setting is restored afterwards.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """Context manager: the cycle collector is off inside, and back as it was on exit (even on errors).

    >>> import gc
    >>> with gc_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
