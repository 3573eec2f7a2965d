"""Specification of nn.plots: PNG files of training curves, decision boundaries and confusion matrices."""

import subprocess
import sys

import numpy as np
import pytest

from nn.data import make_moons, make_spirals
from nn.layers import MLP
from nn.plots import PALETTE, plot_confusion_matrix, plot_decision_boundary, plot_history
from nn.training import History, predict
from png_pictures import has_size_of, on_white, read_png, rgb, share

WHITE = np.ones(3)


def history_with_validation():
    return History(loss=[0.9, 0.5, 0.3, 0.35], metrics={"accuracy": [0.5, 0.7, 0.9, 0.85]},
                   val_loss=[1.0, 0.6, 0.4, 0.5], val_metrics={"accuracy": [0.4, 0.6, 0.8, 0.75]},
                   seconds=[0.1] * 4, best_epoch=3)


def test_plot_history_saves_a_png_with_a_loss_panel_and_a_panel_per_metric(tmp_path):
    path = tmp_path / "sub" / "history.png"
    fig = plot_history(history_with_validation(), path, title="Run 1")
    pixels = read_png(path)
    assert pixels.shape[:2] == (396, 1012) and has_size_of(pixels, fig)  # two 4.6 × 3.6 in panels at 110 dpi
    assert share(pixels, WHITE) > 0.6  # a white page...
    assert share(pixels, rgb(PALETTE[0])) > 0.002 and share(pixels, rgb(PALETTE[1])) > 0.002  # ...with both curves
    assert [ax.get_title() for ax in fig.axes] == ["Loss", "Accuracy"]
    assert fig.get_suptitle() == "Run 1"
    for ax in fig.axes:
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training", "validation", "best epoch"]
        assert ax.get_xlabel() == "epoch"
    loss_line = fig.axes[0].get_lines()[0]
    assert loss_line.get_ydata().tolist() == [0.9, 0.5, 0.3, 0.35]


def test_plot_history_without_validation_draws_only_training_curves():
    fig = plot_history(History(loss=[1.0, 0.5], metrics={}))
    assert len(fig.axes) == 1
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["training"]


def test_plot_history_refuses_an_empty_history():
    with pytest.raises(ValueError, match="at least one epoch"):
        plot_history(History())


def test_plot_decision_boundary_saves_a_png_showing_points_regions_and_boundary(tmp_path):
    X, y = make_moons(40, seed=0)
    model = MLP(2, [8, 1], seed=0)
    path = tmp_path / "boundary.png"
    fig = plot_decision_boundary(model, X, 2 * y - 1, path, decision="sign", resolution=30, title="Moons")
    pixels = read_png(path)
    assert has_size_of(pixels, fig)
    regions = [share(pixels, on_white(PALETTE[i], 0.22), 0.02) for i in (0, 1)]  # shaded as the legend says
    labels = predict(model, X, "sign")
    assert all(r > 0.02 for r in regions) if len(set(labels.tolist())) == 2 else max(regions) > 0.2
    assert share(pixels, rgb(PALETTE[0])) > 0.001 and share(pixels, rgb(PALETTE[1])) > 0.001  # both classes' points
    assert share(pixels, rgb("#222222"), 0.1) > 0.0005  # the boundary line
    ax = fig.axes[0]
    assert ax.get_title() == "Moons" and ax.get_xlabel() == "x₁" and ax.get_ylabel() == "x₂"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"class -1", "class 1"} <= set(legend)
    shown = {label[len("predicted "):] for label in legend if label.startswith("predicted ")}
    assert shown <= {"-1", "1"} and shown  # shaded regions are the model's predictions
    scatter = [c for c in ax.collections if c.get_offsets().shape == (len(X) // 2, 2)]
    assert len(scatter) == 2  # one marker set per class, every point drawn


def test_plot_decision_boundary_draws_argmax_regions_for_several_classes(tmp_path):
    X, y = make_spirals(60, classes=3, seed=0)
    model = MLP(2, [8, 3], seed=0)
    fig = plot_decision_boundary(model, X, y, tmp_path / "spirals.png", resolution=25)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert [label for label in legend if label.startswith("class")] == ["class 0", "class 1", "class 2"]
    predicted = {label[len("predicted "):] for label in legend if label.startswith("predicted ")}
    assert predicted and predicted <= {"0", "1", "2"}
    training_predictions = {str(c) for c in predict(model, X).tolist()}
    assert training_predictions <= predicted  # every class the model predicts on the data is shaded


@pytest.mark.parametrize("X, kwargs, message", [
    (np.zeros((4, 3)), {}, "2-D"), (np.zeros((4, 2)), {"resolution": 2}, "resolution"),
    (np.zeros((4, 2)), {"decision": "nearest"}, "decision"),
])
def test_plot_decision_boundary_rejects_bad_input(X, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_decision_boundary(MLP(X.shape[1], [2, 1], seed=0), X, [0, 1, 0, 1], **kwargs)


@pytest.mark.parametrize("resolution", [10.5, "10", None])
def test_plot_decision_boundary_needs_a_whole_number_resolution(resolution):
    with pytest.raises(TypeError, match="resolution must be a positive integer"):
        plot_decision_boundary(MLP(2, [2, 1], seed=0), np.zeros((4, 2)), [0, 1, 0, 1], resolution=resolution)


def test_plot_confusion_matrix_writes_each_count_in_its_cell(tmp_path):
    matrix = np.array([[5, 1, 0], [0, 4, 2], [1, 0, 7]])
    path = tmp_path / "confusion.png"
    fig = plot_confusion_matrix(matrix, path, labels=["a", "b", "c"])
    pixels = read_png(path)
    assert has_size_of(pixels, fig)
    from matplotlib import colormaps

    cividis = colormaps["cividis"]
    # Nine cells, each about 1/9 of the matrix: the largest count (7) in the top colour, the zeros in the bottom one.
    assert share(pixels, np.array(cividis(1.0)[:3]), 0.02) > 0.01
    assert share(pixels, np.array(cividis(0.0)[:3]), 0.02) > 0.02
    ax = fig.axes[0]
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted(matrix.ravel().tolist())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted label", "true label")


def test_plots_are_saved_only_as_png(tmp_path):
    with pytest.raises(ValueError, match=".png"):
        plot_confusion_matrix([[1]], tmp_path / "matrix.jpg")


def test_plots_without_matplotlib_say_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install 'valuegrad\[plot\]'"):
        plot_confusion_matrix([[1, 0], [0, 1]])


def test_plotting_never_touches_pyplot(tmp_path):
    script = (
        "import sys; from nn.plots import plot_history; from nn.training import History\n"
        f"plot_history(History(loss=[1.0, 0.5]), {str(tmp_path / 'h.png')!r})\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
