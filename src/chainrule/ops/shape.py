"""Shape ops: views (``view``/``reshape``, ``squeeze``, ``permute``, ``expand``, ``narrow``,
``select``, ``split``, ``unbind``, ``diagonal`` ...) and copies (``cat``, ``stack``, ``repeat``,
``flip``, ``roll``). Entries first, then their front-ends.

Ops that PyTorch implements as views return NumPy views of the input, marked with ``make_view``
so that they share memory and the version counter with their base, as in PyTorch.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _dtype as D
from .._cwarn import cpp_warn
from .._tensor import Tensor, _wrap_dim, legacy_type_name
from ._dispatch import apply, make_view
from ._registry import PUBLIC, defop, expose

_FULL = slice(None)

# ---------------------------------------------------------------- helpers


def _reshape_back(F, g, shape, *params):
    """Gradient of any op that only rearranges elements into a new shape."""
    return F.reshape(g, shape)


def _basic_index_grad(F, g, shape, idx):
    """Gradient of ``x[idx]`` for basic (view) indexing: zeros with ``g`` written at ``idx``."""
    return F.index_put(shape, g, idx, g, False)


def _getitem_fwd(x, idx):
    r = x[idx]
    if type(r) is not np.ndarray:  # all dims indexed by ints: NumPy gives a scalar, not a view
        r = x[idx + (Ellipsis,)]
    return r


def _dim(dim: Any, ndim: int) -> int:
    return _wrap_dim(operator.index(dim), ndim)


def _as_int(v: Any, fname: str, arg: str, pos: int = 1) -> int:
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(
            f"{fname}(): argument '{arg}' (position {pos}) must be int, not {type(v).__name__}"
        ) from None


def _int_tuple(args: Sequence, fname: str, arg: str = "size") -> tuple:
    """``f(2, 3)`` / ``f((2, 3))`` / ``f([2, 3])`` / ``f(torch.Size(...))`` -> (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    out = []
    for i, a in enumerate(args):
        try:
            out.append(operator.index(a))
        except TypeError:
            raise TypeError(
                f"{fname}(): argument '{arg}' (position 1) must be tuple of ints, but found "
                f"element of type {type(a).__name__} at pos {i}"
            ) from None
    return tuple(out)


def _dims_arg(dims: Any, ndim: int, fname: str) -> tuple:
    """A dim or sequence of dims, wrapped to non-negative, in the given order."""
    if isinstance(dims, (tuple, list)):
        return tuple(_dim(d, ndim) for d in dims)
    return (_dim(dims, ndim),)


def _view(op, x: Tensor, params: tuple) -> Tensor:
    """Apply a view op and mark its result as a view of ``x``."""
    return make_view(apply(op, (x,), params), x, op, params)


def _check_tensor(x: Any, fname: str, arg: str = "input") -> None:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fname}(): argument '{arg}' (position 1) must be Tensor, not {type(x).__name__}"
        )


# ---------------------------------------------------------------- entries: views


def _view_fwd(x, shape):
    try:
        return x.reshape(shape, copy=False)
    except ValueError:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        ) from None


VIEW = defop(
    "view",
    _view_fwd,
    saves=("self.shape",),
    grads=(_reshape_back,),
    promote="keep",
    jvp="linear",
    explain={"self": "1 (reshaped)"},
)
UNSAFE_VIEW = defop(
    "_unsafe_view",
    lambda x, shape: np.reshape(x, shape),
    saves=("self.shape",),
    grads=(_reshape_back,),
    node="UnsafeViewBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1 (reshaped)"},
)


def _squeeze_entry(name, node):
    return defop(
        name,
        lambda x, axes: np.squeeze(x, axis=axes),
        saves=("self.shape",),
        grads=(_reshape_back,),
        node=node,
        promote="keep",
        jvp="linear",
        explain={"self": "1 (reshaped)"},
    )


SQUEEZE = _squeeze_entry("squeeze", "SqueezeBackward0")
SQUEEZE_DIM = _squeeze_entry("squeeze_dim", "SqueezeBackward1")
SQUEEZE_DIMS = _squeeze_entry("squeeze_dims", "SqueezeBackward2")
UNSQUEEZE = defop(
    "unsqueeze",
    lambda x, dim: x[(_FULL,) * dim + (None,)],
    saves=("self.shape",),
    grads=(_reshape_back,),
    promote="keep",
    jvp="linear",
    explain={"self": "1 (reshaped)"},
)


def _inverse_perm(dims):
    return tuple(int(i) for i in np.argsort(dims))


PERMUTE = defop(
    "permute",
    lambda x, dims: np.transpose(x, dims),
    grads=(lambda F, g, dims: F.permute(g, _inverse_perm(dims)),),
    promote="keep",
    jvp="linear",
    explain={"self": "1 (dims permuted back)"},
)
TRANSPOSE = defop(
    "transpose",
    lambda x, d0, d1: np.swapaxes(x, d0, d1) if x.ndim else x.view(),
    grads=(lambda F, g, d0, d1: F.transpose(g, d0, d1),),
    promote="keep",
    jvp="linear",
    explain={"self": "1 (transposed back)"},
)
T_OP = defop(
    "t",
    np.transpose,
    grads=(lambda F, g: F.transpose(g, 0, 1) if g.ndim == 2 else g,),
    node="TBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1 (transposed back)"},
)
EXPAND = defop(
    "expand",
    lambda x, shape, size: np.broadcast_to(x, shape),
    saves=("self.shape",),
    grads=(lambda F, g, in_shape, shape, sizes: F.sum_to(g, in_shape),),
    promote="keep",
    jvp="linear",
    explain={"self": "1 (summed over the expanded dims)"},
)
# basic indexing (``x[0]``, ``x[1:3]``, ``x[None]``, ``narrow``, ``select``): one forward
# ``x[idx]``, PyTorch's node name for each kind
SELECT = defop(
    "select",
    _getitem_fwd,
    saves=("self.shape",),
    grads=(_basic_index_grad,),
    promote="keep",
    jvp="linear",
    explain={"self": "1 at the selected elements"},
)
SLICE = defop(
    "slice",
    _getitem_fwd,
    saves=("self.shape",),
    grads=(_basic_index_grad,),
    promote="keep",
    jvp="linear",
    explain={"self": "1 at the selected elements"},
)
ALIAS = defop(
    "alias",
    _getitem_fwd,
    saves=("self.shape",),
    grads=(_basic_index_grad,),
    promote="keep",
    jvp="linear",
    explain={"self": "1"},
)
INDEX_UNSQUEEZE = defop(
    "index_unsqueeze",
    _getitem_fwd,
    saves=("self.shape",),
    grads=(_basic_index_grad,),
    node="UnsqueezeBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1 at the selected elements"},
)


def _diagonal_fwd(x, offset, d1, d2):
    d = np.diagonal(x, offset, d1, d2)
    if x.flags.writeable:
        d.flags.writeable = True  # a writable view, as PyTorch's (NumPy's is read-only)
    return d


def _diagonal_grad(F, g, shape, offset, d1, d2):
    nd = len(shape)
    perm = [i for i in range(nd) if i not in (d1, d2)] + [d1, d2]
    pshape = tuple(shape[i] for i in perm)
    k = np.arange(g.shape[-1])
    z = F.index_put(pshape, g, (Ellipsis, k + max(-offset, 0), k + max(offset, 0)), g, False)
    return F.permute(z, _inverse_perm(perm))


DIAGONAL = defop(
    "diagonal",
    _diagonal_fwd,
    saves=("self.shape",),
    grads=(_diagonal_grad,),
    promote="keep",
    jvp="linear",
    explain={"self": "1 on the diagonal"},
)


# multi-output views: a tuple of NumPy views; the node gets one gradient per output
def _split_fwd(x, dim, sizes):
    pre = (_FULL,) * dim
    out = []
    start = 0
    for s in sizes:
        out.append(x[pre + (slice(start, start + s),)])
        start += s
    return tuple(out)


SPLIT = defop(
    "split",
    _split_fwd,
    grads=(lambda F, g, dim, sizes: F.cat(list(g), dim),),
    promote="keep",
    outputs=2,  # several (the count varies per call)
    jvp="linear",
    explain={"self": "1 (pieces joined back)"},
)
SPLIT_WITH_SIZES = defop(
    "split_with_sizes",
    _split_fwd,
    grads=(lambda F, g, dim, sizes: F.cat(list(g), dim),),
    promote="keep",
    outputs=2,
    jvp="linear",
    explain={"self": "1 (pieces joined back)"},
)
UNBIND = defop(
    "unbind",
    lambda x, dim: tuple(x[(_FULL,) * dim + (i, Ellipsis)] for i in range(x.shape[dim])),
    grads=(lambda F, g, dim: F.stack(list(g), dim),),
    promote="keep",
    outputs=2,
    jvp="linear",
    explain={"self": "1 (slices stacked back)"},
)

# ---------------------------------------------------------------- entries: copies


def _repeat_grad(F, g, shape, reps):
    nd = len(reps)
    if nd == 0:
        return g
    padded = (1,) * (nd - len(shape)) + tuple(shape)
    inter = []
    for r, s in zip(reps, padded):
        inter += [r, s]
    g = F.reshape(g, tuple(inter))
    g = F.sum(g, tuple(range(0, 2 * nd, 2)))
    return F.reshape(g, tuple(shape))


REPEAT = defop(
    "repeat",
    lambda x, reps: np.tile(x, reps),
    saves=("self.shape",),
    grads=(_repeat_grad,),
    promote="keep",
    jvp="linear",
    explain={"self": "sum over the repeated copies"},
)
FLIP = defop(
    "flip",
    lambda x, dims: np.flip(x, dims).copy(),
    grads=(lambda F, g, dims: F.flip(g, dims),),
    promote="keep",
    jvp="linear",
    explain={"self": "1 (flipped back)"},
)


def _neg_shifts(shifts):
    return tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts


ROLL = defop(
    "roll",
    lambda x, shifts, dims: np.roll(x, shifts, axis=dims),
    grads=(lambda F, g, shifts, dims: F.roll(g, _neg_shifts(shifts), dims),),
    promote="keep",
    jvp="linear",
    explain={"self": "1 (rolled back)"},
)


ROT90 = defop(
    "rot90",
    lambda x, k, dims: np.rot90(x, k, axes=dims).copy(),
    grads=(lambda F, g, k, dims: F.rot90(g, -k, dims),),
    promote="keep",
    jvp="linear",
    explain={"self": "1 (rotated back)"},
)


def _unfold_fwd(x, dim, size, step):
    n = x.shape[dim] if x.ndim else 1
    count = (n - size) // step + 1
    if x.ndim == 0:
        return x.reshape(1)
    st = x.strides
    shape = x.shape[:dim] + (count,) + x.shape[dim + 1 :] + (size,)
    strides = st[:dim] + (st[dim] * step,) + st[dim + 1 :] + (st[dim],)
    # overlapping windows share memory: read-only then, as PyTorch refuses writes into them
    ok = step >= size and x.flags.writeable
    return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=ok)


def _unfold_grad(F, g, shape, dim, size, step):
    if len(shape) == 0:
        return F.reshape(g, shape)
    count = g.shape[dim]
    idx = np.arange(count)[:, None] * step + np.arange(size)[None, :]
    nd = len(shape)
    # bring the window axis (last) next to ``dim`` so that ``idx`` (count, size) lines up
    perm = list(range(dim + 1)) + [nd] + list(range(dim + 1, nd))
    gp = F.permute(g, tuple(perm))
    return F.index_put(tuple(shape), gp, (_FULL,) * dim + (idx,), gp, True)


UNFOLD = defop(
    "unfold",
    _unfold_fwd,
    saves=("self.shape",),
    grads=(_unfold_grad,),
    promote="keep",
    jvp="linear",
    explain={"self": "sum over the windows holding each element"},
)


def _cat_fwd(*args):
    *arrays, dim, sizes, ndim = args
    return np.concatenate(arrays, axis=dim)


def _cat_backward(F, g, needs, dim, sizes, ndim):
    pre = (_FULL,) * dim
    out = []
    start = 0
    for need, s in zip(needs, sizes):
        out.append(g[pre + (slice(start, start + s),)] if need else None)
        start += s
    return out


def _zeros_for_missing(F, tangents, shapes):
    ref = next(t for t in tangents if t is not None)
    lead = tuple(ref.shape)[: ref.ndim - len(shapes[0])] if shapes[0] is not None else ()
    return [F.zeros(lead + tuple(s), ref) if t is None else t for t, s in zip(tangents, shapes)]


def _cat_jvp(F, tangents, dim, sizes, ndim):
    ref = next(t for t in tangents if t is not None)
    parts = []
    for t, s in zip(tangents, sizes):
        if t is None:
            shape = list(ref.shape)
            shape[dim - ndim] = s
            t = F.zeros(tuple(shape), ref)
        parts.append(t)
    return F.cat(parts, dim - ndim)  # counted from the end: works with a leading batch dim


CAT = defop(
    "cat",
    _cat_fwd,
    inputs=("tensors",),  # a variable number of inputs: one gradient each from ``backward``
    backward=_cat_backward,
    jvp=_cat_jvp,
    explain={"tensors": "1 on each input's slice"},
)


def _stack_backward(F, g, needs, dim, ndim):
    pre = (_FULL,) * dim
    return [g[pre + (i, Ellipsis)] if need else None for i, need in enumerate(needs)]


def _stack_jvp(F, tangents, dim, ndim):
    ref = next(t for t in tangents if t is not None)
    parts = [F.zeros(tuple(ref.shape), ref) if t is None else t for t in tangents]
    return F.stack(parts, dim - ndim - 1)


STACK = defop(
    "stack",
    lambda *args: np.stack(args[:-2], axis=args[-2]),
    inputs=("tensors",),
    backward=_stack_backward,
    jvp=_stack_jvp,
    explain={"tensors": "1 on each input's slice"},
)

# ---------------------------------------------------------------- front-ends: views


def _infer_shape(shape: tuple, numel: int) -> tuple:
    infer = -1
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer >= 0:
                raise RuntimeError("only one dimension can be inferred")
            infer = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
        else:
            known *= s
    if infer >= 0:
        if known == 0:
            if numel == 0:
                raise RuntimeError(
                    f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                    "unspecified dimension size -1 can be any value and is ambiguous"
                )
        elif numel % known == 0:
            return shape[:infer] + (numel // known,) + shape[infer + 1 :]
    elif known == numel:
        return shape
    raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")


def view(self: Tensor, *shape: Any, size: Any = None, dtype: Any = None) -> Tensor:
    """A view with a new shape (one ``-1`` is inferred), sharing memory with ``self``.

    Raises like PyTorch when the memory layout makes a view impossible (use ``reshape``).

    Example:
        >>> import chainrule as torch
        >>> torch.arange(6).view(2, -1)
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    if size is not None:
        shape = (size,)
    if dtype is not None or (len(shape) == 1 and _is_dtype(shape[0])):
        return _view_dtype(self, dtype if dtype is not None else shape[0])
    try:
        sizes = _int_tuple(shape, "view")
    except TypeError:
        got = ", ".join(type(v).__name__ for v in shape)
        raise TypeError(
            f"view() received an invalid combination of arguments - got ({got}), but expected "
            "one of:\n * (torch.dtype dtype)\n * (tuple of ints size)\n"
        ) from None
    shape = _infer_shape(sizes, self._data.size)
    return _view(VIEW, self, (shape,))


def _is_dtype(v: Any) -> bool:
    return isinstance(v, D.dtype)


def _view_dtype(self: Tensor, dtype: Any) -> Tensor:
    from .._tensor import wrap

    npd = D.to_dtype(dtype).np
    if npd == self._data.dtype:
        return _view(VIEW, self, (self._data.shape,))
    if self._data.ndim == 0 and npd.itemsize != self._data.itemsize:
        raise RuntimeError(
            "self.dim() cannot be 0 to view "
            f"{self.dtype} as {D.to_dtype(dtype)} (different element sizes)"
        )
    out = wrap(self._data.view(npd))
    out._vc = self._vc
    return out


def reshape(input: Tensor, *shape: Any, **kw: Any) -> Tensor:
    """The same elements in a new shape: a view when the memory layout allows, else a copy.

    Example:
        >>> import chainrule as torch
        >>> torch.arange(6).reshape(3, 2)
        tensor([[0, 1],
                [2, 3],
                [4, 5]])
    """
    if "shape" in kw:
        shape = (kw.pop("shape"),)
    shape = _infer_shape(_int_tuple(shape, "reshape", "shape"), input._data.size)
    return _reshape(input, shape)


def _reshape(x: Tensor, shape: tuple) -> Tensor:
    try:
        x._data.reshape(shape, copy=False)
    except ValueError:  # not expressible as a view: PyTorch copies (UnsafeViewBackward0)
        return apply(UNSAFE_VIEW, (x,), (shape,))
    return _view(VIEW, x, (shape,))


def view_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.view(other.shape)``."""
    return view(self, other._data.shape)


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.reshape(other.shape)``."""
    return reshape(self, other._data.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one (a view when possible).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3, 4).flatten(1).shape
        torch.Size([2, 12])
    """
    _check_tensor(input, "flatten")
    nd = input._data.ndim
    if nd == 0:
        _dim(start_dim, nd)
        _dim(end_dim, nd)
        return _reshape(input, (1,))
    s = _dim(start_dim, nd)
    e = _dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shp = input._data.shape
    n = 1
    for v in shp[s : e + 1]:
        n *= v
    return _reshape(input, shp[:s] + (n,) + shp[e + 1 :])


def ravel(input: Tensor) -> Tensor:
    """A 1-D tensor of all elements (a view when possible)."""
    return _reshape(input, (input._data.size,))


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dimension ``dim`` into ``sizes`` (one may be ``-1``).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 6).unflatten(1, (2, 3)).shape
        torch.Size([2, 2, 3])
    """
    nd = input._data.ndim
    d = _dim(dim, nd)
    sizes = _int_tuple((sizes,), "unflatten", "sizes")
    if len(sizes) == 0:
        raise RuntimeError("unflatten: sizes must be non-empty")
    n = input._data.shape[d]
    try:
        sizes = _infer_shape(sizes, n)
    except RuntimeError:
        if -1 in sizes:
            raise
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({n}) in the input tensor"
        ) from None
    shp = input._data.shape
    return _view(VIEW, input, (shp[:d] + sizes + shp[d + 1 :],))


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Remove size-1 dims: all of them, or only those in ``dim`` (an int or a tuple).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 1, 3).squeeze().shape
        torch.Size([2, 3])
    """
    shp = input._data.shape
    nd = len(shp)
    if dim is None:
        axes = tuple(i for i, s in enumerate(shp) if s == 1)
        return _view(SQUEEZE, input, (axes,))
    if isinstance(dim, (tuple, list)):
        dims = _dims_arg(dim, nd, "squeeze")
        axes = tuple(sorted({d for d in dims if nd and shp[d] == 1}))
        return _view(SQUEEZE_DIMS, input, (axes,))
    d = _dim(dim, nd)
    axes = (d,) if nd and shp[d] == 1 else ()
    return _view(SQUEEZE_DIM, input, (axes,))


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dim at ``dim`` (a view).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3).unsqueeze(1).shape
        torch.Size([2, 1, 3])
    """
    d = _wrap_dim(_as_int(dim, "unsqueeze", "dim"), input._data.ndim + 1)
    return _view(UNSQUEEZE, input, (d,))


def permute(input: Tensor, *dims: Any, **kw: Any) -> Tensor:
    """Reorder the dims (a view); ``dims`` as varargs or one sequence.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3, 4).permute(2, 0, 1).shape
        torch.Size([4, 2, 3])
    """
    if "dims" in kw:
        dims = (kw.pop("dims"),)
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _int_tuple(dims, "permute", "dims")
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{nd} is not equal to len(dims) = {len(dims)}"
        )
    dims = tuple(_wrap_dim(d, nd) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _view(PERMUTE, input, (dims,))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims (a view).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3).transpose(0, 1).shape
        torch.Size([3, 2])
    """
    nd = input._data.ndim
    return _view(TRANSPOSE, input, (_dim(dim0, nd), _dim(dim1, nd)))


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """Alias of ``transpose``."""
    return transpose(input, axis0, axis1)


def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Alias of ``transpose``."""
    return transpose(input, dim0, dim1)


def t(input: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dims (a view; 0-D and 1-D come back unchanged).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3).t().shape
        torch.Size([3, 2])
    """
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return _view(T_OP, input, ())


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move dims from ``source`` to ``destination`` positions (a view).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3, 4).movedim(0, -1).shape
        torch.Size([3, 4, 2])
    """
    nd = input._data.ndim
    src = _dims_arg(source, nd, "movedim")
    dst = _dims_arg(destination, nd, "movedim")
    if len(src) != len(dst):
        raise RuntimeError(
            "movedim: Invalid source or destination dims: source "
            f"({list(source) if isinstance(source, (tuple, list)) else [source]} dims) should "
            "contain the same number of dims as destination "
            f"({list(destination) if isinstance(destination, (tuple, list)) else [destination]}"
            " dims)"
        )
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(source)})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(destination)})")
    order = [d for d in range(nd) if d not in src]
    perm = [None] * nd
    for s, d in zip(src, dst):
        perm[d] = s
    it = iter(order)
    perm = tuple(p if p is not None else next(it) for p in perm)
    return _view(PERMUTE, input, (perm,))


def _expand_shape(src: tuple, sizes: tuple, tname: str) -> tuple:
    nd, n = len(src), len(sizes)
    if n < nd:
        raise RuntimeError(
            f"expand({tname}{{{list(src)}}}, size={list(sizes)}): the number of sizes provided "
            f"({n}) must be greater or equal to the number of dimensions in the tensor ({nd})"
        )
    out = [0] * n
    lead = n - nd
    for i in range(n - 1, -1, -1):  # from the last dim, as PyTorch reports the first mismatch
        s = sizes[i]
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                    f"non-existing dimension {i}"
                )
            out[i] = s
            continue
        cur = src[i - lead]
        if s == -1:
            s = cur
        elif cur != s and cur != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(src)}"
            )
        out[i] = s
    return tuple(out)


def expand(self: Tensor, *sizes: Any, size: Any = None) -> Tensor:
    """Broadcast size-1 dims to larger sizes without copying (``-1`` keeps a dim).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(3, 1).expand(3, 4).shape
        torch.Size([3, 4])
    """
    if size is not None:
        sizes = (size,)
    sizes = _int_tuple(sizes, "expand")
    shape = _expand_shape(self._data.shape, sizes, legacy_type_name(self))
    return _view(EXPAND, self, (shape, sizes))


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    """``self.expand(other.shape)``."""
    return expand(self, other._data.shape)


def broadcast_to(input: Tensor, size: Any) -> Tensor:
    """``input.expand(size)``.

    Example:
        >>> import chainrule as torch
        >>> torch.broadcast_to(torch.tensor([1, 2]), (2, 2))
        tensor([[1, 2],
                [1, 2]])
    """
    return expand(input, size)


def broadcast_tensors(*tensors: Tensor) -> tuple:
    """Expand all tensors to their common broadcast shape."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    shape = broadcast_shapes(*(t._data.shape for t in tensors))
    return tuple(expand(t, shape) for t in tensors)


def broadcast_shapes(*shapes: Any):
    """The broadcast shape of the given shapes, as ``torch.Size``."""
    from .._tensor import Size

    norm = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    try:
        return Size(np.broadcast_shapes(*norm))
    except ValueError:
        raise RuntimeError(
            f"Shape mismatch: objects cannot be broadcast to a single shape: {norm}"
        ) from None


def _narrow_idx(dim: int, start: int, length: int) -> tuple:
    return (_FULL,) * dim + (slice(start, start + length),)


def narrow(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """Elements ``start .. start+length-1`` along ``dim`` (a view).

    Example:
        >>> import chainrule as torch
        >>> torch.arange(5).narrow(0, 1, 2)
        tensor([1, 2])
    """
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, nd)
    start = operator.index(start)
    length = operator.index(length)
    n = input._data.shape[d]
    if not -n <= start <= n:
        raise IndexError(
            f"start out of range (expected to be in range of [{-n}, {n}], but got {start})"
        )
    if start < 0:
        start += n
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return _view(SLICE, input, (_narrow_idx(d, start, length),))


def select(input: Tensor, dim: int, index: Any) -> Tensor:
    """The slice at ``index`` along ``dim``, which is removed (a view).

    Example:
        >>> import chainrule as torch
        >>> torch.arange(6).view(2, 3).select(1, 0)
        tensor([0, 3])
    """
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, nd)
    i = operator.index(index)
    n = input._data.shape[d]
    if not -n <= i < n:
        raise IndexError(
            f"select(): index {i} out of range for tensor of size {list(input._data.shape)} at "
            f"dimension {d}"
        )
    return _view(SELECT, input, ((_FULL,) * d + (i % n,),))


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of dims ``dim1``/``dim2`` (``offset`` above it), as the last dim (a view).

    Example:
        >>> import chainrule as torch
        >>> torch.arange(9).view(3, 3).diagonal()
        tensor([0, 4, 8])
    """
    nd = input._data.ndim
    d1 = _dim(dim1, nd)
    d2 = _dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _view(DIAGONAL, input, (operator.index(offset), d1, d2))


class _MultiViewParams(tuple):
    """Chain params of a view made by split/unbind: in-place changes to it are refused (the
    flag is read by ``_dispatch._check_inplace``), as in PyTorch."""

    __slots__ = ()
    multi_output_view = True


def _multi_view(op, x: Tensor, params: tuple, views: list) -> tuple:
    """A multi-output view op: each output is marked as a view of ``x`` (``views`` gives the
    single-output op and params that recreate it, for in-place updates of the base)."""
    outs = apply(op, (x,), params)
    for o, (vop, vparams) in zip(outs, views):
        make_view(o, x, vop, _MultiViewParams(vparams))
    return outs


def _split_sizes(x: Tensor, sizes: list, dim: int, op) -> tuple:
    views = []
    start = 0
    for s in sizes:
        views.append((SLICE, (_narrow_idx(dim, start, s),)))
        start += s
    return _multi_view(op, x, (dim, tuple(sizes)), views)


def split(tensor: Tensor, split_size_or_sections: Any = None, dim: int = 0, **kw: Any) -> tuple:
    """Split into chunks of ``split_size`` along ``dim`` (the last may be smaller), or into
    pieces of the given sizes (a list). The pieces are views.

    Example:
        >>> import chainrule as torch
        >>> [p.tolist() for p in torch.arange(5).split(2)]
        [[0, 1], [2, 3], [4]]
    """
    if split_size_or_sections is None:
        split_size_or_sections = kw.pop("split_size", None)
    if split_size_or_sections is None:
        split_size_or_sections = kw.pop("split_size_or_sections")
    nd = tensor._data.ndim
    if nd == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _dim(dim, nd)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (tuple, list)):
        sizes = [operator.index(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes) or np.sum(sizes) != n:
            raise RuntimeError(
                "split_with_sizes expects split_sizes to sum exactly to "
                f"{n} (input tensor's size at dimension {d}), but got split_sizes={sizes}"
            )
        return _split_sizes(tensor, sizes, d, SPLIT_WITH_SIZES)
    size = operator.index(split_size_or_sections)
    if size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={size}")
    if size == 0:
        if n != 0:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
            )
        return _split_sizes(tensor, [0], d, SPLIT)
    k = max(1, -(-n // size))
    sizes = [size] * (k - 1) + [n - size * (k - 1)]
    return _split_sizes(tensor, sizes, d, SPLIT)


def _split_method(self: Tensor, split_size: Any = None, dim: int = 0, **kw: Any) -> tuple:
    return split(self, split_size, dim, **kw)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into ``chunks`` pieces of equal size (the last may be smaller; there may be fewer).

    Example:
        >>> import chainrule as torch
        >>> len(torch.arange(5).chunk(2))
        2
    """
    chunks = operator.index(chunks)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    nd = input._data.ndim
    if nd == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    d = _dim(dim, nd)
    n = input._data.shape[d]
    size = -(-n // chunks)
    if size == 0:
        return _split_sizes(input, [0] * chunks, d, SPLIT) if n == 0 else ()
    return split(input, size, d)


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple:
    """Split at the given indices, or into ``sections`` pieces of nearly equal size (views).

    Example:
        >>> import chainrule as torch
        >>> [p.tolist() for p in torch.arange(5).tensor_split(2)]
        [[0, 1, 2], [3, 4]]
    """
    nd = input._data.ndim
    d = _dim(dim, nd)
    n = input._data.shape[d]
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        ios = ios.tolist()
    if isinstance(ios, (tuple, list)):
        bounds = [0] + [min(max(operator.index(i) + (n if i < 0 else 0), 0), n) for i in ios]
        bounds.append(n)
    else:
        k = operator.index(ios)
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        q, r = divmod(n, k)
        bounds = [0]
        for i in range(k):
            bounds.append(bounds[-1] + q + (1 if i < r else 0))
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        b = max(a, b)
        out.append(_view(SLICE, input, (_narrow_idx(d, a, b - a),)))
    return tuple(out)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """``tensor_split`` along dim 1 (dim 0 for 1-D tensors)."""
    return tensor_split(input, indices_or_sections, 1 if input._data.ndim > 1 else 0)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """``tensor_split`` along dim 0."""
    return tensor_split(input, indices_or_sections, 0)


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices along ``dim``, as a tuple of views (``UnbindBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.arange(4).view(2, 2).unbind(1)
        (tensor([0, 2]), tensor([1, 3]))
    """
    nd = input._data.ndim
    if nd == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _dim(dim, nd)
    n = input._data.shape[d]
    if n == 0:
        return ()
    pre = (_FULL,) * d
    return _multi_view(UNBIND, input, (d,), [(SELECT, (pre + (i,),)) for i in range(n)])


# ---------------------------------------------------------------- front-ends: copies


def repeat(self: Tensor, *sizes: Any, repeats: Any = None) -> Tensor:
    """Tile the tensor ``sizes[i]`` times along each dim (a copy; ``RepeatBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1, 2]).repeat(2)
        tensor([1, 2, 1, 2])
    """
    if repeats is not None:
        sizes = (repeats,)
    reps = _int_tuple(sizes, "repeat", "repeats")
    if len(reps) < self._data.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    if any(r < 0 for r in reps):
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {min(reps)}: {list(reps)}"
        )
    return apply(REPEAT, (self,), (reps,))


def tile(input: Tensor, dims: Any) -> Tensor:
    """``repeat`` with ``dims`` padded with leading 1s to the tensor's rank.

    Example:
        >>> import chainrule as torch
        >>> torch.tile(torch.tensor([[1, 2]]), (2,)).tolist()
        [[1, 2, 1, 2]]
    """
    reps = _int_tuple((dims,), "tile", "dims")
    nd = input._data.ndim
    if len(reps) < nd:
        reps = (1,) * (nd - len(reps)) + reps
    return repeat(input, reps)


def flip(input: Tensor, *dims: Any, **kw: Any) -> Tensor:
    """Reverse the order of elements along ``dims`` (a copy).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1, 2, 3]).flip(0)
        tensor([3, 2, 1])
    """
    if "dims" in kw:
        dims = (kw.pop("dims"),)
    elif not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    nd = input._data.ndim
    dims = tuple(_wrap_dim(d, nd) for d in _int_tuple(dims, "flip", "dims"))
    if len(set(dims)) != len(dims):
        seen = set()
        for d in dims:
            if d in seen:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
            seen.add(d)
    if nd == 0:
        dims = ()
    return apply(FLIP, (input,), (dims,))


def fliplr(input: Tensor) -> Tensor:
    """Flip along dim 1 (needs at least 2 dims)."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:
    """Flip along dim 0 (needs at least 1 dim)."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements circularly by ``shifts`` along ``dims`` (flattened when ``dims`` is None).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1, 2, 3]).roll(1)
        tensor([3, 1, 2])
    """
    nd = input._data.ndim
    sh = _int_tuple((shifts,), "roll", "shifts") if isinstance(shifts, (tuple, list)) else None
    if dims is None or (isinstance(dims, (tuple, list)) and len(dims) == 0):
        if sh is not None and len(sh) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:0")
        return apply(ROLL, (input,), (sh[0] if sh is not None else operator.index(shifts), None))
    dd = (
        tuple(_wrap_dim(d, max(nd, 1)) for d in _int_tuple((dims,), "roll", "dims"))
        if isinstance(dims, (tuple, list))
        else (_dim(dims, nd),)
    )
    if sh is None:
        sh = (operator.index(shifts),)
    if len(sh) != len(dd):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(dd)}")
    if nd == 0:
        return apply(ROLL, (input,), (0, None))
    return apply(ROLL, (input,), (sh, dd))


def _tensor_list(tensors: Any, fname: str) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(
            f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )
    return list(tensors)


def cat(
    tensors: Sequence[Tensor], dim: int = 0, *, axis: int | None = None, out: Any = None
) -> Tensor:
    """Concatenate tensors along an existing dim (dtypes promoted as in PyTorch).

    Example:
        >>> import chainrule as torch
        >>> torch.cat([torch.zeros(1, 2), torch.ones(1, 2)]).shape
        torch.Size([2, 2])
    """
    if axis is not None:
        dim = axis
    ts = _tensor_list(tensors, "cat")
    if not ts:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    # PyTorch's legacy rule: 1-D empty tensors are skipped
    kept = [t for t in ts if not (t._data.ndim == 1 and t._data.shape[0] == 0)]
    if not kept:
        kept = ts[:1]
    ref = kept[0]
    nd = ref._data.ndim
    for i, t in enumerate(ts):
        if t._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    d = _dim(dim, nd)
    for t in kept:
        if t._data.ndim != nd:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {nd} and {t._data.ndim}"
            )
        for k in range(nd):
            if k != d and t._data.shape[k] != ref._data.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref._data.shape[k]} but got size {t._data.shape[k]} for tensor number "
                    f"{next(j for j, u in enumerate(ts) if u is t)} in the list."
                )
    if len(kept) < len(ts) and len(kept) == 1 and nd == 1 and ref._data.shape[0] == 0:
        kept = ts  # all empty 1-D: keep them all (a 1-D empty result)
    sizes = tuple(t._data.shape[d] for t in kept)
    return apply(CAT, tuple(kept), (d, sizes, nd))


def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Any = None) -> Tensor:
    """Join tensors of equal shape along a new dim.

    Example:
        >>> import chainrule as torch
        >>> torch.stack([torch.zeros(2), torch.ones(2)], 1).shape
        torch.Size([2, 2])
    """
    ts = _tensor_list(tensors, "stack")
    if not ts:
        raise RuntimeError("stack expects a non-empty TensorList")
    shp = ts[0]._data.shape
    for i, t in enumerate(ts):
        if t._data.shape != shp:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shp)} at entry 0 "
                f"and {list(t._data.shape)} at entry {i}"
            )
    nd = len(shp)
    d = _wrap_dim(operator.index(dim), nd + 1)
    return apply(STACK, tuple(ts), (d, nd))


def atleast_1d(*tensors: Any):
    """Reshape 0-D tensors to 1-D (others unchanged)."""
    return _atleast(tensors, 1)


def atleast_2d(*tensors: Any):
    """Reshape tensors of fewer than 2 dims to 2-D."""
    return _atleast(tensors, 2)


def atleast_3d(*tensors: Any):
    """Reshape tensors of fewer than 3 dims to 3-D."""
    return _atleast(tensors, 3)


def _atleast(tensors: tuple, n: int):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    out = []
    for t in tensors:
        nd = t._data.ndim
        if nd >= n:
            out.append(t)
        elif n == 1:
            out.append(_reshape(t, (1,)))
        elif n == 2:
            out.append(unsqueeze(t, 0) if nd == 1 else _reshape(t, (1, 1)))
        else:
            if nd == 0:
                out.append(_reshape(t, (1, 1, 1)))
            elif nd == 1:
                out.append(unsqueeze(unsqueeze(t, 0), -1))
            else:
                out.append(unsqueeze(t, -1))
    return out[0] if single else tuple(out)


def hstack(tensors: Sequence[Tensor], *, out: Any = None) -> Tensor:
    """Concatenate along dim 1 (dim 0 for 1-D tensors).

    Example:
        >>> import chainrule as torch
        >>> torch.hstack([torch.zeros(2), torch.ones(2)]).shape
        torch.Size([4])
    """
    ts = _atleast(tuple(_tensor_list(tensors, "hstack")), 1)
    ts = (ts,) if isinstance(ts, Tensor) else ts
    return cat(list(ts), 0 if ts[0]._data.ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor], *, out: Any = None) -> Tensor:
    """Concatenate along dim 0 after making the tensors at least 2-D.

    Example:
        >>> import chainrule as torch
        >>> torch.vstack([torch.zeros(2), torch.ones(2)]).shape
        torch.Size([2, 2])
    """
    ts = _atleast(tuple(_tensor_list(tensors, "vstack")), 2)
    ts = (ts,) if isinstance(ts, Tensor) else ts
    return cat(list(ts), 0)


def dstack(tensors: Sequence[Tensor], *, out: Any = None) -> Tensor:
    """Concatenate along dim 2 after making the tensors at least 3-D."""
    ts = _atleast(tuple(_tensor_list(tensors, "dstack")), 3)
    ts = (ts,) if isinstance(ts, Tensor) else ts
    return cat(list(ts), 2)


def column_stack(tensors: Sequence[Tensor], *, out: Any = None) -> Tensor:
    """Stack 0-D/1-D tensors as columns (2-D and more: ``hstack``)."""
    ts = _tensor_list(tensors, "column_stack")
    cols = [_reshape(t, (t._data.size, 1)) if t._data.ndim <= 1 else t for t in ts]
    return cat(cols, 1)


def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first dim towards the
    second).

    Example:
        >>> import chainrule as torch
        >>> torch.rot90(torch.tensor([[1, 2], [3, 4]]))
        tensor([[2, 4],
                [1, 3]])
    """
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = _dim(dims[0], nd), _dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}"
        )
    return apply(ROT90, (input,), (operator.index(k) % 4, (d0, d1)))


def unfold(self: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """All windows of ``size`` elements along ``dimension``, ``step`` apart, as a new last dim
    (a view).

    Example:
        >>> import chainrule as torch
        >>> torch.arange(5).unfold(0, 2, 2)
        tensor([[0, 1],
                [2, 3]])
    """
    nd = self._data.ndim
    d = _dim(dimension, nd)
    n = self._data.shape[d] if nd else 1
    size = operator.index(size)
    step = operator.index(step)
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return _view(UNFOLD, self, (d, size, step))


def meshgrid(*tensors: Tensor, indexing: str | None = None) -> tuple:
    """Coordinate grids from 1-D tensors (``indexing="ij"`` or ``"xy"``); the grids are
    expanded views.

    Example:
        >>> import chainrule as torch
        >>> xs, ys = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij")
        >>> xs.shape
        torch.Size([2, 3])
    """

    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if indexing is None:
        cpp_warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
            "argument.",
            "aten/src/ATen/native/TensorShape.cpp:4215",
            stacklevel=2,
            once=True,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            'torch.meshgrid: indexing must be one of "xy" or "ij", but received: ' + indexing
        )
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                f"{t._data.ndim}-D tensor"
            )
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t._data.size for t in ts)
    n = len(ts)
    out = []
    for i, t in enumerate(ts):
        v = _view(VIEW, t, (tuple(t._data.size if k == i else 1 for k in range(n)),))
        out.append(expand(v, shape))
    if swap:
        out[0], out[1] = out[1], out[0]
    return tuple(out)


def repeat_interleave(
    input: Tensor, repeats: Any = None, dim: int | None = None, *, output_size: int | None = None
) -> Tensor:
    """Repeat each element ``repeats`` times (an int, or a tensor of counts per element) along
    ``dim`` (the flattened input when ``dim`` is None).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1, 2]).repeat_interleave(2)
        tensor([1, 1, 2, 2])
    """
    from .._tensor import wrap

    if repeats is None:  # repeat_interleave(counts): the indices, each repeated
        counts = input._data
        return wrap(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    x = input
    if dim is None:
        x = flatten(x)
        d = 0
    else:
        d = _dim(dim, x._data.ndim)
    if x._data.ndim == 0:
        x = _reshape(x, (1,))
    n = x._data.shape[d]
    if isinstance(repeats, Tensor) and repeats._data.ndim > 0:
        r = repeats._data.astype(np.int64)
        if r.ndim != 1 or (r.size != n and r.size != 1):
            raise RuntimeError(
                "repeats must have the same size as input along dim, but got repeats.size(0) = "
                f"{r.size} and input.size({d}) = {n}"
            )
        if (r < 0).any():
            raise RuntimeError("repeats can not be negative")
        from .indexing import index_select

        idx = np.repeat(np.arange(n, dtype=np.int64), np.broadcast_to(r, (n,)))
        return index_select(x, d, wrap(idx))
    r = operator.index(repeats)
    if r < 0:
        raise RuntimeError("Repeats must be non-negative")
    shp = x._data.shape
    big = expand(unsqueeze(x, d + 1), shp[: d + 1] + (r,) + shp[d + 1 :])
    # a contiguous copy (C order: an expanded view has zero strides), then a view
    return view(big.contiguous(), shp[:d] + (n * r,) + shp[d + 1 :])


# ---------------------------------------------------------------- registration

expose(view, method=True)
expose(view_as, method=True)
expose(reshape_as, method=True)
expose(expand, method=True)
expose(expand_as, method=True)
expose(repeat, method=True)
for _n in ("view", "view_as", "reshape_as", "expand", "expand_as", "repeat"):
    PUBLIC.pop(_n, None)  # Tensor methods only, as in PyTorch
for _f in (
    reshape,
    flatten,
    ravel,
    unflatten,
    squeeze,
    unsqueeze,
    permute,
    transpose,
    swapaxes,
    swapdims,
    t,
    movedim,
    broadcast_to,
    narrow,
    select,
    diagonal,
    chunk,
    tensor_split,
    hsplit,
    vsplit,
    unbind,
    tile,
    flip,
    fliplr,
    flipud,
    roll,
    rot90,
    repeat_interleave,
):
    expose(_f)
expose(unfold, method=True)
PUBLIC.pop("unfold", None)  # torch.unfold does not exist (Tensor.unfold does)
expose(movedim, "moveaxis")
expose(split, method=False)
expose(_split_method, "split", method=True)
PUBLIC["split"] = split
for _f in (
    cat,
    stack,
    hstack,
    vstack,
    dstack,
    column_stack,
    atleast_1d,
    atleast_2d,
    atleast_3d,
    broadcast_tensors,
    broadcast_shapes,
    meshgrid,
):
    expose(_f, method=False)
expose(cat, "concat", "concatenate", method=False)
expose(vstack, "row_stack", method=False)


def __getattr__(name: str):
    # ``elementwise.where(cond)`` imports ``nonzero`` from here; it lives in ``indexing``
    if name in ("nonzero", "argwhere"):
        from . import indexing

        return getattr(indexing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
