"""Linear algebra: matmul (``@``), mm, bmm, mv, dot, outer, addmm, baddbmm, trace, diag,
tril/triu, einsum, and the ``chainrule.linalg`` namespace (vector_norm, norm, det, inv).

Matmul's backward is two matmuls (``np.matmul`` handles batches and broadcasting); the engine
sums broadcast batch dims away. Several entries share one formula but carry the node name
PyTorch records for that case (``MmBackward0``, ``BmmBackward0``, ``UnsafeViewBackward0`` ...).
"""

from __future__ import annotations

import string
import sys
import types
from typing import Any

import numpy as np

from .. import _dtype as D
from .._backend import array_ns
from .._tensor import Tensor
from ._dispatch import apply, apply_inplace, broadcast_mismatch, specialize
from ._registry import PUBLIC, defop, expose
from .reduce import _call, _const, _data, _word, vector_norm
from .reduce import check_not_bool as _check_bool

# ---------------------------------------------------------------- matmul family


def _matmul_fwd(a, b):
    return np.asarray(np.matmul(a, b))


def _unsq_last(F, x, at_end: bool):
    """``x[..., None]`` (at_end) or ``x[..., None, :]``."""
    n = x.ndim
    return F.unsqueeze_dims(x, (n if at_end else n - 1,), n + 1)


def _matmul_grad_a(F, g, a, b):
    if b.ndim == 1:
        if a.ndim == 1:
            return g * b
        return _unsq_last(F, g, True) * b  # (..., n, 1) * (m,)
    bt = F.transpose(b, -1, -2)
    if a.ndim == 1:
        return F.sum(F.matmul(_unsq_last(F, g, False), bt), -2)
    return F.matmul(g, bt)


def _matmul_grad_b(F, g, a, b):
    if a.ndim == 1:
        if b.ndim == 1:
            return g * a
        return F.unsqueeze_dims(a, (1,), 2) * _unsq_last(F, g, False)  # (n, 1) * (..., 1, m)
    if b.ndim == 1:
        return F.sum(F.matmul(F.transpose(a, -1, -2), _unsq_last(F, g, True)), -1)
    if b.ndim == 2 and a.ndim > 2:
        # fold the batch into the rows: one GEMM instead of a batch of them plus a sum
        m, k = a.shape[-1], g.shape[-1]
        return F.matmul(F.transpose(F.reshape(a, (-1, m)), 0, 1), F.reshape(g, (-1, k)))
    return F.matmul(F.transpose(a, -1, -2), g)


def _matmul_jvp(F, tangents, a, b):
    ta, tb = tangents
    out = None
    if ta is not None:
        out = F.matmul(ta, b)
    if tb is not None:
        t = F.matmul(a, tb)
        out = t if out is None else out + t
    return out


_MM_TEXT = {"self": "· {other}ᵀ (gradient @ otherᵀ)", "other": "{self}ᵀ · (selfᵀ @ gradient)"}


def _mm_entry(name, node, explain=_MM_TEXT):
    return defop(
        name,
        _matmul_fwd,
        inputs=("self", "other"),
        saves=("self", "other"),
        grads=(_matmul_grad_a, _matmul_grad_b),
        node=node,
        promote="keep",
        jvp=_matmul_jvp,
        explain=explain,
    )


MATMUL = _mm_entry("matmul", "UnsafeViewBackward0")
MATMUL_T = _mm_entry("matmul_transposed", "CloneBackward0")  # 2-D @ batched, left needs grad
MATMUL_VM = _mm_entry("matmul_vm", "SqueezeBackward4")  # 1-D @ 2-D
MM = _mm_entry("mm", "MmBackward0")
BMM = _mm_entry("bmm", "BmmBackward0")
MV = _mm_entry("mv", "MvBackward0")
DOT = _mm_entry("dot", "DotBackward0", {"self": "{other}", "other": "{self}"})
_mm_fast = specialize(MM)


def _cname(a: np.ndarray) -> str:
    return D._BY_NP[a.dtype].cpp


def _x(shape) -> str:
    return "x".join(str(s) for s in shape)


def _tensor_arg(x, fname: str, pos: int = 1, arg: str = "input"):
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fname}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}"
        )
    return x._data


def _mm_shape_error(a_shape, b_shape) -> RuntimeError:
    return RuntimeError(
        f"mat1 and mat2 shapes cannot be multiplied ({_x(a_shape)} and {_x(b_shape)})"
    )


def _dot_size_error(n, m) -> RuntimeError:
    return RuntimeError(
        f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number "
        f"of elements, but got {n} and {m} elements respectively"
    )


def _mv_size_error(rows, cols, n) -> RuntimeError:
    return RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{cols}), vec ({n})")


def _matmul_check(a: np.ndarray, b: np.ndarray) -> None:
    """PyTorch's errors for ``matmul`` (shape checks in its dispatch order, then dtype)."""
    da, db = a.ndim, b.ndim
    if da == 0 or db == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D"
        )
    if a.dtype != b.dtype:
        if da == 1 and db == 1:
            raise RuntimeError(
                "dot : expected both vectors to have same dtype, but found "
                f"{_word(a)} and {_word(b)}"
            )
        if db == 1:
            raise RuntimeError(
                "addmv input tensors must have the same dtype, but got "
                f"{_word(b)}, {_word(a)}, and {_word(b)}"
            )
    if da == 1 and db == 1:
        if a.shape[0] != b.shape[0]:
            raise _dot_size_error(a.shape[0], b.shape[0])
    elif db == 1:
        rows = int(np.prod(a.shape[:-1]))
        if a.shape[-1] != b.shape[0]:
            raise _mv_size_error(rows, a.shape[-1], b.shape[0])
    elif da == 1 and db == 2:
        if a.shape[0] != b.shape[0]:
            raise _mm_shape_error((1, a.shape[0]), b.shape)
    elif da <= 2 and db == 2 or (da >= 3 and db == 2):
        rows = int(np.prod(a.shape[:-1]))
        if a.shape[-1] != b.shape[0]:
            raise _mm_shape_error((rows, a.shape[-1]), b.shape)
    else:
        ba = a.shape[:-2] if da >= 2 else ()
        bb = b.shape[:-2]
        try:
            batch = np.broadcast_shapes(ba, bb)
        except ValueError:
            raise broadcast_mismatch(ba, bb) from None
        inner = a.shape[-1]
        if inner != b.shape[-2]:
            p = int(np.prod(batch))
            raise RuntimeError(
                f"Expected size for first two dimensions of batch2 tensor to be: [{p}, {inner}] "
                f"but got: [{p}, {b.shape[-2]}]."
            )
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_cname(a)} != {_cname(b)}"
        )
    if da == 1 and db == 1:
        kernel = "dot"
    elif db == 1:
        kernel = "addmv_impl_cpu"
    elif db == 2:
        kernel = "addmm_impl_cpu_"
    else:
        kernel = "bmm"
    _check_bool(a, kernel)


def matmul(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Matrix product with NumPy/PyTorch semantics: 1-D, 2-D and broadcast batches.

    Example:
        >>> import chainrule as torch
        >>> torch.matmul(torch.ones(2, 3), torch.ones(3))
        tensor([3., 3.])
    """
    if input.__class__ is Tensor and other.__class__ is Tensor and out is None:
        a, b = input._data, other._data
        # the commonest call (a layer: matrix @ matrix of one float dtype), checked in one go
        if a.ndim == 2 and b.ndim == 2 and a.dtype is b.dtype and a.dtype.kind == "f":
            if a.shape[1] == b.shape[0]:
                return _mm_fast(input, other)
    a = _tensor_arg(input, "matmul")
    b = _tensor_arg(other, "matmul", 2, "other")
    _matmul_check(a, b)
    da, db = a.ndim, b.ndim
    if da == 1 and db == 1:
        op = DOT
    elif da == 2 and db == 1:
        op = MV
    elif da == 1 and db == 2:
        op = MATMUL_VM
    elif da == 2 and db == 2:
        op = MM
    elif (
        db >= 3
        and input._requires_grad
        and (da == 2 or (da == 3 and db == 3 and a.shape[0] == 1 and b.shape[0] != 1))
    ):
        op = MATMUL_T  # PyTorch folds, then copies the transposed result: CloneBackward0
    else:
        op = MATMUL
    return apply(op, (input, other))


def mm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    """Product of two matrices (2-D only).

    Example:
        >>> import chainrule as torch
        >>> torch.mm(torch.ones(2, 3), torch.ones(3, 4)).shape
        torch.Size([2, 4])
    """
    a = _tensor_arg(input, "mm")
    b = _tensor_arg(mat2, "mm", 2, "mat2")
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise _mm_shape_error(a.shape, b.shape)
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_cname(a)} != {_cname(b)}"
        )
    _check_bool(a, "addmm_impl_cpu_")
    return apply(MM, (input, mat2))


def bmm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    """Batched matrix product of two 3-D tensors with equal batch sizes (no broadcasting).

    Example:
        >>> import chainrule as torch
        >>> torch.bmm(torch.ones(5, 2, 3), torch.ones(5, 3, 4)).shape
        torch.Size([5, 2, 4])
    """
    a = _tensor_arg(input, "bmm")
    b = _tensor_arg(mat2, "bmm", 2, "mat2")
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}]."
        )
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_word(a)} but found {_word(b)}")
    _check_bool(a, "bmm")
    return apply(BMM, (input, mat2))


def mv(input: Tensor, vec: Tensor, *, out=None) -> Tensor:
    """Matrix-vector product.

    Example:
        >>> import chainrule as torch
        >>> torch.mv(torch.ones(2, 3), torch.ones(3))
        tensor([3., 3.])
    """
    a = _tensor_arg(input, "mv")
    b = _tensor_arg(vec, "mv", 2, "vec")
    if a.ndim != 2 or b.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {b.ndim}")
    if a.shape[1] != b.shape[0]:
        raise _mv_size_error(a.shape[0], a.shape[1], b.shape[0])
    if a.dtype != b.dtype:
        raise RuntimeError(
            "addmv input tensors must have the same dtype, but got "
            f"{_word(b)}, {_word(a)}, and {_word(b)}"
        )
    return apply(MV, (input, vec))


def dot(input: Tensor, tensor: Tensor, *, out=None) -> Tensor:
    """Inner product of two 1-D tensors.

    Example:
        >>> import chainrule as torch
        >>> torch.dot(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
        tensor(11.)
    """
    a = _tensor_arg(input, "dot")
    b = _tensor_arg(tensor, "dot", 2, "tensor")
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise _dot_size_error(a.shape[0], b.shape[0])
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {_word(a)} and {_word(b)}"
        )
    _check_bool(a, "dot")
    return apply(DOT, (input, tensor))


def _rmatmul(self: Tensor, other) -> Tensor:
    return matmul(other, self)


# ---------------------------------------------------------------- outer / addmm / baddbmm
OUTER = defop(
    "outer",
    lambda a, b: np.multiply.outer(a, b),
    inputs=("self", "vec2"),
    saves=("self", "vec2"),
    grads=(
        lambda F, g, a, b: F.sum(g * b, -1),
        lambda F, g, a, b: F.sum(g * F.unsqueeze_dims(a, (1,), 2), 0),
    ),
    node="MulBackward0",  # PyTorch computes outer as a broadcast multiply
    jvp="bilinear",
    explain={"self": "{vec2} (row sums)", "vec2": "{self} (column sums)"},
)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product of two 1-D tensors (PyTorch's type promotion applies).

    Example:
        >>> import chainrule as torch
        >>> torch.outer(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 0.0, 3.0]))
        tensor([[1., 0., 3.],
                [2., 0., 6.]])
    """
    a = _tensor_arg(input, "outer")
    b = _tensor_arg(vec2, "outer", 2, "vec2")
    if a.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {a.ndim}-D")
    if b.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument vec2, but got {b.ndim}-D")
    return apply(OUTER, (input, vec2))


def _addmm_fwd(c, a, b, beta, alpha):
    p = np.matmul(a, b)
    if alpha != 1:
        p = p * alpha
    if beta == 0:  # PyTorch ignores ``input`` (even NaN) when beta is 0
        return np.asarray(np.broadcast_to(p, p.shape) + np.zeros_like(p))
    return np.asarray(p + (c if beta == 1 else c * beta), dtype=p.dtype)


def _scaled(g, s):
    return g if s == 1 else g * s


def _addmm_entry(name, node):
    return defop(
        name,
        _addmm_fwd,
        inputs=("self", "mat1", "mat2"),
        saves=("mat1", "mat2"),
        grads=(
            lambda F, g, a, b, beta, alpha: _scaled(g, beta),
            lambda F, g, a, b, beta, alpha: _scaled(_matmul_grad_a(F, g, a, b), alpha),
            lambda F, g, a, b, beta, alpha: _scaled(_matmul_grad_b(F, g, a, b), alpha),
        ),
        node=node,
        promote="keep",
        jvp=_addmm_jvp,
        explain={
            "self": "beta",
            "mat1": "alpha · gradient @ mat2ᵀ",
            "mat2": "alpha · mat1ᵀ @ gradient",
        },
    )


def _addmm_jvp(F, tangents, a, b, beta, alpha):
    tc, ta, tb = tangents
    out = None
    if tc is not None:
        out = _scaled(tc, beta)
    p = _matmul_jvp(F, (ta, tb), a, b)
    if p is not None:
        p = _scaled(p, alpha)
        out = p if out is None else out + p
    return out


ADDMM = _addmm_entry("addmm", "AddmmBackward0")
BADDBMM = _addmm_entry("baddbmm", "BaddbmmBackward0")


def _check_add_input(c: np.ndarray, out_shape: tuple) -> None:
    """``input`` must expand to the product's shape (PyTorch's expand error otherwise)."""
    n = len(out_shape)
    if c.ndim > n:
        from .._tensor import legacy_type_name, wrap

        shape = ", ".join(map(str, c.shape))
        raise RuntimeError(
            f"expand({legacy_type_name(wrap(c))}{{[{shape}]}}, size={list(out_shape)}): the number "
            f"of sizes provided ({n}) must be greater or equal to the number of dimensions in the "
            f"tensor ({c.ndim})"
        )
    for k in range(1, c.ndim + 1):  # from the last dim, as expand checks
        if c.shape[-k] not in (1, out_shape[-k]):
            raise RuntimeError(
                f"The expanded size of the tensor ({out_shape[-k]}) must match the existing size "
                f"({c.shape[-k]}) at non-singleton dimension {n - k}.  Target sizes: "
                f"{list(out_shape)}.  Tensor sizes: {list(c.shape)}"
            )


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)`` (what ``nn.Linear`` computes).

    Example:
        >>> import chainrule as torch
        >>> torch.addmm(torch.ones(3), torch.ones(2, 4), torch.ones(4, 3))
        tensor([[5., 5., 5.],
                [5., 5., 5.]])
    """
    c = _tensor_arg(input, "addmm")
    a = _tensor_arg(mat1, "addmm", 2, "mat1")
    b = _tensor_arg(mat2, "addmm", 3, "mat2")
    if a.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {a.ndim}-D tensor")
    if b.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {b.ndim}-D tensor")
    if a.shape[1] != b.shape[0]:
        raise _mm_shape_error(a.shape, b.shape)
    for m, nm in ((a, "mat1"), (b, "mat2")):
        if m.dtype != c.dtype:
            raise RuntimeError(
                f"self and {nm} must have the same dtype, but got {_word(c)} and {_word(m)}"
            )
    _check_add_input(c, (a.shape[0], b.shape[1]))
    return apply(ADDMM, (input, mat1, mat2), (beta, alpha))


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (batch1 @ batch2)`` for 3-D batches.

    Example:
        >>> import chainrule as torch
        >>> torch.baddbmm(torch.zeros(2, 1, 1), torch.ones(2, 1, 3), torch.ones(2, 3, 1)).shape
        torch.Size([2, 1, 1])
    """
    c = _tensor_arg(input, "baddbmm")
    a = _tensor_arg(batch1, "baddbmm", 2, "batch1")
    b = _tensor_arg(batch2, "baddbmm", 3, "batch2")
    if a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}]."
        )
    if not (a.dtype == b.dtype == c.dtype):
        raise RuntimeError(
            f"expected scalar type {_word(c)} but found {_word(a if a.dtype != c.dtype else b)}"
        )
    _check_add_input(c, (a.shape[0], a.shape[1], b.shape[2]))
    return apply(BADDBMM, (input, batch1, batch2), (beta, alpha))


ADDMV = _addmm_entry("addmv", "AddmvBackward0")


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * (mat @ vec)``.

    Example:
        >>> import chainrule as torch
        >>> torch.addmv(torch.ones(2), torch.ones(2, 3), torch.ones(3), alpha=2)
        tensor([7., 7.])
    """
    c = _tensor_arg(input, "addmv")
    a = _tensor_arg(mat, "addmv", 2, "mat")
    b = _tensor_arg(vec, "addmv", 3, "vec")
    _addmv_check(c, a, b)
    return apply(ADDMV, (input, mat, vec), (beta, alpha))


def _addmv_check(c, a, b) -> None:
    if a.ndim != 2 or b.ndim != 1 or c.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {c.ndim}, {a.ndim}, {b.ndim}")
    if a.shape[1] != b.shape[0] or (c.ndim == 1 and c.shape[0] not in (1, a.shape[0])):
        shown = c.shape[0] if c.ndim else 1
        raise RuntimeError(
            f"size mismatch, got input ({shown}), mat ({a.shape[0]}x{a.shape[1]}), vec ({b.shape[0]})"
        )
    if not (a.dtype == b.dtype == c.dtype):
        raise RuntimeError(
            "addmv input tensors must have the same dtype, but got "
            f"{_word(c)}, {_word(a)}, and {_word(b)}"
        )


def _addr_fwd(c, v1, v2, beta, alpha):
    p = np.multiply.outer(v1, v2)
    if v1.dtype == np.bool_ and v2.dtype == np.bool_ and c.dtype == np.bool_:
        return np.asarray((c & bool(beta)) | (p & bool(alpha)))
    if alpha != 1:
        p = p * alpha
    if beta == 0:
        return np.asarray(np.broadcast_to(p, p.shape) + np.zeros_like(p))
    return np.asarray(p + (c if beta == 1 else c * beta))


def _addr_jvp(F, tangents, v1, v2, beta, alpha):
    tc, t1, t2 = tangents
    out = None if tc is None else _scaled(tc, beta)
    if t1 is not None:
        out = _add_opt(out, _scaled(F.outer(t1, v2), alpha))
    if t2 is not None:
        out = _add_opt(out, _scaled(F.outer(v1, t2), alpha))
    return out


def _add_opt(a, b):
    return b if a is None else a + b


ADDR = defop(
    "addr",
    _addr_fwd,
    inputs=("self", "vec1", "vec2"),
    saves=("vec1", "vec2"),
    grads=(
        lambda F, g, v1, v2, beta, alpha: _scaled(g, beta),
        lambda F, g, v1, v2, beta, alpha: _scaled(F.sum(g * v2, -1), alpha),
        lambda F, g, v1, v2, beta, alpha: _scaled(
            F.sum(g * F.unsqueeze_dims(v1, (1,), 2), 0), alpha
        ),
    ),
    jvp=_addr_jvp,
    explain={"self": "beta", "vec1": "alpha · gradient @ vec2", "vec2": "alpha · gradientᵀ @ vec1"},
)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)`` (types promote as PyTorch's).

    Example:
        >>> import chainrule as torch
        >>> torch.addr(torch.zeros(2, 2), torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0]))
        tensor([[1., 3.],
                [2., 6.]])
    """
    c = _tensor_arg(input, "addr")
    v1 = _tensor_arg(vec1, "addr", 2, "vec1")
    v2 = _tensor_arg(vec2, "addr", 3, "vec2")
    for v, nm in ((v1, "vec1"), (v2, "vec2")):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {nm}, but got {v.ndim}-D")
    _check_add_input(c, (v1.shape[0], v2.shape[0]))
    return apply(ADDR, (input, vec1, vec2), (beta, alpha))


def _addbmm_fwd(c, a, b, beta, alpha):
    p = np.matmul(a, b).sum(0)
    if alpha != 1:
        p = p * alpha
    if beta == 0:
        return np.asarray(p + np.zeros_like(p))
    return np.asarray(p + (c if beta == 1 else c * beta), dtype=p.dtype)


def _addbmm_jvp(F, tangents, a, b, beta, alpha):
    tc, ta, tb = tangents
    out = None if tc is None else _scaled(tc, beta)
    p = _matmul_jvp(F, (ta, tb), a, b)
    if p is not None:
        out = _add_opt(out, _scaled(F.sum(p, 0), alpha))
    return out


ADDBMM = defop(
    "addbmm",
    _addbmm_fwd,
    inputs=("self", "batch1", "batch2"),
    saves=("batch1", "batch2"),
    grads=(
        lambda F, g, a, b, beta, alpha: _scaled(g, beta),
        lambda F, g, a, b, beta, alpha: _scaled(F.matmul(g, F.transpose(b, -1, -2)), alpha),
        lambda F, g, a, b, beta, alpha: _scaled(F.matmul(F.transpose(a, -1, -2), g), alpha),
    ),
    promote="keep",
    jvp=_addbmm_jvp,
    explain={
        "self": "beta",
        "batch1": "alpha · gradient @ batch2[b]ᵀ",
        "batch2": "alpha · batch1[b]ᵀ @ gradient",
    },
)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``.

    Example:
        >>> import chainrule as torch
        >>> torch.addbmm(torch.zeros(2, 2), torch.ones(3, 2, 4), torch.ones(3, 4, 2))
        tensor([[12., 12.],
                [12., 12.]])
    """
    c = _tensor_arg(input, "addbmm")
    a = _tensor_arg(batch1, "addbmm", 2, "batch1")
    b = _tensor_arg(batch2, "addbmm", 3, "batch2")
    for t in (a, b):
        if t.ndim < 3:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [-{t.ndim}, {t.ndim - 1}], "
                "but got 2)"
            )
    if a.ndim != 3 or b.ndim != 3:
        raise RuntimeError(
            "batch1 must be a 3D tensor" if a.ndim != 3 else "batch2 must be a 3D tensor"
        )
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(
            f"batch1 and batch2 must have same number of batches, got {a.shape[0]} and {b.shape[0]}"
        )
    if a.shape[2] != b.shape[1]:
        raise RuntimeError(
            f"Incompatible matrix sizes for bmm ({a.shape[1]}x{a.shape[2]} and "
            f"{b.shape[1]}x{b.shape[2]})"
        )
    if not (a.dtype == b.dtype == c.dtype):
        raise RuntimeError(
            f"expected scalar type {_word(c)} but found {_word(a if a.dtype != c.dtype else b)}"
        )
    _check_add_input(c, (a.shape[1], b.shape[2]))
    return apply(ADDBMM, (input, batch1, batch2), (beta, alpha))


def _inplace(op_fn, op, name):
    def method(self: Tensor, *args, beta=1, alpha=1) -> Tensor:
        op_fn(self, *args, beta=beta, alpha=alpha)  # the out-of-place checks (shapes, dtypes)
        return apply_inplace(op, (self, *args), (beta, alpha))

    method.__name__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: ``self`` becomes ``beta * self + alpha * (...)``."
    return method


VDOT = _mm_entry("vdot", "VdotBackward0", {"self": "{other}", "other": "{self}"})


def vdot(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Dot product of two 1-D tensors, conjugating the first (``dot`` for real tensors).

    Example:
        >>> import chainrule as torch
        >>> torch.vdot(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
        tensor(11.)
    """
    a = _tensor_arg(input, "vdot")
    b = _tensor_arg(other, "vdot", 2, "other")
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise _dot_size_error(a.shape[0], b.shape[0])
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"vdot : expected both vectors to have same dtype, but found {_word(a)} and {_word(b)}"
        )
    if a.dtype.kind == "c":
        input = input.conj()
    return apply(VDOT, (input, other))


def inner(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Inner product over the last dims (a product when either is 0-d).

    Example:
        >>> import chainrule as torch
        >>> torch.inner(torch.ones(2, 3), torch.ones(4, 3)).shape
        torch.Size([2, 4])
    """
    from .extra import tensordot

    a = _tensor_arg(input, "inner")
    b = _tensor_arg(other, "inner", 2, "other")
    if a.ndim == 0 or b.ndim == 0:
        return input * other
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(
            "inner() the last dimension must match on both input tensors but got shapes "
            f"{list(a.shape)} and {list(b.shape)}"
        )
    if a.dtype != b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if a.ndim == 1 and b.ndim == 1:
        _check_bool(a, "dot")
    return tensordot(input, other, ([-1], [-1]))


# ---------------------------------------------------------------- trace / diag / tril / triu
def _trace_fwd(x):
    out = np.trace(x)
    return np.asarray(out, np.int64 if x.dtype.kind in "biu" else x.dtype)


def _trace_grad(F, g, shape):
    eye = np.eye(shape[0], shape[1], dtype=_data(g).dtype)
    return g * _const(F, eye)


TRACE = defop(
    "trace",
    _trace_fwd,
    saves=("self.shape",),
    grads=(_trace_grad,),
    jvp="linear",
    explain={"self": "1 on the diagonal"},
)


def trace(input: Tensor) -> Tensor:
    """Sum of the main diagonal of a 2-D tensor.

    Example:
        >>> import chainrule as torch
        >>> torch.trace(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(5.)
    """
    x = _tensor_arg(input, "trace")
    if x.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    if x.dtype == np.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return apply(TRACE, (input,))


def _diag_index(k: int, length: int):
    r = np.arange(length)
    return (r, r + k) if k >= 0 else (r - k, r)


def _embed_fwd(v, k, shape):
    """``v`` on the k-th diagonal of a zero matrix (square, or of ``shape``)."""
    n = v.shape[0]
    if shape is None:
        shape = (n + abs(k), n + abs(k))
    out = np.zeros(shape, v.dtype)
    out[_diag_index(k, n)] = v
    return out


def _extract_fwd(x, k):
    return np.diagonal(x, k).copy()


DIAG_EMBED = defop(
    "diag_embed",
    _embed_fwd,
    grads=(lambda F, g, k, shape: _call(F, DIAG, (g,), (k,)),),
    node="DiagEmbedBackward0",
    jvp="linear",
    explain={"self": "1 (onto the diagonal)"},
)
DIAG = defop(
    "diag",
    _extract_fwd,
    saves=("self.shape",),
    grads=(lambda F, g, shape, k: _call(F, DIAG_EMBED, (g,), (k, shape)),),
    node="DiagonalBackward0_copy",
    jvp="linear",
    explain={"self": "1 on the diagonal"},
)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """1-D: a matrix with ``input`` on the ``diagonal``-th diagonal; 2-D: that diagonal.

    Example:
        >>> import chainrule as torch
        >>> torch.diag(torch.tensor([1.0, 2.0]))
        tensor([[1., 0.],
                [0., 2.]])
    """
    x = _tensor_arg(input, "diag")
    k = int(diagonal)
    if x.ndim == 1:
        return apply(DIAG_EMBED, (input,), (k, None))
    if x.ndim == 2:
        return apply(DIAG, (input,), (k,))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {x.ndim}D")


TRIL = defop(
    "tril",
    lambda x, k: np.tril(x, k),
    grads=(lambda F, g, k: _call(F, TRIL, (g,), (k,)),),
    jvp="linear",
    explain={"self": "1 on and below the diagonal"},
)
TRIU = defop(
    "triu",
    lambda x, k: np.triu(x, k),
    grads=(lambda F, g, k: _call(F, TRIU, (g,), (k,)),),
    jvp="linear",
    explain={"self": "1 on and above the diagonal"},
)


def tril(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """Lower triangle (of the last two dims), zeros elsewhere.

    Example:
        >>> import chainrule as torch
        >>> torch.tril(torch.ones(2, 2))
        tensor([[1., 0.],
                [1., 1.]])
    """
    x = _tensor_arg(input, "tril")
    if x.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return apply(TRIL, (input,), (int(diagonal),))


def triu(input: Tensor, diagonal: int = 0, *, out=None) -> Tensor:
    """Upper triangle (of the last two dims), zeros elsewhere.

    Example:
        >>> import chainrule as torch
        >>> torch.triu(torch.ones(2, 2))
        tensor([[1., 1.],
                [0., 1.]])
    """
    x = _tensor_arg(input, "triu")
    if x.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return apply(TRIU, (input,), (int(diagonal),))


def tril_(self: Tensor, diagonal: int = 0) -> Tensor:
    """In-place ``tril``."""
    if _tensor_arg(self, "tril_").ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return apply_inplace(TRIL, (self,), (int(diagonal),))


def triu_(self: Tensor, diagonal: int = 0) -> Tensor:
    """In-place ``triu``."""
    if _tensor_arg(self, "triu_").ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return apply_inplace(TRIU, (self,), (int(diagonal),))


# ---------------------------------------------------------------- einsum
_LETTERS = string.ascii_letters


def _einsum_error(msg: str) -> RuntimeError:
    return RuntimeError(f"einsum(): {msg}")


def _parse_einsum(eq: str, shapes: list) -> tuple:
    """Canonical form: explicit letters (no '...'), explicit output. Checks as PyTorch."""
    eq = eq.replace(" ", "")
    if "->" in eq:
        lhs, rhs = eq.split("->", 1)
    else:
        lhs, rhs = eq, None
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise _einsum_error("fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise _einsum_error("more operands were provided than specified in the equation")
    used = set(c for c in eq if c.isalpha())
    for c in eq:
        if not (c.isalpha() or c in ",.->"):
            raise _einsum_error(
                f"invalid subscript given at index {eq.index(c)} in the equation string, subscripts must be in [a-zA-Z]"
            )
    for i, t in enumerate(terms):
        rest = t.replace("...", "", 1)
        if "." in rest:
            if "..." in t and "..." in rest:
                raise _einsum_error(
                    f"found '.' for operand {i} for which an ellipsis was already found"
                )
            raise _einsum_error(f"found '.' for operand {i} that is not part of any ellipsis")
    free = [c for c in _LETTERS if c not in used]
    n_ell = 0
    for t, shp in zip(terms, shapes):
        k = len(t.replace("...", ""))
        if "..." in t:
            n_ell = max(n_ell, len(shp) - k)
    ell = "".join(free[:n_ell])
    subs = []
    for i, (t, shp) in enumerate(zip(terms, shapes)):
        k = len(t.replace("...", ""))
        if "..." in t:
            e = len(shp) - k
            if e < 0:
                raise _einsum_error(
                    f"the number of subscripts in the equation ({k}) is more than the number of "
                    f"dimensions ({len(shp)}) for operand {i}"
                )
            t = t.replace("...", ell[n_ell - e :] if e else "")
        elif k != len(shp):
            raise _einsum_error(
                f"the number of subscripts in the equation ({k}) does not match the number of "
                f"dimensions ({len(shp)}) for operand {i} and no ellipsis was given"
            )
        subs.append(t)
    sizes: dict = {}
    for i, (t, shp) in enumerate(zip(subs, shapes)):
        local: dict = {}
        for c, s in zip(t, shp):
            if c in local and local[c] != s:
                raise _einsum_error(
                    f"subscript {c} is repeated for operand {i} but the sizes don't match, "
                    f"{s} != {local[c]}"
                )
            local[c] = s
        for c, s in local.items():
            prev = sizes.get(c)
            if prev is None or prev == 1:
                sizes[c] = s
            elif s != 1 and s != prev:
                raise _einsum_error(
                    f"subscript {c} has size {s} for operand {i} which does not broadcast with "
                    f"previously seen size {prev}"
                )
    if rhs is None:
        counts: dict = {}
        for t in subs:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        out = rhs.replace("...", ell)
        seen = set()
        for c in out:
            if c in seen:
                raise _einsum_error(f"output subscript {c} appears more than once in the output")
            if c not in sizes:
                raise _einsum_error(
                    f"output subscript {c} does not appear in the equation for any input operand"
                )
            seen.add(c)
    return subs, out, sizes


def _einsum_optimize(arrays, subs):
    """BLAS-backed contraction paths pay off for big problems or many operands; tiny ones
    are faster with NumPy's direct loops (no path search)."""
    if len(arrays) > 2:
        return "greedy"
    sizes: dict = {}
    for a, t in zip(arrays, subs):
        for c, n in zip(t, a.shape):
            sizes[c] = max(sizes.get(c, 1), n)
    work = 1
    for n in sizes.values():
        work *= n
    return "greedy" if work > 32768 else False


def _einsum_fwd(*args):
    *arrays, subs, out = args
    eq = ",".join(subs) + "->" + out
    res = np.einsum(eq, *arrays, optimize=_einsum_optimize(arrays, subs))
    res = np.asarray(res)
    if res.base is not None or any(res is a for a in arrays):
        res = res.copy()  # einsum may return a view (e.g. 'ii->i'); PyTorch returns new memory
    return res


def _einsum_operand_grad(F, g, arrays, subs, out, i):
    """d/d operand i: einsum of the gradient with the other operands."""
    mine = subs[i]
    shape = arrays[i].shape
    used = set("".join(subs) + out)
    free = iter(c for c in _LETTERS if c not in used)
    ins, terms = [g], [out]
    avail: dict = dict(zip(out, _data(g).shape))  # the largest size each letter has elsewhere
    for j, a in enumerate(arrays):
        if j != i:
            ins.append(a)
            terms.append(subs[j])
            for c, n in zip(subs[j], a.shape):
                avail[c] = max(avail.get(c, 0), n)
    target = []
    seen = set()
    dt = _data(g).dtype
    for c, n in zip(mine, shape):
        if c in seen:  # repeated subscript: the gradient lives on the diagonal
            d = next(free)
            ins.append(_const(F, np.eye(n, dtype=dt)))
            terms.append(c + d)
            target.append(d)
            continue
        seen.add(c)
        if avail.get(c, 0) < n:  # summed within this operand only (or broadcast elsewhere)
            ins.append(_const(F, np.ones(n, dtype=dt)))
            terms.append(c)
        target.append(c)
    return _einsum_call(F, ins, terms, "".join(target))


def _einsum_call(F, ins, terms, out):
    """``einsum`` inside a formula: NumPy on the fast path, the public op under create_graph."""
    if F is array_ns:
        return _einsum_fwd(*ins, tuple(terms), out)
    return einsum(",".join(terms) + "->" + out, *ins)


def _einsum_backward(F, g, needs, *rest):
    *arrays, subs, out = rest
    return [
        _einsum_operand_grad(F, g, arrays, subs, out, i) if need else None
        for i, need in enumerate(needs)
    ]


def _einsum_jvp(F, tangents, *rest):
    *arrays, subs, out = rest
    total = None
    for i, t in enumerate(tangents):
        if t is None:
            continue
        ins = list(arrays)
        ins[i] = t
        r = _einsum_call(F, ins, list(subs), out)
        total = r if total is None else total + r
    return total


_EINSUM_BY_N: dict = {}
for _n in (1, 2, 3, 4):
    _names = ("self",) if _n == 1 else tuple(f"operand{j}" for j in range(_n))
    _nodes = ("PermuteBackward0", "SumBackward1") if _n == 1 else ("MulBackward0", "ViewBackward0")
    _pair = []
    for _node in _nodes:
        _suffix = {"PermuteBackward0": "", "MulBackward0": "", "SumBackward1": "_sum"}.get(
            _node, "_contract"
        )
        _pair.append(
            defop(
                f"einsum{_n}{_suffix}",
                _einsum_fwd,
                inputs=_names,
                saves=_names,
                backward=_einsum_backward,
                node=_node,
                promote="keep",
                jvp=_einsum_jvp,
                explain={nm: "einsum of the gradient with the other operands" for nm in _names},
            )
        )
    _EINSUM_BY_N[_n] = tuple(_pair)


def _einsum_node_kind(subs, out) -> int:
    """Which node PyTorch ends with: 0 = permute (one operand) / mul, 1 = sum / view (some
    subscript is summed away)."""
    return int(any(c not in out for c in "".join(subs)))


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation (``'ij,jk->ik'``, implicit outputs, ``'...'`` broadcasting, traces).

    Example:
        >>> import chainrule as torch
        >>> torch.einsum("ii->", torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        tensor(5.)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    for j, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"einsum(): argument 'operands' must be tuple of Tensors, but found element of "
                f"type {type(t).__name__} at pos {j}"
            )
    arrays = [t._data for t in operands]
    subs, out, _ = _parse_einsum(equation, [a.shape for a in arrays])
    for a in arrays[1:]:
        if a.dtype != arrays[0].dtype:
            raise RuntimeError(f"expected scalar type {_word(arrays[0])} but found {_word(a)}")
    ops = list(operands)
    # more than 4 operands: contract the first two into an intermediate (same result)
    while len(ops) > 4:
        keep = set("".join(subs[2:]) + out)
        mid = "".join(dict.fromkeys(c for c in subs[0] + subs[1] if c in keep))
        ops = [_einsum_apply(ops[:2], subs[:2], mid)] + ops[2:]
        subs = [mid] + subs[2:]
    return _einsum_apply(ops, subs, out)


def _einsum_apply(ops, subs, out):
    op = _EINSUM_BY_N[len(ops)][_einsum_node_kind(subs, out)]
    return apply(op, tuple(ops), (tuple(subs), out))


# ---------------------------------------------------------------- linalg: det / inv
def _inv_fwd(x):
    try:
        return np.linalg.inv(x)
    except np.linalg.LinAlgError:
        from .decomp import LinAlgError, lu_factor_partial

        info = lu_factor_partial(x)[2]
        k = int(np.flatnonzero(info.reshape(-1))[0])
        where = f"(Batch element {k}): " if x.ndim > 2 else ""
        raise LinAlgError(
            f"linalg.inv: {where}The diagonal element {int(info.reshape(-1)[k])} is zero, the "
            "inversion could not be completed because the input matrix is singular."
        ) from None


INV = defop(
    "linalg_inv",
    _inv_fwd,
    saves=("result",),
    grads=(lambda F, g, r: -F.matmul(F.matmul(F.transpose(r, -1, -2), g), F.transpose(r, -1, -2)),),
    node="LinalgInvExBackward0",
    jvp=lambda F, ts, r: -F.matmul(F.matmul(r, ts[0]), r),
    explain={"self": "-A⁻ᵀ · gradient · A⁻ᵀ"},
)


def _det_grad(F, g, x, r):
    # d det(A) / dA = det(A) · A⁻ᵀ (invertible inputs)
    inv = _call(F, INV, (x,))
    return F.unsqueeze_dims(
        F.unsqueeze_dims(g * r, (r.ndim,), r.ndim + 1), (r.ndim + 1,), r.ndim + 2
    ) * F.transpose(inv, -1, -2)


DET = defop(
    "linalg_det",
    lambda x: np.asarray(np.linalg.det(x)),
    saves=("self", "result"),
    grads=(_det_grad,),
    node="LinalgDetBackward0",
    jvp=lambda F, ts, x, r: F.sum(F.sum(_det_grad(F, F.ones_like(r), x, r) * ts[0], -1), -1),
    explain={"self": "det({u})·{u}⁻ᵀ"},
)


def square_shape_check(x: np.ndarray, fname: str) -> None:
    """PyTorch's errors for an input that is not a (batch of) square matrices."""
    if x.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    if x.shape[-1] != x.shape[-2]:
        raise RuntimeError(
            f"{fname}: A must be batches of square matrices, but they are "
            f"{x.shape[-2]} by {x.shape[-1]} matrices"
        )


def _square_check(x: np.ndarray, name: str) -> None:
    square_shape_check(x, f"linalg.{name}")
    if x.dtype.kind not in "fc":
        raise RuntimeError(
            f"linalg.{name}: Expected a floating point or complex tensor as input. Got {_word(x)}"
        )


def inv(A: Tensor, *, out=None) -> Tensor:
    """Inverse of a square matrix (or a batch of them).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.inv(torch.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    _square_check(_tensor_arg(A, "linalg_inv", arg="A"), "inv")
    return apply(INV, (A,))


def det(A: Tensor, *, out=None) -> Tensor:
    """Determinant of a square matrix (or a batch of them).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.det(torch.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor(8.)
    """
    _square_check(_tensor_arg(A, "linalg_det", arg="A"), "det")
    return apply(DET, (A,))


def _make_linalg_module() -> types.ModuleType:
    mod = types.ModuleType("chainrule.linalg", "Linear algebra (``torch.linalg``).")
    mod.vector_norm = vector_norm
    mod.inv = inv
    mod.det = det
    mod.matmul = matmul

    def __getattr__(name: str):  # solve, svd, ... live in lazily loaded modules
        from ._lazy import linalg_attr

        return linalg_attr(name)

    def __dir__() -> list:
        from ._lazy import LINALG_OWNER

        return sorted(set(mod.__dict__) | set(LINALG_OWNER))

    mod.__getattr__ = __getattr__
    mod.__dir__ = __dir__
    sys.modules["chainrule.linalg"] = mod
    return mod


for _f in (
    matmul,
    mm,
    bmm,
    mv,
    dot,
    outer,
    addmm,
    baddbmm,
    addmv,
    addr,
    addbmm,
    vdot,
    inner,
    trace,
    diag,
    tril,
    triu,
):
    expose(_f)
for _f, _op in ((addmm, ADDMM), (baddbmm, BADDBMM), (addmv, ADDMV), (addr, ADDR), (addbmm, ADDBMM)):
    expose(_inplace(_f, _op, _f.__name__ + "_"), method=True)
    if _f is not addmv:  # torch.addmv_ exists; the others are Tensor methods only
        PUBLIC.pop(_f.__name__ + "_", None)
expose(outer, "ger")
expose(einsum, method=False)
expose(det, "det")
expose(inv, "inverse")
expose(_rmatmul, "__rmatmul__", method=True)
expose(matmul, "__matmul__", method=True)
expose(tril_, method=True)
expose(triu_, method=True)
for _n in ("__rmatmul__", "__matmul__", "tril_", "triu_"):
    PUBLIC.pop(_n, None)
PUBLIC["linalg"] = _make_linalg_module()
