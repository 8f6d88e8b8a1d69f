"""``chainrule.utils``: ``data`` (datasets and loaders) and ``checkpoint``, loaded on first use."""

from __future__ import annotations

import importlib as _importlib


def __getattr__(name: str):
    if name in ("data", "checkpoint", "hooks"):
        mod = _importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'chainrule.utils' has no attribute '{name}'")
