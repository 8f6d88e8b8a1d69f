"""Reductions, linear algebra and softmax: what the generic sample harness does not check.

Exact inputs (ties, zeros, huge values), return types, integer/bool result dtypes, errors
(type and message as torch), node names of every matmul path, double backward through
value-selecting reductions. torch is the oracle.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import chainrule

torch = pytest.importorskip("torch")


# ---------------------------------------------------------------- helpers
def _pair(data, dtype="float64", requires_grad=True):
    a = np.asarray(data, dtype=dtype)
    c = chainrule.tensor(a.copy(), requires_grad=requires_grad)
    t = torch.tensor(a.copy(), requires_grad=requires_grad)
    return c, t


def _np(x):
    return np.asarray(x.detach().numpy())


def _same_value(c, t, **tol):
    assert str(c.dtype) == str(t.dtype)
    assert tuple(c.shape) == tuple(t.shape)
    np.testing.assert_allclose(_np(c), _np(t), equal_nan=True, **tol)


def _same_grad(fn, data, dtype="float64", **tol):
    """fn(lib, x) -> tensor; values and x.grad (for a ones upstream) must match torch."""
    c, t = _pair(data, dtype)
    yc, yt = fn(chainrule, c), fn(torch, t)
    _same_value(yc, yt, **tol)
    yc.backward(chainrule.ones_like(yc))
    yt.backward(torch.ones_like(yt))
    _same_value(c.grad, t.grad, **tol)
    return c.grad


def _same_error(fn, *args, expected=Exception):
    """fn(lib, *arrays) raises the same exception type (an ``expected``) and message in both
    libraries."""
    with pytest.raises(expected) as te:
        fn(torch, *[torch.tensor(a) for a in args])
    with pytest.raises(expected) as ce:
        fn(chainrule, *[chainrule.tensor(a) for a in args])
    assert type(ce.value) is type(te.value), (ce.value, te.value)
    tmsg = str(te.value).split("\n")[0]
    assert str(ce.value).split("\n")[0] == tmsg


# ---------------------------------------------------------------- ties and zeros
TIES = [[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]


@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x: x.max(),
        lambda lib, x: x.min(),
        lambda lib, x: x.amax(),
        lambda lib, x: x.amax(1),
        lambda lib, x: x.amin(0),
        lambda lib, x: x.amax((0, 1), keepdim=True),
        lambda lib, x: x.max(1).values,
        lambda lib, x: x.min(1, keepdim=True).values,
        lambda lib, x: x.norm(p=math.inf, dim=1),
        lambda lib, x: x.median(),
        lambda lib, x: x.median(1).values,
    ],
    ids=[
        "max",
        "min",
        "amax",
        "amax1",
        "amin0",
        "amax_all_keep",
        "max_dim",
        "min_keep",
        "norm_inf",
        "median",
        "median_dim",
    ],
)
def test_ties_gradient(fn):
    _same_grad(fn, TIES)


def test_whole_max_splits_ties_evenly():
    g = _same_grad(lambda lib, x: x.max(), [1.0, 3.0, 3.0, 3.0])
    np.testing.assert_allclose(_np(g), [0, 1 / 3, 1 / 3, 1 / 3])


def test_max_dim_gradient_goes_to_index():
    g = _same_grad(lambda lib, x: x.max(0).values, [3.0, 1.0, 3.0])
    np.testing.assert_allclose(_np(g), [1, 0, 0])


ZEROS = [
    [1.0, 2.0, 3.0, 4.0],
    [1.0, 0.0, 3.0, 4.0],
    [0.0, 2.0, 0.0, 4.0],
    [0.0, 0.0, 0.0, 0.0],
    [2.0, 3.0, 4.0, 0.0],
]


@pytest.mark.parametrize("row", range(len(ZEROS)))
@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x: x.prod(),
        lambda lib, x: x.prod(0),
        lambda lib, x: x.reshape(2, 2).prod(1),
        lambda lib, x: x.reshape(2, 2).prod(0, keepdim=True),
        lambda lib, x: x.cumprod(0),
        lambda lib, x: x.reshape(2, 2).cumprod(1),
    ],
    ids=["prod", "prod0", "prod1_2d", "prod_keep", "cumprod", "cumprod_2d"],
)
def test_zeros_gradient(fn, row):
    _same_grad(fn, ZEROS[row])


def test_prod_zeros_matrix():
    x = [[0.0, 2.0, 3.0], [1.0, 0.0, 0.0], [4.0, 5.0, 6.0]]
    for d in (0, 1):
        _same_grad(lambda lib, t, d=d: t.prod(d), x)
    _same_grad(lambda lib, t: t.prod(), [[1.0, 2.0], [0.0, 3.0]])


def test_prod_zero_double_backward():
    c, t = _pair([2.0, 0.0, 3.0, 5.0])
    (gc,) = chainrule.autograd.grad(c.prod(), c, create_graph=True)
    (gt,) = torch.autograd.grad(t.prod(), t, create_graph=True)
    _same_value(gc, gt)
    (hc,) = chainrule.autograd.grad(gc, c, chainrule.ones(4, dtype=chainrule.float64))
    (ht,) = torch.autograd.grad(gt, t, torch.ones(4, dtype=torch.float64))
    _same_value(hc, ht)


@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x: x.norm(),
        lambda lib, x: x.norm(dim=1),
        lambda lib, x: x.norm(p=3, dim=1),
        lambda lib, x: x.norm(p=1.5, dim=1),
        lambda lib, x: x.std(1),
        lambda lib, x: lib.linalg.vector_norm(x, 2, 1),
    ],
    ids=["norm", "norm_dim", "norm_p3", "norm_p15", "std", "vector_norm"],
)
def test_zero_norm_has_zero_gradient(fn):
    g = _same_grad(fn, [[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]])
    assert np.all(np.isfinite(_np(g)))


# ---------------------------------------------------------------- stability
def test_softmax_and_logsumexp_stable():
    big = [[1000.0, 1000.0, 999.0], [-1000.0, -1001.0, -1000.0]]
    for dtype in ("float32", "float64"):
        for fn in (
            lambda lib, x: x.softmax(1),
            lambda lib, x: x.log_softmax(1),
            lambda lib, x: lib.logsumexp(x, 1),
            lambda lib, x: x.logsumexp((0, 1)),
            lambda lib, x: x.softmax(0),
        ):
            g = _same_grad(fn, big, dtype, rtol=1e-6, atol=1e-6)
            assert np.all(np.isfinite(_np(g)))


def test_logsumexp_all_minus_inf():
    c, t = _pair([[-math.inf, -math.inf], [0.0, -math.inf]], requires_grad=False)
    _same_value(c.logsumexp(1), t.logsumexp(1))
    _same_value(c.log_softmax(1), t.log_softmax(1))
    _same_value(c.softmax(1), t.softmax(1))


def test_logsumexp_of_int_is_float():
    c, t = _pair([1, 2, 3], "int64", requires_grad=False)
    _same_value(c.logsumexp(0), t.logsumexp(0), rtol=1e-6)


def test_softmax_dtype_argument():
    c, t = _pair([[1.0, 2.0, 3.0]], "float32")
    yc, yt = c.softmax(1, dtype=chainrule.float64), t.softmax(1, dtype=torch.float64)
    _same_value(yc, yt, rtol=1e-6)
    assert yc.grad_fn.name() == yt.grad_fn.name()
    c2, t2 = _pair([[1, 2, 3]], "int64", requires_grad=False)
    _same_value(
        chainrule.log_softmax(c2, 1, dtype=chainrule.float32),
        torch.log_softmax(t2, 1, dtype=torch.float32),
        rtol=1e-6,
    )


# ---------------------------------------------------------------- return types
def test_max_min_return_types():
    c, t = _pair([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]])
    for name in ("max", "min", "median"):
        rc = getattr(c, name)(1)
        rt = getattr(t, name)(1)
        assert type(rc).__name__ == type(rt).__name__ == name
        assert isinstance(rc, tuple) and len(rc) == 2
        vc, ic = rc
        _same_value(vc, rt.values)
        _same_value(ic, rt.indices)
        assert rc.values is vc and rc.indices is ic
        assert str(ic.dtype) == "torch.int64" and not ic.requires_grad
        assert vc.grad_fn.name() == rt.values.grad_fn.name()
    r = chainrule.max(chainrule.tensor([[1.0, 3.0], [3.0, 2.0]]), 1)
    rt = torch.max(torch.tensor([[1.0, 3.0], [3.0, 2.0]]), 1)
    assert repr(r) == repr(rt)


def test_max_with_tensor_is_maximum():
    a, ta = _pair([1.0, 5.0, 2.0])
    b, tb = _pair([3.0, 1.0, 2.0])
    _same_value(chainrule.max(a, b), torch.max(ta, tb))
    _same_value(a.min(b), ta.min(tb))
    _same_value(chainrule.max(a, other=b), torch.max(ta, other=tb))


def test_var_mean_returns_plain_tuple():
    c, t = _pair([[1.0, 2.0], [3.0, 5.0]])
    rc, rt = chainrule.var_mean(c, 1), torch.var_mean(t, 1)
    assert type(rc) is tuple and type(rt) is tuple
    for a, b in zip(rc, rt):
        _same_value(a, b)


# ---------------------------------------------------------------- result dtypes
@pytest.mark.parametrize("dtype", ["bool", "int32", "int64", "uint8", "float32"])
@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x: x.sum(),
        lambda lib, x: x.sum(0),
        lambda lib, x: x.prod(),
        lambda lib, x: x.prod(1),
        lambda lib, x: x.cumsum(0),
        lambda lib, x: x.cumprod(1),
        lambda lib, x: x.argmax(),
        lambda lib, x: x.argmin(1, keepdim=True),
        lambda lib, x: x.argmax(keepdim=True),
        lambda lib, x: x.all(),
        lambda lib, x: x.any(1),
        lambda lib, x: x.all(dim=(0, 1), keepdim=True),
        lambda lib, x: x.count_nonzero(),
        lambda lib, x: x.count_nonzero(dim=0),
        lambda lib, x: lib.trace(x),
        lambda lib, x: x.amax(0),
        lambda lib, x: x.max(),
        lambda lib, x: x.max(1).indices,
        lambda lib, x: x.tril(),
        lambda lib, x: lib.diag(x),
    ],
)
def test_integer_and_bool_results(fn, dtype):
    data = [[1, 0, 2], [3, 1, 0]]
    c, t = _pair(data, dtype, requires_grad=False)
    try:
        rt = fn(torch, t)
    except Exception as e:  # torch refuses this dtype: so must we
        with pytest.raises(type(e)):
            fn(chainrule, c)
        return
    _same_value(fn(chainrule, c), rt)


def test_sum_of_bool_is_int64():
    assert chainrule.tensor([True, False, True]).sum().dtype == chainrule.int64
    assert chainrule.tensor([True, False]).sum().item() == 1


def test_zero_dim_reductions():
    c, t = _pair(3.0)
    for fn in (
        lambda lib, x: x.sum(0),
        lambda lib, x: x.prod(0),
        lambda lib, x: x.max(0).values,
        lambda lib, x: x.argmax(0),
        lambda lib, x: x.cumsum(0),
        lambda lib, x: x.cumprod(-1),
        lambda lib, x: x.softmax(0),
        lambda lib, x: x.logsumexp(0),
        lambda lib, x: x.amax(0),
        lambda lib, x: x.all(0),
        lambda lib, x: x.norm(dim=0),
    ):
        _same_value(fn(chainrule, c), fn(torch, t))


def test_empty_reductions():
    c, t = _pair(np.zeros((0, 3)), requires_grad=False)
    for fn in (
        lambda lib, x: x.sum(0),
        lambda lib, x: x.prod(0),
        lambda lib, x: x.max(1).values,
        lambda lib, x: x.amax(1),
        lambda lib, x: x.norm(),
        lambda lib, x: x.logsumexp(0),
        lambda lib, x: x.cumsum(0),
        lambda lib, x: x.softmax(1),
        lambda lib, x: x.all(),
        lambda lib, x: x.any(0),
    ):
        _same_value(fn(chainrule, c), fn(torch, t))


def test_var_degrees_of_freedom_warning():
    c, t = _pair([1.0])
    with warnings.catch_warnings(record=True) as wc:
        warnings.simplefilter("always")
        vc = c.var()
    with warnings.catch_warnings(record=True) as wt:
        warnings.simplefilter("always")
        vt = t.var()
    _same_value(vc, vt)
    assert [str(w.message)[:40] for w in wc] == [str(w.message)[:40] for w in wt]


def test_var_overloads():
    c, t = _pair([[1.0, 2.0, 4.0], [3.0, 5.0, 9.0]])
    for fn in (
        lambda lib, x: x.var(True),
        lambda lib, x: x.var(False),
        lambda lib, x: x.var(1, True, True),
        lambda lib, x: x.var(1, unbiased=False),
        lambda lib, x: x.std(dim=0, correction=0, keepdim=True),
        lambda lib, x: lib.std(x, (0, 1)),
    ):
        _same_value(fn(chainrule, c), fn(torch, t))


# ---------------------------------------------------------------- matmul node names
@pytest.mark.parametrize(
    "sa,sb",
    [
        ((3,), (3,)),
        ((2, 3), (3,)),
        ((3,), (3, 4)),
        ((2, 3), (3, 4)),
        ((5, 2, 3), (3, 4)),
        ((2, 3), (5, 3, 4)),
        ((5, 2, 3), (5, 3, 4)),
        ((1, 2, 3), (5, 3, 4)),
        ((5, 2, 3), (1, 3, 4)),
        ((1, 2, 3), (1, 3, 4)),
        ((2, 5, 2, 3), (5, 3, 4)),
        ((5, 2, 3), (3,)),
        ((3,), (5, 3, 4)),
        ((2, 3), (1, 3, 4)),
        ((1, 2, 3), (2, 5, 3, 4)),
        ((1, 1, 2, 3), (5, 3, 4)),
        ((1, 5, 2, 3), (4, 1, 3, 4)),
        ((2, 3), (2, 5, 3, 4)),
    ],
)
@pytest.mark.parametrize("ra,rb", [(True, True), (True, False), (False, True)])
def test_matmul_node_names_and_grads(sa, sb, ra, rb):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    ca, cb = chainrule.tensor(a, requires_grad=ra), chainrule.tensor(b, requires_grad=rb)
    ta, tb = torch.tensor(a, requires_grad=ra), torch.tensor(b, requires_grad=rb)
    yc, yt = ca @ cb, ta @ tb
    assert yc.grad_fn.name() == yt.grad_fn.name()
    _same_value(yc, yt)
    w = rng.standard_normal(tuple(yt.shape))
    yc.backward(chainrule.tensor(w))
    yt.backward(torch.tensor(w))
    for c, t in ((ca, ta), (cb, tb)):
        if t.requires_grad:
            _same_value(c.grad, t.grad)


def test_rmatmul_and_float32_kept():
    a = chainrule.ones(2, 3)
    b = np.ones((3, 2), dtype=np.float32)
    assert (a @ chainrule.tensor(b)).dtype == chainrule.float32
    x = chainrule.randn(4, 3, requires_grad=True)
    w = chainrule.randn(3, 2, requires_grad=True)
    (x @ w).sum().backward()
    assert x.grad.dtype == chainrule.float32 and w.grad.dtype == chainrule.float32
    assert chainrule.Tensor.__rmatmul__(chainrule.ones(3), chainrule.ones(2, 3)).shape == (2,)


def test_int_matmul():
    c, t = _pair([[1, 2], [3, 4]], "int64", requires_grad=False)
    _same_value(c @ c, t @ t)


# ---------------------------------------------------------------- errors
ERRORS = [
    (lambda lib, a, b: lib.mm(a, b), np.ones((2, 3)), np.ones((4, 5))),
    (lambda lib, a, b: lib.mm(a, b), np.ones(3), np.ones((3, 4))),
    (lambda lib, a, b: lib.mm(a, b), np.ones((2, 3)), np.ones(3)),
    (lambda lib, a, b: lib.mm(a, b), np.ones((2, 3), np.float32), np.ones((3, 4))),
    (lambda lib, a, b: lib.mm(a, b), np.ones((2, 3), np.int64), np.ones((3, 4), np.float32)),
    (lambda lib, a, b: a @ b, np.ones((2, 3)), np.ones((4, 5))),
    (lambda lib, a, b: a @ b, np.ones(3), np.ones(4)),
    (lambda lib, a, b: a @ b, np.ones((2, 3)), np.ones(4)),
    (lambda lib, a, b: a @ b, np.ones(3), np.ones((4, 5))),
    (lambda lib, a, b: a @ b, np.ones((5, 2, 3)), np.ones((4, 3, 4))),
    (lambda lib, a, b: a @ b, np.ones((5, 2, 3)), np.ones((5, 4, 4))),
    (lambda lib, a, b: a @ b, np.ones((5, 2, 3)), np.ones(4)),
    (lambda lib, a, b: a @ b, np.ones((5, 2, 3)), np.ones((4, 5))),
    (lambda lib, a, b: a @ b, np.ones(()), np.ones(4)),
    (lambda lib, a, b: a @ b, np.ones((2, 3), np.float32), np.ones((3, 4))),
    (lambda lib, a, b: a @ b, np.ones(3, np.float32), np.ones(3)),
    (lambda lib, a, b: a @ b, np.ones((2, 2), bool), np.ones((2, 2), bool)),
    (lambda lib, a, b: lib.dot(a, b), np.ones((2, 3)), np.ones((2, 3))),
    (lambda lib, a, b: lib.dot(a, b), np.ones(3), np.ones(4)),
    (lambda lib, a, b: lib.dot(a, b), np.ones(3, np.float32), np.ones(3)),
    (lambda lib, a, b: lib.mv(a, b), np.ones((2, 3)), np.ones(4)),
    (lambda lib, a, b: lib.mv(a, b), np.ones((2, 3)), np.ones((4, 1))),
    (lambda lib, a, b: lib.bmm(a, b), np.ones((2, 3)), np.ones((3, 4))),
    (lambda lib, a, b: lib.bmm(a, b), np.ones((2, 2, 3)), np.ones((3, 3, 4))),
    (lambda lib, a, b: lib.bmm(a, b), np.ones((2, 2, 3), np.float32), np.ones((2, 3, 4))),
    (lambda lib, a, b: lib.outer(a, b), np.ones((2, 2)), np.ones(2)),
    (lambda lib, a, b: lib.addmm(a, b, b), np.ones(3), np.ones((2, 3))),
    (lambda lib, a, b: lib.einsum("ij,jk", a, b), np.ones((2, 3)), np.ones((4, 5))),
    (lambda lib, a, b: lib.einsum("ij", a, b), np.ones((2, 3)), np.ones((4, 5))),
    (lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), np.ones((2, 3), np.float32), np.ones((3, 4))),
    (lambda lib, a: lib.einsum("ijk", a), np.ones((2, 3))),
    (lambda lib, a: lib.einsum("i->ii", a), np.ones(2)),
    (lambda lib, a: lib.einsum("ij->k", a), np.ones((2, 3))),
    (lambda lib, a: lib.einsum("ii->i", a), np.ones((2, 3))),
    (lambda lib, a: lib.trace(a), np.ones(3)),
    (lambda lib, a: lib.diag(a), np.ones((2, 2, 2))),
    (lambda lib, a: lib.tril(a), np.ones(3)),
    (lambda lib, a: lib.triu(a), np.ones(3)),
    (lambda lib, a: a.max(), np.ones(0)),
    (lambda lib, a: a.max(0), np.ones((0, 3))),
    (lambda lib, a: a.max(2), np.ones((2, 3))),
    (lambda lib, a: a.argmax(), np.ones((0, 3))),
    (lambda lib, a: a.argmax(dim=2), np.ones((2, 3))),
    (lambda lib, a: a.amax(1), np.ones((2, 0))),
    (lambda lib, a: a.prod((0, 1)), np.ones((2, 3))),
    (lambda lib, a: a.var(), np.ones(3, np.int64)),
    (lambda lib, a: a.norm(), np.ones(3, np.int64)),
    (lambda lib, a: a.norm(p="nuc"), np.ones(3)),
    (lambda lib, a: a.mean(), np.ones(3, np.int64)),
    (lambda lib, a: a.softmax(0), np.ones(3, np.int64)),
    (lambda lib, a: a.softmax(0), np.ones((3, 2), np.int64)),
    (lambda lib, a: a.log_softmax(-1), np.ones(3, np.int64)),
    (lambda lib, a: a.cumsum(dim=1), np.ones(2)),
    (lambda lib, a: a.sum(3), np.ones((2, 2))),
    (lambda lib, a: lib.logsumexp(a), np.ones(2)),
    (lambda lib, a: lib.softmax(a), np.ones(2)),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_as_torch(case):
    fn, *arrays = ERRORS[case]
    _same_error(fn, *arrays)


# ---------------------------------------------------------------- einsum extras
def test_einsum_result_is_new_memory():
    c = chainrule.tensor([[1.0, 2.0], [3.0, 4.0]])
    d = chainrule.einsum("ii->i", c)
    d.add_(1) if hasattr(d, "add_") else None
    assert c.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_einsum_double_backward_and_broadcast():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((1, 2, 3)), rng.standard_normal((5, 3, 4))
    ca, cb = chainrule.tensor(a, requires_grad=True), chainrule.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    yc = chainrule.einsum("bij,bjk->bik", ca, cb)
    yt = torch.einsum("bij,bjk->bik", ta, tb)
    v = rng.standard_normal(tuple(yt.shape))
    (gc,) = chainrule.autograd.grad(yc * yc, ca, chainrule.tensor(v), create_graph=True)
    (gt,) = torch.autograd.grad(yt * yt, ta, torch.tensor(v), create_graph=True)
    _same_value(gc, gt)
    w = rng.standard_normal(tuple(gt.shape))
    (hc,) = chainrule.autograd.grad(gc, cb, chainrule.tensor(w))
    (ht,) = torch.autograd.grad(gt, tb, torch.tensor(w))
    _same_value(hc, ht)


def test_tril_triu_in_place():
    for name in ("tril_", "triu_"):
        c, t = _pair([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        yc = getattr(c * 2, name)(1)
        yt = getattr(t * 2, name)(1)
        _same_value(yc, yt)
        assert yc.grad_fn.name() == yt.grad_fn.name()
        yc.backward(chainrule.ones_like(yc))
        yt.backward(torch.ones_like(yt))
        _same_value(c.grad, t.grad)


@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x: x.max(),
        lambda lib, x: x.min(),
        lambda lib, x: x.amax(),
        lambda lib, x: x.max(0).values,
        lambda lib, x: x.median(),
    ],
    ids=["max", "min", "amax", "max_dim", "median"],
)
def test_nan_gradients(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _same_grad(fn, [1.0, math.nan, 3.0, math.nan])


@pytest.mark.parametrize(
    "eq,shapes",
    [
        ("...cdd,bd,...dbd->", [(1, 5, 4, 1, 1), (3, 1), (5, 1, 1, 3, 1)]),
        ("ij,j->i", [(2, 1), (3,)]),
        ("ii,i->i", [(1, 1), (3,)]),
        ("i...,...->i", [(2, 1, 3), (4, 1)]),
        ("abc,cd->", [(2, 3, 4), (4, 5)]),
    ],
)
def test_einsum_broadcast_gradients(eq, shapes):
    rng = np.random.default_rng(2)
    arrs = [rng.standard_normal(s) for s in shapes]
    cs = [chainrule.tensor(a, requires_grad=True) for a in arrs]
    ts = [torch.tensor(a, requires_grad=True) for a in arrs]
    yc, yt = chainrule.einsum(eq, *cs), torch.einsum(eq, *ts)
    _same_value(yc, yt)
    assert yc.grad_fn.name() == yt.grad_fn.name()
    w = rng.standard_normal(tuple(yt.shape))
    yc.backward(chainrule.tensor(w))
    yt.backward(torch.tensor(w))
    for c, t in zip(cs, ts):
        _same_value(c.grad, t.grad)


def test_numpy_axis_keepdims_aliases():
    c, t = _pair([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    for fn in (
        lambda lib, x: x.sum(axis=0),
        lambda lib, x: x.sum(1, keepdims=True),
        lambda lib, x: lib.mean(x, axis=1),
        lambda lib, x: x.amax(axis=0, keepdims=True),
        lambda lib, x: x.max(axis=1).values,
        lambda lib, x: x.argmin(axis=1),
        lambda lib, x: x.std(axis=0),
        lambda lib, x: x.logsumexp(axis=1),
        lambda lib, x: x.cumsum(axis=1),
        lambda lib, x: x.softmax(axis=0),
        lambda lib, x: x.any(axis=0),
    ):
        _same_value(fn(chainrule, c), fn(torch, t))


def test_return_types_namespace_and_pickle():
    import pickle

    r = chainrule.tensor([[1.0, 4.0], [3.0, 2.0]]).max(1)
    assert isinstance(r, chainrule.return_types.max)
    back = pickle.loads(pickle.dumps(r))
    assert type(back) is type(r)
    assert back.indices.tolist() == [1, 0] and back.values.tolist() == [4.0, 3.0]


def test_linalg_module():
    import chainrule.linalg as la

    c, t = _pair([[2.0, 1.0], [1.0, 3.0]])
    _same_value(la.vector_norm(c, 1), torch.linalg.vector_norm(t, 1))
    _same_value(la.norm(c), torch.linalg.norm(t))
    _same_value(la.det(c), torch.linalg.det(t))
    _same_value(la.inv(c), torch.linalg.inv(t))


def test_einsum_four_operands_double_backward():
    rng = np.random.default_rng(3)
    arrs = [rng.standard_normal(s) for s in ((2, 2), (2, 3), (3,), (3, 2))]
    eq = "ii,ij,j,jk->k"
    cs = [chainrule.tensor(a, requires_grad=True) for a in arrs]
    ts = [torch.tensor(a, requires_grad=True) for a in arrs]
    gc = chainrule.autograd.grad(
        chainrule.einsum(eq, *cs), cs, chainrule.ones(2, dtype=chainrule.float64), create_graph=True
    )
    gt = torch.autograd.grad(
        torch.einsum(eq, *ts), ts, torch.ones(2, dtype=torch.float64), create_graph=True
    )
    w = [rng.standard_normal(a.shape) for a in arrs]
    hc = chainrule.autograd.grad(gc, cs, [chainrule.tensor(v) for v in w], allow_unused=True)
    ht = torch.autograd.grad(gt, ts, [torch.tensor(v) for v in w], allow_unused=True)
    for a, b in zip(hc, ht):
        assert (a is None) == (b is None) or not np.any(_np(a if a is not None else b))
        if a is not None and b is not None:
            _same_value(a, b)


# ---------------------------------------------------------------- fast entry points
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_full_mean_rounds_as_numpy_and_torch(dtype):
    """mean() of a whole float tensor skips np.mean's wrapper; its rounding must not change."""
    rng = np.random.default_rng(3)
    for n in (1, 7, 1000, 100_003):
        a = (rng.standard_normal(n) * 10 + 3).astype(dtype)
        got = chainrule.tensor(a).mean()
        assert got.dtype == getattr(chainrule, dtype)
        assert got.numpy() == np.mean(a)  # bit for bit
        np.testing.assert_allclose(got.item(), torch.tensor(a).mean().item(), rtol=1e-3)
    empty = chainrule.tensor(np.zeros(0, dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert math.isnan(empty.mean().item())


def test_matrix_matmul_fast_path_keeps_checks_and_node():
    """2-D @ 2-D takes a short path; mismatches still get PyTorch's errors."""
    c = chainrule.ones(2, 3, requires_grad=True) @ chainrule.ones(3, 4)
    assert c.grad_fn.name() == "MmBackward0"
    c.sum().backward()
    with pytest.raises(
        RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x4\)"
    ):
        chainrule.ones(2, 3) @ chainrule.ones(2, 4)
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype"):
        chainrule.ones(2, 3) @ chainrule.ones(3, 4, dtype=chainrule.float64)
    out = chainrule.empty(2, 4)
    chainrule.matmul(chainrule.ones(2, 3), chainrule.ones(3, 4), out=out)
    assert out.tolist() == [[3.0] * 4] * 2


@pytest.mark.parametrize(
    "shapes, kernel",
    [
        (((3,), (3,)), "dot"),
        (((2, 3), (3,)), "addmv_impl_cpu"),
        (((3,), (3, 2)), "addmm_impl_cpu_"),
        (((2, 2, 3), (2, 3, 2)), "bmm"),
    ],
)
def test_bool_matmul_names_torch_kernel(shapes, kernel):
    (sa, sb) = shapes
    for lib in (chainrule, torch):
        a, b = lib.ones(*sa, dtype=lib.bool), lib.ones(*sb, dtype=lib.bool)
        with pytest.raises(NotImplementedError, match=f"\"{kernel}\" not implemented for 'Bool'"):
            a @ b


def test_dot_inner_dist_cross_dtype_errors_as_torch():
    cases = [
        (lambda L: L.dot(L.ones(3, dtype=L.bool), L.ones(3, dtype=L.bool)), NotImplementedError),
        (lambda L: L.inner(L.ones(3), L.ones(3, dtype=L.float64)), RuntimeError),
        (lambda L: L.inner(L.ones(2, 3), L.ones(2, 3, dtype=L.float64)), RuntimeError),
        (lambda L: L.dist(L.ones(3, dtype=L.int64), L.ones(3, dtype=L.int64)), RuntimeError),
        (lambda L: L.dist(L.ones(3, dtype=L.uint8), L.ones(3, dtype=L.uint8)), RuntimeError),
        (lambda L: L.cross(L.ones(3, dtype=L.bool), L.ones(3), dim=0), NotImplementedError),
        (
            lambda L: L.linalg.cross(L.ones(3, dtype=L.bool), L.ones(3, dtype=L.bool)),
            NotImplementedError,
        ),
        (lambda L: L.cross(L.ones(3), L.ones(3, dtype=L.bool), dim=0), RuntimeError),
    ]
    for fn, exc in cases:
        _same_error(fn, expected=exc)


def test_remainder_zero_takes_the_sign_of_the_dividend():
    a = [0.0, -0.0, 3.0, -3.0, 2.5, 4.0]
    b = [-1.5, 1.5, -1.5, 1.5, -1.0, 2.0]
    for dtype in ("float32", "float64"):
        got = chainrule.remainder(
            chainrule.tensor(a, dtype=getattr(chainrule, dtype)),
            chainrule.tensor(b, dtype=getattr(chainrule, dtype)),
        )
        want = torch.remainder(
            torch.tensor(a, dtype=getattr(torch, dtype)),
            torch.tensor(b, dtype=getattr(torch, dtype)),
        )
        np.testing.assert_array_equal(np.signbit(got.numpy()), np.signbit(want.numpy()))
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert repr(chainrule.tensor(a) % -1.5) == repr(torch.tensor(a) % -1.5)
    assert repr(chainrule.tensor(-3.0) % 1.5) == repr(torch.tensor(-3.0) % 1.5)


def test_dim_argument_errors_as_torch():
    """A tuple where one dim is expected, a missing dim, and bool inputs: torch's type and text."""
    cases = [
        lambda L: L.cumsum(L.ones(2, 3), dim=(0, 1)),
        lambda L: L.cummax(L.ones(2, 3), dim=(0, 1)),
        lambda L: L.softmax(L.ones(2, 3), dim=(0, 1)),
        lambda L: L.log_softmax(L.ones(2, 3), dim=(0, 1)),
        lambda L: L.median(L.ones(2, 3), dim=(0, 1)),
        lambda L: L.topk(L.ones(2, 3), 1, dim=(0, 1)),
        lambda L: L.kthvalue(L.ones(2, 3), 1, dim=(0, 1)),
        lambda L: L.mode(L.ones(2, 3), dim=(0, 1)),
        lambda L: L.argmax(L.ones(2, 3, dtype=L.bool), dim=(0, 1)),
        lambda L: L.cumsum(L.ones(3)),
        lambda L: L.cumprod(L.ones(3)),
        lambda L: L.cummin(L.ones(3)),
        lambda L: L.ones(3, dtype=L.bool).topk(1),
        lambda L: L.ones(3, dtype=L.bool).median(),
        lambda L: L.ones(3, dtype=L.bool).median(0),
        lambda L: L.ones(3, dtype=L.bool).kthvalue(1),
        lambda L: L.var_mean(L.ones(3, dtype=L.int64)),
        lambda L: L.std_mean(L.ones(3, dtype=L.int64)),
        lambda L: L.ones(2, 3).flip(),
    ]
    for fn in cases:
        _same_error(fn)
    with pytest.raises(TypeError):  # sort/argsort take one int dim (torch: an overload error)
        chainrule.sort(chainrule.ones(2, 3), dim=(0, 1))


def test_scalar_and_unique_dim_errors_as_torch():
    cases = [
        lambda L: L.sort(L.tensor(1.0), 1),
        lambda L: L.argsort(L.tensor(1.0), 1),
        lambda L: L.topk(L.tensor(1.0), 1, dim=1),
        lambda L: L.topk(L.ones(3, dtype=L.bool), 1, dim=1),
        lambda L: L.cummax(L.tensor(1.0), 1),
        lambda L: L.median(L.ones(3, dtype=L.bool), 1),
        lambda L: L.kthvalue(L.ones(3, dtype=L.bool), 1, 1),
        lambda L: L.unique(L.tensor(1.0), dim=0),
        lambda L: L.unique(L.ones(3), dim=1),
        lambda L: L.unique(L.ones(3), dim=(0, 1)),
    ]
    for fn in cases:
        _same_error(fn)
    assert chainrule.sort(chainrule.tensor(2.0), -1).values.item() == 2.0
