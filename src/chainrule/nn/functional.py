"""``nn.functional``: the stateless layer functions (same names and arguments as PyTorch's).

Example:
    >>> import chainrule as torch
    >>> import chainrule.nn.functional as F
    >>> F.relu(torch.tensor([-1.0, 2.0]))
    tensor([0., 2.])
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np

import chainrule as _c

from .._tensor import Tensor, wrap
from ..ops import _lazy
from ..ops import activation as _act
from ..ops import nn_ops as _N
from ..ops._registry import PUBLIC as _PUBLIC

__all__ = [
    "scaled_dot_product_attention",
    "linear",
    "bilinear",
    "conv1d",
    "conv2d",
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "adaptive_avg_pool2d",
    "embedding",
    "dropout",
    "batch_norm",
    "layer_norm",
    "relu",
    "relu_",
    "relu6",
    "leaky_relu",
    "leaky_relu_",
    "gelu",
    "silu",
    "mish",
    "sigmoid",
    "tanh",
    "softmax",
    "softmin",
    "log_softmax",
    "softplus",
    "elu",
    "elu_",
    "selu",
    "selu_",
    "celu",
    "celu_",
    "hardtanh",
    "hardtanh_",
    "hardswish",
    "hardsigmoid",
    "logsigmoid",
    "softsign",
    "tanhshrink",
    "softshrink",
    "hardshrink",
    "threshold",
    "threshold_",
    "glu",
    "prelu",
    "rrelu",
    "rrelu_",
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "one_hot",
    "pad",
    "normalize",
]


def _op(name: str):
    """A chainrule public op by name (op families register themselves on import)."""
    fn = _PUBLIC.get(name)
    if fn is None:
        try:
            return _lazy.public_attr(name)  # a name of a module that loads on first use
        except AttributeError:
            raise NotImplementedError(f"chainrule.{name} is not available") from None
    return fn


def _has(name: str) -> bool:
    return name in _PUBLIC or name in _lazy.PUBLIC_OWNER


def _tuple(v: Any, n: int, name: str = "") -> tuple:
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            return tuple(int(v[0]) for _ in range(n))
        if len(v) != n:
            raise RuntimeError(
                f"expected {name} to be a single integer value or a list of {n} values"
            )
        return tuple(int(a) for a in v)
    return (int(v),) * n


def _check_tensor(x: Any, fn: str, arg: str = "input") -> None:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fn}(): argument '{arg}' (position 1) must be Tensor, not {type(x).__name__}"
        )


# ---------------------------------------------------------------- linear layers


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    """``input @ weight.T + bias``.

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.linear(torch.ones(1, 2), torch.ones(3, 2), torch.zeros(3))
        tensor([[2., 2., 2.]])
    """
    _check_tensor(input, "linear")
    if input.dtype != weight.dtype:
        raise RuntimeError(
            f"mat1 and mat2 must have the same dtype, but got {_word(input)} and {_word(weight)}"
        )
    if input.shape[-1] != weight.shape[-1]:
        rows = math.prod(input.shape[:-1]) if input.dim() > 1 else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and "
            f"{weight.shape[1] if weight.dim() > 1 else weight.shape[0]}x{weight.shape[0]})"
        )
    wt = weight.t()
    if bias is not None and bias.dim() <= 1 and input.dim() >= 1:
        if input.dim() == 2:
            return _op("addmm")(bias, input, wt)
        # as PyTorch: rows folded into one addmm, then viewed back (ViewBackward0)
        out = _op("addmm")(bias, input.reshape(-1, input.shape[-1]), wt)
        return out.view(*input.shape[:-1], wt.shape[-1])
    out = input.matmul(wt)
    return out if bias is None else out + bias


def _word(t: Tensor) -> str:
    from ..ops._dispatch import _type_word

    return _type_word(t.dtype)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y_k = x1ᵀ W_k x2 + b_k`` for weight of shape (out, in1, in2).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.bilinear(torch.ones(1, 2), torch.ones(1, 3), torch.ones(4, 2, 3)).shape
        torch.Size([1, 4])
    """
    if input1.dim() != input2.dim():
        raise RuntimeError(
            f"bilinear(): input dimensions do not match: got {input1.dim()} and {input2.dim()}"
        )
    for i in range(input1.dim() - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(
                f"bilinear(): input batch dimensions do not match at dim {i}: got "
                f"{input1.shape[i]} and {input2.shape[i]}"
            )
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(
            f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but "
            f"expected {weight.shape[1]}"
        )
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(
            f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but "
            f"expected {weight.shape[2]}"
        )
    if bias is not None and bias.shape[0] != weight.shape[0]:
        raise RuntimeError(
            f"bilinear(): bias size does not match weight size: got {bias.shape[0]} but "
            f"expected {weight.shape[0]}"
        )
    # as PyTorch: the inputs flattened to 2-D, sum_ij x1_i W_kij x2_j, viewed back
    out_f, in1, in2 = weight.shape
    batch = tuple(input1.shape[:-1])
    a = input1.reshape(-1, in1)
    b = input2.reshape(-1, in2)
    t = a.matmul(weight.permute(1, 0, 2).reshape(in1, out_f * in2)).reshape(-1, out_f, in2)
    out = (t * b.unsqueeze(-2)).sum(-1).view(*batch, out_f)
    return out if bias is None else out + bias


# ---------------------------------------------------------------- convolution and pooling


def _conv_pad(padding: Any, n: int, k: tuple, dil: tuple, stride: tuple) -> tuple:
    if isinstance(padding, str):
        if padding == "valid":
            return tuple((0, 0) for _ in range(n))
        if padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            out = []
            for kk, d in zip(k, dil):
                total = d * (kk - 1)
                out.append((total // 2, total - total // 2))
            return tuple(out)
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    p = _tuple(padding, n, "padding")
    return tuple((a, a) for a in p)


def _convnd(
    input, weight, bias, stride, padding, dilation, groups, n: int, name: str, padding_mode="zeros"
):
    _check_tensor(input, name)
    want = n + 2
    batched = input.dim() == want
    if input.dim() not in (want - 1, want):
        raise RuntimeError(
            f"Expected {want - 1}D (unbatched) or {want}D (batched) input to {name}, but got "
            f"input of size: {list(input.shape)}"
        )
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != input.dtype):
        other = weight if input.dtype != weight.dtype else bias
        raise RuntimeError(f"expected scalar type {_word(input)} but found {_word(other)}")
    x = input if batched else input.unsqueeze(0)
    c = x.shape[1]
    if weight.dim() != want or c != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
            f"{list(x.shape)} to have {weight.shape[1] * groups} channels, but got {c} channels "
            "instead"
        )
    if weight.shape[0] % groups:
        raise RuntimeError("out_channels must be divisible by groups")
    k = tuple(weight.shape[2:])
    st = _tuple(stride, n, "stride")
    dl = _tuple(dilation, n, "dilation")
    pd = _conv_pad(padding, n, k, dl, st)
    spatial = x.shape[2:]
    for s, kk, p, d in zip(spatial, k, pd, dl):
        if s + p[0] + p[1] < d * (kk - 1) + 1:
            size = " x ".join(str(a + b[0] + b[1]) for a, b in zip(spatial, pd))
            ks = " x ".join(str(a) for a in k)
            raise RuntimeError(
                f"Calculated padded input size per channel: ({size}). Kernel size: ({ks}). "
                "Kernel size can't be greater than actual input size"
            )
    if padding_mode != "zeros" and any(p != (0, 0) for p in pd):
        flat = []
        for lo, hi in reversed(pd):  # F.pad order: last dim first
            flat += [lo, hi]
        x = pad(x, flat, mode=padding_mode)
        pd = tuple((0, 0) for _ in pd)
    if n == 1:
        st, dl, pd = (1,) + st, (1,) + dl, ((0, 0),) + pd
    out = _N.conv(x, weight, bias, st, pd, dl, int(groups))
    return out if batched else out.squeeze(0)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:  # noqa: A002
    """1-d cross-correlation over (N, C, L) (im2col on NumPy).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.conv1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2))
        tensor([[[2., 2., 2.]]])
    """
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:  # noqa: A002
    """2-d cross-correlation over (N, C, H, W) (im2col on NumPy, one matrix product).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2))
        tensor([[[[4., 4.],
                  [4., 4.]]]])
    """
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:  # noqa: A002
    """3-d cross-correlation over (N, C, D, H, W): one im2col product per kernel depth offset.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.conv3d(torch.ones(1, 1, 2, 2, 2), torch.ones(1, 1, 2, 2, 2))
        tensor([[[[[8.]]]]])
    """
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def _conv_transposend(
    input, weight, bias, stride, padding, output_padding, groups, dilation, n: int, name: str
):
    _check_tensor(input, name)
    want = n + 2
    if input.dim() not in (want - 1, want):
        raise RuntimeError(
            f"Expected {want - 1}D (unbatched) or {want}D (batched) input to {name}, but got "
            f"input of size: {list(input.shape)}"
        )
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != input.dtype):
        other = weight if input.dtype != weight.dtype else bias
        raise RuntimeError(f"expected scalar type {_word(input)} but found {_word(other)}")
    batched = input.dim() == want
    x = input if batched else input.unsqueeze(0)
    if weight.dim() != want or x.shape[1] != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
            f"{list(x.shape)} to have {weight.shape[0]} channels, but got {x.shape[1]} channels "
            "instead"
        )
    if weight.shape[0] % groups:
        raise RuntimeError("in_channels must be divisible by groups")
    k = tuple(weight.shape[2:])
    st = _tuple(stride, n, "stride")
    pd = _tuple(padding, n, "padding")
    op = _tuple(output_padding, n, "output_padding")
    dl = _tuple(dilation, n, "dilation")
    if any(o >= s and o >= d for o, s, d in zip(op, st, dl)):
        names = ("height", "width") if n >= 2 else ("height", "width")
        o2, s2, d2 = ((0,) + op, (1,) + st, (1,) + dl) if n == 1 else (op, st, dl)
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_{names[0]}: {o2[-2]} output_padding_{names[1]}: {o2[-1]} "
            f"stride_{names[0]}: {s2[-2]} stride_{names[1]}: {s2[-1]} dilation_{names[0]}: "
            f"{d2[-2]} dilation_{names[1]}: {d2[-1]}"
        )
    spatial = tuple(x.shape[2:])
    out_sp = tuple(
        (h - 1) * s - 2 * p + d * (kk - 1) + o + 1
        for h, s, p, d, kk, o in zip(spatial, st, pd, dl, k, op)
    )
    if any(o <= 0 for o in out_sp):
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(str(v) for v in spatial)}). Calculated "
            f"output size per channel: ({' x '.join(str(v) for v in out_sp)}). Output size is "
            "too small"
        )
    pads = tuple((p, p) for p in pd)
    if n == 1:  # run as 2-d with a height of 1 (the kernels take 3-d arrays as that)
        st, dl, pads = (1,) + st, (1,) + dl, ((0, 0),) + pads
    out = _N.conv_transpose(x, weight, bias, out_sp, st, pads, dl, int(groups))
    return out if batched else out.squeeze(0)


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:  # noqa: A002
    """1-d transposed convolution (the gradient of ``conv1d`` in its input), weight
    (C_in, C_out/groups, k).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.conv_transpose1d(torch.ones(1, 1, 2), torch.ones(1, 1, 2))
        tensor([[[1., 2., 1.]]])
    """
    return _conv_transposend(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 1,
        "conv_transpose1d",
    )  # fmt: skip


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:  # noqa: A002
    """2-d transposed convolution ("deconvolution"), weight (C_in, C_out/groups, kh, kw).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.conv_transpose2d(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 2, 2), stride=2).shape
        torch.Size([1, 1, 4, 4])
    """
    return _conv_transposend(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2,
        "conv_transpose2d",
    )  # fmt: skip


def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:  # noqa: A002
    """3-d transposed convolution, weight (C_in, C_out/groups, kd, kh, kw).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.conv_transpose3d(torch.ones(1, 1, 1, 1, 1), torch.ones(1, 2, 2, 2, 2)).shape
        torch.Size([1, 2, 2, 2, 2])
    """
    return _conv_transposend(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 3,
        "conv_transpose3d",
    )  # fmt: skip


def _pool_args(kernel_size, stride, padding, dilation, n):
    k = _tuple(kernel_size, n, "kernel_size")
    s = (
        k
        if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0)
        else _tuple(stride, n, "stride")
    )
    p = _tuple(padding, n, "padding")
    d = _tuple(dilation, n, "dilation")
    for kk, pp in zip(k, p):
        if pp * 2 > kk:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={pp}, "
                f"kernel_size={kk} and dilation={d[0]}"
            )
    return k, s, p, d


def _check_pool_output(x: Tensor, k, s, p, d, ceil) -> None:
    nd = len(k)
    sp = tuple(x.shape[x.dim() - nd :])
    outs = [_N._pool_out(n, *a, bool(ceil)) for n, a in zip(sp, zip(k, s, p, d))]
    if any(o <= 0 for o in outs):
        c = x.shape[-nd - 1] if x.dim() > nd else 1
        raise RuntimeError(
            f"Given input size: ({'x'.join(str(v) for v in (c,) + sp)}). Calculated output size: "
            f"({'x'.join(str(v) for v in [c] + [max(o, 0) for o in outs])}). Output size is too "
            "small"
        )


def max_pool2d(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """Max over sliding windows of the last two dims.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.max_pool2d(torch.arange(16.).reshape(1, 4, 4), 2)
        tensor([[[ 5.,  7.],
                 [13., 15.]]])
    """
    if input.dim() not in (3, 4):
        raise RuntimeError(
            "non-empty 3D or 4D (batch mode) tensor expected for input, but got: "
            f"{list(input.shape)}"
        )
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, 2)
    _check_pool_output(input, k, s, p, d, ceil_mode)
    out, idx = _N.max_pool2d_with_indices(input, k, s, p, d, bool(ceil_mode))
    return (out, idx) if return_indices else out


def avg_pool2d(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over sliding windows of the last two dims.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.avg_pool2d(torch.ones(1, 2, 2), 2)
        tensor([[[1.]]])
    """
    k, s, p, _ = _pool_args(kernel_size, stride, padding, 1, 2)
    _check_pool_output(input, k, s, p, (1, 1), ceil_mode)
    return _N.avg_pool2d(input, k, s, p, bool(ceil_mode), bool(count_include_pad), divisor_override)


def max_pool1d(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """Max over sliding windows of the last dim (run as 2-d with height 1, as PyTorch).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.max_pool1d(torch.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
        tensor([[3., 2.]])
    """
    _check_tensor(input, "max_pool1d")
    if input.dim() not in (2, 3):
        raise RuntimeError(
            "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
            f"for input, but got:{list(input.shape)}"
        )
    k = _tuple(kernel_size, 1, "kernel_size")
    p = _tuple(padding, 1, "padding")
    if p[0] * 2 > k[0]:
        raise RuntimeError(
            "max_pool1d() padding should be at most half of kernel size, but got padding="
            f"{p[0]} and kernel_size={k[0]}"
        )
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, 1)
    out_l = _N._pool_out(input.shape[-1], k[0], s[0], p[0], d[0], bool(ceil_mode))
    if out_l <= 0:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {out_l}")
    x = input.unsqueeze(-2)
    out, idx = _N.max_pool2d_with_indices(
        x, (1,) + k, (1,) + s, (0,) + p, (1,) + d, bool(ceil_mode)
    )
    out = out.squeeze(-2)
    return (out, idx.squeeze(-2)) if return_indices else out


def max_pool1d_with_indices(input: Tensor, *args: Any, **kwargs: Any) -> tuple:  # noqa: A002
    """``max_pool1d(..., return_indices=True)``."""
    kwargs["return_indices"] = True
    return max_pool1d(input, *args, **kwargs)


def max_pool2d_with_indices(input: Tensor, *args: Any, **kwargs: Any) -> tuple:  # noqa: A002
    """``max_pool2d(..., return_indices=True)``."""
    kwargs["return_indices"] = True
    return max_pool2d(input, *args, **kwargs)


def max_pool3d(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """Max over sliding windows of the last three dims (``MaxPool3DWithIndicesBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.max_pool3d(torch.arange(8.).reshape(1, 2, 2, 2), 2)
        tensor([[[[7.]]]])
    """
    _check_tensor(input, "max_pool3d")
    if input.dim() not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, 3)
    _check_pool_output(input, k, s, p, d, ceil_mode)
    out, idx = _N.max_pool3d_with_indices(input, k, s, p, d, bool(ceil_mode))
    return (out, idx) if return_indices else out


def max_pool3d_with_indices(input: Tensor, *args: Any, **kwargs: Any) -> tuple:  # noqa: A002
    """``max_pool3d(..., return_indices=True)``."""
    kwargs["return_indices"] = True
    return max_pool3d(input, *args, **kwargs)


def avg_pool1d(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """Mean over sliding windows of the last dim (2-d with height 1, as PyTorch).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.avg_pool1d(torch.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
        tensor([[2., 1.]])
    """
    _check_tensor(input, "avg_pool1d")
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for argument "
            "#1 'self' (while checking arguments for avg_pool1d)"
        )
    k, s, p, _ = _pool_args(kernel_size, stride, padding, 1, 1)
    x = input.unsqueeze(-2)
    _check_pool_output(x, (1,) + k, (1,) + s, (0,) + p, (1, 1), ceil_mode)
    out = _N.avg_pool2d(
        x, (1,) + k, (1,) + s, (0,) + p, bool(ceil_mode), bool(count_include_pad), None
    )
    return out.squeeze(-2)


def avg_pool3d(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over sliding windows of the last three dims (``AvgPool3DBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.avg_pool3d(torch.ones(1, 2, 2, 2), 2)
        tensor([[[[1.]]]])
    """
    _check_tensor(input, "avg_pool3d")
    if input.dim() not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    k, s, p, _ = _pool_args(kernel_size, stride, padding, 1, 3)
    sp = input.shape[-3:]
    if any(n + 2 * pp < kk for n, pp, kk in zip(sp, p, k)):
        raise RuntimeError(
            f"input image (T: {sp[0]} H: {sp[1]} W: {sp[2]}) smaller than kernel size "
            f"(kT: {k[0]} kH: {k[1]} kW: {k[2]})"
        )
    _check_pool_output(input, k, s, p, (1, 1, 1), ceil_mode)
    return _N.avg_pool3d(input, k, s, p, bool(ceil_mode), bool(count_include_pad), divisor_override)


def _adaptive_size(input: Tensor, output_size: Any, nd: int, name: str) -> tuple:
    if isinstance(output_size, (list, tuple)):
        if len(output_size) != nd:
            raise RuntimeError(f"{name}: output_size must be {nd}")
        osz = tuple(output_size)
    else:
        osz = (output_size,) * nd
    sp = input.shape[input.dim() - nd :]
    osz = tuple(int(n) if o is None else int(o) for n, o in zip(sp, osz))
    if any(o < 0 for o in osz):
        raise RuntimeError(
            f"{name}: elements of output_size must be greater than or equal to 0 but received "
            "{" + ", ".join(str(o) for o in osz) + "}"
        )
    return osz


def _check_adaptive_rank(input: Tensor, nd: int, name: str, colon: str = "") -> None:
    _check_tensor(input, name)
    if nd == 1:
        if input.dim() not in (2, 3):
            raise RuntimeError(
                f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional tensor for "
                f"argument #1 'self' (while checking arguments for {name})"
            )
    elif input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got{colon} {list(input.shape)}"
        )


def _adaptive_avg(input: Tensor, osz: tuple) -> Tensor:
    nd = len(osz)
    sp = input.shape[input.dim() - nd :]
    if all(o == 1 for o in osz):  # PyTorch takes the mean (MeanBackward1)
        return input.mean(tuple(range(-nd, 0)), keepdim=True)
    mats = tuple(_N.adaptive_avg_matrix(n, o) for n, o in zip(sp, osz))
    return _N.separable(_N.ADAPTIVE_AVG_POOL[nd], input, mats)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    """Average pooling of the last dim to ``output_size`` bins (PyTorch's bin rule).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.adaptive_avg_pool1d(torch.tensor([[1.0, 2.0, 3.0]]), 2)
        tensor([[1.5000, 2.5000]])
    """
    _check_adaptive_rank(input, 1, "adaptive_avg_pool1d")
    osz = _adaptive_size(input, output_size, 1, "adaptive_avg_pool1d")
    return _adaptive_avg(input.unsqueeze(-2), (1,) + osz).squeeze(-2)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    """Average pooling of the last two dims to ``output_size`` (None keeps a size).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.adaptive_avg_pool2d(torch.ones(1, 3, 5), (1, 2))
        tensor([[[1., 1.]]])
    """
    _check_adaptive_rank(input, 2, "adaptive_avg_pool2d")
    return _adaptive_avg(input, _adaptive_size(input, output_size, 2, "adaptive_avg_pool2d"))


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    """Average pooling of the last three dims to ``output_size``.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.adaptive_avg_pool3d(torch.ones(1, 2, 3, 4), 1).shape
        torch.Size([1, 1, 1, 1])
    """
    _check_adaptive_rank(input, 3, "adaptive_avg_pool3d")
    return _adaptive_avg(input, _adaptive_size(input, output_size, 3, "adaptive_avg_pool3d"))


def _adaptive_max(input, output_size, nd: int, name: str, return_indices: bool):
    _check_adaptive_rank(input, nd, name, ":")
    osz = _adaptive_size(input, output_size, nd, name)
    sp = tuple(input.shape[input.dim() - nd :])
    if any(n == 0 for n in sp):
        dim = input.dim() - nd + [n == 0 for n in sp].index(True)
        raise RuntimeError(
            f"{name}(): Expected input to have non-zero size for non-batch dimensions, but "
            f"input has sizes {list(input.shape)} with dimension {dim} being empty"
        )
    if nd == 1:
        out, idx = _N.adaptive_max_pool(input.unsqueeze(-2), (1,) + osz)
        out, idx = out.squeeze(-2), idx.squeeze(-2)
    else:
        out, idx = _N.adaptive_max_pool(input, osz)
    return (out, idx) if return_indices else out


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False):  # noqa: A002
    """Max over PyTorch's adaptive bins of the last dim.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.adaptive_max_pool1d(torch.tensor([[1.0, 3.0, 2.0]]), 2)
        tensor([[3., 3.]])
    """
    return _adaptive_max(input, output_size, 1, "adaptive_max_pool1d", return_indices)


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False):  # noqa: A002
    """Max over PyTorch's adaptive bins of the last two dims (``AdaptiveMaxPool2DBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.adaptive_max_pool2d(torch.arange(9.).reshape(1, 3, 3), 1)
        tensor([[[8.]]])
    """
    return _adaptive_max(input, output_size, 2, "adaptive_max_pool2d", return_indices)


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False):  # noqa: A002
    """Max over PyTorch's adaptive bins of the last three dims.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.adaptive_max_pool3d(torch.arange(8.).reshape(1, 2, 2, 2), 1)
        tensor([[[[7.]]]])
    """
    return _adaptive_max(input, output_size, 3, "adaptive_max_pool3d", return_indices)


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: Any, return_indices=True):  # noqa: A002
    """``adaptive_max_pool1d(..., return_indices=True)``."""
    return _adaptive_max(input, output_size, 1, "adaptive_max_pool1d", True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: Any, return_indices=True):  # noqa: A002
    """``adaptive_max_pool2d(..., return_indices=True)``."""
    return _adaptive_max(input, output_size, 2, "adaptive_max_pool2d", True)


def adaptive_max_pool3d_with_indices(input: Tensor, output_size: Any, return_indices=True):  # noqa: A002
    """``adaptive_max_pool3d(..., return_indices=True)``."""
    return _adaptive_max(input, output_size, 3, "adaptive_max_pool3d", True)


def _unpool_size(input, kernel_size, stride, padding, output_size, nd):
    k = _tuple(kernel_size, nd, "kernel_size")
    s = k if stride is None else _tuple(stride, nd, "stride")
    p = _tuple(padding, nd, "padding")
    sp = input.shape[input.dim() - nd :]
    default = [(n - 1) * ss - 2 * pp + kk for n, ss, pp, kk in zip(sp, s, p, k)]
    if output_size is None:
        return tuple(default)
    out = list(output_size)
    if len(out) == nd + 2:
        out = out[2:]
    elif len(out) == nd + 1 and input.dim() == nd + 1:
        out = out[1:]
    if len(out) != nd:
        raise ValueError(
            f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it has "
            f"a length of '{len(out)}'"
        )
    for i, (o, dflt, ss) in enumerate(zip(out, default, s)):
        if not dflt - ss < o < dflt + ss:
            raise ValueError(
                f'invalid output_size "{tuple(out)}" (dim {i} must be between {dflt - ss} and '
                f"{dflt + ss})"
            )
    return tuple(int(o) for o in out)


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, nd, name):
    _check_tensor(input, name)
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor "
            f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}"
        )
    osz = _unpool_size(input, kernel_size, stride, padding, output_size, nd)
    idx = indices._data.astype(np.int64, copy=False)
    total = int(np.prod(osz))
    if idx.size and (idx.min() < 0 or idx.max() >= total):
        bad = int(idx[(idx < 0) | (idx >= total)].reshape(-1)[0])
        raise RuntimeError(
            f"Found an invalid max index: {bad} (output volumes are of size "
            f"{'x'.join(str(o) for o in osz)}"
        )
    if nd == 1:
        return _N.max_unpool(input.unsqueeze(-2), idx[..., None, :], (1,) + osz).squeeze(-2)
    return _N.max_unpool(input, idx, osz)


def max_unpool1d(
    input: Tensor,  # noqa: A002
    indices: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> Tensor:
    """The partial inverse of ``max_pool1d``: values back at their indices, zeros elsewhere.

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.max_unpool1d(*F.max_pool1d(torch.tensor([[1.0, 3.0]]), 2, return_indices=True), 2)
        tensor([[0., 3.]])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1, "max_unpool1d")


def max_unpool2d(
    input: Tensor,  # noqa: A002
    indices: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> Tensor:
    """The partial inverse of ``max_pool2d`` (``MaxUnpool2DBackward0``).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> y, i = F.max_pool2d(torch.arange(4.).reshape(1, 2, 2), 2, return_indices=True)
        >>> F.max_unpool2d(y, i, 2)
        tensor([[[0., 0.],
                 [0., 3.]]])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2, "max_unpool2d")


def max_unpool3d(
    input: Tensor,  # noqa: A002
    indices: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    output_size: Any = None,
) -> Tensor:
    """The partial inverse of ``max_pool3d`` (``MaxUnpool3DBackward0``).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> y, i = F.max_pool3d(torch.ones(1, 2, 2, 2), 2, return_indices=True)
        >>> F.max_unpool3d(y, i, 2).sum()
        tensor(1.)
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3, "max_unpool3d")


def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, nd):
    k = _tuple(kernel_size, nd, "kernel_size")
    pool = {1: avg_pool1d, 2: avg_pool2d, 3: avg_pool3d}[nd]
    if stride is not None:
        out = pool(input.pow(norm_type), k, stride, 0, ceil_mode)
    else:
        out = pool(input.pow(norm_type), k, padding=0, ceil_mode=ceil_mode)
    return (out.sign() * relu(out.abs())).mul(math.prod(k)).pow(1.0 / norm_type)


def lp_pool1d(
    input: Tensor,  # noqa: A002
    norm_type: float,
    kernel_size: Any,
    stride: Any = None,
    ceil_mode: bool = False,
) -> Tensor:
    """Power-average pooling: (sum over the window of x^p)^(1/p), as PyTorch composes it.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.lp_pool1d(torch.tensor([[3.0, 4.0]]), 2, 2)
        tensor([[5.]])
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(
    input: Tensor,  # noqa: A002
    norm_type: float,
    kernel_size: Any,
    stride: Any = None,
    ceil_mode: bool = False,
) -> Tensor:
    """2-d power-average pooling.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.lp_pool2d(torch.ones(1, 2, 2), 1, 2)
        tensor([[[4.]]])
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2)


def lp_pool3d(
    input: Tensor,  # noqa: A002
    norm_type: float,
    kernel_size: Any,
    stride: Any = None,
    ceil_mode: bool = False,
) -> Tensor:
    """3-d power-average pooling.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.lp_pool3d(torch.ones(1, 2, 2, 2), 1, 2)
        tensor([[[[8.]]]])
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3)


# ---------------------------------------------------------------- resampling

_INTERP_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
_LINEAR_ND = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def interpolate(
    input: Tensor,  # noqa: A002
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize the spatial dims (after N, C) to ``size`` or by ``scale_factor``, with PyTorch's
    index and weight rules for each mode (one ``Upsample...Backward0`` node).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.interpolate(torch.tensor([[[1.0, 2.0]]]), scale_factor=2)
        tensor([[[1., 1., 2., 2.]]])
        >>> F.interpolate(torch.tensor([[[1.0, 2.0]]]), size=3, mode="linear", align_corners=True)
        tensor([[[1.0000, 1.5000, 2.0000]]])
    """
    _check_tensor(input, "interpolate")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the interpolating modes: "
                "linear | bilinear | bicubic | trilinear"
            )
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        scales = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {list(input.shape[2:])} and output size "
                    f"of {size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                    "and output size in (o1, o2, ...,oK) format."
                )
            out_size = [int(v) for v in size]
        else:
            out_size = [int(size)] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {list(input.shape[2:])} and "
                    f"scale_factor of shape {scale_factor}. Please provide input tensor in (N, "
                    "C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format."
                )
            scales = [float(v) for v in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out_size = [int(math.floor(n * sc)) for n, sc in zip(input.shape[2:], scales)]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if mode == "area" or recompute_scale_factor:
        scales = None
    if antialias:
        if not (mode in ("bilinear", "bicubic") and input.dim() == 4):
            raise ValueError(
                "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and "
                "requires a 4-D tensor as input"
            )
        raise NotImplementedError("chainrule: interpolate(antialias=True) is not supported")
    if mode not in _INTERP_MODES or input.dim() not in (3, 4, 5):
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported"
            f" (got {input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | "
            f"trilinear | lanczos | area | nearest-exact (got {mode})"
        )
    if input._data.dtype.kind not in "fc":
        _interp_int_check(input, mode, dim)
    if mode == "area":
        return {1: adaptive_avg_pool1d, 2: adaptive_avg_pool2d, 3: adaptive_avg_pool3d}[dim](
            input, out_size
        )
    want = _LINEAR_ND.get(mode)
    if want is not None and want != dim:
        need = {1: 3, 2: 4, 3: 5}[want]
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {need}D input")
    if any(o <= 0 for o in out_size):
        raise RuntimeError(
            f"Input and output sizes should be greater than 0, but got input "
            f"({', '.join(str(n) for n in input.shape[2:])}) and output "
            f"({', '.join(str(o) for o in out_size)})"
        )
    sp = tuple(input.shape[2:])
    scs = scales or [None] * dim
    if input._data.dtype.kind not in "fc":
        if mode in ("bilinear", "bicubic"):  # uint8: PyTorch's fixed-point kernel
            make = _N.cubic_matrix if mode == "bicubic" else _N.linear_matrix
            mats = [
                make(n, o, align_corners, sc, np.float64) for n, o, sc in zip(sp, out_size, scs)
            ]
            return wrap(_N.resample_uint8(input._data, tuple(mats)))
    dt = np.float32 if input.dtype == _c.float32 else np.float64
    if mode in ("nearest", "nearest-exact"):
        mats = [
            _N.nearest_matrix(n, o, sc, mode == "nearest-exact")
            for n, o, sc in zip(sp, out_size, scs)
        ]
    elif mode == "bicubic":
        mats = [_N.cubic_matrix(n, o, align_corners, sc, dt) for n, o, sc in zip(sp, out_size, scs)]
    else:
        mats = [
            _N.linear_matrix(n, o, align_corners, sc, dt) for n, o, sc in zip(sp, out_size, scs)
        ]
    return _N.separable(_N.UPSAMPLE[(mode, dim)], input, tuple(mats))


def _interp_int_check(input: Tensor, mode: str, dim: int) -> None:
    """PyTorch's CPU kernels for integer inputs: uint8 only, and only for nearest, bilinear
    and bicubic (2-D) resizing; others raise its NotImplementedError."""
    from ..ops._dispatch import _type_word

    word = _type_word(input.dtype)
    kernel = None
    if mode in ("linear", "trilinear"):
        kernel = "compute_indices_weights_linear"
    elif mode == "area":
        kernel = f"adaptive_avg_pool{dim}d"
    elif input.dtype != _c.uint8:
        kernel = {
            "bilinear": "upsample_bilinear2d_channels_last",
            "bicubic": "compute_indices_weights_cubic",
        }.get(mode)
        if mode in ("nearest", "nearest-exact"):
            kernel = (
                "upsample_nearest2d_channels_last"
                if dim == 2
                else "compute_indices_weights_nearest"
            )
    if kernel is not None:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{word}'")


def upsample(
    input: Tensor,  # noqa: A002
    size: Any = None,
    scale_factor: Any = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
) -> Tensor:
    """Deprecated alias of ``interpolate`` (warns, as PyTorch).

    Example:
        >>> import chainrule as torch
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     torch.nn.functional.upsample(torch.ones(1, 1, 2), scale_factor=2).shape
        torch.Size([1, 1, 4])
    """
    warnings.warn(
        "`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:  # noqa: A002
    """Deprecated: ``interpolate(..., mode='nearest')``.

    Example:
        >>> import chainrule as torch
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     torch.nn.functional.upsample_nearest(torch.ones(1, 1, 2), 3).shape
        torch.Size([1, 1, 3])
    """
    warnings.warn(
        "`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:  # noqa: A002
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``.

    Example:
        >>> import chainrule as torch
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     torch.nn.functional.upsample_bilinear(torch.ones(1, 1, 2, 2), 3).shape
        torch.Size([1, 1, 3, 3])
    """
    warnings.warn(
        "`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:  # noqa: A002
    """(*, C·r², H, W) -> (*, C, H·r, W·r) (``PixelShuffleBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.pixel_shuffle(torch.arange(4.).reshape(1, 4, 1, 1), 2)
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """
    _check_tensor(input, "pixel_shuffle")
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
            f"{input.dim()} dimension(s)"
        )
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
            f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}"
        )
    return _N.pixel_shuffle(input, r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:  # noqa: A002
    """(*, C, H·r, W·r) -> (*, C·r², H, W), the inverse of ``pixel_shuffle``.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.pixel_unshuffle(torch.arange(4.).reshape(1, 1, 2, 2), 2).flatten()
        tensor([0., 1., 2., 3.])
    """
    _check_tensor(input, "pixel_unshuffle")
    r = int(downscale_factor)
    if input.dim() < 3:
        raise RuntimeError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
            f"{input.dim()} dimension(s)"
        )
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = input.shape[-2:]
    if h % r:
        raise RuntimeError(
            "pixel_unshuffle expects height to be divisible by downscale_factor, but "
            f"input.size(-2)={h} is not divisible by {r}"
        )
    if w % r:
        raise RuntimeError(
            "pixel_unshuffle expects width to be divisible by downscale_factor, but "
            f"input.size(-1)={w} is not divisible by {r}"
        )
    return _N.pixel_unshuffle(input, r)


def _fold_args(kernel_size, dilation, padding, stride):
    return (
        _tuple(kernel_size, 2, "kernel_size"),
        _tuple(dilation, 2, "dilation"),
        _tuple(padding, 2, "padding"),
        _tuple(stride, 2, "stride"),
    )


def unfold(
    input: Tensor,  # noqa: A002
    kernel_size: Any,
    dilation: Any = 1,
    padding: Any = 0,
    stride: Any = 1,
) -> Tensor:
    """im2col: sliding (C·kh·kw) blocks of a (N, C, H, W) input as columns (N, C·kh·kw, L).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.unfold(torch.arange(4.).reshape(1, 1, 2, 2), 2)
        tensor([[[0.],
                 [1.],
                 [2.],
                 [3.]]])
    """
    _check_tensor(input, "unfold")
    if input.dim() not in (3, 4):
        raise NotImplementedError(
            f"Input Error: Only 3D or 4D input Tensors are supported (got {input.dim()}D)"
        )
    k, d, p, s = _fold_args(kernel_size, dilation, padding, stride)
    sp = input.shape[-2:]
    outs = [(n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for n, kk, dd, pp, ss in zip(sp, k, d, p, s)]
    if any(o < 1 for o in outs):
        raise RuntimeError(
            f"Given input with spatial size ({sp[0]}, {sp[1]}), kernel_size=({k[0]}, {k[1]}), "
            f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), calculated shape of the array "
            f"of sliding blocks as ({outs[0]}, {outs[1]}), but its components must be at least "
            "one."
        )
    return _N.im2col(input, k, d, p, s)


def fold(
    input: Tensor,  # noqa: A002
    output_size: Any,
    kernel_size: Any,
    dilation: Any = 1,
    padding: Any = 0,
    stride: Any = 1,
) -> Tensor:
    """col2im: sum (N, C·kh·kw, L) columns back into a (N, C, H, W) image (the adjoint of
    ``unfold``).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.fold(torch.ones(1, 4, 4), (3, 3), 2)
        tensor([[[[1., 2., 1.],
                  [2., 4., 2.],
                  [1., 2., 1.]]]])
    """
    _check_tensor(input, "fold")
    if input.dim() not in (2, 3):
        raise NotImplementedError(
            f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got "
            f"{input.dim()}D)"
        )
    k, d, p, s = _fold_args(kernel_size, dilation, padding, stride)
    osz = _tuple(output_size, 2, "output_size")
    cdim = input.dim() - 2
    kk = k[0] * k[1]
    if input.shape[cdim] % kk:
        raise RuntimeError(
            f"Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={input.shape[cdim]} and kernel_size=({k[0]}, "
            f"{k[1]})"
        )
    blocks = [
        (n + 2 * pp - dd * (kq - 1) - 1) // ss + 1 for n, kq, dd, pp, ss in zip(osz, k, d, p, s)
    ]
    if blocks[0] * blocks[1] != input.shape[-1]:
        raise RuntimeError(
            f"Given output_size=({osz[0]}, {osz[1]}), kernel_size=({k[0]}, {k[1]}), "
            f"dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]}), "
            "expected size of input's dimension 2 to match the calculated number of sliding "
            f"blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
            f"input.size(2)={input.shape[-1]}."
        )
    return _N.col2im(input, osz, k, d, p, s)


# ---------------------------------------------------------------- embedding, dropout, norms


def embedding(
    input: Tensor,  # noqa: A002
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` looked up by the integer tensor ``input``.

    Example:
        >>> import chainrule as torch
        >>> w = torch.arange(6.).reshape(3, 2)
        >>> torch.nn.functional.embedding(torch.tensor([2, 0]), w)
        tensor([[4., 5.],
                [0., 1.]])
    """
    if not isinstance(input, Tensor) or input.dtype not in (_c.int64, _c.int32):
        got = input.type() if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {got} instead (while checking arguments for embedding)"
        )
    if sparse:
        raise NotImplementedError("chainrule: embedding with sparse=True is not supported")
    idx = input._data
    n = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0 and padding_idx < -n:
            raise AssertionError("Padding_idx must be within num_embeddings")
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise IndexError("index out of range in self")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += n
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    return _N.embedding(weight, idx, padding_idx, scale_grad_by_freq)


def _renorm_rows(weight: Tensor, idx: np.ndarray, max_norm: float, norm_type: float) -> None:
    """``embedding_renorm_``: rows looked up with a norm above ``max_norm`` scaled down in
    place (outside autograd)."""
    rows = np.unique(idx)
    sel = weight._data[rows]
    norms = np.linalg.norm(sel.reshape(len(rows), -1), ord=norm_type, axis=1)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    weight._data[rows] = sel * scale[:, None].astype(sel.dtype)
    weight._vc[0] += 1


def embedding_bag(
    input: Tensor,  # noqa: A002
    weight: Tensor,
    offsets: Tensor | None = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """Sums, means or maxima of bags of embeddings: ``input`` 2-D (one bag per row) or 1-D with
    ``offsets`` (the start of each bag). ``per_sample_weights`` scales each lookup (sum mode).

    Example:
        >>> import chainrule as torch
        >>> w = torch.arange(6.0).reshape(3, 2)
        >>> torch.nn.functional.embedding_bag(torch.tensor([0, 2, 1]), w, torch.tensor([0, 2]),
        ...                                   mode="sum")
        tensor([[4., 6.],
                [2., 3.]])
    """
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(
            f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then "
            f"it must have the same shape as the input ({input.shape})"
        )
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is a "
                "mini-batch of fixed length sequences. However, found offsets of type "
                f"{_type_repr(offsets)}"
            )
        b, n = input.shape
        starts = np.arange(0, b * n, n, dtype=np.int64)
        idx = input._data.reshape(-1)
        nbags = b
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        idx = input._data
        starts = offsets._data.astype(np.int64)
        if starts.size and starts[0] != 0:
            raise RuntimeError(
                "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                f"from position 0. However, got {int(starts[0])}\n[ torch.LongTensor{{}} ]"
            )
        if starts.size and starts[-1] > idx.size:
            raise RuntimeError(
                f"offsets[-1] can not be greater than input's length {idx.size} but got "
                f"offsets[-1] of {int(starts[-1])}"
            )
        if include_last_offset:
            starts = starts[:-1]
        nbags = starts.size
    else:
        raise ValueError(
            f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}"
        )
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            "GitHub."
        )
    if sparse:
        raise NotImplementedError("chainrule: embedding_bag with sparse=True is not supported")
    num = weight.shape[0]
    bad = (idx < 0) | (idx >= num)
    if bad.any():
        k = int(np.argmax(bad))
        raise RuntimeError(
            f"Index {k} of input takes value {int(idx[k])} which is not in the valid range "
            f"[0, {num})"
        )
    if padding_idx is not None and padding_idx < 0:
        padding_idx += num
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    # the bag of each lookup (starts beyond the input give empty bags)
    bag = np.searchsorted(starts, np.arange(idx.size), side="right") - 1
    if scale_grad_by_freq:
        raise NotImplementedError(
            "chainrule: embedding_bag with scale_grad_by_freq=True is not supported"
        )
    mode_id = {"sum": 0, "mean": 1, "max": 2}[mode]
    psw = per_sample_weights
    if psw is not None and psw.dim() == 2:
        psw = psw.reshape(-1)
    return _N.embedding_bag(weight, psw, idx.astype(np.intp), bag, nbags, mode_id, padding_idx)


def _type_repr(v: Any) -> str:
    tp = type(v)
    name = "torch.Tensor" if isinstance(v, Tensor) else f"{tp.__module__}.{tp.__qualname__}"
    return f"<class '{name}'>"


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:  # noqa: A002
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (training only).

    Example:
        >>> import chainrule as torch
        >>> x = torch.ones(4)
        >>> bool((torch.nn.functional.dropout(x, 0.5, training=False) == x).all())
        True
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    arr = input._data
    if p == 1.0:
        mask = np.zeros(arr.shape, arr.dtype)
    else:
        # PyTorch: bernoulli_(1 - p) (a float64 uniform below 1 - p), then divided by 1 - p
        keep = _c.default_generator.rng.random(arr.shape) < 1.0 - p
        mask = keep.astype(arr.dtype) / arr.dtype.type(1.0 - p)
    m = wrap(mask)
    return input.mul_(m) if inplace else input * m


def batch_norm(
    input: Tensor,  # noqa: A002
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the batch (and spatial) dims per channel; updates running stats in
    training mode."""
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    if training:
        n = input.numel() // input.shape[1]
        if n <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size "
                f"{input.shape}"
            )
    elif running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    c = input.shape[1] if input.dim() > 1 else 1
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and t.numel() != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t.numel()}")
    y, mean, var = _N.batch_norm(input, weight, bias, eps, training, running_mean, running_var)
    if training and running_mean is not None:
        # running stats use the unbiased batch variance, as in torch
        m = momentum
        rm, rv = running_mean._data, running_var._data
        rm *= 1 - m
        rm += (m * mean).astype(rm.dtype, copy=False)
        rv *= 1 - m
        rv += (m * var * (n / (n - 1))).astype(rv.dtype, copy=False)
        running_mean._vc[0] += 1
        running_var._vc[0] += 1
    return y


def layer_norm(
    input: Tensor,  # noqa: A002
    normalized_shape: Any,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the trailing ``normalized_shape`` dims.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.layer_norm(torch.tensor([[1.0, 3.0]]), (2,))
        tensor([[-1.0000,  1.0000]])
    """
    shape = (
        (normalized_shape,)
        if isinstance(normalized_shape, numbers.Integral)
        else tuple(normalized_shape)
    )
    k = len(shape)
    if tuple(input.shape[input.dim() - k :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, "
            f"{', '.join(str(s) for s in shape)}], but got input of size{list(input.shape)}"
        )
    return _N.layer_norm(input, weight, bias, k, eps)


# ---------------------------------------------------------------- more normalisation


def group_norm(
    input: Tensor,  # noqa: A002
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each group of channels of each sample (``NativeGroupNormBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.group_norm(torch.tensor([[1.0, 3.0, 0.0, 4.0]]), 2)
        tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
    """
    _check_tensor(input, "group_norm")
    if input.dim() < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.dim()}"
        )
    c = input.shape[1]
    if c % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {list(input.shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.dim() != 1 or t.numel() != c):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(t.shape)} and input of shape "
                f"{list(input.shape)}"
            )
    return _N.group_norm(input, weight, bias, num_groups, eps)


def instance_norm(
    input: Tensor,  # noqa: A002
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel of each sample over its spatial dims: batch norm of the input
    viewed as (1, N·C, ...), as PyTorch computes it (ViewBackward0 over
    NativeBatchNormBackward0); running statistics are the batch means of the per-instance ones.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.instance_norm(torch.tensor([[[1.0, 3.0]]]))
        tensor([[[-1.0000,  1.0000]]])
    """
    _check_tensor(input, "instance_norm")
    if use_input_stats:
        size = list(input.shape)
        if math.prod(size[2:]) == 1:
            raise ValueError(
                f"Expected more than 1 spatial element when training, got input size {size}"
            )
    b, c = input.shape[0], input.shape[1]
    shape = (1, b * c) + tuple(input.shape[2:])
    x = input.contiguous().view(*shape)
    w = weight.repeat(b) if weight is not None else None
    bb = bias.repeat(b) if bias is not None else None
    rm = running_mean.repeat(b) if running_mean is not None else None
    rv = running_var.repeat(b) if running_var is not None else None
    out = batch_norm(x, rm, rv, w, bb, use_input_stats, momentum, eps)
    if use_input_stats and running_mean is not None:
        with _c.no_grad():
            running_mean._data[...] = rm._data.reshape(b, c).mean(0)
            running_mean._vc[0] += 1
            running_var._data[...] = rv._data.reshape(b, c).mean(0)
            running_var._vc[0] += 1
    return out.view(*input.shape)


def rms_norm(
    input: Tensor,  # noqa: A002
    normalized_shape: Any,
    weight: Tensor | None = None,
    eps: float | None = None,
) -> Tensor:
    """x / sqrt(mean(x², trailing dims) + eps) · weight (eps defaults to the dtype's machine
    epsilon), composed as PyTorch does.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.rms_norm(torch.tensor([[3.0, 4.0]]), (2,), eps=0.0)
        tensor([[0.8485, 1.1314]])
    """
    _check_tensor(input, "rms_norm")
    shape = (
        (normalized_shape,)
        if isinstance(normalized_shape, numbers.Integral)
        else tuple(normalized_shape)
    )
    k = len(shape)
    if tuple(input.shape[input.dim() - k :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*"
            f"{', '.join(str(s) for s in shape)}], but got input of size{list(input.shape)}"
        )
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(input.dim() - k, input.dim()))
    out = input * (input.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    return out * weight if weight is not None else out


def local_response_norm(
    input: Tensor,  # noqa: A002
    size: int,
    alpha: float = 1e-4,
    beta: float = 0.75,
    k: float = 1.0,
) -> Tensor:
    """x / (k + alpha · mean of x² over ``size`` neighbouring channels)^beta.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.local_response_norm(torch.ones(1, 2, 1), 2, alpha=1.0, k=0.0)
        tensor([[[1.6818],
                 [1.0000]]])
    """
    dim = input.dim()
    if dim < 3:
        raise ValueError(
            f"Expected 3D or higher dimensionality                          input (got {dim} "
            "dimensions)"
        )
    if input.numel() == 0:
        return input
    div = input.mul(input)
    if dim == 3:
        div = div.unsqueeze(1)
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.shape
        div = div.view(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.view(*sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


# ---------------------------------------------------------------- distances


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """Σ (x1/‖x1‖)(x2/‖x2‖) along ``dim``, the norms clamped at ``eps`` (outside the graph,
    as PyTorch does).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.cosine_similarity(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """
    x1, x2 = _c.broadcast_tensors(x1, x2)
    n1 = _c.linalg.vector_norm(x1, 2, dim=dim, keepdim=True).clone()
    n2 = _c.linalg.vector_norm(x2, 2, dim=dim, keepdim=True).clone()
    with _c.no_grad():
        n1.clamp_(min=eps)
        n2.clamp_(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """‖x1 - x2 + eps‖_p over the last dim (``NormBackward1``, as PyTorch records it).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.pairwise_distance(torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]), eps=0.0)
        tensor([5.])
    """
    out_dim = max(x1.dim(), x2.dim())
    diff = x1 - x2 + eps
    return _N.norm_dim(diff, p, max(out_dim - 1, 0), keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:  # noqa: A002
    """Distances between all pairs of rows of a (N, M) input, i < j (``PdistBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.pdist(torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
        tensor([5.0000, 1.0000, 4.2426])
    """
    _check_tensor(input, "pdist")
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return _N.pdist(input, p)


# ---------------------------------------------------------------- more losses


def _apply_reduction(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def kl_div(
    input: Tensor,  # noqa: A002
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """KL divergence of ``target`` from the log-probabilities ``input``: target·(log target -
    input) summed/averaged (``batchmean`` divides the sum by the batch size).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.kl_div(torch.tensor([[0.5, 0.5]]).log(), torch.tensor([[0.5, 0.5]]), reduction="sum")
        tensor(0.)
    """
    if size_average is not None or reduce is not None:
        red = _reduction(size_average, reduce, "mean")
    else:
        if reduction == "mean":
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the support "
                "size.'batchmean' divides only by the batch size, and aligns with the KL div "
                "math definition.'mean' will be changed to behave the same as 'batchmean' in the "
                "next major release.",
                stacklevel=2,
            )
        red = "sum" if reduction == "batchmean" else _reduction(None, None, reduction)
    if log_target:
        out = target.exp() * (target - input)
    else:
        out = _op("xlogy")(target, target) - target * input
    out = _apply_reduction(out, red)
    if reduction == "batchmean" and input.dim() != 0:
        out = out / input.shape[0]
    return out


def poisson_nll_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    log_input: bool = True,
    full: bool = False,
    size_average: Any = None,
    eps: float = 1e-8,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Poisson negative log likelihood: exp(x) - t·x (``log_input``) or x - t·log(x + eps),
    plus Stirling's term with ``full``.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.poisson_nll_loss(torch.tensor([0.0]), torch.tensor([1.0]))
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _apply_reduction(loss, reduction)


def gaussian_nll_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    var: Any,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:
    """Gaussian negative log likelihood ½(log var + (x - t)²/var), var clamped at ``eps``
    outside the graph (as PyTorch).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.gaussian_nll_loss(torch.tensor([1.0]), torch.tensor([1.0]), torch.tensor([1.0]))
        tensor(0.)
    """
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * _c.ones_like(input)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif (
            input.dim() == var.dim()
            and sum(b for a, b in zip(input.shape, var.shape) if a != b) == 1
        ):
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with _c.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _apply_reduction(loss, reduction)


def hinge_embedding_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    margin: float = 1.0,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """x where target is 1, max(0, margin - x) where it is -1.

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.hinge_embedding_loss(torch.tensor([0.3, 2.0]), torch.tensor([-1.0, 1.0]))
        tensor(1.3500)
    """
    reduction = _reduction(size_average, reduce, reduction)
    zeros = _c.zeros_like(input)
    margin_clamp = (margin - input).clamp_min(0)
    out_margin = _c.where(target != 1, margin_clamp, zeros)
    out_self = _c.where(target != -1, input, zeros)
    return _apply_reduction(out_margin + out_self, reduction)


def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0.0,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, -y·(x1 - x2) + margin).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.margin_ranking_loss(torch.tensor([1.0]), torch.tensor([2.0]), torch.tensor([1.0]))
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if not (input1.dim() == input2.dim() == target.dim()):
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} "
        )
    out = (-target * (input1 - input2) + margin).clamp_min(0)
    return _apply_reduction(out, reduction)


def soft_margin_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """log(1 + exp(-y·x)) (``SoftMarginLossBackward0``; the target is not differentiable).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.soft_margin_loss(torch.tensor([0.0]), torch.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if target.requires_grad and _c.is_grad_enabled():
        raise RuntimeError(
            "The function 'soft_margin_loss' is not differentiable with respect to argument "
            "'target'. This input cannot have requires_grad True."
        )
    input, target = _broadcast_pair(input, target)
    return _N.soft_margin_loss(input, target, reduction)


def multilabel_soft_margin_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Per-class logistic loss, averaged over the classes (composed as PyTorch does).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.multilabel_soft_margin_loss(torch.zeros(1, 2), torch.tensor([[1.0, 0.0]]))
        tensor(0.6931)
    """
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    loss = loss.sum(dim=class_dim) / input.shape[class_dim]
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    return _apply_reduction(loss, reduction)


def multi_margin_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Multi-class hinge loss Σ_{i≠y} max(0, margin - x[y] + x[i])^p / C
    (``MultiMarginLossBackward0``).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.multi_margin_loss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]), torch.tensor([3]))
        tensor(0.3250)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if input.dim() > 2 or (input.dim() == 2 and target.dim() != 1) or target.dim() > 1:
        raise RuntimeError(
            "Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
            f"{list(input.shape)}"
        )
    t = target._data.astype(np.int64, copy=False)
    c = input.shape[-1] if input.dim() else 1
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError("target out of range")
    if weight is not None and (weight.dim() != 1 or weight.numel() != c):
        raise RuntimeError(f"inconsistent weight size, expected {c} but got {list(weight.shape)}")
    w = None if weight is None else weight._data
    return _N.multi_margin_loss(input, t, p, margin, w, reduction)


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0.0,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1.

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> a, b = torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 1.0]])
        >>> F.cosine_embedding_loss(a, b, torch.tensor([1.0]))
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    td = target.dim()
    if td not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if td == 1 and not (input1.dim() == 2 and input2.dim() == 2):
        raise RuntimeError(
            "1D target tensor expects 2D input tensors, but found inputs with sizes "
            f"{list(input1.shape)} and {list(input2.shape)}."
        )
    if td == 0 and not (input1.dim() == 1 and input2.dim() == 1):
        raise RuntimeError(
            "0D target tensor expects 1D input tensors, but found inputs with sizes "
            f"{list(input1.shape)} and {list(input2.shape)}."
        )
    prod_sum = (input1 * input2).sum(td)
    mag1 = (input1 * input1).sum(td) + 1e-12
    mag2 = (input2 * input2).sum(td) + 1e-12
    cos = prod_sum / (mag1 * mag2).sqrt()
    zeros = _c.zeros_like(cos)
    pos = 1 - cos
    neg = (cos - margin).clamp_min(0)
    out = _c.where(target == 1, pos, zeros) + _c.where(target == -1, neg, zeros)
    return _apply_reduction(out, reduction)


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0) with ``pairwise_distance`` (``swap``: the smaller of
    d(a, n) and d(p, n)).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> a = torch.tensor([[0.0, 0.0]])
        >>> F.triplet_margin_loss(a, a, torch.tensor([[3.0, 4.0]]), eps=0.0)
        tensor(0.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    da, dp, dn = anchor.dim(), positive.dim(), negative.dim()
    if not (da == dp == dn):
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {da}D, positive {dp}D, and negative {dn}D inputs"
        )
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = _c.min(d_neg, pairwise_distance(positive, negative, p, eps))
    out = (margin + d_pos - d_neg).clamp_min(0)
    return _apply_reduction(out, reduction)


def triplet_margin_with_distance_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    *,
    distance_function: Any = None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """``triplet_margin_loss`` with any distance function (default ``pairwise_distance``).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> a = torch.tensor([[0.0, 0.0]])
        >>> F.triplet_margin_with_distance_loss(a, a, torch.tensor([[3.0, 4.0]]))
        tensor(0.)
    """
    if margin <= 0:
        raise ValueError(
            f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} instead"
        )
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = _c.minimum(d_neg, dist(positive, negative))
    out = (margin + d_pos - d_neg).clamp_min(0)
    return _apply_reduction(out, reduction)


# ---------------------------------------------------------------- more dropout


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _noise(input: Tensor, p: float, feature: bool) -> np.ndarray:
    """Bernoulli(1 - p) draws: one per element, or one per (sample, channel)."""
    arr = input._data
    shape = arr.shape[:2] + (1,) * (arr.ndim - 2) if feature else arr.shape
    return (_c.default_generator.rng.random(shape) < 1.0 - p).astype(arr.dtype)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
    if not training or p == 0 or input.numel() == 0:
        return input
    if p == 1:
        m = wrap(np.zeros((), input._data.dtype))
    else:
        m = wrap(_noise(input, p, True) / input._data.dtype.type(1 - p))
    return input.mul_(m) if inplace else input * m


def dropout1d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:  # noqa: A002
    """Zero whole channels of (N, C, L) or (C, L) inputs with probability ``p``.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.dropout1d(torch.ones(2, 3), training=False)
        tensor([[1., 1., 1.],
                [1., 1., 1.]])
    """
    _check_p(p)
    d = input.dim()
    if d not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {d}D input. Note that dropout1d "
            "exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
            "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs)."
        )
    if d == 2:
        x = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
        out = _feature_dropout(x, p, training, inplace)
        return out.squeeze_(0) if inplace else out.squeeze(0)
    return _feature_dropout(input, p, training, inplace)


def dropout2d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:  # noqa: A002
    """Zero whole channels of (N, C, H, W) inputs with probability ``p``.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.dropout2d(torch.ones(1, 2, 2, 2), training=False).sum()
        tensor(8.)
    """
    _check_p(p)
    d = input.dim()
    if d not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {d}-D input to dropout2d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout2d exists to provide "
            "channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, "
            "and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if d == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    return _feature_dropout(input, p, training, inplace)


def dropout3d(
    input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
) -> Tensor:  # noqa: A002
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability ``p``.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.dropout3d(torch.ones(1, 2, 1, 1, 1), training=False).sum()
        tensor(2.)
    """
    _check_p(p)
    d = input.dim()
    if d not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {d}-D input to dropout3d, which is deprecated and will "
            "result in an error in a future release. To retain the behavior and silence this "
            "warning, please use dropout instead. Note that dropout3d exists to provide "
            "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, "
            "and an optional batch dimension (i.e. 4D or 5D inputs).",
            stacklevel=2,
        )
    if d == 4:
        x = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
        out = _feature_dropout(x, p, training, inplace)
        return out.squeeze_(0) if inplace else out.squeeze(0)
    return _feature_dropout(input, p, training, inplace)


_SELU_ALPHA_PRIME = 1.7580993408473766


def _alpha_dropout(input: Tensor, p: float, training: bool, inplace: bool, feature: bool):
    _check_p(p)
    if p == 0 or not training or input.numel() == 0:
        return input
    dt = input._data.dtype
    if p == 1:
        m = wrap(np.zeros((), dt))
        return input.mul_(m) if inplace else input * m
    noise = _noise(input, p, feature)
    alpha = _SELU_ALPHA_PRIME
    a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    b = wrap(((noise - 1) * (alpha * a) + alpha * a * p).astype(dt))
    m = wrap((noise * a).astype(dt))
    out = input.mul_(m) if inplace else input * m
    return out.add_(b) if inplace else out + b


def alpha_dropout(
    input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False
) -> Tensor:  # noqa: A002
    """Dropout that keeps SELU's self-normalising mean and variance (dropped values set to
    SELU's negative saturation, then an affine correction).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.alpha_dropout(torch.ones(3), 0.5)
        tensor([1., 1., 1.])
    """
    return _alpha_dropout(input, p, training, inplace, False)


def feature_alpha_dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = False,
    inplace: bool = False,  # noqa: A002
) -> Tensor:
    """``alpha_dropout`` of whole channels.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.feature_alpha_dropout(torch.ones(1, 2, 2), 0.5).sum()
        tensor(4.)
    """
    return _alpha_dropout(input, p, training, inplace, True)


def gumbel_softmax(
    logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1
) -> Tensor:
    """Samples from the Gumbel-softmax distribution (``hard``: one-hot forward, soft gradient).

    Example:
        >>> import chainrule as torch
        >>> y = torch.nn.functional.gumbel_softmax(torch.zeros(2, 3), hard=True)
        >>> y.sum(-1)
        tensor([1., 1.])
    """
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    dt = logits._data.dtype
    gumbels = wrap(-np.log(_c.default_generator.rng.exponential(size=logits.shape)).astype(dt))
    gumbels = (logits + gumbels) / tau
    y_soft = gumbels.softmax(dim)
    if hard:
        index = y_soft.max(dim, keepdim=True)[1]
        y_hard = _c.zeros_like(logits).scatter_(dim, index, 1.0)
        return y_hard - y_soft.detach() + y_soft
    return y_soft


# ---------------------------------------------------------------- activations


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """max(x, 0)."""
    return input.relu_() if inplace else input.relu()


def relu_(input: Tensor) -> Tensor:  # noqa: A002
    return input.relu_()


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    return input.tanh()


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:  # noqa: A002
    """x for x > 0, else negative_slope * x.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.leaky_relu(torch.tensor([-1.0, 2.0]), 0.1)
        tensor([-0.1000,  2.0000])
    """
    return _act.leaky_relu(input, negative_slope, inplace)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:  # noqa: A002
    """In-place ``leaky_relu`` (``LeakyReluBackward1``)."""
    return _act.leaky_relu(input, negative_slope, True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """x * Φ(x) (or the tanh approximation)."""
    return _act.gelu(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x * sigmoid(x)."""
    return _act.silu(input, inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x * tanh(softplus(x)).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.mish(torch.tensor([1.0]))
        tensor([0.8651])
    """
    return _act.mish(input, inplace)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """x for x > 0, else alpha * (exp(x) - 1).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.elu(torch.tensor([-1.0, 1.0]))
        tensor([-0.6321,  1.0000])
    """
    return _act.elu(input, alpha, inplace)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """In-place ``elu`` (``EluBackward1``)."""
    return _act.elu(input, alpha, True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """scale * elu(x, alpha) with SELU's constants (alpha ≈ 1.6733, scale ≈ 1.0507).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.selu(torch.tensor([-1.0, 1.0]))
        tensor([-1.1113,  1.0507])
    """
    return _act.selu(input, inplace)


def selu_(input: Tensor) -> Tensor:  # noqa: A002
    """In-place ``selu``."""
    return _act.selu(input, True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.celu(torch.tensor([-1.0, 1.0]), alpha=2.0)
        tensor([-0.7869,  1.0000])
    """
    return _act.celu(input, alpha, inplace)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """In-place ``celu``."""
    return _act.celu(input, alpha, True)


def hardtanh(
    input: Tensor,  # noqa: A002
    min_val: float = -1.0,
    max_val: float = 1.0,
    inplace: bool = False,
) -> Tensor:
    """x clamped to [min_val, max_val] (gradient 1 strictly inside, else 0).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.hardtanh(torch.tensor([-2.0, 0.5, 3.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    return _act.hardtanh(input, min_val, max_val, inplace)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:  # noqa: A002
    """In-place ``hardtanh``."""
    return _act.hardtanh(input, min_val, max_val, True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """min(max(x, 0), 6): ``hardtanh(x, 0, 6)``, as PyTorch records it (HardtanhBackward0).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.relu6(torch.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return _act.hardtanh(input, 0.0, 6.0, inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """x * relu6(x + 3) / 6.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.hardswish(torch.tensor([-4.0, 0.0, 1.0, 4.0]))
        tensor([-0.0000,  0.0000,  0.6667,  4.0000])
    """
    return _act.hardswish(input, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """relu6(x + 3) / 6.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.hardsigmoid(torch.tensor([-4.0, 0.0, 4.0]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    return _act.hardsigmoid(input, inplace)


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """log(sigmoid(x)), computed stably.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.logsigmoid(torch.tensor([0.0]))
        tensor([-0.6931])
    """
    return _act.logsigmoid(input)


def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """x / (1 + |x|) (a composite, as in PyTorch: DivBackward0).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.softsign(torch.tensor([1.0, -3.0]))
        tensor([ 0.5000, -0.7500])
    """
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """x - tanh(x) (SubBackward0, as in PyTorch).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.tanhshrink(torch.tensor([0.0]))
        tensor([0.])
    """
    return input - input.tanh()


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x - lambd above lambd, x + lambd below -lambd, else 0.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.softshrink(torch.tensor([-1.0, 0.2, 2.0]))
        tensor([-0.5000,  0.0000,  1.5000])
    """
    return _act.softshrink(input, lambd)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """x where |x| > lambd, else 0.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.hardshrink(torch.tensor([-1.0, 0.2, 2.0]))
        tensor([-1.,  0.,  2.])
    """
    return _act.hardshrink(input, lambd)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:  # noqa: A002
    """x where x > threshold, else value.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.threshold(torch.tensor([0.5, 2.0]), 1.0, -1.0)
        tensor([-1.,  2.])
    """
    return _act.threshold(input, threshold, value, inplace)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:  # noqa: A002
    """In-place ``threshold`` (``ThresholdBackward1``)."""
    return _act.threshold(input, threshold, value, True)


def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """a * sigmoid(b) for the two halves a, b of ``input`` along ``dim``.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.glu(torch.tensor([1.0, 2.0, 0.0, 0.0]))
        tensor([0.5000, 1.0000])
    """
    return _act.glu(input, dim)


def prelu(input: Tensor, weight: Tensor) -> Tensor:  # noqa: A002
    """x for x > 0, else weight * x, with one weight or one per channel (dim 1).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.prelu(torch.tensor([-2.0, 2.0]), torch.tensor([0.25]))
        tensor([-0.5000,  2.0000])
    """
    return _act.prelu(input, weight)


def rrelu(
    input: Tensor,  # noqa: A002
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """Randomized leaky ReLU: a slope ~ U(lower, upper) per element in training, the mean
    slope (lower + upper) / 2 otherwise.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.rrelu(torch.tensor([-1.0, 1.0]), 0.1, 0.3)
        tensor([-0.2000,  1.0000])
    """
    return _act.rrelu(input, lower, upper, training, inplace, _c.default_generator)


def rrelu_(
    input: Tensor,  # noqa: A002
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
) -> Tensor:
    """In-place ``rrelu``."""
    return _act.rrelu(input, lower, upper, training, True, _c.default_generator)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """log(1 + exp(beta * x)) / beta, linear above ``threshold``."""
    return _act.softplus(input, beta, threshold)


def _softmax_dim(ndim: int, name: str = "softmax") -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
        "dim=X as an argument.",
        UserWarning,
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:  # noqa: A002
    """exp(x) / sum(exp(x)) along ``dim``."""
    if dim is None:
        dim = _softmax_dim(input.dim())
    if dtype is not None:
        input = input.to(dtype)
    return _op("softmax")(input, dim)


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:  # noqa: A002
    """x - logsumexp(x) along ``dim``."""
    if dim is None:
        dim = _softmax_dim(input.dim(), "log_softmax")
    if dtype is not None:
        input = input.to(dtype)
    return _op("log_softmax")(input, dim)


def softmin(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:  # noqa: A002
    """softmax(-x) along ``dim``.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.softmin(torch.tensor([0.0, 0.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    if dim is None:
        dim = _softmax_dim(input.dim(), "softmin")
    return _op("softmax")(-input, dim, dtype)


# ---------------------------------------------------------------- losses


def _reduction(size_average: Any, reduce: Any, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        sa = True if size_average is None else size_average
        rd = True if reduce is None else reduce
        warnings.warn(
            "size_average and reduce args will be deprecated, please use reduction='"
            + ("none" if not rd else "mean" if sa else "sum")
            + "' instead.",
            UserWarning,
            stacklevel=3,
        )
        return "none" if not rd else "mean" if sa else "sum"
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _check_same_size(input: Tensor, target: Tensor, name: str) -> None:  # noqa: A002
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def _broadcast_pair(input, target):
    if tuple(input.shape) == tuple(target.shape):
        return input, target
    try:
        shape = np.broadcast_shapes(tuple(input.shape), tuple(target.shape))
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({input.shape[-1]}) must match the size of tensor b "
            f"({target.shape[-1]}) at non-singleton dimension {max(input.dim(), target.dim()) - 1}"
        ) from None
    return input.expand(shape), target.expand(shape)


def mse_loss(
    input, target, size_average=None, reduce=None, reduction="mean", weight=None
) -> Tensor:  # noqa: A002
    """Mean squared error.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.mse_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))
        tensor(2.)
    """
    _check_same_size(input, target, "mse_loss")
    reduction = _reduction(size_average, reduce, reduction)
    input, target = _broadcast_pair(input, target)
    return _N.mse_loss(input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None) -> Tensor:  # noqa: A002
    """Mean absolute error."""
    _check_same_size(input, target, "l1_loss")
    reduction = _reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def smooth_l1_loss(
    input, target, size_average=None, reduce=None, reduction="mean", beta=1.0
) -> Tensor:  # noqa: A002
    """Quadratic below ``beta``, linear above (divided by beta)."""
    _check_same_size(input, target, "smooth_l1_loss")
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:  # torch falls back to the L1 loss
        return l1_loss(input, target, reduction=reduction)
    input, target = _broadcast_pair(input, target)
    return _N.smooth_l1_loss(input, target, reduction, beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None) -> Tensor:  # noqa: A002
    """Quadratic below ``delta``, linear (scaled by delta) above."""
    _check_same_size(input, target, "huber_loss")
    input, target = _broadcast_pair(input, target)
    return _N.huber_loss(input, target, _reduction(None, None, reduction), delta)


def _check_target(input: Tensor, target: Tensor, fn: str) -> None:  # noqa: A002
    if target.dtype not in (_c.int64, _c.int32, _c.uint8, _c.int16, _c.int8):
        raise RuntimeError(f"expected scalar type Long but found {_word(target)}")
    if input.dim() == 1:
        if target.dim() != 0:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        return
    if target.dim() != input.dim() - 1 or (input.dim() == 2 and target.shape[0] != input.shape[0]):
        if input.dim() == 2 and target.dim() == 1:
            raise ValueError(
                f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                f"({target.shape[0]})."
            )
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if tuple(target.shape) != (input.shape[0],) + tuple(input.shape[2:]):
        raise RuntimeError(
            f"Expected target size {[input.shape[0]] + list(input.shape[2:])}, got "
            f"{list(target.shape)}"
        )


def nll_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood of class indices given log-probabilities (N, C, ...).

    Example:
        >>> import chainrule as torch
        >>> logp = torch.tensor([[-0.5, -1.0]])
        >>> torch.nn.functional.nll_loss(logp, torch.tensor([1]))
        tensor(1.)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    _check_target(input, target, "nll_loss")
    t = target._data.astype(np.int64, copy=False)
    c = input.shape[0] if input.dim() == 1 else input.shape[1]
    bad = (t != ignore_index) & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(f"Target {int(t[bad].reshape(-1)[0])} is out of bounds.")
    return _N.nll_loss(input, t, weight, reduction, ignore_index)


def cross_entropy(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """log_softmax over the class dim, then ``nll_loss`` (class indices) or a soft-target
    cross entropy (class probabilities), with optional label smoothing.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.cross_entropy(torch.zeros(1, 4), torch.tensor([2]))
        tensor(1.3863)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    cdim = 0 if input.dim() == 1 else 1
    logp = log_softmax(input, cdim)
    c = input.shape[cdim]
    if target.is_floating_point():
        # class probabilities
        if tuple(target.shape) != tuple(input.shape):
            raise RuntimeError(
                f"Expected target size {list(input.shape)}, got {list(target.shape)}"
            )
        if label_smoothing > 0:
            target = target * (1 - label_smoothing) + label_smoothing / c
        wshape = [1] * input.dim()
        wshape[cdim] = c
        prod = logp * target if weight is None else logp * target * weight.reshape(wshape)
        # same association as torch's kernel (so the node names match too)
        if reduction == "mean":
            return -prod.sum() / (input.numel() // c)
        if reduction == "sum":
            return -prod.sum()
        return -prod.sum(cdim)
    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing <= 0:
        return nll
    keep = target._data != ignore_index
    if weight is not None:
        wshape = [1] * input.dim()
        wshape[cdim] = c
        smooth = -(logp * weight.reshape(wshape)).sum(cdim)
    else:
        smooth = -logp.sum(cdim)
    smooth = smooth * wrap(keep.astype(logp._data.dtype))
    if reduction == "mean":
        if weight is not None:
            t = target._data[keep]
            denom = weight._data[t].sum()
        else:
            denom = keep.sum()
        ret = smooth.sum() / float(denom)
    elif reduction == "sum":
        ret = smooth.sum()
    else:
        ret = smooth
    return (1 - label_smoothing) * nll + ret * (label_smoothing / c)


def binary_cross_entropy(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """-[y log x + (1 - y) log(1 - x)] with logs clamped at -100, like torch.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    d = input._data
    if d.size and ((d < 0).any() or (d > 1).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    return _N.binary_cross_entropy(input, target, weight, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,  # noqa: A002
    target: Tensor,
    weight: Tensor | None = None,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Sigmoid + binary cross entropy in one numerically stable step.

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.binary_cross_entropy_with_logits(torch.tensor([0.0]), torch.tensor([1.0]))
        tensor(0.6931)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    return _N.binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction)


# ---------------------------------------------------------------- misc


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices to one-hot int64 vectors (last dim ``num_classes``).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.one_hot(torch.tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    if tensor.dtype != _c.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    t = tensor._data
    if num_classes == -1:
        if not t.size:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    if t.size and (t.min() < 0):
        raise RuntimeError("Class values must be non-negative.")
    if t.size and t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return wrap((t[..., None] == np.arange(num_classes)).astype(np.int64))


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:  # noqa: A002
    """Pad the last dims (``pad`` = (left, right, top, bottom, ...)); constant mode."""
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if mode == "constant":
        return _N.constant_pad(input, tuple(pad), 0.0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise AssertionError(f'Padding mode "{mode}" doesn\'t take in value argument')
    nd = len(pad) // 2
    if nd not in (1, 2, 3) or input.dim() not in (nd + 1, nd + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.dim()}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
        )
    return _N.mode_pad(input, tuple(pad), mode)


def normalize(
    input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None
) -> Tensor:  # noqa: A002
    """x / max(||x||_p, eps) along ``dim``."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps)
    return input / denom.expand_as(input)


# ---------------------------------------------------------------- attention
from ._attention import (  # noqa: E402, F401  (torch exposes these private helpers too)
    _canonical_mask,
    _in_projection,
    _in_projection_packed,
    _mha_shape_check,
    _none_or_dtype,
    multi_head_attention_forward,
    scaled_dot_product_attention,
)

__all__ += ["scaled_dot_product_attention", "multi_head_attention_forward"]


# ---------------------------------------------------------------- channel shuffle, multilabel margin


def channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """Split the C channels into ``groups`` and interleave them: (N, C, *) -> (N, C, *)
    (``ChannelShuffleBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.channel_shuffle(torch.arange(4.0).reshape(1, 4, 1), 2).flatten()
        tensor([0., 2., 1., 3.])
    """
    if input.dim() <= 2:
        raise RuntimeError(
            f"channel_shuffle expects input with > 2 dims, but got input with sizes "
            f"{list(input.shape)}"
        )
    if groups <= 0:
        raise RuntimeError(
            f"Number of groups to divide channels in must be positive. Value of groups:{groups}"
        )
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(
            f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups."
        )
    return _N.channel_shuffle(input, groups)


def multilabel_margin_loss(
    input: Tensor,  # noqa: A002
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Multi-label hinge loss Σ_j Σ_{i∉y} max(0, 1 - (x[y_j] - x[i])) / C, ``target`` holding
    the class indices of each sample, ended by the first -1 (``MultilabelMarginLossBackward0``).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> F.multilabel_margin_loss(torch.tensor([[0.1, 0.2, 0.4, 0.8]]),
        ...                          torch.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if target.dtype != _c.int64:
        raise RuntimeError(f"expected scalar type Long but found {_word(target)}")
    nd = input.dim()
    c = input.shape[-1] if nd else 1
    ok = (nd <= 1 and target.dim() <= 1 and target.numel() == c) or (
        nd == 2 and tuple(target.shape) == tuple(input.shape)
    )
    if not ok:
        raise RuntimeError(
            f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}"
        )
    t = target._data
    if t.size and (t.min() < -1 or t.max() >= c):
        raise RuntimeError("argument #2 'target' is out of range")
    return _N.multilabel_margin_loss(input, t, reduction)


def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """``channel_shuffle`` (PyTorch's native kernel name)."""
    return channel_shuffle(input, groups)


__all__ += ["channel_shuffle", "native_channel_shuffle", "multilabel_margin_loss", "embedding_bag"]


# ---------------------------------------------------------------- spatial transformers

_GRID_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_GRID_PADDINGS = {"zeros": 0, "border": 1, "reflection": 2}
_ALIGN_WARNING = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False since "
    "1.3.0. Please specify align_corners=True if the old behavior is desired. See the "
    "documentation of grid_sample for details."
)


def _type_name(v: Any) -> str:
    """The type name PyTorch's argument parser prints (``numpy.ndarray``, ``NoneType``)."""
    t = type(v)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def _grid_sampler_check(input: Any, grid: Any, mode: int, align_corners: Any) -> None:
    """``torch.grid_sampler``'s argument, shape and dtype checks, in its order."""
    for pos, (arg, v) in enumerate((("input", input), ("grid", grid)), 1):
        if not isinstance(v, Tensor):
            raise TypeError(
                f"grid_sampler(): argument '{arg}' (position {pos}) must be Tensor, not "
                f"{_type_name(v)}"
            )
    if not isinstance(align_corners, bool):
        raise TypeError(
            "grid_sampler(): argument 'align_corners' (position 5) must be bool, not "
            f"{_type_name(align_corners)}"
        )
    if input.dim() == 0 or grid.dim() == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    isz, gsz = list(input.shape), list(grid.shape)
    if isz[0] != gsz[0]:
        raise RuntimeError(
            "grid_sampler(): expected grid and input to have same batch size, but got input "
            f"with sizes {isz} and grid with sizes {gsz}"
        )
    if gsz[-1] != input.dim() - 2:
        raise RuntimeError(
            f"grid_sampler(): expected grid to have size {input.dim() - 2} in last dimension, "
            f"but got grid with sizes {gsz}"
        )
    for i in range(2, input.dim()):
        if isz[i] <= 0:
            raise RuntimeError(
                "grid_sampler(): expected input to have non-empty spatial dimensions, but "
                f"input has sizes {isz} with dimension {i} being empty"
            )
    two_d = input.dim() == 4
    if two_d and grid.dim() != 4:
        raise RuntimeError(
            "grid_sampler(): expected 4D input and grid with same number of dimensions, but "
            f"got input with sizes {isz} and grid with sizes {gsz}"
        )
    if not two_d:
        if input.dim() != 5 or grid.dim() != 5:
            raise RuntimeError(
                "grid_sampler(): expected 5D input and grid with same number of dimensions, "
                f"but got input with sizes {isz} and grid with sizes {gsz}"
            )
        if mode == 2:
            raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    # the 2-d kernel returns early for an empty output; the 3-d one dispatches on the dtype
    empty = isz[0] * isz[1] * math.prod(gsz[1:-1]) == 0
    if empty and two_d:
        return
    if input._data.dtype.kind != "f":
        kernel = "grid_sampler_2d_cpu_kernel_impl" if two_d else "grid_sampler3d_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_word(input)}'")
    if not empty and grid.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {_word(input)} but found {_word(grid)}")


def grid_sample(
    input: Tensor,  # noqa: A002
    grid: Tensor,
    mode: str = "bilinear",
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> Tensor:
    """Sample ``input`` (N, C, H, W) or (N, C, D, H, W) at the normalised coordinates of
    ``grid`` (N, H_out, W_out, 2) or (N, D_out, H_out, W_out, 3), last dim (x, y[, z]) in
    [-1, 1]; ``mode`` "bilinear", "nearest" (round half to even) or "bicubic" (4-D only),
    ``padding_mode`` "zeros", "border" or "reflection" for points outside. Differentiable in
    ``input`` and ``grid`` (node ``GridSampler2DBackward0`` / ``GridSampler3DBackward0``),
    twice as well.

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> x = torch.arange(4.0).reshape(1, 1, 2, 2)
        >>> grid = torch.tensor([[[[-1.0, -1.0], [0.0, 0.0], [1.0, 0.5]]]])
        >>> F.grid_sample(x, grid, align_corners=True)
        tensor([[[[0.0000, 1.5000, 2.5000]]]])
        >>> F.grid_sample(x, grid, mode="nearest", padding_mode="border", align_corners=False)
        tensor([[[[0., 0., 3.]]]])
    """
    if not isinstance(mode, str) or mode not in _GRID_MODES:
        raise ValueError(
            "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
            f"'bicubic', but got: '{mode}'"
        )
    if not isinstance(padding_mode, str) or padding_mode not in _GRID_PADDINGS:
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
            f"'reflection', but got: '{padding_mode}'"
        )
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    mode_enum, pad_enum = _GRID_MODES[mode], _GRID_PADDINGS[padding_mode]
    _grid_sampler_check(input, grid, mode_enum, align_corners)
    return _N.grid_sampler(input, grid, mode_enum, pad_enum, bool(align_corners))


def affine_grid(theta: Tensor, size: Any, align_corners: bool | None = None) -> Tensor:
    """The sampling grid of a batch of affine maps, for ``grid_sample``: ``theta`` (N, 2, 3)
    with ``size`` (N, C, H, W) gives (N, H, W, 2); (N, 3, 4) with (N, C, D, H, W) gives
    (N, D, H, W, 3). Each output point's normalised coordinates (x, y[, z], 1) times thetaᵀ
    (node ``AffineGridGeneratorBackward0``).

    Example:
        >>> import chainrule as torch
        >>> F = torch.nn.functional
        >>> theta = torch.tensor([[[1.0, 0.0, 0.5], [0.0, -1.0, 0.0]]])
        >>> F.affine_grid(theta, (1, 1, 2, 2), align_corners=True)
        tensor([[[[-0.5000,  1.0000],
                  [ 1.5000,  1.0000]],
        <BLANKLINE>
                 [[-0.5000, -1.0000],
                  [ 1.5000, -1.0000]]]])
    """
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(
                f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. "
                f"Got {theta.shape}."
            )
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(
                f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. "
                f"Got {theta.shape}."
            )
        spatial = size[-3:]
    else:
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {size}."
        )
    if align_corners and min(spatial) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
            "align_corners=True. This is not an intended use case of affine_grid. See the "
            "documentation of affine_grid for details.",
            stacklevel=2,
        )
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if isinstance(size, Tensor):
        raise TypeError(
            "affine_grid_generator(): argument 'size' (position 2) must be tuple of ints, "
            "not Tensor"
        )
    for k, v in enumerate(size):
        if not isinstance(v, (numbers.Integral, Tensor)) or isinstance(v, bool):
            raise TypeError(
                f"affine_grid_generator(): argument 'size' failed to unpack the object at pos "
                f'{k + 1} with error "type must be tuple of ints,but got {_type_name(v)}"'
            )
    n = int(size[0])
    if theta.shape[0] != n:
        nd = len(size) - 1
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{n}, {nd}] but "
            f"got: [{theta.shape[0]}, {nd}]."
        )
    return _N.affine_grid(theta, tuple(int(v) for v in size), bool(align_corners))


__all__ += ["affine_grid", "grid_sample"]
