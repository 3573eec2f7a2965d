"""Moving a model to PyTorch and back: ``to_torch(model)`` and ``from_torch(module)``, for when you outgrow this engine.

An ``MLP`` (or a ``Layer``) becomes a float64 ``torch.nn.Sequential`` of ``Linear`` layers and the
matching activation modules, with the same weights, so it computes the same numbers (to ~1e-15);
``from_torch`` reads such a Sequential back into an ``MLP``. PyTorch is optional: install it with
``pip install valuegrad[torch]``; only these two functions need it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .layers import MLP, Layer

# Activation name → how torch spells it (a zero-argument factory); the inverse is read off the same table.
_TORCH_ACTIVATIONS = {
    "relu": lambda torch: torch.nn.ReLU(),
    "sigmoid": lambda torch: torch.nn.Sigmoid(),
    "tanh": lambda torch: torch.nn.Tanh(),
    "leaky_relu": lambda torch: torch.nn.LeakyReLU(0.01),
    "elu": lambda torch: torch.nn.ELU(1.0),
    "gelu": lambda torch: torch.nn.GELU(),
    "silu": lambda torch: torch.nn.SiLU(),
    "softplus": lambda torch: _stable_softplus(torch),
    "softmax": lambda torch: torch.nn.Softmax(dim=-1),
}


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError("nn.to_torch and nn.from_torch need PyTorch: pip install valuegrad[torch]") from None
    return torch


def _stable_softplus(torch: Any) -> Any:
    """torch's Softplus switches to x above 20 (a 2e-9 jump); ours is max(x, 0) + log1p(e^−|x|) everywhere."""
    return torch.nn.Softplus(beta=1.0, threshold=1e300)


def to_torch(model: MLP | Layer) -> Any:
    """A float64 ``torch.nn.Sequential`` computing what ``model`` computes, with a copy of its weights.

    >>> import nn, pytest; torch = pytest.importorskip("torch")
    >>> net = nn.MLP(2, [3, 1], "tanh", seed=0)
    >>> twin = nn.to_torch(net)
    >>> out = twin(torch.tensor([[0.5, -1.0]], dtype=torch.float64)).item()
    >>> abs(out - net([0.5, -1.0]).data) < 1e-12
    True
    """
    torch = _torch()
    layers = model.layers if isinstance(model, MLP) else [model] if isinstance(model, Layer) else None
    if layers is None:
        raise TypeError(f"to_torch converts an nn.MLP or nn.Layer, got {type(model).__name__}")
    modules = []
    for layer in layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        if layer.activation != "identity":
            if layer.activation not in _TORCH_ACTIVATIONS:
                raise ValueError(f"to_torch: layer {layer.name}'s activation {layer.activation!r} has no PyTorch "
                                 f"module here; supported: {sorted(_TORCH_ACTIVATIONS)} and identity")
            modules.append(_TORCH_ACTIVATIONS[layer.activation](torch))
    return torch.nn.Sequential(*modules)


def from_torch(module: Any) -> MLP:
    """An ``MLP`` with the weights of a ``torch.nn.Sequential`` of ``Linear`` layers and activations.

    The hidden layers must share one activation (as an MLP's do); the last may have its own.

    >>> import nn, pytest; torch = pytest.importorskip("torch")
    >>> torch.manual_seed(0) and None
    >>> seq = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    >>> net = nn.from_torch(seq)
    >>> net.sizes, net.activation
    ([2, 4, 1], 'relu')
    """
    torch = _torch()
    children = list(module) if isinstance(module, torch.nn.Sequential) else [module]
    layers: list[tuple[Any, str]] = []
    for i, child in enumerate(children):
        if isinstance(child, torch.nn.Linear):
            layers.append((child, "identity"))
        elif layers and layers[-1][1] == "identity" and _activation_name(torch, child) is not None:
            layers[-1] = (layers[-1][0], _activation_name(torch, child))
        else:
            raise ValueError(f"from_torch reads Linear layers each followed by at most one activation "
                             f"({sorted(_TORCH_ACTIVATIONS)}); module {i} is {child!r}")
    if not layers:
        raise ValueError("from_torch: the module has no Linear layer")
    hidden = {act for _, act in layers[:-1]}
    if len(hidden) > 1:
        raise ValueError(f"from_torch: an MLP's hidden layers share one activation, these have {sorted(hidden)}")
    weights = [lin.weight.detach().to(torch.float64).numpy().tolist() for lin, _ in layers]
    biases = [(lin.bias.detach().to(torch.float64).numpy() if lin.bias is not None
               else np.zeros(lin.out_features)).tolist() for lin, _ in layers]
    return MLP(layers[0][0].in_features, [lin.out_features for lin, _ in layers],
               hidden.pop() if hidden else "relu", layers[-1][1], weights=weights, biases=biases)


def _activation_name(torch: Any, child: Any) -> str | None:
    """Which of our activations ``child`` is (None if none): compared by type and settings, never by name."""
    if isinstance(child, torch.nn.Softplus) and child.beta == 1.0:
        return "softplus"  # torch's default (threshold 20) differs from ours by < 3e-9 above 20
    for name, make in _TORCH_ACTIVATIONS.items():
        reference = make(torch)
        if type(child) is type(reference) and _settings(child) == _settings(reference):
            return name
    return None


def _settings(module: Any) -> dict:
    return {k: v for k, v in vars(module).items() if not k.startswith("_") and k != "training"}
