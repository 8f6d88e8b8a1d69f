"""Softmax and log-softmax along a dim (numerically stable; dedicated backward rules).

``nn.functional`` builds on these functions.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._backend import norm_dims
from .._tensor import Tensor
from ._dispatch import apply
from ._registry import defop, expose
from .reduce import _np_aliases, _word


def _axis_of(x: np.ndarray, dim: int):
    return dim if x.ndim else None


def _softmax_fwd(x, dim):
    ax = _axis_of(x, dim)
    m = np.max(x, axis=ax, keepdims=True) if x.size else 0
    with np.errstate(invalid="ignore"):  # all -inf slices give NaN silently, as PyTorch
        e = np.asarray(np.subtract(x, m))  # shifted by the max: no overflow for large inputs
        np.exp(e, out=e)  # in place on the fresh temporary: fewer large allocations
        e /= np.sum(e, axis=ax, keepdims=True)
    return e


def _log_softmax_fwd(x, dim):
    ax = _axis_of(x, dim)
    m = np.max(x, axis=ax, keepdims=True) if x.size else 0
    if x.size:
        m = np.where(np.isinf(m), 0, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.asarray(np.subtract(x, m))
        lse = np.log(np.sum(np.exp(z), axis=ax, keepdims=True))
        z -= lse
    return z


def _dims(F, y, dim):
    return (dim,) if y.ndim else ()


def _softmax_grad(F, g, y, dim):
    gy = g * y
    return gy - y * F.sum(gy, _dims(F, y, dim), True)


def _log_softmax_grad(F, g, y, dim):
    return g - F.exp(y) * F.sum(g, _dims(F, y, dim), True)


SOFTMAX = defop(
    "softmax",
    _softmax_fwd,
    saves=("result",),
    grads=(_softmax_grad,),
    node="SoftmaxBackward0",
    jvp=lambda F, ts, y, dim: y * (ts[0] - F.sum(y * ts[0], _dims(F, y, dim), True)),
    explain={"self": "{y}·(δ - {y}) (Jacobian of softmax)"},
)
LOG_SOFTMAX = defop(
    "log_softmax",
    _log_softmax_fwd,
    saves=("result",),
    grads=(_log_softmax_grad,),
    node="LogSoftmaxBackward0",
    jvp=lambda F, ts, y, dim: ts[0] - F.sum(F.exp(y) * ts[0], _dims(F, y, dim), True),
    explain={"self": "δ - softmax({u})"},
)


def _prepare(input, dim, dtype, name: str):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    if dim is None:
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    x = input._data
    d = norm_dims(int(dim), x.ndim)[0]
    if dtype is not None:
        input = input.to(D.to_dtype(dtype))
        x = input._data
    if x.dtype.kind not in "fc":
        kernel = (
            f"{name}_lastdim_kernel_impl"
            if x.ndim == 0 or d == x.ndim - 1
            else f"{name}_kernel_impl"
        )
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_word(x)}'")
    return input, d


def softmax(input: Tensor, dim: int | None = None, dtype=None, *, _stacklevel: int = 3) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim``, computed stably (max subtracted first).

    Example:
        >>> import chainrule as torch
        >>> torch.softmax(torch.tensor([1000.0, 1000.0]), 0)
        tensor([0.5000, 0.5000])
    """
    input, d = _prepare(input, dim, dtype, "softmax")
    return apply(SOFTMAX, (input,), (d,))


def log_softmax(
    input: Tensor, dim: int | None = None, dtype=None, *, _stacklevel: int = 3
) -> Tensor:
    """``x - logsumexp(x)`` along ``dim``, computed stably.

    Example:
        >>> import chainrule as torch
        >>> torch.log_softmax(torch.tensor([0.0, 0.0]), 0)
        tensor([-0.6931, -0.6931])
    """
    input, d = _prepare(input, dim, dtype, "log_softmax")
    return apply(LOG_SOFTMAX, (input,), (d,))


expose(_np_aliases(softmax), "softmax")
expose(_np_aliases(log_softmax), "log_softmax")
