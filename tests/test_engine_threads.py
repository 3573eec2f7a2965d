"""Thread safety: grad mode is per thread, and concurrent walks and backward passes of one graph are correct."""

from __future__ import annotations

import sys
import threading

import pytest

import autograd
from autograd import Value, is_grad_enabled, no_grad, topological_order


@pytest.fixture
def often_switching_threads():
    """Make the interpreter switch threads every few bytecodes, so interleavings actually happen."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def run_threads(*targets) -> None:
    errors: list[BaseException] = []

    def guarded(target):
        def run():
            try:
                target()
            except BaseException as exc:  # re-raised in the main thread below
                errors.append(exc)
        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread did not finish"
    if errors:
        raise errors[0]


def test_graphs_built_in_one_thread_record_while_another_thread_is_inside_no_grad(often_switching_threads) -> None:
    inside, finished = threading.Event(), threading.Event()
    lost: list[int] = []

    def idle_in_no_grad() -> None:
        with no_grad():
            inside.set()
            finished.wait(timeout=60)

    def build_graphs() -> None:
        inside.wait(timeout=60)
        for i in range(3000):
            x = Value(1.5)
            y = x * x + 3 * x
            y.backward()
            if y.parents == () or x.grad != 6.0:
                lost.append(i)
        finished.set()

    run_threads(idle_in_no_grad, build_graphs)
    assert lost == []


def test_overlapping_no_grad_blocks_in_two_threads_leave_grad_mode_on() -> None:
    e1, e2, e3 = threading.Event(), threading.Event(), threading.Event()

    def thread_a() -> None:
        with no_grad():
            e1.set()
            e2.wait(timeout=60)
        e3.set()

    def thread_b() -> None:
        e1.wait(timeout=60)
        with no_grad():
            e2.set()
            e3.wait(timeout=60)

    run_threads(thread_a, thread_b)
    x = Value(2.0)
    (x * x).backward()
    assert x.grad == 4.0 and is_grad_enabled()
    assert autograd.value._threads_without_grad == 0


def test_no_grad_in_one_thread_does_not_switch_off_another_threads_mode() -> None:
    inside, checked = threading.Event(), threading.Event()
    seen: list[bool] = []

    def in_no_grad() -> None:
        with no_grad():
            inside.set()
            checked.wait(timeout=60)
            seen.append(is_grad_enabled())

    def other() -> None:
        inside.wait(timeout=60)
        seen.append(is_grad_enabled())
        checked.set()

    run_threads(in_no_grad, other)
    assert seen == [True, False]


def test_one_no_grad_object_can_be_reused_nested_and_shared_by_threads() -> None:
    mode = no_grad()
    for _ in range(2):
        with mode:
            assert not (Value(1.0) * 2).parents
            with mode:
                assert not is_grad_enabled()
            assert not is_grad_enabled()
        assert is_grad_enabled() and (Value(1.0) * 2).parents

    results: list[bool] = []

    @mode
    def inference() -> bool:
        return (Value(1.0) * 2).is_leaf

    run_threads(*[lambda: results.append(inference()) for _ in range(4)])
    assert results == [True] * 4 and is_grad_enabled()


def chain_graph(width: int = 40):
    leaves = [Value(0.01 * (i + 1), label=f"x{i}") for i in range(width)]
    out = leaves[0]
    for leaf in leaves[1:]:
        out = (out * leaf + leaf).tanh() + out
    return leaves, out


def test_topological_order_in_one_thread_while_another_runs_backward_on_the_same_graph(often_switching_threads) -> None:
    leaves, out = chain_graph()
    expected = autograd.grad(out, leaves)
    size = len(topological_order(out))
    wrong: list[str] = []
    done = threading.Event()

    def walk_repeatedly() -> None:
        while not done.is_set():
            if len(topological_order(out)) != size:
                wrong.append("walk")

    def backward_repeatedly() -> None:
        try:
            for _ in range(3000):
                autograd.zero_grad(leaves)
                out.backward()
                if [leaf.grad for leaf in leaves] != expected:
                    wrong.append("backward")
        finally:
            done.set()

    run_threads(walk_repeatedly, backward_repeatedly)
    assert wrong == []


def test_two_threads_backward_through_one_graph_accumulate_every_pass_whole(often_switching_threads) -> None:
    leaves, out = chain_graph(20)
    expected = autograd.grad(out, leaves)

    def backward_many() -> None:
        for _ in range(300):
            out.backward()

    run_threads(backward_many, backward_many)
    assert [leaf.grad for leaf in leaves] == pytest.approx([600 * g for g in expected], rel=1e-12)
