"""Pictures of training as PNG files: loss/accuracy curves, 2-D decision boundaries, confusion matrices.

Needs the ``[plot]`` extra (matplotlib). Figures are drawn with matplotlib's object API on the
Agg canvas, never through ``pyplot``: nothing opens a window, nothing global changes, and each
function returns its ``Figure`` so the caller can restyle it or save it elsewhere.
Colours are the Okabe–Ito palette, which stays distinguishable with colour-blindness.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ._checks import positive_int
from .data import as_features, as_targets
from .inference import choose_decision, model_outputs
from .metrics import target_labels

# Okabe & Ito (2008): blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow, black.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("nn.plots needs matplotlib: pip install 'valuegrad[plot]'") from None
    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _save(fig: Any, path: str | Path | None) -> Any:
    if path is not None:
        path = Path(path)
        if path.suffix.lower() != ".png":
            raise ValueError(f"plots are saved as PNG: the path must end in .png, got {str(path)!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png")
    return fig


def _style(ax: Any, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=11, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, color="#dddddd", linewidth=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def plot_history(history: Any, path: str | Path | None = None, *, title: str = "Training history") -> Any:
    """Loss per epoch (training and validation), and beside it each metric, saved to ``path`` (.png).

    >>> from nn.training import History
    >>> fig = plot_history(History(loss=[0.7, 0.4, 0.3], metrics={"accuracy": [0.5, 0.8, 0.9]}))
    >>> [ax.get_title() for ax in fig.axes]
    ['Loss', 'Accuracy']
    """
    if not getattr(history, "loss", None):
        raise ValueError("plot_history needs a History with at least one epoch (the one fit returns)")
    panels = [("loss", history.loss, history.val_loss)]
    panels += [(name, values, history.val_metrics.get(name, [])) for name, values in history.metrics.items()]
    fig = _figure(4.6 * len(panels), 3.6)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    epochs = np.arange(1, len(history.loss) + 1)
    marker = "o" if len(epochs) <= 30 else None  # few epochs: show each one
    for ax, (name, train, val) in zip(axes, panels):
        ax.plot(epochs, train, color=PALETTE[0], linewidth=2, marker=marker, markersize=4, label="training")
        if val:
            ax.plot(epochs[: len(val)], val, color=PALETTE[1], linewidth=2, linestyle="--", marker=marker,
                    markersize=4, label="validation")
        if history.best_epoch is not None:
            ax.axvline(history.best_epoch, color="#777777", linewidth=1, linestyle=":", label="best epoch")
        if name == "accuracy":
            from matplotlib.ticker import PercentFormatter

            ax.set_ylim(min(0.0, *train, *val) - 0.02, 1.02)
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        _style(ax, name.replace("_", " ").capitalize(), "epoch", name.replace("_", " "))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(frameon=False)
    fig.suptitle(title, fontsize=12)
    return _save(fig, path)


def plot_decision_boundary(
    model: Callable,
    X: Any,
    y: Any,
    path: str | Path | None = None,
    *,
    decision: str | None = None,
    loss: Any = None,
    resolution: int = 80,
    title: str = "Decision boundary",
    class_names: Sequence[str] | None = None,
) -> Any:
    """The model's predicted class over the plane behind the 2-D points ``X`` coloured by label ``y``.

    The plane is sampled on a ``resolution`` × ``resolution`` grid (each point one forward pass, so
    keep it modest); ``decision`` / ``loss`` say how outputs become labels (see ``nn.metrics``).

    >>> from nn.layers import MLP
    >>> fig = plot_decision_boundary(MLP(2, [4, 1], seed=0), [[0, 0], [1, 1]], [0, 1], resolution=10)
    >>> fig.axes[0].get_title()
    'Decision boundary'
    """
    X = as_features(X)
    if X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary draws 2-D inputs, X has {X.shape[1]} features")
    labels = target_labels(as_targets(y, len(X)))
    if not 5 <= positive_int(resolution, "resolution") <= 400:
        raise ValueError(f"resolution must be between 5 and 400 grid points per side, got {resolution!r}")
    gx, gy, size = _grid(X, resolution)
    fig = _figure(*size)
    out = model_outputs(model, np.column_stack([gx.ravel(), gy.ravel()]))
    rule = choose_decision(decision, loss, out.shape[1])
    regions = {c: score.reshape(gx.shape) for c, score in _region_scores(out, rule).items() if score.max() > 0}
    classes = np.union1d(np.unique(labels), list(regions))
    colours = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(classes.tolist())}
    names = {c: str(c) for c in classes.tolist()}
    if class_names is not None:
        names.update(zip(np.unique(labels).tolist(), class_names))
    ax = fig.subplots()
    _draw_regions(ax, gx, gy, regions, rule, colours)
    for i, c in enumerate(np.unique(labels).tolist()):
        pts = X[labels == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=26, color=colours[c], marker=MARKERS[i % len(MARKERS)],
                   edgecolors="white", linewidths=0.5, label=f"class {names[c]}")
    ax.set_xlim(gx.min(), gx.max())
    ax.set_ylim(gy.min(), gy.max())
    _style(ax, title, "x₁", "x₂")
    ax.grid(False)
    for c in sorted(regions):
        ax.fill_between([], [], color=colours[c], alpha=0.22, label=f"predicted {names[c]}")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right upper", frameon=False, fontsize=9)
    return _save(fig, path)


def _grid(X: np.ndarray, resolution: int) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """A ``resolution``² grid over the points with a margin, and a figure size of the data's aspect ratio."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.15 * np.maximum(high - low, 1e-9)
    span = (high - low) + 2 * pad
    gx, gy = np.meshgrid(*(np.linspace(low[i] - pad[i], high[i] + pad[i], resolution) for i in range(2)))
    # Near-equal axis scales: size the plot to the data's aspect ratio, leaving room for the legend.
    return gx, gy, (4.6 + 2.0, float(np.clip(4.6 * span[1] / span[0], 2.6, 5.6)) + 0.9)


def _draw_regions(ax: Any, gx: np.ndarray, gy: np.ndarray, regions: dict[int, np.ndarray], rule: str,
                  colours: dict[int, str]) -> None:
    """Shade each class's region and draw the boundary line between them.

    Each region is where its score is above 0; interpolating the scores (not the labels) gives
    smooth edges even on a coarse grid.
    """
    for c, score in regions.items():
        ax.contourf(gx, gy, score, levels=[0.0, score.max()], colors=[colours[c]], alpha=0.22)
    edges = regions if rule == "argmax" else {c: s for c, s in regions.items() if c == 1}
    drawn = False
    for score in edges.values():
        if score.min() < 0.0:
            ax.contour(gx, gy, score, levels=[0.0], colors="#222222", linewidths=1.3)
            drawn = True
    if drawn:
        ax.plot([], [], color="#222222", linewidth=1.3, label="decision boundary")


def _region_scores(out: np.ndarray, rule: str) -> dict[int, np.ndarray]:
    """For each class, a score that is > 0 exactly where the decision rule predicts that class."""
    if rule == "argmax":
        if out.shape[1] == 1:
            return {0: np.ones(len(out))}
        return {c: out[:, c] - np.delete(out, c, axis=1).max(axis=1) for c in range(out.shape[1])}
    if out.shape[1] != 1:
        raise ValueError(f"decision {rule!r} needs one output per sample, got {out.shape[1]} (use 'argmax')")
    level = 0.5 if rule == "threshold" else 0.0
    return {-1 if rule == "sign" else 0: level - out[:, 0], 1: out[:, 0] - level}


def plot_confusion_matrix(
    matrix: Any, path: str | Path | None = None, *, labels: Sequence[Any] | None = None,
    title: str = "Confusion matrix",
) -> Any:
    """A confusion matrix as a heat map with each count written in its cell (rows: true, columns: predicted).

    >>> fig = plot_confusion_matrix([[5, 1], [0, 4]])
    >>> fig.axes[0].get_xlabel()
    'predicted label'
    """
    m = np.asarray(matrix)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.size == 0:
        raise ValueError(f"a confusion matrix must be square, got shape {m.shape}")
    names = [str(label) for label in (range(len(m)) if labels is None else labels)]
    if len(names) != len(m):
        raise ValueError(f"got {len(names)} labels for a {len(m)}×{len(m)} matrix")
    side = 2.2 + 0.42 * len(m)
    fig = _figure(side + 1.0, side)
    ax = fig.subplots()
    image = ax.imshow(m, cmap="cividis", vmin=0)
    fig.colorbar(image, ax=ax, shrink=0.85, label="count")
    threshold = m.max() / 2 if m.max() else 1
    for (i, j), count in np.ndenumerate(m):
        colour = "black" if count > threshold else ("white" if count else "#7f8c9a")  # zeros recede
        ax.text(j, i, str(int(count)), ha="center", va="center", fontsize=9, color=colour)
    ax.set_xticks(range(len(m)), names)
    ax.set_yticks(range(len(m)), names)
    ax.set_title(title, fontsize=11, fontweight="bold")
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    return _save(fig, path)
