"""The explain feature's own table: forward expressions and local derivatives as expression trees.

The op entries carry the local derivative as text (``Op.explain``); this table adds what the
explainer needs beyond text -- a tree to print as LaTeX and to compose into a formula -- for the
common ops. An op missing here is still explained (generic forward text, the entry's text for
its local derivative, the numbers from its backward formula).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from ..ops._registry import param_names  # noqa: F401  (explain reads it from here)
from . import _sym as S
from ._sym import Fn, Num, add, div, fn, mul, neg, pow_, sub

LN2 = math.log(2.0)
LN10 = math.log(10.0)


def _alpha(p: dict) -> S.E:
    return Num(p.get("alpha", 1))


def _n(ctx: dict) -> float:
    shape = ctx.get("shape") or ()
    dims = ctx.get("dims")
    n = 1
    for i, s in enumerate(shape):
        if dims is None or i in dims:
            n *= s
    return float(n)


# forward: f(operands, params, ctx) -> tree;  local: {input: f(operands, params, y, ctx) -> tree}
FORWARD: dict[str, Callable] = {
    "add": lambda a, p, c: add(a[0], mul(_alpha(p), a[1])),
    "sub": lambda a, p, c: sub(a[0], mul(_alpha(p), a[1])),
    "rsub": lambda a, p, c: sub(a[1], mul(_alpha(p), a[0])),
    "mul": lambda a, p, c: mul(a[0], a[1]),
    "div": lambda a, p, c: div(a[0], a[1]),
    "pow": lambda a, p, c: pow_(a[0], Num(p["exponent"])),
    "pow_tensor": lambda a, p, c: pow_(a[0], a[1]),
    "pow_rscalar": lambda a, p, c: pow_(Num(p["base"]), a[0]),
    "neg": lambda a, p, c: neg(a[0]),
    "reciprocal": lambda a, p, c: pow_(a[0], Num(-1)),
    "sqrt": lambda a, p, c: pow_(a[0], Num(0.5)),
    "rsqrt": lambda a, p, c: pow_(a[0], Num(-0.5)),
    "clone": lambda a, p, c: a[0],
    "to_copy": lambda a, p, c: a[0],
    "sum": lambda a, p, c: fn("sum", a[0]),
    "mean": lambda a, p, c: fn("mean", a[0]),
}
for _f in (
    "sin",
    "cos",
    "tan",
    "exp",
    "log",
    "sinh",
    "cosh",
    "tanh",
    "asin",
    "acos",
    "atan",
    "abs",
    "sigmoid",
    "log2",
    "log10",
    "log1p",
    "expm1",
    "exp2",
    "erf",
    "sign",
    "relu",
):
    FORWARD.setdefault(_f, lambda a, p, c, _n=_f: fn(_n, a[0]))


def _raw_alpha(b: S.E, p: dict) -> S.E:
    a = p.get("alpha", 1)
    return b if a == 1 else S.Mul([Num(a), b])


# forward expressions for display: exactly the operation written, no simplification
# (``y * y`` stays ``y * y``; the formula composition uses FORWARD, which simplifies)
FORWARD_RAW: dict[str, Callable] = {
    "add": lambda a, p, c: S.Add([a[0], _raw_alpha(a[1], p)]),
    "sub": lambda a, p, c: S.Add([a[0], S.Mul([Num(-1), _raw_alpha(a[1], p)])]),
    "rsub": lambda a, p, c: S.Add([a[1], S.Mul([Num(-1), _raw_alpha(a[0], p)])]),
    "mul": lambda a, p, c: S.Mul([a[0], a[1]]),
    "div": lambda a, p, c: S.Mul([a[0], S.Pow(a[1], Num(-1))]),
    "pow": lambda a, p, c: S.Pow(a[0], Num(p["exponent"])),
    "pow_tensor": lambda a, p, c: S.Pow(a[0], a[1]),
    "pow_rscalar": lambda a, p, c: S.Pow(Num(p["base"]), a[0]),
    "neg": lambda a, p, c: S.Mul([Num(-1), a[0]]),
    "sqrt": lambda a, p, c: Fn("sqrt", a[0]),
    "rsqrt": lambda a, p, c: Fn("rsqrt", a[0]),
}


def _sig(a: S.E) -> S.E:
    return fn("sigmoid", a)


LOCAL: dict[str, dict] = {
    "add": {"self": lambda a, p, y, c: Num(1), "other": lambda a, p, y, c: _alpha(p)},
    "sub": {"self": lambda a, p, y, c: Num(1), "other": lambda a, p, y, c: neg(_alpha(p))},
    "rsub": {"self": lambda a, p, y, c: neg(_alpha(p)), "other": lambda a, p, y, c: Num(1)},
    "mul": {"self": lambda a, p, y, c: a[1], "other": lambda a, p, y, c: a[0]},
    "div": {
        "self": lambda a, p, y, c: div(Num(1), a[1]),
        "other": lambda a, p, y, c: neg(div(a[0], pow_(a[1], Num(2)))),
    },
    "pow": {"self": lambda a, p, y, c: mul(Num(p["exponent"]), pow_(a[0], Num(p["exponent"] - 1)))},
    "pow_tensor": {
        "self": lambda a, p, y, c: mul(a[1], pow_(a[0], sub(a[1], Num(1)))),
        "exponent": lambda a, p, y, c: mul(pow_(a[0], a[1]), fn("log", a[0])),
    },
    "pow_rscalar": {
        "exponent": lambda a, p, y, c: mul(pow_(Num(p["base"]), a[0]), Num(math.log(p["base"])))
    },
    "neg": {"self": lambda a, p, y, c: Num(-1)},
    "reciprocal": {"self": lambda a, p, y, c: neg(pow_(a[0], Num(-2)))},
    "sin": {"self": lambda a, p, y, c: fn("cos", a[0])},
    "cos": {"self": lambda a, p, y, c: neg(fn("sin", a[0]))},
    "tan": {"self": lambda a, p, y, c: add(Num(1), pow_(fn("tan", a[0]), Num(2)))},
    "exp": {"self": lambda a, p, y, c: fn("exp", a[0])},
    "expm1": {"self": lambda a, p, y, c: fn("exp", a[0])},
    "exp2": {"self": lambda a, p, y, c: mul(pow_(Num(2), a[0]), Num(LN2))},
    "log": {"self": lambda a, p, y, c: pow_(a[0], Num(-1))},
    "log2": {"self": lambda a, p, y, c: div(Num(1), mul(a[0], Num(LN2)))},
    "log10": {"self": lambda a, p, y, c: div(Num(1), mul(a[0], Num(LN10)))},
    "log1p": {"self": lambda a, p, y, c: pow_(add(Num(1), a[0]), Num(-1))},
    "sqrt": {"self": lambda a, p, y, c: div(Num(1), mul(Num(2), pow_(a[0], Num(0.5))))},
    "rsqrt": {"self": lambda a, p, y, c: mul(Num(-0.5), pow_(a[0], Num(-1.5)))},
    "sinh": {"self": lambda a, p, y, c: fn("cosh", a[0])},
    "cosh": {"self": lambda a, p, y, c: fn("sinh", a[0])},
    "tanh": {"self": lambda a, p, y, c: sub(Num(1), pow_(fn("tanh", a[0]), Num(2)))},
    "asin": {"self": lambda a, p, y, c: pow_(sub(Num(1), pow_(a[0], Num(2))), Num(-0.5))},
    "acos": {"self": lambda a, p, y, c: neg(pow_(sub(Num(1), pow_(a[0], Num(2))), Num(-0.5)))},
    "atan": {"self": lambda a, p, y, c: pow_(add(Num(1), pow_(a[0], Num(2))), Num(-1))},
    "sigmoid": {"self": lambda a, p, y, c: mul(_sig(a[0]), sub(Num(1), _sig(a[0])))},
    "abs": {"self": lambda a, p, y, c: fn("sign", a[0])},
    "dot": {"self": lambda a, p, y, c: a[1], "other": lambda a, p, y, c: a[0]},
    "clone": {"self": lambda a, p, y, c: Num(1)},
    "to_copy": {"self": lambda a, p, y, c: Num(1)},
    "sum": {"self": lambda a, p, y, c: Num(1)},
    "sum_dim": {"self": lambda a, p, y, c: Num(1)},
    "mean": {"self": lambda a, p, y, c: Num(Fraction(1, int(_n(c))))},
    "mean_dim": {"self": lambda a, p, y, c: Num(Fraction(1, int(_n(c))))},
}

# ops whose local derivative (the Jacobian) is diagonal or constant per element, so that
# "incoming · local" is an elementwise product a learner can check number by number
ELEMENTWISE = set(LOCAL) - {"sum", "sum_dim", "mean", "mean_dim", "dot"} | {
    "relu",
    "sign",
    "erf",
    "erfc",
    "floor",
    "ceil",
    "trunc",
    "frac",
    "round",
    "clamp",
    "maximum",
    "minimum",
    "where",
    "remainder",
    "fmod",
    "atan2",
    "lerp",
    "lerp_tensor",
}
REDUCTIONS = {"sum", "sum_dim", "mean", "mean_dim", "dot"}

# ops whose entry text is generic ("1/n"): print the tree, which knows n
PREFER_TREE = {"mean", "mean_dim", "dot", "sum", "sum_dim"}

# text for the local derivative when an op entry gives none
TEXT_FALLBACK = {
    "minimum": {"self": "1 if {self} < {other}", "other": "1 if {other} < {self}"},
    "atan2": {"self": "{other}/({self}²+{other}²)", "other": "-{self}/({self}²+{other}²)"},
    "fmod": {"self": "1", "other": "-trunc({self}/{other})"},
    "lerp": {"self": "1-weight", "end": "weight"},
}

# forward expressions as Python code, for ops without a tree
PY_NAMES = {"sum_dim": "sum", "mean_dim": "mean", "pow_tensor": "pow", "to_copy": "to"}


def _full_2norm(p: dict, c: dict) -> None:
    """Trees for the norm only for the Euclidean norm of the whole tensor; else generic text."""
    shape = c.get("shape")
    dims = p.get("dims", p.get("dim"))
    full = dims is None or shape is None or len(tuple(dims)) in (0, len(shape))
    if p.get("ord", p.get("p", 2)) != 2 or not full or p.get("keepdim"):
        raise ValueError("not a full 2-norm")


def _norm_fwd(a: list, p: dict, c: dict) -> S.E:
    _full_2norm(p, c)
    return Fn("norm", a[0])


def _norm_local(a: list, p: dict, y: S.E, c: dict) -> S.E:
    _full_2norm(p, c)
    return div(a[0], Fn("norm", a[0]))


for _name in ("linalg_vector_norm", "norm"):
    FORWARD[_name] = _norm_fwd
    LOCAL[_name] = {"self": _norm_local}
REDUCTIONS |= {"linalg_vector_norm", "norm"}


_ = S
