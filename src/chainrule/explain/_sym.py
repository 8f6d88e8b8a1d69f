"""A tiny expression tree for the explain feature: build, simplify a little, print as text/LaTeX.

It only needs to compose local derivatives along the chain rule and print the result readably
(SymPy, when installed, can simplify further). Smart constructors fold numbers, drop ``+ 0`` and
``· 1`` and merge equal factors into powers.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any


class E:
    """Base of expression nodes; ``key`` is a structural identity used to merge equal factors."""

    __slots__ = ()
    prec = 100

    def key(self) -> Any:
        raise NotImplementedError


class Num(E):
    """A number; integers and simple ratios stay exact (``Fraction``) so 1/3 prints as 1/3."""

    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        if isinstance(v, Fraction):
            self.v = v
        else:
            f = float(v)
            self.v = Fraction(int(f)) if math.isfinite(f) and f == int(f) and abs(f) < 1e15 else f

    def key(self) -> Any:
        return ("n", self.v)


class Sym(E):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def key(self) -> Any:
        return ("s", self.name)


class Fn(E):
    """``name(arg)``; names: sin cos exp log sqrt ... plus sum, mean, norm (reductions)."""

    __slots__ = ("name", "arg")

    def __init__(self, name: str, arg: E) -> None:
        self.name = name
        self.arg = arg

    def key(self) -> Any:
        return ("f", self.name, self.arg.key())


class Add(E):
    __slots__ = ("args",)
    prec = 1

    def __init__(self, args: list) -> None:
        self.args = args

    def key(self) -> Any:
        return ("+",) + tuple(a.key() for a in self.args)


class Mul(E):
    __slots__ = ("args",)
    prec = 2

    def __init__(self, args: list) -> None:
        self.args = args

    def key(self) -> Any:
        return ("*",) + tuple(a.key() for a in self.args)


class Pow(E):
    __slots__ = ("base", "exp")
    prec = 3

    def __init__(self, base: E, exp: E) -> None:
        self.base = base
        self.exp = exp

    def key(self) -> Any:
        return ("^", self.base.key(), self.exp.key())


def num(v: float) -> E:
    return Num(v)


def is_num(e: E, v: float | None = None) -> bool:
    return isinstance(e, Num) and (v is None or e.v == v)


def _coef_rest(t: E) -> tuple:
    if isinstance(t, Mul) and isinstance(t.args[0], Num):
        rest = t.args[1:]
        return t.args[0].v, (rest[0] if len(rest) == 1 else Mul(list(rest)))
    return Fraction(1), t


def add(*args: E) -> E:
    const: Any = Fraction(0)
    terms: dict = {}
    order: list = []
    for a in args:
        for t in a.args if isinstance(a, Add) else (a,):
            if isinstance(t, Num):
                const += t.v
                continue
            c, rest = _coef_rest(t)
            k = rest.key()
            if k in terms:
                terms[k] = (terms[k][0] + c, rest)
            else:
                terms[k] = (c, rest)
                order.append(k)
    flat = [mul(Num(terms[k][0]), terms[k][1]) for k in order if terms[k][0] != 0]
    if const != 0 or not flat:
        flat.append(Num(const))
    return flat[0] if len(flat) == 1 else Add(flat)


def mul(*args: E) -> E:
    coef: Any = Fraction(1)
    powers: dict = {}
    order: list = []
    for a in args:
        for t in a.args if isinstance(a, Mul) else (a,):
            if isinstance(t, Num):
                coef *= t.v
                continue
            base, ex = (t.base, t.exp) if isinstance(t, Pow) else (t, Num(1))
            k = base.key()
            if k in powers:
                powers[k] = (base, add(powers[k][1], ex))
            else:
                powers[k] = (base, ex)
                order.append(k)
    if coef == 0:
        return Num(0)
    factors = [pow_(*powers[k]) for k in order]
    factors = [f for f in factors if not is_num(f, 1.0)]
    for f in factors:  # folded powers may have produced numbers
        if isinstance(f, Num):
            coef *= f.v
    factors = [f for f in factors if not isinstance(f, Num)]
    factors.sort(key=_rank)
    if coef != 1 or not factors:
        factors.insert(0, Num(coef))
    return factors[0] if len(factors) == 1 else Mul(factors)


def _rank(f: E) -> int:
    """Factor order in a product: symbols (and their powers) before functions and sums."""
    b = f.base if isinstance(f, Pow) else f
    return 0 if isinstance(b, Sym) else 1


def pow_(base: E, ex: E) -> E:
    if is_num(ex, 0.0):
        return Num(1)
    if is_num(ex, 1.0):
        return base
    if isinstance(base, Num) and isinstance(ex, Num):
        try:
            if (
                isinstance(ex.v, Fraction)
                and ex.v.denominator == 1
                and isinstance(base.v, Fraction)
            ):
                return Num(base.v ** int(ex.v))
            r = float(base.v) ** float(ex.v)
            if isinstance(r, float):
                return Num(r)
        except (OverflowError, ZeroDivisionError, ValueError):
            pass
    if isinstance(base, Pow) and isinstance(ex, Num) and isinstance(base.exp, Num):
        return pow_(base.base, Num(base.exp.v * ex.v))
    return Pow(base, ex)


def neg(a: E) -> E:
    return mul(Num(-1), a)


def sub(a: E, b: E) -> E:
    return add(a, neg(b))


def div(a: E, b: E) -> E:
    return mul(a, pow_(b, Num(-1)))


def fn(name: str, a: E) -> E:
    return Fn(name, a)


# ---------------------------------------------------------------- printing
def fmt_num(v: Any) -> str:
    """Numbers as a learner writes them: 2, 0.5, -0.2474, 1.2e-05, 1/3."""
    if isinstance(v, Fraction):
        if v.denominator == 1:
            return str(v.numerator)
        if v.denominator <= 1000 and abs(v.numerator) <= 1000:
            return f"{v.numerator}/{v.denominator}"
        v = float(v)
    v = float(v)
    if v != v:
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    a = abs(v)
    if 1e-4 <= a < 1e6:
        s = f"{v:.4f}".rstrip("0").rstrip(".")
        if s not in ("0", "-0"):
            return s
    return f"{v:.4g}"


_SUP = {2: "²", 3: "³"}
_LATEX_FN = {
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "exp": r"\exp",
    "log": r"\ln",
    "sinh": r"\sinh",
    "cosh": r"\cosh",
    "tanh": r"\tanh",
    "asin": r"\arcsin",
    "acos": r"\arccos",
    "atan": r"\arctan",
}


def _negative(t: E) -> bool:
    return (isinstance(t, Num) and t.v < 0) or (
        isinstance(t, Mul) and isinstance(t.args[0], Num) and t.args[0].v < 0
    )


def _positive_first(args: list) -> list:
    """``-s + 1`` prints as ``1 - s``: a sum starts with a positive term when it has one."""
    if not args or not _negative(args[0]):
        return list(args)
    pos = [t for t in args if not _negative(t)]
    if not pos:
        return list(args)
    return [pos[0]] + [t for t in args if t is not pos[0]]


def _split_frac(e: Mul) -> tuple:
    num_f, den_f = [], []
    for f in e.args:
        if isinstance(f, Pow) and isinstance(f.exp, Num) and f.exp.v < 0:
            den_f.append(pow_(f.base, Num(-f.exp.v)))
        else:
            num_f.append(f)
    return num_f, den_f


def text(e: E, style: str = "math") -> str:
    """``style="math"``: x², 2·x, √x;  ``style="py"``: x ** 2, 2 * x (the code a learner writes)."""
    py = style == "py"

    def wrap(s: E, prec: int) -> str:
        r = go(s)
        need = s.prec < prec or (isinstance(s, Num) and (s.v < 0 or "/" in r) and prec > 1)
        if isinstance(s, Mul) and prec <= 2 and r.startswith("-") and prec > 1:
            need = True
        return f"({r})" if need else r

    def go(e: E) -> str:
        if isinstance(e, Num):
            return fmt_num(e.v)
        if isinstance(e, Sym):
            return e.name
        if isinstance(e, Fn):
            if e.name == "norm":
                return f"norm({go(e.arg)})" if py else f"‖{go(e.arg)}‖"
            if e.name == "sqrt" and not py and isinstance(e.arg, (Sym, Num)):
                return f"√{go(e.arg)}"
            return f"{e.name}({go(e.arg)})"
        if isinstance(e, Add):
            e = Add(_positive_first(e.args))
            out = go(e.args[0])
            for t in e.args[1:]:
                s = (
                    go(t)
                    if not (isinstance(t, Mul) and is_num(t.args[0]) and t.args[0].v < 0)
                    else None
                )
                if isinstance(t, Num) and t.v < 0:
                    out += f" - {fmt_num(-t.v)}"
                elif s is None:
                    out += " - " + go(mul(Num(-t.args[0].v), *t.args[1:]))
                else:
                    out += " + " + wrap(t, 1)
            return out
        if isinstance(e, Mul):
            sep = " * " if py else "·"
            args = list(e.args)
            sign = ""
            if isinstance(args[0], Num) and args[0].v < 0:
                sign = "-"
                args = args[1:] if args[0].v == -1 else [Num(-args[0].v)] + args[1:]
            num_f, den_f = _split_frac(Mul(args))
            if den_f and num_f:
                top = sep.join(wrap(f, 2) for f in num_f)
                bot = sep.join(wrap(f, 3) for f in den_f)
                if len(den_f) > 1:
                    bot = f"({bot})"
                if len(num_f) > 1 and py:
                    top = f"({top})"
                return f"{sign}{top}/{bot}"
            if den_f and not num_f:
                bot = sep.join(wrap(f, 3) for f in den_f)
                return f"{sign}1/{bot if len(den_f) == 1 else '(' + bot + ')'}"
            return sign + sep.join(wrap(f, 2) for f in args)
        if isinstance(e, Pow):
            if isinstance(e.exp, Num) and e.exp.v == 0.5 and not py:
                return f"√{wrap(e.base, 4)}"
            if isinstance(e.exp, Num) and e.exp.v < 0:
                return go(Mul([Num(1), e]))
            b = wrap(e.base, 4)
            if py:
                return f"{b} ** {wrap(e.exp, 4)}"
            if isinstance(e.exp, Num) and e.exp.v in _SUP:
                return b + _SUP[int(e.exp.v)]
            return f"{b}^{wrap(e.exp, 4)}"
        raise TypeError(e)

    return go(e)


def latex(e: E, names: dict | None = None) -> str:
    """LaTeX for ``e``; ``names`` maps symbol names to LaTeX (``v1`` -> ``v_{1}``)."""
    names = names or {}

    def sym(n: str) -> str:
        if n in names:
            return names[n]
        return latex_name(n)

    def wrap(s: E, prec: int) -> str:
        r = go(s)
        if s.prec < prec or (isinstance(s, Num) and s.v < 0 and prec > 1):
            return rf"\left({r}\right)"
        return r

    def go(e: E) -> str:
        if isinstance(e, Num):
            t = fmt_num(e.v)
            if "/" in t:
                p, q = t.lstrip("-").split("/")
                return ("-" if t.startswith("-") else "") + rf"\frac{{{p}}}{{{q}}}"
            return t
        if isinstance(e, Sym):
            return sym(e.name)
        if isinstance(e, Fn):
            if e.name == "norm":
                return rf"\lVert {go(e.arg)} \rVert"
            if e.name == "sqrt":
                return rf"\sqrt{{{go(e.arg)}}}"
            f = _LATEX_FN.get(e.name, rf"\operatorname{{{e.name}}}")
            return rf"{f}\left({go(e.arg)}\right)"
        if isinstance(e, Add):
            e = Add(_positive_first(e.args))
            out = go(e.args[0])
            for t in e.args[1:]:
                if isinstance(t, Num) and t.v < 0:
                    out += f" - {fmt_num(-t.v)}"
                elif isinstance(t, Mul) and is_num(t.args[0]) and t.args[0].v < 0:
                    out += " - " + go(mul(Num(-t.args[0].v), *t.args[1:]))
                else:
                    out += " + " + wrap(t, 1)
            return out
        if isinstance(e, Mul):
            args = list(e.args)
            sign = ""
            if isinstance(args[0], Num) and args[0].v < 0:
                sign = "-"
                args = args[1:] if args[0].v == -1 else [Num(-args[0].v)] + args[1:]
            num_f, den_f = _split_frac(Mul(args))
            if den_f:
                top = r" \cdot ".join(wrap(f, 2) for f in num_f) or "1"
                bot = r" \cdot ".join(wrap(f, 2) for f in den_f)
                return rf"{sign}\frac{{{top}}}{{{bot}}}"
            return sign + r" \cdot ".join(wrap(f, 2) for f in args)
        if isinstance(e, Pow):
            if isinstance(e.exp, Num) and e.exp.v == 0.5:
                return rf"\sqrt{{{go(e.base)}}}"
            if isinstance(e.exp, Num) and e.exp.v < 0:
                return go(Mul([Num(1), e]))
            return f"{wrap(e.base, 4)}^{{{go(e.exp)}}}"
        raise TypeError(e)

    return go(e)


def latex_name(n: str) -> str:
    """``v12`` -> ``v_{12}``; ``x`` -> ``x``; longer names in ``\\mathrm``."""
    i = len(n)
    while i > 0 and n[i - 1].isdigit():
        i -= 1
    head, digits = n[:i], n[i:]
    esc = head.replace("_", "\\_")
    head_tex = head if len(head) <= 1 else rf"\mathrm{{{esc}}}"
    return f"{head_tex}_{{{digits}}}" if digits and head else head_tex or n


def to_sympy(e: E, symbols: dict):
    """The SymPy expression for ``e`` (raises KeyError for functions SymPy should not see)."""
    import sympy

    fns = {
        "sin": sympy.sin,
        "cos": sympy.cos,
        "tan": sympy.tan,
        "exp": sympy.exp,
        "log": sympy.log,
        "sqrt": sympy.sqrt,
        "sinh": sympy.sinh,
        "cosh": sympy.cosh,
        "tanh": sympy.tanh,
        "asin": sympy.asin,
        "acos": sympy.acos,
        "atan": sympy.atan,
        "sign": sympy.sign,
        "abs": sympy.Abs,
    }

    def go(e: E):
        if isinstance(e, Num):
            if isinstance(e.v, Fraction):
                return sympy.Rational(e.v.numerator, e.v.denominator)
            return sympy.Float(e.v, 6)
        if isinstance(e, Sym):
            if e.name not in symbols:
                symbols[e.name] = sympy.Symbol(e.name, real=True)
            return symbols[e.name]
        if isinstance(e, Fn):
            return fns[e.name](go(e.arg))
        if isinstance(e, Add):
            return sympy.Add(*[go(a) for a in e.args])
        if isinstance(e, Mul):
            return sympy.Mul(*[go(a) for a in e.args])
        if isinstance(e, Pow):
            return sympy.Pow(go(e.base), go(e.exp))
        raise KeyError(type(e).__name__)

    return go(e)
