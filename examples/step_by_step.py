"""One training step of a 3-4-1 sigmoid network, node by node, checked against the engine's gradients.

The step-by-step tutorial ("Neural Networks - step by step") works one step by hand in R. This script redoes each
of its numbers twice: with the tutorial's own formula, and from the gradients ``autograd`` computes
for the same network, and prints them side by side in R's number format.

The tutorial's δ is *minus* the derivative of the loss with respect to a node's net input
(δ = 2(y − ŷ)·a(1 − a) = −∂SSE/∂z), so its update w + α·δ·a is gradient descent: w − α·∂SSE/∂w.

Run: python examples/step_by_step.py
"""

from __future__ import annotations

import argparse
import math

import autograd
from nn.layers import Neuron
from nn.optim import SGD

X = [1.0, 3.0, 5.0]  # the tutorial's input (x1, x2, x3)
LABEL = 1.0  # "assume the true label of the target is 1"
ALPHA = 0.01  # the tutorial's learning rate
OUTPUT_ACTIVATION = 0.6  # the tutorial assumes this output activation for its δ example
# Incoming weights of the hidden nodes: h1's are the tutorial's; it leaves h2..h4 to us ("you decide").
HIDDEN_WEIGHTS = ([0.5, 1.2, -0.3], [0.2, -0.5, 0.3], [-0.1, 0.4, -0.2], [0.3, 0.1, -0.6])
# Hidden → output weights: 0.8 from h1 (the tutorial's), then 0.5, 0.1, 0.6 as in its δ_h1 step.
OUTPUT_WEIGHTS = [0.8, 0.5, 0.1, 0.6]


def r(values: float | list[float]) -> str:
    """Format numbers as R prints them: 7 significant digits, one shared number of decimals.

    >>> r([0.5002473567, 1.2007420701, -0.2987632164])
    '0.5002474 1.2007421 -0.2987632'
    """
    values = [values] if isinstance(values, float) else list(values)
    decimals = max(len(f"{abs(v):.7g}".partition(".")[2]) for v in values)
    return " ".join(f"{v:.{decimals}f}" for v in values)


def build_network() -> tuple[list[Neuron], Neuron]:
    """The 3-4-1 network with the tutorial's weights, zero hidden biases, and the output bias that makes
    the output activation exactly the tutorial's assumed 0.6."""
    hidden = [Neuron(3, "sigmoid", weights=w, bias=0.0, name=f"h{j}") for j, w in enumerate(HIDDEN_WEIGHTS, 1)]
    with autograd.no_grad():
        h = [n(X).data for n in hidden]
    logit = math.log(OUTPUT_ACTIVATION / (1.0 - OUTPUT_ACTIVATION))  # σ(logit) = 0.6
    bias = logit - sum(w * a for w, a in zip(OUTPUT_WEIGHTS, h))
    return hidden, Neuron(4, "sigmoid", weights=OUTPUT_WEIGHTS, bias=bias, name="o")


def row(name: str, seed: str, engine: str) -> None:
    print(f"  {name:<26} {seed:<41} {engine}")


def main(argv: list[str] | None = None) -> dict[str, dict[str, str]]:
    """Print the walk-through; return the tutorial's and the engine's numbers as R-formatted strings."""
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    hidden, output = build_network()
    seed: dict[str, str] = {}
    engine: dict[str, str] = {}

    # ---- forward pass: the engine records every node ------------------------------------------
    a_hidden = [n(X) for n in hidden]
    y_hat = output(a_hidden)
    loss = (LABEL - y_hat) ** 2  # SSE for one example
    z_h1, z_o = a_hidden[0].parents[0], y_hat.parents[0]  # each sigmoid's input: the net input z
    w1 = HIDDEN_WEIGHTS[0]

    # ---- the tutorial's R code, line by line, in exact floats ---------------------------------------
    net_input = sum(x * w for x, w in zip(X, w1))
    h1_activation = 1.0 / (1.0 + math.exp(-net_input))
    delta_o = 2 * (LABEL - OUTPUT_ACTIVATION) * OUTPUT_ACTIVATION * (1 - OUTPUT_ACTIVATION)
    weight_change = ALPHA * delta_o * h1_activation
    weight_h1_o = OUTPUT_WEIGHTS[0] + weight_change
    delta_o_times_weights = [delta_o * w for w in (weight_h1_o, *OUTPUT_WEIGHTS[1:])]
    delta_h1 = sum(delta_o_times_weights) * h1_activation * (1 - h1_activation)
    input_change = [ALPHA * delta_h1 * x for x in X]
    seed.update(
        weighted_input=r([x * w for x, w in zip(X, w1)]), net_input=r(net_input), h1_activation=r(h1_activation),
        delta_o=r(delta_o), weight_change=r(weight_change), new_weight_h1_o=r(weight_h1_o),
        delta_times_weights=r(delta_o_times_weights), sum_delta_w=r(sum(delta_o_times_weights)),
        delta_h1=r(delta_h1), input_weight_change=r(input_change),
        new_input_weights=r([w + c for w, c in zip(w1, input_change)]),
    )

    print(f"  {'':<26} {'the tutorial (its R formula)':<41} the engine (autograd)")
    print("1. Forward pass at h1: input (1, 3, 5), weights (0.5, 1.2, −0.3), bias 0")
    engine["net_input"], engine["h1_activation"] = r(z_h1.data), r(a_hidden[0].data)
    engine["relu"] = r(autograd.relu(z_h1).data)
    row("weighted input x·w", seed["weighted_input"], "(summed inside one dot node)")
    row("net input z_h1 = Σ x·w", seed["net_input"], engine["net_input"])
    row("sigmoid(z_h1) = a_h1", seed["h1_activation"], engine["h1_activation"])
    row("relu(z_h1)", r(max(0.0, net_input)), engine["relu"])
    print(f"  output activation ŷ = {y_hat.data:.7g}: the output bias {output.b.data:.7g} makes it the 0.6 the tutorial assumes")

    # ---- backward pass: one call fills every .grad --------------------------------------------
    loss.backward()
    dz_o, dz_h1 = autograd.grad(loss, [z_o, z_h1])
    a_h1 = a_hidden[0].data

    print("\n2. Output delta δ_o = 2(y − ŷ)·ŷ(1 − ŷ), which is −∂SSE/∂z_o")
    engine["delta_o"] = r(-dz_o)
    row("δ_o", seed["delta_o"], f"{engine['delta_o']}  = −∂L/∂z_o")

    print("\n3. Weight h1→o: change α·δ_o·a_h1, which is −α·∂L/∂w (a gradient-descent step)")
    engine["grad_w_h1_o"] = r(output.w[0].grad)
    engine["weight_change"] = r(-ALPHA * output.w[0].grad)
    row("δ_o·a_h1", r(delta_o * h1_activation), f"{r(-output.w[0].grad)}  = −∂L/∂w_h1o")
    row("weight change", seed["weight_change"], engine["weight_change"])
    row("new weight h1→o", seed["new_weight_h1_o"], r(output.w[0].data - ALPHA * output.w[0].grad))

    print("\n4. Hidden delta δ_h1: here the tutorial and the chain rule part ways")
    engine["delta_h1"] = r(-dz_h1)
    engine["chain_rule_delta_h1"] = r(-dz_o * OUTPUT_WEIGHTS[0] * a_h1 * (1 - a_h1))
    row("δ_o·w for h1..h4", seed["delta_times_weights"], "")
    row("Σ δ_o·w", seed["sum_delta_w"], f"{r(-dz_o * OUTPUT_WEIGHTS[0])}  = δ_o·w_h1o = −∂L/∂a_h1")
    row("δ_h1 = Σ·a_h1(1 − a_h1)", seed["delta_h1"], f"{engine['delta_h1']}  = −∂L/∂z_h1")
    print("  The tutorial sums δ_o·w over the weights of all four hidden nodes, with h1→o already updated.")
    print("  But a_h1 reaches the output only through its own weight, and a gradient is taken at the")
    print("  weights of the forward pass (compute every gradient, then update), so ∂L/∂a_h1 = −δ_o·0.8")
    print(f"  and δ_h1 = δ_o·0.8·a_h1(1 − a_h1) = {engine['chain_rule_delta_h1']}: the engine's value.")

    print("\n5. Input → h1 weights: change α·δ_h1·x; the engine takes one SGD step on every weight")
    parameters = [p for n in (*hidden, output) for p in n.parameters()]
    SGD(parameters, lr=ALPHA).step()
    engine["new_weight_h1_o"] = r(output.w[0].data)
    engine["input_weight_change"] = r([-ALPHA * w.grad for w in hidden[0].w])
    engine["new_input_weights"] = r([w.data for w in hidden[0].w])
    row("weight change", seed["input_weight_change"], engine["input_weight_change"])
    row("new weights into h1", seed["new_input_weights"], engine["new_input_weights"])
    row("new weight h1→o", seed["new_weight_h1_o"], engine["new_weight_h1_o"])
    print("\n6. The network in which the tutorial's hidden numbers ARE gradients")
    reading = seed_reading(weight_h1_o)
    engine.update(reading)
    print("  Σ_k δ_k·w_k is the chain rule for a hidden node that feeds SEVERAL output nodes. Give h1")
    print(f"  four sigmoid outputs o1..o4 with weights {r([weight_h1_o, *OUTPUT_WEIGHTS[1:]])}, each at")
    print("  activation 0.6 with label 1 (so each δ_k = 0.192), and L = Σ_k (1 − o_k)²; then:")
    row("δ_h1", seed["delta_h1"], f"{reading['seed_reading_delta_h1']}  = −∂L/∂z_h1")
    row("new weights into h1", seed["new_input_weights"], f"{reading['seed_reading_new_input_weights']}  (one SGD step)")

    print("\nSteps 1–3 and the h1→o update agree to every printed digit: the tutorial's δ at the output is")
    print("exactly −∂SSE/∂z. Its hidden δ_h1 is not a gradient of the 3-4-1 network (step 4 gives that),")
    print("but it is exactly the gradient of a network where h1 feeds four outputs (step 6).")
    return {"seed": seed, "engine": engine}


def seed_reading(weight_h1_o: float) -> dict[str, str]:
    """Engine gradients for h1 feeding four sigmoid outputs, each with δ = 0.192, as the tutorial's sum assumes."""
    h1 = Neuron(3, "sigmoid", weights=HIDDEN_WEIGHTS[0], bias=0.0, name="h1")
    a_h1 = h1(X)
    logit = math.log(OUTPUT_ACTIVATION / (1.0 - OUTPUT_ACTIVATION))
    outputs = [
        Neuron(1, "sigmoid", weights=[w], bias=logit - w * a_h1.data, name=f"o{k}")([a_h1])
        for k, w in enumerate((weight_h1_o, *OUTPUT_WEIGHTS[1:]), 1)
    ]
    loss = autograd.sum([(LABEL - o) ** 2 for o in outputs])
    (dz_h1,) = autograd.grad(loss, [a_h1.parents[0]])
    loss.backward()
    SGD(h1.parameters(), lr=ALPHA).step()
    return {
        "seed_reading_delta_h1": r(-dz_h1),
        "seed_reading_new_input_weights": r([w.data for w in h1.w]),
    }


if __name__ == "__main__":
    main()
