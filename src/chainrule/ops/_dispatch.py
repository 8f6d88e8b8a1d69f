"""The single hot path: run an op's forward; record a node only when something needs grad.

``apply(op, inputs, params)`` unwraps tensors (Python numbers stay numbers), applies PyTorch's
type promotion, calls the entry's forward on arrays, wraps the results, and -- only when grad
mode is on and an input requires grad -- builds the node: edges, input shapes/dtypes, the
declared saved values with version stamps. ``apply_inplace`` does the same for ``x.op_(...)``
and enforces PyTorch's in-place rules (leaves, views, versions).
"""

from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import _dtype as D
from .._cwarn import cpp_warn
from .._tensor import Tensor, inference_seen, mark_inference, wrap
from ..autograd import anomaly as _anomaly
from ..autograd import grad_mode
from ..autograd.graph import Node, second_backward_error, with_note
from ..autograd.graph import sequence as _sequence

__all__ = ["apply", "apply_inplace", "OpNode", "result_dtype"]

_state = grad_mode.state
_ndarray = np.ndarray
_BY_NP = D._BY_NP
_NO_EDGE = (None, 0)
_array_ns = B.array_ns
# forward-mode AD sets this to its handler while a dual level is active
forward_hook: list = [None]
# anomaly mode sets this to a callable(node) that records the forward traceback
anomaly_hook: list = [None]


class _Sizes(tuple):
    """Saved values that are only sizes (sum, view, expand ...): falsy, so a backward that frees
    saved tensors keeps them and a second backward works, as PyTorch keeps ``self_sym_sizes``."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False


def _holds_array(params: tuple) -> bool:
    """An index or mask among the params: PyTorch saves it as a tensor (freed by backward)."""
    for p in params:
        if isinstance(p, (_ndarray, Tensor)) or (
            p.__class__ in (tuple, list) and any(isinstance(q, (_ndarray, Tensor)) for q in p)
        ):
            return True
    return False


class OpNode(Node):
    """Base of the generated node classes: runs its op entry's backward formulas."""

    __slots__ = ()

    def _apply(self, grads: list, create: bool) -> tuple:
        op = self._op
        saved = self._saved
        if saved is None:
            raise second_backward_error()
        vcs = self._vcs
        if vcs:
            for vc in vcs:
                if vc is not None and vc[0][0] != vc[1]:
                    _check_versions(self)
        if create:
            F = B.tensor_ns()
            vals = _unpack_tensors(self, saved)
            g = grads[0] if op.n_outputs == 1 else tuple(_fill(self, grads, create))
        else:
            # arrays; with scalar_fast, 0-d values as NumPy scalars (far cheaper arithmetic)
            F = _array_ns
            fast = op.scalar_fast
            if op.n_outputs == 1:
                g = grads[0]
                if fast and g.__class__ is _ndarray and not g.ndim:
                    g = g[()]
            else:
                g = tuple(_fill(self, grads, create))
            if not saved:
                vals = saved
            elif len(saved) == 1:
                v = saved[0]
                if v.__class__ is not _ndarray and isinstance(v, Tensor):
                    v = v._data
                if fast and v.__class__ is _ndarray and not v.ndim:
                    v = v[()]
                formulas = op.grads
                if formulas is not None and len(formulas) == 1 and not self._params:
                    return (formulas[0](F, g, v),)  # the commonest node: a direct call
                vals = (v,)
            else:
                vals = []
                for v in saved:
                    if v.__class__ is not _ndarray and isinstance(v, Tensor):
                        v = v._data
                    if fast and v.__class__ is _ndarray and not v.ndim:
                        v = v[()]
                    vals.append(v)
        params = self._params
        formulas = op.grads
        if formulas is not None:
            if len(formulas) == 1:
                return (formulas[0](F, g, *vals, *params),)
            meta = self._meta
            if len(formulas) == 2:  # binary ops: written out
                f0, f1 = formulas
                args = (F, g, *vals, *params)
                return (
                    None if f0 is None or meta[0] is None else f0(*args),
                    None if f1 is None or meta[1] is None else f1(*args),
                )
            res = []
            for k, f in enumerate(formulas):
                res.append(None if f is None or meta[k] is None else f(F, g, *vals, *params))
            return res
        needs = [m is not None for m in self._meta]
        return op.backward(F, g, needs, *vals, *params)

    def _unpack_saved(self, create: bool = True) -> list:
        if self._saved is None:
            raise second_backward_error()
        return _unpack_tensors(self, self._saved)


def fast_apply(op):
    """A node class's ``_apply`` for the commonest ops: one output, per-input formulas, and one
    saved value (exp, sin ...), none (add, sub) or the two inputs (mul, div).

    Arrays only (no ``create_graph``), saved values unmodified, and no 0-d gradient of a
    ``scalar_fast`` op (that one goes through NumPy scalars); anything else, and every error,
    takes ``OpNode._apply``. Returns None for other ops.
    """
    formulas = op.grads
    if formulas is None or op.n_outputs != 1 or op.backward is not None:
        return None
    generic = OpNode._apply
    fast = op.scalar_fast
    F = _array_ns
    nplan = len(op.plan)
    if len(formulas) == 1 and nplan == 1:
        (f0,) = formulas

        def _apply(self, grads: list, create: bool) -> tuple:
            saved = self._saved
            if saved and not create:
                vcs = self._vcs
                vc = vcs[0] if vcs else None
                if vc is None or vc[0][0] == vc[1]:
                    g = grads[0]
                    v = saved[0]
                    c = v.__class__
                    if c is Tensor:
                        v = v._data
                    elif c is not _ndarray:
                        if not isinstance(v, Tensor):
                            return generic(self, grads, create)
                        v = v._data
                    if not fast or (g.ndim and v.ndim):
                        return (f0(F, g, v, *self._params),)
            return generic(self, grads, create)

        return _apply
    if len(formulas) != 2 or nplan not in (0, 2):
        return None
    f0, f1 = formulas
    if nplan == 0:

        def _apply(self, grads: list, create: bool) -> tuple:
            if create or self._saved is None:
                return generic(self, grads, create)
            g = grads[0]
            if fast and not g.ndim:
                return generic(self, grads, create)
            meta = self._meta
            params = self._params
            return (
                None if f0 is None or meta[0] is None else f0(F, g, *params),
                None if f1 is None or meta[1] is None else f1(F, g, *params),
            )

        return _apply

    def _apply(self, grads: list, create: bool) -> tuple:
        saved = self._saved
        if create or not saved:
            return generic(self, grads, create)
        for vc in self._vcs:
            if vc is not None and vc[0][0] != vc[1]:
                return generic(self, grads, create)  # raises the in-place error
        g = grads[0]
        if fast and not g.ndim:
            return generic(self, grads, create)
        a, b = saved
        if a.__class__ is Tensor:
            a = a._data
        elif a is not None and a.__class__ is not _ndarray and isinstance(a, Tensor):
            a = a._data
        if b.__class__ is Tensor:
            b = b._data
        elif b is not None and b.__class__ is not _ndarray and isinstance(b, Tensor):
            b = b._data
        meta = self._meta
        params = self._params
        return (
            None if f0 is None or meta[0] is None else f0(F, g, a, b, *params),
            None if f1 is None or meta[1] is None else f1(F, g, a, b, *params),
        )

    return _apply


def saved_attributes(op, params: list) -> dict:
    """PyTorch's ``grad_fn._saved_<name>`` properties for a node class: what the node saved
    (``_saved_self``, ``_saved_result`` ...) and its parameters (``_saved_exponent`` ...).

    Properties on the generated class, not ``__getattr__``: the engine's attribute reads stay
    plain slot reads.
    """
    attrs = {}
    for k, key in enumerate(op.saves):
        if key.isidentifier():
            attrs["_saved_" + key] = property(lambda node, k=k: _saved_value(node, k))
        elif key.endswith(".shape") and key[:-6].isidentifier():  # as PyTorch's sizes
            attrs[f"_saved_{key[:-6]}_sym_sizes"] = property(
                lambda node, k=k: tuple(node._saved[k])
            )
    for k, key in enumerate(params):
        if key.isidentifier() and "_saved_" + key not in attrs:
            attrs["_saved_" + key] = property(lambda node, k=k, key=key: _saved_param(node, k, key))
    return attrs


def _saved_value(node, k: int):
    v = node._unpack_saved()[k]
    # a Python number operand shows as PyTorch's wrapped-number tensor
    return wrap(np.asarray(v)) if isinstance(v, (bool, int, float)) else v


def _saved_param(node, k: int, key: str):
    if k < len(node._params):
        return node._params[k]
    raise AttributeError(f"'{type(node).__name__}' object has no attribute '_saved_{key}'")


def _fill(node: Node, grads: list, create: bool):
    for i, g in enumerate(grads):
        if g is None and i < len(node._out):
            shape, dt = node._out[i]
            z = np.zeros(shape, dt)
            g = wrap(z) if create else z
        yield g


def _unpack_tensors(node: Node, saved: tuple) -> list:
    vals = []
    for (kind, i), v in zip(node._op.plan, saved):
        if kind == "out" and v is not None:
            t = wrap(v, True)
            t._grad_fn = node
            t._output_nr = i
            vals.append(t)
        else:
            vals.append(v)
    return vals


def _check_versions(node: Node) -> None:
    for (kind, i), v, vc in zip(node._op.plan, node._saved, node._vcs):
        if vc is not None and vc[0][0] != vc[1]:
            if kind == "out":
                arr = v
                where = f", which is output {i} of {_short(node.name())},"
            else:
                arr = v._data
                fn = v._grad_fn
                where = (
                    f", which is output {v._output_nr} of {_short(fn.name())},"
                    if fn is not None
                    else ""
                )
            from .._tensor import legacy_type_name

            tname = legacy_type_name(wrap(arr[()] if arr.ndim == 0 else arr.reshape(-1)[:0]))
            raise with_note(
                RuntimeError(
                    "one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: [{tname} {list(arr.shape)}]{where} is at version "
                    f"{vc[0][0]}; expected version {vc[1]} instead. Hint: enable anomaly "
                    "detection to find the operation that failed to compute its gradient, with "
                    "torch.autograd.set_detect_anomaly(True, check_nan=False)."
                ),
                _anomaly.explain_version_error(node, vc[0]),
            )


def _short(name: str) -> str:
    i = name.find("Backward")
    return name[:i] if i > 0 else name


# ---------------------------------------------------------------- type promotion
def _combine(higher, lower):
    """PyTorch's combine_categories: the higher tier wins unless the lower has a higher kind."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    hr, lr = higher._rank, lower._rank
    if hr == 3:
        return higher
    if lr == 3:
        return higher.to_complex() if hr == 2 else lower
    if hr == 2:
        return higher
    if hr == 0 or lr == 2:
        return D.promote_types(higher, lower)
    return higher


def result_dtype(inputs) -> D.dtype:
    """The dtype PyTorch computes for an op over tensors and Python scalars."""
    dim = zero = wrapped = None
    for v in inputs:
        if isinstance(v, Tensor):
            d = _BY_NP[v._data.dtype]
            if v._data.ndim:
                dim = d if dim is None else D.promote_types(dim, d)
            else:
                zero = d if zero is None else D.promote_types(zero, d)
        elif v is not None:
            d = D.scalar_dtype(v)
            wrapped = d if wrapped is None else D.promote_types(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))


def _arrays(op, inputs):
    """Unwrap inputs to arrays, cast to the promoted dtype as the op's rule says."""
    promote = op.promote
    if promote == "keep":
        return [v._data if isinstance(v, Tensor) else v for v in inputs], None
    # fast paths: one float tensor, or a float tensor with a Python float / same-dtype tensor
    n = len(inputs)
    if n == 2:
        a, b = inputs
        if a.__class__ is Tensor:
            ad = a._data
            if ad.dtype.kind == "f":
                bc = b.__class__
                if bc is float or bc is int:
                    return [ad, b], None
                if bc is Tensor and b._data.dtype is ad.dtype:
                    return [ad, b._data], None
    elif n == 1:
        a = inputs[0]
        if a.__class__ is Tensor and a._data.dtype.kind == "f":
            return [a._data], None
    # fast path: a single tensor among scalars whose kind already covers them
    target = None
    first = None
    for v in inputs:
        if isinstance(v, Tensor):
            if first is None:
                first = v._data.dtype
            elif v._data.dtype != first:
                first = False
                break
        elif v is not None:
            # only Python scalars after a tensor whose kind covers them (NumPy scalars and
            # scalars before the first tensor take the full promotion below)
            k = first.kind if first else None
            tv = type(v)
            if k is not None and (
                (k == "f" and (tv is float or tv is int or tv is bool))
                or (k == "c" and tv in (float, int, bool, complex))
                or (k in "iu" and tv is int)
                or (k == "b" and tv is bool)
            ):
                continue
            first = False
            break
    if first:
        target = _BY_NP[first]
    else:
        # NumPy scalars promote like Python scalars (as in PyTorch) and must stay weak in NumPy
        inputs = [v.item() if isinstance(v, np.generic) else v for v in inputs]
        target = result_dtype(inputs)
    if promote == "float" and target._rank < 2:
        target = D.get_default_dtype()
    npd = target.np
    arrays = []
    for v in inputs:
        if isinstance(v, Tensor):
            a = v._data
            arrays.append(a if a.dtype == npd else a.astype(npd))
        elif type(v) is bool and target._rank > 0:
            arrays.append(int(v))
        else:
            arrays.append(v)
    return arrays, target


def broadcast_mismatch(a: tuple, b: tuple) -> RuntimeError | None:
    """PyTorch's error for shapes ``a`` and ``b`` that do not broadcast (None if they do)."""
    n = max(len(a), len(b))
    for k in range(1, n + 1):
        sa = a[-k] if k <= len(a) else 1
        sb = b[-k] if k <= len(b) else 1
        if sa != sb and sa != 1 and sb != 1:
            return RuntimeError(
                f"The size of tensor a ({sa}) must match the size of tensor b ({sb}) at "
                f"non-singleton dimension {n - k}"
            )
    return None


def _broadcast_error(inputs, exc: Exception) -> Exception:
    shapes = [v._data.shape for v in inputs if isinstance(v, Tensor)]
    if len(shapes) >= 2:
        a = shapes[0]
        for b in shapes[1:]:  # broadcast left to right, as PyTorch's iterator reports it
            err = broadcast_mismatch(a, b)
            if err is not None:
                return err
            a = np.broadcast_shapes(a, b)
    return RuntimeError(str(exc))


def _wrapped_ints(op, arrays, params, exc):
    """PyTorch casts a Python int out of an integer tensor's range into its dtype (wrapping:
    ``int8 + 1000`` adds -24); NumPy raises OverflowError instead. Retry with the casts."""
    dt = next((a.dtype for a in arrays if isinstance(a, _ndarray) and a.dtype.kind in "iu"), None)
    if dt is None:
        raise exc
    try:
        fixed = [np.array(a).astype(dt)[()] if type(a) is int else a for a in arrays]
    except OverflowError:
        raise RuntimeError(f"Overflow when unpacking long: {exc}") from None
    return op.forward(*fixed, *params)


def _run_forward(op, arrays, params, inputs):
    try:
        return op.forward(*arrays, *params)
    except ValueError as exc:
        if "broadcast" in str(exc):
            raise _broadcast_error(inputs, exc) from None
        raise
    except OverflowError as exc:
        return _wrapped_ints(op, arrays, params, exc)


# ---------------------------------------------------------------- apply
def apply(op, inputs: tuple, params: tuple = ()):
    """Run ``op`` on ``inputs`` (tensors or Python scalars) with non-tensor ``params``."""
    # Fast unwrapping for the common cases (one float tensor; a float tensor and a Python
    # number or a tensor of the same dtype), written out: this runs once per op.
    n = len(inputs)
    a = inputs[0]
    arrays = None
    if a.__class__ is Tensor:
        x0 = a._data
        if x0.dtype.kind == "f":
            if n == 1:
                arrays = (x0[()] if op.scalar_fast and not x0.ndim else x0,)
            elif n == 2:
                b = inputs[1]
                bc = b.__class__
                if bc is float or bc is int:
                    arrays = (x0[()] if op.scalar_fast and not x0.ndim else x0, b)
                elif bc is Tensor:
                    x1 = b._data
                    if x1.dtype is x0.dtype:
                        if op.scalar_fast:
                            if not x0.ndim:
                                x0 = x0[()]
                            if not x1.ndim:
                                x1 = x1[()]
                        arrays = (x0, x1)
    if arrays is None:
        arrays, _ = _arrays(op, inputs)
        if op.scalar_fast:
            arrays = [a[()] if a.__class__ is _ndarray and not a.ndim else a for a in arrays]
    try:
        out = op.forward(*arrays, *params)
    except ValueError as exc:
        if "broadcast" in str(exc):
            raise _broadcast_error(inputs, exc) from None
        raise
    except OverflowError as exc:
        out = _wrapped_ints(op, arrays, params, exc)
    if op.n_outputs == 1:
        if out.__class__ is not _ndarray:
            try:
                out = out.__array__()  # a NumPy scalar: cheaper than np.asarray
            except AttributeError:
                out = _asarray(out)
        t = _new(Tensor)
        t._data = out
        t._requires_grad = False
        t._grad_fn = None
        t._output_nr = 0
        t._vc = [0]
        outs = (t,)
    else:
        outs = tuple(wrap(o) for o in out)
    if _state.enabled and op.differentiable:
        for v in inputs:
            if v.__class__ is Tensor or isinstance(v, Tensor):
                if v._requires_grad:
                    _record(op, inputs, params, outs)
                    break
    elif _state.inference:
        mark_inference(outs)
    elif not _state.enabled and op.differentiable:
        # remember where the graph was cut, for the "does not require grad" error
        for v in inputs:
            if isinstance(v, Tensor) and v._requires_grad:
                outs[0].__dict__["_cut"] = ("no_grad", op.node_name)
                break
    if forward_hook[0] is not None:
        forward_hook[0](op, inputs, params, outs)
    return outs[0] if op.n_outputs == 1 else outs


_new = object.__new__
_asarray = np.asarray
_META: dict = {}  # numpy dtype -> {shape: (shape, dtype)}: shared tuples, fewer objects per node


def _meta_of(a) -> tuple:
    """The shared ``(shape, dtype)`` tuple of array ``a``."""
    by_shape = _META.get(a.dtype)
    if by_shape is None:
        by_shape = _META[a.dtype] = {}
    shp = a.shape
    m = by_shape.get(shp)
    if m is None:
        if len(by_shape) > 4096:
            by_shape.clear()
        m = by_shape[shp] = (shp, a.dtype)
    return m


def _edge_meta(v, consumer: int):
    """(graph edge, (shape, dtype) or None) for one op input; ``consumer``: the number of the
    node being recorded."""
    if v.__class__ is Tensor or isinstance(v, Tensor):
        if v._requires_grad:
            fn = v._grad_fn
            edge = (fn, v._output_nr) if fn is not None else (v._accumulate_node(consumer), 0)
            a = v._data
            try:
                return edge, _META[a.dtype][a.shape]
            except KeyError:
                return edge, _meta_of(a)
        return _NO_EDGE, None
    return None, None


def _no_inference(v) -> None:
    if v.is_inference():
        raise RuntimeError(
            "Inference tensors cannot be saved for backward. Please do not use Tensors created "
            "in inference mode in computation tracked by autograd. To work around this, you can "
            "make a clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` "
            "instead of `torch.inference_mode()`."
        )


def no_complex_autograd(name: str) -> NotImplementedError:
    """The error for recording ``name`` with complex values on a tensor that requires grad:
    chainrule has no complex autograd, and a real node's gradient would be wrong."""
    return NotImplementedError(
        f"chainrule has no complex autograd yet: {name} with a complex input or result cannot "
        "be recorded for a tensor that requires grad (its gradient would be wrong). Compute on "
        "real and imaginary parts as real tensors, or under torch.no_grad()."
    )


def _record(op, inputs, params, outs, node=None) -> Node:
    kind = outs[0]._data.dtype.kind
    if kind not in "fc":
        return None
    if kind == "c":
        raise no_complex_autograd(op.name)
    for t in inputs:  # (a loop, not any(): no generator on this path)
        if t.__class__ is not float and isinstance(t, Tensor) and t._data.dtype.kind == "c":
            if t._requires_grad:
                raise no_complex_autograd(op.name)
    if node is None:
        node = _new(op._node_cls or op.node_cls)
    node._seq = next(_sequence)
    if params:
        node._params = params
    n = len(inputs)
    if n <= 2:
        a = inputs[0]
        if a.__class__ is Tensor and a._grad_fn is not None and a._requires_grad:
            # the most common input (an intermediate result): _edge_meta written out
            e0 = (a._grad_fn, a._output_nr)
            x = a._data
            try:
                m0 = _META[x.dtype][x.shape]
            except KeyError:
                m0 = _meta_of(x)
        else:
            e0, m0 = _edge_meta(a, node._seq)
        if n == 1:
            node._edges = (e0,)
            node._meta = (m0,)
            mask = 0 if m0 is None else 1
        else:
            b = inputs[1]
            if b.__class__ is float or b.__class__ is int:
                e1 = m1 = None
            else:
                e1, m1 = _edge_meta(b, node._seq)
            node._edges = (e0, e1)
            node._meta = (m0, m1)
            mask = (0 if m0 is None else 1) | (0 if m1 is None else 2)
    else:
        pairs = [_edge_meta(v, node._seq) for v in inputs]
        node._edges = tuple(p[0] for p in pairs)
        node._meta = meta = tuple(p[1] for p in pairs)
        mask = 0
        for i, m in enumerate(meta):
            if m is not None:
                mask |= 1 << i
    plan = op.plan
    if not plan:
        node._saved = node._vcs = ()
    else:
        todo = op.save_plans[mask] if op.uses else op.save_plans[0]
        if len(plan) == 1 and todo:
            todo = todo[0]
            kind = todo[1]
            if kind == "out":
                o = outs[todo[2]]
                vc = o._vc
                node._saved = (o._data,)
                node._vcs = ((vc, vc[0]),)
            elif kind == "in":
                v = inputs[todo[2]]
                node._saved = (v,)
                if v.__class__ is Tensor or isinstance(v, Tensor):
                    if inference_seen[0]:
                        _no_inference(v)
                    vc = v._vc
                    node._vcs = ((vc, vc[0]),)
                else:
                    node._vcs = ()
            else:
                v = inputs[todo[2]]
                shape = v._data.shape if isinstance(v, Tensor) else ()
                node._saved = (shape,) if _holds_array(params) else _Sizes((shape,))
                node._vcs = ()
        else:
            saved = [None] * len(plan)
            vcs = None
            sizes_only = True
            for k, kind, i in todo:
                if kind != "shape":
                    sizes_only = False
                if kind == "in":
                    v = inputs[i]
                    saved[k] = v
                    if v.__class__ is Tensor or isinstance(v, Tensor):
                        if inference_seen[0]:
                            _no_inference(v)
                        if vcs is None:
                            vcs = [None] * len(plan)
                        vc = v._vc
                        vcs[k] = (vc, vc[0])
                elif kind == "out":
                    o = outs[i]
                    saved[k] = o._data
                    if vcs is None:
                        vcs = [None] * len(plan)
                    vc = o._vc
                    vcs[k] = (vc, vc[0])
                else:
                    v = inputs[i]
                    saved[k] = v._data.shape if isinstance(v, Tensor) else ()
            if sizes_only and todo and not _holds_array(params):
                node._saved = _Sizes(saved)
            else:
                node._saved = tuple(saved)
            node._vcs = () if vcs is None else tuple(vcs)
    # len(outs), not op.n_outputs: split/unbind give a different count per call
    ndiff = len(outs) - op.nondiff_outputs
    if ndiff > 1:
        node._out = tuple((o._data.shape, o._data.dtype) for o in outs[:ndiff])
        for i in range(ndiff):
            o = outs[i]
            o._requires_grad = True
            o._grad_fn = node
            o._output_nr = i
    else:
        o = outs[0]
        o._requires_grad = True
        o._grad_fn = node
    if anomaly_hook[0] is not None:
        anomaly_hook[0](node)
    return node


def make_view(out: Tensor, src: Tensor, op, params: tuple) -> Tensor:
    """Mark ``out`` as a view of ``src`` (shared storage and version counter)."""
    if out._data.base is None and out._data is not src._data:
        return out
    if src._base is not None:
        base, chain = src._base
        out._base = (base, chain + ((op, params),))
    else:
        base = src
        out._base = (src, ((op, params),))
    out._vc = src._vc
    if not _state.enabled:
        # PyTorch: a view made in no_grad mode keeps requires_grad (as a leaf) and may not be
        # modified in place in grad mode later
        out.__dict__["_nograd_view"] = 1
        if src._requires_grad and not _state.inference:
            out._requires_grad = True
    elif src.__dict__.get("_nograd_view"):
        out.__dict__["_nograd_view"] = 2  # a view of such a view
    if base._grad_fn is not None:
        _note_view(base, out)
    return out


_NOGRAD_VIEW_TAIL = (
    "created in no_grad mode and is being modified inplace with grad mode enabled. Given that "
    "this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
    "moving both the view and the inplace either both inside the no_grad block (if you don't "
    "want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."
)


def _nograd_view_error(self: Tensor) -> RuntimeError:
    if self.__dict__.get("_nograd_view") == 2 and self._grad_fn is not None:
        return RuntimeError(
            f"Output {self._output_nr} of {_short(self._grad_fn.name())} is a view of a view "
            f"which was {_NOGRAD_VIEW_TAIL}"
        )
    return RuntimeError(f"A view was {_NOGRAD_VIEW_TAIL}")


# live views of non-leaf bases: when the storage is changed in place through one of them (or
# the base), the others' grad_fn must be rebuilt from the base's new one, as PyTorch does
_LIVE_VIEWS: dict = {}  # id(base) -> [weakref(base), [weakref(view), ...], prune size]


def _note_view(base: Tensor, view: Tensor) -> None:
    import weakref

    k = id(base)
    entry = _LIVE_VIEWS.get(k)
    if entry is None or entry[0]() is not base:

        def _gone(r, k=k):
            e = _LIVE_VIEWS.get(k)
            if e is not None and e[0] is r:
                del _LIVE_VIEWS[k]

        entry = _LIVE_VIEWS[k] = [weakref.ref(base, _gone), [], 16]
    refs = entry[1]
    refs.append(weakref.ref(view))
    if len(refs) > entry[2]:  # drop dead views now and then (amortized)
        refs[:] = [r for r in refs if r() is not None]
        entry[2] = 2 * len(refs) + 16


def _refresh_views(base: Tensor, skip: Tensor) -> None:
    """Rebuild the grad_fn of ``base``'s other live views after an in-place change."""
    entry = _LIVE_VIEWS.get(id(base))
    if entry is None or entry[0]() is not base:
        return
    hook = forward_hook[0]
    forward_hook[0] = None
    try:
        for r in list(entry[1]):
            v = r()
            if v is None or v is skip or v._base is None or v._base[0] is not base:
                continue
            t = base
            for op, params in v._base[1]:
                t = apply(op, (t,), params)
            v._grad_fn = _as_strided(t._grad_fn)
            v._output_nr = t._output_nr
            v._requires_grad = t._requires_grad
    finally:
        forward_hook[0] = hook


_AS_STRIDED: dict = {}  # node class -> its subclass named AsStridedBackward0


def _as_strided(node: Node | None) -> Node | None:
    """A view's node rebuilt after an in-place change: PyTorch regenerates it as an
    ``as_strided`` of the base and names it ``AsStridedBackward0``; the math is the view op's."""
    if node is None:
        return node
    cls = type(node)
    sub = _AS_STRIDED.get(cls)
    if sub is None:
        sub = type(
            "AsStridedBackward0", (cls,), {"__slots__": (), "name": lambda n: "AsStridedBackward0"}
        )
        _AS_STRIDED[cls] = sub
    try:
        node.__class__ = sub
    except TypeError:  # pragma: no cover - generated node classes share their layout
        pass
    return node


# ---------------------------------------------------------------- in-place
def check_inference_write(self: Tensor) -> None:
    if inference_seen[0] and not _state.inference and self.__dict__.get("_inference"):
        raise RuntimeError(
            "Inplace update to inference tensor outside InferenceMode is not allowed.You can "
            "make a clone to get a normal tensor before doing inplace update.See "
            "https://github.com/pytorch/rfcs/pull/17 for more details."
        )


def _check_inplace(self: Tensor) -> None:
    check_inference_write(self)
    if not _state.enabled:
        return
    if self._requires_grad and self._base is not None and self.__dict__.get("_nograd_view"):
        raise _nograd_view_error(self)
    if self._grad_fn is None and self._requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    if self._base is not None:
        base = self._base[0]
        if base._grad_fn is None and base._requires_grad:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation."
            )
        if self._grad_fn is not None and any(
            getattr(p, "multi_output_view", False) for _, p in self._base[1]
        ):
            # views made by split/unbind (params marked by ops.shape), as PyTorch refuses
            raise RuntimeError(
                f"Output {self._output_nr} of {_short(self._grad_fn.name())} is a view and is "
                "being modified inplace. This view is the output of a function that returns "
                "multiple views. Such functions do not allow the output views to be modified "
                "inplace. You should replace the inplace operation by an out-of-place one."
            )


def _store(self: Tensor, out) -> None:
    dst = self._data
    if type(out) is not _ndarray:
        out = np.asarray(out)
    if out.shape != dst.shape:
        try:
            bshape = np.broadcast_shapes(out.shape, dst.shape)
        except ValueError:
            bshape = out.shape
        if bshape != dst.shape:
            raise RuntimeError(
                f"output with shape {list(dst.shape)} doesn't match the broadcast shape "
                f"{list(bshape)}"
            )
    if not dst.flags.writeable:  # an expanded (broadcast) view: PyTorch's internal overlap
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation."
        )
    np.copyto(dst, out, casting="unsafe")


def write_out(name: str, result, out, args: tuple):
    """Write ``result`` (a tensor or tuple of tensors) into ``out``, as ``out=`` does in PyTorch:
    no autograd, resize when the shape differs (warning unless ``out`` was empty), cast to
    ``out``'s dtype when the kinds allow it."""
    if isinstance(result, tuple):
        return type(result)(write_out(name, r, o, args) for r, o in zip(result, out))
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if _state.enabled and (
        out._requires_grad
        or result._requires_grad
        or any(isinstance(a, Tensor) and a._requires_grad for a in args)
    ):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    _cast_check(out, _BY_NP[result._data.dtype])
    if out._data.shape != result._data.shape:
        if out._data.size:
            cpp_warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out._data.shape)}, which does not match the required output shape "
                f"{list(result._data.shape)}. This behavior is deprecated, and in a future "
                "PyTorch release outputs will not be resized unless they have zero elements. "
                "You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                "elements with t.resize_(0).",
                "aten/src/ATen/native/Resize.cpp:30",
                stacklevel=3,
            )
        out._data = np.empty(result._data.shape, out._data.dtype)
    np.copyto(out._data, result._data, casting="unsafe")
    out._vc[0] += 1
    return out


def _cast_check(self: Tensor, target) -> None:
    own = _BY_NP[self._data.dtype]
    if target is not None and target._rank > own._rank:
        raise RuntimeError(
            f"result type {target.word} can't be cast to the desired output type {own.word}"
        )


def _type_word(d) -> str:
    """PyTorch's ScalarType name of a dtype (``Float``), as its messages print it."""
    return d.word


def apply_inplace(op, inputs: tuple, params: tuple = ()) -> Tensor:
    """``inputs[0].<op>_(...)``: compute, write into inputs[0], and rebase its graph."""
    self = inputs[0]
    _check_inplace(self)
    arrays, target = _arrays(op, inputs)
    _cast_check(self, target)
    dst = self._data
    # write straight into self's memory when the op is a plain ufunc on self's own array
    direct = (
        op.ufunc is not None
        and (not params or params == (1,))
        and arrays[0] is dst
        and dst.flags.writeable
    )
    out = None if direct else _run_forward(op, arrays, params, inputs)
    record = (
        _state.enabled
        and op.differentiable
        and self._data.dtype.kind in "fc"
        and any(isinstance(v, Tensor) and v._requires_grad for v in inputs)
    )
    if record and self._base is not None and self.__dict__.get("_nograd_view"):
        raise _nograd_view_error(self)
    if (record and _saves_self(op, inputs)) or (
        # a forward-mode rule may read self's old value whichever input carries the tangent
        forward_hook[0] is not None
        and any(isinstance(v, Tensor) and v._fw for v in inputs)
        and any(k == "in" and i == 0 for k, i in op.plan)
    ):
        # a formula needs self's old value: keep a copy before it is overwritten
        old = wrap(self._data.copy(), True)
        old._grad_fn = self._grad_fn
        old._output_nr = self._output_nr
        old._accum = self._accum
        if self._grad_fn is None:  # leaf not requiring grad: a constant
            old._requires_grad = False
        inputs = (old,) + tuple(inputs[1:])
    if direct:
        try:
            op.ufunc(*arrays, out=dst)
        except ValueError:  # the other operand broadcasts to a larger shape
            _store(self, _run_forward(op, arrays, params, inputs))
    else:
        _store(self, out)
    self._vc[0] += 1
    if _state.enabled:  # remember the line, for the "modified by an inplace operation" error
        _anomaly.note_inplace(self._vc, op.name)
    if record:
        node = op.node_cls()
        res = wrap(self._data)
        res._vc = self._vc
        _record(op, inputs, params, (res,), node)
        if self._base is not None:
            _rebase_view(self, node)
        else:
            self._grad_fn = node
            self._output_nr = 0
            self._requires_grad = True
        root = self if self._base is None else self._base[0]
        if id(root) in _LIVE_VIEWS:
            _refresh_views(root, self)
    if forward_hook[0] is not None:
        forward_hook[0](op, inputs, params, (self,), inplace=True)
        if self._base is not None and self._fw:
            _view_tangent_to_base(self)
    return self


def _saves_self(op, inputs: tuple) -> bool:
    """The formulas of the inputs that require grad read input 0 (``x.mul_(w)`` with only w
    requiring grad needs x's old value; with only x requiring grad it does not)."""
    if not op.uses:
        return any(kind == "in" and i == 0 for _, kind, i in op.save_plans[0])
    mask = 0
    for k, v in enumerate(inputs):
        if isinstance(v, Tensor) and v._requires_grad:
            mask |= 1 << k
    return any(kind == "in" and i == 0 for _, kind, i in op.save_plans[mask])


def _view_tangent_to_base(view: Tensor) -> None:
    """Forward AD: a view modified in place changes its base's tangent too (as in PyTorch,
    where the two tangents share memory)."""
    from ..autograd.forward_ad import _batch, _set_tangent

    base, chain = view._base
    nb = _batch[0]  # tangents batched along a leading dim (vectorized jacobians)
    lead = (nb,) if nb is not None else ()
    hook = forward_hook[0]
    forward_hook[0] = None  # the tangent update itself carries no tangents
    try:
        for level, t in list(view._fw.items()):
            bt = base._fw.get(level) if base._fw else None
            if not t._requires_grad and (bt is None or not bt._requires_grad):
                new = np.zeros(lead + base._data.shape, t._data.dtype)
                if bt is not None:
                    np.copyto(new, bt._data)
                for i in range(nb or 1):
                    dst = new if nb is None else new[i]
                    np.copyto(_view_of(dst, chain), t._data if nb is None else t._data[i])
                if nb is None:
                    _set_tangent(view, wrap(_view_of(new, chain)), level)
                _set_tangent(base, wrap(new), level)
                continue
            # differentiable tangents (forward-over-reverse): update through views + copy_
            shape = lead + base._data.shape
            new = bt.clone() if bt is not None else wrap(np.zeros(shape, t._data.dtype))
            for i in range(nb or 1):
                r = new if nb is None else new[i]
                for op, params in chain:
                    r = make_view(apply(op, (r,), params), r, op, params)
                r.copy_(t if nb is None else t[i])
            _set_tangent(base, new, level)
    finally:
        forward_hook[0] = hook


# ---------------------------------------------------------------- views modified in place
class CopySlices(Node):
    """The base's node after one of its views was modified in place (PyTorch's name)."""

    __slots__ = ("_fn", "_chain", "_base_shape")

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    def _apply(self, grads: list, create: bool) -> tuple:
        g = grads[0]
        if create:
            return self._apply_create(g)
        g = np.array(g, copy=True)
        region = _view_of(g, self._chain)
        inner = self._fn._apply([np.array(region)], False)
        region[...] = 0 if inner[0] is None else _sum_to(inner[0], region.shape)
        return [g, *inner[1:]]

    def _apply_create(self, g: Tensor) -> list:
        """The same with Tensors (create_graph=True): the region is replaced through views of a
        clone of ``g`` and ``copy_``, so the result is itself differentiable."""
        region = g
        for op, params in self._chain:
            region = apply(op, (region,), params)
        inner = self._fn._apply([region], True)
        out = g.clone()
        r = out
        for op, params in self._chain:
            r = make_view(apply(op, (r,), params), r, op, params)
        if inner[0] is None:
            r.zero_()
        else:
            from ..autograd.engine import sum_to

            v = inner[0] if isinstance(inner[0], Tensor) else wrap(np.asarray(inner[0]))
            r.copy_(sum_to(v, tuple(r._data.shape), True))
        return [out, *inner[1:]]


def _view_of(arr, chain):
    for op, params in chain:
        arr = op.forward(arr, *params)
    return arr


def _sum_to(g, shape):
    from ..autograd.engine import sum_to

    return sum_to(g, shape, False)


def _rebase_view(view: Tensor, fn: Node) -> None:
    base, chain = view._base
    node = CopySlices()
    node._fn = fn
    node._chain = chain
    edges = [base._edge()] + list(fn._edges[1:])
    meta = [(base._data.shape, base._data.dtype)] + list(fn._meta[1:])
    node._edges = tuple(edges)
    node._meta = tuple(meta)
    base._grad_fn = node
    base._output_nr = 0
    base._requires_grad = True
    # regenerate the view's own node from the new base
    with grad_mode.enable_grad():
        t = base
        for op, params in chain:
            t = apply(op, (t,), params)
    view._grad_fn = _as_strided(t._grad_fn)
    view._output_nr = t._output_nr
    view._requires_grad = True


# ---------------------------------------------------------------- specialized entry points
def specialize(op, params: tuple = (), name: str | None = None):
    """``f(a)`` / ``f(a, b)`` equal to ``apply(op, inputs, params)``, with a fast lane.

    The lane covers the commonest call in scalar-heavy code: grad mode on, float tensors (and
    Python numbers), nothing hooked (forward AD, anomaly mode). It does what ``apply`` and
    ``_record`` do, with the op's fields bound once instead of read per call; every other call
    goes to ``apply``. With ``name``, ``f`` takes ``out=`` as PyTorch's function does.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.ops.elementwise import EXP
        >>> torch.ops._dispatch.specialize(EXP)(torch.tensor(0.0))
        tensor(1.)
    """
    if op.n_outputs != 1 or op.nondiff_outputs or not op.differentiable or op.backward:
        raise ValueError(f"op {op.name!r}: only single-output ops with grads formulas")
    forward = op.forward
    scalar_fast = op.scalar_fast
    plan = op.plan
    save_plans = op.save_plans if op.uses else op.save_plans * (1 << len(op.inputs))
    nplan = len(plan)
    state = _state
    hooks = (forward_hook, anomaly_hook)

    unary_op = len(op.inputs) == 1
    # ops that save just their result (True) or just their first input (False) when only the
    # first input requires grad; else None
    single_save = None
    if nplan == 1 and save_plans[1] == ((0, "out", 0),):
        single_save = True
    elif nplan == 1 and save_plans[1] == ((0, "in", 0),):
        single_save = False
    # binary ops that save (self, other) (mul, div ...): per mask, which of the two are kept
    pair_saves = None
    if not unary_op and op.plan == (("in", 0), ("in", 1)):
        pair_saves = tuple(
            (any(k == 0 for k, _, _ in p), any(k == 1 for k, _, _ in p)) for p in save_plans
        )

    def finish(out, a, b, other):
        """Wrap ``out``; record the node when an input requires grad. ``b``: ``other`` when
        it is a tensor, else None; ``other``: the second input (None for a unary op)."""
        if out.__class__ is not _ndarray:
            try:
                out = out.__array__()
            except AttributeError:
                out = _asarray(out)
        t = _new(Tensor)
        t._data = out
        t._output_nr = 0
        t._vc = [0]
        ra = a._requires_grad
        rb = b is not None and b._requires_grad
        if not (ra or rb) or out.dtype.kind != "f":
            if (ra or rb) and out.dtype.kind == "c":
                raise no_complex_autograd(op.name)
            t._requires_grad = False
            t._grad_fn = None
            return t
        node = _new(op._node_cls or op.node_cls)
        node._seq = next(_sequence)
        if params:
            node._params = params
        if ra:
            fn = a._grad_fn
            e0 = (fn, a._output_nr) if fn is not None else (a._accumulate_node(node._seq), 0)
            x = a._data
            try:
                m0 = _META[x.dtype][x.shape]
            except KeyError:
                m0 = _meta_of(x)
        else:
            e0, m0 = _NO_EDGE, None
        if unary_op:
            node._edges = (e0,)
            node._meta = (m0,)
            mask = 1
        else:
            if rb:
                fn = b._grad_fn
                e1 = (fn, b._output_nr) if fn is not None else (b._accumulate_node(node._seq), 0)
                x = b._data
                try:
                    m1 = _META[x.dtype][x.shape]
                except KeyError:
                    m1 = _meta_of(x)
            elif b is None:
                e1 = m1 = None  # a Python number
            else:
                e1, m1 = _NO_EDGE, None
            node._edges = (e0, e1)
            node._meta = (m0, m1)
            mask = (1 if ra else 0) | (2 if rb else 0)
        if single_save is not None and (unary_op or mask == 1):
            # one value saved (exp, sin, tanh, x ** 2 ...): tuples built directly
            if single_save:  # the result
                vc = t._vc
                node._saved = (out,)
            else:  # the input
                vc = a._vc
                node._saved = (a,)
                if inference_seen[0]:
                    _no_inference(a)
            node._vcs = ((vc, vc[0]),)
        elif pair_saves is not None:
            keep_a, keep_b = pair_saves[mask]
            if inference_seen[0]:
                if keep_a:
                    _no_inference(a)
                if keep_b and b is not None:
                    _no_inference(b)
            vc0 = vc1 = None
            if keep_a:
                vc = a._vc
                vc0 = (vc, vc[0])
            if keep_b and b is not None:
                vc = b._vc
                vc1 = (vc, vc[0])
            node._saved = (a if keep_a else None, other if keep_b else None)
            node._vcs = () if vc0 is None and vc1 is None else (vc0, vc1)
        elif nplan:
            # the saved values and version stamps, as _record keeps them
            saved = [None] * nplan
            vcs = None
            sizes_only = True
            for k, kind, i in save_plans[mask]:
                if kind != "shape":
                    sizes_only = False
                if kind == "out":
                    saved[k] = out
                    v = t
                else:
                    v = other if i else a
                    if kind == "shape":
                        saved[k] = v._data.shape if v.__class__ is Tensor else ()
                        continue
                    saved[k] = v
                    if v.__class__ is not Tensor:
                        continue
                    if inference_seen[0]:
                        _no_inference(v)
                if vcs is None:
                    vcs = [None] * nplan
                vc = v._vc
                vcs[k] = (vc, vc[0])
            if sizes_only and save_plans[mask] and not _holds_array(params):
                node._saved = _Sizes(saved)
            else:
                node._saved = tuple(saved)
            node._vcs = () if vcs is None else tuple(vcs)
        else:
            node._saved = node._vcs = ()
        t._requires_grad = True
        t._grad_fn = node
        return t

    if unary_op:

        def unary(a, *, out=None):
            if (
                out is None
                and a.__class__ is Tensor
                and state.enabled
                and hooks[0][0] is None
                and hooks[1][0] is None
            ):
                x = a._data
                if x.dtype.kind == "f":
                    if scalar_fast and not x.ndim:
                        x = x[()]
                    return finish(forward(x, *params), a, None, None)
            if out is None:
                return apply(op, (a,), params)
            return write_out(name, apply(op, (a,), params), out, (a,))

        fn = unary
    else:

        def binary(a, b, *, out=None):
            if (
                out is None
                and a.__class__ is Tensor
                and state.enabled
                and hooks[0][0] is None
                and hooks[1][0] is None
            ):
                x = a._data
                if x.dtype.kind == "f":
                    bc = b.__class__
                    if bc is float or bc is int:
                        if scalar_fast and not x.ndim:
                            x = x[()]
                        return finish(forward(x, b, *params), a, None, b)
                    if bc is Tensor:
                        y = b._data
                        if y.dtype is x.dtype:
                            if scalar_fast:
                                if not x.ndim:
                                    x = x[()]
                                if not y.ndim:
                                    y = y[()]
                            try:
                                res = forward(x, y, *params)
                            except ValueError:
                                return apply(op, (a, b), params)  # raises PyTorch's error
                            return finish(res, a, b, b)
            if out is None:
                return apply(op, (a, b), params)
            return write_out(name, apply(op, (a, b), params), out, (a, b))

        fn = binary
    if name is not None:
        fn.__name__ = fn.__qualname__ = name
        fn._handles_out = True
    return fn
