"""``nn.grad``: gradients of convolutions with respect to their input and weight, as functions
(differentiable: they are the adjoint entries of the convolution op).

Example:
    >>> import chainrule as torch
    >>> g = torch.ones(1, 1, 2, 2)
    >>> torch.nn.grad.conv2d_input((1, 1, 3, 3), torch.ones(1, 1, 2, 2), g)
    tensor([[[[1., 2., 1.],
              [2., 4., 2.],
              [1., 2., 1.]]]])
"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from ..ops import nn_ops as _N
from .functional import _tuple

__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight"]


def _geometry(n: int, stride: Any, padding: Any, dilation: Any, groups: int) -> tuple:
    st = _tuple(stride, n, "stride")
    dl = _tuple(dilation, n, "dilation")
    pd = tuple((p, p) for p in _tuple(padding, n, "padding"))
    if n == 1:
        st, dl, pd = (1,) + st, (1,) + dl, ((0, 0),) + pd
    return st, pd, dl, int(groups)


def conv2d_input(
    input_size, weight: Tensor, grad_output: Tensor, stride=1, padding=0, dilation=1, groups=1
) -> Tensor:
    """Gradient of ``conv2d`` with respect to its input of size ``input_size``."""
    return _N.apply(
        _N.CONV_INPUT_GRAD,
        (grad_output, weight),
        (tuple(input_size),) + _geometry(2, stride, padding, dilation, groups),
    )


def conv2d_weight(
    input: Tensor, weight_size, grad_output: Tensor, stride=1, padding=0, dilation=1, groups=1
) -> Tensor:  # noqa: A002
    """Gradient of ``conv2d`` with respect to its weight of size ``weight_size``."""
    return _N.apply(
        _N.CONV_WEIGHT_GRAD,
        (input, grad_output),
        (tuple(weight_size),) + _geometry(2, stride, padding, dilation, groups),
    )


def conv1d_input(
    input_size, weight: Tensor, grad_output: Tensor, stride=1, padding=0, dilation=1, groups=1
) -> Tensor:
    """Gradient of ``conv1d`` with respect to its input of size ``input_size``."""
    return _N.apply(
        _N.CONV_INPUT_GRAD,
        (grad_output, weight),
        (tuple(input_size),) + _geometry(1, stride, padding, dilation, groups),
    )


def conv1d_weight(
    input: Tensor, weight_size, grad_output: Tensor, stride=1, padding=0, dilation=1, groups=1
) -> Tensor:  # noqa: A002
    """Gradient of ``conv1d`` with respect to its weight of size ``weight_size``."""
    return _N.apply(
        _N.CONV_WEIGHT_GRAD,
        (input, grad_output),
        (tuple(weight_size),) + _geometry(1, stride, padding, dilation, groups),
    )
