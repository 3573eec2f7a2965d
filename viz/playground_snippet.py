"""The short Python program the playground shows: the same run rebuilt with ``nn`` and ``nn.fit``.

``nn.fit`` draws its minibatches exactly as the playground does (one numpy Generator seeded by the
run's seed, a fresh permutation per epoch), so after whole epochs the program's weights are the
playground's, number for number.
"""

from __future__ import annotations

import math

from .playground_config import ACTIVATIONS, PlaygroundConfig
from .playground_data import _PLACEMENT, FEATURE_SOURCE


def _data_lines(config: PlaygroundConfig) -> list[str]:
    n, noise, seed = config.points, config.noise, config.seed
    call = {
        "xor": f"nn.data.xor_points({n}, seed={seed})",
        "circles": f"nn.data.make_circles({n}, noise={noise!r}, seed={seed})",
        "moons": f"nn.data.make_moons({n}, noise={noise!r}, seed={seed})",
        "spirals": f"nn.data.make_spirals({n}, classes=2, noise={noise!r}, seed={seed})",
        "blobs": f"nn.data.make_blobs({n}, noise={noise!r}, seed={seed})",
    }[config.dataset]
    lines = [f"X, y = {call}"]
    if config.dataset == "xor":
        lines.append(f"X = X + {noise!r} * np.random.default_rng({seed}).standard_normal(X.shape)")
    (cx, cy), scale = _PLACEMENT[config.dataset]
    lines.append(f"X = (X - np.array([{cx!r}, {cy!r}])) * {scale!r}  # the playground's plane")
    return lines


def snippet(config: PlaygroundConfig, steps: int, n_train: int) -> str:
    """The program as text. ``steps`` (the run's step count) over ``n_train`` points becomes whole epochs, rounded up.

    >>> from viz.playground_config import check_config
    >>> print(snippet(check_config({"hidden": [4]}), 0, 100).splitlines()[-2])
    print(nn.evaluate(model, features(X_test), y_test, loss="binary_cross_entropy_with_logits"))
    """
    batches = math.ceil(n_train / config.batch_size)
    epochs = max(1, math.ceil(steps / batches))
    columns = ", ".join(FEATURE_SOURCE[name] for name in config.features)
    optimizer = "Adam" if config.optimizer == "adam" else "SGD"
    sizes = [*config.hidden, 1]
    lines = [
        "import numpy as np",
        "import nn",
        "",
        *_data_lines(config),
        f"X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size={config.test_fraction!r}, "
        f"seed={config.seed})",
        "",
        "def features(X):",
        "    x1, x2 = X[:, 0], X[:, 1]",
        f"    return np.column_stack([{columns}])",
        "",
        f"model = nn.MLP({len(config.features)}, {sizes}, activation={ACTIVATIONS[config.activation]!r}, "
        f"output_activation='identity', seed={config.seed})",
        f"optimizer = nn.{optimizer}(model.parameters(), lr={config.lr!r})",
        _epochs_comment(steps, config.batch_size, batches, epochs),
        "nn.fit(model, features(X_train), y_train, loss=\"binary_cross_entropy_with_logits\", optimizer=optimizer,",
        f"       epochs={epochs}, batch_size={config.batch_size}, seed={config.seed}, l2={config.l2!r}, progress=False)",
        "print(nn.evaluate(model, features(X_test), y_test, loss=\"binary_cross_entropy_with_logits\"))",
        "model.save(\"playground_model.json\")  # nn.load_model(\"playground_model.json\") reads it back",
        "",
    ]
    return "\n".join(lines)


def _epochs_comment(steps: int, batch_size: int, batches: int, epochs: int) -> str:
    """How the page's steps map onto fit's whole epochs (fit cannot stop mid-epoch, so it rounds up)."""
    done = f"# {steps} playground steps of {batch_size} points = {steps / batches:.3g} epochs of {batches} batches"
    if steps == epochs * batches:
        return done
    return done + f"; nn.fit trains whole epochs: {epochs}"

