"""Anomaly detection: ``detect_anomaly()`` / ``set_detect_anomaly(True)``, as torch's.

While enabled, every recorded node keeps the traceback of the forward call that created it, and
its backward checks its results: a NaN raises ``RuntimeError("Function 'XBackward0' returned
nan values in its 0th output.")`` and the error (and a warning, as in torch) shows the
forward-pass traceback (file:line) of the op that created the node. Off, it costs nothing: the
forward path reads one flag.

Example:
    >>> import chainrule as torch
    >>> a = torch.tensor([0.0], requires_grad=True)
    >>> with torch.autograd.detect_anomaly():  # doctest: +SKIP
    ...     (a / a).sum().backward()
    Traceback (most recent call last):
    RuntimeError: Function 'DivBackward0' returned nan values in its 1th output. ...
"""

from __future__ import annotations

import traceback
import warnings
from sys import _getframe
from typing import Any

import numpy as np

from .._cwarn import cpp_warn
from .._tensor import Tensor
from .graph import with_note

__all__ = [
    "detect_anomaly",
    "set_detect_anomaly",
    "is_anomaly_enabled",
    "is_anomaly_check_nan_enabled",
]

_mode = {"enabled": False, "check_nan": True}
_CHECKED: dict = {}  # node class -> its anomaly-checking subclass (same name)


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on."""
    return _mode["enabled"]


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly detection checks backward results for NaN."""
    return _mode["check_nan"]


def _set(enabled: bool, check_nan: bool) -> None:
    _mode["enabled"] = bool(enabled)
    _mode["check_nan"] = bool(check_nan)
    refresh_node_hook()


def record_trace(node: Any) -> None:
    """Called by dispatch for each new node while enabled: keep the forward traceback and
    switch the node to a class whose backward checks for NaN."""
    stack = traceback.extract_stack()
    # drop chainrule's own frames at the end: the user's line is what matters
    while stack and "/chainrule/" in stack[-1].filename.replace("\\", "/"):
        stack.pop()
    node._extras().trace = stack
    cls = type(node)
    sub = _CHECKED.get(cls)
    if sub is None:
        ns = {"_apply": _checked_apply(cls._apply), "__slots__": ()}
        sub = type(cls.__name__, (cls,), ns)
        sub.__qualname__ = cls.__qualname__
        _CHECKED[cls] = sub
    try:
        node.__class__ = sub
    except TypeError:
        pass  # layout differs: keep the trace, skip the check


def _format(node: Any) -> str:
    x = node._x
    if x is None or x.trace is None:
        return ""
    return "".join(traceback.format_list(x.trace))


_ANOMALY_SITE = "torch/csrc/autograd/python_anomaly_mode.cpp:122"


def _checked_apply(inner):
    def _apply(self, grads: list, create: bool):
        try:
            outs = inner(self, grads, create)
        except Exception:
            tb = _format(self)
            if tb:
                cpp_warn(
                    f"Error detected in {self.name()}. Traceback of forward call that caused "
                    f"the error:\n{tb}",
                    _ANOMALY_SITE,
                )
            raise
        if _mode["check_nan"]:
            for i, r in enumerate(outs):
                if r is None:
                    continue
                arr = r._data if isinstance(r, Tensor) else np.asarray(r)
                if arr.dtype.kind in "fc" and np.isnan(arr).any():
                    tb = _format(self)
                    msg = f"Function '{self.name()}' returned nan values in its {i}th output."
                    if tb:
                        cpp_warn(
                            f"Error detected in {self.name()}. Traceback of forward call that "
                            f"caused the error:\n{tb}",
                            _ANOMALY_SITE,
                        )
                    note = (
                        f"The node was created by this forward call (most recent call last):\n{tb}"
                        if tb
                        else None
                    )
                    raise with_note(RuntimeError(msg), note)
        return outs

    return _apply


class detect_anomaly:
    """Context manager (and decorator) enabling anomaly detection.

    Example:
        >>> import chainrule as torch
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     with torch.autograd.detect_anomaly():
        ...         torch.autograd.is_anomaly_enabled()
        True
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = _mode["enabled"]
        self.check_nan = check_nan
        self.prev_check_nan = _mode["check_nan"]
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.",
            stacklevel=2,
        )

    def __enter__(self) -> None:
        _set(True, self.check_nan)

    def __exit__(self, *args: Any) -> None:
        _set(self.prev, self.prev_check_nan)

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with self.__class__(self.check_nan):
                return fn(*a, **k)

        return wrapper


class set_detect_anomaly:
    """Turn anomaly detection on or off (also usable as a context manager).

    Example:
        >>> import chainrule as torch
        >>> _ = torch.autograd.set_detect_anomaly(True)
        >>> _ = torch.autograd.set_detect_anomaly(False)
        >>> torch.autograd.is_anomaly_enabled()
        False
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = _mode["enabled"]
        self.prev_check_nan = _mode["check_nan"]
        _set(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *args: Any) -> None:
        _set(self.prev, self.prev_check_nan)


# ---------------------------------------------------------------- where in-place ops happened
# (for the in-place error: "modified by an inplace operation" names the line that did it)
_SITES: dict = {}  # id(version counter) -> (counter, op name, "file:line")
_MAX_SITES = 512


def user_line(skip_pkg: str = "/chainrule/") -> str | None:
    """``file:line`` of the innermost caller outside chainrule (cheap: walks frames only)."""
    import sys

    f = sys._getframe(1)
    while f is not None and skip_pkg in f.f_code.co_filename.replace("\\", "/"):
        f = f.f_back
    if f is None:
        return None
    return f"{f.f_code.co_filename}:{f.f_lineno}"


def note_inplace(vc: list, op_name: str) -> None:
    """Remember where the tensor with version counter ``vc`` was last modified in place.

    Cheap: keeps (code, line) of a few caller frames; the user's frame is found only when an
    error needs it."""
    f = _getframe(2)
    frames = []
    for _ in range(6):
        if f is None:
            break
        frames.append((f.f_code, f.f_lineno))
        f = f.f_back
    if len(_SITES) >= _MAX_SITES:
        _SITES.pop(next(iter(_SITES)))
    _SITES[id(vc)] = (vc, op_name, frames)


def inplace_site(vc: list) -> tuple | None:
    """(op name, "file:line") of the last in-place op on ``vc`` (recorded in grad mode)."""
    entry = _SITES.get(id(vc))
    if entry is None or entry[0] is not vc:
        return None
    for code, line in entry[2]:
        if "/chainrule/" not in code.co_filename.replace("\\", "/"):
            return entry[1], f"{code.co_filename}:{line}"
    return entry[1], "an unknown line"


def explain_version_error(node: Any, vc: list) -> str:
    """The teaching part, attached as a note under torch's in-place error text."""
    op = getattr(node, "_op", None)
    what = f"{node.name()}" + (f" (the backward of {op.name})" if op is not None else "")
    lines = [f"chainrule: this tensor was saved by {what} because its derivative needs it"]
    x = node._x
    if x is not None and x.trace:
        fr = x.trace[-1]
        lines[0] += f"; that op ran at {fr.filename}:{fr.lineno} ({fr.line})"
    site = inplace_site(vc)
    if site is not None:
        name, where = site
        lines.append(f"then it was modified in place by {name}_ at {where}")
    lines.append(
        "Fix: use the out-of-place op (x = x.add(1) instead of x.add_(1)), or modify a "
        ".clone() of the tensor, so that the saved value stays as it was."
    )
    return "\n".join(lines)


# ---------------------------------------------------------------- the dispatch node hook
# Dispatch calls ``anomaly_hook[0](node)`` for each new node when it is set: it is set while
# anomaly mode is on OR saved_tensors_hooks are active, so neither costs anything otherwise.
def _node_hook(node: Any) -> None:
    if _mode["enabled"]:
        record_trace(node)
    from . import graph

    if graph._saved_hooks and node._saved and getattr(node, "_op", None) is not None:
        _pack_node(node, graph._saved_hooks[-1])


def refresh_node_hook() -> None:
    """Install or remove the dispatch node hook after a mode change."""
    from ..ops import _dispatch
    from . import graph

    on = _mode["enabled"] or bool(graph._saved_hooks)
    _dispatch.anomaly_hook[0] = _node_hook if on else None


class _Packed:
    """A saved value as the user's pack hook returned it."""

    __slots__ = ("obj", "unpack", "kind")

    def __init__(self, obj: Any, unpack: Any, kind: str) -> None:
        self.obj = obj
        self.unpack = unpack
        self.kind = kind


_PACKED: dict = {}  # node class -> subclass that unpacks before running (same name)


def _pack_node(node: Any, hooks: tuple) -> None:
    """saved_tensors_hooks for a built-in op: pack its saved tensors now, unpack in backward."""
    from .._tensor import wrap
    from . import graph

    pack, unpack = hooks
    out = []
    stack = graph._saved_hooks[:]
    graph._saved_hooks.clear()  # ops inside the pack hook save nothing through it (as torch)
    try:
        for (kind, _i), v in zip(node._op.plan, node._saved):
            if kind == "in" and isinstance(v, Tensor):
                out.append(_Packed(pack(v), unpack, "in"))
            elif kind == "out":
                out.append(_Packed(pack(wrap(v)), unpack, "out"))
            else:
                out.append(v)
    finally:
        graph._saved_hooks[:] = stack
    node._saved = tuple(out)
    cls = type(node)
    sub = _PACKED.get(cls)
    if sub is None:
        sub = type(cls.__name__, (cls,), {"_apply": _unpacking_apply(cls._apply), "__slots__": ()})
        sub.__qualname__ = cls.__qualname__
        _PACKED[cls] = sub
    try:
        node.__class__ = sub
    except TypeError:  # pragma: no cover - layouts always match for generated node classes
        pass


def _unpack_value(v: Any) -> Any:
    if type(v) is not _Packed:
        return v
    t = v.unpack(v.obj)
    if v.kind == "out":
        return t._data if isinstance(t, Tensor) else np.asarray(t)
    return t


def _unpacking_apply(inner):
    def _apply(self, grads: list, create: bool):
        packed = self._saved
        if packed is None:
            return inner(self, grads, create)  # raises the second-backward error
        self._saved = tuple(_unpack_value(v) for v in packed)
        try:
            return inner(self, grads, create)
        finally:
            self._saved = packed

    return _apply


# their public home, as in PyTorch (anomaly_mode.py re-exports them)
detect_anomaly.__module__ = set_detect_anomaly.__module__ = "chainrule.autograd.anomaly_mode"
