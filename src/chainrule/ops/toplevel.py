"""PyTorch's top-level functions that are other functions under another name or argument order
(``torch.conv2d``, ``torch.batch_norm``, ``torch.embedding(weight, indices)``, ``torch.dropout(x,
p, train)`` ...), window functions, ``torch.range``, ``cumulative_trapezoid``, and the global
settings scripts set (threads, determinism, matmul precision, default device and tensor type).

The nn ones call ``chainrule.nn.functional`` (loaded on first call), so their gradients and node
names are those of the functional forms. Loaded on first use of one of its names (``_lazy``).

Example:
    >>> import chainrule as torch
    >>> torch.hann_window(4)
    tensor([0.0000, 0.5000, 1.0000, 0.5000])
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _creation as C
from .. import _dtype as D
from .._cwarn import cpp_warn
from .._tensor import Tensor, check_device
from ._registry import PUBLIC, expose


def _F():
    from ..nn import functional

    return functional


def _no_stride(stride: Any) -> Any:
    """ATen's ``stride=[]`` (the default) means the kernel size, ``None`` in nn.functional."""
    return None if stride is None or (isinstance(stride, (list, tuple)) and not stride) else stride


# ---------------------------------------------------------------- nn functions, ATen's names
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:  # noqa: A002
    """``torch.conv1d``: ``nn.functional.conv1d``.

    Example:
        >>> import chainrule as torch
        >>> torch.conv1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2))
        tensor([[[2., 2., 2.]]])
    """
    return _F().conv1d(input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:  # noqa: A002
    """``torch.conv2d``: ``nn.functional.conv2d``.

    Example:
        >>> import chainrule as torch
        >>> torch.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2)).shape
        torch.Size([1, 1, 2, 2])
    """
    return _F().conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:  # noqa: A002
    """``torch.conv3d``: ``nn.functional.conv3d``.

    Example:
        >>> import chainrule as torch
        >>> torch.conv3d(torch.ones(1, 1, 2, 2, 2), torch.ones(1, 1, 2, 2, 2))
        tensor([[[[[8.]]]]])
    """
    return _F().conv3d(input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose(nd: int) -> Callable:
    def conv_transpose(
        input,  # noqa: A002
        weight,
        bias=None,
        stride=1,
        padding=0,
        output_padding=0,
        groups=1,
        dilation=1,
    ) -> Tensor:
        fn = getattr(_F(), f"conv_transpose{nd}d")
        return fn(input, weight, bias, stride, padding, output_padding, groups, dilation)

    conv_transpose.__name__ = conv_transpose.__qualname__ = f"conv_transpose{nd}d"
    conv_transpose.__doc__ = f"""``torch.conv_transpose{nd}d``: ``nn.functional.conv_transpose{nd}d``.

    Example:
        >>> import chainrule as torch
        >>> torch.conv_transpose{nd}d(torch.ones(1, 1{", 1" * nd}), torch.ones(1, 1{", 2" * nd})).shape
        torch.Size([1, 1{", 2" * nd}])
    """
    return conv_transpose


conv_transpose1d = _conv_transpose(1)
conv_transpose2d = _conv_transpose(2)
conv_transpose3d = _conv_transpose(3)


def batch_norm(
    input,  # noqa: A002
    weight,
    bias,
    running_mean,
    running_var,
    training: bool,
    momentum: float,
    eps: float,
    cudnn_enabled: bool,
) -> Tensor:
    """``torch.batch_norm`` (ATen's argument order: weight and bias before the running stats).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([[1.0], [3.0]])
        >>> torch.batch_norm(x, None, None, None, None, True, 0.1, 1e-5, False)
        tensor([[-1.0000],
                [ 1.0000]])
    """
    return _F().batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(
    input,  # noqa: A002
    weight,
    bias,
    running_mean,
    running_var,
    use_input_stats: bool,
    momentum: float,
    eps: float,
    cudnn_enabled: bool,
) -> Tensor:
    """``torch.instance_norm`` (ATen's argument order).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([[[1.0, 3.0]]])
        >>> torch.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False)
        tensor([[[-1.0000,  1.0000]]])
    """
    return _F().instance_norm(
        input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps
    )


def layer_norm(
    input,  # noqa: A002
    normalized_shape,
    weight=None,
    bias=None,
    eps: float = 1e-05,
    cudnn_enable: bool = True,
) -> Tensor:
    """``torch.layer_norm``: ``nn.functional.layer_norm``.

    Example:
        >>> import chainrule as torch
        >>> torch.layer_norm(torch.tensor([1.0, 2.0, 3.0]), (3,))
        tensor([-1.2247,  0.0000,  1.2247])
    """
    return _F().layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(
    input,  # noqa: A002
    num_groups: int,
    weight=None,
    bias=None,
    eps: float = 1e-05,
    cudnn_enabled: bool = True,
) -> Tensor:
    """``torch.group_norm``: ``nn.functional.group_norm``.

    Example:
        >>> import chainrule as torch
        >>> torch.group_norm(torch.tensor([[1.0, 3.0]]), 1)
        tensor([[-1.0000,  1.0000]])
    """
    return _F().group_norm(input, num_groups, weight, bias, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None) -> Tensor:  # noqa: A002
    """``torch.rms_norm``: ``nn.functional.rms_norm``.

    Example:
        >>> import chainrule as torch
        >>> torch.rms_norm(torch.tensor([3.0, 4.0]), (2,), eps=0.0)
        tensor([0.8485, 1.1314])
    """
    return _F().rms_norm(input, normalized_shape, weight, eps)


def _dropout(name: str, functional: str, inplace: bool) -> Callable:
    def dropout(input, p: float, train: bool = None) -> Tensor:  # noqa: A002
        if train is None:  # required, with PyTorch's message
            raise TypeError(f'{name}() missing 1 required positional arguments: "train"')
        return getattr(_F(), functional)(input, p, train, inplace)

    dropout.__name__ = dropout.__qualname__ = name
    dropout.__doc__ = f"""``torch.{name}(input, p, train)``: ``nn.functional.{functional}``
    {"in place" if inplace else ""} (``train`` has no default, as in PyTorch).

    Example:
        >>> import chainrule as torch
        >>> torch.{name}(torch.ones(3), 0.5, False)
        tensor([1., 1., 1.])
    """
    return dropout


dropout = _dropout("dropout", "dropout", False)
dropout_ = _dropout("dropout_", "dropout", True)
alpha_dropout = _dropout("alpha_dropout", "alpha_dropout", False)
alpha_dropout_ = _dropout("alpha_dropout_", "alpha_dropout", True)
feature_alpha_dropout = _dropout("feature_alpha_dropout", "feature_alpha_dropout", False)
feature_alpha_dropout_ = _dropout("feature_alpha_dropout_", "feature_alpha_dropout", True)


def embedding(
    weight,
    indices,
    padding_idx: int = -1,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """``torch.embedding(weight, indices)``: the table first (``nn.functional.embedding`` takes
    the indices first); ``padding_idx=-1`` means none, as in ATen.

    Example:
        >>> import chainrule as torch
        >>> torch.embedding(torch.eye(3), torch.tensor([2, 0]))
        tensor([[0., 0., 1.],
                [1., 0., 0.]])
    """
    pad = None if padding_idx is None or padding_idx == -1 else padding_idx
    return _F().embedding(
        indices, weight, padding_idx=pad, scale_grad_by_freq=scale_grad_by_freq, sparse=sparse
    )


def celu(input, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """``torch.celu``: ``nn.functional.celu``.

    Example:
        >>> import chainrule as torch
        >>> torch.celu(torch.tensor([-1.0, 1.0]))
        tensor([-0.6321,  1.0000])
    """
    return _F().celu(input, alpha)


def celu_(input, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """``torch.celu_``: ``celu`` in place."""
    return _F().celu(input, alpha, inplace=True)


def selu(input) -> Tensor:  # noqa: A002
    """``torch.selu``: ``nn.functional.selu``.

    Example:
        >>> import chainrule as torch
        >>> torch.selu(torch.tensor([1.0]))
        tensor([1.0507])
    """
    return _F().selu(input)


def selu_(input) -> Tensor:  # noqa: A002
    """``torch.selu_``: ``selu`` in place."""
    return _F().selu(input, inplace=True)


def threshold(input, threshold: float, value: float) -> Tensor:  # noqa: A002
    """``torch.threshold``: ``value`` where ``input <= threshold``.

    Example:
        >>> import chainrule as torch
        >>> torch.threshold(torch.tensor([1.0, 2.0]), 1.5, 0.0)
        tensor([0., 2.])
    """
    return _F().threshold(input, threshold, value)


def threshold_(input, threshold: float, value: float) -> Tensor:  # noqa: A002
    """``torch.threshold_``: ``threshold`` in place."""
    return _F().threshold(input, threshold, value, inplace=True)


def rrelu(input, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:  # noqa: A002
    """``torch.rrelu``: ``nn.functional.rrelu``.

    Example:
        >>> import chainrule as torch
        >>> torch.rrelu(torch.tensor([-1.0, 1.0]), 0.25, 0.25)
        tensor([-0.2500,  1.0000])
    """
    return _F().rrelu(input, lower, upper, training)


def rrelu_(input, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:  # noqa: A002
    """``torch.rrelu_``: ``rrelu`` in place."""
    return _F().rrelu(input, lower, upper, training, inplace=True)


def hardshrink(input, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``torch.hardshrink`` / ``Tensor.hardshrink``: zero where ``|input| <= lambd``.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([0.3, -1.0]).hardshrink()
        tensor([ 0., -1.])
    """
    return _F().hardshrink(input, lambd)


def prelu(input, weight) -> Tensor:  # noqa: A002
    """``torch.prelu`` / ``Tensor.prelu``: ``nn.functional.prelu``.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([-1.0, 2.0]).prelu(torch.tensor([0.25]))
        tensor([-0.2500,  2.0000])
    """
    return _F().prelu(input, weight)


def pixel_shuffle(input, upscale_factor: int) -> Tensor:  # noqa: A002
    """``torch.pixel_shuffle``: ``nn.functional.pixel_shuffle``.

    Example:
        >>> import chainrule as torch
        >>> torch.pixel_shuffle(torch.arange(4.0).view(1, 4, 1, 1), 2)
        tensor([[[[0., 1.],
                  [2., 3.]]]])
    """
    return _F().pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor: int) -> Tensor:  # noqa: A002
    """``torch.pixel_unshuffle``: ``nn.functional.pixel_unshuffle``.

    Example:
        >>> import chainrule as torch
        >>> torch.pixel_unshuffle(torch.arange(4.0).view(1, 1, 2, 2), 2).flatten()
        tensor([0., 1., 2., 3.])
    """
    return _F().pixel_unshuffle(input, downscale_factor)


def channel_shuffle(input, groups: int) -> Tensor:  # noqa: A002
    """``torch.channel_shuffle``: ``nn.functional.channel_shuffle``.

    Example:
        >>> import chainrule as torch
        >>> torch.channel_shuffle(torch.arange(4.0).view(1, 4, 1), 2).flatten()
        tensor([0., 2., 1., 3.])
    """
    return _F().channel_shuffle(input, groups)


def pdist(input, p: float = 2) -> Tensor:  # noqa: A002
    """``torch.pdist``: ``nn.functional.pdist``.

    Example:
        >>> import chainrule as torch
        >>> torch.pdist(torch.tensor([[0.0, 0.0], [3.0, 4.0]]))
        tensor([5.])
    """
    return _F().pdist(input, p)


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``torch.cosine_similarity``: ``nn.functional.cosine_similarity``.

    Example:
        >>> import chainrule as torch
        >>> torch.cosine_similarity(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """
    return _F().cosine_similarity(x1, x2, dim, eps)


def pairwise_distance(x1, x2, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """``torch.pairwise_distance``: ``nn.functional.pairwise_distance``.

    Example:
        >>> import chainrule as torch
        >>> torch.pairwise_distance(torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]))
        tensor([5.0000])
    """
    return _F().pairwise_distance(x1, x2, p, eps, keepdim)


def _max_pool(nd: int, with_indices: bool = False) -> Callable:
    def max_pool(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
        fn = getattr(_F(), f"max_pool{nd}d")
        return fn(
            input, kernel_size, _no_stride(stride), padding, dilation, ceil_mode, with_indices
        )

    name = f"max_pool{nd}d" + ("_with_indices" if with_indices else "")
    max_pool.__name__ = max_pool.__qualname__ = name
    max_pool.__doc__ = f"""``torch.{name}``: ``nn.functional.max_pool{nd}d`` (``stride=[]``, the
    default, is the kernel size){", returning (values, indices)" if with_indices else ""}.

    Example:
        >>> import chainrule as torch
        >>> torch.{name}(torch.arange(4.0).view(1, 1{", 1" * (nd - 1)}, 4), {(1,) * (nd - 1) + (2,)})\
{"[0]" if with_indices else ""}.flatten()
        tensor([1., 3.])
    """
    return max_pool


max_pool1d = _max_pool(1)
max_pool2d = _max_pool(2)
max_pool3d = _max_pool(3)
max_pool1d_with_indices = _max_pool(1, True)


def avg_pool1d(
    input,  # noqa: A002
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """``torch.avg_pool1d``: ``nn.functional.avg_pool1d``.

    Example:
        >>> import chainrule as torch
        >>> torch.avg_pool1d(torch.arange(4.0).view(1, 1, 4), 2)
        tensor([[[0.5000, 2.5000]]])
    """
    return _F().avg_pool1d(
        input, kernel_size, _no_stride(stride), padding, ceil_mode, count_include_pad
    )


def adaptive_avg_pool1d(input, output_size) -> Tensor:  # noqa: A002
    """``torch.adaptive_avg_pool1d``: ``nn.functional.adaptive_avg_pool1d``.

    Example:
        >>> import chainrule as torch
        >>> torch.adaptive_avg_pool1d(torch.arange(4.0).view(1, 1, 4), 2)
        tensor([[[0.5000, 2.5000]]])
    """
    return _F().adaptive_avg_pool1d(input, output_size)


def adaptive_max_pool1d(input, output_size) -> tuple:  # noqa: A002
    """``torch.adaptive_max_pool1d``: (values, indices), as ATen returns both.

    Example:
        >>> import chainrule as torch
        >>> torch.adaptive_max_pool1d(torch.arange(4.0).view(1, 1, 4), 2)[1]
        tensor([[[1, 3]]])
    """
    return _F().adaptive_max_pool1d(input, output_size, True)


def bilinear(input1, input2, weight, bias=None) -> Tensor:
    """``torch.bilinear``: ``nn.functional.bilinear``.

    Example:
        >>> import chainrule as torch
        >>> torch.bilinear(torch.ones(1, 2), torch.ones(1, 3), torch.ones(1, 2, 3))
        tensor([[6.]])
    """
    return _F().bilinear(input1, input2, weight, bias)


def constant_pad_nd(input, pad, value: float = 0) -> Tensor:  # noqa: A002
    """``torch.constant_pad_nd``: ``nn.functional.pad`` with a constant.

    Example:
        >>> import chainrule as torch
        >>> torch.constant_pad_nd(torch.ones(2), (1, 0), 5.0)
        tensor([5., 1., 1.])
    """
    return _F().pad(input, tuple(pad), "constant", value)


_GRID_MODES = {0: "bilinear", 1: "nearest", 2: "bicubic"}
_GRID_PADDINGS = {0: "zeros", 1: "border", 2: "reflection"}


def grid_sampler(
    input,  # noqa: A002
    grid,
    interpolation_mode: int,
    padding_mode: int,
    align_corners: bool,
) -> Tensor:
    """``torch.grid_sampler``: ``nn.functional.grid_sample`` with ATen's integer modes
    (0 bilinear, 1 nearest, 2 bicubic; padding 0 zeros, 1 border, 2 reflection).

    Example:
        >>> import chainrule as torch
        >>> x = torch.arange(4.0).view(1, 1, 2, 2)
        >>> torch.grid_sampler(x, torch.zeros(1, 1, 1, 2), 0, 0, True)
        tensor([[[[1.5000]]]])
    """
    mode = _GRID_MODES.get(interpolation_mode, interpolation_mode)
    padding = _GRID_PADDINGS.get(padding_mode, padding_mode)
    return _F().grid_sample(input, grid, mode, padding, align_corners)


def affine_grid_generator(theta, size, align_corners: bool) -> Tensor:
    """``torch.affine_grid_generator``: ``nn.functional.affine_grid``.

    Example:
        >>> import chainrule as torch
        >>> torch.affine_grid_generator(torch.eye(2, 3).unsqueeze(0), [1, 1, 1, 2], True).shape
        torch.Size([1, 1, 2, 2])
    """
    return _F().affine_grid(theta, list(size), align_corners)


# ---------------------------------------------------------------- tensor functions
def detach(input: Tensor) -> Tensor:  # noqa: A002
    """``torch.detach(t)``: ``t.detach()``.

    Example:
        >>> import chainrule as torch
        >>> torch.detach(torch.ones(1, requires_grad=True)).requires_grad
        False
    """
    return input.detach()


def detach_(input: Tensor) -> Tensor:  # noqa: A002
    """``torch.detach_(t)``: ``t.detach_()``."""
    return input.detach_()


def is_same_size(input: Tensor, other: Tensor) -> bool:  # noqa: A002
    """Whether two tensors have the same shape (``torch.is_same_size`` / the method).

    Example:
        >>> import chainrule as torch
        >>> torch.ones(2).is_same_size(torch.zeros(2))
        True
    """
    return tuple(input.shape) == tuple(other.shape)


def fill(input: Tensor, value: Any) -> Tensor:  # noqa: A002
    """``torch.fill(t, value)``: a new tensor like ``t`` full of ``value`` (differentiable in a
    tensor ``value``, as ``fill_``).

    Example:
        >>> import chainrule as torch
        >>> torch.fill(torch.ones(3), 2.5)
        tensor([2.5000, 2.5000, 2.5000])
    """
    return input.clone().fill_(value)


def asarray(
    obj: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    copy: bool | None = None,
    requires_grad: bool | None = None,
) -> Tensor:
    """``torch.asarray``: share memory with ``obj`` (a tensor, a NumPy array) when no copy or
    cast is needed, else copy; ``requires_grad`` defaults to ``obj``'s.

    Example:
        >>> import chainrule as torch
        >>> t = torch.ones(2)
        >>> torch.asarray(t) is t, torch.asarray([1, 2])
        (True, tensor([1, 2]))
    """
    check_device(device)
    if isinstance(obj, Tensor):
        t = obj
        if dtype is not None and D.to_dtype(dtype) is not t.dtype:
            t = t.to(dtype)
        elif copy:
            t = t.clone()
        if requires_grad is not None and requires_grad != t.requires_grad:
            t = t.detach().requires_grad_(True) if requires_grad else t.detach()
        return t
    if copy is False and not isinstance(obj, np.ndarray) and not hasattr(obj, "__array__"):
        raise ValueError("Can't alias to a non-tensor, non-ndarray object. Set copy=True.")
    if isinstance(obj, np.ndarray) and not copy:
        t = C.as_tensor(obj, dtype=dtype)
    else:
        t = C.tensor(obj, dtype=dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def frombuffer(
    buffer: Any, *, dtype: Any, count: int = -1, offset: int = 0, requires_grad: bool = False
) -> Tensor:
    """A 1-D tensor over an object exposing the buffer protocol (memory shared).

    Example:
        >>> import chainrule as torch
        >>> torch.frombuffer(bytearray(b"\\x01\\x00\\x00\\x00\\x02\\x00\\x00\\x00"), dtype=torch.int32)
        tensor([1, 2], dtype=torch.int32)
    """
    dt = D.to_dtype(dtype)
    arr = np.frombuffer(buffer, dtype=dt.np, count=count, offset=offset)
    t = C.from_numpy(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


_RANGE_WARNING = (
    "torch.range is deprecated and will be removed in a future release because its behavior is "
    "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values "
    "in [start, end)."
)


def range(  # noqa: A001
    start: Any,
    end: Any = None,
    step: Any = 1,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Deprecated ``torch.range``: ``start`` to ``end`` *inclusive*, default float dtype.

    Example:
        >>> import warnings; warnings.simplefilter("ignore")
        >>> import chainrule as torch
        >>> torch.range(1, 4)
        tensor([1., 2., 3., 4.])
    """
    warnings.warn(_RANGE_WARNING, UserWarning, stacklevel=2)
    if end is None:
        raise TypeError('range() missing 1 required positional arguments: "end"')
    if step == 0:
        raise RuntimeError("step must be nonzero")
    values = [float(v) for v in (start, end, step)]
    if (values[1] - values[0]) * values[2] < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = int(math.floor((values[1] - values[0]) / values[2])) + 1
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    data = (values[0] + np.arange(n, dtype=np.float64) * values[2]).astype(dt.np)
    return C.tensor(data, dtype=dt, device=device, requires_grad=requires_grad)


# ---------------------------------------------------------------- window functions
def _window_start(name: str, window_length: int, dtype: Any) -> Any:
    if window_length < 0:
        raise RuntimeError(
            f"{name} requires non-negative window_length, got window_length={window_length}"
        )
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    if dt.np.kind != "f":
        raise RuntimeError(
            f"{name} expects floating point dtypes, got: TensorOptions(dtype={dt.cpp}, "
            "device=cpu, layout=Strided (default), requires_grad=false (default), "
            "pinned_memory=false, memory_format=(nullopt))"
        )
    return dt


def _make_window(name, window_length, periodic, dtype, device, requires_grad, values) -> Tensor:
    """A window of ``window_length``: ``values(n, dt)`` gives the ``n`` samples (``n`` one more
    when ``periodic``: the last is dropped), in the dtype ``dt``; lengths 0 and 1 are ones."""
    dt = _window_start(name, window_length, dtype)
    check_device(device)
    if window_length <= 1:
        w = np.ones(window_length)
    else:
        n = window_length + 1 if periodic else window_length
        w = np.asarray(values(n, dt))[:window_length]
    return C.tensor(w.astype(dt.np), dtype=dt, requires_grad=requires_grad)


def _hamming(name, window_length, periodic, alpha, beta, dtype, device, requires_grad) -> Tensor:
    """ATen's recipe in the dtype: ``cos(n * (2 pi / (N - 1))) * -beta + alpha``."""

    def values(n, dt):
        typ = dt.np.type
        w = np.cos(np.arange(n, dtype=dt.np) * typ(2 * math.pi / (n - 1)))
        return w * typ(-beta) + typ(alpha)

    return _make_window(name, window_length, periodic, dtype, device, requires_grad, values)


def hann_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Hann window ``0.5 - 0.5 cos(2 pi n / (N - 1))`` (periodic: of length N + 1, truncated).

    Example:
        >>> import chainrule as torch
        >>> torch.hann_window(4)
        tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    return _hamming("hann_window", window_length, periodic, 0.5, 0.5, dtype, device, requires_grad)


def hamming_window(
    window_length: int,
    periodic: bool = True,
    alpha: float = 0.54,
    beta: float = 0.46,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Hamming window ``alpha - beta cos(2 pi n / (N - 1))``.

    Example:
        >>> import chainrule as torch
        >>> torch.hamming_window(4)
        tensor([0.0800, 0.5400, 1.0000, 0.5400])
    """
    return _hamming(
        "hamming_window", window_length, periodic, alpha, beta, dtype, device, requires_grad
    )


def blackman_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Blackman window ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``.

    Example:
        >>> import chainrule as torch
        >>> torch.blackman_window(5, periodic=False, dtype=torch.float64)
        tensor([0.0000, 0.3400, 1.0000, 0.3400, 0.0000], dtype=torch.float64)
    """

    def values(n, dt):
        typ = dt.np.type
        base = np.arange(n, dtype=dt.np) * typ(math.pi / (n - 1))  # ATen's order
        return np.cos(base * typ(4)) * typ(0.08) - np.cos(base * typ(2)) * typ(0.5) + typ(0.42)

    return _make_window(
        "blackman_window", window_length, periodic, dtype, device, requires_grad, values
    )


def bartlett_window(
    window_length: int,
    periodic: bool = True,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Bartlett (triangular) window: ``2n / (N - 1)`` rising, then ``2 - 2n / (N - 1)``.

    Example:
        >>> import chainrule as torch
        >>> torch.bartlett_window(5)
        tensor([0.0000, 0.4000, 0.8000, 0.8000, 0.4000])
    """

    def values(n, dt):
        typ = dt.np.type
        w = np.arange(n, dtype=dt.np) * typ(2.0 / (n - 1))
        half = ((n - 1) >> 1) + 1
        w[half:] = typ(2) - w[half:]
        return w

    return _make_window(
        "bartlett_window", window_length, periodic, dtype, device, requires_grad, values
    )


def kaiser_window(
    window_length: int,
    periodic: bool = True,
    beta: float = 12.0,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Kaiser window ``I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta)``, ``a = (N - 1) / 2``.

    Example:
        >>> import chainrule as torch
        >>> torch.kaiser_window(4, False, 5.0, dtype=torch.float64)
        tensor([0.0367, 0.7753, 0.7753, 0.0367], dtype=torch.float64)
    """
    from .._specfun import i0

    def values(n, dt):
        alpha = (n - 1) / 2.0
        r = (np.arange(n, dtype=np.float64) - alpha) / alpha
        return i0(beta * np.sqrt(np.maximum(1 - r * r, 0.0))) / i0(np.float64(beta))

    return _make_window(
        "kaiser_window", window_length, periodic, dtype, device, requires_grad, values
    )


# ---------------------------------------------------------------- calculus
def cumulative_trapezoid(
    y: Tensor, x: Tensor | None = None, *, dx: Any = None, dim: int = -1
) -> Tensor:
    """Cumulative trapezoidal integral of ``y`` along ``dim`` (spacing ``dx``, or sample points
    ``x``); one element shorter than ``y`` along ``dim``.

    Example:
        >>> import chainrule as torch
        >>> torch.cumulative_trapezoid(torch.tensor([1.0, 2.0, 4.0, 8.0]))
        tensor([ 1.5000,  4.5000, 10.5000])
    """
    if x is not None and dx is not None:
        raise TypeError("cumulative_trapezoid() received an invalid combination of arguments")
    n = y.shape[dim]
    if n == 0:
        return y.narrow(dim, 0, 0)
    left = y.narrow(dim, 0, n - 1)
    right = y.narrow(dim, 1, n - 1)
    if x is None:
        return ((left + right) * (1.0 if dx is None else dx) / 2).cumsum(dim)
    if x.dim() == 1:
        if x.shape[0] != n:
            raise RuntimeError(
                "cumulative_trapezoid: There must be one `x` value for each sample point"
            )
        d = x[1:] - x[:-1]
        axis = dim % y.dim()
        d = d.reshape((n - 1,) + (1,) * (y.dim() - 1 - axis))
    else:
        m = x.shape[dim]
        d = x.narrow(dim, 1, m - 1) - x.narrow(dim, 0, m - 1)
    return (d * (left + right) / 2).cumsum(dim)


# ---------------------------------------------------------------- global settings
_SETTINGS: dict[str, Any] = {
    "num_threads": os.cpu_count() or 1,
    "num_interop_threads": os.cpu_count() or 1,
    "deterministic": False,
    "deterministic_warn_only": False,
    "matmul_precision": "highest",
    "warn_always": False,
}


def get_num_threads() -> int:
    """The intra-op thread count setting (chainrule's NumPy kernels use what NumPy's BLAS uses).

    Example:
        >>> import chainrule as torch
        >>> torch.get_num_threads() >= 1
        True
    """
    return _SETTINGS["num_threads"]


def set_num_threads(n: int) -> None:
    """Record the intra-op thread count (a positive integer, as PyTorch checks).

    Example:
        >>> import chainrule as torch
        >>> torch.set_num_threads(1); torch.get_num_threads()
        1
    """
    if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
        raise RuntimeError("set_num_threads expects a positive integer")
    _SETTINGS["num_threads"] = n


def get_num_interop_threads() -> int:
    """The inter-op thread count setting."""
    return _SETTINGS["num_interop_threads"]


def set_num_interop_threads(n: int) -> None:
    """Record the inter-op thread count (a positive integer)."""
    if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
        raise RuntimeError("Expected positive number of threads")
    _SETTINGS["num_interop_threads"] = n


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Record the determinism flag (chainrule's kernels are deterministic anyway).

    Example:
        >>> import chainrule as torch
        >>> torch.use_deterministic_algorithms(True); torch.are_deterministic_algorithms_enabled()
        True
        >>> torch.use_deterministic_algorithms(False)
    """
    _SETTINGS["deterministic"] = bool(mode)
    _SETTINGS["deterministic_warn_only"] = bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    """Whether ``use_deterministic_algorithms(True)`` is in effect."""
    return _SETTINGS["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether determinism was asked for with ``warn_only=True``."""
    return _SETTINGS["deterministic_warn_only"]


_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """``"default"``/0, ``"warn"``/1, ``"error"``/2, as ``use_deterministic_algorithms``."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(
                "invalid value of debug_mode, expected one of `default`, `warn`, `error`, but "
                f"got {debug_mode}"
            )
        debug_mode = _DEBUG_MODES[debug_mode]
    elif debug_mode not in (0, 1, 2):
        raise RuntimeError(
            f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}"
        )
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """0 (off), 1 (warn only) or 2 (error)."""
    if not _SETTINGS["deterministic"]:
        return 0
    return 1 if _SETTINGS["deterministic_warn_only"] else 2


def set_float32_matmul_precision(precision: str) -> None:
    """Record the float32 matmul precision (``"highest"``, ``"high"``, ``"medium"``); NumPy
    always computes float32 products at full precision.

    Example:
        >>> import chainrule as torch
        >>> torch.set_float32_matmul_precision("high"); torch.get_float32_matmul_precision()
        'high'
        >>> torch.set_float32_matmul_precision("highest")
    """
    if precision not in ("highest", "high", "medium"):
        cpp_warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
            "setFloat32MatmulPrecision call has no effect.",
            "aten/src/ATen/Context.cpp:458",
        )
        return
    _SETTINGS["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    """The recorded float32 matmul precision (``"highest"`` by default)."""
    return _SETTINGS["matmul_precision"]


def set_warn_always(b: bool) -> None:
    """Record PyTorch's warn-always flag."""
    _SETTINGS["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    """PyTorch's warn-always flag."""
    return _SETTINGS["warn_always"]


def set_default_device(device: Any) -> None:
    """Only the CPU exists here: ``"cpu"`` and ``None`` are accepted.

    Example:
        >>> import chainrule as torch
        >>> torch.set_default_device("cpu"); torch.get_default_device()
        device(type='cpu')
    """
    check_device(device)


def get_default_device() -> Any:
    """``device(type='cpu')``."""
    from .._tensor import device

    return device("cpu")


def set_default_tensor_type(t: Any) -> None:
    """Deprecated ``torch.set_default_tensor_type(torch.DoubleTensor)`` (or its name as a
    string): sets the default float dtype.

    Example:
        >>> import warnings; warnings.simplefilter("ignore")
        >>> import chainrule as torch
        >>> torch.set_default_tensor_type(torch.DoubleTensor); torch.get_default_dtype()
        torch.float64
        >>> torch.set_default_tensor_type("torch.FloatTensor")
    """
    import chainrule

    cpp_warn(
        "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
        "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
        "torch/csrc/tensor/python_tensor.cpp:434",
    )
    if isinstance(t, str):
        name = t[len("torch.") :] if t.startswith("torch.") else t
        t = getattr(chainrule, name, None)
        if t is None or not hasattr(t, "_dtype"):
            raise TypeError(f"invalid type: '{name}'")
    dt = getattr(t, "_dtype", None)
    if dt is None:
        raise TypeError(f"invalid type: '{t}'")
    if dt.np.kind != "f":
        raise TypeError("only floating-point types are supported as the default type")
    D.set_default_dtype(dt)


def set_anomaly_enabled(mode: bool, check_nan: bool = True) -> None:
    """``torch.set_anomaly_enabled``: ``autograd.set_detect_anomaly``."""
    from ..autograd.anomaly import set_detect_anomaly

    set_detect_anomaly(mode, check_nan)


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on."""
    from ..autograd.anomaly import is_anomaly_enabled as enabled

    return enabled()


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly detection checks for NaN."""
    from ..autograd.anomaly import is_anomaly_check_nan_enabled as enabled

    return enabled()


_TYPE_NAMES = {
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "float16": "HalfTensor",
    "bfloat16": "BFloat16Tensor",
    "int64": "LongTensor",
    "int32": "IntTensor",
    "int16": "ShortTensor",
    "int8": "CharTensor",
    "uint8": "ByteTensor",
    "bool": "BoolTensor",
    "complex64": "ComplexFloatTensor",
    "complex128": "ComplexDoubleTensor",
}


def typename(obj: Any) -> str:
    """``"torch.FloatTensor"`` for a float32 tensor, else the object's qualified type name.

    Example:
        >>> import chainrule as torch
        >>> torch.typename(torch.ones(2)), torch.typename(3)
        ('torch.FloatTensor', 'int')
    """
    if isinstance(obj, Tensor):
        return "torch." + _TYPE_NAMES.get(str(obj.dtype).replace("torch.", ""), "Tensor")
    module = ""
    qualname = ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    if module in ("", "builtins"):
        return qualname
    return f"{module}.{qualname}"


def _vmap(*args: Any, **kwargs: Any):
    from ..func import vmap as _func_vmap

    return _func_vmap(*args, **kwargs)


_vmap.__name__ = _vmap.__qualname__ = "vmap"
_vmap.__doc__ = "``torch.vmap``: ``chainrule.func.vmap``."


# ---------------------------------------------------------------- install
for _f in (
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    batch_norm,
    instance_norm,
    layer_norm,
    group_norm,
    rms_norm,
    dropout,
    dropout_,
    alpha_dropout,
    alpha_dropout_,
    feature_alpha_dropout,
    feature_alpha_dropout_,
    embedding,
    celu,
    celu_,
    selu,
    selu_,
    threshold,
    threshold_,
    rrelu,
    rrelu_,
    pixel_shuffle,
    pixel_unshuffle,
    channel_shuffle,
    pdist,
    cosine_similarity,
    pairwise_distance,
    max_pool1d,
    max_pool2d,
    max_pool3d,
    max_pool1d_with_indices,
    avg_pool1d,
    adaptive_avg_pool1d,
    adaptive_max_pool1d,
    bilinear,
    constant_pad_nd,
    grid_sampler,
    affine_grid_generator,
    detach_,
    fill,
    asarray,
    frombuffer,
    range,
    hann_window,
    hamming_window,
    blackman_window,
    bartlett_window,
    kaiser_window,
    cumulative_trapezoid,
    get_num_threads,
    set_num_threads,
    get_num_interop_threads,
    set_num_interop_threads,
    use_deterministic_algorithms,
    are_deterministic_algorithms_enabled,
    is_deterministic_algorithms_warn_only_enabled,
    set_deterministic_debug_mode,
    get_deterministic_debug_mode,
    set_float32_matmul_precision,
    get_float32_matmul_precision,
    set_warn_always,
    is_warn_always_enabled,
    set_default_device,
    get_default_device,
    set_default_tensor_type,
    set_anomaly_enabled,
    is_anomaly_enabled,
    is_anomaly_check_nan_enabled,
    typename,
):
    expose(_f, method=False)
# Tensor methods too, as in PyTorch (detach/detach_ already are)
expose(hardshrink)
expose(prelu)
expose(is_same_size)
PUBLIC["detach"] = detach
PUBLIC["vmap"] = _vmap
del _f
