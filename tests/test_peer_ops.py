"""Regressions found by running other autograd projects' op suites (tinygrad-style
``helper_test_op`` cases: one lambda, run on torch and on chainrule) against PyTorch.

Every check runs the same function with ``lib`` set to chainrule and to torch and compares
values, dtypes, gradients and raised error types.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import chainrule


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _np(t):
    t = t.detach()
    try:
        return t.numpy(force=True)
    except TypeError:
        return t.numpy()


def _same(ours, theirs, atol=1e-6, rtol=1e-5):
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b, atol, rtol)
        return
    assert str(ours.dtype).split(".")[-1] == str(theirs.dtype).split(".")[-1]
    a, b = _np(ours), _np(theirs)
    assert a.shape == b.shape
    if a.dtype.kind == "f":
        np.testing.assert_allclose(a, b, atol=atol, rtol=rtol)
    else:
        np.testing.assert_array_equal(a, b)


def _inputs(lib, values, grad=True):
    out = []
    for v in values:
        t = lib.tensor(v)
        if grad and t.dtype.is_floating_point:
            t.requires_grad_()
        out.append(t)
    return out


def check(torch, fn, *values, grad=True, atol=1e-6, rtol=1e-5):
    """``fn(lib, *tensors)`` on both libraries: forward and, for float inputs, gradients."""
    ours_in = _inputs(chainrule, values, grad)
    theirs_in = _inputs(torch, values, grad)
    ours, theirs = fn(chainrule, *ours_in), fn(torch, *theirs_in)
    _same(ours, theirs, atol, rtol)
    diff = [i for i, t in enumerate(theirs_in) if t.requires_grad]
    if grad and diff:
        rng = np.random.default_rng(0)
        up = rng.standard_normal(tuple(theirs.shape)).astype(_np(theirs).dtype)
        g_t = torch.autograd.grad(theirs, [theirs_in[i] for i in diff], torch.tensor(up))
        g_c = chainrule.autograd.grad(ours, [ours_in[i] for i in diff], chainrule.tensor(up))
        _same(g_c, g_t, atol, rtol)


def raises_alike(torch, fn, *values):
    errors = []
    for lib in (torch, chainrule):
        with pytest.raises(Exception) as info:
            fn(lib, *_inputs(lib, values, grad=False))
        errors.append(info.type)
    assert errors[1] is errors[0], errors


F32 = np.float32
NAN, INF = math.nan, math.inf


# ---------------------------------------------------------------- elementwise edge values
@pytest.mark.parametrize("name", ["maximum", "minimum", "max", "min"])
def test_binary_max_min_pass_gradient_to_both_sides_at_nan(torch, name):
    a = np.array([1.0, NAN, 3.0, NAN, 2.0], F32)
    b = np.array([NAN, -2.0, 3.0, NAN, 5.0], F32)
    check(torch, lambda lib, x, y: getattr(lib, name)(x, y), a, b)


def test_atan2_gradient_is_zero_at_the_origin(torch):
    a = np.array([0.0, 0.0, 1.0, -1.0], F32)
    b = np.array([0.0, -0.0, 0.0, 2.0], F32)
    check(torch, lambda lib, x, y: lib.atan2(x, y), a, b)


def test_relu_gradient_at_nan_and_bool_input(torch):
    check(torch, lambda lib, x: x.relu(), np.array([INF, -INF, NAN, 0.0, -1.0, 2.0], F32))
    raises_alike(torch, lambda lib, x: x.relu(), np.array([True, False]))


def test_hardswish_gradient_at_the_kinks(torch):
    v = np.array([-4.0, -3.0, -1.0, 0.0, 3.0, 4.0, NAN], F32)
    check(torch, lambda lib, x: lib.nn.functional.hardswish(x), v)


@pytest.mark.parametrize("base", [-5.5, -2, 0, 0.7, 2.0])
def test_scalar_base_power_gradient(torch, base):
    check(torch, lambda lib, x: base**x, np.array([-2.0, -1.0, 0.0, 0.5, 1.0, 3.0], F32))


def test_frac_has_no_integer_kernel(torch):
    raises_alike(torch, lambda lib, x: x.frac(), np.array([1, 2]))


def test_python_int_out_of_an_integer_dtype_range_wraps(torch):
    for dt, op in (
        ("int8", lambda t: t + 1000),
        ("uint8", lambda t: t * 300),
        ("int8", lambda t: t - 200),
    ):
        check(torch, lambda lib, x, dt=dt, op=op: op(x.to(getattr(lib, dt))), np.array([1, 2]))
    check(torch, lambda lib, x: x.int() + 2**40, np.array([1, 2]))


# ---------------------------------------------------------------- reductions, sorting
def test_sort_descending_puts_nan_first_and_handles_the_int_minimum(torch):
    v = np.array([0.0, NAN, 1.0, -INF, NAN, INF], F32)
    for desc in (False, True):
        check(torch, lambda lib, x: x.sort(descending=desc, stable=True)[1], v, grad=False)
        check(torch, lambda lib, x: x.sort(descending=desc)[0], v)
        check(torch, lambda lib, x: x.topk(3, largest=desc)[0], v)
    ints = np.array([0, -(2**31), 5, 2**31 - 1], np.int32)
    check(torch, lambda lib, x: x.sort(descending=True)[1], ints)
    check(torch, lambda lib, x: x.argsort(descending=True), ints.astype(np.int64))


@pytest.mark.parametrize("correction", [0, 1, 5])
@pytest.mark.parametrize("dim", [None, (0, 3), (0, 4)])
def test_var_std_gradient_without_degrees_of_freedom(torch, correction, dim):
    x = np.random.default_rng(1).standard_normal((1, 2, 3, 1, 5)).astype(F32)
    for name in ("var", "std"):
        check(
            torch,
            lambda lib, t, name=name: getattr(t, name)(dim=dim, correction=correction),
            x,
            atol=1e-5,
        )
    check(torch, lambda lib, t: t.var(correction=correction), np.array(3.0, F32))


def test_reductions_reject_a_repeated_dim(torch):
    x = np.ones((2, 3), F32)
    for name in ("sum", "mean", "amax", "logsumexp", "std", "any"):
        raises_alike(torch, lambda lib, t, name=name: getattr(t, name)((0, -2)), x)


# ---------------------------------------------------------------- creation, einsum
def test_creation_argument_errors(torch):
    for fn in (
        lambda lib: lib.eye(-3, 3),
        lambda lib: lib.eye(3, -1),
        lambda lib: lib.arange(0, -10, 1),
        lambda lib: lib.arange(0, 10, -2),
        lambda lib: lib.linspace(1, 2, -1),
        lambda lib: lib.linspace(5, 10, 3, dtype=lib.bool),
    ):
        raises_alike(torch, fn)


def test_einsum_misplaced_dots(torch):
    a = np.ones((2, 3, 4), F32)
    raises_alike(torch, lambda lib, x, y: lib.einsum("...ik..., ...jk ->", x, y), a, a)
    raises_alike(torch, lambda lib, x: lib.einsum("i.j->i", x.sum(0)), a)


# ---------------------------------------------------------------- scatter family
@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_values_and_gradients(torch, reduce, include_self):
    rng = np.random.default_rng(3)
    x = rng.integers(-2, 3, (4, 5)).astype(np.float64)
    src = rng.integers(-2, 3, (3, 5)).astype(np.float64)  # ties and zeros on purpose
    index = rng.integers(0, 4, (3, 5))

    def fn(lib, a, s):
        return a.scatter_reduce(0, lib.tensor(index), s, reduce, include_self=include_self)

    check(torch, fn, x, src)
    check(torch, lambda lib, a, s: fn(lib, a, s), x.astype(np.int64), src.astype(np.int64))
    # a source larger than the index: only the leading part is read
    big = rng.standard_normal((3, 6))
    check(
        torch,
        lambda lib, a, s: a.scatter_reduce(1, lib.tensor(index), s, reduce),
        x,
        big,
        grad=False,
    )


def test_scatter_reduce_argument_errors(torch):
    x = np.zeros((3, 4), F32)
    idx = np.zeros((3, 4), np.int64)
    raises_alike(torch, lambda lib, a, i: a.scatter_reduce(0, i, a, "INVALID"), x, idx)
    raises_alike(torch, lambda lib, a, i: a.half().scatter_reduce(0, i, a, "sum"), x, idx)


@pytest.mark.parametrize("reduce", ["add", "multiply"])
def test_scatter_with_a_reduce_argument(torch, reduce):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 5, 6)).astype(F32)
    index = rng.integers(0, 3, (3, 4, 5))
    for value in (2.5, INF, NAN):
        check(
            torch,
            lambda lib, a, v=value: a.scatter(1, lib.tensor(index), v, reduce=reduce),
            x,
            grad=False,
        )
    check(
        torch,
        lambda lib, a: a.scatter(1, lib.tensor(index), a * 2, reduce=reduce),
        x,
        grad=False,
    )
    for lib in (torch, chainrule):  # recorded, but without a derivative
        a = lib.ones(3, requires_grad=True)
        out = a.scatter(0, lib.tensor([0, 0]), 2.0, reduce=reduce)
        with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
            out.sum().backward()


def test_masked_scatter(torch):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3)).astype(F32)
    src = rng.standard_normal((2, 5)).astype(F32)
    check(torch, lambda lib, a, s: a.masked_scatter(lib.tensor([True, False, True]), s), x, src)
    check(torch, lambda lib, a, s: a.masked_scatter(a > 0, s), x, src)
    raises_alike(torch, lambda lib, a, s: a.masked_scatter(a > -10, s[0, :2]), x, src)


# ---------------------------------------------------------------- padding, shape, indexing
@pytest.mark.parametrize(
    "shape,pad",
    [((3, 3, 3, 3), (-1, 2, -3, 4)), ((3, 3), (-1, 2, -3, 4)), ((4,), (0, -2)), ((2, 5), (-5, 1))],
)
def test_constant_pad_with_negative_amounts_crops(torch, shape, pad):
    x = np.random.default_rng(6).standard_normal(shape).astype(F32)
    for value in (0.0, 5.0, -INF):
        check(torch, lambda lib, t, v=value: lib.nn.functional.pad(t, pad, value=v), x)
    raises_alike(torch, lambda lib, t: lib.nn.functional.pad(t, (-3, -4)), np.ones((2, 5), F32))


@pytest.mark.parametrize("pad", [(2, -1, 1, -2), (-2, 3, 0, 0), (3, -3, 1, 1), (-1, 2, 2, -1)])
def test_circular_pad_crops_before_wrapping(torch, pad):
    x = np.random.default_rng(7).standard_normal((1, 2, 5, 6)).astype(F32)
    check(torch, lambda lib, t: lib.nn.functional.pad(t, pad, mode="circular"), x)


@pytest.mark.parametrize("dim", [0, 1, -1, -2])
def test_repeat_interleave_backward_along_each_dim(torch, dim):
    x = np.random.default_rng(8).standard_normal((3, 4)).astype(F32)
    check(torch, lambda lib, t: t.repeat_interleave(2, dim), x)


def test_take_along_dim_shape_error_is_a_runtime_error(torch):
    x = np.ones((4, 5, 6), F32)
    idx = np.zeros((3, 4, 5), np.int64)
    raises_alike(torch, lambda lib, t, i: lib.take_along_dim(t, i, dim=0), x, idx)


def test_index_with_a_list_of_floats_truncates(torch):
    x = np.arange(12, dtype=F32).reshape(4, 3)
    check(torch, lambda lib, t: t[[1.9]], x)
    check(torch, lambda lib, t: t[[0, -1.5, 2.7]], x)


def test_setitem_with_an_advanced_index_needs_the_same_dtype(torch):
    def assign(index, value):
        def fn(lib, t):
            y = t.clone()
            y[index(lib)] = value(lib)
            return y

        return fn

    x = np.zeros((2, 3), F32)
    raises_alike(
        torch, assign(lambda lib: lib.tensor([0, 0]), lambda lib: lib.tensor([5, 6, 7])), x
    )
    raises_alike(torch, assign(lambda lib: [1], lambda lib: lib.tensor([1.0]).double()), x)
    # a 0-d value with a mask casts (PyTorch's masked_fill path), as basic indexing does
    check(torch, assign(lambda lib: lib.tensor([True, False]), lambda lib: lib.tensor(9)), x)
    check(torch, assign(lambda lib: 1, lambda lib: lib.tensor([1, 2, 3])), x)


# ---------------------------------------------------------------- interpolation of uint8 images
@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest", "nearest-exact"])
@pytest.mark.parametrize("channels", [3, 8])
def test_uint8_interpolation_matches_the_fixed_point_kernel(torch, mode, channels):
    x = np.random.default_rng(9).integers(0, 256, (2, channels, 8, 9)).astype(np.uint8)
    options = [dict(size=(10, 10)), dict(size=(3, 5)), dict(scale_factor=1.7), dict(size=(8, 4))]
    if mode in ("bilinear", "bicubic"):
        options.append(dict(size=(5, 12), align_corners=True))
    for kw in options:
        check(torch, lambda lib, t, kw=kw: lib.nn.functional.interpolate(t, mode=mode, **kw), x)


def test_integer_interpolation_without_a_kernel_raises(torch):
    f = [
        (np.int32, (1, 2, 5, 5), "bilinear"),
        (np.int64, (1, 2, 5, 5), "nearest"),
        (np.uint8, (1, 2, 5), "linear"),
        (np.uint8, (1, 2, 5, 5, 5), "trilinear"),
        (np.uint8, (1, 2, 5, 5), "area"),
        (np.int32, (1, 2, 5), "nearest"),
    ]
    for dt, shape, mode in f:
        size = (3,) * (len(shape) - 2)
        raises_alike(
            torch,
            lambda lib, t, mode=mode, size=size: lib.nn.functional.interpolate(
                t, size=size, mode=mode
            ),
            np.ones(shape, dt),
        )


# ---------------------------------------------------------------- attention, losses, scalar chains
@pytest.mark.parametrize(
    "kw",
    [
        {},
        dict(is_causal=True),
        dict(scale=0.3),
        dict(mask="float"),
        dict(mask="bool"),
        dict(gqa=True),
    ],
)
def test_scaled_dot_product_attention(torch, kw):
    rng = np.random.default_rng(10)
    hq = 4 if kw.get("gqa") else 2
    q = rng.standard_normal((2, hq, 5, 8)).astype(F32)
    k = rng.standard_normal((2, 2, 7, 8)).astype(F32)
    v = rng.standard_normal((2, 2, 7, 8)).astype(F32)
    m = rng.standard_normal((5, 7)).astype(F32)

    def fn(lib, a, b, c):
        mask = lib.tensor(m)
        extra = {key: kw[key] for key in ("is_causal", "scale") if key in kw}
        if kw.get("mask") == "float":
            extra["attn_mask"] = mask
        elif kw.get("mask") == "bool":
            extra["attn_mask"] = mask > 0
        if kw.get("gqa"):
            extra["enable_gqa"] = True
        return lib.nn.functional.scaled_dot_product_attention(a, b, c, **extra)

    check(torch, fn, q, k, v, atol=1e-5, rtol=1e-4)


def test_nll_and_cross_entropy_with_every_target_ignored(torch):
    x = np.random.default_rng(11).standard_normal((4, 6)).astype(F32)

    def fn(name):
        return lambda lib, t: getattr(lib.nn.functional, name)(
            t, lib.tensor([1, 1, 1, 1]), ignore_index=1
        )

    check(torch, fn("nll_loss"), x)
    check(torch, fn("cross_entropy"), x)


def test_scalar_expression_chain(torch):
    """Small scalar graphs of the kind micrograd-style engines test against torch."""

    def fn(lib, a, b):
        c = a + b
        d = a * b + b**3
        c = c + c + 1
        c = c + 1 + c + (-a)
        d = d + d * 2 + (b + a).relu()
        d = d + 3 * d + (b - a).relu()
        e = c - d
        f = e**2
        g = f / 2.0
        g = g + 10.0 / f
        z = 2 * a + 2 + a
        q = z.relu() + z * a
        h = (z * z).relu()
        return g + h + q + q * a

    check(torch, fn, np.array(-4.0), np.array(2.0))
