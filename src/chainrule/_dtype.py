"""dtype objects (``chainrule.float32`` ...), the default dtype and PyTorch's type promotion.

Promotion follows PyTorch: operands fall in three tiers (tensors with dimensions, zero-dim
tensors, Python scalars) and three categories (bool < integer < floating). The result's
category is the highest present; its dtype comes from the highest tier holding that category.
A Python float joining integer tensors gives the *default* float dtype, not float64.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dtype", "get_default_dtype", "set_default_dtype"]


class dtype:
    """A tensor element type, printed as PyTorch prints it (``torch.float32``).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, dtype=torch.float64).dtype
        torch.float64
    """

    __slots__ = (
        "name",
        "np",
        "is_floating_point",
        "is_complex",
        "is_signed",
        "itemsize",
        "_rank",
        "word",
        "cpp",
    )

    def __init__(self, name: str, np_dtype, rank: int, word: str, cpp: str) -> None:
        self.name = name
        self.word = word  # PyTorch's ScalarType name in messages: "Float", "Long"
        self.cpp = cpp  # the C++ type name some PyTorch messages print: "float", "long int"
        self.np = np.dtype(np_dtype)
        self.is_floating_point = self.np.kind == "f"
        self.is_complex = self.np.kind == "c"
        self.is_signed = self.np.kind in "fic"
        self.itemsize = self.np.itemsize
        # category for promotion: 0 bool, 1 integer, 2 floating, 3 complex
        self._rank = rank

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self) -> dtype:
        return {"complex64": float32, "complex128": float64}.get(self.name, self)

    def to_complex(self) -> dtype:
        # PyTorch's float16 pairs with complex32, which NumPy lacks: complex64 is the nearest
        return {"float16": complex64, "float32": complex64, "float64": complex128}.get(
            self.name, self
        )


bool_ = dtype("bool", np.bool_, 0, "Bool", "bool")
uint8 = dtype("uint8", np.uint8, 1, "Byte", "unsigned char")
int8 = dtype("int8", np.int8, 1, "Char", "signed char")
int16 = dtype("int16", np.int16, 1, "Short", "short int")
int32 = dtype("int32", np.int32, 1, "Int", "int")
int64 = dtype("int64", np.int64, 1, "Long", "long int")
float16 = dtype("float16", np.float16, 2, "Half", "c10::Half")
float32 = dtype("float32", np.float32, 2, "Float", "float")
float64 = dtype("float64", np.float64, 2, "Double", "double")
complex64 = dtype("complex64", np.complex64, 3, "ComplexFloat", "c10::complex<float>")
complex128 = dtype("complex128", np.complex128, 3, "ComplexDouble", "c10::complex<double>")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128)
_BY_NP = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}
ALIASES = {
    "double": float64,
    "float": float32,
    "half": float16,
    "long": int64,
    "int": int32,
    "short": int16,
    "cfloat": complex64,
    "cdouble": complex128,
}


def _by_name(name: str) -> dtype:
    return _BY_NAME[name]


_default = [float32]


def get_default_dtype() -> dtype:
    """The default floating dtype (``float32`` unless changed).

    Example:
        >>> import chainrule as torch
        >>> torch.get_default_dtype()
        torch.float32
    """
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype used by ``tensor([1.5])``, ``zeros`` and promotion.

    Example:
        >>> import chainrule as torch
        >>> torch.set_default_dtype(torch.float64); torch.tensor([1.5]).dtype
        torch.float64
        >>> torch.set_default_dtype(torch.float32)
    """
    if not isinstance(d, dtype) or d not in (float16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def from_numpy_dtype(npd) -> dtype:
    """The chainrule dtype of a NumPy dtype; raises TypeError for unsupported ones."""
    d = _BY_NP.get(npd)
    if d is None:
        npd = np.dtype(npd)
        d = _BY_NP.get(npd)
        if d is None:
            raise TypeError(
                f"can't convert np.ndarray of type {npd}. The only supported types are: "
                "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
                "uint8, and bool."
            )
    return d


def to_dtype(d) -> dtype:
    """Accept a chainrule dtype, a NumPy dtype/type or a Python type (float, int, bool)."""
    if isinstance(d, dtype):
        return d
    if d is float:  # Python's float is a double, as in PyTorch (dtype=float is float64)
        return float64
    if d is int:
        return int64
    if d is bool:
        return bool_
    if d is complex:
        return complex128
    if isinstance(d, str):
        got = _BY_NAME.get(d) or ALIASES.get(d)
        if got is not None:
            return got
    try:
        return from_numpy_dtype(np.dtype(d))
    except TypeError:
        raise TypeError(f"invalid dtype: {d!r}") from None


_PROMOTE_CACHE: dict = {}


def promote_types(a: dtype, b: dtype) -> dtype:
    """PyTorch's ``promote_types`` for two dtypes of the same tier.

    Example:
        >>> import chainrule as torch
        >>> torch.promote_types(torch.int32, torch.float32)
        torch.float32
    """
    if a is b:
        return a
    key = (a, b)
    got = _PROMOTE_CACHE.get(key)
    if got is None:
        if a._rank != b._rank:
            hi, lo = (a, b) if a._rank > b._rank else (b, a)
            got = hi
            if hi._rank == 3 and lo is float64:
                got = complex128
        elif a._rank == 1 and {a.name, b.name} == {"uint8", "int8"}:
            got = int16
        else:
            got = from_numpy_dtype(np.promote_types(a.np, b.np))
        _PROMOTE_CACHE[key] = got
    return got


def scalar_dtype(value) -> dtype:
    """The dtype PyTorch gives a Python scalar in promotion (float -> default dtype)."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    if isinstance(value, complex):
        return complex64 if get_default_dtype() is not float64 else complex128
    return get_default_dtype()


def _scalar_rank(value) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return 1
    if isinstance(value, complex):
        return 3
    return 2
