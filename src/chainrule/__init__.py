"""chainrule: PyTorch's autograd on NumPy -- drop-in, light, fast, and it shows its work.

Example:
    >>> import chainrule as torch
    >>> x = torch.tensor(0.5, requires_grad=True)
    >>> y = torch.cos(x ** 2)
    >>> y.backward()
    >>> x.grad
    tensor(-0.2474)
"""

from __future__ import annotations

import warnings as _warnings

# PyTorch computes inf/nan silently (log(0), 1/0); NumPy warns. Silence NumPy's RuntimeWarnings
# raised from chainrule's own code only (the filter matches the calling module), not the user's.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"chainrule(\.|$)")

import importlib as _importlib
from types import SimpleNamespace as _NS

from . import (
    _dtype,
    autograd,  # first: autograd's modules are needed by _tensor
)
from ._creation import *  # noqa: F403
from ._creation import Generator, default_generator  # noqa: F401
from ._dtype import (
    bool_ as bool,  # noqa: A001
)
from ._dtype import (
    complex64,
    complex128,
    dtype,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    set_default_dtype,
    uint8,
)
from ._tensor import Size, Tensor, device
from .autograd.grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .ops import _lazy, _props, _registry
from .ops import activation as _activation  # noqa: F401
from .ops import elementwise as _elementwise  # noqa: F401  (registers ops)
from .ops import indexing as _indexing  # noqa: F401
from .ops import inplace as _inplace  # noqa: F401  (last: in-place forms of the ops above)
from .ops import linalg as _linalg  # noqa: F401
from .ops import misc as _misc  # noqa: F401
from .ops import pointwise as _pointwise  # noqa: F401
from .ops import reduce as _reduce  # noqa: F401
from .ops import shape as _shape  # noqa: F401
from .ops import special as _special_ops  # noqa: F401

double = float64
float = float32  # noqa: A001
half = float16
long = int64
int = int32  # noqa: A001
short = int16
cfloat = complex64
cdouble = complex128
__version__ = "0.1.0"


class _LegacyTensorType(type):
    """``torch.FloatTensor`` and friends: constructors and ``isinstance`` checks by dtype."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls._dtype

    def __call__(cls, *args):
        return Tensor(*args).to(cls._dtype)


FloatTensor = _LegacyTensorType("FloatTensor", (), {"_dtype": float32})
DoubleTensor = _LegacyTensorType("DoubleTensor", (), {"_dtype": float64})
HalfTensor = _LegacyTensorType("HalfTensor", (), {"_dtype": float16})
LongTensor = _LegacyTensorType("LongTensor", (), {"_dtype": int64})
IntTensor = _LegacyTensorType("IntTensor", (), {"_dtype": int32})
ByteTensor = _LegacyTensorType("ByteTensor", (), {"_dtype": uint8})
BoolTensor = _LegacyTensorType("BoolTensor", (), {"_dtype": bool})

globals().update(_registry.PUBLIC)
for _name, _fn in _registry.METHODS.items():
    setattr(Tensor, _name, _fn)
for _name, _fn in _elementwise.OPERATORS.items():
    setattr(Tensor, _name, _fn)


_props.install(Tensor)
# decomp, extra, nn_ops and shape_more load on first use of one of their names (ops/_lazy.py)
_lazy.install_stubs(Tensor)


def is_tensor(obj: object) -> bool:
    """Whether ``obj`` is a chainrule Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:  # noqa: A002
    return input.is_floating_point()


def numel(input: Tensor) -> int:  # noqa: A002
    return input.numel()


from ._printing import get_printoptions, set_printoptions  # noqa: E402,F401
from ._serialization import load, save  # noqa: E402,F401


def _make_formula_ns() -> _NS:
    """chainrule's ops under the names the derivative formulas use (create_graph=True)."""
    from . import _formula_tensor

    _lazy.load_all()  # formulas may call any op
    ns = dict(_registry.PUBLIC)
    ns.update(_formula_tensor.HELPERS)
    return _NS(**ns)


class _LazyFormulaNS:
    _ns = None

    def __getattr__(self, name: str):
        if _LazyFormulaNS._ns is None:
            _LazyFormulaNS._ns = _make_formula_ns()
        return getattr(_LazyFormulaNS._ns, name)


_formula_ns = _LazyFormulaNS()


def __getattr__(name: str):
    if name in _SUBMODULES:
        mod = _importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    try:
        return _lazy.public_attr(name)
    except AttributeError:
        pass
    raise AttributeError(f"module 'chainrule' has no attribute '{name}'")


_SUBMODULES = ("nn", "optim", "explain", "viz", "func", "utils", "cuda", "backends", "special")


def __dir__() -> list:
    return sorted(set(globals()) | set(_lazy.PUBLIC_OWNER) | set(_SUBMODULES))
