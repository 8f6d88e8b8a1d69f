"""``Conv1d/2d/3d`` and ``ConvTranspose1d/2d/3d`` (im2col on NumPy) and their lazy forms."""

from __future__ import annotations

import math
from typing import Any

from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import UninitializedParameter
from ._common import new_param, ntuple
from .lazy import LazyModuleMixin
from .module import Module

__all__ = [
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "LazyConv1d",
    "LazyConv2d",
    "LazyConv3d",
    "LazyConvTranspose1d",
    "LazyConvTranspose2d",
    "LazyConvTranspose3d",
]


class _ConvNd(Module):
    _n = 2
    _transposed = False

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
        *,
        _output_padding: Any = 0,
    ) -> None:
        super().__init__()
        n = self._n
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}"
                )
            if padding == "same" and any(s != 1 for s in ntuple(stride, n)):
                raise ValueError("padding='same' is not supported for strided convolutions")
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(
                "padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but "
                f"got padding_mode='{padding_mode}'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = ntuple(kernel_size, n)
        self.stride = ntuple(stride, n)
        self.padding = padding if isinstance(padding, str) else ntuple(padding, n)
        self.dilation = ntuple(dilation, n)
        self.transposed = self._transposed
        self.output_padding = ntuple(_output_padding, n)
        self.groups = groups
        self.padding_mode = padding_mode
        wshape = (
            (in_channels, out_channels // groups)
            if self.transposed
            else (out_channels, in_channels // groups)
        )
        self.weight = new_param(*wshape, *self.kernel_size, dtype=dtype, device=device)
        if bias:
            self.bias = new_param(out_channels, dtype=dtype, device=device)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        n = self._n
        s = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """1-d convolution over (N, C_in, L) inputs.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.Conv1d(2, 4, 3)(torch.zeros(1, 2, 10)).shape
        torch.Size([1, 4, 8])
    """

    _n = 1

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F._convnd(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
            1,
            "conv1d",
            self.padding_mode,
        )


class Conv2d(_ConvNd):
    """2-d convolution over (N, C_in, H, W) inputs.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.Conv2d(1, 8, 3, padding=1)(torch.zeros(2, 1, 8, 8)).shape
        torch.Size([2, 8, 8, 8])
    """

    _n = 2

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F._convnd(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
            2,
            "conv2d",
            self.padding_mode,
        )


class Conv3d(_ConvNd):
    """3-d convolution over (N, C_in, D, H, W) inputs.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.Conv3d(1, 2, 3, padding=1)(torch.zeros(1, 1, 4, 4, 4)).shape
        torch.Size([1, 2, 4, 4, 4])
    """

    _n = 3

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F._convnd(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
            3,
            "conv3d",
            self.padding_mode,
        )


class _ConvTransposeNd(_ConvNd):
    _transposed = True

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        if padding_mode != "zeros":
            raise ValueError(
                f'Only "zeros" padding mode is supported for {self.__class__.__name__}'
            )
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
            _output_padding=output_padding,
        )

    def _output_pad(self, input: Tensor, output_size: Any) -> tuple:
        """The output_padding that gives ``output_size`` (PyTorch's rule and errors)."""
        n = self._n
        if output_size is None:
            return self.output_padding
        out = list(output_size)
        non_spatial = 2 if input.dim() == n + 2 else 1
        if len(out) == non_spatial + n:
            out = out[non_spatial:]
        if len(out) != n:
            raise ValueError(
                f"ConvTranspose{n}D: for {input.dim()}D input, output_size must have {n} or "
                f"{non_spatial + n} elements (got {len(out)})"
            )
        mins, maxs = [], []
        for d in range(n):
            size = (
                (input.shape[d + non_spatial] - 1) * self.stride[d]
                - 2 * self.padding[d]
                + self.dilation[d] * (self.kernel_size[d] - 1)
                + 1
            )
            mins.append(size)
            maxs.append(size + self.stride[d] - 1)
        for size, lo, hi in zip(out, mins, maxs):
            if size < lo or size > hi:
                raise ValueError(
                    f"requested an output size of {out}, but valid sizes range from {mins} to "
                    f"{maxs} (for an input of {input.shape[2:]})"
                )
        return tuple(o - lo for o, lo in zip(out, mins))

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:  # noqa: A002
        fn = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[self._n]
        return fn(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self._output_pad(input, output_size),
            self.groups,
            self.dilation,
        )


class ConvTranspose1d(_ConvTransposeNd):
    """1-d transposed convolution (weight (C_in, C_out/groups, k)).

    Example:
        >>> import chainrule as torch
        >>> torch.nn.ConvTranspose1d(2, 4, 3, stride=2)(torch.zeros(1, 2, 5)).shape
        torch.Size([1, 4, 11])
    """

    _n = 1


class ConvTranspose2d(_ConvTransposeNd):
    """2-d transposed convolution; ``forward(input, output_size=None)``.

    Example:
        >>> import chainrule as torch
        >>> m = torch.nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1)
        >>> m(torch.zeros(1, 2, 4, 4), output_size=(8, 8)).shape
        torch.Size([1, 4, 8, 8])
    """

    _n = 2


class ConvTranspose3d(_ConvTransposeNd):
    """3-d transposed convolution.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.ConvTranspose3d(1, 1, 2)(torch.zeros(1, 1, 2, 2, 2)).shape
        torch.Size([1, 1, 3, 3, 3])
    """

    _n = 3


class _LazyConvXdMixin(LazyModuleMixin):
    """What the lazy convolutions share: ``in_channels`` from the first input's channel dim."""

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        if self.has_uninitialized_params():
            self.in_channels = self._get_in_channels(input)
            if self.in_channels % self.groups != 0:
                raise ValueError("in_channels must be divisible by groups")
            if not isinstance(self.weight, UninitializedParameter):
                raise AssertionError("self.weight must be an UninitializedParameter")
            if self.transposed:
                self.weight.materialize(
                    (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
                )
            else:
                self.weight.materialize(
                    (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
                )
            if self.bias is not None:
                if not isinstance(self.bias, UninitializedParameter):
                    raise AssertionError("self.bias must be an UninitializedParameter")
                self.bias.materialize((self.out_channels,))
            self.reset_parameters()

    def _get_in_channels(self, input: Tensor) -> int:  # noqa: A002
        num_spatial_dims = self._get_num_spatial_dims()
        num_dims_no_batch = num_spatial_dims + 1  # +1 for channels dim
        num_dims_batch = num_dims_no_batch + 1
        if input.dim() not in (num_dims_no_batch, num_dims_batch):
            raise RuntimeError(
                f"Expected {num_dims_no_batch}D (unbatched) or {num_dims_batch}D (batched) input "
                f"to {self.__class__.__name__}, but "
                f"got input of size: {input.shape}"
            )
        return input.shape[1] if input.dim() == num_dims_batch else input.shape[0]

    def _get_num_spatial_dims(self) -> int:
        raise NotImplementedError


def _lazy_conv_init(
    self: Any,
    out_channels: int,
    bias: bool,
    device: Any,
    dtype: Any,
) -> None:
    self.weight = UninitializedParameter(device=device, dtype=dtype)
    self.out_channels = out_channels
    if bias:
        self.bias = UninitializedParameter(device=device, dtype=dtype)


class _LazyConvNd(_LazyConvXdMixin):
    def __init__(
        self,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        # bias is hardcoded to False to avoid creating a tensor that will soon be overwritten
        super().__init__(
            0,
            0,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            False,
            padding_mode,
            device=device,
            dtype=dtype,
        )
        _lazy_conv_init(self, out_channels, bias, device, dtype)

    def _get_num_spatial_dims(self) -> int:
        return self._n


class _LazyConvTransposeNd(_LazyConvXdMixin):
    def __init__(
        self,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: Any = 1,
        padding_mode: str = "zeros",
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            0,
            0,
            kernel_size,
            stride,
            padding,
            output_padding,
            groups,
            False,
            dilation,
            padding_mode,
            device=device,
            dtype=dtype,
        )
        _lazy_conv_init(self, out_channels, bias, device, dtype)

    def _get_num_spatial_dims(self) -> int:
        return self._n


class LazyConv1d(_LazyConvNd, Conv1d):
    """A ``Conv1d`` whose ``in_channels`` is inferred from the first input (``input.size(1)``,
    or ``size(0)`` unbatched); it becomes a ``Conv1d`` on the first forward.

    Example:
        >>> import chainrule as torch
        >>> m = torch.nn.LazyConv1d(4, 3)
        >>> m
        LazyConv1d(0, 4, kernel_size=(3,), stride=(1,))
        >>> m(torch.zeros(2, 5, 8)).shape, m
        (torch.Size([2, 4, 6]), Conv1d(5, 4, kernel_size=(3,), stride=(1,)))
    """

    cls_to_become = Conv1d


class LazyConv2d(_LazyConvNd, Conv2d):
    """A ``Conv2d`` whose ``in_channels`` is inferred from the first input.

    Example:
        >>> import chainrule as torch
        >>> m = torch.nn.LazyConv2d(8, 3, padding=1)
        >>> m(torch.zeros(1, 3, 5, 5)).shape, m.weight.shape
        (torch.Size([1, 8, 5, 5]), torch.Size([8, 3, 3, 3]))
    """

    cls_to_become = Conv2d


class LazyConv3d(_LazyConvNd, Conv3d):
    """A ``Conv3d`` whose ``in_channels`` is inferred from the first input.

    Example:
        >>> import chainrule as torch
        >>> m = torch.nn.LazyConv3d(2, 2)
        >>> m(torch.zeros(1, 3, 3, 3, 3)).shape, type(m).__name__
        (torch.Size([1, 2, 2, 2, 2]), 'Conv3d')
    """

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTransposeNd, ConvTranspose1d):
    """A ``ConvTranspose1d`` whose ``in_channels`` is inferred from the first input.

    Example:
        >>> import chainrule as torch
        >>> m = torch.nn.LazyConvTranspose1d(4, 3, stride=2)
        >>> m(torch.zeros(1, 2, 5)).shape, m.weight.shape
        (torch.Size([1, 4, 11]), torch.Size([2, 4, 3]))
    """

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTransposeNd, ConvTranspose2d):
    """A ``ConvTranspose2d`` whose ``in_channels`` is inferred from the first input.

    Example:
        >>> import chainrule as torch
        >>> m = torch.nn.LazyConvTranspose2d(4, 3, stride=2, padding=1)
        >>> m(torch.zeros(1, 2, 4, 4), output_size=(8, 8)).shape
        torch.Size([1, 4, 8, 8])
    """

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTransposeNd, ConvTranspose3d):
    """A ``ConvTranspose3d`` whose ``in_channels`` is inferred from the first input.

    Example:
        >>> import chainrule as torch
        >>> m = torch.nn.LazyConvTranspose3d(1, 2)
        >>> m(torch.zeros(1, 3, 2, 2, 2)).shape, type(m).__name__
        (torch.Size([1, 1, 3, 3, 3]), 'ConvTranspose3d')
    """

    cls_to_become = ConvTranspose3d
