"""``nn.Parameter``: a leaf Tensor that modules register as a learnable parameter."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor, wrap

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A Tensor that is a module parameter (``requires_grad=True`` by default).

    Assigning a Parameter as a Module attribute registers it in ``parameters()``.

    Example:
        >>> import chainrule as torch
        >>> p = torch.nn.Parameter(torch.zeros(2))
        >>> p
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            arr = np.empty((0,), dtype=np.float32)
            vc = [0]
        elif isinstance(data, Tensor):
            arr = data._data
            vc = data._vc  # shares storage and version counter, like torch
        else:
            raise TypeError(
                f"Parameter.__new__(): argument 'data' must be Tensor, not {type(data).__name__}"
            )
        if requires_grad and arr.dtype.kind not in "fc":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        p = wrap(arr, bool(requires_grad), cls=cls)
        p._vc = vc
        return p

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # state is set in __new__
        pass

    def __repr__(self, **kwargs: Any) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol: int):
        return (_rebuild_parameter, (self._data.copy(), self._requires_grad))


def _rebuild_parameter(arr: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(wrap(arr), requires_grad)
