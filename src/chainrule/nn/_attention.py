"""Attention: ``scaled_dot_product_attention`` and ``multi_head_attention_forward``.

PyTorch (CPU) runs ``scaled_dot_product_attention`` on one of two paths, and so does this
module, with the same rule for choosing:

- the fused kernel (one node, ``ScaledDotProductFlashAttentionForCpuBackward0``): 4-D query,
  key and value with the same batch size and number of heads (or grouped heads with
  ``enable_gqa``), equal head dims, non-empty sequences, unit last-dim strides, no dropout, and
  a mask (if any) that does not require grad, is 2-D or 4-D and broadcasts without expanding
  L or S;
- the math path otherwise, composed of ordinary ops as PyTorch composes it
  (``q·√s``, ``kᵀ·√s``, ``matmul``, ``add_(mask)``, ``_safe_softmax``, ``dropout``,
  ``matmul``), so its graph ends in the node PyTorch shows (``UnsafeViewBackward0`` for
  batched inputs, ``MmBackward0`` for 2-D ones).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import chainrule as _c

from .._tensor import Tensor, wrap
from ..ops import _dispatch
from ..ops import nn_ops as _N
from ..ops.special import MUL_SCALAR

__all__ = [
    "scaled_dot_product_attention",
    "multi_head_attention_forward",
    "_canonical_mask",
    "_none_or_dtype",
    "_in_projection_packed",
    "_in_projection",
    "_mha_shape_check",
]


def _cpp(t: Tensor) -> str:
    return _dispatch._BY_NP[t._data.dtype].cpp


def _neg_inf_where_false(mask: np.ndarray, dtype) -> np.ndarray:
    """A boolean mask (True = attend) as an additive float mask (0 or -inf)."""
    return np.where(mask, dtype.type(0), dtype.type(-np.inf))


def _check_sdpa_args(query, key, value, attn_mask) -> None:
    for pos, (name, t) in enumerate((("query", query), ("key", key), ("value", value)), 1):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"scaled_dot_product_attention(): argument '{name}' (position {pos}) must be "
                f"Tensor, not {type(t).__name__}"
            )
    if attn_mask is not None and not isinstance(attn_mask, Tensor):
        raise TypeError(
            "scaled_dot_product_attention(): argument 'attn_mask' must be Tensor, not "
            f"{type(attn_mask).__name__}"
        )
    qd, kd, vd = query._data.dtype, key._data.dtype, value._data.dtype
    if qd != kd or qd != vd:
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{_cpp(query)} key.dtype: {_cpp(key)} and value.dtype: {_cpp(value)} instead."
        )
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(
            "Expected query, key, and value to all be  at least 2 dimensional, but got "
            f"query.dim: {query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead."
        )
    if attn_mask is not None:
        md = attn_mask._data.dtype
        if md != np.bool_ and md != np.float32 and md != qd:
            raise RuntimeError(
                "Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                f"attn_mask.dtype: {_cpp(attn_mask)} and  query.dtype: {_cpp(query)} instead."
            )


def _size(t: Tensor, d: int) -> int:
    """``t.size(d)`` with PyTorch's error for a dim out of range."""
    nd = t.dim()
    if nd == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    if not -nd <= d < nd:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {d})"
        )
    return t._data.shape[d]


def _unit_last_stride(t: Tensor) -> bool:
    a = t._data
    return a.strides[-1] == a.itemsize


def _use_fused(query, key, value, attn_mask, dropout_p, enable_gqa) -> bool:
    """PyTorch's CPU choice of the fused kernel (``use_flash_attention_cpp``), check by check."""
    if dropout_p > 0.0:
        return False
    if query.dim() != 4 or key.dim() != 4 or value.dim() != 4:
        return False
    qs, ks, vs = query._data.shape, key._data.shape, value._data.shape
    if not qs[0] == ks[0] == vs[0]:
        return False
    if enable_gqa:
        if ks[1] != vs[1] or qs[1] % ks[1] != 0:
            return False
    elif not qs[1] == ks[1] == vs[1]:
        return False
    if attn_mask is not None:
        if attn_mask.requires_grad:
            return False
        ml, ms = _size(attn_mask, -2), _size(attn_mask, -1)
        if ml not in (qs[2], 1) or ms not in (ks[2], 1):
            return False
        nd = attn_mask.dim()
        if nd == 4:
            mb, mh = attn_mask._data.shape[:2]
            if mb not in (1, qs[0]) or mh not in (1, qs[1]):
                return False
        elif nd != 2:
            return False
    if not qs[3] == ks[3] == vs[3]:
        return False
    if qs[2] == 0 or ks[2] == 0:
        return False
    return _unit_last_stride(query) and _unit_last_stride(key) and _unit_last_stride(value)


def _fused_bias(query, key, attn_mask, is_causal):
    """The mask (and the causal mask) as one additive array laid out for the grouped view
    (B, Hk, G, L, S) of the fused entry, or None."""
    dt = query._data.dtype
    b, h, lq, _ = query._data.shape
    hk, s = key._data.shape[1], key._data.shape[2]
    bias = None
    if attn_mask is not None:
        m = attn_mask._data
        m = _neg_inf_where_false(m, dt) if m.dtype == np.bool_ else m.astype(dt, copy=False)
        if m.ndim == 2:
            m = m.reshape((1, 1, 1) + m.shape)
        elif m.shape[1] == h:
            m = m.reshape((m.shape[0], hk, h // hk) + m.shape[2:])
        else:
            m = m.reshape((m.shape[0], 1, 1) + m.shape[2:])
        bias = m
    if is_causal:
        causal = _neg_inf_where_false(np.tri(lq, s, dtype=bool), dt)
        bias = causal if bias is None else bias + causal
    return bias


def _default_scale(query: Tensor, scale: float | None) -> float:
    return 1.0 / math.sqrt(query._data.shape[-1]) if scale is None else float(scale)


def _sdpa_math(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa):
    """PyTorch's ``_scaled_dot_product_attention_math``, composed of differentiable ops."""
    from . import functional as F

    origin = query.dtype
    if query._data.dtype == np.float16:  # computed in float32, as PyTorch does
        query, key, value = (t.to(_c.float32) for t in (query, key, value))
    neg = scale is not None and scale < 0
    sf = math.sqrt(abs(scale) if neg else _default_scale(query, scale))
    q = _dispatch.apply(MUL_SCALAR, (query, -sf if neg else sf))
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError(
                "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                "is_causal=True"
            )
        lq, s = q._data.shape[-2], key._data.shape[-2]
        attn_mask = wrap(_neg_inf_where_false(np.tri(lq, s, dtype=bool), q._data.dtype))
    if enable_gqa:
        hq, hk, hv = q._data.shape[-3], key._data.shape[-3], value._data.shape[-3]
        if hq % hk or hq % hv:
            raise RuntimeError(
                "Number of heads in key and value must divide the number of heads in "
            )
        if not hq == hk == hv:
            key = key.repeat_interleave(hq // hk, -3)
            value = value.repeat_interleave(hq // hv, -3)
    attn = q.matmul(_dispatch.apply(MUL_SCALAR, (key.transpose(-2, -1), sf)))
    if attn_mask is not None:
        attn.add_(attn_mask)
    attn = _c._safe_softmax(attn, -1)
    if dropout_p > 0.0:
        if dropout_p > 1.0:
            raise RuntimeError(
                f"dropout probability has to be between 0 and 1, but got {dropout_p}"
            )
        attn = F.dropout(attn, dropout_p, True)
    out = attn.matmul(value)
    return out if out.dtype == origin else out.to(origin)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """``softmax(query·keyᵀ·scale + mask)·value`` over the last two dims (batch dims broadcast).

    ``attn_mask``: boolean (True = take part) or additive float, broadcastable to (..., L, S);
    ``is_causal``: position i attends to keys 0..i; ``scale`` defaults to 1/√E; ``enable_gqa``:
    key/value may have fewer heads (dim -3) than query, each shared by a group of query heads.

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> q = k = v = torch.ones(1, 1, 2, 4)
        >>> F.scaled_dot_product_attention(q, k, v, is_causal=True)
        tensor([[[[1., 1., 1., 1.],
                  [1., 1., 1., 1.]]]])
    """
    _check_sdpa_args(query, key, value, attn_mask)
    if not (query._data.size and key._data.size and value._data.size):
        # PyTorch's empty case: zeros of the output's shape, kept in the graph of the inputs
        out = _c.zeros(query.shape[:-1] + (value.shape[-1],), dtype=query.dtype)
        tie = _dispatch.apply(MUL_SCALAR, (query.sum() + key.sum() + value.sum(), 0))
        return out + tie
    if _use_fused(query, key, value, attn_mask, dropout_p, enable_gqa):
        if dropout_p != 0.0:
            raise RuntimeError(
                "scaled_dot_product_attention_flash_attention: Currently do not support dropout > 0"
            )
        bias = _fused_bias(query, key, attn_mask, is_causal)
        return _N.sdpa_flash_cpu(query, key, value, bias, _default_scale(query, scale))
    if attn_mask is not None and attn_mask._data.dtype == np.bool_:
        attn_mask = wrap(_neg_inf_where_false(attn_mask._data, query._data.dtype))
    return _sdpa_math(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)


# ---------------------------------------------------------------- multi-head attention


def _none_or_dtype(input: Tensor | None) -> Any:  # noqa: A002
    """The dtype of ``input``, or None."""
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _canonical_mask(
    mask: Tensor | None,
    mask_name: str,
    other_type: Any,
    other_name: str,
    target_type: Any,
    check_other: bool = True,
) -> Tensor | None:
    """A boolean mask (True = masked out) as an additive float mask of ``target_type``; float
    masks pass through.

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F._canonical_mask(torch.tensor([False, True]), "m", None, "", torch.float32)
        tensor([0., -inf])
    """
    if mask is None:
        return None
    is_float = mask.is_floating_point()
    if mask.dtype != _c.bool and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(
            f"Support for mismatched {mask_name} and {other_name} is deprecated. Use same type "
            "for both instead.",
            stacklevel=3,
        )
    if not is_float:
        mask = _c.zeros_like(mask, dtype=target_type).masked_fill_(mask, float("-inf"))
    return mask


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads: int) -> bool:
    """Check the ranks of the inputs and masks; True for batched (3-D) input."""
    qd = query.dim()
    if qd == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                f"{key.dim()}-D and {value.dim()}-D tensors respectively"
            )
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                f"found {key_padding_mask.dim()}-D tensor instead"
            )
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError(
                "For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                f"found {attn_mask.dim()}-D tensor instead"
            )
        return True
    if qd == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                f"{key.dim()}-D and {value.dim()}-D tensors respectively"
            )
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                f"but found {key_padding_mask.dim()}-D tensor instead"
            )
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError(
                    "For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                    f"but found {attn_mask.dim()}-D tensor instead"
                )
            if attn_mask.dim() == 3:
                expected = (num_heads, query.shape[0], key.shape[0])
                if tuple(attn_mask.shape) != expected:
                    raise AssertionError(
                        f"Expected `attn_mask` shape to be {expected} but got {attn_mask.shape}"
                    )
        return False
    raise AssertionError(
        f"query should be unbatched 2D or batched 3D tensor but received {qd}-D query tensor"
    )


def _heads_first(t: Tensor, e: int) -> Tensor:
    """(..., n·E) -> (n, ..., E) as PyTorch lays out packed projections."""
    return t.unflatten(-1, (-1, e)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()


def _in_projection_packed(q, k, v, w, b=None) -> list:
    """The q, k, v projections with the packed (3E, E) weight (one linear for self-attention,
    two for encoder-decoder attention)."""
    from .functional import linear

    e = q.size(-1)
    if k is v:
        if q is k:
            proj = _heads_first(linear(q, w, b), e)
            return [proj[0], proj[1], proj[2]]
        w_q, w_kv = w.split([e, e * 2])
        b_q, b_kv = (None, None) if b is None else b.split([e, e * 2])
        kv = _heads_first(linear(k, w_kv, b_kv), e)
        return [linear(q, w_q, b_q), kv[0], kv[1]]
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return [linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)]


def _in_projection(q, k, v, w_q, w_k, w_v, b_q=None, b_k=None, b_v=None) -> tuple:
    """The q, k, v projections with separate weights (key/value dims may differ)."""
    from .functional import linear

    eq, ek, ev = q.size(-1), k.size(-1), v.size(-1)
    for name, w, shape in (("query", w_q, (eq, eq)), ("key", w_k, (eq, ek)), ("value", w_v, (eq, ev))):  # fmt: skip
        if tuple(w.shape) != shape:
            raise AssertionError(f"expecting {name} weights shape of {shape}, but got {w.shape}")
    for name, bb in (("query", b_q), ("key", b_k), ("value", b_v)):
        if bb is not None and tuple(bb.shape) != (eq,):
            raise AssertionError(f"expecting {name} bias shape of {(eq,)}, but got {bb.shape}")
    return linear(q, w_q, b_q), linear(k, w_k, b_k), linear(v, w_v, b_v)


def _static_kv(t: Tensor, name: str, n: int, head_dim: int) -> Tensor:
    if t.size(0) != n:
        raise AssertionError(f"expecting {name}.size(0) of {n}, but got {t.size(0)}")
    if t.size(2) != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {t.size(2)}")
    return t


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool = True,
    key_padding_mask: Tensor | None = None,
    need_weights: bool = True,
    attn_mask: Tensor | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple:
    """Multi-head attention on (L, N, E) query and (S, N, E) key/value (or unbatched (L, E),
    (S, E)), as ``nn.MultiheadAttention`` runs it: returns ``(output, weights or None)``.

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> x = torch.ones(3, 1, 4)
        >>> w, wo = torch.ones(12, 4) * 0.1, torch.eye(4)
        >>> out, attn = F.multi_head_attention_forward(
        ...     x, x, x, 4, 2, w, None, None, None, False, 0.0, wo, None)
        >>> out.shape, attn.shape
        (torch.Size([3, 1, 4]), torch.Size([1, 3, 3]))
    """
    from . import functional as F

    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(
        key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask), "attn_mask", query.dtype
    )
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
            "method `generate_square_subsequent_mask` to create this mask."
        )
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the hint alone: SDPA builds the causal mask
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, False)
        if key_padding_mask is not None:
            is_causal = False  # merged with the padding mask, no longer causal
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(
                f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                f"{value.shape[:2]}"
            )
    elif key.shape != value.shape:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")

    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        for name, w in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if w is None:
                raise AssertionError(f"use_separate_proj_weight is True but {name}_proj_weight is None")  # fmt: skip
        b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = _in_projection(
            query, key, value, q_proj_weight, k_proj_weight, v_proj_weight, b_q, b_k, b_v
        )

    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                    f"{(tgt_len, src_len)}."
                )
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(
                    f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                    f"{(bsz * num_heads, tgt_len, src_len)}."
                )
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        k = _c.cat([k, bias_k.repeat(1, bsz, 1)])
        v = _c.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")

    n = bsz * num_heads
    q = q.view(tgt_len, n, head_dim).transpose(0, 1)
    if static_k is None:
        k = k.view(k.shape[0], n, head_dim).transpose(0, 1)
    else:
        k = _static_kv(static_k, "static_k", n, head_dim)
    if static_v is None:
        v = v.view(v.shape[0], n, head_dim).transpose(0, 1)
    else:
        v = _static_kv(static_v, "static_v", n, head_dim)

    if add_zero_attn:
        zeros = (n, 1, head_dim)
        k = _c.cat([k, _c.zeros(zeros, dtype=k.dtype)], dim=1)
        v = _c.cat([v, _c.zeros(zeros, dtype=v.dtype)], dim=1)
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))
    src_len = k.size(1)

    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(
                f"Expected key_padded_mask.shape[0] to be {bsz}, but got "
                f"{key_padding_mask.shape[0]}"
            )
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(
                f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                f"{key_padding_mask.shape[1]}"
            )
        key_padding_mask = (
            key_padding_mask.view(bsz, 1, 1, src_len)
            .expand(-1, num_heads, -1, -1)
            .reshape(n, 1, src_len)
        )
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask

    if not training:
        dropout_p = 0.0

    if need_weights:
        e = q.shape[-1]
        q_scaled = q * math.sqrt(1.0 / float(e))
        if is_causal and attn_mask is None:
            raise AssertionError("FIXME: is_causal not implemented for need_weights")
        if attn_mask is not None:
            weights = _c.baddbmm(attn_mask, q_scaled, k.transpose(-2, -1))
        else:
            weights = _c.bmm(q_scaled, k.transpose(-2, -1))
        weights = F.softmax(weights, dim=-1)
        if dropout_p > 0.0:
            weights = F.dropout(weights, p=dropout_p)
        out = _c.bmm(weights, v)
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = F.linear(out, out_proj_weight, out_proj_bias)
        out = out.view(tgt_len, bsz, out.size(1))
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not is_batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights

    if attn_mask is not None:
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.view(bsz, num_heads, -1, src_len)
    q = q.view(bsz, num_heads, tgt_len, head_dim)
    k = k.view(bsz, num_heads, src_len, head_dim)
    v = v.view(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = F.linear(out, out_proj_weight, out_proj_bias)
    out = out.view(tgt_len, bsz, out.size(1))
    if not is_batched:
        out = out.squeeze(1)
    return out, None
