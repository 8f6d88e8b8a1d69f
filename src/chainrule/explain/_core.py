"""Read a graph, record one backward pass through hooks, and keep what a learner needs to see.

Everything here reads the graph through the node API (``next_functions`` order via the node's
edges, ``name()``, hooks) and the op entries (``_op``: inputs, explain texts, backward formulas).
Forward values are rebuilt after the fact: leaves and the output are known, saved tensors give
many intermediates, the rest is recomputed with the op's own forward on NumPy arrays.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from .. import _backend as B
from .._tensor import Tensor
from ..autograd.graph import AccumulateGrad, creation_order
from . import _rules as R
from . import _sym as S

_OWN_DIR = __file__.rsplit("/", 2)[0]


class Var:
    """One named value of the forward pass: a leaf, an op's output, a constant or a number."""

    __slots__ = (
        "name",
        "kind",
        "value",
        "node",
        "nr",
        "op",
        "operands",
        "params",
        "tree",
        "tensor",
        "reason",
        "src",
        "expr_py",
        "expr_tree",
    )

    def __init__(self, kind: str, name: str = "", value: Any = None) -> None:
        self.kind = kind  # "leaf" | "op" | "const" | "scalar"
        self.name = name
        self.value = value
        self.node = None
        self.nr = 0
        self.op = None
        self.operands: list = []
        self.params: dict = {}
        self.tree = None  # this value as a tree of its operands' names (for printing)
        self.tensor = None
        self.reason = None  # for constants: ("nograd", src) | ("detach", src) | ("plain",) ...
        self.src = None
        self.expr_py = ""
        self.expr_tree = None  # this value in terms of leaves (for the composed formula)

    def label(self) -> str:
        if self.kind == "scalar":
            return S.fmt_num(_as_float(self.value)) if self.value is not None else "?"
        return self.name

    def sym(self) -> S.E:
        if self.kind == "scalar" and self.value is not None:
            return S.Num(_as_float(self.value))
        return S.Sym(self.name)

    def __repr__(self) -> str:
        return f"<Var {self.kind} {self.name}>"


def _as_float(v: Any) -> float:
    a = np.asarray(v)
    return float(a.reshape(-1)[0]) if a.size else float("nan")


def _arr(v: Any) -> Any:
    if isinstance(v, Tensor):
        return v._data
    return v


# ---------------------------------------------------------------- names from the caller
def caller_tensors(depth: int) -> list:
    """(name, tensor) pairs visible in the first frame outside chainrule, locals first."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return []
    while f is not None and f.f_code.co_filename.startswith(_OWN_DIR):
        f = f.f_back
    if f is None:
        return []
    out = []
    seen = set()
    for scope in (f.f_locals, f.f_globals if f.f_globals is not f.f_locals else {}):
        for k, v in list(scope.items()):
            if k.startswith("_"):
                continue
            if isinstance(v, Tensor) and id(v) not in seen:
                seen.add(id(v))
                out.append((k, v))
            elif callable(getattr(v, "named_parameters", None)) and not isinstance(v, type):
                # an nn.Module: its parameters as "model.fc.weight"
                try:
                    params = list(v.named_parameters())
                except Exception:  # noqa: BLE001 - not a Module after all
                    continue
                for pn, p in params:
                    if isinstance(p, Tensor) and id(p) not in seen:
                        seen.add(id(p))
                        out.append((f"{k}.{pn}", p))
    return out


# ---------------------------------------------------------------- the graph
class Graph:
    """The forward pass of ``y`` reconstructed from its backward graph."""

    def __init__(self, y: Tensor, names: dict | None, local: list, trace: Any = None) -> None:
        self.y = y
        self.vars: list = []  # forward order: leaves, constants, op outputs
        self.by_key: dict = {}  # (node, nr) -> Var ; AccumulateGrad -> leaf Var
        self.nodes: list = []  # op nodes in forward order
        self.accs: list = []
        self.trace = trace
        self._names_taken: set = set()
        self._counters: dict = {}  # next number to try for x1, v1, c1 ...
        self._explicit = {}
        for n, t in (names or {}).items():
            self._explicit[id(t)] = n
        # explicit names first: they win over the caller's variable names
        self._local = [(n, t) for n, t in (names or {}).items() if isinstance(t, Tensor)] + list(
            local
        )
        self._reserved = {n for n, _ in self._local}  # automatic names avoid the user's names
        self._build()

    # names: explicit names, then the caller's variable names, then x1/v1/c1
    def _name_for(self, t: Tensor | None, key: Any = None) -> str | None:
        cands = []
        if t is not None and id(t) in self._explicit:
            cands.append(self._explicit[id(t)])
        for n, lt in self._local:
            if t is not None and lt is t:
                cands.append(n)
            elif (
                key is not None and lt._grad_fn is not None and (lt._grad_fn, lt._output_nr) == key
            ):
                cands.append(n)
        for n in (names_ for names_ in cands):
            if n not in self._names_taken:
                self._names_taken.add(n)
                return n
        return None

    def _free(self, name: str) -> bool:
        return name not in self._names_taken and name not in self._reserved

    def _fresh(self, prefix: str) -> str:
        i = self._counters.get(prefix, 1)
        while not self._free(f"{prefix}{i}"):
            i += 1
        self._counters[prefix] = i + 1
        name = f"{prefix}{i}"
        self._names_taken.add(name)
        return name

    def _build(self) -> None:
        y = self.y
        root = y._grad_fn
        if root is None:
            acc = y._accumulate_node()
            self.root_key = (acc, 0)
            seen = [acc]
        else:
            self.root_key = (root, y._output_nr)
            seen = []
            mark = {root}
            stack = [root]
            while stack:
                n = stack.pop()
                seen.append(n)
                for e in getattr(n, "_edges", ()):
                    if e is None or e[0] is None or e[0] in mark:
                        continue
                    mark.add(e[0])
                    stack.append(e[0])
        self.accs = sorted((n for n in seen if isinstance(n, AccumulateGrad)), key=creation_order)
        self.nodes = sorted(
            (n for n in seen if not isinstance(n, AccumulateGrad)), key=lambda n: n._seq
        )
        # reserve the caller's names for the tensors they denote
        leaves = []
        for acc in self.accs:
            t = acc.variable
            v = Var("leaf", value=t._data)
            v.node = acc
            v.tensor = t
            v.name = self._name_for(t) or ""
            self.by_key[(acc, 0)] = v
            leaves.append(v)
        unnamed = [v for v in leaves if not v.name]
        for v in unnamed:
            if len(leaves) == 1 and self._free("x"):
                v.name = "x"
                self._names_taken.add("x")
            else:
                v.name = self._fresh("x")
        self.vars.extend(leaves)
        if root is None:
            return
        # op outputs: name those the caller named first so v1, v2 ... stay in order
        outs = []
        used: dict = {}  # node -> output numbers that some other node consumes
        for other in self.nodes:
            for e in getattr(other, "_edges", ()):
                if e is not None and e[0] is not None:
                    used.setdefault(e[0], set()).add(e[1])
        for node in self.nodes:
            nrs = {0} | used.get(node, set())
            if node is root:
                nrs.add(y._output_nr)
            for nr in sorted(nrs):
                v = Var("op")
                v.node, v.nr, v.op = node, nr, getattr(node, "_op", None)
                key = (node, nr)
                t = y if key == self.root_key else None
                v.name = self._name_for(t, key) or ""
                self.by_key[key] = v
                outs.append(v)
        rootvar = self.by_key[self.root_key]
        if not rootvar.name:
            for cand in ("y", "out", "f", "L"):
                if self._free(cand):
                    rootvar.name = cand
                    self._names_taken.add(cand)
                    break
            else:
                rootvar.name = self._fresh("y")
        for v in outs:
            if not v.name:
                v.name = self._fresh("v")
        rootvar.value = y._data
        # operands
        for node in self.nodes:
            op = getattr(node, "_op", None)
            pnames = R.param_names(op) if op is not None else []
            params = dict(zip(pnames, getattr(node, "_params", ()) or ()))
            edges = getattr(node, "_edges", ())
            saved_in = self._saved_inputs(node)
            operands = []
            rec = self.trace.record_for(node) if self.trace is not None else None
            for i, e in enumerate(edges):
                if e is None:
                    val = saved_in.get(i)
                    if val is None and rec is not None and i < len(rec.inputs):
                        val = rec.inputs[i]
                    operands.append(Var("scalar", value=_arr(val) if val is not None else None))
                elif e[0] is None:
                    t = saved_in.get(i)
                    if not isinstance(t, Tensor) and rec is not None and i < len(rec.inputs):
                        t = rec.inputs[i]
                    c = Var("const", value=t._data if isinstance(t, Tensor) else None)
                    c.tensor = t if isinstance(t, Tensor) else None
                    c.name = self._name_for(c.tensor) or self._fresh("c")
                    self._const_reason(c)
                    self.vars.append(c)
                    operands.append(c)
                else:
                    operands.append(self.by_key[(e[0], e[1])])
            for nr in range(getattr(op, "n_outputs", 1) or 1):
                v = self.by_key.get((node, nr))
                if v is not None:
                    v.operands = operands
                    v.params = params
            # saved inputs give their values
            for i, val in saved_in.items():
                if i < len(operands) and operands[i].value is None and val is not None:
                    operands[i].value = _arr(val)
            for (kind, k), val in zip(op.plan if op else (), node._saved or ()):
                if (
                    kind == "out"
                    and (node, k) in self.by_key
                    and self.by_key[(node, k)].value is None
                ):
                    self.by_key[(node, k)].value = val
        for v in outs:
            self._fill_value(v)
            self._exprs(v)
        self.vars.extend(outs)

    def _saved_inputs(self, node: Any) -> dict:
        op = getattr(node, "_op", None)
        saved = getattr(node, "_saved", None)
        if op is None or not saved:
            return {}
        return {i: val for (kind, i), val in zip(op.plan, saved) if kind == "in"}

    def _const_reason(self, c: Var) -> None:
        t = c.tensor
        if t is None:
            c.reason = ("unknown",)
            return
        # a detached tensor shares its array with the tensor it came from
        for n, lt in self._local:
            if lt is not t and lt._grad_fn is not None and lt._data is t._data:
                c.reason = ("detach", n)
                return
        if self.trace is not None:
            src = self.trace.detached_from(t)
            if src is not None:
                c.reason = ("detach", self._label_tensor(src))
                return
            rec = self.trace.record_of(t)
            if rec is not None and not rec.grad_enabled:
                srcs = [self._label_tensor(s) for s in rec.inputs if isinstance(s, Tensor)]
                c.reason = ("nograd", ", ".join(srcs) or "?", rec.line)
                return
            if rec is None:
                c.reason = ("plain",)
                return
        c.reason = ("unknown",)

    def _label_tensor(self, t: Tensor) -> str:
        for v in self.vars:
            if v.tensor is t:
                return v.name
        for n, lt in self._local:
            if lt is t:
                return n
        if t._grad_fn is not None:
            v = self.by_key.get((t._grad_fn, t._output_nr))
            if v is not None:
                return v.name
        return "?"

    def _fill_value(self, v: Var) -> None:
        if v.value is not None or v.op is None:
            return
        ops = v.operands
        op = v.op
        vals = [o.value for o in ops]
        if all(x is not None for x in vals):
            try:
                out = op.forward(*vals, *v.params.values())
                v.value = np.asarray(out[v.nr] if op.n_outputs > 1 else out)
            except Exception:  # noqa: BLE001 - best effort: the value stays unknown
                pass
            return

    def infer_constants(self) -> None:
        """Recover numbers lost after the fact (``x + 2`` does not save its 2) from known values."""
        for v in self.vars:
            if v.kind != "op" or v.op is None or v.op.name not in ("add", "sub", "rsub"):
                continue
            if len(v.operands) != 2 or v.value is None:
                continue
            a, b = v.operands
            alpha = v.params.get("alpha", 1) or 1
            if b.value is None and a.value is not None:
                out = np.asarray(v.value, dtype=np.float64)
                av = np.asarray(a.value, dtype=np.float64)
                bv = {
                    "add": (out - av) / alpha,
                    "sub": (av - out) / alpha,
                    "rsub": out + alpha * av,
                }[v.op.name]
                if b.kind == "scalar":
                    flat = np.asarray(bv).reshape(-1)
                    guess = float(np.round(flat.mean(), 4)) if flat.size else 0.0
                    if flat.size and np.allclose(flat, guess, rtol=1e-3, atol=1e-4):
                        b.value = guess
                else:
                    b.value = bv

    def _exprs(self, v: Var) -> None:
        op = v.op
        ops = v.operands
        if op is None:
            v.expr_py = f"{v.node.name()}(...)"
            return
        f = R.FORWARD_RAW.get(op.name) or R.FORWARD.get(op.name)
        if f is not None:
            try:
                v.tree = f([o.sym() for o in ops], v.params, _ctx(v))
                v.expr_py = S.text(v.tree, "py")
            except Exception:  # noqa: BLE001
                v.tree = None
        if v.tree is None and (op.name.startswith("matmul") or op.name in ("mm", "mv", "bmm")):
            if len(ops) == 2:
                v.expr_py = f"{ops[0].label()} @ {ops[1].label()}"
                return
        if v.tree is None:
            args = [o.label() for o in ops]
            for k, p in v.params.items():
                if p is None or k in ("dtype",) or (k == "alpha" and p == 1):
                    continue
                args.append(f"{k}={_fmt_param(p)}")
            v.expr_py = f"{R.PY_NAMES.get(op.name, op.name)}({', '.join(args)})"

    def exprs_in_leaves(self) -> None:
        """Each value as a tree in the leaves' names (constants stay named)."""
        for v in self.vars:
            if v.kind in ("leaf", "const"):
                v.expr_tree = S.Sym(v.name)
            elif v.kind == "op":
                f = R.FORWARD.get(v.op.name) if v.op is not None else None
                args = []
                for o in v.operands:
                    if o.kind == "scalar":
                        args.append(o.sym() if o.value is not None else None)
                    else:
                        args.append(o.expr_tree)
                if f is None or any(a is None for a in args):
                    v.expr_tree = None
                else:
                    try:
                        v.expr_tree = f(args, v.params, _ctx(v))
                    except Exception:  # noqa: BLE001
                        v.expr_tree = None

    def get(self, node: Any, nr: int = 0) -> Var | None:
        return self.by_key.get((node, nr))


def _fmt_param(p: Any) -> str:
    if isinstance(p, float):
        return S.fmt_num(p)
    if isinstance(p, tuple) and len(p) == 1:
        return str(p[0])
    return repr(p)


def _ctx(v: Var) -> dict:
    shape = None
    if v.operands and v.operands[0].value is not None:
        shape = np.shape(v.operands[0].value)
    dims = v.params.get("dims")
    return {"shape": shape, "dims": dims}


# ---------------------------------------------------------------- local derivatives
def local_text(v: Var, i: int, lang: str = "en") -> str:
    """The local derivative of ``v`` w.r.t. its ``i``-th input as text, operands by name."""
    op = v.op
    if op is None or i >= len(op.inputs):
        return ""
    inp = op.inputs[i]
    txt = (op.explain or {}).get(inp) or R.TEXT_FALLBACK.get(op.name, {}).get(inp)
    if op.name in R.PREFER_TREE:
        txt = None
    if txt and lang == "zh":
        from ._catalog import RULES_ZH

        txt = RULES_ZH.get(txt, txt)
    if txt:
        subs = {"u": _paren(v.operands[i].label()), "y": v.name}
        for k, o in zip(op.inputs, v.operands):
            subs[k] = _paren(o.label())
        for k, p in v.params.items():
            subs.setdefault(k, _paren(_fmt_param(p)) if p is not None else k)
        try:
            return txt.format(**subs)
        except (KeyError, IndexError, ValueError):
            return txt
    tree = local_tree(v, i)
    return S.text(tree) if tree is not None else ""


def _paren(s: str) -> str:
    return f"({s})" if s.startswith("-") else s


def local_tree(v: Var, i: int, leaves: bool = False) -> S.E | None:
    op = v.op
    if op is None:
        return None
    rule = R.LOCAL.get(op.name, {}).get(op.inputs[i] if i < len(op.inputs) else "")
    if rule is None:
        return None
    if leaves:
        args = [o.expr_tree if o.kind != "scalar" else o.sym() for o in v.operands]
        if any(a is None for a in args):
            return None
        y = v.expr_tree
    else:
        args = [o.sym() for o in v.operands]
        y = S.Sym(v.name)
    try:
        return rule(args, v.params, y, _ctx(v))
    except Exception:  # noqa: BLE001
        return None


def local_values(node: Any, out_shape: tuple, out_dtype: Any) -> list | None:
    """The local derivative of each input as numbers: the op's backward formula fed with ones.

    Only meaningful for elementwise ops and sum/mean (diagonal or constant Jacobians).
    """
    op = getattr(node, "_op", None)
    if op is None or op.name not in R.ELEMENTWISE | R.REDUCTIONS or op.n_outputs != 1:
        return None
    saved = getattr(node, "_saved", None)
    if saved is None:
        return None
    vals = [_arr(s) for s in saved]
    ones = np.ones(out_shape, dtype=out_dtype if np.dtype(out_dtype).kind in "fc" else np.float64)
    meta = getattr(node, "_meta", ())
    res = []
    try:
        if op.grads is not None:
            for i, f in enumerate(op.grads):
                if f is None or i >= len(meta) or meta[i] is None:
                    res.append(None)
                else:
                    r = f(B.array_ns, ones, *vals, *node._params)
                    res.append(np.asarray(r))
        else:
            needs = [m is not None for m in meta]
            res = [
                None if r is None else np.asarray(r)
                for r in op.backward(B.array_ns, ones, needs, *vals, *node._params)
            ]
    except Exception:  # noqa: BLE001 - a formula that cannot take ones: show no local number
        return None
    return res


def reduced_dims(big: tuple, small: tuple) -> tuple:
    """The dims ``sum_to`` sums when a gradient of shape ``big`` goes back to shape ``small``."""
    lead = len(big) - len(small)
    return tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(small) if s == 1 and big[i + lead] != 1
    )


def sum_to(g: np.ndarray, shape: tuple) -> np.ndarray:
    axes = reduced_dims(g.shape, shape)
    if axes:
        g = np.sum(g, axis=axes, keepdims=True)
    return np.reshape(g, shape)
