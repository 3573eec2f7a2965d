"""The loss of a small MLP over a batch: every Value framed by its neuron and layer, then folded.

Run: python examples/graph_mlp_loss.py [--out DIR | --docs]
An MLP(2, [3, 1]) with tanh on two XOR samples and the mean squared error. The full graph shows
each neuron's weights, sums and activations inside its frame; the folded versions draw one node
per neuron (collapse="neuron") or per layer (collapse="layer"), which is how bigger models stay readable.
"""

from graph_output import picture_folder, save_picture

import nn
from nn.losses import mse

folder, docs = picture_folder(__doc__.splitlines()[0])
net = nn.MLP(2, [3, 1], "tanh", seed=3)
X = [[0.0, 1.0], [1.0, 1.0]]
y = [1.0, 0.0]
loss = mse([net(x) for x in X], y)
loss.backward()
print(f"loss {loss.data:.4f} over {len(X)} samples, {net.num_parameters()} parameters")

save_picture(loss, folder, "graph_mlp_loss", docs, precision=3)
save_picture(loss, folder, "graph_mlp_loss_neurons", docs, collapse="neuron", precision=3)
save_picture(loss, folder, "graph_mlp_loss_layers", docs, collapse="layer", precision=3, rankdir="TB")
