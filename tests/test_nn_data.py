"""Specification of nn.data and nn.datasets: the tutorials' data sets, the generators, and the training helpers."""

import math
import random
import sys

import numpy as np
import pytest

from nn.data import (
    GENDER_NAMES, GENDER_SHIFT, as_features, gender_table, load_digits, make_blobs, make_circles, make_moons,
    make_spirals, minibatches, one_hot, standardize, train_test_split, xor_points, xor_table,
)


# ----- the tutorials' data ------------------------------------------------------------------------------


def test_xor_table_is_the_truth_table():
    X, y = xor_table()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [int(a) ^ int(b) for a, b in X]


def test_xor_points_are_drawn_exactly_like_the_xor_tutorials_loop():
    X, y = xor_points(1000, seed=7)
    random.seed(7)  # the tutorial's own generation code, verbatim in logic
    data = []
    for _ in range(1000):
        val_1 = random.random()
        val_2 = random.random()
        if (val_1 < 0.5 and val_2 >= 0.5) or (val_1 >= 0.5 and val_2 < 0.5):
            label = 1.0
        else:
            label = 0.0
        data.append(([val_1, val_2], [label]))
    assert X.tolist() == [inputs for inputs, _ in data]
    assert y.tolist() == [label[0] for _, label in data]


def test_xor_points_label_the_off_diagonal_quadrants_and_are_roughly_balanced():
    X, y = xor_points(1000, seed=0)
    assert X.shape == (1000, 2) and y.dtype == np.int64
    assert ((X >= 0) & (X < 1)).all()
    assert (y == ((X[:, 0] < 0.5) != (X[:, 1] < 0.5))).all()
    assert 400 < y.sum() < 600


def test_xor_points_depend_on_the_seed_only():
    assert np.array_equal(xor_points(50, seed=3)[0], xor_points(50, seed=3)[0])
    assert not np.array_equal(xor_points(50, seed=3)[0], xor_points(50, seed=4)[0])


def test_gender_table_is_the_backpropagation_tutorials_shifted_table():
    X, y = gender_table()
    raw = {"Alice": (133, 65, 1), "Bob": (160, 72, 0), "Charlie": (152, 70, 0), "Diana": (120, 60, 1)}
    assert GENDER_NAMES == tuple(raw)
    assert GENDER_SHIFT == (135.0, 66.0)
    assert X.tolist() == [[w - 135, h - 66] for w, h, _ in raw.values()]
    assert X.tolist() == [[-2, -1], [25, 6], [17, 4], [-15, -6]]  # the tutorial's printed table
    assert y.tolist() == [g for _, _, g in raw.values()]


# ----- generators -----------------------------------------------------------------------------------


def test_make_moons_without_noise_puts_each_class_on_its_arc():
    X, y = make_moons(40, noise=0.0, seed=0)
    upper, lower = X[y == 0], X[y == 1]
    assert len(upper) == len(lower) == 20
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0) and (upper[:, 1] >= -1e-12).all()
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0) and (lower[:, 1] <= 0.5 + 1e-12).all()


def test_make_moons_noise_moves_points_by_about_its_standard_deviation():
    clean, _ = make_moons(2000, noise=0.0, seed=1)
    noisy, _ = make_moons(2000, noise=0.1, seed=1)
    # Same shuffle and same arcs, so the difference is the jitter alone.
    assert 0.09 < np.std(noisy - clean) < 0.11


def test_make_moons_is_reproducible_and_shuffled():
    X1, y1 = make_moons(100, seed=5)
    X2, y2 = make_moons(100, seed=5)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert 0 < np.sum(np.diff(y1) != 0) and y1.tolist() != sorted(y1.tolist())


def test_make_circles_puts_the_classes_on_two_radii():
    X, y = make_circles(30, noise=0.0, factor=0.3, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.3)
    assert np.bincount(y).tolist() == [15, 15]


def test_make_spirals_gives_each_class_one_arm_inside_the_unit_disc():
    X, y = make_spirals(301, classes=3, noise=0.0, seed=0)
    assert np.bincount(y).tolist() == [101, 100, 100]
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() <= 1.0 + 1e-12
    for k in range(3):  # without noise the angle is 2π(k/3 + r): one arm per class
        arm = y == k
        expected = 2 * math.pi * (k / 3 + r[arm])
        diff = np.angle(np.exp(1j * (np.arctan2(X[arm, 1], X[arm, 0]) - expected)))
        assert np.allclose(diff, 0.0, atol=1e-9)


@pytest.mark.parametrize("call, error", [
    (lambda: make_moons(1), ValueError),
    (lambda: make_moons(0), ValueError),
    (lambda: make_moons(10.5), TypeError),
    (lambda: make_moons(10, noise=-0.1), ValueError),
    (lambda: make_moons(10, noise=float("nan")), ValueError),
    (lambda: make_moons(10, seed="a"), TypeError),
    (lambda: make_circles(10, factor=1.0), ValueError),
    (lambda: make_circles(10, factor=0), ValueError),
    (lambda: make_spirals(10, classes=1), ValueError),
    (lambda: make_spirals(2, classes=3), ValueError),
    (lambda: make_spirals(10, turns=0), ValueError),
    (lambda: xor_points(0), ValueError),
    (lambda: xor_points(True), TypeError),
])
def test_generators_reject_bad_arguments(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("call, error, message", [
    (lambda: make_spirals(10, turns=float("nan")), ValueError, "turns must be finite, got nan"),
    (lambda: make_spirals(10, turns=float("inf")), ValueError, "turns must be finite, got inf"),
    (lambda: make_spirals(10, turns="2"), TypeError, "turns must be a real number, got str: '2'"),
    (lambda: make_spirals(10, turns=True), TypeError, "turns must be a real number, got bool"),
    (lambda: make_spirals(10, turns=11), ValueError, r"turns must be in \(0, 10\], got 11.0"),
    (lambda: make_circles(10, factor=float("nan")), ValueError, r"factor \(the inner radius\) must be finite, got nan"),
    (lambda: make_circles(10, factor=None), TypeError, r"factor \(the inner radius\) must be a real number, got NoneType"),
    (lambda: make_circles(10, factor=1.5), ValueError, "strictly between 0 and 1, got 1.5"),
    (lambda: make_blobs(10, centers=((0, float("inf")), (1, 1))), ValueError,
     r"centers contains NaN or infinite values \(the first, inf, at index \(0, 1\)\)"),
    (lambda: make_blobs(10, centers=((0, 0),)), ValueError, r"centers must be 2 to n \(10\) points of equal length"),
])
def test_generators_name_the_bad_argument_through_the_one_finite_check(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("mean, std, message", [
    ([0.0, float("nan")], [1.0, 1.0], r"standardize: mean contains NaN or infinite values \(the first, nan, at index \(1,\)\)"),
    ([0.0, 0.0], [float("inf"), 1.0], r"standardize: std contains NaN or infinite values \(the first, inf, at index \(0,\)\)"),
    ([0.0, 0.0], [1.0, 0.0], r"standardize: std must be > 0 for every feature, got \[1.0, 0.0\]"),
])
def test_standardize_names_a_bad_mean_or_std(mean, std, message):
    with pytest.raises(ValueError, match=message):
        standardize(np.ones((3, 2)), mean, std)


def test_load_digits_gives_1797_scaled_8x8_images_of_ten_digits():
    X, y = load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.bincount(y).size == 10 and np.bincount(y).min() > 170
    raw, _ = load_digits(scaled=False)
    assert np.array_equal(raw / 16.0, X)


def test_load_digits_without_scikit_learn_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # import of sklearn now raises ImportError
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install 'valuegrad\[datasets\]'"):
        load_digits()


# ----- helpers --------------------------------------------------------------------------------------


def test_train_test_split_partitions_the_samples_keeping_rows_paired():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, seed=0)
    assert len(X_test) == 3 and len(X_train) == 7
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(10))
    assert (X_train[:, 0] == 2 * y_train).all() and (X_test[:, 0] == 2 * y_test).all()


def test_train_test_split_accepts_a_count_and_is_reproducible():
    X, y = np.zeros((10, 1)), np.arange(10)
    first = train_test_split(X, y, test_size=4, seed=1)
    second = train_test_split(X, y, test_size=4, seed=1)
    assert len(first[1]) == 4
    assert np.array_equal(first[3], second[3])
    assert not np.array_equal(first[3], train_test_split(X, y, test_size=4, seed=2)[3])


@pytest.mark.parametrize("test_size", [0, 0.0, 1.0, 1.5, -0.2, 10, 11])
def test_train_test_split_rejects_a_test_size_that_leaves_a_side_empty(test_size):
    with pytest.raises(ValueError, match="test_size"):
        train_test_split(np.zeros((10, 1)), np.arange(10), test_size=test_size)


@pytest.mark.parametrize("test_size", ["0.2", True, None])
def test_train_test_split_rejects_a_test_size_that_is_not_a_number(test_size):
    with pytest.raises(TypeError, match="test_size"):
        train_test_split(np.zeros((10, 1)), np.arange(10), test_size=test_size)


def test_train_test_split_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="same number of samples"):
        train_test_split(np.zeros((10, 2)), np.arange(9))


def test_one_hot_puts_a_single_one_at_each_label():
    assert one_hot([2, 0, 1]).tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    assert one_hot(np.array([1.0, 0.0]), num_classes=4).tolist() == [[0, 1, 0, 0], [1, 0, 0, 0]]


@pytest.mark.parametrize("labels, num_classes", [([0, -1], None), ([0, 1.5], None), ([0, 3], 3), ([[0, 1]], None), ([], None)])
def test_one_hot_rejects_labels_that_are_not_class_indices(labels, num_classes):
    with pytest.raises(ValueError):
        one_hot(labels, num_classes)


def test_standardize_gives_zero_mean_unit_std_and_reuses_training_statistics():
    rng = np.random.default_rng(0)
    X_train, X_test = rng.normal(5.0, 3.0, (200, 3)), rng.normal(5.0, 3.0, (50, 3))
    Z, mean, std = standardize(X_train)
    assert np.allclose(Z.mean(axis=0), 0.0) and np.allclose(Z.std(axis=0), 1.0)
    Z_test, mean_test, std_test = standardize(X_test, mean, std)
    assert np.array_equal(mean_test, mean) and np.array_equal(std_test, std)
    assert np.allclose(Z_test, (X_test - mean) / std)


def test_standardize_only_shifts_a_constant_column():
    Z, _, std = standardize([[1.0, 7.0], [3.0, 7.0]])
    assert Z[:, 1].tolist() == [0.0, 0.0] and std[1] == 1.0


@pytest.mark.parametrize("mean, std", [(0.0, None), (None, 1.0), (0.0, 0.0), (0.0, -1.0)])
def test_standardize_rejects_partial_or_degenerate_statistics(mean, std):
    with pytest.raises(ValueError, match="standardize"):
        standardize([[1.0], [2.0]], mean, std)


@pytest.mark.parametrize("mean, std", [([0.0, 0.0, 0.0], 1.0), (0.0, [[1.0], [1.0]]), ("zero", 1.0)])
def test_standardize_rejects_statistics_that_do_not_fit_the_features(mean, std):
    with pytest.raises(ValueError, match=r"one number per feature \(2\)"):
        standardize(np.zeros((3, 2)), mean, std)


def test_minibatches_cover_every_sample_once_in_batches_of_the_given_size():
    X, y = np.arange(10.0)[:, None], np.arange(10)
    batches = list(minibatches(X, y, batch_size=4, seed=0))
    assert [len(yb) for _, yb in batches] == [4, 4, 2]
    assert sorted(np.concatenate([yb for _, yb in batches]).tolist()) == list(range(10))
    assert all((xb[:, 0] == yb).all() for xb, yb in batches)


def test_minibatches_without_shuffle_keep_the_order_and_none_means_one_batch():
    X, y = np.zeros((5, 1)), np.arange(5)
    assert [yb.tolist() for _, yb in minibatches(X, y, 2, shuffle=False)] == [[0, 1], [2, 3], [4]]
    assert [yb.tolist() for _, yb in minibatches(X, y, None, shuffle=False)] == [[0, 1, 2, 3, 4]]


def test_minibatches_from_one_generator_give_a_new_order_each_epoch():
    X, y = np.zeros((20, 1)), np.arange(20)
    rng = np.random.default_rng(0)
    first = [yb.tolist() for _, yb in minibatches(X, y, 20, seed=rng)]
    second = [yb.tolist() for _, yb in minibatches(X, y, 20, seed=rng)]
    assert first != second
    assert first == [yb.tolist() for _, yb in minibatches(X, y, 20, seed=0)]


@pytest.mark.parametrize("X, y, batch_size, error", [
    (np.zeros((5, 1)), np.arange(4), 2, ValueError),
    (np.zeros((5, 1)), np.arange(5), 0, ValueError),
    (np.zeros((5, 1)), np.arange(5), 2.5, TypeError),
])
def test_minibatches_reject_bad_arguments_when_called_not_when_iterated(X, y, batch_size, error):
    with pytest.raises(error):
        minibatches(X, y, batch_size)  # no iteration: the check happens at the call


@pytest.mark.parametrize("X, message", [
    ([[1.0, float("nan")]], "NaN"), (np.zeros((2, 2, 2)), "2-D"), (np.zeros((0, 3)), "empty"), ([["a", "b"]], "numbers"),
])
def test_features_must_be_a_finite_2d_array_of_numbers(X, message):
    with pytest.raises((ValueError, TypeError), match=message):
        as_features(X)
