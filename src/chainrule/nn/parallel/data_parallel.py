"""``DataParallel``: with no GPU (chainrule never has one) PyTorch's ``DataParallel`` only
holds the module and calls it; ``data_parallel`` finds no device type and raises."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]

T = TypeVar("T", bound=Module)


class DataParallel(Module, Generic[T]):
    """Wraps ``module`` for data parallelism across GPUs; without GPUs (always, here) it keeps
    ``module`` as its only child, ``device_ids`` is ``[]`` and ``forward`` calls the module.

    Example:
        >>> import chainrule as torch
        >>> model = torch.nn.DataParallel(torch.nn.Linear(2, 3))
        >>> model
        DataParallel(
          (module): Linear(in_features=2, out_features=3, bias=True)
        )
        >>> model(torch.ones(4, 2)).shape, model.device_ids, list(model.state_dict())
        (torch.Size([4, 3]), [], ['module.weight', 'module.bias'])
    """

    def __init__(
        self,
        module: T,
        device_ids: Sequence[Any] | None = None,
        output_device: Any = None,
        dim: int = 0,
    ) -> None:
        super().__init__()
        # no accelerator device type is available: PyTorch keeps the module and no devices
        self.module = module
        self.device_ids = []

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return self.module(*inputs, **kwargs)


def data_parallel(
    module: Module,
    inputs: Any,
    device_ids: Sequence[Any] | None = None,
    output_device: Any = None,
    dim: int = 0,
    module_kwargs: Any = None,
) -> Any:
    """Evaluate ``module(input)`` in parallel across the GPUs in ``device_ids``; without GPUs
    PyTorch finds no device type and raises, as here.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.parallel.data_parallel(torch.nn.Linear(2, 3), torch.ones(1, 2))
        Traceback (most recent call last):
        ...
        RuntimeError: device type could not be determined
    """
    raise RuntimeError("device type could not be determined")
