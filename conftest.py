"""Names every doctest in the packages may use without importing them."""

import math

import pytest

import autograd


@pytest.fixture(autouse=True)
def _doctest_names(request):
    # Only fill in names a module does not define itself (nn.training has its own `evaluate`).
    dtest = getattr(request.node, "dtest", None)
    if dtest is None:
        return
    for name in autograd.__all__:
        dtest.globs.setdefault(name, getattr(autograd, name))
    dtest.globs.setdefault("math", math)
