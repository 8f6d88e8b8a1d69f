"""Further PyTorch functions, mostly composites of the primitive ops (their gradients follow)."""

from __future__ import annotations

import builtins
import math
import numbers
from typing import Any

import numpy as np

from .. import _creation as C
from .. import _dtype as D
from .._backend import norm_dims
from .._cwarn import cpp_warn
from .._tensor import Tensor, wrap
from . import linalg as _linalg  # noqa: F401  (creates PUBLIC['linalg'] first)
from ._dispatch import apply, result_dtype
from ._registry import PUBLIC, defop, expose
from .reduce import check_not_bool as _check_not_bool
from .reduce import int_dim as _int_dim

_bool = builtins.bool


def _cr():
    """The chainrule package (its public functions are installed after this module loads)."""
    import chainrule

    return chainrule


def _as_tensor(v: Any, like: Tensor | None = None) -> Tensor:
    if isinstance(v, Tensor):
        return v
    return _cr().tensor(v, dtype=result_dtype((v,)) if like is None else None)


# ---------------------------------------------------------------- Tensor.new_*


def _dt(self: Tensor, dtype: Any) -> Any:
    return self.dtype if dtype is None else dtype


def new_tensor(
    self: Tensor,
    data: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    layout: Any = None,
    pin_memory: bool = False,
) -> Tensor:
    """A new tensor holding ``data``, with ``self``'s dtype unless ``dtype`` is given.

    Example:
        >>> import chainrule as torch
        >>> torch.ones(2, dtype=torch.int32).new_tensor([1.5, 2.0])
        tensor([1, 2], dtype=torch.int32)
    """
    return C.tensor(data, dtype=_dt(self, dtype), device=device, requires_grad=requires_grad)


def new_zeros(self: Tensor, *size: Any, **kw: Any) -> Tensor:
    """Zeros of the given size, with ``self``'s dtype by default.

    Example:
        >>> import chainrule as torch
        >>> torch.ones(1, dtype=torch.float64).new_zeros(2)
        tensor([0., 0.], dtype=torch.float64)
    """
    kw["dtype"] = _dt(self, kw.get("dtype"))
    return C._filled(size, kw, 0, "new_zeros")


def new_ones(self: Tensor, *size: Any, **kw: Any) -> Tensor:
    """Ones of the given size, with ``self``'s dtype by default.

    Example:
        >>> import chainrule as torch
        >>> torch.ones(1, dtype=torch.int64).new_ones(2)
        tensor([1, 1])
    """
    kw["dtype"] = _dt(self, kw.get("dtype"))
    return C._filled(size, kw, 1, "new_ones")


def new_empty(self: Tensor, *size: Any, **kw: Any) -> Tensor:
    """An (here zero-filled) tensor of the given size, with ``self``'s dtype by default.

    Example:
        >>> import chainrule as torch
        >>> torch.ones(1).new_empty((2, 3)).shape
        torch.Size([2, 3])
    """
    kw["dtype"] = _dt(self, kw.get("dtype"))
    return C._filled(size, kw, 0, "new_empty")


def new_full(
    self: Tensor,
    size: Any,
    fill_value: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    layout: Any = None,
    pin_memory: bool = False,
) -> Tensor:
    """``fill_value`` in the given size, with ``self``'s dtype by default.

    Example:
        >>> import chainrule as torch
        >>> torch.ones(1).new_full((2,), 3)
        tensor([3., 3.])
    """
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    kw = {"dtype": _dt(self, dtype), "device": device, "requires_grad": requires_grad}
    return C._filled((size,), kw, fill_value, "new_full")


for _f in (new_tensor, new_zeros, new_ones, new_empty, new_full):
    expose(_f)
    PUBLIC.pop(_f.__name__)  # methods only, as in PyTorch

# ---------------------------------------------------------------- comparisons


def _check_tol(rtol: float, atol: float) -> None:
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")


def isclose(
    input: Tensor,  # noqa: A002
    other: Tensor,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (bool tensor).

    Example:
        >>> import chainrule as torch
        >>> torch.isclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]))
        tensor([ True, False])
    """
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype.word} did not match {other.dtype.word}")
    _check_tol(rtol, atol)
    a, b = input._data, other._data
    try:
        if a.dtype.kind in "fc":
            res = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
        else:
            res = np.isclose(a.astype(np.float64), b, rtol=rtol, atol=atol) | (a == b)
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({a.shape}) must match the size of tensor b ({b.shape})"
        ) from None
    return wrap(np.asarray(res, dtype=np.bool_))


def allclose(
    input: Tensor,  # noqa: A002
    other: Tensor,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> bool:
    """Whether all elements are close (see ``isclose``).

    Example:
        >>> import chainrule as torch
        >>> torch.allclose(torch.tensor([1.0]), torch.tensor([1.0 + 1e-9]))
        True
    """
    return _bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input: Tensor, other: Tensor) -> bool:  # noqa: A002
    """True when both tensors have the same size and elements.

    Example:
        >>> import chainrule as torch
        >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
        True
    """
    a, b = input._data, other._data
    return a.shape == b.shape and _bool((a == b).all())


expose(isclose)
expose(allclose)
expose(equal)

# ---------------------------------------------------------------- pointwise composites


def _to_float(t: Tensor) -> Tensor:
    if t.dtype.is_floating_point or t.dtype.is_complex:
        return t
    return t.to(D.get_default_dtype())


# ---------------------------------------------------------------- dtype information


class finfo:  # noqa: N801  (PyTorch's name)
    """Machine limits of a floating point dtype (``torch.finfo``).

    Example:
        >>> import chainrule as torch
        >>> torch.finfo(torch.float16).max
        65504.0
    """

    def __init__(self, type: Any = None) -> None:  # noqa: A002
        d = D.get_default_dtype() if type is None else D.to_dtype(type)
        if d.is_complex:
            d = d.to_real()
        if not d.is_floating_point:
            raise TypeError(
                "torch.finfo() requires a floating point input type. Use torch.iinfo to "
                "handle 'torch.finfo'"
            )
        info = np.finfo(d.np)
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = float(info.smallest_normal)
        self.smallest_normal = self.tiny
        self.resolution = 10.0 ** -int(info.precision)  # PyTorch: 10**-digits, exact
        self.dtype = str(d).replace("torch.", "")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo:  # noqa: N801  (PyTorch's name)
    """Machine limits of an integer dtype (``torch.iinfo``).

    Example:
        >>> import chainrule as torch
        >>> torch.iinfo(torch.int8).max
        127
    """

    def __init__(self, type: Any) -> None:  # noqa: A002
        d = D.to_dtype(type)
        if d.np.kind not in "iu":
            if d.np.kind == "b":
                raise TypeError("torch.bool is not supported by torch.iinfo")
            raise TypeError(
                "torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                "'torch.iinfo'"
            )
        info = np.iinfo(d.np)
        self.bits = int(info.bits)
        self.max = int(info.max)
        self.min = int(info.min)
        self.dtype = str(d).replace("torch.", "")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


PUBLIC["finfo"] = finfo
PUBLIC["iinfo"] = iinfo


def result_type(tensor1: Any, tensor2: Any) -> D.dtype:
    """The dtype PyTorch's type promotion gives for an op over the two arguments.

    Example:
        >>> import chainrule as torch
        >>> torch.result_type(torch.tensor([1], dtype=torch.int32), 1.0)
        torch.float32
    """
    return result_dtype((tensor1, tensor2))


def can_cast(from_: D.dtype, to: D.dtype) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` to ``to`` (no float to int, complex to
    real, or non-bool to bool).

    Example:
        >>> import chainrule as torch
        >>> torch.can_cast(torch.float64, torch.float32), torch.can_cast(torch.float32, torch.int32)
        (True, False)
    """
    a, b = D.to_dtype(from_).np.kind, D.to_dtype(to).np.kind
    if a == "c" and b != "c":
        return False
    if a == "f" and b in "iub":
        return False
    return not (a != "b" and b == "b")


def is_nonzero(input: Tensor) -> bool:  # noqa: A002
    """The truth value of a one-element tensor.

    Example:
        >>> import chainrule as torch
        >>> torch.is_nonzero(torch.tensor([2.0]))
        True
    """
    n = input._data.size
    if n == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if n > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return _bool(input._data.reshape(()) != 0)


expose(result_type, method=False)
expose(can_cast, method=False)
expose(is_nonzero)

# ---------------------------------------------------------------- reductions and friends


def _fmt_size(shape: tuple) -> str:
    return "{[" + ", ".join(str(int(s)) for s in shape) + "]}"


def sum_to_size(self: Tensor, *size: Any) -> Tensor:
    """Sum ``self`` down to ``size`` (the inverse of broadcasting ``size`` to ``self.shape``).

    Example:
        >>> import chainrule as torch
        >>> torch.ones(2, 3).sum_to_size(1, 3)
        tensor([[2., 2., 2.]])
    """
    shape = C._sizes(size)
    have = tuple(self.shape)
    lead = len(have) - len(shape)
    if lead < 0 or any(s != 1 and s != h for s, h in zip(shape, have[lead:])):
        raise RuntimeError(f"size {_fmt_size(shape)} is not expandable to size {_fmt_size(have)}.")
    out = self
    if lead:
        out = out.sum(dim=tuple(range(lead)))
    dims = tuple(i for i, (s, h) in enumerate(zip(shape, have[lead:])) if s == 1 and h != 1)
    if dims:
        out = out.sum(dim=dims, keepdim=True)
    return out if out is not self else self.view(self.shape)


def _sum(x: Tensor, dim: Any, keepdim: bool, dtype: Any = None) -> Tensor:
    if dim is None:
        return x.sum(dtype=dtype) if not keepdim else x.sum(dim=tuple(range(x.ndim)), keepdim=True)
    return x.sum(dim=dim, keepdim=keepdim, dtype=dtype)


def nanmean(
    input: Tensor,  # noqa: A002
    dim: Any = None,
    keepdim: bool = False,
    *,
    dtype: Any = None,
    out: Tensor | None = None,
) -> Tensor:
    """Mean over the non-NaN elements.

    Example:
        >>> import chainrule as torch
        >>> torch.nanmean(torch.tensor([1.0, float("nan"), 3.0]))
        tensor(2.)
    """
    if not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{input.dtype.word}"
        )
    from .reduce import nansum

    count = _sum(~input.isnan(), dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / count


def diff(
    input: Tensor,  # noqa: A002
    n: int = 1,
    dim: int = -1,
    prepend: Tensor | None = None,
    append: Tensor | None = None,
    *,
    out: Tensor | None = None,
) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (after concatenating prepend/append).

    Example:
        >>> import chainrule as torch
        >>> torch.diff(torch.tensor([1, 3, 6, 10]))
        tensor([2, 3, 4])
    """
    cr = _cr()
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    parts = []
    for extra in (prepend, input, append):
        if extra is None:
            continue
        if extra.ndim != input.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as input")
        parts.append(extra)
    x = cr.cat(parts, dim) if len(parts) > 1 else input
    d = dim + x.ndim if dim < 0 else dim
    for _ in range(n):
        length = x.shape[d]
        if length == 0:
            break
        hi, lo = x.narrow(d, 1, length - 1), x.narrow(d, 0, length - 1)
        x = hi != lo if x.dtype is D.bool_ else hi - lo
    return x


def kron(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Kronecker product.

    Example:
        >>> import chainrule as torch
        >>> torch.kron(torch.tensor([1, 2]), torch.tensor([1, 10]))
        tensor([ 1, 10,  2, 20])
    """
    nd = max(input.ndim, other.ndim)
    sa = (1,) * (nd - input.ndim) + tuple(input.shape)
    sb = (1,) * (nd - other.ndim) + tuple(other.shape)
    a = input.reshape(tuple(v for s in sa for v in (s, 1)))
    b = other.reshape(tuple(v for s in sb for v in (1, s)))
    return (a * b).reshape(tuple(x * y for x, y in zip(sa, sb)))


def tensordot(a: Tensor, b: Tensor, dims: Any = 2, out: Tensor | None = None) -> Tensor:
    """Contract ``dims`` of ``a`` with ``dims`` of ``b`` (an int: last/first dims; or two lists).

    Example:
        >>> import chainrule as torch
        >>> torch.tensordot(torch.ones(2, 3, 4), torch.ones(3, 4, 5)).shape
        torch.Size([2, 5])
    """
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, numbers.Integral):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        da, db = list(range(-dims, 0)), list(range(dims))  # PyTorch's numbering (messages)
    else:
        da, db = dims
        da = [da] if isinstance(da, numbers.Integral) else list(da)
        db = [db] if isinstance(db, numbers.Integral) else list(db)
        if len(da) != len(db):
            raise RuntimeError("both dimension lists should have same length")
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[x]} in dim "
                f"{x} and second has size {b.shape[y]} in dim {y}"
            )
    da = [d + a.ndim if d < 0 else d for d in da]
    db = [d + b.ndim if d < 0 else d for d in db]
    fa = [i for i in range(a.ndim) if i not in da]
    fb = [i for i in range(b.ndim) if i not in db]
    k = math.prod(a.shape[i] for i in da)
    am = a.permute(fa + da).reshape(math.prod(a.shape[i] for i in fa), k)
    bm = b.permute(db + fb).reshape(k, math.prod(b.shape[i] for i in fb))
    return (am @ bm).reshape(tuple(a.shape[i] for i in fa) + tuple(b.shape[i] for i in fb))


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:  # noqa: A002
    """The ``p``-norm of ``input - other``.

    Example:
        >>> import chainrule as torch
        >>> torch.dist(torch.tensor([3.0, 0.0]), torch.tensor([0.0, 4.0]))
        tensor(5.)
    """
    diff = input - other
    if diff._data.dtype.kind not in "fc":
        word = D._BY_NP[diff._data.dtype].word
        raise RuntimeError(
            f"norm(): input dtype should be either floating point or complex. Got {word} instead."
        )
    return _cr().linalg.vector_norm(diff, p)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode: str | None = None) -> Tensor:
    """Pairwise ``p``-norm distances between the rows of ``x1`` (..., P, M) and ``x2`` (..., R, M).

    Example:
        >>> import chainrule as torch
        >>> torch.cdist(torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0], [0.0, 1.0]]))
        tensor([[5., 1.]])
    """
    if x1.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X2 got: {x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, but got {p}")
    for t in (x1, x2):
        if not t.dtype.is_floating_point:
            raise RuntimeError(
                f"cdist only supports floating-point dtypes, X{1 if t is x1 else 2} got: "
                f"{t.dtype.word}"
            )
    return _cr().linalg.vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, dim=-1)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:  # noqa: A002
    """Matrices (in dims ``dim1``, ``dim2`` of the result) with the last dim of ``input`` on
    their ``offset`` diagonal.

    Example:
        >>> import chainrule as torch
        >>> torch.diag_embed(torch.tensor([1, 2]))
        tensor([[1, 0],
                [0, 2]])
    """
    nd = input.ndim + 1
    d1 = dim1 + nd if dim1 < 0 else dim1
    d2 = dim2 + nd if dim2 < 0 else dim2
    if not (0 <= d1 < nd and 0 <= d2 < nd):
        bad = dim1 if not 0 <= d1 < nd else dim2
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {bad})"
        )
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = input.shape[-1]
    m = n + abs(offset)
    # a 0/1 selection matrix places element k at (k + max(0, -offset), k + max(0, offset)):
    # one matmul, so gradients (a selection) come from the existing ops
    sel = np.zeros((n, m, m), dtype=input._data.dtype)
    k = np.arange(n)
    sel[k, k + max(0, -offset), k + max(0, offset)] = 1
    out = (input.unsqueeze(-1) * wrap(sel.reshape(n, m * m))).sum(-2)
    out = out.reshape(tuple(input.shape[:-1]) + (m, m))
    if d1 > d2:
        d1, d2 = d2, d1
        out = out.transpose(-2, -1)
    return out.movedim((-2, -1), (d1, d2))


def trapezoid(
    y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1
) -> Tensor:
    """Trapezoid-rule integral of ``y`` along ``dim`` (spacing ``dx`` or sample points ``x``).

    Example:
        >>> import chainrule as torch
        >>> torch.trapezoid(torch.tensor([1.0, 2.0, 3.0]))
        tensor(4.)
    """
    d = dim + y.ndim if dim < 0 else dim
    length = y.shape[d]
    yf = _to_float(y)
    if length == 0:
        return yf.sum(d)
    mid = yf.narrow(d, 1, length - 1) + yf.narrow(d, 0, length - 1)
    if x is None:
        return mid.sum(d) * ((1 if dx is None else dx) / 2)
    if x.ndim == 1:
        if x.shape[0] != length:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        spacing = diff(x).reshape((-1,) + (1,) * (y.ndim - 1 - d))
    else:
        spacing = diff(x, dim=dim)
    return (mid * spacing).sum(d) / 2


def trapz(y: Tensor, x: Tensor | None = None, *, dx: float | None = None, dim: int = -1) -> Tensor:
    """Alias of ``trapezoid``."""
    return trapezoid(y, x, dx=dx, dim=dim)


expose(sum_to_size)
PUBLIC.pop("sum_to_size")
expose(nanmean)
expose(diff)
expose(kron)
expose(tensordot, method=False)
expose(dist)
expose(cdist, method=False)
expose(diag_embed)
expose(trapezoid, method=False)
expose(trapz, method=False)

# ---------------------------------------------------------------- set-like, search and sampling


def _pack(main: Tensor, *extras: tuple) -> Any:
    """PyTorch's ``unique`` convention: a tensor alone, else a tuple with the requested extras."""
    chosen = [t for flag, t in extras if flag]
    return (main, *chosen) if chosen else main


def _unique_fwd(a, dim):
    if dim is None:
        vals, inv, cnt = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        vals, inv, cnt = np.unique(a, return_inverse=True, return_counts=True, axis=dim)
        inv = inv.reshape(-1)
    return vals, inv.astype(np.int64), cnt.astype(np.int64)


def _unique_consecutive_fwd(a, dim):
    if dim is None:
        x, d = a.reshape(-1), 0
    else:
        x, d = a, dim
    n = x.shape[d]
    xm = np.moveaxis(x, d, 0).reshape(n, -1)
    starts = np.ones(n, dtype=np.bool_)
    if n > 1:
        starts[1:] = (xm[1:] != xm[:-1]).any(axis=1)
    first = np.flatnonzero(starts)
    vals = np.take(x, first, axis=d)
    inv = np.cumsum(starts) - 1
    if dim is None:
        inv = inv.reshape(a.shape)
    cnt = np.diff(np.append(first, n))
    return vals, inv.astype(np.int64), cnt.astype(np.int64)


def _no_derivative(aten_name: str):
    """PyTorch records these ops (their output has a grad_fn) but has no derivative."""

    def rule(F, g, *params):
        raise NotImplementedError(f"the derivative for '{aten_name}' is not implemented.")

    return rule


def _unique_op(name, fwd, node, aten_name):
    return defop(
        name,
        fwd,
        grads=(_no_derivative(aten_name),),
        node=node,
        promote="keep",
        outputs=3,
        nondiff_outputs=2,
        jvp=None,
    )


UNIQUE = _unique_op("unique", _unique_fwd, "Unique2Backward0", "_unique2")
UNIQUE_DIM = _unique_op("unique_dim", _unique_fwd, "UniqueDimBackward0", "unique_dim")
UNIQUE_CONSECUTIVE = _unique_op(
    "unique_consecutive",
    _unique_consecutive_fwd,
    "UniqueConsecutiveBackward0",
    "unique_consecutive",
)


def unique(
    input: Tensor,  # noqa: A002
    sorted: bool = True,  # noqa: A002
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """The unique elements (or slices along ``dim``), sorted; optionally the inverse indices and
    counts.

    Example:
        >>> import chainrule as torch
        >>> torch.unique(torch.tensor([3, 1, 3]), return_counts=True)
        (tensor([1, 3]), tensor([1, 2]))
    """
    if dim is None:
        vals, inv, cnt = apply(UNIQUE, (input,), (None,))
    else:
        if isinstance(dim, (tuple, list)):
            raise TypeError(
                f"unique_dim(): argument 'dim' (position 2) must be int, not {type(dim).__name__}"
            )
        if input.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        d = norm_dims(dim, input.ndim)[0]
        vals, inv, cnt = apply(UNIQUE_DIM, (input,), (d,))
    return _pack(vals, (return_inverse, inv), (return_counts, cnt))


def unique_consecutive(
    input: Tensor,  # noqa: A002
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,
) -> Any:
    """Collapse runs of equal consecutive elements (or slices along ``dim``).

    Example:
        >>> import chainrule as torch
        >>> torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 1]))
        tensor([1, 2, 1])
    """
    d = None if dim is None else (dim + input.ndim if dim < 0 else dim)
    vals, inv, cnt = apply(UNIQUE_CONSECUTIVE, (input,), (d,))
    return _pack(vals, (return_inverse, inv), (return_counts, cnt))


def _index_out(arr: np.ndarray, out_int32: bool) -> Tensor:
    return wrap(np.asarray(arr, dtype=np.int32 if out_int32 else np.int64))


def searchsorted(
    sorted_sequence: Tensor,
    input: Any,  # noqa: A002
    *,
    out_int32: bool = False,
    right: bool = False,
    side: str | None = None,
    sorter: Tensor | None = None,
    out: Tensor | None = None,
) -> Tensor:
    """Indices where ``input`` would be inserted to keep ``sorted_sequence`` (last dim) sorted.

    Example:
        >>> import chainrule as torch
        >>> torch.searchsorted(torch.tensor([1, 3, 5]), torch.tensor([3, 6]))
        tensor([1, 3])
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(
                f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
            )
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of "
                "left while right was True"
            )
        right = side == "right"
    seq = sorted_sequence._data
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, axis=-1)
    v = input._data if isinstance(input, Tensor) else np.asarray(input)
    if seq.ndim <= 1:
        return _index_out(np.searchsorted(seq, v, side="right" if right else "left"), out_int32)
    if v.ndim != seq.ndim or v.shape[:-1] != seq.shape[:-1]:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(seq.shape)} and input value tensor {list(v.shape)}"
        )
    # per-row insertion points, vectorised: count the sequence elements before each value
    before = seq[..., None, :] <= v[..., :, None] if right else seq[..., None, :] < v[..., :, None]
    return _index_out(before.sum(-1), out_int32)


def bucketize(
    input: Any,  # noqa: A002
    boundaries: Tensor,
    *,
    out_int32: bool = False,
    right: bool = False,
    out: Tensor | None = None,
) -> Tensor:
    """The bucket of each element given sorted 1-D ``boundaries``.

    Example:
        >>> import chainrule as torch
        >>> torch.bucketize(torch.tensor([0.5, 2.0, 3.5]), torch.tensor([1.0, 2.0, 3.0]))
        tensor([0, 1, 3])
    """
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def histc(
    input: Tensor,  # noqa: A002
    bins: int = 100,
    min: float = 0,  # noqa: A002
    max: float = 0,  # noqa: A002
    *,
    out: Tensor | None = None,
) -> Tensor:
    """Histogram with ``bins`` equal bins over [min, max] (the data's range when both are 0).

    Example:
        >>> import chainrule as torch
        >>> torch.histc(torch.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3)
        tensor([0., 2., 1., 0.])
    """
    a = input._data
    if a.dtype.kind not in "f":
        raise RuntimeError(f"\"histogram_cpu\" not implemented for '{input.dtype.word}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histc(): bins must be > 0, but got {bins} for dim 0")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    counts, _ = np.histogram(a.reshape(-1), bins=bins, range=(lo, hi))
    return wrap(counts.astype(a.dtype))


def multinomial(
    input: Tensor,  # noqa: A002
    num_samples: int,
    replacement: bool = False,
    *,
    generator: Any = None,
    out: Tensor | None = None,
) -> Tensor:
    """Draw ``num_samples`` category indices per row of the (unnormalised) weights ``input``.

    Example:
        >>> import chainrule as torch
        >>> torch.multinomial(torch.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
        tensor([1, 1])
    """
    p = input._data
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if p.dtype.kind not in "f":
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: {input.dtype.word}"
        )
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n = p.shape[-1]
    if not replacement and num_samples > n:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    rows = p.reshape(-1, n).astype(np.float64)
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    total = rows.sum(-1, keepdims=True)
    if (total <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = C._rng(generator)
    if replacement:
        cdf = np.cumsum(rows / total, axis=-1)
        u = rng.random((rows.shape[0], num_samples))
        idx = (cdf[:, None, :] <= u[:, :, None]).sum(-1)
        idx = np.minimum(idx, n - 1)
    else:
        if ((rows > 0).sum(-1) < num_samples).any():
            raise RuntimeError(
                "invalid multinomial distribution (with replacement=False, not enough "
                "non-negative category to sample)"
            )
        # exponential race: the order of E_i / p_i is a sample without replacement
        with np.errstate(divide="ignore"):  # p == 0: key inf, never drawn
            keys = rng.exponential(size=rows.shape) / rows
        idx = np.argsort(keys, axis=-1, kind="stable")[:, :num_samples]
    return wrap(idx.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64))


def bernoulli(
    input: Tensor,  # noqa: A002
    p: float | None = None,
    *,
    generator: Any = None,
    out: Tensor | None = None,
) -> Tensor:
    """0/1 draws with probability ``input`` (or ``p``), in ``input``'s dtype.

    Example:
        >>> import chainrule as torch
        >>> torch.bernoulli(torch.tensor([0.0, 1.0]))
        tensor([0., 1.])
    """
    a = input._data
    prob = a if p is None else p
    if np.any(np.asarray(prob) < 0) or np.any(np.asarray(prob) > 1):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    if p is None:  # PyTorch: a uniform in p's precision (float64 for float64 p, else float32)
        draw_dtype = np.float64 if a.dtype == np.float64 else np.float32
        draws = C._rng(generator).random(a.shape, dtype=draw_dtype) < prob
    else:
        draws = C._rng(generator).random(a.shape) < prob
    return wrap(draws.astype(a.dtype))


expose(unique)
expose(unique_consecutive)
expose(searchsorted, method=False)
expose(bucketize, method=False)
expose(histc)
expose(multinomial)
expose(bernoulli)

# ---------------------------------------------------------------- order statistics

_kthvalue_type = None
_mode_type = None


def _rt(name: str) -> type:
    from .reduce import return_type

    global _kthvalue_type, _mode_type
    if name == "kthvalue":
        _kthvalue_type = _kthvalue_type or return_type("kthvalue")
        return _kthvalue_type
    _mode_type = _mode_type or return_type("mode")
    return _mode_type


def _picked_fwd(x, idx, d, keepdim):
    """The values at ``idx`` (keepdim layout) along ``d``, and the int64 indices."""
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    vals = np.take_along_axis(x, idx, d)
    if not keepdim:
        vals, idx = np.squeeze(vals, d), np.squeeze(idx, d)
    return vals, idx.astype(np.int64, copy=False)


def _picked_entry(name: str, node: str):
    from .reduce import _select_grad, _select_jvp

    return defop(
        name,
        _picked_fwd,
        saves=("self.shape", "result1"),
        grads=(
            lambda F, g, shape, idx, i0, d, keepdim: _select_grad(F, g, shape, idx, d, keepdim),
        ),
        node=node,
        outputs=2,
        nondiff_outputs=1,
        promote="keep",
        jvp=lambda F, ts, shape, idx, i0, d, keepdim: _select_jvp(F, ts, shape, idx, d, keepdim),
        explain={"self": "1 at the selected element"},
    )


KTHVALUE = _picked_entry("kthvalue", "KthvalueBackward0")
MODE = _picked_entry("mode", "ModeBackward0")


def _pick(op, input: Tensor, idx: np.ndarray, d: int, keepdim: bool) -> tuple:
    return apply(op, (input,), (idx.astype(np.int64), d, bool(keepdim)))


def kthvalue(
    input: Tensor,  # noqa: A002
    k: int,
    dim: int = -1,
    keepdim: bool = False,
    *,
    out: Any = None,
) -> Any:
    """The ``k``-th smallest element along ``dim`` and its index.

    Example:
        >>> import chainrule as torch
        >>> torch.kthvalue(torch.tensor([3.0, 1.0, 2.0]), 2).values
        tensor(2.)
    """
    _int_dim(dim, "kthvalue")
    a = input._data
    nd = max(a.ndim, 1)
    d = dim + nd if dim < 0 else dim
    if not 0 <= d < nd:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})"
        )
    _check_not_bool(a, "kthvalue_cpu")
    arr = a.reshape(1) if a.ndim == 0 else a
    size = arr.shape[d]
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    order = np.argsort(arr, axis=d, kind="stable")
    idx = np.take(order, [k - 1], axis=d).astype(np.int64, copy=False)
    from .._tie_order import fix_ties, kthvalue_index  # among ties: PyTorch's quickselect

    fix_ties(arr, idx, d, lambda row: [kthvalue_index(row, k)])
    if a.ndim == 0:
        idx = idx.reshape(())
    vals, it = _pick(KTHVALUE, input, idx, d, keepdim)
    return _rt("kthvalue")((vals, it))


def mode(input: Tensor, dim: int = -1, keepdim: bool = False, *, out: Any = None) -> Any:  # noqa: A002
    """The most frequent value along ``dim`` (the smallest on ties) and its last index.

    Example:
        >>> import chainrule as torch
        >>> torch.mode(torch.tensor([1, 2, 2, 3, 3]))
        torch.return_types.mode(
        values=tensor(2),
        indices=tensor(2))
    """
    _int_dim(dim, "mode")
    a = input._data
    nd = max(a.ndim, 1)
    d = dim + nd if dim < 0 else dim
    if not 0 <= d < nd:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})"
        )
    arr = a.reshape(1) if a.ndim == 0 else a
    moved = np.moveaxis(arr, d, -1)
    n = moved.shape[-1]
    if n == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    rows = moved.reshape(-1, n)
    srt = np.sort(rows, axis=-1)
    # run ids inside each sorted row, then the length of each element's run
    new = np.ones_like(srt, dtype=np.bool_)
    new[:, 1:] = srt[:, 1:] != srt[:, :-1]
    run = np.cumsum(new, axis=-1) - 1
    flat = run + (np.arange(rows.shape[0]) * n)[:, None]
    counts = np.bincount(flat.reshape(-1), minlength=rows.shape[0] * n).reshape(-1, n)
    best_run = counts.argmax(-1)  # first max: the smallest value among ties
    first_pos = (run == best_run[:, None]).argmax(-1)
    best = srt[np.arange(rows.shape[0]), first_pos]
    hit = rows == best[:, None]
    last = n - 1 - hit[:, ::-1].argmax(-1)
    idx = last.reshape(moved.shape[:-1])
    idx = idx.reshape(()) if a.ndim == 0 else np.expand_dims(idx, d)
    vals, it = _pick(MODE, input, idx, d, keepdim)
    return _rt("mode")((vals, it))


expose(kthvalue)
expose(mode)

# ---------------------------------------------------------------- matrix builders and statistics


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """The Cartesian product of 1-D tensors, one row per combination.

    Example:
        >>> import chainrule as torch
        >>> torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    cr = _cr()
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(
                f"Expect a 1D vector, but got shape [{', '.join(map(str, t.shape))}]"
            )
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if len(tensors) == 1:
        return tensors[0]
    d = tensors[0].dtype
    full = tuple(t.shape[0] for t in tensors)
    cols = []
    for i, t in enumerate(tensors):
        shape = [1] * len(tensors)
        shape[i] = full[i]
        cols.append(t.to(d).reshape(tuple(shape)).expand(full).reshape(-1))
    return cr.stack(cols, 1)


def block_diag(*tensors: Tensor) -> Tensor:
    """A block-diagonal matrix from the given (0-, 1- or 2-D) tensors.

    Example:
        >>> import chainrule as torch
        >>> torch.block_diag(torch.tensor([[1, 2]]), torch.tensor([[3]]))
        tensor([[1, 2, 0],
                [0, 0, 3]])
    """
    cr = _cr()
    mats = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(
                f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                f"{t.ndim} dimensions"
            )
        mats.append(t.reshape(1, -1) if t.ndim < 2 else t)
    d = result_dtype(tensors) if tensors else D.get_default_dtype()
    width = sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        r, c = m.shape
        parts = []
        if left:
            parts.append(cr.zeros((r, left), dtype=d))
        parts.append(m.to(d))
        if width - left - c:
            parts.append(cr.zeros((r, width - left - c), dtype=d))
        rows.append(cr.cat(parts, 1) if len(parts) > 1 else parts[0])
        left += c
    if not rows:
        return cr.zeros((0, 0), dtype=d)
    return cr.cat(rows, 0) if len(rows) > 1 else rows[0]


def cov(
    input: Tensor,  # noqa: A002
    *,
    correction: int = 1,
    fweights: Tensor | None = None,
    aweights: Tensor | None = None,
) -> Tensor:
    """Covariance matrix of the variables in the rows of ``input`` (observations in columns).

    Example:
        >>> import chainrule as torch
        >>> torch.cov(torch.tensor([0.0, 1.0, 3.0]))
        tensor(2.3333)
    """
    if input.ndim > 2:
        raise RuntimeError(
            f"cov(): expected input to have two or fewer dimensions but got an "
            f"input with {input.ndim} dimensions"
        )
    x = _to_float(input)
    x = x.reshape(1, -1) if x.ndim < 2 else x
    n = x.shape[1]
    w = None
    if fweights is not None:
        if fweights.dtype.is_floating_point or fweights.dtype.is_complex:
            raise RuntimeError(
                f"cov(): expected fweights to have integral dtype but got fweights with "
                f"{fweights.dtype.word} dtype"
            )
        w = fweights
    if aweights is not None:
        if not aweights.dtype.is_floating_point:
            raise RuntimeError(
                f"cov(): expected aweights to have floating point dtype but got aweights with "
                f"{aweights.dtype.word} dtype"
            )
        w = aweights if w is None else w * aweights
    if w is None:
        avg = x.mean(1)
        w_sum = n
        norm = n - correction
    else:
        w = w.to(x.dtype)
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
        if correction == 0:
            norm = w_sum
        elif aweights is None:
            norm = w_sum - correction
        else:
            norm = w_sum - correction * (w * aweights.to(x.dtype)).sum() / w_sum
    if isinstance(norm, Tensor):
        norm = norm.clamp(min=0)
    else:
        norm = max(norm, 0)
    xm = x - avg.unsqueeze(1)
    c = ((xm if w is None else xm * w) @ xm.t()) / norm
    return c.reshape(()) if input.ndim < 2 else c


def corrcoef(input: Tensor) -> Tensor:  # noqa: A002
    """Pearson correlation coefficients of the variables in the rows of ``input``.

    Example:
        >>> import chainrule as torch
        >>> torch.corrcoef(torch.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
        tensor([[ 1., -1.],
                [-1.,  1.]])
    """
    c = cov(input)
    if c.ndim == 0:
        return c / c
    sd = c.diagonal().sqrt()
    c = c / sd.unsqueeze(1) / sd.unsqueeze(0)
    return c.clamp(-1, 1)


expose(cartesian_prod, method=False)
expose(block_diag, method=False)
expose(cov)
expose(corrcoef)

# ---------------------------------------------------------------- cross products


def _linalg_cross(
    input: Tensor, other: Tensor, *, dim: int = -1, out: Tensor | None = None
) -> Tensor:  # noqa: A002
    """Cross product of 3-vectors along ``dim`` (inputs broadcast).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.cross(torch.tensor([1, 0, 0]), torch.tensor([0, 1, 0]))
        tensor([0, 0, 1])
    """
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if other.dtype is not D.bool_:  # (bool with another dtype: this error comes first)
        _check_not_bool(input._data, "cross")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.word} but found {other.dtype.word}")
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got "
            f"{input.shape[dim]} and {other.shape[dim]}"
        )
    _check_not_bool(input._data, "cross")
    i1 = wrap(np.array([1, 2, 0]))
    i2 = wrap(np.array([2, 0, 1]))
    d = dim + input.ndim if dim < 0 else dim
    a1, a2 = input.index_select(d, i1), input.index_select(d, i2)
    b1, b2 = other.index_select(d, i1), other.index_select(d, i2)
    return a1 * b2 - a2 * b1


def cross(
    input: Tensor, other: Tensor, dim: int | None = None, *, out: Tensor | None = None
) -> Tensor:  # noqa: A002
    """Cross product along ``dim`` (default: the first dimension of size 3, deprecated).

    Example:
        >>> import chainrule as torch
        >>> torch.cross(torch.tensor([[1.0, 0.0, 0.0]]), torch.tensor([[0.0, 1.0, 0.0]]), dim=1)
        tensor([[0., 0., 1.]])
    """
    if dim is None:
        cpp_warn(
            "Using torch.cross without specifying the dim arg is deprecated.\n"
            "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
            "The default value of dim will change to agree with that of linalg.cross in a "
            "future release.",
            "aten/src/ATen/native/Cross.cpp:63",
            stacklevel=3,
            once=True,
        )
        sizes = [i for i, n in enumerate(input.shape) if n == 3]
        if not sizes:
            raise RuntimeError("no dimension of size 3 in input")
        dim = sizes[0]
    return _linalg_cross(input, other, dim=dim)


expose(cross)
_linalg_cross.__name__ = "cross"
PUBLIC["linalg"].cross = _linalg_cross


# ---------------------------------------------------------------- in-place shape methods


def _inplace_twin(name: str, node: str):
    """The entry of an in-place view op (``squeeze_`` ...): the out-of-place entry's rule under
    the node name PyTorch records for the in-place overload."""
    from . import shape  # noqa: F401  (registers the out-of-place entries)
    from ._registry import OPS

    op = OPS[name]
    return defop(
        name + "_",
        op.forward,
        inputs=op.inputs,
        saves=op.saves,
        grads=op.grads,
        node=node,
        promote=op.promote,
        jvp=op.jvp,
        explain=op.explain,
    )


_INPLACE_TWINS = {
    "squeeze": _inplace_twin("squeeze", "SqueezeBackward3"),
    "squeeze_dim": _inplace_twin("squeeze_dim", "SqueezeBackward4"),
    "squeeze_dims": _inplace_twin("squeeze_dims", "SqueezeBackward5"),
    "unsqueeze": _inplace_twin("unsqueeze", "UnsqueezeBackward1"),
    "t": _inplace_twin("t", "TBackward1"),
    "transpose": _inplace_twin("transpose", "TransposeBackward1"),
}


def _become(self: Tensor, make: Any) -> Tensor:
    """Make ``self`` the view ``make(self)`` of its old self (shape, graph, tangent), in place."""
    from ._dispatch import _LIVE_VIEWS, _check_inplace

    _check_inplace(self)
    entry = _LIVE_VIEWS.get(id(self)) if self._base is None else None
    if entry is not None and entry[0]() is self and any(r() is not None for r in entry[1]):
        # older views of self replay their ops on self's new shape: not supported here
        raise RuntimeError(
            "in-place shape change of a tensor that has views and requires grad is not "
            "supported; use the out-of-place version"
        )
    view = make(self)
    node = view._grad_fn
    twin = _INPLACE_TWINS.get(getattr(node, "_op", None).name) if node is not None else None
    if twin is not None and type(node) is node._op.node_cls:
        node.__class__ = twin.node_cls  # same slots and saved values: PyTorch's in-place name
    self._data = view._data
    if self._base is not None:
        self._base = view._base  # the view chain from the common base, now one op longer
    if view._grad_fn is not None:
        self._grad_fn = view._grad_fn
        self._output_nr = view._output_nr
    self._fw = view._fw
    self._vc[0] += 1
    return self


def squeeze_(self: Tensor, dim: Any = None) -> Tensor:
    """In-place ``squeeze``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(1, 2, 1).squeeze_().shape
        torch.Size([2])
    """
    return _become(self, lambda s: s.squeeze() if dim is None else s.squeeze(dim))


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """In-place ``unsqueeze``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2).unsqueeze_(0).shape
        torch.Size([1, 2])
    """
    return _become(self, lambda s: s.unsqueeze(dim))


def t_(self: Tensor) -> Tensor:
    """In-place ``t``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3).t_().shape
        torch.Size([3, 2])
    """
    return _become(self, lambda s: s.t())


def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """In-place ``transpose``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3, 4).transpose_(0, 2).shape
        torch.Size([4, 3, 2])
    """
    return _become(self, lambda s: s.transpose(dim0, dim1))


def swapaxes_(self: Tensor, axis0: int, axis1: int) -> Tensor:
    """In-place ``swapaxes`` (``transpose_``).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3).swapaxes_(0, 1).shape
        torch.Size([3, 2])
    """
    return transpose_(self, axis0, axis1)


def swapdims_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """In-place ``swapdims`` (``transpose_``).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3).swapdims_(0, 1).shape
        torch.Size([3, 2])
    """
    return transpose_(self, dim0, dim1)


for _f in (squeeze_, unsqueeze_, t_, transpose_, swapaxes_, swapdims_):
    expose(_f)
    PUBLIC.pop(_f.__name__)  # Tensor methods only
