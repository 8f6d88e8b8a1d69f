"""Forward-mode AD (``torch.autograd.forward_ad``): dual tensors carry a tangent through ops.

Inside ``dual_level()``, ``make_dual(primal, tangent)`` gives a tensor whose tangent every op
pushes forward with its entry's JVP rule (explicit, or derived from the entry's kind:
``linear``, ``bilinear``, ``elementwise``). ``unpack_dual(t)`` returns ``(primal, tangent)``.
One forward pass gives one Jacobian-vector product ``J v``.

Tangents are computed with NumPy, or with chainrule's own ops when a primal or a tangent
requires grad, so reverse mode can differentiate through them (reverse-over-forward) and forward
mode through a backward pass built with ``create_graph=True`` (forward-over-reverse).

Example:
    >>> import chainrule as torch
    >>> import chainrule.autograd.forward_ad as fwAD
    >>> x = torch.tensor([0.0, 1.0])
    >>> with fwAD.dual_level():
    ...     y = torch.sin(fwAD.make_dual(x, torch.ones(2)))
    ...     fwAD.unpack_dual(y).tangent
    tensor([1.0000, 0.5403])
"""

from __future__ import annotations

import weakref
from collections import namedtuple
from typing import Any

import numpy as np

from .. import _backend as B
from .._tensor import Tensor, wrap
from . import grad_mode

__all__ = [
    "dual_level",
    "make_dual",
    "unpack_dual",
    "enter_dual_level",
    "exit_dual_level",
    "UnpackedDualTensor",
]

_state = grad_mode.state
UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])

_levels: list = []  # the active level (at most one: nesting is not supported, as in torch)
_next_level = [0]
_duals: dict = {}  # id -> weakref of tensors holding a tangent at the active level
# while not None: tangents carry a leading batch dimension of this size (vectorized jacobians)
_batch: list = [None]
fallbacks: dict = {}  # op name -> times its JVP could not batch (vectorized jacobians)


def _current_level() -> int | None:
    return _levels[-1] if _levels else None


def enter_dual_level() -> int:
    """Open a new forward-AD level and return it (prefer ``with dual_level():``)."""
    if _levels:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    from ..ops import _dispatch

    level = _next_level[0]
    _next_level[0] += 1
    _levels.append(level)
    _dispatch.forward_hook[0] = _handler
    return level


def exit_dual_level(*, level: int | None = None) -> None:
    """Close the level: every tangent recorded at it is dropped."""
    from ..ops import _dispatch

    cur = _current_level()
    if level is None:
        level = cur
    if level != cur:
        raise RuntimeError(
            "Trying to exit a forward AD level that was not the last one that was created. This "
            "is not supported."
        )
    _levels.pop()
    for ref in list(_duals.values()):
        t = ref()
        if t is not None and t._fw:
            t._fw.pop(level, None)
            if not t._fw:
                t._fw = None
    _duals.clear()
    _dispatch.forward_hook[0] = None


class dual_level:
    """Context manager for forward AD: tangents exist only inside it.

    Example:
        >>> import chainrule as torch
        >>> import chainrule.autograd.forward_ad as fwAD
        >>> with fwAD.dual_level():
        ...     d = fwAD.make_dual(torch.tensor(2.0), torch.tensor(1.0))
        ...     fwAD.unpack_dual(d * d).tangent
        tensor(4.)
    """

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc: Any) -> None:
        exit_dual_level()


def _set_tangent(t: Tensor, tangent: Tensor, level: int) -> None:
    if t._fw is None:
        t._fw = {}
    t._fw[level] = tangent
    _duals[id(t)] = weakref.ref(t)


def _alias(t: Tensor, name: str) -> Tensor:
    """A tensor sharing ``t``'s storage; differentiable (node ``name``) when ``t`` needs grad."""
    if _state.enabled and t._requires_grad:
        fn = _ALIAS.get(name)
        if fn is None:
            fn = type(name, (_alias_base(),), {})
            fn._backward_cls.__name__ = name
            _ALIAS[name] = fn
        return fn.apply(t)
    out = wrap(t._data)
    out._vc = t._vc
    return out


_ALIAS: dict = {}


def _alias_base():
    if "" not in _ALIAS:
        from .function import Function

        class _AliasBase(Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g

            @staticmethod
            def jvp(ctx, t):
                return None  # an alias drops the tangent (make_dual sets a new one)

        _ALIAS[""] = _AliasBase
    return _ALIAS[""]


def make_dual(tensor: Tensor, tangent: Tensor, *, level: int | None = None) -> Tensor:
    """A view of ``tensor`` carrying ``tangent`` as its forward gradient at ``level``.

    Example:
        >>> import chainrule as torch
        >>> import chainrule.autograd.forward_ad as fwAD
        >>> with fwAD.dual_level():
        ...     d = fwAD.make_dual(torch.ones(2), torch.zeros(2))
        ...     fwAD.unpack_dual(d).tangent
        tensor([0., 0.])
    """
    if level is None:
        level = _current_level()
    if level is None:
        raise RuntimeError(
            "Trying to create a dual Tensor for forward AD but no level exists, make sure to "
            "enter_dual_level() first."
        )
    if not isinstance(tangent, Tensor):
        raise TypeError(
            f"make_dual(): argument 'tangent' must be Tensor, not {type(tangent).__name__}"
        )
    if tangent._data.dtype.kind not in "fc":
        raise ValueError(
            f"Expected tangent to be floating point or complex, but got: {tangent.dtype}"
        )
    if tensor._data.dtype.kind not in "fc":
        raise ValueError(
            f"Expected primal to be floating point or complex, but got: {tensor.dtype}"
        )
    b = _batch[0]
    expect = tensor._data.shape if b is None else (b,) + tensor._data.shape
    if tangent._data.shape != expect:
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}."
        )
    out = _alias(tensor, "ViewBackward0")
    if tangent._data.dtype != tensor._data.dtype:
        tangent = tangent.to(tensor.dtype)
    _set_tangent(out, tangent, level)
    return out


def unpack_dual(tensor: Tensor, *, level: int | None = None) -> UnpackedDualTensor:
    """``(primal, tangent)`` of a dual tensor; tangent is None when it has none at ``level``."""
    if level is None:
        level = _current_level()
    if level is None:
        return UnpackedDualTensor(tensor, None)
    tangent = tensor._fw.get(level) if tensor._fw else None
    if tangent is None and not tensor._fw:
        return UnpackedDualTensor(_alias(tensor, "Identity"), None)
    return UnpackedDualTensor(_alias(tensor, "Identity"), tangent)


# ---------------------------------------------------------------- the dispatch handler
def _not_supported(op) -> NotImplementedError:
    return NotImplementedError(
        f"Trying to use forward AD with aten::{op.name} that does not support it."
    )


def _handler(op, inputs, params, outs, inplace: bool = False) -> None:
    """Called by dispatch after every op while a level is active: push tangents forward."""
    level = _levels[-1]
    tans = None
    for k, v in enumerate(inputs):
        if isinstance(v, Tensor) and v._fw:
            t = v._fw.get(level)
            if t is not None:
                if tans is None:
                    tans = [None] * len(inputs)
                tans[k] = t
    if inplace and outs[0]._fw and level in outs[0]._fw:
        # the op overwrote self: its old tangent is still on the output tensor
        if tans is None:
            tans = [None] * len(inputs)
        tans[0] = outs[0]._fw[level]
    if tans is None:
        if inplace and outs[0]._fw:
            outs[0]._fw.pop(level, None)
        return
    if not op.differentiable:
        return  # comparisons, argmax ...: outputs carry no tangent
    if op.jvp is None:
        raise _not_supported(op)
    # batched (vectorized jacobian) tangents are never differentiated: NumPy is enough
    use_tensor = (
        _batch[0] is None
        and _state.enabled
        and (
            any(isinstance(v, Tensor) and v._requires_grad for v in inputs)
            or any(t is not None and t._requires_grad for t in tans)
        )
    )
    from ..ops import _dispatch

    hook = _dispatch.forward_hook[0]
    _dispatch.forward_hook[0] = None  # tangent arithmetic must not itself carry tangents
    try:
        res = _jvp(op, inputs, params, outs, tans, use_tensor)
    finally:
        _dispatch.forward_hook[0] = hook
    ndiff = len(outs) - op.nondiff_outputs  # split/unbind: the count varies per call
    for k in range(ndiff):
        o = outs[k]
        r = res[k] if k < len(res) else None
        if r is None or o._data.dtype.kind not in "fc":
            continue
        if not isinstance(r, Tensor):
            r = wrap(np.asarray(r))
        _set_tangent(o, r, level)


# Batched forward rules for linear ops with axis/shape parameters and matrix-vector products
# (NumPy path): tangents arrive as (batch, *input shape).
def _jvp_reshape(op, vals, params, out_shape, tv, b):
    return np.reshape(tv[0], (b,) + out_shape)


def _jvp_full_reduce(op, vals, params, out_shape, tv, b):
    r = np.reshape(tv[0], (b, -1)).sum(axis=1)
    return r / max(1, tv[0][0].size) if op.name == "mean" else r


def _jvp_dim_reduce(op, vals, params, out_shape, tv, b):
    dims, keepdim = params[0], params[1]
    t = tv[0]
    if t.ndim == 1:  # a 0-d input
        return t
    r = np.sum(t, axis=tuple(d + 1 for d in dims), keepdims=keepdim)
    if op.name == "mean_dim":
        r = r / max(1, int(np.prod([t.shape[d + 1] for d in dims])))
    return r


def _jvp_expand(op, vals, params, out_shape, tv, b):
    t = tv[0]
    pad = len(out_shape) - (t.ndim - 1)
    return np.broadcast_to(np.reshape(t, (b,) + (1,) * pad + t.shape[1:]), (b,) + out_shape)


def _jvp_mv(op, vals, params, out_shape, tv, b):
    a, x = vals[0], vals[1]
    r = 0
    if tv[0] is not None:  # (b, m, k) @ (k,)
        r = r + np.matmul(tv[0], x)
    if tv[1] is not None:  # a @ each (k,) direction = (b, k) @ a.T
        r = r + np.matmul(tv[1], np.swapaxes(a, -1, -2))
    return r


def _jvp_dot(op, vals, params, out_shape, tv, b):
    a, x = vals[0], vals[1]
    r = 0
    if tv[0] is not None:
        r = r + np.matmul(tv[0], x)
    if tv[1] is not None:
        r = r + np.matmul(tv[1], a)
    return r


_RESHAPES = ("view", "_unsafe_view", "squeeze", "squeeze_dim", "squeeze_dims", "unsqueeze", "alias")
BATCH_JVP = {
    **{n: _jvp_reshape for n in _RESHAPES},
    "sum": _jvp_full_reduce,
    "mean": _jvp_full_reduce,
    "sum_dim": _jvp_dim_reduce,
    "mean_dim": _jvp_dim_reduce,
    "expand": _jvp_expand,
    "mv": _jvp_mv,
    "dot": _jvp_dot,
}


def _jvp(op, inputs, params, outs, tans, use_tensor) -> list:
    b = _batch[0]
    if b is None:
        return _jvp_once(op, inputs, params, outs, tans, use_tensor, None)
    from .functional import _weights, agrees, batch_safe, combine

    rule = BATCH_JVP.get(op.name)
    if rule is not None and not use_tensor and op.n_outputs == 1:
        vals = [v._data if isinstance(v, Tensor) else v for v in inputs]
        tv = [None if t is None else t._data for t in tans]
        r = np.asarray(rule(op, vals, params, outs[0]._data.shape, tv, b))
        return [wrap(np.array(r, dtype=outs[0]._data.dtype))]

    def single(k):
        return _jvp_once(
            op, inputs, params, outs, [None if t is None else t[k] for t in tans], use_tensor, None
        )

    def arrays(rs):
        return [None if r is None else (r._data if isinstance(r, Tensor) else r) for r in rs]

    try:
        res = _jvp_once(op, inputs, params, outs, tans, use_tensor, b)
        ok = all(
            r is None or tuple(r.shape) == (b,) + o._data.shape
            for r, o in zip(res, outs[: len(res)])
        )
        if ok and not batch_safe(
            op,
            [v._data.shape if isinstance(v, Tensor) else None for v in inputs],
            outs[0]._data.shape,
        ):
            # rules with dims/reshapes may batch wrongly with the right shapes: check by
            # linearity with one unbatched call on a random combination of the directions
            w = _weights(b)
            comb = [None if t is None else combine(t, w) for t in tans]
            ok = agrees(
                arrays(res), arrays(_jvp_once(op, inputs, params, outs, comb, False, None)), w
            )
    except Exception:
        ok = False
    if ok:
        return res
    # this op's rule does not batch: one JVP per basis vector (only for this op)
    fallbacks[op.name] = fallbacks.get(op.name, 0) + 1
    per = [single(k) for k in range(b)]
    out = []
    for k in range(len(per[0])):
        col = [p[k] for p in per]
        if col[0] is None:
            out.append(None)
        elif use_tensor:
            from .functional import stack

            out.append(stack(col))
        else:
            out.append(wrap(np.stack([c._data if isinstance(c, Tensor) else c for c in col])))
    return out


def _jvp_once(op, inputs, params, outs, tans, use_tensor, b) -> list:
    """One forward-mode step: the output tangents, Tensors of (batch +) output shape."""
    if use_tensor:
        F = B.tensor_ns()
        vals = list(inputs)
        tv = list(tans)
        ovals = list(outs)
    else:
        F = B.array_ns
        vals = [v._data if isinstance(v, Tensor) else v for v in inputs]
        tv = [None if t is None else t._data for t in tans]
        ovals = [o._data for o in outs]
    lead = () if b is None else (b,)
    kind = op.jvp
    out_shape = outs[0]._data.shape
    out_nd = len(out_shape)
    if kind == "linear":
        args = []
        for t in tv:
            if t is not None:
                args.append(_expand_batch(F, t, out_nd) if b is not None else t)
            else:
                args.append(0)
        if use_tensor:
            from ..ops import _dispatch

            res = _dispatch.apply(op, tuple(args), params)
            res = res if isinstance(res, tuple) else (res,)
        else:
            arrs = [a._data if isinstance(a, Tensor) else a for a in args]
            r = op.forward(*arrs, *params)
            res = r if isinstance(r, tuple) else (r,)
    elif kind == "bilinear":
        total = None
        for k, t in enumerate(tv):
            if t is None:
                continue
            args = list(vals)
            args[k] = _expand_batch(F, t, out_nd) if b is not None else t
            if use_tensor:
                from ..ops import _dispatch

                r = _dispatch.apply(op, tuple(args), params)
            else:
                arrs = [a._data if isinstance(a, Tensor) else a for a in args]
                r = op.forward(*arrs, *params)
            total = r if total is None else total + r
        res = (total,)
    elif kind == "elementwise":
        saved = _saved(op, vals, ovals)
        total = None
        ndim_out = len(out_shape)
        for k, t in enumerate(tv):
            if t is None:
                continue
            if not out_shape and tuple(t.shape)[len(lead) :]:
                # a reduction to a scalar (a loss with reduction="mean"/"sum"): J is one row,
                # which the VJP formula gives with g = 1; then J t = sum(row * t)
                r = _scalar_out_jvp(op, F, k, vals, saved, params, t, lead, use_tensor, ovals)
                if r is not None:
                    total = r if total is None else total + r
                continue
            g = _to_out(F, t, vals[k], lead, out_shape, ndim_out, use_tensor)
            cplx = _is_complex(g)
            if cplx:
                g = F.conj(g)
            if op.grads is not None:
                f = op.grads[k]
                if f is None:
                    continue
                r = f(F, g, *saved, *params)
            else:
                needs = [i == k for i in range(len(vals))]
                r = op.backward(F, g, needs, *saved, *params)[k]
            if r is None:
                continue
            if cplx:
                r = F.conj(r)
            total = r if total is None else total + r
        res = (total,)
    elif callable(kind):
        saved = _saved(op, vals, ovals)
        if b is not None:
            tv = [None if t is None else _expand_batch(F, t, out_nd) for t in tv]
        r = kind(F, tv, *saved, *params)
        res = r if isinstance(r, tuple) else (r,)
    else:
        raise _not_supported(op)
    # cast to the output dtype and broadcast to the output shape
    fixed = []
    for r, o in zip(res, outs):
        if r is None:
            fixed.append(None)
            continue
        shape = lead + o._data.shape
        if use_tensor:
            if not isinstance(r, Tensor):
                r = wrap(np.asarray(r, dtype=o._data.dtype))
            if r._data.dtype != o._data.dtype:
                r = r.to(o.dtype)
            if tuple(r.shape) != shape:
                from .functional import broadcast_to

                r = broadcast_to(r, np.broadcast_shapes(tuple(r.shape), shape))
                if tuple(r.shape) != shape:
                    raise ValueError("tangent shape mismatch")
            fixed.append(r)
        else:
            r = np.asarray(r)
            if r.dtype != o._data.dtype:
                r = r.astype(o._data.dtype)
            if r.shape != shape:
                r = np.broadcast_to(r, np.broadcast_shapes(r.shape, shape))
                if r.shape != shape:
                    raise ValueError("tangent shape mismatch")
                r = np.array(r)
            fixed.append(wrap(r))
    return fixed


def _scalar_out_jvp(op, F, k, vals, saved, params, t, lead, use_tensor, ovals):
    dt = ovals[0].dtype if not use_tensor else ovals[0]._data.dtype
    one = wrap(np.ones((), dt)) if use_tensor else np.ones((), dt)
    if op.grads is not None:
        f = op.grads[k]
        if f is None:
            return None
        row = f(F, one, *saved, *params)
    else:
        row = op.backward(F, one, [i == k for i in range(len(vals))], *saved, *params)[k]
    if row is None:
        return None
    prod = row * t  # broadcasts over a leading batch axis too
    if use_tensor:
        from .functional import reshape

        n = 1 if not lead else lead[0]
        return reshape(prod, (n, -1) if lead else (-1,)).sum(dim=-1) if lead else prod.sum()
    if lead:
        return np.reshape(prod, (lead[0], -1)).sum(axis=-1)
    return np.sum(prod)


def _is_complex(g) -> bool:
    d = g._data.dtype if isinstance(g, Tensor) else np.asarray(g).dtype
    return d.kind == "c"


def _expand_batch(F, t, out_nd: int):
    """Align a batched tangent (b, *shape) to the output's rank, so that broadcasting against
    other inputs never mixes the batch axis with a data axis."""
    shape = tuple(t.shape)
    pad = out_nd - (len(shape) - 1)
    if pad <= 0:
        return t
    newshape = shape[:1] + (1,) * pad + shape[1:]
    if isinstance(t, Tensor):
        from .functional import reshape

        return reshape(t, newshape)
    return t.reshape(newshape)


def _to_out(F, t, v, lead, out_shape, ndim_out, use_tensor):
    """The tangent of one input broadcast to the (batched) output shape."""
    shape = tuple(t.shape)
    inner = shape[len(lead) :]
    if inner == out_shape:
        return t
    newshape = lead + (1,) * (ndim_out - len(inner)) + inner
    full = lead + out_shape
    if use_tensor:
        from .functional import broadcast_to, reshape

        return broadcast_to(reshape(t, newshape), full)
    return np.broadcast_to(np.reshape(t, newshape), full)


def _saved(op, vals, ovals) -> list:
    saved = []
    for kind, i in op.plan:
        if kind == "in":
            saved.append(vals[i])
        elif kind == "out":
            saved.append(ovals[i])
        else:
            v = vals[i]
            saved.append(tuple(np.shape(v._data if isinstance(v, Tensor) else v)))
    return saved
