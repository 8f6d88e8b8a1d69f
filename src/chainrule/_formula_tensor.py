"""Helpers the derivative formulas use under ``create_graph=True`` (differentiable versions of
the array helpers in ``_backend``)."""

from __future__ import annotations

import math

from ._tensor import Tensor


def _unsqueeze_dims(g: Tensor, dims: tuple, ndim: int) -> Tensor:
    if ndim == 0 or not dims:
        return g
    shape = list(g.shape)
    for d in sorted(dims):
        shape.insert(d, 1)
    return g.reshape(shape)


def _to(x, like):
    return x.to(like.dtype) if isinstance(x, Tensor) else x


def _sum_to(x: Tensor, shape: tuple) -> Tensor:
    from .autograd.engine import sum_to

    return sum_to(x, tuple(shape), True)


def _zeros(shape, like):
    from ._creation import zeros

    return zeros(shape, dtype=like.dtype)


def _index_put(base_shape, like, index, values, accumulate=True):
    from ._creation import zeros

    out = zeros(base_shape, dtype=like.dtype)
    return (
        out.index_put_(index, values, accumulate=accumulate) if hasattr(out, "index_put_") else out
    )


def _outer(a, b):
    return a.reshape(tuple(a.shape) + (1,) * b.dim()) * b


def _zeros_like(x):
    from ._creation import zeros_like

    return zeros_like(x)


def _ones_like(x):
    from ._creation import ones_like

    return ones_like(x)


def _expand(x: Tensor, shape) -> Tensor:
    return x.expand(tuple(shape))


def _conj(x):
    # real tensors: conj is the identity (complex tensors use their own method when present)
    return x.conj() if isinstance(x, Tensor) and x.is_complex() else x


def _special(name: str):
    def fn(*args):
        from .ops import special

        return getattr(special, name)(*args)

    fn.__name__ = name
    return fn


HELPERS = {
    # torch.special functions the formulas use that the torch namespace lacks
    "i0e": _special("i0e"),
    "i1": _special("i1"),
    "i1e": _special("i1e"),
    "zeta": _special("zeta"),
    "xlog1py": _special("xlog1py"),
    "zeros_like": _zeros_like,
    "ones_like": _ones_like,
    "expand": _expand,
    "conj": _conj,
    "unsqueeze_dims": _unsqueeze_dims,
    "to": _to,
    "sum_to": _sum_to,
    "zeros": _zeros,
    "index_put": _index_put,
    "outer": _outer,
    "pi": math.pi,
}
