"""``chainrule.func``: function transforms in the style of ``torch.func``.

``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian`` and
``vmap``. They are built on ``chainrule.autograd.functional``: ``jacrev`` runs ONE batched
reverse pass, ``jacfwd`` ONE batched forward pass, ``hessian`` one backward building the
gradient's graph plus one batched reverse pass through it.

``vmap`` first tries the function once on the whole batch (kept when it agrees with
per-sample calls on the first, middle and last samples, as row-wise functions do); otherwise
it runs the function once per batch element (a Python loop over the mapped axis) and stacks.
The transforms compose: ``grad(grad(f))``, ``jacrev(jacrev(f))``, ``jacfwd(jacrev(f))``
(forward-over-reverse), ``vmap(grad(f))``.

Example:
    >>> import chainrule as torch
    >>> from chainrule.func import grad
    >>> grad(lambda x: (x ** 3).sum())(torch.tensor([1.0, 2.0]))
    tensor([ 3., 12.])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._tensor import Tensor, wrap
from .autograd import functional as _F
from .autograd import grad_mode

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap"]


def _argnums_tuple(argnums: int | tuple, n: int) -> tuple:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for a in nums:
        if not isinstance(a, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
        if not -n <= a < n:
            raise RuntimeError(f"Got argnums={a}, but only {n} positional inputs")
    return tuple(a % n for a in nums)


def _prep(x: Tensor) -> Tensor:
    """A differentiable input: linked to the caller's graph when x already needs grad."""
    if not isinstance(x, Tensor):
        raise RuntimeError(f"Expected Tensor inputs but got {type(x).__name__}")
    if x._requires_grad and grad_mode.state.enabled:
        return x * 1
    t = wrap(x._data)
    t._vc = x._vc
    t._requires_grad = True
    return t


def grad_and_value(func: Callable, argnums: int | tuple = 0, has_aux: bool = False) -> Callable:
    """``f -> (args -> (grad, value))`` for a scalar-valued ``f`` (``(grad, (value, aux))``
    with ``has_aux``).

    Example:
        >>> import chainrule as torch
        >>> from chainrule.func import grad_and_value
        >>> grad_and_value(lambda x: x * x)(torch.tensor(3.0))
        (tensor(6.), tensor(9.))
    """

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .autograd import grad as _grad

        nums = _argnums_tuple(argnums, len(args))
        outer = (
            any(isinstance(args[i], Tensor) and args[i]._requires_grad for i in nums)
            and grad_mode.state.enabled
        )
        with grad_mode.enable_grad():
            args = list(args)
            for i in nums:
                args[i] = _prep(args[i])
            out = func(*args, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError(
                        "grad_and_value(f)(*args): output of function f should be a tuple: "
                        "(output, aux) if has_aux is True"
                    )
                out, aux = out
            if not isinstance(out, Tensor):
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                    f"{type(out)}"
                )
            if out.dim() != 0:
                raise RuntimeError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                    f"tensor with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev "
                    "APIs instead?"
                )
            ins = tuple(args[i] for i in nums)
            if out._requires_grad:
                _F.counters["backward"] += 1
                gs = _grad(out, ins, create_graph=outer, allow_unused=True)
            else:
                gs = (None,) * len(ins)
            gs = tuple(
                wrap(np.zeros_like(x._data)) if g is None else (g if outer else g.detach())
                for g, x in zip(gs, ins)
            )
        g = gs[0] if isinstance(argnums, int) else gs
        value = out if outer else out.detach()
        if has_aux:
            return g, (value, aux)
        return g, value

    return wrapper


def grad(func: Callable, argnums: int | tuple = 0, has_aux: bool = False) -> Callable:
    """``f -> (args -> df/dargs)`` for a scalar-valued ``f``; composes: ``grad(grad(f))``.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.func import grad
        >>> grad(grad(lambda x: x ** 3))(torch.tensor(2.0))
        tensor(12.)
    """
    gv = grad_and_value(func, argnums, has_aux)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        g, value = gv(*args, **kwargs)
        if has_aux:
            return g, value[1]
        return g

    return wrapper


def vjp(func: Callable, *primals: Tensor, has_aux: bool = False) -> tuple:
    """``(func(*primals), vjp_fn)``; ``vjp_fn(cotangent)`` gives one gradient per primal.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.func import vjp
        >>> out, fn = vjp(torch.sin, torch.tensor(0.0))
        >>> fn(torch.tensor(1.0))
        (tensor(1.),)
    """
    from .autograd import grad as _grad

    with grad_mode.enable_grad():
        ins = tuple(_prep(p) for p in primals)
        out = func(*ins)
        aux = None
        if has_aux:
            out, aux = out
    outs = out if isinstance(out, tuple) else (out,)

    def vjp_fn(*cotangents: Tensor) -> tuple:
        cts = (
            cotangents[0]
            if len(cotangents) == 1 and isinstance(cotangents[0], tuple)
            else cotangents
        )
        live = [(o, c) for o, c in zip(outs, cts) if o._requires_grad]
        if not live:
            return tuple(wrap(np.zeros_like(x._data)) for x in ins)
        _F.counters["backward"] += 1
        with grad_mode.enable_grad():
            gs = _grad(
                tuple(o for o, _ in live),
                ins,
                tuple(c for _, c in live),
                retain_graph=True,
                allow_unused=True,
            )
        return tuple(wrap(np.zeros_like(x._data)) if g is None else g for g, x in zip(gs, ins))

    res_out = tuple(o.detach() for o in outs)
    res_out = res_out if isinstance(out, tuple) else res_out[0]
    if has_aux:
        return res_out, vjp_fn, aux
    return res_out, vjp_fn


def jvp(func: Callable, primals: tuple, tangents: tuple, *, has_aux: bool = False) -> tuple:
    """``(func(*primals), J @ tangents)`` by one forward-mode pass.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.func import jvp
        >>> jvp(torch.sin, (torch.tensor(0.0),), (torch.tensor(2.0),))
        (tensor(0.), tensor(2.))
    """
    if not isinstance(primals, tuple):
        raise RuntimeError(
            f"jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid "
            f"to call f(*primals). Got: {type(primals)}"
        )
    if not isinstance(tangents, tuple) or len(tangents) != len(primals):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals and tangents to have the same python "
            "structure."
        )
    box: list = []

    def f(*a):
        out = func(*a)
        if has_aux:
            out, aux = out
            box.append(aux)
        return out

    out, t = _F.jvp(f, primals, tangents)
    if has_aux:
        return out, t, box[0]
    return out, t


def _select_args(func, args, nums):
    def f(*sel):
        full = list(args)
        for i, s in zip(nums, sel):
            full[i] = s
        return func(*full)

    return f


def jacrev(
    func: Callable, argnums: int | tuple = 0, *, has_aux: bool = False, chunk_size: Any = None
) -> Callable:
    """``f -> (args -> Jacobian)`` by ONE batched reverse pass (all output rows at once).

    Example:
        >>> import chainrule as torch
        >>> from chainrule.func import jacrev
        >>> jacrev(lambda x: x * x)(torch.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    return _jac(func, argnums, has_aux, "reverse-mode")


def jacfwd(
    func: Callable, argnums: int | tuple = 0, has_aux: bool = False, *, randomness: str = "error"
) -> Callable:
    """``f -> (args -> Jacobian)`` by ONE batched forward pass (all input columns at once).

    Example:
        >>> import chainrule as torch
        >>> from chainrule.func import jacfwd
        >>> jacfwd(lambda x: x * x)(torch.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    return _jac(func, argnums, has_aux, "forward-mode")


def _jac(func, argnums, has_aux, strategy):
    def wrapper(*args: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args))
        box: list = []

        def f(*sel):
            out = _select_args(func, args, nums)(*sel)
            if has_aux:
                out, aux = out
                box.append(aux)
            return out

        sel = tuple(args[i] for i in nums)
        # inputs that need grad: keep the Jacobian differentiable (as torch.func does)
        outer = (
            strategy == "reverse-mode"
            and grad_mode.state.enabled
            and any(isinstance(x, Tensor) and x._requires_grad for x in sel)
        )
        j = _F.jacobian(
            f,
            sel[0] if isinstance(argnums, int) else sel,
            create_graph=outer,
            vectorize=True,
            strategy=strategy,
        )
        if has_aux:
            return j, box[0]
        return j

    return wrapper


def hessian(func: Callable, argnums: int | tuple = 0) -> Callable:
    """``f -> (args -> Hessian)``: the gradient's graph, then one batched reverse pass.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.func import hessian
        >>> hessian(lambda x: x ** 3)(torch.tensor(2.0))
        tensor(12.)
    """

    def wrapper(*args: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args))
        sel = tuple(args[i] for i in nums)
        f = _select_args(func, args, nums)
        return _F.hessian(f, sel[0] if isinstance(argnums, int) else sel, vectorize=True)

    return wrapper


# ---------------------------------------------------------------- vmap
def _fns():
    from .autograd.function import Function

    class Select(Function):
        @staticmethod
        def forward(ctx, x, dim, i):
            ctx.meta = (x._data.shape, x._data.dtype, dim, i)
            return wrap(np.take(x._data, i, axis=dim).copy())

        @staticmethod
        def backward(ctx, g):
            shape, dt, dim, i = ctx.meta
            out = np.zeros(shape, dt)
            idx = [slice(None)] * len(shape)
            idx[dim] = i
            out[tuple(idx)] = g._data
            return wrap(out), None, None

    class StackAt(Function):
        @staticmethod
        def forward(ctx, dim, *xs):
            ctx.dim = dim
            return wrap(np.stack([x._data for x in xs], axis=dim))

        @staticmethod
        def backward(ctx, g):
            n = g.shape[ctx.dim]
            return (None,) + tuple(Select.apply(g, ctx.dim, k) for k in range(n))

    return Select, StackAt


_VM: list = []


def _vm():
    if not _VM:
        _VM.extend(_fns())
    return _VM


def _outs_of(out: Any) -> tuple | None:
    outs = out if isinstance(out, tuple) else (out,)
    return outs if all(isinstance(o, Tensor) for o in outs) else None


def _try_batched(func: Callable, args: tuple, dims: tuple, size: int) -> Any:
    """Run ``func`` once on the whole batch; keep the result only if it has a leading batch
    axis and agrees with per-sample calls on the first, middle and last samples (a function
    that mixes samples -- a sum over the batch, a softmax over dim 0 -- fails that check)."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = func(*args)
    except Exception:
        return None
    outs = _outs_of(out)
    if outs is None or any(o._data.ndim == 0 or o._data.shape[0] != size for o in outs):
        return None
    for k in sorted({0, size // 2, size - 1}):
        sl = [a if d is None else wrap(np.take(a._data, k, axis=0)) for a, d in zip(args, dims)]
        try:
            with grad_mode.no_grad():
                ref = _outs_of(func(*sl))
        except Exception:
            return None
        if ref is None or len(ref) != len(outs):
            return None
        for o, r in zip(outs, ref):
            a = o._data[k]
            if a.shape != r._data.shape or not np.allclose(
                a, r._data, rtol=1e-6, atol=1e-9, equal_nan=True
            ):
                return None
    return out


def vmap(
    func: Callable,
    in_dims: int | tuple | None = 0,
    out_dims: int | tuple = 0,
    randomness: str = "error",
    *,
    chunk_size: int | None = None,
) -> Callable:
    """Map ``func`` over a batch axis of its inputs (``in_dims``) and stack the results along
    ``out_dims``.

    With ``in_dims`` 0/None and ``out_dims`` 0 it first runs ``func`` ONCE on the whole batch
    and keeps that result if it agrees with per-sample calls on the first, middle and last
    samples (elementwise and row-wise functions do); otherwise it runs ``func`` once per batch
    element (a loop) and stacks, which works for any function.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.func import vmap
        >>> vmap(lambda r: (r * r).sum())(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor([ 5., 25.])
    """

    def wrapper(*args: Any) -> Any:
        dims = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
        if len(dims) != len(args):
            raise ValueError(
                f"vmap(func, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with "
                f"the structure of `inputs`. in_dims has structure {len(dims)} but inputs has "
                f"structure {len(args)}."
            )
        size = None
        for a, d in zip(args, dims):
            if d is None:
                continue
            if not isinstance(a, Tensor):
                raise ValueError(
                    "vmap: Got in_dim={d} for an input but the input is of type "
                    f"{type(a)}. We cannot vmap over non-Tensor arguments"
                )
            n = a._data.shape[d]
            if size is not None and n != size:
                raise ValueError(
                    "vmap: Expected all tensors to have the same size in the mapped dimension, "
                    f"got sizes {size} and {n} for the mapped dimension"
                )
            size = n
        if size is None:
            raise ValueError(
                "vmap(f, in_dims=(None, ...), ...): at least one input must be mapped over "
                "(got in_dims with no non-None values)"
            )
        if (
            size > 3
            and all(d in (0, None) for d in dims)
            and all(o == 0 for o in (out_dims if isinstance(out_dims, tuple) else (out_dims,)))
        ):
            out = _try_batched(func, args, dims, size)
            if out is not None:
                return out
        select, stack_at = _vm()
        results = []
        for k in range(size):
            sl = [
                a
                if d is None
                else (
                    select.apply(a, d % a._data.ndim, k)
                    if a._requires_grad and grad_mode.state.enabled
                    else wrap(np.take(a._data, k, axis=d).copy())
                )
                for a, d in zip(args, dims)
            ]
            results.append(func(*sl))
        first = results[0]
        single = not isinstance(first, tuple)
        outs = [(r,) if single else r for r in results]
        od = out_dims if isinstance(out_dims, tuple) else (out_dims,) * len(outs[0])
        stacked = []
        for j in range(len(outs[0])):
            col = [o[j] for o in outs]
            d = od[j] % (col[0].dim() + 1)
            if any(c._requires_grad for c in col) and grad_mode.state.enabled:
                stacked.append(stack_at.apply(d, *col))
            else:
                stacked.append(wrap(np.stack([c._data for c in col], axis=d)))
        return stacked[0] if single else tuple(stacked)

    return wrapper
