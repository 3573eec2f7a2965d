"""autograd.compile: the program's contract (shapes, parameters, reductions, dtype) and its tracing limits."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import TraceError, Value


def test_a_single_output_gives_one_number_per_row_and_several_outputs_a_column_each() -> None:
    w = Value(2.0)
    one = autograd.compile(lambda x: w * x[0], 1)
    two = autograd.compile(lambda x: [w * x[0], x[0] + 1.0], 1)
    assert one([[1.0], [3.0]]).tolist() == [2.0, 6.0]
    assert two([[1.0], [3.0]]).tolist() == [[2.0, 2.0], [6.0, 4.0]]


def test_parameters_are_read_on_every_call_so_updates_are_seen() -> None:
    w = Value(2.0)
    prog = autograd.compile(lambda x: w * x[0], 1)
    w.data = 5.0
    assert prog([[1.0]]).tolist() == [5.0]


def test_backward_accumulates_mean_or_sum_gradients_like_the_scalar_backward() -> None:
    w, b = Value(0.5, label="w"), Value(-0.25, label="b")
    f = lambda x: (w * x[0] + b).sigmoid() * x[1]
    X = np.array([[1.0, 2.0], [-3.0, 0.5], [0.25, -1.0]])
    prog = autograd.compile(f, 2)
    total = prog.backward(X, reduction="sum")
    got = (w.grad, b.grad)
    w.grad = b.grad = 0.0
    outs = [f([Value(v) for v in row]) for row in X.tolist()]
    autograd.sum(outs).backward()
    assert total == pytest.approx(sum(o.data for o in outs), rel=1e-14)
    assert got == pytest.approx((w.grad, b.grad), rel=1e-14)
    w.grad = b.grad = 0.0
    mean = prog.backward(X)  # "mean" by default
    assert mean == pytest.approx(total / 3, rel=1e-14) and w.grad == pytest.approx(got[0] / 3, rel=1e-14)


def test_plain_numbers_in_f_stay_constants_and_get_no_gradient() -> None:
    w = Value(1.0)
    prog = autograd.compile(lambda x: w * 3.0 + Value(4.0) * x[0], 1)
    assert prog.parameters == [w]
    prog.backward([[1.0]])
    assert w.grad == 3.0


def test_float32_programs_compute_in_float32() -> None:
    w = Value(0.1)
    prog = autograd.compile(lambda x: (w * x[0]).exp(), 1, dtype=np.float32)
    out = prog([[1.0], [2.0]])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.exp([0.1, 0.2]), rtol=1e-6)


def test_python_control_flow_on_data_is_reported_at_compile_time() -> None:
    with pytest.raises(TraceError, match="depends on the input values"):
        autograd.compile(lambda x: x[0].exp() if x[0].data > 0.5 else x[0].sin(), 1, example=[[0.2], [0.9]])


def test_a_constant_computed_from_data_is_reported() -> None:
    with pytest.raises(TraceError, match=r"changes with the input"):
        autograd.compile(lambda x: x[0] * Value(x[0].data ** 2, label="sq"), 1)


def test_a_constant_in_an_op_computed_from_data_is_reported() -> None:
    with pytest.raises(TraceError, match="computed from an input's .data"):
        autograd.compile(lambda x: x[0] * (x[0].data + 1.0), 1)


def test_a_number_read_from_an_input_is_replayed_per_sample() -> None:
    prog = autograd.compile(lambda x: x[0] - Value(x[1].data), 2)  # a target baked into a loss, say
    assert prog([[5.0, 1.0], [2.0, 7.0]]).tolist() == [4.0, -5.0]


def test_a_stabilising_max_shift_is_recomputed_per_sample() -> None:
    def f(x):
        shift = Value(max(v.data for v in x))
        exps = [(v - shift).exp() for v in x]
        return exps[0] / autograd.sum(exps)
    prog = autograd.compile(f, 2)
    z = np.array([[1000.0, 999.0], [-5.0, 2.0]])
    np.testing.assert_allclose(prog(z), [f([Value(a), Value(b)]).data for a, b in z.tolist()], rtol=1e-15)


def test_a_value_outside_an_ops_domain_is_named() -> None:
    prog = autograd.compile(lambda x: x[0].log(), 1)
    with pytest.raises(ValueError, match=r"log is undefined or overflows for sample 1: log\(x\) needs x > 0"):
        prog([[1.0], [-1.0]])


def test_bad_arguments_get_clear_errors() -> None:
    prog = autograd.compile(lambda x: x[0] * 2.0, 1)
    with pytest.raises(ValueError, match=r"shape \(batch, 1\)"):
        prog([[1.0, 2.0]])
    with pytest.raises(ValueError, match="NaN"):
        prog([[float("nan")]])
    with pytest.raises(ValueError, match="reduction"):
        prog.backward([[1.0]], reduction="max")
    with pytest.raises(TypeError, match="n_inputs"):
        autograd.compile(lambda x: x[0], 0)
    with pytest.raises(TraceError, match="must return"):
        autograd.compile(lambda x: 3.0, 1)
    with pytest.raises(ValueError, match="dtype"):
        autograd.compile(lambda x: x[0], 1, dtype=np.int64)


def test_shared_input_dot_groups_run_as_one_matrix_product() -> None:
    import nn
    net = nn.MLP(5, [7, 3], "relu", seed=0)
    prog = autograd.compile(net, 5)
    kinds = [s.kind for s in prog._plan.steps]
    assert kinds == ["matmul", "elementwise", "matmul"]  # dot + b (the bias folded in), relu, dot + b
    assert all(s.bias is not None for s in prog._plan.steps if s.kind == "matmul")
    X = np.random.default_rng(1).normal(size=(4, 5))
    np.testing.assert_allclose(prog(X), nn.model_outputs(net, X), rtol=1e-13)


def test_the_dot_fact_the_executor_reads_agrees_with_each_ops_own_rule() -> None:
    from autograd import float_math
    from autograd.compile_plan import is_bilinear
    xs = [0.5, -1.25, 2.0, 3.0, 0.75, -0.5]
    for op in autograd.OPS.values():
        if is_bilinear(op):
            y = op.forward(float_math, None, *xs)
            assert y == 0.5 * 3.0 + -1.25 * 0.75 + 2.0 * -0.5
            assert list(op.vjp(float_math, 2.0, y, None, *xs)) == [2.0 * x for x in xs[3:] + xs[:3]]


def test_the_sum_fact_the_executor_reads_agrees_with_each_ops_own_rule() -> None:
    from autograd import float_math
    from autograd.compile_plan import is_sum
    found = [op for op in autograd.OPS.values() if is_sum(op)]
    assert found
    for op in found:
        assert op.forward(float_math, None, 0.1, 0.7) == 0.1 + 0.7
        assert list(op.vjp(float_math, 2.5, 0.8, None, 0.1, 0.7)) == [2.5, 2.5]


def test_a_bias_is_folded_into_its_product_only_when_nothing_else_reads_the_product() -> None:
    import nn
    layer = nn.Layer(3, 4, "tanh", seed=1)
    X = np.random.default_rng(2).normal(size=(6, 3))

    def both(x):  # the products themselves are outputs too: they must keep their own rows
        outs = [autograd.dot(n.w, x) for n in layer.neurons]
        return [*(o + n.b for o, n in zip(outs, layer.neurons)), *outs]
    for f, folded in ((lambda x: [n.b + autograd.dot(n.w, x) for n in layer.neurons], True), (both, False)):
        prog = autograd.compile(f, 3)
        assert [s.bias is not None for s in prog._plan.steps if s.kind == "matmul"] == [folded]
        upstream = np.random.default_rng(3).normal(size=(6, prog.outputs))
        out, grads = prog.run_with_gradient(X, prog.parameter_array(), upstream)
        rows = [f([autograd.Value(v) for v in row]) for row in X.tolist()]
        np.testing.assert_allclose(out, [[v.data for v in r] for r in rows], rtol=1e-14)
        total = autograd.sum([u * v for r, us in zip(rows, upstream.tolist()) for u, v in zip(us, r)])
        np.testing.assert_allclose(grads, autograd.grad(total, prog.parameters), rtol=1e-12, atol=1e-14)


def test_an_ops_constant_read_from_an_input_or_a_max_shift_is_replayed_per_sample() -> None:
    def f(x):
        shift = max(v.data for v in x[:2])  # as softmax does: a constant op z - max
        exps = [(v - shift).exp() for v in x[:2]]
        return exps[0] / autograd.sum(exps) - x[2].data  # a target read as a number: a constant op too
    prog = autograd.compile(f, 3)
    X = np.array([[1000.0, 999.0, 0.25], [-5.0, 2.0, 0.5]])
    want = [f([Value(v) for v in row]).data for row in X.tolist()]
    np.testing.assert_allclose(prog(X), want, rtol=1e-15)
