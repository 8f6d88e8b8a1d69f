"""Indexing: ``x[...]`` and ``x[...] = v``, ``gather``/``scatter``, ``index_select``/``index_add``,
``masked_fill``/``masked_select``, ``take``, ``index_put``, ``nonzero``/``argwhere``.

``x[idx]`` follows PyTorch: integers, slices and None give a view (SelectBackward0,
SliceBackward0, UnsqueezeBackward0); tensors, lists and masks (advanced indexing) give a copy
(IndexBackward0) whose gradient accumulates repeated indices. As in PyTorch, integers are
applied before the advanced part, so ``x[0, :, [0, 1]]`` is ``x[0][:, [0, 1]]``.

Index arguments are kept as NumPy index tuples in the op params, so the same derivative
formulas run on arrays and, with ``create_graph=True``, on Tensors.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from .._cwarn import cpp_warn
from .._tensor import Tensor, wrap
from . import _dispatch
from ._dispatch import apply, apply_inplace
from ._registry import PUBLIC, defop, expose
from .shape import ALIAS, INDEX_UNSQUEEZE, SELECT, SLICE, _dim, _view

_FULL = slice(None)
_ndarray = np.ndarray
_intp = np.intp


# ---------------------------------------------------------------- helpers for the formulas


def _mask_of(shape, idx) -> np.ndarray:
    """A boolean array of ``shape``, True where ``idx`` selects."""
    m = np.zeros(tuple(shape), dtype=bool)
    m[idx] = True
    return m


def _run(op, args: tuple, params: tuple):
    """Run ``op`` on arrays (fast path) or, when any argument is a Tensor, through dispatch."""
    if any(isinstance(a, Tensor) for a in args):
        return apply(op, args, params)
    return op.forward(*args, *params)


def _linear2_jvp(op):
    """Forward-mode rule of an op linear in its two tensor inputs (a missing tangent is 0)."""

    def jvp(F, tangents, shape_a, shape_b, *params):
        ta, tb = tangents
        if ta is None:
            ta = F.zeros(shape_a, tb)
        if tb is None:
            tb = F.zeros(shape_b, ta)
        return _run(op, (ta, tb), params)

    return jvp


def _no_derivative(name):
    def rule(F, g, *args):
        raise RuntimeError(f"derivative for aten::{name} is not implemented")

    return rule


def _pad_to(F, gi, shape, sidx):
    """``gi`` placed at ``sidx`` inside zeros of ``shape`` (``sidx`` None: already that shape)."""
    if sidx is None:
        return gi
    return F.index_put(tuple(shape), gi, sidx, gi, False)


# ---------------------------------------------------------------- entries


def _index_grad(F, g, shape, idx, acc):
    return F.index_put(shape, g, idx, g, acc)


INDEX = defop(
    "index",
    lambda x, idx, acc: x[idx],
    saves=("self.shape",),
    grads=(_index_grad,),
    promote="keep",
    jvp="linear",
    explain={"self": "1 at each selected element (repeats add up)"},
)
GATHER = defop(
    "gather",
    lambda x, idx: x[idx],
    saves=("self.shape",),
    grads=(lambda F, g, shape, idx: F.index_put(shape, g, idx, g, True),),
    promote="keep",
    jvp="linear",
    explain={"self": "1 at each gathered element (repeats add up)"},
)
INDEX_SELECT = defop(
    "index_select",
    lambda x, dim, index: np.take(x, index, axis=dim),
    saves=("self.shape",),
    grads=(
        lambda F, g, shape, dim, index: F.index_put(shape, g, (_FULL,) * dim + (index,), g, True),
    ),
    promote="keep",
    jvp="linear",
    explain={"self": "1 at each selected element (repeats add up)"},
)
TAKE = defop(
    "take",
    lambda x, index: np.take(x, index),
    saves=("self.shape",),
    grads=(
        lambda F, g, shape, index: F.reshape(
            F.index_put((int(np.prod(shape, dtype=np.int64)),), g, (index,), g, True), shape
        ),
    ),
    promote="keep",
    jvp="linear",
    explain={"self": "1 at each taken element (repeats add up)"},
)


def _masked_select_fwd(x, mask):
    xb, mb = np.broadcast_arrays(x, mask)
    return xb[mb]


def _masked_select_grad(F, g, shape, mask):
    bshape = np.broadcast_shapes(tuple(shape), mask.shape)
    return F.index_put(bshape, g, (np.broadcast_to(mask, bshape),), g, False)


MASKED_SELECT = defop(
    "masked_select",
    _masked_select_fwd,
    saves=("self.shape",),
    grads=(_masked_select_grad,),
    promote="keep",
    jvp="linear",
    explain={"self": "1 where mask"},
)


def _masked_fill_fwd(x, mask, value):
    return np.where(mask, x.dtype.type(value), x)


MASKED_FILL = defop(
    "masked_fill",
    _masked_fill_fwd,
    grads=(lambda F, g, mask, value: F.masked_fill(g, mask, 0.0),),
    promote="keep",
    jvp=lambda F, tangents, mask, value: F.masked_fill(tangents[0], mask, 0.0),
    explain={"self": "0 where mask, else 1"},
)


def _masked_fill_t_jvp(F, tangents, mask):
    tx, tv = tangents
    out = None
    if tx is not None:
        out = F.masked_fill(tx, mask, 0.0)
    if tv is not None:
        filled = F.masked_fill(F.zeros(mask.shape, tv), mask, tv)
        out = filled if out is None else out + filled
    return out


MASKED_FILL_TENSOR = defop(
    "masked_fill_tensor",
    lambda x, v, mask: np.where(mask, v.astype(x.dtype), x),
    inputs=("self", "value"),
    grads=(
        lambda F, g, mask: F.masked_fill(g, mask, 0.0),
        lambda F, g, mask: F.sum(g - F.masked_fill(g, mask, 0.0)),
    ),
    node="MaskedFillBackward1",
    promote="keep",
    jvp=_masked_fill_t_jvp,
    explain={"self": "0 where mask, else 1", "value": "1 per filled element"},
)


def _scatter_fwd(x, src, idx, sidx):
    out = x.copy()
    out[idx] = src if sidx is None else src[sidx]
    return out


def _scatter_add_fwd(x, src, idx, sidx):
    out = x.copy()
    np.add.at(out, idx, src if sidx is None else src[sidx])
    return out


SCATTER = defop(
    "scatter",
    _scatter_fwd,
    inputs=("self", "src"),
    saves=("self.shape", "src.shape"),
    grads=(
        lambda F, g, shape, sshape, idx, sidx: F.masked_fill(g, _mask_of(g.shape, idx), 0.0),
        lambda F, g, shape, sshape, idx, sidx: _pad_to(F, g[idx], sshape, sidx),
    ),
    promote="keep",
    explain={"self": "0 where overwritten, else 1", "src": "1 at each scattered element"},
)
SCATTER.jvp = _linear2_jvp(SCATTER)


def _scatter_value_fwd(x, idx, value):
    out = x.copy()
    out[idx] = value
    return out


SCATTER_VALUE = defop(
    "scatter_value",
    _scatter_value_fwd,
    grads=(lambda F, g, idx, value: F.masked_fill(g, _mask_of(g.shape, idx), 0.0),),
    node="ScatterBackward1",
    promote="keep",
    jvp=lambda F, tangents, idx, value: F.masked_fill(
        tangents[0], _mask_of(tangents[0].shape, idx), 0.0
    ),
    explain={"self": "0 where overwritten, else 1"},
)
SCATTER_ADD = defop(
    "scatter_add",
    _scatter_add_fwd,
    inputs=("self", "src"),
    saves=("self.shape", "src.shape"),
    grads=(
        lambda F, g, shape, sshape, idx, sidx: g,
        lambda F, g, shape, sshape, idx, sidx: _pad_to(F, g[idx], sshape, sidx),
    ),
    promote="keep",
    explain={"self": "1", "src": "1 at each scattered element"},
)
SCATTER_ADD.jvp = _linear2_jvp(SCATTER_ADD)


def _scatter_legacy_fwd(x, src, idx, sidx, reduce):
    """``scatter(..., reduce='add' | 'multiply')``: accumulate into ``self``."""
    out = x.copy()
    s = src if not isinstance(src, np.ndarray) or sidx is None else src[sidx]
    (np.add if reduce == "add" else np.multiply).at(out, idx, s)
    return out


SCATTER_REDUCE_LEGACY = defop(
    "scatter_legacy_reduce",
    _scatter_legacy_fwd,
    inputs=("self", "src"),
    grads=(_no_derivative("scatter"), _no_derivative("scatter")),
    node="torch::autograd::NotImplemented",
    promote="keep",
    jvp=None,
)


def _index_add_fwd(x, src, dim, index, alpha):
    out = x.copy()
    np.add.at(out, (_FULL,) * dim + (index,), src if alpha == 1 else src * alpha)
    return out


def _index_add_src_grad(F, g, shape, sshape, dim, index, alpha):
    gi = g[(_FULL,) * dim + (index,)]
    return gi if alpha == 1 else gi * alpha


INDEX_ADD = defop(
    "index_add",
    _index_add_fwd,
    inputs=("self", "source"),
    saves=("self.shape", "source.shape"),
    grads=(lambda F, g, shape, sshape, dim, index, alpha: g, _index_add_src_grad),
    promote="keep",
    explain={"self": "1", "source": "alpha at each indexed position"},
)
INDEX_ADD.jvp = _linear2_jvp(INDEX_ADD)


def _index_fill_fwd(x, dim, index, value):
    out = x.copy()
    out[(_FULL,) * dim + (index,)] = value
    return out


def _dim_mask(g, dim, index):
    return _mask_of(g.shape, (_FULL,) * dim + (index,))


INDEX_FILL = defop(
    "index_fill",
    _index_fill_fwd,
    grads=(lambda F, g, dim, index, value: F.masked_fill(g, _dim_mask(g, dim, index), 0.0),),
    promote="keep",
    jvp=lambda F, tangents, dim, index, value: F.masked_fill(
        tangents[0], _dim_mask(tangents[0], dim, index), 0.0
    ),
    explain={"self": "0 where filled, else 1"},
)


def _index_fill_t_fwd(x, v, dim, index):
    return _index_fill_fwd(x, dim, index, v.astype(x.dtype))


def _index_fill_t_jvp(F, tangents, shape, dim, index):
    tx, tv = tangents
    m = _mask_of(shape if tx is None else tx.shape, (_FULL,) * dim + (index,))
    out = None if tx is None else F.masked_fill(tx, m, 0.0)
    if tv is not None:
        filled = F.masked_fill(F.zeros(m.shape, tv), m, tv)
        out = filled if out is None else out + filled
    return out


INDEX_FILL_TENSOR = defop(
    "index_fill_tensor",
    _index_fill_t_fwd,
    inputs=("self", "value"),
    saves=("self.shape",),
    grads=(
        lambda F, g, shape, dim, index: F.masked_fill(g, _dim_mask(g, dim, index), 0.0),
        lambda F, g, shape, dim, index: F.sum(g - F.masked_fill(g, _dim_mask(g, dim, index), 0.0)),
    ),
    node="IndexFillBackward1",
    promote="keep",
    jvp=_index_fill_t_jvp,
    explain={"self": "0 where filled, else 1", "value": "1 per filled element"},
)


def _index_copy_fwd(x, src, dim, index):
    out = x.copy()
    out[(_FULL,) * dim + (index,)] = src
    return out


INDEX_COPY = defop(
    "index_copy",
    _index_copy_fwd,
    inputs=("self", "source"),
    saves=("self.shape", "source.shape"),
    grads=(
        lambda F, g, shape, sshape, dim, index: F.masked_fill(g, _dim_mask(g, dim, index), 0.0),
        lambda F, g, shape, sshape, dim, index: g[(_FULL,) * dim + (index,)],
    ),
    promote="keep",
    explain={"self": "0 where overwritten, else 1", "source": "1 at each copied element"},
)
INDEX_COPY.jvp = _linear2_jvp(INDEX_COPY)


def _index_put_fwd(x, values, idx, acc):
    out = x.copy()
    try:
        if acc:
            np.add.at(out, idx, values)
        else:
            out[idx] = values
    except ValueError:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(np.shape(values))} cannot be broadcast "
            f"to indexing result of shape {list(x[idx].shape)}"
        ) from None
    except IndexError as e:
        raise _index_error(e, idx, x.shape) from None
    return out


def _index_put_self_grad(F, g, shape, idx, acc):
    return g if acc else F.masked_fill(g, _mask_of(g.shape, idx), 0.0)


def _index_put_jvp(F, tangents, shape, idx, acc):
    tx, tv = tangents
    if tx is not None and not acc:
        tx = F.masked_fill(tx, _mask_of(tx.shape, idx), 0.0)
    if tv is None:
        return tx
    put = F.index_put(shape, tv, idx, tv, acc)
    return put if tx is None else tx + put


INDEX_PUT = defop(
    "index_put",
    _index_put_fwd,
    inputs=("self", "values"),
    saves=("self.shape",),
    grads=(_index_put_self_grad, lambda F, g, shape, idx, acc: g[idx]),
    promote="keep",
    jvp=_index_put_jvp,
    explain={"self": "0 where overwritten, else 1", "values": "1 at each written element"},
)

# ---------------------------------------------------------------- parsing an index


def _index_array(arr: np.ndarray, from_tensor: bool):
    """An index array as PyTorch reads it: bool masks, integer arrays, 0-d ints as ints."""
    k = arr.dtype.kind
    if k == "b":
        return arr
    if k in "iu":
        if arr.dtype == np.uint8 and from_tensor:
            cpp_warn(
                "indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                "torch.bool instead.",
                "aten/src/ATen/native/IndexingUtils.h:37",
                stacklevel=4,
            )
            return arr.astype(bool)
        if arr.ndim == 0:
            return int(arr)
        return arr if arr.dtype == _intp else arr.astype(_intp)
    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


def _slice_bound(v: Any):
    return None if v is None else operator.index(v)


def _component(v: Any):
    """One index item as int, slice, None, Ellipsis or ndarray (bool mask or intp)."""
    tp = type(v)
    if tp is int:
        return v
    if tp is slice:
        a, b, step = v.start, v.stop, v.step
        if (
            (a is None or type(a) is int)
            and (b is None or type(b) is int)
            and (step is None or (type(step) is int and step > 0))
        ):
            return v
        step = _slice_bound(step)
        if step is not None and step <= 0:
            raise ValueError("step must be greater than zero")
        return slice(_slice_bound(v.start), _slice_bound(v.stop), step)
    if v is None or v is Ellipsis:
        return v
    if tp is bool or tp is np.bool_:
        return np.asarray(v, dtype=bool)
    if isinstance(v, Tensor):
        return _index_array(v._data, True)
    if isinstance(v, _ndarray):
        return _index_array(v, True)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (list, tuple)):
        arr = np.asarray(v)
        if arr.size == 0:
            arr = arr.astype(_intp)
        if arr.dtype.kind == "f":  # PyTorch reads a list of numbers as a long index (truncated)
            arr = arr.astype(_intp)
        if arr.dtype.kind not in "biu":
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return _index_array(arr, False)
    raise IndexError(
        "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
        f"valid indices (got {tp.__name__})"
    )


def _legacy_list(index: list) -> bool:
    """PyTorch (like old NumPy) reads ``x[[0, slice]]``-style lists as tuples."""
    for v in index:
        if v is None or v is Ellipsis or isinstance(v, (slice, list, tuple, Tensor, _ndarray)):
            return True
    return False


def _ndims(a: Any) -> int:
    """Dims an item of the advanced step consumes (a mask: its rank)."""
    return a.ndim if type(a) is _ndarray and a.dtype == np.bool_ else 1


def _parse(index: Any, shape: tuple):
    """Split an index into PyTorch's two steps.

    Returns ``(basic, op, adv, acc)``: ``basic`` the view step (ints, slices, None) and ``op``
    its entry (None when the view step is trivial), ``adv`` the advanced step applied to the
    view's result (None when there is none) and ``acc`` whether its gradient must accumulate
    (integer arrays can repeat).
    """
    if type(index) is not tuple:
        if type(index) is list and _legacy_list(index):
            cpp_warn(
                "Using a non-tuple sequence for multidimensional indexing is deprecated and will "
                "be changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 "
                "this will be interpreted as tensor index, x[torch.tensor(seq)], which will "
                "result either in an error or a different result",
                "torch/csrc/autograd/python_variable_indexing.cpp:349",
                stacklevel=3,
            )
            index = tuple(index)
        else:
            index = (index,)
    comps = [_component(v) for v in index]
    nd = len(shape)
    consumed = 0
    for c in comps:
        if c is None or c is Ellipsis:
            continue
        if type(c) is _ndarray and c.dtype == np.bool_:
            consumed += c.ndim
        else:
            consumed += 1
    if consumed > nd:
        if nd == 0:
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    basic = []
    adv = []
    op = None
    has_adv = False
    acc = False
    dim = 0
    k = 0  # position among the advanced index tensors (PyTorch's error messages count these)
    ellipsis_done = False
    mask_err = None
    for c in comps:
        tc = type(c)
        if tc is int:
            size = shape[dim]
            if not -size <= c < size:
                raise IndexError(f"index {c} is out of bounds for dimension {dim} with size {size}")
            basic.append(c)
            op = SELECT
            dim += 1
        elif tc is slice:
            size = shape[dim]
            # PyTorch skips only literal whole-dim slices (x[-3:] on size 3 still slices)
            if (
                (c.start is None or c.start == 0)
                and (c.stop is None or c.stop >= size)
                and (c.step is None or c.step == 1)
            ):
                basic.append(_FULL)
            else:
                basic.append(c)
                op = SLICE
            adv.append(_FULL)
            dim += 1
        elif c is None:
            basic.append(None)
            adv.append(_FULL)
            op = INDEX_UNSQUEEZE
        elif c is Ellipsis:
            n = 0 if ellipsis_done else nd - consumed
            ellipsis_done = True
            basic.extend([_FULL] * n)
            adv.extend([_FULL] * n)
            dim += n
        else:
            has_adv = True
            if c.dtype == np.bool_:
                m = c.ndim
                if mask_err is None:
                    for j in range(m):
                        if c.shape[j] != shape[dim + j]:
                            pos = sum(_ndims(a) for a in adv)  # in the tensor after basic indexing
                            mask_err = (c, j, pos + j)
                            break
                basic.extend([_FULL] * m)
                dim += m
                k += m
            else:
                # bounds are checked by NumPy; ``_bounds_error`` words its error like PyTorch
                basic.append(_FULL)
                dim += 1
                k += 1
                acc = True
            adv.append(c)
    if mask_err is not None:
        # PyTorch checks masks against the tensor left after the ints, slices and Nones
        c, j, pos = mask_err
        after = np.broadcast_to(np.zeros((), np.int8), shape)[tuple(basic)].shape
        raise IndexError(
            f"The shape of the mask {list(c.shape)} at index {j} does not match the shape of the "
            f"indexed tensor {list(after)} at index {pos}"
        )
    if not has_adv:
        while basic and basic[-1] is _FULL:
            basic.pop()
        return tuple(basic), op, None, False
    while adv and adv[-1] is _FULL:
        adv.pop()
    return tuple(basic), op, tuple(adv), acc


# ---------------------------------------------------------------- x[idx] and x[idx] = v


def getitem(self: Tensor, index: Any) -> Tensor:
    """``self[index]``: views for ints/slices/None/..., copies for tensors, lists and masks.

    Example:
        >>> import chainrule as torch
        >>> x = torch.arange(6).view(2, 3)
        >>> x[1, 1:], x[:, [0, 0]]
        (tensor([4, 5]), tensor([[0, 0],
                [3, 3]]))
    """
    if type(index) is int:  # fast path: x[i]
        shp = self._data.shape
        if shp and -shp[0] <= index < shp[0]:
            return _view(SELECT, self, ((index,),))
    basic, op, adv, acc = _parse(index, self._data.shape)
    if adv is None:
        return _view(op or ALIAS, self, (basic,))
    x = self if op is None else _view(op, self, (basic,))
    try:
        return apply(INDEX, (x,), (adv, acc))
    except IndexError as e:
        raise _index_error(e, adv, x._data.shape) from None


def _index_error(e: IndexError, adv: tuple, shape: tuple) -> IndexError:
    """NumPy's indexing error in PyTorch's words (out of bounds, shape mismatch)."""
    msg = str(e)
    if "out of bounds" in msg:
        dim = 0
        k = 0  # PyTorch counts the index tensors, not the dims
        for c in adv:
            if c is Ellipsis:
                dim += len(shape) - sum(
                    1 if type(a) is not _ndarray else max(a.ndim, 0) if a.dtype == np.bool_ else 1
                    for a in adv
                    if a is not Ellipsis
                )
                continue
            if type(c) is _ndarray and c.dtype != np.bool_:
                size = shape[dim]
                bad = (c >= size) | (c < -size)
                if bad.any():
                    return IndexError(
                        f"index {int(c[bad].flat[0])} is out of bounds for dimension {k} with "
                        f"size {size}"
                    )
                k += 1
                dim += 1
            elif type(c) is _ndarray:
                k += c.ndim
                dim += c.ndim
            else:
                dim += 1
        return e
    if "shape mismatch" not in msg:
        return e
    parts = []  # PyTorch turns each mask into one index tensor per mask dim
    for a in adv:
        if type(a) is _ndarray:
            if a.dtype == np.bool_:
                parts += [str([int(np.count_nonzero(a))])] * a.ndim
            else:
                parts.append(str(list(a.shape)))
    shapes = ", ".join(parts)
    return IndexError(
        f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}"
    )


def _strip_leading_ones(v: Tensor) -> Tensor:
    shp = v._data.shape
    i = 0
    while i < len(shp) and shp[i] == 1:
        i += 1
    return v if i == 0 else v.reshape(shp[i:])


def _as_value(target: Tensor, value: Any):
    """The right-hand side of ``x[idx] = value``: a Python number, or a Tensor of x's dtype."""
    if isinstance(value, Tensor):
        v = _strip_leading_ones(value)
        return v if v._data.dtype == target._data.dtype else v.to(target.dtype)
    if isinstance(value, (bool, int, float, complex, np.integer)):  # as PyTorch accepts
        return value
    from .._tensor import legacy_type_name

    tp = type(value)
    name = tp.__name__ if tp.__module__ == "builtins" else f"{tp.__module__}.{tp.__name__}"
    raise TypeError(f"can't assign a {name} to a {legacy_type_name(target)}")


def _is_mask(a: Any) -> bool:
    return isinstance(a, _ndarray) and a.dtype == np.bool_


def setitem(self: Tensor, index: Any, value: Any) -> None:
    """``self[index] = value`` (a number or a broadcastable tensor), differentiable on non-leaf
    tensors (``CopySlices`` / ``IndexPutBackward0``), as in PyTorch.

    Example:
        >>> import chainrule as torch
        >>> x = torch.zeros(2, 3)
        >>> x[0, 1:] = 5
        >>> x
        tensor([[0., 5., 5.],
                [0., 0., 0.]])
    """
    basic, op, adv, acc = _parse(index, self._data.shape)
    if (
        adv is not None
        and isinstance(value, Tensor)
        and value._data.dtype != self._data.dtype
        # a 0-d value with a bool mask is PyTorch's masked_fill path, which casts
        and not (value._data.ndim == 0 and any(_is_mask(a) for a in adv))
    ):
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{_word(self)} for the destination and {_word(value)} for the source."
        )
    v = _as_value(self, value)
    vt = isinstance(v, Tensor)
    if (
        not (self._requires_grad or (vt and v._requires_grad) or self._fw or (vt and v._fw))
        and self._data.flags.writeable
        and _dispatch.forward_hook[0] is None
    ):
        # nothing to record: write straight into the storage
        _dispatch.check_inference_write(self)
        _direct_set(self, basic, adv, v._data if vt else v)
        return
    if adv is None:
        target = self if op is None else _view(op, self, (basic,))
        if vt:
            _check_fits(v, target)
            target.copy_(v)
        else:
            target.fill_(v)
    else:
        target = self if op is None else _view(op, self, (basic,))
        try:
            apply_inplace(INDEX_PUT, (target, v), (adv, False))
        except IndexError as e:
            raise _index_error(e, adv, target._data.shape) from None


def _direct_set(self: Tensor, basic: tuple, adv: tuple | None, v: Any) -> None:
    dst = self._data
    if adv is not None:
        if basic:
            dst = dst[basic]  # a view: the write lands in self
        try:
            dst[adv] = v
        except ValueError:
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be broadcast "
                f"to indexing result of shape {list(dst[adv].shape)}"
            ) from None
        except IndexError as e:
            raise _index_error(e, adv, dst.shape) from None
    else:
        region = dst[basic]
        if isinstance(v, _ndarray) and v.shape != np.shape(region):
            _check_fits(wrap(v), wrap(region))
        dst[basic] = v
    self._vc[0] += 1


def _check_fits(v: Tensor, target: Tensor) -> None:
    """PyTorch's ``expand`` errors when ``v`` cannot broadcast to ``target``'s shape."""
    from .._tensor import legacy_type_name
    from .shape import _expand_shape

    if v._data.shape != target._data.shape:
        _expand_shape(v._data.shape, target._data.shape, legacy_type_name(v))


# ---------------------------------------------------------------- index_put


def _index_tuple(indices: Any) -> tuple:
    """``index_put``'s indices (Tensors, or NumPy index items from the formulas) as a NumPy
    index tuple."""
    if not isinstance(indices, (tuple, list)):
        indices = (indices,)
    # PyTorch's form holds index tensors only; the formulas pass NumPy index tuples
    torch_form = any(isinstance(v, Tensor) for v in indices)
    out = []
    for i, v in enumerate(indices):
        if torch_form and not isinstance(v, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(v).__name__}"
            )
        if isinstance(v, Tensor):
            a = v._data
            if a.dtype.kind not in "biu":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(a if a.dtype.kind == "b" or a.dtype == _intp else a.astype(_intp))
        else:
            out.append(v)
    return tuple(out)


def _check_values(self: Tensor, values: Any, fname: str) -> None:
    if isinstance(values, Tensor) and values._data.dtype != self._data.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{_word(self)} for the destination and {_word(values)} for the source."
        )


def _word(t: Tensor) -> str:
    return _dispatch._type_word(t.dtype)


def _is_raw(indices: Any) -> bool:
    return isinstance(indices, (tuple, list)) and any(not isinstance(v, Tensor) for v in indices)


def index_put_(self: Tensor, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
    """``self[indices] = values`` (or ``+=`` with ``accumulate``) in place; ``indices`` is a
    tuple of index tensors.

    Example:
        >>> import chainrule as torch
        >>> x = torch.zeros(3)
        >>> x.index_put_((torch.tensor([0, 0]),), torch.tensor(1.0), accumulate=True)
        tensor([2., 0., 0.])
    """
    _check_values(self, values, "index_put_")
    return apply_inplace(INDEX_PUT, (self, values), (_index_tuple(indices), bool(accumulate)))


def index_put(input: Tensor, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
    """Out-of-place ``index_put_`` (``IndexPutBackward0``)."""
    _check_values(input, values, "index_put")
    return apply(INDEX_PUT, (input, values), (_index_tuple(indices), bool(accumulate)))


# ---------------------------------------------------------------- gather / scatter


def _check_index_dtype(index: Tensor, fname: str) -> np.ndarray:
    if not isinstance(index, Tensor):
        raise TypeError(
            f"{fname}(): argument 'index' (position 3) must be Tensor, not {type(index).__name__}"
        )
    a = index._data
    if a.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{fname}(): Expected dtype int32/int64 for index")
    return a


def _full_index(shape: tuple, dim: int, index: np.ndarray) -> tuple:
    """The NumPy index that picks ``x[i][j][index[i][j][k]]``-style elements along ``dim``."""
    nd = index.ndim
    out = []
    for d in range(nd):
        if d == dim:
            out.append(index.astype(_intp, copy=False))
        else:
            r = [1] * nd
            r[d] = index.shape[d]
            out.append(np.arange(index.shape[d]).reshape(r))
    return tuple(out)


def _check_bounds(index: np.ndarray, size: int, dim: int) -> None:
    if index.size:
        bad = (index < 0) | (index >= size)
        if bad.any():
            raise RuntimeError(
                f"index {int(index[bad].flat[0])} is out of bounds for dimension {dim} with "
                f"size {size}"
            )


def _nd1(a: np.ndarray) -> np.ndarray:
    return a.reshape(1) if a.ndim == 0 else a


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """``out[i][j][k] = input[i][index[i][j][k]][k]`` for ``dim=1`` (and likewise for others).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1, 2], [3, 4]]).gather(1, torch.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """
    idx = _check_index_dtype(index, "gather")
    x = input
    if x._data.ndim == 0:
        x = x.reshape(1)
    idx = _nd1(idx)
    nd = x._data.ndim
    d = _dim(dim, nd)
    shp = x._data.shape
    if idx.ndim != nd:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for k in range(nd):
        if k != d and idx.shape[k] > shp[k]:
            raise RuntimeError(
                f"Size does not match at dimension {k} expected index {list(idx.shape)} to be "
                f"no larger than self {list(shp)} apart from dimension {d}"
            )
    _check_bounds(idx, shp[d], d)
    out = apply(GATHER, (x,), (_full_index(shp, d, idx),))
    return out.reshape(()) if input._data.ndim == 0 and index._data.ndim == 0 else out


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """Pick values along ``dim`` at ``indices`` (broadcast against ``input`` in the other dims);
    with ``dim=None``, from the flattened input.

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([[10, 30, 20], [60, 40, 50]])
        >>> torch.take_along_dim(x, x.argmax(1, keepdim=True), 1)
        tensor([[30],
                [60]])
    """
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    nd = input._data.ndim
    d = _dim(dim, nd)
    if indices._data.ndim != nd:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {nd} dimensions for input, and {indices._data.ndim} "
            "dimensions for indices"
        )
    ishape = list(input._data.shape)
    jshape = list(indices._data.shape)
    ishape[d] = jshape[d] = 1
    try:
        b = list(np.broadcast_shapes(tuple(ishape), tuple(jshape)))
    except ValueError as exc:
        raise _dispatch._broadcast_error((input, indices), exc) from None
    bi, bj = list(b), list(b)
    bi[d] = input._data.shape[d]
    bj[d] = indices._data.shape[d]
    x = input if tuple(bi) == input._data.shape else input.expand(bi)
    j = indices if tuple(bj) == indices._data.shape else indices.expand(bj)
    return gather(x, d, j)


def _scatter_prep(self: Tensor, dim: int, index: Tensor, src: Any, fname: str):
    idx = _check_index_dtype(index, fname)
    nd = self._data.ndim
    d = _dim(dim, nd)
    shp = self._data.shape
    if idx.ndim != nd and not (idx.ndim <= 1 and nd <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    idx = _nd1(idx)
    sshape = src._data.shape if isinstance(src, Tensor) else None
    ok = all(idx.shape[k] <= shp[k] for k in range(nd) if k != d)
    if sshape is not None:
        ok = ok and len(sshape) == idx.ndim and all(a <= b for a, b in zip(idx.shape, sshape))
    if not ok:
        msg = (
            f"Expected index {list(idx.shape)} to be no larger than self {list(shp)} apart from "
            f"dimension {d}"
        )
        if sshape is not None:
            msg += f" and to be no larger size than src {list(sshape)}"
        raise RuntimeError(msg)
    _check_bounds(idx, shp[d], d)
    if isinstance(src, Tensor) and src._data.dtype != self._data.dtype:
        raise RuntimeError(f"{fname}(): Expected self.dtype to be equal to src.dtype")
    full = _full_index(shp, d, idx)
    sidx = None
    if sshape is not None and tuple(sshape) != idx.shape:
        sidx = tuple(slice(0, n) for n in idx.shape)
    return full, sidx


def _scatter(self, dim, index, src, value, reduce, inplace, fname):
    run = apply_inplace if inplace else apply
    if src is None:
        src = value
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"reduce argument must be either add or multiply, got {reduce}")
        if isinstance(src, Tensor):
            cpp_warn(
                "The reduce argument of torch.scatter with Tensor src is deprecated and will be "
                "removed in a future PyTorch release. Use torch.scatter_reduce instead for more "
                "reduction options.",
                "aten/src/ATen/native/TensorAdvancedIndexing.cpp:225",
                stacklevel=3,
                once=True,
            )
            full, sidx = _scatter_prep(self, dim, index, src, fname)
            return run(SCATTER_REDUCE_LEGACY, (self, src), (full, sidx, reduce))
        full, _ = _scatter_prep(self, dim, index, None, fname)
        value = wrap(np.asarray(src).astype(self._data.dtype))
        return run(SCATTER_REDUCE_LEGACY, (self, value), (full, None, reduce))
    if isinstance(src, Tensor):
        full, sidx = _scatter_prep(self, dim, index, src, fname)
        return run(SCATTER, (self, src), (full, sidx))
    full, _ = _scatter_prep(self, dim, index, None, fname)
    return run(SCATTER_VALUE, (self,), (full, src))


def _scatter_add(self, dim, index, src, inplace, fname):
    if not isinstance(src, Tensor):
        raise TypeError(
            f"{fname}(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}"
        )
    full, sidx = _scatter_prep(self, dim, index, src, fname)
    return (apply_inplace if inplace else apply)(SCATTER_ADD, (self, src), (full, sidx))


def scatter(
    input: Tensor,
    dim: int,
    index: Tensor,
    src: Any = None,
    value: Any = None,
    *,
    reduce: str | None = None,
) -> Tensor:
    """A copy of ``input`` with ``src`` (a tensor or number) written at ``index`` along ``dim``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(3).scatter(0, torch.tensor([2]), 1.0)
        tensor([0., 0., 1.])
    """
    return _scatter(input, dim, index, src, value, reduce, False, "scatter")


def scatter_(
    self: Tensor,
    dim: int,
    index: Tensor,
    src: Any = None,
    value: Any = None,
    *,
    reduce: str | None = None,
) -> Tensor:
    """In-place ``scatter``."""
    return _scatter(self, dim, index, src, value, reduce, True, "scatter_")


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim`` (repeats add up).

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(3).scatter_add(0, torch.tensor([1, 1]), torch.ones(2))
        tensor([0., 2., 0.])
    """
    return _scatter_add(input, dim, index, src, False, "scatter_add")


def scatter_add_(self: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """In-place ``scatter_add``."""
    return _scatter_add(self, dim, index, src, True, "scatter_add_")


_SR_NAMES = ("sum", "prod", "mean", "amax", "amin")


def _vector_index(index: Any, fname: str) -> np.ndarray:
    if not isinstance(index, Tensor):
        raise TypeError(
            f"{fname}(): argument 'index' (position 2) must be Tensor, not {type(index).__name__}"
        )
    a = index._data
    if a.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"{fname}(): Expected dtype int32 or int64 for index")
    if a.ndim > 1:
        raise IndexError(f"{fname}(): Index is supposed to be a vector")
    return _nd1(a).astype(_intp, copy=False)


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The entries at ``index`` (a vector) along ``dim`` (a copy; repeats allowed).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([10, 20, 30]).index_select(0, torch.tensor([2, 0, 2]))
        tensor([30, 10, 30])
    """
    idx = _vector_index(index, "index_select")
    x = input.reshape(1) if input._data.ndim == 0 else input
    d = _dim(dim, x._data.ndim)
    n = x._data.shape[d]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError("index out of range in self")
    out = apply(INDEX_SELECT, (x,), (d, idx))
    return out.reshape(()) if input._data.ndim == 0 else out


def _index_add(self, dim, index, source, alpha, inplace):
    fname = "index_add_"
    idx = _vector_index(index, fname)
    nd = self._data.ndim
    d = _dim(dim, nd)
    if not isinstance(source, Tensor):
        raise TypeError(
            f"index_add(): argument 'source' (position 3) must be Tensor, not "
            f"{type(source).__name__}"
        )
    if source._data.dtype != self._data.dtype:
        raise RuntimeError(
            f"index_add_(): self ({_word(self)}) and source ({_word(source)}) must have the same "
            "scalar type"
        )
    sshape = source._data.shape
    shp = self._data.shape
    if nd and sshape[:d] + sshape[d + 1 :] != shp[:d] + shp[d + 1 :]:
        raise RuntimeError(
            "source tensor shape must match self tensor shape, excluding the specified "
            f"dimension. Got self.shape = {list(shp)} source.shape = {list(sshape)}"
        )
    ns = sshape[d] if source._data.ndim else 1
    if idx.size != ns:
        raise RuntimeError(
            f"{fname}(): Number of indices ({idx.size}) should be equal to source.size(dim): "
            f"({ns}), for dim: {d}"
        )
    n = shp[d] if nd else 1
    _check_bounds(idx, n, d)
    run = apply_inplace if inplace else apply
    return run(INDEX_ADD, (self, source), (d, idx, alpha))


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """A copy of ``input`` with ``alpha * source`` added at ``index`` along ``dim``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(3).index_add(0, torch.tensor([0, 0]), torch.ones(2))
        tensor([2., 0., 0.])
    """
    return _index_add(input, dim, index, source, alpha, False)


def index_add_(self: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: Any = 1) -> Tensor:
    """In-place ``index_add``."""
    return _index_add(self, dim, index, source, alpha, True)


def _index_dim_checks(self: Tensor, dim: int, index: Any, fname: str):
    idx = _vector_index(index, fname)
    nd = self._data.ndim
    d = _dim(dim, nd)
    n = self._data.shape[d] if nd else 1
    if idx.size:
        bad = (idx >= n) | (idx < -n)
        if bad.any():
            raise IndexError(
                f"index {int(idx[bad][0])} is out of bounds for dimension {d} with size {n}"
            )
    return d, idx


def _index_fill(self, dim, index, value, inplace):
    d, idx = _index_dim_checks(self, dim, index, "index_fill_")
    run = apply_inplace if inplace else apply
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(
                "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        return run(INDEX_FILL_TENSOR, (self, value), (d, idx))
    return run(INDEX_FILL, (self,), (d, idx, value))


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` written at ``index`` along ``dim``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3).index_fill(1, torch.tensor([0, 2]), 7.0)
        tensor([[7., 0., 7.],
                [7., 0., 7.]])
    """
    return _index_fill(input, dim, index, value, False)


def index_fill_(self: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """In-place ``index_fill``."""
    return _index_fill(self, dim, index, value, True)


def _index_copy(self, dim, index, source, inplace):
    d, idx = _index_dim_checks(self, dim, index, "index_copy_")
    ns = source._data.shape[d] if source._data.ndim else 1
    if idx.size != ns:
        raise IndexError(
            f"index_copy_(): Number of indices ({idx.size}) should be equal to source.size(dim) "
            f"({ns})"
        )
    if source._data.dtype != self._data.dtype:
        raise RuntimeError(
            f"index_copy_(): self and source expected to have the same dtype, but got "
            f"(self) {_word(self)} and (source) {_word(source)}"
        )
    run = apply_inplace if inplace else apply
    return run(INDEX_COPY, (self, source), (d, idx))


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with the slices of ``source`` written at ``index`` along ``dim``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(3).index_copy(0, torch.tensor([2, 0]), torch.tensor([1.0, 2.0]))
        tensor([2., 0., 1.])
    """
    return _index_copy(input, dim, index, source, False)


def index_copy_(self: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """In-place ``index_copy``."""
    return _index_copy(self, dim, index, source, True)


def take(input: Tensor, index: Tensor) -> Tensor:
    """Elements of the flattened ``input`` at ``index`` (result has ``index``'s shape).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1, 2], [3, 4]]).take(torch.tensor([0, 3]))
        tensor([1, 4])
    """
    if not isinstance(index, Tensor):
        raise TypeError(
            f"take(): argument 'index' (position 1) must be Tensor, not {type(index).__name__}"
        )
    a = index._data
    if a.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {_word(index)}")
    n = input._data.size
    if a.size:
        bad = (a >= n) | (a < -n)
        if bad.any():
            raise IndexError(
                f"out of range: tried to access index {int(a[bad].flat[0])} on a tensor of {n} "
                "elements."
            )
    return apply(TAKE, (input,), (a.astype(_intp, copy=False),))


# ---------------------------------------------------------------- masks


def _mask_array(mask: Any, fname: str) -> np.ndarray:
    if isinstance(mask, Tensor):
        m = mask._data
    elif isinstance(mask, _ndarray):  # from the derivative formulas
        m = mask
    else:
        raise TypeError(
            f"{fname}(): argument 'mask' (position 1) must be Tensor, not {type(mask).__name__}"
        )
    if m.dtype != np.bool_:
        raise RuntimeError(
            f"{fname} only supports boolean masks, but got mask with dtype "
            f"{_dispatch._BY_NP[m.dtype].cpp}"
        )
    return m


def _masked_fill(self: Tensor, mask: Any, value: Any, inplace: bool) -> Tensor:
    m = _mask_array(mask, "masked_fill_")
    try:
        np.broadcast_shapes(self._data.shape, m.shape)
    except ValueError:
        raise _dispatch._broadcast_error((wrap(m), self), ValueError("broadcast")) from None
    run = apply_inplace if inplace else apply
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value._data.ndim} dimension(s)."
            )
        return run(MASKED_FILL_TENSOR, (self, value), (m,))
    return run(MASKED_FILL, (self,), (m, value))


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` (a number or 0-d tensor) where ``mask`` is True.

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([1.0, -2.0])
        >>> x.masked_fill(x < 0, 0.0)
        tensor([1., 0.])
    """
    return _masked_fill(input, mask, value, False)


def masked_fill_(self: Tensor, mask: Tensor, value: Any) -> Tensor:
    """In-place ``masked_fill``."""
    return _masked_fill(self, mask, value, True)


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """A 1-D tensor of the elements where ``mask`` (broadcast with ``input``) is True.

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([1.0, -2.0, 3.0])
        >>> x.masked_select(x > 0)
        tensor([1., 3.])
    """
    m = _mask_array(mask, "masked_select")
    try:
        np.broadcast_shapes(input._data.shape, m.shape)
    except ValueError:
        raise _dispatch._broadcast_error((wrap(m), input), ValueError("broadcast")) from None
    return apply(MASKED_SELECT, (input,), (m,))


# ---------------------------------------------------------------- nonzero


def nonzero(input: Tensor, *, out: Any = None, as_tuple: bool = False):
    """Indices of the non-zero elements: an ``(n, ndim)`` int64 tensor, or with ``as_tuple``
    one 1-D tensor per dim.

    Example:
        >>> import chainrule as torch
        >>> torch.nonzero(torch.tensor([0, 3, 0, 4]))
        tensor([[1],
                [3]])
    """
    a = input._data
    if as_tuple:
        if a.ndim == 0:
            return (wrap(np.zeros(1 if a else 0, dtype=np.int64)),)
        return tuple(wrap(i.astype(np.int64, copy=False)) for i in np.nonzero(a))
    return wrap(np.argwhere(a).astype(np.int64, copy=False))


def argwhere(input: Tensor) -> Tensor:
    """``nonzero(input)``: an ``(n, ndim)`` tensor of the indices of non-zero elements."""
    return nonzero(input)


# ---------------------------------------------------------------- registration

for _f in (
    index_fill,
    index_copy,
    take_along_dim,
    gather,
    scatter,
    scatter_add,
    index_select,
    index_add,
    take,
    masked_fill,
    masked_select,
    nonzero,
    argwhere,
    index_put,
    index_put_,
):
    expose(_f)
for _f in (
    scatter_,
    scatter_add_,
    index_add_,
    masked_fill_,
    index_fill_,
    index_copy_,
):
    expose(_f, method=True)
    PUBLIC.pop(_f.__name__, None)
expose(getitem, "__getitem__", method=True)
expose(setitem, "__setitem__", method=True)
PUBLIC.pop("__getitem__", None)
PUBLIC.pop("__setitem__", None)


# ---------------------------------------------------------------- scatter_reduce / index_reduce
# Both reduce ``src`` into a copy of ``self`` at a NumPy index ``idx`` (scatter_reduce: the
# element-wise index along ``dim``; index_reduce: ``index`` along ``dim`` broadcast over the
# other dims); ``sidx`` picks the part of ``src`` the index covers (None: all of it). The
# derivatives are PyTorch's (``scatter_reduce_backward``): gradients split evenly between tied
# maxima/minima, products without dividing by zero.

_RED_UFUNC = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}  # fmt: skip


def _red_identity(reduce: str, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    big = np.inf if dtype.kind == "f" else np.iinfo(dtype).max
    return -big if reduce == "amax" else big


def _red_fwd(x, src, idx, sidx, reduce, include_self):
    s = src if sidx is None else src[sidx]
    out = x.copy()
    if not include_self:
        out[idx] = _red_identity(reduce, x.dtype)
    _RED_UFUNC[reduce].at(out, idx, s)
    if reduce == "mean":
        count = np.full(x.shape, 1 if include_self else 0, dtype=np.int64)
        np.add.at(count, idx, 1)
        count = np.maximum(count, 1)
        out = out / count if x.dtype.kind in "fc" else out // count
        out = out.astype(x.dtype, copy=False)
    return out


def _red_count(shape, idx, include_self, dtype):
    n = np.full(tuple(shape), 1 if include_self else 0, dtype=dtype)
    np.add.at(n, idx, 1)
    return n


def _red_backward(F, g, needs, x, src, result, idx, sidx, reduce, include_self):
    shape = tuple(x.shape)
    sshape = tuple(src.shape)
    s = src if sidx is None else src[sidx]
    touched = _mask_of(shape, idx)
    gx = gs = None
    if reduce == "sum":
        gx, gs = g, g[idx]
    elif reduce == "mean":
        n = _red_count(shape, idx, include_self, _data_dtype(g))
        gn = g / _const_like(F, np.maximum(n, 1), g)
        gx, gs = gn, gn[idx]
    elif reduce == "prod":
        xa, sa = _arr(x), _arr(s)
        masked_x = F.where(_cond(xa == 0, x), 1.0 + 0.0 * x, x)
        masked_x_result = _run(SCATTER_REDUCE, (masked_x, src), (idx, sidx, reduce, include_self))
        gx = g * masked_x_result / masked_x
        src_zero = sa == 0
        zeros_at = np.zeros(shape, np.int64)
        np.add.at(zeros_at, idx, src_zero.astype(np.int64))
        single = src_zero & (zeros_at[idx] == 1)
        masked_s = F.where(_cond(single, s), 1.0 + 0.0 * s, s)
        masked_src_full = (
            masked_s
            if sidx is None
            else _pad_to(F, masked_s, sshape, sidx) + _keep_outside(F, src, sidx)
        )  # noqa: E501
        masked_s_result = _run(
            SCATTER_REDUCE, (x, masked_src_full), (idx, sidx, reduce, include_self)
        )  # noqa: E501
        safe_s = F.where(_cond(src_zero, s), 1.0 + 0.0 * s, s)
        gs = F.where(_cond(single, s), (g * masked_s_result)[idx], (g * result)[idx] / safe_s)
    else:  # amax / amin: split evenly between the elements equal to the result
        value = result[idx]
        x_is = _const_like(F, _arr(x) == _arr(result), x)
        s_is = _const_like(F, _arr(s) == _arr(value), s)
        n = np.asarray(_arr(x_is), dtype=_data_dtype(g)).copy()
        np.add.at(n, idx, _arr(s_is).astype(n.dtype))
        gd = g / _const_like(F, n, g)
        gx, gs = gd * x_is, gd[idx] * s_is
    if gx is not None and not include_self:
        gx = F.masked_fill(gx, touched, 0.0)
    return (gx if needs[0] else None), (_pad_to(F, gs, sshape, sidx) if needs[1] else None)


def _arr(v):
    return v._data if isinstance(v, Tensor) else np.asarray(v)


def _data_dtype(g):
    return _arr(g).dtype


def _const_like(F, a: np.ndarray, like):
    """A constant of ``like``'s kind (a Tensor under create_graph) from a NumPy array."""
    if isinstance(like, Tensor):
        return wrap(np.asarray(a, dtype=like._data.dtype))
    return np.asarray(a, dtype=like.dtype)


def _cond(a: np.ndarray, like):
    """A boolean condition for ``F.where`` (a Tensor under create_graph)."""
    return wrap(np.asarray(a, dtype=bool)) if isinstance(like, Tensor) else np.asarray(a, bool)


def _keep_outside(F, src, sidx):
    """``src`` with the part ``sidx`` zeroed (what scatter leaves untouched)."""
    return F.masked_fill(src, _mask_of(tuple(src.shape), sidx), 0.0)


def _red_jvp(F, tangents, x, src, result, idx, sidx, reduce, include_self):
    tx, ts = tangents
    shape = tuple(x.shape)
    if tx is None:
        tx = F.zeros(shape, ts)
    if ts is None:
        ts = F.zeros(tuple(src.shape), tx)
    part = ts if sidx is None else ts[sidx]
    if reduce in ("sum", "mean"):
        keep = tx if include_self else F.masked_fill(tx, _mask_of(shape, idx), 0.0)
        out = keep + F.index_put(shape, part, idx, part, True)
        if reduce == "mean":
            n = _red_count(shape, idx, include_self, _data_dtype(result))
            out = out / _const_like(F, np.maximum(n, 1), out)
        return out
    if reduce == "prod":  # d out = (∂out/∂self)·t_self + Σ_k (∂out/∂src_k)·t_src_k
        ones = F.ones_like(result)
        gx, gs = _red_backward(F, ones, (True, True), x, src, result, idx, sidx, reduce, include_self)  # fmt: skip
        ps = gs * ts
        ps = ps if sidx is None else ps[sidx]
        return gx * tx + F.index_put(shape, ps, idx, ps, True)
    # amax / amin: the mean of the tangents of the elements equal to the result
    s = src if sidx is None else src[sidx]
    x_is = _arr(x) == _arr(result)
    if not include_self:
        x_is = x_is & ~_mask_of(shape, idx)
    s_is = _arr(s) == _arr(result[idx])
    n = x_is.astype(_data_dtype(result))
    np.add.at(n, idx, s_is.astype(n.dtype))
    picked = part * _const_like(F, s_is, part)
    acc = F.index_put(shape, picked, idx, picked, True)
    return (tx * _const_like(F, x_is, tx) + acc) / _const_like(F, np.maximum(n, 1), acc)


def _red_op(name: str, node: str):
    return defop(
        name,
        _red_fwd,
        inputs=("self", "src"),
        saves=("self", "src", "result"),
        backward=_red_backward,
        node=node,
        promote="keep",
        jvp=_red_jvp,
        explain={"self": "∂reduce/∂self at each position", "src": "∂reduce/∂src per element"},
    )


SCATTER_REDUCE = _red_op("scatter_reduce", "ScatterReduceBackward0")
INDEX_REDUCE = _red_op("index_reduce", "IndexReduceBackward0")

_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _scatter_reduce(self, dim, index, src, reduce, include_self, inplace):
    if reduce not in _REDUCES:
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    full, sidx = _scatter_prep(self, dim, index, src, "scatter")
    run = apply_inplace if inplace else apply
    return run(SCATTER_REDUCE, (self, src), (full, sidx, reduce, bool(include_self)))


def scatter_reduce(
    input: Tensor,  # noqa: A002
    dim: int,
    index: Tensor,
    src: Tensor,
    reduce: str,
    *,
    include_self: bool = True,
) -> Tensor:
    """A copy of ``input`` with ``src`` reduced in at ``index`` along ``dim`` (``reduce``: sum,
    prod, mean, amax or amin; ``include_self=False`` leaves the old values out).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([1.0, 2.0, 3.0])
        >>> x.scatter_reduce(0, torch.tensor([0, 0, 2]), torch.tensor([5.0, 7.0, 1.0]), "amax")
        tensor([7., 2., 3.])
    """
    return _scatter_reduce(input, dim, index, src, reduce, include_self, False)


def scatter_reduce_(
    self: Tensor, dim: int, index: Tensor, src: Tensor, reduce: str, *, include_self: bool = True
) -> Tensor:
    """In-place ``scatter_reduce``."""
    return _scatter_reduce(self, dim, index, src, reduce, include_self, True)


def _index_reduce(self, dim, index, source, reduce, include_self, inplace):
    fname = "index_reduce_"
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(
            f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
            f"{reduce}."
        )
    if not isinstance(index, Tensor):
        raise TypeError(
            f"index_reduce(): argument 'index' (position 2) must be Tensor, not "
            f"{type(index).__name__}"
        )
    a = index._data
    if a.dtype not in (np.int64, np.int32):
        raise RuntimeError(
            f"{fname}(): Expected dtype int32/int64 for index but got: {_word(index)}"
        )
    if a.ndim > 1:
        raise IndexError(
            f"{fname}(): Index is supposed to be a vector, but got dim: {a.ndim} with type: "
            f"{_word(index)} and size: {list(a.shape)}"
        )
    nd = self._data.ndim
    d = _dim(dim, max(nd, 1))
    if source._data.dtype != self._data.dtype:
        raise RuntimeError(
            f"{fname}(): self ({_word(self)}) and source ({_word(source)}) must have the same "
            "scalar type"
        )
    shp, sshape = self._data.shape, source._data.shape
    ns = sshape[d] if source._data.ndim else 1
    idx = _nd1(a).astype(_intp, copy=False)
    if idx.size != ns:
        raise RuntimeError(
            f"{fname}(): Number of indices ({idx.size}) should be equal to source.size(dim): "
            f"({ns}), for dim: {d}"
        )
    if nd and sshape[:d] + sshape[d + 1 :] != shp[:d] + shp[d + 1 :]:
        raise RuntimeError(
            "source tensor shape must match self tensor shape, excluding the specified "
            f"dimension. Got self.shape = {list(shp)} source.shape = {list(sshape)}"
        )
    n = shp[d] if nd else 1
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError("index out of range in self")
    idx = np.where(idx < 0, idx + n, idx)
    # index along ``dim``, broadcast over the other dims of source (as a full NumPy index)
    snd = max(source._data.ndim, 1)
    full = tuple(
        idx.reshape([-1 if k == d else 1 for k in range(snd)])
        if k == d
        else np.arange(max(sshape[k], 1) if sshape else 1).reshape(
            [-1 if j == k else 1 for j in range(snd)]
        )
        for k in range(snd)
    )
    x, s = self, source
    if nd == 0:
        x = self.reshape(1)
    if source._data.ndim == 0:
        s = source.reshape(1)
    run = apply_inplace if inplace else apply
    out = run(INDEX_REDUCE, (x, s), (full, None, reduce, bool(include_self)))
    return out.reshape(()) if nd == 0 and not inplace else out


def index_reduce(
    input: Tensor,  # noqa: A002
    dim: int,
    index: Tensor,
    source: Tensor,
    reduce: str,
    *,
    include_self: bool = True,
) -> Tensor:
    """A copy of ``input`` with the slices of ``source`` reduced in at ``index`` along ``dim``
    (``reduce``: prod, mean, amax or amin).

    Example:
        >>> import chainrule as torch
        >>> x = torch.ones(3, 2)
        >>> x.index_reduce(0, torch.tensor([0, 0]), torch.tensor([[2.0, 3.0], [4.0, 5.0]]), "prod")
        tensor([[ 8., 15.],
                [ 1.,  1.],
                [ 1.,  1.]])
    """
    return _index_reduce(input, dim, index, source, reduce, include_self, False)


def index_reduce_(
    self: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *, include_self: bool = True
) -> Tensor:
    """In-place ``index_reduce``."""
    return _index_reduce(self, dim, index, source, reduce, include_self, True)


# ---------------------------------------------------------------- masked_scatter / put


def _masked_scatter_fwd(x, src, mask):
    xb, mb = np.broadcast_arrays(x, mask)
    out = xb.copy()
    out[mb] = src.reshape(-1)[: int(np.count_nonzero(mb))]
    return out


def _masked_scatter_src_grad(F, g, shape, sshape, mask):
    mb = np.broadcast_to(mask, tuple(g.shape))
    picked = g[mb]
    n = int(np.prod(sshape, dtype=np.int64))
    flat = F.index_put((n,), picked, (np.arange(picked.shape[0]),), picked, False)
    return F.reshape(flat, tuple(sshape))


def _masked_scatter_self_grad(F, g, shape, sshape, mask):
    return F.masked_fill(g, np.broadcast_to(mask, tuple(g.shape)), 0.0)


MASKED_SCATTER = defop(
    "masked_scatter",
    _masked_scatter_fwd,
    inputs=("self", "source"),
    saves=("self.shape", "source.shape"),
    grads=(_masked_scatter_self_grad, _masked_scatter_src_grad),
    promote="keep",
    explain={"self": "0 where mask, else 1", "source": "1 for each element written"},
)
MASKED_SCATTER.jvp = _linear2_jvp(MASKED_SCATTER)


def _masked_scatter(self, mask, source, inplace):
    if isinstance(mask, Tensor) and mask._data.dtype != np.bool_:
        raise RuntimeError(
            f"masked_scatter_ only supports boolean masks, but got mask with dtype {_word(mask)}"
        )
    m = _mask_array(mask, "masked_scatter_")
    if source._data.dtype != self._data.dtype:
        raise RuntimeError(
            "masked_scatter: expected self and source to have same dtypes but got"
            f"{_word(self)} and {_word(source)}"
        )
    if inplace:
        from .shape import _expand_shape

        if m.shape != self._data.shape:
            _expand_shape(m.shape, self._data.shape, "CPUBoolType")
    try:
        bshape = np.broadcast_shapes(self._data.shape, m.shape)
    except ValueError:
        raise _dispatch._broadcast_error((wrap(m), self), ValueError("broadcast")) from None
    if int(np.count_nonzero(np.broadcast_to(m, bshape))) > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    run = apply_inplace if inplace else apply
    return run(MASKED_SCATTER, (self, source), (m,))


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:  # noqa: A002
    """A copy of ``input`` with the elements where ``mask`` is True replaced, in order, by the
    first elements of ``source``.

    Example:
        >>> import chainrule as torch
        >>> x = torch.zeros(4)
        >>> x.masked_scatter(torch.tensor([True, False, True, False]), torch.tensor([1.0, 2.0]))
        tensor([1., 0., 2., 0.])
    """
    return _masked_scatter(input, mask, source, False)


def masked_scatter_(self: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """In-place ``masked_scatter``."""
    return _masked_scatter(self, mask, source, True)


def _put_fwd(x, src, index, acc):
    out = x.copy()
    flat = out.reshape(-1)
    if acc:
        np.add.at(flat, index, src.reshape(-1))
    else:
        flat[index] = src.reshape(-1)
    return out


def _put_self_grad(F, g, shape, sshape, index, acc):
    if acc:
        return g
    m = np.zeros(int(np.prod(tuple(g.shape), dtype=np.int64)), bool)
    m[index] = True
    return F.masked_fill(g, m.reshape(tuple(g.shape)), 0.0)


def _put_src_grad(F, g, shape, sshape, index, acc):
    return F.reshape(F.reshape(g, (-1,))[index], tuple(sshape))


PUT = defop(
    "put",
    _put_fwd,
    inputs=("self", "source"),
    saves=("self.shape", "source.shape"),
    grads=(_put_self_grad, _put_src_grad),
    promote="keep",
    explain={"self": "0 where overwritten, else 1", "source": "1 at each put position"},
)
PUT.jvp = _linear2_jvp(PUT)


def _put(self, index, source, accumulate, inplace):
    fname = "put_"
    if not isinstance(index, Tensor):
        raise TypeError(
            f"put(): argument 'index' (position 1) must be Tensor, not {type(index).__name__}"
        )
    a = index._data
    if a.dtype != np.int64:
        raise RuntimeError(f"{fname}(): Expected a long tensor for index, but got {_word(index)}")
    if source._data.dtype != self._data.dtype:
        raise RuntimeError(
            f"{fname}(): self and source expected to have the same dtype, but got self.dtype = "
            f"{_word(self)} and source.dtype = {_word(source)}"
        )
    if a.size != source._data.size:
        raise IndexError(
            f"{fname}(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {source._data.size}, index.numel() = {a.size}"
        )
    n = self._data.size
    flat = a.reshape(-1)
    if flat.size:
        bad = (flat >= n) | (flat < -n)
        if bad.any():
            raise IndexError(
                f"out of range: tried to access index {int(flat[bad][0])} on a tensor of {n} "
                "elements."
            )
    run = apply_inplace if inplace else apply
    return run(PUT, (self, source), (flat.astype(_intp, copy=False), bool(accumulate)))


def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:  # noqa: A002
    """A copy of ``input`` with ``source`` written (or added, with ``accumulate``) at the flat
    positions ``index``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 2).put(torch.tensor([0, 3]), torch.tensor([1.0, 2.0]))
        tensor([[1., 0.],
                [0., 2.]])
    """
    return _put(input, index, source, accumulate, False)


def put_(self: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """In-place ``put``."""
    return _put(self, index, source, accumulate, True)


# ---------------------------------------------------------------- as_strided
# A view of the tensor's storage (its NumPy base's memory) with sizes and strides in elements.
# The gradient maps each output element back to the input element at the same storage
# position (elements of the storage outside the input get none, as their values come from no
# input of the op); ``storage_remap`` is that map and its own adjoint.


def _storage(x: np.ndarray):
    """The flat storage ``x`` lives in and ``x``'s element offset in it."""
    base = x
    while isinstance(base.base, np.ndarray):
        base = base.base
    item = x.dtype.itemsize
    start = base.__array_interface__["data"][0]
    lo = min(0, *((n - 1) * s for n, s in zip(base.shape, base.strides) if n))
    size = base.nbytes // item if base.dtype == x.dtype else x.size
    if base.dtype != x.dtype or lo < 0 or not (base.flags.c_contiguous or base.flags.f_contiguous):
        base, start = np.ascontiguousarray(x), None
        size = x.size
    flat = np.lib.stride_tricks.as_strided(base, (size,), (item,), writeable=base.flags.writeable)
    off = 0 if start is None else (x.__array_interface__["data"][0] - start) // item
    return flat, int(off)


def _element_positions(shape: tuple, strides: tuple, offset: int) -> np.ndarray:
    pos = np.full(shape, offset, dtype=np.int64)
    for k, (n, s) in enumerate(zip(shape, strides)):
        r = [1] * len(shape)
        r[k] = n
        pos = pos + (np.arange(n, dtype=np.int64) * s).reshape(r)
    return pos


def _as_strided_fwd(x, size, stride, offset):
    flat, _ = _storage(x)
    item = x.dtype.itemsize
    return np.lib.stride_tricks.as_strided(
        flat[offset:], size, tuple(s * item for s in stride), writeable=flat.flags.writeable
    )


def _positions(x_shape, x_strides, x_off, size, stride, offset):
    """(storage positions of the output's elements, of the input's elements, storage size)."""
    p = _element_positions(tuple(size), tuple(stride), offset)
    q = _element_positions(tuple(x_shape), tuple(x_strides), x_off)
    length = int(max(p.max(initial=0), q.max(initial=0))) + 1
    return p, q, length


def _remap_fwd(v, src_pos, dst_pos, length):
    z = np.zeros(length, dtype=v.dtype)
    np.add.at(z, src_pos.reshape(-1), v.reshape(-1))
    return z[dst_pos]


STORAGE_REMAP = defop(
    "as_strided_storage_remap",
    _remap_fwd,
    grads=(lambda F, g, src_pos, dst_pos, length: _remap(F, g, dst_pos, src_pos, length),),
    node="AsStridedBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1 at the same storage position"},
)


def _remap(F, v, src_pos, dst_pos, length):
    return _run(STORAGE_REMAP, (v,), (src_pos, dst_pos, length))


AS_STRIDED = defop(
    "as_strided",
    _as_strided_fwd,
    grads=(lambda F, g, size, stride, offset, p, q, n: _remap(F, g, p, q, n),),
    promote="keep",
    jvp=lambda F, tangents, size, stride, offset, p, q, n: _remap(F, tangents[0], q, p, n),
    explain={"self": "1 at each element read (repeats add up)"},
)


def _as_strided_forward(x, size, stride, offset, p, q, n):
    return _as_strided_fwd(x, size, stride, offset)


AS_STRIDED.forward = _as_strided_forward


def _as_strided_args(self: Tensor, size, stride, storage_offset):
    size = (operator.index(size),) if isinstance(size, int) else tuple(map(operator.index, size))
    stride = (
        (operator.index(stride),) if isinstance(stride, int) else tuple(map(operator.index, stride))
    )
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(
            f"as_strided: Negative strides are not supported at the moment, got strides: "
            f"{list(stride)}"
        )
    if any(n < 0 for n in size):
        raise RuntimeError(
            f"Storage size calculation overflowed with sizes={list(size)} and strides="
            f"{list(stride)}"
        )
    flat, x_off = _storage(self._data)
    offset = x_off if storage_offset is None else operator.index(storage_offset)
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    item = self._data.dtype.itemsize
    need = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if need > flat.size:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
            f"and itemsize {item} requiring a storage size of {need * item} are out of bounds "
            f"for storage of size {flat.size * item}"
        )
    x_strides = tuple(s // item for s in self._data.strides)
    p, q, n = _positions(self._data.shape, x_strides, x_off, size, stride, offset)
    return (tuple(size), tuple(stride), offset, p, q, max(n, flat.size))


def as_strided(
    input: Tensor,  # noqa: A002
    size: Any,
    stride: Any,
    storage_offset: int | None = None,
) -> Tensor:
    """A view of ``input``'s storage with the given sizes and strides (in elements).

    Example:
        >>> import chainrule as torch
        >>> torch.arange(6.0).as_strided((2, 2), (1, 2), 1)
        tensor([[1., 3.],
                [2., 4.]])
    """
    from .shape import _view

    return _view(AS_STRIDED, input, _as_strided_args(input, size, stride, storage_offset))


for _f in (scatter_reduce, index_reduce, masked_scatter, put, as_strided):
    expose(_f)
for _f in (scatter_reduce_, index_reduce_, masked_scatter_, put_):
    expose(_f, method=True)
    PUBLIC.pop(_f.__name__, None)


# ---------------------------------------------------------------- fill_diagonal_ / resize_


def fill_diagonal_(self: Tensor, fill_value: Any, wrap: bool = False) -> Tensor:
    """Fill the main diagonal (``[i, i, ...]``) in place; for a tall matrix with ``wrap``, the
    diagonal starts again every ``ncols + 1`` rows.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(3, 3).fill_diagonal_(5.0)
        tensor([[5., 0., 0.],
                [0., 5., 0.],
                [0., 0., 5.]])
    """
    nd = self._data.ndim
    if nd < 2:
        raise RuntimeError("dimensions must larger than 1")
    h, w = self._data.shape[:2]
    if nd > 2 and any(n != h for n in self._data.shape[1:]):
        raise RuntimeError("all dimensions of input must be of equal length")
    st = self.stride()
    off = self.storage_offset()
    step = sum(st)
    n = min(h, w)
    as_strided(self, (n,), (step,), off).fill_(fill_value)
    if wrap and nd == 2 and h > w + 1:
        numel = self._data.size
        extra = (numel + w) // (w + 1) - n
        as_strided(self, (extra,), (step,), off + st[0] * (w + 1)).fill_(fill_value)
    return self


def resize_(self: Tensor, *sizes: Any, memory_format: Any = None) -> Tensor:
    """Give ``self`` the shape ``sizes`` in place, keeping its elements in storage order (new
    elements are zero; PyTorch leaves them uninitialised).

    Example:
        >>> import chainrule as torch
        >>> torch.arange(6.0).resize_(2, 2)
        tensor([[0., 1.],
                [2., 3.]])
    """
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    shape = tuple(operator.index(s) for s in sizes)
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if any(s < 0 for s in shape):
        raise RuntimeError("numel: integer multiplication overflow")
    n = int(np.prod(shape, dtype=np.int64))
    old = self._data.reshape(-1)
    if n <= old.size and self._data.flags.c_contiguous:
        new = old[:n].reshape(shape)  # still the same storage, as in PyTorch
    else:
        new = np.zeros(n, dtype=self._data.dtype)
        k = min(n, old.size)
        new[:k] = old[:k]
        new = new.reshape(shape)
    self._data = new
    self._vc[0] += 1
    return self


def resize_as_(self: Tensor, the_template: Tensor, *, memory_format: Any = None) -> Tensor:
    """``self.resize_(the_template.shape)``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(4).resize_as_(torch.ones(2, 2)).shape
        torch.Size([2, 2])
    """
    return resize_(self, tuple(the_template._data.shape))


def new_empty_strided(
    self: Tensor,
    size: Any,
    stride: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    layout: Any = None,
    pin_memory: bool = False,
) -> Tensor:
    """A new tensor of ``size`` with the given element strides (``self``'s dtype by default;
    the values are unspecified, here zeros).

    Example:
        >>> import chainrule as torch
        >>> torch.ones(2).new_empty_strided((2, 3), (1, 2)).stride()
        (1, 2)
    """
    from .. import _dtype as D

    size = tuple(map(operator.index, size))
    stride = tuple(map(operator.index, stride))
    npd = self._data.dtype if dtype is None else D.to_dtype(dtype).np
    need = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    buf = np.zeros(max(need, 0), dtype=npd)
    arr = np.lib.stride_tricks.as_strided(buf, size, tuple(s * buf.itemsize for s in stride))
    return wrap(arr, requires_grad=requires_grad)


expose(fill_diagonal_, method=True)
PUBLIC.pop("fill_diagonal_", None)
expose(resize_, method=True)
PUBLIC.pop("resize_", None)
expose(resize_as_, method=True)
expose(new_empty_strided, method=True)
PUBLIC.pop("new_empty_strided", None)
