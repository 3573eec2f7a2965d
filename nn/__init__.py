"""Neural-network building blocks on the scalar engine: modules, activations, losses, optimizers, schedules.

>>> import nn
>>> net = nn.MLP(2, [4, 1], seed=0)
>>> len(net([0.5, -1.0])), net.num_parameters()
(1, 17)
"""

from . import activations, init, losses, optim, schedules
from .layers import MLP, Layer, Neuron
from .module import Module
from .serialization import load_model

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "load_model",
    "activations", "init", "losses", "optim", "schedules",
]
