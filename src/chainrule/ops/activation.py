"""Softmax and log-softmax along a dim (numerically stable; dedicated backward rules).

``nn.functional`` builds on these functions.
"""

from __future__ import annotations

import numpy as np

from .. import _backend as B
from .. import _dtype as D
from .._backend import norm_dims
from .._tensor import Tensor, wrap
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


def _safe_softmax_fwd(x, dim):
    """Softmax with rows that are all ``-inf`` (fully masked attention rows) set to 0."""
    y = _softmax_fwd(x, dim)
    if x.size and x.ndim:
        dead = np.all(x == -np.inf, axis=dim, keepdims=True)
        if dead.any():
            y = np.where(dead, y.dtype.type(0), y)
    return y


# ``torch._safe_softmax`` (what the math path of scaled_dot_product_attention records): the
# softmax rule, which already gives 0 where the output is 0
SAFE_SOFTMAX = defop(
    "_safe_softmax",
    _safe_softmax_fwd,
    saves=("result",),
    grads=(_softmax_grad,),
    node="SafeSoftmaxBackward0",
    jvp=lambda F, ts, y, dim: y * (ts[0] - F.sum(y * ts[0], _dims(F, y, dim), True)),
    explain={"self": "{y}·(δ - {y}) (0 on fully masked rows)"},
)


def _prepare(input, dim, dtype, name: str):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    if dim is None:
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
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


def _safe_softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """``softmax`` along ``dim``, but 0 (not NaN) on slices that are all ``-inf``.

    Example:
        >>> import chainrule as torch
        >>> torch._safe_softmax(torch.tensor([[float("-inf"), float("-inf")], [0.0, 0.0]]), -1)
        tensor([[0.0000, 0.0000],
                [0.5000, 0.5000]])
    """
    input, d = _prepare(input, dim, dtype, "_safe_softmax")
    return apply(SAFE_SOFTMAX, (input,), (d,))


expose(_safe_softmax, "_safe_softmax", method=False)
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


def _float_input(input, name: str, kernel: str | None = None):
    """Type checks as PyTorch's: a Tensor, of a floating dtype (``kernel``: the CPU kernel's
    name in PyTorch's NotImplementedError)."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    if input._data.dtype.kind not in "fc":
        raise NotImplementedError(
            f"\"{kernel or name + '_cpu'}\" not implemented for '{_word(input._data)}'"
        )


def gelu(input, approximate: str = "none"):
    """``x·Φ(x)`` (``approximate="tanh"``: the tanh approximation). One ``GeluBackward0`` node.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.functional.gelu(torch.tensor([1.0]))
        tensor([0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _float_input(input, "gelu", "GeluKernelImpl")
    return apply(GELU, (input,), (approximate,))


def softplus(input, beta: float = 1.0, threshold: float = 20.0):
    """``log(1 + exp(beta·x)) / beta`` (``x`` where ``beta·x > threshold``); one
    ``SoftplusBackward0`` node."""
    _float_input(input, "softplus")
    return apply(SOFTPLUS, (input,), (beta, threshold))


# ---------------------------------------------------------------- piecewise activations
# Out-of-place forms save the input; PyTorch's in-place forms (``elu_``, ``leaky_relu_``,
# ``threshold_``, ``celu_``, ``rrelu_``) are their own nodes (``...Backward1``) whose formulas
# read the result instead, so nothing is copied before the input is overwritten.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _same(x, y):
    return np.asarray(y, dtype=x.dtype)


def _leaky_grad_(F, g, r, negative_slope):
    if negative_slope < 0:
        raise RuntimeError(
            "In-place leakyReLu backward calculation is triggered with a negative slope which is "
            "not supported. This is caused by calling in-place forward function with a negative "
            "slope, please call out-of-place version instead. File an issue at "
            "https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu "
            "backward calculation with negative slope"
        )
    return F.where(r > 0, g, g * negative_slope)


LEAKY_RELU = defop(
    "leaky_relu",
    lambda x, negative_slope: _same(x, np.where(x > 0, x, x * negative_slope)),
    saves=("self",),
    grads=(lambda F, g, x, negative_slope: F.where(x > 0, g, g * negative_slope),),
    node="LeakyReluBackward0",
    explain={"self": "1 if {u} > 0 else {negative_slope}"},
)
LEAKY_RELU_ = defop(
    "leaky_relu_",
    LEAKY_RELU.forward,
    saves=("result",),
    grads=(_leaky_grad_,),
    node="LeakyReluBackward1",
    explain={"self": "1 if {y} > 0 else {negative_slope}"},
)


def _elu_fwd(x, alpha, scale, input_scale):
    with np.errstate(over="ignore"):
        neg = (alpha * scale) * np.expm1(x * input_scale)
    return _same(x, np.where(x > 0, scale * x, neg))


def _elu_grad(F, g, x, alpha, scale, input_scale):
    return F.where(x > 0, g * scale, g * ((input_scale * alpha * scale) * F.exp(x * input_scale)))


def _elu_grad_(F, g, r, alpha, scale, input_scale):
    if alpha < 0:
        raise RuntimeError(
            "In-place elu backward calculation is triggered with a negative slope which is not "
            "supported. This is caused by calling in-place forward function with a negative "
            "slope, please call out-of-place version instead."
        )
    return F.where(r > 0, g * scale, g * input_scale * (r + alpha * scale))


ELU = defop(
    "elu",
    _elu_fwd,
    saves=("self",),
    grads=(_elu_grad,),
    node="EluBackward0",
    explain={
        "self": "{scale} if {u} > 0 else {scale}·{alpha}·{input_scale}·exp({input_scale}·{u})"
    },
)
ELU_ = defop(
    "elu_",
    _elu_fwd,
    saves=("result",),
    grads=(_elu_grad_,),
    node="EluBackward1",
    explain={"self": "{scale} if {y} > 0 else {input_scale}·({y} + {alpha}·{scale})"},
)
CELU = defop(
    "celu",
    _elu_fwd,
    saves=("self",),
    grads=(_elu_grad,),
    node="CeluBackward0",
    explain={"self": "1 if {u} > 0 else exp({u}/α)"},
)
CELU_ = defop(
    "celu_",
    _elu_fwd,
    saves=("result",),
    grads=(_elu_grad_,),
    node="CeluBackward1",
    explain={"self": "1 if {y} > 0 else {y}/α + 1"},
)


def _clip(x, lo, hi):
    if x.dtype.kind not in "fc":  # integer input: PyTorch casts the bounds to the input's type
        lo, hi = int(lo), int(hi)
    return np.clip(x, lo, hi).astype(x.dtype, copy=False)


HARDTANH = defop(
    "hardtanh",
    _clip,
    saves=("self",),
    grads=(lambda F, g, x, lo, hi: g * ((x > lo) & (x < hi)),),
    node="HardtanhBackward0",
    promote="keep",
    explain={"self": "1 if {min_val} < {u} < {max_val} else 0"},
)
HARDTANH_ = defop(
    "hardtanh_",
    _clip,
    saves=("result",),
    grads=(lambda F, g, r, lo, hi: g * ((r > lo) & (r < hi)),),
    node="HardtanhBackward0",
    promote="keep",
    explain={"self": "1 if {min_val} < {y} < {max_val} else 0"},
)


def _hardswish_grad(F, g, x):
    # PyTorch: 0 for x <= -3, x/3 + 1/2 strictly inside (-3, 3), 1 from 3 on
    return F.where(x <= -3.0, 0.0 * g, F.where(x < 3.0, g * (x / 3.0 + 0.5), g))


HARDSWISH = defop(
    "hardswish",
    lambda x: _same(x, x * (np.clip(x + 3.0, 0.0, 6.0) / 6.0)),
    saves=("self",),
    grads=(_hardswish_grad,),
    node="HardswishBackward0",
    explain={"self": "0 if {u} ≤ -3, {u}/3 + 1/2 if {u} < 3, else 1"},
)
HARDSIGMOID = defop(
    "hardsigmoid",
    lambda x: _same(x, np.clip(x + 3.0, 0.0, 6.0) / 6.0),
    saves=("self",),
    grads=(lambda F, g, x: (g / 6.0) * ((x > -3.0) & (x < 3.0)),),
    node="HardsigmoidBackward0",
    explain={"self": "1/6 if -3 < {u} < 3 else 0"},
)


def _softplus_stable(F, x):
    """log(1 + exp(x)) without overflow: max(x, 0) + log(1 + exp(-|x|))."""
    return F.where(x > 0, x, 0.0 * x) + F.log(1.0 + F.exp(-F.abs(x)))


def _mish_fwd(x):
    sp = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
    return _same(x, x * np.tanh(sp))


def _mish_grad(F, g, x):
    t = F.tanh(_softplus_stable(F, x))
    return g * (t + x * F.sigmoid(x) * (1.0 - t * t))


MISH = defop(
    "mish",
    _mish_fwd,
    saves=("self",),
    grads=(_mish_grad,),
    node="MishBackward0",
    explain={"self": "tanh(sp({u})) + {u}·σ({u})·(1 - tanh²(sp({u})))"},
)
LOG_SIGMOID = defop(
    "log_sigmoid",
    lambda x: _same(x, np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))),
    saves=("self",),
    grads=(lambda F, g, x: g * F.sigmoid(-x),),
    node="LogSigmoidBackward0",
    explain={"self": "σ(-{u})"},
)


def _shrink_mask(x, lambd):
    return (x < -lambd) | (x > lambd)


SOFTSHRINK = defop(
    "softshrink",
    lambda x, lambd: _same(x, np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0))),
    saves=("self",),
    grads=(lambda F, g, x, lambd: g * _shrink_mask(x, lambd),),
    node="SoftshrinkBackward0",
    explain={"self": "1 if |{u}| > {lambd} else 0"},
)
HARDSHRINK = defop(
    "hardshrink",
    lambda x, lambd: _same(x, np.where(_shrink_mask(x, lambd), x, 0)),
    saves=("self",),
    grads=(lambda F, g, x, lambd: g * _shrink_mask(x, lambd),),
    node="HardshrinkBackward0",
    explain={"self": "1 if |{u}| > {lambd} else 0"},
)


def _threshold_fwd(x, threshold, value):
    return np.where(x <= threshold, value, x).astype(x.dtype, copy=False)


THRESHOLD = defop(
    "threshold",
    _threshold_fwd,
    saves=("self",),
    grads=(lambda F, g, x, threshold, value: g * (x > threshold),),
    node="ThresholdBackward0",
    promote="keep",
    explain={"self": "1 if {u} > {threshold} else 0"},
)
THRESHOLD_ = defop(
    "threshold_",
    _threshold_fwd,
    saves=("result",),
    grads=(lambda F, g, r, threshold, value: g * (r > threshold),),
    node="ThresholdBackward1",
    promote="keep",
    explain={"self": "1 if {y} > {threshold} else 0"},
)


def _rrelu_fwd(x, noise, slope):
    if noise is not None:  # training: the sampled slopes (1 where x > 0)
        return _same(x, x * noise)
    return _same(x, np.where(x > 0, x, x * slope))


def _rrelu_grad(F, g, x, noise, slope):
    if noise is not None:
        return g * _noise_like(F, noise, g)
    return F.where(x > 0, g, g * slope)


def _noise_like(F, noise, like):
    dt = like.dtype if _fast_ns(F) else like._data.dtype
    arr = noise.astype(dt, copy=False)
    return arr if _fast_ns(F) else wrap(arr)


def _fast_ns(F) -> bool:
    return F is B.array_ns


RRELU = defop(
    "rrelu_with_noise",
    _rrelu_fwd,
    saves=("self",),
    grads=(_rrelu_grad,),
    node="RreluWithNoiseBackward0",
    explain={"self": "the sampled slope if {u} ≤ 0 (training), else 1"},
)
RRELU_ = defop(
    "rrelu_with_noise_",
    _rrelu_fwd,
    saves=("result",),
    grads=(_rrelu_grad,),
    node="RreluWithNoiseBackward1",
    explain={"self": "the sampled slope if {y} ≤ 0 (training), else 1"},
)


# ---------------------------------------------------------------- glu, prelu


def _half(F, t, dim, k):
    n = t.shape[dim] // 2
    return t[(slice(None),) * dim + (slice(k * n, (k + 1) * n),)]


def _glu_fwd(x, dim):
    a, b = np.split(x, 2, axis=dim)
    return _same(x, a / (1 + np.exp(-b)))


def _glu_grad(F, g, x, dim):
    a, b = _half(F, x, dim, 0), _half(F, x, dim, 1)
    sb = F.sigmoid(b)
    return F.cat([g * sb, g * a * sb * (1.0 - sb)], dim)


def _glu_jvp(F, tv, x, dim):
    a, b = _half(F, x, dim, 0), _half(F, x, dim, 1)
    t = tv[0]
    sb = F.sigmoid(b)
    return _half(F, t, dim, 0) * sb + a * sb * (1.0 - sb) * _half(F, t, dim, 1)


GLU = defop(
    "glu",
    _glu_fwd,
    saves=("self",),
    grads=(_glu_grad,),
    node="GluBackward0",
    jvp=_glu_jvp,
    explain={"self": "[σ(b), a·σ(b)(1 - σ(b))] for the halves a, b"},
)


def _prelu_shape(ndim: int, n: int) -> tuple:
    shape = [1] * ndim
    if ndim >= 2 and n > 1:
        shape[1] = n
    return tuple(shape)


def _prelu_fwd(x, w):
    wb = w.reshape(_prelu_shape(x.ndim, w.size))
    return np.where(x > 0, x, wb * x).astype(x.dtype, copy=False)


def _prelu_backward(F, g, needs, x, w):
    n = w.numel() if not _fast_ns(F) else w.size
    wb = F.reshape(w, _prelu_shape(x.ndim, n))
    pos = x > 0
    gx = F.where(pos, g, g * wb) if needs[0] else None
    gw = None
    if needs[1]:
        neg = F.where(pos, 0.0 * g, x * g)
        dims = tuple(d for d in range(x.ndim) if not (d == 1 and n > 1))
        gw = F.reshape(F.sum(neg, dim=dims) if dims else neg, tuple(w.shape))
    return gx, gw


def _prelu_jvp(F, tv, x, w):
    n = w.numel() if not _fast_ns(F) else w.size
    shape = _prelu_shape(x.ndim, n)
    tx, tw = tv
    pos = x > 0
    out = None
    if tx is not None:
        out = F.where(pos, tx, tx * F.reshape(w, shape))
    if tw is not None:
        extra = F.where(pos, 0.0 * x, x * F.reshape(tw, shape))
        out = extra if out is None else out + extra
    return out


PRELU = defop(
    "prelu",
    _prelu_fwd,
    inputs=("self", "weight"),
    saves=("self", "weight"),
    backward=_prelu_backward,
    node="PreluKernelBackward0",
    promote="keep",
    jvp=_prelu_jvp,
    explain={"self": "1 if {u} > 0 else {weight}", "weight": "0 if {u} > 0 else {u}"},
)


# ---------------------------------------------------------------- public functions


def _inplace_or(op, op_, input, params: tuple, inplace: bool):
    if inplace:
        return apply_inplace(op_, (input,), params)
    return apply(op, (input,), params)


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):
    """``x`` for ``x > 0``, else ``negative_slope·x``; one ``LeakyReluBackward0`` node
    (``LeakyReluBackward1`` in place)."""
    _float_input(input, "leaky_relu")
    return _inplace_or(LEAKY_RELU, LEAKY_RELU_, input, (negative_slope,), inplace)


def elu(input, alpha: float = 1.0, inplace: bool = False, scale: float = 1.0, input_scale=1.0):
    """``scale·x`` for ``x > 0``, else ``scale·alpha·(exp(input_scale·x) - 1)``; one
    ``EluBackward0`` node (``EluBackward1`` in place). ``selu`` is this with fixed constants."""
    _float_input(input, "elu")
    return _inplace_or(ELU, ELU_, input, (alpha, scale, input_scale), inplace)


def selu(input, inplace: bool = False):
    """``elu`` with SELU's alpha and scale (PyTorch records ``EluBackward0`` too)."""
    return elu(input, _SELU_ALPHA, inplace, _SELU_SCALE, 1.0)


def celu(input, alpha: float = 1.0, inplace: bool = False):
    """``max(0, x) + min(0, alpha·(exp(x/alpha) - 1))``; one ``CeluBackward0`` node."""
    _float_input(input, "celu", "elu_cpu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _inplace_or(CELU, CELU_, input, (alpha, 1.0, 1.0 / alpha), inplace)


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
    """``x`` clamped to ``[min_val, max_val]``; one ``HardtanhBackward0`` node."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if not isinstance(input, Tensor):
        raise TypeError(
            f"hardtanh(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    return _inplace_or(HARDTANH, HARDTANH_, input, (min_val, max_val), inplace)


def _pointwise(op, name: str, doc: str):
    def fn(input, inplace: bool = False):
        _float_input(input, name)
        if inplace:
            return apply_inplace(op, (input,))
        return apply(op, (input,))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


hardswish = _pointwise(
    HARDSWISH, "hardswish", "``x·relu6(x + 3)/6``; one ``HardswishBackward0`` node."
)
hardsigmoid = _pointwise(
    HARDSIGMOID, "hardsigmoid", "``relu6(x + 3)/6``; one ``HardsigmoidBackward0`` node."
)
mish = _pointwise(MISH, "mish", "``x·tanh(softplus(x))``; one ``MishBackward0`` node.")


def silu(input, inplace: bool = False):
    """``x·σ(x)``; one ``SiluBackward0`` node (in place too, as PyTorch)."""
    _float_input(input, "silu")
    if inplace:
        return apply_inplace(SILU, (input,))
    return apply(SILU, (input,))


def logsigmoid(input):
    """``log(σ(x))``, computed stably; one ``LogSigmoidBackward0`` node."""
    _float_input(input, "logsigmoid", "log_sigmoid_cpu")
    return apply(LOG_SIGMOID, (input,))


def _check_lambd(input, lambd):
    if lambd < 0:
        word = _word(input._data)
        hi = "3.40282e+38" if input._data.dtype == np.float32 else "1.79769e+308"
        raise RuntimeError(
            f"lambda must be in range [0, {hi}] for input dtype {word}, but found {lambd:g}"
        )


def softshrink(input, lambd: float = 0.5):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    _float_input(input, "softshrink", "softshrink_check")
    _check_lambd(input, lambd)
    return apply(SOFTSHRINK, (input,), (lambd,))


def hardshrink(input, lambd: float = 0.5):
    """``x`` where ``|x| > lambd``, else 0."""
    _float_input(input, "hardshrink")
    return apply(HARDSHRINK, (input,), (lambd,))


def threshold(input, threshold: float, value: float, inplace: bool = False):
    """``x`` where ``x > threshold``, else ``value``."""
    if not isinstance(input, Tensor):
        raise TypeError(
            f"threshold(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    return _inplace_or(THRESHOLD, THRESHOLD_, input, (threshold, value), inplace)


def rrelu(input, lower: float, upper: float, training: bool, inplace: bool, generator):
    """Randomized leaky ReLU: slopes ~ U(lower, upper) for ``x ≤ 0`` in training, else the
    mean slope ``(lower + upper)/2``."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    _float_input(input, "rrelu", "rrelu_with_noise_out_cpu" if training else "leaky_relu_cpu")
    x = input._data
    noise = None
    if training and upper - lower > 1e-6:
        r = generator.rng.uniform(lower, upper, x.shape)
        noise = np.where(x <= 0, r, 1.0).astype(x.dtype)
    slope = (lower + upper) / 2.0
    return _inplace_or(RRELU, RRELU_, input, (noise, slope), inplace)


def glu(input, dim: int = -1):
    """``a·σ(b)`` for the halves ``a, b`` of ``input`` along ``dim``; one ``GluBackward0``."""
    _float_input(input, "glu")
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = norm_dims(int(dim), input.dim())[0]
    if input.shape[d] % 2:
        raise RuntimeError(
            f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}"
        )
    return apply(GLU, (input,), (d,))


def prelu(input, weight):
    """``x`` for ``x > 0``, else ``weight·x`` (one weight or one per channel, dim 1)."""
    _float_input(input, "prelu")
    n = weight.numel()
    if n != 1:
        if input.dim() == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        c = input.shape[1] if input.dim() >= 2 else 1
        if n != c:
            raise RuntimeError(
                f"Mismatch of parameter numbers and input channel size. Found parameter numbers "
                f"= {n} and channel size = {c}."
            )
    if weight.dim() > 1:
        raise RuntimeError(
            f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}"
        )
    return apply(PRELU, (input, weight))
