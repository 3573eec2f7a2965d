"""The playground's data: ``nn.data``'s generators placed on one input plane, split, and turned into features.

Every data set is moved and scaled so its points lie within about ±2.5 on a plane that the
pictures show from −3 to 3; the input features (x₁², sin x₁, ...) are computed from those
coordinates, on numpy arrays for training and on engine Values for the graphs.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

import autograd
from nn import data as nn_data

from .playground_config import PlaygroundConfig

EXTENT = 3.0  # the plane shown runs from −EXTENT to EXTENT on both axes

# Each data set's (centre, scale): plane = (generator's point − centre) · scale.
_PLACEMENT = {
    "xor": ((0.5, 0.5), 5.0),
    "circles": ((0.0, 0.0), 2.5),
    "moons": ((0.5, 0.25), 5.0 / 3.0),
    "spirals": ((0.0, 0.0), 2.5),
    "blobs": ((0.0, 0.0), 1.25),
}

# Each feature as a formula on (x1, x2, m); m supplies sin: numpy for arrays, autograd for Values.
FEATURE_FORMULAS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "x1": lambda x1, x2, m: x1,
    "x2": lambda x1, x2, m: x2,
    "x1^2": lambda x1, x2, m: x1 ** 2,
    "x2^2": lambda x1, x2, m: x2 ** 2,
    "x1*x2": lambda x1, x2, m: x1 * x2,
    "sin(x1)": lambda x1, x2, m: m.sin(x1),
    "sin(x2)": lambda x1, x2, m: m.sin(x2),
}
FEATURE_SOURCE = {"x1": "x1", "x2": "x2", "x1^2": "x1 ** 2", "x2^2": "x2 ** 2", "x1*x2": "x1 * x2",
                  "sin(x1)": "np.sin(x1)", "sin(x2)": "np.sin(x2)"}


def generate(config: PlaygroundConfig) -> tuple[np.ndarray, np.ndarray]:
    """All ``config.points`` points on the plane and their 0/1 labels.

    >>> from viz.playground_config import check_config
    >>> X, y = generate(check_config({"dataset": "circles", "points": 40, "noise": 0.0}))
    >>> X.shape, float(np.abs(X).max()) <= 2.5 + 1e-9, sorted(set(y.tolist()))
    ((40, 2), True, [0, 1])
    """
    n, noise, seed = config.points, config.noise, config.seed
    if config.dataset == "xor":
        X, y = nn_data.xor_points(n, seed=seed)
        X = X + noise * nn_data.make_rng(seed).standard_normal(X.shape)  # xor_points has no noise of its own
    elif config.dataset == "circles":
        X, y = nn_data.make_circles(n, noise=noise, seed=seed)
    elif config.dataset == "moons":
        X, y = nn_data.make_moons(n, noise=noise, seed=seed)
    elif config.dataset == "spirals":
        X, y = nn_data.make_spirals(n, classes=2, noise=noise, seed=seed)
    else:
        X, y = nn_data.make_blobs(n, noise=noise, seed=seed)
    centre, scale = _PLACEMENT[config.dataset]
    return (X - np.asarray(centre)) * scale, y


def split(config: PlaygroundConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``X_train, X_test, y_train, y_test`` on the plane (coordinates, not features)."""
    X, y = generate(config)
    return nn_data.train_test_split(X, y, test_size=config.test_fraction, seed=config.seed)


def feature_matrix(points: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """The network's inputs for plane points of shape (n, 2): one column per feature, in ``names`` order.

    >>> feature_matrix(np.array([[2.0, 3.0]]), ("x1", "x1*x2")).tolist()
    [[2.0, 6.0]]
    """
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack([FEATURE_FORMULAS[name](x1, x2, np) for name in names])


def feature_values(x1: autograd.Value, x2: autograd.Value, names: tuple[str, ...]) -> list[autograd.Value]:
    """The same features as engine Values of two input Values, labelled with the feature's name.

    >>> from autograd import Value
    >>> [round(f.data, 4) for f in feature_values(Value(2.0), Value(0.5), ("x1^2", "sin(x2)"))]
    [4.0, 0.4794]
    """
    features = []
    for name in names:
        f = FEATURE_FORMULAS[name](x1, x2, autograd)
        if f is not x1 and f is not x2:
            f.label, f.group = name, "features"
        features.append(f)
    return features
