"""``chainrule.autograd.functional``: vjp, jvp, jacobian, hessian, vhp, hvp (torch's API).

The cost model the seeds discuss is visible here: a Jacobian of ``m`` outputs needs ``m``
reverse passes (one per row) or ``n`` forward passes (one per column). ``vectorize=True`` runs
all rows (or columns) as ONE batched pass: the basis vectors travel together as a leading batch
axis through the backward formulas (reverse mode) or the JVP rules (forward mode). An op whose
rule does not batch falls back to a loop for that op only. ``counters`` counts the passes.

Example:
    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import jacobian, hessian
    >>> x = torch.tensor([1.0, 2.0])
    >>> jacobian(lambda x: x ** 2, x)
    tensor([[2., 0.],
            [0., 4.]])
    >>> hessian(lambda x: (x ** 3).sum(), x, vectorize=True)
    tensor([[ 6.,  0.],
            [ 0., 12.]])
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor, wrap
from . import engine, forward_ad, grad_mode
from .graph import AccumulateGrad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp", "counters", "reset_counters"]

_state = grad_mode.state
# passes run by the transforms (the cost benchmark prints them)
counters = {"backward": 0, "forward": 0}
# node name -> times its backward could not batch (vectorize=True fell back to a loop there)
fallbacks: dict = {}


def reset_counters() -> None:
    """Zero the pass counters."""
    counters["backward"] = 0
    counters["forward"] = 0


# ---------------------------------------------------------------- input/output handling
def _as_tuple(inp: Any, arg_name: str, fn_name: str) -> tuple[bool, tuple]:
    is_tuple = True
    if not isinstance(inp, tuple):
        inp = (inp,)
        is_tuple = False
    for i, el in enumerate(inp):
        if not isinstance(el, Tensor):
            if is_tuple:
                raise TypeError(
                    f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                    f"Tensors but the value at index {i} has type {type(el)}."
                )
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                f"Tensors but the given {arg_name} has type {type(el)}."
            )
    return is_tuple, inp


def _tuple_postprocess(res: Any, to_unpack: Any) -> Any:
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
    else:
        if not to_unpack:
            res = res[0]
    return res


def _has_tangent(t: Tensor) -> bool:
    lv = forward_ad._levels
    return bool(lv) and bool(t._fw) and lv[-1] in t._fw


def _grad_preprocess(inputs: tuple, create_graph: bool, need_graph: bool) -> tuple:
    res = []
    for inp in inputs:
        if create_graph and inp._requires_grad:
            # keep the link to the caller's graph: a differentiable alias
            res.append(inp * 1 if inp._data.dtype.kind in "fc" else inp)
        elif _has_tangent(inp) and inp._data.dtype.kind in "fc":
            # an outer forward-mode transform (jacfwd(jacrev(f))): keep the tangent
            t = inp * 1
            if not t._requires_grad:
                t._requires_grad = need_graph
            res.append(t)
        else:
            t = wrap(inp._data)
            t._vc = inp._vc
            t._requires_grad = need_graph and inp._data.dtype.kind in "fc"
            res.append(t)
    return tuple(res)


def _grad_postprocess(inputs: Any, create_graph: bool) -> Any:
    if isinstance(inputs[0], Tensor) if inputs else False:
        if not create_graph:
            return tuple(None if t is None else t.detach() for t in inputs)
        return inputs
    return tuple(_grad_postprocess(i, create_graph) for i in inputs)


def _validate_v(v: tuple, other: tuple, is_other_tuple: bool) -> None:
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}."
            )
        raise RuntimeError("The given v should contain a single Tensor.")
    for idx, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.shape != el_other.shape:
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(
                f"{prepend}v has invalid size: should be {el_other.shape} but got {el_v.shape}."
            )


def _check_requires_grad(inputs: tuple, input_type: str, strict: bool) -> None:
    if not strict:
        return
    if input_type not in ["outputs", "grad_inputs", "jacobian", "hessian"]:
        raise RuntimeError("Invalid input_type to _check_requires_grad")
    for i, inp in enumerate(inputs):
        if inp is None:
            raise RuntimeError(
                f"The output of the user-provided function is independent of input {i}. This "
                "is not allowed in strict mode."
            )
        if not inp._requires_grad:
            if input_type == "hessian":
                raise RuntimeError(
                    f"The hessian of the user-provided function with respect to input {i} is "
                    "independent of the input. This is not allowed in strict mode. You should "
                    "ensure that your function is thrice differentiable and that the hessian "
                    "depends on the inputs."
                )
            if input_type == "jacobian":
                raise RuntimeError(
                    "While computing the hessian, found that the jacobian of the user-provided "
                    f"function with respect to input {i} is independent of the input. This is "
                    "not allowed in strict mode. You should ensure that your function is twice "
                    "differentiable and that the jacobian depends on the inputs (this would be "
                    "violated by a linear function for example)."
                )
            if input_type == "grad_inputs":
                raise RuntimeError(
                    f"The gradient with respect to input {i} is independent of the inputs of "
                    "the user-provided function. This is not allowed in strict mode."
                )
            raise RuntimeError(
                f"Output {i} of the user-provided function does not require gradients. The "
                "outputs must be computed in a differentiable manner from the input when "
                "running in strict mode."
            )


def _autograd_grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """autograd.grad over the outputs that require grad; None for unreachable inputs."""
    from . import grad as _grad

    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    new_out, new_go = [], []
    for out, go in zip(outputs, grad_outputs):
        if out is not None and out._requires_grad:
            new_out.append(out)
            new_go.append(go)
    if not new_out:
        return (None,) * len(inputs)
    counters["backward"] += 1
    return _grad(
        tuple(new_out),
        inputs,
        tuple(new_go),
        allow_unused=True,
        create_graph=create_graph,
        retain_graph=retain_graph,
    )


def _fill_in_zeros(grads, refs, strict: bool, create_graph: bool, stage: str) -> tuple:
    res = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                if stage == "back":
                    raise RuntimeError(
                        "The output of the user-provided function is independent of input "
                        f"{i}. This is not allowed in strict mode."
                    )
                if stage == "back_trick":
                    raise RuntimeError(
                        f"The gradient with respect to the input is independent of entry {i} in "
                        "the grad_outputs when using the double backward trick to compute "
                        "forward mode gradients. This is not allowed in strict mode."
                    )
                if stage == "double_back":
                    raise RuntimeError(
                        "The jacobian of the user-provided function is independent of input "
                        f"{i}. This is not allowed in strict mode."
                    )
                raise RuntimeError(
                    "The hessian of the user-provided function is independent of entry "
                    f"{i} in the grad_jacobian. This is not allowed in strict mode as it "
                    "prevents from using the double backward trick to replace forward mode AD."
                )
            g = wrap(np.zeros_like(refs[i]._data))
        res.append(g)
    return tuple(res)


def _call(func: Callable, inputs: tuple, fn_name: str) -> tuple[bool, tuple]:
    out = func(*inputs)
    return _as_tuple(out, "outputs of the user-provided function", fn_name)


# ---------------------------------------------------------------- differentiable shape helpers
# (private Functions so this module works with any op families present; double-differentiable
# because each backward is written with these same helpers)
def _fn_classes():
    from .function import Function

    class Reshape(Function):
        @staticmethod
        def forward(ctx, x, shape):
            ctx.in_shape = x._data.shape
            out = np.reshape(x._data, shape).copy()
            ctx.out_shape = out.shape
            return wrap(out)

        @staticmethod
        def backward(ctx, g):
            return reshape(g, ctx.in_shape), None

        @staticmethod
        def jvp(ctx, t, _):
            b = _fw_batch()
            if b is None:
                return reshape(t, tuple(ctx.out_shape))
            return wrap(np.reshape(t._data, (b,) + tuple(ctx.out_shape)))

    class BroadcastTo(Function):
        @staticmethod
        def forward(ctx, x, shape):
            ctx.in_shape = x._data.shape
            ctx.out_shape = tuple(shape)
            return wrap(np.array(np.broadcast_to(x._data, shape)))

        @staticmethod
        def backward(ctx, g):
            return SumTo.apply(g, ctx.in_shape), None

        @staticmethod
        def jvp(ctx, t, _):
            b = _fw_batch()
            if b is None:
                return BroadcastTo.apply(t, ctx.out_shape)
            inner = t._data.shape[1:]
            pad = len(ctx.out_shape) - len(inner)
            a = np.reshape(t._data, (b,) + (1,) * pad + inner)
            return wrap(np.array(np.broadcast_to(a, (b,) + tuple(ctx.out_shape))))

    class SumTo(Function):
        @staticmethod
        def forward(ctx, x, shape):
            ctx.in_shape = x._data.shape
            ctx.out_shape = tuple(shape)
            return wrap(np.asarray(engine.sum_to(x._data, tuple(shape), False)).copy())

        @staticmethod
        def backward(ctx, g):
            return BroadcastTo.apply(g, ctx.in_shape), None

        @staticmethod
        def jvp(ctx, t, _):
            b = _fw_batch()
            if b is None:
                return SumTo.apply(t, ctx.out_shape)
            return wrap(np.array(_sum_to_batched(t._data, tuple(ctx.out_shape))))

    class Stack(Function):
        @staticmethod
        def forward(ctx, *xs):
            ctx.item_shape = xs[0]._data.shape
            ctx.dtype = xs[0]._data.dtype
            return wrap(np.stack([x._data for x in xs]))

        @staticmethod
        def backward(ctx, g):
            return tuple(Rows.apply(g, k, k + 1, g.shape[1:]) for k in range(g.shape[0]))

        @staticmethod
        def jvp(ctx, *ts):
            b = _fw_batch()
            shape = ctx.item_shape
            dt = ctx.dtype
            lead = () if b is None else (b,)
            arrs = [np.zeros(lead + shape, dt) if t is None else t._data for t in ts]
            return wrap(np.stack(arrs, axis=len(lead)))

    class Rows(Function):
        """x[a:b] reshaped to ``shape``."""

        @staticmethod
        def forward(ctx, x, a, b, shape):
            ctx.in_shape = x._data.shape
            ctx.ab = (a, b)
            ctx.out_shape = tuple(shape)
            return wrap(np.reshape(x._data[a:b], tuple(shape)).copy())

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.ab
            return PadRows.apply(g, a, b, ctx.in_shape), None, None, None

        @staticmethod
        def jvp(ctx, t, *_):
            a, b = ctx.ab
            n = _fw_batch()
            if n is None:
                return Rows.apply(t, a, b, ctx.out_shape)
            return wrap(np.reshape(t._data[:, a:b], (n,) + tuple(ctx.out_shape)).copy())

    class PadRows(Function):
        @staticmethod
        def forward(ctx, g, a, b, shape):
            ctx.ab = (a, b)
            ctx.g_shape = g._data.shape
            ctx.shape = tuple(shape)
            out = np.zeros(shape, g._data.dtype)
            out[a:b] = np.reshape(g._data, (b - a,) + tuple(shape[1:]))
            return wrap(out)

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.ab
            return Rows.apply(g, a, b, ctx.g_shape), None, None, None

        @staticmethod
        def jvp(ctx, t, *_):
            a, b = ctx.ab
            n = _fw_batch()
            if n is None:
                return PadRows.apply(t, a, b, ctx.shape)
            out = np.zeros((n,) + tuple(ctx.shape), t._data.dtype)
            out[:, a:b] = np.reshape(t._data, (n, b - a) + tuple(ctx.shape[1:]))
            return wrap(out)

    return Reshape, BroadcastTo, SumTo, Stack, Rows


_FNS: list = []


def _fw_batch():
    return forward_ad._batch[0]


def _fns():
    if not _FNS:
        _FNS.extend(_fn_classes())
    return _FNS


def reshape(x: Tensor, shape: tuple) -> Tensor:
    """Differentiable reshape (private helper)."""
    if tuple(x.shape) == tuple(shape):
        return x
    return _fns()[0].apply(x, tuple(shape))


def broadcast_to(x: Tensor, shape: tuple) -> Tensor:
    """Differentiable broadcast (private helper)."""
    if tuple(x.shape) == tuple(shape):
        return x
    return _fns()[1].apply(x, tuple(shape))


def stack(xs: list) -> Tensor:
    """Differentiable stack along a new first axis (private helper)."""
    if not any(x._requires_grad for x in xs) or not _state.enabled:
        return wrap(np.stack([x._data for x in xs]))
    return _fns()[3].apply(*xs)


def take_rows(x: Tensor, a: int, b: int, shape: tuple) -> Tensor:
    """Differentiable ``x[a:b].reshape(shape)`` (private helper)."""
    if not (x._requires_grad and _state.enabled):
        return wrap(np.reshape(x._data[a:b], tuple(shape)).copy())
    return _fns()[4].apply(x, a, b, tuple(shape))


# ---------------------------------------------------------------- vjp / jvp
def vjp(
    func: Callable,
    inputs: Tensor | tuple[Tensor, ...],
    v: Tensor | tuple[Tensor, ...] | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """``(func(inputs), v^T J)``: the vector-Jacobian product (one reverse pass).

    Example:
        >>> import chainrule as torch
        >>> from chainrule.autograd.functional import vjp
        >>> vjp(lambda x: x ** 2, torch.tensor([1.0, 2.0]), torch.ones(2))[1]
        tensor([2., 4.])
    """
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph, True)
        is_outputs_tuple, outputs = _call(func, inputs, "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        if v is not None:
            _, v = _as_tuple(v, "v", "vjp")
            v = _grad_preprocess(v, create_graph, False)
            _validate_v(v, outputs, is_outputs_tuple)
        else:
            if len(outputs) != 1 or outputs[0].numel() != 1:
                raise RuntimeError(
                    "The vector v can only be None if the user-provided function returns a "
                    "single Tensor with a single element."
                )
        grad_res = _autograd_grad(outputs, inputs, v, create_graph=create_graph)
        res = _fill_in_zeros(grad_res, inputs, strict, create_graph, "back")
    outputs = _grad_postprocess(outputs, create_graph)
    res = _grad_postprocess(res, create_graph)
    return _tuple_postprocess(outputs, is_outputs_tuple), _tuple_postprocess(res, is_inputs_tuple)


def jvp(
    func: Callable,
    inputs: Tensor | tuple[Tensor, ...],
    v: Tensor | tuple[Tensor, ...] | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """``(func(inputs), J v)``: the Jacobian-vector product, by ONE forward-mode pass.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.autograd.functional import jvp
        >>> jvp(lambda x: x ** 2, torch.tensor([1.0, 2.0]), torch.ones(2))[1]
        tensor([2., 4.])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
    if v is not None:
        _, v = _as_tuple(v, "v", "jvp")
        _validate_v(v, inputs, is_inputs_tuple)
    else:
        if len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError(
                "The vector v can only be None if the input to the user-provided function is a "
                "single Tensor with a single element."
            )
        v = (wrap(np.ones_like(inputs[0]._data)),)
    if forward_ad._levels:
        return _jvp_double_backward(func, inputs, v, create_graph, strict, is_inputs_tuple)
    with grad_mode.set_grad_enabled(create_graph or _state.enabled):
        inputs = _grad_preprocess(inputs, create_graph, create_graph)
        counters["forward"] += 1
        with forward_ad.dual_level():
            duals = tuple(
                forward_ad.make_dual(x, t if t.dtype == x.dtype else t.to(x.dtype))
                for x, t in zip(inputs, v)
            )
            is_outputs_tuple, outputs = _call(func, duals, "jvp")
            res = []
            prim = []
            for i, o in enumerate(outputs):
                p, t = forward_ad.unpack_dual(o)
                if t is None:
                    if strict:
                        raise RuntimeError(
                            f"The jvp of the user-provided function is independent of input "
                            f"{i}. This is not allowed in strict mode."
                        )
                    t = wrap(np.zeros_like(o._data))
                prim.append(p)
                res.append(t)
    outputs = _grad_postprocess(tuple(prim), create_graph)
    res = _grad_postprocess(tuple(res), create_graph)
    return _tuple_postprocess(outputs, is_outputs_tuple), _tuple_postprocess(res, is_outputs_tuple)


def _jvp_double_backward(func, inputs, v, create_graph, strict, is_inputs_tuple):
    """J v as the gradient of (u -> u^T J) at v: two reverse passes (used inside a dual level)."""
    with grad_mode.enable_grad():
        inputs = _grad_preprocess(inputs, create_graph, True)
        is_outputs_tuple, outputs = _call(func, inputs, "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        grad_outputs = tuple(wrap(np.zeros_like(o._data), True) for o in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
        grad_res = _autograd_grad(grad_inputs, grad_outputs, v, create_graph=create_graph)
        res = _fill_in_zeros(grad_res, outputs, strict, create_graph, "back_trick")
    outputs = _grad_postprocess(outputs, create_graph)
    res = _grad_postprocess(res, create_graph)
    return _tuple_postprocess(outputs, is_outputs_tuple), _tuple_postprocess(res, is_outputs_tuple)


# ---------------------------------------------------------------- batched reverse pass
def _sum_to_batched(r: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a batched gradient (B, *bshape) down to (B, *shape)."""
    if r.shape[1:] == shape:
        return r
    lead = r.ndim - 1 - len(shape)
    axes = tuple(range(1, 1 + lead)) + tuple(
        i + 1 + lead for i, s in enumerate(shape) if s == 1 and r.shape[i + 1 + lead] != 1
    )
    if axes:
        r = np.sum(r, axis=axes, keepdims=True)
    return np.reshape(r, (r.shape[0],) + shape)


def _valid(r, b: int, shape: tuple) -> bool:
    s = np.shape(r)
    if len(s) < 1 + len(shape) or s[0] != b:
        return False
    try:
        return np.broadcast_shapes(shape, s[1:]) == s[1:] and len(s) - 1 >= len(shape)
    except ValueError:
        return False


# ops whose formulas are elementwise with broadcasting: a leading batch axis passes through them
_BATCH_SAFE_LINEAR = frozenset(
    ("add", "sub", "rsub", "rsub_tensor", "neg", "lerp", "to_copy", "clone", "copy", "mul")
)


def batch_safe(op, in_shapes, out_shape: tuple) -> bool:
    """Whether ``op``'s rules are elementwise here (every input broadcasts to the output), so
    a leading batch axis needs no check."""
    if op is None or not (op.jvp == "elementwise" or op.name in _BATCH_SAFE_LINEAR):
        return False
    if op.n_outputs != 1:
        return False
    for s in in_shapes:
        if s is not None and len(s) > len(out_shape):
            return False
        if s is not None:
            try:
                if np.broadcast_shapes(s, out_shape) != tuple(out_shape):
                    return False
            except ValueError:
                return False
    return True


def _weights(b: int) -> np.ndarray:
    return np.random.default_rng(b).uniform(0.5, 1.5, b)


def agrees(batched, single, w: np.ndarray) -> bool:
    """Whether a batched result is right, checked through linearity: the rule applied to the
    combination sum_k w_k g_k (``single``) must equal sum_k w_k (batched result)_k."""
    for r, s in zip(batched, single):
        if (r is None) != (s is None):
            return False
        if r is None:
            continue
        r = np.asarray(r)
        e = np.asarray(s)
        a = np.tensordot(w.astype(r.dtype) if r.dtype.kind == "f" else w, r, 1)
        if a.shape != e.shape:
            return False
        scale = float(np.max(np.abs(e))) if e.size else 0.0
        rtol = 1e-6 if r.dtype == np.float64 else 1e-3
        if not np.allclose(a, e, rtol=rtol, atol=rtol * max(scale, 1e-3), equal_nan=True):
            return False
    return True


def combine(g, w: np.ndarray):
    """sum_k w_k g[k] (a batched array or Tensor)."""
    if isinstance(g, Tensor):
        return wrap(np.tensordot(w.astype(g._data.dtype), g._data, 1))
    g = np.asarray(g)
    return np.tensordot(w.astype(g.dtype) if g.dtype.kind in "fc" else w, g, 1)


# Batched reverse rules for ops whose formulas take axis or shape parameters (they cannot see
# the batch axis): given the batched output gradient, return the batched input gradient(s).
_RESHAPES = frozenset(
    ("view", "_unsafe_view", "squeeze", "squeeze_dim", "squeeze_dims", "unsqueeze", "alias")
)


def _vjp_reshape(node, g, b):
    return [np.reshape(g, (b,) + node._meta[0][0])]


def _vjp_full_reduce(node, g, b):
    shape = node._meta[0][0]
    r = np.broadcast_to(np.reshape(g, (b,) + (1,) * len(shape)), (b,) + shape)
    if node._op.name == "mean":
        r = r / max(1, int(np.prod(shape)))
    return [r]


def _vjp_dim_reduce(node, g, b):
    shape = node._meta[0][0]
    dims, keepdim = node._params[0], node._params[1]
    if not keepdim:
        g = np.expand_dims(g, tuple(d + 1 for d in dims)) if shape else g
    r = np.broadcast_to(g, (b,) + shape)
    if node._op.name == "mean_dim":
        r = r / max(1, int(np.prod([shape[d] for d in dims])))
    return [r]


def _vjp_expand(node, g, b):
    return [_sum_to_batched(g, node._meta[0][0])]


BATCH_VJP = {
    **{n: _vjp_reshape for n in _RESHAPES},
    "sum": _vjp_full_reduce,
    "mean": _vjp_full_reduce,
    "sum_dim": _vjp_dim_reduce,
    "mean_dim": _vjp_dim_reduce,
    "expand": _vjp_expand,
}


def _run_node_batched(node, gs: list, b: int) -> list:
    from ..ops._dispatch import OpNode

    meta = node._meta

    def single(k, w=None):
        if w is None:
            out = node._apply([None if g is None else g[k] for g in gs], False)
        else:
            out = node._apply([None if g is None else combine(g, w) for g in gs], False)
        return [
            None
            if r is None or meta[i] is None
            else engine.sum_to(np.asarray(r), meta[i][0], False)
            for i, r in enumerate(out)
        ]

    if isinstance(node, OpNode):
        rule = BATCH_VJP.get(node._op.name)
        if rule is not None and meta[0] is not None and gs[0] is not None and len(gs) == 1:
            return [np.asarray(r, dtype=meta[0][1]) for r in rule(node, np.asarray(gs[0]), b)]
        try:
            outs = node._apply(gs, False)
            ok = all(
                r is None or meta[i] is None or _valid(r, b, meta[i][0]) for i, r in enumerate(outs)
            )
        except (ValueError, IndexError, TypeError, AttributeError):
            ok = False
        if ok:
            outs = [
                None if r is None or meta[i] is None else _sum_to_batched(np.asarray(r), meta[i][0])
                for i, r in enumerate(outs)
            ]
            g0 = next(g for g in gs if g is not None)
            safe = len(gs) == 1 and batch_safe(
                node._op, [None if m is None else m[0] for m in meta], g0.shape[1:]
            )
            # rules with dims/reshapes may batch wrongly with the right shapes: check by
            # linearity with one unbatched call on a random combination of the batch
            w = _weights(b)
            if safe or agrees(outs, single(0, w), w):
                return outs
    # this node's formula does not batch: one call per basis vector, for this node only
    fallbacks[node.name()] = fallbacks.get(node.name(), 0) + 1
    per = [single(k) for k in range(b)]
    res = []
    for i in range(len(meta)):
        col = [p[i] for p in per]
        if all(c is None for c in col):
            res.append(None)
        else:
            z = np.zeros(meta[i][0], meta[i][1])
            res.append(np.stack([z if c is None else c for c in col]))
    return res


def _has_hooks(nodes) -> bool:
    for n in nodes:
        x = n._x
        if x is not None and (x.pre_hooks or x.post_hooks or x.tensor_hooks or x.retain):
            return True
    return False


def _batched_grad(outputs: tuple, inputs: tuple, grad_outputs: tuple, b: int) -> tuple | None:
    """Gradients of ``outputs`` w.r.t. ``inputs`` for ``b`` cotangents at once (arrays with a
    leading batch axis), in ONE walk of the graph. None when the graph has hooks (the caller
    then loops)."""
    buffers: dict = {}
    start = []
    for t, g in zip(outputs, grad_outputs):
        node, nr = (
            (t._grad_fn, t._output_nr) if t._grad_fn is not None else (t._accumulate_node(), 0)
        )
        buf = buffers.setdefault(node, [None] * engine._n_out(node))
        buf[nr] = g if buf[nr] is None else buf[nr] + g
        start.append(node)
    capture = engine.capture_points(inputs)
    order, deps, needed = engine.plan(start, capture, accumulate=False)
    if _has_hooks(order):
        return None
    results: list = [None] * len(inputs)
    heap: list = []
    for node in dict.fromkeys(start):
        if deps.get(node, 0) == 0:
            heapq.heappush(heap, (-node._seq, id(node), node))
    counters["backward"] += 1
    prev = _state.enabled
    _state.enabled = False
    try:
        while heap:
            node = heapq.heappop(heap)[2]
            gs = buffers.pop(node, None) or [None] * engine._n_out(node)
            for nr, g in enumerate(gs):
                for k in capture.get((node, nr), ()):
                    results[k] = g
            if (needed is not None and node not in needed) or type(node) is AccumulateGrad:
                continue
            if all(g is None for g in gs):
                outs = [None] * len(node._edges)
            else:
                if node._out and any(g is None for g in gs):
                    gs = [
                        np.zeros((b,) + s[0], s[1]) if g is None and s is not None else g
                        for g, s in zip(gs, list(node._out) + [None] * len(gs))
                    ]
                outs = _run_node_batched(node, gs, b)
            for i, e in enumerate(node._edges):
                if e is None or e[0] is None:
                    continue
                nxt = e[0]
                if needed is not None and nxt not in needed and (nxt, e[1]) not in capture:
                    continue
                r = outs[i]
                if r is not None:
                    dt = node._meta[i][1]
                    if r.dtype != dt:
                        r = r.astype(dt)
                    buf = buffers.setdefault(nxt, [None] * engine._n_out(nxt))
                    old = buf[e[1]]
                    buf[e[1]] = r if old is None else old + r
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    heapq.heappush(heap, (-nxt._seq, id(nxt), nxt))
    finally:
        _state.enabled = prev
    return tuple(results)


# ---------------------------------------------------------------- jacobian
def _basis(outputs: tuple) -> tuple[int, list]:
    """Identity basis split per tensor: block i has shape (N, *outputs[i].shape)."""
    sizes = [o.numel() for o in outputs]
    n = sum(sizes)
    blocks = []
    off = 0
    for o, s in zip(outputs, sizes):
        e = np.zeros((n, s), o._data.dtype if o._data.dtype.kind in "fc" else np.float64)
        e[np.arange(off, off + s), np.arange(s)] = 1
        blocks.append(e.reshape((n,) + o._data.shape))
        off += s
    return n, blocks


def _jac_reverse(outputs, inputs, create_graph, strict, vectorize) -> list:
    """rows[i][j]: d outputs[i] / d inputs[j] with shape out_i.shape + in_j.shape."""
    n_out, basis = _basis(outputs)
    sizes = [o.numel() for o in outputs]
    grads = None
    if vectorize and not create_graph and n_out > 0:
        live = [(o, g) for o, g in zip(outputs, basis) if o._requires_grad]
        if live:
            grads = _batched_grad(
                tuple(o for o, _ in live), inputs, tuple(g for _, g in live), n_out
            )
            if grads is not None:
                grads = [None if g is None else wrap(np.asarray(g)) for g in grads]
        else:
            grads = [None] * len(inputs)
    if grads is None:
        # one reverse pass per output element
        per_input: list = [[] for _ in inputs]
        for k in range(n_out):
            gos = tuple(wrap(b[k]) for b in basis)
            g = _autograd_grad(outputs, inputs, gos, create_graph=create_graph, retain_graph=True)
            for j, gj in enumerate(g):
                per_input[j].append(gj)
        grads = []
        for j, col in enumerate(per_input):
            if not col or all(c is None for c in col):
                grads.append(None)
            else:
                grads.append(
                    stack([wrap(np.zeros_like(inputs[j]._data)) if c is None else c for c in col])
                )
    rows = []
    off = 0
    for i, o in enumerate(outputs):
        row = []
        for j, x in enumerate(inputs):
            g = grads[j]
            if g is None:
                if strict:
                    raise RuntimeError(
                        f"Output {i} of the user-provided function is independent of input {j}. "
                        "This is not allowed in strict mode."
                    )
                row.append(wrap(np.zeros(o._data.shape + x._data.shape, x._data.dtype)))
            else:
                row.append(take_rows(g, off, off + sizes[i], o._data.shape + x._data.shape))
        rows.append(tuple(row))
        off += sizes[i]
    return rows


def _jac_forward(func, inputs, vectorize, fn_name="jacobian") -> tuple:
    """Forward mode: all n input directions as one batched forward pass."""
    n_in, basis = _basis(inputs)
    counters["forward"] += 1
    prev = forward_ad._batch[0]
    forward_ad._batch[0] = n_in
    try:
        with forward_ad.dual_level():
            duals = tuple(forward_ad.make_dual(x, wrap(np.array(b))) for x, b in zip(inputs, basis))
            is_outputs_tuple, outputs = _call(func, duals, fn_name)
            tans = []
            prims = []
            for o in outputs:
                p, t = forward_ad.unpack_dual(o)
                prims.append(p)
                tans.append(t)
    finally:
        forward_ad._batch[0] = prev
    sizes = [x.numel() for x in inputs]
    rows = []
    for i, o in enumerate(outputs):
        row = []
        off = 0
        t = tans[i]
        for j, x in enumerate(inputs):
            if t is None:
                row.append(wrap(np.zeros(o._data.shape + x._data.shape, o._data.dtype)))
            else:
                block = t._data[off : off + sizes[j]]  # (n_j, *out.shape)
                block = np.moveaxis(block.reshape((sizes[j],) + o._data.shape), 0, -1)
                row.append(wrap(np.array(block.reshape(o._data.shape + x._data.shape))))
            off += sizes[j]
        rows.append(tuple(row))
    return is_outputs_tuple, tuple(prims), rows


def jacobian(
    func: Callable,
    inputs: Tensor | tuple[Tensor, ...],
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of ``func`` at ``inputs``.

    ``strategy="reverse-mode"`` uses one reverse pass per output element (``m`` passes), or
    ONE batched pass with ``vectorize=True``; ``"forward-mode"`` (needs ``vectorize=True``)
    pushes all ``n`` input directions through one batched forward pass.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.autograd.functional import jacobian
        >>> jacobian(lambda x: x.sum() * x, torch.tensor([1.0, 2.0]), vectorize=True)
        tensor([[4., 1.],
                [2., 5.]])
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".'
        )
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either set '
                '`create_graph=False` or `strategy="reverse-mode"`.'
            )
        if not vectorize:
            raise NotImplementedError(
                "Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                "only implemented for `vectorize=True`."
            )
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        with grad_mode.enable_grad():
            inputs = _grad_preprocess(inputs, False, False)
            is_outputs_tuple, _, rows = _jac_forward(func, inputs, vectorize)
        # torch returns lists (not tuples) on its forward-mode path
        return _tuple_postprocess([list(r) for r in rows], (is_outputs_tuple, is_inputs_tuple))
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph, True)
        # inputs carrying tangents of an outer forward-mode transform: differentiate with
        # chainrule ops (create_graph) so that the tangents flow through the backward pass
        fwd_in = any(_has_tangent(x) for x in inputs)
        is_outputs_tuple, outputs = _call(func, inputs, "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        rows = _jac_reverse(outputs, inputs, create_graph or fwd_in, strict, vectorize)
        if not create_graph and not fwd_in:
            rows = [tuple(t.detach() for t in r) for r in rows]
    return _tuple_postprocess(tuple(rows), (is_outputs_tuple, is_inputs_tuple))


def hessian(
    func: Callable,
    inputs: Tensor | tuple[Tensor, ...],
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar ``func``: the Jacobian of its gradient.

    With ``vectorize=True`` the n rows come from ONE batched reverse pass through the
    gradient's graph (``"reverse-mode"``) or one batched forward pass over it
    (``"forward-mode"``: forward-over-reverse).

    Example:
        >>> import chainrule as torch
        >>> from chainrule.autograd.functional import hessian
        >>> hessian(lambda x: (x * x).sum(), torch.ones(2))
        tensor([[2., 0.],
                [0., 2.]])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def ensure_single_output_function(*inp):
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(t_out, "outputs", strict)
        if is_out_tuple or not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError(
                "The Tensor returned by the function given to hessian should contain a single "
                "element"
            )
        return reshape(out, ())

    def jac_func(*inp):
        if outer_jacobian_strategy == "forward-mode":
            inp = tuple(t.requires_grad_(True) if not t.requires_grad else t for t in inp)
        with grad_mode.enable_grad():
            out = ensure_single_output_function(*inp)
            jac = _autograd_grad((out,), inp, create_graph=True)
            _check_requires_grad(jac, "jacobian", strict)
        return _fill_in_zeros(jac, inp, strict, True, "double_back")

    res = jacobian(
        jac_func,
        inputs,
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        strategy=outer_jacobian_strategy,
    )
    return _tuple_postprocess(res, (is_inputs_tuple, is_inputs_tuple))


def vhp(
    func: Callable,
    inputs: Tensor | tuple[Tensor, ...],
    v: Tensor | tuple[Tensor, ...] | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """``(func(inputs), v^T H)``: two reverse passes (reverse-over-reverse).

    Example:
        >>> import chainrule as torch
        >>> from chainrule.autograd.functional import vhp
        >>> vhp(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]), torch.ones(2))[1]
        tensor([ 6., 12.])
    """
    with grad_mode.enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _grad_preprocess(inputs, create_graph, True)
        if v is not None:
            _, v = _as_tuple(v, "v", "vhp")
            v = _grad_preprocess(v, create_graph, False)
            _validate_v(v, inputs, is_inputs_tuple)
        else:
            if len(inputs) != 1 or inputs[0].numel() != 1:
                raise RuntimeError(
                    "The vector v can only be None if the input to the user-provided function "
                    "is a single Tensor with a single element."
                )
        outputs = _single_output(func, inputs, "vhp", strict)
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        if v is None:
            v = (wrap(np.ones_like(inputs[0]._data)),)
        grad_res = _autograd_grad(jac, inputs, v, create_graph=create_graph)
        res = _fill_in_zeros(grad_res, inputs, strict, create_graph, "double_back")
    outputs = _grad_postprocess(outputs, create_graph)
    res = _grad_postprocess(res, create_graph)
    return _tuple_postprocess(outputs, False), _tuple_postprocess(res, is_inputs_tuple)


def _single_output(func, inputs, name, strict) -> tuple:
    out = func(*inputs)
    is_outputs_tuple, outputs = _as_tuple(out, "outputs of the user-provided function", name)
    _check_requires_grad(outputs, "outputs", strict)
    if is_outputs_tuple or not isinstance(out, Tensor):
        raise RuntimeError(f"The function given to {name} should return a single Tensor")
    if out.numel() != 1:
        raise RuntimeError(
            f"The Tensor returned by the function given to {name} should contain a single element"
        )
    return outputs


def hvp(
    func: Callable,
    inputs: Tensor | tuple[Tensor, ...],
    v: Tensor | tuple[Tensor, ...] | None = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple:
    """``(func(inputs), H v)``: forward-over-reverse (a forward-mode pass through the
    gradient's computation), so one backward and one forward pass.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.autograd.functional import hvp
        >>> hvp(lambda x: (x ** 3).sum(), torch.tensor([1.0, 2.0]), torch.ones(2))[1]
        tensor([ 6., 12.])
    """
    if create_graph or strict or forward_ad._levels:
        # H is symmetric: H v = (v^T H)^T, by reverse-over-reverse
        return vhp(func, inputs, v, create_graph, strict)
    is_inputs_tuple, t_inputs = _as_tuple(inputs, "inputs", "hvp")
    if v is not None:
        _, v = _as_tuple(v, "v", "hvp")
        _validate_v(v, t_inputs, is_inputs_tuple)
    else:
        if len(t_inputs) != 1 or t_inputs[0].numel() != 1:
            raise RuntimeError(
                "The vector v can only be None if the input to the user-provided function is a "
                "single Tensor with a single element."
            )
        v = (wrap(np.ones_like(t_inputs[0]._data)),)
    with grad_mode.enable_grad():
        inputs = _grad_preprocess(t_inputs, False, False)
        counters["forward"] += 1
        with forward_ad.dual_level():
            duals = []
            for x, t in zip(inputs, v):
                d = forward_ad.make_dual(x, t if t.dtype == x.dtype else t.to(x.dtype))
                d._requires_grad = True  # a leaf of the reverse pass, carrying a tangent
                duals.append(d)
            duals = tuple(duals)
            outputs = _single_output(func, duals, "hvp", False)
            grads = _autograd_grad(outputs, duals, create_graph=True)
            res = []
            for x, g in zip(inputs, grads):
                t = None if g is None else forward_ad.unpack_dual(g).tangent
                res.append(wrap(np.zeros_like(x._data)) if t is None else t.detach())
    out = outputs[0].detach()
    return out, _tuple_postprocess(tuple(res), is_inputs_tuple)
