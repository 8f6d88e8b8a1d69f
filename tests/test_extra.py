"""The extra functions (ops/extra.py): values, dtypes, errors and gradients against torch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule
from chainrule.autograd import gradcheck


@pytest.fixture
def T():
    return pytest.importorskip("torch")


def _np(x):
    return np.asarray(x.detach().numpy()) if hasattr(x, "detach") else np.asarray(x)


def _same(c, t, **tol):
    if isinstance(t, tuple):
        assert isinstance(c, tuple) and len(c) == len(t)
        for a, b in zip(c, t):
            _same(a, b, **tol)
        return
    if not hasattr(t, "dtype"):
        assert c == t
        return
    assert str(c.dtype) == str(t.dtype)
    assert tuple(c.shape) == tuple(t.shape)
    np.testing.assert_allclose(_np(c), _np(t), equal_nan=True, **tol)


def _both(T, fn, *arrays, dtype=None):
    """fn(lib, *tensors) on chainrule and torch over the same data."""
    cs = [chainrule.tensor(np.asarray(a, dtype=dtype)) for a in arrays]
    ts = [T.tensor(np.asarray(a, dtype=dtype)) for a in arrays]
    return fn(chainrule, *cs), fn(T, *ts)


def _raises_like(T, fn, *arrays, dtype=None):
    cs = [chainrule.tensor(np.asarray(a, dtype=dtype)) for a in arrays]
    ts = [T.tensor(np.asarray(a, dtype=dtype)) for a in arrays]
    with pytest.raises(Exception) as te:
        fn(T, *ts)
    with pytest.raises(type(te.value)) as ce:
        fn(chainrule, *cs)
    assert str(ce.value).split("\n")[0] == str(te.value).split("\n")[0]


# ---------------------------------------------------------------- new_*


def test_new_methods(T):
    for lib in (chainrule, T):
        assert not hasattr(lib, "new_zeros") or lib is T
    for dt in ("int32", "float64", "bool"):
        c = chainrule.ones(2, dtype=getattr(chainrule, dt))
        t = T.ones(2, dtype=getattr(T, dt))
        _same(c.new_zeros(2, 3), t.new_zeros(2, 3))
        _same(c.new_zeros((2, 3)), t.new_zeros((2, 3)))
        _same(c.new_ones([1, 2]), t.new_ones([1, 2]))
        _same(c.new_empty(4).shape and c.new_empty(4).zero_(), t.new_empty(4).zero_())
        _same(c.new_full((2,), 1), t.new_full((2,), 1))
        _same(c.new_tensor([1.5, 0.0]), t.new_tensor([1.5, 0.0]))
        _same(c.new_ones(2, dtype=chainrule.int64), t.new_ones(2, dtype=T.int64))
        _same(c.new_tensor([1], dtype=chainrule.float32), t.new_tensor([1], dtype=T.float32))
    x = chainrule.ones(2).new_zeros(3, requires_grad=True)
    assert x.requires_grad and x.is_leaf
    assert chainrule.ones(2).new_tensor(3.0, requires_grad=True).requires_grad


# ---------------------------------------------------------------- comparisons


def test_isclose_allclose_equal(T):
    a = [1.0, 2.0, float("nan"), float("inf"), 1e-9]
    b = [1.0 + 1e-6, 2.1, float("nan"), float("inf"), 0.0]
    for kw in ({}, {"equal_nan": True}, {"rtol": 0.1, "atol": 0.0}, {"atol": 1e-10, "rtol": 0}):
        _same(*_both(T, lambda lib, x, y: lib.isclose(x, y, **kw), a, b))
        _same(*_both(T, lambda lib, x, y: x.isclose(y, **kw), a, b))
        c, t = _both(T, lambda lib, x, y: lib.allclose(x, y, **kw), a, b)
        assert c == t and type(c) is bool
        c, t = _both(T, lambda lib, x, y: lib.allclose(x[:2], y[:2] * 0 + x[:2], **kw), a, b)
        assert c == t
    _same(*_both(T, lambda lib, x, y: lib.isclose(x, y), [1, 2, 3], [1, 3, 3]))
    _same(*_both(T, lambda lib, x, y: lib.isclose(x, y), [[1.0], [2.0]], [1.0, 2.0]))
    for x, y in (([1, 2], [1, 2]), ([1, 2], [1, 3]), ([1, 2], [1, 2, 3]), ([[1, 2]], [1, 2])):
        c, t = _both(T, lambda lib, p, q: lib.equal(p, q), x, y)
        assert c is t
        c, t = _both(T, lambda lib, p, q: p.equal(q), x, y)
        assert c is t


def test_isclose_errors(T):
    with pytest.raises(RuntimeError, match="Float did not match Double"):
        chainrule.isclose(chainrule.ones(2), chainrule.ones(2, dtype=chainrule.float64))
    _raises_like(T, lambda lib, x: lib.isclose(x, x, rtol=-1), [1.0])
    _raises_like(T, lambda lib, x: lib.isclose(x, x, atol=-1), [1.0])


# ---------------------------------------------------------------- pointwise


def _grads(T, fn, shapes, domain=None, seed=0):
    """Values and input gradients (random upstream) of fn(lib, *xs) in float64 vs torch."""
    rng = np.random.default_rng(seed)
    arrays = []
    for s in shapes:
        a = rng.standard_normal(s)
        if domain == "positive":
            a = rng.uniform(0.5, 2.0, s)
        elif domain == "unit":
            a = rng.uniform(0.1, 0.9, s)
        arrays.append(a)
    cs = [chainrule.tensor(a, requires_grad=True) for a in arrays]
    ts = [T.tensor(a, requires_grad=True) for a in arrays]
    yc, yt = fn(chainrule, *cs), fn(T, *ts)
    _same(yc, yt, rtol=1e-10, atol=1e-12)
    g = rng.standard_normal(tuple(yt.shape))
    gc = chainrule.autograd.grad(yc, cs, chainrule.tensor(g), allow_unused=True)
    gt = T.autograd.grad(yt, ts, T.tensor(g), allow_unused=True)
    for a, b in zip(gc, gt):
        if b is None:
            assert a is None or not np.any(_np(a))
        else:
            _same(a, b, rtol=1e-9, atol=1e-11)
    assert gradcheck(lambda *xs: fn(chainrule, *xs), tuple(cs))


DIFFERENTIABLE = [
    ("addcmul", lambda lib, a, b, c: lib.addcmul(a, b, c, value=0.5), [(2, 3), (3,), (2, 1)], None),
    ("addcmul1", lambda lib, a, b, c: a.addcmul(b, c), [(3,), (3,), (3,)], None),
    (
        "addcdiv",
        lambda lib, a, b, c: lib.addcdiv(a, b, c, value=-2),
        [(2, 3), (3,), (2, 3)],
        "positive",
    ),
    ("xlogy", lambda lib, a, b: lib.xlogy(a, b), [(2, 3), (3,)], "positive"),
    ("xlogy_scalar", lambda lib, b: lib.xlogy(2.5, b), [(4,)], "positive"),
    ("logit", lambda lib, a: lib.logit(a), [(5,)], "unit"),
    ("logit_eps", lambda lib, a: a.logit(eps=0.3), [(6,)], "unit"),
    ("deg2rad", lambda lib, a: lib.deg2rad(a), [(3,)], None),
    ("rad2deg", lambda lib, a: a.rad2deg(), [(3,)], None),
    ("sum_to_size", lambda lib, a: a.sum_to_size(1, 3), [(2, 2, 3)], None),
    ("nansum", lambda lib, a: lib.nansum(a, 1), [(2, 3)], None),
    ("nanmean", lambda lib, a: lib.nanmean(a, 0, keepdim=True), [(2, 3)], None),
    ("diff", lambda lib, a, p: lib.diff(a, n=2, dim=0, prepend=p), [(4, 3), (1, 3)], None),
    ("kron", lambda lib, a, b: lib.kron(a, b), [(2, 3), (3,)], None),
    (
        "tensordot",
        lambda lib, a, b: lib.tensordot(a, b, dims=([1, 0], [0, 2])),
        [(3, 2, 4), (2, 5, 3)],
        None,
    ),
    ("tensordot_int", lambda lib, a, b: lib.tensordot(a, b, 1), [(2, 3), (3, 4)], None),
    ("dist", lambda lib, a, b: lib.dist(a, b), [(2, 3), (3,)], None),
    ("dist_p1", lambda lib, a, b: a.dist(b, p=3), [(4,), (4,)], None),
    ("cdist", lambda lib, a, b: lib.cdist(a, b), [(2, 3, 4), (2, 5, 4)], None),
    ("cdist_p1", lambda lib, a, b: lib.cdist(a, b, p=1.5), [(3, 2), (4, 2)], None),
    ("diag_embed", lambda lib, a: lib.diag_embed(a), [(2, 3)], None),
    ("diag_embed_off", lambda lib, a: a.diag_embed(offset=-1, dim1=0, dim2=2), [(2, 3)], None),
    ("trapezoid", lambda lib, y: lib.trapezoid(y, dx=0.5), [(3, 4)], None),
    ("trapezoid_x", lambda lib, y, x: lib.trapezoid(y, x, dim=0), [(4, 3), (4,)], None),
    ("trapz", lambda lib, y, x: lib.trapz(y, x), [(2, 4), (2, 4)], None),
    ("kthvalue", lambda lib, a: lib.kthvalue(a, 2, 1).values, [(3, 4)], None),
    ("mode", lambda lib, a: a.mode(0, keepdim=True).values, [(3, 4)], None),
    ("cartesian_prod", lambda lib, a, b: lib.cartesian_prod(a, b), [(2,), (3,)], None),
    ("block_diag", lambda lib, a, b, c: lib.block_diag(a, b, c), [(2, 3), (3,), ()], None),
    ("cov", lambda lib, a: lib.cov(a), [(3, 5)], None),
    ("cross", lambda lib, a, b: lib.cross(a, b, dim=0), [(3, 2), (3, 2)], None),
    ("linalg_cross", lambda lib, a, b: lib.linalg.cross(a, b), [(2, 3), (1, 3)], None),
    ("cov_w", lambda lib, a, w: lib.cov(a, correction=2, aweights=w), [(2, 5), (5,)], "positive"),
    ("corrcoef", lambda lib, a: a.corrcoef(), [(3, 6)], None),
]


@pytest.mark.parametrize(
    "name,fn,shapes,domain", DIFFERENTIABLE, ids=[d[0] for d in DIFFERENTIABLE]
)
def test_gradients(T, name, fn, shapes, domain):
    _grads(T, fn, shapes, domain)


def test_pointwise_values(T):
    _same(*_both(T, lambda lib, x, y: lib.xlogy(x, y), [0, 1, 2], [0, 2, 0]))
    _same(*_both(T, lambda lib, x, y: lib.xlogy(x, y), [0.0, 0.0], [float("nan"), 0.0]))
    _same(*_both(T, lambda lib, y: lib.xlogy(y, 3), [0.0, 1.0]))
    _same(*_both(T, lambda lib, x: lib.logit(x), [0, 1]))
    _same(*_both(T, lambda lib, x: lib.logit(x, 0.2), [0.0, 0.5, 1.0], dtype="float32"))
    _same(*_both(T, lambda lib, x: lib.deg2rad(x), [180, 90]))
    _same(*_both(T, lambda lib, x: lib.rad2deg(x), [3.0, 1.0], dtype="float32"))
    _same(*_both(T, lambda lib, a, b: lib.addcmul(a, b, b, value=2), [1, 2], [3, 4]))
    _raises_like(T, lambda lib, a, b: lib.addcdiv(a, b, b), [1, 2], [3, 4])
    c, t = chainrule.ones(3), T.ones(3)
    c.addcmul_(chainrule.ones(3) * 2, chainrule.ones(3), value=3)
    t.addcmul_(T.ones(3) * 2, T.ones(3), value=3)
    _same(c, t)
    c.addcdiv_(chainrule.ones(3) * 2, chainrule.ones(3) * 4, value=-1)
    t.addcdiv_(T.ones(3) * 2, T.ones(3) * 4, value=-1)
    _same(c, t)
    assert not hasattr(chainrule, "addcmul_")


def test_inplace_addcmul_grad(T):
    def run(lib):
        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        y = x * 1
        y.addcmul_(x, x, value=2)
        y.sum().backward()
        return x.grad

    _same(run(chainrule), run(T))


# ---------------------------------------------------------------- dtype information


def test_finfo_iinfo(T):
    for name in ("float16", "float32", "float64", "complex64", "complex128"):
        c, t = chainrule.finfo(getattr(chainrule, name)), T.finfo(getattr(T, name))
        assert repr(c) == repr(t)
        for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
            assert getattr(c, attr) == getattr(t, attr), attr
            assert type(getattr(c, attr)) is type(getattr(t, attr)), attr
    assert repr(chainrule.finfo()) == repr(T.finfo())
    assert chainrule.finfo(chainrule.float32) == chainrule.finfo(chainrule.float32)
    for name in ("uint8", "int8", "int16", "int32", "int64"):
        c, t = chainrule.iinfo(getattr(chainrule, name)), T.iinfo(getattr(T, name))
        assert repr(c) == repr(t)
        for attr in ("bits", "max", "min", "dtype"):
            assert getattr(c, attr) == getattr(t, attr)
            assert type(getattr(c, attr)) is type(getattr(t, attr))
    for lib_c, lib_t, bad in (
        (chainrule.finfo, T.finfo, "int32"),
        (chainrule.iinfo, T.iinfo, "float32"),
        (chainrule.iinfo, T.iinfo, "bool"),
    ):
        with pytest.raises(TypeError) as te:
            lib_t(getattr(T, bad))
        with pytest.raises(TypeError, match=str(te.value).split()[0].replace(".", r"\.")):
            lib_c(getattr(chainrule, bad))


DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64", "complex64"]


def test_result_type_can_cast(T):
    for a in DTYPES:
        for b in DTYPES:
            ca, cb = getattr(chainrule, a), getattr(chainrule, b)
            ta, tb = getattr(T, a), getattr(T, b)
            if {a, b} == {"float16", "complex64"}:
                continue  # torch gives complex32, which chainrule does not have
            assert chainrule.can_cast(ca, cb) == T.can_cast(ta, tb), (a, b)
            c = chainrule.result_type(chainrule.ones(2, dtype=ca), chainrule.ones((), dtype=cb))
            t = T.result_type(T.ones(2, dtype=ta), T.ones((), dtype=tb))
            assert str(c) == str(t), (a, b)
        for s in (1, 2.5, True, 1j):
            if a == "float16" and s == 1j:
                continue  # complex32 again
            c = chainrule.result_type(chainrule.ones(1, dtype=getattr(chainrule, a)), s)
            assert str(c) == str(T.result_type(T.ones(1, dtype=getattr(T, a)), s)), (a, s)
    assert str(chainrule.result_type(2, 3.0)) == str(T.result_type(2, 3.0))


def test_is_nonzero(T):
    for data in ([0.0], [2], 0, [[True]], [False]):
        c, t = _both(T, lambda lib, x: lib.is_nonzero(x), data)
        assert c is t
    assert chainrule.tensor([3]).is_nonzero()
    _raises_like(T, lambda lib, x: lib.is_nonzero(x), [1, 2])
    _raises_like(T, lambda lib, x: lib.is_nonzero(x), np.zeros(0))


# ---------------------------------------------------------------- reductions and friends


def test_reduction_values(T):
    x = [[1.0, float("nan"), 2.0], [float("nan"), float("nan"), 4.0]]
    for kw in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}, {"dim": (0, 1)}):
        _same(*_both(T, lambda lib, a: lib.nansum(a, **kw), x))
        _same(*_both(T, lambda lib, a: a.nanmean(**kw), x))
    _same(*_both(T, lambda lib, a: lib.nansum(a), [[1, 2], [3, 4]]))
    _same(*_both(T, lambda lib, a: lib.nansum(a, dtype=lib.float64), [1.0, 2.0], dtype="float32"))
    _raises_like(T, lambda lib, a: lib.nanmean(a), [1, 2])
    _same(*_both(T, lambda lib, a: a.sum_to_size(2, 1), np.ones((2, 3))))
    _same(*_both(T, lambda lib, a: a.sum_to_size((3,)), np.ones((2, 3))))
    _same(*_both(T, lambda lib, a: a.sum_to_size(2, 3), np.ones((2, 3))))
    _raises_like(T, lambda lib, a: a.sum_to_size(3, 3), np.ones((2, 3)))


def test_diff_values(T):
    x = np.arange(10.0).reshape(2, 5) ** 2
    for kw in ({}, {"n": 2}, {"n": 0}, {"n": 7}, {"dim": 0}):
        _same(*_both(T, lambda lib, a: lib.diff(a, **kw), x))
    _same(
        *_both(
            T,
            lambda lib, a, p, q: a.diff(n=2, prepend=p, append=q),
            x,
            np.zeros((2, 1)),
            np.ones((2, 2)),
        )
    )
    _same(*_both(T, lambda lib, a: lib.diff(a), [True, False, False]))
    _same(*_both(T, lambda lib, a: lib.diff(a), [1, 5, 2]))
    _raises_like(T, lambda lib, a, p: lib.diff(a, prepend=p), x, np.zeros(3))
    _raises_like(T, lambda lib, a: lib.diff(a), 1.0)


def test_products_values(T):
    _same(*_both(T, lambda lib, a, b: lib.kron(a, b), [1, 2], [[1, 10], [100, 1000]]))
    _same(*_both(T, lambda lib, a, b: a.kron(b), np.ones((2, 1, 3)), np.arange(4.0).reshape(2, 2)))
    _same(*_both(T, lambda lib, a, b: lib.tensordot(a, b, dims=0), np.ones((2, 3)), np.ones(4)))
    _same(*_both(T, lambda lib, a, b: lib.tensordot(a, b), np.ones((2, 3, 4)), np.ones((3, 4))))
    _same(*_both(T, lambda lib, a, b: lib.tensordot(a, b, ([1], [0])), [[1, 2]], [[3], [4]]))
    _raises_like(T, lambda lib, a, b: lib.tensordot(a, b, 1), np.ones((2, 3)), np.ones((4, 3)))
    for p in (0, 1, 2, 3.5, float("inf")):
        _same(
            *_both(
                T,
                lambda lib, a, b: lib.dist(a, b, p),
                [1.0, -2.0, 0.0],
                [0.5, 1.0, 0.0],
                dtype="float32",
            )
        )
        _same(
            *_both(
                T,
                lambda lib, a, b: lib.cdist(a, b, p),
                np.arange(6.0).reshape(3, 2),
                np.ones((4, 2)),
            ),
            rtol=1e-6,
        )
    _raises_like(T, lambda lib, a, b: lib.cdist(a, b), np.ones(3), np.ones((2, 3)))
    _raises_like(T, lambda lib, a, b: lib.cdist(a, b), np.ones((2, 3)), np.ones((2, 4)))


def test_cdist_zero_distance_grad(T):
    def run(lib):
        x = lib.tensor([[0.0, 1.0], [2.0, 3.0]], dtype=lib.float64, requires_grad=True)
        lib.cdist(x, x).sum().backward()
        return x.grad

    _same(run(chainrule), run(T))


def test_diag_embed_trapezoid_values(T):
    x = np.arange(6).reshape(2, 3)
    for kw in (
        {},
        {"offset": 1},
        {"offset": -2},
        {"dim1": 0, "dim2": 2},
        {"dim1": -1, "dim2": 0, "offset": 1},
    ):
        _same(*_both(T, lambda lib, a: lib.diag_embed(a, **kw), x))
    _same(*_both(T, lambda lib, a: lib.diag_embed(a), [1.5]))
    y = [[1.0, 2.0, 3.0], [0.0, 4.0, 1.0]]
    _same(*_both(T, lambda lib, a: lib.trapezoid(a), y))
    _same(*_both(T, lambda lib, a: lib.trapezoid(a, dx=2, dim=0), y))
    _same(*_both(T, lambda lib, a: lib.trapezoid(a), [1, 2, 3]))
    _same(*_both(T, lambda lib, a, b: lib.trapezoid(a, b), y, [0.0, 1.0, 3.0]))
    _same(*_both(T, lambda lib, a: lib.trapz(a), [[5.0]]))
    _same(*_both(T, lambda lib, a: lib.trapezoid(a), np.zeros((2, 0))))


# ---------------------------------------------------------------- set-like, search, sampling


def test_unique(T):
    x = [3, 1, 2, 3, 1, 1]
    for kw in (
        {},
        {"return_inverse": True},
        {"return_counts": True},
        {"return_inverse": True, "return_counts": True},
    ):
        _same(*_both(T, lambda lib, a: lib.unique(a, **kw), x))
        _same(*_both(T, lambda lib, a: a.unique(**kw), [[2.0, 1.0], [2.0, 0.5]]))
        _same(*_both(T, lambda lib, a: lib.unique(a, dim=0, **kw), [[1, 2], [1, 2], [0, 5]]))
        _same(*_both(T, lambda lib, a: lib.unique(a, dim=1, **kw), [[1, 2, 1], [0, 5, 0]]))
        _same(*_both(T, lambda lib, a: lib.unique_consecutive(a, **kw), x))
        _same(
            *_both(
                T,
                lambda lib, a: a.unique_consecutive(dim=0, **kw),
                [[1, 2], [1, 2], [0, 5], [1, 2]],
            )
        )
        _same(*_both(T, lambda lib, a: lib.unique_consecutive(a, **kw), [[1, 1], [2, 1]]))


def test_search(T):
    b = [1.0, 2.0, 3.0]
    v = [[0.5, 2.0, 3.5], [1.0, 3.0, 2.5]]
    for kw in ({}, {"right": True}, {"out_int32": True}):
        _same(*_both(T, lambda lib, x, bb: lib.bucketize(x, bb, **kw), v, b))
        _same(*_both(T, lambda lib, bb, x: lib.searchsorted(bb, x, **kw), b, v))
        _same(
            *_both(
                T,
                lambda lib, bb, x: lib.searchsorted(bb, x, **kw),
                [[1, 3, 5], [2, 2, 4]],
                [[2, 5], [2, 9]],
            )
        )
    _same(*_both(T, lambda lib, bb, x: lib.searchsorted(bb, x, side="right"), b, v))
    _same(*_both(T, lambda lib, bb: lib.bucketize(2.0, bb), b))
    _same(
        *_both(
            T, lambda lib, bb, s: lib.searchsorted(bb, 2.5, sorter=s), [3.0, 1.0, 2.0], [1, 2, 0]
        )
    )
    _raises_like(T, lambda lib, x, bb: lib.bucketize(x, bb), v, [b])
    _raises_like(T, lambda lib, bb, x: lib.searchsorted(bb, x, side="middle"), b, v)


def test_histc(T):
    x = [1.0, 2.0, 1.0, 5.0, -1.0]
    for kw in ({}, {"bins": 4, "min": 0, "max": 3}, {"bins": 3}, {"bins": 2, "min": 1, "max": 1}):
        _same(*_both(T, lambda lib, a: lib.histc(a, **kw), x, dtype="float32"))
        _same(*_both(T, lambda lib, a: a.histc(**kw), x, dtype="float64"))
    _same(*_both(T, lambda lib, a: lib.histc(a, bins=3), [2.0, 2.0]))
    _raises_like(T, lambda lib, a: lib.histc(a, min=2, max=1), x)


def test_multinomial_bernoulli():
    chainrule.manual_seed(0)
    p = chainrule.tensor([[0.0, 1.0, 0.0], [1.0, 1.0, 2.0]])
    s = chainrule.multinomial(p, 5, replacement=True)
    assert s.dtype is chainrule.int64 and s.shape == (2, 5)
    assert (s[0] == 1).all()
    w = chainrule.multinomial(chainrule.tensor([0.2, 0.0, 1.0, 2.0]), 3)
    assert sorted(w.tolist()) == [0, 2, 3]
    big = chainrule.multinomial(
        chainrule.tensor([1.0, 3.0]), 20000, True, generator=chainrule.Generator().manual_seed(1)
    )
    assert abs(big.float().mean().item() - 0.75) < 0.02
    g1, g2 = chainrule.Generator().manual_seed(3), chainrule.Generator().manual_seed(3)
    assert chainrule.equal(
        p.multinomial(2, True, generator=g1), p.multinomial(2, True, generator=g2)
    )
    with pytest.raises(RuntimeError, match="without replacement"):
        chainrule.multinomial(p, 4)
    with pytest.raises(RuntimeError, match="element < 0"):
        chainrule.multinomial(chainrule.tensor([-1.0, 1.0]), 1)
    with pytest.raises(RuntimeError, match="not enough non-negative category"):
        chainrule.multinomial(chainrule.tensor([0.0, 1.0]), 2)
    b = chainrule.bernoulli(chainrule.tensor([0.0, 1.0, 0.0], dtype=chainrule.float64))
    assert b.dtype is chainrule.float64 and b.tolist() == [0.0, 1.0, 0.0]
    m = chainrule.full((20000,), 0.3).bernoulli(generator=chainrule.Generator().manual_seed(2))
    assert abs(m.mean().item() - 0.3) < 0.02


def test_kthvalue_mode(T):
    # no ties: which of equal elements torch reports is an implementation detail
    x = [[3.0, 1.0, 2.0, 1.5], [0.0, 5.0, 5.5, 4.0]]
    for k in (1, 2, 4):
        _same(*_both(T, lambda lib, a: tuple(lib.kthvalue(a, k)), x))
    _same(*_both(T, lambda lib, a: tuple(a.kthvalue(2, 0, keepdim=True)), x))
    _same(*_both(T, lambda lib, a: tuple(lib.kthvalue(a, 1)), 7.0))
    _raises_like(T, lambda lib, a: lib.kthvalue(a, 5), x)
    _same(*_both(T, lambda lib, a: tuple(lib.mode(a)), [1, 2, 2, 3, 3]))
    _same(*_both(T, lambda lib, a: tuple(lib.mode(a, 0)), [[1, 2, 2], [1, 3, 2], [4, 3, 1]]))
    _same(
        *_both(T, lambda lib, a: tuple(a.mode(1, keepdim=True)), [[1, 2, 2], [1, 3, 2], [4, 3, 3]])
    )
    r = chainrule.kthvalue(chainrule.tensor([3.0, 1.0]), 1)
    assert repr(r) == repr(T.kthvalue(T.tensor([3.0, 1.0]), 1))
    assert repr(chainrule.mode(chainrule.tensor([3.0, 1.0]))) == repr(T.mode(T.tensor([3.0, 1.0])))


def test_builders_values(T):
    _same(*_both(T, lambda lib, a, b, c: lib.cartesian_prod(a, b, c), [1, 2], [3, 4, 5], [6]))
    _raises_like(T, lambda lib, a, b: lib.cartesian_prod(a, b), [1, 2], [3.0])
    _same(*_both(T, lambda lib, a: lib.cartesian_prod(a), [1, 2]))
    _raises_like(T, lambda lib, a: lib.cartesian_prod(a, a), [[1, 2]])
    _same(*_both(T, lambda lib, a, b, c: lib.block_diag(a, b, c), [[1, 2]], [[3.0], [4.0]], 5))
    _same(*_both(T, lambda lib, a: lib.block_diag(a), [[1, 2], [3, 4]]))
    _raises_like(T, lambda lib, a: lib.block_diag(a), np.ones((1, 1, 1)))


def test_cov_corrcoef_values(T):
    x = [[0.0, 1.0, 2.0, 5.0], [2.0, 1.0, 0.5, 0.0], [1.0, 1.0, 3.0, 2.0]]
    fw, aw = [1, 2, 1, 3], [0.5, 1.0, 1.0, 2.0]
    for kw in ({}, {"correction": 0}, {"correction": 3}):
        _same(*_both(T, lambda lib, a: lib.cov(a, **kw), x), rtol=1e-6)
        _same(*_both(T, lambda lib, a, f: lib.cov(a, fweights=f, **kw), x, fw), rtol=1e-6)
        _same(*_both(T, lambda lib, a, w: lib.cov(a, aweights=w, **kw), x, aw), rtol=1e-6)
        _same(
            *_both(T, lambda lib, a, f, w: lib.cov(a, fweights=f, aweights=w, **kw), x, fw, aw),
            rtol=1e-6,
        )
    _same(*_both(T, lambda lib, a: lib.cov(a), [0, 1, 3]), rtol=1e-6)
    _same(*_both(T, lambda lib, a: lib.corrcoef(a), x), rtol=1e-6)
    _same(*_both(T, lambda lib, a: lib.corrcoef(a), [1.0, 2.0, 4.0]))
    _same(*_both(T, lambda lib, a: a.corrcoef(), [[1, 2, 4], [0, 1, 1]]), rtol=1e-6)


def test_docstring_examples():
    import doctest

    import chainrule.ops.extra as mod

    res = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0 and res.attempted > 50


def test_create_graph_and_forward_mode(T):
    """Composites differentiate twice and in forward mode like torch."""

    def second(lib):
        x = lib.tensor([0.3, 0.6, 0.8], dtype=lib.float64, requires_grad=True)
        y = lib.tensor([1.5, 2.0, 0.5], dtype=lib.float64, requires_grad=True)
        z = (lib.xlogy(x, y) + lib.logit(x) * lib.addcdiv(x, x, y)).sum()
        (gx,) = lib.autograd.grad(z, x, create_graph=True)
        (ggx,) = lib.autograd.grad(gx.sum(), x)
        return gx, ggx

    _same(second(chainrule), second(T), rtol=1e-10)

    def fwd(lib):
        fa = lib.autograd.forward_ad
        x = lib.tensor([[1.0, 2.0], [0.5, -1.0]], dtype=lib.float64)
        with fa.dual_level():
            d = fa.make_dual(x, lib.ones_like(x))
            out = lib.tensordot(d, d * 2, 1) + lib.kron(d, d).sum() + lib.diag_embed(d)[0]
            return fa.unpack_dual(out).tangent

    _same(fwd(chainrule), fwd(T), rtol=1e-10)


def test_inplace_shape_methods(T):
    def run(lib):
        y = lib.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        out = []
        z = y * 1
        z.t_()
        out.append((tuple(z.shape), z._version))
        w = y * 2
        w2 = w[0]
        w2.unsqueeze_(0).mul_(3)
        out.append((tuple(w2.shape), tuple(w.shape)))
        q = (y * 1).unsqueeze(1).squeeze_(1).transpose_(0, 1).unsqueeze_(-1).squeeze_()
        out.append(tuple(q.shape))
        loss = (z * lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=lib.float64)).sum()
        loss = loss + (w * w).sum() + (q**2).sum()
        loss.backward()
        x = lib.zeros(2, 1, 3)
        v = x.squeeze_(1)
        out.append((v is x, tuple(x.shape), x._version))
        with pytest.raises(RuntimeError, match="leaf Variable"):
            y.t_()
        return out, y.grad

    (oc, gc), (ot, gt) = run(chainrule), run(T)
    assert oc == ot
    _same(gc, gt)


def test_cross_values(T):
    a, b = np.arange(6).reshape(2, 3), np.array([[1, 0, 2], [0, 1, 0]])
    _same(*_both(T, lambda lib, x, y: lib.linalg.cross(x, y), a, b))
    _same(*_both(T, lambda lib, x, y: x.cross(y, dim=1), a, b))
    _same(*_both(T, lambda lib, x, y: lib.cross(x, y, dim=-1), a * 1.5, b * 0.5))
    _raises_like(T, lambda lib, x, y: lib.cross(x, y, dim=-1), a * 1.5, b)
    _raises_like(T, lambda lib, x, y: lib.linalg.cross(x, y), a, b * 1.5)
    _raises_like(T, lambda lib, x, y: lib.linalg.cross(x, y), np.ones((2, 2)), np.ones((2, 2)))
    _raises_like(T, lambda lib, x, y: lib.linalg.cross(x, y), np.ones(3), np.ones((2, 3)))
    _raises_like(T, lambda lib, x, y: lib.cross(x, y, dim=0), a, b)
    from chainrule import _cwarn

    _cwarn._SHOWN.discard("aten/src/ATen/native/Cross.cpp:63")  # PyTorch warns once per process
    with pytest.warns(UserWarning, match="without specifying the dim"):
        c = chainrule.cross(chainrule.tensor(a.T), chainrule.tensor(b.T))
    _same(c, T.linalg.cross(T.tensor(a.T), T.tensor(b.T), dim=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # already warned: not again
        with pytest.raises(RuntimeError, match="no dimension of size 3"):
            chainrule.cross(chainrule.ones(2, 2), chainrule.ones(2, 2))
