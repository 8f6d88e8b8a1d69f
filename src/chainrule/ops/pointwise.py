"""More elementwise ops, as PyTorch has them: inverse hyperbolics, hypot, logaddexp, copysign,
fmax/fmin, heaviside, nextafter, gcd/lcm, ldexp/frexp, sinc, logit, xlogy, deg2rad, sgn, angle,
the float predicates (isposinf ...) and the real-tensor views of complex functions (real, conj
...). Entries first, then their front-ends."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _dtype as D
from .._backend import precise, storage_offset
from .._backend import sign as _backend_sign
from .._tensor import Tensor
from ..autograd import grad_mode
from ._dispatch import apply, apply_inplace, broadcast_mismatch, no_complex_autograd, result_dtype
from ._registry import defop, expose
from .elementwise import (
    OPERATORS,
    _need_tensor,
    _no_derivative,
    _no_kernel,
    _unary,
    _word,
    _zero_grad,
)
from .reduce import return_type, return_types

LN2 = math.log(2.0)
PI = math.pi
_DEG2RAD = math.pi / 180.0
_RAD2DEG = 180.0 / math.pi

# ---------------------------------------------------------------- inverse hyperbolic functions

ASINH = _unary("asinh", np.arcsinh, lambda F, g, x: g * F.rsqrt(x * x + 1), explain="1/√({u}²+1)")
ACOSH = _unary(
    "acosh",
    np.arccosh,
    lambda F, g, x: g * F.rsqrt(x * x - 1),
    explain="1/√({u}²-1)",
)
ATANH = _unary(
    "atanh", np.arctanh, lambda F, g, x: g / (1 - x * x), explain="1/(1-{u}²)", domain="unit"
)


def _inplace_not_implemented(name: str, fwd):
    def rule(F, g, *args):
        raise NotImplementedError(
            f"the derivative for 'inplace version of {name}' is not implemented."
        )

    return defop(
        f"{name}_inplace",
        precise(fwd),
        grads=(rule,),
        node=name.capitalize() + "Backward1",
        promote="float",
    )


# x.asinh_() ...: PyTorch records AsinhBackward1, whose backward raises
ASINH_INPLACE = _inplace_not_implemented("asinh", np.arcsinh)
ACOSH_INPLACE = _inplace_not_implemented("acosh", np.arccosh)
ATANH_INPLACE = _inplace_not_implemented("atanh", np.arctanh)

# ---------------------------------------------------------------- sinc, deg2rad, logit, sgn


def _sinc_fwd(x):
    # PyTorch: sin(pi x) / (pi x) with the product rounded in the input's dtype, 1 at 0
    dt = x.dtype
    if dt == np.float16:  # PyTorch computes half in float32 ("opmath"), rounding at the end
        p = x.astype(np.float32) * np.float32(PI)
    else:
        p = x * dt.type(PI)
    p64 = np.asarray(p, dtype=np.float64)
    with np.errstate(all="ignore"):
        out = np.sin(p64) / p64
    return np.where(x == 0, 1.0, out).astype(dt, copy=False)


def _sinc_grad(F, g, x):
    px = x * PI
    d = (px * F.cos(px) - F.sin(px)) / (px * x)
    return g * F.where(x == 0, 0.0, d)


SINC = defop(
    "sinc",
    _sinc_fwd,
    saves=("self",),
    grads=(_sinc_grad,),
    promote="float",
    explain={"self": "(π{u}·cos(π{u}) - sin(π{u}))/(π{u}²)"},
)
DEG2RAD = defop(
    "deg2rad",
    lambda x: x * x.dtype.type(_DEG2RAD),
    grads=(lambda F, g: g * _DEG2RAD,),
    node="Deg2RadBackward0",
    promote="float",
    jvp="linear",
    explain={"self": "π/180"},
)
RAD2DEG = defop(
    "rad2deg",
    lambda x: x * x.dtype.type(_RAD2DEG),
    grads=(lambda F, g: g * _RAD2DEG,),
    node="Rad2DegBackward0",
    promote="float",
    jvp="linear",
    explain={"self": "180/π"},
)


def _logit_fwd(x, eps):
    if eps is not None:
        x = np.clip(x, eps, 1 - eps).astype(x.dtype, copy=False)
    with np.errstate(all="ignore"):
        return np.log(x / (1 - x))


def _logit_grad(F, g, x, eps):
    d = g / (x * (1 - x))
    if eps is None:  # outside [0, 1] the derivative is NaN
        return F.where((x < 0) | (x > 1), math.nan, d)
    return F.where((x < eps) | (x > 1 - eps), 0.0, d)


LOGIT = defop(
    "logit",
    _logit_fwd,
    saves=("self",),
    grads=(_logit_grad,),
    promote="float",
    explain={"self": "1/({u}(1-{u}))"},
)


def _sgn_fwd(x):
    if x.dtype.kind == "c":
        with np.errstate(all="ignore"):
            a = np.abs(x)
            return np.where(a == 0, 0, x / np.where(a == 0, 1, a)).astype(x.dtype)
    return _backend_sign(x)


SGN = defop("sgn", _sgn_fwd, grads=(_zero_grad,), explain={"self": "0"})


def _angle_fwd(x):
    if x.dtype.kind == "c":
        return np.angle(x)
    # real input: 0 for x >= 0, pi for x < 0, NaN kept
    return np.where(x < 0, x.dtype.type(PI), np.where(np.isnan(x), x, 0)).astype(x.dtype)


ANGLE = defop("angle", _angle_fwd, grads=(_zero_grad,), promote="float", explain={"self": "0"})

# ---------------------------------------------------------------- binary ops


def _float_only(fn, kernel):
    """A kernel PyTorch has for floating types only (``"hypot_cpu" not implemented for ...``)."""
    return _no_kernel(fn, kernel, "biu")


def _hypot(a, b):
    return np.hypot(a, b)


HYPOT = defop(
    "hypot",
    _float_only(_hypot, "hypot_cpu"),
    inputs=("self", "other"),
    saves=("self", "other", "result"),
    grads=(lambda F, g, a, b, r: g * a / r, lambda F, g, a, b, r: g * b / r),
    explain={"self": "{self}/{y}", "other": "{other}/{y}"},
)


def _logaddexp(a, b):
    with np.errstate(all="ignore"):
        m = np.maximum(a, b)
        out = m + np.log1p(np.exp(-np.abs(a - b)))
        return np.where(np.isinf(a) & (a == b), a, out)


def _logaddexp2(a, b):
    with np.errstate(all="ignore"):
        m = np.maximum(a, b)
        out = m + np.log1p(np.exp2(-np.abs(a - b))) / LN2
        return np.where(np.isinf(a) & (a == b), a, out)


LOGADDEXP = defop(
    "logaddexp",
    _float_only(_logaddexp, "logaddexp_cpu"),
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(
        lambda F, g, a, b: g / (1 + F.exp(b - a)),
        lambda F, g, a, b: g / (1 + F.exp(a - b)),
    ),
    explain={"self": "1/(1+exp({other}-{self}))", "other": "1/(1+exp({self}-{other}))"},
)
LOGADDEXP2 = defop(
    "logaddexp2",
    _float_only(_logaddexp2, "logaddexp2_cpu"),
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(
        lambda F, g, a, b: g / (1 + F.pow(2.0, b - a)),
        lambda F, g, a, b: g / (1 + F.pow(2.0, a - b)),
    ),
    explain={"self": "1/(1+2^({other}-{self}))", "other": "1/(1+2^({self}-{other}))"},
)


def _copysign_fwd(a, b):
    return np.copysign(a, b)


def _copysign_grad(F, g, a, r):
    # PyTorch: result / self, and 0 where self == 0
    return g * F.where(a == 0, 0.0, r / F.where(a == 0, 1.0, a))


COPYSIGN = defop(
    "copysign",
    _copysign_fwd,
    inputs=("self", "other"),
    saves=("self", "result"),
    grads=(lambda F, g, a, r: _copysign_grad(F, g, a, r), lambda F, g, a, r: g * 0),
    promote="float",
    explain={"self": "{y}/{self}", "other": "0"},
)
COPYSIGN_SCALAR = defop(
    "copysign_scalar",
    _copysign_fwd,
    inputs=("self", "other"),
    saves=("self", "result"),
    grads=(lambda F, g, a, r: _copysign_grad(F, g, a, r), None),
    node="CopysignBackward1",
    promote="float",
    scalar_edges=False,
    explain={"self": "{y}/{self}"},
)


def _fmax_grads(ge):
    # PyTorch: self takes the whole gradient where it is chosen (ties included; other NaN)
    def for_self(F, g, a, b):
        return F.where(ge(a, b) | F.isnan(b), g, 0.0)

    def for_other(F, g, a, b):
        return F.where(ge(a, b) | F.isnan(b), 0.0, g)

    return (for_self, for_other)


FMAX = defop(
    "fmax",
    np.fmax,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=_fmax_grads(lambda a, b: a >= b),
)
FMIN = defop(
    "fmin",
    np.fmin,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=_fmax_grads(lambda a, b: a <= b),
)


def _heaviside_fwd(x, values):
    if x.dtype.kind == "c" or np.asarray(values).dtype.kind == "c":
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    out = np.where(x == 0, values, (x > 0).astype(x.dtype))
    return out.astype(np.result_type(x, values), copy=False)


HEAVISIDE = defop(
    "heaviside",
    _heaviside_fwd,
    inputs=("self", "values"),
    grads=(_no_derivative("heaviside"), _no_derivative("heaviside")),
    node="torch::autograd::NotImplemented",
    jvp=None,
)
# x.heaviside_(values): PyTorch names the in-place op in the error
HEAVISIDE_INPLACE = defop(
    "heaviside_inplace",
    _heaviside_fwd,
    inputs=("self", "values"),
    grads=(_no_derivative("heaviside_"), _no_derivative("heaviside_")),
    node="torch::autograd::NotImplemented",
    jvp=None,
)
NEXTAFTER = defop(
    "nextafter",
    _float_only(np.nextafter, "nextafter_cpu"),
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(lambda F, g, a, b: g * (a != b), lambda F, g, a, b: g * 0),
)


def _int_only(fn, kernel):
    def fwd(a, b):
        k = np.result_type(a, b)
        if k.kind not in "iu":
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{_word(k)}'")
        return fn(a, b)

    return fwd


GCD = defop(
    "gcd",
    _int_only(np.gcd, "gcd_cpu"),
    inputs=("self", "other"),
    differentiable=False,
)
LCM = defop(
    "lcm",
    _int_only(np.lcm, "lcm_cpu"),
    inputs=("self", "other"),
    differentiable=False,
)


def _shift(left: bool, kernel: str):
    def fwd(a, b):
        dt = np.result_type(a, b)
        if dt.kind not in "iu":
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{_word(dt)}'")
        a = np.asarray(a, dtype=dt)
        b = np.asarray(b, dtype=dt)
        bits = dt.itemsize * 8
        ok = (b >= 0) & (b < bits)
        s = np.where(ok, b, 0).astype(dt)
        if left:
            return np.where(ok, np.left_shift(a, s), 0).astype(dt)
        # shifting out every bit leaves the sign (PyTorch)
        full = np.where(a < 0, -1, 0) if dt.kind == "i" else np.zeros_like(a)
        return np.where(ok, np.right_shift(a, s), full).astype(dt)

    return fwd


BITWISE_LEFT_SHIFT = defop(
    "bitwise_left_shift",
    _shift(True, "lshift_cpu"),
    inputs=("self", "other"),
    differentiable=False,
)
BITWISE_RIGHT_SHIFT = defop(
    "bitwise_right_shift",
    _shift(False, "rshift_cpu"),
    inputs=("self", "other"),
    differentiable=False,
)


def _ldexp_fwd(x, e):
    return x * np.power(x.dtype.type(2.0) if isinstance(x, np.ndarray) else 2.0, e)


def _is_float_like(v) -> bool:
    return "float" in str(v.dtype) or "complex" in str(v.dtype)


def _ldexp_self_grad(F, g, e, r):
    # PyTorch: grad * 2^other, with 2^other an integer power for integer exponents (so 0 for
    # negative ones)
    scale = F.pow(2.0, e)
    if not _is_float_like(e):
        scale = F.where(e < 0, 0.0, scale)
    return g * scale


LDEXP = defop(
    "ldexp",
    _ldexp_fwd,
    inputs=("self", "other"),
    saves=("other", "result"),
    grads=(_ldexp_self_grad, lambda F, g, e, r: g * r * LN2),
    promote="float",
    explain={"self": "2^{other}", "other": "{y}·ln 2"},
)


def _frexp_fwd(x):
    m, e = np.frexp(x)
    return m, e.astype(np.int32)


def _frexp_grad(F, g, x):
    # grad / 2^exponent (the exponent recomputed from self: it is not differentiable)
    return g[0] / F.exp2(F.to(F.frexp(x)[1], g[0]))


FREXP = defop(
    "frexp",
    _frexp_fwd,
    saves=("self",),
    grads=(_frexp_grad,),
    outputs=2,
    nondiff_outputs=1,
    promote="keep",
    jvp=lambda F, t, x: (t[0] / F.exp2(F.to(F.frexp(x)[1], t[0])), None),
    explain={"self": "2^-exponent"},
)


# ---------------------------------------------------------------- xlogy


def _xlogy(x, y):
    # the dtype of the tensor operand(s) (a Python number operand stays weak)
    dt = np.result_type(*[v for v in (x, y) if isinstance(v, np.ndarray)])
    with np.errstate(all="ignore"):
        out = x * np.log(y)
    return np.where((x == 0) & ~np.isnan(y), 0, out).astype(dt, copy=False)


XLOGY = defop(
    "xlogy",
    _xlogy,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(
        lambda F, g, x, y: g * F.xlogy(x != 0, y),
        lambda F, g, x, y: g * x / y,
    ),
    promote="float",
    explain={"self": "ln({other})", "other": "{self}/{other}"},
)
# xlogy(number, tensor)
XLOGY_RSCALAR = defop(
    "xlogy_rscalar",
    _xlogy,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(None, lambda F, g, x, y: g * x / y),
    node="XlogyBackward1",
    promote="float",
    scalar_edges=False,
    explain={"other": "{self}/{other}"},
)


def _log_number(y: float) -> float:
    if y > 0:
        return math.log(y)
    return -math.inf if y == 0 else math.nan


# xlogy(tensor, number): the derivative is log(other), even where self == 0
XLOGY_SCALAR = defop(
    "xlogy_scalar",
    _xlogy,
    inputs=("self", "other"),
    saves=("other",),
    grads=(lambda F, g, y: g * _log_number(y), None),
    node="XlogyBackward2",
    promote="float",
    scalar_edges=False,
    explain={"self": "ln({other})"},
)

# ---------------------------------------------------------------- predicates (not differentiable)


def _isposinf(x):
    return np.isposinf(x) if x.dtype.kind == "f" else np.zeros(x.shape, bool)


def _isneginf(x):
    return np.isneginf(x) if x.dtype.kind == "f" else np.zeros(x.shape, bool)


def _isreal(x):
    return np.imag(x) == 0 if x.dtype.kind == "c" else np.ones(x.shape, bool)


ISPOSINF = defop("isposinf", _isposinf, differentiable=False, promote="keep")
ISNEGINF = defop("isneginf", _isneginf, differentiable=False, promote="keep")
ISREAL = defop("isreal", _isreal, differentiable=False, promote="keep")

# ---------------------------------------------------------------- front-ends

_FREXP_TYPE = return_type("frexp", ("mantissa", "exponent"))


def asinh(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Elementwise inverse hyperbolic sine.

    Example:
        >>> import chainrule as torch
        >>> torch.asinh(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8814])
    """
    return apply(ASINH, (input,))


def acosh(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Elementwise inverse hyperbolic cosine (NaN below 1).

    Example:
        >>> import chainrule as torch
        >>> torch.acosh(torch.tensor([1.0, 2.0]))
        tensor([0.0000, 1.3170])
    """
    return apply(ACOSH, (input,))


def atanh(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Elementwise inverse hyperbolic tangent (infinite at ±1).

    Example:
        >>> import chainrule as torch
        >>> torch.atanh(torch.tensor([0.0, 0.5]))
        tensor([0.0000, 0.5493])
    """
    return apply(ATANH, (input,))


def sinc(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The normalized sinc function ``sin(πx)/(πx)``, 1 at 0.

    Example:
        >>> import chainrule as torch
        >>> torch.sinc(torch.tensor([0.0, 0.5]))
        tensor([1.0000, 0.6366])
    """
    return apply(SINC, (input,))


def deg2rad(input: Tensor) -> Tensor:  # noqa: A002
    """Degrees to radians.

    Example:
        >>> import chainrule as torch
        >>> torch.deg2rad(torch.tensor([180.0]))
        tensor([3.1416])
    """
    return apply(DEG2RAD, (input,))


def rad2deg(input: Tensor) -> Tensor:  # noqa: A002
    """Radians to degrees.

    Example:
        >>> import chainrule as torch
        >>> torch.rad2deg(torch.tensor([3.141592653589793]))
        tensor([180.])
    """
    return apply(RAD2DEG, (input,))


def logit(input: Tensor, eps: float | None = None, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when ``eps`` is given.

    Example:
        >>> import chainrule as torch
        >>> torch.logit(torch.tensor([0.5, 0.75]))
        tensor([0.0000, 1.0986])
    """
    return apply(LOGIT, (input,), (None if eps is None else float(eps),))


def sgn(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The sign, extended to complex numbers as ``x / |x|`` (0 at 0); keeps the dtype.

    Example:
        >>> import chainrule as torch
        >>> torch.sgn(torch.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """
    return apply(SGN, (input,))


def angle(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The argument of each element: ``π`` for negative reals, 0 otherwise (NaN kept).

    Example:
        >>> import chainrule as torch
        >>> torch.angle(torch.tensor([-1.0, 2.0]))
        tensor([3.1416, 0.0000])
    """
    return apply(ANGLE, (input,))


def positive(input: Tensor) -> Tensor:  # noqa: A002
    """``+input``: the tensor itself (PyTorch refuses bool tensors).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([1.0])
        >>> torch.positive(x) is x
        True
    """
    _need_tensor("positive", input, 1, "input")
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def _binary_tensors(name: str, input: Any, other: Any, arg: str = "other") -> None:
    _need_tensor(name, input, 1, "input")
    _need_tensor(name, other, 2, arg)


def hypot(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``sqrt(input² + other²)`` without overflow.

    Example:
        >>> import chainrule as torch
        >>> torch.hypot(torch.tensor([3.0]), torch.tensor([4.0]))
        tensor([5.])
    """
    _binary_tensors("hypot", input, other)
    return apply(HYPOT, (input, other))


def logaddexp(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``log(exp(input) + exp(other))``, computed stably.

    Example:
        >>> import chainrule as torch
        >>> torch.logaddexp(torch.tensor([0.0]), torch.tensor([0.0]))
        tensor([0.6931])
    """
    _binary_tensors("logaddexp", input, other)
    return apply(LOGADDEXP, (input, other))


def logaddexp2(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``log2(2**input + 2**other)``, computed stably.

    Example:
        >>> import chainrule as torch
        >>> torch.logaddexp2(torch.tensor([1.0]), torch.tensor([1.0]))
        tensor([2.])
    """
    _binary_tensors("logaddexp2", input, other)
    return apply(LOGADDEXP2, (input, other))


def copysign(input: Tensor, other: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``|input|`` with the sign of ``other`` (a tensor or a number); float results.

    Example:
        >>> import chainrule as torch
        >>> torch.copysign(torch.tensor([1.0, -2.0]), -1)
        tensor([-1., -2.])
    """
    if isinstance(other, Tensor):
        return apply(COPYSIGN, (input, other))
    return apply(COPYSIGN_SCALAR, (input, other))


def fmax(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Elementwise maximum that ignores NaN (NaN only where both are NaN).

    Example:
        >>> import chainrule as torch
        >>> torch.fmax(torch.tensor([1.0, float("nan")]), torch.tensor([2.0, 0.0]))
        tensor([2., 0.])
    """
    _binary_tensors("fmax", input, other)
    return apply(FMAX, (input, other))


def fmin(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Elementwise minimum that ignores NaN (NaN only where both are NaN).

    Example:
        >>> import chainrule as torch
        >>> torch.fmin(torch.tensor([1.0, float("nan")]), torch.tensor([2.0, 0.0]))
        tensor([1., 0.])
    """
    _binary_tensors("fmin", input, other)
    return apply(FMIN, (input, other))


def heaviside(input: Tensor, values: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The Heaviside step: 0 below zero, 1 above, ``values`` at zero (same dtypes required).

    Example:
        >>> import chainrule as torch
        >>> torch.heaviside(torch.tensor([-1.0, 0.0, 2.0]), torch.tensor([0.5]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    _binary_tensors("heaviside", input, values, "values")
    if input._data.dtype != values._data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return apply(HEAVISIDE, (input, values))


def nextafter(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The next representable value after ``input`` towards ``other``.

    Example:
        >>> import chainrule as torch
        >>> torch.nextafter(torch.tensor([1.0]), torch.tensor([2.0])) > 1
        tensor([True])
    """
    _binary_tensors("nextafter", input, other)
    return apply(NEXTAFTER, (input, other))


def gcd(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Elementwise greatest common divisor of integer tensors.

    Example:
        >>> import chainrule as torch
        >>> torch.gcd(torch.tensor([4, 6]), torch.tensor([6, 9]))
        tensor([2, 3])
    """
    _binary_tensors("gcd", input, other)
    return apply(GCD, (input, other))


def lcm(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Elementwise least common multiple of integer tensors.

    Example:
        >>> import chainrule as torch
        >>> torch.lcm(torch.tensor([4, 6]), torch.tensor([6, 9]))
        tensor([12, 18])
    """
    _binary_tensors("lcm", input, other)
    return apply(LCM, (input, other))


def ldexp(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``input * 2**other`` (float results).

    Example:
        >>> import chainrule as torch
        >>> torch.ldexp(torch.tensor([1.5]), torch.tensor([3]))
        tensor([12.])
    """
    _binary_tensors("ldexp", input, other)
    return apply(LDEXP, (input, other))


def frexp(input: Tensor, *, out: Any = None) -> Any:  # noqa: A002
    """Mantissa in ``[0.5, 1)`` and int32 exponent with ``input = mantissa * 2**exponent``.

    Example:
        >>> import chainrule as torch
        >>> torch.frexp(torch.tensor([8.0])).exponent
        tensor([4], dtype=torch.int32)
    """
    _need_tensor("frexp", input, 1, "input")
    if input._data.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    return _FREXP_TYPE(apply(FREXP, (input,)))


def xlogy(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``input * log(other)``, and 0 where ``input == 0`` (unless ``other`` is NaN).

    Example:
        >>> import chainrule as torch
        >>> torch.xlogy(torch.tensor([0.0, 1.0]), torch.tensor([0.0, 2.0]))
        tensor([0.0000, 0.6931])
    """
    if isinstance(input, Tensor):
        if isinstance(other, Tensor):
            return apply(XLOGY, (input, other))
        return apply(XLOGY_SCALAR, (input, other))
    if isinstance(other, Tensor):
        return apply(XLOGY_RSCALAR, (input, other))
    raise TypeError("xlogy() received an invalid combination of arguments")


def bitwise_left_shift(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``input << other`` for integer tensors (0 once every bit is shifted out).

    Example:
        >>> import chainrule as torch
        >>> torch.bitwise_left_shift(torch.tensor([1, 3]), 2)
        tensor([ 4, 12])
    """
    return apply(BITWISE_LEFT_SHIFT, (input, other))


def bitwise_right_shift(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``input >> other`` for integer tensors (arithmetic: the sign is kept).

    Example:
        >>> import chainrule as torch
        >>> torch.bitwise_right_shift(torch.tensor([-8, 8]), 2)
        tensor([-2,  2])
    """
    return apply(BITWISE_RIGHT_SHIFT, (input, other))


def _tensor_arg(name: str, x: Any) -> None:
    _need_tensor(name, x, 1, "input")


def isposinf(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Where the elements are +inf.

    Example:
        >>> import chainrule as torch
        >>> torch.isposinf(torch.tensor([float("inf"), -float("inf"), 1.0]))
        tensor([ True, False, False])
    """
    _tensor_arg("isposinf", input)
    return apply(ISPOSINF, (input,))


def isneginf(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """Where the elements are -inf.

    Example:
        >>> import chainrule as torch
        >>> torch.isneginf(torch.tensor([float("inf"), -float("inf"), 1.0]))
        tensor([False,  True, False])
    """
    _tensor_arg("isneginf", input)
    return apply(ISNEGINF, (input,))


def isreal(input: Tensor) -> Tensor:  # noqa: A002
    """Where the elements are real (always, for non-complex tensors).

    Example:
        >>> import chainrule as torch
        >>> torch.isreal(torch.tensor([1.0, 2.0]))
        tensor([True, True])
    """
    _tensor_arg("isreal", input)
    return apply(ISREAL, (input,))


def is_signed(input: Tensor) -> bool:  # noqa: A002
    """Whether the dtype is signed (everything but bool and uint8).

    Example:
        >>> import chainrule as torch
        >>> torch.is_signed(torch.tensor([1], dtype=torch.uint8))
        False
    """
    _tensor_arg("is_signed", input)
    return input._data.dtype.kind not in "bu"


def is_complex(input: Tensor) -> bool:  # noqa: A002
    """Whether the dtype is complex.

    Example:
        >>> import chainrule as torch
        >>> torch.is_complex(torch.tensor([1.0]))
        False
    """
    _tensor_arg("is_complex", input)
    return input._data.dtype.kind == "c"


def is_conj(input: Tensor) -> bool:  # noqa: A002
    """Whether the conjugate bit is set: never (chainrule conjugates eagerly).

    Example:
        >>> import chainrule as torch
        >>> torch.is_conj(torch.tensor([1.0]))
        False
    """
    _tensor_arg("is_conj", input)
    return False


def is_neg(input: Tensor) -> bool:  # noqa: A002
    """Whether the negative bit is set: never (chainrule negates eagerly).

    Example:
        >>> import chainrule as torch
        >>> torch.is_neg(torch.tensor([1.0]))
        False
    """
    _tensor_arg("is_neg", input)
    return False


def _complex_view(input: Tensor, arr: np.ndarray, name: str) -> Tensor:
    """``arr`` (a view of ``input``'s memory: real/imag parts, view_as_real ...) as a tensor
    sharing ``input``'s version counter."""
    from .._tensor import wrap

    if input._requires_grad and grad_mode.state.enabled:
        raise no_complex_autograd(name)
    out = wrap(arr)
    out._base = (input, ())
    out._vc = input._vc
    return out


def view_as_real(input: Tensor) -> Tensor:  # noqa: A002
    """A complex tensor's memory as real numbers: shape ``(*shape, 2)``, (real, imag) pairs.
    A view: writing into it changes ``input``.

    Example:
        >>> import chainrule as torch
        >>> torch.view_as_real(torch.tensor([1 + 2j, 3 - 1j]))
        tensor([[ 1.,  2.],
                [ 3., -1.]])
    """
    _tensor_arg("view_as_real", input)
    arr = input._data
    if arr.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    part = arr.real  # same strides as ``arr``, float of half the itemsize
    pairs = np.lib.stride_tricks.as_strided(
        part, arr.shape + (2,), part.strides + (part.itemsize,), writeable=arr.flags.writeable
    )
    return _complex_view(input, pairs, "view_as_real")


def view_as_complex(input: Tensor) -> Tensor:  # noqa: A002
    """A real tensor whose last dimension is 2 (real, imag) seen as complex numbers. A view.

    Example:
        >>> import chainrule as torch
        >>> torch.view_as_complex(torch.tensor([[1.0, 2.0], [3.0, -1.0]]))
        tensor([1.+2.j, 3.-1.j])
    """
    _tensor_arg("view_as_complex", input)
    arr = input._data
    if arr.dtype not in (np.float32, np.float64, np.float16):
        raise RuntimeError(
            "view_as_complex is only supported for half, float and double tensors, but got a "
            f"tensor of scalar type: {D._BY_NP[arr.dtype].word}"
        )
    if arr.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if arr.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    item = arr.itemsize
    if arr.strides[-1] != item:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(st % (2 * item) for st in arr.strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if storage_offset(arr) % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    if arr.dtype == np.float16:
        raise NotImplementedError("view_as_complex: chainrule has no complex32 (ComplexHalf)")
    cdt = np.complex64 if arr.dtype == np.float32 else np.complex128
    # (the last axis holds two contiguous floats: one complex number in the same memory)
    return _complex_view(input, arr.view(cdt)[..., 0], "view_as_complex")


def _float_pair(name: str, a: Any, b: Any, arg_names: tuple) -> tuple:
    """The checks ``torch.complex`` and ``torch.polar`` share; the two arrays broadcast."""
    for pos, (v, arg) in enumerate(zip((a, b), arg_names), 1):
        if not isinstance(v, Tensor):
            raise TypeError(
                f"{name}(): argument '{arg}' (position {pos}) must be Tensor, not "
                f"{type(v).__name__}"
            )
    x, y = a._data, b._data
    floats = (np.float16, np.float32, np.float64)
    if x.dtype not in floats or y.dtype not in floats:
        raise RuntimeError(
            "Expected both inputs to be Half, Float or Double tensors but got "
            f"{D._BY_NP[x.dtype].word} and {D._BY_NP[y.dtype].word}"
        )
    if x.dtype != y.dtype:
        raise RuntimeError(
            f"Expected object of scalar type {D._BY_NP[x.dtype].word} but got scalar type "
            f"{D._BY_NP[y.dtype].word} for second argument"
        )
    if x.dtype == np.float16:
        raise NotImplementedError(f"{name}: chainrule has no complex32 (ComplexHalf)")
    if (a._requires_grad or b._requires_grad) and grad_mode.state.enabled:
        raise no_complex_autograd(name)
    err = broadcast_mismatch(x.shape, y.shape)
    if err is not None:
        raise err
    shape = np.broadcast_shapes(x.shape, y.shape)
    cdt = np.complex64 if x.dtype == np.float32 else np.complex128
    return x, y, shape, cdt


def complex(real: Tensor, imag: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A001
    """The complex tensor ``real + i imag`` (both float32, or both float64; broadcast).

    Example:
        >>> import chainrule as torch
        >>> torch.complex(torch.tensor([1.0, 3.0]), torch.tensor([2.0, -1.0]))
        tensor([1.+2.j, 3.-1.j])
    """
    from .._tensor import wrap

    x, y, shape, cdt = _float_pair("complex", real, imag, ("real", "imag"))
    res = np.empty(shape, cdt)
    res.real = x  # parts assigned, not real + 1j * imag: inf * 0j would make NaNs
    res.imag = y
    result = wrap(res)
    if out is not None:
        out.data = result
        return out
    return result


def polar(abs: Tensor, angle: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The complex tensor ``abs * (cos(angle) + i sin(angle))``.

    Example:
        >>> import chainrule as torch
        >>> torch.polar(torch.tensor([2.0]), torch.tensor([0.0]))
        tensor([2.+0.j])
    """
    from .._tensor import wrap

    x, y, shape, cdt = _float_pair("polar", abs, angle, ("abs", "angle"))
    res = np.empty(shape, cdt)
    res.real = x * np.cos(y)
    res.imag = x * np.sin(y)
    result = wrap(res)
    if out is not None:
        out.data = result
        return out
    return result


def real(input: Tensor) -> Tensor:  # noqa: A002
    """The real part: the tensor itself for real dtypes, a view for complex ones.

    Example:
        >>> import chainrule as torch
        >>> torch.real(torch.tensor([1 + 2j]))
        tensor([1.])
    """
    _tensor_arg("real", input)
    if input._data.dtype.kind != "c":
        return input
    return _complex_view(input, input._data.real, "real")


def imag(input: Tensor) -> Tensor:  # noqa: A002
    """The imaginary part of a complex tensor (a view); an error for real dtypes.

    Example:
        >>> import chainrule as torch
        >>> torch.imag(torch.tensor([1 + 2j]))
        tensor([2.])
    """
    _tensor_arg("imag", input)
    if input._data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _complex_view(input, input._data.imag, "imag")


def conj(input: Tensor) -> Tensor:  # noqa: A002
    """The complex conjugate: the tensor itself for real dtypes.

    Example:
        >>> import chainrule as torch
        >>> torch.conj(torch.tensor([1 + 2j]))
        tensor([1.-2.j])
    """
    _tensor_arg("conj", input)
    if input._data.dtype.kind != "c":
        return input
    return conj_physical(input)


def conj_physical_(self: Tensor) -> Tensor:
    """In-place complex conjugate (nothing to do for real dtypes).

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([1 + 1j]).conj_physical_()
        tensor([1.-1.j])
    """
    if self._data.dtype.kind == "c":
        if self._requires_grad:
            raise NotImplementedError(
                "conj of a complex tensor that requires grad is not supported by chainrule"
            )
        from ._dispatch import _check_inplace, _store

        _check_inplace(self)
        _store(self, np.conj(self._data))
        self._vc[0] += 1
    return self


def conj_physical(input: Tensor) -> Tensor:  # noqa: A002
    """The complex conjugate, computed (a copy for complex dtypes, the identity for real ones).

    Example:
        >>> import chainrule as torch
        >>> torch.conj_physical(torch.tensor([1 - 1j]))
        tensor([1.+1.j])
    """
    _tensor_arg("conj_physical", input)
    if input._data.dtype.kind != "c":
        return input
    if input._requires_grad:
        raise NotImplementedError(
            "conj of a complex tensor that requires grad is not supported by chainrule"
        )
    from .._tensor import wrap

    return wrap(np.conj(input._data))


def resolve_conj(input: Tensor) -> Tensor:  # noqa: A002
    """The tensor with its conjugate bit materialized: ``input`` itself (no lazy bits here).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([1.0])
        >>> torch.resolve_conj(x) is x
        True
    """
    _tensor_arg("resolve_conj", input)
    return input


def resolve_neg(input: Tensor) -> Tensor:  # noqa: A002
    """The tensor with its negative bit materialized: ``input`` itself (no lazy bits here).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([1.0])
        >>> torch.resolve_neg(x) is x
        True
    """
    _tensor_arg("resolve_neg", input)
    return input


def _float_result(*operands: Any) -> D.dtype:
    d = result_dtype(operands)
    return d if d.is_floating_point or d.is_complex else D.get_default_dtype()


for _f in (
    asinh,
    acosh,
    atanh,
    sinc,
    deg2rad,
    rad2deg,
    logit,
    sgn,
    angle,
    positive,
    hypot,
    logaddexp,
    logaddexp2,
    copysign,
    fmax,
    fmin,
    heaviside,
    nextafter,
    gcd,
    lcm,
    bitwise_left_shift,
    bitwise_right_shift,
    ldexp,
    frexp,
    xlogy,
    isposinf,
    isneginf,
    isreal,
    is_signed,
    is_complex,
    is_conj,
    is_neg,
    conj,
    conj_physical,
    conj_physical_,
    resolve_conj,
    resolve_neg,
):
    expose(_f)
# Tensor.real / Tensor.imag are properties (ops/_props.py)
expose(real, method=False)
expose(imag, method=False)
for _f in (view_as_real, view_as_complex, complex, polar):
    expose(_f, method=False)
return_types.frexp = _FREXP_TYPE
OPERATORS.update(
    {
        "__lshift__": bitwise_left_shift,
        "__rlshift__": lambda self, other: bitwise_left_shift(other, self),
        "__ilshift__": lambda self, other: apply_inplace(BITWISE_LEFT_SHIFT, (self, other)),
        "__rshift__": bitwise_right_shift,
        "__rrshift__": lambda self, other: bitwise_right_shift(other, self),
        "__irshift__": lambda self, other: apply_inplace(BITWISE_RIGHT_SHIFT, (self, other)),
    }
)
expose(asinh, "arcsinh")
expose(acosh, "arccosh")
expose(atanh, "arctanh")
