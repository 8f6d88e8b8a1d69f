"""``torch.backends.mha``: the switch for the fused multi-head-attention fast path.

chainrule computes the same values on one path; the flag is kept because PyTorch's module code
reads it (and so does user code).

Example:
    >>> import chainrule as torch
    >>> torch.backends.mha.get_fastpath_enabled()
    True
"""

from __future__ import annotations

__all__ = ["get_fastpath_enabled", "set_fastpath_enabled"]

_enabled = [True]


def get_fastpath_enabled() -> bool:
    """Whether the fast path of ``MultiheadAttention`` / ``TransformerEncoder`` is on."""
    return _enabled[0]


def set_fastpath_enabled(value: bool) -> None:
    """Turn the fast path on or off."""
    _enabled[0] = bool(value)
