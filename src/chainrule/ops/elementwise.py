"""Elementwise ops: arithmetic, comparisons, and unary math. Entries, then their front-ends."""

from __future__ import annotations

import math
import operator

import numpy as np

from .. import _dtype as D
from .._backend import erf as _backend_erf
from .._backend import precise
from .._backend import sign as _backend_sign
from .._tensor import Tensor
from ._dispatch import apply, apply_inplace, specialize, write_out
from ._registry import METHODS, defop, expose

LN2 = math.log(2.0)
LN10 = math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

# ---------------------------------------------------------------- dtype guards


def _word(dt) -> str:
    """PyTorch's legacy scalar-type word for a NumPy dtype (``Float``, ``Long``, ``Bool`` ...)."""
    from .. import _dtype as D
    from ._dispatch import _type_word

    return _type_word(D._BY_NP[np.dtype(dt)])


def _kind(*xs):
    """The NumPy kind the (already promoted) forward arguments compute in."""
    return np.result_type(*[x for x in xs if x is not None]).kind


def _no_kernel(fn, kernel: str, kinds: str):
    """Forward raising PyTorch's NotImplementedError for dtypes it has no ``kernel`` for."""

    def fwd(*args):
        arrays = [a for a in args if isinstance(a, np.ndarray)]
        if arrays and arrays[0].dtype.kind in kinds:
            raise NotImplementedError(
                f"\"{kernel}\" not implemented for '{_word(arrays[0].dtype)}'"
            )
        return fn(*args)

    return fwd


def _int_div(fn, kernel: str):
    """Division-like forward: no Bool kernel, and integer division by zero raises."""

    def fwd(a, b, *params):
        k = _kind(a, b)
        if k == "b":
            raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
        if k in "iu" and np.any(np.asarray(b) == 0):
            raise RuntimeError("ZeroDivisionError")
        return fn(a, b, *params)

    return fwd


def _is_bool(v) -> bool:
    if isinstance(v, Tensor):
        return v._data.dtype.kind == "b"
    return isinstance(v, (bool, np.bool_))


def _check_sub(a, b) -> None:
    """PyTorch refuses ``-`` on bool tensors (a mask is inverted with ``~``)."""
    if _is_bool(a) or _is_bool(b):
        if _is_bool(a) and _is_bool(b):
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                "`^` or `logical_xor()` operator instead."
            )
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def _need_tensor(fname: str, v, pos: int = 2, arg: str = "other") -> None:
    if not isinstance(v, Tensor):
        t = type(v)
        tname = t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"
        raise TypeError(f"{fname}(): argument '{arg}' (position {pos}) must be Tensor, not {tname}")


# ---------------------------------------------------------------- arithmetic


def _scaled(b, alpha):
    # Python scalars stay Python scalars (NumPy would make np.int64 and upcast float32)
    return np.multiply(b, alpha) if isinstance(b, np.ndarray) else b * alpha


def _add_fwd(a, b, alpha):
    # operators, not ufunc calls: the same for arrays, ten times cheaper on NumPy scalars
    return a + b if alpha == 1 else a + _scaled(b, alpha)


def _sub_fwd(a, b, alpha):
    return a - b if alpha == 1 else a - _scaled(b, alpha)


def _scale(g, alpha):
    return g if alpha == 1 else g * alpha


ADD = defop(
    "add",
    _add_fwd,
    inputs=("self", "other"),
    grads=(lambda F, g, alpha: g, lambda F, g, alpha: _scale(g, alpha)),
    jvp="linear",
    explain={"self": "1", "other": "1"},
    ufunc=np.add,
    scalar_fast=True,
)
SUB = defop(
    "sub",
    _sub_fwd,
    inputs=("self", "other"),
    grads=(lambda F, g, alpha: g, lambda F, g, alpha: -_scale(g, alpha)),
    jvp="linear",
    explain={"self": "1", "other": "-1"},
    ufunc=np.subtract,
    scalar_fast=True,
)
RSUB = defop(
    "rsub",
    lambda a, b, alpha: _sub_fwd(b, a, alpha),
    inputs=("self", "other"),
    grads=(lambda F, g, alpha: -_scale(g, alpha), lambda F, g, alpha: g),
    node="RsubBackward1",
    scalar_edges=False,
    jvp="linear",
    explain={"self": "-1", "other": "1"},
)
RSUB_TENSOR = defop(
    "rsub_tensor",
    lambda a, b, alpha: _sub_fwd(b, a, alpha),
    inputs=("self", "other"),
    grads=(lambda F, g, alpha: -_scale(g, alpha), lambda F, g, alpha: g),
    node="RsubBackward0",
    jvp="linear",
    explain={"self": "-1", "other": "1"},
)
MUL = defop(
    "mul",
    operator.mul,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(lambda F, g, a, b: g * b, lambda F, g, a, b: g * a),
    uses={"self": ("other",), "other": ("self",)},
    jvp="bilinear",
    explain={"self": "{other}", "other": "{self}"},
    ufunc=np.multiply,
    scalar_fast=True,
)
DIV = defop(
    "div",
    operator.truediv,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(lambda F, g, a, b: g / b, lambda F, g, a, b: -g * a / (b * b)),
    uses={"self": ("other",), "other": ("self", "other")},
    promote="float",
    explain={"self": "1/{other}", "other": "-{self}/{other}²"},
    ufunc=np.true_divide,
    scalar_fast=True,
)


def _no_derivative(name):
    def rule(F, g, *args):
        raise RuntimeError(f"derivative for aten::{name} is not implemented")

    return rule


FLOOR_DIVIDE = defop(
    "floor_divide",
    _int_div(np.floor_divide, "div_floor_cpu"),
    inputs=("self", "other"),
    grads=(_no_derivative("floor_divide"), _no_derivative("floor_divide")),
    node="torch::autograd::NotImplemented",
    jvp=None,
)
_np_remainder = _int_div(np.remainder, "remainder_cpu")


def _remainder(a, b):
    """Python's modulo (the sign of ``b``), as PyTorch computes it: from ``fmod``, so a zero
    result keeps the sign of ``a`` (NumPy gives it the sign of ``b``)."""
    r = _np_remainder(a, b)
    dt = getattr(r, "dtype", None)
    if dt is not None and dt.kind == "f":
        zero = r == 0
        if np.any(zero):
            r = np.where(zero, np.where(np.signbit(a), -0.0, 0.0), r).astype(dt, copy=False)
            if r.ndim == 0:
                r = r[()]
    return r


_fmod = _int_div(np.fmod, "fmod_cpu")
REMAINDER = defop(
    "remainder",
    _remainder,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(lambda F, g, a, b: g, lambda F, g, a, b: -g * F.floor(a / b)),
    node="RemainderBackward1",
    explain={"self": "1", "other": "-floor({self}/{other})"},
)
# Tensor % number (PyTorch's Scalar overload, its own node name)
REMAINDER_SCALAR = defop(
    "remainder_scalar",
    _remainder,
    inputs=("self", "other"),
    grads=(lambda F, g: g, None),
    node="RemainderBackward0",
    jvp="elementwise",  # x % c has slope 1: not linear in x
    explain={"self": "1"},
)
# number % Tensor: PyTorch records a node whose backward raises
REMAINDER_RSCALAR = defop(
    "remainder_rscalar",
    _remainder,
    inputs=("self", "other"),
    grads=(None, _no_derivative("remainder")),
    node="torch::autograd::NotImplemented",
    jvp=None,
)
FMOD = defop(
    "fmod",
    _fmod,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(lambda F, g, a, b: g, lambda F, g, a, b: -g * F.trunc(a / b)),
    node="FmodBackward1",
    explain={"self": "1", "other": "-trunc({self}/{other})"},
)
FMOD_SCALAR = defop(
    "fmod_scalar",
    _fmod,
    inputs=("self", "other"),
    grads=(lambda F, g: g, None),
    node="FmodBackward0",
    jvp="elementwise",  # x % c has slope 1: not linear in x
    explain={"self": "1"},
)


def _div_mode_fwd(a, b, mode):
    k = _kind(a, b)
    if k == "b":
        raise NotImplementedError(f"\"div_{mode}_cpu\" not implemented for 'Bool'")
    if k in "iu" and np.any(np.asarray(b) == 0):
        raise RuntimeError("ZeroDivisionError")
    if mode == "floor":
        return np.floor_divide(a, b)
    if np.result_type(a, b).kind in "iub":
        # exact integer truncation: floor, then one up where the signs differ and it is inexact
        q = np.floor_divide(a, b)
        return q + ((np.remainder(a, b) != 0) & ((np.asarray(a) < 0) != (np.asarray(b) < 0)))
    return np.trunc(np.true_divide(a, b))


# div(..., rounding_mode="floor"/"trunc"): piecewise constant, zero gradient (as PyTorch)
DIV_MODE = defop(
    "div_mode",
    _div_mode_fwd,
    inputs=("self", "other"),
    grads=(lambda F, g, mode: g * 0, lambda F, g, mode: g * 0),
    node="DivBackward2",
    explain={"self": "0", "other": "0"},
)


def _pow_scalar_grad(F, g, x, exponent):
    if exponent == 0:
        return g * 0
    if exponent == 2:  # x ** 2 and square(): skip pow(x, 1)
        return g * (2 * x)
    return g * (exponent * F.pow(x, exponent - 1))


def _int_pow(a, b):
    """Integer powers with negative exponents as PyTorch: 1 ** -n = 1, (-1) ** -n = ±1, else 0."""
    b = np.asarray(b)
    neg = b < 0
    if not neg.any():
        return np.power(a, b)
    out = np.power(a, np.where(neg, 0, b))
    a = np.asarray(a)
    negval = np.where(a == 1, 1, np.where(a == -1, np.where(b % 2 == 0, 1, -1), 0))
    return np.where(neg, negval, out).astype(out.dtype, copy=False)


_ARRAYISH = (np.ndarray, np.generic)
_f64 = np.float64
_f32 = np.float32


# PyTorch computes these float powers by multiplication and division, not pow(): the same
# formulas give its exact results (np.power can differ in the last bit)
_POW_BY_MUL = {
    2: lambda a: a * a,
    3: lambda a: a * a * a,
    -1: lambda a: 1 / a,
    -2: lambda a: 1 / (a * a),
    -0.5: lambda a: 1 / np.sqrt(a),
}


def _pow_fwd(a, exponent):
    ec = exponent.__class__
    if (ec is int or ec is float) and a.dtype.kind == "f":
        by_mul = _POW_BY_MUL.get(exponent)
        if by_mul is not None:
            return by_mul(a)
        if a.__class__ is _f64:
            # a 0-d float64 value (fast path): the scalar operator is C pow(), as PyTorch's
            return a**exponent
        if a.__class__ is _f32:  # PyTorch: pow in double precision, rounded
            return _f32(_f64(a) ** exponent)
    # only a Python-number exponent raises; tensor exponents follow integer division rules
    # (a may be a NumPy scalar: the 0-d fast path)
    if (
        isinstance(a, _ARRAYISH)
        and a.dtype.kind in "iu"
        and isinstance(exponent, (int, np.integer))
    ):
        if exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
    if isinstance(exponent, np.ndarray) and _kind(a, exponent) in "iu":
        return _int_pow(a, exponent)
    if isinstance(a, np.ndarray) and isinstance(exponent, np.ndarray) and _kind(a, exponent) == "b":
        raise NotImplementedError("\"pow\" not implemented for 'Bool'")
    return np.power(a, exponent)


POW = defop(
    "pow",
    _pow_fwd,
    saves=("self",),
    grads=(_pow_scalar_grad,),
    scalar_fast=True,
    explain={"self": "{exponent}·{self}^({exponent}-1)"},
)


def _log_masked(F, base, exponent):
    # PyTorch: d/dexp base**exp = base**exp * log(base), taken as 0 where base == 0, exp >= 0
    return F.where((base == 0) & (exponent >= 0), 0.0, F.log(base))


POW_TENSOR = defop(
    "pow_tensor",
    _pow_fwd,
    inputs=("self", "exponent"),
    saves=("self", "exponent", "result"),
    grads=(
        lambda F, g, a, b, r: g * F.where(b == 0, 0.0, b * F.pow(a, b - 1)),
        lambda F, g, a, b, r: g * r * _log_masked(F, a, b),
    ),
    node="PowBackward1",
    explain={"self": "{exponent}·{self}^({exponent}-1)", "exponent": "{y}·ln({self})"},
)


def _pow_rscalar_grad(F, g, b, r, base):
    # PyTorch: g * base**b * log(base); 0 where base == 0 and b >= 0; log of a negative base is NaN
    if base == 0:
        return g * F.where(b >= 0, 0.0, r * -math.inf)
    return g * r * (math.log(base) if base > 0 else math.nan)


POW_RSCALAR = defop(
    "pow_rscalar",
    lambda exponent, base: _pow_fwd(base, exponent),
    inputs=("exponent",),
    saves=("exponent", "result"),
    grads=(_pow_rscalar_grad,),
    node="PowBackward2",
    promote="same",
    explain={"exponent": "{y}·ln(base)"},
)


def _neg_fwd(x):
    if x.dtype.kind == "b":
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return np.negative(x)


NEG = defop("neg", _neg_fwd, grads=(lambda F, g: -g,), jvp="linear", explain={"self": "-1"})
ABS = defop(
    "abs",
    _no_kernel(np.abs, "abs_cpu", "b"),
    saves=("self",),
    grads=(lambda F, g, x: g * F.sign(x),),
    explain={"self": "sign({u})"},
)


def _zero_grad(F, g, *rest):
    return g * 0


SIGN = defop("sign", _backend_sign, grads=(_zero_grad,), explain={"self": "0"})
RECIPROCAL = defop(
    "reciprocal",
    np.reciprocal,
    saves=("result",),
    grads=(lambda F, g, r: -g * r * r,),
    promote="float",
    explain={"self": "-1/{u}²"},
)

# ---------------------------------------------------------------- unary math (float results)


def _unary(name, fwd, grad, saves=("self",), explain=None, domain=None, node=None):
    return defop(
        name,
        precise(fwd),
        scalar_fast=True,
        saves=saves,
        grads=(grad,),
        promote="float",
        explain={"self": explain} if explain else None,
        domain=domain,
        node=node,
    )


EXP = _unary("exp", np.exp, lambda F, g, r: g * r, ("result",), "exp({u})")
EXP2 = _unary("exp2", np.exp2, lambda F, g, r: g * r * LN2, ("result",), "2^{u}·ln 2")
EXPM1 = _unary("expm1", np.expm1, lambda F, g, r: g * (r + 1), ("result",), "exp({u})")
LOG = _unary("log", np.log, lambda F, g, x: g / x, explain="1/{u}", domain="positive")
LOG2 = _unary(
    "log2", np.log2, lambda F, g, x: g / (x * LN2), explain="1/({u}·ln 2)", domain="positive"
)
LOG10 = _unary(
    "log10", np.log10, lambda F, g, x: g / (x * LN10), explain="1/({u}·ln 10)", domain="positive"
)
LOG1P = _unary(
    "log1p",
    np.log1p,
    lambda F, g, x: g / (x + 1),
    explain="1/(1+{u})",
    domain="positive",
    node="Log1PBackward0",
)
SQRT = _unary(
    "sqrt", np.sqrt, lambda F, g, r: g / (2 * r), ("result",), "1/(2√{u})", domain="positive"
)


def _rsqrt(x):
    return np.reciprocal(np.sqrt(x))


RSQRT = _unary(
    "rsqrt",
    _rsqrt,
    lambda F, g, r: -0.5 * g * r * r * r,
    ("result",),
    "-1/(2·{u}^(3/2))",
    domain="positive",
)
SIN = _unary("sin", np.sin, lambda F, g, x: g * F.cos(x), explain="cos({u})")
COS = _unary("cos", np.cos, lambda F, g, x: -g * F.sin(x), explain="-sin({u})")
TAN = _unary("tan", np.tan, lambda F, g, r: g * (1 + r * r), ("result",), "1+tan²({u})", "unit")
ASIN = _unary(
    "asin", np.arcsin, lambda F, g, x: g * F.rsqrt(1 - x * x), explain="1/√(1-{u}²)", domain="unit"
)
ACOS = _unary(
    "acos",
    np.arccos,
    lambda F, g, x: -g * F.rsqrt(1 - x * x),
    explain="-1/√(1-{u}²)",
    domain="unit",
)
ATAN = _unary("atan", np.arctan, lambda F, g, x: g / (1 + x * x), explain="1/(1+{u}²)")
SINH = _unary("sinh", np.sinh, lambda F, g, x: g * F.cosh(x), explain="cosh({u})")
COSH = _unary("cosh", np.cosh, lambda F, g, x: g * F.sinh(x), explain="sinh({u})")


# written so NumPy reuses its temporaries in place (one temporary array, not two)
def _one_minus_square(r):
    """``1 - r*r``; on a large array in one buffer (three passes with ``g *`` instead of four).

    ``r`` may be a saved array the engine lent (``engine._Donated``): ``r * r`` is then computed
    in its memory and returned, so ``g * (1 - r*r)`` allocates nothing.
    """
    if isinstance(r, np.ndarray) and r.size >= 4096:
        t = r * r
        np.subtract(1, t, out=t)
        return t
    return -(r * r - 1)  # (NumPy elides these temporaries; exactly 1 - r*r)


TANH = _unary(
    "tanh", np.tanh, lambda F, g, r: g * _one_minus_square(r), ("result",), "1-tanh²({u})"
)


def _sigmoid(x):
    # tanh form: stable for large |x| and no overflow warnings
    half = np.asarray(0.5, dtype=x.dtype) if isinstance(x, np.ndarray) else 0.5
    return half * (np.tanh(half * x) + 1)


SIGMOID = _unary(
    "sigmoid", _sigmoid, lambda F, g, r: g * r * (1 - r), ("result",), "σ({u})(1-σ({u}))"
)


_erf = _backend_erf


ERF = _unary(
    "erf", _erf, lambda F, g, x: g * (TWO_OVER_SQRT_PI * F.exp(-(x * x))), explain="2/√π·exp(-{u}²)"
)
ERFC = _unary(
    "erfc",
    lambda x: 1 - _erf(x),
    lambda F, g, x: -g * (TWO_OVER_SQRT_PI * F.exp(-(x * x))),
    explain="-2/√π·exp(-{u}²)",
)


def _relu_fwd(x):
    if x.dtype.kind == "b":
        raise RuntimeError("Boolean inputs not supported for relu")
    return np.maximum(x, 0).astype(x.dtype, copy=False)


RELU = defop(
    "relu",
    _relu_fwd,
    saves=("result",),
    # PyTorch's threshold_backward: 0 where result <= 0, so a NaN passes the gradient
    grads=(lambda F, g, r: F.where(r <= 0, 0.0, g),),
    explain={"self": "1 if {u} > 0 else 0"},
)


def _rounding(name, fwd, node=None):
    return defop(name, fwd, grads=(_zero_grad,), explain={"self": "0"}, node=node)


# PyTorch has no rounding kernel for bool tensors (integers pass through unchanged)
FLOOR = _rounding("floor", _no_kernel(np.floor, "floor_vml_cpu", "b"))
CEIL = _rounding("ceil", _no_kernel(np.ceil, "ceil_vml_cpu", "b"))
TRUNC = _rounding("trunc", _no_kernel(np.trunc, "trunc_vml_cpu", "b"))
FRAC = defop(
    "frac",
    _no_kernel(lambda x: x - np.trunc(x), "frac_cpu", "biu"),
    grads=(lambda F, g: g,),
    explain={"self": "1"},
)
ROUND = _rounding("round", _no_kernel(np.round, "round_vml_cpu", "b"))
ROUND_DECIMALS = _rounding(
    "round_decimals",
    _no_kernel(lambda x, decimals: np.round(x, decimals), "round_cpu", "b"),
    node="RoundBackward1",
)


def _clamp_fwd(x, lo, hi):
    if lo is not None:
        x = np.maximum(x, lo)
    if hi is not None:
        x = np.minimum(x, hi)
    return x


def _clamp_mask(F, x, lo, hi):
    m = None
    if lo is not None:
        m = x >= lo
    if hi is not None:
        m = (x <= hi) if m is None else m & (x <= hi)
    return m


CLAMP = defop(
    "clamp",
    _clamp_fwd,
    saves=("self",),
    grads=(lambda F, g, x, lo, hi: g * _clamp_mask(F, x, lo, hi),),
    node="ClampBackward1",
    explain={"self": "1 if min ≤ {u} ≤ max else 0"},
)


def _clamp_t_fwd(x, lo, hi):
    return _clamp_fwd(x, lo, hi)


CLAMP_TENSOR = defop(
    "clamp_tensor",
    _clamp_t_fwd,
    inputs=("self", "min", "max"),
    saves=("self", "min", "max"),
    grads=(
        lambda F, g, x, lo, hi: g * _clamp_mask(F, x, lo, hi),
        # PyTorch: where min > max the result is max, so max gets the gradient there
        lambda F, g, x, lo, hi: g * (x < lo) if hi is None else g * ((x < lo) & (lo < hi)),
        lambda F, g, x, lo, hi: g * (x > hi) if lo is None else g * ((x > hi) | (hi < lo)),
    ),
    node="ClampBackward0",
)
CLAMP_MIN = defop(
    "clamp_min",
    np.maximum,
    inputs=("self", "min"),
    saves=("self", "min"),
    grads=(lambda F, g, x, lo: g * (x >= lo), None),
    explain={"self": "1 if {u} ≥ min else 0"},
)
CLAMP_MAX = defop(
    "clamp_max",
    np.minimum,
    inputs=("self", "max"),
    saves=("self", "max"),
    grads=(lambda F, g, x, hi: g * (x <= hi), None),
    explain={"self": "1 if {u} ≤ max else 0"},
)
CLAMP_MIN_TENSOR = defop(
    "clamp_min_tensor",
    np.maximum,
    inputs=("self", "min"),
    saves=("self", "min"),
    grads=(lambda F, g, x, lo: g * (x >= lo), lambda F, g, x, lo: g * (x < lo)),
    node="ClampMinBackward1",
)
CLAMP_MAX_TENSOR = defop(
    "clamp_max_tensor",
    np.minimum,
    inputs=("self", "max"),
    saves=("self", "max"),
    grads=(lambda F, g, x, hi: g * (x <= hi), lambda F, g, x, hi: g * (x > hi)),
    node="ClampMaxBackward1",
)


def _maxmin_grads(loses):
    # PyTorch: half each on ties, and the gradient is zeroed only where an input strictly loses,
    # so both inputs get it where either is NaN
    def for_self(F, g, a, b):
        return F.where(a == b, g / 2, F.where(loses(a, b), 0.0, g))

    def for_other(F, g, a, b):
        return F.where(a == b, g / 2, F.where(loses(b, a), 0.0, g))

    return (for_self, for_other)


MAXIMUM = defop(
    "maximum",
    np.maximum,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=_maxmin_grads(lambda a, b: a < b),
    explain={"self": "1 if {self} > {other}", "other": "1 if {other} > {self}"},
)
MINIMUM = defop(
    "minimum",
    np.minimum,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=_maxmin_grads(lambda a, b: a > b),
)


def _atan2_recip(F, a, b):
    # 1 / (a² + b²), taken as 0 at the origin (PyTorch's gradient there is ±0, not NaN)
    d = a * a + b * b
    return F.where(d == 0, 0.0, 1 / d)


ATAN2 = defop(
    "atan2",
    np.arctan2,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(
        lambda F, g, a, b: g * b * _atan2_recip(F, a, b),
        lambda F, g, a, b: -g * a * _atan2_recip(F, a, b),
    ),
    promote="float",
)
WHERE = defop(
    "where",
    np.where,
    inputs=("condition", "self", "other"),
    saves=("condition",),
    grads=(
        None,
        lambda F, g, c: F.where(c, g, 0.0),
        lambda F, g, c: F.where(c, 0.0, g),
    ),
    explain={"self": "1 where condition", "other": "1 where not condition"},
)
LERP = defop(
    "lerp",
    lambda a, b, w: a + w * (b - a),
    inputs=("self", "end"),
    grads=(lambda F, g, w: g * (1 - w), lambda F, g, w: g * w),
    jvp="linear",
)
LERP_TENSOR = defop(
    "lerp_tensor",
    lambda a, b, w: a + w * (b - a),
    inputs=("self", "end", "weight"),
    saves=("self", "end", "weight"),
    grads=(
        lambda F, g, a, b, w: g * (1 - w),
        lambda F, g, a, b, w: g * w,
        lambda F, g, a, b, w: g * (b - a),
    ),
    node="LerpBackward1",
)


def _value_as(value, a):
    """``value`` converted to the dtype of the computation, as PyTorch casts its Scalar
    (``addcmul`` of integer tensors with ``value=0.5`` adds 0)."""
    kind = np.result_type(a).kind
    if kind in "iub":
        return int(value)
    return value


def _addcmul_fwd(a, t1, t2, value):
    return a + _value_as(value, a) * t1 * t2


def _addcdiv_fwd(a, t1, t2, value):
    return a + _value_as(value, a) * t1 / t2


ADDCMUL = defop(
    "addcmul",
    _addcmul_fwd,
    inputs=("self", "tensor1", "tensor2"),
    saves=("tensor1", "tensor2"),
    grads=(
        lambda F, g, t1, t2, value: g,
        lambda F, g, t1, t2, value: g * (value * t2),
        lambda F, g, t1, t2, value: g * (value * t1),
    ),
    uses={"tensor1": ("tensor2",), "tensor2": ("tensor1",)},
    explain={"self": "1", "tensor1": "{value}·{tensor2}", "tensor2": "{value}·{tensor1}"},
)
ADDCDIV = defop(
    "addcdiv",
    _addcdiv_fwd,
    inputs=("self", "tensor1", "tensor2"),
    saves=("tensor1", "tensor2"),
    grads=(
        lambda F, g, t1, t2, value: g,
        lambda F, g, t1, t2, value: g * (value / t2),
        lambda F, g, t1, t2, value: -g * (value * t1) / (t2 * t2),
    ),
    uses={"tensor1": ("tensor2",), "tensor2": ("tensor1", "tensor2")},
    explain={
        "self": "1",
        "tensor1": "{value}/{tensor2}",
        "tensor2": "-{value}·{tensor1}/{tensor2}²",
    },
)


def _nan_to_num_fwd(x, nan, posinf, neginf):
    return np.nan_to_num(
        x, copy=True, nan=0.0 if nan is None else nan, posinf=posinf, neginf=neginf
    )


NAN_TO_NUM = defop(
    "nan_to_num",
    _nan_to_num_fwd,
    saves=("self",),
    grads=(lambda F, g, x, *p: g * F.isfinite(x),),
)

# Formulas audited to read their gradient once, only through + - * / and unary minus: on large
# tensors the engine lets them write into a gradient buffer it owns (``Op.donate``).
for _op in (
    ADD, SUB, RSUB, RSUB_TENSOR, MUL, DIV, POW, NEG, ABS, RECIPROCAL,
    EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, RSQRT,
    SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, SIGMOID, ERF, ERFC, RELU,
):  # fmt: skip
    _op.donate = True
# Formulas audited to read their one saved array once, in one NumPy call (``g * r``, ``g / x``,
# ``F.cos(x)``, ``r * r``): the engine may lend them a large saved array nothing else holds
# (``Op.donate_saved``). Not sigmoid (``g * r * (1 - r)`` reads r twice).
for _op in (EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN, TANH):
    _op.donate_saved = True
del _op


# ---------------------------------------------------------------- not differentiable


def _nodiff(name, fwd, promote="bool", inputs=("self", "other")):
    return defop(name, fwd, inputs=inputs, differentiable=False, promote=promote)


EQ = _nodiff("eq", np.equal)
NE = _nodiff("ne", np.not_equal)
LT = _nodiff("lt", np.less)
LE = _nodiff("le", np.less_equal)
GT = _nodiff("gt", np.greater)
GE = _nodiff("ge", np.greater_equal)
LOGICAL_AND = _nodiff("logical_and", np.logical_and, "keep")
LOGICAL_OR = _nodiff("logical_or", np.logical_or, "keep")
LOGICAL_XOR = _nodiff("logical_xor", np.logical_xor, "keep")
LOGICAL_NOT = _nodiff("logical_not", np.logical_not, "keep", ("self",))
BITWISE_AND = _nodiff("bitwise_and", _no_kernel(np.bitwise_and, "bitwise_and_cpu", "fc"), "same")
BITWISE_OR = _nodiff("bitwise_or", _no_kernel(np.bitwise_or, "bitwise_or_cpu", "fc"), "same")
BITWISE_XOR = _nodiff("bitwise_xor", _no_kernel(np.bitwise_xor, "bitwise_xor_cpu", "fc"), "same")
BITWISE_NOT = _nodiff(
    "bitwise_not", _no_kernel(np.invert, "bitwise_not_cpu", "fc"), "keep", ("self",)
)
ISNAN = _nodiff("isnan", np.isnan, "keep", ("self",))
ISINF = _nodiff("isinf", np.isinf, "keep", ("self",))
ISFINITE = _nodiff("isfinite", np.isfinite, "keep", ("self",))
SIGNBIT = _nodiff("signbit", np.signbit, "keep", ("self",))

# ---------------------------------------------------------------- front-ends


def _check_tensor(x, fname):
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fname}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}"
        )


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with broadcasting.

    Example:
        >>> import chainrule as torch
        >>> torch.add(torch.tensor([1.0, 2.0]), 1)
        tensor([2., 3.])
    """
    if out is None:
        if alpha == 1:
            return _add_op(input, other)
        return apply(ADD, (input, other), (alpha,))
    return write_out("add", apply(ADD, (input, other), (alpha,)), out, (input, other))


add._handles_out = True


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``.

    Example:
        >>> import chainrule as torch
        >>> torch.sub(torch.tensor([1.0, 2.0]), 1)
        tensor([0., 1.])
    """
    _check_sub(input, other)
    return apply(SUB, (input, other), (alpha,))


def rsub(input, other, *, alpha=1):
    """``other - alpha * input``.

    Example:
        >>> import chainrule as torch
        >>> torch.rsub(torch.tensor([1.0, 2.0]), 5)
        tensor([4., 3.])
    """
    _check_sub(input, other)
    if isinstance(other, Tensor):
        return apply(RSUB_TENSOR, (input, other), (alpha,))
    return apply(RSUB, (input, other), (alpha,))


def mul(input, other, *, out=None):
    """Elementwise product with broadcasting.

    Example:
        >>> import chainrule as torch
        >>> torch.mul(torch.tensor([1.0, 2.0]), 3)
        tensor([3., 6.])
    """
    if out is None:
        return _mul_op(input, other)
    return write_out("mul", apply(MUL, (input, other)), out, (input, other))


mul._handles_out = True


def div(input, other, *, rounding_mode=None, out=None):
    """True division (``rounding_mode=None``), or ``"floor"``/``"trunc"`` rounding.

    Example:
        >>> import chainrule as torch
        >>> torch.div(torch.tensor([1, 2]), 2)
        tensor([0.5000, 1.0000])
    """
    if rounding_mode is None:
        return apply(DIV, (input, other))
    if rounding_mode in ("floor", "trunc"):
        return apply(DIV_MODE, (input, other), (rounding_mode,))
    raise RuntimeError(
        f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
    )


def _result_of(a, b):
    from ._dispatch import result_dtype

    return result_dtype((a, b))


def floor_divide(input, other):
    """``floor(input / other)`` (PyTorch's ``//``)."""
    return apply(FLOOR_DIVIDE, (input, other))


def remainder(input, other):
    """Python-style modulus (sign of the divisor), PyTorch's ``%``.

    Example:
        >>> import chainrule as torch
        >>> torch.remainder(torch.tensor([-3.0, 3.0]), 2)
        tensor([1., 1.])
    """
    if not isinstance(input, Tensor):
        return apply(REMAINDER_RSCALAR, (input, other))
    if isinstance(other, Tensor):
        return apply(REMAINDER, (input, other))
    return apply(REMAINDER_SCALAR, (input, other))


def fmod(input, other):
    """C-style modulus (sign of the dividend).

    Example:
        >>> import chainrule as torch
        >>> torch.fmod(torch.tensor([-3.0, 3.0]), 2)
        tensor([-1.,  1.])
    """
    if isinstance(other, Tensor):
        return apply(FMOD, (input, other))
    return apply(FMOD_SCALAR, (input, other))


def pow(input, exponent):
    """``input ** exponent`` for tensors and numbers on either side.

    Example:
        >>> import chainrule as torch
        >>> torch.pow(torch.tensor([2.0, 3.0]), 2)
        tensor([4., 9.])
    """
    if isinstance(exponent, Tensor):
        if isinstance(input, Tensor):
            return apply(POW_TENSOR, (input, exponent))
        return _rpow(exponent, input)
    if isinstance(exponent, np.generic):
        exponent = exponent.item()
    if input._data.dtype.kind in "biu" and not isinstance(exponent, int):
        # an integer tensor to a float power computes in the promoted (float) dtype
        input = _promoted(input, (input, exponent))
    return apply(POW, (input,), (exponent,))


def _promoted(t: Tensor, operands) -> Tensor:
    from ._dispatch import result_dtype

    target = result_dtype(operands)
    return t if target.np == t._data.dtype else t.to(target)


def _rpow(self, other):
    """``number ** tensor`` (PyTorch's ``PowBackward2``)."""
    if isinstance(other, np.generic):
        other = other.item()
    return apply(POW_RSCALAR, (_promoted(self, (self, other)),), (other,))


def float_power(input, exponent):
    """``pow`` computed in float64."""
    from .. import _dtype as D

    a = input.to(D.float64) if isinstance(input, Tensor) else float(input)
    b = exponent.to(D.float64) if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b)


def square(input):
    """``input ** 2`` (PyTorch records it as ``PowBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.square(torch.tensor([3.0]))
        tensor([9.])
    """
    return _square_op(input)


def clamp(input, min=None, max=None):
    """Limit values to ``[min, max]``; bounds may be numbers or tensors.

    Example:
        >>> import chainrule as torch
        >>> torch.clamp(torch.tensor([-1.0, 0.5, 2.0]), 0, 1)
        tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return apply(CLAMP_TENSOR, (input, min, max))
    target = _clamp_promotion(input, min, max)
    if target is not None:
        input = input.to(target)
    return apply(CLAMP, (input,), (min, max))


def _clamp_promotion(input, min, max):
    """The dtype an integer tensor clamped to number bounds promotes to (PyTorch promotes with
    the bounds: clamped to 0.5 it becomes float), or None when it keeps its own."""
    if input._data.dtype.kind not in "biu":
        return None
    from ._dispatch import result_dtype

    target = result_dtype((input, min, max))
    return None if target.np == input._data.dtype else target


def clamp_min(input, min):
    """``max(input, min)`` (PyTorch's ``ClampMinBackward`` nodes).

    Example:
        >>> import chainrule as torch
        >>> torch.clamp_min(torch.tensor([-1.0, 2.0]), 0)
        tensor([0., 2.])
    """
    if isinstance(min, Tensor):
        return apply(CLAMP_MIN_TENSOR, (input, min))
    return apply(CLAMP_MIN, (input, min))


def clamp_max(input, max):
    """``min(input, max)`` (PyTorch's ``ClampMaxBackward`` nodes).

    Example:
        >>> import chainrule as torch
        >>> torch.clamp_max(torch.tensor([-1.0, 2.0]), 0)
        tensor([-1.,  0.])
    """
    if isinstance(max, Tensor):
        return apply(CLAMP_MAX_TENSOR, (input, max))
    return apply(CLAMP_MAX, (input, max))


def where(condition, input=None, other=None):
    """``input`` where ``condition`` else ``other`` (one argument: ``nonzero(as_tuple=True)``).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([-1.0, 2.0])
        >>> torch.where(x > 0, x, 0.0)
        tensor([0., 2.])
    """
    if input is None and other is None:
        from .shape import nonzero

        return nonzero(condition, as_tuple=True)
    if not isinstance(condition, Tensor) or condition._data.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            + (
                str(condition.dtype).replace("torch.", "").capitalize()
                if isinstance(condition, Tensor)
                else type(condition).__name__
            )
        )
    from ._dispatch import result_dtype

    target = result_dtype((input, other))
    out = apply(WHERE, (condition, input, other))
    return out if out.dtype is target else out.to(target)


def lerp(input, end, weight):
    """``input + weight * (end - input)``."""
    if isinstance(weight, Tensor):
        return apply(LERP_TENSOR, (input, end, weight))
    return apply(LERP, (input, end), (weight,))


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2`` (one node, ``AddcmulBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.addcmul(torch.ones(2), torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]), value=0.5)
        tensor([2.5000, 5.0000])
    """
    return apply(ADDCMUL, (input, tensor1, tensor2), (value,))


def _check_addcdiv(tensor1, tensor2) -> None:
    if tensor1._data.dtype.kind in "iub" and tensor2._data.dtype.kind in "iub":
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  "
            "release addcdiv will perform a true division of tensor1 and tensor2. The "
            "historic addcdiv behavior can be implemented as (input + value * "
            "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
            "behavior is just the latter implementation: (input + value * tensor1 / "
            "tensor2), for all dtypes."
        )


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 / tensor2`` (one node, ``AddcdivBackward0``).

    Example:
        >>> import chainrule as torch
        >>> torch.addcdiv(torch.ones(2), torch.tensor([1.0, 2.0]), torch.tensor([4.0, 4.0]))
        tensor([1.2500, 1.5000])
    """
    _check_addcdiv(tensor1, tensor2)
    return apply(ADDCDIV, (input, tensor1, tensor2), (value,))


def _where_method(self, condition, y):
    """``x.where(condition, y)``: ``x`` where ``condition`` else ``y`` (the method's argument
    order differs from ``torch.where(condition, x, y)``)."""
    return where(condition, self, y)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """Replace NaN and infinities by finite numbers."""
    return apply(NAN_TO_NUM, (input,), (nan, posinf, neginf))


def round(input, *, decimals=0):
    """Round half to even, like PyTorch (``decimals`` digits).

    Example:
        >>> import chainrule as torch
        >>> torch.round(torch.tensor([0.5, 1.5, 1.26]), decimals=0)
        tensor([0., 2., 1.])
    """
    if decimals == 0:
        return apply(ROUND, (input,))
    return apply(ROUND_DECIMALS, (input,), (decimals,))


def _simple(op, name, doc):
    if op.differentiable and op.grads is not None and op.n_outputs == 1:
        fn = specialize(op, (), name)
        fn.__doc__ = doc
        return fn

    def fn(input, *, out=None):
        if out is None:
            return apply(op, (input,))
        return write_out(name, apply(op, (input,)), out, (input,))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    fn._handles_out = True  # hot: no extra wrapper layer for out=
    return fn


_UNARY = {
    "neg": NEG,
    "abs": ABS,
    "sign": SIGN,
    "reciprocal": RECIPROCAL,
    "exp": EXP,
    "exp2": EXP2,
    "expm1": EXPM1,
    "log": LOG,
    "log2": LOG2,
    "log10": LOG10,
    "log1p": LOG1P,
    "sqrt": SQRT,
    "rsqrt": RSQRT,
    "sin": SIN,
    "cos": COS,
    "tan": TAN,
    "asin": ASIN,
    "acos": ACOS,
    "atan": ATAN,
    "sinh": SINH,
    "cosh": COSH,
    "tanh": TANH,
    "sigmoid": SIGMOID,
    "relu": RELU,
    "erf": ERF,
    "erfc": ERFC,
    "floor": FLOOR,
    "ceil": CEIL,
    "trunc": TRUNC,
    "frac": FRAC,
    "logical_not": LOGICAL_NOT,
    "bitwise_not": BITWISE_NOT,
    "isnan": ISNAN,
    "isinf": ISINF,
    "isfinite": ISFINITE,
    "signbit": SIGNBIT,
}
_ALIASES = {
    "negative": "neg",
    "absolute": "abs",
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "fix": "trunc",
}
for _name, _op in _UNARY.items():
    _f = _simple(
        _op,
        _name,
        f"Elementwise ``{_name}``.\n\n    Example:\n        >>> import chainrule as torch\n"
        f"        >>> torch.{_name}(torch.tensor([0.5])).shape\n        torch.Size([1])\n",
    )
    globals()[_name] = _f
    expose(_f, _name)
for _alias, _name in _ALIASES.items():
    expose(globals()[_name], _alias)
trunc = globals()["trunc"]


def _binary_nodiff(op, name):
    strict = name.startswith("logical_")  # PyTorch has no Scalar overload for these

    def fn(input, other, *, out=None):
        if strict:
            _need_tensor(name, input, 1, "input")
            _need_tensor(name, other)
        return apply(op, (input, other))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` (not differentiable)."
    return fn


for _op in (
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE,
    LOGICAL_AND,
    LOGICAL_OR,
    LOGICAL_XOR,
    BITWISE_AND,
    BITWISE_OR,
    BITWISE_XOR,
):
    _f = _binary_nodiff(_op, _op.name)
    globals()[_op.name] = _f
    expose(_f, _op.name)
expose(globals()["gt"], "greater")
expose(globals()["lt"], "less")
expose(globals()["ge"], "greater_equal")
expose(globals()["le"], "less_equal")
expose(globals()["ne"], "not_equal")


def atan2(input, other):
    """Elementwise ``atan2(input, other)`` (the angle of the point ``(other, input)``).

    Example:
        >>> import chainrule as torch
        >>> torch.atan2(torch.tensor([1.0]), torch.tensor([1.0]))
        tensor([0.7854])
    """
    _need_tensor("atan2", input, 1, "input")
    _need_tensor("atan2", other)
    return apply(ATAN2, (input, other))


def maximum(input, other):
    """Elementwise maximum (ties split the gradient equally, as in PyTorch).

    Example:
        >>> import chainrule as torch
        >>> torch.maximum(torch.tensor([1.0, 4.0]), torch.tensor([3.0, 2.0]))
        tensor([3., 4.])
    """
    _need_tensor("maximum", input, 1, "input")
    _need_tensor("maximum", other)
    return apply(MAXIMUM, (input, other))


def minimum(input, other):
    """Elementwise minimum (ties split the gradient equally, as in PyTorch).

    Example:
        >>> import chainrule as torch
        >>> torch.minimum(torch.tensor([1.0, 4.0]), torch.tensor([3.0, 2.0]))
        tensor([1., 2.])
    """
    _need_tensor("minimum", input, 1, "input")
    _need_tensor("minimum", other)
    return apply(MINIMUM, (input, other))


def true_divide(input, other):
    return apply(DIV, (input, other))


for _f in (
    add,
    sub,
    rsub,
    mul,
    div,
    floor_divide,
    remainder,
    fmod,
    pow,
    square,
    clamp,
    clamp_min,
    clamp_max,
    where,
    lerp,
    addcmul,
    addcdiv,
    nan_to_num,
    round,
    atan2,
    maximum,
    minimum,
    float_power,
):
    expose(_f)
expose(clamp, "clip")
expose(mul, "multiply")
expose(div, "divide")
expose(sub, "subtract")
expose(true_divide)
expose(atan2, "arctan2")

# ---------------------------------------------------------------- in-place forms


def _inplace(op, nparams=0):
    def fn(self, other=None, *params, **kw):
        ins = (self,) if op.inputs == ("self",) else (self, other)
        return apply_inplace(op, ins, params or tuple(kw.values()))

    return fn


def add_(self, other, *, alpha=1):
    return apply_inplace(ADD, (self, other), (alpha,))


def sub_(self, other, *, alpha=1):
    _check_sub(self, other)
    return apply_inplace(SUB, (self, other), (alpha,))


def mul_(self, other):
    return apply_inplace(MUL, (self, other))


def div_(self, other, *, rounding_mode=None):
    if rounding_mode is None:
        return apply_inplace(DIV, (self, other))
    return self.copy_(div(self, other, rounding_mode=rounding_mode))


def pow_(self, exponent):
    if isinstance(exponent, Tensor):
        return apply_inplace(POW_TENSOR, (self, exponent))
    return apply_inplace(POW, (self,), (exponent,))


def clamp_(self, min=None, max=None):
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return apply_inplace(CLAMP_TENSOR, (self, min, max))
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    target = _clamp_promotion(self, min, max)
    if target is not None:  # a float bound: the result cannot stay integer
        own = D._BY_NP[self._data.dtype].cpp
        raise RuntimeError(
            f"result type {target.word} can't be cast to the desired output type {own}"
        )
    return apply_inplace(CLAMP, (self,), (min, max))


def remainder_(self, other):
    op = REMAINDER if isinstance(other, Tensor) else REMAINDER_SCALAR
    return apply_inplace(op, (self, other))


def floor_divide_(self, other):
    return apply_inplace(FLOOR_DIVIDE, (self, other))


def lerp_(self, end, weight):
    if isinstance(weight, Tensor):
        return apply_inplace(LERP_TENSOR, (self, end, weight))
    return apply_inplace(LERP, (self, end), (weight,))


def addcmul_(self, tensor1, tensor2, *, value=1):
    """In-place ``addcmul``: ``self += value * tensor1 * tensor2``."""
    return apply_inplace(ADDCMUL, (self, tensor1, tensor2), (value,))


def addcdiv_(self, tensor1, tensor2, *, value=1):
    """In-place ``addcdiv``: ``self += value * tensor1 / tensor2``."""
    _check_addcdiv(tensor1, tensor2)
    return apply_inplace(ADDCDIV, (self, tensor1, tensor2), (value,))


def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
    return apply_inplace(NAN_TO_NUM, (self,), (nan, posinf, neginf))


def round_(self, *, decimals=0):
    if decimals == 0:
        return apply_inplace(ROUND, (self,))
    return apply_inplace(ROUND_DECIMALS, (self,), (decimals,))


for _f in (
    add_,
    sub_,
    mul_,
    div_,
    pow_,
    clamp_,
    remainder_,
    floor_divide_,
    lerp_,
    addcmul_,
    addcdiv_,
    nan_to_num_,
    round_,
):
    expose(_f, method=True)
    from ._registry import PUBLIC as _P

    _P.pop(_f.__name__, None)
expose(clamp_, "clip_", method=True)
expose(mul_, "multiply_", method=True)
expose(div_, "divide_", method=True)
expose(sub_, "subtract_", method=True)
for _n in ("clip_", "multiply_", "divide_", "subtract_"):
    _P.pop(_n, None)
for _name, _op in _UNARY.items():
    if _op.differentiable or _op.promote != "bool":

        def _m(self, _op=_op):
            return apply_inplace(_op, (self,))

        _m.__name__ = _name + "_"
        expose(_m, _name + "_", method=True)
        _P.pop(_name + "_", None)
    # PyTorch also has torch.relu_ etc.; Tensor methods are what users call


def _make_inplace_binary(op):
    def m(self, other):
        return apply_inplace(op, (self, other))

    m.__name__ = op.name + "_"
    return m


# x.eq_(y), x.lt_(y) ...: the 0/1 result is written in x's dtype, as in PyTorch
for _op in (EQ, NE, LT, LE, GT, GE, LOGICAL_AND, LOGICAL_OR, LOGICAL_XOR, ATAN2):
    expose(_make_inplace_binary(_op), _op.name + "_", method=True)
    _P.pop(_op.name + "_", None)


# ---------------------------------------------------------------- operators
def _rtruediv(self, other):
    return mul(apply(RECIPROCAL, (self,)), other)


def _rfloordiv(self, other):
    return apply(FLOOR_DIVIDE, (other, self))


def _rmod(self, other):
    return apply(REMAINDER_RSCALAR, (other, self))


def _rsub_op(self, other):
    _check_sub(self, other)
    return apply(RSUB, (self, other), (1,))


def _sub_op(self, other):
    # cheap test first: only bool operands need the full check
    if self._data.dtype.kind == "b" or (
        other._data.dtype.kind == "b" if isinstance(other, Tensor) else type(other) in _BOOLS
    ):
        _check_sub(self, other)
    return _sub_fast(self, other)


_BOOLS = (bool, np.bool_)


def _isub_op(self, other):
    _check_sub(self, other)
    return apply_inplace(SUB, (self, other), (1,))


def _eq(self, other):
    if not isinstance(other, (Tensor, int, float, bool, complex, np.number, np.bool_)):
        return NotImplemented
    return apply(EQ, (self, other))


def _ne(self, other):
    if not isinstance(other, (Tensor, int, float, bool, complex, np.number, np.bool_)):
        return NotImplemented
    return apply(NE, (self, other))


def _and(self, other):
    return apply(BITWISE_AND, (self, other))


def _or(self, other):
    return apply(BITWISE_OR, (self, other))


def _xor(self, other):
    return apply(BITWISE_XOR, (self, other))


def _invert(self):
    if self._data.dtype.kind in "fc":
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
        )
    return apply(BITWISE_NOT, (self,))


def _pos(self):
    return self


# the hottest entry points, specialized (same results as apply; see specialize)
_add_op = specialize(ADD, (1,))
_sub_fast = specialize(SUB, (1,))
_mul_op = specialize(MUL)
_div_op = specialize(DIV)
_square_op = specialize(POW, (2,))
_radd = _add_op  # addition commutes: same node, same promotion
_rmul = _mul_op


OPERATORS = {
    "__add__": _add_op,
    "__radd__": _radd,
    "__iadd__": lambda self, other: apply_inplace(ADD, (self, other), (1,)),
    "__sub__": _sub_op,
    "__rsub__": _rsub_op,
    "__isub__": _isub_op,
    "__mul__": _mul_op,
    "__rmul__": _rmul,
    "__imul__": lambda self, other: apply_inplace(MUL, (self, other)),
    "__truediv__": _div_op,
    "__rtruediv__": _rtruediv,
    "__itruediv__": lambda self, other: apply_inplace(DIV, (self, other)),
    "__floordiv__": lambda self, other: apply(FLOOR_DIVIDE, (self, other)),
    "__rfloordiv__": _rfloordiv,
    "__ifloordiv__": lambda self, other: apply_inplace(FLOOR_DIVIDE, (self, other)),
    "__mod__": lambda self, other: remainder(self, other),
    "__rmod__": _rmod,
    "__imod__": lambda self, other: remainder_(self, other),
    "__pow__": lambda self, other: pow(self, other),
    "__rpow__": _rpow,
    "__ipow__": lambda self, other: pow_(self, other),
    "__neg__": specialize(NEG),
    "__pos__": _pos,
    "__abs__": lambda self: apply(ABS, (self,)),
    "__eq__": _eq,
    "__ne__": _ne,
    "__lt__": lambda self, other: apply(LT, (self, other)),
    "__le__": lambda self, other: apply(LE, (self, other)),
    "__gt__": lambda self, other: apply(GT, (self, other)),
    "__ge__": lambda self, other: apply(GE, (self, other)),
    "__and__": _and,
    "__rand__": _and,
    "__iand__": lambda self, other: apply_inplace(BITWISE_AND, (self, other)),
    "__or__": _or,
    "__ror__": _or,
    "__ior__": lambda self, other: apply_inplace(BITWISE_OR, (self, other)),
    "__xor__": _xor,
    "__rxor__": _xor,
    "__ixor__": lambda self, other: apply_inplace(BITWISE_XOR, (self, other)),
    "__invert__": _invert,
}
METHODS["where"] = _where_method
