"""Small helpers shared by the layer modules."""

from __future__ import annotations

from typing import Any

import chainrule as _c

from ..parameter import Parameter


def new_param(*shape: int, dtype: Any = None, device: Any = None) -> Parameter:
    """An uninitialised float Parameter (the layer's ``reset_parameters`` fills it)."""
    return Parameter(_c.empty(*shape, dtype=dtype, device=device))


def ntuple(v: Any, n: int) -> tuple:
    if isinstance(v, (list, tuple)):
        return tuple(v)
    return (v,) * n
