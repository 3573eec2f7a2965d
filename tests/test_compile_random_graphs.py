"""autograd.compile agrees with the scalar engine on 300 random graphs: values and parameter gradients."""

from __future__ import annotations

import random

import numpy as np
import pytest

import autograd
from autograd import Value

UNARY = [
    lambda x: x.exp().sin(), lambda x: (x * x + 1.0).log(), lambda x: (x * x + 0.5).sqrt(), lambda x: x.sin(),
    lambda x: x.cos(), lambda x: x.tanh(), lambda x: x.sigmoid(), lambda x: x.relu(), lambda x: x.leaky_relu(0.2),
    lambda x: x.elu(1.5), lambda x: x.gelu(), lambda x: x.softplus(), lambda x: x.silu(), lambda x: abs(x),
    lambda x: x.sign(), lambda x: x.erf(), lambda x: -x, lambda x: x * 1.5, lambda x: x + 2.0, lambda x: 3.0 - x,
    lambda x: x / 4.0, lambda x: 2.0 / (x * x + 1.0), lambda x: x ** 2, lambda x: (x * x + 1.0) ** 0.5,
    lambda x: 1.5 ** x.tanh(), lambda x: (x * 0.3).tan(), lambda x: x.tanh() * 20.0,  # tanh's tails
]
BINARY = [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / (b * b + 1.0),
    lambda a, b: (a * a + 1.0) ** b.sin(), lambda a, b: a * a,
]


def random_function(rng: random.Random, n_inputs: int, params: list[Value]):
    """A recipe (a list of choices) and the function that replays it on any inputs."""
    steps = []
    pool = n_inputs + len(params)
    for _ in range(rng.randint(3, 25)):
        kind = rng.random()
        if kind < 0.5:
            steps.append(("u", rng.randrange(len(UNARY)), rng.randrange(pool)))
        elif kind < 0.85:
            steps.append(("b", rng.randrange(len(BINARY)), rng.randrange(pool), rng.randrange(pool)))
        else:
            picks = [rng.randrange(pool) for _ in range(rng.randint(1, 5))]
            steps.append((rng.choice(["sum", "dot", "dotc"]), picks, [rng.uniform(-2, 2) for _ in picks]))
        pool += 1
    outputs = sorted(rng.sample(range(n_inputs, pool), k=min(rng.randint(1, 3), pool - n_inputs)))

    def f(xs):
        nodes = list(xs) + params
        for s in steps:
            if s[0] == "u":
                nodes.append(UNARY[s[1]](nodes[s[2]]))
            elif s[0] == "b":
                nodes.append(BINARY[s[1]](nodes[s[2]], nodes[s[3]]))
            elif s[0] == "sum":
                nodes.append(autograd.sum([nodes[k] for k in s[1]]))
            elif s[0] == "dot":
                picked = [nodes[k] for k in s[1]]
                nodes.append(autograd.dot(picked, list(reversed(picked))))
            else:
                nodes.append(autograd.dot([nodes[k] for k in s[1]], s[2]))
        outs = [nodes[k] for k in outputs]
        return outs[0] if len(outs) == 1 else outs
    return f


def eager(f, X: np.ndarray, params: list[Value]) -> tuple[np.ndarray, np.ndarray]:
    """Outputs per row and d(Σ of all outputs over all rows)/d(params), by the scalar engine."""
    for p in params:
        p.grad = 0.0
    rows = []
    for x in X.tolist():
        out = f([Value(v) for v in x])
        outs = [out] if isinstance(out, Value) else out
        rows.append([o.data for o in outs])
        for o in outs:
            o.backward()
    return np.array(rows), np.array([p.grad for p in params])


def close(got: np.ndarray, want: np.ndarray) -> bool:
    scale = max(1.0, float(np.abs(want).max(initial=0.0)))
    return bool(np.allclose(got, want, rtol=1e-12, atol=1e-12 * scale))


@pytest.mark.parametrize("seed", range(300))
def test_compiled_random_graph_matches_the_scalar_engine(seed: int) -> None:
    rng = random.Random(seed)
    n_inputs = rng.randint(1, 4)
    params = [Value(rng.uniform(-1.5, 1.5), label=f"p{k}") for k in range(rng.randint(1, 4))]
    f = random_function(rng, n_inputs, params)
    X = np.random.default_rng(seed).uniform(-2.0, 2.0, size=(rng.randint(1, 9), n_inputs))
    try:
        want_out, want_grad = eager(f, X, params)
    except (ValueError, OverflowError, ZeroDivisionError):
        pytest.skip("this random graph is undefined at these inputs in the scalar engine too")
    prog = autograd.compile(f, n_inputs, example=X)
    got_out = prog(X).reshape(want_out.shape)
    for p in params:
        p.grad = 0.0
    used = [params.index(p) for p in prog.parameters]
    _, grads = prog.run_with_gradient(X, prog.parameter_array(), np.ones((len(X), prog.outputs)))
    assert close(got_out, want_out), (got_out, want_out)
    assert close(grads, want_grad[used]), (grads, want_grad[used])
    unused = [k for k in range(len(params)) if k not in used]
    assert not want_grad[unused].any()
