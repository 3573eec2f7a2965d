"""Random graphs over every op, built with Values and with float64 torch tensors, agree in values and gradients.

torch is only an oracle here: the library never imports it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

import autograd
from autograd import Value, grad
from engine_cases import ALL, Case, sample

torch = pytest.importorskip("torch")
F = torch.nn.functional

# Twins for the cases whose engine call is not also a tensor call (tensors have .exp(), .sin(), …
# and the arithmetic operators, so every other case runs on tensors unchanged).
TORCH_TWINS = {
    "softplus": F.softplus,
    "silu": F.silu,
    "gelu": F.gelu,  # the exact erf form, as the engine's
    "leaky_relu": lambda x: F.leaky_relu(x, 0.1),
    "elu": F.elu,
    "elu(alpha=0.5)": lambda x: F.elu(x, 0.5),
    "sum(a, b, c)": lambda a, b, c: a + b + c,
    "sum(a, 2, b)": lambda a, b: a + 2.0 + b,
    "dot([a, b], [c, d])": lambda a, b, c, d: a * c + b * d,
    "dot([a, b], [1.5, -2])": lambda a, b: a * 1.5 + b * -2.0,
    "dot([3, 0.5], [a, b])": lambda a, b: 3.0 * a + 0.5 * b,
}

LIMIT = 1e3  # keep intermediate values moderate so no op saturates into a flat, uninformative region


@dataclass
class Program:
    """A random graph: leaf values, then (case, operand indices) steps, each adding one result."""

    leaves: list[float]
    steps: list[tuple[Case, tuple[int, ...]]]


def _inside(x: float, domain) -> bool:
    return any(lo <= x <= hi for lo, hi in domain)


def random_program(seed: int, n_leaves: int = 4, n_steps: int = 30) -> Program:
    """Grow a graph op by op, keeping only steps whose operands lie in the op's smooth domain."""
    rng = random.Random(seed)
    leaves = [sample(((-2.0, 2.0),), rng) for _ in range(n_leaves)]
    pool = [Value(x) for x in leaves]
    steps: list[tuple[Case, tuple[int, ...]]] = []
    while len(steps) < n_steps:
        case = rng.choice(ALL)
        # Prefer recent results so the graph grows deep, not just wide.
        picks = tuple(max(0, len(pool) - 1 - int(rng.expovariate(0.3))) for _ in range(case.arity))
        operands = [pool[i] for i in picks]
        if not all(_inside(v.data, d) for v, d in zip(operands, case.domains)):
            continue
        result = case.apply(*operands)
        if abs(result.data) < LIMIT:
            pool.append(result)
            steps.append((case, picks))
    return Program(leaves, steps)


def run(program: Program, leaves: list, apply):
    """Replay a program on any leaves; ``apply(case, operands)`` performs one step."""
    pool = list(leaves)
    for case, picks in program.steps:
        pool.append(apply(case, [pool[i] for i in picks]))
    return pool, sum(pool[-6:])  # an output that depends on several branches


def build_engine(program: Program):
    leaves = [Value(x) for x in program.leaves]
    pool, _ = run(program, leaves, lambda case, xs: case.apply(*xs))
    return leaves, pool, autograd.sum(pool[-6:])


def build_torch(program: Program):
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.leaves]
    pool, out = run(program, leaves, lambda case, xs: TORCH_TWINS.get(case.name, case.apply)(*xs))
    return leaves, pool, out


def torch_grads(out, leaves, create_graph: bool = False) -> list:
    found = torch.autograd.grad(out, leaves, create_graph=create_graph, allow_unused=True)
    return [torch.zeros((), dtype=torch.float64) if g is None else g for g in found]


def assert_close(ours: float, theirs: float, rel: float) -> None:
    """Relative to |theirs| above 1, absolute below (where tiny values carry rounding from larger terms)."""
    assert abs(ours - theirs) <= rel * max(1.0, abs(theirs)), (ours, theirs)


SEEDS = range(40)


def test_every_case_runs_on_tensors() -> None:
    x = torch.tensor(0.5, dtype=torch.float64)
    for case in ALL:
        point = [x + 0.25 * i for i in range(case.arity)]
        assert isinstance(TORCH_TWINS.get(case.name, case.apply)(*point), torch.Tensor), case.name


def test_the_random_graphs_use_every_case() -> None:
    used = {case.name for seed in SEEDS for case, _ in random_program(seed).steps}
    assert used == {case.name for case in ALL}


@pytest.mark.parametrize("seed", SEEDS)
def test_values_and_gradients_match_torch_on_a_random_graph(seed: int) -> None:
    program = random_program(seed)
    leaves, pool, out = build_engine(program)
    t_leaves, t_pool, t_out = build_torch(program)
    for ours, theirs in zip(pool, t_pool):
        assert_close(ours.data, theirs.item(), rel=1e-13)
    out.backward()
    for leaf, g in zip(leaves, torch_grads(t_out, t_leaves)):
        assert_close(leaf.grad, g.item(), rel=1e-13)


@pytest.mark.parametrize("seed", SEEDS)
def test_second_derivatives_match_torch_create_graph(seed: int) -> None:
    program = random_program(seed, n_steps=15)
    leaves, _, out = build_engine(program)
    t_leaves, _, t_out = build_torch(program)
    weights = [random.Random(seed).uniform(-1, 1) for _ in leaves]
    firsts = grad(out, leaves, create_graph=True, allow_unused=True)
    t_firsts = torch_grads(t_out, t_leaves, create_graph=True)
    for ours, theirs in zip(firsts, t_firsts):
        assert_close(ours.data if isinstance(ours, Value) else ours, theirs.item(), rel=1e-13)
    # One Hessian-vector product per graph: d/dleaves of Σ wᵢ·∂out/∂leafᵢ.
    mixed = autograd.sum([w * g for w, g in zip(weights, firsts)])
    t_mixed = sum(w * g for w, g in zip(weights, t_firsts))
    seconds = grad(mixed, leaves, allow_unused=True)
    t_seconds = torch_grads(t_mixed, t_leaves) if t_mixed.requires_grad else [torch.tensor(0.0)] * len(leaves)
    for ours, theirs in zip(seconds, t_seconds):
        assert_close(ours, theirs.item(), rel=1e-13)


@pytest.mark.parametrize("x0", [-3.0, -20.0, -40.0, -700.0])
def test_elu_gradient_far_below_zero_matches_torch_to_the_last_digits(x0: float) -> None:
    x, t = Value(x0), torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    (expected,) = torch.autograd.grad(F.elu(t, 0.5), t)
    assert grad(x.elu(0.5), x) == pytest.approx(expected.item(), rel=1e-15)
