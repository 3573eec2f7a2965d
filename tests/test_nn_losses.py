"""Specification of nn.losses: values and gradients vs closed forms and torch, stability, graph size, errors."""

import math

import numpy as np
import pytest

from autograd import Value, topological_order
from nn import losses

RNG = np.random.default_rng(42)
LOGITS = RNG.normal(scale=2.0, size=(5, 3))
PROBS = 1.0 / (1.0 + np.exp(-LOGITS))
SOFTMAX = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
REGRESSION_TARGETS = RNG.normal(size=(5, 3))
BINARY_TARGETS = np.array([[1, 0, 1], [0, 0, 1], [1, 1, 0], [0, 1, 0], [1, 0, 0]], dtype=float)
CLASSES = np.array([2, 0, 1, 1, 0])
ONE_HOT = np.eye(3)[CLASSES]
SIGNS = 2 * BINARY_TARGETS - 1


def run(loss, outputs, targets, **kwargs):
    """Return (loss value, gradient array w.r.t. each output)."""
    values = [[Value(x) for x in row] for row in outputs]
    result = loss(values, targets, **kwargs)
    result.backward()
    return result.data, np.array([[v.grad for v in row] for row in values])


def assert_close(actual, expected, rel=1e-12, abs_=1e-15):
    np.testing.assert_allclose(actual, expected, rtol=rel, atol=abs_)


# ----- closed forms -------------------------------------------------------------------------------


def test_mse_is_the_mean_of_squared_errors_over_all_outputs():
    value, grad = run(losses.mse, LOGITS, REGRESSION_TARGETS)
    diff = LOGITS - REGRESSION_TARGETS
    assert_close(value, (diff ** 2).mean())
    assert_close(grad, 2 * diff / diff.size)


def test_sse_is_the_sum_of_squared_errors():
    value, grad = run(losses.sse, LOGITS, REGRESSION_TARGETS)
    diff = LOGITS - REGRESSION_TARGETS
    assert_close(value, (diff ** 2).sum())
    assert_close(grad, 2 * diff)


def test_mse_accepts_one_dimensional_targets_for_single_outputs():
    value, grad = run(losses.mse, [[0.5], [2.0], [-1.0]], [1.0, 2.0, 0.0])
    assert_close(value, (0.25 + 0.0 + 1.0) / 3)
    assert_close(grad[:, 0], [2 * -0.5 / 3, 0.0, 2 * -1.0 / 3])


def test_binary_cross_entropy_matches_its_closed_form():
    value, grad = run(losses.binary_cross_entropy, PROBS, BINARY_TARGETS)
    y, p = BINARY_TARGETS, PROBS
    assert_close(value, -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())
    assert_close(grad, (-y / p + (1 - y) / (1 - p)) / y.size, rel=1e-10)


def test_binary_cross_entropy_accepts_soft_targets():
    y = np.full((5, 3), 0.25)
    value, grad = run(losses.binary_cross_entropy, PROBS, y)
    p = PROBS
    assert_close(value, -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())
    assert_close(grad, (-y / p + (1 - y) / (1 - p)) / y.size, rel=1e-10)


def test_binary_cross_entropy_with_logits_matches_its_closed_form():
    value, grad = run(losses.binary_cross_entropy_with_logits, LOGITS, BINARY_TARGETS)
    y, p = BINARY_TARGETS, PROBS
    assert_close(value, -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean(), rel=1e-10)
    assert_close(grad, (p - y) / y.size)


def test_categorical_cross_entropy_from_probabilities():
    value, grad = run(losses.categorical_cross_entropy, SOFTMAX, ONE_HOT)
    assert_close(value, -np.log(SOFTMAX[np.arange(5), CLASSES]).mean())
    assert_close(grad, -ONE_HOT / SOFTMAX / 5)


def test_categorical_cross_entropy_from_logits_has_gradient_softmax_minus_target():
    value, grad = run(losses.categorical_cross_entropy, LOGITS, ONE_HOT, from_logits=True)
    assert_close(value, -np.log(SOFTMAX[np.arange(5), CLASSES]).mean())
    assert_close(grad, (SOFTMAX - ONE_HOT) / 5, abs_=1e-16)


def test_categorical_cross_entropy_from_logits_accepts_soft_targets():
    soft = np.full((5, 3), 1 / 3)
    value, grad = run(losses.categorical_cross_entropy, LOGITS, soft, from_logits=True)
    assert_close(value, -(soft * np.log(SOFTMAX)).sum(axis=1).mean())
    assert_close(grad, (SOFTMAX - soft) / 5, abs_=1e-16)


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_categorical_cross_entropy_equals_the_one_hot_version(from_logits):
    outputs = LOGITS if from_logits else SOFTMAX
    sparse = run(losses.sparse_categorical_cross_entropy, outputs, CLASSES, from_logits=from_logits)
    dense = run(losses.categorical_cross_entropy, outputs, ONE_HOT, from_logits=from_logits)
    assert sparse[0] == dense[0]
    assert (sparse[1] == dense[1]).all()


def test_hinge_is_the_mean_of_relu_of_one_minus_margin():
    value, grad = run(losses.hinge, LOGITS, SIGNS)
    margin = 1 - SIGNS * LOGITS
    assert_close(value, np.maximum(margin, 0).mean())
    assert_close(grad, -SIGNS * (margin > 0) / SIGNS.size)


def test_l2_penalty_is_alpha_times_the_sum_of_squares():
    ws = [Value(x) for x in (0.5, -2.0, 3.0)]
    penalty = losses.l2_penalty(ws, 0.1)
    penalty.backward()
    assert_close(penalty.data, 0.1 * (0.25 + 4.0 + 9.0))
    assert_close([w.grad for w in ws], [0.1, -0.4, 0.6])


def test_a_lone_value_or_number_per_sample_counts_as_one_output():
    assert losses.mse([Value(1.0), Value(3.0)], [0.0, 1.0]).data == (1.0 + 4.0) / 2
    assert losses.mse([1.0, 3.0], [0.0, 1.0]).data == (1.0 + 4.0) / 2


@pytest.mark.parametrize("output, error, message", [
    (float("nan"), ValueError, r"mse: an output of sample 1 \(a Value or a number\) must be finite, got nan"),
    (float("-inf"), ValueError, r"mse: an output of sample 1 \(a Value or a number\) must be finite, got -inf"),
    (10 ** 400, ValueError, "must be finite, got an integer too large for a float"),
    ("3", TypeError, r"mse: an output of sample 1 \(a Value or a number\) must be a real number, got str: '3'"),
    (True, TypeError, "must be a real number, got bool: True"),
])
def test_an_output_given_as_a_number_goes_through_the_one_finite_check(output, error, message):
    with pytest.raises(error, match=message):
        losses.mse([1.0, output], [0.0, 1.0])


# ----- stability and clipping ---------------------------------------------------------------------


def test_binary_cross_entropy_with_logits_is_finite_and_exact_for_huge_logits():
    value, grad = run(losses.binary_cross_entropy_with_logits, [[1000.0], [-1000.0], [40.0]], [0.0, 1.0, 1.0])
    assert_close(value, (1000.0 + 1000.0 + math.log1p(math.exp(-40.0))) / 3)
    assert_close(grad[:, 0], [1 / 3, -1 / 3, -math.exp(-40.0) / (1 + math.exp(-40.0)) / 3], abs_=0)


def test_categorical_cross_entropy_from_logits_is_finite_for_huge_logits():
    value, grad = run(losses.categorical_cross_entropy, [[1000.0, 0.0, -1000.0]], [[0, 1, 0]], from_logits=True)
    assert value == 1000.0
    assert_close(grad, [[1.0, -1.0, 0.0]])


def test_binary_cross_entropy_clips_certain_mistakes_to_minus_log_eps():
    value, grad = run(losses.binary_cross_entropy, [[0.0], [1.0]], [1.0, 0.0])
    assert_close(value, -math.log(losses.EPS))
    assert (grad == 0.0).all()  # a clipped probability is a constant, like a clamp


def test_categorical_cross_entropy_clips_zero_probabilities():
    value, _ = run(losses.categorical_cross_entropy, [[0.0, 1.0]], [[1, 0]])
    assert_close(value, -math.log(losses.EPS))


# ----- graph shape --------------------------------------------------------------------------------


def test_losses_label_their_result_and_group_every_value_they_create():
    outputs = [[Value(0.2)], [Value(0.7)]]
    result = losses.binary_cross_entropy(outputs, [0, 1])
    assert result.label == "binary_cross_entropy"
    created = set(topological_order(result)) - {v for row in outputs for v in row}
    assert {v.group for v in created} == {"loss"}


def test_mse_reduces_the_batch_in_one_node():
    outputs = [[Value(float(i))] for i in range(50)]
    result = losses.mse(outputs, np.zeros(50))
    ops = [v.op.name for v in topological_order(result) if v.op is not None]
    assert ops.count("subc") == 50 and ops.count("dot") == 1 and ops.count("divc") == 1 and len(ops) == 52


def _leaves(loss):
    return {id(v) for v in topological_order(loss) if v.is_leaf}


LOSS_CASES = {
    "mse": (losses.mse, "identity", 1, lambda i: float(i % 3)),
    "sse": (losses.sse, "identity", 1, lambda i: float(i % 3)),
    "hinge": (losses.hinge, "identity", 1, lambda i: 1.0 if i % 2 else -1.0),
    "binary_cross_entropy": (losses.binary_cross_entropy, "sigmoid", 1, lambda i: float(i % 2)),
    "binary_cross_entropy_with_logits": (losses.binary_cross_entropy_with_logits, "identity", 1, lambda i: 0.25),
    "categorical_cross_entropy": (losses.categorical_cross_entropy, "softmax", 3,
                                  lambda i: [1.0 if j == i % 3 else 0.0 for j in range(3)]),
    "sparse_categorical_cross_entropy": (
        lambda outs, y: losses.sparse_categorical_cross_entropy(outs, y, from_logits=True), "identity", 3,
        lambda i: i % 3),
}


@pytest.mark.parametrize("name", LOSS_CASES)
def test_a_loss_graphs_leaves_are_exactly_the_parameters_and_the_callers_inputs(name):
    import nn

    loss_fn, activation, k, target = LOSS_CASES[name]
    net = nn.MLP(2, [3, k], activation="tanh", output_activation=activation, seed=0)
    inputs = [[Value(0.01 * i), Value(-0.02 * i)] for i in range(100)]  # 100 samples the caller made
    loss = loss_fn([net(x) for x in inputs], [target(i) for i in range(100)])
    made = {id(v) for x in inputs for v in x} | {id(p) for p in net.parameters()}
    assert _leaves(loss) == made  # no leaf for a target, the count n, a 1, a clipping bound


def test_l2_penalty_and_clipped_probabilities_make_no_leaves():
    w = [Value(1.0), Value(-2.0)]
    assert _leaves(losses.l2_penalty(w, 0.1)) == {id(v) for v in w}
    p = [Value(0.0), Value(1.0), Value(0.5)]  # two are clipped to the bounds
    loss = losses.binary_cross_entropy([[q] for q in p], [1.0, 1.0, 1.0])
    assert _leaves(loss) == {id(p[2])}
    assert math.isclose(loss.data, -(math.log(losses.EPS) + math.log(1 - losses.EPS) + math.log(0.5)) / 3)
    everything_clipped = losses.binary_cross_entropy([[p[0]]], [1.0])
    everything_clipped.backward()
    assert everything_clipped.data == -math.log(losses.EPS) and p[0].grad == 0.0


def test_cross_entropy_from_logits_builds_one_reduction_node():
    outputs = [[Value(0.5), Value(-0.5)] for _ in range(10)]
    result = losses.sparse_categorical_cross_entropy(outputs, [0, 1] * 5, from_logits=True)
    ops = [v.op.name for v in topological_order(result) if v.op is not None]
    assert ops.count("dotc") == 1 and ops.count("sum") == 10 and ops.count("log") == 10


# ----- errors -------------------------------------------------------------------------------------


def test_mismatched_batch_sizes_raise_value_error():
    with pytest.raises(ValueError, match=r"mse: targets of shape \(3, 1\) do not match 2 samples of 1 outputs"):
        losses.mse([[Value(1.0)], [Value(2.0)]], [1.0, 2.0, 3.0])


def test_multi_output_loss_needs_two_dimensional_targets():
    with pytest.raises(ValueError, match=r"expected shape \(2, 2\)"):
        losses.mse([[Value(1.0), Value(1.0)]] * 2, [1.0, 2.0])


def test_wrong_number_of_classes_raises_value_error():
    with pytest.raises(ValueError, match=r"categorical_cross_entropy: targets of shape \(1, 3\) do not match 1 samples of 2"):
        losses.categorical_cross_entropy([[Value(0.5), Value(0.5)]], [[0, 0, 1]])


def test_categorical_cross_entropy_with_class_indices_points_to_the_sparse_version():
    with pytest.raises(ValueError, match="sparse_categorical_cross_entropy"):
        losses.categorical_cross_entropy([[Value(0.5), Value(0.5)]], [1])


@pytest.mark.parametrize("label", [3, -1])
def test_sparse_label_out_of_range_raises_value_error_naming_it(label):
    with pytest.raises(ValueError, match=rf"target of sample 1 is class {label}, outside 0..2 for 3 classes"):
        losses.sparse_categorical_cross_entropy([[Value(0.2)] * 3] * 2, [0, label], from_logits=True)


def test_sparse_labels_must_be_whole_numbers():
    with pytest.raises(ValueError, match="whole-number class indices"):
        losses.sparse_categorical_cross_entropy([[Value(0.2)] * 3], [0.5])


def test_probability_losses_reject_values_outside_zero_one():
    with pytest.raises(ValueError, match="expects probabilities in \\[0, 1\\].*binary_cross_entropy_with_logits"):
        losses.binary_cross_entropy([[Value(1.5)]], [1.0])


def test_binary_targets_must_lie_in_zero_one():
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        losses.binary_cross_entropy_with_logits([[Value(0.0)]], [2.0])


def test_hinge_rejects_zero_one_targets_with_a_hint():
    with pytest.raises(ValueError, match=r"hinge: targets must be -1 or 1 \(for 0/1 labels pass 2\*y - 1\)"):
        losses.hinge([[Value(0.3)], [Value(0.1)]], [0, 1])


def test_empty_batch_raises_value_error():
    with pytest.raises(ValueError, match="mse: the batch is empty"):
        losses.mse([], [])


def test_samples_with_different_numbers_of_outputs_raise_value_error():
    with pytest.raises(ValueError, match="sample 0 has 2, sample 1 has 1"):
        losses.mse([[Value(1.0), Value(2.0)], [Value(1.0)]], [[1, 2], [1, 2]])


def test_non_finite_targets_raise_value_error():
    with pytest.raises(ValueError, match=r"mse: targets contains NaN or infinite values \(the first, (nan|inf)"):
        losses.mse([[Value(1.0)]], [math.nan])


def test_l2_penalty_rejects_negative_alpha():
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        losses.l2_penalty([Value(1.0)], -0.1)


def test_get_finds_losses_by_name_and_lists_known_names_otherwise():
    assert losses.get("hinge") is losses.hinge
    with pytest.raises(ValueError, match="unknown loss 'cross_entropy'; known losses: mse, sse"):
        losses.get("cross_entropy")


# ----- torch as an oracle -------------------------------------------------------------------------


def test_losses_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional

    def reference(fn, outputs, *args):
        t = torch.tensor(outputs, dtype=torch.float64, requires_grad=True)
        value = fn(t, *args)
        value.backward()
        return value.item(), t.grad.numpy()

    def tensor(a):
        return torch.tensor(a, dtype=torch.float64)

    cases = [
        (losses.mse, LOGITS, REGRESSION_TARGETS, {}, lambda t: F.mse_loss(t, tensor(REGRESSION_TARGETS))),
        (losses.sse, LOGITS, REGRESSION_TARGETS, {},
         lambda t: F.mse_loss(t, tensor(REGRESSION_TARGETS), reduction="sum")),
        (losses.binary_cross_entropy, PROBS, BINARY_TARGETS, {},
         lambda t: F.binary_cross_entropy(t, tensor(BINARY_TARGETS))),
        (losses.binary_cross_entropy_with_logits, LOGITS, BINARY_TARGETS, {},
         lambda t: F.binary_cross_entropy_with_logits(t, tensor(BINARY_TARGETS))),
        (losses.categorical_cross_entropy, LOGITS, ONE_HOT, {"from_logits": True},
         lambda t: F.cross_entropy(t, tensor(ONE_HOT))),
        (losses.sparse_categorical_cross_entropy, LOGITS, CLASSES, {"from_logits": True},
         lambda t: F.cross_entropy(t, torch.tensor(CLASSES))),
        (losses.sparse_categorical_cross_entropy, SOFTMAX, CLASSES, {},
         lambda t: F.nll_loss(torch.log(t), torch.tensor(CLASSES))),
        (losses.hinge, LOGITS, SIGNS, {}, lambda t: torch.clamp(1 - tensor(SIGNS) * t, min=0).mean()),
    ]
    for loss, outputs, targets, kwargs, torch_loss in cases:
        value, grad = run(loss, outputs, targets, **kwargs)
        expected_value, expected_grad = reference(torch_loss, outputs)
        assert_close(value, expected_value, rel=1e-12)
        assert_close(grad, expected_grad, rel=1e-10, abs_=1e-15)
