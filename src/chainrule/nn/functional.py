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
from ..ops import activation as _act
from ..ops import nn_ops as _N
from ..ops._registry import PUBLIC as _PUBLIC

__all__ = [
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
        raise NotImplementedError(f"chainrule.{name} is not available")
    return fn


def _has(name: str) -> bool:
    return name in _PUBLIC


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
    """``y_k = x1^T W_k x2 + b_k`` for weight of shape (out, in1, in2)."""
    # sum_ij x1_i W_kij x2_j as one matmul (x1 against W laid out as in1 x (out*in2))
    out_f, in1, in2 = weight.shape
    t = input1.matmul(weight.permute(1, 0, 2).reshape(in1, out_f * in2))
    t = t.reshape(*input1.shape[:-1], out_f, in2)
    out = (t * input2.unsqueeze(-2)).sum(-1)
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
    h, w = x.shape[-2:]
    oh = _N._pool_out(h, k[0], s[0], p[0], d[0], bool(ceil))
    ow = _N._pool_out(w, k[1], s[1], p[1], d[1], bool(ceil))
    if oh <= 0 or ow <= 0:
        c = x.shape[-3] if x.dim() >= 3 else 1
        raise RuntimeError(
            f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{max(oh, 0)}x"
            f"{max(ow, 0)}). Output size is too small"
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


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):  # noqa: A002
    """Max over sliding windows of the last dim."""
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, 1)
    out, idx = _N.max_pool2d_with_indices(
        input.unsqueeze(-2), (1,) + k, (1,) + s, (0,) + p, (1,) + d, bool(ceil_mode)
    )
    out = out.squeeze(-2)
    return (out, idx.squeeze(-2)) if return_indices else out


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


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):  # noqa: A002
    """Mean over sliding windows of the last dim."""
    k, s, p, _ = _pool_args(kernel_size, stride, padding, 1, 1)
    out = _N.avg_pool2d(
        input.unsqueeze(-2),
        (1,) + k,
        (1,) + s,
        (0,) + p,
        bool(ceil_mode),
        bool(count_include_pad),
        None,
    )
    return out.squeeze(-2)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    """Average pooling to a fixed output size (input sizes divisible by it, or output 1)."""
    osz = _tuple(output_size, 2, "output_size")
    h, w = input.shape[-2:]
    osz = tuple(h if o is None else o for o in osz)
    if h % osz[0] or w % osz[1]:
        raise NotImplementedError(
            "chainrule: adaptive_avg_pool2d needs input sizes divisible by the output size"
        )
    if osz == (1, 1):  # PyTorch takes the mean (MeanBackward1)
        return input.mean((-2, -1), keepdim=True)
    k = (h // osz[0], w // osz[1])
    return _N.avg_pool2d(input, k, k, (0, 0), False, True, None)


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
    if scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "chainrule: embedding with scale_grad_by_freq=True or sparse=True is not supported"
        )
    idx = input._data
    n = weight.shape[0]
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise IndexError("index out of range in self")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += n
    if max_norm is not None:
        rows = np.unique(idx)
        with _c.no_grad():
            sel = weight._data[rows]
            norms = np.linalg.norm(sel.reshape(len(rows), -1), ord=norm_type, axis=1)
            scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
            weight._data[rows] = sel * scale[:, None].astype(sel.dtype)
            weight._vc[0] += 1
    return _N.embedding(weight, idx, padding_idx)


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
        keep = _c.default_generator.rng.random(arr.shape) >= p
        mask = keep.astype(arr.dtype) * arr.dtype.type(1.0 / (1.0 - p))
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
        num_classes = int(t.max()) + 1 if t.size else 0
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
