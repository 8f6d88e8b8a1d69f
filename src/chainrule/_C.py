"""``chainrule._C``: where ``Generator`` shows its home, as ``torch._C.Generator``."""

from __future__ import annotations

from ._creation import Generator

__all__ = ["Generator"]
