"""Neural-network ops with dedicated rules: convolution (im2col), pooling, embedding, batch and
layer norm, and the losses that need a stable fused rule.

Each linear-in-an-argument kernel comes with its adjoint as a second entry (convolution and its
input/weight adjoints, pooling and its scatter), so that the backward formulas of one are the
forward of the other: ``create_graph=True`` then differentiates through them with no extra code.
Backward formulas take the NumPy kernels on the fast path (``F is array_ns``) and the chainrule
entries otherwise.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._backend import array_ns
from .._tensor import Tensor, wrap
from ._dispatch import apply
from ._registry import defop
from .reduce import _vnorm_fwd, _vnorm_grad, _vnorm_jvp

__all__ = [
    "conv",
    "max_pool2d_with_indices",
    "avg_pool2d",
    "embedding",
    "batch_norm",
    "layer_norm",
    "nll_loss",
    "mse_loss",
    "smooth_l1_loss",
    "huber_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
]


def _fast(F) -> bool:
    return F is array_ns


def _data(v):
    return v._data if isinstance(v, Tensor) else v


# ---------------------------------------------------------------- convolution (im2col)
# Geometry params shared by the three entries: (stride, pad, dilation, groups), with
# ``pad = ((top, bottom), (left, right))``; 1-d convolutions run as 2-d with a height of 1.


def _as4d(a: np.ndarray) -> np.ndarray:
    return a[:, :, None, :] if a.ndim == 3 else a


def _out_size(h: int, k: int, s: int, p: tuple, d: int) -> int:
    return (h + p[0] + p[1] - d * (k - 1) - 1) // s + 1


# The convolution kernels work channels-last (N, H, W, C): the im2col copy then moves runs of
# KW*C contiguous values instead of a few pixels at a time, about 10x faster on small images.


def _nhwc_padded(x: np.ndarray, pad: tuple) -> np.ndarray:
    n, c, h, w = x.shape
    out = np.zeros((n, h + pad[0][0] + pad[0][1], w + pad[1][0] + pad[1][1], c), x.dtype)
    out[:, pad[0][0] : pad[0][0] + h, pad[1][0] : pad[1][0] + w, :] = x.transpose(0, 2, 3, 1)
    return out


def _cols(x: np.ndarray, kh: int, kw: int, stride, pad, dil):
    """im2col: (N*OH*OW, KH*KW*C) columns of the (N, C, H, W) input, with the output size."""
    xp = _nhwc_padded(x, pad)
    n, _, _, c = xp.shape
    oh = _out_size(x.shape[2], kh, stride[0], pad[0], dil[0])
    ow = _out_size(x.shape[3], kw, stride[1], pad[1], dil[1])
    sn, sh, sw, sc = xp.strides
    win = as_strided(
        xp,
        (n, oh, ow, kh, kw, c),
        (sn, sh * stride[0], sw * stride[1], sh * dil[0], sw * dil[1], sc),
        writeable=False,
    )
    return win.reshape(n * oh * ow, kh * kw * c), oh, ow


def _grouped_cols(cols: np.ndarray, kk: int, groups: int) -> np.ndarray:
    """(N*L, KK*C) columns as (G, N*L, KK*C/G)."""
    if groups == 1:
        return cols[None]
    nl = cols.shape[0]
    return cols.reshape(nl, kk, groups, -1).transpose(2, 0, 1, 3).reshape(groups, nl, -1)


def _wmat(w4: np.ndarray, groups: int) -> np.ndarray:
    """Weight (OC, C/G, KH, KW) as (G, OC/G, KH*KW*C/G), matching the column layout."""
    oc = w4.shape[0]
    return w4.transpose(0, 2, 3, 1).reshape(groups, oc // groups, -1)


def _conv_fwd(x, w, b, stride, pad, dil, groups):
    if x.ndim == 5:
        return _conv3d_fwd(x, w, b, stride, pad, dil, groups)
    x4, w4 = _as4d(x), _as4d(w)
    oc, _, kh, kw = w4.shape
    n = x4.shape[0]
    cols, oh, ow = _cols(x4, kh, kw, stride, pad, dil)
    gc = _grouped_cols(cols, kh * kw, groups)
    out = np.matmul(gc, _wmat(w4, groups).transpose(0, 2, 1))  # G, N*L, OC/G
    out = out.transpose(1, 0, 2).reshape(n, oh, ow, oc).transpose(0, 3, 1, 2)
    if b is not None:
        out = out + b.reshape(1, oc, 1, 1)
    else:
        out = np.ascontiguousarray(out)
    return out.reshape(n, oc, ow) if x.ndim == 3 else out


def _g2(g: np.ndarray, groups: int) -> np.ndarray:
    """Output gradient as (G, N*OH*OW, OC/G)."""
    g4 = _as4d(g)
    n, oc, oh, ow = g4.shape
    gt = g4.transpose(0, 2, 3, 1).reshape(n * oh * ow, oc)
    if groups == 1:
        return gt[None]
    return gt.reshape(-1, groups, oc // groups).transpose(1, 0, 2)


def _conv_input_grad(g, w, x_shape, stride, pad, dil, groups):
    """col2im: the adjoint of the convolution in its input (``x_shape`` output)."""
    if len(x_shape) == 5:
        return _conv3d_input_grad(g, w, x_shape, stride, pad, dil, groups)
    w4 = _as4d(w)
    g4 = _as4d(g)
    oc, cg, kh, kw = w4.shape
    n, _, oh, ow = g4.shape
    xs = x_shape if len(x_shape) == 4 else (x_shape[0], x_shape[1], 1, x_shape[2])
    c = xs[1]
    # the hi side also covers rows the forward never reached (a transposed convolution's
    # output_padding): they get zero gradient
    full = tuple(
        (dl * (k - 1) - p[0], dl * (k - 1) - p[1] + (n - (o + dl * (k - 1) - p[0] - p[1])))
        for dl, k, p, n, o in zip(dil, (kh, kw), pad, xs[2:], (oh, ow))
    )
    if stride == (1, 1) and min(min(f) for f in full) >= 0:
        # stride 1: the input gradient is the "full" correlation of g with the flipped kernel,
        # which reuses the fast forward path (no scatter)
        wt = w4.reshape(groups, oc // groups, cg, kh, kw)[..., ::-1, ::-1].transpose(0, 2, 1, 3, 4)
        wt = wt.reshape(c, oc // groups, kh, kw)
        return _conv_fwd(g4, wt, None, (1, 1), full, dil, groups).reshape(x_shape)
    dcols = np.matmul(_g2(g4, groups), _wmat(w4, groups))  # G, N*L, KH*KW*C/G
    if groups == 1:
        dcols = dcols.reshape(n, oh, ow, kh, kw, c)
    else:
        dcols = dcols.reshape(groups, n, oh, ow, kh, kw, cg).transpose(1, 2, 3, 4, 5, 0, 6)
        dcols = dcols.reshape(n, oh, ow, kh, kw, c)
    hp = xs[2] + pad[0][0] + pad[0][1]
    wp = xs[3] + pad[1][0] + pad[1][1]
    dxp = np.zeros((n, hp, wp, c), dtype=dcols.dtype)
    sh, sw = stride
    # one vectorised add per kernel offset (KH*KW iterations, never per pixel)
    for i in range(kh):
        hi = i * dil[0]
        for j in range(kw):
            wj = j * dil[1]
            dxp[:, hi : hi + sh * (oh - 1) + 1 : sh, wj : wj + sw * (ow - 1) + 1 : sw] += dcols[
                :, :, :, i, j
            ]
    dx = dxp[:, pad[0][0] : pad[0][0] + xs[2], pad[1][0] : pad[1][0] + xs[3]]
    return np.ascontiguousarray(dx.transpose(0, 3, 1, 2)).reshape(x_shape)


def _conv_weight_grad(x, g, w_shape, stride, pad, dil, groups):
    """The adjoint of the convolution in its weight (``w_shape`` output)."""
    if len(w_shape) == 5:
        return _conv3d_weight_grad(x, g, w_shape, stride, pad, dil, groups)
    ws = w_shape if len(w_shape) == 4 else (w_shape[0], w_shape[1], 1, w_shape[2])
    oc, cg, kh, kw = ws
    cols, _, _ = _cols(_as4d(x), kh, kw, stride, pad, dil)
    gc = _grouped_cols(cols, kh * kw, groups)
    dw = np.matmul(_g2(g, groups).transpose(0, 2, 1), gc)  # G, OC/G, KH*KW*C/G
    dw = dw.reshape(oc, kh, kw, cg).transpose(0, 3, 1, 2)
    return np.ascontiguousarray(dw).reshape(w_shape)


# 3-d convolutions: one 2-d convolution per kernel depth offset, with the output depth folded
# into the batch (KD iterations, each a full im2col product).


def _depth_slices(d_in: int, k: int, s: int, pad: tuple, dl: int):
    od = (d_in + pad[0] + pad[1] - dl * (k - 1) - 1) // s + 1
    return od, [slice(i * dl, i * dl + s * (od - 1) + 1, s) for i in range(k)]


def _fold_depth(a: np.ndarray) -> np.ndarray:
    """(N, C, D, H, W) as (N*D, C, H, W)."""
    n, c, d, h, w = a.shape
    return a.transpose(0, 2, 1, 3, 4).reshape(n * d, c, h, w)


def _unfold_depth(a: np.ndarray, n: int) -> np.ndarray:
    """(N*D, C, H, W) as (N, C, D, H, W)."""
    nd, c, h, w = a.shape
    return a.reshape(n, nd // n, c, h, w).transpose(0, 2, 1, 3, 4)


def _pad_depth(x: np.ndarray, pad: tuple) -> np.ndarray:
    if pad == (0, 0):
        return x
    return np.pad(x, ((0, 0), (0, 0), pad, (0, 0), (0, 0)))


def _conv3d_fwd(x, w, b, stride, pad, dil, groups):
    n = x.shape[0]
    xp = _pad_depth(x, pad[0])
    _, sls = _depth_slices(x.shape[2], w.shape[2], stride[0], pad[0], dil[0])
    out = None
    for i, sl in enumerate(sls):
        y = _conv_fwd(
            _fold_depth(xp[:, :, sl]), w[:, :, i], None, stride[1:], pad[1:], dil[1:], groups
        )
        out = y if out is None else out.__iadd__(y)
    out = _unfold_depth(out, n)
    if b is not None:
        return out + b.reshape(1, -1, 1, 1, 1)
    return np.ascontiguousarray(out)


def _conv3d_input_grad(g, w, x_shape, stride, pad, dil, groups):
    n, c, d = x_shape[:3]
    dxp = np.zeros((n, c, d + pad[0][0] + pad[0][1]) + tuple(x_shape[3:]), g.dtype)
    _, sls = _depth_slices(d, w.shape[2], stride[0], pad[0], dil[0])
    g2 = _fold_depth(g)
    od = g.shape[2]
    shape2 = (n * od, c) + tuple(x_shape[3:])
    for i, sl in enumerate(sls):
        dx = _conv_input_grad(g2, w[:, :, i], shape2, stride[1:], pad[1:], dil[1:], groups)
        dxp[:, :, sl] += _unfold_depth(dx, n)
    return np.ascontiguousarray(dxp[:, :, pad[0][0] : pad[0][0] + d])


def _conv3d_weight_grad(x, g, w_shape, stride, pad, dil, groups):
    xp = _pad_depth(x, pad[0])
    _, sls = _depth_slices(x.shape[2], w_shape[2], stride[0], pad[0], dil[0])
    g2 = _fold_depth(g)
    w2 = (w_shape[0], w_shape[1]) + tuple(w_shape[3:])
    parts = [
        _conv_weight_grad(_fold_depth(xp[:, :, sl]), g2, w2, stride[1:], pad[1:], dil[1:], groups)
        for sl in sls
    ]
    return np.stack(parts, axis=2)


def _conv(F, x, w, b, params):
    if _fast(F):
        return _conv_fwd(x, w, b, *params)
    return apply(CONVOLUTION, (x, w, b), params)


def _conv_t(F, g, w, x_shape, params):
    if _fast(F):
        return _conv_input_grad(g, w, x_shape, *params)
    return apply(CONV_INPUT_GRAD, (g, w), (x_shape,) + params)


def _conv_w(F, x, g, w_shape, params):
    if _fast(F):
        return _conv_weight_grad(x, g, w_shape, *params)
    return apply(CONV_WEIGHT_GRAD, (x, g), (w_shape,) + params)


def _conv_backward(F, g, needs, x, w, *params):
    gx = _conv_t(F, g, w, tuple(x.shape), params) if needs[0] else None
    gw = _conv_w(F, x, g, tuple(w.shape), params) if needs[1] else None
    gb = None
    if needs[2]:
        gb = F.sum(g, dim=(0,) + tuple(range(2, g.ndim)))
    return gx, gw, gb


def _conv_t_backward(F, gg, needs, g, w, x_shape, *params):
    dg = _conv(F, gg, w, None, params) if needs[0] else None
    dw = _conv_w(F, gg, g, tuple(w.shape), params) if needs[1] else None
    return dg, dw


def _conv_w_backward(F, gw, needs, x, g, w_shape, *params):
    dx = _conv_t(F, g, gw, tuple(x.shape), params) if needs[0] else None
    dg = _conv(F, x, gw, None, params) if needs[1] else None
    return dx, dg


def _add(a, b):
    return b if a is None else (a if b is None else a + b)


def _conv_jvp(F, tv, x, w, *params):
    """d conv = conv(dx, w) + conv(x, dw) + db (bilinear in input and weight)."""
    tx, tw, tb = tv
    out = None
    if tx is not None:
        out = _conv(F, tx, w, None, params)
    if tw is not None:
        out = _add(out, _conv(F, x, tw, None, params))
    if tb is not None:
        out = _add(out, F.reshape(tb, (1, -1) + (1,) * (x.ndim - 2)))
    return out


CONVOLUTION = defop(
    "convolution",
    _conv_fwd,
    inputs=("input", "weight", "bias"),
    saves=("input", "weight"),
    backward=_conv_backward,
    node="ConvolutionBackward0",
    promote="keep",
    jvp=_conv_jvp,
    explain={"input": "conv-transpose with {weight}", "weight": "correlation with {input}"},
)
CONV_INPUT_GRAD = defop(
    "convolution_input_grad",
    _conv_input_grad,
    inputs=("grad", "weight"),
    saves=("grad", "weight"),
    backward=_conv_t_backward,
    node="ConvolutionBackwardBackward0",
    promote="keep",
    jvp="bilinear",
)
CONV_WEIGHT_GRAD = defop(
    "convolution_weight_grad",
    _conv_weight_grad,
    inputs=("input", "grad"),
    saves=("input", "grad"),
    backward=_conv_w_backward,
    node="ConvolutionBackwardBackward0",
    promote="keep",
    jvp="bilinear",
)


def conv(x: Tensor, w: Tensor, b: Tensor | None, stride, pad, dil, groups: int) -> Tensor:
    """N-d (1, 2 or 3) convolution of batched ``x`` (N, C, [[D,] H,] W) by ``w``; geometry
    normalised."""
    return apply(CONVOLUTION, (x, w, b), (stride, pad, dil, groups))


# a transposed convolution is the convolution's input adjoint (weight (C_in, C_out/G, k...)):
# its backward is the convolution itself, in input and (with the roles of input and gradient
# swapped) in weight


def _conv_transpose_fwd(x, w, b, out_sp, stride, pad, dil, groups):
    oc = w.shape[1] * groups
    y = _conv_input_grad(x, w, (x.shape[0], oc) + tuple(out_sp), stride, pad, dil, groups)
    if b is not None:
        y = y + b.reshape((1, oc) + (1,) * len(out_sp))
    return y


def _conv_transpose_backward(F, g, needs, x, w, out_sp, *params):
    # with output_padding >= stride (allowed below the dilation) the convolution of the output
    # reaches past the input: x is then the first rows of a larger, zero-padded array
    stride, pad, dil, _ = params
    nd = len(stride)  # 1-d runs as 2-d with a height of 1

    def lead1(t):
        return (1,) * (nd - len(t)) + tuple(t)

    sp, k, osp = lead1(x.shape[2:]), lead1(w.shape[2:]), lead1(out_sp)
    reach = tuple(
        (o + p[0] + p[1] - d * (kk - 1) - 1) // st + 1
        for o, p, d, kk, st in zip(osp, pad, dil, k, stride)
    )
    extra = tuple(r - n for r, n in zip(reach, sp))
    gx = gw = None
    if needs[0]:
        gx = _conv(F, g, w, None, params)
        if any(extra):
            gx = gx[(slice(None), slice(None)) + tuple(slice(0, n) for n in x.shape[2:])]
    if needs[1]:
        xe = x
        if any(extra):
            ex = extra[len(extra) - (x.ndim - 2) :]
            pads = ((0, 0), (0, 0)) + tuple((0, e) for e in ex)
            xe = np.pad(x, pads) if _fast(F) else apply(CONSTANT_PAD_ND, (x,), (pads, 0.0))
        gw = _conv_w(F, g, xe, tuple(w.shape), params)
    gb = F.sum(g, dim=(0,) + tuple(range(2, g.ndim))) if needs[2] else None
    return gx, gw, gb


def _conv_transpose_jvp(F, tv, x, w, out_sp, *params):
    tx, tw, tb = tv
    out = None
    full = tuple(x.shape[:1]) + (w.shape[1] * params[-1],) + tuple(out_sp)
    if tx is not None:
        out = _conv_t(F, tx, w, full, params)
    if tw is not None:
        out = _add(out, _conv_t(F, x, tw, full, params))
    if tb is not None:
        out = _add(out, F.reshape(tb, (1, -1) + (1,) * len(out_sp)))
    return out


CONV_TRANSPOSE = defop(
    "convolution_transpose",
    _conv_transpose_fwd,
    inputs=("input", "weight", "bias"),
    saves=("input", "weight"),
    backward=_conv_transpose_backward,
    node="ConvolutionBackward0",
    promote="keep",
    jvp=_conv_transpose_jvp,
    explain={
        "input": "convolution with {weight}",
        "weight": "correlation of the gradient with {input}",
    },
)


def conv_transpose(x: Tensor, w: Tensor, b, out_sp, stride, pad, dil, groups: int) -> Tensor:
    """Transposed convolution of batched ``x`` to spatial size ``out_sp``."""
    return apply(CONV_TRANSPOSE, (x, w, b), (tuple(out_sp), stride, pad, dil, groups))


# ---------------------------------------------------------------- pooling
# N-d kernels (1, 2 or 3 trailing spatial dims; ``len(k)`` says how many): one vectorised
# slice per kernel offset, never a loop over output positions. Max pooling returns flat indices
# into each (D,) H, W plane, as PyTorch does; its adjoint scatters by them.


def _pool_out(h: int, k: int, s: int, p: int, d: int, ceil: bool) -> int:
    num = h + 2 * p - d * (k - 1) - 1
    out = (-(-num // s) if ceil else num // s) + 1
    if ceil and (out - 1) * s >= h + p:  # the last window must start inside the input or pad
        out -= 1
    return out


def _pool_geometry(shape, k, s, p, d, ceil):
    """Output sizes and the (lo, hi) padding per spatial dim (extra on the hi side so every
    ceil-mode window lies in the padded array)."""
    sp = shape[len(shape) - len(k) :]
    outs = tuple(_pool_out(n, *a, ceil) for n, a in zip(sp, zip(k, s, p, d)))
    pads = tuple(
        (pp, pp + max(0, (o - 1) * ss + dd * (kk - 1) + 1 - n - 2 * pp))
        for n, o, kk, ss, pp, dd in zip(sp, outs, k, s, p, d)
    )
    return outs, pads


def _planes(x: np.ndarray, nd: int) -> np.ndarray:
    """(..., *spatial) as (B, *spatial)."""
    return x.reshape((-1,) + x.shape[x.ndim - nd :])


def _pad_planes(xp: np.ndarray, pads: tuple, value=0.0) -> np.ndarray:
    if all(p == (0, 0) for p in pads):
        return xp
    return np.pad(xp, ((0, 0),) + tuple(pads), constant_values=value)


def _offsets(k: tuple, d: tuple, s: tuple, outs: tuple):
    """(kernel offset, slice of the padded planes it reads) for each kernel offset."""
    for off in itertools.product(*(range(kk) for kk in k)):
        sl = (slice(None),) + tuple(
            slice(o * dd, o * dd + ss * (n - 1) + 1, ss) for o, dd, ss, n in zip(off, d, s, outs)
        )
        yield off, sl


def _row_major(shape: tuple) -> tuple:
    return tuple(int(np.prod(shape[i + 1 :], dtype=np.int64)) for i in range(len(shape)))


def _max_pool_tiled(x, k, outs):
    """Max pooling over non-overlapping windows (stride = kernel, no padding or dilation): the
    windows' elements moved to a leading axis by one copy, then whole-array maxima and
    comparisons (strided views of small windows are slow in NumPy: its inner loops would run
    over a few elements). None when a NaN is among the maxima (the general path decides)."""
    nd = len(k)
    lead_nd = x.ndim - nd
    lead, sp = x.shape[:lead_nd], x.shape[lead_nd:]
    crop = x[(Ellipsis,) + tuple(slice(0, o * kk) for o, kk in zip(outs, k))]
    v = crop.reshape(lead + tuple(d for o, kk in zip(outs, k) for d in (o, kk)))
    window_axes = [lead_nd + 2 * i + 1 for i in range(nd)]
    out_axes = [lead_nd + 2 * i for i in range(nd)]
    count = int(np.prod(k))
    w = np.ascontiguousarray(v.transpose(window_axes + list(range(lead_nd)) + out_axes))
    w = w.reshape((count,) + lead + tuple(outs))
    best = w.max(axis=0)
    if best.dtype.kind == "f" and np.isnan(best).any():
        return None
    # the first maximum in window order wins, as in torch: assign positions from the last
    pos = np.full(best.shape, count - 1, np.uint8 if count < 256 else np.int64)
    for t in range(count - 2, -1, -1):
        np.copyto(pos, t, where=(w[t] == best))
    mult = _row_major(sp)
    disp = [
        sum(o * m for o, m in zip(off, mult)) for off in itertools.product(*(range(kk) for kk in k))
    ]
    idx = np.asarray(disp, np.int64)[pos]
    for i, (n, kk, m) in enumerate(zip(outs, k, mult)):
        shape = [1] * nd
        shape[i] = n
        idx += (np.arange(n) * (kk * m)).reshape(shape)
    return best, idx


def _max_pool_fwd(x, k, s, p, d, ceil):
    nd = len(k)
    outs, pads = _pool_geometry(x.shape, k, s, p, d, ceil)
    if (
        tuple(s) == tuple(k)
        and not any(p)
        and all(dd == 1 for dd in d)
        and all(o * kk == n for o, kk, n in zip(outs, k, x.shape[x.ndim - nd :]))
        and x.dtype.kind in "fiu"
        and x.size
    ):
        tiled = _max_pool_tiled(x, k, outs)
        if tiled is not None:
            return tiled
    sp = x.shape[x.ndim - nd :]
    lead = x.shape[: x.ndim - nd]
    mult = _row_major(sp)
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    xp = _pad_planes(_planes(x, nd), pads, fill)
    nan = x.dtype.kind == "f" and x.size and np.isnan(x.max())  # NaN wins, as in torch
    best = off_idx = None
    # ``off_idx`` keeps the winning offset's flat displacement: the index is one add at the end
    for off, sl in _offsets(k, d, s, outs):
        view = xp[sl]
        disp = sum(o * dd * m for o, dd, m in zip(off, d, mult))
        if best is None:
            best = view.copy()
            off_idx = np.full(best.shape, disp, np.int64)
            continue
        better = view > best  # strict: the first maximum in window order wins, like torch
        if nan:
            better |= np.isnan(view)  # torch: every NaN replaces the maximum (the last NaN wins)
        np.copyto(best, view, where=better)
        np.copyto(off_idx, disp, where=better)
    base = np.zeros(outs, np.int64)
    for i, (n, ss, pp, m) in enumerate(zip(outs, s, p, mult)):
        shape = [1] * nd
        shape[i] = n
        base = base + ((np.arange(n) * ss - pp) * m).reshape(shape)
    return best.reshape(lead + outs), (off_idx + base).reshape(lead + outs)


def _scatter_flat(g, idx, shape, nd=2):
    """Add ``g`` into zeros(shape) at flat per-plane positions ``idx`` (max-pool's adjoint)."""
    hw = int(np.prod(shape[len(shape) - nd :], dtype=np.int64))
    planes = int(np.prod(shape[: len(shape) - nd], dtype=np.int64))
    flat = idx.reshape(planes, -1) + (np.arange(planes, dtype=np.int64) * hw)[:, None]
    out = np.bincount(flat.ravel(), weights=g.ravel(), minlength=planes * hw)
    return out.astype(g.dtype, copy=False).reshape(shape)


def _gather_flat(x, idx, nd=2):
    """x at flat per-plane positions ``idx`` (the adjoint of ``_scatter_flat``)."""
    planes = int(np.prod(idx.shape[: idx.ndim - nd], dtype=np.int64))
    xf = x.reshape(planes, -1)
    return np.take_along_axis(xf, idx.reshape(planes, -1), 1).reshape(idx.shape)


def _scatter(F, g, idx, shape, nd=2):
    if _fast(F):
        return _scatter_flat(g, idx, shape, nd)
    return apply(MAX_POOL_SCATTER, (g,), (idx, shape, nd))


def _gather(F, x, idx, nd=2):
    if _fast(F):
        return _gather_flat(x, idx, nd)
    return apply(MAX_POOL_GATHER, (x,), (idx, nd))


def _max_pool_op(name: str, node: str, fwd=_max_pool_fwd):
    """A max-pooling entry: (values, indices) out; the gradient scatters by the indices."""
    return defop(
        name,
        fwd,
        saves=("self.shape", "result1"),
        grads=(lambda F, g, shape, idx, k, *a: _scatter(F, g[0], _data(idx), shape, len(k)),),
        node=node,
        promote="keep",
        outputs=2,
        nondiff_outputs=1,
        jvp=lambda F, tv, shape, idx, k, *a: _gather(F, tv[0], _data(idx), len(k)),
        explain={"self": "1 at each window's maximum, else 0"},
    )


MAX_POOL2D = _max_pool_op("max_pool2d_with_indices", "MaxPool2DWithIndicesBackward0")
MAX_POOL3D = _max_pool_op("max_pool3d_with_indices", "MaxPool3DWithIndicesBackward0")
MAX_POOL_SCATTER = defop(
    "max_pool2d_scatter",
    _scatter_flat,
    grads=(lambda F, gg, idx, shape, nd=2: _gather(F, gg, idx, nd),),
    node="MaxPool2DWithIndicesBackwardBackward0",
    promote="keep",
    jvp="linear",
)
MAX_POOL_GATHER = defop(
    "max_pool2d_gather",
    _gather_flat,
    saves=("self.shape",),
    grads=(lambda F, g, shape, idx, nd=2: _scatter(F, g, idx, shape, nd),),
    node="GatherBackward0",
    promote="keep",
    jvp="linear",
)


def max_pool2d_with_indices(x: Tensor, k, s, p, d, ceil: bool) -> tuple:
    """Max pooling over the last two dims; returns (values, flat indices per plane)."""
    return apply(MAX_POOL2D, (x,), (k, s, p, d, ceil))


def max_pool3d_with_indices(x: Tensor, k, s, p, d, ceil: bool) -> tuple:
    """Max pooling over the last three dims; returns (values, flat indices per volume)."""
    return apply(MAX_POOL3D, (x,), (k, s, p, d, ceil))


def _avg_divisor(sp, k, s, p, ceil, include_pad, override, outs, pads):
    if override:
        return float(override)
    if include_pad and not ceil:
        return float(np.prod(k))
    # the divisor per output position: the window's size clipped to the input (+ padding)
    ones = np.zeros((1,) + tuple(n + lo + hi for n, (lo, hi) in zip(sp, pads)))
    if include_pad:
        ones[(0,) + tuple(slice(0, n + 2 * pp) for n, pp in zip(sp, p))] = 1
    else:
        ones[(0,) + tuple(slice(pp, pp + n) for n, pp in zip(sp, p))] = 1
    cnt = np.zeros((1,) + outs)
    for _, sl in _offsets(k, (1,) * len(k), s, outs):
        cnt += ones[sl]
    return cnt[0]


def _avg_pool_fwd(x, k, s, p, ceil, include_pad, override):
    nd = len(k)
    sp = x.shape[x.ndim - nd :]
    outs, pads = _pool_geometry(x.shape, k, s, p, (1,) * nd, ceil)
    xp = _pad_planes(_planes(x, nd), pads)
    tot = None
    for _, sl in _offsets(k, (1,) * nd, s, outs):
        tot = xp[sl].copy() if tot is None else tot.__iadd__(xp[sl])
    div = _avg_divisor(sp, k, s, p, ceil, include_pad, override, outs, pads)
    out = tot / div
    return out.astype(x.dtype, copy=False).reshape(x.shape[: x.ndim - nd] + outs)


def _avg_pool_adjoint(g, x_shape, k, s, p, ceil, include_pad, override):
    nd = len(k)
    sp = tuple(x_shape[len(x_shape) - nd :])
    outs = g.shape[g.ndim - nd :]
    _, pads = _pool_geometry(x_shape, k, s, p, (1,) * nd, ceil)
    div = _avg_divisor(sp, k, s, p, ceil, include_pad, override, outs, pads)
    gd = (_planes(g, nd) / div).astype(g.dtype, copy=False)
    dxp = np.zeros((gd.shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(sp, pads)), g.dtype)
    for _, sl in _offsets(k, (1,) * nd, s, outs):  # one vectorised add per kernel offset
        dxp[sl] += gd
    dx = dxp[(slice(None),) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(sp, pads))]
    return np.ascontiguousarray(dx).reshape(x_shape)


def _avg(F, x, params):
    if _fast(F):
        return _avg_pool_fwd(x, *params)
    return apply(AVG_POOL2D, (x,), params)  # the kernel is N-d


def _avg_t(F, g, shape, params):
    if _fast(F):
        return _avg_pool_adjoint(g, shape, *params)
    return apply(AVG_POOL2D_ADJOINT, (g,), (shape,) + params)


def _avg_pool_op(name: str, node: str):
    return defop(
        name,
        _avg_pool_fwd,
        saves=("self.shape",),
        grads=(lambda F, g, shape, *params: _avg_t(F, g, shape, params),),
        node=node,
        promote="keep",
        jvp="linear",
        explain={"self": "1/(window size) for each window containing it"},
    )


AVG_POOL2D = _avg_pool_op("avg_pool2d", "AvgPool2DBackward0")
AVG_POOL3D = _avg_pool_op("avg_pool3d", "AvgPool3DBackward0")
AVG_POOL2D_ADJOINT = defop(
    "avg_pool2d_adjoint",
    _avg_pool_adjoint,
    grads=(lambda F, gg, shape, *params: _avg(F, gg, params),),
    node="AvgPool2DBackwardBackward0",
    promote="keep",
    jvp="linear",
)


def avg_pool2d(x: Tensor, k, s, p, ceil: bool, include_pad: bool, override) -> Tensor:
    """Average pooling over the last two dims."""
    return apply(AVG_POOL2D, (x,), (k, s, p, ceil, include_pad, override))


def avg_pool3d(x: Tensor, k, s, p, ceil: bool, include_pad: bool, override) -> Tensor:
    """Average pooling over the last three dims."""
    return apply(AVG_POOL3D, (x,), (k, s, p, ceil, include_pad, override))


# ---------------------------------------------------------------- embedding


def _freq_scale(idx, num, padding_idx, dtype):
    """``scale_grad_by_freq``: 1 / (how often each looked-up index occurs), per lookup."""
    counts = np.bincount(idx.reshape(-1), minlength=num)
    return (1.0 / counts[idx.reshape(-1)]).astype(dtype)[:, None]


def _embedding_dense_grad(g, idx, num, padding_idx, freq=False):
    d = g.shape[-1]
    out = np.zeros((num, d), dtype=g.dtype)
    flat = idx.reshape(-1)
    gf = g.reshape(-1, d)
    if freq:
        gf = gf * _freq_scale(idx, num, padding_idx, g.dtype)
    if padding_idx is not None:
        keep = flat != padding_idx
        flat, gf = flat[keep], gf[keep]
    np.add.at(out, flat, gf)
    return out


def _emb_grad(F, g, idx, num, padding_idx, freq=False):
    if _fast(F):
        return _embedding_dense_grad(g, idx, num, padding_idx, freq)
    return apply(EMBEDDING_DENSE_GRAD, (g,), (idx, num, padding_idx, freq))


def _emb_take(F, w, idx, padding_idx, freq=False):
    if _fast(F):
        out = np.take(w, idx, axis=0)
    else:
        out = apply(EMBEDDING, (w,), (idx, padding_idx, False))
    if padding_idx is not None:
        keep = (idx != padding_idx)[..., None].astype(_data(w).dtype)
        out = out * (keep if _fast(F) else wrap(keep))
    if freq:
        scale = _freq_scale(idx, int(idx.max()) + 1 if idx.size else 0, padding_idx, _data(w).dtype)
        scale = scale.reshape(idx.shape + (1,))
        out = out * (scale if _fast(F) else wrap(scale))
    return out


EMBEDDING = defop(
    "embedding",
    lambda w, idx, padding_idx, freq=False: np.take(w, idx, axis=0),
    saves=("self.shape",),
    grads=(
        lambda F, g, shape, idx, padding_idx, freq=False: _emb_grad(
            F, g, idx, shape[0], padding_idx, freq
        ),
    ),
    node="EmbeddingBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1 at the looked-up rows (1/count with scale_grad_by_freq)"},
)
EMBEDDING_DENSE_GRAD = defop(
    "embedding_dense_backward",
    _embedding_dense_grad,
    grads=(
        lambda F, gg, idx, num, padding_idx, freq=False: _emb_take(F, gg, idx, padding_idx, freq),
    ),  # noqa: E501
    node="EmbeddingDenseBackwardBackward0",
    promote="keep",
    jvp="linear",
)


def embedding(
    weight: Tensor, idx: np.ndarray, padding_idx: int | None, freq: bool = False
) -> Tensor:  # noqa: E501
    """Rows of ``weight`` at integer array ``idx`` (``freq``: scale_grad_by_freq)."""
    return apply(EMBEDDING, (weight,), (idx, padding_idx, bool(freq)))


# ---------------------------------------------------------------- normalisation


def _bn_fwd(x, w, b, axes, eps, training, rmean, rvar):
    shape = [1] * x.ndim
    shape[1] = x.shape[1]
    if training:
        mean = x.mean(axis=axes, keepdims=True)
        var = np.square(x - mean).mean(axis=axes, keepdims=True)
    else:
        mean = rmean.reshape(shape).astype(x.dtype, copy=False)
        var = rvar.reshape(shape).astype(x.dtype, copy=False)
    invstd = 1.0 / np.sqrt(var + eps)
    y = (x - mean) * invstd
    if w is not None:
        y = y * w.reshape(shape)
    if b is not None:
        y = y + b.reshape(shape)
    return y.astype(x.dtype, copy=False), mean.reshape(-1), var.reshape(-1)


def _norm_backward(F, g, needs, x, w, axes, eps, stats, shape, waxes):
    """Shared rule of batch and layer norm: ``axes`` are normalised over, ``shape`` reshapes
    the affine weight for broadcasting, ``waxes`` are the axes the affine grads sum over.
    ``stats`` is (mean, var) for fixed statistics (eval mode), else None."""
    if stats is None:
        mean = F.mean(x, dim=axes, keepdim=True)
        xc = x - mean
        var = F.mean(xc * xc, dim=axes, keepdim=True)
    else:
        mean, var = stats
        xc = x - mean
    invstd = F.rsqrt(var + eps)
    xhat = xc * invstd
    gx = gw = gb = None
    if needs[0]:
        gxhat = g if w is None else g * F.reshape(w, shape)
        if stats is None:
            m1 = F.mean(gxhat, dim=axes, keepdim=True)
            m2 = F.mean(gxhat * xhat, dim=axes, keepdim=True)
            gx = (gxhat - m1 - xhat * m2) * invstd
        else:
            gx = gxhat * invstd
    if len(needs) > 1 and needs[1]:
        gw = F.reshape(F.sum(g * xhat, dim=waxes, keepdim=False), w.shape)
    if len(needs) > 2 and needs[2]:
        gb = F.reshape(F.sum(g, dim=waxes, keepdim=False), w.shape if w is not None else -1)
    return gx, gw, gb


def _bn_backward(F, g, needs, x, w, mean, var, axes, eps, training, rmean, rvar):
    shape = [1] * x.ndim
    shape[1] = x.shape[1]
    if isinstance(g, tuple):
        g = g[0]
    stats = None
    if not training:
        dt = x.dtype if _fast(F) else x._data.dtype
        mean = F.reshape(_const(F, rmean.astype(dt, copy=False)), shape)
        var = F.reshape(_const(F, rvar.astype(dt, copy=False)), shape)
        stats = (mean, var)
    gb_shape_w = w
    out = _norm_backward(F, g, needs, x, gb_shape_w, axes, eps, stats, shape, axes)
    if needs[2] and w is None:
        out = (out[0], out[1], F.sum(g, dim=axes))
    return out


def _norm_jvp(F, tv, x, w, axes, eps, stats, shape):
    """Tangent of (x - mean) / sqrt(var + eps) * w + b along ``axes``."""
    tx, tw, tb = tv
    if stats is None:
        mean = F.mean(x, dim=axes, keepdim=True)
        xc = x - mean
        var = F.mean(xc * xc, dim=axes, keepdim=True)
    else:
        mean, var = stats
        xc = x - mean
    invstd = F.rsqrt(var + eps)
    xhat = xc * invstd
    out = None
    if tx is not None:
        if stats is None:
            m1 = F.mean(tx, dim=axes, keepdim=True)
            m2 = F.mean(tx * xhat, dim=axes, keepdim=True)
            dxhat = (tx - m1 - xhat * m2) * invstd
        else:
            dxhat = tx * invstd
        out = dxhat if w is None else dxhat * F.reshape(w, shape)
    if tw is not None:
        out = _add(out, xhat * F.reshape(tw, shape))
    if tb is not None:
        out = _add(out, F.reshape(tb, shape))
    return out


def _bn_jvp(F, tv, x, w, mean, var, axes, eps, training, rmean, rvar):
    shape = [1] * x.ndim
    shape[1] = x.shape[1]
    stats = None
    if not training:
        dt = x.dtype if _fast(F) else x._data.dtype
        stats = (
            F.reshape(_const(F, rmean.astype(dt, copy=False)), shape),
            F.reshape(_const(F, rvar.astype(dt, copy=False)), shape),
        )
    return (_norm_jvp(F, tv, x, w, axes, eps, stats, shape), None, None)


def _ln_jvp(F, tv, x, w, k, eps):
    axes = tuple(range(x.ndim - k, x.ndim))
    return _norm_jvp(F, tv, x, w, axes, eps, None, tuple(x.shape[x.ndim - k :]))


def _const(F, arr):
    return arr if _fast(F) else wrap(arr)


BATCH_NORM = defop(
    "native_batch_norm",
    _bn_fwd,
    inputs=("input", "weight", "bias"),
    saves=("input", "weight", "result1", "result2"),
    backward=_bn_backward,
    node="NativeBatchNormBackward0",
    promote="keep",
    outputs=3,
    nondiff_outputs=2,
    jvp=_bn_jvp,
    explain={"input": "(1/σ)(δ - 1/n - x̂·x̂'/n)·γ", "weight": "x̂", "bias": "1"},
)


def batch_norm(x, w, b, eps: float, training: bool, rmean=None, rvar=None) -> tuple:
    """Returns (y, batch mean, biased batch var) -- the statistics as arrays."""
    axes = (0,) + tuple(range(2, x.ndim))
    y, mean, var = apply(
        BATCH_NORM, (x, w, b), (axes, float(eps), bool(training), _data(rmean), _data(rvar))
    )
    return y, mean._data, var._data


def _ln_fwd(x, w, b, k, eps):
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    xc = x - mean
    var = np.square(xc).mean(axis=axes, keepdims=True)
    y = xc / np.sqrt(var + eps)
    if w is not None:
        y = y * w
    if b is not None:
        y = y + b
    return y.astype(x.dtype, copy=False)


def _ln_backward(F, g, needs, x, w, k, eps):
    axes = tuple(range(x.ndim - k, x.ndim))
    waxes = tuple(range(x.ndim - k))
    shape = tuple(x.shape[x.ndim - k :])
    gx, gw, gb = _norm_backward(F, g, needs, x, w, axes, eps, None, shape, waxes)
    if needs[2] and w is None:
        gb = F.sum(g, dim=waxes)
    return gx, gw, gb


LAYER_NORM = defop(
    "native_layer_norm",
    _ln_fwd,
    inputs=("input", "weight", "bias"),
    saves=("input", "weight"),
    backward=_ln_backward,
    node="NativeLayerNormBackward0",
    promote="keep",
    jvp=_ln_jvp,
    explain={"input": "(1/σ)(δ - 1/n - x̂·x̂'/n)·γ", "weight": "x̂", "bias": "1"},
)


def layer_norm(x, w, b, k: int, eps: float) -> Tensor:
    """Normalise over the last ``k`` dims, then scale/shift by ``w``/``b``."""
    return apply(LAYER_NORM, (x, w, b), (int(k), float(eps)))


# ---------------------------------------------------------------- losses

_RED = {"none": 0, "mean": 1, "sum": 2}


def _reduce(loss: np.ndarray, reduction: int, dtype) -> np.ndarray:
    if reduction == 1:
        return np.asarray(loss.mean(), dtype=dtype)
    if reduction == 2:
        return np.asarray(loss.sum(), dtype=dtype)
    return loss.astype(dtype, copy=False)


def _scale(g, reduction: int, n: int):
    return g / n if reduction == 1 else g


def _nll_coef(x, target, weight, reduction, ignore_index):
    """Per-sample weights w[t] (0 where ignored) and the mean's denominator."""
    valid = target != ignore_index
    safe = np.where(valid, target, 0)
    wt = (
        np.ones(target.shape, dtype=x.dtype)
        if weight is None
        else weight.astype(x.dtype, copy=False)[safe]
    )
    wt = np.where(valid, wt, 0).astype(x.dtype, copy=False)
    return safe, wt


def _pick(x, safe):
    """x[n, t[n], ...] over the class dim 1 (or dim 0 for an unbatched input)."""
    if x.ndim == 1:
        return x[safe]
    return np.take_along_axis(x, np.expand_dims(safe, 1), 1).squeeze(1)


def _nll_fwd(x, target, weight, reduction, ignore_index):
    safe, wt = _nll_coef(x, target, weight, reduction, ignore_index)
    loss = -_pick(x, safe) * wt
    if reduction == 1:
        return np.asarray(loss.sum() / wt.sum(), dtype=x.dtype)
    return _reduce(loss, reduction, x.dtype)


def _nll_grad(F, g, x_shape, target, weight, reduction, ignore_index):
    dt = np.dtype(g.dtype) if _fast(F) else g._data.dtype
    safe, wt = _nll_coef(np.empty(0, dt), target, weight, reduction, ignore_index)
    coef = np.zeros(x_shape, dtype=dt)
    vals = -wt
    if reduction == 1:
        with np.errstate(divide="ignore", invalid="ignore"):
            vals = vals / wt.sum()
    # ignored targets get no gradient, even when every target is ignored (0/0 in the mean)
    vals = np.where(np.asarray(target) == ignore_index, 0, vals).astype(dt, copy=False)
    if len(x_shape) == 1:
        coef[safe] = vals
    else:
        np.put_along_axis(coef, np.expand_dims(safe, 1), np.expand_dims(vals, 1), 1)
    if reduction == 0 and len(x_shape) > 1:
        g = F.reshape(g, (x_shape[0], 1) + tuple(x_shape[2:]))
    return g * _const(F, coef)


NLL_LOSS = defop(
    "nll_loss",
    _nll_fwd,
    saves=("self.shape",),
    grads=(_nll_grad,),
    node="NllLossBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "-w[t]/Σw at the target class, else 0"},
)


NLL_LOSS2D = defop(
    "nll_loss2d",
    _nll_fwd,
    saves=("self.shape",),
    grads=(_nll_grad,),
    node="NllLoss2DBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "-w[t]/Σw at the target class, else 0"},
)


def nll_loss(x: Tensor, target: np.ndarray, weight, reduction: str, ignore_index: int) -> Tensor:
    """NLL of class indices over class dim 1 (torch's 2-D kernel name for spatial inputs)."""
    op = NLL_LOSS2D if x.ndim >= 3 else NLL_LOSS
    return apply(op, (x,), (target, _data(weight), _RED[reduction], int(ignore_index)))


def _pad_fwd(x, pads, value):
    if any(lo < 0 or hi < 0 for lo, hi in pads):  # negative padding crops (PyTorch's rule)
        x = x[tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(pads, x.shape))]
        pads = tuple((max(lo, 0), max(hi, 0)) for lo, hi in pads)
    return np.pad(x, pads, constant_values=value)


def _pad_grad(F, g, pads, value):
    # the adjoint of padding by ``pads`` is padding by ``-pads`` with zeros
    neg = tuple((-lo, -hi) for lo, hi in pads)
    if _fast(F):
        return _pad_fwd(g, neg, 0)
    return apply(CONSTANT_PAD_ND, (g,), (neg, 0.0))


def _pad_jvp(F, tangents, pads, value):
    """The tangent is padded with zeros (the fill value is a constant)."""
    t = tangents[0]
    pads = ((0, 0),) * (t.ndim - len(pads)) + tuple(pads)  # a leading batch dim, if any
    if _fast(F):
        return np.pad(t, pads)
    return apply(CONSTANT_PAD_ND, (t,), (pads, 0.0))


CONSTANT_PAD_ND = defop(
    "constant_pad_nd",
    _pad_fwd,
    grads=(_pad_grad,),
    node="ConstantPadNdBackward0",
    promote="keep",
    jvp=_pad_jvp,
    explain={"self": "1 inside, 0 on the padding"},
)


def constant_pad(x: Tensor, pad: tuple, value: float) -> Tensor:
    """Pad the trailing dims; ``pad`` = (last_lo, last_hi, prev_lo, prev_hi, ...), non-negative."""
    n = len(pad) // 2
    if n > x.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {x.ndim}"
        )
    pads = [(0, 0)] * (x.ndim - n) + [(int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(n)][
        ::-1
    ]
    for d, ((lo, hi), size) in enumerate(zip(pads, x.shape)):
        if size + lo + hi < 0:
            raise RuntimeError(
                f"The input size {size}, plus negative padding {lo} and {hi} resulted in a "
                f"negative output size, which is invalid. Check dimension {d} of your input."
            )
    return apply(CONSTANT_PAD_ND, (x,), (tuple(pads), value))


MSE_LOSS = defop(
    "mse_loss",
    lambda x, y, r: _reduce(np.square(x - y), r, np.result_type(x, y)),
    inputs=("self", "target"),
    saves=("self", "target"),
    grads=(
        lambda F, g, x, y, r: _scale(g, r, x.numel() if not _fast(F) else x.size) * 2 * (x - y),
        lambda F, g, x, y, r: _scale(g, r, x.numel() if not _fast(F) else x.size) * -2 * (x - y),
    ),
    node="MseLossBackward0",
    explain={"self": "2(x - y)/n", "target": "-2(x - y)/n"},
)


def _size(F, x) -> int:
    return x.size if _fast(F) else x.numel()


def _smooth_grad(F, x, y, beta):
    d = x - y
    if beta == 0:
        return F.sign(d)
    return F.where(F.abs(d) < beta, d / beta, F.sign(d))


def _smooth_fwd(x, y, r, beta):
    d = np.abs(x - y)
    loss = d - 0.5 * beta if beta == 0 else np.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta)
    return _reduce(loss, r, np.result_type(x, y))


SMOOTH_L1_LOSS = defop(
    "smooth_l1_loss",
    _smooth_fwd,
    inputs=("self", "target"),
    saves=("self", "target"),
    grads=(
        lambda F, g, x, y, r, beta: _scale(g, r, _size(F, x)) * _smooth_grad(F, x, y, beta),
        lambda F, g, x, y, r, beta: -_scale(g, r, _size(F, x)) * _smooth_grad(F, x, y, beta),
    ),
    node="SmoothL1LossBackward0",
)


def _huber_grad(F, x, y, delta):
    d = x - y
    return F.where(F.abs(d) <= delta, d, delta * F.sign(d))


HUBER_LOSS = defop(
    "huber_loss",
    lambda x, y, r, delta: _reduce(
        np.where(
            np.abs(x - y) < delta,
            0.5 * np.square(x - y),
            delta * (np.abs(x - y) - 0.5 * delta),
        ),
        r,
        np.result_type(x, y),
    ),
    inputs=("self", "target"),
    saves=("self", "target"),
    grads=(
        lambda F, g, x, y, r, delta: _scale(g, r, _size(F, x)) * _huber_grad(F, x, y, delta),
        lambda F, g, x, y, r, delta: -_scale(g, r, _size(F, x)) * _huber_grad(F, x, y, delta),
    ),
    node="HuberLossBackward0",
)


def mse_loss(x, y, reduction):
    return apply(MSE_LOSS, (x, y), (_RED[reduction],))


def smooth_l1_loss(x, y, reduction, beta):
    return apply(SMOOTH_L1_LOSS, (x, y), (_RED[reduction], float(beta)))


def huber_loss(x, y, reduction, delta):
    return apply(HUBER_LOSS, (x, y), (_RED[reduction], float(delta)))


def _bce_fwd(x, y, r, w):
    with np.errstate(divide="ignore"):
        lx = np.maximum(np.log(x), -100)
        l1x = np.maximum(np.log1p(-x), -100)
    loss = -(y * lx + (1 - y) * l1x)
    if w is not None:
        loss = loss * w
    return _reduce(loss, r, np.result_type(x, y))


def _bce_grad_x(F, g, x, y, r, w):
    q = (1 - x) * x
    d = (x - y) / (np.maximum(q, 1e-12) if _fast(F) else F.where(q < 1e-12, 1e-12, q))
    if w is not None:
        d = d * _const(F, w)
    return _scale(g, r, _size(F, x)) * d


def _bce_grad_y(F, g, x, y, r, w):
    if _fast(F):
        d = np.maximum(np.log1p(-x), -100) - np.maximum(np.log(x), -100)
    else:
        l1x, lx = F.log(1 - x), F.log(x)
        d = F.where(l1x < -100, -100.0, l1x) - F.where(lx < -100, -100.0, lx)
    if w is not None:
        d = d * _const(F, w)
    return _scale(g, r, _size(F, x)) * d


BCE_LOSS = defop(
    "binary_cross_entropy",
    _bce_fwd,
    inputs=("self", "target"),
    saves=("self", "target"),
    grads=(_bce_grad_x, _bce_grad_y),
    node="BinaryCrossEntropyBackward0",
    explain={"self": "(x - y)/(x(1 - x))"},
)


def binary_cross_entropy(x, y, weight, reduction):
    if isinstance(weight, Tensor):
        weight = np.broadcast_to(weight._data, np.broadcast_shapes(weight.shape, x.shape))
    return apply(BCE_LOSS, (x, y), (_RED[reduction], weight))


def _softplus_neg(F, x):
    """log(1 + exp(-x)), stable: max(-x, 0) + log1p(exp(-|x|))."""
    if _fast(F):
        return np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
    return F.where(x < 0, -x, 0.0) + F.log(1 + F.exp(-F.abs(x)))


def _bcel_fwd(x, y, r, w, pw):
    sp = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
    if pw is None:
        loss = (1 - y) * x + sp
    else:
        loss = (1 - y) * x + (1 + (pw - 1) * y) * sp
    if w is not None:
        loss = loss * w
    return _reduce(loss, r, np.result_type(x, y))


def _bcel_grad_x(F, g, x, y, r, w, pw):
    if pw is None:
        d = F.sigmoid(x) - y
    else:
        pwc = _const(F, pw)
        d = (1 + (pwc - 1) * y) * F.sigmoid(x) - pwc * y
    if w is not None:
        d = d * _const(F, w)
    return _scale(g, r, _size(F, x)) * d


def _bcel_grad_y(F, g, x, y, r, w, pw):
    d = -x if pw is None else (_const(F, pw) - 1) * _softplus_neg(F, x) - x
    if w is not None:
        d = d * _const(F, w)
    return _scale(g, r, _size(F, x)) * d


BCE_LOGITS_LOSS = defop(
    "binary_cross_entropy_with_logits",
    _bcel_fwd,
    inputs=("self", "target"),
    saves=("self", "target"),
    grads=(_bcel_grad_x, _bcel_grad_y),
    node="BinaryCrossEntropyWithLogitsBackward0",
    explain={"self": "σ(x) - y"},
)


def binary_cross_entropy_with_logits(x, y, weight, pos_weight, reduction):
    dt = x._data.dtype
    w = None if weight is None else weight._data.astype(dt, copy=False)
    pw = None if pos_weight is None else pos_weight._data.astype(dt, copy=False)
    return apply(BCE_LOGITS_LOSS, (x, y), (_RED[reduction], w, pw))


# ---------------------------------------------------------------- reflect / replicate / circular
# padding: a gather along each padded axis (index maps from np.pad of an arange); its adjoint
# adds the gradient back along the same maps.


def _gather_axes(x, maps):
    for axis, idx in maps:
        x = np.take(x, idx, axis=axis)
    return x


def _scatter_axes(g, maps, shape):
    for axis, idx in reversed(maps):
        out_shape = list(g.shape)
        out_shape[axis] = shape[axis]
        out = np.zeros(out_shape, g.dtype)
        np.add.at(out, (slice(None),) * axis + (idx,), g)
        g = out
    return g


_PAD_OPS: dict = {}


def _pad_op(mode: str, nd: int):
    return _PAD_OPS[(mode, nd)]


def _make_pad_op(mode: str, nd: int) -> None:
    key = (mode, nd)
    if key not in _PAD_OPS:
        node = {
            "reflect": f"ReflectionPad{nd}DBackward0",
            "replicate": f"ReplicationPad{nd}DBackward0",
            "circular": "torch::autograd::CopySlices",
        }[mode]
        _PAD_OPS[key] = defop(
            f"{mode}_pad{nd}d",
            _gather_axes,
            saves=("self.shape",),
            grads=(lambda F, g, shape, maps: _scatter_axes_op(F, g, maps, shape),),
            node=node,
            promote="keep",
            jvp="linear",
            explain={"self": "1 for each position it is copied to"},
        )


def _scatter_axes_op(F, g, maps, shape):
    if _fast(F):
        return _scatter_axes(g, maps, shape)
    return apply(PAD_SCATTER, (g,), (maps, shape))


def _gather_axes_op(F, gg, maps):
    if _fast(F):
        return _gather_axes(gg, maps)
    return apply(PAD_GATHER, (gg,), (maps,))


PAD_SCATTER = defop(
    "pad_scatter",
    _scatter_axes,
    grads=(lambda F, gg, maps, shape: _gather_axes_op(F, gg, maps),),
    node="ReflectionPadBackwardBackward0",
    promote="keep",
    jvp="linear",
)
PAD_GATHER = defop(
    "pad_gather",
    _gather_axes,
    saves=("self.shape",),
    grads=(lambda F, g, shape, maps: _scatter_axes_op(F, g, maps, shape),),
    node="ReflectionPadBackwardBackward1",
    promote="keep",
    jvp="linear",
)

_NP_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}
for _mode in _NP_MODE:
    for _nd in (1, 2, 3):
        _make_pad_op(_mode, _nd)


def mode_pad(x: Tensor, pad: tuple, mode: str) -> Tensor:
    """reflect / replicate / circular padding of the last len(pad)//2 dims."""
    nd = len(pad) // 2
    maps = []
    for i in range(nd):
        axis = x.ndim - 1 - i
        lo, hi = int(pad[2 * i]), int(pad[2 * i + 1])
        n = x.shape[axis]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {axis} of input "
                f"{list(x.shape)}"
            )
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "circular":
            # PyTorch crops first (negative padding), then wraps the cropped input
            idx = np.arange(n)[max(-lo, 0) : n - max(-hi, 0)]
            idx = np.pad(idx, (max(lo, 0), max(hi, 0)), mode="wrap") if idx.size else idx
        else:
            idx = np.pad(np.arange(n), (max(lo, 0), max(hi, 0)), mode=_NP_MODE[mode])
            idx = idx[max(-lo, 0) : len(idx) - max(-hi, 0)]  # negative padding crops
        maps.append((axis, idx))
    return apply(_pad_op(mode, nd), (x,), (tuple(maps),))


# ---------------------------------------------------------------- separable resampling
# Adaptive average pooling and interpolation (nearest, linear, bilinear, bicubic, trilinear ...)
# are linear maps that act on each spatial dim separately: out = M_1 ×_1 (M_2 ×_2 x) with one
# small (out_i, in_i) matrix per dim, built from PyTorch's index/weight rules in the input's
# precision. The forward is one tensordot per dim; the adjoint is the same map with the matrices
# transposed, so ``create_graph`` needs no extra code either.


def _sep_fwd(x, mats):
    nd = len(mats)
    out = x
    for i, m in enumerate(mats):
        axis = x.ndim - nd + i
        out = np.moveaxis(
            np.tensordot(m.astype(x.dtype, copy=False), out, axes=([1], [axis])), 0, axis
        )
    return np.ascontiguousarray(out)


def _sep_t(F, g, mats):
    mt = tuple(m.T for m in mats)
    if _fast(F):
        return _sep_fwd(g, mt)
    return apply(SEPARABLE_ADJOINT, (g,), (mt,))


def _sep_op(name: str, node: str, explain: str):
    return defop(
        name,
        _sep_fwd,
        grads=(lambda F, g, mats: _sep_t(F, g, mats),),
        node=node,
        promote="keep",
        jvp="linear",
        explain={"self": explain},
    )


SEPARABLE_ADJOINT = _sep_op(
    "separable_resample_adjoint", "UpsampleBackwardBackward0", "the resampling's weights"
)
ADAPTIVE_AVG_POOL = {
    nd: _sep_op(
        f"adaptive_avg_pool{nd}d",
        f"AdaptiveAvgPool{nd}DBackward0",
        "1/(bin size) for each bin containing it",
    )
    for nd in (2, 3)
}
_UPSAMPLE_NODES = {
    ("nearest", 1): "UpsampleNearest1DBackward0",
    ("nearest", 2): "UpsampleNearest2DBackward0",
    ("nearest", 3): "UpsampleNearest3DBackward0",
    ("nearest-exact", 1): "UpsampleNearestExact1DBackward0",
    ("nearest-exact", 2): "UpsampleNearestExact2DBackward0",
    ("nearest-exact", 3): "UpsampleNearestExact3DBackward0",
    ("linear", 1): "UpsampleLinear1DBackward0",
    ("bilinear", 2): "UpsampleBilinear2DBackward0",
    ("bicubic", 2): "UpsampleBicubic2DBackward0",
    ("trilinear", 3): "UpsampleTrilinear3DBackward0",
}
UPSAMPLE = {
    key: _sep_op(
        f"upsample_{key[0].replace('-', '_')}{key[1]}d",
        node,
        "1 at the source of each output" if "nearest" in key[0] else "the interpolation weights",
    )
    for key, node in _UPSAMPLE_NODES.items()
}


def adaptive_avg_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in): row i averages the bin [floor(i·in/out), ceil((i+1)·in/out))."""
    i = np.arange(n_out)
    start = (i * n_in) // n_out
    end = -((-(i + 1) * n_in) // n_out)
    cols = np.arange(n_in)
    mask = (cols >= start[:, None]) & (cols < end[:, None])
    return mask / (end - start)[:, None]


def _scale_value(dt, scale, n_in: int, n_out: int):
    if scale is not None and scale > 0:
        return dt(1.0 / scale)
    return dt(n_in) / dt(n_out)


def nearest_matrix(n_in: int, n_out: int, scale, exact: bool) -> np.ndarray:
    """PyTorch's nearest (``floor(dst·scale)``) or nearest-exact (``floor((dst + ½)·scale)``)
    source index, in float32 as its kernel computes it."""
    dst = np.arange(n_out)
    if not exact and n_out == n_in:
        src = dst
    elif not exact and n_out == 2 * n_in:
        src = dst >> 1
    else:
        sc = _scale_value(np.float32, scale, n_in, n_out)
        pos = (dst.astype(np.float32) + np.float32(0.5)) if exact else dst.astype(np.float32)
        src = np.minimum(np.floor(pos * sc).astype(np.int64), n_in - 1)
    m = np.zeros((n_out, n_in))
    m[dst, src] = 1.0
    return m


def _source_index(dt, n_in, n_out, align_corners, scale, cubic):
    dst = np.arange(n_out).astype(dt)
    if align_corners:
        sc = dt(n_in - 1) / dt(n_out - 1) if n_out > 1 else dt(0)
        return sc * dst
    sc = _scale_value(dt, scale, n_in, n_out)
    src = sc * (dst + dt(0.5)) - dt(0.5)
    return src if cubic else np.where(src < 0, dt(0), src)


def _guard(src, n_in):
    idx = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    lam = np.clip(src - idx, 0, 1)
    return idx, lam


def linear_matrix(n_in: int, n_out: int, align_corners: bool, scale, dt) -> np.ndarray:
    """Linear interpolation weights (two taps per output), as PyTorch's CPU kernel."""
    i0, l1 = _guard(_source_index(dt, n_in, n_out, align_corners, scale, False), n_in)
    i1 = i0 + (i0 < n_in - 1)
    m = np.zeros((n_out, n_in), dt)
    rows = np.arange(n_out)
    np.add.at(m, (rows, i0), 1 - l1)
    np.add.at(m, (rows, i1), l1)
    return m


def cubic_matrix(n_in: int, n_out: int, align_corners: bool, scale, dt) -> np.ndarray:
    """Bicubic convolution weights (A = -0.75, four taps clamped to the border)."""
    i0, t = _guard(_source_index(dt, n_in, n_out, align_corners, scale, True), n_in)
    a = dt(-0.75)

    def cc1(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def cc2(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    coeffs = (cc2(t + 1), cc1(t), cc1(1 - t), cc2(2 - t))
    m = np.zeros((n_out, n_in), dt)
    rows = np.arange(n_out)
    for j, c in enumerate(coeffs):
        np.add.at(m, (rows, np.clip(i0 - 1 + j, 0, n_in - 1)), c)
    return m


def _int16_weights(m: np.ndarray) -> tuple:
    """PyTorch's uint8 resampling weights: float64 rows scaled to int16 with the largest
    precision that keeps twice the biggest weight below 2**15, rounded half away from 0."""
    prec = 0
    wmax = float(m.max())
    while prec < 22 and int(0.5 + wmax * (1 << (prec + 1))) < (1 << 15):
        prec += 1
    scaled = m * (1 << prec)
    return np.where(m < 0, scaled - 0.5, scaled + 0.5).astype(np.int64), prec


def resample_uint8(x: np.ndarray, mats: tuple) -> np.ndarray:
    """uint8 bilinear / bicubic resampling as PyTorch's CPU kernel: one pass per resized dim,
    last dim first, each in fixed point with a uint8 (rounded, clamped) intermediate."""
    nd = len(mats)
    out = x
    for i in reversed(range(nd)):
        m = mats[i]
        if m.shape[0] == m.shape[1]:
            continue  # PyTorch skips the pass when that dim keeps its size
        w, prec = _int16_weights(m)
        axis = x.ndim - nd + i
        moved = np.moveaxis(out.astype(np.int64), axis, -1)
        acc = (moved @ w.T + (1 << (prec - 1))) >> prec
        out = np.moveaxis(np.clip(acc, 0, 255).astype(np.uint8), -1, axis)
    return np.ascontiguousarray(out)


def separable(op, x: Tensor, mats: tuple) -> Tensor:
    """Apply the per-dim matrices ``mats`` to the trailing ``len(mats)`` dims of ``x``."""
    return apply(op, (x,), (tuple(mats),))


# ---------------------------------------------------------------- adaptive max pooling


def _bins(n_in: int, n_out: int):
    i = np.arange(n_out)
    start = (i * n_in) // n_out
    end = -((-(i + 1) * n_in) // n_out)
    return start, end


def _adaptive_max_fwd(x, output_size):
    nd = len(output_size)
    sp = x.shape[x.ndim - nd :]
    lead = x.shape[: x.ndim - nd]
    xp = _planes(x, nd)
    mult = _row_major(sp)
    bins = [_bins(n, o) for n, o in zip(sp, output_size)]
    kmax = [int((e - s).max()) if len(s) else 0 for s, e in bins]
    best = idx = None
    for off in itertools.product(*(range(k) for k in kmax)):
        # the window's ``off``-th element (its last one where the window is shorter: a repeat
        # never wins a strict comparison)
        pos = [np.minimum(s + o, e - 1) for (s, e), o in zip(bins, off)]
        view = xp[(slice(None),) + np.ix_(*pos)]
        flat = sum(
            p.reshape([-1 if j == i else 1 for j in range(nd)]) * m
            for i, (p, m) in enumerate(zip(pos, mult))
        )
        if best is None:
            best = view.copy()
            idx = np.broadcast_to(flat, best.shape).copy()
            continue
        better = (view > best) | (np.isnan(view) & ~np.isnan(best))
        np.copyto(best, view, where=better)
        np.copyto(idx, np.broadcast_to(flat, best.shape), where=better)
    return best.reshape(lead + tuple(output_size)), idx.reshape(lead + tuple(output_size))


ADAPTIVE_MAX_POOL2D = _max_pool_op(
    "adaptive_max_pool2d", "AdaptiveMaxPool2DBackward0", _adaptive_max_fwd
)
ADAPTIVE_MAX_POOL3D = _max_pool_op(
    "adaptive_max_pool3d", "AdaptiveMaxPool3DBackward0", _adaptive_max_fwd
)


def adaptive_max_pool(x: Tensor, output_size: tuple) -> tuple:
    """Max over PyTorch's adaptive bins of the last 2 or 3 dims: (values, flat indices)."""
    op = ADAPTIVE_MAX_POOL2D if len(output_size) == 2 else ADAPTIVE_MAX_POOL3D
    return apply(op, (x,), (tuple(output_size),))


# ---------------------------------------------------------------- max unpooling


def _unpool_fwd(x, idx, out_sp):
    nd = len(out_sp)
    planes = int(np.prod(x.shape[: x.ndim - nd], dtype=np.int64))
    out = np.zeros((planes, int(np.prod(out_sp, dtype=np.int64))), x.dtype)
    # written, not added (PyTorch's kernel assigns; repeated indices keep one value)
    out[np.arange(planes)[:, None], idx.reshape(planes, -1)] = x.reshape(planes, -1)
    return out.reshape(x.shape[: x.ndim - nd] + tuple(out_sp))


def _unpool_op(nd: int):
    return defop(
        f"max_unpool{nd}d",
        _unpool_fwd,
        grads=(lambda F, g, idx, out_sp: _gather(F, g, idx, len(out_sp)),),
        node=f"MaxUnpool{nd}DBackward0",
        promote="keep",
        jvp="linear",
        explain={"self": "1 at the position its index names"},
    )


MAX_UNPOOL = {2: _unpool_op(2), 3: _unpool_op(3)}


def max_unpool(x: Tensor, idx: np.ndarray, out_sp: tuple) -> Tensor:
    """Place each value of ``x`` at its flat index in zeros of spatial size ``out_sp``."""
    return apply(MAX_UNPOOL[len(out_sp)], (x,), (idx, tuple(out_sp)))


# ---------------------------------------------------------------- pixel shuffle, im2col
# Each is a permutation (or its sum-adjoint); the two entries of a pair are each other's
# backward.


def _pixel_shuffle_fwd(x, r):
    *lead, c, h, w = x.shape
    oc = c // (r * r)
    y = x.reshape(*lead, oc, r, r, h, w)
    n = len(lead)
    y = y.transpose(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return np.ascontiguousarray(y).reshape(*lead, oc, h * r, w * r)


def _pixel_unshuffle_fwd(x, r):
    *lead, c, hr, wr = x.shape
    h, w = hr // r, wr // r
    y = x.reshape(*lead, c, h, r, w, r)
    n = len(lead)
    y = y.transpose(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return np.ascontiguousarray(y).reshape(*lead, c * r * r, h, w)


def _shuffle(F, g, r, down: bool):
    if _fast(F):
        return _pixel_unshuffle_fwd(g, r) if down else _pixel_shuffle_fwd(g, r)
    return apply(PIXEL_UNSHUFFLE if down else PIXEL_SHUFFLE, (g,), (r,))


PIXEL_SHUFFLE = defop(
    "pixel_shuffle",
    _pixel_shuffle_fwd,
    grads=(lambda F, g, r: _shuffle(F, g, r, True),),
    node="PixelShuffleBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1 (elements moved back)"},
)
PIXEL_UNSHUFFLE = defop(
    "pixel_unshuffle",
    _pixel_unshuffle_fwd,
    grads=(lambda F, g, r: _shuffle(F, g, r, False),),
    node="PixelUnshuffleBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1 (elements moved back)"},
)


def pixel_shuffle(x: Tensor, r: int) -> Tensor:
    """(*, C·r², H, W) -> (*, C, H·r, W·r)."""
    return apply(PIXEL_SHUFFLE, (x,), (int(r),))


def pixel_unshuffle(x: Tensor, r: int) -> Tensor:
    """(*, C, H·r, W·r) -> (*, C·r², H, W)."""
    return apply(PIXEL_UNSHUFFLE, (x,), (int(r),))


def _im2col_fwd(x, k, d, p, s):
    lead, (c, h, w) = x.shape[:-3], x.shape[-3:]
    xp = np.pad(x.reshape(-1, c, h, w), ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    sn, sc, sh, sw = xp.strides
    win = as_strided(
        xp,
        (xp.shape[0], c, k[0], k[1], oh, ow),
        (sn, sc, sh * d[0], sw * d[1], sh * s[0], sw * s[1]),
        writeable=False,
    )
    return win.reshape(lead + (c * k[0] * k[1], oh * ow))


def _col2im_fwd(cols, out_size, k, d, p, s):
    lead, (ckk, _) = cols.shape[:-2], cols.shape[-2:]
    c = ckk // (k[0] * k[1])
    h, w = out_size
    oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    cb = cols.reshape(-1, c, k[0], k[1], oh, ow)
    out = np.zeros((cb.shape[0], c, h + 2 * p[0], w + 2 * p[1]), cols.dtype)
    for i in range(k[0]):  # one vectorised add per kernel offset
        for j in range(k[1]):
            hi, wj = i * d[0], j * d[1]
            out[
                :, :, hi : hi + s[0] * (oh - 1) + 1 : s[0], wj : wj + s[1] * (ow - 1) + 1 : s[1]
            ] += cb[:, :, i, j]
    out = out[:, :, p[0] : p[0] + h, p[1] : p[1] + w]
    return np.ascontiguousarray(out).reshape(lead + (c, h, w))


def _im2col(F, x, k, d, p, s):
    if _fast(F):
        return _im2col_fwd(x, k, d, p, s)
    return apply(IM2COL, (x,), (k, d, p, s))


def _col2im(F, g, out_size, k, d, p, s):
    if _fast(F):
        return _col2im_fwd(g, out_size, k, d, p, s)
    return apply(COL2IM, (g,), (out_size, k, d, p, s))


IM2COL = defop(
    "im2col",
    _im2col_fwd,
    saves=("self.shape",),
    grads=(lambda F, g, shape, k, d, p, s: _col2im(F, g, tuple(shape[-2:]), k, d, p, s),),
    node="Im2ColBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1 for each block it is copied to"},
)
COL2IM = defop(
    "col2im",
    _col2im_fwd,
    grads=(lambda F, g, out_size, k, d, p, s: _im2col(F, g, k, d, p, s),),
    node="Col2ImBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1 (the block's sum)"},
)


def im2col(x: Tensor, k, d, p, s) -> Tensor:
    """Sliding blocks of (N, C, H, W) as columns (N, C·kh·kw, L)."""
    return apply(IM2COL, (x,), (tuple(k), tuple(d), tuple(p), tuple(s)))


def col2im(cols: Tensor, out_size, k, d, p, s) -> Tensor:
    """Sum of columns (N, C·kh·kw, L) back into (N, C, H, W)."""
    return apply(COL2IM, (cols,), (tuple(out_size), tuple(k), tuple(d), tuple(p), tuple(s)))


# ---------------------------------------------------------------- group norm
# The layer/batch-norm rule on the input viewed as (N, G, C/G, rest): statistics over the last
# two axes, the per-channel affine weight viewed as (1, G, C/G, 1).


def _gn_view(shape, groups: int) -> tuple:
    n, c = shape[:2]
    rest = int(np.prod(shape[2:], dtype=np.int64))
    return (n, groups, c // groups, rest)


def _gn_fwd(x, w, b, groups, eps):
    n, c = x.shape[:2]
    xg = x.reshape(n, groups, -1)
    mean = xg.mean(-1, keepdims=True)
    xc = xg - mean
    var = np.square(xc).mean(-1, keepdims=True)
    y = (xc / np.sqrt(var + eps)).reshape(x.shape)
    shape = (1, c) + (1,) * (x.ndim - 2)
    if w is not None:
        y = y * w.reshape(shape)
    if b is not None:
        y = y + b.reshape(shape)
    return y.astype(x.dtype, copy=False)


def _gn_backward(F, g, needs, x, w, groups, eps):
    xshape = tuple(x.shape)
    v = _gn_view(xshape, groups)
    wshape = (1, groups, v[2], 1)
    x4, g4 = F.reshape(x, v), F.reshape(g, v)
    gx, gw, gb = _norm_backward(F, g4, needs, x4, w, (2, 3), eps, None, wshape, (0, 3))
    if gx is not None:
        gx = F.reshape(gx, xshape)
    if needs[2] and w is None:
        gb = F.reshape(F.sum(g4, dim=(0, 3)), (xshape[1],))
    return gx, gw, gb


def _gn_jvp(F, tv, x, w, groups, eps):
    xshape = tuple(x.shape)
    v = _gn_view(xshape, groups)
    tx, tw, tb = tv
    tv4 = (None if tx is None else F.reshape(tx, v), tw, tb)
    x4 = F.reshape(x, v)
    out = _norm_jvp(F, tv4, x4, w, (2, 3), eps, None, (1, groups, v[2], 1))
    if tx is None and tw is None:  # the bias's tangent alone: broadcast to the output
        out = out + F.zeros_like(x4)
    return F.reshape(out, xshape)


GROUP_NORM = defop(
    "native_group_norm",
    _gn_fwd,
    inputs=("input", "weight", "bias"),
    saves=("input", "weight"),
    backward=_gn_backward,
    node="NativeGroupNormBackward0",
    promote="keep",
    jvp=_gn_jvp,
    explain={"input": "(1/σ)(δ - 1/n - x̂·x̂'/n)·γ", "weight": "x̂", "bias": "1"},
)


def group_norm(x: Tensor, w, b, groups: int, eps: float) -> Tensor:
    """Normalise each group of C/G channels (with the spatial dims) of each sample."""
    return apply(GROUP_NORM, (x, w, b), (int(groups), float(eps)))


# ---------------------------------------------------------------- pdist


def _pairs(n: int):
    return np.triu_indices(n, 1)


def _pdist_fwd(x, p):
    i, j = _pairs(x.shape[0])
    d = np.abs(x[i] - x[j])
    if p == 0:
        out = (d != 0).sum(-1)
    elif p == np.inf:
        out = d.max(-1) if d.shape[-1] else np.zeros(len(i))
    elif p == 1:
        out = d.sum(-1)
    elif p == 2:
        out = np.sqrt(np.square(d).sum(-1))
    else:
        out = np.power(np.power(d, p).sum(-1), 1.0 / p)
    return np.asarray(out, dtype=x.dtype)


def _pdist_grad(F, g, x, dist, p):
    n = x.shape[0]
    i, j = _pairs(n)
    diff = x[i] - x[j]
    gk = F.reshape(g, (-1, 1))
    dk = F.reshape(dist, (-1, 1))
    if p == 0:
        return F.zeros(tuple(x.shape), x)
    if p == 1:
        c = gk * F.sign(diff)
    elif p == np.inf:
        c = gk * F.sign(diff) * (F.abs(diff) == dk)
    else:
        safe = F.where(dk == 0, 1.0 + 0.0 * dk, dk)
        if p == 2:
            c = gk * diff / safe
        else:
            c = gk * F.sign(diff) * F.pow(F.abs(diff), p - 1) / F.pow(safe, p - 1)
        c = F.where(dk == 0, 0.0 * c, c)
    shape = tuple(x.shape)
    return F.index_put(shape, x, (i,), c, True) - F.index_put(shape, x, (j,), c, True)


PDIST = defop(
    "pdist",
    _pdist_fwd,
    saves=("self", "result"),
    grads=(_pdist_grad,),
    node="PdistBackward0",
    jvp=lambda F, tv, x, dist, p: _pdist_jvp(F, tv[0], x, dist, p),
    explain={"self": "∂‖x_i - x_j‖_p/∂x for each pair"},
)


def _pdist_jvp(F, t, x, dist, p):
    i, j = _pairs(x.shape[0])
    diff = x[i] - x[j]
    dt = t[i] - t[j]
    dk = F.reshape(dist, (-1, 1))
    if p == 0:
        return 0.0 * dist
    if p == 1:
        return F.sum(F.sign(diff) * dt, -1)
    if p == np.inf:
        return F.sum(F.sign(diff) * (F.abs(diff) == dk) * dt, -1)
    safe = F.where(dk == 0, 1.0 + 0.0 * dk, dk)
    if p == 2:
        r = F.sum(diff * dt, -1) / F.reshape(safe, (-1,))
    else:
        w = F.sign(diff) * F.pow(F.abs(diff), p - 1) / F.pow(safe, p - 1)
        r = F.sum(w * dt, -1)
    return F.where(dist == 0, 0.0 * r, r)


def pdist(x: Tensor, p: float) -> Tensor:
    """p-norm distances between the rows of ``x`` (N, M), pairs i < j in row-major order."""
    return apply(PDIST, (x,), (float(p),))


# ---------------------------------------------------------------- margin losses


def _soft_margin_fwd(x, y, r):
    return _reduce(np.log1p(np.exp(-y * x)), r, np.result_type(x, y))


def _soft_margin_grad(F, g, x, y, r):
    return _scale(g, r, _size(F, x)) * (-y * F.sigmoid(-y * x))


SOFT_MARGIN_LOSS = defop(
    "soft_margin_loss",
    _soft_margin_fwd,
    inputs=("self", "target"),
    saves=("self", "target"),
    grads=(_soft_margin_grad, None),
    node="SoftMarginLossBackward0",
    explain={"self": "-y·σ(-y·x)/n"},
)


def soft_margin_loss(x, y, reduction: str) -> Tensor:
    return apply(SOFT_MARGIN_LOSS, (x, y), (_RED[reduction],))


def _mm_terms(x, target, p, margin, weight):
    """(N, C) hinge terms max(0, margin - x[y] + x[i]) (0 at i = y) and the target picks."""
    x2 = x.reshape(-1, x.shape[-1])
    t = target.reshape(-1)
    rows = np.arange(x2.shape[0])
    z = margin - x2[rows, t][:, None] + x2
    z[rows, t] = 0
    z = np.maximum(z, 0)
    return x2, t, rows, z


def _multi_margin_fwd(x, target, p, margin, weight, r):
    x2, t, rows, z = _mm_terms(x, target, p, margin, weight)
    loss = (z if p == 1 else z * z).sum(-1)
    if weight is not None:
        loss = loss * weight.astype(x.dtype, copy=False)[t]
    loss = loss / x.shape[-1]
    if x.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, r, x.dtype)


def _mm_coef(F, x, target, p, margin, weight, r):
    """d loss / d x (x-shaped; divided by N for the mean): a constant for p = 1, a function of
    x for p = 2 (so that second derivatives see it)."""
    xa = x if _fast(F) else x._data
    x2a, t, rows, z = _mm_terms(xa, target, p, margin, weight)
    n, c = x2a.shape
    scale = np.ones(n, xa.dtype) if weight is None else weight.astype(xa.dtype, copy=False)[t]
    scale = scale / c / (n if r == 1 and xa.ndim > 1 else 1)
    onehot = np.zeros((n, c), xa.dtype)
    onehot[rows, t] = 1
    if p == 1:
        coef = (z > 0).astype(xa.dtype) * scale[:, None]
        coef -= onehot * coef.sum(-1, keepdims=True)
        return _const(F, coef.reshape(xa.shape))
    x2 = F.reshape(x, (n, c))
    xy = F.reshape(x2[rows, t], (n, 1))
    active = _const(F, ((z > 0) & (onehot == 0)).astype(xa.dtype) * (2 * scale)[:, None])
    ci = (margin - xy + x2) * active
    coef = ci - _const(F, onehot) * F.sum(ci, -1, True)
    return F.reshape(coef, tuple(xa.shape))


def _multi_margin_grad(F, g, x, target, p, margin, weight, r):
    if r == 0 and x.ndim > 1:
        g = F.reshape(g, (-1, 1))
    return g * _mm_coef(F, x, target, p, margin, weight, r)


def _multi_margin_jvp(F, tv, x, target, p, margin, weight, r):
    prod = _mm_coef(F, x, target, p, margin, weight, r) * tv[0]
    return F.sum(prod, -1) if r == 0 else F.sum(prod)


MULTI_MARGIN_LOSS = defop(
    "multi_margin_loss",
    _multi_margin_fwd,
    saves=("self",),
    grads=(_multi_margin_grad,),
    node="MultiMarginLossBackward0",
    promote="keep",
    jvp=_multi_margin_jvp,
    explain={"self": "p·max(0, margin - x[y] + x[i])^(p-1)·w[y]/C (minus their sum at y)"},
)


def multi_margin_loss(x, target, p: int, margin: float, weight, reduction: str) -> Tensor:
    return apply(MULTI_MARGIN_LOSS, (x,), (target, int(p), float(margin), weight, _RED[reduction]))


# ---------------------------------------------------------------- norm over a dim
# ``at::norm(x, p, dim, keepdim)``, as ``pairwise_distance`` records it (NormBackward1): the
# vector norm's kernels and formulas under PyTorch's other node name.
NORM_DIM = defop(
    "norm_dim",
    _vnorm_fwd,
    saves=("self", "result"),
    grads=(_vnorm_grad,),
    node="NormBackward1",
    jvp=_vnorm_jvp,
    explain={"self": "{u}/‖{u}‖ (p = 2)"},
)


def norm_dim(x: Tensor, p: float, dim: int, keepdim: bool) -> Tensor:
    """The p-norm of ``x`` over one dim (non-negative index)."""
    return apply(NORM_DIM, (x,), (float(p), (int(dim),), bool(keepdim), None))


# ---------------------------------------------------------------- fused attention (CPU flash)
# ``_scaled_dot_product_flash_attention_for_cpu``: softmax(scale·Q·Kᵀ + bias)·V on 4-D
# (B, H, L, E) inputs, one node (ScaledDotProductFlashAttentionForCpuBackward0) as PyTorch
# records when its fused CPU kernel runs. ``bias`` is an additive float array (the attention
# mask with the causal -inf already merged in) laid out for the grouped view below, or None.
# Grouped-query attention: H query heads share Hk = H / G key/value heads; the formulas view
# Q as (B, Hk, G, L, E) and K, V as (B, Hk, 1, S, E), so K and V broadcast over the G axis and
# their gradients sum over it.


def _gqa_views(F, q, k, v):
    b, h, lq, e = q.shape
    hk, s = k.shape[1], k.shape[2]
    g = h // hk
    q5 = F.reshape(q, (b, hk, g, lq, e))
    k5 = F.reshape(k, (b, hk, 1, s, k.shape[-1]))
    v5 = F.reshape(v, (b, hk, 1, s, v.shape[-1]))
    return q5, k5, v5


def _attn_probs_np(q5, k5, bias, scale):
    s = np.matmul(q5, np.swapaxes(k5, -1, -2))
    s *= s.dtype.type(scale)
    if bias is not None:
        s += bias
    return _safe_softmax_np(s)


def _safe_softmax_np(s):
    m = s.max(-1, keepdims=True)
    m[~np.isfinite(m)] = 0  # fully masked rows: exp(-inf) = 0 everywhere, then 0/0 -> 0
    e = np.exp(s - m)
    tot = e.sum(-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = e / tot
    p[np.broadcast_to(tot == 0, p.shape)] = 0
    return p


def _attn_probs(F, q5, k5, bias, scale):
    """The attention probabilities (differentiable in q5, k5 when ``F`` is chainrule)."""
    if _fast(F):
        return _attn_probs_np(q5, k5, bias, scale)
    from .activation import SAFE_SOFTMAX

    s = F.matmul(q5, F.transpose(k5, -1, -2)) * scale
    if bias is not None:
        s = s + wrap(bias.astype(s._data.dtype, copy=False))
    return apply(SAFE_SOFTMAX, (s,), (-1,))


def _flash_fwd(q, k, v, bias, scale):
    q5, k5, v5 = _gqa_views(array_ns, q, k, v)
    p = _attn_probs_np(q5, k5, bias, scale)
    out = np.matmul(p, v5)
    return out.reshape(q.shape[:3] + (v.shape[-1],)).astype(q.dtype, copy=False)


def _flash_backward(F, g, needs, q, k, v, bias, scale):
    q5, k5, v5 = _gqa_views(F, q, k, v)
    g5 = F.reshape(g, tuple(q5.shape[:4]) + (tuple(g.shape)[-1],))
    p = _attn_probs(F, q5, k5, bias, scale)
    gq = gk = gv = None
    if needs[2]:
        gv = F.reshape(F.sum(F.matmul(F.transpose(p, -1, -2), g5), 2), tuple(v.shape))
    if needs[0] or needs[1]:
        dp = F.matmul(g5, F.transpose(v5, -1, -2))
        ds = p * (dp - F.sum(dp * p, -1, True)) * scale
        if needs[0]:
            gq = F.reshape(F.matmul(ds, k5), tuple(q.shape))
        if needs[1]:
            gk = F.reshape(F.sum(F.matmul(F.transpose(ds, -1, -2), q5), 2), tuple(k.shape))
    return gq, gk, gv


def _flash_jvp(F, tangents, q, k, v, bias, scale):
    tq, tk, tv = tangents
    q5, k5, v5 = _gqa_views(F, q, k, v)
    p = _attn_probs(F, q5, k5, bias, scale)
    out = None
    if tq is not None or tk is not None:
        ds = None
        if tq is not None:
            tq5 = F.reshape(tq, tuple(q5.shape))
            ds = F.matmul(tq5, F.transpose(k5, -1, -2))
        if tk is not None:
            tk5 = F.reshape(tk, tuple(k5.shape))
            dk = F.matmul(q5, F.transpose(tk5, -1, -2))
            ds = dk if ds is None else ds + dk
        ds = ds * scale
        dp = p * (ds - F.sum(p * ds, -1, True))
        out = F.matmul(dp, v5)
    if tv is not None:
        pv = F.matmul(p, F.reshape(tv, tuple(v5.shape)))
        out = pv if out is None else out + pv
    return F.reshape(out, tuple(q.shape[:3]) + (tuple(v.shape)[-1],))


SDPA_FLASH_CPU = defop(
    "_scaled_dot_product_flash_attention_for_cpu",
    _flash_fwd,
    inputs=("query", "key", "value"),
    saves=("query", "key", "value"),
    backward=_flash_backward,
    node="ScaledDotProductFlashAttentionForCpuBackward0",
    promote="keep",
    jvp=_flash_jvp,
    explain={
        "query": "scale·(P∘(dP - rowsum(dP∘P)))·K",
        "key": "scale·(P∘(dP - rowsum(dP∘P)))ᵀ·Q",
        "value": "Pᵀ (P = softmax(scale·Q·Kᵀ + mask))",
    },
)


def sdpa_flash_cpu(q: Tensor, k: Tensor, v: Tensor, bias, scale: float) -> Tensor:
    """The fused attention entry: ``bias`` a float array broadcastable to (B, Hk, G, L, S)."""
    return apply(SDPA_FLASH_CPU, (q, k, v), (bias, float(scale)))


# ---------------------------------------------------------------- channel shuffle


def _channel_shuffle_fwd(x, groups, nd):
    # the channel dim counted from the end (``nd``: the input's rank), so that leading batch
    # dims (vectorised Jacobians) pass through
    ax = x.ndim - nd + 1
    c = x.shape[ax]
    shape = x.shape[:ax] + (groups, c // groups) + x.shape[ax + 1 :]
    y = x.reshape(shape).swapaxes(ax, ax + 1)
    return np.ascontiguousarray(y).reshape(x.shape)


def _unshuffle(F, g, groups, nd):
    c = tuple(g.shape)[len(g.shape) - nd + 1]
    if _fast(F):
        return _channel_shuffle_fwd(g, c // groups, nd)
    return apply(CHANNEL_SHUFFLE, (g,), (c // groups, nd))


CHANNEL_SHUFFLE = defop(
    "channel_shuffle",
    _channel_shuffle_fwd,
    grads=(lambda F, g, groups, nd: _unshuffle(F, g, groups, nd),),
    node="ChannelShuffleBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1 (channels moved back)"},
)


def channel_shuffle(x: Tensor, groups: int) -> Tensor:
    """(N, C, *) with the channels regrouped: (N, g, C/g, *) transposed to (N, C/g, g, *)."""
    return apply(CHANNEL_SHUFFLE, (x,), (int(groups), x._data.ndim))


# ---------------------------------------------------------------- multilabel margin loss
# loss(x, y) = Σ_{j in targets} Σ_{i not in targets} max(0, 1 - (x[y_j] - x[i])) / C, the
# targets being the leading entries of y before the first -1 (repeats count again).


def _mlm_terms(x2, t2):
    n, c = x2.shape
    valid = np.cumprod(t2 >= 0, axis=1).astype(bool)  # up to the first -1
    counts = np.zeros((n, c), np.int64)
    rows = np.broadcast_to(np.arange(n)[:, None], t2.shape)
    np.add.at(counts, (rows[valid], t2[valid]), 1)
    z = 1.0 - x2[:, :, None] + x2[:, None, :]  # z[n, j, i] = 1 - x[j] + x[i]
    weight = counts[:, :, None] * (counts == 0)[:, None, :]
    return z, weight


def _mlm_fwd(x, target, r):
    c = x.shape[-1] if x.ndim else 1
    x2, t2 = x.reshape(-1, c), target.reshape(-1, c)
    z, w = _mlm_terms(x2, t2)
    loss = (np.maximum(z, 0) * w).sum((1, 2)) / c
    if x.ndim <= 1:
        loss = loss.reshape(())
    return _reduce(loss, r, x.dtype)


def _mlm_coef(x, target, r):
    xa = x._data if isinstance(x, Tensor) else x
    c = xa.shape[-1] if xa.ndim else 1
    x2, t2 = xa.reshape(-1, c), target.reshape(-1, c)
    z, w = _mlm_terms(x2, t2)
    active = (z > 0) * w / c
    coef = active.sum(1) - active.sum(2)  # +1/C at i, -1/C at j per active pair
    if r == 1 and xa.ndim > 1:
        coef = coef / x2.shape[0]
    return coef.reshape(xa.shape).astype(xa.dtype)


def _mlm_grad(F, g, x, target, r):
    if r == 0 and x.ndim > 1:
        g = F.reshape(g, (-1, 1))
    return g * _const(F, _mlm_coef(x, target, r))


def _mlm_jvp(F, tv, x, target, r):
    prod = _const(F, _mlm_coef(x, target, r)) * tv[0]
    return F.sum(prod, -1) if r == 0 else F.sum(prod)


MULTILABEL_MARGIN_LOSS = defop(
    "multilabel_margin_loss",
    _mlm_fwd,
    saves=("self",),
    grads=(_mlm_grad,),
    node="MultilabelMarginLossBackward0",
    promote="keep",
    jvp=_mlm_jvp,
    explain={"self": "(#active pairs with i - #active pairs with j)/C"},
)


def multilabel_margin_loss(x: Tensor, target: np.ndarray, reduction: str) -> Tensor:
    return apply(MULTILABEL_MARGIN_LOSS, (x,), (target, _RED[reduction]))


# ---------------------------------------------------------------- embedding bag
# ``idx`` (M,) the looked-up rows, ``bag`` (M,) the bag of each lookup, ``nbags``; lookups of
# ``padding_idx`` are left out. mode 0: sum (optionally weighted by ``per_sample_weights``),
# 1: mean, 2: max (the gradient goes to the row that gave each maximum; empty bags give 0).


def _bag_parts(idx, bag, nbags, padding_idx):
    keep = np.ones(idx.shape, bool) if padding_idx is None else idx != padding_idx
    count = np.bincount(bag[keep], minlength=nbags)
    return keep, count


def _bag_argmax(w, idx, bag, nbags, keep):
    """For each (bag, column): the lookup position holding the maximum (-1 for empty bags)."""
    rows = w[idx]
    d = w.shape[1]
    best = np.full((nbags, d), -np.inf, dtype=w.dtype)
    np.maximum.at(best, bag[keep], rows[keep])
    hit = keep[:, None] & (rows == best[bag])
    pos = np.where(hit, np.arange(idx.size)[:, None], idx.size)
    first = np.full((nbags, d), idx.size, dtype=np.int64)
    np.minimum.at(first, bag, pos)
    return np.where(first == idx.size, -1, first)


def _embedding_bag_fwd(w, psw, idx, bag, nbags, mode, padding_idx):
    keep, count = _bag_parts(idx, bag, nbags, padding_idx)
    d = w.shape[1]
    if mode == 2:
        arg = _bag_argmax(w, idx, bag, nbags, keep)
        cols = np.arange(d)[None, :]
        out = np.where(arg >= 0, w[idx[np.maximum(arg, 0)], cols], 0)
        return out.astype(w.dtype, copy=False)
    rows = w[idx] * keep[:, None]
    if psw is not None:
        rows = rows * psw[:, None]
    out = np.zeros((nbags, d), dtype=w.dtype)
    np.add.at(out, bag, rows)
    if mode == 1:
        out = out / np.maximum(count, 1)[:, None]
    return out.astype(w.dtype, copy=False)


def _embedding_bag_backward(F, g, needs, w, psw, idx, bag, nbags, mode, padding_idx):
    keep, count = _bag_parts(idx, bag, nbags, padding_idx)
    shape = tuple(w.shape)
    gw = gp = None
    if needs[0]:
        if mode == 2:
            arg = _bag_argmax(_data(w), idx, bag, nbags, keep)
            b, c = np.nonzero(arg >= 0)
            vals = g[b, c]
            gw = F.index_put(shape, vals, (idx[arg[b, c]], c), vals, True)
        else:
            scale = keep.astype(_data(g).dtype)
            if mode == 1:
                scale = scale / np.maximum(count, 1)[bag]
            rows = g[bag] * _const(F, scale[:, None])
            if psw is not None:
                rows = rows * F.reshape(psw, (-1, 1))
            gw = F.index_put(shape, rows, (idx,), rows, True)
    if needs[1] and psw is not None:
        gp = F.sum(g[bag] * w[idx], -1) * _const(F, keep.astype(_data(g).dtype))
    return gw, gp


def _embedding_bag_jvp(F, tangents, w, psw, idx, bag, nbags, mode, padding_idx):
    tw, tp = tangents
    out = None
    if tw is not None:  # linear in the weight, with the same bags (and maxima)
        keep, count = _bag_parts(idx, bag, nbags, padding_idx)
        if mode == 2:
            arg = _bag_argmax(_data(w), idx, bag, nbags, keep)
            b, c = np.nonzero(arg >= 0)
            vals = tw[idx[arg[b, c]], c]
            out = F.index_put((nbags, tuple(w.shape)[1]), vals, (b, c), vals, False)
        else:
            scale = keep.astype(_data(tw).dtype)
            if mode == 1:
                scale = scale / np.maximum(count, 1)[bag]
            rows = tw[idx] * _const(F, scale[:, None])
            if psw is not None:
                rows = rows * F.reshape(psw, (-1, 1))
            out = F.index_put((nbags, tuple(w.shape)[1]), rows, (bag,), rows, True)
    if tp is not None:
        keep = np.ones(idx.shape, bool) if padding_idx is None else idx != padding_idx
        rows = w[idx] * F.reshape(tp, (-1, 1)) * _const(F, keep[:, None].astype(_data(w).dtype))
        part = F.index_put((nbags, tuple(w.shape)[1]), rows, (bag,), rows, True)
        out = part if out is None else out + part
    return out


EMBEDDING_BAG = defop(
    "embedding_bag",
    _embedding_bag_fwd,
    inputs=("weight", "per_sample_weights"),
    saves=("weight", "per_sample_weights"),
    backward=_embedding_bag_backward,
    node="EmbeddingBagBackward0",
    promote="keep",
    jvp=_embedding_bag_jvp,
    explain={"weight": "1 (or 1/count, or psw) per lookup", "per_sample_weights": "the row"},
)


def embedding_bag(weight: Tensor, psw, idx, bag, nbags: int, mode: int, padding_idx) -> Tensor:
    """Sums, means or maxima of the rows of ``weight`` looked up in each bag."""
    return apply(EMBEDDING_BAG, (weight, psw), (idx, bag, int(nbags), int(mode), padding_idx))


# ---------------------------------------------------------------- grid sampling
# grid_sample reads each output point from a few taps of the input -- 1 (nearest), 2 per dim
# (bilinear) or 4 per dim (bicubic, 2-d only) -- around a source coordinate computed from the
# grid with PyTorch's CPU rules: the 2-d kernel's vectorised arithmetic (a NaN coordinate
# clamps to 0 under border/reflection padding) and the 3-d kernel's scalar one (NaN, inf and
# huge coordinates become -100, out of bounds; its backward clamps NaN differently from its
# forward, as PyTorch's does). The taps are integers that stay put under small grid changes,
# so the op is a sum over taps of weight(grid) · input[tap]: linear in the input, with grid
# derivatives those of the 1-d weights (times d(coordinate)/d(grid): the unnormalising scale,
# 0 where clamped, -1 where reflected). Entries: the op (GridSampler{2,3}DBackward0) and its
# backward (GridSampler{2,3}DBackwardBackward0), whose own backward and forward-mode rules are
# written once against ``F`` -- NumPy for double backward, a differentiable graph under
# ``create_graph`` (the fractional coordinates then carry the grid's graph).

GS_BILINEAR, GS_NEAREST, GS_BICUBIC = 0, 1, 2  # PyTorch's interpolation enum
GS_ZEROS, GS_BORDER, GS_REFLECTION = 0, 1, 2  # and padding enum
_CUBIC_A = -0.75
_INT_MAX = 2147483647


class _GridGeo:
    """Where each output point reads. ``taps``: per combined tap (the x dim fastest) the flat
    spatial index (N, P) and its validity ((N, P) bool, None when all taps are valid); per
    grid dim (x, y[, z]): ``w`` the 1-d weights as PyTorch computes them (``[1.0]`` for
    nearest), ``t`` the fractional coordinate (None for nearest) and ``a``
    d(coordinate)/d(grid)."""

    __slots__ = ("mode", "nd", "taps", "w", "t", "a")


def _gs_work(*arrays):
    """float16 is computed in float32 and rounded back (PyTorch's half kernel rounds its
    steps differently: the results agree to float16 precision)."""
    return tuple(
        a.astype(np.float32) if a is not None and a.dtype == np.float16 else a for a in arrays
    )


def _gs_clip(u, size, vec, bwd):
    """Clamp to [0, size - 1], and the in-range mask (the clamp's derivative)."""
    dt = u.dtype.type
    hi = dt(size - 1)
    inside = (u > 0) & (u < hi)
    if vec:  # the vectorised kernel: max(in, 0) returns 0 for NaN
        return np.minimum(np.fmax(u, dt(0)), hi), inside
    if bwd:  # clip_coordinates_set_grad: NaN stays NaN (then -100)
        return np.where(u <= 0, dt(0), np.where(u >= hi, hi, u)), inside
    # std::min(size - 1, std::max(in, 0)): NaN becomes size - 1
    u = np.where(u < 0, dt(0), u)
    return np.where(u < hi, u, hi), inside


def _gs_reflect_vec(u, size, ac):
    """The 2-d kernel's reflection (about 0 and size-1, or -0.5 and size-0.5) and its sign."""
    dt = u.dtype.type
    if ac:
        if size <= 1:
            z = np.zeros_like(u)
            return z, z
        span2 = dt(size - 1) * dt(2)
        v = u
    else:
        span2 = dt(size) * dt(2)
        v = u - dt(-0.5)
    av = np.abs(v)
    extra = av - np.trunc(av / span2) * span2
    other = span2 - extra
    r = np.minimum(extra, other)
    if not ac:
        r = r + dt(-0.5)
    return r, np.where((extra > other) ^ (v < 0), dt(-1), dt(1))


def _gs_reflect_scalar(u, twice_low: int, twice_high: int):
    """The 3-d kernel's reflect_coordinates (fmod and the parity of an int cast of the flips;
    casts out of int range give INT_MIN, which is even) and its sign."""
    dt = u.dtype.type
    if twice_low == twice_high:
        z = np.zeros_like(u)
        return z, z
    lo = dt(twice_low) / dt(2)
    span = dt(twice_high - twice_low) / dt(2)
    v = u - lo
    av = np.abs(v)
    extra = np.fmod(av, span)
    flips = np.floor(av / span)
    odd = (flips < 2.0**31) & (np.fmod(flips, 2) == 1)
    r = np.where(odd, (span - extra) + lo, extra + lo)
    return r, np.where(odd ^ (v < 0), dt(-1), dt(1))


def _gs_pad(u, size, padding, ac, vec, bwd):
    """A source coordinate moved into range by the padding mode; the derivative's factor."""
    if padding == GS_ZEROS:
        return u, None
    sign = None
    if padding == GS_REFLECTION:
        if vec:
            u, sign = _gs_reflect_vec(u, size, ac)
        else:
            u, sign = _gs_reflect_scalar(u, 0 if ac else -1, 2 * (size - 1) if ac else 2 * size - 1)
    u, inside = _gs_clip(u, size, vec, bwd)
    return u, inside if sign is None else sign * inside


def _gs_tap(c, size):
    valid = (c > -1) & (c < size)
    return np.where(valid, c, 0).astype(np.int64), valid


def _gs_cubic(t):
    """PyTorch's bicubic coefficients (A = -0.75) in its operation order."""
    dt = t.dtype.type
    a = dt(_CUBIC_A)

    def far(x):
        return ((a * x - dt(5) * a) * x + dt(8) * a) * x - dt(4) * a

    def near(x):
        return ((a + dt(2)) * x - (a + dt(3))) * x * x + dt(1)

    return [far(t + dt(1)), near(t), near(dt(1) - t), far(dt(2) - t)]


def _gs_dim(g, size, mode, padding, ac, vec, bwd):
    """One grid dim: its 1-d taps [(index, valid)], 1-d weights, fraction and d coord/d grid."""
    dt = g.dtype.type
    half = dt(size - 1) / dt(2) if ac else dt(size) / dt(2)
    if vec:
        u = (g + dt(1)) * half
        if not ac:
            u = u - dt(0.5)
    elif ac:
        u = ((g + dt(1)) / dt(2)) * dt(size - 1)
    else:
        u = ((g + dt(1)) * dt(size) - dt(1)) / dt(2)
    a = np.full(u.shape, half)
    if mode == GS_BICUBIC:  # the padding moves each tap, not the coordinate
        f = np.floor(u)
        t = u - f
        taps = []
        for j in range(4):
            c = f + dt(j - 1)
            if padding != GS_ZEROS:
                c = _gs_pad(c, size, padding, ac, True, False)[0]
            taps.append(_gs_tap(c, size))
        return taps, _gs_cubic(t), t, a
    u, m = _gs_pad(u, size, padding, ac, vec, bwd)
    if m is not None:
        a = a * m
    if not vec:  # safe_downgrade_to_int_range
        ud = u.astype(np.float64, copy=False)
        bad = ~np.isfinite(ud) | (ud > _INT_MAX - 1) | (ud < -_INT_MAX - 1)
        u = np.where(bad, dt(-100), u)
    if mode == GS_NEAREST:
        return [_gs_tap(np.rint(u), size)], [1.0], None, a  # nearbyint: half to even
    f = np.floor(u)
    t = u - f
    w = [dt(1) - t, t] if vec else [(f + dt(1)) - u, u - f]
    return [_gs_tap(f, size), _gs_tap(f + dt(1), size)], w, t, a


def _gs_geometry(grid, sp: tuple, mode: int, padding: int, ac: bool, bwd: bool) -> _GridGeo:
    nd = grid.shape[-1]
    g = grid.reshape(grid.shape[0], -1, nd)
    sizes = tuple(reversed(sp))  # grid dim d reads spatial dim -1 - d (x: the width)
    with np.errstate(all="ignore"):
        dims = [_gs_dim(g[..., d], sizes[d], mode, padding, ac, nd == 2, bwd) for d in range(nd)]
    geo = _GridGeo()
    geo.mode, geo.nd = mode, nd
    geo.w = [d[1] for d in dims]
    geo.t = None if mode == GS_NEAREST else [d[2] for d in dims]
    geo.a = [d[3] for d in dims]
    stride = 1
    taps = [(0, None)]
    for d in range(nd):  # slower dims are outer in the tap order
        new = []
        for idx, valid in dims[d][0]:
            for pidx, pvalid in taps:
                v = valid if pvalid is None else (valid & pvalid)
                new.append((pidx + idx * stride, v))
        taps = new
        stride *= sizes[d]
    geo.taps = [(idx, None if v.all() else v) for idx, v in taps]
    return geo


def _mul(a, b):
    """a · b where None means 0 and the number 1.0 is skipped."""
    if a is None or b is None:
        return None
    if isinstance(a, float) and a == 1.0:
        return b
    if isinstance(b, float) and b == 1.0:
        return a
    return a * b


def _acc(a, b):
    if a is None:
        return b
    return a if b is None else a + b


def _gs_products(lists):
    """For each combined tap (x fastest), the product of its 1-d factors (x·y·z in that
    order, as PyTorch's 3-d kernel)."""
    res = list(lists[0])
    for fac in lists[1:]:
        res = [_mul(r, f) for f in fac for r in res]
    return res


def _gs_take(xf, idx, valid):
    """xf (N, C, S) at per-batch flat positions idx (N, P): (N, C, P), 0 where invalid."""
    v = np.take_along_axis(xf, idx[:, None, :], 2)
    return v if valid is None else np.where(valid[:, None, :], v, 0)


def _gs_empty(x, grid) -> bool:
    return x.shape[0] * x.shape[1] * int(np.prod(grid.shape[1:-1])) == 0


def _grid_sampler_fwd(input, grid, interpolation_mode, padding_mode, align_corners):
    out_dtype = input.dtype
    x, grid = _gs_work(input, grid)
    n, c = x.shape[:2]
    sp = x.shape[2:]
    out_shape = (n, c) + grid.shape[1:-1]
    if _gs_empty(x, grid):
        return np.zeros(out_shape, out_dtype)
    mode = interpolation_mode
    geo = _gs_geometry(grid, sp, mode, padding_mode, align_corners, False)
    xf = x.reshape(n, c, -1)
    out = None
    with np.errstate(all="ignore"):
        if mode == GS_BICUBIC:  # along x first, then y, as PyTorch sums
            wx, wy = geo.w
            for jy in range(4):
                row = None
                for jx in range(4):
                    idx, valid = geo.taps[4 * jy + jx]
                    row = _acc(row, _gs_take(xf, idx, valid) * wx[jx][:, None, :])
                out = _acc(out, row * wy[jy][:, None, :])
        else:
            for (idx, valid), w in zip(geo.taps, _gs_products(geo.w)):
                v = _gs_take(xf, idx, valid)
                out = _acc(out, v if isinstance(w, float) else v * w[:, None, :])
    return out.reshape(out_shape).astype(out_dtype, copy=False)


def _gs_spread_np(v, idx, valid, s: int):
    """v (..., N, C, P) added into zeros (..., N, C, s) at per-batch flat positions idx."""
    if valid is not None:
        v = np.where(valid[:, None, :], v, 0)
    planes = v.shape[:-1]
    count = int(np.prod(planes, dtype=np.int64))
    base = (np.arange(count, dtype=np.int64) * s).reshape(planes + (1,))
    flat = (base + idx[:, None, :]).ravel()
    out = np.bincount(flat, weights=v.ravel(), minlength=count * s)
    return out.astype(v.dtype, copy=False).reshape(planes + (s,))


def _gs_backward_np(
    grad_output, input, grid, interpolation_mode, padding_mode, align_corners, output_mask
):
    """PyTorch's grid_sampler_*_backward: (grad_input, grad_grid); zeros for masked-out ones."""
    dts = (input.dtype, grid.dtype)
    go, x, grid = _gs_work(grad_output, input, grid)
    gx = np.zeros(x.shape, x.dtype)
    gg = np.zeros(grid.shape, grid.dtype)
    mode = interpolation_mode
    if not _gs_empty(x, grid):
        n, c = x.shape[:2]
        sp = x.shape[2:]
        s = int(np.prod(sp))
        geo = _gs_geometry(grid, sp, mode, padding_mode, align_corners, True)
        gof = go.reshape(n, c, -1)
        with np.errstate(all="ignore"):
            if output_mask[0]:
                acc = None
                for (idx, valid), w in zip(geo.taps, _gs_products(geo.w)):
                    v = gof if isinstance(w, float) else gof * w[:, None, :]
                    acc = _acc(acc, _gs_spread_np(v, idx, valid, s))
                gx = acc.reshape(x.shape)
            if output_mask[1] and mode != GS_NEAREST:
                nd = geo.nd
                dw = [
                    _gs_products(
                        [_w1d(mode, geo.t[e], 1) if e == d else geo.w[e] for e in range(nd)]
                    )
                    for d in range(nd)
                ]
                xf = x.reshape(n, c, -1)
                parts = [None] * nd
                for k, (idx, valid) in enumerate(geo.taps):
                    sk = np.sum(gof * _gs_take(xf, idx, valid), axis=1)
                    for d in range(nd):
                        parts[d] = _acc(parts[d], _mul(dw[d][k], sk))
                comps = [
                    np.zeros(geo.a[d].shape, grid.dtype) if p is None else p * geo.a[d]
                    for d, p in enumerate(parts)
                ]
                gg = np.stack(comps, -1).reshape(grid.shape)
    return gx.astype(dts[0], copy=False), gg.astype(dts[1], copy=False)


def _w1d(mode: int, t, order: int) -> list:
    """d^order w_j / dt^order for each 1-d tap j (arithmetic only: NumPy arrays, Tensors or
    plain numbers; None means 0)."""
    if mode == GS_NEAREST:
        return [1.0] if order == 0 else [None]
    if mode == GS_BILINEAR:
        return [1 - t, t] if order == 0 else [-1.0, 1.0] if order == 1 else [None, None]
    a = _CUBIC_A
    x0, x2, x3 = t + 1, 1 - t, 2 - t
    if order == 0:
        return [
            ((a * x0 - 5 * a) * x0 + 8 * a) * x0 - 4 * a,
            ((a + 2) * t - (a + 3)) * t * t + 1,
            ((a + 2) * x2 - (a + 3)) * x2 * x2 + 1,
            ((a * x3 - 5 * a) * x3 + 8 * a) * x3 - 4 * a,
        ]
    if order == 1:
        return [
            (3 * a * x0 - 10 * a) * x0 + 8 * a,
            (3 * (a + 2) * t - 2 * (a + 3)) * t,
            -((3 * (a + 2) * x2 - 2 * (a + 3)) * x2),
            -((3 * a * x3 - 10 * a) * x3 + 8 * a),
        ]
    return [
        6 * a * x0 - 10 * a,
        6 * (a + 2) * t - 2 * (a + 3),
        6 * (a + 2) * x2 - 2 * (a + 3),
        6 * a * x3 - 10 * a,
    ]


# ---- the F-generic rules (double backward, forward mode)


def _gs_t(F, geo, grid):
    """The fractional coordinates: NumPy arrays on the fast path; under ``create_graph`` the
    same values as Tensors that depend on ``grid`` (t = a·grid + const near this grid)."""
    if _fast(F) or geo.t is None:
        return geo.t
    nd = geo.nd
    g = F.reshape(grid, (tuple(grid.shape)[0], -1, nd))
    gd = grid._data.reshape(g.shape)
    return [g[..., d] * wrap(geo.a[d]) + wrap(geo.t[d] - gd[..., d] * geo.a[d]) for d in range(nd)]


def _gs_w(F, geo, t, orders: tuple) -> list:
    """Per combined tap: the derivative of its weight with respect to the grid coordinates,
    ``orders[d]`` times along dim d (None where it is 0)."""
    lists = []
    for d, o in enumerate(orders):
        fac = _w1d(geo.mode, None if t is None else t[d], o)
        if o:
            a = _const(F, geo.a[d] ** o)
            fac = [_mul(f, a) for f in fac]
        lists.append(fac)
    return _gs_products(lists)


def _unit(nd: int, *dims) -> tuple:
    o = [0] * nd
    for d in dims:
        o[d] += 1
    return tuple(o)


def _gs_c(w):
    """(..., N, P) weights against (..., N, C, P) values."""
    return w if w is None or isinstance(w, float) else w[..., None, :]


def _gs_gather(F, xf, idx, valid):
    """xf (..., N, C, S) at the flat positions idx (N, P): (..., N, C, P), 0 where invalid."""
    if _fast(F):
        ix = idx.reshape((1,) * (xf.ndim - 3) + (idx.shape[0], 1, idx.shape[1]))
        v = np.take_along_axis(xf, ix, -1)
        return v if valid is None else np.where(valid[:, None, :], v, 0)
    n, c = tuple(xf.shape)[:2]
    ib = np.ascontiguousarray(np.broadcast_to(idx[:, None, :], (n, c, idx.shape[1])))
    v = _gather(F, xf, ib, 1)
    if valid is not None:
        v = v * wrap(valid[:, None, :].astype(xf._data.dtype))
    return v


def _gs_spread(F, v, idx, valid, s: int):
    """v (..., N, C, P) added into zeros (..., N, C, s) at the flat positions idx (N, P)."""
    if _fast(F):
        return _gs_spread_np(v, idx, valid, s)
    n, c = tuple(v.shape)[:2]
    if valid is not None:
        v = v * wrap(valid[:, None, :].astype(v._data.dtype))
    ib = np.ascontiguousarray(np.broadcast_to(idx[:, None, :], (n, c, idx.shape[1])))
    return _scatter(F, v, ib, (n, c, s), 1)


def _gs_dirs(F, b, lead: tuple, n: int, nd: int) -> list:
    """A grid-shaped direction (..., N, *out, nd) as nd arrays (..., N, P)."""
    bf = F.reshape(b, lead + (n, -1, nd))
    return [bf[..., d] for d in range(nd)]


def _gs_mix(dirs, ws_by_dim, k: int):
    """Σ_d dirs[d] · ws_by_dim[d][k] (None where every term is 0)."""
    out = None
    for bd, ws in zip(dirs, ws_by_dim):
        out = _acc(out, _mul(bd, ws[k]))
    return out


def _gs_stack(F, comps, like, shape):
    comps = [F.zeros_like(like) if p is None else p for p in comps]
    return F.reshape(F.stack(comps, -1), shape)


def _gs_setup(F, x, grid, mode, padding, ac, bwd):
    xs, gs = tuple(x.shape), tuple(grid.shape)
    geo = _gs_geometry(_gs_work(_data(grid))[0], xs[2:], mode, padding, ac, bwd)
    return geo, _gs_t(F, geo, grid), xs, gs


def _gs_jvp(F, tangents, input, grid, interpolation_mode, padding_mode, align_corners):
    """Forward mode: t_out = sample(t_input, W) + sample(input, Σ_d t_grid_d ∂W/∂g_d)."""
    tx, tg = tangents
    xs, gs = tuple(input.shape), tuple(grid.shape)
    n, c = xs[:2]
    nd = gs[-1]
    s = int(np.prod(xs[2:]))
    out_sp = gs[1:-1]
    ref = tx if tx is not None else tg
    lead = tuple(ref.shape)[: len(ref.shape) - len(xs if tx is not None else gs)]
    zero = F.zeros(lead + (n, c) + out_sp, input)
    if n * c * int(np.prod(out_sp)) == 0:
        return zero
    geo, t, _, _ = _gs_setup(F, input, grid, interpolation_mode, padding_mode, align_corners, False)
    out = None
    if tx is not None:
        txf = F.reshape(tx, lead + (n, c, s))
        for (idx, valid), w in zip(geo.taps, _gs_w(F, geo, t, _unit(nd))):
            out = _acc(out, _mul(_gs_gather(F, txf, idx, valid), _gs_c(w)))
    if tg is not None and interpolation_mode != GS_NEAREST:
        dirs = _gs_dirs(F, tg, lead, n, nd)
        w1 = [_gs_w(F, geo, t, _unit(nd, d)) for d in range(nd)]
        xf = F.reshape(input, (n, c, s))
        for k, (idx, valid) in enumerate(geo.taps):
            wk = _gs_mix(dirs, w1, k)
            if wk is not None:
                out = _acc(out, _gs_gather(F, xf, idx, valid) * _gs_c(wk))
    return zero if out is None else F.reshape(out, lead + (n, c) + out_sp)


def _gs_double_backward(
    F,
    grads,
    needs,
    grad_output,
    input,
    grid,
    interpolation_mode,
    padding_mode,
    align_corners,
    output_mask,
):
    """Backward of (grad_input, grad_grid) = backward(grad_output, input, grid): with A, B the
    gradients of grad_input and grad_grid,
      d grad_output = sample(A, W) + sample(input, Σ_d B_d ∂W/∂g_d)
      d input       = spread(grad_output, Σ_d B_d ∂W/∂g_d)
      d grid_e      = Σ_c grad_output · (sample(A, ∂W/∂g_e) + sample(input, Σ_d B_d ∂²W/∂g_d∂g_e))
    """
    ga, gb = grads
    mode = interpolation_mode
    geo, t, xs, gs = _gs_setup(F, input, grid, mode, padding_mode, align_corners, True)
    n, c = xs[:2]
    nd = gs[-1]
    s = int(np.prod(xs[2:]))
    if n * c * int(np.prod(gs[1:-1])) == 0:
        return None, None, None
    use_a = bool(output_mask[0]) and ga is not None
    use_b = bool(output_mask[1]) and gb is not None and mode != GS_NEAREST
    gof = F.reshape(grad_output, (n, c, -1))
    xf = F.reshape(input, (n, c, s))
    af = F.reshape(ga, (n, c, s)) if use_a else None
    dirs = _gs_dirs(F, gb, (), n, nd) if use_b else None
    w0 = _gs_w(F, geo, t, _unit(nd))
    w1 = [_gs_w(F, geo, t, _unit(nd, d)) for d in range(nd)] if mode != GS_NEAREST else None
    w2 = None
    if use_b and needs[2]:
        w2 = {(d, e): _gs_w(F, geo, t, _unit(nd, d, e)) for d in range(nd) for e in range(d, nd)}
    d_go = d_x = None
    d_grid = [None] * nd
    for k, (idx, valid) in enumerate(geo.taps):
        wb = _gs_mix(dirs, w1, k) if use_b else None
        g_a = _gs_gather(F, af, idx, valid) if use_a and (needs[0] or needs[2]) else None
        g_x = _gs_gather(F, xf, idx, valid) if use_b and (needs[0] or needs[2]) else None
        if needs[0]:
            if g_a is not None:
                d_go = _acc(d_go, _mul(g_a, _gs_c(w0[k])))
            if g_x is not None and wb is not None:
                d_go = _acc(d_go, g_x * _gs_c(wb))
        if needs[1] and wb is not None:
            d_x = _acc(d_x, _gs_spread(F, gof * _gs_c(wb), idx, valid, s))
        if needs[2] and w1 is not None:
            s_a = F.sum(gof * g_a, 1) if g_a is not None else None
            s_x = F.sum(gof * g_x, 1) if g_x is not None else None
            for e in range(nd):
                if s_a is not None:
                    d_grid[e] = _acc(d_grid[e], _mul(w1[e][k], s_a))
                if s_x is not None:
                    we = _gs_mix(dirs, [w2[min(d, e), max(d, e)] for d in range(nd)], k)
                    d_grid[e] = _acc(d_grid[e], _mul(we, s_x))
    if d_go is not None:
        d_go = F.reshape(d_go, tuple(grad_output.shape))
    if d_x is not None:
        d_x = F.reshape(d_x, xs)
    g_grid = None
    if needs[2] and any(p is not None for p in d_grid):
        like = next(p for p in d_grid if p is not None)
        g_grid = _gs_stack(F, d_grid, like, gs)
    return d_go, d_x, g_grid


def _gs_backward_jvp(
    F,
    tangents,
    grad_output,
    input,
    grid,
    interpolation_mode,
    padding_mode,
    align_corners,
    output_mask,
):
    """Forward mode of the backward op (forward-over-reverse)."""
    t_go, t_x, t_grid = tangents
    mode = interpolation_mode
    xs, gs = tuple(input.shape), tuple(grid.shape)
    n, c = xs[:2]
    nd = gs[-1]
    s = int(np.prod(xs[2:]))
    ref = next(v for v in tangents if v is not None)
    ref_shape = {0: tuple(grad_output.shape), 1: xs, 2: gs}[
        next(i for i, v in enumerate(tangents) if v is not None)
    ]
    lead = tuple(ref.shape)[: len(ref.shape) - len(ref_shape)]
    if n * c * int(np.prod(gs[1:-1])) == 0:
        return F.zeros(lead + xs, input), F.zeros(lead + gs, grid)
    geo, t, _, _ = _gs_setup(F, input, grid, mode, padding_mode, align_corners, True)
    gof = F.reshape(grad_output, (n, c, -1))
    xf = F.reshape(input, (n, c, s))
    tgof = F.reshape(t_go, lead + (n, c, -1)) if t_go is not None else None
    txf = F.reshape(t_x, lead + (n, c, s)) if t_x is not None else None
    smooth = mode != GS_NEAREST
    dirs = _gs_dirs(F, t_grid, lead, n, nd) if t_grid is not None and smooth else None
    w0 = _gs_w(F, geo, t, _unit(nd))
    w1 = [_gs_w(F, geo, t, _unit(nd, d)) for d in range(nd)] if smooth else None
    w2 = None
    if dirs is not None and output_mask[1]:
        w2 = {(d, e): _gs_w(F, geo, t, _unit(nd, d, e)) for d in range(nd) for e in range(d, nd)}
    d_gx = None
    d_gg = [None] * nd
    for k, (idx, valid) in enumerate(geo.taps):
        wt = _gs_mix(dirs, w1, k) if dirs is not None else None
        if output_mask[0]:
            if tgof is not None:
                d_gx = _acc(d_gx, _gs_spread(F, _mul(tgof, _gs_c(w0[k])), idx, valid, s))
            if wt is not None:
                d_gx = _acc(d_gx, _gs_spread(F, gof * _gs_c(wt), idx, valid, s))
        if output_mask[1] and smooth:
            g_x = _gs_gather(F, xf, idx, valid)
            terms = []
            if tgof is not None:
                terms.append((None, F.sum(tgof * g_x, -2)))
            if txf is not None:
                terms.append((None, F.sum(gof * _gs_gather(F, txf, idx, valid), -2)))
            s_x = F.sum(gof * g_x, -2) if dirs is not None else None
            for e in range(nd):
                for _, sk in terms:
                    d_gg[e] = _acc(d_gg[e], _mul(w1[e][k], sk))
                if s_x is not None:
                    we = _gs_mix(dirs, [w2[min(d, e), max(d, e)] for d in range(nd)], k)
                    d_gg[e] = _acc(d_gg[e], _mul(we, s_x))
    out_gx = F.zeros(lead + xs, input) if d_gx is None else F.reshape(d_gx, lead + xs)
    if all(p is None for p in d_gg):
        out_gg = F.zeros(lead + gs, grid)
    else:
        like = next(p for p in d_gg if p is not None)
        out_gg = _gs_stack(F, d_gg, like, lead + gs)
    return out_gx, out_gg


def _gs_backward(F, g, needs, input, grid, interpolation_mode, padding_mode, align_corners):
    mask = (bool(needs[0]), bool(needs[1]))
    params = (interpolation_mode, padding_mode, align_corners)
    if _fast(F):
        gx, gg = _gs_backward_np(g, input, grid, *params, mask)
    else:
        op = GRID_SAMPLER_BACKWARD[len(tuple(grid.shape)) - 2]
        gx, gg = apply(op, (g, input, grid), params + (mask,))
    return gx if needs[0] else None, gg if needs[1] else None


GRID_SAMPLER = {
    nd: defop(
        f"grid_sampler_{nd}d",
        _grid_sampler_fwd,
        inputs=("input", "grid"),
        saves=("input", "grid"),
        backward=_gs_backward,
        node=f"GridSampler{nd}DBackward0",
        promote="keep",
        jvp=_gs_jvp,
        explain={
            "input": "the interpolation weight of each tap it supplies",
            "grid": "Σ over taps of ∂weight/∂grid · input[tap]",
        },
    )
    for nd in (2, 3)
}
GRID_SAMPLER_BACKWARD = {
    nd: defop(
        f"grid_sampler_{nd}d_backward",
        _gs_backward_np,
        inputs=("grad_output", "input", "grid"),
        saves=("grad_output", "input", "grid"),
        backward=_gs_double_backward,
        node=f"GridSampler{nd}DBackwardBackward0",
        promote="keep",
        outputs=2,
        jvp=_gs_backward_jvp,
        explain={
            "grad_output": "the interpolation weights (and their grid derivatives)",
            "input": "the grid derivatives of the weights",
            "grid": "second derivatives of the weights",
        },
    )
    for nd in (2, 3)
}


def grid_sampler(input: Tensor, grid: Tensor, mode: int, padding: int, align_corners: bool):
    """Sample ``input`` (N, C, *in) at ``grid`` (N, *out, nd): PyTorch's ``torch.grid_sampler``
    with its integer modes (interpolation 0/1/2, padding 0/1/2); arguments already checked."""
    op = GRID_SAMPLER[len(input.shape) - 2]
    return apply(op, (input, grid), (int(mode), int(padding), bool(align_corners)))


# ---------------------------------------------------------------- affine grids
# affine_grid_generator: base grid (linspace coordinates and a 1 per point) @ thetaᵀ, linear in
# theta; its gradient is baseᵀ @ grad, transposed (PyTorch records that as bmm/transpose).


def _linspace_neg_one(n: int, ac: bool, dt) -> np.ndarray:
    if n <= 1:
        return np.zeros(max(n, 0), dt)
    r = np.linspace(-1.0, 1.0, n).astype(dt)
    if not ac:
        r = (r * dt(n - 1)) / dt(n)
    return r


def _affine_base(sp: tuple, ac: bool, dt) -> np.ndarray:
    """(prod(sp), nd + 1): per output point its (x, y[, z], 1) in [-1, 1] coordinates."""
    nd = len(sp)
    base = np.empty(tuple(sp) + (nd + 1,), dt)
    for d in range(nd):
        ax = nd - 1 - d  # grid dim d varies along spatial dim -1 - d
        shape = [1] * nd
        shape[ax] = sp[ax]
        base[..., d] = _linspace_neg_one(sp[ax], ac, dt).reshape(shape)
    base[..., nd] = 1
    return base.reshape(-1, nd + 1)


def _affine_grid_fwd(theta, size, align_corners):
    th = _gs_work(theta)[0]
    sp = tuple(size[2:])
    base = _affine_base(sp, align_corners, th.dtype.type)
    out = np.matmul(base, np.swapaxes(th, -1, -2))
    return out.astype(theta.dtype, copy=False).reshape(theta.shape[:-2] + sp + (len(sp),))


def _affine_grid_grad(F, g, size, align_corners):
    dt = (g if _fast(F) else g._data).dtype
    sp = tuple(size[2:])
    base = _affine_base(sp, align_corners, np.float32 if dt == np.float16 else dt.type)
    base_t = np.ascontiguousarray(base.T).astype(dt, copy=False)
    gf = F.reshape(g, (tuple(g.shape)[0], -1, len(sp)))
    return F.transpose(F.matmul(_const(F, base_t), gf), -1, -2)


AFFINE_GRID = defop(
    "affine_grid_generator",
    _affine_grid_fwd,
    inputs=("theta",),
    grads=(_affine_grid_grad,),
    node="AffineGridGeneratorBackward0",
    promote="keep",
    jvp="linear",
    explain={"theta": "the base grid's (x, y[, z], 1) coordinates of each output point"},
)


def affine_grid(theta: Tensor, size: tuple, align_corners: bool) -> Tensor:
    """The sampling grid of a batch of affine maps (arguments already checked)."""
    return apply(AFFINE_GRID, (theta,), (tuple(int(v) for v in size), bool(align_corners)))
