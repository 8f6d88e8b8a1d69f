"""Special functions as ops: lgamma, digamma, polygamma, mvlgamma, erfinv, the modified Bessel
functions i0/i0e/i1/i1e, igamma/igammac, zeta, ndtr/ndtri/log_ndtr, erfcx, entr, xlog1py.

The kernels are NumPy-only (``chainrule._specfun``); each op's derivative is written once
against ``F`` like every other entry. ``chainrule.special`` is the ``torch.special`` namespace
over these ops.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._tensor import Tensor
from ._dispatch import apply
from ._registry import METHODS, defop, expose
from .elementwise import ERF, _need_tensor, _no_kernel

SQRT_PI = math.sqrt(math.pi)
SQRT_2PI = math.sqrt(2.0 * math.pi)
TWO_OVER_SQRT_PI = 2.0 / SQRT_PI
SQRT1_2 = math.sqrt(0.5)


def _specfun():
    from .. import _specfun  # loaded on first use: keeps ``import chainrule`` fast

    return _specfun


def _kernel(name: str):
    """The ``_specfun`` kernel ``name`` (float64 math) as a forward keeping the input's float
    dtype."""

    def fwd(x, *params):
        return np.asarray(getattr(_specfun(), name)(x, *params)).astype(x.dtype, copy=False)

    fwd.__name__ = name
    return fwd


def _kernel2(name: str, kernel: str | None = None):
    """A binary ``_specfun`` kernel in float64, rounded to the promoted dtype; ``kernel`` names
    PyTorch's kernel for the NotImplementedError on integer inputs."""

    def fwd(a, b):
        dt = np.result_type(a, b)
        return np.asarray(getattr(_specfun(), name)(a, b)).astype(dt, copy=False)

    fwd.__name__ = name
    return _no_kernel(fwd, kernel, "biu") if kernel else fwd


def _not_implemented(what: str):
    def rule(F, g, *args):
        raise NotImplementedError(f"the derivative for '{what}' is not implemented.")

    return rule


# ---------------------------------------------------------------- gamma family

LGAMMA = defop(
    "lgamma",
    _kernel("lgamma"),
    saves=("self",),
    grads=(lambda F, g, x: g * F.digamma(x),),
    promote="float",
    explain={"self": "ψ({u})"},
)
DIGAMMA = defop(
    "digamma",
    _kernel("digamma"),
    saves=("self",),
    grads=(lambda F, g, x: g * F.polygamma(1, x),),
    promote="float",
    explain={"self": "ψ₁({u})"},
)
POLYGAMMA = defop(
    "polygamma",
    _kernel("polygamma_of"),
    saves=("self",),
    grads=(lambda F, g, x, n: g * F.polygamma(n + 1, x),),
    promote="float",
    explain={"self": "ψ_(n+1)({u})"},
)

# x.polygamma_(n): the same derivative, PyTorch's other node name
POLYGAMMA_INPLACE = defop(
    "polygamma_inplace",
    POLYGAMMA.forward,
    saves=("self",),
    grads=POLYGAMMA.grads,
    node="PolygammaBackward1",
    promote="float",
    explain={"self": "ψ_(n+1)({u})"},
)


def _mvlgamma_fwd(x, p):
    out = np.full(x.shape, p * (p - 1) / 4 * math.log(math.pi))
    for j in range(p):
        out = out + _specfun().lgamma(x - j / 2)
    return out.astype(x.dtype, copy=False)


def _mvlgamma_grad(F, g, x, p):
    total = F.digamma(x)
    for j in range(1, p):
        total = total + F.digamma(x - j / 2)
    return g * total


MVLGAMMA = defop(
    "mvlgamma",
    _mvlgamma_fwd,
    saves=("self",),
    grads=(_mvlgamma_grad,),
    promote="float",
    explain={"self": "Σⱼ ψ({u} - j/2)"},
)
ERFINV = defop(
    "erfinv",
    _kernel("erfinv"),
    saves=("result",),
    grads=(lambda F, g, r: g * (0.5 * SQRT_PI) * F.exp(r * r),),
    promote="float",
    domain="unit",
    explain={"self": "√π/2·exp({y}²)"},
)

# ---------------------------------------------------------------- modified Bessel functions

I0 = defop(
    "i0",
    _kernel("i0"),
    saves=("self",),
    grads=(lambda F, g, x: g * F.i1(x),),
    promote="float",
    explain={"self": "I₁({u})"},
)
SPECIAL_I0E = defop(
    "special_i0e",
    _kernel("i0e"),
    saves=("self", "result"),
    grads=(lambda F, g, x, r: g * (F.i1e(x) - F.sign(x) * r),),
    node="SpecialI0EBackward0",
    promote="float",
    explain={"self": "i1e({u}) - sgn({u})·{y}"},
)


def _i1_grad(F, g, x, r):
    safe = F.where(x == 0, 1.0, x)
    return g * F.where(x == 0, 0.5, F.i0(x) - r / safe)


def _i1e_grad(F, g, x, r):
    safe = F.where(x == 0, 1.0, x)
    return g * F.where(x == 0, 0.5, F.i0e(x) - r * (F.sign(x) + 1 / safe))


SPECIAL_I1 = defop(
    "special_i1",
    _kernel("i1"),
    saves=("self", "result"),
    grads=(_i1_grad,),
    promote="float",
    explain={"self": "I₀({u}) - {y}/{u}"},
)
SPECIAL_I1E = defop(
    "special_i1e",
    _kernel("i1e"),
    saves=("self", "result"),
    grads=(_i1e_grad,),
    node="SpecialI1EBackward0",
    promote="float",
    explain={"self": "i0e({u}) - {y}·(sgn({u}) + 1/{u})"},
)

# ---------------------------------------------------------------- incomplete gamma, zeta


def _igamma_density(F, a, x):
    return F.exp((a - 1) * F.log(x) - x - F.lgamma(a))


IGAMMA = defop(
    "igamma",
    _kernel2("igamma", "igamma_cpu"),
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(
        _not_implemented("igamma: input"),
        lambda F, g, a, x: g * _igamma_density(F, a, x),
    ),
    explain={"other": "{other}^({self}-1)·exp(-{other})/Γ({self})"},
)
IGAMMAC = defop(
    "igammac",
    _kernel2("igammac", "igammac_cpu"),
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(
        _not_implemented("igammac: input"),
        lambda F, g, a, x: -g * _igamma_density(F, a, x),
    ),
    explain={"other": "-{other}^({self}-1)·exp(-{other})/Γ({self})"},
)


def _zeta_q_grad(F, g, x, q):
    return g * -x * F.zeta(x + 1, q)


SPECIAL_ZETA = defop(
    "special_zeta",
    _kernel2("zeta"),
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(_not_implemented("zeta"), _zeta_q_grad),
    promote="float",
    explain={"other": "-{self}·ζ({self}+1, {other})"},
)
# zeta(number, tensor) and zeta(tensor, number): PyTorch's Scalar overloads
SPECIAL_ZETA_RSCALAR = defop(
    "special_zeta_rscalar",
    _kernel2("zeta"),
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(None, _zeta_q_grad),
    node="SpecialZetaBackward1",
    promote="float",
    scalar_edges=False,
    explain={"other": "-{self}·ζ({self}+1, {other})"},
)
SPECIAL_ZETA_SCALAR = defop(
    "special_zeta_scalar",
    _kernel2("zeta"),
    inputs=("self", "other"),
    grads=(_not_implemented("zeta"), None),
    node="SpecialZetaBackward2",
    promote="float",
    scalar_edges=False,
)

# ---------------------------------------------------------------- normal distribution, erfcx

SPECIAL_NDTRI = defop(
    "special_ndtri",
    _kernel("ndtri"),
    saves=("result",),
    grads=(lambda F, g, r: g * SQRT_2PI * F.exp(0.5 * r * r),),
    promote="float",
    explain={"self": "√(2π)·exp({y}²/2)"},
)
SPECIAL_LOG_NDTR = defop(
    "special_log_ndtr",
    _kernel("log_ndtr"),
    saves=("self", "result"),
    grads=(lambda F, g, x, r: g * F.exp(-(r + 0.5 * x * x)) / SQRT_2PI,),
    promote="float",
    explain={"self": "exp(-{u}²/2 - {y})/√(2π)"},
)
SPECIAL_ERFCX = defop(
    "special_erfcx",
    _kernel("erfcx"),
    saves=("self", "result"),
    grads=(lambda F, g, x, r: g * (2 * x * r - TWO_OVER_SQRT_PI),),
    promote="float",
    explain={"self": "2{u}·{y} - 2/√π"},
)


def _entr_fwd(x):
    with np.errstate(all="ignore"):
        out = -x * np.log(x)
    out = np.where(x == 0, 0, out)
    return np.where(x < 0, -np.inf, out).astype(x.dtype, copy=False)


SPECIAL_ENTR = defop(
    "special_entr",
    _entr_fwd,
    saves=("self",),
    grads=(lambda F, g, x: g * -(1 + F.log(x)),),
    promote="float",
    domain="positive",
    explain={"self": "-(1 + ln {u})"},
)

# ---------------------------------------------------------------- xlog1py


def _xlog1py(x, y):
    # the dtype of the tensor operand(s) (a Python number operand stays weak)
    dt = np.result_type(*[v for v in (x, y) if isinstance(v, np.ndarray)])
    with np.errstate(all="ignore"):
        out = x * np.log1p(y)
    return np.where((x == 0) & ~np.isnan(y), 0, out).astype(dt, copy=False)


SPECIAL_XLOG1PY = defop(
    "special_xlog1py",
    _xlog1py,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(
        lambda F, g, x, y: g * F.xlog1py(x != 0, y),
        lambda F, g, x, y: g * x / (y + 1),
    ),
    node="SpecialXlog1PyBackward0",
    promote="float",
    explain={"self": "ln(1+{other})", "other": "{self}/(1+{other})"},
)
SPECIAL_XLOG1PY_RSCALAR = defop(
    "special_xlog1py_rscalar",
    _xlog1py,
    inputs=("self", "other"),
    saves=("self", "other"),
    grads=(None, lambda F, g, x, y: g * x / (y + 1)),
    node="SpecialXlog1PyBackward1",
    promote="float",
    scalar_edges=False,
    explain={"other": "{self}/(1+{other})"},
)


def _log1p_number(y: float) -> float:
    if y > -1:
        return math.log1p(y)
    return -math.inf if y == -1 else math.nan


SPECIAL_XLOG1PY_SCALAR = defop(
    "special_xlog1py_scalar",
    _xlog1py,
    inputs=("self", "other"),
    saves=("other",),
    grads=(lambda F, g, y: g * _log1p_number(y), None),
    node="SpecialXlog1PyBackward2",
    promote="float",
    scalar_edges=False,
    explain={"self": "ln(1+{other})"},
)

# ---------------------------------------------------------------- Tensor-Scalar arithmetic
# PyTorch's C++ composites (ndtr) call mul/add with a Scalar: MulBackward1 / AddBackward1

MUL_SCALAR = defop(
    "mul_scalar",
    lambda a, c: a * c,
    inputs=("self", "other"),
    saves=("other",),
    grads=(lambda F, g, c: g * c, None),
    node="MulBackward1",
    scalar_edges=False,
    jvp="bilinear",
    explain={"self": "{other}"},
)
ADD_SCALAR = defop(
    "add_scalar",
    lambda a, c: a + c,
    inputs=("self", "other"),
    grads=(lambda F, g: g, None),
    node="AddBackward1",
    scalar_edges=False,
    jvp="linear",
    explain={"self": "1"},
)

# ---------------------------------------------------------------- front-ends


def _float_input(x: Tensor) -> Tensor:
    from .. import _dtype as D

    if x._data.dtype.kind in "fc":
        return x
    return x.to(D.get_default_dtype())


def lgamma(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``log|Γ(input)|`` (inf at 0 and the negative integers).

    Example:
        >>> import chainrule as torch
        >>> torch.lgamma(torch.tensor([0.5, 3.0]))
        tensor([0.5724, 0.6931])
    """
    return apply(LGAMMA, (input,))


def digamma(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The digamma function ``ψ = Γ'/Γ`` (``-inf`` at +0, NaN at negative integers).

    Example:
        >>> import chainrule as torch
        >>> torch.digamma(torch.tensor([1.0]))
        tensor([-0.5772])
    """
    return apply(DIGAMMA, (input,))


def polygamma(n: int, input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The ``n``-th derivative of digamma (``polygamma(0, x)`` is ``digamma(x)``).

    Example:
        >>> import chainrule as torch
        >>> torch.polygamma(1, torch.tensor([1.0]))
        tensor([1.6449])
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(
            f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}"
        )
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return apply(POLYGAMMA, (input,), (int(n),))


def _polygamma_method(self: Tensor, n: int) -> Tensor:
    """``x.polygamma(n)``: ``torch.polygamma(n, x)``."""
    return polygamma(n, self)


def _check_p(p: Any) -> int:
    if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
        raise TypeError(
            f"mvlgamma(): argument 'p' (position 2) must be int, not {type(p).__name__}"
        )
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return int(p)


def mvlgamma(input: Tensor, p: int, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The multivariate log-gamma function of dimension ``p``.

    Example:
        >>> import chainrule as torch
        >>> torch.mvlgamma(torch.tensor([2.5]), 2)
        tensor([1.1314])
    """
    return apply(MVLGAMMA, (input,), (_check_p(p),))


def erfinv(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The inverse error function (±inf at ±1, NaN outside ``[-1, 1]``).

    Example:
        >>> import chainrule as torch
        >>> torch.erfinv(torch.tensor([0.0, 0.5]))
        tensor([0.0000, 0.4769])
    """
    return apply(ERFINV, (input,))


def i0(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The modified Bessel function of the first kind, order 0.

    Example:
        >>> import chainrule as torch
        >>> torch.i0(torch.tensor([0.0, 1.0]))
        tensor([1.0000, 1.2661])
    """
    return apply(I0, (input,))


def i0e(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``exp(-|x|) · i0(x)``.

    Example:
        >>> import chainrule as torch
        >>> torch.special.i0e(torch.tensor([1.0]))
        tensor([0.4658])
    """
    return apply(SPECIAL_I0E, (input,))


def i1(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The modified Bessel function of the first kind, order 1.

    Example:
        >>> import chainrule as torch
        >>> torch.special.i1(torch.tensor([1.0]))
        tensor([0.5652])
    """
    return apply(SPECIAL_I1, (input,))


def i1e(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``exp(-|x|) · i1(x)``.

    Example:
        >>> import chainrule as torch
        >>> torch.special.i1e(torch.tensor([1.0]))
        tensor([0.2079])
    """
    return apply(SPECIAL_I1E, (input,))


def igamma(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The regularized lower incomplete gamma function ``P(input, other)``.

    Example:
        >>> import chainrule as torch
        >>> torch.igamma(torch.tensor([1.0]), torch.tensor([1.0]))
        tensor([0.6321])
    """
    _need_tensor("igamma", input, 1, "input")
    _need_tensor("igamma", other)
    return apply(IGAMMA, (input, other))


def igammac(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The regularized upper incomplete gamma function ``Q(input, other) = 1 - P``.

    Example:
        >>> import chainrule as torch
        >>> torch.igammac(torch.tensor([1.0]), torch.tensor([1.0]))
        tensor([0.3679])
    """
    _need_tensor("igammac", input, 1, "input")
    _need_tensor("igammac", other)
    return apply(IGAMMAC, (input, other))


def zeta(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The Hurwitz zeta function ``Σₖ (k + other)^-input``.

    Example:
        >>> import chainrule as torch
        >>> torch.special.zeta(torch.tensor([2.0]), 1.0)
        tensor([1.6449])
    """
    if isinstance(input, Tensor):
        if isinstance(other, Tensor):
            return apply(SPECIAL_ZETA, (input, other))
        return apply(SPECIAL_ZETA_SCALAR, (input, float(other)))
    if isinstance(other, Tensor):
        return apply(SPECIAL_ZETA_RSCALAR, (float(input), other))
    raise TypeError("zeta() received an invalid combination of arguments")


def ndtr(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The standard normal CDF ``(1 + erf(x/√2)) / 2`` (recorded as PyTorch records it).

    Example:
        >>> import chainrule as torch
        >>> torch.special.ndtr(torch.tensor([0.0]))
        tensor([0.5000])
    """
    _need_tensor("special_ndtr", input, 1, "self")
    x = _float_input(input)
    e = apply(ERF, (apply(MUL_SCALAR, (x, SQRT1_2)),))
    return apply(MUL_SCALAR, (apply(ADD_SCALAR, (e, 1)), 0.5))


def ndtri(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The inverse of the standard normal CDF (the normal quantile function).

    Example:
        >>> import chainrule as torch
        >>> torch.special.ndtri(torch.tensor([0.5, 0.975]))
        tensor([0.0000, 1.9600])
    """
    return apply(SPECIAL_NDTRI, (input,))


def log_ndtr(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``log(ndtr(x))``, accurate far into the lower tail.

    Example:
        >>> import chainrule as torch
        >>> torch.special.log_ndtr(torch.tensor([0.0]))
        tensor([-0.6931])
    """
    return apply(SPECIAL_LOG_NDTR, (input,))


def erfcx(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The scaled complementary error function ``exp(x²) · erfc(x)``.

    Example:
        >>> import chainrule as torch
        >>> torch.special.erfcx(torch.tensor([0.0, 1.0]))
        tensor([1.0000, 0.4276])
    """
    return apply(SPECIAL_ERFCX, (input,))


def entr(input: Tensor, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """The elementwise entropy ``-x·ln(x)`` (0 at 0, ``-inf`` below 0).

    Example:
        >>> import chainrule as torch
        >>> torch.special.entr(torch.tensor([0.0, 0.5]))
        tensor([0.0000, 0.3466])
    """
    return apply(SPECIAL_ENTR, (input,))


def xlog1py(input: Any, other: Any, *, out: Tensor | None = None) -> Tensor:  # noqa: A002
    """``input * log1p(other)``, and 0 where ``input == 0`` (unless ``other`` is NaN).

    Example:
        >>> import chainrule as torch
        >>> torch.special.xlog1py(torch.tensor([0.0, 2.0]), torch.tensor([-1.0, 1.0]))
        tensor([0.0000, 1.3863])
    """
    if isinstance(input, Tensor):
        if isinstance(other, Tensor):
            return apply(SPECIAL_XLOG1PY, (input, other))
        return apply(SPECIAL_XLOG1PY_SCALAR, (input, other))
    if isinstance(other, Tensor):
        return apply(SPECIAL_XLOG1PY_RSCALAR, (input, other))
    raise TypeError("special_xlog1py() received an invalid combination of arguments")


for _f in (lgamma, digamma, erfinv, i0, igamma, igammac, mvlgamma):
    expose(_f)
expose(polygamma, method=False)
METHODS["polygamma"] = _polygamma_method  # x.polygamma(n): the tensor comes first
