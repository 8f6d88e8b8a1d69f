"""More shape and indexing ops: ``select_scatter``/``slice_scatter``/``diagonal_scatter``
(entries), and the composites and index builders ``tril_indices``/``triu_indices``,
``diagflat``, ``unravel_index``, ``combinations``, ``bincount``, ``histogram``, ``isin``,
``dsplit``, ``unsafe_split``/``unsafe_chunk``, ``split_with_sizes``, ``narrow_copy``, and the
Tensor attributes ``itemsize``, ``nbytes``, ``is_cpu``, ``storage_offset()`` ...
"""

from __future__ import annotations

import builtins
import warnings
from typing import Any

import numpy as np

from .. import _dtype as D
from .._tensor import Size, Tensor, wrap
from ._dispatch import apply
from ._registry import PUBLIC, defop, expose
from .reduce import _const, _data, return_type


# ---------------------------------------------------------------- *_scatter entries
def _region(shape: tuple, kind: str, params: tuple):
    """The index of the region a scatter writes (a tuple for ``x[idx]``)."""
    nd = len(shape)
    if kind == "select":
        dim, index = params
        return (slice(None),) * dim + (index,)
    if kind == "slice":
        dim, start, end, step = params
        return (slice(None),) * dim + (slice(start, end, step),)
    offset, d1, d2 = params
    n = max(0, min(shape[d1] - max(-offset, 0), shape[d2] - max(offset, 0)))
    r = np.arange(n)
    idx: list = [slice(None)] * nd
    idx[d1] = r + max(-offset, 0)
    idx[d2] = r + max(offset, 0)
    return tuple(idx)


def _scatter_fwd(x, src, kind, params):
    out = x.copy()
    idx = _region(x.shape, kind, params)
    if kind == "diagonal":
        # advanced indices on two dims put the diagonal first: src has it last
        offset, d1, d2 = params
        view = np.moveaxis(out, (d1, d2), (-2, -1))
        view[..., idx[d1], idx[d2]] = src
        return out
    out[idx] = src
    return out


def _region_of(F, g, kind, params):
    if kind == "diagonal":
        offset, d1, d2 = params
        if F is not None and hasattr(g, "_data"):
            return g.diagonal(offset, d1, d2)
        return np.diagonal(g, offset, d1, d2).copy()
    idx = _region(tuple(g.shape), kind, params)
    return g[idx]


def _mask(shape, kind, params, dtype):
    return _scatter_fwd(np.zeros(shape, bool), np.ones((), bool), kind, params)


def _scatter_grad_input(F, g, xshape, sshape, kind, params):
    m = _mask(xshape, kind, params, None)
    return F.where(_const(F, m), 0.0, g)


def _scatter_grad_src(F, g, xshape, sshape, kind, params):
    return _region_of(F, g, kind, params)


def _scatter_jvp(F, tangents, xshape, sshape, kind, params):
    tx, ts = tangents
    like = tx if tx is not None else ts
    if tx is None:
        tx = F.zeros(xshape, like)
    if ts is None:
        ts = F.zeros(sshape, like)
    if F is not None and hasattr(tx, "_data"):
        return apply(_SCATTER_OPS[kind], (tx, ts), (kind, params))
    return _scatter_fwd(tx, ts, kind, params)


def _scatter_entry(kind: str, node: str):
    return defop(
        f"{kind}_scatter",
        _scatter_fwd,
        inputs=("self", "src"),
        saves=("self.shape", "src.shape"),
        grads=(_scatter_grad_input, _scatter_grad_src),
        node=node,
        jvp=_scatter_jvp,
        explain={"self": "1 outside the written region", "src": "1 inside the written region"},
    )


_SCATTER_OPS = {
    "select": _scatter_entry("select", "SelectScatterBackward0"),
    "slice": _scatter_entry("slice", "SliceScatterBackward0"),
    "diagonal": _scatter_entry("diagonal", "DiagonalScatterBackward0"),
}


def _check_src(x: Tensor, src: Tensor, kind: str, params: tuple) -> None:
    want = np.empty(x._data.shape, bool)
    region = _region_of(None, want, kind, params)
    if tuple(region.shape) != tuple(src._data.shape):
        raise RuntimeError(
            "expected src to have a size equal to the slice of self. src size = "
            f"{list(src._data.shape)}, slice size = {list(region.shape)}"
        )


def _dim(dim: int, ndim: int) -> int:
    from .._backend import norm_dims

    return norm_dims(int(dim), ndim)[0]


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:  # noqa: A002
    """A copy of ``input`` with ``input.select(dim, index)`` replaced by ``src``.

    Example:
        >>> import chainrule as torch
        >>> torch.select_scatter(torch.zeros(2, 2), torch.ones(2), 0, 0)
        tensor([[1., 1.],
                [0., 0.]])
    """
    nd = input._data.ndim
    d = _dim(dim, nd)
    size = input._data.shape[d]
    i = int(index)
    if not -size <= i < size:
        raise IndexError(
            f"select(): index {i} out of range for tensor of size {list(input._data.shape)} at "
            f"dimension {d}"
        )
    params = (d, i % size)
    _check_src(input, src, "select", params)
    return apply(_SCATTER_OPS["select"], (input, src), ("select", params))


def slice_scatter(
    input: Tensor,  # noqa: A002
    src: Tensor,
    dim: int = 0,
    start: int | None = None,
    end: int | None = None,
    step: int = 1,
) -> Tensor:
    """A copy of ``input`` with ``input[..., start:end:step, ...]`` (along ``dim``) set to ``src``.

    Example:
        >>> import chainrule as torch
        >>> torch.slice_scatter(torch.zeros(2, 3), torch.ones(2, 1), 1, 1, 2)
        tensor([[0., 1., 0.],
                [0., 1., 0.]])
    """
    d = _dim(dim, input._data.ndim)
    params = (d, start, end, int(step))
    _check_src(input, src, "slice", params)
    return apply(_SCATTER_OPS["slice"], (input, src), ("slice", params))


def diagonal_scatter(
    input: Tensor,  # noqa: A002
    src: Tensor,
    offset: int = 0,
    dim1: int = 0,
    dim2: int = 1,
) -> Tensor:
    """A copy of ``input`` with its ``offset`` diagonal (of ``dim1``, ``dim2``) set to ``src``.

    Example:
        >>> import chainrule as torch
        >>> torch.diagonal_scatter(torch.zeros(2, 2), torch.ones(2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    nd = input._data.ndim
    params = (int(offset), _dim(dim1, nd), _dim(dim2, nd))
    _check_src(input, src, "diagonal", params)
    return apply(_SCATTER_OPS["diagonal"], (input, src), ("diagonal", params))


# ---------------------------------------------------------------- index builders
def _tri_indices(row: int, col: int, offset: int, dtype, lower: bool, name: str) -> Tensor:
    dt = D.int64 if dtype is None else D.to_dtype(dtype)
    if dt.np.kind not in "iu":
        raise NotImplementedError(f"\"{name}\" not implemented for '{dt.word}'")
    r, c = np.indices((int(row), int(col)))
    keep = (c - r <= offset) if lower else (c - r >= offset)
    return wrap(np.stack([r[keep], c[keep]]).astype(dt.np))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None):
    """Indices (2 x N, row-major) of the lower triangle of a ``row`` x ``col`` matrix.

    Example:
        >>> import chainrule as torch
        >>> torch.tril_indices(2, 2)
        tensor([[0, 1, 1],
                [0, 0, 1]])
    """
    return _tri_indices(row, col, int(offset), dtype, True, "tril_indices")


def triu_indices(row: int, col: int, offset: int = 0, *, dtype=None, device=None, layout=None):
    """Indices (2 x N, row-major) of the upper triangle of a ``row`` x ``col`` matrix.

    Example:
        >>> import chainrule as torch
        >>> torch.triu_indices(2, 2)
        tensor([[0, 0, 1],
                [0, 1, 1]])
    """
    return _tri_indices(row, col, int(offset), dtype, False, "triu_indices")


def unravel_index(indices: Tensor, shape: Any) -> tuple:
    """Flat indices as a tuple of coordinate tensors for ``shape`` (row-major).

    Example:
        >>> import chainrule as torch
        >>> torch.unravel_index(torch.tensor([5, 7]), (3, 4))
        (tensor([1, 1]), tensor([1, 3]))
    """
    a = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
    if a.dtype.kind not in "iu" and a.dtype != np.bool_:
        raise TypeError(
            f"expected 'indices' to be integer dtype, but got {D._BY_NP[a.dtype].name.join(['torch.', ''])}"
        )
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got " + str(shape))
    a = a.astype(np.int64)
    out = []
    rem = a
    for s in reversed(shape):
        out.append(rem % s if s else rem * 0)
        rem = rem // s if s else rem
    return tuple(wrap(np.asarray(o, np.int64)) for o in reversed(out))


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:  # noqa: A002
    """All length-``r`` combinations of a 1-D tensor's elements (as ``itertools.combinations``).

    Example:
        >>> import chainrule as torch
        >>> torch.combinations(torch.tensor([1, 2, 3]))
        tensor([[1, 2],
                [1, 3],
                [2, 3]])
    """
    from .shape import stack

    x = input._data
    if x.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    r = int(r)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return wrap(np.zeros((0,), x.dtype))
    n = x.shape[0]
    grids = np.meshgrid(*([np.arange(n)] * r), indexing="ij")
    flat = np.stack([g.reshape(-1) for g in grids], -1)
    ok = (
        np.all(flat[:, 1:] >= flat[:, :-1], -1)
        if with_replacement
        else np.all(flat[:, 1:] > flat[:, :-1], -1)
    )
    sel = flat[ok]
    return stack([input[wrap(sel[:, k])] for k in range(r)], 1)


def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:  # noqa: A002
    """Counts of each non-negative integer (weighted sums with ``weights``).

    Example:
        >>> import chainrule as torch
        >>> torch.bincount(torch.tensor([1, 1, 3]))
        tensor([0, 2, 0, 1])
    """
    x = input._data
    if x.ndim != 1 or x.dtype.kind not in "iub" or (x.size and x.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return wrap(np.bincount(x.astype(np.int64), minlength=minlength).astype(np.int64))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != x.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = np.float64 if w.dtype != np.float32 else np.float32
    return wrap(np.bincount(x.astype(np.int64), w.astype(np.float64), minlength).astype(dt))


def histogram(
    input: Tensor,  # noqa: A002
    bins: Any = 100,
    *,
    range: Any = None,  # noqa: A002
    weight: Tensor | None = None,
    density: bool = False,
    out: Any = None,
):
    """``(hist, bin_edges)``: ``bins`` equal bins over ``range`` (min..max by default), or the
    given edges; last bin closed, as ``numpy.histogram``.

    Example:
        >>> import chainrule as torch
        >>> torch.histogram(torch.tensor([1.0, 2.0, 1.0]), bins=2).hist
        tensor([2., 1.])
    """
    x = input._data
    if x.dtype.kind != "f":
        raise RuntimeError(
            f"torch.histogram: input tensor and bins tensors should have the same dtype, but got "
            f"input {x.dtype} and bins {x.dtype}"
        )
    w = None if weight is None else weight._data
    if isinstance(bins, Tensor):
        edges = bins._data
    else:
        lo, hi = (float(x.min()), float(x.max())) if range is None and x.size else (range or (0, 0))
        edges = np.linspace(lo, hi, int(bins) + 1, dtype=np.float64).astype(x.dtype)
    hist, _ = np.histogram(
        x.reshape(-1), edges.astype(np.float64), weights=None if w is None else w.reshape(-1)
    )
    hist = hist.astype(x.dtype)
    if density:
        widths = np.diff(edges.astype(np.float64))
        hist = (hist / (hist.sum() * widths)).astype(x.dtype)
    return return_type("histogram", ("hist", "bin_edges"))(
        (wrap(hist), wrap(np.asarray(edges, x.dtype)))
    )


def isin(
    elements: Any, test_elements: Any, *, assume_unique: bool = False, invert: bool = False
) -> Tensor:
    """Whether each element of ``elements`` is in ``test_elements`` (bool tensor).

    Example:
        >>> import chainrule as torch
        >>> torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2, 5]))
        tensor([False,  True, False])
    """
    a = _data(elements)
    b = _data(test_elements)
    return wrap(np.asarray(np.isin(a, b, invert=invert)))


# ---------------------------------------------------------------- splits and copies
def dsplit(input: Tensor, indices_or_sections: Any) -> tuple:  # noqa: A002
    """``tensor_split`` along dim 2 (3-D or more).

    Example:
        >>> import chainrule as torch
        >>> [t.shape for t in torch.dsplit(torch.zeros(1, 2, 4), 2)]
        [torch.Size([1, 2, 2]), torch.Size([1, 2, 2])]
    """
    from .shape import tensor_split

    nd = input._data.ndim
    if nd < 3:
        raise RuntimeError(
            f"torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with "
            f"{nd} dimensions!"
        )
    if isinstance(indices_or_sections, int) and input._data.shape[2] % indices_or_sections:
        raise RuntimeError(
            "torch.dsplit attempted to split along dimension 2, but the size of the dimension "
            f"{input._data.shape[2]} is not divisible by the split_size {indices_or_sections}!"
        )
    return tensor_split(input, indices_or_sections, 2)


UNSAFE_SPLIT = defop(
    "unsafe_split",
    lambda x, dim, sizes: tuple(p.copy() for p in _split_pieces(x, dim, sizes)),
    grads=(lambda F, g, dim, sizes: F.cat(list(g), dim),),
    node="UnsafeSplitBackward0",
    promote="keep",
    outputs=2,  # several (the count varies per call)
    jvp="linear",
    explain={"self": "1 (pieces joined back)"},
)


UNSAFE_SPLIT_WITH_SIZES = defop(
    "unsafe_split_with_sizes",
    lambda x, dim, sizes: tuple(p.copy() for p in _split_pieces(x, dim, sizes)),
    grads=(lambda F, g, dim, sizes: F.cat(list(g), dim),),
    node="UnsafeSplitWithSizesBackward0",
    promote="keep",
    outputs=2,
    jvp="linear",
    explain={"self": "1 (pieces joined back)"},
)


def _split_pieces(x, dim, sizes):
    from .shape import _split_fwd

    return _split_fwd(x, dim, sizes)


def _unsafe_split(input: Tensor, pieces: tuple, dim: int, op=None) -> tuple:
    d = _dim(dim, input._data.ndim)
    sizes = tuple(p._data.shape[d] for p in pieces)
    return apply(op or UNSAFE_SPLIT, (input,), (d, sizes))


def unsafe_split(input: Tensor, split_size: Any, dim: int = 0) -> tuple:  # noqa: A002
    """``split`` whose pieces are new tensors, not views (PyTorch's ``unsafe_split``).

    Example:
        >>> import chainrule as torch
        >>> [t.shape for t in torch.unsafe_split(torch.zeros(5), 2)]
        [torch.Size([2]), torch.Size([2]), torch.Size([1])]
    """
    from .shape import split

    return _unsafe_split(input, split(input.detach(), split_size, dim), dim)


def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:  # noqa: A002
    """``chunk`` whose pieces are new tensors, not views (PyTorch's ``unsafe_chunk``).

    Example:
        >>> import chainrule as torch
        >>> [t.shape for t in torch.unsafe_chunk(torch.zeros(5), 2)]
        [torch.Size([3]), torch.Size([2])]
    """
    from .shape import chunk

    return _unsafe_split(input, chunk(input.detach(), chunks, dim), dim)


def unsafe_split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple:  # noqa: A002
    """``split_with_sizes`` whose pieces are new tensors, not views.

    Example:
        >>> import chainrule as torch
        >>> [t.shape for t in torch.unsafe_split_with_sizes(torch.zeros(5), [1, 4])]
        [torch.Size([1]), torch.Size([4])]
    """
    pieces = split_with_sizes(input.detach(), split_sizes, dim)
    return _unsafe_split(input, pieces, dim, UNSAFE_SPLIT_WITH_SIZES)


def split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple:  # noqa: A002
    """Split into pieces of the given sizes along ``dim`` (they must sum to its size).

    Example:
        >>> import chainrule as torch
        >>> [t.shape for t in torch.split_with_sizes(torch.zeros(5), [2, 3])]
        [torch.Size([2]), torch.Size([3])]
    """
    from .shape import split

    sizes = [int(s) for s in split_sizes]
    d = _dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if sum(sizes) != n:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
            f"dimension {d}), but got split_sizes={sizes}"
        )
    return split(input, sizes, d)


def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:  # noqa: A002
    """``narrow`` as a new tensor (not a view).

    Example:
        >>> import chainrule as torch
        >>> torch.narrow_copy(torch.arange(5), 0, 1, 2)
        tensor([1, 2])
    """
    from .shape import narrow

    d = _dim(dim, input._data.ndim)
    size = input._data.shape[d]
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return _narrow_copy(narrow(input, d, start, length))


def _narrow_copy(v: Tensor) -> Tensor:
    return apply(NARROW_COPY, (v,))


NARROW_COPY = defop(
    "narrow_copy",
    lambda x: x.copy(),
    grads=(lambda F, g: g,),
    node="NarrowCopyBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1 (copied)"},
)


def diagflat(input: Tensor, offset: int = 0) -> Tensor:  # noqa: A002
    """A 2-D matrix with the flattened ``input`` on its ``offset`` diagonal.

    Example:
        >>> import chainrule as torch
        >>> torch.diagflat(torch.tensor([[1.0, 2.0]]))
        tensor([[1., 0.],
                [0., 2.]])
    """
    from .linalg import diag

    return diag(input.reshape(-1), int(offset))


# ---------------------------------------------------------------- attributes
class layout:  # noqa: N801  (PyTorch's class name)
    """``torch.layout``: chainrule tensors are always ``torch.strided``."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"torch.{self._name}"

    def __reduce__(self):
        return (_layout_by_name, (self._name,))


def _layout_by_name(name: str) -> layout:
    return _LAYOUTS[name]


_LAYOUTS = {n: layout(n) for n in ("strided", "sparse_coo", "sparse_csr", "_mkldnn")}
strided = _LAYOUTS["strided"]

_ATTRS = {
    "layout": property(lambda self: strided, doc="The memory layout: always ``torch.strided``."),
    "itemsize": property(lambda self: self._data.dtype.itemsize, doc="Bytes per element."),
    "nbytes": property(lambda self: self._data.nbytes, doc="Bytes of the elements."),
    "is_cpu": property(lambda self: True, doc="Always True: chainrule tensors live on the CPU."),
    "is_sparse": property(lambda self: False, doc="False: chainrule tensors are strided."),
    "is_quantized": property(lambda self: False, doc="False: no quantized tensors."),
    "is_meta": property(lambda self: False, doc="False: no meta tensors."),
}


def storage_offset(self: Tensor) -> int:
    """Offset (in elements) of this tensor's first element in its base's storage.

    Example:
        >>> import chainrule as torch
        >>> torch.arange(6).reshape(2, 3)[:, 1:].storage_offset()
        1
    """
    from .._backend import storage_offset as offset_of

    return offset_of(self._data)


def get_device(self: Tensor) -> int:
    """The device index: -1 for the CPU (the only device).

    Example:
        >>> import chainrule as torch
        >>> torch.ones(2).get_device()
        -1
    """
    return -1


def _install() -> None:
    from .._tensor import Tensor as T

    for name, prop in _ATTRS.items():
        setattr(T, name, prop)
    for f in (
        select_scatter,
        slice_scatter,
        diagonal_scatter,
        split_with_sizes,
        unsafe_split,
        unsafe_chunk,
        unsafe_split_with_sizes,
        narrow_copy,
        dsplit,
        diagflat,
        isin,
    ):
        expose(f, method=f.__name__ not in ("isin",))
    for f in (tril_indices, triu_indices, unravel_index, combinations, histogram):
        expose(f, method=f.__name__ == "histogram")
    expose(bincount)
    expose(storage_offset, method=True)
    expose(get_device)
    PUBLIC.pop("storage_offset", None)
    PUBLIC["layout"] = layout
    for name in ("strided", "sparse_coo", "sparse_csr"):
        PUBLIC.setdefault(name, _LAYOUTS[name])


_install()


# ---------------------------------------------------------------- legacy and CPU-only methods
def adjoint(self: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims (real tensors: ``transpose(-2, -1)``).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 2.0], [3.0, 4.0]]).adjoint()
        tensor([[1., 3.],
                [2., 4.]])
    """
    if self.dim() == 0:  # PyTorch: the identity, with a deprecation warning
        from .._cwarn import cpp_warn

        cpp_warn(
            "adjoint() is deprecated on 0-D tensors. Consider using x.conj().",
            "aten/src/ATen/native/TensorShape.cpp:4390",
            once=True,
        )
        return self.view(())
    if self.dim() == 1:
        raise RuntimeError(
            "tensor.adjoint() is only supported on matrices or batches of matrices. Got 1-D tensor."
        )
    return self.transpose(-2, -1)


def apply_(self: Tensor, callable: Any) -> Tensor:  # noqa: A002
    """Replace each element by ``callable(element)`` in place (CPU only, no autograd).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1.0, 2.0]).apply_(lambda v: v * 2)
        tensor([2., 4.])
    """
    if self.requires_grad:
        raise RuntimeError(
            "Can't call apply_() on Variable that requires grad. Use var.detach().apply_() instead."
        )
    if not builtins.callable(callable):
        raise TypeError(f"'{type(callable).__name__}' object is not callable")
    return _assign_elements(self, [callable(v) for v in self._data.reshape(-1).tolist()])


def map_(self: Tensor, tensor: Tensor, callable: Any) -> Tensor:  # noqa: A002
    """``self[i] = callable(self[i], tensor[i])`` in place, ``tensor`` broadcast to ``self``.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1.0, 2.0]).map_(torch.tensor([10.0, 20.0]), lambda a, b: a + b)
        tensor([11., 22.])
    """
    if self.requires_grad:
        raise RuntimeError(
            "Can't call map_() on Variable that requires grad. Use var.detach().map_() instead."
        )
    other = (
        tensor.expand_as(self)._data
        if isinstance(tensor, Tensor)
        else np.broadcast_to(tensor, self.shape)
    )
    pairs = zip(self._data.reshape(-1).tolist(), np.asarray(other).reshape(-1).tolist())
    return _assign_elements(self, [callable(u, v) for u, v in pairs])


def _assign_elements(self: Tensor, flat: list) -> Tensor:
    """Write Python results back into ``self`` (cast to its dtype) and bump its version."""
    a = self._data
    if flat:
        a[...] = np.asarray(flat).astype(a.dtype, copy=False).reshape(a.shape)
    self._vc[0] += 1
    return self


def new(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """Legacy ``x.new(...)``: ``x.new(2, 3)`` an (uninitialised, here zero) tensor of that size,
    ``x.new([1, 2])`` one holding the data, ``x.new()`` an empty one; ``x``'s dtype.

    Example:
        >>> import chainrule as torch
        >>> torch.ones(1, dtype=torch.float64).new([1, 2])
        tensor([1., 2.], dtype=torch.float64)
    """
    from .. import _creation as C

    dtype = kwargs.pop("dtype", None) or self.dtype
    if not args:
        return C.zeros(0, dtype=dtype)
    if len(args) == 1 and isinstance(args[0], Tensor):
        return args[0].detach().to(dtype) if args[0].dtype is not dtype else args[0].detach()
    if len(args) == 1 and isinstance(args[0], (list, tuple)) and not isinstance(args[0], Size):
        return C.tensor(args[0], dtype=dtype)
    return C.zeros(*args, dtype=dtype)


def _resize_copy(self: Tensor, shape: tuple, name: str) -> Tensor:
    warnings.warn(f"non-inplace {name} is deprecated", UserWarning, stacklevel=3)
    n = int(np.prod(shape)) if shape else 1
    if n != self.numel():
        dims = "x".join(str(int(d)) for d in shape) if shape else ""
        raise RuntimeError(
            f"requested resize to {dims} ({n} elements in total), but the given tensor has a size "
            f"of {'x'.join(str(d) for d in self.shape)} ({self.numel()} elements). autograd's "
            "resize can only change the shape of a given tensor, while preserving the number of "
            "elements. "
        )
    return self.reshape(shape)


def resize(self: Tensor, *sizes: Any) -> Tensor:
    """Deprecated non-in-place ``resize``: a reshape that keeps the number of elements.

    Example:
        >>> import warnings; warnings.simplefilter("ignore")
        >>> import chainrule as torch
        >>> torch.ones(2, 2).resize(4)
        tensor([1., 1., 1., 1.])
    """
    shape = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (list, tuple)) else sizes
    return _resize_copy(self, tuple(int(d) for d in shape), "resize")


def resize_as(self: Tensor, the_template: Tensor) -> Tensor:
    """Deprecated non-in-place ``resize_as``: ``resize`` to ``the_template``'s shape."""
    return _resize_copy(self, tuple(the_template.shape), "resize_as")


def share_memory_(self: Tensor) -> Tensor:
    """A no-op here (one process, NumPy memory); returns ``self`` as PyTorch does."""
    return self


def is_shared(self: Tensor) -> bool:
    """Whether the storage is in shared memory: never here."""
    return False


def is_pinned(self: Tensor, device: Any = None) -> bool:
    """Whether the memory is pinned for an accelerator: never here."""
    return False


def pin_memory(self: Tensor, device: Any = None) -> Tensor:
    """No accelerator here: PyTorch's CPU-only error."""
    raise RuntimeError("Cannot access accelerator device when none is available.")


for _f in (apply_, map_, new, resize, resize_as, share_memory_, is_shared, is_pinned, pin_memory):
    expose(_f, method=True)
    PUBLIC.pop(_f.__name__, None)
expose(adjoint)
del _f
