"""Optional forward recording: ``with chainrule.explain.trace():`` remembers every op call.

After the fact the graph cannot tell *why* an input is a constant (``no_grad``? ``detach``?)
because nothing about a constant is recorded. Inside ``trace()`` the dispatcher's forward hook
(the check it already makes for forward-mode AD) records each call, so the explanation can say
"computed under torch.no_grad() from x at line 7". Outside ``trace()`` nothing is recorded.
"""

from __future__ import annotations

import sys
from typing import Any

from ..autograd import grad_mode
from ..ops import _dispatch

_OWN_DIR = __file__.rsplit("/", 2)[0]


class Record:
    __slots__ = ("op", "inputs", "params", "outs", "grad_enabled", "line")

    def __init__(
        self, op: Any, inputs: tuple, params: tuple, outs: tuple, enabled: bool, line: Any
    ):
        self.op = op
        self.inputs = inputs
        self.params = params
        self.outs = outs
        self.grad_enabled = enabled
        self.line = line


class Trace:
    """The op calls made while the ``trace()`` context was active (newest last).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor(1.0, requires_grad=True)
        >>> with torch.explain.trace() as tr:
        ...     with torch.no_grad():
        ...         y2 = x * 3
        ...     y3 = x ** 2 + y2
        >>> len(tr.records)
        3
    """

    def __init__(self) -> None:
        self.records: list = []
        self._by_out: dict = {}
        self._by_node: dict = {}
        self._prev = None
        self._bound = self._hook  # one bound method, so that __exit__ can recognise it

    # context manager: chain onto whatever forward hook is installed
    def __enter__(self) -> Trace:
        self._prev = _dispatch.forward_hook[0]
        _dispatch.forward_hook[0] = self._bound
        return self

    def __exit__(self, *exc: Any) -> None:
        if _dispatch.forward_hook[0] is self._bound:
            _dispatch.forward_hook[0] = self._prev

    def _hook(
        self, op: Any, inputs: tuple, params: tuple, outs: tuple, inplace: bool = False
    ) -> None:
        rec = Record(
            op, tuple(inputs), tuple(params), tuple(outs), grad_mode.state.enabled, _line()
        )
        self.records.append(rec)
        for o in outs:
            self._by_out[id(o)] = rec
            fn = o._grad_fn
            if fn is not None:
                self._by_node[fn] = rec
        prev = self._prev
        if prev is not None:
            if inplace:
                prev(op, inputs, params, outs, inplace=True)
            else:
                prev(op, inputs, params, outs)

    def record_for(self, node: Any) -> Record | None:
        return self._by_node.get(node)

    def record_of(self, t: Any) -> Record | None:
        return self._by_out.get(id(t))

    def detached_from(self, t: Any) -> Any:
        """The recorded output (requiring grad) whose array ``t`` shares, if any."""
        for rec in self.records:
            for o in rec.outs:
                if o is not t and o._data is t._data and o._grad_fn is not None:
                    return o
        return None


def _line() -> tuple | None:
    f = sys._getframe(2)
    while (
        f is not None
        and f.f_code.co_filename.startswith(_OWN_DIR)
        and not f.f_code.co_filename.endswith("_demo.py")
    ):
        f = f.f_back
    if f is None:
        return None
    return (f.f_code.co_filename.replace("\\", "/").rsplit("/", 1)[-1], f.f_lineno)


def trace() -> Trace:
    """Record the op calls of a block, so explanations can say where constants came from."""
    return Trace()
