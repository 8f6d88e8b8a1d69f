"""Shape and indexing semantics the generic op harness cannot check, compared with torch:
views share memory and the version counter, node names, errors, ``x[idx] = v`` on non-leaf
tensors, in-place updates of views, and multi-output ops (split/unbind) used partially."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule

torch = pytest.importorskip("torch")

LIBS = [chainrule, torch]


def _np(t) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def _pair(shape=(2, 3, 4), seed=0, requires_grad=True):
    a = np.random.default_rng(seed).standard_normal(shape)
    return (
        chainrule.tensor(a.copy(), requires_grad=requires_grad),
        torch.tensor(a.copy(), requires_grad=requires_grad),
    )


def _close(c, t, **kw):
    np.testing.assert_allclose(_np(c), _np(t), rtol=1e-6, atol=1e-8, **kw)


# ---------------------------------------------------------------- views share memory

VIEWS = [
    "x.view(6, 4)",
    "x.view(-1)",
    "x.reshape(3, 8)",
    "x.flatten(1)",
    "x.unflatten(2, (2, 2))",
    "x.view_as(x)",
    "x[:, :1].squeeze(1)",
    "x.squeeze()",
    "x.unsqueeze(1)",
    "x.permute(2, 0, 1)",
    "x.transpose(0, 2)",
    "x.movedim(0, -1)",
    "x[0].t()",
    "x.mT",
    "x.narrow(1, 1, 2)",
    "x.select(2, 3)",
    "x.diagonal(0, 1, 2)",
    "x.diagonal(1, 0, 2)",
    "x.split(1)[1]",
    "x.split([1, 2], 1)[1]",
    "x.chunk(2, 2)[1]",
    "x.unbind(1)[2]",
    "x.tensor_split(2, 2)[0]",
    "x[1]",
    "x[1, 1:, ::2]",
    "x[None, ..., 2]",
    "x[...]",
    "x.ravel()",
    "x.unfold(2, 2, 2)",
    "x.unfold(1, 1, 2)[0]",
    "x[1, 2, 3]",
    "x.view(-1).unbind()[5]",
    "x.view(-1)[7]",
]


@pytest.mark.parametrize("expr", VIEWS)
def test_views_share_memory_and_version(expr):
    for lib in LIBS:
        x = lib.arange(24.0).view(2, 3, 4)
        v = eval(expr, {"x": x})
        before = x._version
        v.mul_(-1)  # write through the view
        assert x._version == before + 1 and v._version == x._version, lib.__name__
        assert float(x.sum()) != 276.0, f"{lib.__name__}: the write did not reach the base"
        x.zero_()  # write through the base
        assert not v.any(), f"{lib.__name__}: the view did not see the base's write"
        assert v._version == x._version


def test_view_values_match_torch():
    for expr in VIEWS:
        c = eval(expr, {"x": chainrule.arange(24.0).view(2, 3, 4)})
        t = eval(expr, {"x": torch.arange(24.0).view(2, 3, 4)})
        assert tuple(c.shape) == tuple(t.shape), expr
        np.testing.assert_array_equal(c.numpy(), t.numpy(), err_msg=expr)


COPIES = [
    "x.flip(0)",
    "x.roll(1, 0)",
    "x.repeat(1, 1, 1)",
    "chainrule_cat([x])",
    "x[[0, 1]]",
    "x[x > 5]",
    "x.mT.reshape(-1)",
    "x.index_select(0, idx)",
    "x.take(idx)",
    "x.masked_select(x > 5)",
    "x.gather(0, idx.view(2, 1, 1).expand(2, 3, 4))",
]


@pytest.mark.parametrize("expr", COPIES)
def test_copies_do_not_share_memory(expr):
    for lib in LIBS:
        x = lib.arange(24.0).view(2, 3, 4)
        v = eval(expr, {"x": x, "idx": lib.tensor([1, 0]), "chainrule_cat": lib.cat})
        v.fill_(-1.0)
        np.testing.assert_array_equal(x.numpy(), np.arange(24.0).reshape(2, 3, 4))
        assert x._version == 0


def test_view_of_view_chain_shares_memory():
    x = chainrule.zeros(4, 6)
    x[1:].view(-1)[::3].view(3, 2).t()[1].fill_(1.0)
    t = torch.zeros(4, 6)
    t[1:].view(-1)[::3].view(3, 2).t()[1].fill_(1.0)
    np.testing.assert_array_equal(x.numpy(), t.numpy())
    assert x.sum().item() == 3.0


def test_iteration_unbinds():
    c, t = _pair((3, 2))
    rows = list(c)
    assert len(rows) == 3 and rows[0].grad_fn.name() == "UnbindBackward0"
    sum(r.sum() * (i + 1) for i, r in enumerate(c)).backward()
    sum(r.sum() * (i + 1) for i, r in enumerate(t)).backward()
    _close(c.grad, t.grad)


# ---------------------------------------------------------------- node names


NAMES = [
    "x.reshape(6, 4)",
    "x.mT.reshape(-1)",
    "x.flatten()",
    "x.squeeze()",
    "x.squeeze(0)",
    "x.squeeze((0, 1))",
    "x.unsqueeze(0)",
    "x.permute(2, 0, 1)",
    "x.movedim(0, 2)",
    "x.transpose(0, 1)",
    "x[0].t()",
    "x.mT",
    "x[0].H",
    "x[:, :1].expand(2, 5, 4)",
    "x.repeat(1, 2, 1)",
    "x.tile((2,))",
    "x.flip(0)",
    "x.roll(1)",
    "lib.cat([x, x])",
    "lib.stack([x, x])",
    "lib.hstack([x, x])",
    "lib.vstack([x, x])",
    "x.split(1)[0]",
    "x.split([1, 1])[1]",
    "x.chunk(2)[0]",
    "x.unbind()[1]",
    "x.narrow(1, 0, 2)",
    "x.select(1, 0)",
    "x.diagonal()",
    "x.gather(0, lib.zeros(1, 1, 1, dtype=lib.long))",
    "x.scatter(0, lib.zeros(1, 1, 1, dtype=lib.long), x)",
    "x.scatter(0, lib.zeros(1, 1, 1, dtype=lib.long), 1.0)",
    "x.scatter_add(0, lib.zeros(1, 1, 1, dtype=lib.long), x)",
    "x.index_select(0, lib.tensor([0]))",
    "x.index_add(0, lib.tensor([0]), x[:1])",
    "x.masked_fill(x > 0, 0.0)",
    "x.masked_fill(x > 0, lib.tensor(1.0))",
    "x.masked_select(x > 0)",
    "x.take(lib.tensor([0]))",
    "x.index_put((lib.tensor([0]),), lib.tensor(1.0, dtype=x.dtype))",
    "x[0]",
    "x[:, 1:]",
    "x[None]",
    "x[..., 0]",
    "x[None, 0]",
    "x[0, None]",
    "x[1:, 0, None]",
    "x[:, :]",
    "x[...]",
    "x[:, 0:3]",
    "x[x > 0]",
    "x[[0, 1]]",
    "x[0, 1:]",
    "x[:, [0, 1]]",
    "x[0, :, [0, 1]]",
    "x[::2]",
    "x[lib.tensor(1)]",
    "x[True]",
    "x[0, 0, 0]",
    "x.unfold(1, 2, 1)",
    "lib.rot90(x)",
    "x.repeat_interleave(2)",
    "x.repeat_interleave(lib.tensor([1, 0]), dim=0)",
    "lib.meshgrid(x[0, 0], x[0, :, 0], indexing='xy')[1]",
    "x.index_fill(1, lib.tensor([0, 2]), 1.5)",
    "x.index_fill(1, lib.tensor([0]), lib.tensor(2.0, dtype=x.dtype))",
    "x.index_copy(1, lib.tensor([0, 2]), x[:, :2])",
]


@pytest.mark.parametrize("expr", NAMES)
def test_node_names_match_torch(expr):
    c, t = _pair()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cn = eval(expr, {"x": c, "lib": chainrule}).grad_fn.name()
        tn = eval(expr, {"x": t, "lib": torch}).grad_fn.name()
    assert cn == tn


@pytest.mark.parametrize(
    "code",
    [
        "y = x * 2; y[0] = 3",
        "y = x * 2; y[:, 1] = 3",
        "y = x * 2; y[[0]] = 3",
        "y = x * 2; y[0, :, [0]] = 3",
        "y = x * 2; y[y > 0] = 0",
        "y = x * 2; y[0].mul_(2)",
    ],
)
def test_setitem_node_names(code):
    names = []
    for lib in LIBS:
        c, _ = _pair()
        x = c if lib is chainrule else _pair()[1]
        ns = {"x": x, "lib": lib}
        exec(code, ns)
        names.append(ns["y"].grad_fn.name())
    assert names[0] == names[1]


def test_T_warns_once_like_torch():
    from chainrule.ops import _props

    _props._WARNED[:] = [False, False]
    for shape, text in [
        ((3,), "The use of `x.T` on tensors of dimension other than 2"),
        ((), "Tensor.T is deprecated on 0-D tensors"),
    ]:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            chainrule.zeros(shape).T
            chainrule.zeros(shape).T  # PyTorch warns once per process
        assert len(w) == 1 and str(w[0].message).startswith(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chainrule.zeros(2, 3).T


# ---------------------------------------------------------------- errors

ERRORS = [
    "x.view(5, 5)",
    "x.view(-1, -1)",
    "x.mT.view(-1)",
    "x.view(-2, 4)",
    "x.reshape(0, -1)",
    "lib.zeros(0, 3).reshape(-1, 0)",
    "x.squeeze(5)",
    "x.unsqueeze(4)",
    "x.permute(0, 1)",
    "x.permute(0, 0, 1)",
    "x.transpose(0, 3)",
    "x.movedim((0, 1), (1,))",
    "x.expand(2, 5, 4)",
    "x.expand(-1, 2, 3, 4)",
    "x.expand(3, 4)",
    "x.repeat(2)",
    "x.flip(0, 0)",
    "x.narrow(0, 1, 2)",
    "x.narrow(0, 3, 1)",
    "x.select(0, 5)",
    "x.diagonal(0, 0, 0)",
    "x.split(0)",
    "x.split([1, 2])",
    "x.chunk(0)",
    "x.roll((1, 2), (0,))",
    "x.unflatten(1, (2, 2))",
    "x.flatten(2, 1)",
    "x.t()",
    "x[0, 0].mT",
    "x.H",
    "x[5]",
    "x[1, 5]",
    "x[:, :, :, 0]",
    "x[[0, 5]]",
    "x[:, [0, 5]]",
    "x[[0, 1], :, [0, 9]]",
    "x[lib.tensor([0, 2])]",
    "x[1.0]",
    "x[lib.tensor([1.0])]",
    "x[::-1]",
    "x[lib.zeros(3, dtype=lib.bool)]",
    "x[:, lib.zeros(2, dtype=lib.bool)]",
    "x[lib.tensor([0, 1]), lib.tensor([0, 1, 2])]",
    "lib.tensor(1.0)[0]",
    "x.gather(1, lib.zeros(2, 1, 4))",
    "x.gather(1, lib.zeros(3, 1, 4, dtype=lib.long))",
    "x.gather(1, lib.zeros(2, 1, dtype=lib.long))",
    "x.gather(1, lib.full((2, 1, 4), 7))",
    "x.scatter(0, lib.zeros(3, 1, 1, dtype=lib.long), x)",
    "x.scatter(0, lib.zeros(1, 1, 1, dtype=lib.long), x.double())",
    "x.scatter(0, lib.full((1, 1, 1), 5), x)",
    "x.scatter_add(0, lib.zeros(1, 1, 1, dtype=lib.long), 2.0)",
    "x.masked_fill(lib.ones(3, 4), 1.0)",
    "x.masked_fill(lib.ones(3, 4, dtype=lib.bool), lib.tensor([1.0]))",
    "x.masked_fill(lib.ones(5, dtype=lib.bool), 1.0)",
    "x.masked_select(lib.ones(5, dtype=lib.bool))",
    "lib.cat([])",
    "lib.cat([x, x[0]])",
    "lib.cat([x, x[:, :2]])",
    "lib.cat(x)",
    "lib.cat((x[0, 0, 0], x[0, 0, 0]))",
    "lib.stack([x, x[0]])",
    "lib.stack([])",
    "x.index_select(0, lib.tensor([[0]]))",
    "x.index_select(0, lib.tensor([3]))",
    "x.index_select(0, lib.tensor([1.0]))",
    "x.take(lib.tensor([[30]]))",
    "x.take(lib.tensor([0.0]))",
    "x.index_add(0, lib.tensor([0, 0]), lib.ones(2, 3, 3))",
    "x.index_add(0, lib.tensor([0, 0]), lib.ones(2, 3, 4, dtype=lib.float64))",
    "x.index_add(0, lib.tensor([0]), lib.ones(2, 3, 4))",
    "x.detach().index_put_((lib.tensor([0]),), lib.tensor(1))",
    "x.index_put((lib.tensor([0]), lib.tensor([0])), lib.ones(2, 4))",
    "x.detach().masked_fill_(lib.ones(2, 2, 3, 4, dtype=lib.bool), 1.0)",
    "x.view(2.0, 12)",
    "x.unfold(1, 6, 1)",
    "x.unfold(1, 2, 0)",
    "lib.rot90(x, 1, (0, 0))",
    "lib.rot90(x, 1, (0,))",
    "x.repeat_interleave(-1)",
    "x.repeat_interleave(lib.tensor([1, 2]), dim=1)",
    "lib.meshgrid(x[0, 0], indexing='ab')",
    "x.index_fill(1, lib.tensor([7]), 1.0)",
    "x.index_copy(1, lib.tensor([0]), lib.randn(2, 2, 4))",
    "x.index_put((None, lib.tensor([1])), lib.ones(1))",
]
SET_ERRORS = [
    "x[0] = 1",
    "x[...] = 1",
    "x[[0]] = 1",
    "x.detach()[0] = lib.ones(2, 1, 4)",
    "x.detach()[0] = lib.ones(5)",
    "x.detach()[lib.tensor([0])] = lib.ones(2, 1, 3, 4)",
    "x.detach()[[0, 5]] = 1",
    "x.detach()[0] = [1.0, 2.0, 3.0, 4.0]",
    "x.detach()[0] = np.ones(4)",
    "x.detach()[0] = np.float32(1)",
    "y = x.detach()[1:]; y.detach_()",
    "y = (x * 2)[1:, ::2]; y[...] = lib.ones(2, 1, 2)",
    "y = x * 2; a, b = y.split(1); a.mul_(2)",
    "y = x * 2; a, b = y.split([1, 1]); b[0].mul_(2)",
    "y = x * 2; a, b = y.unbind(); a.view(-1).zero_()",
]


def _error(lib, code, statement):
    x = lib.randn(2, 3, 4, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if statement:
                exec(code, {"lib": lib, "x": x, "np": np})
            else:
                eval(code, {"lib": lib, "x": x})
        except Exception as e:  # noqa: BLE001
            return type(e).__name__, str(e).split("\n")[0]
    return None


@pytest.mark.parametrize("code", ERRORS + SET_ERRORS)
def test_errors_match_torch(code):
    statement = code in SET_ERRORS
    got = _error(chainrule, code, statement)
    want = _error(torch, code, statement)
    assert want is not None, "torch raised nothing: bad test case"
    assert got == want


def test_multi_output_views_may_change_in_place_without_grad():
    for lib in LIBS:
        y = lib.arange(6.0).view(3, 2)
        a, b, c = y.unbind()
        b.mul_(10)
        assert y[1].tolist() == [20.0, 30.0]


# ---------------------------------------------------------------- setitem and in-place on views

SETITEM = [
    ("y[0] = 0", None),
    ("y[:, 1] = v", (4,)),
    ("y[1:, ::2] = v", (2, 1)),
    ("y[0] = v", (1, 1, 4)),
    ("y[[0, 1]] = v", (3, 4)),
    ("y[y > 0] = 5.0", None),
    ("y[0, :, [1, 3]] = v", (3, 2)),
    ("y[..., [0, 2]] = v", (2,)),
    ("y[1] = y[0] + 1", None),
    ("y[0].mul_(3)", None),
    ("y[:2] = 0", None),
    ("y.t_view = y.transpose(0, 2)[1]; y.t_view.add_(v)", (3, 2)),
    ("y.view(-1)[3:9].mul_(v)", (6,)),
    ("y.diagonal(0, 1, 2).zero_()", None),
    ("y[1:].exp_()", None),
    ("y[0][1].mul_(v)", (4,)),
    ("y.unbind(1)[0].detach().mul_(0)", None),
]


class _Box:
    """A tiny namespace so that ``y.t_view = ...`` can bind a name inside exec'd code."""


@pytest.mark.parametrize("code,vshape", SETITEM)
def test_setitem_and_inplace_views_on_non_leaf(code, vshape):
    results = []
    for lib in LIBS:
        x = lib.tensor(np.random.default_rng(1).standard_normal((2, 3, 4)), requires_grad=True)
        v = None
        if vshape is not None:
            v = lib.tensor(np.random.default_rng(2).standard_normal(vshape), requires_grad=True)
        y = x * 2
        code_ = code.replace("y.t_view", "box.t")
        exec(code_, {"y": y, "v": v, "lib": lib, "box": _Box()})
        w = lib.tensor(np.random.default_rng(3).standard_normal((2, 3, 4)))
        (y * w).sum().backward()
        results.append((y, x.grad, None if v is None else v.grad))
    (cy, cg, cv), (ty, tg, tv) = results
    _close(cy, ty)
    _close(cg, tg)
    if cv is not None or tv is not None:
        _close(cv, tv)


def test_setitem_leaf_requires_grad_raises_but_no_grad_works():
    for lib in LIBS:
        x = lib.zeros(3, 2, requires_grad=True)
        with pytest.raises(RuntimeError, match="view of a leaf Variable"):
            x[0] = 1.0
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            x[[0]] = 1.0
        with lib.no_grad():
            x[0] = 1.0
            x[[2]] = lib.tensor([5.0, 6.0])
            x[1, 1:] = 7
        assert x.tolist() == [[1.0, 1.0], [0.0, 7.0], [5.0, 6.0]]
        assert x._version == 3 and x.is_leaf and x.grad_fn is None


def test_setitem_makes_a_constant_differentiable():
    for_lib = []
    for lib in LIBS:
        base = lib.zeros(3, 4)
        v = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        base[1] = v
        base[[0, 2], 1:3] = v[:2] * 3
        assert base.requires_grad and not base.is_leaf
        (base * lib.arange(12.0).view(3, 4)).sum().backward()
        for_lib.append((base.detach().numpy().copy(), v.grad.numpy().copy()))
    np.testing.assert_allclose(for_lib[0][0], for_lib[1][0])
    np.testing.assert_allclose(for_lib[0][1], for_lib[1][1])


def test_setitem_value_kinds_and_dtypes():
    for lib in LIBS:
        x = lib.zeros(2, 3, dtype=lib.long)
        x[0] = 1.7  # truncated, as in torch
        x[1, :2] = lib.tensor([2.9, 3.1])
        x[:, 2] = True
        y = lib.zeros(2, 3)
        y[lib.tensor([True, False])] = lib.tensor(9, dtype=lib.int32)
        y[1, 1] = np.float64(4.5)
        y[1, 2] = np.int64(2)
        assert x.tolist() == [[1, 1, 1], [2, 3, 1]], lib.__name__
        assert y.tolist() == [[9.0, 9.0, 9.0], [0.0, 4.5, 2.0]], lib.__name__


def test_index_put_accumulate_and_repeats():
    c, t = _pair((4, 3))
    for x, lib in ((c, chainrule), (t, torch)):
        y = x * 1
        idx = (lib.tensor([0, 0, 3, 0]),)
        z = y.index_put(idx, lib.tensor([1.0, 2.0, 3.0]).double(), accumulate=True)
        z2 = y.index_put_(idx, lib.tensor(4.0).double(), accumulate=True)
        (z * 2 + z2).sum().backward()
    _close(c.grad, t.grad)
    c2, t2 = _pair((5,))
    c2[[1, 1, 4]].sum().backward()
    t2[[1, 1, 4]].sum().backward()
    _close(c2.grad, t2.grad)
    assert c2.grad.tolist()[1] == 2.0


# ---------------------------------------------------------------- multi-output ops used partly


@pytest.mark.parametrize(
    "expr",
    [
        "x.split(1)[1] * 3",
        "x.split([1, 3], 1)[0].exp()",
        "x.chunk(3, 2)[2]",
        "x.unbind(1)[2] * 2",
        "x.unbind()[0] + x.unbind()[1]",
        "x.tensor_split(3, 2)[1]",
    ],
)
def test_multi_output_partial_use(expr):
    c, t = _pair((2, 4, 5))
    eval(expr, {"x": c}).sum().backward()
    eval(expr, {"x": t}).sum().backward()
    _close(c.grad, t.grad)
    c, t = _pair((2, 4, 5))
    (gc,) = chainrule.autograd.grad(eval(expr, {"x": c}).sum(), c)
    (gt,) = torch.autograd.grad(eval(expr, {"x": t}).sum(), t)
    _close(gc, gt)


def test_split_double_backward():
    c, t = _pair((4, 3))
    res = []
    for x, lib in ((c, chainrule), (t, torch)):
        a, b = x.split(2)
        y = (a**3).sum() + (b**2).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (g * g).sum().backward()
        res.append(x.grad)
    _close(res[0], res[1])


# ---------------------------------------------------------------- misc behaviour vs torch


@pytest.mark.parametrize(
    "expr",
    [
        "lib.nonzero(x > 0)",
        "lib.nonzero(x > 0, as_tuple=True)",
        "lib.argwhere(x > 0)",
        "lib.where(x > 0)",
        "lib.nonzero(lib.tensor(1.0))",
        "lib.nonzero(lib.tensor(0.0), as_tuple=True)",
        "lib.cat([x.long(), (x > 0)])",
        "lib.cat([lib.zeros(2, dtype=lib.long), lib.tensor([True])])",
        "lib.cat([x.float(), x])",
        "lib.cat([x, lib.zeros(0)])",
        "lib.stack([x.float(), x])",
        "x.long()[x > 0]",
        "(x > 0)[0, 1:]",
        "x.view(lib.int64)",
        "lib.broadcast_shapes((2, 1), (3,))",
        "x.int().masked_fill(x > 0, 1.7)",
        "lib.atleast_3d(x[0, 0])",
        "lib.tensor([1, 2, 3])[[True, False, True]]",
        "x[[[0, 1]]]",
    ],
)
def test_values_and_dtypes_match_torch(expr):
    c, t = _pair(requires_grad=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cr = eval(expr, {"x": c, "lib": chainrule})
        th = eval(expr, {"x": t, "lib": torch})
    if not isinstance(th, tuple) or isinstance(th, torch.Size):
        cr, th = (cr,), (th,)
    assert len(cr) == len(th)
    for a, b in zip(cr, th):
        if not isinstance(b, torch.Tensor):
            assert tuple(a) == tuple(b)
            continue
        assert str(a.dtype) == str(b.dtype)
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_forward_mode_through_split_and_setitem():
    import chainrule.autograd.forward_ad as fwAD

    x = np.random.default_rng(0).standard_normal((6, 2))
    tx = np.random.default_rng(1).standard_normal((6, 2))
    out = []
    for lib in LIBS:
        fw = fwAD if lib is chainrule else torch.autograd.forward_ad
        with fw.dual_level():
            d = fw.make_dual(lib.tensor(x), lib.tensor(tx))
            parts = d.split(2)
            y = d * 1
            y[1] = parts[2][0] * 5
            y[[0, 5]] = parts[0]
            out.append([fw.unpack_dual(p).tangent.numpy().copy() for p in (*parts, y)])
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b)


def test_other_views_follow_an_in_place_change():
    """A view taken before the base (or another view) changed in place gets the new history."""
    out = []
    for lib in LIBS:
        x = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        y = x * 2
        v = y.view(2, 2)
        b = y[1:]
        y[0] = 10.0
        a = y[:2]
        a.mul_(3)
        w = lib.tensor([[1.0, 2.0], [3.0, 4.0]])
        ((v * w).sum() + (b * b).sum()).backward()
        out.append((x.grad.numpy().copy(), v.detach().numpy().copy(), b.detach().numpy().copy()))
    for c, t in zip(*out):
        np.testing.assert_allclose(c, t)


def test_flip_needs_dims():
    """PyTorch's flip has no default dims: a call without them is a TypeError."""
    x = chainrule.ones(2, 3)
    with pytest.raises(
        TypeError, match=r'flip\(\) missing 1 required positional arguments: "dims"'
    ):
        x.flip()
    with pytest.raises(TypeError, match="missing 1 required positional"):
        chainrule.flip(x)
    assert x.flip(0, 1).shape == (2, 3)
    assert chainrule.flip(x, dims=(1,)).shape == (2, 3)
