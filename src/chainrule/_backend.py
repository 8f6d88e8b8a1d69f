"""The array module indirection and the two formula namespaces.

Derivative formulas in the op table are written against a namespace ``F`` with PyTorch's
function names. On the fast path (no ``create_graph``) ``F`` is ``array_ns``: the same names
implemented directly on NumPy arrays, so a backward pass costs about what hand-written NumPy
costs. With ``create_graph=True`` ``F`` is chainrule itself (``tensor_ns()``), so the same
formula records a differentiable graph. A test checks that both namespaces agree name by name.
"""

from __future__ import annotations

import math

import numpy as np

xp = np  # the array module; CuPy/Dask later


def norm_dims(dim, ndim: int) -> tuple:
    """``dim`` (None, int or sequence) as a sorted tuple of non-negative axes."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (int, np.integer)):
        dim = (int(dim),)
    n = ndim if ndim > 0 else 1
    out = []
    for d in dim:
        d = int(d)
        if not -n <= d < n:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})"
            )
        d = d % n if ndim > 0 else 0
        if d in out:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        out.append(d)
    return tuple(sorted(out))


def broadcast_view(g, shape: tuple):
    """``g`` broadcast to ``shape`` as a read-only view (no copy).

    A 0-d gradient (the usual case after ``sum()``/``mean()``) takes a direct zero-stride view,
    ten times cheaper than ``np.broadcast_to`` on small tensors.
    """
    if not isinstance(g, np.generic):
        g = np.asarray(g)
        if g.ndim:
            return np.broadcast_to(g, shape)
        g = g[()]
    # a NumPy scalar's buffer is read-only, so the zero-stride view over it is too
    return np.ndarray(shape, g.dtype, g, 0, (0,) * len(shape))


def storage_offset(a: np.ndarray) -> int:
    """Elements from the start of ``a``'s outermost base array to ``a``'s first element
    (PyTorch's ``storage_offset()``)."""
    base = a
    while isinstance(base.base, np.ndarray):
        base = base.base
    if base is a:
        return 0
    start = base.__array_interface__["data"][0]
    return int((a.__array_interface__["data"][0] - start) // a.dtype.itemsize)


def unsqueeze_dims(g, dims: tuple, ndim: int):
    """Reinsert reduced axes ``dims`` (of an ``ndim`` input) into a reduced array ``g``."""
    if ndim == 0 or not dims:
        return g
    shape = list(np.shape(g))
    for d in sorted(dims):
        shape.insert(d, 1)
    return np.reshape(g, shape)


_BOOL = np.dtype(bool)
# same-size integer views of the float dtypes, for selecting bits
_BITS = {
    np.dtype(np.float64): np.dtype(np.int64),
    np.dtype(np.float32): np.dtype(np.int32),
    np.dtype(np.float16): np.dtype(np.int16),
}
_F32 = np.dtype(np.float32)
_F16 = np.dtype(np.float16)
_F64 = np.dtype(np.float64)
_f64 = np.float64


def erf(x):
    """The error function on arrays (NumPy has none): math.erf per element, dtype kept."""
    x = np.asarray(x)
    out = np.frompyfunc(math.erf, 1, 1)(x)
    return np.asarray(out, dtype=x.dtype)


_f32 = np.float32
# The C library's functions for single values (the 0-d fast path): ten times cheaper than a
# ufunc call on a NumPy scalar, and closer to PyTorch's results (for exp and tanh NumPy's own
# float64 kernels differ from PyTorch's in the last bit more often than libm does)
_SCALAR_MATH = {
    np.exp: math.exp,
    np.log: math.log,
    np.sin: math.sin,
    np.cos: math.cos,
    np.tan: math.tan,
    np.tanh: math.tanh,
    np.sinh: math.sinh,
    np.cosh: math.cosh,
}


def sign(x):
    """PyTorch's sign: ``(0 < x) - (x < 0)``, so 0 for NaN and +0 for -0 (np.sign keeps NaN);
    bool stays bool."""
    if isinstance(x, (np.ndarray, np.generic)):
        k = x.dtype.kind
        if k == "f":
            return ((x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)).astype(x.dtype)
        if k == "b":
            return np.array(x, copy=True)
    return np.sign(x)


def precise(fn):
    """``fn`` evaluated in float64 for float32/float16 input, then rounded back.

    NumPy's float32 transcendentals may be 1 ulp off the correctly rounded result (exp(6) is
    403.42877, PyTorch gives 403.42880); through float64 the results match PyTorch's.
    """
    scalar_fn = _SCALAR_MATH.get(fn)

    def wrapped(x, *args):
        c = x.__class__
        if (c is _f64 or c is _f32) and scalar_fn is not None:
            try:  # a single float32/float64 value: libm in double precision, rounded
                return c(scalar_fn(x))
            except (OverflowError, ValueError):  # inf, nan, log(0) ...: NumPy's answers
                pass
        # float64 (the common case: arrays and the NumPy scalars of the 0-d fast path) and
        # Python numbers go straight through
        if c is not _f64 and c is not float:
            dt = getattr(x, "dtype", None)
            if dt is _F32 or dt is _F16:
                return fn(x.astype(_F64), *args).astype(dt)
        return fn(x, *args)

    wrapped.__name__ = getattr(fn, "__name__", "precise")
    wrapped.__doc__ = fn.__doc__
    return wrapped


def _float_dtype(*xs):
    dt = np.result_type(*[x for x in xs if isinstance(x, (np.ndarray, np.generic))] or [_F64])
    return dt if dt.kind in "fc" else _F32 if dt.kind in "biu" else dt


def _as_float_of(out, *like):
    return np.asarray(out).astype(_float_dtype(*like), copy=False)


def _special(name: str, x):
    from . import _specfun

    return _as_float_of(getattr(_specfun, name)(x), x)


def _floats(x, y):
    """Two operands with bools/integers as floats (``x != 0`` masks in formulas)."""
    dt = _float_dtype(x, y)
    if isinstance(x, np.ndarray) and x.dtype.kind in "biu":
        x = x.astype(dt)
    if isinstance(y, np.ndarray) and y.dtype.kind in "biu":
        y = y.astype(dt)
    return x, y


class _ArrayNS:
    """PyTorch-named functions over NumPy arrays (the backward fast path)."""

    # elementwise
    exp = staticmethod(precise(np.exp))
    log = staticmethod(precise(np.log))
    sin = staticmethod(precise(np.sin))
    cos = staticmethod(precise(np.cos))
    tan = staticmethod(precise(np.tan))
    tanh = staticmethod(precise(np.tanh))
    sinh = staticmethod(precise(np.sinh))
    cosh = staticmethod(precise(np.cosh))
    sqrt = staticmethod(np.sqrt)
    abs = staticmethod(np.abs)
    sign = staticmethod(sign)
    square = staticmethod(np.square)
    reciprocal = staticmethod(np.reciprocal)
    conj = staticmethod(np.conj)
    floor = staticmethod(np.floor)
    trunc = staticmethod(np.trunc)
    isfinite = staticmethod(np.isfinite)

    @staticmethod
    def erf(x):
        return erf(x)

    exp2 = staticmethod(precise(np.exp2))

    @staticmethod
    def frexp(x):
        m, e = np.frexp(x)
        return m, e.astype(np.int32)

    isnan = staticmethod(np.isnan)

    # special functions (NumPy kernels in _specfun), in the input's float dtype
    @staticmethod
    def lgamma(x):
        return _special("lgamma", x)

    @staticmethod
    def digamma(x):
        return _special("digamma", x)

    @staticmethod
    def polygamma(n, x):
        from . import _specfun

        return _as_float_of(_specfun.polygamma(n, x), x)

    @staticmethod
    def i0(x):
        return _special("i0", x)

    @staticmethod
    def i0e(x):
        return _special("i0e", x)

    @staticmethod
    def i1(x):
        return _special("i1", x)

    @staticmethod
    def i1e(x):
        return _special("i1e", x)

    @staticmethod
    def zeta(x, q):
        from . import _specfun

        return _as_float_of(_specfun.zeta(x, q), x, q)

    @staticmethod
    def xlogy(x, y):
        x, y = _floats(x, y)
        with np.errstate(all="ignore"):
            out = x * np.log(y)
        return np.where((x == 0) & ~np.isnan(y), 0, out).astype(out.dtype, copy=False)

    @staticmethod
    def xlog1py(x, y):
        x, y = _floats(x, y)
        with np.errstate(all="ignore"):
            out = x * np.log1p(y)
        return np.where((x == 0) & ~np.isnan(y), 0, out).astype(out.dtype, copy=False)

    @staticmethod
    def sigmoid(x):
        return 0.5 * (np.tanh(0.5 * x) + 1.0)

    @staticmethod
    def rsqrt(x):
        return 1.0 / np.sqrt(x)

    @staticmethod
    def pow(x, y):
        return np.power(x, y)

    @staticmethod
    def where(c, a, b):
        # ``where(mask, 0, g)`` / ``where(mask, g, 0)`` (relu, clamp, masks ... in backward):
        # selecting g's bits with an integer mask is exact (+0 where masked, NaN kept) and
        # about three times faster than np.where with a scalar
        # (isinstance, not a class check: a donated gradient buffer, an ndarray subclass, takes
        # the result in place; the bit views promote int8 masks to their own width)
        if isinstance(c, np.ndarray) and c.dtype == _BOOL and c.size >= 256:
            if (b == 0 if b.__class__ is float or b.__class__ is int else False) and (
                isinstance(a, np.ndarray) and a.shape == c.shape
            ):
                bits = _BITS.get(a.dtype)
                if bits is not None:
                    keep = np.negative(c.view(np.int8))  # -1 (all bits) where c, else 0
                    return np.bitwise_and(a.view(bits), keep).view(a.dtype)
            if (a == 0 if a.__class__ is float or a.__class__ is int else False) and (
                isinstance(b, np.ndarray) and b.shape == c.shape
            ):
                bits = _BITS.get(b.dtype)
                if bits is not None:
                    keep = np.subtract(c.view(np.int8), 1, dtype=np.int8)  # -1 where not c
                    return np.bitwise_and(b.view(bits), keep).view(b.dtype)
        return np.where(c, a, b)

    @staticmethod
    def zeros_like(x):
        return np.zeros_like(x)

    @staticmethod
    def ones_like(x):
        return np.ones_like(x)

    @staticmethod
    def to(x, like):
        """Cast ``x`` to the dtype of ``like`` (an array)."""
        return np.asarray(x).astype(like.dtype, copy=False)

    # reductions
    @staticmethod
    def sum(x, dim=None, keepdim=False):
        return np.sum(x, axis=None if dim is None else dim, keepdims=keepdim)

    @staticmethod
    def mean(x, dim=None, keepdim=False):
        return np.mean(x, axis=None if dim is None else dim, keepdims=keepdim)

    @staticmethod
    def cumsum(x, dim):
        return np.cumsum(x, axis=dim)

    @staticmethod
    def flip(x, dims):
        return np.flip(x, axis=dims)

    # shape
    @staticmethod
    def reshape(x, shape):
        return np.reshape(x, shape)

    @staticmethod
    def expand(x, shape):
        return broadcast_view(x, shape)

    @staticmethod
    def unsqueeze_dims(x, dims, ndim):
        return unsqueeze_dims(x, dims, ndim)

    @staticmethod
    def permute(x, dims):
        return np.transpose(x, dims)

    @staticmethod
    def transpose(x, d0, d1):
        return np.swapaxes(x, d0, d1) if np.ndim(x) else x

    @staticmethod
    def matmul(a, b):
        return np.matmul(a, b)

    @staticmethod
    def outer(a, b):
        return np.multiply.outer(a, b)

    @staticmethod
    def sum_to(x, shape):
        from .autograd.engine import sum_to

        return sum_to(x, shape, False)

    @staticmethod
    def zeros(shape, like):
        return np.zeros(shape, dtype=like.dtype)

    @staticmethod
    def index_put(base_shape, like, index, values, accumulate=True):
        """zeros(base_shape) with ``values`` added (or written) at ``index``."""
        out = np.zeros(base_shape, dtype=np.result_type(like))
        if accumulate:
            np.add.at(out, index, values)
        else:
            out[index] = values
        return out

    @staticmethod
    def masked_fill(x, mask, value):
        return np.where(mask, value, x)

    @staticmethod
    def rot90(x, k=1, dims=(0, 1)):
        return np.rot90(x, k, axes=dims)

    @staticmethod
    def roll(x, shifts, dims=None):
        return np.roll(x, shifts, axis=dims)

    @staticmethod
    def stack(xs, dim=0):
        return np.stack(xs, axis=dim)

    @staticmethod
    def cat(xs, dim=0):
        return np.concatenate(xs, axis=dim)

    pi = math.pi


array_ns = _ArrayNS()

_tensor_ns = []


def tensor_ns():
    """chainrule's public namespace (differentiable ops), for create_graph=True."""
    if not _tensor_ns:
        import chainrule

        _tensor_ns.append(chainrule._formula_ns)
    return _tensor_ns[0]
