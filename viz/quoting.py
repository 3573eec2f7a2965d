"""Quoting what a user sent inside an error message, cut short: a 1 MB setting name must not come back 1 MB long.

>>> quoted("leaky")
"'leaky'"
>>> len(quoted("x" * 10_000))
81
"""

from __future__ import annotations

from typing import Any

LIMIT = 80  # characters of the user's text an error message repeats


def quoted(value: Any, limit: int = LIMIT) -> str:
    """``repr(value)``, its first ``limit`` characters and "…" when longer (a value too deep or too big
    to write out is described by its type).

    >>> quoted([1] * 100, limit=10)
    '[1, 1, 1, …'
    """
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # a list nested thousands deep, an int of 5000 digits
        return f"a {type(value).__name__} too big to show"
    return cut(text, limit)


def cut(text: str, limit: int = LIMIT) -> str:
    """``text`` itself when short, else its first ``limit`` characters and "…".

    >>> cut("abcdef", 3)
    'abc…'
    """
    return text if len(text) <= limit else text[:limit] + "…"
