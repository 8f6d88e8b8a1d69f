"""Among equal values, topk and kthvalue report the index PyTorch's CPU kernels report
(libstdc++'s nth_element/sort/partial_sort and ATen's quickselect, replayed in
``chainrule._tie_order``)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule
from chainrule import _tie_order


def _tied(rng, shape, levels=3, nan=0.0):
    x = rng.integers(0, levels, shape).astype(np.float32)
    if nan:
        x[rng.random(shape) < nan] = np.nan
    return x


@pytest.mark.parametrize("seed", range(4))
def test_topk_and_kthvalue_indices_match_torch(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    for _ in range(60):
        shape = tuple(int(v) for v in rng.integers(1, 7, size=rng.integers(1, 4)))
        x = _tied(rng, shape, nan=0.2 if rng.random() < 0.3 else 0.0)
        dim = int(rng.integers(-len(shape), len(shape)))
        k = int(rng.integers(1, shape[dim] + 1))
        for call in (
            lambda L, t: L.topk(t, k, dim),
            lambda L, t: L.topk(t, k, dim, largest=False),
            lambda L, t: L.kthvalue(t, k, dim, keepdim=True),
        ):
            a, b = call(torch, torch.tensor(x)), call(chainrule, chainrule.tensor(x))
            np.testing.assert_array_equal(a.indices.numpy(), b.indices.numpy())
            np.testing.assert_array_equal(a.values.numpy(), b.values.numpy())


def test_long_rows_and_the_partial_sort_branch():
    """k * 64 <= n takes std::partial_sort (heap select), larger k nth_element + introsort."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    for n, k in [(128, 1), (200, 3), (300, 40), (50, 49), (17, 16)]:
        x = _tied(rng, (n,), levels=4)
        for largest in (True, False):
            expected = torch.topk(torch.tensor(x), k, largest=largest).indices.tolist()
            assert _tie_order.topk_indices(x.tolist(), k, largest) == expected
        kk = int(rng.integers(1, n + 1))
        assert (
            _tie_order.kthvalue_index(x.tolist(), kk)
            == torch.kthvalue(torch.tensor(x), kk).indices.item()
        )


def test_gradient_goes_to_the_reported_index():
    x = chainrule.tensor([5.0, 5.0, 5.0, 5.0], requires_grad=True)
    values, indices = x.topk(1)
    values.sum().backward()
    assert indices.tolist() == [2] and x.grad.tolist() == [0.0, 0.0, 1.0, 0.0]


def test_beyond_the_replay_budget_values_stay_right(monkeypatch):
    monkeypatch.setattr(_tie_order, "MAX_REPLAY", 4)
    x = chainrule.tensor([[1.0, 3.0, 3.0, 2.0]] * 3)
    v, i = x.topk(2)
    assert v.tolist() == [[3.0, 3.0]] * 3
    assert all(sorted(r) == [1, 2] for r in i.tolist())


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8"])
def test_partition_path_for_small_k(dtype):
    """k < n / 4 selects by partition first; the result is the same as torch's."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    for data in (rng.standard_normal((5, 40)) * 50, rng.integers(0, 6, (5, 40))):
        x = data.astype(dtype)
        for dim in (0, 1, -1):
            k = 1 if dim == 0 else 3
            for largest in (True, False):
                a = torch.tensor(x).topk(k, dim, largest)
                b = chainrule.tensor(x).topk(k, dim, largest)
                np.testing.assert_array_equal(a.values.numpy(), b.values.numpy())
                np.testing.assert_array_equal(a.indices.numpy(), b.indices.numpy())
