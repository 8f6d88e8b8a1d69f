"""``why(x, y)``: why does ``x`` get no gradient (``None`` or zero) from ``y``?"""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from ..autograd.graph import AccumulateGrad
from ._catalog import catalog
from ._core import Graph, caller_tensors


class Why:
    """The answer of :func:`why`: ``print(w)`` or ``w.reasons`` (list of sentences)."""

    def __init__(self, title: str, reasons: list, code: str) -> None:
        self.title = title
        self.reasons = reasons
        self.code = code  # "ok", "nonleaf", "dtype", "requires_grad", "no_graph", "cut", "no_path"

    def __str__(self) -> str:
        return self.title + "\n" + "\n".join("  " + r for r in self.reasons) + "\n"

    __repr__ = __str__

    def _repr_markdown_(self) -> str:
        return f"**{self.title}**\n\n" + "\n".join(f"- {r}" for r in self.reasons) + "\n"


def _nodes_of(y: Tensor) -> list:
    root = y._grad_fn
    if root is None:
        return []
    seen = {root}
    order = [root]
    stack = [root]
    parent = {root: None}
    while stack:
        n = stack.pop()
        for e in getattr(n, "_edges", ()):
            if e is None or e[0] is None or e[0] in seen:
                continue
            seen.add(e[0])
            parent[e[0]] = n
            order.append(e[0])
            stack.append(e[0])
    return order, parent


def why(
    x: Tensor, y: Tensor, *, lang: str | None = None, trace: Any = None, names: dict | None = None
) -> Why:
    """Explain why ``x`` gets no gradient from ``y`` (or confirm that it does).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor(1.0, requires_grad=True)
        >>> with torch.no_grad():
        ...     y2 = x * 3
        >>> print(torch.explain.why(x, y2, lang="en").reasons[0])
        y2 has no grad_fn: it does not depend on anything that requires grad.
    """
    cat = catalog(lang)
    local = caller_tensors(2)
    nm = {id(t): n for n, t in (names or {}).items()}

    def name(t: Tensor, default: str) -> str:
        if id(t) in nm:
            return nm[id(t)]
        for n, lt in local:
            if lt is t:
                return n
        return default

    X, Y = name(x, "x"), name(y, "y")
    title = cat["why_title"].format(x=X, y=Y)
    if not x.is_floating_point() and not x.is_complex():
        return Why(title, [cat["why_int"].format(x=X, dtype=x.dtype)], "dtype")
    if y._grad_fn is None and not y.requires_grad:
        where = ""
        if trace is not None:
            rec = trace.record_of(y)
            if rec is not None and not rec.grad_enabled:
                where = cat["under_nograd"]
        reasons = [cat["why_y_const"].format(y=Y, where=where)]
        cut = _trace_cut(x, y, trace, cat, X, Y, name) if trace is not None else None
        if cut:
            reasons.append(cut)
        return Why(title, reasons, "no_graph")
    if not x.requires_grad:
        return Why(title, [cat["why_rg"].format(x=X)], "requires_grad")
    target = (
        x._grad_fn if x._grad_fn is not None else (x._accum() if x._accum is not None else None)
    )
    found = _nodes_of(y) if y._grad_fn is not None else ([], {})
    order, parent = found
    if target is not None and target in parent:
        if x._grad_fn is not None and not x.retains_grad:
            return Why(
                title, [cat["why_ok_nonleaf"].format(x=X, y=Y, node=x._grad_fn.name())], "nonleaf"
            )
        path = []
        n = target
        while n is not None:
            path.append(n.name() if not isinstance(n, AccumulateGrad) else X)
            n = parent[n]
        return Why(title, [cat["why_ok"].format(x=X, y=Y, path=" <- ".join(reversed(path)))], "ok")
    reasons = [cat["why_nopath"].format(x=X, y=Y)]
    cut = _trace_cut(x, y, trace, cat, X, Y, name) if trace is not None else None
    if cut:
        reasons.append(cut)
        return Why(title, reasons, "cut")
    # without a trace: list the constant inputs of y's graph (where a cut may have happened)
    try:
        g = Graph(y, names, local)
        g.infer_constants()
        consts = []
        for v in g.vars:
            if v.kind == "op":
                for o in v.operands:
                    if o.kind == "const":
                        consts.append(f"{o.name} in {v.name} = {v.expr_py} [{v.node.name()}]")
        if consts:
            reasons.append(cat["why_cuts"].format(y=Y, list="; ".join(consts)))
    except Exception:  # noqa: BLE001 - the basic answer stands without the list
        pass
    return Why(title, reasons, "no_path")


def _trace_cut(x, y, trace, cat, X, Y, name) -> str | None:
    """Follow the recorded op calls from x to y; report the first call that cut the graph."""
    reached = {id(x): None}  # id(tensor) -> (record that produced it, cut record or None)
    arrays = {id(x._data): x}
    for rec in trace.records:
        ins = [t for t in rec.inputs if isinstance(t, Tensor)]
        hit = None
        for t in ins:
            if id(t) in reached:
                hit = t
                break
            if id(t._data) in arrays and t._grad_fn is None and not t.requires_grad:
                # a detached copy of a reached tensor
                reached[id(t)] = ("detach", arrays[id(t._data)], rec)
                hit = t
                break
        if hit is None:
            continue
        prev = reached.get(id(hit))
        cut = prev
        if cut is None and not rec.grad_enabled:
            cut = ("nograd", hit, rec)
        for o in rec.outs:
            reached[id(o)] = cut
            arrays[id(o._data)] = o
    if id(y) not in reached or reached[id(y)] is None:
        return None
    kind, src, rec = reached[id(y)]
    line = cat["at_line"].format(file=rec.line[0], line=rec.line[1]) if rec.line else ""
    op = f"{rec.op.name} ({rec.op.node_cls.__name__})"
    if kind == "nograd":
        reason = cat["why_nograd"].format(src=name(src, "x"))
    else:
        reason = cat["why_detach"].format(src=name(src, "?"))
    return cat["why_cut"].format(x=X, y=Y, op=op, reason=reason, line=line)
