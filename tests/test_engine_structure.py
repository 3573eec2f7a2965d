"""The engine's shape: its modules import each other without cycles (lazy imports included), and its
functions fit on a screen."""

from __future__ import annotations

from code_shape import import_cycle, import_graph, long_functions


def test_autograd_modules_import_each_other_without_cycles() -> None:
    assert import_cycle(import_graph("autograd")) is None


def test_autograd_function_bodies_fit_in_sixty_lines() -> None:
    assert long_functions("autograd") == []

