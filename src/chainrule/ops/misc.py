"""Copies and casts: ``to``/``float``/``double`` ..., ``clone``, ``copy_``, ``fill_``, ``zero_``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, check_device
from ._dispatch import apply, apply_inplace
from ._registry import defop, expose

TO_COPY = defop(
    "to_copy",
    lambda x, npd: x.astype(npd, copy=True),
    grads=(lambda F, g, npd: g,),  # the engine casts the gradient back to the input's dtype
    node="ToCopyBackward0",
    promote="keep",
    jvp="linear",
    explain={"self": "1"},
)


def _clone_fwd(x, order="K"):
    # PyTorch's preserve_format keeps the strides of dense, non-overlapping tensors only: an
    # expanded input (a stride 0) comes back contiguous, so that it can be viewed afterwards
    if order == "K" and any(st == 0 and n > 1 for st, n in zip(x.strides, x.shape)):
        order = "C"
    return np.array(x, copy=True, order=order)


CLONE = defop(
    "clone",
    _clone_fwd,
    grads=(lambda F, g, order="K": g,),
    promote="keep",
    jvp="linear",
    explain={"self": "1"},
)
COPY = defop(
    "copy",
    lambda dst, src: np.broadcast_to(np.asarray(src), np.shape(dst)).astype(np.asarray(dst).dtype),
    inputs=("self", "src"),
    grads=(lambda F, g: g * 0, lambda F, g: g),
    node="torch::autograd::CopyBackwards",
    promote="keep",
    # the result's tangent is src's (dst's is overwritten); the engine broadcasts and casts it
    jvp=lambda F, tangents: 0 if tangents[1] is None else tangents[1],
)
FILL = defop(
    "fill",
    lambda x, value: np.full_like(x, value),
    grads=(lambda F, g, value: g * 0,),
    node="FillBackward2",
    promote="keep",
    jvp=lambda F, t, value: t[0] * 0,  # filled with a constant: zero tangent
)
FILL_TENSOR = defop(
    "fill_tensor",
    lambda x, value: np.full_like(x, value),
    inputs=("self", "value"),
    grads=(lambda F, g: g * 0, lambda F, g: F.sum(g)),
    node="FillBackward3",
    promote="keep",
    jvp=lambda F, t: 0 if t[1] is None else t[1],  # the value's tangent, broadcast
)
ZERO = defop(
    "zero",
    lambda x: np.zeros_like(x),
    grads=(lambda F, g: g * 0,),
    promote="keep",
    jvp="linear",
)


def _cast(t: Tensor, d: D.dtype, copy: bool = False) -> Tensor:
    if d.np == t._data.dtype and not copy:
        return t
    return apply(TO_COPY, (t,), (d.np,))


def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """Cast to a dtype (``to(torch.float64)``, ``to(other)``, ``to("cpu", dtype)``).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1, 2]).to(torch.float32)
        tensor([1., 2.])
    """
    dtype = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    check_device(kwargs.pop("device", None))
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, D.dtype) or a in (float, int, bool):
            dtype = a
        elif isinstance(a, (bool,)):
            continue
        else:
            check_device(a)
    if dtype is None:
        return self.clone() if copy else self
    return _cast(self, D.to_dtype(dtype), copy)


def type_as(self: Tensor, other: Tensor) -> Tensor:
    """Cast to ``other``'s dtype."""
    return _cast(self, other.dtype)


def _caster(d: D.dtype, name: str):
    def fn(self: Tensor, memory_format: Any = None) -> Tensor:
        return _cast(self, d)

    fn.__name__ = name
    fn.__doc__ = f"Cast to ``{d!r}``."
    return fn


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy that stays in the graph (``CloneBackward0``).

    Example:
        >>> import chainrule as torch
        >>> x = torch.ones(2, requires_grad=True)
        >>> x.clone()
        tensor([1., 1.], grad_fn=<CloneBackward0>)
    """
    return apply(CLONE, (input,))


def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    """Self when already contiguous (as PyTorch), else a contiguous copy."""
    if self._data.flags.c_contiguous:
        return self
    return apply(CLONE, (self,), ("C",))


def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, cast) into self, in place and differentiably."""
    if not isinstance(src, Tensor):
        from .._creation import tensor

        src = tensor(src)
    try:
        np.broadcast_shapes(src._data.shape, self._data.shape)
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({self._data.shape[-1] if self._data.ndim else 1}) must match "
            f"the size of tensor b ({src._data.shape[-1] if src._data.ndim else 1}) at "
            "non-singleton dimension 0"
        ) from None
    return apply_inplace(COPY, (self, src))


def fill_(self: Tensor, value: Any) -> Tensor:
    """Fill with ``value`` in place."""
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value.dim()} dimensions."
            )
        return apply_inplace(FILL_TENSOR, (self, value))
    return apply_inplace(FILL, (self,), (value,))


def zero_(self: Tensor) -> Tensor:
    """Set every element to zero in place (``x.grad.zero_()``)."""
    return apply_inplace(ZERO, (self,))


# ---------------------------------------------------------------- in-place random fills
def _random_fill(draw, typed: bool = False):
    """``typed``: the draw depends on the tensor's dtype (PyTorch's samplers do)."""

    def forward(x, gen, *args):
        from .._creation import _rng

        if typed:
            args = (*args, x.dtype)
        return np.asarray(draw(_rng(gen), x.shape, *args)).astype(x.dtype)

    return forward


_RANDOM_FILLS = {
    "normal": _random_fill(lambda r, s, mean, std, dt: r.normal(mean, std, s, dtype=dt), True),
    "uniform": _random_fill(lambda r, s, lo, hi, dt: r.uniform(lo, hi, s, dtype=dt), True),
    "bernoulli": _random_fill(lambda r, s, p: r.random(s) < p),
    "random": _random_fill(lambda r, s, lo, hi: r.integers(lo, hi, s)),
    "exponential": _random_fill(lambda r, s, lambd: r.exponential(1.0 / lambd, s)),
}
_RANDOM_OPS = {
    name: defop(
        name,
        fwd,
        grads=(lambda F, g, *params: g * 0,),  # the new values do not depend on the old ones
        node="BernoulliBackward2" if name == "bernoulli" else None,
        promote="keep",
        jvp="linear",
        explain={"self": "0"},
    )
    for name, fwd in _RANDOM_FILLS.items()
}


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator=None) -> Tensor:
    """Fill in place with normal random numbers (``w.data.normal_(0, 0.01)``).

    Example:
        >>> import chainrule as torch
        >>> torch.empty(3).normal_(0, 0.01).shape
        torch.Size([3])
    """
    return apply_inplace(_RANDOM_OPS["normal"], (self,), (generator, mean, std))


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator=None) -> Tensor:
    """Fill in place with uniform random numbers in ``[a, b)``."""
    return apply_inplace(_RANDOM_OPS["uniform"], (self,), (generator, a, b))


def bernoulli_(self: Tensor, p: float = 0.5, *, generator=None) -> Tensor:
    """Fill in place with 0/1 draws that are 1 with probability ``p``."""
    return apply_inplace(_RANDOM_OPS["bernoulli"], (self,), (generator, p))


def random_(self: Tensor, low: int = 0, high: int | None = None, *, generator=None) -> Tensor:
    """Fill in place with random integers in ``[low, high)`` (``random_(n)``: ``[0, n)``)."""
    if high is None:
        low, high = 0, low
    return apply_inplace(_RANDOM_OPS["random"], (self,), (generator, low, high))


def exponential_(self: Tensor, lambd: float = 1.0, *, generator=None) -> Tensor:
    """Fill in place with exponential random numbers of rate ``lambd``."""
    return apply_inplace(_RANDOM_OPS["exponential"], (self,), (generator, lambd))


expose(to, method=True)
expose(type_as, method=True)
for _name, _d in (
    ("float", D.float32),
    ("double", D.float64),
    ("half", D.float16),
    ("long", D.int64),
    ("int", D.int32),
    ("short", D.int16),
    ("char", D.int8),
    ("byte", D.uint8),
    ("bool", D.bool_),
):
    expose(_caster(_d, _name), _name, method=True)
from ._registry import PUBLIC as _P  # noqa: E402

for _name in (
    "to",
    "type_as",
    "float",
    "double",
    "half",
    "long",
    "int",
    "short",
    "char",
    "byte",
    "bool",
):
    _P.pop(_name, None)
expose(clone)
expose(contiguous, method=True)
_P.pop("contiguous", None)
for _f in (copy_, fill_, zero_, normal_, uniform_, bernoulli_, random_, exponential_):
    expose(_f, method=True)
    _P.pop(_f.__name__, None)
expose(fill_, "fill_")
expose(zero_, "zero_")
