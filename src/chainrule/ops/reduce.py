"""Reductions: sum, mean, prod, max/min, norms, var/std, logsumexp, cumulative ops, all/any."""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._backend import norm_dims
from .._tensor import Tensor
from ._dispatch import apply
from ._registry import defop, expose


def _expand_back(F, g, dims, keepdim, shape):
    """Broadcast a reduced gradient back to the input's ``shape``."""
    if not keepdim:
        g = F.unsqueeze_dims(g, dims, len(shape))
    return F.expand(g, shape)


SUM = defop(
    "sum",
    lambda x, dtype: np.sum(x, dtype=dtype),
    saves=("self.shape",),
    grads=(lambda F, g, shape, dtype: F.expand(g, shape),),
    jvp="linear",
    explain={"self": "1 (each element)"},
)
SUM_DIM = defop(
    "sum_dim",
    lambda x, dims, keepdim, dtype: np.sum(x, axis=dims, keepdims=keepdim, dtype=dtype),
    saves=("self.shape",),
    grads=(lambda F, g, shape, dims, keepdim, dtype: _expand_back(F, g, dims, keepdim, shape),),
    node="SumBackward1",
    jvp="linear",
    explain={"self": "1 (each element)"},
)


def _numel(shape, dims=None):
    n = 1
    for i, s in enumerate(shape):
        if dims is None or i in dims:
            n *= s
    return n


def _mean_fwd(x, dtype):
    return np.mean(x, dtype=dtype).astype(dtype or x.dtype, copy=False)


MEAN = defop(
    "mean",
    _mean_fwd,
    saves=("self.shape",),
    grads=(lambda F, g, shape, dtype: F.expand(g / _numel(shape), shape),),
    jvp="linear",
    explain={"self": "1/n (each element)"},
)


def _mean_dim_fwd(x, dims, keepdim, dtype):
    return np.mean(x, axis=dims, keepdims=keepdim, dtype=dtype).astype(dtype or x.dtype, copy=False)


MEAN_DIM = defop(
    "mean_dim",
    _mean_dim_fwd,
    saves=("self.shape",),
    grads=(
        lambda F, g, shape, dims, keepdim, dtype: _expand_back(
            F, g / _numel(shape, dims), dims, keepdim, shape
        ),
    ),
    node="MeanBackward1",
    jvp="linear",
    explain={"self": "1/n (each element)"},
)


def _np_dtype(dtype):
    return None if dtype is None else D.to_dtype(dtype).np


def _is_full(dim):
    return dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0)


def sum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum of all elements, or over ``dim`` (int or tuple), keeping dims if ``keepdim``.

    Example:
        >>> import chainrule as torch
        >>> torch.ones(2, 3).sum(0)
        tensor([2., 2., 2.])
    """
    npd = _np_dtype(dtype)
    if npd is None and input._data.dtype.kind in "bi" or input._data.dtype.kind == "u":
        npd = np.dtype(np.int64) if npd is None else npd
    if _is_full(dim) and not keepdim:
        return apply(SUM, (input,), (npd,))
    dims = norm_dims(None if _is_full(dim) else dim, input._data.ndim)
    return apply(SUM_DIM, (input,), (dims, bool(keepdim), npd))


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Arithmetic mean of all elements, or over ``dim``.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1.0, 2.0], [3.0, 4.0]]).mean()
        tensor(2.5000)
    """
    npd = _np_dtype(dtype)
    kind = (npd or input._data.dtype).kind
    if kind not in "fc":
        name = D._BY_NP[np.dtype(npd or input._data.dtype)].name
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_WORDS.get(name, name)}"
        )
    if _is_full(dim) and not keepdim:
        return apply(MEAN, (input,), (npd,))
    dims = norm_dims(None if _is_full(dim) else dim, input._data.ndim)
    return apply(MEAN_DIM, (input,), (dims, bool(keepdim), npd))


_WORDS = {"int64": "Long", "int32": "Int", "bool": "Bool", "uint8": "Byte", "int16": "Short", "int8": "Char"}

expose(sum)
expose(mean)
_ = Tensor
