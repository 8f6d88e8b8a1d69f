"""``chainrule.func`` against ``torch.func``."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule


def _libs():
    pytest.importorskip("torch")
    import importlib

    import chainrule.func

    torch = importlib.import_module("torch")
    return [(chainrule, chainrule.func), (torch, importlib.import_module("torch.func"))]


def _same(fn):
    res = [fn(lib, F) for lib, F in _libs()]

    def arr(x):
        if isinstance(x, (tuple, list)):
            return [arr(e) for e in x]
        return np.asarray(x.detach().numpy())

    a, b = arr(res[0]), arr(res[1])

    def cmp(x, y):
        if isinstance(x, list):
            assert len(x) == len(y)
            for u, v in zip(x, y):
                cmp(u, v)
        else:
            assert x.shape == y.shape
            np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-12)

    cmp(a, b)


XA = np.array([0.3, -1.2, 2.0])


def test_grad_and_nested_grad():
    _same(lambda lib, F: F.grad(lambda x: (x.sin() * x).sum())(lib.tensor(XA)))
    _same(lambda lib, F: F.grad(F.grad(lambda x: x.sin() * x))(lib.tensor(0.7, dtype=lib.float64)))
    _same(
        lambda lib, F: F.grad(lambda x, y: (x * y).sum(), argnums=(0, 1))(
            lib.tensor(XA), lib.tensor(2 * XA)
        )
    )


def test_grad_and_value_has_aux():
    def f(lib, F):
        g, (v, aux) = F.grad_and_value(lambda x: ((x * x).sum(), x * 2), has_aux=True)(
            lib.tensor(XA)
        )
        return g, v, aux

    _same(f)


def test_grad_errors():
    from chainrule.func import grad

    with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a scalar Tensor"):
        grad(lambda x: x * 2)(chainrule.tensor(XA))


def test_jacrev_jacfwd_hessian():
    _same(lambda lib, F: F.jacrev(lambda x: x.sin() * x)(lib.tensor(XA)))
    _same(lambda lib, F: F.jacfwd(lambda x: x.sin() * x)(lib.tensor(XA)))
    _same(
        lambda lib, F: F.jacrev(lambda x, y: x * y, argnums=(0, 1))(lib.tensor(XA), lib.tensor(XA))
    )
    _same(lambda lib, F: F.hessian(lambda x: x.sin() * x * x)(lib.tensor(0.4, dtype=lib.float64)))


def test_vjp_jvp():
    def v(lib, F):
        out, fn = F.vjp(lambda x: x.exp(), lib.tensor(XA))
        return out, fn(lib.ones(3, dtype=lib.float64))

    _same(v)
    _same(
        lambda lib, F: F.jvp(
            lambda x: x.exp(), (lib.tensor(XA),), (lib.ones(3, dtype=lib.float64),)
        )
    )


def test_vmap():
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    _same(lambda lib, F: F.vmap(lambda r: (r * r).sum())(lib.tensor(m)))
    _same(
        lambda lib, F: F.vmap(lambda r, s: r * s, in_dims=(1, None))(
            lib.tensor(m), lib.tensor(3.0, dtype=lib.float64)
        )
    )
    _same(lambda lib, F: F.vmap(lambda r: r * 2, out_dims=1)(lib.tensor(m)))
    # per-example gradients: vmap over grad
    _same(lambda lib, F: F.vmap(F.grad(lambda r: (r.sin() * r).sum()))(lib.tensor(m)))


def test_vmap_is_differentiable():
    x = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = chainrule.func.vmap(lambda r: (r * r).sum())(x)
    y.sum().backward()
    assert x.grad.tolist() == [[2.0, 4.0], [6.0, 8.0]]


def test_jacfwd_of_jacrev_is_the_hessian():
    _same(lambda lib, F: F.jacfwd(F.jacrev(lambda x: (x.sin() * x * x).sum()))(lib.tensor(XA)))
    _same(lambda lib, F: F.jacfwd(F.jacrev(lambda x: x.sin() * (x * x).sum()))(lib.tensor(XA)))
    _same(lambda lib, F: F.jacrev(F.jacrev(lambda x: x.sin() * (x * x).sum()))(lib.tensor(XA)))


def test_vmap_runs_batched_when_rows_are_independent():
    from chainrule.func import vmap

    calls = []

    def rowwise(r):
        calls.append(tuple(r.shape))
        return r.sin() * r

    m = chainrule.tensor(np.arange(40.0).reshape(10, 4), requires_grad=True)
    out = vmap(rowwise)(m)
    assert calls[0] == (10, 4) and len(calls) == 4  # one batched call + 3 checks
    np.testing.assert_allclose(
        out.detach().numpy(), np.sin(m.detach().numpy()) * m.detach().numpy()
    )
    out.sum().backward()  # differentiable through the batched call
    assert m.grad.shape == (10, 4)

    calls.clear()

    def mixing(r):  # on a batch, this would sum over the batch axis too
        calls.append(tuple(r.shape))
        return r - r.mean(0)

    x = np.arange(40.0).reshape(10, 4)
    out = vmap(mixing)(chainrule.tensor(x))
    np.testing.assert_allclose(out.numpy(), x - x.mean(1, keepdims=True))
    assert calls.count((4,)) >= 10  # fell back to one call per row
