"""The neuron-and-network tutorial's neuron and 2-2-1 network, drawn as graphs of numbers and as network diagrams.

Run: python examples/graph_tutorial_network.py [--out DIR | --docs]
1. The neuron w = [0, 1], b = 4 on x = [2, 3]: sigmoid(7) = 0.999.
2. The 2-2-1 network, every neuron w = [0, 1], b = 0, on x = [2, 3]: output 0.7216.
3. Training it on Alice (weights 1, biases 0, x = [-2, -1], target 1): the loss (1 − y)² and the
   path through the graph that gives ∂L/∂w1 = 0.0214, highlighted.
"""

from graph_output import picture_folder, save_picture

import nn
import viz
from autograd import Value

folder, docs = picture_folder(__doc__.splitlines()[0])

# 1. One neuron.
neuron = nn.Neuron(2, "sigmoid", weights=[0.0, 1.0], bias=4.0, name="N1")
x = [Value(2.0, label="x1"), Value(3.0, label="x2")]
y = neuron(x)
y.backward()
print(f"neuron output {y.data:.3f}")
save_picture(y, folder, "graph_neuron", docs, title="a neuron: sigmoid(w · x + b)")

# 2. The 2-2-1 network, feedforward.
net = nn.MLP(2, [2, 1], "sigmoid", "sigmoid", weights=[[[0, 1], [0, 1]], [[0, 1]]], biases=[[0, 0], [0]])
o1 = net([2.0, 3.0])  # one output neuron: a Value
print(f"network output {o1.data:.4f}")
save_picture(viz.draw_network(net, [2.0, 3.0], title="the tutorial's 2-2-1 network on x = [2, 3]"),
             folder, "network_tutorial", docs)

# 3. Alice: one step of the training example, with the path from w1 to the loss highlighted.
alice = nn.MLP(2, [2, 1], "sigmoid", "sigmoid", weights=[[[1, 1], [1, 1]], [[1, 1]]], biases=[[0, 0], [0]])
x = [Value(-2.0, label="weight"), Value(-1.0, label="height")]
y_pred = alice(x)
L = (1 - y_pred) ** 2
L.label = "L"
L.backward()
w1 = alice.layers[0].neurons[0].w[0]
print(f"y_pred {y_pred.data:.3f}   dL/dw1 {w1.grad:.5f} (the tutorial, rounding as it goes: 0.0214)")
save_picture(L, folder, "graph_alice", docs, path=(w1, L), title="∂L/∂w1: the highlighted path")
save_picture(viz.draw_network(alice, [-2.0, -1.0], loss=lambda out: (1 - out) ** 2, title="Alice"),
             folder, "network_alice", docs)
