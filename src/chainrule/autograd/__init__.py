"""``chainrule.autograd``: ``backward``, ``grad`` and the graph API, as ``torch.autograd``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._cwarn import cpp_warn
from .._tensor import Tensor, wrap
from . import engine, graph
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .graph import with_note

__all__ = [
    "backward",
    "grad",
    "graph",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "is_grad_enabled",
]


_warned_create_graph: list = []


def _as_tuple(x: Any) -> tuple:
    if isinstance(x, Tensor):
        return (x,)
    if x is None:
        return ()
    return tuple(x)


def _ones_like(arr: np.ndarray) -> np.ndarray:
    """The implicit gradient of a scalar root (np.ones is Python code: a 0-d one is made
    directly)."""
    return np.array(1, arr.dtype) if not arr.shape else np.ones(arr.shape, arr.dtype)


def _make_grads(outputs: tuple, grad_outputs: tuple, create_graph: bool) -> list:
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._data.dtype.kind not in "fc":
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got "
                    f"{out.dtype}"
                )
            g = wrap(_ones_like(out._data))
        else:
            if not isinstance(g, Tensor):
                raise TypeError(
                    f"gradients can be either Tensors or None, but got {type(g).__name__}"
                )
            if g._data.shape != out._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {out.shape}."
                )
            if (g._data.dtype.kind == "c") != (out._data.dtype.kind == "c"):
                raise RuntimeError(
                    f"For complex Tensors, both grad_output and output are required to have "
                    f"the same dtype. Mismatch in dtype: grad_output[{i}] has a dtype of "
                    f"{g.dtype} and output[{i}] has a dtype of {out.dtype}."
                )
        grads.append(g)
    return grads


def _check_roots(outputs: tuple) -> None:
    for i, t in enumerate(outputs):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )
        if not t._requires_grad:
            raise with_note(
                RuntimeError(
                    f"element {i} of tensors does not require grad and does not have a grad_fn"
                ),
                _cut_hint(t),
            )


def _cut_hint(t: Tensor) -> str:
    """Where the graph was cut, when chainrule can tell (a note under PyTorch's message)."""
    cut = t.__dict__.get("_cut")
    if cut is None:
        return (
            "chainrule: nothing it was computed from requires grad: set requires_grad=True on the "
            "tensors you differentiate with respect to, before computing with them"
        )
    if cut[0] == "no_grad":
        return (
            f"chainrule: it was computed by {cut[1][: cut[1].find('Backward')] or cut[1]} inside "
            "torch.no_grad() (or with grad disabled) from a tensor that requires grad: the "
            "graph was cut there, so the result is a constant for autograd"
        )
    return (
        "chainrule: it was made by .detach() from a tensor that requires grad: the graph was cut "
        "there, so the result is a constant for autograd"
    )


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: Any = None,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """Accumulate gradients of ``tensors`` into the ``.grad`` of the leaves.

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> torch.autograd.backward([(x * x).sum()])
        >>> x.grad
        tensor([2., 4.])
    """
    if grad_variables is not None and grad_tensors is None:
        grad_tensors = grad_variables
    outputs = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(outputs)
    grads = grads[: len(outputs)]  # as PyTorch's zip: extra gradients are ignored
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grads)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    ins = _as_tuple(inputs) if inputs is not None else None
    if ins is not None and len(ins) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    _check_roots(outputs)
    if create_graph and not _warned_create_graph:
        _warned_create_graph.append(True)

        cpp_warn(
            "Using backward() with create_graph=True will create a reference cycle between the "
            "parameter and its gradient which can cause a memory leak. We recommend using "
            "autograd.grad when creating the graph to avoid this. If you have to use this "
            "function, make sure to reset the .grad fields of your parameters to None after use "
            "to break the cycle and avoid the leak.",
            "torch/csrc/autograd/engine.cpp:1307",
            stacklevel=3,
        )
    root_grads = _make_grads(outputs, grads, create_graph)
    res = engine.run_backward(
        list(outputs), root_grads, retain_graph, create_graph, ins, True, accumulate=True
    )
    if ins is not None:
        for t, g in zip(ins, res):
            if t._grad_fn is not None and g is not None:
                t._grad = g if t._grad is None else t._grad + g


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs``, returned (``.grad`` untouched).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor(3.0, requires_grad=True)
        >>> (dy,) = torch.autograd.grad(x ** 3, x, create_graph=True)
        >>> dy, torch.autograd.grad(dy, x)[0]
        (tensor(27., grad_fn=<MulBackward0>), tensor(18.))
    """
    if (
        outputs.__class__ is Tensor
        and inputs.__class__ is Tensor
        and grad_outputs is None
        and not (retain_graph or create_graph or allow_unused or is_grads_batched)
        and only_inputs
        and not materialize_grads
        and outputs._requires_grad
        and inputs._requires_grad
    ):
        # the commonest call, grad(loss, x): what the checks below come to for one of each
        out = outputs._data
        if out.ndim == 0 and out.dtype.kind == "f":  # (else _make_grads, with its errors)
            root_grads = [_ones_like(out)]
        else:
            root_grads = _make_grads((outputs,), (None,), False)
        return engine.run_backward(
            [outputs], root_grads, False, False, (inputs,), False, accumulate=False
        )
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but "
            "got: allow_unused=False."
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    outs = _as_tuple(outputs)
    if type(inputs) is dict:
        res = grad(
            outs,
            tuple(inputs.values()),
            grad_outputs,
            retain_graph,
            create_graph,
            only_inputs,
            allow_unused,
            is_grads_batched,
            materialize_grads,
        )
        return dict(zip(inputs.keys(), res))
    if isinstance(inputs, Mapping):
        raise TypeError(
            f"`inputs` argument to `grad()` must be a dict, not {type(inputs).__name__}. "
            "Other Mapping types are not supported."
        )
    ins = _as_tuple(inputs)
    if not ins:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    if not only_inputs:
        import warnings

        warnings.warn(
            "only_inputs argument is deprecated and is ignored now (defaults to True). To "
            "accumulate gradient for other parts of the graph, please use "
            "torch.autograd.backward.",
            FutureWarning,
            stacklevel=2,
        )
    grads = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outs)
    grads = grads[: len(outs)]  # as PyTorch's zip: extra grad_outputs are ignored
    if len(grads) != len(outs):
        raise RuntimeError(f"got {len(outs)} tensors and {len(grads)} gradients")
    _check_roots(outs)
    for i, t in enumerate(ins):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 1, but got {type(t).__name__}"
            )
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    if is_grads_batched:
        batched = None if create_graph else _grad_batched(outs, ins, grads, allow_unused)
        if batched is not None:
            return batched
        results = []
        for k in range(grads[0].shape[0]):
            results.append(
                grad(
                    outs,
                    ins,
                    tuple(g[k] for g in grads),
                    True,
                    create_graph,
                    allow_unused=allow_unused,
                )
            )
        from .. import stack

        return tuple(
            None if results[0][i] is None else stack([r[i] for r in results])
            for i in range(len(ins))
        )
    root_grads = _make_grads(outs, grads, create_graph)
    res = engine.run_backward(
        list(outs), root_grads, retain_graph, create_graph, ins, allow_unused, accumulate=False
    )
    if materialize_grads:
        res = tuple(
            wrap(np.zeros_like(t._data), create_graph) if g is None else g for t, g in zip(ins, res)
        )
    return res


def _grad_batched(outs: tuple, ins: tuple, grads: tuple, allow_unused: bool) -> tuple | None:
    """``is_grads_batched``: all cotangents through ONE batched walk of the graph (None when
    that walk cannot run: missing cotangents, or hooks in the graph; the caller then loops)."""
    if any(not isinstance(g, Tensor) for g in grads):
        return None
    b = grads[0]._data.shape[0] if grads[0]._data.ndim else None
    for g, o in zip(grads, outs):
        if g._data.ndim == 0 or g._data.shape[0] != b or g._data.shape[1:] != o._data.shape:
            return None  # the loop raises PyTorch's shape error
    from .functional import _batched_grad

    res = _batched_grad(outs, ins, tuple(g._data for g in grads), b)
    if res is None:
        return None
    out = []
    for k, (t, r) in enumerate(zip(ins, res)):
        if r is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {k} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
            out.append(None)
            continue
        full = np.broadcast_to(r, (b,) + t._data.shape).astype(t._data.dtype, copy=True)
        out.append(wrap(full))
    return tuple(out)


# gradcheck: imported last so the name ``gradcheck`` is the function (as in torch.autograd)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402

__all__ += ["gradcheck", "gradgradcheck", "GradcheckError"]


# ---- transforms (issue 3): custom Function, forward mode, functional API, anomaly mode
from .anomaly import (  # noqa: E402  (small; dispatch uses it anyway)
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)

# loaded on first use, to keep ``import chainrule`` fast
_LAZY = {
    "Function": ("function", "Function"),
    "once_differentiable": ("function", "once_differentiable"),
    "function": ("function", None),
    "functional": ("functional", None),
    "forward_ad": ("forward_ad", None),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        mod_name, attr = _LAZY[name]
        mod = importlib.import_module(f".{mod_name}", __name__)
        value = mod if attr is None else getattr(mod, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'chainrule.autograd' has no attribute '{name}'")


__all__ += [
    "Function",
    "once_differentiable",
    "forward_ad",
    "function",
    "functional",
    "detect_anomaly",
    "set_detect_anomaly",
    "is_anomaly_enabled",
    "is_anomaly_check_nan_enabled",
]


class _VariableMeta(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """The pre-0.4 wrapper, kept by PyTorch for old code: ``Variable(t, requires_grad=True)``
    returns a new leaf tensor sharing ``t``'s data; every tensor is a ``Variable``.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.autograd import Variable
        >>> Variable(torch.ones(2), requires_grad=True)
        tensor([1., 1.], requires_grad=True)
    """

    def __new__(cls, data: Tensor, requires_grad: bool = False, volatile: bool = False) -> Tensor:
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return data.detach().requires_grad_(requires_grad)


__all__ += ["Variable"]
