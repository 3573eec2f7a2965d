"""Neural-network building blocks on the scalar engine: modules, activations, losses, optimizers,
schedules, data sets, the training loop and its metrics and plots.

>>> import nn
>>> net = nn.MLP(2, [4, 1], seed=0)
>>> type(net([0.5, -1.0])).__name__, net.num_parameters()   # one output: a Value, as in micrograd
('Value', 17)
"""

from . import activations, data, datasets, history, inference, init, losses, metrics, optim, plots, schedules, training
from .layers import MLP, Layer, Neuron
from .losses import (
    binary_cross_entropy, binary_cross_entropy_with_logits, categorical_cross_entropy, hinge, l2_penalty, mse,
    sparse_categorical_cross_entropy, sse,
)
from .metrics import accuracy, confusion_matrix, format_confusion_matrix
from .module import Module, load_model
from .optim import SGD, Adam, AdamW, RMSProp
from .schedules import CosineDecay, LinearDecay, StepDecay
from .history import EarlyStopping, History
from .inference import evaluate, model_outputs, predict
from .torch_bridge import from_torch, to_torch
from .training import fit

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "load_model",
    "mse", "sse", "binary_cross_entropy", "binary_cross_entropy_with_logits", "categorical_cross_entropy",
    "sparse_categorical_cross_entropy", "hinge", "l2_penalty",
    "SGD", "RMSProp", "Adam", "AdamW", "StepDecay", "LinearDecay", "CosineDecay",
    "to_torch", "from_torch",
    "fit", "evaluate", "predict", "model_outputs", "History", "EarlyStopping",
    "accuracy", "confusion_matrix", "format_confusion_matrix",
    "activations", "init", "losses", "optim", "schedules", "data", "datasets", "training", "history", "inference",
    "metrics", "plots",
]
