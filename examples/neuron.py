"""The backpropagation tutorial's neuron, its 2-2-1 network and the Alice example, computed and differentiated by the engine.

Run: python examples/neuron.py

Every derivative below is a real gradient from ``autograd.grad``; the tutorial's column shows the
numbers as the tutorial prints them, rounded along the way.
"""

from __future__ import annotations

from autograd import Value, dot, grad


def neuron(w: list[Value], b: Value, x: list) -> Value:
    """y = f(w·x + b) with the sigmoid f: one node for the weighted sum, one for the activation."""
    return (dot(w, x) + b).sigmoid()


def single_neuron() -> Value:
    """w = [0, 1], b = 4, x = [2, 3]: f(7)."""
    return neuron([Value(0.0, label="w1"), Value(1.0, label="w2")], Value(4.0, label="b"), [2.0, 3.0])


def small_network() -> tuple[Value, Value, Value]:
    """Two hidden neurons and one output neuron, each with w = [0, 1] and b = 0, on x = [2, 3]."""
    def fresh(inputs: list) -> Value:
        return neuron([Value(0.0), Value(1.0)], Value(0.0), inputs)

    h1, h2 = fresh([2.0, 3.0]), fresh([2.0, 3.0])
    return h1, h2, fresh([h1, h2])


def alice() -> dict[str, float]:
    """Alice (weight −2, height −1 after shifting; female = 1), all weights 1, biases 0, loss (1 − ŷ)²."""
    x = [-2.0, -1.0]
    w = [Value(1.0, label=f"w{i}") for i in range(1, 7)]
    b = [Value(0.0, label=f"b{i}") for i in range(1, 4)]
    h1 = neuron(w[0:2], b[0], x)
    h2 = neuron(w[2:4], b[1], x)
    o1 = neuron(w[4:6], b[2], [h1, h2])
    loss = (1.0 - o1) ** 2
    return {
        "h1": h1.data,
        "o1": o1.data,
        "dL/dypred": grad(loss, o1),
        "dypred/dh1": grad(o1, h1),
        "dh1/dw1": grad(h1, w[0]),
        "dL/dw1": grad(loss, w[0]),
        "dh1/db1": grad(h1, b[0]),
    }


ALICE_ROWS = [  # (key, how the row reads, the tutorial's number, how the tutorial got it when not exact)
    ("h1", "h1 = f(−2 − 1 + 0)", "0.0474", ""),
    ("o1", "ŷ = o1 = f(h1 + h2)", "0.524", ""),
    ("dL/dypred", "∂L/∂ŷ = −2(1 − ŷ)", "-0.952", "−2·(1 − 0.524): ŷ already rounded"),
    ("dypred/dh1", "∂ŷ/∂h1 = w5·f′(…)", "0.249", ""),
    ("dh1/dw1", "∂h1/∂w1 = x1·f′(−3)", "-0.0904", ""),
    ("dL/dw1", "∂L/∂w1", "0.0214", "−0.952 × 0.249 × −0.0904: rounded factors"),
    ("dh1/db1", "∂h1/∂b1 = f′(−3)", "0.044791", "0.047 × (1 − 0.047): f(−3) = 0.04743 rounded to 0.047"),
]


def main() -> None:
    y = single_neuron()
    print("A neuron: w = [0, 1], b = 4, x = [2, 3]")
    print(f"  w·x + b = {y.parents[0].data!r},  y = f(7) = {y.data!r}   (tutorial: 0.999)\n")

    h1, h2, o1 = small_network()
    print("A 2-2-1 network, every neuron w = [0, 1], b = 0, on x = [2, 3]")
    print(f"  h1 = h2 = f(3) = {h1.data!r}   (tutorial: 0.9526)")
    print(f"  o1 = f(h2)     = {o1.data!r}   (tutorial: 0.7216)\n")

    numbers = alice()
    print("Alice: x = [−2, −1], y = 1; all weights 1, all biases 0; L = (1 − ŷ)²")
    print(f"  {'':22} {'engine':>22}  {'tutorial':>9}")
    for key, text, seed, why in ALICE_ROWS:
        note = f"   tutorial: {why}" if why else ""
        print(f"  {text:22} {numbers[key]!r:>22}  {seed:>9}{note}")
    print("\nThe engine keeps every digit; the tutorial rounds as it goes. Its ∂h1/∂b1 = 0.044791 uses")
    print(f"f(−3) rounded to 0.047; with f(−3) = {numbers['h1']:.6f} the exact value is {numbers['dh1/db1']:.6f}.")


if __name__ == "__main__":
    main()
