"""Further PyTorch functions, mostly composites of the primitive ops (their gradients follow)."""

from __future__ import annotations
