"""One playground run, independent of HTTP: data, an ``nn.MLP``, its optimizer, steps, and the state the page draws.

Every number comes from the engine: steps are ``nn`` forward/backward/update passes, the heatmaps
replay the network's graph through the op table's forward rules (``playground_replay``), the
losses are ``nn`` losses. A ``TrainingSession`` is safe to use from several threads: every public
method holds the session's lock, and a background ``Player`` trains in short chunks between them.
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
import time
from typing import Any, Mapping

import numpy as np

import autograd
import nn
from autograd import Value
from autograd.files import write_atomically
from nn.metrics import to_labels

from . import playground_data as pdata
from .playground_config import ACTIVATIONS, PlaygroundConfig, check_config
from .playground_replay import GridReplay
from .playground_snippet import snippet
from .quoting import quoted

LOSS = "binary_cross_entropy_with_logits"  # one output neuron read as a logit; label 1 when it is > 0
GRID = 48  # the decision boundary is drawn from GRID × GRID points; each neuron's picture from a third of that
MAX_CURVE_POINTS = 300


def plane_grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres of a size × size grid over the plane, flattened row by row from the top (x₂ high) down.

    >>> x1, x2 = plane_grid(2)
    >>> x1.tolist(), x2.tolist()
    ([-1.5, 1.5, -1.5, 1.5], [1.5, 1.5, -1.5, -1.5])
    """
    centres = (np.arange(size) + 0.5) / size * 2 * pdata.EXTENT - pdata.EXTENT
    x1, x2 = np.meshgrid(centres, centres[::-1])
    return x1.ravel(), x2.ravel()


def _picture(values: np.ndarray, size: int, digits: int = 3) -> list[list[float]]:
    """A flat grid of outputs as rows of JSON-safe rounded numbers (a diverged network gives no NaN)."""
    clean = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=1e6, neginf=-1e6)
    return np.round(clean.reshape(size, size), digits).tolist()


def _small_pictures(grids: list[np.ndarray], size: int) -> list[dict[str, Any]]:
    """Small heatmaps, compactly: each as ``{"scale": s, "grid": rows of whole numbers q}``, value ≈ q·s/100.

    Whole numbers from −100 to 100 keep two digits of each value and make frames quick to encode.

    >>> _small_pictures([np.array([0.5, -1.0, 0.25, 0.0])], 2)
    [{'scale': 1.0, 'grid': [[50, -100], [25, 0]]}]
    """
    if not grids:
        return []
    stack = np.nan_to_num(np.vstack([g.reshape(1, size, size) for g in grids]), nan=0.0, posinf=1e6, neginf=-1e6)
    scales = np.maximum(np.abs(stack).max(axis=(1, 2)), 1e-12)
    quantized = np.rint(stack * (100.0 / scales)[:, None, None]).astype(int)
    return [{"scale": float(s), "grid": q.tolist()} for s, q in zip(scales, quantized)]


class TrainingSession:
    """A run of the playground: ``step(n)`` trains, ``state()`` is what the page shows.

    >>> session = TrainingSession({"dataset": "xor", "points": 40, "hidden": [3]})
    >>> session.step(5); s = session.state()
    5
    >>> s["step"], len(s["heatmap"]), sorted(s["curves"])
    (5, 48, ['step', 'test_loss', 'train_loss'])
    """

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.lock = threading.RLock()
        self.reset(config)

    # ----- building a run --------------------------------------------------------------------------
    def reset(self, config: Mapping[str, Any] | PlaygroundConfig | None = None) -> PlaygroundConfig:
        """Start a new run; a bad config raises ValueError and leaves the current run as it was."""
        checked = config if isinstance(config, PlaygroundConfig) else check_config(config)
        run = _Run(checked)  # built apart, swapped in whole: a failure changes nothing
        with self.lock:
            self._run = run
        return checked

    @property
    def config(self) -> PlaygroundConfig:
        return self._run.config

    @property
    def model(self) -> nn.MLP:
        return self._run.model

    @property
    def error(self) -> str:
        """Why training stopped (it diverged), or "" while it can go on."""
        return self._run.error

    # ----- training --------------------------------------------------------------------------------
    def step(self, n: int = 1) -> int:
        """Train ``n`` minibatch steps (1..10,000); return the step count. A diverged run refuses with ValueError."""
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10_000:
            raise ValueError(f"n (steps to train) must be a whole number from 1 to 10000, got {n!r}")
        with self.lock:
            run = self._run
            if run.error:
                raise ValueError(f"{run.error}; reset to start again")
            for _ in range(n):
                if not run.train_step():
                    break
            return run.steps

    def step_within(self, n: int, seconds: float, chunk_seconds: float = 0.05) -> int:
        """Train up to ``n`` steps (1..10,000) but stop after about ``seconds`` (at least one step); return how
        many ran. The lock is let go every ``chunk_seconds``, so the page's requests get in between; a reset
        meanwhile ends the request. A diverged run refuses with ValueError.

        >>> TrainingSession({"points": 40, "hidden": [2]}).step_within(3, seconds=5.0)
        3
        """
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10_000:
            raise ValueError(f"n (steps to train) must be a whole number from 1 to 10000, got {quoted(n)}")
        started, done = time.perf_counter(), 0
        with self.lock:
            run = self._run
        while done < n:
            with self.lock:
                if self._run is not run:  # reset meanwhile: this request's steps were for the old run
                    break
                if run.error:
                    if done:
                        break
                    raise ValueError(f"{run.error}; reset to start again")
                chunk_end = time.perf_counter() + chunk_seconds
                while done < n and run.train_step():
                    done += 1
                    if time.perf_counter() >= chunk_end:
                        break
            if run.error or time.perf_counter() - started >= seconds:
                break
            time.sleep(0.001)  # a lock is not fair: give a waiting request the chance to take it
        return done

    def train_for(self, seconds: float) -> int:
        """Train whole steps until about ``seconds`` have passed (at least one); the Player's chunk."""
        started = time.perf_counter()
        with self.lock:
            run = self._run
            while not run.error:
                run.train_step()
                if time.perf_counter() - started >= seconds:
                    break
            return run.steps

    # ----- what the page shows ---------------------------------------------------------------------
    def state(self, pictures: bool = True) -> dict[str, Any]:
        """Step, losses, accuracies, curves, weights and gradients; with ``pictures`` the heatmaps too."""
        with self.lock:
            return self._run.state(pictures)

    def neuron_output(self, layer: int, index: int, sample: int, split: str = "train",
                      at: Mapping[str, float] | None = None) -> Value:
        """A fresh graph of neuron ``index`` of ``layer`` (both from 1, as in its name ``L2.N3``) for one sample.

        The graph starts at the sample's plane coordinates x1, x2 (leaves; ``at={"x1": 0.5}`` moves
        them), goes through the features and reuses the model's own parameter Values, so its
        numbers are the live ones.
        """
        with self.lock:
            return self._run.neuron_output(layer, index, sample, split, at)

    def neuron_graph(self, layer: int, index: int, sample: int, split: str = "train", *,
                     at: Mapping[str, float] | None = None, target: int | None = None,
                     steps: bool = False) -> dict[str, Any]:
        """``viz.snapshot`` of the neuron's graph for one sample: values, and gradients of the neuron's output
        (or of node ``target``, an id in the snapshot); ``steps`` adds the backward pass step by step."""
        from .snapshot import snapshot  # the explorer's JSON contract; it reads no .grad and changes none
        from .walk import graph_order

        with self.lock:  # graph walks mark shared parameter nodes: one walk at a time
            out = self._run.neuron_output(layer, index, sample, split, at)
            node = None
            if target is not None:
                order = graph_order([out])
                if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target < len(order):
                    raise ValueError(f"target must be a node id from 0 to {len(order) - 1}, got {target!r}")
                node = order[target]
            return snapshot(out, target=node, steps=steps)

    # ----- keeping the result ----------------------------------------------------------------------
    def model_json(self) -> str:
        """The trained model in nn's JSON format (``nn.load_model`` reads it back)."""
        with self.lock:
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "model.json")
                self._run.model.save(path)
                with open(path, encoding="utf-8") as f:
                    return f.read()

    def save_model(self, path: str | os.PathLike) -> None:
        """Write the trained model to ``path`` in nn's JSON format, atomically."""
        write_atomically(path, self.model_json())

    def snippet(self) -> str:
        """A short Python program that rebuilds this run with ``nn`` (same data, model, optimizer, steps)."""
        with self.lock:
            return snippet(self._run.config, self._run.steps, len(self._run.rows))


class _Run:
    """Everything one config makes: data, features, model, optimizer, batch order, curves."""

    def __init__(self, config: PlaygroundConfig) -> None:
        self.config = config
        X_train, X_test, self.y_train, self.y_test = pdata.split(config)
        self.points = {"train": X_train, "test": X_test}
        self.all_points = np.vstack([X_train, X_test])
        self.rows = pdata.feature_matrix(X_train, config.features).tolist()
        self.model = nn.MLP(len(config.features), [*config.hidden, 1], activation=ACTIVATIONS[config.activation],
                            output_activation="identity", seed=config.seed)
        self.parameters = self.model.parameters()
        if config.optimizer == "adam":
            self.optimizer: nn.optim.Optimizer = nn.Adam(self.parameters, lr=config.lr)
        else:
            self.optimizer = nn.SGD(self.parameters, lr=config.lr)
        # Batches are drawn exactly as nn.fit draws them, so the snippet's fit retraces this run.
        self.rng = np.random.default_rng(config.seed)
        self.order = np.arange(0)
        self.cursor = 0
        self.steps = 0
        self.error = ""
        self.replay = GridReplay(self.model.layers, config.features)
        self.curves: dict[str, list[float]] = {"step": [], "train_loss": [], "test_loss": []}
        self.curve_every = 1
        self.scores = self.measure()
        self.record()

    def train_step(self) -> bool:
        """One minibatch: forward, loss (+ L2), backward, update. False (and ``error`` set) if it diverged."""
        n, size = len(self.rows), self.config.batch_size
        if self.cursor >= len(self.order):
            self.order = self.rng.permutation(n) if size < n else np.arange(n)
            self.cursor = 0
        idx = self.order[self.cursor:self.cursor + size]
        self.cursor += size
        try:
            with autograd.gc_paused():
                outputs = [self.model(self.rows[i]) for i in idx]
                loss = nn.binary_cross_entropy_with_logits(outputs, self.y_train[idx])
                if self.config.l2:
                    loss = loss + nn.l2_penalty(self.parameters, self.config.l2)
                self.optimizer.zero_grad()
                loss.backward()
                self.optimizer.step()
        except (OverflowError, ValueError) as exc:
            self.error = f"training diverged at step {self.steps + 1} (try a smaller learning rate): {exc}"
            return False
        self.steps += 1
        if self.steps % self.curve_every == 0:
            self.scores = self.measure()
            self.record()
        return True

    def measure(self) -> dict[str, float]:
        """Loss and accuracy on the training and test points, from the replayed logits."""
        X = self.all_points
        logits = self.replay.run(X[:, 0], X[:, 1])["layers"][-1][0]
        n_train, scores = len(self.y_train), {}
        for split, z, y in (("train", logits[:n_train], self.y_train), ("test", logits[n_train:], self.y_test)):
            if not np.all(np.isfinite(z)):
                scores[f"{split}_loss"], scores[f"{split}_accuracy"] = math.inf, 0.0
                continue
            with autograd.no_grad():
                loss = nn.binary_cross_entropy_with_logits([Value(v) for v in z.tolist()], y)
            scores[f"{split}_loss"] = loss.data
            scores[f"{split}_accuracy"] = nn.accuracy(y, to_labels(z[:, None], "logit"))
        return scores

    def record(self) -> None:
        """Add the current losses to the curves, halving them (and the sampling rate) when they grow long."""
        curves = self.curves
        curves["step"].append(self.steps)
        curves["train_loss"].append(self.scores["train_loss"])
        curves["test_loss"].append(self.scores["test_loss"])
        if len(curves["step"]) > MAX_CURVE_POINTS:
            for key in curves:
                curves[key] = curves[key][::2]
            self.curve_every *= 2

    def state(self, pictures: bool) -> dict[str, Any]:
        if self.steps != self.curves["step"][-1]:
            self.scores = self.measure()
        state: dict[str, Any] = {
            "step": self.steps,
            "epoch": self.steps * self.config.batch_size / len(self.rows),
            **{k: _finite(v) for k, v in self.scores.items()},
            "error": self.error,
            "config": self.config.as_dict(),
            "sizes": list(self.config.sizes),
            "curves": {k: [_finite(v) for v in values] for k, values in self.curves.items()},
            "network": self.network(),
            "extent": pdata.EXTENT,
            "points": {split: [[a, b, c] for (a, b), c in zip(X.tolist(), y.tolist())]
                       for split, X, y in (("train", self.points["train"], self.y_train),
                                           ("test", self.points["test"], self.y_test))},
        }
        if pictures:
            state.update(self.pictures())
        return state

    def network(self) -> list[list[dict[str, Any]]]:
        """Per layer, per neuron: name, weights, bias and their gradients from the last step."""
        return [
            [{"name": neuron.name, "weights": [w.data for w in neuron.w], "grads": [w.grad for w in neuron.w],
              "bias": neuron.b.data, "bias_grad": neuron.b.grad} for neuron in layer.neurons]
            for layer in self.model.layers
        ]

    def pictures(self) -> dict[str, Any]:
        """The decision boundary (probability of class 1) and every feature's and neuron's small heatmap."""
        x1, x2 = plane_grid(GRID)
        outputs = self.replay.run(x1, x2)
        logits = outputs["layers"][-1][0]
        with np.errstate(over="ignore"):
            probability = 1.0 / (1.0 + np.exp(-np.clip(logits, -500, 500)))
        small = GRID // 3

        def shrink(values: np.ndarray) -> np.ndarray:  # the middle of every 3 × 3 block
            return values.reshape(GRID, GRID)[1::3, 1::3]

        layers = outputs["layers"]
        maps = _small_pictures([shrink(f) for f in outputs["features"]] + [shrink(v) for vs in layers for v in vs], small)
        features, maps = maps[:len(outputs["features"])], maps[len(outputs["features"]):]
        widths = np.cumsum([0] + [len(vs) for vs in layers]).tolist()
        return {
            "grid": GRID,
            "heatmap": _picture(probability, GRID),
            "feature_maps": features,
            "neuron_maps": [maps[a:b] for a, b in zip(widths[:-1], widths[1:])],
        }

    def neuron_output(self, layer: int, index: int, sample: int, split: str,
                      at: Mapping[str, float] | None) -> Value:
        layers = self.model.layers
        for what, x, high in (("layer", layer, len(layers)), ("index", index, None), ("sample", sample, None)):
            if isinstance(x, bool) or not isinstance(x, int):
                raise ValueError(f"{what} must be a whole number, got {x!r}")
        if not 1 <= layer <= len(layers):
            raise ValueError(f"layer must be from 1 to {len(layers)} (the output layer), got {layer}")
        width = layers[layer - 1].nout
        if not 1 <= index <= width:
            raise ValueError(f"layer {layer} has neurons 1 to {width}, got index {index}")
        if split not in self.points:
            raise ValueError(f"split must be 'train' or 'test', got {quoted(split)}")
        count = len(self.points[split])
        if not 0 <= sample < count:
            raise ValueError(f"sample must be from 0 to {count - 1} (the {split} points), got {sample}")
        a, b = self.points[split][sample].tolist()
        at = at or {}
        a, b = float(at.get("x1", a)), float(at.get("x2", b))
        with autograd.enable_grad():
            h = pdata.feature_values(Value(a, label="x1"), Value(b, label="x2"), self.config.features)
            for current in layers[:layer - 1]:
                h = current(h)
            return layers[layer - 1].neurons[index - 1](h)


def _finite(x: float) -> float | None:
    """JSON has no inf or NaN: a diverged loss is reported as null."""
    return x if math.isfinite(x) else None
