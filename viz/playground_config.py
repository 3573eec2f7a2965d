"""The playground's run settings: one checked, JSON-friendly config with defaults and caps that keep a step fast.

A config is a plain dict in the JSON API and a frozen ``PlaygroundConfig`` inside; ``check_config``
turns the first into the second or raises ValueError naming the bad setting (nothing else changes).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping

from .quoting import quoted

DATASETS = ("xor", "circles", "moons", "spirals", "blobs")
DATASET_TITLES = {"xor": "XOR", "circles": "circles", "moons": "moons", "spirals": "spirals",
                  "blobs": "gaussian blobs"}
# Input features by name, in the order the network reads them. The page shows them as x₁, x₁² ...
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
# The engine's names; "linear" is the playground's word for nn's "identity".
ACTIVATIONS = {"tanh": "tanh", "relu": "relu", "sigmoid": "sigmoid", "leaky_relu": "leaky_relu", "linear": "identity"}
OPTIMIZERS = ("sgd", "adam")

# Caps: a step on the scalar engine stays well under the 30 ms it may take at 30 steps/s.
MAX_LAYERS = 6
MAX_NEURONS = 8
POINTS_RANGE = (20, 500)
MAX_BATCH = 30
MAX_LR = 10.0
MAX_NOISE = 1.0
MAX_L2 = 1.0
TEST_FRACTION_RANGE = (0.1, 0.9)
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class PlaygroundConfig:
    """One run's settings. ``hidden`` lists the hidden layers' widths; the output is one neuron (a logit).

    >>> PlaygroundConfig().hidden, PlaygroundConfig().dataset
    ((8, 8), 'moons')
    """

    dataset: str = "moons"
    points: int = 200
    noise: float = 0.1
    test_fraction: float = 0.5
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    optimizer: str = "adam"
    lr: float = 0.03
    l2: float = 0.0
    batch_size: int = 10
    seed: int = 0
    sizes: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sizes", (len(self.features), *self.hidden, 1))

    def as_dict(self) -> dict[str, Any]:
        """The config as JSON data (lists for tuples), as ``/api/state`` reports it."""
        data = asdict(self)
        data.pop("sizes")
        data["features"], data["hidden"] = list(self.features), list(self.hidden)
        return data


def check_config(given: Mapping[str, Any] | None) -> PlaygroundConfig:
    """Check a JSON config; missing keys take the defaults. ValueError names the first bad setting.

    >>> check_config({"dataset": "xor", "hidden": [4, 2]}).sizes
    (2, 4, 2, 1)
    >>> check_config({"lr": -1})
    Traceback (most recent call last):
    ...
    ValueError: lr must be a number in (0, 10], got -1
    """
    if given is None:
        given = {}
    if not isinstance(given, Mapping):
        raise ValueError(f"the config must be a JSON object of settings, got {type(given).__name__}")
    known = PlaygroundConfig.__dataclass_fields__.keys() - {"sizes"}
    unknown = sorted(str(k) for k in given if k not in known)
    if unknown:
        raise ValueError(f"unknown setting {quoted(unknown[0])}; the settings are {', '.join(sorted(known))}")
    d = PlaygroundConfig()
    values = {
        "dataset": _choice(given.get("dataset", d.dataset), DATASETS, "dataset"),
        "points": _whole(given.get("points", d.points), *POINTS_RANGE, "points"),
        "noise": _number(given.get("noise", d.noise), 0.0, MAX_NOISE, "noise", closed_low=True),
        "test_fraction": _number(given.get("test_fraction", d.test_fraction), *TEST_FRACTION_RANGE,
                                 "test_fraction", closed_low=True),
        "features": _features(given.get("features", d.features)),
        "hidden": _hidden(given.get("hidden", d.hidden)),
        "activation": _choice(given.get("activation", d.activation), tuple(ACTIVATIONS), "activation"),
        "optimizer": _choice(given.get("optimizer", d.optimizer), OPTIMIZERS, "optimizer"),
        "lr": _number(given.get("lr", d.lr), 0.0, MAX_LR, "lr"),
        "l2": _number(given.get("l2", d.l2), 0.0, MAX_L2, "l2", closed_low=True),
        "batch_size": _whole(given.get("batch_size", d.batch_size), 1, MAX_BATCH, "batch_size"),
        "seed": _whole(given.get("seed", d.seed), 0, MAX_SEED, "seed"),
    }
    return PlaygroundConfig(**values)


def _choice(x: Any, choices: tuple[str, ...], what: str) -> str:
    if not isinstance(x, str) or x not in choices:
        raise ValueError(f"unknown {what} {quoted(x)}; choose one of {', '.join(choices)}")
    return x


def _whole(x: Any, low: int, high: int, what: str) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral) or not low <= x <= high:
        raise ValueError(f"{what} must be a whole number from {low} to {high}, got {quoted(x)}")
    return int(x)


def _number(x: Any, low: float, high: float, what: str, closed_low: bool = False) -> float:
    ok = not isinstance(x, bool) and isinstance(x, numbers.Real) and math.isfinite(x)
    if not ok or not (low <= x if closed_low else low < x) or x > high:
        interval = f"[{low:g}, {high:g}]" if closed_low else f"({low:g}, {high:g}]"
        raise ValueError(f"{what} must be a number in {interval}, got {quoted(x)}")
    return float(x)


def _features(x: Any) -> tuple[str, ...]:
    if isinstance(x, str) or not isinstance(x, (list, tuple)) or not x:
        raise ValueError(f"features must be a non-empty list drawn from {', '.join(FEATURES)}; got {quoted(x)}")
    for name in x:
        if name not in FEATURES:
            raise ValueError(f"unknown feature {quoted(name)}; the features are {', '.join(FEATURES)}")
    if len(set(x)) != len(x):
        raise ValueError(f"features must not repeat, got {quoted(list(x))}")
    return tuple(name for name in FEATURES if name in x)  # the network always reads them in one order


def _hidden(x: Any) -> tuple[int, ...]:
    if isinstance(x, str) or not isinstance(x, (list, tuple)) or len(x) > MAX_LAYERS:
        raise ValueError(f"hidden must be a list of at most {MAX_LAYERS} layer widths such as [8, 8], got {quoted(x)}")
    return tuple(_whole(w, 1, MAX_NEURONS, f"hidden[{i}] (neurons in hidden layer {i + 1})") for i, w in enumerate(x))
