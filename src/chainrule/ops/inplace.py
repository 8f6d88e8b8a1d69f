"""In-place forms (``x.sin_()``, ``torch.sin_(x)``) of the elementwise ops that lacked them, and
the in-place aliases PyTorch has (``absolute_``, ``greater_`` ...).

Each goes through ``apply_inplace`` with the op's own entry, so PyTorch's rules hold as for the
other in-place ops: a leaf that requires grad refuses, the version counter moves, a non-leaf
stays differentiable and its ``grad_fn`` is the op's node (``SinBackward0`` after ``sin_``).
Loaded after every op module (``chainrule/__init__.py``).
"""

from __future__ import annotations

from typing import Any

from .. import _dtype as D
from .._tensor import Tensor
from . import elementwise as E
from . import pointwise as P
from . import reduce as R
from . import special as S
from ._dispatch import apply_inplace
from ._registry import METHODS, PUBLIC, defop
from .elementwise import _zero_grad


def _unary_inplace(op, name: str):
    def method(self: Tensor) -> Tensor:
        return apply_inplace(op, (self,))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: writes the result into ``self`` and returns it."
    return method


_NEW_UNARY = {
    "asinh_": P.ASINH_INPLACE,
    "acosh_": P.ACOSH_INPLACE,
    "atanh_": P.ATANH_INPLACE,
    "sinc_": P.SINC,
    "deg2rad_": P.DEG2RAD,
    "rad2deg_": P.RAD2DEG,
    "sgn_": P.SGN,
    "lgamma_": S.LGAMMA,
    "digamma_": S.DIGAMMA,
    "erfinv_": S.ERFINV,
    "i0_": S.I0,
}
for _n, _op in _NEW_UNARY.items():
    METHODS[_n] = _unary_inplace(_op, _n)


def _need_tensor_arg(name: str, v: Any, arg: str = "other") -> None:
    if not isinstance(v, Tensor):
        t = type(v)
        tname = t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"
        raise TypeError(f"{name}(): argument '{arg}' (position 1) must be Tensor, not {tname}")


def _binary_inplace(op, name: str, tensor_only: bool = True, arg: str = "other"):
    def method(self: Tensor, other: Any) -> Tensor:
        if tensor_only:
            _need_tensor_arg(name, other, arg)
        return apply_inplace(op, (self, other))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: writes the result into ``self`` and returns it."
    return method


for _n, _op in {
    "hypot_": P.HYPOT,
    "nextafter_": P.NEXTAFTER,
    "gcd_": P.GCD,
    "lcm_": P.LCM,
    "ldexp_": P.LDEXP,
    "igamma_": S.IGAMMA,
    "igammac_": S.IGAMMAC,
}.items():
    METHODS[_n] = _binary_inplace(_op, _n)
for _n, _op in {
    "bitwise_and_": E.BITWISE_AND,
    "bitwise_or_": E.BITWISE_OR,
    "bitwise_xor_": E.BITWISE_XOR,
    "bitwise_left_shift_": P.BITWISE_LEFT_SHIFT,
    "bitwise_right_shift_": P.BITWISE_RIGHT_SHIFT,
}.items():
    METHODS[_n] = _binary_inplace(_op, _n, tensor_only=False)


def heaviside_(self: Tensor, values: Tensor) -> Tensor:
    """In-place ``heaviside``."""
    _need_tensor_arg("heaviside_", values, "values")
    if self._data.dtype != values._data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return apply_inplace(P.HEAVISIDE_INPLACE, (self, values))


def copysign_(self: Tensor, other: Any) -> Tensor:
    """In-place ``copysign`` (a tensor or a number for ``other``)."""
    op = P.COPYSIGN if isinstance(other, Tensor) else P.COPYSIGN_SCALAR
    return apply_inplace(op, (self, other))


def xlogy_(self: Tensor, other: Any) -> Tensor:
    """In-place ``xlogy`` (a tensor or a number for ``other``)."""
    op = P.XLOGY if isinstance(other, Tensor) else P.XLOGY_SCALAR
    return apply_inplace(op, (self, other))


def fmod_(self: Tensor, other: Any) -> Tensor:
    """In-place ``fmod``."""
    op = E.FMOD if isinstance(other, Tensor) else E.FMOD_SCALAR
    return apply_inplace(op, (self, other))


def logit_(self: Tensor, eps: float | None = None) -> Tensor:
    """In-place ``logit``."""
    return apply_inplace(P.LOGIT, (self,), (None if eps is None else float(eps),))


def polygamma_(self: Tensor, n: int) -> Tensor:
    """In-place ``polygamma`` of order ``n``."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return apply_inplace(S.POLYGAMMA_INPLACE, (self,), (int(n),))


def mvlgamma_(self: Tensor, p: int) -> Tensor:
    """In-place ``mvlgamma`` of dimension ``p``."""
    return apply_inplace(S.MVLGAMMA, (self,), (S._check_p(p),))


def square_(self: Tensor) -> Tensor:
    """In-place ``square`` (recorded as ``PowBackward0``, as PyTorch's ``pow_(2)``)."""
    return apply_inplace(E.POW, (self,), (2,))


def clamp_min_(self: Tensor, min: Any) -> Tensor:  # noqa: A002
    """In-place ``clamp_min``."""
    op = E.CLAMP_MIN_TENSOR if isinstance(min, Tensor) else E.CLAMP_MIN
    return apply_inplace(op, (self, min))


def clamp_max_(self: Tensor, max: Any) -> Tensor:  # noqa: A002
    """In-place ``clamp_max``."""
    op = E.CLAMP_MAX_TENSOR if isinstance(max, Tensor) else E.CLAMP_MAX
    return apply_inplace(op, (self, max))


def _cum_inplace(op, name: str):
    def method(self: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
        if dtype is not None and D.to_dtype(dtype) is not self.dtype:
            raise RuntimeError(
                f"Bad in-place call: input tensor dtype {self.dtype.cpp} and output "
                f"tensor dtype {D.to_dtype(dtype).cpp} should match"
            )
        d = R._axis(dim, self._data.ndim)
        return apply_inplace(op, (self,), (d, None))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place ``{name[:-1]}`` along ``dim``."
    return method


def float_power_(self: Tensor, exponent: Any) -> Tensor:
    """In-place ``float_power``: ``self`` must already be float64 (complex128 for complex)."""
    cplx = self.is_complex() or (isinstance(exponent, Tensor) and exponent.is_complex())
    cplx = cplx or isinstance(exponent, complex)
    want = D.complex128 if cplx else D.float64
    if self.dtype is not want:
        raise RuntimeError(
            f"the base given to float_power_ has dtype {self.dtype.word} but the operation's "
            f"result requires dtype {want.word}"
        )
    if isinstance(exponent, Tensor):
        return E.pow_(self, exponent.to(want))
    return E.pow_(self, complex(exponent) if cplx else float(exponent))


for _f in (
    heaviside_,
    copysign_,
    xlogy_,
    fmod_,
    logit_,
    polygamma_,
    mvlgamma_,
    square_,
    clamp_min_,
    clamp_max_,
    float_power_,
):
    METHODS[_f.__name__] = _f
METHODS["cumsum_"] = _cum_inplace(R.CUMSUM, "cumsum_")
METHODS["cumprod_"] = _cum_inplace(R.CUMPROD, "cumprod_")


def _cmp_inplace_ops(name: str, fwd) -> tuple:
    """x.gt_(y): PyTorch records GtBackward0 (number y) or GtBackward1 (tensor y), zero
    gradients; the 0/1 result is written in x's dtype."""
    cap = name.capitalize()
    scalar = defop(
        f"{name}_inplace_scalar",
        fwd,
        inputs=("self", "other"),
        grads=(_zero_grad, None),
        node=f"{cap}Backward0",
        scalar_edges=False,
        promote="keep",
        explain={"self": "0"},
    )
    tensor = defop(
        f"{name}_inplace_tensor",
        fwd,
        inputs=("self", "other"),
        grads=(_zero_grad, _zero_grad),
        node=f"{cap}Backward1",
        promote="keep",
        explain={"self": "0", "other": "0"},
    )
    return scalar, tensor


def _cmp_inplace(name: str, fwd):
    scalar, tensor = _cmp_inplace_ops(name, fwd)

    def method(self: Tensor, other: Any) -> Tensor:
        return apply_inplace(tensor if isinstance(other, Tensor) else scalar, (self, other))

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place ``{name}``: 1 where true, 0 elsewhere, in ``self``'s dtype."
    return method


for _op in (E.EQ, E.NE, E.LT, E.LE, E.GT, E.GE):
    METHODS[_op.name + "_"] = _cmp_inplace(_op.name, _op.forward)

# aliases PyTorch has for in-place methods
for _alias, _name in {
    "absolute_": "abs_",
    "negative_": "neg_",
    "arccos_": "acos_",
    "arcsin_": "asin_",
    "arctan_": "atan_",
    "arccosh_": "acosh_",
    "arcsinh_": "asinh_",
    "arctanh_": "atanh_",
    "arctan2_": "atan2_",
    "fix_": "trunc_",
    "true_divide_": "div_",
    "greater_": "gt_",
    "greater_equal_": "ge_",
    "less_": "lt_",
    "less_equal_": "le_",
    "not_equal_": "ne_",
}.items():
    METHODS[_alias] = METHODS[_name]

# the torch.<name>_(tensor, ...) functions PyTorch has (the same as the methods)
for _n in (
    "abs_ acos_ arccos_ acosh_ arccosh_ asin_ arcsin_ asinh_ arcsinh_ atan_ arctan_ "
    "atanh_ arctanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ deg2rad_ erf_ erfc_ "
    "exp_ exp2_ expm1_ fix_ floor_ frac_ gcd_ i0_ lcm_ ldexp_ log_ log10_ log1p_ log2_ logit_ "
    "nan_to_num_ neg_ negative_ rad2deg_ reciprocal_ relu_ round_ rsqrt_ sigmoid_ sin_ sinc_ "
    "sinh_ sqrt_ square_ tan_ tanh_ trunc_ xlogy_"
).split():
    PUBLIC[_n] = METHODS[_n]
