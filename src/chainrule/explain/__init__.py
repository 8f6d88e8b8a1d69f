"""Show the work: the backward pass step by step, with the numbers, in English or Chinese.

``chainrule.explain(y)`` runs ``y``'s backward pass (``.grad`` is filled as by ``y.backward()``)
with recording hooks on every node and returns a :class:`Derivation`: the forward pass as named
intermediates, each backward step with its local derivative as a formula and as numbers, fan-in
sums, broadcasting reductions, cut edges, the result, and for small graphs the derivative as a
formula. ``chainrule.explain.why(x, y)`` says why ``x`` gets no gradient from ``y``.

Example:
    >>> import chainrule as torch
    >>> x = torch.tensor(0.5, requires_grad=True)
    >>> d = torch.explain(torch.cos(x ** 2), lang="en")
    >>> x.grad
    tensor(-0.2474)
"""

from __future__ import annotations

import sys
import types
from typing import Any

from .._tensor import Tensor
from . import _derive
from ._catalog import catalog, default_lang
from ._core import Graph, caller_tensors
from ._render import DEFAULT_MAX_ELEMENTS, Derivation
from ._trace import Trace, trace
from ._why import Why, why

__all__ = ["explain", "why", "trace", "Derivation", "Why", "Trace", "default_lang"]


def explain(
    y: Tensor,
    gradient: Tensor | None = None,
    inputs: Any = None,
    *,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    names: dict | None = None,
    lang: str | None = None,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
    simplify: bool | None = None,
    trace: Trace | None = None,
    _depth: int = 2,
) -> Derivation:
    """Run the backward pass of ``y`` and return its step-by-step Derivation.

    Like ``y.backward(gradient, retain_graph, create_graph)``: leaves' ``.grad`` are filled. With
    ``inputs=[x, ...]`` it works like ``torch.autograd.grad(y, inputs)``: the gradients are
    returned in the Derivation (``d.grads``) and ``.grad`` is left alone. ``names`` maps names to
    tensors (``{"x": x}``); by default the caller's variable names are used. ``lang`` is ``"en"``
    or ``"zh"`` (default from the locale); tensors with more than ``max_elements`` elements are
    summarised. ``simplify=False`` skips SymPy; ``trace`` (from ``explain.trace()``) lets the
    explanation say where constants came from.

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor(0.5, requires_grad=True)
        >>> print(torch.explain(torch.cos(x ** 2), lang="en", simplify=False))  # doctest: +ELLIPSIS
        How autograd computes the gradient of y
        ...
    """
    if not isinstance(y, Tensor):
        raise TypeError(f"explain() expects a Tensor, got {type(y).__name__}")
    if not y.requires_grad:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn "
            "(use chainrule.explain.why(x, y) to see why)"
        )
    catalog(lang)  # validate early
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    local = caller_tensors(_depth)
    graph = Graph(y, names, local, trace)
    graph.infer_constants()
    for v in graph.vars:  # names of constants may now have values; refresh printed forms
        if v.kind == "op":
            v.tree = None
            graph._exprs(v)
    forms = _derive.formulas(graph, simplify)
    steps, results = _derive.run(graph, y, gradient, inputs, retain_graph, create_graph)
    return Derivation(graph, steps, results, inputs, gradient, forms, lang, max_elements)


class _CallableModule(types.ModuleType):
    """``chainrule.explain(y)`` calls :func:`explain`; ``chainrule.explain.why`` still works."""

    def __call__(self, *args: Any, **kwargs: Any) -> Derivation:
        kwargs.setdefault("_depth", 3)
        return explain(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
