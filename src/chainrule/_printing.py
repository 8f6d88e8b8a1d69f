"""Tensor ``repr`` exactly as PyTorch prints it (a NumPy port of ``torch/_tensor_str.py``).

The rules, in short:

* Floating tensors choose one format for all elements from their non-zero finite values:
  integer-valued data prints as ``1.``, scientific notation is used when the largest
  magnitude exceeds ``1e8``, the smallest is below ``1e-4``, or their ratio exceeds 1000
  (unless ``sci_mode`` forces it), otherwise fixed notation with ``precision`` decimals.
  Every element is right-aligned to the widest formatted value.
* Tensors with more than ``threshold`` elements are summarized: ``edgeitems`` entries at
  each end of every dimension, separated by ``...``.
* Rows wrap to ``linewidth``; nested dimensions are separated by ``dim - 1`` newlines.
* ``dtype=`` is shown unless the dtype is the default float dtype (or its complex
  counterpart), ``int64`` or ``bool``; empty tensors show it unless it is the default
  float dtype, and show ``size=`` unless they are one-dimensional.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = ["format_tensor", "get_printoptions", "printoptions", "set_printoptions"]

_DEFAULTS: dict[str, Any] = {
    "precision": 4,
    "threshold": 1000,
    "edgeitems": 3,
    "linewidth": 80,
    "sci_mode": None,
}
_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

# The live options (module level, like torch's PRINT_OPTS).
_OPTS: dict[str, Any] = dict(_DEFAULTS)

_PREFIX = "tensor("
_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "long": "int64",
    "int": "int32",
    "short": "int16",
    "bool_": "bool",
    "cfloat": "complex64",
    "cdouble": "complex128",
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set the tensor printing options (same semantics as ``torch.set_printoptions``).

    ``profile`` ("default", "short" or "full") is applied first, then the explicit
    options override it. As in torch, ``sci_mode`` is always reset to the given value
    (``None`` means "choose automatically").

    Example:
        >>> import numpy as np
        >>> set_printoptions(precision=2)
        >>> format_tensor(np.array([1.12345]), "float64", "float64", [])
        'tensor([1.12])'
        >>> set_printoptions(profile="default")
        >>> format_tensor(np.array([1.12345]), "float64", "float64", [])
        'tensor([1.1235])'
    """
    if profile is not None and profile in _PROFILES:
        _OPTS.update(_PROFILES[profile])
    if precision is not None:
        _OPTS["precision"] = precision
    if threshold is not None:
        _OPTS["threshold"] = threshold
    if edgeitems is not None:
        _OPTS["edgeitems"] = edgeitems
    if linewidth is not None:
        _OPTS["linewidth"] = linewidth
    _OPTS["sci_mode"] = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return the current print options as a dict usable as ``set_printoptions(**opts)``.

    Example:
        >>> get_printoptions()
        {'precision': 4, 'threshold': 1000, 'edgeitems': 3, 'linewidth': 80, 'sci_mode': None}
    """
    return dict(_OPTS)


@contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change the print options (arguments as for :func:`set_printoptions`).

    Example:
        >>> import numpy as np
        >>> with printoptions(precision=1):
        ...     format_tensor(np.array([0.25, 1.5]), "float64", "float64", [])
        'tensor([0.2, 1.5])'
    """
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses one element format (width, int/sci/fixed mode) for a set of values."""

    __slots__ = ("floating", "int_mode", "sci_mode", "width", "precision")

    def __init__(self, values: np.ndarray, precision: int, sci_opt: bool | None) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        self.precision = precision
        flat = values.reshape(-1)
        if not self.floating:
            if flat.size:
                if flat.dtype.kind == "b":
                    self.width = 5 if not flat.all() else 4
                else:
                    lo, hi = flat.min().item(), flat.max().item()
                    self.width = max(1, len(str(lo)), len(str(hi)))
            return

        if flat.size <= 64:  # small: plain Python is quicker than a dozen NumPy calls
            vals = [v for v in flat.tolist() if v != 0 and math.isfinite(v)]
            if not vals:
                return
            absv = [abs(v) for v in vals]
            amin, amax = min(absv), max(absv)
            self.int_mode = all(v.is_integer() for v in vals)
            cands = vals
        else:
            arr = flat[np.isfinite(flat) & (flat != 0)]
            if arr.size == 0:
                return
            absa = np.abs(arr).astype(np.float64)
            amin, amax = float(absa.min()), float(absa.max())
            self.int_mode = bool(np.all(arr == np.ceil(arr)))
            # The formatted length depends only on the sign and on the size of the rounded
            # magnitude (integer digits, or exponent digits), which is monotone in the
            # value: the extremes of each sign class are enough to find the widest string.
            cands = []
            for part in (arr[arr > 0], arr[arr < 0]):
                if part.size:
                    cands.append(part.min().item())
                    cands.append(part.max().item())
        if sci_opt is None:
            self.sci_mode = amax / amin > 1000.0 or amax > 1.0e8 or amin < 1.0e-4
        else:
            self.sci_mode = bool(sci_opt)
        if self.sci_mode:
            spec = f".{precision}e"
            extra = 0
        elif self.int_mode:
            spec = ".0f"
            extra = 1
        else:
            spec = f".{precision}f"
            extra = 0
        self.width = max(1, max(len(format(v, spec)) for v in cands) + extra)

    def strings(self, values: list) -> list[str]:
        """Format Python scalars (from ``ndarray.tolist()``), right-aligned to the width."""
        w = self.width
        if not self.floating:
            return [str(v).rjust(w) for v in values]
        if self.sci_mode:
            spec = f"{w}.{self.precision}e"
            return [format(v, spec) for v in values]
        if self.int_mode:
            out = []
            for v in values:
                s = format(v, ".0f")
                if s[-1] not in "fn":  # "inf" / "nan" get no trailing dot
                    s += "."
                out.append(s.rjust(w))
            return out
        spec = f".{self.precision}f"
        return [format(v, spec).rjust(w) for v in values]


def _join_complex(reals: list[str], imags: list[str]) -> list[str]:
    out = []
    for r, i in zip(reals, imags):
        i = (i + "j").lstrip()
        out.append(r + i if i[0] in "+-" else r + "+" + i)
    return out


def _elements(a: np.ndarray, fmts: tuple[_Formatter, ...]) -> list[str]:
    """Formatted strings for the elements of a 1-d (or 0-d flattened) array."""
    if len(fmts) == 2:
        return _join_complex(fmts[0].strings(a.real.tolist()), fmts[1].strings(a.imag.tolist()))
    return fmts[0].strings(a.tolist())


def _vector_str(
    a: np.ndarray, indent: int, summarize: bool, fmts: tuple[_Formatter, ...], opts: dict
) -> str:
    element_length = fmts[0].width + 2
    if len(fmts) == 2:
        element_length += fmts[1].width + 1
    per_line = max(1, math.floor((opts["linewidth"] - indent) / element_length))
    edge = opts["edgeitems"]
    if summarize and not edge:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        data = _elements(a[:edge], fmts) + [" ..."] + _elements(a[-edge:], fmts)
    else:
        data = _elements(a, fmts)
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(
    a: np.ndarray, indent: int, summarize: bool, fmts: tuple[_Formatter, ...], opts: dict
) -> str:
    if a.ndim == 0:
        return _elements(a.reshape(1), fmts)[0]
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmts, opts)
    n = a.shape[0]
    edge = opts["edgeitems"]
    if summarize and n > 2 * edge:
        slices = (
            [_nested_str(a[i], indent + 1, summarize, fmts, opts) for i in range(edge)]
            + ["..."]
            + [_nested_str(a[i], indent + 1, summarize, fmts, opts) for i in range(n - edge, n)]
        )
    else:
        slices = [_nested_str(a[i], indent + 1, summarize, fmts, opts) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized_data(a: np.ndarray, edge: int) -> np.ndarray:
    """The values that a summarized print shows (what the formatter is fitted on)."""
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        if a.shape[0] > 2 * edge:
            return np.concatenate((a[:edge], a[-edge:]))  # edge == 0 keeps everything
        return a
    if not edge:
        return a[:0]
    index = []
    for n in a.shape:
        if n > 2 * edge:
            index.append(np.r_[0:edge, n - edge : n])
        else:
            index.append(np.arange(n))
    return a[np.ix_(*index)]


def _tensor_str(a: np.ndarray, indent: int, opts: dict) -> str:
    summarize = a.size > opts["threshold"]
    fitted = _summarized_data(a, opts["edgeitems"]) if summarize else a
    prec, sci = opts["precision"], opts["sci_mode"]
    if a.dtype.kind == "c":
        fmts: tuple[_Formatter, ...] = (
            _Formatter(fitted.real, prec, sci),
            _Formatter(fitted.imag, prec, sci),
        )
    else:
        fmts = (_Formatter(fitted, prec, sci),)
    return _nested_str(a, indent, summarize, fmts, opts)


def _add_suffixes(tensor_str: str, suffixes: list[str], indent: int, linewidth: int) -> str:
    parts = [tensor_str]
    # torch's arithmetic, kept as is (it counts two characters too many on the first line)
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_tensor(
    data: np.ndarray, dtype_name: str, default_dtype_name: str, suffixes: list[str]
) -> str:
    """Return ``repr(tensor)`` exactly as PyTorch would print it.

    Args:
        data: the tensor's values, any shape (0-d and empty included).
        dtype_name: torch's name of the tensor's dtype (``"float32"``, ``"int64"``, ...).
        default_dtype_name: the current default float dtype (``"float32"`` or ``"float64"``).
        suffixes: already formatted trailing items, e.g. ``["requires_grad=True"]``.

    Example:
        >>> import numpy as np
        >>> format_tensor(np.array([1.0, 2.0]), "float64", "float32", ["requires_grad=True"])
        'tensor([1., 2.], dtype=torch.float64, requires_grad=True)'
        >>> format_tensor(np.zeros((0, 3), np.float32), "float32", "float32", [])
        'tensor([], size=(0, 3))'
    """
    a = np.asarray(data)
    dtype_name = _ALIASES.get(dtype_name, dtype_name)
    default_dtype_name = _ALIASES.get(default_dtype_name, default_dtype_name)
    opts = _OPTS
    indent = len(_PREFIX)
    extra: list[str] = []
    if a.size == 0:
        if a.ndim != 1:
            extra.append("size=" + str(tuple(int(n) for n in a.shape)))
        if dtype_name != default_dtype_name:
            extra.append("dtype=torch." + dtype_name)
        body = "[]"
    else:
        if not opts["edgeitems"]:
            extra.append("size=" + str(tuple(int(n) for n in a.shape)))
        default_like = (
            default_dtype_name,
            "complex128" if default_dtype_name == "float64" else "complex64",
            "int64",
            "bool",
        )
        if dtype_name not in default_like:
            extra.append("dtype=torch." + dtype_name)
        body = _tensor_str(a, indent, opts)
    return _add_suffixes(_PREFIX + body, extra + list(suffixes), indent, opts["linewidth"])
