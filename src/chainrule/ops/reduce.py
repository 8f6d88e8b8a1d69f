"""Reductions: sum, mean, prod, max/min, norms, var/std, logsumexp, cumulative ops, all/any.

Entries first, then the public front-ends. Reduced gradients are brought back to the input's
rank with ``F.unsqueeze_dims`` and then rely on broadcasting against a full-shape factor, so
formulas stay valid in both formula namespaces. Three helpers (also used by ``linalg``) let a
formula reach beyond ``F``'s names without a new shared helper: ``_const(F, arr)`` (a constant
array: an index mask, an identity), ``_call(F, OP, inputs, params)`` (run one of this package's
entries: its forward on arrays, or ``apply`` under ``create_graph``) and ``_expand``.
``return_type(name)`` builds PyTorch's ``torch.return_types.<name>`` named pairs.
"""

from __future__ import annotations

import builtins
import functools
import math
import sys
import warnings

import numpy as np

from .. import _dtype as D
from .._backend import array_ns, norm_dims
from .._tensor import Tensor, wrap
from ._dispatch import apply, specialize
from ._registry import PUBLIC, defop, expose

_bmax = builtins.max
_bool = builtins.bool
_int = builtins.int
_float = builtins.float


# ---------------------------------------------------------------- helpers shared by formulas
def _const(F, arr):
    """A constant (non-differentiable) array in the formula namespace ``F``."""
    return arr if F is array_ns else wrap(arr)


def _call(F, op, inputs: tuple, params: tuple = ()):
    """Run one of this family's entries inside a formula, in either namespace."""
    if F is array_ns:
        return op.forward(*inputs, *params)
    return apply(op, inputs, params)


def _data(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _unsq(F, g, dims, keepdim, ndim):
    """A reduced gradient (or result) with the reduced axes reinserted as size 1."""
    if keepdim or ndim == 0:
        return g
    return F.unsqueeze_dims(g, dims, ndim)


def _expand_back(F, g, dims, keepdim, shape):
    """Broadcast a reduced gradient back to the input's ``shape``."""
    if not keepdim:
        g = F.unsqueeze_dims(g, dims, len(shape))
    return F.expand(g, shape)


def _numel(shape, dims=None):
    n = 1
    for i, s in enumerate(shape):
        if dims is None or i in dims:
            n *= s
    return n


def _axes(dim, ndim: int) -> tuple:
    """``dim`` normalised (PyTorch's range check); 0-d tensors reduce over no axis."""
    dims = norm_dims(dim, ndim)
    return dims if ndim else ()


def check_not_bool(a: np.ndarray, kernel: str) -> None:
    """PyTorch's NotImplementedError for a bool array where ``kernel`` has no bool version."""
    if a.dtype == np.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def int_dim(dim, fname: str | None = None) -> None:
    """PyTorch's TypeError for a tuple/list ``dim`` where one int is expected; ``fname``
    defaults to the nearest public function on the call stack (the one the user called)."""
    if isinstance(dim, (tuple, list)):
        if fname is None:
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_name.startswith("_"):
                frame = frame.f_back
            fname = frame.f_code.co_name if frame is not None else "function"
        raise TypeError(f"{fname}(): argument 'dim' must be int, not {type(dim).__name__}")


_REQUIRED = object()  # a required ``dim`` left out: PyTorch's TypeError wording, not Python's


def _need_dim(dim, fname: str) -> None:
    if dim is _REQUIRED:
        raise TypeError(f'{fname}() missing 1 required positional arguments: "dim"')


def _axis(dim, ndim: int) -> int:
    """One normalised dim (0-d tensors accept 0 and -1)."""
    if isinstance(dim, (tuple, list)):
        int_dim(dim)
    return norm_dims(_int(dim), ndim)[0]


def _np_dtype(dtype):
    return None if dtype is None else D.to_dtype(dtype).np


def _is_full(dim):
    return dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0)


def _int_acc(x: np.ndarray, npd):
    """Integer and bool inputs accumulate in int64 (PyTorch's sum/prod/cumsum rule)."""
    if npd is None and x.dtype.kind in "biu":
        return np.dtype(np.int64)
    return npd


def _word(a: np.ndarray) -> str:
    return D._BY_NP[a.dtype].word


def _check_tensor(x, fname: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fname}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}"
        )


# ---------------------------------------------------------------- return types
class _ReturnType(tuple):
    """A named pair like ``torch.return_types.max`` (``values``, ``indices``)."""

    __slots__ = ()
    _name = ""
    _fields: tuple = ()

    def __new__(cls, values):
        return tuple.__new__(cls, values)

    def __repr__(self) -> str:
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{self._name}(\n{body})"

    def __reduce__(self):
        return (type(self), (tuple(self),))


def return_type(name: str, fields: tuple = ("values", "indices")) -> type:
    """The class of PyTorch's ``torch.return_types.<name>`` (a tuple with named fields)."""
    ns = {"__slots__": (), "_name": name, "_fields": tuple(fields)}
    for i, f in enumerate(fields):
        ns[f] = property(lambda self, i=i: tuple.__getitem__(self, i))
    cls = type(name, (_ReturnType,), ns)
    cls.__module__ = "chainrule"  # picklable as chainrule.return_types.<name>
    cls.__qualname__ = f"return_types.{name}"
    return cls


class return_types:  # noqa: N801  (PyTorch's module name)
    """``torch.return_types``: the named tuples returned by max(dim), min(dim) ..."""

    max = return_type("max")
    min = return_type("min")
    median = return_type("median")
    sort = return_type("sort")
    topk = return_type("topk")
    cummax = return_type("cummax")
    cummin = return_type("cummin")
    aminmax = return_type("aminmax", ("min", "max"))
    nanmedian = return_type("nanmedian")
    var_mean = None  # PyTorch returns plain tuples for var_mean/std_mean


# ---------------------------------------------------------------- sum / mean
_add_reduce = np.add.reduce


def _sum_fwd(x, dims, keepdim, dtype):
    return np.asarray(np.sum(x, axis=dims, keepdims=keepdim, dtype=dtype))


SUM = defop(
    "sum",
    lambda x, dtype: _add_reduce(x, axis=None, dtype=dtype),  # np.sum without its wrapper
    saves=("self.shape",),
    grads=(lambda F, g, shape, dtype: F.expand(g, shape),),
    jvp="linear",
    explain={"self": "1 (each element)"},
)
SUM_DIM = defop(
    "sum_dim",
    _sum_fwd,
    saves=("self.shape",),
    grads=(lambda F, g, shape, dims, keepdim, dtype: _expand_back(F, g, dims, keepdim, shape),),
    node="SumBackward1",
    jvp="linear",
    explain={"self": "1 (each element)"},
)


_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


def _mean_fwd(x, dtype):
    if dtype is None and x.size:
        # np.mean without its wrapper (a third of a small op's time), rounded as np.mean rounds:
        # the float32 sum divided in float64, then cast
        if x.dtype is _F64:
            return _add_reduce(x, axis=None) / x.size
        if x.dtype is _F32:
            return _F32.type(float(_add_reduce(x, axis=None)) / x.size)
    return np.mean(x, dtype=dtype).astype(dtype or x.dtype, copy=False)


MEAN = defop(
    "mean",
    _mean_fwd,
    saves=("self.shape",),
    grads=(lambda F, g, shape, dtype: F.expand(g / _numel(shape), shape),),
    jvp="linear",
    explain={"self": "1/n (each element)"},
)


def _mean_dim_fwd(x, dims, keepdim, dtype):
    return np.asarray(
        np.mean(x, axis=dims, keepdims=keepdim, dtype=dtype).astype(dtype or x.dtype, copy=False)
    )


MEAN_DIM = defop(
    "mean_dim",
    _mean_dim_fwd,
    saves=("self.shape",),
    grads=(
        lambda F, g, shape, dims, keepdim, dtype: _expand_back(
            F, g / _numel(shape, dims), dims, keepdim, shape
        ),
    ),
    node="MeanBackward1",
    jvp="linear",
    explain={"self": "1/n (each element)"},
)


# ---------------------------------------------------------------- prod
def _prod_fwd(x, dims, keepdim, dtype):
    return np.asarray(np.prod(x, axis=dims, keepdims=keepdim, dtype=dtype))


def _prod_grad(F, g, x, r, dims, keepdim, dtype):
    """d prod / dx_i = product of the others; exact with zeros in the input (no 0/0)."""
    nd = x.ndim
    g = _unsq(F, g, dims, keepdim, nd)
    r = _unsq(F, r, dims, keepdim, nd)
    zero = x == 0
    if not zero.any():
        return g * r / x
    nz = F.sum(zero, dims, True)
    safe = F.where(zero, 1.0, x)
    others = _call(F, PROD, (safe,), (dims, True, None))  # product of the non-zeros
    at_zero = F.where(nz == 1, others, 0.0)
    return g * F.where(zero, at_zero, r / safe)


def _prod_jvp(F, tangents, x, r, dims, keepdim, dtype):
    t = tangents[0]
    return F.sum(t * _prod_grad(F, F.ones_like(r), x, r, dims, keepdim, dtype), dims, keepdim)


PROD = defop(
    "prod",
    _prod_fwd,
    saves=("self", "result"),
    grads=(_prod_grad,),
    node="ProdBackward0",
    jvp=_prod_jvp,
    explain={"self": "product of the other elements"},
)
PROD_DIM = defop(
    "prod_dim",
    _prod_fwd,
    saves=("self", "result"),
    grads=(_prod_grad,),
    node="ProdBackward1",
    jvp=_prod_jvp,
    explain={"self": "product of the other elements"},
)


# ---------------------------------------------------------------- max / min / amax / amin
def _evenly(F, g, x, r, dims, keepdim, whole=False):
    """Gradient of a value-selecting reduction, split evenly among ties (PyTorch's rule).

    ``whole`` (max(), min(), median()): NaN results count NaN inputs as ties, like PyTorch;
    amax/amin divide by the tie count first, so a NaN result spreads NaN as in PyTorch."""
    nd = x.ndim
    g = _unsq(F, g, dims, keepdim, nd)
    r = _unsq(F, r, dims, keepdim, nd)
    mask = x == r
    if whole:
        if r != r:
            mask = x != x
        return F.where(mask, g / F.to(F.sum(mask), g), 0.0)
    count = F.sum(mask, dims, True)
    return g / F.to(count, g) * mask


def _evenly_jvp(F, tangents, x, r, dims, keepdim):
    t = tangents[0]
    return F.sum(_evenly(F, F.ones_like(r), x, r, dims, keepdim) * t, dims, keepdim)


def _whole_max(x, np_fn):
    return np.asarray(np_fn(x))


MAX = defop(
    "max",
    lambda x: _whole_max(x, np.max),
    saves=("self", "result"),
    grads=(lambda F, g, x, r: _evenly(F, g, x, r, tuple(range(x.ndim)), False, True),),
    node="MaxBackward1",
    jvp=lambda F, ts, x, r: _evenly_jvp(F, ts, x, r, tuple(range(x.ndim)), False),
    explain={"self": "1/k where {u} is the maximum (k ties)"},
)
MIN = defop(
    "min",
    lambda x: _whole_max(x, np.min),
    saves=("self", "result"),
    grads=(lambda F, g, x, r: _evenly(F, g, x, r, tuple(range(x.ndim)), False, True),),
    node="MinBackward1",
    jvp=lambda F, ts, x, r: _evenly_jvp(F, ts, x, r, tuple(range(x.ndim)), False),
    explain={"self": "1/k where {u} is the minimum (k ties)"},
)


def _amax_fwd(x, dims, keepdim, fn):
    return np.asarray(fn(x, axis=dims, keepdims=keepdim))


AMAX = defop(
    "amax",
    lambda x, dims, keepdim: _amax_fwd(x, dims, keepdim, np.max),
    saves=("self", "result"),
    grads=(_evenly,),
    jvp=_evenly_jvp,
    explain={"self": "1/k where {u} is the maximum (k ties)"},
)
AMIN = defop(
    "amin",
    lambda x, dims, keepdim: _amax_fwd(x, dims, keepdim, np.min),
    saves=("self", "result"),
    grads=(_evenly,),
    jvp=_evenly_jvp,
    explain={"self": "1/k where {u} is the minimum (k ties)"},
)


def _select_fwd(x, dim, keepdim, arg):
    """(values, int64 indices) along ``dim`` (the first of ties, like PyTorch on CPU)."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    idx = arg(x, axis=dim, keepdims=True)
    vals = np.take_along_axis(x, idx, dim)
    if not keepdim:
        idx = np.squeeze(idx, dim)
        vals = np.squeeze(vals, dim)
    return vals, idx.astype(np.int64, copy=False)


def _index_mask(shape, idx, dim, keepdim):
    """Boolean array of ``shape``: True at ``idx`` along ``dim``."""
    idx = _data(idx)
    if not keepdim:
        idx = np.expand_dims(idx, dim)
    pos = np.arange(shape[dim]).reshape([-1 if i == dim else 1 for i in range(len(shape))])
    return pos == idx


def _select_grad(F, g, shape, idx, dim, keepdim):
    if isinstance(g, tuple):  # (values' gradient,): the indices carry none
        g = g[0]
    if len(shape) == 0:
        return g
    g = _unsq(F, g, (dim,), keepdim, len(shape))
    return F.where(_const(F, _index_mask(shape, idx, dim, keepdim)), g, 0.0)


def _select_jvp(F, tangents, shape, idx, dim, keepdim):
    t = tangents[0]
    if len(shape) == 0:
        return t
    m = _const(F, _index_mask(shape, idx, dim, keepdim))
    return F.sum(F.where(m, t, 0.0), (dim,), keepdim)


MAX_DIM = defop(
    "max_dim",
    lambda x, dim, keepdim: _select_fwd(x, dim, keepdim, np.argmax),
    saves=("self.shape", "result1"),
    grads=(_select_grad,),
    node="MaxBackward0",
    outputs=2,
    nondiff_outputs=1,
    jvp=_select_jvp,
    explain={"self": "1 at the index of the maximum"},
)
MIN_DIM = defop(
    "min_dim",
    lambda x, dim, keepdim: _select_fwd(x, dim, keepdim, np.argmin),
    saves=("self.shape", "result1"),
    grads=(_select_grad,),
    node="MinBackward0",
    outputs=2,
    nondiff_outputs=1,
    jvp=_select_jvp,
    explain={"self": "1 at the index of the minimum"},
)


# ---------------------------------------------------------------- sort / topk
def _descending_order(x, dim):
    """The stable order that sorts ``x`` descending along ``dim``, NaN first (PyTorch's)."""
    k = x.dtype.kind
    if k == "b" or k == "i":
        return np.argsort(~x, axis=dim, kind="stable")  # ~x = -x - 1: no overflow at the minimum
    if k == "u":
        return np.argsort(np.iinfo(x.dtype).max - x, axis=dim, kind="stable")
    nan = np.isnan(x)
    if not nan.any():
        return np.argsort(-x, axis=dim, kind="stable")
    # NaN is the largest value: sort on (not NaN, -x), NaNs keeping their order
    return np.lexsort((np.where(nan, 0, -x), ~nan), axis=dim)


def _order(x, dim, descending):
    if descending:
        return _descending_order(x, dim)
    return np.argsort(x, axis=dim, kind="stable")


def _sort_fwd(x, dim, descending):
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    idx = _order(x, dim, descending)
    return np.take_along_axis(x, idx, dim), idx.astype(np.int64, copy=False)


def _topk_order(x, k, dim, largest):
    """The first ``k`` of the order ``_order`` gives, by partition when ``k`` is small (ties
    in arbitrary order: ``fix_ties`` settles them)."""
    n = x.shape[dim]
    kind = x.dtype.kind
    if 4 * k >= n or kind not in "fiu" or (kind == "f" and np.isnan(x).any()):
        return np.take(_order(x, dim, largest), np.arange(k), axis=dim)
    if largest:
        key = ~x if kind == "i" else (np.iinfo(x.dtype).max - x if kind == "u" else -x)
    else:
        key = x
    part = np.take(np.argpartition(key, k - 1, axis=dim), np.arange(k), axis=dim)
    within = np.argsort(np.take_along_axis(key, part, dim), axis=dim, kind="stable")
    return np.take_along_axis(part, within, dim)


def _topk_fwd(x, k, dim, largest):
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    idx = _topk_order(x, k, dim, largest).astype(np.int64, copy=False)
    if k:  # among equal values, the index PyTorch's CPU kernel reports
        from .._tie_order import fix_ties, topk_indices

        fix_ties(x, idx, dim, lambda row: topk_indices(row, k, largest))
    return np.take_along_axis(x, idx, dim), idx


def _scatter_back(F, g, shape, idx, dim, *rest):
    """Gradient of a gather along ``dim`` at ``idx``: ``g`` scattered into zeros."""
    if isinstance(g, tuple):  # (values' gradient,): the indices carry none
        g = g[0]
    if len(shape) == 0:
        return g
    idx = _data(idx)
    if F is array_ns:
        out = np.zeros(shape, np.result_type(g))
        np.put_along_axis(out, idx, g, dim)
        return out
    from .._creation import zeros

    return zeros(shape, dtype=g.dtype).scatter(dim, wrap(idx), g)


def _gather_jvp(F, tangents, shape, idx, dim, *rest):
    t = tangents[0]
    if len(shape) == 0:
        return t
    idx = _data(idx)
    if F is array_ns:
        return np.take_along_axis(t, idx, dim)
    return t.gather(dim, wrap(idx))


SORT = defop(
    "sort",
    _sort_fwd,
    saves=("self.shape", "result1"),
    grads=(_scatter_back,),
    node="SortBackward0",
    outputs=2,
    nondiff_outputs=1,
    jvp=_gather_jvp,
    explain={"self": "1 where the element moved to"},
)


def _topk_grad(F, g, shape, idx, k, dim, largest):
    return _scatter_back(F, g, shape, idx, dim)


def _topk_jvp(F, tangents, shape, idx, k, dim, largest):
    return _gather_jvp(F, tangents, shape, idx, dim)


TOPK = defop(
    "topk",
    _topk_fwd,
    saves=("self.shape", "result1"),
    grads=(_topk_grad,),
    node="TopkBackward0",
    outputs=2,
    nondiff_outputs=1,
    jvp=_topk_jvp,
    explain={"self": "1 for the k selected elements"},
)


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """Sorted values and their indices along ``dim`` (stable: ties keep their order).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([3.0, 1.0, 2.0]).sort().indices
        tensor([1, 2, 0])
    """
    int_dim(dim, "sort")
    d = norm_dims(dim, input._data.ndim)[0]  # (0-d: 0 and -1 are accepted, give 0)
    v, i = apply(SORT, (input,), (d, bool(descending)))
    return return_types.sort((v, i))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False):
    """Indices that sort ``input`` along ``dim``.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([3.0, 1.0, 2.0]).argsort()
        tensor([1, 2, 0])
    """
    int_dim(dim, "argsort")
    return sort(input, dim, descending, stable)[1]


def msort(input: Tensor):
    """``sort(input, dim=0).values``."""
    return sort(input, 0)[0]


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([3.0, 1.0, 2.0]).topk(2).values
        tensor([3., 2.])
    """
    int_dim(dim, "topk")
    nd = input._data.ndim
    d = norm_dims(dim, nd)[0]  # (0-d: 0 and -1 are accepted, give 0)
    if input._data.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    size = input._data.shape[d] if nd else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    v, i = apply(TOPK, (input,), (int(k), d, bool(largest)))
    return return_types.topk((v, i))


for _f in (sort, argsort, msort, topk):
    expose(_f)


def _median_fwd(x, dim, keepdim):
    """Lower median (PyTorch's choice for even counts) and its index."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    n = x.shape[dim]
    order = np.argsort(x, axis=dim, kind="stable")
    # NaN sorts last in NumPy; PyTorch's median returns NaN if any element is NaN
    k = (n - 1) // 2
    idx = np.take(order, [k], axis=dim)
    nan = np.isnan(x).any(axis=dim, keepdims=True) if x.dtype.kind == "f" else None
    if nan is not None and nan.any():
        first_nan = np.argmax(np.isnan(x), axis=dim, keepdims=True)
        idx = np.where(nan, first_nan, idx)
    vals = np.take_along_axis(x, idx, dim)
    if not keepdim:
        idx = np.squeeze(idx, dim)
        vals = np.squeeze(vals, dim)
    return vals, idx.astype(np.int64, copy=False)


def _median_all_fwd(x):
    return _median_fwd(x.reshape(-1), 0, False)[0]


MEDIAN = defop(
    "median",
    _median_all_fwd,
    saves=("self", "result"),
    grads=(lambda F, g, x, r: _evenly(F, g, x, r, tuple(range(x.ndim)), False, True),),
    jvp=lambda F, ts, x, r: _evenly_jvp(F, ts, x, r, tuple(range(x.ndim)), False),
    explain={"self": "1/k where {u} is the median (k ties)"},
)
MEDIAN_DIM = defop(
    "median_dim",
    _median_fwd,
    saves=("self.shape", "result1"),
    grads=(_select_grad,),
    node="MedianBackward1",
    outputs=2,
    nondiff_outputs=1,
    jvp=_select_jvp,
    explain={"self": "1 at the median element"},
)


def _arg_fwd(x, dim, keepdim, fn):
    if dim is None:
        out = np.asarray(fn(x.reshape(-1)), np.int64)
        return out.reshape((1,) * x.ndim) if keepdim else out
    if x.ndim == 0:
        return np.zeros((), np.int64)
    return np.asarray(fn(x, axis=dim, keepdims=keepdim), np.int64)


ARGMAX = defop(
    "argmax",
    lambda x, dim, keepdim: _arg_fwd(x, dim, keepdim, np.argmax),
    differentiable=False,
    promote="keep",
)
ARGMIN = defop(
    "argmin",
    lambda x, dim, keepdim: _arg_fwd(x, dim, keepdim, np.argmin),
    differentiable=False,
    promote="keep",
)


# ---------------------------------------------------------------- norms
def _vnorm_fwd(x, ord, dims, keepdim, dtype):
    if dtype is not None:
        x = x.astype(dtype, copy=False)
    a = np.abs(x)
    if ord == 2:
        out = np.sqrt(np.sum(a * a, axis=dims, keepdims=keepdim))
    elif ord == 1:
        out = np.sum(a, axis=dims, keepdims=keepdim)
    elif ord == math.inf:
        out = (
            np.max(a, axis=dims, keepdims=keepdim, initial=0)
            if a.size
            else np.zeros(np.sum(a, axis=dims, keepdims=keepdim).shape, a.dtype)
        )
    elif ord == -math.inf:
        out = np.min(a, axis=dims, keepdims=keepdim)
    elif ord == 0:
        out = np.sum(a != 0, axis=dims, keepdims=keepdim).astype(a.dtype)
    else:
        with np.errstate(divide="ignore"):
            out = np.power(np.sum(np.power(a, ord), axis=dims, keepdims=keepdim), 1.0 / ord)
    return np.asarray(out).astype(a.dtype, copy=False)


def _vnorm_grad(F, g, x, r, ord, dims, keepdim, dtype):
    """PyTorch's norm_backward: zero gradient where the norm is zero."""
    nd = x.ndim
    g = _unsq(F, g, dims, keepdim, nd)
    r = _unsq(F, r, dims, keepdim, nd)
    if ord == 0:
        return None  # PyTorch: no gradient flows through the 0-"norm" (a count)
    if ord == 1:
        return g * F.sign(x)
    if ord == 2:
        return x * F.where(r == 0, 0.0, g / F.where(r == 0, 1.0, r))
    if ord in (math.inf, -math.inf):
        mask = F.abs(x) == r
        count = F.to(F.sum(mask, dims, True), g)
        return F.sign(x) * F.where(mask, g / count, 0.0)
    if ord < 1:
        scaled = F.sign(x) * F.where(x == 0, 0.0, F.pow(F.abs(x), ord - 1))
        return scaled * g * F.pow(r, 1 - ord)
    if ord < 2:
        scaled = F.sign(x) * F.pow(F.abs(x), ord - 1)
    else:
        scaled = x * F.pow(F.abs(x), ord - 2)
    return scaled * F.where(r == 0, 0.0, g / F.where(r == 0, 1.0, F.pow(r, ord - 1)))


def _vnorm_jvp(F, tangents, x, r, ord, dims, keepdim, dtype):
    t = tangents[0]
    if ord == 0:
        return r * 0
    return F.sum(_vnorm_grad(F, F.ones_like(r), x, r, ord, dims, keepdim, dtype) * t, dims, keepdim)


VECTOR_NORM = defop(
    "linalg_vector_norm",
    _vnorm_fwd,
    saves=("self", "result"),
    grads=(_vnorm_grad,),
    node="LinalgVectorNormBackward0",
    jvp=_vnorm_jvp,
    explain={"self": "{u}/‖{u}‖ (p = 2)"},
)


# ---------------------------------------------------------------- var / std
# ``dims`` is None for a full reduction (no ``dim`` given, or a 0-d input): PyTorch's gradient
# then has its own rule when there are no degrees of freedom left (see ``_var_grad``).
def _vdims(dims, ndim):
    return tuple(range(ndim)) if dims is None else dims


def _dof(shape, dims, correction):
    return _bmax(0, _numel(shape, dims) - correction)


def _var_fwd(x, dims, correction, keepdim):
    dims = _vdims(dims, x.ndim)
    n = _dof(x.shape, dims, 0)
    d = _dof(x.shape, dims, correction)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = (
            np.sum(x, axis=dims, keepdims=True) / x.dtype.type(n)
            if n
            else np.full((1,) * x.ndim, np.nan, x.dtype)
        )
        c = x - m
        s = np.sum(c * np.conj(c) if x.dtype.kind == "c" else c * c, axis=dims, keepdims=keepdim)
        return np.asarray(np.real(s) / np.real(x.dtype.type(d)))


def _var_grad(F, g, x, dims, correction, keepdim):
    full = dims is None
    dims = _vdims(dims, x.ndim)
    g = _unsq(F, g, dims, keepdim, x.ndim)
    dof = _numel(x.shape, dims) - correction
    c = x - F.mean(x, dims, True)
    if full and dof <= 0:
        # PyTorch: 2 / dof is infinite: NaN where x equals the mean (inf * 0), else inf
        return g * F.where(c == 0, math.nan, math.inf)
    # with an explicit dim PyTorch divides by N - correction as it is (negative, or 0 -> inf)
    return g * (2.0 / dof if dof else math.inf) * c


def _var_jvp(F, tangents, x, dims, correction, keepdim):
    t = tangents[0]
    return F.sum(
        t * _var_grad(F, F.ones_like(x), x, dims, correction, True), _vdims(dims, x.ndim), keepdim
    )


def _std_fwd(x, dims, correction, keepdim):
    return np.sqrt(_var_fwd(x, dims, correction, keepdim))


def _std_grad(F, g, x, r, dims, correction, keepdim):
    g = _unsq(F, g, _vdims(dims, x.ndim), keepdim, x.ndim)
    r = _unsq(F, r, _vdims(dims, x.ndim), keepdim, x.ndim)
    gv = F.where(r == 0, 0.0, g / (2 * F.where(r == 0, 1.0, r)))
    return _var_grad(F, gv, x, dims, correction, True)


def _std_jvp(F, tangents, x, r, dims, correction, keepdim):
    t = tangents[0]
    grad = _std_grad(F, F.ones_like(r), x, r, dims, correction, keepdim)
    return F.sum(t * grad, _vdims(dims, x.ndim), keepdim)


VAR = defop(
    "var",
    _var_fwd,
    saves=("self",),
    grads=(_var_grad,),
    jvp=_var_jvp,
    explain={"self": "2({u} - mean)/(N - correction)"},
)
STD = defop(
    "std",
    _std_fwd,
    saves=("self", "result"),
    grads=(_std_grad,),
    jvp=_std_jvp,
    explain={"self": "({u} - mean)/((N - correction)·std)"},
)


def _var_mean_fwd(x, dims, correction, keepdim, root):
    v = _var_fwd(x, dims, correction, keepdim)
    m = _mean_dim_fwd(x, _vdims(dims, x.ndim), keepdim, None)
    return (np.sqrt(v) if root else v), m


def _var_mean_grad(F, g, x, r, dims, correction, keepdim, root):
    gv, gm = g
    if root:
        out = _std_grad(F, gv, x, r, dims, correction, keepdim)
    else:
        out = _var_grad(F, gv, x, dims, correction, keepdim)
    axes = _vdims(dims, x.ndim)
    return out + _unsq(F, gm, axes, keepdim, x.ndim) / _numel(x.shape, axes)


def _var_mean_jvp(F, tangents, x, r, dims, correction, keepdim, root):
    t = tangents[0]
    if root:
        tv = _std_jvp(F, tangents, x, r, dims, correction, keepdim)
    else:
        tv = _var_jvp(F, tangents, x, dims, correction, keepdim)
    return tv, F.mean(t, _vdims(dims, x.ndim), keepdim)


VAR_MEAN = defop(
    "var_mean",
    lambda x, dims, c, k: _var_mean_fwd(x, dims, c, k, False),
    saves=("self", "result"),
    grads=(lambda F, g, x, r, d, c, k: _var_mean_grad(F, g, x, r, d, c, k, False),),
    outputs=2,
    jvp=lambda F, ts, x, r, d, c, k: _var_mean_jvp(F, ts, x, r, d, c, k, False),
)
STD_MEAN = defop(
    "std_mean",
    lambda x, dims, c, k: _var_mean_fwd(x, dims, c, k, True),
    saves=("self", "result"),
    grads=(lambda F, g, x, r, d, c, k: _var_mean_grad(F, g, x, r, d, c, k, True),),
    outputs=2,
    jvp=lambda F, ts, x, r, d, c, k: _var_mean_jvp(F, ts, x, r, d, c, k, True),
)


# ---------------------------------------------------------------- logsumexp
def _logsumexp_fwd(x, dims, keepdim):
    if x.size == 0:
        with np.errstate(divide="ignore"):
            return np.asarray(np.log(np.sum(np.exp(x), axis=dims, keepdims=keepdim)))
    m = np.max(x, axis=dims, keepdims=True)
    m = np.where(np.isinf(m), 0, m)  # all -inf (or +inf) slices: no inf - inf
    with np.errstate(divide="ignore"):
        s = np.log(np.sum(np.exp(x - m), axis=dims, keepdims=True)) + m
    return np.asarray(s if keepdim else np.squeeze(s, dims))


def _logsumexp_grad(F, g, x, r, dims, keepdim):
    g = _unsq(F, g, dims, keepdim, x.ndim)
    r = _unsq(F, r, dims, keepdim, x.ndim)
    return g * F.exp(x - r)


LOGSUMEXP = defop(
    "logsumexp",
    _logsumexp_fwd,
    saves=("self", "result"),
    grads=(_logsumexp_grad,),
    promote="float",
    jvp=lambda F, ts, x, r, dims, keepdim: F.sum(
        ts[0] * _logsumexp_grad(F, F.ones_like(r), x, r, dims, keepdim), dims, keepdim
    ),
    explain={"self": "softmax({u})"},
)


# ---------------------------------------------------------------- cumulative
def _cum_fwd(x, dim, dtype, fn):
    if x.ndim == 0:
        return np.asarray(x, dtype=dtype or x.dtype).copy()
    return fn(x, axis=dim, dtype=dtype)


def _revcumsum(F, g, dim):
    """Reverse cumulative sum along ``dim`` (the adjoint of cumsum)."""
    return F.flip(F.cumsum(F.flip(g, (dim,)), dim), (dim,))


def _cumsum_grad(F, g, dim, dtype):
    if g.ndim == 0:
        return g
    return _revcumsum(F, g, dim)


CUMSUM = defop(
    "cumsum",
    lambda x, dim, dtype: _cum_fwd(x, dim, dtype, np.cumsum),
    grads=(_cumsum_grad,),
    jvp="linear",
    explain={"self": "1 for each later position"},
)


def _cumprod_grad(F, g, x, r, dim, dtype):
    """Exact with zeros: before the first zero use revcumsum(g·y)/x; at the first zero the
    cumulative product with that zero replaced by 1; after it, 0."""
    if x.ndim == 0:
        return g
    zero = x == 0
    if not zero.any():
        return _revcumsum(F, g * r, dim) / x
    seen = F.cumsum(zero, dim)
    before = seen == 0
    first = zero & (seen == 1)
    ys = _call(F, CUMPROD, (F.where(first, 1.0, x),), (dim, None))
    a = _revcumsum(F, g * r, dim) / F.where(before, x, 1.0)
    b = _revcumsum(F, g * ys, dim)
    return F.where(before, a, F.where(first, b, 0.0))


def _cumprod_jvp(F, tangents, x, r, dim, dtype):
    t = tangents[0]
    if x.ndim == 0:
        return t
    zero = x == 0
    if not zero.any():
        return r * F.cumsum(t / x, dim)
    raise NotImplementedError("chainrule: forward-mode cumprod with zeros in the input")


CUMPROD = defop(
    "cumprod",
    lambda x, dim, dtype: _cum_fwd(x, dim, dtype, np.cumprod),
    saves=("self", "result"),
    grads=(_cumprod_grad,),
    jvp=_cumprod_jvp,
    explain={"self": "product of the others up to each later position"},
)


# ---------------------------------------------------------------- cummax / cummin / logcumsumexp
def _cumext_fwd(x, dim, acc):
    """Running max (min) along ``dim`` and, as PyTorch, the index of the last element equal to
    it (a NaN becomes the running value and keeps its index)."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    vals = acc(x, axis=dim)
    hit = x == vals
    if x.dtype.kind in "fc":
        hit |= np.isnan(x)
    pos = np.arange(x.shape[dim]).reshape([-1 if i == dim else 1 for i in range(x.ndim)])
    idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=dim)
    return np.asarray(vals), idx.astype(np.int64, copy=False)


def _scatter_add_back(F, g, shape, idx, dim):
    """Gradient of a gather along ``dim`` whose indices repeat: ``g`` summed into zeros."""
    if isinstance(g, tuple):
        g = g[0]
    if len(shape) == 0:
        return g
    idx = _data(idx)
    if F is array_ns:
        out = np.zeros(shape, np.result_type(g))
        full = list(np.indices(idx.shape, sparse=True))
        full[dim] = idx
        np.add.at(out, tuple(full), g)
        return out
    from .._creation import zeros

    return zeros(shape, dtype=g.dtype).scatter_add(dim, wrap(idx), g)


CUMMAX = defop(
    "cummax",
    lambda x, dim: _cumext_fwd(x, dim, np.maximum.accumulate),
    saves=("self.shape", "result1"),
    grads=(_scatter_add_back,),
    outputs=2,
    nondiff_outputs=1,
    promote="keep",
    jvp=_gather_jvp,
    explain={"self": "1 at the index of each running maximum"},
)
CUMMIN = defop(
    "cummin",
    lambda x, dim: _cumext_fwd(x, dim, np.minimum.accumulate),
    saves=("self.shape", "result1"),
    grads=(_scatter_add_back,),
    outputs=2,
    nondiff_outputs=1,
    promote="keep",
    jvp=_gather_jvp,
    explain={"self": "1 at the index of each running minimum"},
)


def _logcumsumexp_fwd(x, dim):
    if x.ndim == 0:
        return x.copy()
    return np.asarray(np.logaddexp.accumulate(x, axis=dim))


def _rev_lcse(F, z, dim):
    return F.flip(_call(F, LOGCUMSUMEXP_CUM, (F.flip(z, (dim,)),), (dim,)), (dim,))


def _logcumsumexp_grad(F, g, x, r, dim):
    """sum_{j >= i} g_j exp(x_i - r_j), stably: the positive and negative parts of ``g`` are
    summed in log space (TensorFlow's and PyTorch's formulation)."""
    if x.ndim == 0:
        return g
    pos = g > 0
    neg = g < 0
    low = _float(np.finfo(_data(x).dtype).min)  # PyTorch's stand-in for log(0): no inf - inf
    lp = F.where(pos, F.log(F.where(pos, g, 1.0)), low)
    ln = F.where(neg, F.log(F.where(neg, -g, 1.0)), low)
    return F.exp(_rev_lcse(F, lp - r, dim) + x) - F.exp(_rev_lcse(F, ln - r, dim) + x)


def _logcumsumexp_jvp(F, tangents, x, r, dim):
    t = tangents[0]
    if x.ndim == 0:
        return t
    m = _const(F, np.max(_data(x), axis=dim, keepdims=True))
    m = F.where(m == m, m, 0.0) if F is array_ns else m
    return F.cumsum(t * F.exp(x - m), dim) * F.exp(m - r)


LOGCUMSUMEXP_CUM = defop(
    "logcumsumexp",
    _logcumsumexp_fwd,
    saves=("self", "result"),
    grads=(_logcumsumexp_grad,),
    promote="keep",
    jvp=_logcumsumexp_jvp,
    explain={"self": "softmax weights of each later prefix"},
)


def _cumext(op, name, input, dim):
    _check_tensor(input, name)
    _need_dim(dim, name)
    if input._data.ndim == 0 and not isinstance(dim, (tuple, list)) and dim not in (0, -1):
        raise IndexError(f"{name}(): Expected reduction dim -1 or 0 for scalar but got {dim}")
    d = _axis(dim, input._data.ndim)
    v, i = apply(op, (input,), (d,))
    return getattr(return_types, name)((v, i))


def cummax(input: Tensor, dim: int = _REQUIRED, *, out=None):
    """Running maximum along ``dim`` and its index (the last of equal values, as PyTorch).

    Example:
        >>> import chainrule as torch
        >>> torch.cummax(torch.tensor([1.0, 3.0, 2.0, 3.0]), 0).indices
        tensor([0, 1, 1, 3])
    """
    return _cumext(CUMMAX, "cummax", input, dim)


def cummin(input: Tensor, dim: int = _REQUIRED, *, out=None):
    """Running minimum along ``dim`` and its index (the last of equal values, as PyTorch).

    Example:
        >>> import chainrule as torch
        >>> torch.cummin(torch.tensor([3.0, 1.0, 2.0, 1.0]), 0).values
        tensor([3., 1., 1., 1.])
    """
    return _cumext(CUMMIN, "cummin", input, dim)


def logcumsumexp(input: Tensor, dim: int, *, out=None) -> Tensor:
    """``log(cumsum(exp(input), dim))`` computed stably.

    Example:
        >>> import chainrule as torch
        >>> torch.logcumsumexp(torch.tensor([0.0, 0.0]), 0)
        tensor([0.0000, 0.6931])
    """
    _check_tensor(input, "logcumsumexp")
    x = input._data
    if x.dtype.kind not in "fc":
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{_word(x)}'")
    return apply(LOGCUMSUMEXP_CUM, (input,), (_axis(dim, x.ndim),))


# ---------------------------------------------------------------- aminmax / nanmedian / nansum
def _aminmax_fwd(x, dims, keepdim):
    return (
        np.asarray(np.min(x, axis=dims, keepdims=keepdim)),
        np.asarray(np.max(x, axis=dims, keepdims=keepdim)),
    )


def _aminmax_grad(F, g, x, rmin, rmax, dims, keepdim):
    gmin, gmax = g
    return _evenly(F, gmin, x, rmin, dims, keepdim) + _evenly(F, gmax, x, rmax, dims, keepdim)


AMINMAX = defop(
    "aminmax",
    _aminmax_fwd,
    saves=("self", "result", "result1"),
    grads=(_aminmax_grad,),
    outputs=2,
    promote="keep",
    jvp=lambda F, ts, x, rmin, rmax, dims, keepdim: (
        _evenly_jvp(F, ts, x, rmin, dims, keepdim),
        _evenly_jvp(F, ts, x, rmax, dims, keepdim),
    ),
    explain={"self": "1/k where {u} is the minimum / maximum (k ties)"},
)


def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False, out=None):
    """``(min, max)`` of all elements, or along ``dim``; ties share the gradient.

    Example:
        >>> import chainrule as torch
        >>> torch.aminmax(torch.tensor([1.0, -2.0, 3.0]))
        torch.return_types.aminmax(
        min=tensor(-2.),
        max=tensor(3.))
    """
    _check_tensor(input, "aminmax")
    x = input._data
    if dim is None:
        if x.size == 0:
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                "no identity."
            )
        dims = tuple(range(x.ndim))
    else:
        d = _axis(dim, x.ndim)
        if x.ndim and x.shape[d] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
        dims = (d,) if x.ndim else ()
    lo, hi = apply(AMINMAX, (input,), (dims, _bool(keepdim)))
    return return_types.aminmax((lo, hi))


def _nanmedian_fwd(x, dim, keepdim):
    """Lower median of the non-NaN values and its index (NaN, index 0... when all are NaN)."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    order = np.argsort(x, axis=dim, kind="stable")  # NaN sorts last
    if x.dtype.kind in "fc":
        count = np.sum(~np.isnan(x), axis=dim, keepdims=True)
    else:
        count = np.full([1 if i == dim else s for i, s in enumerate(x.shape)], x.shape[dim])
    k = np.maximum((count - 1) // 2, 0)
    idx = np.take_along_axis(order, k, dim)
    vals = np.take_along_axis(x, idx, dim)
    if not keepdim:
        idx = np.squeeze(idx, dim)
        vals = np.squeeze(vals, dim)
    return vals, idx.astype(np.int64, copy=False)


NANMEDIAN = defop(
    "nanmedian",
    lambda x: _nanmedian_fwd(x.reshape(-1), 0, False)[0],
    saves=("self", "result"),
    grads=(lambda F, g, x, r: _evenly(F, g, x, r, tuple(range(x.ndim)), False, True),),
    promote="keep",
    jvp=lambda F, ts, x, r: _evenly_jvp(F, ts, x, r, tuple(range(x.ndim)), False),
    explain={"self": "1/k where {u} is the median of the non-NaN values (k ties)"},
)
NANMEDIAN_DIM = defop(
    "nanmedian_dim",
    _nanmedian_fwd,
    saves=("self.shape", "result1"),
    grads=(_select_grad,),
    node="NanmedianBackward1",
    outputs=2,
    nondiff_outputs=1,
    promote="keep",
    jvp=_select_jvp,
    explain={"self": "1 at the median element"},
)


def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False, *, out=None):
    """``median`` ignoring NaN (NaN only where a slice is all NaN).

    Example:
        >>> import chainrule as torch
        >>> torch.nanmedian(torch.tensor([1.0, float("nan"), 3.0, 2.0]))
        tensor(2.)
    """
    _check_tensor(input, "nanmedian")
    x = input._data
    if dim is None:
        if x.size == 0:
            return wrap(np.asarray(np.nan, x.dtype))
        return apply(NANMEDIAN, (input,))
    d = _axis(dim, x.ndim)
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"nanmedian(): Expected reduction dim {d} to have non-zero size.")
    v, i = apply(NANMEDIAN_DIM, (input,), (d, _bool(keepdim)))
    return return_types.nanmedian((v, i))


def _nansum_fwd(x, dims, keepdim, dtype):
    return np.asarray(np.nansum(x, axis=dims, keepdims=keepdim, dtype=dtype))


def _nansum_grad(F, g, x, dims, keepdim, dtype):
    g = _unsq(F, g, dims, keepdim, x.ndim)
    # a product with the mask, as PyTorch: an infinite gradient gives NaN at NaN inputs
    return (F.expand(g, x.shape) if x.ndim else g) * F.to(x == x, g)


NANSUM = defop(
    "nansum",
    _nansum_fwd,
    saves=("self",),
    grads=(_nansum_grad,),
    promote="keep",
    jvp=lambda F, ts, x, dims, keepdim, dtype: F.sum(F.where(x != x, 0.0, ts[0]), dims, keepdim),
    explain={"self": "1 (0 at NaN)"},
)


def nansum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Sum treating NaN as zero.

    Example:
        >>> import chainrule as torch
        >>> torch.nansum(torch.tensor([1.0, float("nan"), 2.0]))
        tensor(3.)
    """
    _check_tensor(input, "nansum")
    x = input._data
    if x.dtype.kind == "c":
        raise RuntimeError("nansum does not support complex inputs")
    npd = _int_acc(x, _np_dtype(dtype))
    dims = _axes(None if _is_full(dim) else dim, x.ndim)
    return apply(NANSUM, (input,), (dims, _bool(keepdim), npd))


# ---------------------------------------------------------------- quantile / nanquantile
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, fname):
    """PyTorch's quantile: sort, gather the two neighbouring ranks, lerp; the gradient flows
    through sort and gather to the selected elements."""
    import chainrule as C

    _check_tensor(input, fname)
    x = input._data
    if x.size == 0:
        raise RuntimeError(f"{fname}() input tensor must be non-empty")
    if x.dtype.kind != "f" or x.dtype == np.float16:
        raise RuntimeError(f"{fname}() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q._data.ndim > 1:
            raise RuntimeError(f"{fname}() q must be a scalar or 1D tensor")
        if q._data.dtype != x.dtype:
            raise RuntimeError(f"{fname}() q tensor must be same dtype as the input tensor")
        qa = q._data
        if not np.all((qa >= 0) & (qa <= 1)):
            raise RuntimeError(f"{fname}() q values must be in the range [0, 1]")
        qt = q
    else:
        qf = _float(q)
        if not 0 <= qf <= 1:
            raise RuntimeError(f"{fname}() q must be in the range [0, 1] but got {qf}")
        qt = wrap(np.asarray(qf, x.dtype))
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            f"{fname}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
            f"Got {interpolation}"
        )
    scalar_q = qt._data.ndim == 0
    if dim is None:
        out_shape = [1] * x.ndim if keepdim else []
        srt = input.flatten().sort().values
    else:
        d = _axis(dim, x.ndim)
        out_shape = list(x.shape)
        if keepdim:
            out_shape[d] = 1
        elif x.ndim:
            del out_shape[d]
        if d == x.ndim - 1 or x.ndim == 0:
            srt = input.sort().values if x.ndim else input.reshape(1)
        else:
            srt = input.unsqueeze(-1).transpose(d, -1).sort().values
    n = srt.shape[-1]
    srt = srt.reshape(out_shape + [n])
    qv = qt.reshape(-1)
    isnan = srt.isnan()
    if ignore_nan:
        ranks = qv * (isnan.logical_not().sum(-1, keepdim=True) - 1)
        ranks = ranks.masked_fill(ranks < 0, 0)
    else:
        last = n - 1
        tl = C.broadcast_tensors(qv * last, isnan.any(-1, keepdim=True))
        ranks = tl[0].masked_fill(tl[1], last)
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()
    below_i = ranks.to(C.int64)
    values = srt.gather(-1, below_i)
    if interpolation in ("linear", "midpoint"):
        weights = C.full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below_i
        values_above = srt.gather(-1, ranks.ceil().to(C.int64))
        values.lerp_(values_above, weights)
    if scalar_q:
        values.squeeze_(-1)
    else:
        values.unsqueeze_(0).transpose_(0, -1).squeeze_(-1)
    return values


def quantile(
    input: Tensor,
    q,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    interpolation="linear",
    out=None,
) -> Tensor:
    """The ``q``-th quantiles (a number or 1-D tensor in [0, 1]) over ``dim`` (all elements by
    default); ``interpolation``: 'linear', 'lower', 'higher', 'midpoint' or 'nearest'. NaN
    anywhere in a slice gives NaN.

    Example:
        >>> import chainrule as torch
        >>> torch.quantile(torch.tensor([1.0, 2.0, 3.0, 4.0]), 0.5)
        tensor(2.5000)
    """
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


def nanquantile(
    input: Tensor,
    q,
    dim: int | None = None,
    keepdim: bool = False,
    *,
    interpolation="linear",
    out=None,
) -> Tensor:
    """``quantile`` ignoring NaN (NaN only where a slice is all NaN).

    Example:
        >>> import chainrule as torch
        >>> torch.nanquantile(torch.tensor([1.0, float("nan"), 3.0]), 0.5)
        tensor(2.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


# ---------------------------------------------------------------- logical / counting
def _logical_fwd(x, dims, keepdim, fn):
    out = np.asarray(fn(x, axis=dims, keepdims=keepdim))
    return out.astype(np.uint8) if x.dtype == np.uint8 else out


ALL = defop(
    "all",
    lambda x, dims, keepdim: _logical_fwd(x, dims, keepdim, np.all),
    differentiable=False,
    promote="keep",
)
ANY = defop(
    "any",
    lambda x, dims, keepdim: _logical_fwd(x, dims, keepdim, np.any),
    differentiable=False,
    promote="keep",
)
COUNT_NONZERO = defop(
    "count_nonzero",
    lambda x, dims: np.asarray(np.count_nonzero(x, axis=dims), np.int64),
    differentiable=False,
    promote="keep",
)


# ================================================================ front-ends
def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum of all elements, or over ``dim`` (int or tuple), keeping dims if ``keepdim``.

    Example:
        >>> import chainrule as torch
        >>> torch.ones(2, 3).sum(0)
        tensor([2., 2., 2.])
    """
    if dim is None and dtype is None and not keepdim and input.__class__ is Tensor:
        if input._data.dtype.kind == "f":
            return _sum_all(input)  # the commonest call (a loss): the specialized entry
    _check_tensor(input, "sum")
    npd = _int_acc(input._data, _np_dtype(dtype))
    if _is_full(dim) and not keepdim:
        return apply(SUM, (input,), (npd,))
    dims = _axes(None if _is_full(dim) else dim, input._data.ndim)
    return apply(SUM_DIM, (input,), (dims, _bool(keepdim), npd))


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Arithmetic mean of all elements, or over ``dim``.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 2.0], [3.0, 4.0]]).mean()
        tensor(2.5000)
    """
    if dim is None and dtype is None and not keepdim and input.__class__ is Tensor:
        if input._data.dtype.kind == "f":
            return _mean_all(input)
    _check_tensor(input, "mean")
    npd = _np_dtype(dtype)
    kind = (npd or input._data.dtype).kind
    if kind not in "fc":
        name = D._BY_NP[np.dtype(npd or input._data.dtype)].name
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {D._BY_NAME[name].word}"
        )
    if _is_full(dim) and not keepdim:
        return apply(MEAN, (input,), (npd,))
    dims = _axes(None if _is_full(dim) else dim, input._data.ndim)
    return apply(MEAN_DIM, (input,), (dims, _bool(keepdim), npd))


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Product of all elements, or along one ``dim`` (gradients exact with zeros).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 2.0], [3.0, 4.0]]).prod(1)
        tensor([ 2., 12.])
    """
    _check_tensor(input, "prod")
    x = input._data
    npd = _int_acc(x, _np_dtype(dtype))
    if dim is None:
        return apply(PROD, (input,), (_axes(None, x.ndim), False, npd))
    if isinstance(dim, (tuple, list)):
        raise TypeError(
            "prod() received an invalid combination of arguments - got (tuple), but expected one "
            "of:\n * (*, torch.dtype dtype = None)\n * (int dim, bool keepdim = False, *, "
            "torch.dtype dtype = None)"
        )
    d = _axis(dim, x.ndim)
    return apply(PROD_DIM, (input,), ((d,) if x.ndim else (), _bool(keepdim), npd))


def _maxmin(input, dim, keepdim, other, name, whole, by_dim, pairwise):
    _check_tensor(input, name)
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        from . import elementwise

        return getattr(elementwise, pairwise)(input, other)
    x = input._data
    if dim is None:
        if x.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return apply(whole, (input,))
    d = _axis(dim, x.ndim)
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    v, i = apply(by_dim, (input,), (d, _bool(keepdim)))
    return getattr(return_types, name)((v, i))


def max(input: Tensor, dim=None, keepdim: bool = False, *, other=None, out=None):
    """Maximum of all elements; with ``dim``, ``(values, indices)``; with a tensor, elementwise.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 5.0], [3.0, 2.0]]).max(1).indices
        tensor([1, 0])
    """
    return _maxmin(input, dim, keepdim, other, "max", MAX, MAX_DIM, "maximum")


def min(input: Tensor, dim=None, keepdim: bool = False, *, other=None, out=None):
    """Minimum of all elements; with ``dim``, ``(values, indices)``; with a tensor, elementwise.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 5.0], [3.0, 2.0]]).min(1).values
        tensor([1., 2.])
    """
    return _maxmin(input, dim, keepdim, other, "min", MIN, MIN_DIM, "minimum")


def _amaxmin(input, dim, keepdim, op, name):
    _check_tensor(input, name)
    x = input._data
    full = _is_full(dim)
    dims = _axes(None if full else dim, x.ndim)
    if x.size == 0:
        if full:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        for d in dims:
            if x.shape[d] == 0:
                shown = dim if isinstance(dim, _int) else d  # PyTorch echoes an int dim as given
                raise IndexError(f"{name}(): Expected reduction dim {shown} to have non-zero size.")
    return apply(op, (input,), (dims, _bool(keepdim)))


def amax(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """Maximum over ``dim`` (int or tuple; all dims by default); ties share the gradient.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 5.0], [3.0, 2.0]]).amax(0)
        tensor([3., 5.])
    """
    return _amaxmin(input, dim, keepdim, AMAX, "amax")


def amin(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """Minimum over ``dim`` (int or tuple; all dims by default); ties share the gradient.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 5.0], [3.0, 2.0]]).amin(0)
        tensor([1., 2.])
    """
    return _amaxmin(input, dim, keepdim, AMIN, "amin")


def _argmaxmin(input, dim, keepdim, op, name):
    _check_tensor(input, name)
    int_dim(dim, name)
    x = input._data
    if x.dtype == np.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if x.size == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            )
        return apply(op, (input,), (None, _bool(keepdim)))
    d = _axis(dim, x.ndim)
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return apply(op, (input,), (d, _bool(keepdim)))


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the maximum (of the flattened tensor when ``dim`` is None), as int64.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 5.0], [3.0, 2.0]]).argmax()
        tensor(1)
    """
    return _argmaxmin(input, dim, keepdim, ARGMAX, "argmax")


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the minimum (of the flattened tensor when ``dim`` is None), as int64.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 5.0], [3.0, 2.0]]).argmin(1)
        tensor([0, 1])
    """
    return _argmaxmin(input, dim, keepdim, ARGMIN, "argmin")


def median(input: Tensor, dim: int | None = None, keepdim: bool = False):
    """Lower median of all elements, or ``(values, indices)`` along ``dim``.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1.0, 4.0, 2.0, 3.0]).median()
        tensor(2.)
    """
    _check_tensor(input, "median")
    x = input._data
    int_dim(dim, "median")
    if x.dtype == np.bool_ and dim is not None:
        _axis(dim, x.ndim)  # (the dim is checked first)
    check_not_bool(x, "median_cpu" if dim is None else "median_out")
    if dim is None:
        if x.size == 0:
            return wrap(np.asarray(np.nan, x.dtype))
        return apply(MEDIAN, (input,))
    d = _axis(dim, x.ndim)
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    v, i = apply(MEDIAN_DIM, (input,), (d, _bool(keepdim)))
    return return_types.median((v, i))


def _check_float(input, name):
    if input._data.dtype.kind not in "fc":
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            f"{_word(input._data)}"
        )


def vector_norm(x: Tensor, ord=2, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """``linalg.vector_norm``: the ``ord``-norm over ``dim`` (all elements by default).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.vector_norm(torch.tensor([3.0, 4.0]))
        tensor(5.)
    """
    _check_tensor(x, "linalg_vector_norm")
    _check_float(x, "linalg.vector_norm")
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    ord = _float(ord)
    full = _is_full(dim)
    dims = _axes(None if full else dim, x._data.ndim)
    if ord in (math.inf, -math.inf) and x._data.size == 0:
        o = "inf" if ord > 0 else "-inf"
        if full:
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {o} norm on an empty tensor because the "
                "operation does not have an identity"
            )
        for d in dims:
            if x._data.shape[d] == 0:
                shown = dim if isinstance(dim, _int) else d
                raise RuntimeError(
                    f"linalg.vector_norm cannot compute the {o} norm on the dimension {shown}"
                    "because this dimension is empty and the operation does not have an identity"
                )
    return apply(VECTOR_NORM, (x,), (ord, dims, _bool(keepdim), _np_dtype(dtype)))


def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, out=None, dtype=None) -> Tensor:
    """Vector p-norm (``p`` = 2, 1, inf, 'fro' or any number) over ``dim`` (all by default).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[3.0, 4.0]]).norm()
        tensor(5.)
    """
    _check_tensor(input, "norm")
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, _int) or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        # the nuclear norm, or matrix_norm's own error for other strings (as PyTorch)
        from .decomp import matrix_norm

        dims = list(range(input._data.ndim)) if dim is None else dim
        return matrix_norm(input, p, dims, keepdim, dtype=dtype)
    if p is None:
        p = 2
    return vector_norm(input, p, dim, keepdim, dtype=dtype)


def _correction(fname, dim, unbiased, correction):
    """PyTorch's overloads: (dim, unbiased, keepdim), (unbiased), (dim, *, correction, keepdim)."""
    if isinstance(dim, _bool):  # var(True): the old unbiased-only form
        unbiased, dim = dim, None
    if correction is not None and unbiased is not None:
        raise RuntimeError(f"{fname}: can't specify both correction and unbiased arguments")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


def _var_std(op, fname, input, dim, unbiased, keepdim, correction):
    _check_tensor(input, fname)
    x = input._data
    if x.dtype.kind not in "fc":
        what = fname if fname in ("var_mean", "std_mean") else "std and var"
        raise RuntimeError(f"{what} only support floating point and complex dtypes")
    dim, correction = _correction(fname, dim, unbiased, correction)
    dims = _axes(None if _is_full(dim) else dim, x.ndim)
    if _numel(x.shape, dims) - correction <= 0:
        warnings.warn(
            f"{fname}(): degrees of freedom is <= 0. Correction should be strictly less than "
            "the reduction factor (input numel divided by output numel). (Triggered internally "
            "at /__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)",
            UserWarning,
            stacklevel=3,
        )
    # a full reduction is passed as dims=None (its gradient has PyTorch's own rule)
    full = _is_full(dim) or x.ndim == 0
    return apply(op, (input,), (None if full else dims, correction, _bool(keepdim)))


def var(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """Variance over ``dim`` (Bessel-corrected by default; ``correction=0`` for biased).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1.0, 2.0, 3.0]).var()
        tensor(1.)
    """
    return _var_std(VAR, "var", input, dim, unbiased, keepdim, correction)


def std(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """Standard deviation over ``dim`` (Bessel-corrected by default).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1.0, 2.0, 3.0]).std()
        tensor(1.)
    """
    return _var_std(STD, "std", input, dim, unbiased, keepdim, correction)


def var_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """``(var, mean)`` over ``dim`` in one pass.

    Example:
        >>> import chainrule as torch
        >>> torch.var_mean(torch.tensor([1.0, 2.0, 3.0]))
        (tensor(1.), tensor(2.))
    """
    return _var_std(VAR_MEAN, "var_mean", input, dim, unbiased, keepdim, correction)


def std_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """``(std, mean)`` over ``dim`` in one pass.

    Example:
        >>> import chainrule as torch
        >>> torch.std_mean(torch.tensor([1.0, 2.0, 3.0]))
        (tensor(1.), tensor(2.))
    """
    return _var_std(STD_MEAN, "std_mean", input, dim, unbiased, keepdim, correction)


def logsumexp(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(input), dim))`` computed stably (no overflow for large inputs).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1000.0, 1000.0]).logsumexp(0)
        tensor(1000.6932)
    """
    _check_tensor(input, "logsumexp")
    if dim is None:
        raise TypeError('logsumexp() missing 1 required positional arguments: "dim"')
    dims = _axes(dim, input._data.ndim)
    return apply(LOGSUMEXP, (input,), (dims, _bool(keepdim)))


def _cum(op, name, input, dim, dtype, acc):
    _check_tensor(input, name)
    _need_dim(dim, name)
    x = input._data
    d = _axis(dim, x.ndim)
    npd = _np_dtype(dtype)
    if acc:
        npd = _int_acc(x, npd)
    return apply(op, (input,), (d, npd))


def cumsum(input: Tensor, dim: int = _REQUIRED, *, dtype=None) -> Tensor:
    """Cumulative sum along ``dim`` (integers and bools accumulate in int64).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1.0, 2.0, 3.0]).cumsum(0)
        tensor([1., 3., 6.])
    """
    return _cum(CUMSUM, "cumsum", input, dim, dtype, True)


def cumprod(input: Tensor, dim: int = _REQUIRED, *, dtype=None) -> Tensor:
    """Cumulative product along ``dim`` (gradients exact with zeros).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1.0, 2.0, 3.0]).cumprod(0)
        tensor([1., 2., 6.])
    """
    return _cum(CUMPROD, "cumprod", input, dim, dtype, True)


def _logical(op, name, input, dim, keepdim):
    _check_tensor(input, name)
    x = input._data
    dims = _axes(None if _is_full(dim) else dim, x.ndim)
    return apply(op, (input,), (dims, _bool(keepdim)))


def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Whether all elements (over ``dim``) are non-zero; bool result (uint8 for uint8).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 0.0]]).all(1)
        tensor([False])
    """
    return _logical(ALL, "all", input, dim, keepdim)


def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Whether any element (over ``dim``) is non-zero; bool result (uint8 for uint8).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 0.0]]).any(1)
        tensor([True])
    """
    return _logical(ANY, "any", input, dim, keepdim)


def count_nonzero(input: Tensor, dim=None) -> Tensor:
    """Number of non-zero elements (over ``dim``), as int64.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 0.0], [2.0, 3.0]]).count_nonzero(0)
        tensor([2, 1])
    """
    _check_tensor(input, "count_nonzero")
    x = input._data
    dims = _axes(None if _is_full(dim) else dim, x.ndim)
    return apply(COUNT_NONZERO, (input,), (dims,))


_sum_all = specialize(SUM, (None,))
_mean_all = specialize(MEAN, (None,))


def _np_aliases(fn):
    """Accept NumPy's ``axis=``/``keepdims=`` spellings, as PyTorch's argument parser does."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs:
            if "axis" in kwargs:
                kwargs["dim"] = kwargs.pop("axis")
            if "keepdims" in kwargs:
                kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)

    return wrapper


for _f in (
    sum,
    mean,
    prod,
    max,
    min,
    amax,
    amin,
    argmax,
    argmin,
    median,
    norm,
    var,
    std,
    logsumexp,
    cumsum,
    cumprod,
    all,
    any,
    count_nonzero,
):
    expose(_np_aliases(_f), _f.__name__)
for _f in (var_mean, std_mean):
    expose(_np_aliases(_f), _f.__name__, method=False)
for _f in (cummax, cummin, logcumsumexp, aminmax, nanmedian, nansum, quantile, nanquantile):
    expose(_np_aliases(_f), _f.__name__)
expose(vector_norm, "_linalg_vector_norm", method=False)
# ``torch.return_types``: other families add theirs (``return_types.sort = return_type("sort")``)
PUBLIC["return_types"] = return_types
