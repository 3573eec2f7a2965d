"""Specification of nn.data.make_blobs: Gaussian clouds around given centres, seeded, checked arguments."""

import numpy as np
import pytest

from nn.data import make_blobs


def test_blobs_spread_around_their_centres_with_the_given_deviation():
    X, y = make_blobs(4000, noise=0.3, centers=((-2.0, 0.0), (2.0, 1.0)), seed=1)
    for k, centre in enumerate([(-2.0, 0.0), (2.0, 1.0)]):
        cloud = X[y == k]
        assert np.allclose(cloud.mean(axis=0), centre, atol=0.03)
        assert np.allclose(cloud.std(axis=0), 0.3, atol=0.02)


def test_blobs_share_points_evenly_and_are_shuffled():
    X, y = make_blobs(7, centers=((0, 0), (1, 1), (2, 2)))
    assert np.bincount(y).tolist() == [3, 2, 2]
    _, y = make_blobs(40, seed=0)
    assert sorted(y.tolist()) != y.tolist()


def test_same_seed_same_blobs():
    a, b = make_blobs(50, seed=3), make_blobs(50, seed=3)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


@pytest.mark.parametrize("centers", [((0, 0),), [[0, 0], [1]], "ab", ((0, float("nan")), (1, 1))])
def test_bad_centres_are_refused(centers):
    with pytest.raises((TypeError, ValueError), match="centers"):
        make_blobs(10, centers=centers)
