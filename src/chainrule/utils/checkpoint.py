"""Activation checkpointing (``torch.utils.checkpoint``): trade compute for memory.

``checkpoint(fn, *args)`` runs ``fn`` without recording its graph (so none of its intermediate
values are kept alive) and runs it again during backward, this time recording, to get the
gradients. Memory for the segment's activations drops to its inputs; compute for it doubles.

Example:
    >>> import chainrule as torch
    >>> from chainrule.utils.checkpoint import checkpoint
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> y = checkpoint(lambda t: (t.sin() * t).exp(), x, use_reentrant=False)
    >>> y.sum().backward()
    >>> x.grad.shape
    torch.Size([2])
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

from .._tensor import Tensor, wrap
from ..autograd import grad_mode
from ..autograd.function import Function

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointFunction"]


class CheckpointFunction(Function):
    """Runs ``run_function`` under no_grad in forward and again, recording, in backward."""

    @staticmethod
    def forward(ctx, run_function: Callable, preserve_rng_state: bool, *args: Any) -> Any:
        ctx.run_function = run_function
        ctx.inputs = args
        ctx.rng = None
        if preserve_rng_state:
            from .. import _creation

            gen = getattr(_creation, "default_generator", None)
            if gen is not None and hasattr(gen, "get_state"):
                ctx.rng = (gen, gen.get_state())
        with grad_mode.no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads: Any) -> tuple:
        from ..autograd import backward as _backward

        inputs = []
        for a in ctx.inputs:
            if isinstance(a, Tensor):
                d = wrap(a._data)
                d._vc = a._vc
                d._requires_grad = a._requires_grad
                inputs.append(d)
            else:
                inputs.append(a)
        if ctx.rng is not None:
            gen, state = ctx.rng
            now = gen.get_state()
            gen.set_state(state)
        try:
            with grad_mode.enable_grad():
                outputs = ctx.run_function(*inputs)
        finally:
            if ctx.rng is not None:
                gen.set_state(now)
        outs = outputs if isinstance(outputs, tuple) else (outputs,)
        pairs = [
            (o, g)
            for o, g in zip(outs, grads)
            if isinstance(o, Tensor) and o._requires_grad and g is not None
        ]
        if not pairs:
            return (None, None) + (None,) * len(inputs)
        _backward(tuple(o for o, _ in pairs), tuple(g for _, g in pairs))
        return (None, None) + tuple(d.grad if isinstance(d, Tensor) else None for d in inputs)


def checkpoint(
    function: Callable,
    *args: Any,
    use_reentrant: bool | None = None,
    preserve_rng_state: bool = True,
    **kwargs: Any,
) -> Any:
    """Run ``function(*args)`` without keeping its activations; recompute them in backward.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.utils.checkpoint import checkpoint
        >>> x = torch.tensor(2.0, requires_grad=True)
        >>> checkpoint(lambda t: t * t, x, use_reentrant=False).backward()
        >>> x.grad
        tensor(4.)
    """
    if kwargs:
        fn = function

        def function(*a: Any) -> Any:
            return fn(*a, **kwargs)

    if (
        use_reentrant is not True
        and grad_mode.state.enabled
        and not any(isinstance(a, Tensor) and a._requires_grad for a in args)
    ):
        # non-reentrant semantics: parameters the function closes over still get gradients.
        # A dummy input that requires grad makes the node record; backward re-runs the
        # function and backpropagates into whatever it used.
        import numpy as np

        dummy = wrap(np.zeros((), np.float32), True)
        return CheckpointFunction.apply(_drop_last(function), preserve_rng_state, *args, dummy)
    return CheckpointFunction.apply(function, preserve_rng_state, *args)


def _drop_last(function: Callable) -> Callable:
    def run(*a: Any) -> Any:
        return function(*a[:-1])

    return run


def checkpoint_sequential(functions: Any, segments: int, input: Tensor, **kwargs: Any) -> Any:  # noqa: A002
    """Checkpoint a sequence of modules/functions in ``segments`` chunks."""
    fns = list(functions.children()) if hasattr(functions, "children") else list(functions)
    n = len(fns)
    size = max(1, n // max(1, segments))

    def run(start: int, end: int) -> Callable:
        def forward(x: Any) -> Any:
            for f in fns[start:end]:
                x = f(x)
            return x

        return forward

    x = input
    start = 0
    while start < n - size:
        x = checkpoint(run(start, start + size), x, **kwargs)
        start += size
    return run(start, n)(x)


class _CallableModule(types.ModuleType):
    """Lets ``chainrule.utils.checkpoint(fn, *args)`` work as well as torch's
    ``torch.utils.checkpoint.checkpoint(fn, *args)``."""

    def __call__(self, function: Callable, *args: Any, **kwargs: Any) -> Any:
        return checkpoint(function, *args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
