"""The engine reuses large gradient buffers it owns (``engine.DONATE_MIN``): results must be
bitwise those of the allocating path, and nothing the user can see is ever written into.

Every test runs with the threshold at 1 element (so small tensors take the reuse path too) and
compares with the threshold out of reach.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as torch
from chainrule.autograd import engine

NEVER = 1 << 62


def _both(monkeypatch, fn):
    """``fn()`` with buffer reuse for every size, then with none; both results."""
    monkeypatch.setattr(engine, "DONATE_MIN", 1)
    reused = fn()
    monkeypatch.setattr(engine, "DONATE_MIN", NEVER)
    fresh = fn()
    return reused, fresh


def _arr(seed, *shape, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _assert_same(a, b):
    for u, v in zip(a, b):
        assert type(u) is np.ndarray  # never the engine's lent buffer class
        np.testing.assert_array_equal(u, v)


CHAINS = {
    "unary chain": lambda x, w: (((x.sin() * 1.1).exp().tanh() + x) ** 2).sigmoid().sum(),
    "fan-in": lambda x, w: (x * 2 + x.exp() - x / 3 + x.cos()).sum(),
    "binary, one side": lambda x, w: ((x * w.detach()) / (w.detach() ** 2 + 1)).sum(),
    "binary, both sides": lambda x, w: (x * w - w / (x * x + 1)).sum(),
    "x * x": lambda x, w: (x * x).sum(),
    "broadcast": lambda x, w: (x[:, :1] * w[:1, :] + x.log1p().abs()).sum(),
    "rsub, neg, reciprocal": lambda x, w: ((2 - x) * (-w) + (x * x + 1).reciprocal()).sum(),
    "relu, sqrt, rsqrt": lambda x, w: (x.relu() + (x * x + 1).sqrt() * (w * w + 1).rsqrt()).sum(),
    "views in the path": lambda x, w: (x.t().exp().reshape(-1)[::2] * 3).sum(),
}


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_gradients_identical_with_and_without_reuse(monkeypatch, name):
    f = CHAINS[name]

    def run():
        x = torch.tensor(_arr(0, 5, 6), requires_grad=True)
        w = torch.tensor(_arr(1, 5, 6), requires_grad=True)
        f(x, w).backward()
        return [x.grad._data, w.grad._data if w.grad is not None else np.zeros(1)]

    _assert_same(*_both(monkeypatch, run))


def test_float32_gradient_with_float64_operand_keeps_its_dtype(monkeypatch):
    def run():
        x = torch.tensor(_arr(0, 64, dtype=np.float32), requires_grad=True)
        c = torch.tensor(_arr(1, 64))  # float64: the product promotes
        (x.exp() * c).sum().backward()
        return [x.grad._data]

    reused, fresh = _both(monkeypatch, run)
    assert reused[0].dtype == np.float32
    _assert_same(reused, fresh)


def test_user_gradient_is_never_written_into(monkeypatch):
    monkeypatch.setattr(engine, "DONATE_MIN", 1)
    x = torch.tensor(_arr(0, 4, 5), requires_grad=True)
    v = torch.tensor(_arr(2, 4, 5))
    before = v._data.copy()
    y = (x * 3).exp()
    y.backward(v)
    np.testing.assert_array_equal(v._data, before)
    np.testing.assert_allclose(x.grad._data, before * 3 * np.exp(3 * x._data), rtol=1e-12)


def test_hooks_and_retained_grads_see_values_that_stay_put(monkeypatch):
    def run():
        x = torch.tensor(_arr(0, 6, 3), requires_grad=True)
        seen = []
        a = x.sin()
        a.retain_grad()
        b = a * 2.5
        b.register_hook(lambda g: seen.append((g, g._data.copy())))
        c = (b.exp() * 0.5).tanh()
        c.sum().backward()
        for g, snapshot in seen:  # a hook's tensor is not reused afterwards
            np.testing.assert_array_equal(g._data, snapshot)
        return [x.grad._data, a.grad._data, seen[0][1]]

    _assert_same(*_both(monkeypatch, run))


def test_autograd_grad_of_intermediates(monkeypatch):
    def run():
        x = torch.tensor(_arr(0, 7), requires_grad=True)
        a = x.exp()
        b = a * 3
        y = (b.sin() * 2).sum()
        ga, gb, gx = torch.autograd.grad(y, (a, b, x))
        return [ga._data, gb._data, gx._data]

    _assert_same(*_both(monkeypatch, run))


def test_retain_graph_twice_gives_the_same_gradients(monkeypatch):
    monkeypatch.setattr(engine, "DONATE_MIN", 1)
    x = torch.tensor(_arr(0, 8), requires_grad=True)
    y = ((x * 1.5).exp().tanh() * x).sum()
    y.backward(retain_graph=True)
    first = x.grad._data.copy()
    x.grad = None
    y.backward()
    np.testing.assert_array_equal(x.grad._data, first)


def test_large_tensor_path_matches_torch():
    torch_ref = pytest.importorskip("torch")
    n = 2 * engine.DONATE_MIN  # above the threshold as shipped
    xn = _arr(3, n)

    def f(lib, x):
        y = lib.sin(x) * 1.1
        y = lib.tanh(lib.exp(y)) + x
        y = lib.sin(lib.square(y)) * 0.5
        return lib.tanh(lib.exp(y)).sum()

    x = torch.tensor(xn, requires_grad=True)
    f(torch, x).backward()
    xt = torch_ref.tensor(xn, requires_grad=True)
    f(torch_ref, xt).backward()
    np.testing.assert_allclose(x.grad._data, xt.grad.numpy(), rtol=1e-12, atol=1e-14)
