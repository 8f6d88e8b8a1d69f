"""``torch.cuda`` for code that asks: chainrule runs on the CPU, so CUDA is never available.

The usual device-selection line works unchanged::

    device = "cuda" if torch.cuda.is_available() else "cpu"

Seeding and cache calls are accepted and do nothing (as PyTorch's do without a GPU); calls that
need a device raise PyTorch's "Torch not compiled with CUDA enabled".

Example:
    >>> import chainrule as torch
    >>> torch.cuda.is_available(), torch.cuda.device_count()
    (False, 0)
"""

from __future__ import annotations

from typing import Any, NoReturn

__all__ = [
    "is_available",
    "device_count",
    "is_initialized",
    "manual_seed",
    "manual_seed_all",
    "seed",
    "seed_all",
    "empty_cache",
    "synchronize",
    "current_device",
    "get_device_name",
    "set_device",
]


def is_available() -> bool:
    """False: chainrule computes with NumPy on the CPU."""
    return False


def device_count() -> int:
    """0 CUDA devices."""
    return 0


def is_initialized() -> bool:
    return False


def manual_seed(seed: int) -> None:
    """Accepted and ignored (no CUDA generator), as PyTorch without a GPU."""


def manual_seed_all(seed: int) -> None:
    """Accepted and ignored (no CUDA generator), as PyTorch without a GPU."""


def seed() -> None:
    """Accepted and ignored."""


def seed_all() -> None:
    """Accepted and ignored."""


def empty_cache() -> None:
    """Nothing cached: a no-op."""


def _no_cuda(*args: Any, **kwargs: Any) -> NoReturn:
    raise AssertionError("Torch not compiled with CUDA enabled")


synchronize = current_device = get_device_name = set_device = _no_cuda
