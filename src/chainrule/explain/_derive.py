"""Run one backward pass with hooks on every node and turn what they saw into a Derivation."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import Tensor
from ..autograd.graph import AccumulateGrad
from . import _rules as R
from . import _sym as S
from ._core import Graph, Var, local_text, local_tree, local_values, reduced_dims, sum_to


class Edge:
    """What one node sent to one of its inputs."""

    __slots__ = (
        "i",
        "operand",
        "local_txt",
        "local_txt_zh",
        "local_tex",
        "local_val",
        "raw",
        "final",
        "dims",
        "via",
    )

    def __init__(self, i: int, operand: Var) -> None:
        self.i = i
        self.operand = operand
        self.local_txt = ""
        self.local_txt_zh = ""
        self.local_tex = None
        self.local_val = None
        self.raw = None
        self.final = None
        self.dims = ()
        self.via = False  # the operand receives several contributions


class Step:
    """One node run by the engine: an op (``kind="op"``) or a leaf's accumulation (``"leaf"``)."""

    __slots__ = ("kind", "var", "incoming", "contribs", "edges", "elementwise", "old", "new", "k")

    def __init__(self, kind: str, var: Var) -> None:
        self.kind = kind
        self.var = var
        self.incoming = None
        self.contribs: list = []
        self.edges: list = []
        self.elementwise = False
        self.old = None
        self.new = None
        self.k = 0


def _copy(g: Any) -> Any:
    if g is None:
        return None
    if isinstance(g, Tensor):
        g = g._data
    return np.array(g, copy=True)


def run(
    graph: Graph,
    y: Tensor,
    gradient: Any,
    inputs: Any,
    retain_graph: bool | None,
    create_graph: bool,
) -> tuple:
    """Backpropagate from ``y`` with recording hooks; returns (steps, results)."""
    from .. import autograd

    events: list = []
    handles = []

    def pre(node):
        def hook(grad_outputs):
            events.append(("pre", node, [_copy(g) for g in grad_outputs]))

        return hook

    def post(node):
        def hook(grad_inputs, grad_outputs):
            g0 = grad_outputs[0] if grad_outputs else None
            locs = None
            if g0 is not None:
                arr = g0._data if isinstance(g0, Tensor) else np.asarray(g0)
                locs = local_values(node, arr.shape, arr.dtype)
            events.append(("post", node, [_copy(g) for g in grad_inputs], locs))

        return hook

    old_grads = {}
    for acc in graph.accs:
        t = acc.variable
        old_grads[acc] = _copy(t._grad) if t._grad is not None else None
    try:
        for node in graph.nodes:
            handles.append(node.register_prehook(pre(node)))
            handles.append(node.register_hook(post(node)))
        for acc in graph.accs:
            handles.append(acc.register_prehook(pre(acc)))
        if inputs is None:
            autograd.backward(y, gradient, retain_graph=retain_graph, create_graph=create_graph)
            results = None
        else:
            results = autograd.grad(
                y,
                inputs,
                gradient,
                retain_graph=retain_graph,
                create_graph=create_graph,
                allow_unused=True,
            )
    finally:
        for h in handles:
            h.remove()
    return _steps(graph, events, old_grads), results


def _steps(graph: Graph, events: list, old_grads: dict) -> list:
    incoming: dict = {}
    contribs: dict = {}
    # which (node, nr) receive more than one contribution: decided from the graph's edges
    uses: dict = {}
    for node in graph.nodes:
        for e in getattr(node, "_edges", ()):
            if e is not None and e[0] is not None:
                uses[(e[0], e[1])] = uses.get((e[0], e[1]), 0) + 1
    steps = []
    for ev in events:
        kind, node = ev[0], ev[1]
        if kind == "pre":
            incoming[node] = ev[2]
            if isinstance(node, AccumulateGrad):
                g = ev[2][0] if ev[2] else None
                var = graph.by_key.get((node, 0))
                if g is None or var is None:
                    continue
                st = Step("leaf", var)
                st.incoming = g
                st.contribs = contribs.get((node, 0), [])
                st.old = old_grads.get(node)
                st.new = g if st.old is None else st.old + g
                steps.append(st)
            continue
        # post: an op node ran
        gs = incoming.get(node) or [None]
        var = graph.by_key.get((node, 0))
        if var is None:
            for k in graph.by_key:
                if k[0] is node:
                    var = graph.by_key[k]
                    break
        if var is None:
            continue
        st = Step("op", var)
        st.incoming = gs[var.nr] if var.nr < len(gs) else None
        st.contribs = contribs.get((node, var.nr), [])
        op = var.op
        st.elementwise = op is not None and op.name in R.ELEMENTWISE | R.REDUCTIONS
        raws, locs = ev[2], ev[3]
        meta = getattr(node, "_meta", ())
        edges = getattr(node, "_edges", ())
        for i, operand in enumerate(var.operands):
            if operand.kind == "scalar":
                continue
            ed = Edge(i, operand)
            if (
                operand.kind == "const"
                or i >= len(edges)
                or edges[i] is None
                or edges[i][0] is None
            ):
                st.edges.append(ed)
                continue
            ed.local_txt = local_text(var, i)
            ed.local_txt_zh = local_text(var, i, "zh")
            tree = local_tree(var, i)
            ed.local_tex = S.latex(tree) if tree is not None else None
            if locs is not None and i < len(locs) and locs[i] is not None:
                ed.local_val = locs[i]
            raw = raws[i] if i < len(raws) else None
            ed.raw = raw
            if raw is not None and i < len(meta) and meta[i] is not None:
                shape = tuple(meta[i][0])
                ed.dims = reduced_dims(raw.shape, shape) if raw.shape != shape else ()
                ed.final = sum_to(raw, shape) if raw.shape != shape else raw
            else:
                ed.final = raw
            key = (edges[i][0], edges[i][1])
            ed.via = uses.get(key, 0) > 1
            if (
                ed.via
                and sum(1 for e in edges if e is not None and e[0] is key[0] and e[1] == key[1]) > 1
            ):
                ed.via = op.inputs[i] if op is not None and i < len(op.inputs) else True
            if ed.final is not None:
                contribs.setdefault(key, []).append((var, ed.final))
            st.edges.append(ed)
        steps.append(st)
    for k, st in enumerate(steps, 1):
        st.k = k
    return steps


# ---------------------------------------------------------------- the composed formula
MAX_FORMULA_NODES = 16


def formulas(graph: Graph, simplify: bool | None) -> dict:
    """{leaf name: (tree, sympy text or None)} for small graphs whose ops all have tree rules."""
    if not graph.nodes or len(graph.nodes) > MAX_FORMULA_NODES:
        return {}
    graph.exprs_in_leaves()
    root = graph.by_key.get(graph.root_key)
    if root is None or root.expr_tree is None:
        return {}
    out = {}
    for leaf in (v for v in graph.vars if v.kind == "leaf"):
        d: dict = {}
        ok = True
        for v in graph.vars:
            if v.kind == "leaf":
                d[id(v)] = S.Num(1 if v is leaf else 0)
            elif v.kind == "const":
                d[id(v)] = S.Num(0)
            elif v.kind == "op":
                terms = []
                for i, o in enumerate(v.operands):
                    if o.kind == "scalar":
                        continue
                    dop = d.get(id(o))
                    if dop is None:
                        ok = False
                        break
                    if S.is_num(dop, 0.0):
                        continue
                    lt = local_tree(v, i, leaves=True)
                    if lt is None:
                        ok = False
                        break
                    terms.append(S.mul(lt, dop))
                if not ok:
                    break
                d[id(v)] = S.add(*terms) if terms else S.Num(0)
        if not ok or id(root) not in d:
            continue
        tree = d[id(root)]
        out[leaf.name] = (tree, _sympy_text(tree) if simplify is not False else None)
    return out


def _sympy_text(tree: S.E) -> str | None:
    try:
        import sympy
    except ImportError:
        return None
    try:
        expr = S.to_sympy(tree, {})
        simp = sympy.simplify(expr)
    except Exception:  # noqa: BLE001 - reductions (sum, norm) and anything SymPy rejects
        return None
    return str(simp)
