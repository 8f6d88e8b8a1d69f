"""The op table is complete: every differentiable op has samples, formulas only use names both
formula namespaces provide, and (soon) every op has a forward-mode rule."""

from __future__ import annotations

import inspect
import re

from op_samples import all_samples

import chainrule
from chainrule import _backend
from chainrule.ops import _lazy
from chainrule.ops._registry import OPS

_lazy.load_all()  # the whole op table, including the modules that load on first use

NOT_IMPLEMENTED = "torch::autograd::NotImplemented"  # PyTorch records these; backward raises


def _needs_samples(op) -> bool:
    return op.differentiable and op.node_cls().name() != NOT_IMPLEMENTED


def test_every_differentiable_op_has_a_sample():
    covered = {name for s in all_samples() for name in s.covers}
    missing = sorted(name for name, op in OPS.items() if _needs_samples(op) and name not in covered)
    assert not missing, (
        f"differentiable ops without a sample in tests/op_samples/<family>.py: {missing}"
    )


def test_samples_cover_registered_ops():
    unknown = sorted({n for s in all_samples() for n in s.covers if n not in OPS})
    assert not unknown, f"samples cover names that are not registry ops: {unknown}"


def test_sample_ids_and_shapes_are_well_formed():
    for s in all_samples():
        assert s.covers and isinstance(s.covers, tuple), s
        assert s.shapes, f"{s.id(0)}: no shape cases"
        assert callable(s.fn), s


def _array_ns_names() -> list:
    return sorted(n for n in dir(_backend._ArrayNS) if not n.startswith("_"))


def test_array_ns_names_exist_in_formula_ns():
    """Each fast-path helper has a create_graph twin with the same name."""
    missing = [n for n in _array_ns_names() if not hasattr(chainrule._formula_ns, n)]
    assert not missing, f"in _backend._ArrayNS but not in chainrule._formula_ns: {missing}"


_F_NAME = re.compile(r"\bF\.([A-Za-z_]\w*)")


def _formula_sources(op) -> list:
    fns = [f for f in (op.grads or ()) if f is not None]
    if op.backward is not None:
        fns.append(op.backward)
    if callable(op.jvp):
        fns.append(op.jvp)
    srcs = []
    for f in fns:
        try:
            srcs.append(inspect.getsource(f))
        except (OSError, TypeError):
            continue
        # helpers the formula calls by name (module-level functions taking F) are scanned too
        mod = inspect.getmodule(f)
        for name in re.findall(r"\b(_\w+)\(F\b", srcs[-1]):
            helper = getattr(mod, name, None)
            if callable(helper):
                try:
                    srcs.append(inspect.getsource(helper))
                except (OSError, TypeError):
                    pass
    return srcs


def test_formulas_use_names_from_both_namespaces():
    """``F.<name>`` in any formula must exist on the fast path and under create_graph."""
    fast = set(_array_ns_names())
    bad = {}
    for name, op in OPS.items():
        used = {m for src in _formula_sources(op) for m in _F_NAME.findall(src)}
        missing = sorted(n for n in used if n not in fast or not hasattr(chainrule._formula_ns, n))
        if missing:
            bad[name] = missing
    assert not bad, f"formulas use F names missing from _ArrayNS or _formula_ns: {bad}"


def test_node_names_look_like_pytorch():
    for name, op in OPS.items():
        if not op.differentiable:
            continue
        node = op.node_cls().name()  # the class itself has the short name, as in PyTorch
        assert node.startswith("torch::autograd::") or re.fullmatch(
            r"[A-Z]\w*Backwards?\d*(_copy)?|CopySlices", node
        ), f"{name}: node name {node!r}"


# ops PyTorch records but cannot differentiate (backward raises): no forward rule either
_NO_DERIVATIVE = {"unique", "unique_dim", "unique_consecutive"}


def test_every_differentiable_op_has_a_jvp_rule():
    missing = sorted(
        name
        for name, op in OPS.items()
        if _needs_samples(op) and op.jvp is None and name not in _NO_DERIVATIVE
    )
    print("ops without a jvp rule or kind:", missing)
    assert not missing, f"differentiable ops without a jvp rule or kind: {missing}"
