"""The network diagram of an MLP(2, [16, 16, 1]) trained on the two moons with the hinge loss.

Run: python examples/graph_moons_network.py [--out DIR | --docs]
Trains for a few seconds (Adam, full batch), then draws the network: edge thickness is |weight|,
blue positive and orange negative, and each neuron shows its activation for one sample of each moon
(a trained hinge model meets every margin, so the gradients there are all zero and are left out).
"""

import time

from graph_output import picture_folder, save_picture

import nn
import viz
from nn.data import make_moons
from nn.optim import Adam
from nn.training import fit

folder, docs = picture_folder(__doc__.splitlines()[0])
X, y = make_moons(100, noise=0.1, seed=0)
targets = 2.0 * y - 1.0  # hinge wants -1 / +1
net = nn.MLP(2, [16, 16, 1], "relu", seed=0)
start = time.perf_counter()
history = fit(net, X, targets, loss="hinge", optimizer=Adam(net.parameters(), lr=0.02), epochs=60,
              metrics=(), progress=False, seed=0)
scores = [net(x).data for x in X.tolist()]
accuracy = sum((s > 0) == (t > 0) for s, t in zip(scores, targets)) / len(X)
print(f"trained in {time.perf_counter() - start:.1f} s: hinge loss {history.loss[-1]:.3f}, "
      f"accuracy {accuracy:.0%}")

for k in (0, 1):
    i = int((y == k).nonzero()[0][0])
    graph = viz.draw_network(net, X[i], title=f"moon {k}: x = ({X[i, 0]:.2f}, {X[i, 1]:.2f}), score {scores[i]:+.2f}")
    save_picture(graph, folder, f"network_moons_{k}", docs)
