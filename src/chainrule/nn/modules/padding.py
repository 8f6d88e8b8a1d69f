"""Padding modules: ``ZeroPad``, ``ConstantPad``, ``ReflectionPad``, ``ReplicationPad`` and
``CircularPad`` in 1, 2 and 3 dims (``nn.functional.pad`` as layers)."""

from __future__ import annotations

from typing import Any

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = [
    f"{kind}Pad{n}d"
    for kind in ("Zero", "Constant", "Reflection", "Replication", "Circular")
    for n in (1, 2, 3)
]


def _padding(padding: Any, n: int) -> tuple:
    """An int for every side, or the sequence as given (PyTorch's ``_ntuple``)."""
    if isinstance(padding, (list, tuple)):
        return tuple(padding)
    return (padding,) * (2 * n)


class _PadNd(Module):
    _n = 1
    _mode = "constant"

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _padding(padding, self._n)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(Module):
    _n = 1

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__()
        self.padding = _padding(padding, self._n)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


def _make(base: type, kind: str, n: int, mode: str | None, doc: str) -> type:
    attrs = {"_n": n, "__doc__": doc, "__module__": __name__}
    if mode is not None:
        attrs["_mode"] = mode
    return type(f"{kind}Pad{n}d", (base,), attrs)


_EXAMPLES = {
    "Zero": ("zeros", None),
    "Constant": ("a constant value", None),
    "Reflection": ("the input reflected at its border", "reflect"),
    "Replication": ("copies of the border", "replicate"),
    "Circular": ("the input wrapped around", "circular"),
}

for _kind, (_what, _mode) in _EXAMPLES.items():
    for _n in (1, 2, 3):
        _shape = ", ".join(["1"] + ["3"] * _n)
        _arg = "1" if _kind != "Constant" else "1, 0.5"
        _out = ", ".join(["1"] + ["5"] * _n)
        _doc = f"""Pad the last {_n} dim(s) with {_what}.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.{_kind}Pad{_n}d({_arg})(torch.ones({_shape})).shape
        torch.Size([{_out}])
    """
        _base = {"Zero": _ZeroPadNd, "Constant": _ConstantPadNd}.get(_kind, _PadNd)
        globals()[f"{_kind}Pad{_n}d"] = _make(_base, _kind, _n, _mode, _doc)
