"""Specification of nn.activations: names map to engine ops; softmax is stable, exact and grouped."""

import math

import pytest

import autograd
import nn
from autograd import Value, gradcheck, topological_order
from nn import activations

ELEMENTWISE = ["sign", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "softplus", "silu"]
POINTS = [-3.0, -0.5, 0.0, 0.7, 2.5]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_each_activation_is_the_engine_op_of_the_same_name(name):
    for x in POINTS:
        out = activations.get(name)(Value(x))
        # The perceptron's sign is the engine's sign op with −1 at zero (the neural-network basics tutorial).
        reference = Value(x).sign(at_zero=-1.0) if name == "sign" else getattr(Value(x), name)()
        assert out.op.name == name
        assert out.data == reference.data


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_each_activation_backpropagates_like_its_engine_op(name):
    for x in POINTS:
        a, b = Value(x), Value(x)
        activations.get(name)(a).backward()
        getattr(b, name)().backward()
        assert a.grad == b.grad


def test_identity_returns_its_input_unchanged():
    v = Value(1.5)
    assert activations.get("identity")(v) is v


def test_leaky_relu_and_elu_use_their_documented_defaults():
    assert activations.get("leaky_relu")(Value(-2.0)).data == -0.02
    assert activations.get("elu")(Value(-1.0)).data == math.expm1(-1.0)


def test_unknown_name_raises_value_error_listing_known_names():
    with pytest.raises(ValueError, match="unknown activation 'swish'; known activations: identity, sign, sigmoid"):
        activations.get("swish")


def test_non_callable_activation_raises_type_error():
    with pytest.raises(TypeError, match="activation must be a name or a callable"):
        activations.get(3)


def test_callable_activation_is_wrapped_and_named_after_the_function():
    def cube(v):
        return v ** 3

    act = activations.get(cube)
    assert act.name == "cube" and not act.over_layer
    n = nn.Neuron(1, cube, weights=[2.0], bias=0.0)
    out = n([1.0])
    assert n.activation == "cube" and out.data == 8.0 and out.label == "N1.out"


def test_callable_activation_returning_a_non_value_raises_type_error():
    n = nn.Neuron(1, lambda v: v.data, weights=[1.0], bias=0.0)
    with pytest.raises(TypeError, match="activation '<lambda>' must return a Value, got float"):
        n([1.0])


def test_softmax_matches_the_closed_form():
    xs = [1.0, 2.0, -0.5]
    probs = activations.softmax([Value(x) for x in xs])
    total = sum(math.exp(x) for x in xs)
    for p, x in zip(probs, xs):
        assert math.isclose(p.data, math.exp(x) / total, rel_tol=1e-15)


def test_softmax_gradient_matches_the_jacobian():
    xs = [Value(0.3), Value(-1.2), Value(2.0)]
    probs = activations.softmax(xs)
    probs[0].backward()
    p = [q.data for q in probs]
    expected = [p[0] * ((j == 0) - p[j]) for j in range(3)]
    for x, e in zip(xs, expected):
        assert math.isclose(x.grad, e, rel_tol=1e-12, abs_tol=1e-15)


def test_softmax_passes_gradcheck():
    def second_probability(a, b, c):
        return activations.softmax([a, b, c])[1]

    assert gradcheck(second_probability, [0.2, -0.4, 1.1]).passed


def test_softmax_is_finite_for_huge_inputs():
    probs = activations.softmax([Value(1000.0), Value(999.0), Value(-1000.0)])
    assert math.isclose(probs[0].data, 1 / (1 + math.exp(-1)), rel_tol=1e-15)
    assert probs[2].data == 0.0


def test_softmax_labels_and_groups_every_created_value():
    xs = [Value(1.0), Value(2.0)]
    probs = activations.softmax(xs, group="L3")
    assert [p.label for p in probs] == ["L3.p1", "L3.p2"]
    exps = [p.parents[0] for p in probs]
    assert [e.label for e in exps] == ["L3.e1", "L3.e2"]
    created = {v for p in probs for v in _ancestors(p)} - set(xs)
    assert {v.group for v in created} == {"L3"}


def test_softmax_under_no_grad_gives_the_same_probabilities_and_groups():
    xs = [0.3, -1.2, 2.0]
    recorded = activations.softmax([Value(x) for x in xs], group="L2")
    with autograd.no_grad():
        probs = activations.softmax([Value(x) for x in xs], group="L2")
    assert [p.data for p in probs] == [p.data for p in recorded]
    assert all(p.parents == () and p.group == "L2" for p in probs)


def test_softmax_subtracts_the_max_as_a_constant_op_not_a_leaf():
    x = [Value(1.0), Value(3.0)]
    probs = activations.softmax(x)
    shifted = [p.parents[0].parents[0] for p in probs]  # p = e / Σe, e = exp(z − max)
    assert [(d.op.name, d.op_arg) for d in shifted] == [("subc", 3.0), ("subc", 3.0)]
    leaves = {id(v) for v in topological_order(probs[0]) if v.is_leaf}
    assert leaves == {id(v) for v in x}


def test_softmax_of_nothing_raises_value_error():
    with pytest.raises(ValueError, match="at least one value"):
        activations.softmax([])


def test_neuron_refuses_softmax():
    with pytest.raises(ValueError, match="single Neuron cannot use it"):
        nn.Neuron(3, "softmax")


def test_softmax_matches_torch():
    torch = pytest.importorskip("torch")
    xs = [0.1, -2.0, 3.5, 0.0]
    values = [Value(x) for x in xs]
    probs = activations.softmax(values)
    (probs[2] * 2.0 + probs[0]).backward()
    t = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    tp = torch.softmax(t, dim=0)
    (tp[2] * 2.0 + tp[0]).backward()
    for p, q in zip(probs, tp.tolist()):
        assert math.isclose(p.data, q, rel_tol=1e-14)
    for v, g in zip(values, t.grad.tolist()):
        assert math.isclose(v.grad, g, rel_tol=1e-12, abs_tol=1e-16)


def _ancestors(v):
    stack, seen = [v], set()
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node.parents)
    return seen


def test_sign_activation_is_the_basics_tutorials_perceptron_step_minus_one_at_zero():
    from nn import activations
    sign = activations.get("sign")
    assert [sign(Value(v)).data for v in (-2.0, 0.0, 3.0)] == [-1.0, -1.0, 1.0]
    neuron = nn.Neuron(2, "sign", weights=[0.0, 0.0], bias=0.0)  # zero net input: the perceptron says -1
    assert neuron([1.0, 1.0]).data == -1.0
