"""Warnings that PyTorch raises from its C++ core (``TORCH_WARN``): their text ends with
`` (Triggered internally at <source file>:<line>.)``, the place in PyTorch 2.13's sources, and
``TORCH_WARN_ONCE`` ones are shown once per process."""

from __future__ import annotations

import warnings

__all__ = ["cpp_warn"]

_ROOT = "/__w/pytorch/pytorch/"
_SHOWN: set = set()


def cpp_warn(
    msg: str, site: str, category: type = UserWarning, stacklevel: int = 2, once: bool = False
) -> None:
    """Warn with ``msg`` as PyTorch's C++ code at ``site`` (a path under PyTorch's root) does."""
    if once:
        if site in _SHOWN:
            return
        _SHOWN.add(site)
    warnings.warn(
        f"{msg} (Triggered internally at {_ROOT}{site}.)", category, stacklevel=stacklevel + 1
    )
