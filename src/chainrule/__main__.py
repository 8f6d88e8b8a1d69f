"""The command line: ``chainrule explain "cos(x**2)" --at x=0.5`` (also ``python -m chainrule``).

Commands: ``explain`` (the derivation), ``grad`` (value and gradient only), ``demo`` (the seed
examples). Expressions are parsed with :mod:`ast` and evaluated by a small interpreter that
knows only numbers, the ``--at`` variables, arithmetic operators and a whitelist of chainrule
functions and Tensor methods: nothing is ever passed to ``eval``.
"""

from __future__ import annotations

import argparse
import ast
import math
import operator
import sys
from typing import Any

USAGE_ERROR = 2

# chainrule functions an expression may call (those that exist in this installation)
FUNCTIONS = (
    "sin cos tan asin acos atan sinh cosh tanh exp exp2 expm1 log log2 log10 log1p sqrt rsqrt "
    "abs sigmoid relu erf erfc sign floor ceil round trunc frac reciprocal neg square pow "
    "sum mean prod max min norm dot matmul mm mv outer clamp maximum minimum atan2 where "
    "softmax log_softmax logsumexp var std trace det tensor"
).split()
METHODS = set(FUNCTIONS) | {
    "t",
    "T",
    "reshape",
    "view",
    "transpose",
    "flatten",
    "squeeze",
    "unsqueeze",
}
NAMESPACES = {"torch", "chainrule", "F"}
CONSTANTS = {"pi": math.pi, "e": math.e}
BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.MatMult: operator.matmul,
    ast.Mod: operator.mod,
}
UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


class ExprError(ValueError):
    """A bad expression or argument: printed as one line, exit code 2."""


def _function(name: str) -> Any:
    import chainrule

    if name not in FUNCTIONS or not hasattr(chainrule, name):
        raise ExprError(f"unknown function {name!r}")
    return getattr(chainrule, name)


def evaluate(expr: str, env: dict) -> Any:
    """Evaluate ``expr`` with the variables in ``env`` (whitelisted syntax only).

    Example:
        >>> import chainrule as torch
        >>> evaluate("cos(x**2)", {"x": torch.tensor(0.5)})
        tensor(0.9689)
    """
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"cannot parse {expr!r}: {exc.msg}") from None
    return _eval(tree.body, env)


def _eval(node: ast.AST, env: dict) -> Any:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return node.value
        if isinstance(node.value, bool) or node.value is None:
            return node.value
        raise ExprError(f"unsupported constant {node.value!r}")
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise ExprError(f"unknown name {node.id!r} (give its value with --at {node.id}=...)")
    if isinstance(node, ast.BinOp) and type(node.op) in BINOPS:
        return BINOPS[type(node.op)](_eval(node.left, env), _eval(node.right, env))
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY:
        return UNARY[type(node.op)](_eval(node.operand, env))
    if isinstance(node, (ast.Tuple, ast.List)):
        return tuple(_eval(e, env) for e in node.elts)
    if isinstance(node, ast.Attribute):
        # x.T (a property); torch.pi
        if (
            isinstance(node.value, ast.Name)
            and node.value.id in NAMESPACES
            and node.value.id not in env
        ):
            if node.attr in CONSTANTS:
                return CONSTANTS[node.attr]
            raise ExprError(f"unknown name {node.value.id}.{node.attr}")
        if node.attr in ("T", "mT"):
            return getattr(_eval(node.value, env), node.attr)
        raise ExprError(f"unsupported attribute .{node.attr}")
    if isinstance(node, ast.Call):
        # resolve the callee first: nothing is evaluated for a call that is not allowed
        f = node.func
        if isinstance(f, ast.Name):
            fn = _function(f.id)
        elif (
            isinstance(f, ast.Attribute)
            and isinstance(f.value, ast.Name)
            and f.value.id in NAMESPACES
            and f.value.id not in env
        ):
            fn = _function(f.attr)
        elif isinstance(f, ast.Attribute):
            if f.attr not in METHODS:
                raise ExprError(f"unknown method .{f.attr}()")
            obj = _eval(f.value, env)
            if not hasattr(obj, f.attr):
                raise ExprError(f"{type(obj).__name__} has no method .{f.attr}()")
            fn = getattr(obj, f.attr)
        else:
            raise ExprError("only named functions and methods can be called")
        args = [_eval(a, env) for a in node.args]
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise ExprError("**kwargs are not supported")
            kwargs[kw.arg] = _eval(kw.value, env)
        try:
            return fn(*args, **kwargs)
        except TypeError as exc:
            raise ExprError(str(exc)) from None
    raise ExprError(f"unsupported syntax: {type(node).__name__}")


def parse_at(items: list) -> dict:
    """``["x=0.5", "y=[1, 2]"]`` -> {"x": tensor(0.5, requires_grad=True), ...} (float32)."""
    import chainrule

    env = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ExprError(f"--at expects NAME=VALUE, got {item!r}")
        try:
            val = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            raise ExprError(f"--at {name}: cannot read the value {value.strip()!r}") from None
        if isinstance(val, tuple):
            val = list(val)
        if not isinstance(val, (int, float, list)) or isinstance(val, bool):
            raise ExprError(f"--at {name}: expected a number or a list of numbers")
        try:
            env[name] = chainrule.tensor(val, dtype=chainrule.float32, requires_grad=True)
        except (TypeError, ValueError, RuntimeError) as exc:
            raise ExprError(f"--at {name}: {exc}") from None
    return env


def _flatten(at: list | None) -> list:
    out = []
    for group in at or []:
        out.extend(group if isinstance(group, list) else [group])
    return out


def _build(args: argparse.Namespace) -> tuple:
    import chainrule

    env = parse_at(_flatten(args.at))
    try:
        y = evaluate(args.expr, env)
    except ExprError:
        raise
    except (RuntimeError, ValueError, IndexError, ZeroDivisionError) as exc:
        raise ExprError(f"{type(exc).__name__}: {exc}") from None
    if not isinstance(y, chainrule.Tensor):
        raise ExprError(f"{args.expr!r} does not depend on any --at variable")
    if not y.requires_grad:
        raise ExprError(f"{args.expr!r} does not depend on any --at variable")
    return y, env


def _gradient_for(y: Any) -> Any:
    # a non-scalar output is explained for the sum of its elements (gradient of ones)
    import chainrule

    return None if y.numel() == 1 else chainrule.ones_like(y)


def cmd_explain(args: argparse.Namespace) -> int:
    from chainrule import explain as ex
    from chainrule import viz

    y, env = _build(args)
    pic = viz.graph(y, names=env) if (args.graph or args.format == "html") else None
    d = ex.explain(
        y,
        _gradient_for(y),
        names=env,
        lang=args.lang,
        max_elements=args.max_elements,
        simplify=False if args.no_simplify else None,
    )
    if pic is not None:
        pic = viz.graph(d)
    if args.plot:
        if len(env) != 1 or env[next(iter(env))].numel() != 1:
            raise ExprError("--plot draws a function of one scalar variable (one --at NAME=number)")
        name = next(iter(env))
        plot(args.expr, name, env[name].item(), args.plot, *(args.plot_range or (None, None)))
    if args.graph:
        try:
            pic.save(args.graph)
        except viz.GraphvizMissing as exc:
            print(f"chainrule: {exc}", file=sys.stderr)
            return 1
    fmt = args.format
    if fmt == "html":
        text = d.to_html(svg=pic.svg() if pic is not None else None)
    elif fmt in ("md", "markdown"):
        text = d.to_markdown()
    elif fmt == "latex":
        text = d.to_latex(standalone=args.standalone)
    else:
        text = d.to_text()
    _emit(text, args.output)
    return 0


def plot(
    expr: str, name: str, at: float, path: str, lo: float | None = None, hi: float | None = None
) -> str:
    """Draw f and f' for a function of one scalar variable (needs matplotlib)."""
    import numpy as np

    import chainrule

    try:
        import matplotlib
    except ImportError:
        raise ExprError(
            "--plot needs matplotlib (pip install matplotlib); the explanation works without it"
        ) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lo = at - 3.0 if lo is None else lo
    hi = at + 3.0 if hi is None else hi
    xs = np.linspace(lo, hi, 201)
    fs, ds = [], []
    for v in xs:  # one small graph per point: correct for any expression of a scalar
        x = chainrule.tensor(float(v), requires_grad=True)
        y = evaluate(expr, {name: x})
        if not isinstance(y, chainrule.Tensor) or y.numel() != 1:
            raise ExprError("--plot needs an expression with one scalar value")
        (g,) = chainrule.autograd.grad(y, [x], allow_unused=True)
        fs.append(y.item())
        ds.append(0.0 if g is None else g.item())
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(xs, fs, label=f"f({name}) = {expr}")
    ax.plot(xs, ds, "--", label=f"f'({name})")
    ax.axvline(at, color="#999999", lw=0.8)
    ax.set_xlabel(name)
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def cmd_grad(args: argparse.Namespace) -> int:
    import chainrule
    from chainrule.explain._render import fmt_value

    y, env = _build(args)
    names = [n for n in env]
    grads = chainrule.autograd.grad(y, [env[n] for n in names], _gradient_for(y), allow_unused=True)
    cat = {
        "tensor": "tensor of shape {shape}: {summary}",
        "summary": "mean {mean}, min {min}, max {max}",
        "unknown": "?",
    }
    me = args.max_elements
    lines = [f"value: {fmt_value(y._data, me, cat)}"]
    for n, g in zip(names, grads):
        lines.append(
            f"d/d{n}: {fmt_value(None if g is None else g._data, me, cat) if g is not None else 'None (not used)'}"
        )
    _emit("\n".join(lines) + "\n", args.output)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from chainrule.explain import _demo

    fmt = {"markdown": "md"}.get(args.format, args.format)
    if fmt == "html":
        fmt = "text"
    _emit(_demo.demo(args.lang, args.which or None, fmt, simplify=False), args.output)
    return 0


def _emit(text: str, output: str | None) -> None:
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        try:
            sys.stdout.write(text)
        except UnicodeEncodeError:  # a terminal that cannot show ∂ or Chinese
            sys.stdout.buffer.write(text.encode("utf-8"))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chainrule",
        description="Autograd that shows its work: derivations step by step, in English or Chinese.",
    )
    sub = p.add_subparsers(dest="command", metavar="{explain,grad,demo}")

    def common(sp: argparse.ArgumentParser, expr: bool = True) -> None:
        if expr:
            sp.add_argument("expr", help='an expression, e.g. "cos(x**2)" or "(x + b).sum()"')
            sp.add_argument(
                "--at",
                nargs="+",
                action="append",
                metavar="NAME=VALUE",
                help='values of the variables: --at x=0.5 y=3, --at "x=[1, 2, 3]" (repeatable)',
            )
        sp.add_argument(
            "--lang", choices=["en", "zh"], default=None, help="language (default: locale)"
        )
        sp.add_argument(
            "--max-elements", type=int, default=8, help="print tensors up to this size in full"
        )
        sp.add_argument("-o", "--output", default=None, help="write to this file instead of stdout")

    ex = sub.add_parser("explain", help="print the derivation of an expression's gradient")
    common(ex)
    ex.add_argument("--format", choices=["text", "md", "markdown", "latex", "html"], default="text")
    ex.add_argument(
        "--graph",
        default=None,
        metavar="FILE",
        help="also draw the graph (.svg .png .pdf .dot .mmd)",
    )
    ex.add_argument("--standalone", action="store_true", help="LaTeX: a complete document")
    ex.add_argument(
        "--plot",
        default=None,
        metavar="FILE",
        help="draw f and f' (one scalar variable; needs matplotlib)",
    )
    ex.add_argument(
        "--plot-range",
        nargs=2,
        type=float,
        default=None,
        metavar=("LO", "HI"),
        help="x range for --plot (default: the point ± 3)",
    )
    ex.add_argument(
        "--no-simplify", action="store_true", help="do not simplify the formula with SymPy"
    )
    ex.set_defaults(func=cmd_explain)

    gr = sub.add_parser("grad", help="print the value and the gradient only")
    common(gr)
    gr.set_defaults(func=cmd_grad)

    de = sub.add_parser("demo", help="the seed examples with their explanations")
    common(de, expr=False)
    de.add_argument("which", nargs="*", type=int, help="example numbers (default: all)")
    de.add_argument("--format", choices=["text", "md", "markdown", "latex"], default="text")
    de.set_defaults(func=cmd_demo)
    return p


def main(argv: list | None = None) -> int:
    """Entry point of the ``chainrule`` console script."""
    p = _parser()
    args = p.parse_args(argv)
    if not getattr(args, "command", None):
        p.print_help()
        return USAGE_ERROR
    try:
        return args.func(args)
    except ExprError as exc:
        print(f"chainrule: error: {exc}", file=sys.stderr)
        return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
