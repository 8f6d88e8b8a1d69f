"""Softmax and log-softmax along a dim (numerically stable; dedicated backward rules).

``nn.functional`` builds on these functions.
"""

from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import _dtype as D
from .._backend import norm_dims
from .._tensor import Tensor
from ._dispatch import apply, apply_inplace
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


# ---------------------------------------------------------------- pointwise activations
# PyTorch records these as one node each (GeluBackward0 ...), so they are primitives here too;
# ``nn.functional`` and the ``nn`` modules call them. The forwards follow PyTorch's kernels.
_SQRT1_2 = 1.0 / np.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)
_GELU_K = np.sqrt(2.0 / np.pi)
_GELU_C = 0.044715


def _gelu_fwd(x, approximate):
    if approximate == "tanh":
        inner = _GELU_K * (x + _GELU_C * x * x * x)
        return np.asarray(0.5 * x * (1 + np.tanh(inner)), dtype=x.dtype)
    return np.asarray(x * 0.5 * (1 + B.erf(x * _SQRT1_2)), dtype=x.dtype)


def _gelu_grad(F, g, x, approximate):
    if approximate == "tanh":
        x2 = x * x
        t = F.tanh(_GELU_K * (x + _GELU_C * x2 * x))
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _GELU_K * (1 + 3 * _GELU_C * x2))
    cdf = 0.5 * (1 + F.erf(x * _SQRT1_2))
    pdf = _INV_SQRT_2PI * F.exp(-0.5 * (x * x))
    return g * (cdf + x * pdf)


def _silu_grad(F, g, x):
    s = F.sigmoid(x)
    return g * (s * (1 + x * (1 - s)))


def _softplus_fwd(x, beta, threshold):
    bx = x * beta
    with np.errstate(over="ignore"):
        soft = np.log1p(np.exp(bx)) / beta
    return np.asarray(np.where(bx > threshold, x, soft), dtype=x.dtype)


GELU = defop(
    "gelu",
    _gelu_fwd,
    saves=("self",),
    grads=(_gelu_grad,),
    node="GeluBackward0",
    explain={"self": "Φ({u}) + {u}·φ({u})"},
)
SILU = defop(
    "silu",
    lambda x: np.asarray(x / (1 + np.exp(-x)), dtype=x.dtype),
    saves=("self",),
    grads=(_silu_grad,),
    node="SiluBackward0",
    explain={"self": "σ({u})·(1 + {u}·(1 - σ({u})))"},
)
LEAKY_RELU = defop(
    "leaky_relu",
    lambda x, negative_slope: np.asarray(np.where(x > 0, x, x * negative_slope), dtype=x.dtype),
    saves=("self",),
    grads=(lambda F, g, x, negative_slope: F.where(x > 0, g, g * negative_slope),),
    node="LeakyReluBackward0",
    explain={"self": "1 if {u} > 0 else {negative_slope}"},
)
ELU = defop(
    "elu",
    lambda x, alpha: np.asarray(np.where(x > 0, x, alpha * np.expm1(x)), dtype=x.dtype),
    saves=("self",),
    grads=(lambda F, g, x, alpha: F.where(x > 0, g, g * (alpha * F.exp(x))),),
    node="EluBackward0",
    explain={"self": "1 if {u} > 0 else {alpha}·exp({u})"},
)
SOFTPLUS = defop(
    "softplus",
    _softplus_fwd,
    saves=("self",),
    grads=(
        lambda F, g, x, beta, threshold: F.where(x * beta > threshold, g, g * F.sigmoid(x * beta)),
    ),
    node="SoftplusBackward0",
    explain={"self": "σ({beta}·{u})"},
)


def _float_input(input, name: str):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    if input._data.dtype.kind not in "fc":
        raise RuntimeError(f"\"{name}\" not implemented for '{_word(input._data.dtype)}'")


def gelu(input, approximate: str = "none"):
    """``x·Φ(x)`` (``approximate="tanh"``: the tanh approximation). One ``GeluBackward0`` node.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.gelu(torch.tensor([1.0]))
        tensor([0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _float_input(input, "gelu")
    return apply(GELU, (input,), (approximate,))


def silu(input):
    """``x·σ(x)``; one ``SiluBackward0`` node."""
    _float_input(input, "silu")
    return apply(SILU, (input,))


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):
    """``x`` for ``x > 0``, else ``negative_slope·x``; one ``LeakyReluBackward0`` node."""
    _float_input(input, "leaky_relu")
    if inplace:
        return apply_inplace(LEAKY_RELU, (input,), (negative_slope,))
    return apply(LEAKY_RELU, (input,), (negative_slope,))


def elu(input, alpha: float = 1.0, inplace: bool = False):
    """``x`` for ``x > 0``, else ``alpha·(exp(x) - 1)``; one ``EluBackward0`` node."""
    _float_input(input, "elu")
    if inplace:
        return apply_inplace(ELU, (input,), (alpha,))
    return apply(ELU, (input,), (alpha,))


def softplus(input, beta: float = 1.0, threshold: float = 20.0):
    """``log(1 + exp(beta·x)) / beta`` (``x`` where ``beta·x > threshold``); one
    ``SoftplusBackward0`` node."""
    _float_input(input, "softplus")
    return apply(SOFTPLUS, (input,), (beta, threshold))
