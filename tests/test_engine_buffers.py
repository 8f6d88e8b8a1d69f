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


# ------------------------------------------------- saved arrays lent to formulas (_lend_saved)
# Ops whose formulas may compute in a saved array that nothing else holds (``Op.donate_saved``),
# each applied to an intermediate that the test drops, so that its saved array can be lent.
LENT_OPS = {  # name: a map into the op's domain
    "exp": lambda t: t,
    "exp2": lambda t: t,
    "expm1": lambda t: t,
    "log": lambda t: t * t + 1,
    "log2": lambda t: t * t + 1,
    "log10": lambda t: t * t + 1,
    "log1p": lambda t: t * t,
    "sqrt": lambda t: t * t + 1,
    "sin": lambda t: t * 3,
    "cos": lambda t: t * 3,
    "tan": lambda t: t * 0.5,
    "tanh": lambda t: t,
}


def _spy_lending(monkeypatch) -> list:
    """Record, per call of ``_lend_saved``, the node name and whether something was lent."""
    lent = []
    real = engine._lend_saved

    def spy(node):
        r = real(node)
        lent.append((node.name(), r is not None))
        return r

    monkeypatch.setattr(engine, "_lend_saved", spy)
    return lent


def test_every_lending_op_is_listed():
    from chainrule.ops._registry import OPS

    assert sorted(n for n, op in OPS.items() if op.donate_saved) == sorted(LENT_OPS)


@pytest.mark.parametrize("shape", [(4, 5), (2, 4096)])  # (2, 4096): formulas' large-array paths
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.float16])
@pytest.mark.parametrize("name", sorted(LENT_OPS))
def test_lent_saved_arrays_give_identical_gradients(monkeypatch, name, dtype, shape):
    domain = LENT_OPS[name]
    monkeypatch.setattr(engine, "DONATE_MIN", 1)
    x = torch.tensor(_arr(2, *shape) * 0.5, dtype=dtype, requires_grad=True)

    def f():  # the op's input and output: intermediates nobody keeps
        return (getattr(domain(x * 1.5), name)() * 2).sum()

    f().backward(retain_graph=True)  # nothing is lent while the graph is kept
    kept = x.grad._data.copy()
    x.grad = None
    lent = _spy_lending(monkeypatch)
    f().backward()
    assert any(flag for _, flag in lent), lent  # the path under test did run
    assert type(x.grad._data) is np.ndarray
    np.testing.assert_array_equal(x.grad._data, kept)


@pytest.mark.parametrize("name", sorted(LENT_OPS))
def test_values_the_user_keeps_are_never_written_into(monkeypatch, name):
    """The op's input and output are kept (and a view of each): nothing may be lent."""
    monkeypatch.setattr(engine, "DONATE_MIN", 1)
    x = torch.tensor(_arr(3, 4, 5) * 0.5, requires_grad=True)
    u = LENT_OPS[name](x * 1.5)
    y = getattr(u, name)()
    u_view, y_view = u.detach()[1:], y.detach()[:, 2]
    before = [t._data.copy() for t in (u, y, u_view, y_view)]
    del u_view, y_view  # only the views' arrays are kept below
    views = [u.detach()[1:], y.detach()[:, 2]]
    lent = _spy_lending(monkeypatch)
    (y * 2).sum().backward()
    assert not any(flag for _, flag in lent), lent
    for t, b in zip([u, y, *views], before):
        np.testing.assert_array_equal(t._data, b)


def test_a_view_alone_keeps_the_saved_array(monkeypatch):
    monkeypatch.setattr(engine, "DONATE_MIN", 1)
    x = torch.tensor(_arr(4, 6), requires_grad=True)
    y = (x * 2).exp()
    view = y[2:4]  # the tensor y goes, its view stays
    expected = view._data.copy()
    del y
    lent = _spy_lending(monkeypatch)
    view.sum().backward()
    assert lent == [("ExpBackward0", False)]
    np.testing.assert_array_equal(view._data, expected)


def test_an_array_saved_by_two_nodes_is_lent_to_the_last_one_only(monkeypatch):
    monkeypatch.setattr(engine, "DONATE_MIN", 1)
    x = torch.tensor(_arr(5, 7), requires_grad=True)
    q = x * 3
    out = q.sin() + q.cos()  # both nodes save q; the newer (cos) runs first
    del q
    lent = _spy_lending(monkeypatch)
    out.sum().backward()
    # cos may not write into q (sin still needs it); once cos freed its saved values, sin may
    assert lent == [("CosBackward0", False), ("SinBackward0", True)]
    qn = _arr(5, 7) * 3
    np.testing.assert_allclose(x.grad._data, 3 * (np.cos(qn) - np.sin(qn)), rtol=1e-15)


def test_saved_tensor_hooks_and_retain_graph_lend_nothing(monkeypatch):
    monkeypatch.setattr(engine, "DONATE_MIN", 1)
    x = torch.tensor(_arr(6, 8), requires_grad=True)
    lent = _spy_lending(monkeypatch)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t * 1, lambda t: t):
        (x * 2).tanh().sum().backward()
    g_hooked = x.grad._data.copy()
    x.grad = None
    y = (x * 2).tanh().sum()
    y.backward(retain_graph=True)
    y.backward()  # the second pass frees the graph: only now may the saved array be lent
    # hooked: the saved values are the hooks' objects (not even asked); retain_graph: nothing
    # lent; only the last pass, which frees the graph, lends
    flags = [flag for _, flag in lent]
    assert flags[-1] is True and not any(flags[:-1])
    np.testing.assert_array_equal(x.grad._data, 2 * g_hooked)


def test_lent_buffers_on_a_large_chain_match_torch():
    """The benchmark's chain at a size above DONATE_MIN (the default threshold)."""
    torch_ref = pytest.importorskip("torch")
    xn = _arr(7, 1 << 17)

    def f(lib, x):
        y = lib.tanh(lib.exp(lib.sin(x) * 1.1)) + x
        y = lib.tanh(lib.exp(lib.sin(lib.square(y)) * 0.5))
        return lib.sum(y)

    x = torch.tensor(xn, requires_grad=True)
    f(torch, x).backward()
    xt = torch_ref.tensor(xn, requires_grad=True)
    f(torch_ref, xt).backward()
    np.testing.assert_allclose(x.grad._data, xt.grad.numpy(), rtol=1e-12, atol=1e-14)


def test_a_saved_tensor_modified_in_place_still_raises_torchs_error(monkeypatch):
    monkeypatch.setattr(engine, "DONATE_MIN", 1)
    x = torch.ones(5, requires_grad=True)
    u = x * 3
    y = u.sin()
    u.add_(1)
    del u  # nothing holds it but the node: it would be lent, were it not modified
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*output 0 of Add"):
        y.sum().backward()
