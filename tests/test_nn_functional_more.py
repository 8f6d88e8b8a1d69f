"""More of nn.functional against torch: activations, pooling, resampling, normalisation,
distances, losses, dropout variants and attention -- values, grad_fn names, input gradients
(float64 and float32) and errors (type and key words of torch's message)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")

DTYPES = ["float64", "float32"]


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def close(a, b, dtype="float64", rtol=None, atol=None):
    if dtype == "float32":
        rtol, atol = rtol or 1e-4, atol or 1e-5
    else:
        rtol, atol = rtol or 1e-6, atol or 1e-8
    a, b = _np(a), _np(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def _flat(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def both(
    fn, shapes, dtype="float64", *, scale=1.0, ints=None, seed=0, names=True, rtol=None, atol=None
):
    """fn(lib, *tensors) on chainrule and torch with the same inputs: outputs, grad_fn names
    and input gradients for a random upstream gradient."""
    rng = np.random.default_rng(seed)
    ints = ints or {}
    arrays = []
    for i, s in enumerate(shapes):
        if i in ints:
            arrays.append(rng.integers(*ints[i], size=s))
        else:
            arrays.append((rng.standard_normal(s) * scale).astype(dtype))
    tin = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    cin = [cr.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    touts = _flat(fn(torch, *tin))
    couts = _flat(fn(cr, *cin))
    assert len(touts) == len(couts)
    for c, t in zip(couts, touts):
        assert str(c.dtype) == str(t.dtype)
        close(c, t, dtype, rtol, atol)
        if names:
            tn = t.grad_fn.name() if t.grad_fn is not None else None
            cn = c.grad_fn.name() if c.grad_fn is not None else None
            assert cn == tn
    diff = [(c, t) for c, t in zip(couts, touts) if t.requires_grad]
    if not diff:
        return couts, touts
    ups = [rng.standard_normal(tuple(t.shape)).astype(dtype) for _, t in diff]
    sum((t * torch.tensor(u)).sum() for (_, t), u in zip(diff, ups)).backward()
    sum((c * cr.tensor(u)).sum() for (c, _), u in zip(diff, ups)).backward()
    for a, b in zip(cin, tin):
        if b.requires_grad:
            if b.grad is None:
                assert a.grad is None or not np.any(_np(a.grad))
            else:
                close(a.grad, b.grad, dtype, rtol, atol)
    return couts, touts


def same_error(fn, *args, words=()):
    """fn(lib, *args) raises the same exception type in both libraries, with torch's key
    words (all of ``words``, or the whole message when none are given)."""
    with pytest.raises(Exception) as te:
        fn(torch, *[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args])
    with pytest.raises(Exception) as ce:
        fn(cr, *[cr.tensor(a) if isinstance(a, np.ndarray) else a for a in args])
    assert type(ce.value).__name__ == type(te.value).__name__, (ce.value, te.value)
    msg = str(ce.value)
    for w in words or (str(te.value),):
        assert w in str(te.value), f"{w!r} not in torch's message {te.value}"
        assert w in msg, f"{w!r} not in {msg!r}"


def F(lib):
    return lib.nn.functional


# ---------------------------------------------------------------- activations

ACTS = {
    "relu6": lambda L, x: F(L).relu6(x * 4),
    "relu6_inplace": lambda L, x: F(L).relu6(x * 4, inplace=True),
    "hardtanh": lambda L, x: F(L).hardtanh(x, -0.5, 0.8),
    "hardtanh_": lambda L, x: F(L).hardtanh_(x * 1.0),
    "hardswish": lambda L, x: F(L).hardswish(x * 4),
    "hardswish_inplace": lambda L, x: F(L).hardswish(x * 4, inplace=True),
    "hardsigmoid": lambda L, x: F(L).hardsigmoid(x * 4),
    "hardsigmoid_inplace": lambda L, x: F(L).hardsigmoid(x * 4, True),
    "mish": lambda L, x: F(L).mish(x * 5),
    "mish_inplace": lambda L, x: F(L).mish(x * 5, inplace=True),
    "logsigmoid": lambda L, x: F(L).logsigmoid(x * 10),
    "softsign": lambda L, x: F(L).softsign(x),
    "softmin": lambda L, x: F(L).softmin(x, dim=1),
    "softmin_dtype": lambda L, x: F(L).softmin(x, 0, dtype=L.float64),
    "softshrink": lambda L, x: F(L).softshrink(x, 0.4),
    "hardshrink": lambda L, x: F(L).hardshrink(x, 0.4),
    "tanhshrink": lambda L, x: F(L).tanhshrink(x),
    "threshold": lambda L, x: F(L).threshold(x, 0.2, -3.0),
    "threshold_inplace": lambda L, x: F(L).threshold(x * 1.0, 0.2, -3.0, inplace=True),
    "threshold_": lambda L, x: F(L).threshold_(x * 1.0, 0.2, 0.0),
    "glu": lambda L, x: F(L).glu(x),
    "glu_dim0": lambda L, x: F(L).glu(x[:2], 0),
    "selu": lambda L, x: F(L).selu(x),
    "selu_": lambda L, x: F(L).selu_(x * 1.0),
    "celu": lambda L, x: F(L).celu(x, 0.5),
    "celu_": lambda L, x: F(L).celu_(x * 1.0, 2.0),
    "elu_": lambda L, x: F(L).elu_(x * 1.0, 0.3),
    "leaky_relu_": lambda L, x: F(L).leaky_relu_(x * 1.0, 0.05),
    "relu_": lambda L, x: F(L).relu_(x * 1.0),
    "silu_inplace": lambda L, x: F(L).silu(x * 1.0, inplace=True),
    "rrelu_eval": lambda L, x: F(L).rrelu(x, 0.1, 0.4),
    "rrelu_inplace": lambda L, x: F(L).rrelu(x * 1.0, inplace=True),
    "rrelu_fixed_train": lambda L, x: F(L).rrelu(x, 0.2, 0.2, training=True),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(ACTS))
def test_activation(name, dtype):
    both(ACTS[name], [(3, 4, 6)], dtype)


@pytest.mark.parametrize("wshape", [(4,), (1,)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_prelu(wshape, dtype):
    both(lambda L, x, w: F(L).prelu(x, w), [(3, 4, 5), wshape], dtype)
    both(lambda L, x, w: F(L).prelu(x, w), [(4, 4), wshape], dtype)


def test_prelu_1d_and_errors():
    both(lambda L, x, w: F(L).prelu(x, w), [(5,), (1,)])
    same_error(lambda L, x, w: F(L).prelu(x, w), np.ones((2, 3)), np.ones(2), words=("Mismatch",))
    same_error(lambda L, x, w: F(L).prelu(x, w), np.array(1.0), np.ones(2), words=("zero-dim",))
    both(lambda L, x, w: F(L).prelu(x, w), [(), (1,)])


def test_rrelu_training_uses_random_slopes_in_range():
    cr.manual_seed(0)
    x = cr.randn(200, requires_grad=True)
    y = F(cr).rrelu(x, 0.1, 0.3, training=True)
    assert y.grad_fn.name() == "RreluWithNoiseBackward0"
    xs, ys = x.detach().numpy(), y.detach().numpy()
    neg = xs <= 0
    np.testing.assert_array_equal(ys[~neg], xs[~neg])
    slope = ys[neg] / xs[neg]
    assert slope.min() >= 0.1 and slope.max() <= 0.3 and slope.std() > 0
    y.sum().backward()  # the gradient is the sampled slope (1 for x > 0)
    np.testing.assert_allclose(x.grad.numpy()[neg], slope, rtol=1e-6)
    np.testing.assert_array_equal(x.grad.numpy()[~neg], 1.0)


def test_activation_errors():
    x = np.ones((2, 3))
    same_error(lambda L, a: F(L).glu(a, 1), x, words=("Halving dimension must be even",))
    same_error(lambda L, a: F(L).glu(a), np.array(1.0), words=("does not support scalars",))
    same_error(lambda L, a: F(L).celu(a, 0.0), x, words=("alpha cannot be 0",))
    same_error(lambda L, a: F(L).hardtanh(a, 2.0, 1.0), x)
    same_error(lambda L, a: F(L).rrelu(a, 0.5, 0.1), x, words=("Lower bound",))
    same_error(lambda L, a: F(L).softshrink(a.float(), -1.0), x)
    same_error(lambda L, a: F(L).mish(a), np.array([1, 2]))
    same_error(lambda L, a: F(L).hardswish(a), np.array([1, 2]))
    same_error(lambda L, a: F(L).logsigmoid(a), np.array([1, 2]))
    same_error(lambda L, a: F(L).gelu(a), np.array([1, 2]))
    same_error(lambda L, a: F(L).elu(a), np.array([1, 2]))
    same_error(lambda L, a: F(L).selu(a), np.array([1, 2]))


def test_inplace_negative_slope_backward_error():
    for L in (torch, cr):
        x = L.tensor([1.0, -2.0], requires_grad=True)
        y = F(L).leaky_relu(x * 1.0, -0.1, inplace=True)
        with pytest.raises(RuntimeError, match="negative slope"):
            y.sum().backward()


def test_integer_hardtanh_relu6_threshold():
    a = np.array([-3, 1, 2, 7])
    for fn in (
        lambda L, t: F(L).relu6(t),
        lambda L, t: F(L).hardtanh(t, 1.5, 2.5),
        lambda L, t: F(L).threshold(t, 1, 0),
    ):
        c, t = fn(cr, cr.tensor(a)), fn(torch, torch.tensor(a))
        assert str(c.dtype) == str(t.dtype)
        np.testing.assert_array_equal(c.numpy(), t.numpy())


def test_implicit_dim_warnings():
    x = np.ones((2, 3))
    for name in ("softmin", "log_softmax", "softmax"):
        for L in (torch, cr):
            with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name}"):
                getattr(F(L), name)(L.tensor(x))


# ---------------------------------------------------------------- pooling, resampling, conv

SPATIAL = {
    "max_pool1d_indices": (
        lambda L, x: F(L).max_pool1d(x, 3, 2, 1, dilation=2, ceil_mode=True, return_indices=True),
        [(2, 3, 9)],
    ),
    "max_pool2d_with_indices": (
        lambda L, x: F(L).max_pool2d_with_indices(x, 3, 2, 1, dilation=(1, 2)),
        [(2, 3, 7, 8)],
    ),
    "max_pool3d": (lambda L, x: F(L).max_pool3d(x, (2, 3, 2), (1, 2, 2), 1), [(2, 2, 4, 6, 5)]),
    "max_pool3d_indices": (
        lambda L, x: F(L).max_pool3d(x, 2, ceil_mode=True, return_indices=True),
        [(2, 5, 5, 3)],
    ),
    "avg_pool1d_ceil": (
        lambda L, x: F(L).avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
        [(3, 8)],
    ),
    "avg_pool3d": (lambda L, x: F(L).avg_pool3d(x, 3, 2, 1), [(2, 2, 5, 6, 5)]),
    "avg_pool3d_divisor": (
        lambda L, x: F(L).avg_pool3d(x, 2, 1, 1, ceil_mode=True, divisor_override=3),
        [(2, 4, 3, 5)],
    ),
    "adaptive_avg_pool1d": (lambda L, x: F(L).adaptive_avg_pool1d(x, 4), [(2, 3, 9)]),
    "adaptive_avg_pool2d": (lambda L, x: F(L).adaptive_avg_pool2d(x, (3, 4)), [(2, 3, 7, 9)]),
    "adaptive_avg_pool2d_up": (lambda L, x: F(L).adaptive_avg_pool2d(x, 6), [(3, 4, 5)]),
    "adaptive_avg_pool2d_one": (lambda L, x: F(L).adaptive_avg_pool2d(x, 1), [(2, 3, 4, 5)]),
    "adaptive_avg_pool3d": (
        lambda L, x: F(L).adaptive_avg_pool3d(x, (2, None, 3)),
        [(2, 2, 5, 3, 7)],
    ),
    "adaptive_max_pool1d": (
        lambda L, x: F(L).adaptive_max_pool1d(x, 4, return_indices=True),
        [(2, 3, 9)],
    ),
    "adaptive_max_pool2d": (
        lambda L, x: F(L).adaptive_max_pool2d_with_indices(x, (3, 4)),
        [(2, 3, 7, 9)],
    ),
    "adaptive_max_pool3d": (lambda L, x: F(L).adaptive_max_pool3d(x, 2), [(2, 2, 5, 3, 7)]),
    "lp_pool1d": (lambda L, x: F(L).lp_pool1d(x.abs() + 0.1, 3, 2), [(2, 3, 8)]),
    "lp_pool2d": (lambda L, x: F(L).lp_pool2d(x, 2, (2, 3), stride=1), [(2, 3, 6, 7)]),
    "lp_pool3d": (lambda L, x: F(L).lp_pool3d(x, 2, 2, ceil_mode=True), [(1, 2, 5, 4, 3)]),
    "conv3d": (
        lambda L, x, w, b: F(L).conv3d(x, w, b, 2, 1, 1, 1),
        [(2, 2, 5, 4, 5), (3, 2, 3, 3, 2), (3,)],
    ),
    "conv_transpose1d": (
        lambda L, x, w, b: F(L).conv_transpose1d(x, w, b, 3, 1, 2, 2, 2),
        [(2, 4, 5), (4, 3, 3), (6,)],
    ),
    "conv_transpose2d": (
        lambda L, x, w: F(L).conv_transpose2d(x, w, None, (2, 1), (1, 0), (1, 0), 1, (1, 2)),
        [(2, 3, 4, 5), (3, 2, 3, 3)],
    ),
    "conv_transpose2d_unbatched": (
        lambda L, x, w: F(L).conv_transpose2d(x, w, stride=2),
        [(3, 4, 5), (3, 2, 2, 2)],
    ),
    "conv_transpose3d": (
        lambda L, x, w, b: F(L).conv_transpose3d(x, w, b, 2, 1, 1, 2),
        [(1, 4, 3, 2, 3), (4, 1, 3, 2, 2), (2,)],
    ),
    "pixel_shuffle": (lambda L, x: F(L).pixel_shuffle(x, 3), [(2, 18, 2, 3)]),
    "pixel_unshuffle": (lambda L, x: F(L).pixel_unshuffle(x, 2), [(2, 3, 4, 6)]),
    "unfold": (lambda L, x: F(L).unfold(x, 3, 2, 2, (1, 2)), [(2, 3, 6, 7)]),
    "fold": (lambda L, x: F(L).fold(x, (5, 6), (2, 3), padding=(1, 0), stride=2), [(2, 12, 6)]),
}
_INTERP = [
    ({"size": 7}, 1, "nearest"),
    ({"scale_factor": 1.7}, 2, "nearest"),
    ({"scale_factor": 0.4}, 3, "nearest"),
    ({"size": (5, 9)}, 2, "nearest-exact"),
    ({"size": 11, "align_corners": True}, 1, "linear"),
    ({"scale_factor": 2.5}, 1, "linear"),
    ({"size": (3, 8)}, 2, "bilinear"),
    ({"scale_factor": 1.3, "align_corners": True}, 2, "bilinear"),
    ({"scale_factor": 1.3, "recompute_scale_factor": True}, 2, "bilinear"),
    ({"scale_factor": (2, 0.7)}, 2, "bicubic"),
    ({"size": 4, "align_corners": True}, 2, "bicubic"),
    ({"size": (3, 5, 2)}, 3, "trilinear"),
    ({"scale_factor": 1.5, "align_corners": True}, 3, "trilinear"),
    ({"size": (3, 4)}, 2, "area"),
]
for _kw, _nd, _mode in _INTERP:
    SPATIAL[f"interpolate_{_mode}_{_nd}d_{sorted(_kw)}"] = (
        lambda L, x, kw=_kw, m=_mode: F(L).interpolate(x, mode=m, **kw),
        [(2, 3) + (5, 4, 6)[:_nd]],
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(SPATIAL))
def test_spatial(name, dtype):
    fn, shapes = SPATIAL[name]
    both(fn, shapes, dtype)


def test_max_unpool_roundtrip():
    for n in (1, 2, 3):
        shape = (2, 3) + (6, 4, 4)[:n]

        def fn(L, x, n=n):
            y, i = getattr(F(L), f"max_pool{n}d")(x, 2, return_indices=True)
            return getattr(F(L), f"max_unpool{n}d")(y, i, 2)

        both(fn, [shape])


def test_spatial_errors():
    x4 = np.ones((2, 3, 4, 4))
    same_error(lambda L, a: F(L).max_pool3d(a, 2), np.ones((2, 3)))
    same_error(lambda L, a: F(L).avg_pool3d(a, 3), np.ones((1, 1, 2, 2, 2)), words=("smaller",))
    same_error(lambda L, a: F(L).max_pool1d(a, 2), x4, words=("Expected 2D or 3D",))
    same_error(lambda L, a: F(L).max_pool1d(a, 5), np.ones((2, 3, 3)))
    same_error(lambda L, a: F(L).max_pool2d(a, 5), x4, words=("Output size is too small",))
    same_error(lambda L, a: F(L).adaptive_avg_pool2d(a, 2), np.ones((2, 3)))
    same_error(lambda L, a: F(L).adaptive_max_pool2d(a, 2), np.ones((2, 3)))
    same_error(lambda L, a: F(L).adaptive_avg_pool1d(a, 2), x4, words=("Expected 2 to 3",))
    same_error(lambda L, a: F(L).interpolate(a, size=3, mode="linear"), x4)
    same_error(lambda L, a: F(L).interpolate(a, size=3, mode="trilinear"), x4)
    same_error(lambda L, a: F(L).interpolate(a, size=3, align_corners=True), x4)
    same_error(lambda L, a: F(L).interpolate(a, size=3, scale_factor=2), x4)
    same_error(lambda L, a: F(L).interpolate(a), x4)
    same_error(lambda L, a: F(L).interpolate(a, size=(2, 3, 4)), x4, words=("same number",))
    same_error(lambda L, a: F(L).pixel_shuffle(a, 2), x4, words=("divisible by the square",))
    same_error(lambda L, a: F(L).pixel_unshuffle(a, 3), x4, words=("divisible by downscale",))
    same_error(lambda L, a: F(L).unfold(a, 5), x4, words=("must be at least one",))
    same_error(lambda L, a: F(L).fold(a, (5, 5), 2), np.ones((2, 12, 9)))
    same_error(
        lambda L, a, w: F(L).conv_transpose2d(a, w), np.ones((2, 5, 4, 4)), np.ones((4, 3, 3, 3))
    )
    same_error(
        lambda L, a, w: F(L).conv_transpose2d(a, w, output_padding=2),
        np.ones((2, 4, 4, 4)),
        np.ones((4, 3, 3, 3)),
    )
    same_error(lambda L, a, w: F(L).conv3d(a, w), np.ones((2, 4)), np.ones((3, 5, 3, 3, 3)))
    same_error(
        lambda L, a, w: F(L).conv3d(a, w), np.ones((2, 4, 4, 4, 4)), np.ones((3, 5, 3, 3, 3))
    )
    idx = np.array([[[[0, 1], [2, 99]]]])
    same_error(
        lambda L, a, i: F(L).max_unpool2d(a, i, 2), np.ones((1, 1, 2, 2)), idx,
        words=("Found an invalid max index: 99",),
    )  # fmt: skip


def test_conv_create_graph_through_transpose():
    # second derivatives through conv_transpose2d, against torch
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((1, 2, 3, 3)), rng.standard_normal((2, 2, 2, 2))
    res = []
    for L in (torch, cr):
        tx = L.tensor(x, requires_grad=True)
        tw = L.tensor(w, requires_grad=True)
        y = F(L).conv_transpose2d(tx, tw, stride=2)
        (gx,) = L.autograd.grad((y**2).sum(), tx, create_graph=True)
        gx.sum().backward()
        res.append((gx, tw.grad))
    close(res[1][0], res[0][0])
    close(res[1][1], res[0][1])


# ---------------------------------------------------------------- norms, distances, losses

NORMS = {
    "group_norm": (lambda L, x, w, b: F(L).group_norm(x, 2, w, b), [(2, 4, 3, 5), (4,), (4,)]),
    "group_norm_plain": (lambda L, x: F(L).group_norm(x, 3, eps=1e-3), [(2, 6, 7)]),
    "group_norm_2d": (lambda L, x, w: F(L).group_norm(x, 1, w), [(3, 4), (4,)]),
    "instance_norm": (lambda L, x: F(L).instance_norm(x), [(2, 3, 4, 5)]),
    "instance_norm_affine": (
        lambda L, x, w, b: F(L).instance_norm(x, weight=w, bias=b),
        [(2, 3, 6), (3,), (3,)],
    ),
    "rms_norm": (lambda L, x: F(L).rms_norm(x, (5,)), [(2, 3, 4, 5)]),
    "rms_norm_weight": (lambda L, x, w: F(L).rms_norm(x, (4, 5), w, 1e-3), [(2, 3, 4, 5), (4, 5)]),
    "local_response_norm_3d": (lambda L, x: F(L).local_response_norm(x, 3), [(2, 5, 6)]),
    "local_response_norm_4d": (
        lambda L, x: F(L).local_response_norm(x, 2, 1e-2, 0.5, 2.0),
        [(2, 5, 6, 3)],
    ),
    "cosine_similarity": (lambda L, x, y: F(L).cosine_similarity(x, y), [(3, 4, 5), (3, 4, 5)]),
    "cosine_similarity_bcast": (
        lambda L, x, y: F(L).cosine_similarity(x, y, dim=-1),
        [(3, 4, 5), (4, 5)],
    ),
    "pairwise_distance": (lambda L, x, y: F(L).pairwise_distance(x, y), [(3, 5), (3, 5)]),
    "pairwise_distance_p1": (
        lambda L, x, y: F(L).pairwise_distance(x, y, 1.0, keepdim=True),
        [(3, 5), (5,)],
    ),
    "pdist": (lambda L, x: F(L).pdist(x), [(5, 3)]),
    "pdist_p3": (lambda L, x: F(L).pdist(x, 3.0), [(5, 3)]),
    "pdist_inf": (lambda L, x: F(L).pdist(x, float("inf")), [(5, 3)]),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(NORMS))
def test_norms_and_distances(name, dtype):
    fn, shapes = NORMS[name]
    both(fn, shapes, dtype)


def _sign(L, x):
    return (x.detach() > 0).to(x.dtype) * 2 - 1


LOSSES = {
    "kl_div": (lambda L, x, y, r: F(L).kl_div(x, y.abs(), reduction=r), [(3, 4), (3, 4)]),
    "kl_div_log_target": (
        lambda L, x, y, r: F(L).kl_div(x, y, reduction=r, log_target=True),
        [(3, 4), (3, 4)],
    ),
    "poisson_nll": (
        lambda L, x, y, r: F(L).poisson_nll_loss(x, y.abs() * 3, reduction=r),
        [(3, 4), (3, 4)],
    ),
    "poisson_nll_full": (
        lambda L, x, y, r: F(L).poisson_nll_loss(
            x.abs(), y.abs() * 3, log_input=False, full=True, reduction=r
        ),
        [(3, 4), (3, 4)],
    ),
    "gaussian_nll": (
        lambda L, x, y, v, r: F(L).gaussian_nll_loss(x, y, v.abs(), reduction=r),
        [(3, 4), (3, 4), (3, 4)],
    ),
    "gaussian_nll_homoscedastic": (
        lambda L, x, y, v, r: F(L).gaussian_nll_loss(x, y, v.abs(), full=True, reduction=r),
        [(3, 4), (3, 4), (3,)],
    ),
    "hinge_embedding": (
        lambda L, x, r: F(L).hinge_embedding_loss(x, _sign(L, x), 0.5, reduction=r),
        [(3, 4)],
    ),
    "margin_ranking": (
        lambda L, x, y, r: F(L).margin_ranking_loss(x, y, _sign(L, x - y), 0.5, reduction=r),
        [(5,), (5,)],
    ),
    "soft_margin": (
        lambda L, x, r: F(L).soft_margin_loss(x, _sign(L, x - 0.5), reduction=r),
        [(3, 4)],
    ),
    "multilabel_soft_margin": (
        lambda L, x, w, r: F(L).multilabel_soft_margin_loss(
            x, (x.detach() > 0.5).to(x.dtype), w.detach(), reduction=r
        ),
        [(3, 4), (4,)],
    ),
    "multi_margin_p1": (
        lambda L, x, r: F(L).multi_margin_loss(x, L.tensor([0, 3, 1]), margin=0.7, reduction=r),
        [(3, 4)],
    ),
    "multi_margin_p2_weight": (
        lambda L, x, r: F(L).multi_margin_loss(
            x, L.tensor([0, 3, 1]), p=2, weight=L.tensor([1.0, 2, 3, 4]).to(x.dtype), reduction=r
        ),
        [(3, 4)],
    ),
    "multi_margin_1d": (
        lambda L, x, r: F(L).multi_margin_loss(x, L.tensor(2), reduction=r),
        [(4,)],
    ),
    "cosine_embedding": (
        lambda L, x, y, r: F(L).cosine_embedding_loss(
            x, y, L.tensor([1.0, -1, 1]).to(x.dtype), 0.2, reduction=r
        ),
        [(3, 4), (3, 4)],
    ),
    "triplet_margin": (
        lambda L, a, p, n, r: F(L).triplet_margin_loss(a, p, n, reduction=r),
        [(3, 4), (3, 4), (3, 4)],
    ),
    "triplet_margin_swap_p1": (
        lambda L, a, p, n, r: F(L).triplet_margin_loss(a, p, n, 2.0, 1.0, swap=True, reduction=r),
        [(3, 4), (3, 4), (3, 4)],
    ),
    "triplet_margin_with_distance": (
        lambda L, a, p, n, r: F(L).triplet_margin_with_distance_loss(
            a,
            p,
            n,
            distance_function=lambda u, v: 1 - F(L).cosine_similarity(u, v),
            swap=True,
            reduction=r,
        ),  # fmt: skip
        [(3, 4), (3, 4), (3, 4)],
    ),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", list(LOSSES))
def test_loss(name, reduction, dtype):
    fn, shapes = LOSSES[name]
    with (
        pytest.warns(UserWarning) if name.startswith("kl_div") and reduction == "mean" else _null()
    ):
        both(lambda L, *ts: fn(L, *ts, reduction), shapes, dtype)


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def test_kl_div_batchmean():
    both(lambda L, x, y: F(L).kl_div(x, y.abs(), reduction="batchmean"), [(3, 4), (3, 4)])


def test_norm_and_loss_errors():
    same_error(lambda L, a: F(L).group_norm(a, 3), np.ones((2, 4, 3)), words=("divisible",))
    same_error(lambda L, a: F(L).pdist(a), np.ones((2, 4, 3)))
    same_error(lambda L, a: F(L).rms_norm(a, (4,)), np.ones((3, 5)))
    same_error(lambda L, a: F(L).instance_norm(a), np.ones((2, 3, 1)), words=("spatial element",))
    same_error(
        lambda L, a, b: F(L).cosine_embedding_loss(a, b, L.tensor([1.0, -1, 1])),
        np.ones(3),
        np.ones(3),
    )
    same_error(
        lambda L, a, b, c: F(L).triplet_margin_loss(a, b, c),
        np.ones((3, 4)),
        np.ones((3, 4)),
        np.ones(4),
    )
    same_error(
        lambda L, a, b, v: F(L).gaussian_nll_loss(a, b, v),
        np.ones((3, 4)),
        np.ones((3, 4)),
        np.ones(2),
    )
    same_error(lambda L, a: F(L).dropout1d(a), np.ones((3, 4, 5, 6)), words=("dropout1d",))
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'target'"):
        F(cr).soft_margin_loss(cr.ones(3), cr.ones(3, requires_grad=True))


def test_instance_norm_running_stats():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3, 5))
    stats = []
    for L in (torch, cr):
        rm, rv = L.zeros(3, dtype=L.float64), L.ones(3, dtype=L.float64)
        y = F(L).instance_norm(L.tensor(x), rm, rv, use_input_stats=True, momentum=0.3)
        y2 = F(L).instance_norm(L.tensor(x), rm, rv, use_input_stats=False)
        stats.append((y, y2, rm, rv))
    for a, b in zip(stats[1], stats[0]):
        close(a, b)


# ---------------------------------------------------------------- dropout variants, gumbel


def test_feature_dropout_zeroes_whole_channels():
    cr.manual_seed(0)
    x = cr.ones(8, 16, 5, 5, requires_grad=True)
    y = F(cr).dropout2d(x, 0.5)
    assert y.grad_fn.name() == "MulBackward0"
    per_channel = y.detach().numpy().reshape(8, 16, -1)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1))
    assert 0.3 < (per_channel[..., 0] == 0).mean() < 0.7
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())
    for fn, shape in ((F(cr).dropout1d, (4, 8, 3)), (F(cr).dropout3d, (2, 8, 2, 2, 2))):
        out = fn(cr.ones(*shape), 0.5).numpy().reshape(shape[0], shape[1], -1)
        assert np.all((out == 0).all(-1) | (out == 2.0).all(-1))
    assert F(cr).dropout1d(cr.ones(8, 3), 0.5).shape == (8, 3)  # unbatched


def test_alpha_dropout_keeps_mean_and_variance():
    cr.manual_seed(0)
    x = cr.randn(200000)
    y = F(cr).alpha_dropout(x, 0.2, training=True)
    assert y.grad_fn is None
    assert abs(float(y.mean())) < 0.02 and abs(float(y.std()) - 1) < 0.02
    xr = cr.randn(1000, requires_grad=True)
    yr = F(cr).alpha_dropout(xr, 0.5, training=True)
    assert yr.grad_fn.name() == "AddBackward0"
    assert F(cr).feature_alpha_dropout(xr, 0.5, training=False) is xr
    xf = cr.randn(4, 6, 10)
    z = F(cr).feature_alpha_dropout(xf, 0.5, training=True).numpy()
    alpha, p = 1.7580993408473766, 0.5
    a = 1.0 / np.sqrt((alpha * alpha * p + 1) * (1 - p))
    kept = np.isclose(z, a * xf.numpy() + alpha * a * p).all(-1)
    dropped = np.isclose(z, -alpha * a + alpha * a * p).all(-1)
    assert np.all(kept ^ dropped) and kept.any() and dropped.any()


def test_gumbel_softmax():
    cr.manual_seed(0)
    logits = cr.randn(5, 4, requires_grad=True)
    y = F(cr).gumbel_softmax(logits, tau=0.5)
    assert y.grad_fn.name() == "SoftmaxBackward0"
    np.testing.assert_allclose(y.sum(-1).detach().numpy(), 1.0, rtol=1e-6)
    h = F(cr).gumbel_softmax(logits, hard=True)
    assert h.grad_fn.name() == "AddBackward0"
    hv = h.detach().numpy()
    assert set(np.unique(hv)) <= {0.0, 1.0} and np.all(hv.sum(-1) == 1)
    h.sum().backward()
    assert logits.grad is not None
