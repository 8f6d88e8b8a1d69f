"""The op table: one ``defop`` entry per differentiable primitive.

Entry format (every field of ``defop``):

``name``        the op's name (also the default public function name).
``forward``     ``forward(*arrays, *params) -> array`` (or a tuple of arrays for several outputs),
                on backend (NumPy) arrays. Python scalars among the inputs arrive unchanged.
``inputs``      names of the tensor inputs, in order (``("self", "other")``); the public
                function passes the remaining arguments as ``params``.
``saves``       what backward needs, in order: input names, ``"result"`` (``"result1"`` ... for
                further outputs) and ``"<input>.shape"``. Nothing else is kept alive.
``grads``       one formula per input, ``formula(F, grad, *saved, *params)``, or ``None`` for an
                input that is not differentiable. ``F`` is a namespace of ops: NumPy array
                functions on the fast path, chainrule's own differentiable ops when
                ``create_graph=True`` -- so one formula serves first and higher derivatives.
                ``grad`` is the gradient of the output (a tuple for multi-output ops).
                Formulas never unbroadcast, accumulate or check requires_grad: the engine does.
``backward``    alternative to ``grads``: ``backward(F, grad, needs, *saved, *params)`` returning
                one gradient (or None) per input, for ops whose input gradients share work.
``node``        the backward node's class name, as PyTorch names it (``"MulBackward0"``).
``promote``     dtype rule: ``"same"`` (PyTorch promotion of the inputs), ``"float"`` (same, then
                integers become the default float dtype), ``"bool"`` (promote the inputs, output
                bool), ``"keep"`` (no promotion: the op takes the arrays as they are).
``outputs``     number of outputs; ``nondiff_outputs`` of those, counted from the end, never
                carry gradients (e.g. the indices of ``max(dim)``).
``differentiable``  False for ops whose outputs never require grad (comparisons, argmax).
``jvp``         forward-mode rule ``jvp(F, tangents, *saved, *params)`` or a kind: ``"linear"``
                (the op applied to the tangents), ``"elementwise"`` (derived from ``grads``).
``explain``     the local derivative for the explain feature: {input name: text}, with ``{u}``
                for that input and ``{y}`` for the result, e.g. ``{"self": "cos({u})"}``.
``scalar_edges`` False when PyTorch's overload takes the number as a Scalar (no graph edge),
                so ``next_functions`` lists only tensor inputs (e.g. ``2 - x``).
``uses``        optional {input name: saved names its formula reads}; a saved value is then kept
                only when an input that needs it requires grad (``x * 10`` does not keep x, so
                modifying x in place afterwards is fine, as in PyTorch).
``ufunc``       optional NumPy ufunc equal to the forward when the params are trivial (alpha 1);
                in-place forms (``p -= lr * g``) then write straight into the tensor's memory.
``scalar_fast``  True when forward and formulas also accept NumPy scalars: 0-d tensors are then
                computed on NumPy scalars (ten times cheaper than 0-d arrays), the path of
                scalar-heavy code such as the seeds' examples.
``donate``      True when every formula reads its ``grad`` once, only as an operand of ``+ - * /``
                or unary ``-`` (``g * r``, ``-g * a / (b * b)``), never passing it to a function:
                the engine may then hand it a large gradient buffer it owns, and that
                arithmetic writes into the buffer instead of allocating (see ``engine.py``).
``donate_saved``  True when each saved array is read by one formula only, in one NumPy call
                (``g * r``, ``F.cos(x)``, ``r * r``), every later step using that call's result:
                the engine may then lend a large saved array that nothing else holds any more
                (the graph is being freed and the forward value was dropped) and the formula
                computes in its memory, as NumPy code written with ``out=`` would (``engine.py``).
``domain``      test-input hint: ``"positive"``, ``"unit"`` (-1..1), ``"nonzero"`` or None.

``register_op`` creates the node class. Public functions are written next to their entries and
call ``_dispatch.apply``; ``expose`` installs them as chainrule functions and Tensor methods.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ._dispatch import OpNode, fast_apply, saved_attributes

__all__ = ["Op", "defop", "OPS", "expose", "PUBLIC", "METHODS"]

OPS: dict[str, Op] = {}
PUBLIC: dict[str, Callable] = {}  # chainrule.<name>
METHODS: dict[str, Callable] = {}  # Tensor.<name>


class Op:
    __slots__ = (
        "name",
        "forward",
        "inputs",
        "saves",
        "plan",
        "grads",
        "backward",
        "node_name",
        "_node_cls",
        "promote",
        "n_outputs",
        "nondiff_outputs",
        "differentiable",
        "jvp",
        "explain",
        "domain",
        "scalar_edges",
        "uses",
        "save_plans",
        "ufunc",
        "scalar_fast",
        "donate",
        "donate_saved",
    )

    def __repr__(self) -> str:
        return f"<op {self.name} -> {self.node_name}>"

    @property
    def node_cls(self) -> type:
        """The node class, created on first use (keeps ``import chainrule`` fast)."""
        cls = self._node_cls
        if cls is None:
            ns = {"__slots__": (), "_op": self, "_scalar_edges": self.scalar_edges}
            ns.update(saved_attributes(self, param_names(self)))
            specialized = fast_apply(self)
            if specialized is not None:
                ns["_apply"] = specialized
            full = self.node_name
            if "::" in full:  # torch::autograd::CopyBackwards: that name(), a short class name
                ns["name"] = lambda node: full
            cls = self._node_cls = type(full.rsplit("::", 1)[-1], (OpNode,), ns)
        return cls


_SIG_CACHE: dict = {}


def param_names(op: Op) -> list:
    """Names of an op's non-tensor parameters, read from its forward's signature."""
    names = _SIG_CACHE.get(op.name)
    if names is None:
        try:
            ps = list(inspect.signature(op.forward).parameters)
            names = ps[len(op.inputs) :]
        except (TypeError, ValueError):
            names = []
        if op.name == "pow_rscalar":  # forward(exponent, base): the base is the parameter
            names = ["base"]
        _SIG_CACHE[op.name] = names
    return names


def _plan(inputs: tuple, saves: tuple) -> tuple:
    plan = []
    for tok in saves:
        if tok in inputs:
            plan.append(("in", inputs.index(tok)))
        elif tok == "result":
            plan.append(("out", 0))
        elif tok.startswith("result") and tok[6:].isdigit():
            plan.append(("out", int(tok[6:])))
        elif tok.endswith(".shape") and tok[:-6] in inputs:
            plan.append(("shape", inputs.index(tok[:-6])))
        else:
            raise ValueError(f"unknown saved value {tok!r}")
    return tuple(plan)


def defop(
    name: str,
    forward: Callable,
    *,
    inputs: tuple = ("self",),
    saves: tuple = (),
    grads: tuple | None = None,
    backward: Callable | None = None,
    node: str | None = None,
    promote: str = "same",
    outputs: int = 1,
    nondiff_outputs: int = 0,
    differentiable: bool = True,
    jvp: Any = "elementwise",
    explain: dict | None = None,
    domain: str | None = None,
    scalar_edges: bool = True,
    uses: dict | None = None,
    ufunc=None,
    scalar_fast: bool = False,
    donate: bool = False,
) -> Op:
    """Register one primitive op (see the module docstring for the entry format)."""
    if name in OPS:
        raise ValueError(f"op {name!r} registered twice")
    op = Op()
    op.name = name
    op.forward = forward
    op.inputs = tuple(inputs)
    op.saves = tuple(saves)
    op.plan = _plan(op.inputs, op.saves)
    if differentiable and grads is None and backward is None:
        raise ValueError(f"op {name!r}: give grads or backward (or differentiable=False)")
    if grads is not None and len(grads) != len(op.inputs):
        raise ValueError(f"op {name!r}: one formula per input needed")
    op.grads = tuple(grads) if grads is not None else None
    op.backward = backward
    node_name = node or "".join(p.capitalize() for p in name.split("_")) + "Backward0"
    op.node_name = node_name
    op._node_cls = None
    op.promote = promote
    op.n_outputs = outputs
    op.nondiff_outputs = nondiff_outputs
    op.differentiable = differentiable
    op.jvp = jvp if differentiable else None
    op.explain = explain or {}
    op.domain = domain
    op.scalar_edges = scalar_edges
    op.ufunc = ufunc
    op.scalar_fast = scalar_fast
    op.donate = donate
    op.donate_saved = False
    # for each set of inputs requiring grad (a bit mask): the ``(k, kind, i)`` entries of the
    # plan that their formulas read (all of them without ``uses``)
    op.uses = uses is not None
    everything = tuple((k, kind, i) for k, (kind, i) in enumerate(op.plan))
    if uses is None:
        op.save_plans = (everything,)
    else:
        per_input = [frozenset(op.saves.index(n) for n in uses.get(name, ())) for name in op.inputs]
        op.save_plans = tuple(
            tuple(
                e
                for e in everything
                if any(e[0] in p for i, p in enumerate(per_input) if mask >> i & 1)
            )
            for mask in range(1 << len(op.inputs))
        )
    OPS[name] = op
    return op


def expose(fn: Callable, *names: str, method: bool | str | tuple = True) -> Callable:
    """Install ``fn`` as ``chainrule.<name>`` for each name, and as Tensor method(s).

    ``method=True`` uses the names; a string or tuple gives other method names; False none.
    """
    names = names or (fn.__name__,)
    inner = fn
    while hasattr(inner, "__wrapped__"):
        inner = inner.__wrapped__
    code = getattr(inner, "__code__", None)
    handles = getattr(fn, "_handles_out", False)  # hot functions write out= themselves
    if (
        not handles
        and code is not None
        and "out" in code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    ):
        public_fn = _with_out(fn)
    else:
        public_fn = fn
    for n in names:
        PUBLIC[n] = public_fn
    if method:
        mnames = names if method is True else ((method,) if isinstance(method, str) else method)
        for m in mnames:
            METHODS[m] = fn
    return fn


def _with_out(fn: Callable) -> Callable:
    """``torch.<fn>(..., out=t)``: compute, then write the result into ``t`` (PyTorch's rules)."""
    from functools import wraps

    from ._dispatch import write_out

    @wraps(fn)
    def wrapper(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        return write_out(fn.__name__, fn(*args, **kwargs), out, args)

    return wrapper


def public(*names: str, method: bool | str | tuple = True) -> Callable:
    """Decorator form of ``expose``."""

    def deco(fn: Callable) -> Callable:
        return expose(fn, *(names or (fn.__name__,)), method=method)

    return deco
