"""Shape/indexing leftovers against torch: scatter_reduce, index_reduce, masked_scatter, put,
index_put, index_fill/index_copy, as_strided, fill_diagonal_, resize_, take, unfold, embedding
options, embedding_bag, one_hot, channel_shuffle, multilabel_margin_loss, BatchNorm3d,
Bilinear, the nn.utils helpers: values, dtypes, grad_fn names, gradients (repeated indices
included) and errors (same exception type and message)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _np(t):
    return t.detach().numpy()


def both(torch, fn, arrays, dtype="float64", diff=None):
    """Run ``fn(lib, *tensors)`` on both libraries; compare outputs, grad_fn names, dtypes and
    the gradients of a random upstream gradient. Returns chainrule's output."""
    res = []
    for lib in (torch, cr):
        ins = []
        for i, a in enumerate(arrays):
            a = np.asarray(a)
            t = lib.tensor(a.astype(dtype) if a.dtype.kind == "f" else a)
            if t.is_floating_point() and (diff is None or i in diff):
                t.requires_grad_(True)
            ins.append(t)
        out = fn(lib, *ins)
        grads = []
        if out.requires_grad:
            up = np.random.default_rng(0).standard_normal(tuple(out.shape)).astype(dtype)
            (out * lib.tensor(up)).sum().backward()
            grads = [t.grad for t in ins if t.requires_grad]
        res.append((out, grads))
    (t, tg), (c, cg) = res
    assert str(c.dtype) == str(t.dtype)
    assert tuple(c.shape) == tuple(t.shape)
    assert (c.grad_fn and c.grad_fn.name()) == (t.grad_fn and t.grad_fn.name())
    tol = {"rtol": 1e-10, "atol": 1e-12} if dtype == "float64" else {"rtol": 1e-5, "atol": 1e-6}
    np.testing.assert_allclose(_np(c), _np(t), **tol)
    assert len(cg) == len(tg)
    for a, b in zip(cg, tg):
        if b is None:
            assert a is None or not np.any(_np(a))
        else:
            np.testing.assert_allclose(_np(a), _np(b), **tol)
    return c


def same_error(torch, fn):
    got = []
    for lib in (torch, cr):
        with pytest.raises(Exception) as ei:
            fn(lib)
        got.append((type(ei.value), str(ei.value)))
    assert got[1] == got[0]


R = np.random.default_rng(0)
X = R.standard_normal((4, 3))
SRC = R.standard_normal((4, 3))
IDX = [[0, 1, 0], [1, 1, 2], [0, 0, 0], [3, 2, 1]]
REDUCES = ["sum", "prod", "mean", "amax", "amin"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCES)
def test_scatter_reduce(torch, reduce, include_self, dtype):
    kw = {"include_self": include_self}
    both(
        torch, lambda L, x, s: x.scatter_reduce(0, L.tensor(IDX), s, reduce, **kw), [X, SRC], dtype
    )  # noqa: E501
    both(
        torch,
        lambda L, x, s: (x * 1).scatter_reduce_(0, L.tensor(IDX), s, reduce, **kw),
        [X, SRC],
        dtype,
    )  # noqa: E501
    both(
        torch,
        lambda L, x, s: L.scatter_reduce(x, 0, L.tensor(IDX), s, reduce, **kw),
        [X, SRC],
        dtype,
    )  # noqa: E501


def test_scatter_reduce_special_values(torch):
    xz, sz = X.copy(), SRC.copy()
    xz[0, 0] = 0.0
    sz[1, 0] = sz[0, 1] = 0.0
    both(torch, lambda L, x, s: x.scatter_reduce(0, L.tensor(IDX), s, "prod"), [xz, sz])
    ones = np.ones((2, 3))
    zeros_idx = [[0, 0, 0], [0, 0, 0]]
    for red in ("amax", "amin"):  # ties share the gradient
        both(torch, lambda L, x, s: x.scatter_reduce(0, L.tensor(zeros_idx), s, red), [ones, ones])  # noqa: E501
    ints = (np.array([[1, 2, 3], [4, 5, 6]]), np.array([[2, 2, 2], [3, 3, 4]]))
    for red in REDUCES:
        for inc in (True, False):
            both(
                torch,
                lambda L, x, s: x.scatter_reduce(0, L.tensor(zeros_idx), s, red, include_self=inc),
                ints,
            )  # noqa: E501


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce(torch, reduce, include_self, dtype):
    kw = {"include_self": include_self}
    both(
        torch,
        lambda L, x, s: x.index_reduce(0, L.tensor([0, 0, 2, 1]), s, reduce, **kw),
        [X, SRC],
        dtype,
    )  # noqa: E501
    both(
        torch,
        lambda L, x, s: (x * 1).index_reduce_(1, L.tensor([2, 2]), s, reduce, **kw),
        [X, R.standard_normal((4, 2))],
        dtype,
    )  # noqa: E501
    both(
        torch,
        lambda L, x, s: L.index_reduce(x, 0, L.tensor([1, 1, 0, 2]), s, reduce, **kw),
        [R.standard_normal(3), R.standard_normal(4)],
        dtype,
    )  # noqa: E501


MASK = R.random((4, 3)) > 0.5


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_masked_scatter(torch, dtype):
    both(
        torch,
        lambda L, x, s: x.masked_scatter(L.tensor(MASK), s),
        [X, R.standard_normal((3, 5))],
        dtype,
    )  # noqa: E501
    both(
        torch,
        lambda L, x, s: x.masked_scatter(L.tensor(MASK[0]), s),
        [X, R.standard_normal(12)],
        dtype,
    )  # noqa: E501
    both(
        torch,
        lambda L, x, s: x.masked_scatter(L.tensor(np.stack([MASK, ~MASK])), s),
        [X, R.standard_normal(24)],
        dtype,
    )  # noqa: E501
    both(
        torch,
        lambda L, x, s: (x * 1).masked_scatter_(L.tensor(MASK), s),
        [X, R.standard_normal(15)],
        dtype,
    )  # noqa: E501
    both(
        torch,
        lambda L, x, s: L.masked_scatter(x, L.tensor(MASK), s),
        [X, R.standard_normal(15)],
        dtype,
    )  # noqa: E501


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_put(torch, dtype):
    both(torch, lambda L, x, s: x.put(L.tensor([0, 5, -1]), s), [X, R.standard_normal(3)], dtype)
    both(
        torch, lambda L, x, s: x.put(L.tensor([0, 0, 1]), s), [X, R.standard_normal(3)], dtype
    )  # repeats  # noqa: E501
    both(
        torch,
        lambda L, x, s: x.put(L.tensor([[0, 0], [1, 11]]), s, accumulate=True),
        [X, R.standard_normal((2, 2))],
        dtype,
    )  # noqa: E501
    both(
        torch,
        lambda L, x, s: (x * 1).put_(L.tensor([0, 5]), s, True),
        [X, R.standard_normal(2)],
        dtype,
    )  # noqa: E501
    both(torch, lambda L, x, s: L.put(x, L.tensor([0, 5]), s), [X, R.standard_normal(2)], dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_index_put(torch, dtype):
    v3 = R.standard_normal(3)
    both(
        torch,
        lambda L, x, v: x.index_put((L.tensor([0, 0, 2]),), v, accumulate=True),
        [X, v3],
        dtype,
    )  # noqa: E501
    both(
        torch,
        lambda L, x, v: x.index_put((L.tensor([0, 0, 2]), L.tensor([1, 1, 0])), v, accumulate=True),
        [X, v3],
        dtype,
    )  # noqa: E501
    both(torch, lambda L, x, v: x.index_put((L.tensor([0, 2]),), v), [X, v3], dtype)  # broadcast
    both(
        torch,
        lambda L, x, v: x.index_put((L.tensor([True, False, True, False]),), v),
        [X, v3],
        dtype,
    )  # noqa: E501
    both(
        torch,
        lambda L, x, v: (x * 1).index_put_((L.tensor([0, 0]),), v, accumulate=True),
        [X, np.array(2.0)],
        dtype,
    )  # noqa: E501
    both(
        torch,
        lambda L, x, v: L.index_put(x, (L.tensor([1]), L.tensor([2])), v),
        [X, np.array(5.0)],
        dtype,
    )  # noqa: E501


def test_index_fill_copy_take_unfold(torch):
    both(torch, lambda L, x: x.index_fill(1, L.tensor([0, 2, 2]), -1.0), [X])
    both(torch, lambda L, x, v: x.index_fill(1, L.tensor([0, 2]), v), [X, np.array(3.0)])
    both(torch, lambda L, x: (x * 1).index_fill_(0, L.tensor([-1]), 2.0), [X])
    both(
        torch, lambda L, x, s: x.index_copy(0, L.tensor([3, 1]), s), [X, R.standard_normal((2, 3))]
    )  # noqa: E501
    both(
        torch,
        lambda L, x, s: (x * 1).index_copy_(1, L.tensor([2, 0]), s),
        [X, R.standard_normal((4, 2))],
    )  # noqa: E501
    both(torch, lambda L, x: x.take(L.tensor([[0, 11], [5, 5]])), [X])
    both(torch, lambda L, x: L.take(x, L.tensor([-1, 0])), [X])
    both(torch, lambda L, x: x.unfold(0, 2, 1), [R.standard_normal((5, 3))])
    both(torch, lambda L, x: x.unfold(1, 2, 2), [R.standard_normal((2, 5, 3))])
    both(torch, lambda L, x: x.unfold(0, 1, 1), [np.array(2.0)])


def test_as_strided(torch):
    both(torch, lambda L, x: x.as_strided((2, 2), (1, 2), 1), [X])
    both(torch, lambda L, x: x.as_strided((3, 3), (1, 1)), [X])  # overlapping windows
    both(torch, lambda L, x: x.t().as_strided((2, 3), (3, 1)), [X])
    both(torch, lambda L, x: (x * 2).as_strided((4,), (3,), 0), [X])
    both(torch, lambda L, x: (x * 2)[1:].as_strided((2,), (1,)), [X])
    both(torch, lambda L, x: L.as_strided(x, (2, 2), (1, 2), 1), [X])
    for lib in (torch, cr):  # a view: writes reach the input
        x = lib.zeros(6)
        x.as_strided((2,), (2,), 1).fill_(1.0)
        assert x.tolist() == [0.0, 1.0, 0.0, 1.0, 0.0, 0.0]


def test_fill_diagonal(torch):
    for shape, wrap in (
        ((5, 3), True),
        ((7, 3), True),
        ((7, 3), False),
        ((2, 4), False),
        ((3, 3, 3), False),
    ):  # noqa: E501
        both(torch, lambda L, x: (x * 1).fill_diagonal_(3.0, wrap=wrap), [R.standard_normal(shape)])  # noqa: E501


def test_resize(torch):
    for lib in (torch, cr):
        t = lib.arange(6.0)
        assert t.resize_(2, 2).tolist() == [[0.0, 1.0], [2.0, 3.0]]
        assert t.resize_as_(lib.ones(3)).tolist() == [0.0, 1.0, 2.0]
        assert t.resize_((1, 3)).shape == (1, 3)
        e = lib.ones(2, dtype=lib.float64).new_empty_strided((2, 3), (1, 2))
        assert e.stride() == (1, 2) and e.dtype == lib.float64 and e.shape == (2, 3)


INDEX_ERRORS = {
    "sr_reduce": lambda L: L.zeros(4, 3).scatter_reduce(0, L.tensor(IDX), L.zeros(4, 3), "foo"),
    "sr_index_dtype": lambda L: L.zeros(4, 3).scatter_reduce(
        0, L.tensor(IDX).float(), L.zeros(4, 3), "sum"
    ),  # noqa: E501
    "sr_index_dims": lambda L: L.zeros(4, 3).scatter_reduce(
        0, L.tensor(IDX[0]), L.zeros(4, 3), "sum"
    ),  # noqa: E501
    "sr_bounds": lambda L: L.zeros(4, 3).scatter_reduce(
        0, L.tensor([[9, 0, 0]]), L.zeros(4, 3), "sum"
    ),  # noqa: E501
    "sr_dtype": lambda L: L.zeros(4, 3).scatter_reduce(
        0, L.tensor(IDX), L.zeros(4, 3, dtype=L.float64), "sum"
    ),  # noqa: E501
    "sr_size": lambda L: L.zeros(4, 3).scatter_reduce(
        0, L.zeros(5, 3, dtype=L.long), L.zeros(4, 3), "sum"
    ),  # noqa: E501
    "ir_sum": lambda L: L.zeros(4, 3).index_reduce(0, L.tensor([0, 0, 2, 1]), L.zeros(4, 3), "sum"),  # noqa: E501
    "ir_count": lambda L: L.zeros(4, 3).index_reduce(0, L.tensor([0, 0, 2]), L.zeros(4, 3), "prod"),  # noqa: E501
    "ir_bounds": lambda L: L.zeros(4, 3).index_reduce(
        0, L.tensor([0, 0, 2, 9]), L.zeros(4, 3), "prod"
    ),  # noqa: E501
    "ir_index_dtype": lambda L: L.zeros(4, 3).index_reduce(
        0, L.tensor([0, 0, 2, 1.0]), L.zeros(4, 3), "prod"
    ),  # noqa: E501
    "ir_dtype": lambda L: L.zeros(4, 3).index_reduce(
        0, L.tensor([0, 0, 2, 1]), L.zeros(4, 3, dtype=L.float64), "prod"
    ),  # noqa: E501
    "ir_vector": lambda L: L.zeros(4, 3).index_reduce(
        0, L.tensor([[0, 0], [2, 1]]), L.zeros(4, 3), "prod"
    ),  # noqa: E501
    "ir_shape": lambda L: L.zeros(4, 3).index_reduce(
        0, L.tensor([0, 0, 2, 1]), L.zeros(4, 2), "prod"
    ),  # noqa: E501
    "ms_count": lambda L: L.zeros(4, 3).masked_scatter(L.ones(4, 3, dtype=L.bool), L.zeros(5)),
    "ms_mask_dtype": lambda L: L.zeros(4, 3).masked_scatter(L.ones(4, 3), L.zeros(15)),
    "ms_dtype": lambda L: L.zeros(4, 3).masked_scatter(
        L.ones(4, 3, dtype=L.bool), L.zeros(15, dtype=L.float64)
    ),  # noqa: E501
    "ms_inplace_bcast": lambda L: L.zeros(4, 3).masked_scatter_(
        L.ones(2, 4, 3, dtype=L.bool), L.zeros(25)
    ),  # noqa: E501
    "ms_bcast": lambda L: L.zeros(4, 3).masked_scatter(L.ones(5, dtype=L.bool), L.zeros(25)),
    "put_bounds": lambda L: L.zeros(4, 3).put(L.tensor([0, 12]), L.zeros(2)),
    "put_numel": lambda L: L.zeros(4, 3).put(L.tensor([0, 1]), L.zeros(3)),
    "put_index_dtype": lambda L: L.zeros(4, 3).put(L.tensor([0, 1.0]), L.zeros(2)),
    "put_dtype": lambda L: L.zeros(4, 3).put(L.tensor([0, 1]), L.zeros(2, dtype=L.float64)),
    "index_put_bounds": lambda L: L.zeros(4, 3).index_put((L.tensor([0, 9]),), L.zeros(3)),
    "index_put_shape": lambda L: L.zeros(4, 3).index_put((L.tensor([0, 2]),), L.zeros(4)),
    "as_strided_storage": lambda L: L.zeros(4, 3).as_strided((2, 2), (1, 2), 20),
    "as_strided_negative": lambda L: L.zeros(4, 3).as_strided((2, 2), (1, -2), 0),
    "as_strided_size": lambda L: L.zeros(4, 3).as_strided((2, -2), (1, 2), 0),
    "as_strided_len": lambda L: L.zeros(4, 3).as_strided((2, 2), (1, 2, 3), 0),
    "as_strided_offset": lambda L: L.zeros(4, 3).as_strided((2, 2), (1, 2), -1),
    "fill_diagonal_1d": lambda L: L.zeros(3).fill_diagonal_(1),
    "fill_diagonal_unequal": lambda L: L.zeros(3, 3, 2).fill_diagonal_(1),
    "fill_diagonal_leaf": lambda L: L.zeros(3, 3, requires_grad=True).fill_diagonal_(1),
    "resize_requires_grad": lambda L: L.zeros(3, 3, requires_grad=True).resize_(2),
}


@pytest.mark.parametrize("name", list(INDEX_ERRORS))
def test_index_errors(torch, name):
    same_error(torch, INDEX_ERRORS[name])


# ---------------------------------------------------------------- embedding, embedding_bag

IDS = [[0, 2, 2], [1, 0, 3]]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_embedding_options(torch, dtype):
    w = R.standard_normal((4, 3))
    emb = lambda L, w, **kw: L.nn.functional.embedding(L.tensor(IDS), w, **kw)  # noqa: E731
    both(torch, lambda L, w: emb(L, w), [w], dtype)
    both(torch, lambda L, w: emb(L, w, padding_idx=2), [w], dtype)
    both(torch, lambda L, w: emb(L, w, padding_idx=-1), [w], dtype)
    both(torch, lambda L, w: emb(L, w, scale_grad_by_freq=True), [w], dtype)
    both(torch, lambda L, w: emb(L, w, padding_idx=0, scale_grad_by_freq=True), [w], dtype)
    both(torch, lambda L, w: L.nn.functional.embedding(L.tensor(1), w), [w], dtype)


def test_embedding_max_norm_renorms_in_place(torch):
    w = R.standard_normal((4, 3)) * 3
    outs = []
    for lib in (torch, cr):
        weight = lib.tensor(w.copy())
        y = lib.nn.functional.embedding(lib.tensor(IDS), weight, max_norm=1.0, norm_type=1.0)
        outs.append((_np(y), _np(weight)))
    np.testing.assert_allclose(outs[1][0], outs[0][0], rtol=1e-12)
    np.testing.assert_allclose(outs[1][1], outs[0][1], rtol=1e-12)  # rows 0-3 renormed, in place


def test_embedding_module_sgbf(torch):
    for lib in (torch, cr):
        lib.manual_seed(0)
    tm = torch.nn.Embedding(5, 2, padding_idx=1, scale_grad_by_freq=True).double()
    cm = cr.nn.Embedding(5, 2, padding_idx=1, scale_grad_by_freq=True).double()
    cm.weight.data = cr.tensor(tm.weight.detach().numpy().copy())
    assert repr(cm) == repr(tm)
    idx = [[0, 1, 1, 4], [4, 4, 2, 0]]
    tm(torch.tensor(idx)).pow(2).sum().backward()
    cm(cr.tensor(idx)).pow(2).sum().backward()
    np.testing.assert_allclose(_np(cm.weight.grad), _np(tm.weight.grad), rtol=1e-12)


BAG_IDX = np.array([0, 2, 2, 5, 1, 3])
BAG_OFF = np.array([0, 2, 2, 4])


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("padding_idx", [None, 2])
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag(torch, mode, padding_idx, dtype):
    w = R.standard_normal((6, 3))
    kw = {"mode": mode, "padding_idx": padding_idx}
    F = lambda L: L.nn.functional  # noqa: E731
    both(
        torch,
        lambda L, w: F(L).embedding_bag(L.tensor(BAG_IDX), w, L.tensor(BAG_OFF), **kw),
        [w],
        dtype,
    )  # noqa: E501
    both(
        torch, lambda L, w: F(L).embedding_bag(L.tensor(BAG_IDX.reshape(3, 2)), w, **kw), [w], dtype
    )  # noqa: E501
    both(
        torch,
        lambda L, w: F(L).embedding_bag(
            L.tensor(BAG_IDX), w, L.tensor([0, 2, 6]), include_last_offset=True, **kw
        ),
        [w],
        dtype,
    )  # noqa: E501


def test_embedding_bag_per_sample_weights(torch):
    w, p = R.standard_normal((6, 3)), R.standard_normal(6)
    F = lambda L: L.nn.functional  # noqa: E731
    both(
        torch,
        lambda L, w, p: F(L).embedding_bag(
            L.tensor(BAG_IDX), w, L.tensor(BAG_OFF), mode="sum", per_sample_weights=p
        ),
        [w, p],
    )  # noqa: E501
    both(
        torch,
        lambda L, w, p: F(L).embedding_bag(
            L.tensor(BAG_IDX.reshape(2, 3)),
            w,
            mode="sum",
            per_sample_weights=p.reshape(2, 3),
            padding_idx=2,
        ),
        [w, p],
    )  # noqa: E501


def test_embedding_bag_module(torch):
    for kw in (
        {},
        {"mode": "max", "padding_idx": 0, "max_norm": 1.0},
        {"mode": "sum", "include_last_offset": True},
    ):  # noqa: E501
        tm, cm = torch.nn.EmbeddingBag(6, 3, **kw).double(), cr.nn.EmbeddingBag(6, 3, **kw).double()  # noqa: E501
        assert repr(cm) == repr(tm)
        assert list(cm.state_dict()) == list(tm.state_dict()) == ["weight"]
        cm.load_state_dict({"weight": cr.tensor(tm.weight.detach().numpy().copy())})
        offs = [0, 2, 6] if kw.get("include_last_offset") else [0, 2]
        yt = tm(torch.tensor(BAG_IDX), torch.tensor(offs))
        yc = cm(cr.tensor(BAG_IDX), cr.tensor(offs))
        assert yc.grad_fn.name() == yt.grad_fn.name()
        np.testing.assert_allclose(_np(yc), _np(yt), rtol=1e-10)
        yt.sum().backward()
        yc.sum().backward()
        np.testing.assert_allclose(_np(cm.weight.grad), _np(tm.weight.grad), rtol=1e-10)


EMB_ERRORS = {
    "no_offsets": lambda L: L.nn.functional.embedding_bag(L.tensor([0, 1]), L.zeros(6, 3)),
    "2d_with_offsets": lambda L: L.nn.functional.embedding_bag(
        L.tensor([[0, 1]]), L.zeros(6, 3), L.tensor([0])
    ),  # noqa: E501
    "psw_mean": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, 1]), L.zeros(6, 3), L.tensor([0]), per_sample_weights=L.ones(2)
    ),  # noqa: E501
    "mode": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, 1]), L.zeros(6, 3), L.tensor([0]), mode="foo"
    ),  # noqa: E501
    "first_offset": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, 1]), L.zeros(6, 3), L.tensor([1])
    ),  # noqa: E501
    "last_offset": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, 1]), L.zeros(6, 3), L.tensor([0, 9])
    ),  # noqa: E501
    "psw_shape": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, 1]), L.zeros(6, 3), L.tensor([0]), mode="sum", per_sample_weights=L.ones(3)
    ),  # noqa: E501
    "bag_index": lambda L: L.nn.functional.embedding_bag(
        L.tensor([0, 9]), L.zeros(6, 3), L.tensor([0])
    ),  # noqa: E501
    "padding_oob": lambda L: L.nn.functional.embedding(L.tensor([1]), L.zeros(4, 3), padding_idx=5),  # noqa: E501
    "one_hot_empty": lambda L: L.nn.functional.one_hot(L.tensor([], dtype=L.int64)),
    "one_hot_negative": lambda L: L.nn.functional.one_hot(L.tensor([-1, 2])),
    "one_hot_big": lambda L: L.nn.functional.one_hot(L.tensor([0, 5]), 3),
    "one_hot_dtype": lambda L: L.nn.functional.one_hot(L.tensor([0, 2], dtype=L.int32), 3),
}


@pytest.mark.parametrize("name", list(EMB_ERRORS))
def test_embedding_errors(torch, name):
    same_error(torch, EMB_ERRORS[name])


def test_one_hot(torch):
    for args in (([[0, 2], [1, 1]], 4), ([0, 2], -1), ([], 3)):
        t = torch.nn.functional.one_hot(torch.tensor(args[0], dtype=torch.int64), args[1])
        c = cr.nn.functional.one_hot(cr.tensor(args[0], dtype=cr.int64), args[1])
        assert str(c) == str(t)


# ---------------------------------------------------------------- small nn pieces


def test_channel_shuffle(torch):
    both(torch, lambda L, x: L.nn.functional.channel_shuffle(x, 2), [R.standard_normal((2, 4, 3))])
    both(torch, lambda L, x: L.nn.ChannelShuffle(3)(x), [R.standard_normal((1, 6, 2, 2))])
    assert repr(cr.nn.ChannelShuffle(2)) == repr(torch.nn.ChannelShuffle(2))
    for bad in (lambda L: L.nn.functional.channel_shuffle(L.zeros(2, 5, 3), 2),
                lambda L: L.nn.functional.channel_shuffle(L.zeros(2, 4), 2),
                lambda L: L.nn.functional.channel_shuffle(L.zeros(2, 4, 3), 0)):  # fmt: skip
        same_error(torch, bad)


TARGETS = np.array([[3, 0, -1, 1], [1, 2, 3, -1], [2, 2, -1, -1]])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_multilabel_margin_loss(torch, reduction):
    x = R.standard_normal((3, 4))
    both(
        torch,
        lambda L, x: L.nn.functional.multilabel_margin_loss(
            x, L.tensor(TARGETS), reduction=reduction
        ),
        [x],
    )  # noqa: E501
    both(
        torch,
        lambda L, x: L.nn.MultiLabelMarginLoss(reduction=reduction)(x, L.tensor(TARGETS[0])),
        [x[0]],
    )  # noqa: E501
    both(
        torch,
        lambda L, x: L.nn.functional.multilabel_margin_loss(
            x, L.tensor(TARGETS), reduction=reduction
        ),
        [x],
        "float32",
    )  # noqa: E501
    assert repr(cr.nn.MultiLabelMarginLoss()) == repr(torch.nn.MultiLabelMarginLoss())
    for bad in (lambda L: L.nn.functional.multilabel_margin_loss(L.zeros(2, 4), L.tensor([[1, 2, -1]])),  # noqa: E501
                lambda L: L.nn.functional.multilabel_margin_loss(L.zeros(2, 4), L.tensor(TARGETS[:2]).int()),  # noqa: E501
                lambda L: L.nn.functional.multilabel_margin_loss(L.zeros(2, 4), L.tensor([[5, 0, -1, 0], [3, -1, 0, 0]]))):  # fmt: skip  # noqa: E501
        same_error(torch, bad)


@pytest.mark.parametrize("train", [True, False])
def test_batchnorm3d(torch, train):
    tm, cm = torch.nn.BatchNorm3d(3).double(), cr.nn.BatchNorm3d(3).double()
    assert repr(cm) == repr(tm)
    assert list(cm.state_dict()) == list(tm.state_dict())
    tm.train(train)
    cm.train(train)
    x = R.standard_normal((2, 3, 2, 3, 2))
    xt, xc = torch.tensor(x, requires_grad=True), cr.tensor(x, requires_grad=True)
    yt, yc = tm(xt), cm(xc)
    assert yc.grad_fn.name() == yt.grad_fn.name()
    np.testing.assert_allclose(_np(yc), _np(yt), rtol=1e-10, atol=1e-12)
    (yt * yt).sum().backward()
    (yc * yc).sum().backward()
    np.testing.assert_allclose(_np(xc.grad), _np(xt.grad), rtol=1e-8, atol=1e-10)
    for k, v in tm.state_dict().items():
        np.testing.assert_allclose(_np(cm.state_dict()[k]), _np(v), rtol=1e-10)
    same_error(torch, lambda L: L.nn.BatchNorm3d(3)(L.zeros(2, 3, 4, 4)))


def test_bilinear_identity(torch):
    a, b = R.standard_normal((5, 3)), R.standard_normal((5, 4))
    w, bias = R.standard_normal((2, 3, 4)), R.standard_normal(2)
    both(torch, lambda L, a, b, w, bb: L.nn.functional.bilinear(a, b, w, bb), [a, b, w, bias])
    both(
        torch,
        lambda L, a, b, w: L.nn.functional.bilinear(a, b, w),
        [a.reshape(1, 5, 3), b.reshape(1, 5, 4), w],
    )  # noqa: E501
    both(torch, lambda L, x: L.nn.Identity(54, unused="x")(x) * 2, [a])
    assert repr(cr.nn.Bilinear(3, 4, 2)) == repr(torch.nn.Bilinear(3, 4, 2))
    assert repr(cr.nn.Identity()) == repr(torch.nn.Identity())
    F = lambda L: L.nn.functional  # noqa: E731
    for bad in (lambda L: F(L).bilinear(L.zeros(5, 3), L.zeros(4, 4), L.zeros(2, 3, 4)),
                lambda L: F(L).bilinear(L.zeros(5, 3), L.zeros(5, 1, 4), L.zeros(2, 3, 4)),
                lambda L: F(L).bilinear(L.zeros(5, 2), L.zeros(5, 4), L.zeros(2, 3, 4)),
                lambda L: F(L).bilinear(L.zeros(5, 3), L.zeros(5, 5), L.zeros(2, 3, 4)),
                lambda L: F(L).bilinear(L.zeros(5, 3), L.zeros(5, 4), L.zeros(2, 3, 4), L.zeros(3))):  # fmt: skip  # noqa: E501
        same_error(torch, bad)


def test_parameters_vector_and_clip_value(torch):
    res = []
    for lib in (torch, cr):
        lib.manual_seed(0)
        m = lib.nn.Linear(3, 2).double()
        m.weight.data = lib.tensor(np.arange(6.0).reshape(2, 3))
        m.bias.data = lib.tensor([0.5, -0.5], dtype=lib.float64)
        v = lib.nn.utils.parameters_to_vector(m.parameters())
        lib.nn.utils.vector_to_parameters(v * 2, m.parameters())
        (m(lib.ones(4, 3, dtype=lib.float64)) ** 2).sum().backward()
        lib.nn.utils.clip_grad_value_(m.parameters(), 10.0)
        res.append((_np(v), _np(m.weight), _np(m.bias), _np(m.weight.grad), _np(m.bias.grad)))
        with pytest.raises(TypeError):
            lib.nn.utils.vector_to_parameters([1.0], m.parameters())
    for a, b in zip(res[1], res[0]):
        np.testing.assert_allclose(a, b)


def test_pad_sequence(torch):
    a, b = R.standard_normal((3, 2)), R.standard_normal((1, 2))
    rnn = lambda L: L.nn.utils.rnn  # noqa: E731
    both(
        torch,
        lambda L, a, b: rnn(L).pad_sequence([a, b], batch_first=True, padding_value=-1.0),
        [a, b],
    )  # noqa: E501
    both(torch, lambda L, a, b: rnn(L).pad_sequence([a, b], padding_side="left"), [a, b])
    both(torch, lambda L, a, b: rnn(L).pad_sequence([a, b]), [a, b])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(torch, lambda L: rnn(L).pad_sequence([L.zeros(2)], padding_side="middle"))
