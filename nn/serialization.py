"""Saving a model to a human-readable JSON file and loading it back, exactly (floats keep every digit).

The file holds the architecture (``Module.config()``) and every named parameter::

    {
      "format": "valuegrad.nn",
      "version": 1,
      "architecture": {"type": "MLP", "nin": 2, "sizes": [1], "activation": "relu", ...},
      "num_parameters": 3,
      "parameters": {"layers.0.neurons.0.w.0": 0.25, ...}
    }
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .init import constant
from .layers import MLP, Layer, Neuron
from .module import Module

FORMAT = "valuegrad.nn"
VERSION = 1
_BUILDERS = {"Neuron": Neuron, "Layer": Layer, "MLP": MLP}


def save(module: Module, path: str | os.PathLike) -> None:
    """Write ``module``'s architecture and parameters to ``path`` as indented JSON.

    >>> import tempfile, os, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> net = nn.MLP(2, [1], seed=0); save(net, path)
    >>> nn.load_model(path).state_dict() == net.state_dict()
    True
    """
    document = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": module.config(),
        "num_parameters": module.num_parameters(),
        "parameters": module.state_dict(),
    }
    Path(path).write_text(_format(document), encoding="utf-8")


def load_into(module: Module, path: str | os.PathLike) -> None:
    """Load the parameters in ``path`` into ``module``; ValueError naming the first mismatch, module unchanged.

    >>> import tempfile, os, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> nn.MLP(2, [1], seed=0).save(path)
    >>> nn.MLP(2, [3, 1]).load(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ...net.json holds a different architecture: sizes is [1] in the file but [3, 1] in this model
    """
    document = read(path)
    saved, own = document["architecture"], module.config()
    for key in [*own, *(k for k in saved if k not in own)]:
        if saved.get(key) != own.get(key):
            raise ValueError(f"{path} holds a different architecture: {key} is {saved.get(key)!r} in the file "
                             f"but {own.get(key)!r} in this model")
    _load_parameters(module, document, path)


def load_model(path: str | os.PathLike) -> Module:
    """Rebuild the ``Neuron``, ``Layer`` or ``MLP`` saved in ``path``, parameters included.

    Models with a custom activation function cannot be rebuilt from its name: construct them
    yourself and call ``model.load(path)``.

    >>> import tempfile, os, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "net.json")
    >>> nn.MLP(2, [3, 1], activation="tanh", seed=0).save(path)
    >>> load_model(path)
    MLP(2 → [3, 1], tanh → identity, 13 parameters)
      Layer(L1: 2 → 3, tanh, 9 parameters)
      Layer(L2: 3 → 1, identity, 4 parameters)
    """
    document = read(path)
    architecture = dict(document["architecture"])
    kind = architecture.pop("type", None)
    if kind not in _BUILDERS:
        raise ValueError(f"{path}: cannot rebuild a model of type {kind!r}; known types: {', '.join(_BUILDERS)}")
    try:
        model = _BUILDERS[kind](**architecture, init=constant(0.0))  # every weight is overwritten below
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: cannot rebuild the {kind} it describes: {exc}") from None
    _load_parameters(model, document, path)
    return model


def read(path: str | os.PathLike) -> dict[str, Any]:
    """Read and check a saved-model file: its format tag, version, architecture and parameters sections."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{path} is not a saved valuegrad model (no \"format\": \"{FORMAT}\" entry)")
    if document.get("version") != VERSION:
        raise ValueError(f"{path} has format version {document.get('version')!r}; this library reads version {VERSION}")
    for section in ("architecture", "parameters"):
        if not isinstance(document.get(section), dict):
            raise ValueError(f"{path} has no {section!r} object")
    return document


def _format(document: dict[str, Any]) -> str:
    """JSON with each top-level entry on one line, except the parameters: one line each."""
    entries = []
    for key, value in document.items():
        if key == "parameters":
            lines = ",\n".join(f"    {json.dumps(name)}: {json.dumps(x)}" for name, x in value.items())
            text = "{\n" + lines + "\n  }"
        else:
            text = json.dumps(value, ensure_ascii=False)
        entries.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(entries) + "\n}\n"


def _load_parameters(module: Module, document: dict[str, Any], path: str | os.PathLike) -> None:
    try:
        module.load_state_dict(document["parameters"])
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
