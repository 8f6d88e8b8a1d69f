"""Max pooling's two forward paths (tiled windows, the general strided loop): values, indices
and gradients equal torch's, including ties (the first maximum wins) and NaN (the last NaN
in window order wins, as torch's CPU kernel)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule

F = chainrule.nn.functional

GEOMETRIES = [  # (input shape, kernel, stride, padding): tiled first, then general ones
    ((2, 3, 8, 8), (2, 2), None, 0),
    ((2, 3, 9, 9), (3, 3), None, 0),
    ((1, 2, 6, 4), (3, 2), None, 0),
    ((2, 3, 7, 7), (2, 2), None, 0),  # a remainder row and column: the general path
    ((1, 2, 5, 5), (3, 3), (1, 1), (1, 1)),
    ((1, 2, 6, 6), (2, 2), (1, 1), 0),
]


def _fn(lib, nd):
    return {1: lib.nn.functional.max_pool1d, 2: lib.nn.functional.max_pool2d}[nd]


@pytest.mark.parametrize("kind", ["normal", "ties", "nan"])
@pytest.mark.parametrize("shape, k, s, p", GEOMETRIES)
def test_max_pool_matches_torch(shape, k, s, p, kind):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    if kind == "ties":
        x = rng.integers(-2, 2, shape).astype(np.float64)
    else:
        x = rng.standard_normal(shape)
    if kind == "nan":
        x[rng.random(shape) < 0.3] = np.nan
    c = chainrule.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    cv, ci = F.max_pool2d(c, k, s, p, return_indices=True)
    tv, ti = torch.nn.functional.max_pool2d(t, k, s, p, return_indices=True)
    np.testing.assert_array_equal(cv.detach().numpy(), tv.detach().numpy())
    np.testing.assert_array_equal(ci.numpy(), ti.numpy())
    w = rng.standard_normal(tv.shape)
    (cv * chainrule.tensor(w)).nansum().backward()
    (tv * torch.tensor(w)).nansum().backward()
    np.testing.assert_array_equal(c.grad.numpy(), t.grad.numpy())


def test_integer_and_float32_tiled_pooling():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    for x in (rng.integers(-5, 5, (2, 2, 4, 4)), rng.standard_normal((2, 2, 4, 4)).astype("f4")):
        cv, ci = F.max_pool2d(chainrule.tensor(x), 2, return_indices=True)
        tv, ti = torch.nn.functional.max_pool2d(torch.tensor(x), 2, return_indices=True)
        np.testing.assert_array_equal(cv.numpy(), tv.numpy())
        np.testing.assert_array_equal(ci.numpy(), ti.numpy())
