"""Names every doctest in the packages may use without importing them."""

import math

import pytest

import autograd


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    doctest_namespace.update({name: getattr(autograd, name) for name in autograd.__all__})
    doctest_namespace["math"] = math
