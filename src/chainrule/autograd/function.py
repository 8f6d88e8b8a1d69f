"""Custom differentiable functions: ``chainrule.autograd.Function``, as ``torch.autograd.Function``.

A subclass gives a static ``forward`` (run on plain tensors under ``no_grad``) and ``backward``
(the vector-Jacobian product), optionally ``setup_context`` and ``jvp`` (forward mode).
``Function.apply`` runs the forward and records one graph node, ``<ClassName>Backward``, which
is also the ``ctx`` object (as in PyTorch, ``y.grad_fn.saved_tensors`` works).

Example:
    >>> import chainrule as torch
    >>> class Cube(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         (x,) = ctx.saved_tensors
    ...         return 3 * x ** 2 * g
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> y = Cube.apply(x)
    >>> y.backward()
    >>> y.grad_fn.name(), x.grad
    ('CubeBackward', tensor(12.))
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from .._tensor import Tensor, wrap
from . import grad_mode
from .graph import Node, order_below, second_backward_error, with_note

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable", "InplaceFunction"]

_state = grad_mode.state


class FunctionCtx:
    """The ``ctx`` of a custom Function: what forward leaves for backward (and jvp)."""

    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` for ``backward`` (read them with ``ctx.saved_tensors``)."""
        for t in tensors:
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    "save_for_backward can only save variables, but argument "
                    f"{tensors.index(t)} is of type {type(t).__name__}"
                )
        self._to_save = tensors

    def save_for_forward(self, *tensors: Tensor | None) -> None:
        """Keep ``tensors`` for ``jvp`` (read them with ``ctx.saved_tensors`` in jvp)."""
        self._to_save_fw = tensors

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Declare inputs that ``forward`` modified in place (they must also be returned)."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Declare outputs that never carry gradients (e.g. indices)."""
        self._non_diff = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """With False, ``backward`` receives None (not zeros) for outputs without gradient."""
        self._materialize = bool(value)


class BackwardCFunction(Node, FunctionCtx):
    """The graph node of one custom Function call; it doubles as the ``ctx``."""

    _forward_cls: Any = None
    _scalar_edges = False  # torch lists only the tensor inputs of a custom Function

    def __repr__(self) -> str:  # a Python class, so PyTorch shows its module too
        cls = type(self)
        return f"<{cls.__module__}.{cls.__qualname__} object at {hex(id(self))}>"

    def __init__(self) -> None:
        Node.__init__(self)
        self.needs_input_grad = ()
        self._materialize = True

    # ---- saved tensors
    def _pack(self, tensors: tuple, outs: tuple) -> None:
        from . import graph as _g

        hooks = _g._saved_hooks[-1] if _g._saved_hooks else None
        packed = []
        for t in tensors:
            if t is None:
                packed.append(None)
                continue
            nr = next((i for i, o in enumerate(outs) if o is t), -1)
            if hooks is not None:
                stack = _g._saved_hooks[:]
                _g._saved_hooks.clear()  # no packing inside the pack hook (as torch)
                try:
                    packed.append(("hook", hooks[1], hooks[0](t)))
                finally:
                    _g._saved_hooks[:] = stack
            elif nr >= 0 and t._grad_fn is self:
                # an output: keep its array (no Tensor <-> Node cycle), rebuild on unpack
                packed.append(("out", nr, t._data, t._vc, t._vc[0]))
            else:
                packed.append(("in", t, t._vc[0]))
        self._saved = tuple(packed)

    @property
    def saved_tensors(self) -> tuple:
        saved = self._saved
        if saved is None:
            raise second_backward_error()
        if not saved and self.__dict__.get("_fw_saved") is not None:
            return self._fw_saved
        out = []
        for s in saved:
            if s is None:
                out.append(None)
            elif s[0] == "hook":
                out.append(s[1](s[2]))
            elif s[0] == "out":
                _, nr, arr, vc, ver = s
                if vc[0] != ver:
                    self._version_error(arr, vc[0], ver, nr, vc=vc)
                t = wrap(arr, True)
                t._vc = vc
                t._grad_fn = self
                t._output_nr = nr
                out.append(t)
            else:
                _, t, ver = s
                if t._vc[0] != ver:
                    fn = t._grad_fn
                    self._version_error(
                        t._data, t._vc[0], ver, t._output_nr, fn.name() if fn else None, t._vc
                    )
                out.append(t)
        return tuple(out)

    saved_variables = saved_tensors

    def _version_error(self, arr, now, ver, nr, owner: str | None = "self", vc=None) -> None:
        from .._tensor import legacy_type_name
        from .anomaly import explain_version_error

        if owner == "self":
            owner = self.name()
        where = ""
        if owner is not None:
            i = owner.find("Backward")
            where = f", which is output {nr} of {owner[:i] if i > 0 else owner},"
        tname = legacy_type_name(wrap(arr.reshape(-1)[:0]))
        raise with_note(
            RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{tname} {list(arr.shape)}]{where} is at version {now}; "
                f"expected version {ver} instead. Hint: enable anomaly detection to find the "
                "operation that failed to compute its gradient, with "
                "torch.autograd.set_detect_anomaly(True, check_nan=False)."
            ),
            explain_version_error(self, vc),
        )

    # ---- engine interface
    def _apply(self, grads: list, create: bool) -> list:
        cls = self._forward_cls
        gs = []
        for i, g in enumerate(grads):
            if g is None:
                spec = self._out[i] if self._out and i < len(self._out) else None
                if self._materialize and spec is not None:
                    z = np.zeros(spec[0], spec[1])
                    gs.append(wrap(z))
                else:
                    gs.append(None)
            else:
                gs.append(g if isinstance(g, Tensor) else wrap(g))
        res = cls.backward(self, *gs)
        if not isinstance(res, tuple):
            res = (res,)
        name = self.name()
        n = len(self._edges)
        if len(res) != n:
            if len(res) > n and all(r is None for r in res[n:]):
                res = res[:n]
            else:
                raise RuntimeError(
                    f"function {name} returned an incorrect number of gradients "
                    f"(expected {n}, got {len(res)})"
                )
        out = []
        for i, (r, e, m) in enumerate(zip(res, self._edges, self._meta)):
            if r is None:
                out.append(None)
                continue
            if e is None:
                raise RuntimeError(
                    f"function {name} returned a gradient different than None at position "
                    f"{i + 1}, but the corresponding forward input was not a Variable"
                )
            if m is None:
                out.append(None)
                continue
            if not isinstance(r, Tensor):
                raise TypeError(
                    f"function {name} returned a gradient of type {type(r).__name__} at "
                    f"position {i + 1}; expected a Tensor or None"
                )
            shape = m[0]
            try:
                ok = np.broadcast_shapes(shape, r._data.shape) == r._data.shape
            except ValueError:
                ok = False
            if not ok:
                raise RuntimeError(
                    f"Function {name} returned an invalid gradient at index {i} - got "
                    f"{list(r._data.shape)} but expected shape compatible with {list(shape)}"
                )
            out.append(r if create else r._data)
        return out

    def _unpack_saved(self, create: bool = True) -> list:
        return list(self.saved_tensors)


class _FunctionMeta(type):
    """Gives each Function subclass its node class ``<ClassName>Backward``."""

    def __init__(cls, name: str, bases: tuple, attrs: dict) -> None:
        cls._backward_cls = type(f"{name}Backward", (BackwardCFunction,), {"_forward_cls": cls})
        super().__init__(name, bases, attrs)


class Function(FunctionCtx, metaclass=_FunctionMeta):
    """Base class of custom differentiable operations (see the module docstring).

    Subclasses define ``forward(ctx, *args)`` (or ``forward(*args)`` plus
    ``setup_context(ctx, inputs, output)``), ``backward(ctx, *grad_outputs)`` returning one
    gradient (or None) per forward input, and optionally ``jvp(ctx, *tangents)``; then call
    ``MyFunction.apply(*args)``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        import warnings

        warnings.warn(
            f"{self.__class__} should not be instantiated. Methods on autograd functions are all "
            "static, so you should invoke them on the class itself. Instantiating an autograd "
            "function will raise an error in a future version of PyTorch.",
            DeprecationWarning,
            stacklevel=2,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> Any:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with "
            "forward mode AD."
        )

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` and record the backward node when an input requires grad."""
        from ..ops import _dispatch

        node = cls._backward_cls()
        needs = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        node.needs_input_grad = needs
        record = _state.enabled and any(needs)
        # forward mode: the Function's jvp replaces propagation through its internals
        fw = _dispatch.forward_hook[0]
        fw_level = None
        if fw is not None:
            from . import forward_ad

            fw_level = forward_ad._current_level()
            if fw_level is not None and not any(
                isinstance(a, Tensor) and a._fw and fw_level in a._fw for a in args
            ):
                fw_level = None
        custom_setup = cls.setup_context is not Function.setup_context
        prev = _state.enabled
        _state.enabled = False
        _dispatch.forward_hook[0] = None
        try:
            if custom_setup:
                out = cls.forward(*args, **kwargs)
            else:
                out = cls.forward(node, *args, **kwargs)
        finally:
            _state.enabled = prev
            _dispatch.forward_hook[0] = fw
        if custom_setup:
            cls.setup_context(node, args, out)
        if record:
            # edges first: a dirty input's grad_fn is about to become this node
            edges = []
            meta = []
            for a in args:
                if isinstance(a, Tensor):
                    if a._requires_grad:
                        edges.append(a._edge())
                        order_below(edges[-1][0], node)
                        meta.append((a._data.shape, a._data.dtype))
                    else:
                        edges.append((None, 0))
                        meta.append(None)
                else:
                    edges.append(None)
                    meta.append(None)
            node._edges = tuple(edges)
            node._meta = tuple(meta)
        is_tuple = isinstance(out, tuple)
        outs = list(out) if is_tuple else [out]
        dirty = {id(t) for t in node.__dict__.get("_dirty", ())}
        nondiff = {id(t) for t in node.__dict__.get("_non_diff", ())}
        specs = []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                specs.append(None)
                continue
            specs.append((o._data.shape, o._data.dtype))
            if id(o) in dirty:
                if o._grad_fn is None and o._requires_grad and _state.enabled:
                    raise RuntimeError(
                        "a leaf Variable that requires grad has been used in an in-place operation."
                    )
                o._vc[0] += 1
                t = o
            elif record and any(o is a for a in args):
                # an input returned as-is: a new tensor sharing its storage (as torch's view)
                t = wrap(o._data)
                t._vc = o._vc
                outs[i] = t
            else:
                t = o
            if record and id(o) not in nondiff and t._data.dtype.kind in "fc":
                t._requires_grad = True
                t._grad_fn = node
                t._output_nr = i
            elif id(o) in nondiff:
                t._requires_grad = False
        if record:
            node._out = tuple(specs)
            if _dispatch.anomaly_hook[0] is not None:
                _dispatch.anomaly_hook[0](node)
        to_save = node.__dict__.pop("_to_save", None)
        if to_save:
            node._pack(to_save, tuple(outs))
        if fw_level is not None:
            _forward_mode(cls, node, args, outs, fw_level)
        return tuple(outs) if is_tuple else outs[0]


def _forward_mode(cls, node, args, outs, level) -> None:
    from . import forward_ad

    fw_saved = node.__dict__.pop("_to_save_fw", None)
    saved = node._saved
    if fw_saved is not None:
        node._saved = ()
        node._fw_saved = tuple(fw_saved)
    tangents = [
        (a._fw.get(level) if a._fw else None) if isinstance(a, Tensor) else None for a in args
    ]
    try:
        b = forward_ad._batch[0]
        if b is None:
            res = _as_tuple(cls.jvp(node, *tangents))
        else:
            res = _batched_jvp(cls, node, tangents, outs, b)
    finally:
        if fw_saved is not None:
            node._saved = saved
            node._fw_saved = None
    for o, t in zip(outs, res):
        if isinstance(o, Tensor) and t is not None:
            forward_ad._set_tangent(o, t, level)


def _as_tuple(res: Any) -> tuple:
    return res if isinstance(res, tuple) else (res,)


def _batched_jvp(cls, node, tangents: list, outs: list, b: int) -> tuple:
    """The user's jvp on tangents with a leading batch axis (vectorized jacobians). A jvp
    written for one direction may not batch: check by linearity, else one call per direction."""
    from .functional import _weights, agrees, combine

    def arrays(rs):
        return [None if r is None else (r._data if isinstance(r, Tensor) else r) for r in rs]

    def single(ts):
        # one direction: the batch is off while the user's jvp runs
        forward_ad._batch[0] = None
        try:
            return _as_tuple(cls.jvp(node, *ts))
        finally:
            forward_ad._batch[0] = b

    from . import forward_ad

    try:
        res = _as_tuple(cls.jvp(node, *tangents))
        ok = all(
            r is None or not isinstance(o, Tensor) or tuple(r.shape) == (b,) + o._data.shape
            for r, o in zip(res, outs)
        )
        if ok:
            w = _weights(b)
            comb = [None if t is None else combine(t, w) for t in tangents]
            ok = agrees(arrays(res), arrays(single(comb)), w)
    except Exception:
        ok = False
    if ok:
        return res
    per = [single([None if t is None else wrap(t._data[k]) for t in tangents]) for k in range(b)]
    out = []
    for j in range(len(per[0])):
        col = [p[j] for p in per]
        out.append(
            None
            if col[0] is None
            else wrap(np.stack([c._data if isinstance(c, Tensor) else np.asarray(c) for c in col]))
        )
    return tuple(out)


def once_differentiable(fn: Callable) -> Callable:
    """Decorate a ``backward`` that cannot itself be differentiated (it runs under no_grad).

    Differentiating its result a second time raises an error instead of giving wrong values.
    """

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        if not _state.enabled:
            return outputs
        requires_grad = any(isinstance(a, Tensor) and a._requires_grad for a in args)
        if not requires_grad:
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        err = DelayedError()
        edges = []
        meta = []
        for a in args:
            if isinstance(a, Tensor) and a._requires_grad:
                edges.append(a._edge())
                meta.append((a._data.shape, a._data.dtype))
        err._edges = tuple(edges)
        err._meta = tuple(meta)
        new = []
        for o in outs:
            if isinstance(o, Tensor) and o._data.dtype.kind in "fc":
                t = wrap(o._data)
                t._requires_grad = True
                t._grad_fn = err
                new.append(t)
            else:
                new.append(o)
        return new[0] if single else tuple(new)

    return wrapper


class DelayedError(Node):
    """Raises when a @once_differentiable backward is differentiated again."""

    __slots__ = ()

    def _apply(self, grads: list, create: bool) -> list:
        raise RuntimeError(
            "trying to differentiate twice a function that was marked with @once_differentiable"
        )


class InplaceFunction(Function):
    """A Function with an ``inplace`` flag (PyTorch compatibility)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace
