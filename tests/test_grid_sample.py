"""``nn.functional.grid_sample`` and ``affine_grid`` against torch: every mode / padding /
align_corners combination in 2-D and 3-D (values, gradients for input and grid, double and
triple backward, node names), nearest's rounding, NaN / inf / huge grid coordinates, empty
shapes, float16, the align_corners warnings, the errors (type and message), and the docstring
examples. The generic op tests (``op_samples/nn_ops.py``) add finite differences, gradgrad and
forward mode."""

from __future__ import annotations

import doctest
import itertools
import warnings
import zlib

import numpy as np
import pytest

import chainrule
import chainrule.nn.functional as CF

MODES = ("bilinear", "nearest", "bicubic")
PADS = ("zeros", "border", "reflection")
COMBOS = [
    (nd, mode, pad, ac)
    for nd in (2, 3)
    for mode, pad, ac in itertools.product(MODES, PADS, (False, True))
    if not (nd == 3 and mode == "bicubic")
]


def _torch():
    return pytest.importorskip("torch")


def _tensor(lib, a, dtype, requires_grad=False):
    t = lib.tensor(np.asarray(a), dtype=getattr(lib, dtype))
    return t.requires_grad_(requires_grad)


def _np(t):
    return t.detach().numpy()


def _close(c, t, dtype: str, **kw) -> None:
    """float64 to 1e-12 (PyTorch's 2-d kernel fuses multiply-adds: the last bits can differ);
    float32 to float32 rounding, scaled by the largest value (sums of terms cancel)."""
    if dtype == "float64":
        tol = 1e-12
    else:
        finite = np.abs(t[np.isfinite(t)])
        tol = 2e-5 * max(1.0, float(finite.max()) if finite.size else 1.0)
    np.testing.assert_allclose(c, t, rtol=tol, atol=tol, **kw)


def _shapes(nd: int):
    return ((2, 3, 4, 5), (2, 3, 4, 2)) if nd == 2 else ((2, 2, 3, 4, 5), (2, 2, 3, 4, 3))


def _weights(shape, phase: float) -> np.ndarray:
    return np.cos(np.arange(int(np.prod(shape))) * 0.7 + phase).reshape(shape)


def _run(lib, xa, ga, dtype, **kw):
    """Output, first gradients (for a fixed upstream gradient), second gradients of a fixed
    combination of those, and the node names."""
    x = _tensor(lib, xa, dtype, True)
    g = _tensor(lib, ga, dtype, True)
    y = lib.nn.functional.grid_sample(x, g, **kw)
    w = _tensor(lib, _weights(tuple(y.shape), 0.0), dtype)
    gx, gg = lib.autograd.grad(y, (x, g), w, create_graph=True)
    a = _tensor(lib, _weights(tuple(gx.shape), 1.0), dtype)
    b = _tensor(lib, _weights(tuple(gg.shape), 2.0), dtype)
    hx, hg = lib.autograd.grad((gx * a).sum() + (gg * b).sum(), (x, g), allow_unused=True)
    hx = lib.zeros_like(x) if hx is None else hx
    hg = lib.zeros_like(g) if hg is None else hg
    names = (y.grad_fn.name(), gx.grad_fn.name(), gg.grad_fn.name())
    return [_np(v) for v in (y, gx, gg, hx, hg)], names


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("nd,mode,pad,ac", COMBOS)
def test_modes_vs_torch(nd, mode, pad, ac, dtype):
    torch = _torch()
    rng = np.random.default_rng(zlib.crc32(repr((nd, mode, pad, ac)).encode()))
    xs, gs = _shapes(nd)
    xa = rng.standard_normal(xs)
    ga = rng.standard_normal(gs) * 1.5  # points inside and outside [-1, 1]
    kw = {"mode": mode, "padding_mode": pad, "align_corners": ac}
    got, cnames = _run(chainrule, xa, ga, dtype, **kw)
    want, tnames = _run(torch, xa, ga, dtype, **kw)
    assert cnames == tnames
    assert cnames[0] == f"GridSampler{nd}DBackward0"
    for what, c, t in zip(("output", "grad input", "grad grid", "gg input", "gg grid"), got, want):
        assert c.dtype == t.dtype, what
        _close(c, t, dtype, err_msg=what)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_third_order_vs_torch(mode):
    """PyTorch differentiates its double backward again; so does chainrule."""
    torch = _torch()
    rng = np.random.default_rng(3)
    xa, ga = rng.standard_normal((1, 2, 3, 4)), rng.standard_normal((1, 2, 3, 2))
    res = []
    for lib in (chainrule, torch):
        x = lib.tensor(xa, requires_grad=True)
        g = lib.tensor(ga, requires_grad=True)
        y = lib.nn.functional.grid_sample(
            x, g, mode=mode, padding_mode="reflection", align_corners=False
        )
        gx, gg = lib.autograd.grad((y**2).sum(), (x, g), create_graph=True)
        h = lib.autograd.grad((gg**2).sum() + (gx**3).sum(), (x, g), create_graph=True)
        h3 = lib.autograd.grad((h[1] ** 2).sum() + h[0].sum(), (x, g))
        res.append([_np(v) for v in (*h, *h3)])
    for c, t in zip(*res):
        np.testing.assert_allclose(c, t, rtol=1e-10, atol=1e-9)


def test_saved_attributes_and_edges():
    torch = _torch()
    for lib in (chainrule, torch):
        x = lib.ones(1, 1, 2, 2, requires_grad=True)
        g = lib.zeros(1, 1, 1, 2, requires_grad=True)
        y = lib.nn.functional.grid_sample(
            x, g, mode="nearest", padding_mode="border", align_corners=True
        )
        fn = y.grad_fn
        assert (fn._saved_interpolation_mode, fn._saved_padding_mode) == (1, 1)
        assert fn._saved_align_corners is True
        assert tuple(fn._saved_grid.shape) == (1, 1, 1, 2)
        gx, _ = lib.autograd.grad(y.sum(), (x, g), create_graph=True)
        edges = [None if f is None else f.name() for f, _ in gx.grad_fn.next_functions]
        assert edges[0] is None and len(edges) == 3  # grad_output did not require grad
        theta = lib.zeros(1, 2, 3, requires_grad=True)
        a = lib.nn.functional.affine_grid(theta, (1, 1, 2, 3), align_corners=False)
        assert a.grad_fn.name() == "AffineGridGeneratorBackward0"
        assert tuple(a.grad_fn._saved_size) == (1, 1, 2, 3)
        assert a.grad_fn._saved_align_corners is False


@pytest.mark.parametrize("nd", [2, 3])
@pytest.mark.parametrize("pad", PADS)
def test_nearest_rounds_half_to_even(nd, pad):
    torch = _torch()
    # width 4, align_corners=False: x = 2g + 1.5, so g = k/4 lands on k/2 + 1.5 (ties at odd k)
    xs = (1, 1, 3, 4) if nd == 2 else (1, 1, 2, 3, 4)
    xa = np.arange(float(np.prod(xs))).reshape(xs)
    gx = np.arange(-6, 7) / 4.0
    ga = np.zeros((1, 1, gx.size, nd) if nd == 2 else (1, 1, 1, gx.size, nd))
    ga[..., 0] = gx
    outs = []
    for lib in (chainrule, torch):
        y = lib.nn.functional.grid_sample(
            lib.tensor(xa), lib.tensor(ga), mode="nearest", padding_mode=pad, align_corners=False
        )
        outs.append(_np(y))
    np.testing.assert_array_equal(*outs)
    if nd == 2 and pad == "border":
        cols = np.clip(np.rint(2 * gx + 1.5), 0, 3)  # row 1 (y = 0 is the middle of 3 rows)
        np.testing.assert_array_equal(outs[0].ravel(), 4 + cols)


SPECIAL = [np.nan, np.inf, -np.inf, 1e30, -1e30, 5.0, 1e10, -7.3, 3e9]


def _crashes_torch(nd, mode, pad, v) -> bool:
    # PyTorch's 2-d bilinear backward reads out of bounds (segfaults) for these coordinates
    return (
        nd == 2
        and mode == "bilinear"
        and pad != "zeros"
        and (np.isnan(v) or (pad == "reflection" and np.isinf(v)))
    )


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("nd,mode,pad,ac", COMBOS)
def test_special_grid_values_vs_torch(nd, mode, pad, ac, dtype):
    """NaN, inf and huge coordinates: PyTorch's 2-d kernel gives NaN weights (zeros padding)
    or clamps NaN to 0, its 3-d kernel sends them out of bounds (and its backward treats NaN
    differently from its forward); chainrule follows both, forward and backward."""
    torch = _torch()
    xs = (1, 2, 3, 4) if nd == 2 else (1, 1, 2, 3, 4)
    base = np.array([[0.3, -0.6, 0.2][:nd], [-0.1, 0.45, 0.7][:nd]])
    gshape = (1, 2) + (1,) * (nd - 1) + (nd,)
    for v, pos in itertools.product(SPECIAL, range(nd)):
        ga = base.copy()
        ga[0, pos] = v
        ga = ga.reshape(gshape)
        res = []
        for lib in (chainrule, torch):
            x = _tensor(lib, np.arange(1.0, 25.0).reshape(xs), dtype, True)
            g = _tensor(lib, ga, dtype, True)
            y = lib.nn.functional.grid_sample(x, g, mode=mode, padding_mode=pad, align_corners=ac)
            r = [_np(y)]
            if not _crashes_torch(nd, mode, pad, v):
                r += [_np(t) for t in lib.autograd.grad(y.sum(), (x, g))]
            res.append(r)
        for what, c, t in zip(("output", "grad input", "grad grid"), *res):
            _close(c, t, dtype, equal_nan=True, err_msg=f"{what} at {v} (dim {pos})")


@pytest.mark.parametrize("mode", MODES)
def test_empty_shapes(mode):
    torch = _torch()
    cases = [
        ((0, 3, 4, 5), (0, 6, 7, 2)),
        ((2, 0, 4, 5), (2, 6, 7, 2)),
        ((2, 3, 4, 5), (2, 0, 7, 2)),
    ]
    for xs, gs in cases:
        for lib in (chainrule, torch):
            x = lib.randn(*xs, requires_grad=True)
            g = lib.rand(*gs, requires_grad=True)
            y = lib.nn.functional.grid_sample(x, g, mode=mode, align_corners=False)
            assert tuple(y.shape) == (xs[0], xs[1]) + gs[1:3]
            a, b = lib.autograd.grad(y.sum(), (x, g), allow_unused=True)
            assert tuple(a.shape) == xs and tuple(b.shape) == gs
            assert not a.abs().sum().item() and not b.abs().sum().item()


def test_nearest_grid_gradient_is_zero_not_none():
    x = chainrule.randn(1, 2, 3, 3, requires_grad=True)
    g = chainrule.rand(1, 2, 2, 2, requires_grad=True)
    y = CF.grid_sample(x, g, mode="nearest", align_corners=True)
    gx, gg = chainrule.autograd.grad(y.sum(), (x, g))
    assert gg is not None and not gg.abs().sum().item()
    assert gx.sum().item() == pytest.approx(float(y.numel()))


def test_float16_close_to_torch():
    torch = _torch()
    outs = []
    for lib in (chainrule, torch):
        rng = np.random.default_rng(5)
        xa, ga = rng.standard_normal((1, 2, 3, 4)), rng.uniform(-1, 1, (1, 2, 2, 2))
        x = _tensor(lib, xa, "float16", True)
        g = _tensor(lib, ga, "float16", True)
        y = lib.nn.functional.grid_sample(x, g, align_corners=False)
        assert str(y.dtype) == "torch.float16"
        outs.append([_np(y), *(_np(t) for t in lib.autograd.grad(y.sum(), (x, g)))])
        theta = _tensor(lib, rng.standard_normal((1, 2, 3)), "float16", True)
        a = lib.nn.functional.affine_grid(theta, (1, 1, 2, 3), align_corners=True)
        assert str(a.dtype) == "torch.float16"
        outs[-1] += [_np(a), _np(lib.autograd.grad(a.sum(), theta)[0])]
    for c, t in zip(*outs):
        np.testing.assert_allclose(c.astype(np.float64), t.astype(np.float64), rtol=1e-2, atol=1e-2)


# ---------------------------------------------------------------- affine_grid


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("ac", [False, True])
@pytest.mark.parametrize(
    "size", [(2, 3, 4, 5), (2, 1, 1, 3), (1, 2, 1, 1), (2, 3, 2, 3, 4), (1, 1, 1, 2, 1)]
)
def test_affine_grid_vs_torch(size, ac, dtype):
    torch = _torch()
    nd = len(size) - 2
    rng = np.random.default_rng(len(size) + 10 * size[-1])
    ta = rng.standard_normal((size[0], nd, nd + 1))
    res = []
    for lib in (chainrule, torch):
        theta = _tensor(lib, ta, dtype, True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unit sizes with align_corners=True warn
            a = lib.nn.functional.affine_grid(theta, size, align_corners=ac)
        w = _tensor(lib, _weights(tuple(a.shape), 0.5), dtype, True)
        (gt,) = lib.autograd.grad(a, theta, w, create_graph=True)
        (gw,) = lib.autograd.grad((gt * gt).sum(), w)  # through the backward, in grad_output
        assert a.grad_fn.name() == "AffineGridGeneratorBackward0"
        res.append([_np(a), _np(gt), _np(gw)])
    for what, c, t in zip(("grid", "grad theta", "grad of grad"), *res):
        _close(c, t, dtype, err_msg=what)


def test_spatial_transformer_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(11)
    xa, ta = rng.standard_normal((2, 3, 5, 6)), rng.standard_normal((2, 2, 3)) * 0.5
    res = []
    for lib in (chainrule, torch):
        x = lib.tensor(xa, requires_grad=True)
        theta = lib.tensor(ta, requires_grad=True)
        grid = lib.nn.functional.affine_grid(theta, (2, 3, 4, 4), align_corners=False)
        y = lib.nn.functional.grid_sample(x, grid, padding_mode="border", align_corners=False)
        loss = (y * y).sum()
        gx, gt = lib.autograd.grad(loss, (x, theta), create_graph=True)
        (hx,) = lib.autograd.grad(gt.sum(), x)
        res.append([_np(v) for v in (y, gx, gt, hx)])
    for c, t in zip(*res):
        np.testing.assert_allclose(c, t, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- warnings


def _record(fn):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        fn()
    return [(w.category, str(w.message), w.filename) for w in rec]


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 1, 2)),
        lambda lib: lib.nn.functional.affine_grid(lib.zeros(1, 2, 3), (1, 1, 2, 2)),
        lambda lib: lib.nn.functional.affine_grid(
            lib.zeros(1, 2, 3), (1, 1, 1, 2), align_corners=True
        ),
        lambda lib: lib.nn.functional.affine_grid(
            lib.zeros(1, 3, 4), (1, 1, 2, 1, 2), align_corners=True
        ),
        lambda lib: lib.nn.functional.affine_grid(lib.zeros(1, 2, 3), (1, 1, 1, 1)),
        lambda lib: lib.nn.functional.grid_sample(
            lib.ones(1, 1, 2, 2), lib.zeros(1, 1, 1, 2), align_corners=False
        ),
    ],
)
def test_warnings_as_torch(call):
    torch = _torch()
    got, want = _record(lambda: call(chainrule)), _record(lambda: call(torch))
    assert [(c, m) for c, m, _ in got] == [(c, m) for c, m, _ in want]
    assert all(f == __file__ for _, _, f in got)  # stacklevel 2: the caller's line


def test_align_corners_warning_text():
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        CF.grid_sample(chainrule.ones(1, 1, 2, 2), chainrule.zeros(1, 1, 1, 2))


# ---------------------------------------------------------------- errors


def _gs(*shapes, dtypes=("float32", "float32"), **kw):
    def call(lib):
        x = lib.zeros(*shapes[0], dtype=getattr(lib, dtypes[0]))
        g = lib.zeros(*shapes[1], dtype=getattr(lib, dtypes[1]))
        return lib.nn.functional.grid_sample(x, g, **kw)

    return call


def _ag(theta_shape, size, dtype="float32", **kw):
    def call(lib):
        theta = lib.zeros(*theta_shape, dtype=getattr(lib, dtype))
        return lib.nn.functional.affine_grid(theta, size, **kw)

    return call


ERRORS = {
    "mode": _gs((1, 1, 2, 2), (1, 1, 1, 2), mode="area", align_corners=False),
    "mode_int": _gs((1, 1, 2, 2), (1, 1, 1, 2), mode=0, align_corners=False),
    "padding": _gs((1, 1, 2, 2), (1, 1, 1, 2), padding_mode="circular", align_corners=False),
    "dtype_mismatch": _gs((1, 1, 2, 2), (1, 1, 1, 2), dtypes=("float32", "float64")),
    "dtype_mismatch_3d": _gs((1, 1, 2, 2, 2), (1, 1, 1, 1, 3), dtypes=("float64", "float32")),
    "long": _gs((1, 1, 2, 2), (1, 1, 1, 2), dtypes=("int64", "int64")),
    "bool_3d": _gs((1, 1, 2, 2, 2), (1, 1, 1, 1, 3), dtypes=("bool", "float32")),
    "long_3d_empty": _gs((0, 1, 2, 2, 2), (0, 1, 1, 1, 3), dtypes=("int64", "int64")),
    "float_int_grid": _gs((1, 1, 2, 2), (1, 1, 1, 2), dtypes=("float32", "int64")),
    "batch": _gs((2, 3, 4, 5), (3, 6, 7, 2), align_corners=False),
    "batch_and_last_dim": _gs((2, 3, 4, 5), (3, 6, 7, 3), align_corners=False),
    "last_dim": _gs((2, 3, 4, 5), (2, 6, 7, 3), align_corners=False),
    "grid_rank": _gs((2, 3, 4, 5), (2, 6, 2), align_corners=False),
    "grid_rank_5": _gs((2, 3, 4, 5), (2, 6, 7, 4, 2), align_corners=False),
    "input_3d": _gs((2, 3, 4), (2, 6, 1), align_corners=False),
    "input_3d_bad_grid": _gs((3, 4, 5), (6, 7, 2), align_corners=False),
    "input_1d": _gs((5,), (5, 3), align_corners=False),
    "input_6d": _gs((1, 2, 3, 4, 5, 6), (1, 2, 2, 2, 2, 4), align_corners=False),
    "empty_spatial": _gs((2, 3, 0, 5), (2, 6, 7, 2), align_corners=False),
    "bicubic_5d": _gs((1, 2, 3, 4, 5), (1, 2, 2, 2, 3), mode="bicubic", align_corners=False),
    "bicubic_5d_bad_grid": _gs((1, 2, 3, 4, 5), (1, 2, 2, 2, 2), mode="bicubic"),
    "align_corners_int": _gs((1, 1, 2, 2), (1, 1, 1, 2), align_corners=1),
    "align_corners_numpy": _gs((1, 1, 2, 2), (1, 1, 1, 2), align_corners=np.bool_(True)),
    "input_0d": lambda lib: lib.nn.functional.grid_sample(
        lib.tensor(1.0), lib.tensor(2.0), align_corners=False
    ),
    "input_ndarray": lambda lib: lib.nn.functional.grid_sample(
        np.zeros((1, 1, 2, 2), np.float32), lib.zeros(1, 1, 1, 2), align_corners=False
    ),
    "grid_none": lambda lib: lib.nn.functional.grid_sample(
        lib.zeros(1, 1, 2, 2), None, align_corners=False
    ),
    "theta_int": _ag((2, 2, 3), (2, 3, 4, 5), dtype="int64", align_corners=False),
    "theta_complex": _ag((2, 2, 3), (2, 3, 4, 5), dtype="complex64", align_corners=False),
    "theta_for_3d": _ag((2, 2, 3), (2, 3, 4, 5, 6), align_corners=False),
    "theta_shape": _ag((2, 3, 3), (2, 3, 4, 5), align_corners=False),
    "theta_1d": _ag((6,), (2, 3, 4, 5), align_corners=False),
    "theta_4d": _ag((1, 2, 2, 3), [2, 0, 1, 5], align_corners=True),
    "size_len": _ag((2, 2, 3), (2, 3, 4), align_corners=False),
    "size_zero": _ag((2, 2, 3), (2, 3, 0, 5), align_corners=False),
    "size_zero_ac": _ag((2, 2, 3), (2, 3, 1, 0), align_corners=True),
    "size_negative_list": _ag((2, 2, 3), [2, -3, 4, 5], align_corners=False),
    "size_batch0": _ag((0, 2, 3), [0, 3, 2, 2], align_corners=False),
    "size_float": _ag((2, 2, 3), (2, 3, 4.0, 5), align_corners=False),
    "batch_mismatch": _ag((2, 2, 3), (3, 3, 4, 5), align_corners=False),
    "batch_mismatch_3d": _ag((2, 3, 4), (1, 3, 4, 5, 2), align_corners=False),
    "size_tensor": lambda lib: lib.nn.functional.affine_grid(
        lib.zeros(2, 2, 3), lib.tensor([2, 3, 4, 5]), align_corners=False
    ),
    "theta_ndarray": lambda lib: lib.nn.functional.affine_grid(
        np.zeros((2, 2, 3)), (2, 3, 4, 5), align_corners=False
    ),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_as_torch(name):
    torch = _torch()
    call = ERRORS[name]
    excs = []
    for lib in (chainrule, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(Exception) as info:
                call(lib)
        excs.append(info.value)
    c, t = excs
    assert type(c) is type(t), (c, t)
    assert str(c).split("\n")[0] == str(t).split("\n")[0]


OK_CASES = {
    "empty_long": _gs((0, 3, 4, 5), (0, 6, 7, 2), dtypes=("int64", "int64")),
    "empty_channels_long": _gs((2, 0, 4, 5), (2, 6, 7, 2), dtypes=("int64", "int64")),
    "empty_mismatch": _gs((0, 3, 4, 5), (0, 6, 7, 2), dtypes=("float32", "float64")),
    "empty_mismatch_3d": _gs((1, 0, 4, 5, 2), (1, 6, 7, 2, 3), dtypes=("float32", "float64")),
    "noncontiguous": lambda lib: lib.nn.functional.grid_sample(
        lib.arange(24.0).reshape(1, 2, 3, 4).transpose(2, 3),
        lib.linspace(-1, 1, 12).reshape(1, 2, 3, 2),
        align_corners=False,
    ),
    "size_list": _ag((2, 2, 3), [2, 3, 4, 5], align_corners=False),
    "size_torch_size": lambda lib: lib.nn.functional.affine_grid(
        lib.zeros(2, 2, 3), lib.Size((2, 3, 4, 5)), align_corners=False
    ),
    "unit_ac_zero_channels": _ag((2, 2, 3), (2, 0, 1, 5), align_corners=True),
    "unit_grid": _ag((2, 2, 3), (2, 3, 1, 1), align_corners=False),
}


@pytest.mark.parametrize("name", sorted(OK_CASES))
def test_edge_cases_as_torch(name):
    torch = _torch()
    outs = []
    for lib in (chainrule, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outs.append(OK_CASES[name](lib))
    c, t = outs
    assert str(c.dtype) == str(t.dtype) and tuple(c.shape) == tuple(t.shape)
    np.testing.assert_allclose(_np(c), _np(t), rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------- docstrings


@pytest.mark.parametrize("fn", [CF.grid_sample, CF.affine_grid])
def test_docstring_example_runs(fn):
    assert ">>>" in fn.__doc__
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(fn, fn.__name__, globs={}):
        runner.run(test)
    assert runner.failures == 0 and runner.tries > 0
