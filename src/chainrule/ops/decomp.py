"""Matrix decompositions and solvers: ``linalg.solve``/``solve_triangular``, ``cholesky``, ``qr``,
``eigh``, ``svd``, ``slogdet``, ``matrix_exp``, ``pinv``, ``lstsq``, ``householder_product`` and
the PyTorch front-ends built on them (``triangular_solve``, ``cholesky_solve``,
``cholesky_inverse``, ``torch.svd``, ``torch.qr`` ...).

Every entry works on batches (``(..., m, n)``). Backward formulas are PyTorch's (the adjoint of
the decomposition's differential); they call the entries themselves through ``_call`` so that
``create_graph=True`` gives higher derivatives. Eigen- and singular vectors are unique only up to
sign: LAPACK builds differ (NumPy ships OpenBLAS, PyTorch MKL), so the vectors may differ from
PyTorch's by a column sign while everything sign-invariant (values, projectors, ``U @ Vh``,
gradients of such functions) agrees.
"""

from __future__ import annotations

import math

import numpy as np

from .._cwarn import cpp_warn
from .._tensor import Tensor
from ..autograd import grad_mode
from . import linalg as _linalg  # (also creates PUBLIC['linalg'] first)
from ._dispatch import apply, no_complex_autograd
from ._registry import defop
from .reduce import _call, _const, _data, _word


class LinAlgError(RuntimeError):
    """``torch.linalg.LinAlgError``: a decomposition or solve failed (singular, not PD ...)."""


LinAlgError.__module__ = "torch._C"
LinAlgError.__qualname__ = LinAlgError.__name__ = "_LinAlgError"


# ---------------------------------------------------------------- helpers
def _mT(F, x):
    return F.transpose(x, -1, -2)


def _eye(F, n: int, like):
    return _const(F, np.eye(n, dtype=_data(like).dtype))


def _diag_embed(F, v):
    """``(..., n) -> (..., n, n)`` with ``v`` on the diagonal."""
    nd = len(v.shape)
    return F.unsqueeze_dims(v, (nd,), nd + 1) * _eye(F, v.shape[-1], v)


def _diag(F, x):
    """The diagonal of square matrices ``(..., n, n) -> (..., n)``."""
    return F.sum(x * _eye(F, x.shape[-1], x), -1)


def _tri(F, x, upper: bool, k: int = 0):
    from .linalg import TRIL, TRIU

    return _call(F, TRIU if upper else TRIL, (x,), (k,))


def _col(F, v):
    """``(..., n) -> (..., n, 1)``."""
    nd = len(v.shape)
    return F.unsqueeze_dims(v, (nd,), nd + 1)


def _row(F, v):
    """``(..., n) -> (..., 1, n)``."""
    nd = len(v.shape)
    return F.unsqueeze_dims(v, (nd - 1,), nd + 1)


def _add(a, b):
    return b if a is None else (a if b is None else a + b)


def _batch_prefix(batch_shape: tuple, flat_index: int) -> str:
    return f"(Batch element {flat_index}): " if batch_shape else ""


def _first_bad(flags: np.ndarray) -> int:
    return int(np.flatnonzero(np.reshape(flags, -1))[0])


def _check_matrix(x: np.ndarray, fname: str, square: bool = True, arg: str = "A") -> None:
    if x.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor {arg} must have at least 2 dimensions.")
    if square and x.shape[-1] != x.shape[-2]:
        raise RuntimeError(
            f"{fname}: A must be batches of square matrices, but they are "
            f"{x.shape[-2]} by {x.shape[-1]} matrices"
        )
    if x.dtype.kind not in "fc":
        raise RuntimeError(
            f"{fname}: Expected a floating point or complex tensor as input. Got {_word(x)}"
        )


def _tensor(x, fname: str, pos: int = 1, arg: str = "A") -> np.ndarray:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{fname}(): argument '{arg}' (position {pos}) must be Tensor, not {type(x).__name__}"
        )
    return x._data


def _same_dtype(a: np.ndarray, b: np.ndarray, fname: str) -> None:
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"{fname}: Expected A and B to have the same dtype, but found A of type {_word(a)} "
            f"and B of type {_word(b)} instead"
        )


# ---------------------------------------------------------------- solve
def _solve_fwd(A, B, left, vec):
    b = B[..., None] if vec and left else (B[..., None, :] if vec else B)
    try:
        if left:
            x = np.linalg.solve(A, b)
        else:
            x = np.swapaxes(np.linalg.solve(np.swapaxes(A, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)
    except np.linalg.LinAlgError:
        bad = np.linalg.det(A) == 0
        raise LinAlgError(
            f"torch.linalg.solve: {_batch_prefix(A.shape[:-2], _first_bad(bad))}The solver failed "
            "because the input matrix is singular."
        ) from None
    if vec:
        x = x[..., 0] if left else x[..., 0, :]
    return np.asarray(x)


def _outer_or_mm(F, a, b, vec, left):
    """``a @ b^T`` (left) or ``a^T @ b`` with the vector case's shapes."""
    if vec:
        return _col(F, a) * _row(F, b)
    return F.matmul(a, _mT(F, b)) if left else F.matmul(_mT(F, a), b)


def _solve_backward(F, g, needs, A, X, left, vec):
    gB = _call(F, SOLVE, (_mT(F, A), g), (left, vec))
    gA = None
    if needs[0]:
        gA = -(_outer_or_mm(F, gB, X, vec, True) if left else _outer_or_mm(F, X, gB, vec, False))
    return gA, gB if needs[1] else None


def _mv(F, M, v, vec, left):
    """``M @ v`` (left) or ``v @ M``, ``v`` a (batch of) vector(s) when ``vec``."""
    if vec:
        return F.sum(M * _row(F, v), -1) if left else F.sum(_col(F, v) * M, -2)
    return F.matmul(M, v) if left else F.matmul(v, M)


def _solve_jvp(F, tangents, A, X, left, vec):
    tA, tB = tangents
    rhs = tB
    if tA is not None:
        rhs = _add(rhs, -_mv(F, tA, X, vec, left))
    return _call(F, SOLVE, (A, rhs), (left, vec))


SOLVE = defop(
    "linalg_solve",
    _solve_fwd,
    inputs=("A", "B"),
    saves=("A", "result"),
    backward=_solve_backward,
    node="LinalgSolveExBackward0",
    promote="keep",
    jvp=_solve_jvp,
    explain={"A": "-A⁻ᵀ · gradient · Xᵀ", "B": "A⁻ᵀ · gradient"},
)


def _is_vector_rhs(a: np.ndarray, b: np.ndarray) -> bool:
    return b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])


def solve(A: Tensor, B: Tensor, *, left: bool = True, out=None) -> Tensor:
    """Solution ``X`` of ``A @ X = B`` (``X @ A = B`` when ``left=False``); ``B`` may be a vector.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.solve(torch.tensor([[2.0, 0.0], [0.0, 4.0]]), torch.tensor([2.0, 2.0]))
        tensor([1.0000, 0.5000])
    """
    a = _tensor(A, "linalg_solve")
    b = _tensor(B, "linalg_solve", 2, "B")
    _check_matrix(a, "linalg.solve")
    _same_dtype(a, b, "linalg.solve")
    vec = _is_vector_rhs(a, b)
    bm = b[..., None] if vec else b
    n = a.shape[-1]
    rows = bm.shape[-2] if left else bm.shape[-1]
    if bm.ndim < 2 or rows != n:
        shown = f"{bm.shape[-2]}x{bm.shape[-1]}" if bm.ndim >= 2 else f"{bm.shape[0]}x1"
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation {eq} ({n}x{n} and "
            f"{shown})"
        )
    return apply(SOLVE, (A, B), (bool(left), vec))


# ---------------------------------------------------------------- triangular solves
def _tri_matrix(A, upper, unitriangular):
    T = np.triu(A) if upper else np.tril(A)
    if unitriangular:
        n = A.shape[-1]
        T = T.copy()
        T[..., np.arange(n), np.arange(n)] = 1
    return T


def _solve_tri_fwd(A, B, upper, left, unitriangular):
    T = _tri_matrix(A, upper, unitriangular)
    with np.errstate(all="ignore"):
        try:
            if left:
                return np.asarray(np.linalg.solve(T, B))
            return np.asarray(
                np.swapaxes(np.linalg.solve(np.swapaxes(T, -1, -2), np.swapaxes(B, -1, -2)), -1, -2)
            )
        except np.linalg.LinAlgError:
            # a zero on the diagonal: PyTorch (trtrs) returns inf/nan rather than raising
            return _tri_substitution(T, B, upper, left)


def _tri_substitution(T, B, upper, left):
    """Substitution over the rows (vectorised over batch and right-hand sides), for singular T."""
    if not left:
        Tt = np.swapaxes(T, -1, -2)
        return np.swapaxes(_tri_substitution(Tt, np.swapaxes(B, -1, -2), not upper, True), -1, -2)
    n = T.shape[-1]
    T, B = np.broadcast_arrays(T, B[..., :, :] if B.ndim >= T.ndim else B)
    shape = np.broadcast_shapes(T.shape[:-2], B.shape[:-2]) + B.shape[-2:]
    X = np.zeros(shape, np.result_type(T, B))
    order = range(n - 1, -1, -1) if upper else range(n)
    for i in order:
        s = B[..., i, :] - np.sum(T[..., i, :, None] * X, -2)
        X[..., i, :] = s / T[..., i, i, None]
    return X


def _solve_tri_backward(F, g, needs, A, X, upper, left, unitriangular):
    gB = _call(F, SOLVE_TRIANGULAR, (_mT(F, A), g), (not upper, left, unitriangular))
    gA = None
    if needs[0]:
        gA = -(F.matmul(gB, _mT(F, X)) if left else F.matmul(_mT(F, X), gB))
        gA = _tri(F, gA, upper, (1 if upper else -1) if unitriangular else 0)
    return gA, gB if needs[1] else None


def _solve_tri_jvp(F, tangents, A, X, upper, left, unitriangular):
    tA, tB = tangents
    rhs = tB
    if tA is not None:
        tT = _tri(F, tA, upper, (1 if upper else -1) if unitriangular else 0)
        rhs = _add(rhs, -(F.matmul(tT, X) if left else F.matmul(X, tT)))
    return _call(F, SOLVE_TRIANGULAR, (A, rhs), (upper, left, unitriangular))


SOLVE_TRIANGULAR = defop(
    "linalg_solve_triangular",
    _solve_tri_fwd,
    inputs=("self", "B"),
    saves=("self", "result"),
    backward=_solve_tri_backward,
    node="LinalgSolveTriangularBackward0",
    promote="keep",
    jvp=_solve_tri_jvp,
    explain={"self": "-triangle(A⁻ᵀ · gradient · Xᵀ)", "B": "A⁻ᵀ · gradient"},
)


def _check_tri_shapes(a, b, fname, left, eq="AX = B"):
    if b.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor B must have at least 2 dimensions.")
    n = a.shape[-1]
    if (b.shape[-2] if left else b.shape[-1]) != n:
        raise RuntimeError(
            f"{fname}: Incompatible shapes of A and B for the equation {eq} ({n}x{n} and "
            f"{b.shape[-2]}x{b.shape[-1]})"
        )


def solve_triangular(
    A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False, out=None
) -> Tensor:
    """Solve ``A @ X = B`` (``X @ A = B`` when ``left=False``) for triangular ``A``; only the
    ``upper`` (or lower) triangle of ``A`` is read, its diagonal taken as ones if
    ``unitriangular``.

    Example:
        >>> import chainrule as torch
        >>> A = torch.tensor([[2.0, 1.0], [0.0, 1.0]])
        >>> torch.linalg.solve_triangular(A, torch.tensor([[3.0], [1.0]]), upper=True)
        tensor([[1.],
                [1.]])
    """
    a = _tensor(A, "linalg_solve_triangular", arg="input")
    b = _tensor(B, "linalg_solve_triangular", 2, "B")
    _check_matrix(a, "linalg.solve_triangular")
    _same_dtype(a, b, "linalg.solve_triangular")
    _check_tri_shapes(a, b, "linalg.solve_triangular", left, "AX = B" if left else "XA = B")
    return apply(SOLVE_TRIANGULAR, (A, B), (bool(upper), bool(left), bool(unitriangular)))


def _tsolve_fwd(b, A, upper, transpose, unitriangular):
    if transpose:
        x = _solve_tri_fwd(np.swapaxes(A, -1, -2), b, not upper, True, unitriangular)
    else:
        x = _solve_tri_fwd(A, b, upper, True, unitriangular)
    return x, np.array(np.broadcast_to(A, x.shape[:-2] + A.shape[-2:]))


def _tsolve_backward(F, grads, needs, A, X, upper, transpose, unitriangular):
    gX, gM = grads
    At = A if transpose else _mT(F, A)
    gb = _call(F, TRIANGULAR_SOLVE, (gX, At), (upper != (not transpose), False, unitriangular))[0]
    gA = None
    if needs[1]:
        gA = -(F.matmul(X, _mT(F, gb)) if transpose else F.matmul(gb, _mT(F, X)))
        gA = _tri(F, gA, upper, (1 if upper else -1) if unitriangular else 0) + gM
    return (gb if needs[0] else None), gA


def _tsolve_jvp(F, tangents, A, X, upper, transpose, unitriangular):
    tb, tA = tangents
    rhs = tb
    tM = None
    if tA is not None:
        tM = tA
        tT = _tri(F, tA, upper, (1 if upper else -1) if unitriangular else 0)
        rhs = _add(rhs, -F.matmul(_mT(F, tT) if transpose else tT, X))
    dX = _call(F, TRIANGULAR_SOLVE, (rhs, A), (upper, transpose, unitriangular))[0]
    return dX, (tM if tM is not None else F.zeros_like(A))


TRIANGULAR_SOLVE = defop(
    "triangular_solve",
    _tsolve_fwd,
    inputs=("self", "A"),
    saves=("A", "result"),
    backward=_tsolve_backward,
    outputs=2,
    promote="keep",
    jvp=_tsolve_jvp,
    explain={"self": "A⁻ᵀ · gradient", "A": "-triangle(A⁻ᵀ · gradient · Xᵀ)"},
)


def triangular_solve(
    b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False, unitriangular: bool = False
):
    """Deprecated ``torch.triangular_solve``: ``(solution, cloned_coefficient)`` of ``A X = b``
    (``Aᵀ X = b`` with ``transpose``).

    Example:
        >>> import chainrule as torch
        >>> A = torch.tensor([[2.0, 1.0], [0.0, 1.0]])
        >>> torch.triangular_solve(torch.tensor([[3.0], [1.0]]), A).solution
        tensor([[1.],
                [1.]])
    """

    from .reduce import return_type

    cpp_warn(
        "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand will "
        "be removed in a future PyTorch release.\ntorch.linalg.solve_triangular has its arguments "
        "reversed and does not return a copy of one of the inputs.\nX = torch.triangular_solve(B, "
        "A).solution\nshould be replaced with\nX = torch.linalg.solve_triangular(A, B).",
        "aten/src/ATen/native/BatchLinearAlgebra.cpp:2273",
        stacklevel=2,
        once=True,
    )
    bb = _tensor(b, "triangular_solve", arg="input")
    a = _tensor(A, "triangular_solve", 2, "A")
    if bb.ndim < 2 or a.ndim < 2:
        raise RuntimeError(
            f"torch.triangular_solve: Expected b to have at least 2 dimensions, but it has "
            f"{bb.ndim} dimensions instead"
            if bb.ndim < 2
            else f"torch.triangular_solve: Expected A to have at least 2 dimensions, but it has "
            f"{a.ndim} dimensions instead"
        )
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"triangular_solve: A must be batches of square matrices, but they are "
            f"{a.shape[-2]} by {a.shape[-1]} matrices"
        )
    if a.shape[-1] != bb.shape[-2]:
        raise RuntimeError(
            f"Incompatible matrix sizes for triangular_solve: each A matrix is {a.shape[-1]} by "
            f"{a.shape[-1]} but each b matrix is {bb.shape[-2]} by {bb.shape[-1]}"
        )
    x, m = apply(TRIANGULAR_SOLVE, (b, A), (bool(upper), bool(transpose), bool(unitriangular)))
    return return_type("triangular_solve", ("solution", "cloned_coefficient"))((x, m))


# ---------------------------------------------------------------- Cholesky
def _chol_partial(A):
    """Column-by-column Cholesky (LAPACK's potf2) on the lower triangle: the factor, and the
    order of the first leading minor that is not positive-definite (0 when there is none),
    per matrix. Vectorised over the batch; used only when the fast factorisation fails."""
    n = A.shape[-1]
    L = np.tril(A).astype(A.dtype, copy=True)
    info = np.zeros(A.shape[:-2], np.int32)
    alive = np.ones(A.shape[:-2], bool)
    for j in range(n):
        d = L[..., j, j] - np.sum(L[..., j, :j] ** 2, -1)
        fail = alive & ~(d > 0)
        info = np.where(fail, j + 1, info)
        ok = alive & ~fail
        L[..., j, j] = np.where(ok, np.sqrt(np.where(ok, d, 1)), np.where(fail, d, L[..., j, j]))
        below = L[..., j + 1 :, j] - np.sum(L[..., j + 1 :, :j] * L[..., j, None, :j], -1)
        below = below / np.where(ok, L[..., j, j], 1)[..., None]
        L[..., j + 1 :, j] = np.where(ok[..., None], below, L[..., j + 1 :, j])
        alive = ok
    return L, info


def _chol_fwd(A, upper, fname="linalg.cholesky"):
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        _, info = _chol_partial(A)
        k = _first_bad(info != 0)
        order = int(np.reshape(info, -1)[k])
        raise LinAlgError(
            f"{fname}: {_batch_prefix(A.shape[:-2], k)}The factorization could not be completed "
            f"because the input is not positive-definite (the leading minor of order {order} is "
            "not positive-definite)."
        ) from None
    return np.swapaxes(L, -1, -2).copy() if upper else L


def _chol_grad(F, g, L, upper, *rest):
    """PyTorch's cholesky_backward: L⁻ᴴ Φ(Lᴴ gL) L⁻¹, symmetrised (Φ: lower, half diagonal)."""
    if upper:
        L, g = _mT(F, L), _mT(F, g)
    n = L.shape[-1]
    inv = _call(F, _inv_op(), (L,))
    phi = F.matmul(_mT(F, L), g)
    mask = np.tril(np.ones((n, n))) - 0.5 * np.eye(n)
    phi = phi * _const(F, mask.astype(_data(L).dtype))
    ga = F.matmul(F.matmul(_mT(F, inv), phi), inv)
    return (ga + _mT(F, ga)) * 0.5


def _chol_jvp(F, tangents, L, upper, *rest):
    t = tangents[0]
    Lo = _mT(F, L) if upper else L
    n = Lo.shape[-1]
    inv = _call(F, _inv_op(), (Lo,))
    sym = (t + _mT(F, t)) * 0.5
    m = F.matmul(F.matmul(inv, sym), _mT(F, inv))
    mask = np.tril(np.ones((n, n))) - 0.5 * np.eye(n)
    dL = F.matmul(Lo, m * _const(F, mask.astype(_data(L).dtype)))
    return _mT(F, dL) if upper else dL


def _inv_op():
    from .linalg import INV

    return INV


CHOLESKY = defop(
    "linalg_cholesky",
    _chol_fwd,
    saves=("result",),
    grads=(_chol_grad,),
    node="LinalgCholeskyExBackward0",
    promote="keep",
    jvp=_chol_jvp,
    explain={"self": "L⁻ᵀ Φ(Lᵀ · gradient) L⁻¹ (symmetrised)"},
)
CHOLESKY_LEGACY = defop(
    "cholesky",
    lambda A, upper: _chol_fwd(A, upper, "cholesky"),
    saves=("result",),
    grads=(_chol_grad,),
    node="CholeskyBackward0",
    promote="keep",
    jvp=_chol_jvp,
    explain={"self": "L⁻ᵀ Φ(Lᵀ · gradient) L⁻¹ (symmetrised)"},
)


def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """Cholesky factor ``L`` (lower, ``A = L Lᴴ``) of a symmetric positive-definite matrix;
    ``upper=True`` gives ``Lᴴ``. Only the lower triangle of ``A`` is read.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.cholesky(torch.tensor([[4.0, 2.0], [2.0, 2.0]]))
        tensor([[2., 0.],
                [1., 1.]])
    """
    a = _tensor(A, "linalg_cholesky")
    _check_matrix(a, "linalg.cholesky")
    if upper:
        A = A.mT
    return apply(CHOLESKY, (A,), (bool(upper),))


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out=None):
    """``linalg.cholesky`` returning ``(L, info)``; ``info`` is the order of the first leading
    minor that is not positive-definite (0 on success).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.cholesky_ex(torch.tensor([[1.0, 2.0], [2.0, 1.0]])).info
        tensor(2, dtype=torch.int32)
    """
    from .._tensor import wrap
    from .reduce import return_type

    a = _tensor(A, "linalg_cholesky_ex")
    _check_matrix(a, "linalg.cholesky")
    src = np.swapaxes(a, -1, -2) if upper else a
    try:
        np.linalg.cholesky(src)
        info = np.zeros(a.shape[:-2], np.int32)
        L = cholesky(A, upper=upper)
    except np.linalg.LinAlgError:
        if check_errors:
            cholesky(A, upper=upper)
        Lp, info = _chol_partial(src)
        L = wrap(np.swapaxes(Lp, -1, -2).copy() if upper else Lp)
    return return_type("linalg_cholesky_ex", ("L", "info"))((L, wrap(info)))


def cholesky_legacy(input: Tensor, upper: bool = False, *, out=None) -> Tensor:  # noqa: A002
    """Deprecated ``torch.cholesky`` (``linalg.cholesky`` with the node ``CholeskyBackward0``).

    Example:
        >>> import chainrule as torch
        >>> import warnings; warnings.simplefilter("ignore")
        >>> torch.cholesky(torch.tensor([[4.0, 2.0], [2.0, 2.0]]))
        tensor([[2., 0.],
                [1., 1.]])
    """

    cpp_warn(
        "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a "
        "future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = "
        "torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\nshould be replaced "
        "with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce equivalent results "
        "for all valid (symmetric positive definite) inputs.",
        "aten/src/ATen/native/BatchLinearAlgebra.cpp:1765",
        stacklevel=2,
        once=True,
    )
    a = _tensor(input, "cholesky", arg="input")
    _check_matrix(a, "cholesky")
    return apply(CHOLESKY_LEGACY, (input.mT if upper else input,), (bool(upper),))


def _chol_solve_fwd(B, L, upper):
    Lo = np.swapaxes(L, -1, -2) if upper else L
    y = _solve_tri_fwd(Lo, B, False, True, False)
    return _solve_tri_fwd(np.swapaxes(Lo, -1, -2), y, True, True, False)


def _chol_solve_backward(F, g, needs, B, L, X, upper):
    gB = _call(F, CHOLESKY_SOLVE, (g, L), (upper,))
    gL = None
    if needs[1]:
        c = F.matmul(gB, _mT(F, X))
        c = c + _mT(F, c)
        gL = -F.matmul(L, c) if upper else -F.matmul(c, L)
    return (gB if needs[0] else None), gL


def _chol_solve_jvp(F, tangents, B, L, X, upper):
    tB, tL = tangents
    rhs = tB
    if tL is not None:
        # A = L Lᵀ (or Uᵀ U): dA = dL Lᵀ + L dLᵀ
        dA = F.matmul(_mT(F, tL), L) if upper else F.matmul(tL, _mT(F, L))
        dA = dA + _mT(F, dA)
        rhs = _add(rhs, -F.matmul(dA, X))
    return _call(F, CHOLESKY_SOLVE, (rhs, L), (upper,))


CHOLESKY_SOLVE = defop(
    "cholesky_solve",
    _chol_solve_fwd,
    inputs=("self", "input2"),
    saves=("self", "input2", "result"),
    backward=_chol_solve_backward,
    promote="keep",
    jvp=_chol_solve_jvp,
    explain={"self": "(L Lᵀ)⁻¹ · gradient", "input2": "-(G Xᵀ + X Gᵀ) L"},
)


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """Solve ``A X = B`` given the Cholesky factor ``L`` of ``A`` (``upper``: ``A = Uᵀ U``).

    Example:
        >>> import chainrule as torch
        >>> L = torch.tensor([[2.0, 0.0], [1.0, 1.0]])
        >>> torch.cholesky_solve(torch.tensor([[4.0], [2.0]]), L)
        tensor([[1.],
                [0.]])
    """
    b = _tensor(B, "cholesky_solve", arg="input")
    lo = _tensor(L, "cholesky_solve", 2, "input2")
    if b.ndim < 2 or lo.ndim < 2:
        which, t = ("b", b) if b.ndim < 2 else ("A", lo)
        raise RuntimeError(
            f"u should have at least 2 dimensions, but has {t.ndim} dimensions instead"
            if which == "A"
            else f"b should have at least 2 dimensions, but has {t.ndim} dimensions instead"
        )
    if lo.shape[-1] != lo.shape[-2]:
        raise RuntimeError(
            f"cholesky_solve: A must be batches of square matrices, but they are "
            f"{lo.shape[-2]} by {lo.shape[-1]} matrices"
        )
    if lo.shape[-1] != b.shape[-2]:
        raise RuntimeError(
            f"Incompatible matrix sizes for cholesky_solve: each A matrix is {lo.shape[-1]} by "
            f"{lo.shape[-1]} but each b matrix is {b.shape[-2]} by {b.shape[-1]}"
        )
    if b.dtype != lo.dtype:
        raise RuntimeError(
            f"Expected b and A to have the same dtype, but found b of type {_word(b)} and A of "
            f"type {_word(lo)} instead."
        )
    return apply(CHOLESKY_SOLVE, (B, L), (bool(upper),))


def _chol_inv_fwd(L, upper):
    n = L.shape[-1]
    eye = np.broadcast_to(np.eye(n, dtype=L.dtype), L.shape)
    return _chol_solve_fwd(np.array(eye), L, upper)


def _chol_inv_grad(F, g, L, R, upper):
    c = g + _mT(F, g)
    c = F.matmul(R, F.matmul(c, R))
    return -F.matmul(L, c) if upper else -F.matmul(c, L)


def _chol_inv_jvp(F, tangents, L, R, upper):
    t = tangents[0]
    dA = F.matmul(_mT(F, t), L) if upper else F.matmul(t, _mT(F, L))
    dA = dA + _mT(F, dA)
    return -F.matmul(R, F.matmul(dA, R))


CHOLESKY_INVERSE = defop(
    "cholesky_inverse",
    _chol_inv_fwd,
    saves=("self", "result"),
    grads=(_chol_inv_grad,),
    promote="keep",
    jvp=_chol_inv_jvp,
    explain={"self": "-A⁻¹ (G + Gᵀ) A⁻¹ L"},
)


def cholesky_inverse(L: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """Inverse of ``A = L Lᵀ`` (``Uᵀ U`` when ``upper``) from its Cholesky factor.

    Example:
        >>> import chainrule as torch
        >>> torch.cholesky_inverse(torch.tensor([[2.0, 0.0], [0.0, 1.0]]))
        tensor([[0.2500, 0.0000],
                [0.0000, 1.0000]])
    """
    lo = _tensor(L, "cholesky_inverse", arg="input")
    if lo.ndim < 2:
        raise RuntimeError("cholesky_inverse: The input tensor A must have at least 2 dimensions.")
    if lo.shape[-1] != lo.shape[-2]:
        raise RuntimeError(
            f"cholesky_inverse: A must be batches of square matrices, but they are "
            f"{lo.shape[-2]} by {lo.shape[-1]} matrices"
        )
    _check_matrix(lo, "cholesky_inverse")
    return apply(CHOLESKY_INVERSE, (L,), (bool(upper),))


# ---------------------------------------------------------------- QR
def _qr_fwd(A, mode):
    if mode == "r":
        r = np.linalg.qr(A, mode="r")
        return np.zeros((0,), A.dtype), np.asarray(r)
    q, r = np.linalg.qr(A, mode=mode)
    return np.asarray(q), np.asarray(r)


def _copyltu(F, M):
    """``tril(M, -1) + tril(M, -1)ᵀ + diag(M)``."""
    low = _tri(F, M, False, -1)
    return low + _mT(F, low) + _diag_embed(F, _diag(F, M))


def _qr_back_tall(F, gQ, gR, Q, R):
    M = F.matmul(R, _mT(F, gR)) - F.matmul(_mT(F, gQ), Q)
    b = gQ + F.matmul(Q, _copyltu(F, M))
    # b R⁻ᵀ:  X Rᵀ = b
    return _call(F, SOLVE_TRIANGULAR, (_mT(F, R), b), (False, False, False))


def _qr_backward(F, grads, needs, Q, R, mode):
    if mode == "r":
        raise RuntimeError(
            "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
            "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
            "linalg.qr."
        )
    gQ, gR = grads
    m, n = Q.shape[-2], R.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError(
            "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
        )
    if m >= n:
        return (_qr_back_tall(F, gQ, gR, Q, R),)
    # wide: A = [X | Y] with X = Q U square, Y = Q V
    gV = gR[..., :, m:]
    Y = F.matmul(Q, R[..., :, m:])
    gX = _qr_back_tall(F, gQ + F.matmul(Y, _mT(F, gV)), gR[..., :, :m], Q, R[..., :, :m])
    return (F.cat([gX, F.matmul(Q, gV)], -1),)


def _syminv(F, X):
    """Upper triangle of ``X`` with the diagonal halved."""
    n = X.shape[-1]
    mask = np.triu(np.ones((n, n))) - 0.5 * np.eye(n)
    return X * _const(F, mask.astype(_data(X).dtype))


def _qr_jvp_tall(F, dA, Q, R):
    dA_Rinv = _call(F, SOLVE_TRIANGULAR, (R, dA), (True, False, False))
    C = F.matmul(_mT(F, Q), dA_Rinv)
    dX = _syminv(F, C + _mT(F, C))
    return dA_Rinv - F.matmul(Q, dX), F.matmul(dX, R)


def _qr_jvp(F, tangents, Q, R, mode):
    dA = tangents[0]
    m, n = R.shape[-2] if mode == "r" else Q.shape[-2], R.shape[-1]
    if mode == "r":
        raise RuntimeError(
            "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
            "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
            "linalg.qr."
        )
    if mode == "complete" and m > n:
        raise RuntimeError(
            "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
        )
    if m >= n:
        return _qr_jvp_tall(F, dA, Q, R)
    dQ, dR1 = _qr_jvp_tall(F, dA[..., :, :m], Q, R[..., :, :m])
    dR2 = F.matmul(_mT(F, Q), dA[..., :, m:] - F.matmul(dQ, R[..., :, m:]))
    return dQ, F.cat([dR1, dR2], -1)


QR = defop(
    "linalg_qr",
    _qr_fwd,
    saves=("result", "result1"),
    backward=_qr_backward,
    node="LinalgQrBackward0",
    outputs=2,
    promote="keep",
    jvp=_qr_jvp,
    explain={"self": "(gQ + Q·copyltu(R gRᵀ - gQᵀ Q)) R⁻ᵀ"},
)


def qr(A: Tensor, mode: str = "reduced", *, out=None):
    """QR decomposition ``A = Q R`` (``mode``: 'reduced', 'complete', or 'r' for R only).

    Example:
        >>> import chainrule as torch
        >>> Q, R = torch.linalg.qr(torch.tensor([[3.0, 1.0], [4.0, 2.0]]))
        >>> R
        tensor([[-5.0000, -2.2000],
                [ 0.0000,  0.4000]])
    """
    from .reduce import return_type

    a = _tensor(A, "linalg_qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'"
        )
    _check_matrix(a, "linalg.qr", square=False)
    q, r = apply(QR, (A,), (mode,))
    return return_type("linalg_qr", ("Q", "R"))((q, r))


def qr_legacy(input: Tensor, some: bool = True, *, out=None):  # noqa: A002
    """Deprecated ``torch.qr(input, some=True)``: ``linalg.qr`` with 'reduced' or 'complete'.

    Example:
        >>> import chainrule as torch
        >>> import warnings; warnings.simplefilter("ignore")
        >>> torch.qr(torch.eye(2)).R
        tensor([[1., 0.],
                [0., 1.]])
    """

    from .reduce import return_type

    cpp_warn(
        "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future "
        "PyTorch release.\nThe boolean parameter 'some' has been replaced with a string "
        "parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced with\nQ, R = "
        "torch.linalg.qr(A, 'reduced' if some else 'complete')",
        "aten/src/ATen/native/BatchLinearAlgebra.cpp:2505",
        stacklevel=2,
        once=True,
    )
    q, r = qr(input, "reduced" if some else "complete")
    return return_type("qr", ("Q", "R"))((q, r))


# ---------------------------------------------------------------- eigh
def _eigh_fwd(A, uplo):
    w, v = np.linalg.eigh(A, UPLO=uplo)
    return np.asarray(w), np.asarray(v)


def _inv_gaps(F, L):
    """``1 / (L_j - L_i)`` off the diagonal, 0 on it."""
    n = L.shape[-1]
    E = _row(F, L) - _col(F, L)
    eye = _eye(F, n, L)
    return (1 - eye) / (E + eye)


def _eigh_backward(F, grads, needs, L, V, uplo):
    gL, gV = grads
    VtgV = F.matmul(_mT(F, V), gV)
    # the gradient on symmetric matrices (PyTorch's convention): the skew part of VᵀgV
    inner = _diag_embed(F, gL) + (VtgV - _mT(F, VtgV)) * 0.5 * _inv_gaps(F, L)
    return (F.matmul(V, F.matmul(inner, _mT(F, V))),)


def _eigh_jvp(F, tangents, L, V, uplo):
    t = tangents[0]
    t = (t + _mT(F, t)) * 0.5  # tangents act through their symmetric part (see backward)
    dP = F.matmul(_mT(F, V), F.matmul(t, V))
    return _diag(F, dP), F.matmul(V, dP * _inv_gaps(F, L))


EIGH = defop(
    "linalg_eigh",
    _eigh_fwd,
    saves=("result", "result1"),
    backward=_eigh_backward,
    node="LinalgEighBackward0",
    outputs=2,
    promote="keep",
    jvp=_eigh_jvp,
    explain={"self": "V (diag(gL) + (Vᵀ gV)/(λⱼ - λᵢ)) Vᵀ"},
)


def _check_uplo(UPLO: str) -> str:
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO.upper()


def eigh(A: Tensor, UPLO: str = "L", *, out=None):  # noqa: N803  (PyTorch's argument name)
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix (its ``UPLO`` triangle).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.eigh(torch.tensor([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
        tensor([1., 2.])
    """
    from .reduce import return_type

    a = _tensor(A, "linalg_eigh")
    uplo = _check_uplo(UPLO)
    _check_matrix(a, "linalg.eigh")
    w, v = apply(EIGH, (A,), (uplo,))
    return return_type("linalg_eigh", ("eigenvalues", "eigenvectors"))((w, v))


def eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:  # noqa: N803
    """Eigenvalues (ascending) of a symmetric matrix.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.eigvalsh(torch.tensor([[2.0, 1.0], [1.0, 2.0]]))
        tensor([1., 3.])
    """
    a = _tensor(A, "linalg_eigvalsh")
    uplo = _check_uplo(UPLO)
    _check_matrix(a, "linalg.eigvalsh")
    return apply(EIGH, (A,), (uplo,))[0]


# ---------------------------------------------------------------- eig (general matrices)
def _eig_input(A: Tensor, fname: str) -> np.ndarray:
    """The checks ``linalg.eig`` and ``linalg.eigvals`` share, PyTorch's order and words."""
    a = _tensor(A, fname.replace(".", "_"))
    _linalg.square_shape_check(a, fname)
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"Unknown Complex ScalarType for {_word(a)}")
    if a.dtype == np.float16:
        raise NotImplementedError("\"linalg_eig_out_cpu\" not implemented for 'Half'")
    if A._requires_grad and grad_mode.state.enabled:
        raise no_complex_autograd(fname)  # (symmetric matrices: linalg.eigh differentiates)
    return a


def _complex_of(a: np.ndarray):
    return np.complex64 if a.dtype in (np.float32, np.complex64) else np.complex128


def eig(A: Tensor, *, out=None):  # noqa: N803  (PyTorch's argument name)
    """Eigenvalues and eigenvectors of a general square matrix, as complex tensors (LAPACK's
    geev: each eigenvector of unit norm, its largest component real; real eigenvectors are
    unique only up to sign, complex ones up to a phase).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.eig(torch.tensor([[2.0, 0.0], [0.0, 1.0]])).eigenvalues
        tensor([2.+0.j, 1.+0.j])
    """
    from .._tensor import wrap
    from .reduce import return_type

    a = _eig_input(A, "linalg.eig")
    if not np.isfinite(a).all():
        raise RuntimeError("torch.linalg.eig: input tensor should not contain infs or NaNs.")
    cdt = _complex_of(a)
    w, v = np.linalg.eig(a)
    res = return_type("linalg_eig", ("eigenvalues", "eigenvectors"))(
        (wrap(np.asarray(w).astype(cdt)), wrap(np.asarray(v).astype(cdt)))
    )
    if out is not None:
        for o, r in zip(out, res):
            o.data = r
        return return_type("linalg_eig", ("eigenvalues", "eigenvectors"))(tuple(out))
    return res


def eigvals(A: Tensor, *, out=None) -> Tensor:  # noqa: N803
    """Eigenvalues of a general square matrix, as a complex tensor (in ``linalg.eig``'s order).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.eigvals(torch.tensor([[0.0, -1.0], [1.0, 0.0]]))
        tensor([0.+1.j, 0.-1.j])
    """
    from .._tensor import wrap

    a = _eig_input(A, "linalg.eigvals")
    cdt = _complex_of(a)
    if np.isfinite(a).all():
        w = np.asarray(np.linalg.eigvals(a)).astype(cdt)
    else:  # LAPACK's answer for a NaN or inf: no error, the eigenvalues are not meaningful
        w = np.full(a.shape[:-1], np.nan, cdt)
    result = wrap(w)
    if out is not None:
        out.data = result
        return out
    return result


# ---------------------------------------------------------------- SVD
def _svd_fwd(A, full_matrices):
    u, s, vh = np.linalg.svd(A, full_matrices=full_matrices)
    return np.asarray(u), np.asarray(s), np.asarray(vh)


def _skew(F, X):
    return X - _mT(F, X)


def _svd_backward(F, grads, needs, U, S, Vh, full_matrices):
    gU, gS, gVh = grads
    k = S.shape[-1]
    if full_matrices:
        U, Vh, gU, gVh = U[..., :, :k], Vh[..., :k, :], gU[..., :, :k], gVh[..., :k, :]
    m, n = U.shape[-2], Vh.shape[-1]
    S2 = S * S
    eye = _eye(F, k, S)
    E = _row(F, S2) - _col(F, S2) + eye
    UhgU = _skew(F, F.matmul(_mT(F, U), gU))
    VhgV = _skew(F, F.matmul(Vh, _mT(F, gVh)))
    ret = (UhgU * _row(F, S) + _col(F, S) * VhgV) / E + _diag_embed(F, gS)
    if m > k:
        gUSinv = gU / _row(F, S)
        gA = F.matmul(U, ret) + gUSinv - F.matmul(U, F.matmul(_mT(F, U), gUSinv))
        return (F.matmul(gA, Vh),)
    if n > k:
        SinvgVh = gVh / _col(F, S)
        gA = F.matmul(ret, Vh) + SinvgVh - F.matmul(F.matmul(SinvgVh, _mT(F, Vh)), Vh)
        return (F.matmul(U, gA),)
    return (F.matmul(U, F.matmul(ret, Vh)),)


def _svd_jvp(F, tangents, U, S, Vh, full_matrices):
    dA = tangents[0]
    k = S.shape[-1]
    m, n = U.shape[-2], Vh.shape[-1]
    if full_matrices and m != n:
        raise RuntimeError(
            "linalg.svd: forward-mode differentiation of the singular vectors is not supported "
            "when full_matrices=True and the input is not square"
        )
    V = _mT(F, Vh)
    dP = F.matmul(_mT(F, U), F.matmul(dA, V))
    dS = _diag(F, dP)
    S2 = S * S
    eye = _eye(F, k, S)
    invE = (1 - eye) / (_row(F, S2) - _col(F, S2) + eye)
    dU = F.matmul(U, (F.matmul(dP, _diag_embed(F, S)) + _col(F, S) * _mT(F, dP)) * invE)
    dV = F.matmul(V, (_col(F, S) * dP + F.matmul(_mT(F, dP), _diag_embed(F, S))) * invE)
    if m > k:
        dAV = F.matmul(dA, V) / _row(F, S)
        dU = dU + dAV - F.matmul(U, F.matmul(_mT(F, U), dAV))
    if n > k:
        dAU = F.matmul(_mT(F, dA), U) / _row(F, S)
        dV = dV + dAU - F.matmul(V, F.matmul(Vh, dAU))
    return dU, dS, _mT(F, dV)


SVD = defop(
    "linalg_svd",
    _svd_fwd,
    saves=("result", "result1", "result2"),
    backward=_svd_backward,
    node="LinalgSvdBackward0",
    outputs=3,
    promote="keep",
    jvp=_svd_jvp,
    explain={"self": "U (skew terms / (σⱼ² - σᵢ²) + diag(gS)) Vᴴ"},
)


def svd(A: Tensor, full_matrices: bool = True, *, driver=None, out=None):
    """Singular value decomposition ``A = U diag(S) Vh`` (singular values descending).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.svd(torch.tensor([[3.0, 0.0], [0.0, 4.0]])).S
        tensor([4., 3.])
    """
    from .reduce import return_type

    a = _tensor(A, "linalg_svd")
    _check_matrix(a, "linalg.svd", square=False)
    u, s, vh = apply(SVD, (A,), (bool(full_matrices),))
    return return_type("linalg_svd", ("U", "S", "Vh"))((u, s, vh))


def svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    """Singular values, descending.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.svdvals(torch.tensor([[3.0, 0.0], [0.0, 4.0]]))
        tensor([4., 3.])
    """
    a = _tensor(A, "linalg_svdvals")
    _check_matrix(a, "linalg.svd", square=False)
    return apply(SVD, (A,), (False,))[1]


def svd_legacy(input: Tensor, some: bool = True, compute_uv: bool = True, *, out=None):  # noqa: A002
    """``torch.svd``: ``(U, S, V)`` with ``V`` (not ``Vh``); ``some=False`` gives full matrices;
    ``compute_uv=False`` returns zero-filled ``U`` and ``V``.

    Example:
        >>> import chainrule as torch
        >>> torch.svd(torch.tensor([[3.0, 0.0], [0.0, 4.0]])).S
        tensor([4., 3.])
    """
    from .._tensor import wrap
    from .reduce import return_type

    a = _tensor(input, "svd", arg="input")
    _check_matrix(a, "linalg.svd", square=False)
    cls = return_type("svd", ("U", "S", "V"))
    if not compute_uv:
        s = svdvals(input)
        m, n = a.shape[-2:]
        u = wrap(np.zeros(a.shape[:-2] + (m, m if not some else min(m, n)), a.dtype))
        v = wrap(np.zeros(a.shape[:-2] + (n, n if not some else min(m, n)), a.dtype))
        return cls((u, s, v))
    u, s, vh = apply(SVD, (input,), (not some,))
    return cls((u, s, vh.mT))


# ---------------------------------------------------------------- slogdet
def _slogdet_fwd(A):
    s, ld = np.linalg.slogdet(A)
    return np.asarray(s, A.dtype), np.asarray(ld, A.dtype)


def _slogdet_backward(F, grads, needs, A):
    g = grads[1]
    inv = _call(F, _inv_op(), (A,))
    nd = len(A.shape)
    return (F.unsqueeze_dims(g, (nd - 2, nd - 1), nd) * _mT(F, inv),)


def _slogdet_jvp(F, tangents, A):
    t = tangents[0]
    inv = _call(F, _inv_op(), (A,))
    d = F.sum(F.sum(_mT(F, inv) * t, -1), -1)
    return d * 0, d


SLOGDET = defop(
    "linalg_slogdet",
    _slogdet_fwd,
    saves=("self",),
    backward=_slogdet_backward,
    node="LinalgSlogdetBackward0",
    outputs=2,
    promote="keep",
    jvp=_slogdet_jvp,
    explain={"self": "{u}⁻ᵀ (for log|det|)"},
)


def slogdet(A: Tensor, *, out=None):
    """``(sign, log|det A|)`` of a square matrix (stable where ``det`` would overflow).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.slogdet(torch.tensor([[-2.0, 0.0], [0.0, 3.0]]))
        torch.return_types.linalg_slogdet(
        sign=tensor(-1.),
        logabsdet=tensor(1.7918))
    """
    from .reduce import return_type

    a = _tensor(A, "linalg_slogdet")
    _check_matrix(a, "linalg.slogdet")
    s, ld = apply(SLOGDET, (A,))
    return return_type("linalg_slogdet", ("sign", "logabsdet"))((s, ld))


def slogdet_top(input: Tensor, *, out=None):  # noqa: A002
    """``torch.slogdet`` (``torch.return_types.slogdet``)."""
    from .reduce import return_type

    s, ld = slogdet(input)
    return return_type("slogdet", ("sign", "logabsdet"))((s, ld))


def logdet(input: Tensor) -> Tensor:  # noqa: A002
    """``log det A``: NaN for a negative determinant, ``-inf`` for a singular matrix.

    Example:
        >>> import chainrule as torch
        >>> torch.logdet(torch.tensor([[2.0, 0.0], [0.0, 3.0]]))
        tensor(1.7918)
    """
    import chainrule

    _check_matrix(_tensor(input, "logdet", arg="input"), "linalg.slogdet")
    s, ld = apply(SLOGDET, (input,))
    return chainrule.where(s < 0, math.nan, ld)


# ---------------------------------------------------------------- matrix_exp
_PADE13 = (
    64764752532480000.0,
    32382376266240000.0,
    7771770303897600.0,
    1187353796428800.0,
    129060195264000.0,
    10559470521600.0,
    670442572800.0,
    33522128640.0,
    1323241920.0,
    40840800.0,
    960960.0,
    16380.0,
    182.0,
    1.0,
)
_THETA13 = 5.371920351148152


def _expm_fwd(A):
    """Scaling and squaring with the degree-13 Padé approximant (Higham 2005), per matrix."""
    dt = A.dtype
    a = A.astype(np.float64) if dt != np.float64 and dt.kind == "f" else A
    n = a.shape[-1]
    if n == 0:
        return A.copy()
    norm1 = np.max(np.sum(np.abs(a), axis=-2), axis=-1)
    with np.errstate(divide="ignore"):
        s = np.where(norm1 > _THETA13, np.ceil(np.log2(norm1 / _THETA13)), 0).astype(np.int64)
    s = np.where(np.isfinite(norm1), s, 0)
    a = a / (2.0**s)[..., None, None]
    b = _PADE13
    eye = np.eye(n, dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (
        a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye
    )
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = np.linalg.solve(v - u, v + u)
    top = int(s.max()) if s.size else 0
    for k in range(top):
        r = np.where((k < s)[..., None, None], r @ r, r)
    return np.asarray(r.astype(dt, copy=False))


def _expm_block(F, X, T):
    """The upper-right block of ``exp([[X, T], [0, X]])`` (the Fréchet derivative at X along T)."""
    n = X.shape[-1]
    z = F.zeros_like(X)
    M = F.cat([F.cat([X, T], -1), F.cat([z, X], -1)], -2)
    return _call(F, MATRIX_EXP, (M,))[..., :n, n:]


MATRIX_EXP = defop(
    "linalg_matrix_exp",
    _expm_fwd,
    saves=("self",),
    grads=(lambda F, g, A: _expm_block(F, _mT(F, A), g),),
    node="LinalgMatrixExpBackward0",
    promote="keep",
    jvp=lambda F, ts, A: _expm_block(F, A, ts[0]),
    explain={"self": "block of exp([[Aᵀ, G], [0, Aᵀ]])"},
)


def matrix_exp(A: Tensor) -> Tensor:
    """Matrix exponential ``sum_k A^k / k!`` of square matrices.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.matrix_exp(torch.zeros(2, 2))
        tensor([[1., 0.],
                [0., 1.]])
    """
    a = _tensor(A, "linalg_matrix_exp")
    _check_matrix(a, "linalg.matrix_exp")
    return apply(MATRIX_EXP, (A,))


# ---------------------------------------------------------------- pinv / lstsq
def _pinv_tols(a: np.ndarray, atol, rtol):
    """PyTorch's default: ``rtol = eps * max(m, n)`` unless only a positive ``atol`` is given."""
    eps = np.finfo(a.dtype).eps
    if rtol is None:
        rtol = (
            0.0
            if (atol is not None and np.any(np.asarray(_data(atol)) > 0))
            else eps * max(a.shape[-2:])
        )
    return (0.0 if atol is None else atol), rtol


def _pinv_fwd(A, atol, rtol, hermitian):
    if A.size == 0:
        return np.zeros(A.shape[:-2] + (A.shape[-1], A.shape[-2]), A.dtype)
    atol = np.asarray(atol, A.dtype)[..., None]
    rtol = np.asarray(rtol, A.dtype)[..., None]
    if hermitian:
        w, v = np.linalg.eigh(A)
        s = np.abs(w)
        tol = np.maximum(atol, rtol * np.max(s, -1, keepdims=True))
        inv = np.where(s > tol, 1 / np.where(s > tol, w, 1), 0)
        return np.asarray((v * inv[..., None, :]) @ np.swapaxes(v, -1, -2))
    u, s, vh = np.linalg.svd(A, full_matrices=False)
    tol = np.maximum(atol, rtol * s[..., :1])
    inv = np.where(s > tol, 1 / np.where(s > tol, s, 1), 0)
    return np.asarray((np.swapaxes(vh, -1, -2) * inv[..., None, :]) @ np.swapaxes(u, -1, -2))


def _pinv_grad(F, g, A, P, *rest):
    """The adjoint of d(A⁺) = -A⁺ dA A⁺ + A⁺A⁺ᵀ dAᵀ (I - AA⁺) + (I - A⁺A) dAᵀ A⁺ᵀA⁺."""
    Pt, gt = _mT(F, P), _mT(F, g)
    left = _eye(F, A.shape[-2], A) - F.matmul(A, P)
    right = _eye(F, A.shape[-1], A) - F.matmul(P, A)
    return (
        -F.matmul(F.matmul(Pt, g), Pt)
        + F.matmul(F.matmul(left, gt), F.matmul(P, Pt))
        + F.matmul(F.matmul(Pt, P), F.matmul(gt, right))
    )


def _pinv_jvp(F, tangents, A, P, *rest):
    t = tangents[0]
    tt = _mT(F, t)
    Pt = _mT(F, P)
    left = _eye(F, A.shape[-2], A) - F.matmul(A, P)
    right = _eye(F, A.shape[-1], A) - F.matmul(P, A)
    return (
        -F.matmul(F.matmul(P, t), P)
        + F.matmul(F.matmul(P, Pt), F.matmul(tt, left))
        + F.matmul(F.matmul(right, tt), F.matmul(Pt, P))
    )


PINV = defop(
    "linalg_pinv",
    _pinv_fwd,
    saves=("self", "result"),
    grads=(_pinv_grad,),
    node="LinalgPinvBackward0",
    promote="keep",
    jvp=_pinv_jvp,
    explain={"self": "-A⁺ᵀ G A⁺ᵀ + (I - AA⁺) Gᵀ A⁺A⁺ᵀ + A⁺ᵀA⁺ Gᵀ (I - A⁺A)"},
)


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, rcond=None, out=None):
    """Moore–Penrose pseudo-inverse; singular values at most ``max(atol, rtol·σ₁)`` are dropped.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.pinv(torch.tensor([[2.0, 0.0], [0.0, 0.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    a = _tensor(A, "linalg_pinv", arg="input")
    if a.ndim < 2 or a.dtype.kind not in "fc":
        shape = ", ".join(str(s) for s in a.shape)
        raise RuntimeError(
            f"linalg.pinv({_word(a)}{{[{shape}]}}): expected a tensor with 2 or more dimensions "
            "of float, double, cfloat or cdouble types"
        )
    if rcond is not None:
        rtol = rcond
    atol, rtol = _pinv_tols(a, atol, rtol)
    return apply(PINV, (A,), (_data(atol), _data(rtol), bool(hermitian)))


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:  # noqa: A002
    """``linalg.pinv(input, rtol=rcond)``.

    Example:
        >>> import chainrule as torch
        >>> torch.pinverse(torch.tensor([[2.0, 0.0], [0.0, 4.0]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    return pinv(input, rtol=rcond)


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def _lstsq_fwd(A, B, rcond, driver, vec):
    b = B[..., None] if vec else B
    P = _pinv_fwd(A, 0.0, rcond, False)
    X = np.asarray(P @ b)
    m, n = A.shape[-2:]
    s = np.linalg.svd(A, compute_uv=False) if A.size else np.zeros(A.shape[:-2] + (0,), A.dtype)
    tol = rcond * s[..., :1] if s.shape[-1] else s
    rank = np.sum(s > tol, -1).astype(np.int64)
    if driver != "gelsy" and m > n and np.all(rank == n):
        res = np.sum((A @ X - b) ** 2, -2)
        res = res[..., 0] if vec else res
    else:
        res = np.zeros((0,), A.dtype)
    if driver == "gels":
        rank = np.zeros((0,), np.int64)
    sv = s if driver in ("gelsd", "gelss") else np.zeros((0,), A.dtype)
    return (X[..., 0] if vec else X), np.asarray(res, A.dtype), np.asarray(rank), sv


def _lstsq_backward(F, grads, needs, A, B, X, res, rcond, driver, vec):
    gX, gR = grads[0], grads[1]
    P = _call(F, PINV, (A,), (0.0, rcond, False))
    gA = gB = None
    if vec:
        gX2, B2, X2 = _col(F, gX), _col(F, B), _col(F, X)
    else:
        gX2, B2, X2 = gX, B, X
    if needs[0]:
        gA = _pinv_grad(F, F.matmul(gX2, _mT(F, B2)), A, P)
    if needs[1]:
        gB = F.matmul(_mT(F, P), gX2)
    if _data(res).size:
        # residuals ‖A X - B‖² per column: X is optimal, so only A and B move them
        E = (F.matmul(A, X2) - B2) * (2 * (_row(F, gR) if not vec else _col(F, _col(F, gR))))
        if needs[0]:
            gA = gA + F.matmul(E, _mT(F, X2))
        if needs[1]:
            gB = gB - E
    if needs[1] and vec:
        gB = F.sum(gB, -1)
    return gA, gB


def _lstsq_jvp(F, tangents, A, B, X, res, rcond, driver, vec):
    tA, tB = tangents
    P = _call(F, PINV, (A,), (0.0, rcond, False))
    B2 = _col(F, B) if vec else B
    X2 = _col(F, X) if vec else X
    out = None
    if tA is not None:
        out = F.matmul(_pinv_jvp(F, (tA,), A, P), B2)
    if tB is not None:
        out = _add(out, F.matmul(P, _col(F, tB) if vec else tB))
    dres = None
    if _data(res).size:
        E = F.matmul(A, X2) - B2
        dE = None
        if tA is not None:
            dE = F.matmul(tA, X2)
        if tB is not None:
            dE = _add(dE, -(_col(F, tB) if vec else tB))
        dres = F.sum(2 * E * dE, -2)
        if vec:
            dres = F.sum(dres, -1)
    if vec:
        out = F.sum(out, -1)
    return out, (dres if dres is not None else F.zeros_like(res)), None, None


LSTSQ = defop(
    "linalg_lstsq",
    _lstsq_fwd,
    inputs=("self", "b"),
    saves=("self", "b", "result", "result1"),
    backward=_lstsq_backward,
    node="LinalgLstsqBackward0",
    outputs=4,
    nondiff_outputs=2,
    promote="keep",
    jvp=_lstsq_jvp,
    explain={"self": "pinv'(A)[gradient · Bᵀ]", "b": "A⁺ᵀ · gradient"},
)


def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B``: ``(solution, residuals, rank, singular_values)``
    as PyTorch's CPU drivers return them ('gelsy' by default: no residuals or singular values).

    Example:
        >>> import chainrule as torch
        >>> A = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
        >>> torch.linalg.lstsq(A, torch.tensor([[1.0], [2.0], [3.0]])).solution
        tensor([[1.],
                [2.]])
    """
    from .reduce import return_type

    a = _tensor(A, "linalg_lstsq", arg="self")
    b = _tensor(B, "linalg_lstsq", 2, "b")
    if driver is None:
        driver = "gelsy"
    if driver not in _DRIVERS:
        raise RuntimeError(
            "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"
        )
    if a.ndim < 2:
        raise RuntimeError(
            "torch.linalg.lstsq: input must have at least 2 dimensions.",
        )
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
            f"input's dtype {_word(a)} and other's dtype {_word(b)}"
        )
    _check_matrix(a, "torch.linalg.lstsq", square=False, arg="input")
    vec = b.ndim == a.ndim - 1
    if (b.shape[-1] if vec else b.shape[-2]) != a.shape[-2]:
        raise RuntimeError(
            "torch.linalg.lstsq: input.size(-2) should match other.size(-1)"
            if vec
            else "torch.linalg.lstsq: input.size(-2) should match other.size(-2)"
        )
    if rcond is None:
        rcond = float(np.finfo(a.dtype).eps * max(a.shape[-2:]))
    x, res, rank, sv = apply(LSTSQ, (A, B), (float(rcond), driver, vec))
    cls = return_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))
    return cls((x, res, rank, sv))


# ---------------------------------------------------------------- householder_product
def _reflectors(A, k):
    """The Householder vectors (..., m, k): A's columns below the diagonal, 1 on it."""
    m = A.shape[-2]
    rows = np.arange(m)[:, None]
    cols = np.arange(k)[None, :]
    V = np.where(rows > cols, A[..., :, :k], 0)
    return V + (rows == cols)


def _hh_fwd(A, tau):
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    V = _reflectors(A, k)
    Q = np.broadcast_to(np.eye(m, n, dtype=A.dtype), A.shape[:-2] + (m, n)).copy()
    for i in range(k - 1, -1, -1):  # Q = H_0 (H_1 (... (H_{k-1} I)))
        v = V[..., :, i]
        Q = Q - tau[..., i, None, None] * v[..., :, None] * (v[..., None, :] @ Q)
    return np.asarray(Q)


def _hh_parts(F, A, tau):
    """The reflectors H_i and the prefix products P_i = H_0 ... H_{i-1} (as formulas)."""
    m = A.shape[-2]
    k = tau.shape[-1]
    rows = np.arange(m)[:, None]
    cols = np.arange(k)[None, :]
    below = _const(F, (rows > cols).astype(_data(A).dtype))
    diag = _const(F, (rows == cols).astype(_data(A).dtype))
    V = A[..., :, :k] * below + diag
    eye = _eye(F, m, A)
    Hs = []
    for i in range(k):
        v = V[..., :, i]
        Hs.append(eye - _col(F, _col(F, tau[..., i])) * (_col(F, v) * _row(F, v)))
    return V, Hs


def _hh_backward(F, g, needs, A, tau):
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    V, Hs = _hh_parts(F, A, tau)
    eye = _eye(F, m, A)
    # Q = H_0 ... H_{k-1} I[:, :n]: the gradient of H_i is P_iᵀ g S_iᵀ (prefix, suffix)
    prefix = [eye]
    for i in range(k - 1):
        prefix.append(F.matmul(prefix[-1], Hs[i]))
    suffix = [None] * k
    acc = eye[..., :, :n]
    for i in range(k - 1, -1, -1):
        suffix[i] = acc  # H_{i+1} ... H_{k-1} I[:, :n]
        acc = F.matmul(Hs[i], acc)
    gv_cols, gtau = [], []
    for i in range(k):
        gH = F.matmul(F.matmul(_mT(F, prefix[i]), g), _mT(F, suffix[i]))
        v = V[..., :, i]
        t = _col(F, tau[..., i])
        gHv = F.sum(gH * _row(F, v), -1)
        gHtv = F.sum(gH * _col(F, v), -2)
        gv_cols.append(-t * (gHv + gHtv))
        gtau.append(-F.sum(v * gHv, -1))
    gA = None
    if needs[0]:
        rows = np.arange(m)[:, None]
        cols = np.arange(n)[None, :]
        below = _const(F, ((rows > cols) & (cols < k)).astype(_data(A).dtype))
        gV = F.stack(gv_cols, -1)
        if n > k:
            gV = F.cat([gV, F.zeros_like(A[..., :, k:])], -1)
        gA = gV * below
    return gA, (F.stack(gtau, -1) if needs[1] else None)


def _hh_jvp(F, tangents, A, tau):
    tA, tT = tangents
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    V, Hs = _hh_parts(F, A, tau)
    rows = np.arange(m)[:, None]
    cols = np.arange(k)[None, :]
    below = _const(F, (rows > cols).astype(_data(A).dtype))
    dV = tA[..., :, :k] * below if tA is not None else None
    eye = _eye(F, m, A)
    out = None
    prefix = eye
    for i in range(k):
        suffix = eye[..., :, :n]
        for j in range(k - 1, i, -1):
            suffix = F.matmul(Hs[j], suffix)
        v = V[..., :, i]
        t = _col(F, _col(F, tau[..., i]))
        dH = None
        if tT is not None:
            dH = -_col(F, _col(F, tT[..., i])) * (_col(F, v) * _row(F, v))
        if dV is not None:
            dv = dV[..., :, i]
            dH = _add(dH, -t * (_col(F, dv) * _row(F, v) + _col(F, v) * _row(F, dv)))
        out = _add(out, F.matmul(F.matmul(prefix, dH), suffix))
        prefix = F.matmul(prefix, Hs[i])
    return out


HOUSEHOLDER_PRODUCT = defop(
    "linalg_householder_product",
    _hh_fwd,
    inputs=("self", "tau"),
    saves=("self", "tau"),
    backward=_hh_backward,
    node="LinalgHouseholderProductBackward0",
    promote="keep",
    jvp=_hh_jvp,
    explain={"self": "through each reflector H_i = I - τᵢ vᵢ vᵢᵀ", "tau": "-vᵢᵀ ∂H_i vᵢ"},
)


def householder_product(A: Tensor, tau: Tensor, *, out=None) -> Tensor:
    """The first ``n`` columns of ``H_1 ... H_k``, ``H_i = I - τ_i v_i v_iᵀ`` with ``v_i`` the
    ``i``-th column of ``A`` below the diagonal (1 on it), as LAPACK's ``orgqr``.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.householder_product(torch.zeros(2, 2), torch.tensor([0.0, 0.0]))
        tensor([[1., 0.],
                [0., 1.]])
    """
    a = _tensor(A, "linalg_householder_product", arg="input")
    t = _tensor(tau, "linalg_householder_product", 2, "tau")
    fname = "torch.linalg.householder_product"
    if a.ndim < 2:
        raise RuntimeError(f"{fname}: input must have at least 2 dimensions.")
    if a.shape[-2] < a.shape[-1]:
        raise RuntimeError(
            f"{fname}: input.shape[-2] must be greater than or equal to input.shape[-1]"
        )
    if a.shape[-1] < t.shape[-1]:
        raise RuntimeError(
            f"{fname}: input.shape[-1] must be greater than or equal to tau.shape[-1]"
        )
    if a.ndim - t.ndim != 1:
        raise RuntimeError(
            f"{fname}: Expected tau to have one dimension less than input, but got tau.ndim "
            f"equal to {t.ndim} and input.ndim is equal to {a.ndim}"
        )
    if a.dtype != t.dtype:
        raise RuntimeError(f"{fname}: tau dtype {_word(t)} does not match input dtype {_word(a)}")
    return apply(HOUSEHOLDER_PRODUCT, (A, tau))


# ---------------------------------------------------------------- LU (for singular inputs)
def lu_factor_partial(A: np.ndarray):
    """LU with partial pivoting, as LAPACK's getrf: ``(LU, perm, info)`` per matrix, where
    ``info`` is the (1-based) first zero pivot, 0 when there is none. A column is skipped when
    its pivot is zero, so the factorisation goes on as LAPACK's does. Vectorised over the
    batch (a loop over the columns only); used when NumPy's solvers refuse a singular matrix."""
    a = np.array(A, dtype=np.result_type(A, np.float32), copy=True)
    n = a.shape[-1]
    batch = a.shape[:-2]
    perm = np.broadcast_to(np.arange(n), batch + (n,)).copy()
    info = np.zeros(batch, np.int32)
    for j in range(n):
        col = np.abs(a[..., j:, j])
        p = j + np.argmax(col, -1)
        if batch:
            flat = a.reshape((-1,) + a.shape[-2:])
            pf = p.reshape(-1)
            rows = np.arange(flat.shape[0])
            tmp = flat[rows, j].copy()
            flat[rows, j] = flat[rows, pf]
            flat[rows, pf] = tmp
            pr = perm.reshape(-1, n)
            t2 = pr[rows, j].copy()
            pr[rows, j] = pr[rows, pf]
            pr[rows, pf] = t2
        else:
            p = int(p)
            a[[j, p]] = a[[p, j]]
            perm[[j, p]] = perm[[p, j]]
        piv = a[..., j, j]
        zero = piv == 0
        info = np.where(zero & (info == 0), j + 1, info)
        safe = np.where(zero, 1, piv)
        factors = np.where(zero[..., None], 0, a[..., j + 1 :, j] / safe[..., None])
        a[..., j + 1 :, j] = np.where(zero[..., None], a[..., j + 1 :, j], factors)
        a[..., j + 1 :, j + 1 :] -= factors[..., :, None] * a[..., j, None, j + 1 :]
    return a, perm, info


def lu_solve_partial(LU: np.ndarray, perm: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Solve with the factors of ``lu_factor_partial`` (zero pivots give inf/NaN, as LAPACK)."""
    n = LU.shape[-1]
    shape = np.broadcast_shapes(LU.shape[:-2], B.shape[:-2])
    LU = np.broadcast_to(LU, shape + LU.shape[-2:])
    perm = np.broadcast_to(perm, shape + (n,))
    B = np.broadcast_to(B, shape + B.shape[-2:])
    y = np.take_along_axis(B, perm[..., :, None], -2).astype(LU.dtype)
    with np.errstate(all="ignore"):
        for i in range(n):
            y[..., i, :] -= np.sum(LU[..., i, :i, None] * y[..., :i, :], -2)
        for i in range(n - 1, -1, -1):
            y[..., i, :] = (
                y[..., i, :] - np.sum(LU[..., i, i + 1 :, None] * y[..., i + 1 :, :], -2)
            ) / LU[..., i, i, None]
    return y


def _inv_with_info(a: np.ndarray):
    """``(inverse, info)``: NumPy's inverse, or LAPACK-like inf/NaN output for singular input."""
    try:
        return np.linalg.inv(a), np.zeros(a.shape[:-2], np.int32)
    except np.linalg.LinAlgError:
        LU, perm, info = lu_factor_partial(a)
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return lu_solve_partial(LU, perm, eye).astype(a.dtype), info


# ================================================================ composites and front-ends
def inv_ex(A: Tensor, *, check_errors: bool = False, out=None):
    """``linalg.inv`` returning ``(inverse, info)``; ``info`` is the first zero pivot of the
    LU factorisation (0 when ``A`` is invertible) instead of an error.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.inv_ex(torch.eye(2)).info
        tensor(0, dtype=torch.int32)
    """
    from .._tensor import wrap
    from .linalg import inv
    from .reduce import return_type

    a = _tensor(A, "linalg_inv_ex")
    _check_matrix(a, "linalg.inv")
    cls = return_type("linalg_inv_ex", ("inverse", "info"))
    x, info = _inv_with_info(a)
    if not info.any() or check_errors:
        return cls((inv(A), wrap(info)))
    return cls((wrap(np.asarray(x)), wrap(info)))


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False, out=None):
    """``linalg.solve`` returning ``(result, info)``; ``info`` is the first zero pivot of the LU
    factorisation (0 when every solve succeeded) instead of an error.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.solve_ex(torch.eye(2), torch.ones(2)).info
        tensor(0, dtype=torch.int32)
    """
    from .._tensor import wrap
    from .reduce import return_type

    cls = return_type("linalg_solve_ex", ("result", "info"))
    a = _tensor(A, "linalg_solve_ex")
    b = _tensor(B, "linalg_solve_ex", 2, "B")
    _check_matrix(a, "linalg.solve")
    try:
        np.linalg.solve(a, np.zeros(a.shape[:-1] + (1,), a.dtype))
        singular = False
    except np.linalg.LinAlgError:
        singular = True
    if not singular or check_errors:
        return cls((solve(A, B, left=left), wrap(np.zeros(a.shape[:-2], np.int32))))
    vec = _is_vector_rhs(a, b)
    bm = b[..., None] if vec else b
    if not left:
        LU, perm, info = lu_factor_partial(np.swapaxes(a, -1, -2))
        x = np.swapaxes(lu_solve_partial(LU, perm, np.swapaxes(bm, -1, -2)), -1, -2)
    else:
        LU, perm, info = lu_factor_partial(a)
        x = lu_solve_partial(LU, perm, bm)
    return cls((wrap(np.asarray(x[..., 0] if vec else x, a.dtype)), wrap(info)))


def _square_or_raise(a: np.ndarray, fname: str) -> None:
    _check_matrix(a, fname)


def matrix_power(A: Tensor, n: int) -> Tensor:
    """``A`` to the integer power ``n`` (by repeated squaring; negative ``n`` inverts first).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.matrix_power(torch.tensor([[1.0, 1.0], [0.0, 1.0]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
    """
    from .linalg import inv, matmul

    a = _tensor(A, "linalg_matrix_power", arg="input")
    if a.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_power: The input tensor A must have at least 2 dimensions."
        )
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(
            f"linalg.matrix_power: A must be batches of square matrices, but they are "
            f"{a.shape[-2]} by {a.shape[-1]} matrices"
        )
    n = int(n)
    if n == 0:
        from .._tensor import wrap

        eye = wrap(np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape))
        return A.clone().copy_(eye)
    if n < 0:
        A = inv(A)
        n = -n
        if n == 1:
            return A
    if n == 1:
        return A.clone()
    if n == 2:
        return matmul(A, A)
    if n == 3:
        return matmul(matmul(A, A), A)
    z = result = None
    while n > 0:
        bit = n % 2
        n //= 2
        z = A if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


def _rank_tols(a, atol, rtol, tol):
    if tol is not None:
        return _data(tol), 0.0
    return _pinv_tols(a, atol, rtol)


def matrix_rank(
    A: Tensor, tol=None, hermitian: bool = False, *, atol=None, rtol=None, out=None
) -> Tensor:
    """Numerical rank: the number of singular values above ``max(atol, rtol·σ₁)`` (int64).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.matrix_rank(torch.ones(3, 3))
        tensor(1)
    """
    from .._tensor import wrap

    a = _tensor(A, "linalg_matrix_rank", arg="input")
    if a.ndim < 2:
        raise RuntimeError(
            "torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions."
        )
    _check_matrix(a, "torch.linalg.matrix_rank", square=hermitian, arg="input")
    atol_, rtol_ = _rank_tols(a, atol, rtol, tol)
    if a.size == 0:
        return wrap(np.zeros(a.shape[:-2], np.int64))
    s = np.abs(np.linalg.eigvalsh(a)) if hermitian else np.linalg.svd(a, compute_uv=False)
    smax = np.max(s, -1)
    thr = np.maximum(np.asarray(atol_, s.dtype), np.asarray(rtol_, s.dtype) * smax)
    return wrap(np.asarray(np.sum(s > thr[..., None], -1), np.int64))


def _backshift(d0: int, d1: int, ndim: int) -> tuple:
    return tuple(i for i in range(ndim) if i not in (d0, d1)) + (d0, d1)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None, out=None):
    """Matrix norm over the two dims ``dim``: 'fro', 'nuc', ±1 (max column sum), ±2 (largest /
    smallest singular value), ±inf (max row sum).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.matrix_norm(torch.tensor([[1.0, -2.0], [3.0, 4.0]]), 1)
        tensor(6.)
    """
    from .reduce import amax, amin, vector_norm
    from .shape import permute

    a = _tensor(A, "linalg_matrix_norm")
    if a.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."
        )
    dims = tuple(int(d) for d in dim)
    if len(dims) != 2:
        raise RuntimeError(
            f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))}"
        )
    from .._backend import norm_dims

    d0, d1 = (norm_dims(d, a.ndim)[0] for d in dims)
    if d0 == d1:
        raise RuntimeError(
            f"linalg.matrix_norm: dims must be different. Got ({dims[0]}, {dims[1]})"
        )
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    elif abs(ord) not in (1, 2, math.inf):
        o = int(ord) if float(ord).is_integer() else ord
        raise RuntimeError(f"linalg.matrix_norm: Order {o} not supported.")
    if a.dtype.kind not in "fc":
        raise RuntimeError(
            f"linalg.matrix_norm: Expected a floating point or complex tensor as input. Got "
            f"{_word(a)}"
        )
    if dtype is not None:
        A = A.to(dtype)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord == "nuc" or abs(ord) == 2:
        perm = _backshift(d0, d1, a.ndim)
        s = svdvals(permute(A, perm))
        if ord == "nuc":
            r = s.sum(-1, keepdim=keepdim)
        else:
            r = (amax if ord > 0 else amin)(s, -1, keepdim)
        if keepdim:
            inv = tuple(np.argsort(perm))
            r = permute(r.unsqueeze(-1), inv)
        return r
    if abs(ord) == math.inf:
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:
        d1 -= 1
    r = vector_norm(A, 1, (d0,), keepdim)
    return (amax if ord > 0 else amin)(r, d1, keepdim)


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None, out=None):
    """``linalg.norm``: a vector norm, or a matrix norm over two dims (``ord`` a string, or
    ``dim`` a pair, or a 2-D input with ``ord`` given).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.norm(torch.tensor([[1.0, -2.0], [3.0, 4.0]]), 'nuc').shape
        torch.Size([])
    """
    from .reduce import vector_norm

    a = _tensor(A, "linalg_norm")
    if dim is not None:
        dims = [int(dim)] if isinstance(dim, (int, np.integer)) else [int(d) for d in dim]
        if len(dims) not in (1, 2):
            raise RuntimeError(
                f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {dims}"
            )
    else:
        dims = None
        if ord is not None and a.ndim not in (1, 2):
            raise RuntimeError(
                "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                f"Got {a.ndim}D."
            )
    if isinstance(ord, str):
        if dims is not None and len(dims) != 2:
            return matrix_norm(A, ord, dims, keepdim, dtype=dtype)
        return matrix_norm(A, ord, dims if dims is not None else (0, 1), keepdim, dtype=dtype)
    if ord is not None and (
        (dims is not None and len(dims) == 2) or (dims is None and a.ndim == 2)
    ):
        return matrix_norm(A, ord, dims if dims is not None else (0, 1), keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)


def cond(A: Tensor, p=None, *, out=None) -> Tensor:
    """Condition number ``‖A‖_p ‖A⁻¹‖_p`` (``p`` None/±2 from the singular values; other
    orders need square matrices and give inf for singular ones).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.cond(torch.tensor([[2.0, 0.0], [0.0, 0.5]]))
        tensor(4.)
    """
    from .._tensor import wrap

    a = _tensor(A, "linalg_cond")
    if p is None or p in (2, -2):
        _check_matrix(a, "linalg.cond", square=False)
        s = svdvals(A)
        if p == -2:
            r = s.narrow(-1, s.shape[-1] - 1, 1) / s.narrow(-1, 0, 1)
        else:
            r = s.narrow(-1, 0, 1) / s.narrow(-1, s.shape[-1] - 1, 1)
        return r.squeeze(-1)
    if isinstance(p, str):
        if p not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    elif abs(p) not in (1, math.inf):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    pname = p if isinstance(p, str) else (int(p) if float(p).is_integer() else p)
    if isinstance(pname, float) and math.isinf(pname):
        pname = "inf" if pname > 0 else "-inf"
    _check_matrix(a, f"linalg.cond(ord={pname})")
    if p == "nuc":  # from the singular values, as PyTorch (finite for nearly singular A)
        s = svdvals(A)
        return (s.sum(-1) * s.reciprocal().sum(-1)).nan_to_num(math.inf, math.inf, -math.inf)
    inverse, info = inv_ex(A)
    bad = wrap(info._data.reshape(info.shape + (1, 1)) > 0)
    inverse.masked_fill_(bad, math.inf)  # in place, as PyTorch (so no backward through it)
    r = matrix_norm(A, p) * matrix_norm(inverse, p)
    return r.nan_to_num(math.inf, math.inf, -math.inf)


_CAFFE_NAMES = {
    "float64": "double",
    "float32": "float",
    "float16": "c10::Half",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
    "complex64": "c10::complex<float>",
    "complex128": "c10::complex<double>",
}


def _chain_order(dims: list) -> list:
    """Optimal parenthesisation of a matrix chain (dims[i] x dims[i+1]) by dynamic programming;
    ``split[i][j]`` is where the chain ``i..j`` is split."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j] = c
                    split[i][j] = k
    return split


def multi_dot(tensors, *, out=None) -> Tensor:
    """Product of two or more matrices in the cheapest order; the first/last may be vectors.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.multi_dot([torch.ones(2), torch.ones(2, 3), torch.ones(3)])
        tensor(6.)
    """
    from .linalg import mm

    ts = list(tensors)
    n = len(ts)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    mats = list(ts)
    out_shape = []
    first, last = ts[0]._data, ts[-1]._data
    if first.ndim == 1:
        mats[0] = ts[0].unsqueeze(0)
    elif first.ndim == 2:
        out_shape.append(first.shape[0])
    else:
        raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {first.ndim}D")
    if last.ndim == 1:
        mats[-1] = ts[-1].unsqueeze(-1)
    elif last.ndim == 2:
        out_shape.append(last.shape[1])
    else:
        raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {last.ndim}D")
    for i in range(1, n - 1):
        if ts[i]._data.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {ts[i]._data.ndim}D")
    dt = mats[0]._data.dtype
    for i in range(1, n):
        if mats[i]._data.dtype != dt:
            raise RuntimeError(
                "multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                f"{_CAFFE_NAMES[dt.name]} and tensor {i} {_CAFFE_NAMES[mats[i]._data.dtype.name]}"
            )
        if mats[i - 1]._data.shape[-1] != mats[i]._data.shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i - 1} and {i} with shapes {list(ts[i - 1].shape)} and "
                f"{list(ts[i].shape)} cannot be multiplied"
            )
    if n == 2:
        result = mm(mats[0], mats[1])
    elif n == 3:
        a, b = mats[0].shape
        c, d = mats[2].shape
        if a * c * (b + d) > b * d * (a + c):
            result = mm(mats[0], mm(mats[1], mats[2]))
        else:
            result = mm(mm(mats[0], mats[1]), mats[2])
    else:
        dims = [m.shape[0] for m in mats] + [mats[-1].shape[1]]
        split = _chain_order(dims)

        def chain(i: int, j: int):
            if i == j:
                return mats[i]
            k = split[i][j]
            return mm(chain(i, k), chain(k + 1, j))

        result = chain(0, n - 1)
    return result.view(out_shape)


def chain_matmul(*matrices: Tensor, out=None) -> Tensor:
    """Deprecated ``torch.chain_matmul``: ``linalg.multi_dot`` of 2-D matrices.

    Example:
        >>> import chainrule as torch
        >>> import warnings; warnings.simplefilter("ignore")
        >>> torch.chain_matmul(torch.eye(2), torch.ones(2, 2))
        tensor([[1., 1.],
                [1., 1.]])
    """

    cpp_warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
        "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than "
        "multiple parameters.",
        "aten/src/ATen/native/LinearAlgebra.cpp:1102",
        stacklevel=2,
        once=True,
    )
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m._data.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m._data.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(matrices)


def linalg_vander(x: Tensor, *, N: int | None = None) -> Tensor:  # noqa: N803
    """``linalg.vander``: columns ``x⁰, x¹, …, x^(N-1)`` (increasing powers, batched).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.vander(torch.tensor([1.0, 2.0, 3.0]))
        tensor([[1., 1., 1.],
                [1., 2., 4.],
                [1., 3., 9.]])
    """
    from .reduce import cumprod
    from .shape import cat

    a = _tensor(x, "linalg_vander", arg="x")
    n = N if N is not None else (a.shape[-1] if a.ndim else 0)
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    shape = a.shape + (n - 1,)
    result = cumprod(x.unsqueeze(-1).expand(shape), -1)
    ones = result.new_ones(a.shape + (1,))
    return cat([ones, result], -1)


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:  # noqa: N803
    """``torch.vander``: powers of the 1-D ``x`` as columns, decreasing unless ``increasing``.

    Example:
        >>> import chainrule as torch
        >>> torch.vander(torch.tensor([1, 2, 3]), N=3)
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
    """
    from .. import _dtype as D
    from .._creation import empty
    from .reduce import cumprod
    from .shape import flip

    a = _tensor(x, "vander", arg="x")
    if a.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = a.shape[0]
    if N is not None:
        n = int(N)
        if n < 0:
            raise RuntimeError("N must be non-negative.")
    dt = D.promote_types(x.dtype, D.int64)
    result = empty((a.shape[0], n), dtype=dt)
    if n > 0:
        result.fill_(1)
        if n > 1:
            result[:, 1:].copy_(x.unsqueeze(1))
            result[:, 1:].copy_(cumprod(result[:, 1:], 1))
    if not increasing:
        return flip(result, (1,))
    return result


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """Dot products of vectors along ``dim`` (broadcasting), ``sum(conj(x) * y, dim)``.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.vecdot(torch.tensor([[1.0, 2.0]]), torch.tensor([3.0, 4.0]))
        tensor([11.])
    """
    xc = x.conj() if x.is_complex() else x
    return (xc * y).sum(dim)


def linalg_diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """``linalg.diagonal``: ``torch.diagonal`` with the last two dims by default.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.diagonal(torch.eye(2))
        tensor([1., 1.])
    """
    from .shape import diagonal

    return diagonal(A, offset, dim1, dim2)


def lstsq_removed(*args, **kwargs):
    """``torch.lstsq`` was removed in PyTorch 1.9+: raises PyTorch's error with its advice."""
    raise RuntimeError(
        "This function was deprecated since version 1.9 and is now removed. `torch.lstsq` is "
        "deprecated in favor of `torch.linalg.lstsq`.\n`torch.linalg.lstsq` has reversed "
        "arguments and does not return the QR decomposition in the returned tuple (although it "
        "returns other information about the problem).\n\nTo get the QR decomposition consider "
        "using `torch.linalg.qr`.\n\nThe returned solution in `torch.lstsq` stored the residuals "
        "of the solution in the last m - n columns of the returned value whenever m > n. In "
        "torch.linalg.lstsq, the residuals are in the field 'residuals' of the returned named "
        "tuple.\n\nThe unpacking of the solution, as in\nX, _ = torch.lstsq(B, A).solution[:A."
        "size(1)]\nshould be replaced with:\nX = torch.linalg.lstsq(A, B).solution"
    )


# ---------------------------------------------------------------- LU
def _getrf(A: np.ndarray):
    """LAPACK's getrf on a batch: ``P^T A = L U`` by partial pivoting (the first largest |a| of
    each column, rows swapped as it goes); returns the packed factors, the 1-based pivots and
    info (the first zero pivot, 1-based; 0 if none) as int32. A zero pivot column is left
    unscaled, as LAPACK does, so singular matrices factor without inf/nan."""
    m, n = A.shape[-2:]
    k = min(m, n)
    batch = A.shape[:-2]
    a = np.array(A, copy=True).reshape((-1, m, n))
    nb = a.shape[0]
    piv = np.empty((nb, k), np.int32)
    info = np.zeros(nb, np.int32)
    rows = np.arange(nb)
    with np.errstate(all="ignore"):
        for j in range(k):
            p = j + np.argmax(np.abs(a[:, j:, j]), axis=1)
            piv[:, j] = p + 1
            moved = p != j
            if moved.any():
                r, pr = rows[moved], p[moved]
                top = a[r, j, :].copy()
                a[r, j, :] = a[r, pr, :]
                a[r, pr, :] = top
            pivot = a[:, j, j]
            zero = pivot == 0
            info[(info == 0) & zero] = j + 1
            if j + 1 < m:
                col = a[:, j + 1 :, j] / np.where(zero, 1, pivot)[:, None]
                a[:, j + 1 :, j] = col
                if j + 1 < n:
                    a[:, j + 1 :, j + 1 :] -= col[:, :, None] * a[:, j, None, j + 1 :]
    return a.reshape(A.shape), piv.reshape(batch + (k,)), info.reshape(batch)


def _perm_matrix(pivots: np.ndarray, m: int, dtype) -> np.ndarray:
    """``P`` (``A = P L U``) from LAPACK's 1-based row interchanges."""
    batch = pivots.shape[:-1]
    k = pivots.shape[-1]
    flat = pivots.reshape((-1, k)).astype(np.int64) - 1
    nb = flat.shape[0]
    perm = np.tile(np.arange(m), (nb, 1))
    rows = np.arange(nb)
    for j in range(k):
        p = flat[:, j]
        if (p < 0).any() or (p >= m).any():
            raise RuntimeError(
                "lu_unpack: LU_pivots must be in the range [1, LU_data.size(-2)] (got pivots "
                "out of range)"
            )
        here = perm[:, j].copy()
        perm[:, j] = perm[rows, p]
        perm[rows, p] = here
    P = np.zeros((nb, m, m), dtype)
    P[rows[:, None], perm, np.arange(m)[None, :]] = 1
    return P.reshape(batch + (m, m))


def _unpack(F, LU, k: int):
    """``L`` (unit lower, m x k) and ``U`` (upper, k x n) from the packed factors."""
    m = LU.shape[-2]
    L = _tri(F, LU[..., :, :k], False, -1) + _const(F, np.eye(m, k, dtype=_data(LU).dtype))
    return L, _tri(F, LU[..., :k, :], True)


def _pack(F, dL, dU, m: int, n: int):
    """``tril(dL, -1) + triu(dU)`` placed in one m x n matrix (the packed layout)."""
    k = min(m, n)
    if m == n:
        return dL + dU
    if m < n:  # dL is m x m
        return F.cat([dL, F.zeros_like(dU[..., :, k:])], -1) + dU
    return dL + F.cat([dU, F.zeros_like(dL[..., k:, :])], -2)


def _lu_grad(F, gL, gU, P, L, U):
    """The gradient of ``A = P L U`` from those of ``L`` and ``U`` (real; square, wide or tall):
    with ``M = L^-1 P^T dA U^-1`` (square) ``dL = L tril(M, -1)``, ``dU = triu(M) U``, hence
    ``gA = P L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T``; the wide and tall cases split U's
    (L's) extra columns (rows) off first."""
    m, n = L.shape[-2], U.shape[-1]

    def lt_solve(X):  # L^-T X (L unit lower)
        return _call(F, SOLVE_TRIANGULAR, (_mT(F, L), X), (True, True, True))

    def ut_solve_right(X, Uk):  # X Uk^-T
        return _call(F, SOLVE_TRIANGULAR, (_mT(F, Uk), X), (False, False, False))

    if m == n:
        phi = _tri(F, F.matmul(_mT(F, L), gL), False, -1) + _tri(F, F.matmul(gU, _mT(F, U)), True)
        return F.matmul(P, lt_solve(ut_solve_right(phi, U)))
    if m < n:
        U1, U2 = U[..., :, :m], U[..., :, m:]
        gU1, gU2 = gU[..., :, :m], gU[..., :, m:]
        gM = _tri(F, F.matmul(_mT(F, L), gL) - F.matmul(gU2, _mT(F, U2)), False, -1)
        gM = gM + _tri(F, F.matmul(gU1, _mT(F, U1)), True)
        gX = F.cat([ut_solve_right(gM, U1), gU2], -1)
        return F.matmul(P, lt_solve(gX))
    L1, L2 = L[..., :n, :], L[..., n:, :]
    gL1, gL2 = gL[..., :n, :], gL[..., n:, :]
    gN = _tri(F, F.matmul(_mT(F, L1), gL1), False, -1)
    gN = gN + _tri(F, F.matmul(gU, _mT(F, U)) - F.matmul(_mT(F, L2), gL2), True)
    gY1 = _call(F, SOLVE_TRIANGULAR, (_mT(F, L1), gN), (True, True, True))
    return F.matmul(P, ut_solve_right(F.cat([gY1, gL2], -2), U))


def _lu_jvp(F, dA, P, L, U):
    """``(dL, dU)`` for a tangent ``dA`` of ``A = P L U`` (the differential of _lu_grad)."""
    m, n = L.shape[-2], U.shape[-1]
    PtdA = F.matmul(_mT(F, P), dA)
    if m >= n:
        Y = _call(F, SOLVE_TRIANGULAR, (U, PtdA), (True, False, False))  # P^T dA U^-1
        N = _call(F, SOLVE_TRIANGULAR, (L[..., :n, :], Y[..., :n, :]), (False, True, True))
        dU = F.matmul(_tri(F, N, True), U)
        dL1 = F.matmul(L[..., :n, :], _tri(F, N, False, -1))
        if m == n:
            return dL1, dU
        dL2 = Y[..., n:, :] - F.matmul(L[..., n:, :], _tri(F, N, True))
        return F.cat([dL1, dL2], -2), dU
    X = _call(F, SOLVE_TRIANGULAR, (L, PtdA), (False, True, True))  # L^-1 P^T dA
    U1, U2 = U[..., :, :m], U[..., :, m:]
    M = _call(F, SOLVE_TRIANGULAR, (U1, X[..., :, :m]), (True, False, False))
    low = _tri(F, M, False, -1)
    dU = F.cat([F.matmul(_tri(F, M, True), U1), X[..., :, m:] - F.matmul(low, U2)], -1)
    return F.matmul(L, low), dU


def _lu_factor_fwd(A):
    return _getrf(A)


def _lu_factor_backward(F, grads, needs, LU, pivots):
    m, n = LU.shape[-2], LU.shape[-1]
    k = min(m, n)
    g = grads[0]
    L, U = _unpack(F, LU, k)
    P = _const(F, _perm_matrix(_data(pivots), m, _data(LU).dtype))
    gL = _tri(F, g[..., :, :k], False, -1)
    gU = _tri(F, g[..., :k, :], True)
    return (_lu_grad(F, gL, gU, P, L, U),)


def _lu_factor_jvp(F, tangents, LU, pivots):
    m, n = LU.shape[-2], LU.shape[-1]
    L, U = _unpack(F, LU, min(m, n))
    P = _const(F, _perm_matrix(_data(pivots), m, _data(LU).dtype))
    dL, dU = _lu_jvp(F, tangents[0], P, L, U)
    return _pack(F, dL, dU, m, n), None, None


LU_FACTOR = defop(
    "linalg_lu_factor_ex",
    _lu_factor_fwd,
    saves=("result", "result1"),
    backward=_lu_factor_backward,
    node="LinalgLuFactorExBackward0",
    outputs=3,
    nondiff_outputs=2,
    promote="keep",
    jvp=_lu_factor_jvp,
    explain={"self": "P L⁻ᵀ (tril(Lᵀ gL, -1) + triu(gU Uᵀ)) U⁻ᵀ"},
)


def _lu_fwd(A):
    m, n = A.shape[-2:]
    k = min(m, n)
    LU, pivots, _ = _getrf(A)
    L = np.tril(LU[..., :, :k], -1) + np.eye(m, k, dtype=A.dtype)
    return L, np.triu(LU[..., :k, :]), _perm_matrix(pivots, m, A.dtype)


def _lu_backward(F, grads, needs, L, U, P):
    gL, gU = grads[0], grads[1]
    P = _const(F, _data(P))  # not differentiable: a constant, not an output of this node
    return (_lu_grad(F, _tri(F, gL, False, -1), _tri(F, gU, True), P, L, U),)


def _lu_jvp_entry(F, tangents, L, U, P):
    dL, dU = _lu_jvp(F, tangents[0], _const(F, _data(P)), L, U)
    return dL, dU, None


LINALG_LU = defop(  # outputs (L, U, P): P, not differentiable, last; linalg.lu returns (P, L, U)
    "linalg_lu",
    _lu_fwd,
    saves=("result", "result1", "result2"),
    backward=_lu_backward,
    node="LinalgLuBackward0",
    outputs=3,
    nondiff_outputs=1,
    promote="keep",
    jvp=_lu_jvp_entry,
    explain={"self": "P L⁻ᵀ (tril(Lᵀ gL, -1) + triu(gU Uᵀ)) U⁻ᵀ"},
)


def _lu_unpack_fwd(LU, pivots, unpack_data, unpack_pivots):
    m, n = LU.shape[-2:]
    k = min(m, n)
    empty = np.zeros((0,), LU.dtype)
    if unpack_data:
        L = np.tril(LU[..., :, :k], -1) + np.eye(m, k, dtype=LU.dtype)
        U = np.triu(LU[..., :k, :])
    else:
        L = U = empty
    P = _perm_matrix(pivots, m, LU.dtype) if unpack_pivots else empty
    return L, U, P


def _lu_unpack_backward(F, grads, needs, LU, unpack_data, unpack_pivots):
    m, n = LU.shape[-2], LU.shape[-1]
    gL, gU = grads[0], grads[1]
    return _pack(F, _tri(F, gL, False, -1), _tri(F, gU, True), m, n), None


def _lu_unpack_jvp(F, tangents, LU, unpack_data, unpack_pivots):
    d = tangents[0]
    if d is None or not unpack_data:
        return None, None, None
    k = min(LU.shape[-2], LU.shape[-1])
    return _tri(F, d[..., :, :k], False, -1), _tri(F, d[..., :k, :], True), None


LU_UNPACK = defop(  # outputs (L, U, P) as LINALG_LU
    "lu_unpack",
    _lu_unpack_fwd,
    inputs=("LU_data", "LU_pivots"),
    saves=("LU_data",),
    backward=_lu_unpack_backward,
    node="LuUnpackBackward0",
    outputs=3,
    nondiff_outputs=1,
    promote="keep",
    jvp=_lu_unpack_jvp,
    explain={"LU_data": "tril(gL, -1) + triu(gU)"},
)


def _lu_solve_fwd(LU, pivots, B, left, adjoint):
    n = LU.shape[-1]
    P = _perm_matrix(pivots, n, LU.dtype)
    L = np.tril(LU, -1) + np.eye(n, dtype=LU.dtype)
    U = np.triu(LU)
    Pt = np.swapaxes(P, -1, -2)
    if left and not adjoint:  # X = U^-1 L^-1 P^T B
        y = _solve_tri_fwd(L, np.matmul(Pt, B), False, True, True)
        return _solve_tri_fwd(U, y, True, True, False)
    if left:  # A^T X = B: X = P L^-T U^-T B
        y = _solve_tri_fwd(np.swapaxes(U, -1, -2), B, False, True, False)
        return np.matmul(P, _solve_tri_fwd(np.swapaxes(L, -1, -2), y, True, True, True))
    if not adjoint:  # X A = B: X = B U^-1 L^-1 P^T
        y = _solve_tri_fwd(U, B, True, False, False)
        return np.matmul(_solve_tri_fwd(L, y, False, False, True), Pt)
    # X A^T = B: X = B P L^-T U^-T
    y = _solve_tri_fwd(np.swapaxes(L, -1, -2), np.matmul(B, P), True, False, True)
    return _solve_tri_fwd(np.swapaxes(U, -1, -2), y, False, False, False)


def _lu_solve_call(F, LU, pivots, B, left, adjoint):
    return _call(F, LU_SOLVE, (LU, pivots, B), (left, adjoint))


def _lu_solve_backward(F, g, needs, LU, pivots, X, left, adjoint):
    gB = _lu_solve_call(F, LU, pivots, g, left, not adjoint)
    gLU = None
    if needs[0]:
        if left:
            gA = -(F.matmul(X, _mT(F, gB)) if adjoint else F.matmul(gB, _mT(F, X)))
        else:
            gA = -(F.matmul(_mT(F, gB), X) if adjoint else F.matmul(_mT(F, X), gB))
        n = LU.shape[-1]
        L, U = _unpack(F, LU, n)
        P = _const(F, _perm_matrix(_data(pivots), n, _data(LU).dtype))
        PtgA = F.matmul(_mT(F, P), gA)  # A = P L U: gL = P^T gA U^T, gU = L^T P^T gA
        gLU = _tri(F, F.matmul(PtgA, _mT(F, U)), False, -1) + _tri(
            F, F.matmul(_mT(F, L), PtgA), True
        )
    return gLU, None, gB if needs[2] else None


def _lu_solve_jvp(F, tangents, LU, pivots, X, left, adjoint):
    dLU, _, dB = tangents
    rhs = dB
    if dLU is not None:
        n = LU.shape[-1]
        L, U = _unpack(F, LU, n)
        P = _const(F, _perm_matrix(_data(pivots), n, _data(LU).dtype))
        dA = F.matmul(P, F.matmul(_tri(F, dLU, False, -1), U) + F.matmul(L, _tri(F, dLU, True)))
        if adjoint:
            dA = _mT(F, dA)
        rhs = _add(rhs, -(F.matmul(dA, X) if left else F.matmul(X, dA)))
    return _lu_solve_call(F, LU, pivots, rhs, left, adjoint)


LU_SOLVE = defop(
    "linalg_lu_solve",
    _lu_solve_fwd,
    inputs=("LU", "pivots", "B"),
    saves=("LU", "pivots", "result"),
    backward=_lu_solve_backward,
    node="LinalgLuSolveBackward0",
    promote="keep",
    jvp=_lu_solve_jvp,
    explain={"LU": "from gA = -A⁻ᵀ · gradient · Xᵀ", "B": "A⁻ᵀ · gradient"},
)


def _lu_input(A, fname: str) -> np.ndarray:
    a = _tensor(A, fname)
    if a.ndim < 2:
        raise RuntimeError(
            f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: "
            f"{list(a.shape)} instead"
        )
    if a.dtype.kind not in "f":
        word = {"i": "Long", "u": "Byte", "b": "Bool"}.get(a.dtype.kind, str(a.dtype))
        if a.dtype == np.int32:
            word = "Int"
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{word}'")
    return a


def _no_pivot(pivot: bool, fname: str) -> None:
    if not pivot:
        raise RuntimeError(f"{fname}: LU without pivoting is not implemented on the CPU")


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False, out=None):
    """LU factorization with partial pivoting, packed: ``(LU, pivots, info)``; ``info`` is the
    1-based index of the first zero pivot (0 when there is none).

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.lu_factor_ex(torch.tensor([[1.0, 2.0], [3.0, 4.0]])).pivots
        tensor([2, 2], dtype=torch.int32)
    """
    from .reduce import return_type

    _lu_input(A, "linalg_lu_factor_ex")
    _no_pivot(pivot, "linalg.lu_factor_ex")
    LU, pivots, info = apply(LU_FACTOR, (A,))
    if check_errors:
        _lu_check(info._data, "linalg.lu_factor_ex")
    return return_type("linalg_lu_factor_ex", ("LU", "pivots", "info"))((LU, pivots, info))


def _lu_check(info: np.ndarray, fname: str) -> None:
    flat = info.reshape(-1)
    bad = np.flatnonzero(flat > 0)
    if bad.size:
        b = int(bad[0])
        prefix = _batch_prefix(info.shape, b)
        i = int(flat[b])
        raise RuntimeError(  # (a RuntimeError in torch, not LinAlgError)
            f"torch.{fname}: {prefix}U[{i},{i}] is zero and using it on lu_solve would result in "
            "a division by zero. If you still want to perform the factorization, consider "
            "calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)"
        )


def lu_factor(A: Tensor, *, pivot: bool = True, out=None):
    """LU factorization with partial pivoting, packed as LAPACK's: ``(LU, pivots)``, ``A = P L U``
    with ``L`` below the diagonal of ``LU`` (unit diagonal implied) and ``U`` on and above it;
    ``pivots`` (int32, 1-based) are the row interchanges. Raises for a singular matrix.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.lu_factor(torch.tensor([[1.0, 2.0], [3.0, 4.0]])).LU
        tensor([[3.0000, 4.0000],
                [0.3333, 0.6667]])
    """
    from .reduce import return_type

    _lu_input(A, "linalg_lu_factor")
    _no_pivot(pivot, "linalg.lu_factor")
    LU, pivots, info = apply(LU_FACTOR, (A,))
    _lu_check(info._data, "linalg.lu_factor")
    return return_type("linalg_lu_factor", ("LU", "pivots"))((LU, pivots))


def lu(A: Tensor, *, pivot: bool = True, out=None):
    """``A = P L U``: the permutation ``P``, unit lower-trapezoidal ``L`` and upper-trapezoidal
    ``U`` (``torch.linalg.lu``).

    Example:
        >>> import chainrule as torch
        >>> P, L, U = torch.linalg.lu(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> P
        tensor([[0., 1.],
                [1., 0.]])
    """
    from .reduce import return_type

    _lu_input(A, "linalg_lu")
    _no_pivot(pivot, "linalg.lu")
    L, U, P = apply(LINALG_LU, (A,))
    return return_type("linalg_lu", ("P", "L", "U"))((P, L, U))


def lu_unpack(
    LU_data: Tensor,
    LU_pivots: Tensor,
    unpack_data: bool = True,
    unpack_pivots: bool = True,
    *,
    out=None,
):
    """``(P, L, U)`` from ``lu_factor``'s packed factors and pivots.

    Example:
        >>> import chainrule as torch
        >>> LU, pivots = torch.linalg.lu_factor(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> torch.lu_unpack(LU, pivots).U
        tensor([[3.0000, 4.0000],
                [0.0000, 0.6667]])
    """
    from .reduce import return_type

    lu_a = _tensor(LU_data, "lu_unpack", arg="LU_data")
    piv = _tensor(LU_pivots, "lu_unpack", 2, "LU_pivots")
    if lu_a.ndim < 2:
        raise RuntimeError(
            "torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: "
            f"{list(lu_a.shape)} instead"
        )
    if piv.dtype != np.int32:
        raise RuntimeError(
            "torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 "
            "dtype.\nNote: this function is intended to be used with the output produced by "
            "torch.linalg.lu_factor"
        )
    L, U, P = apply(LU_UNPACK, (LU_data, LU_pivots), (bool(unpack_data), bool(unpack_pivots)))
    return return_type("lu_unpack", ("P", "L", "U"))((P, L, U))


def lu_solve_linalg(
    LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True, adjoint: bool = False, out=None
) -> Tensor:
    """Solve ``A X = B`` (``X A = B`` when ``left=False``; ``A^T`` for ``adjoint``) from
    ``lu_factor``'s output.

    Example:
        >>> import chainrule as torch
        >>> LU, pivots = torch.linalg.lu_factor(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> torch.linalg.lu_solve(LU, pivots, torch.tensor([[5.0], [11.0]]))
        tensor([[1.],
                [2.]])
    """
    a = _tensor(LU, "linalg_lu_solve", arg="LU")
    b = _tensor(B, "linalg_lu_solve", 3, "B")
    _check_matrix(a, "linalg.lu_solve", arg="LU")
    _same_dtype(a, b, "linalg.lu_solve")
    if b.ndim < 2:
        raise RuntimeError("linalg.lu_solve: Expected B to have at least 2 dimensions.")
    n = a.shape[-1]
    if (b.shape[-2] if left else b.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"linalg.lu_solve: Incompatible shapes of A and B for the equation {eq} ({n}x{n} "
            f"and {b.shape[-2]}x{b.shape[-1]})"
        )
    return apply(LU_SOLVE, (LU, pivots, B), (bool(left), bool(adjoint)))


def lu_legacy(A: Tensor, pivot: bool = True, get_infos: bool = False, out=None):
    """Deprecated ``torch.lu`` / ``Tensor.lu``: ``(LU, pivots)`` (``, infos`` with
    ``get_infos``); a singular matrix does not raise (as PyTorch's ``_lu_with_info``).

    Example:
        >>> import chainrule as torch
        >>> import warnings; warnings.simplefilter("ignore")
        >>> torch.lu(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))[1]
        tensor([2, 2], dtype=torch.int32)
    """
    from .reduce import return_type

    cpp_warn(
        "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex "
        "and will be removed in a future PyTorch release.\nLU, pivots = torch.lu(A, "
        "compute_pivots)\nshould be replaced with\nLU, pivots = torch.linalg.lu_factor(A, "
        "compute_pivots)\nand\nLU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)\n"
        "should be replaced with\nLU, pivots, info = torch.linalg.lu_factor_ex(A, "
        "compute_pivots)",
        "aten/src/ATen/native/BatchLinearAlgebra.cpp:2073",
        stacklevel=2,
        once=True,
    )
    _lu_input(A, "lu")
    _no_pivot(pivot, "linalg.lu_factor")
    LU, pivots, info = apply(LU_FACTOR, (A,))
    if get_infos:
        return return_type("_lu_with_info", ("LU", "pivots", "info"))((LU, pivots, info))
    return LU, pivots


def lu_solve_legacy(input: Tensor, LU_data: Tensor, LU_pivots: Tensor, *, out=None) -> Tensor:  # noqa: A002
    """Deprecated ``torch.lu_solve(B, LU, pivots)`` / ``B.lu_solve(LU, pivots)``: arguments
    reversed from ``linalg.lu_solve``.

    Example:
        >>> import chainrule as torch
        >>> import warnings; warnings.simplefilter("ignore")
        >>> LU, pivots = torch.linalg.lu_factor(torch.tensor([[2.0, 0.0], [0.0, 4.0]]))
        >>> torch.lu_solve(torch.tensor([[2.0], [4.0]]), LU, pivots)
        tensor([[1.],
                [1.]])
    """
    cpp_warn(
        "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a "
        "future PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\n"
        "X = torch.lu_solve(B, LU, pivots)\nshould be replaced with\nX = "
        "torch.linalg.lu_solve(LU, pivots, B)",
        "aten/src/ATen/native/BatchLinearAlgebra.cpp:2230",
        stacklevel=2,
        once=True,
    )
    return lu_solve_linalg(LU_data, LU_pivots, input)


# ---------------------------------------------------------------- tensor inverse / solve
def tensorinv(A: Tensor, ind: int = 2, *, out=None) -> Tensor:
    """The inverse of ``A`` for ``tensordot`` over its first ``ind`` dims:
    ``A.reshape(prod(A.shape[:ind]), -1)`` inverted, shaped ``A.shape[ind:] + A.shape[:ind]``.

    Example:
        >>> import chainrule as torch
        >>> torch.linalg.tensorinv(torch.eye(4).reshape(4, 2, 2), ind=1).shape
        torch.Size([2, 2, 4])
    """
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    shape = tuple(A.shape)
    rows = int(np.prod(shape[:ind]))
    cols = int(np.prod(shape[ind:]))
    if rows != cols:
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[ind:]) == "
            f"prod(self.shape[:ind]), but got {cols} != {rows}"
        )
    from .linalg import inv

    return inv(A.reshape(rows, cols)).reshape(shape[ind:] + shape[:ind])


def tensorsolve(A: Tensor, B: Tensor, dims: tuple | None = None, *, out=None) -> Tensor:
    """``X`` with ``tensordot(A, X, X.ndim) = B``; ``dims`` moves those dims of ``A`` to the end
    first.

    Example:
        >>> import chainrule as torch
        >>> A = torch.eye(6).reshape(2, 3, 6)
        >>> torch.linalg.tensorsolve(A, torch.ones(2, 3)).shape
        torch.Size([6])
    """
    if dims is not None:
        nd = A.dim()
        moved = [d % nd for d in dims]
        A = A.permute(*[d for d in range(nd) if d not in moved], *moved)
    shape = tuple(A.shape)
    k = B.dim()
    rows = int(np.prod(shape[:k]))
    cols = int(np.prod(shape[k:]))
    if rows != cols:
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
            f"prod(self.shape[:other.ndim]), but got {cols} != {rows}"
        )
    x = solve(A.reshape(rows, cols), B.reshape(rows))
    return x.reshape(shape[k:])


# ---------------------------------------------------------------- install
def _install() -> None:
    from ._registry import PUBLIC, expose

    mod = PUBLIC["linalg"]
    for name, fn in (
        ("solve", solve),
        ("solve_ex", solve_ex),
        ("solve_triangular", solve_triangular),
        ("cholesky", cholesky),
        ("cholesky_ex", cholesky_ex),
        ("qr", qr),
        ("eigh", eigh),
        ("eigvalsh", eigvalsh),
        ("eig", eig),
        ("eigvals", eigvals),
        ("svd", svd),
        ("svdvals", svdvals),
        ("slogdet", slogdet),
        ("matrix_exp", matrix_exp),
        ("pinv", pinv),
        ("lstsq", lstsq),
        ("householder_product", householder_product),
        ("inv_ex", inv_ex),
        ("matrix_power", matrix_power),
        ("matrix_rank", matrix_rank),
        ("matrix_norm", matrix_norm),
        ("norm", norm),
        ("cond", cond),
        ("multi_dot", multi_dot),
        ("vander", linalg_vander),
        ("vecdot", vecdot),
        ("diagonal", linalg_diagonal),
        ("lu_factor", lu_factor),
        ("lu_factor_ex", lu_factor_ex),
        ("lu", lu),
        ("lu_solve", lu_solve_linalg),
        ("tensorinv", tensorinv),
        ("tensorsolve", tensorsolve),
        ("LinAlgError", LinAlgError),
    ):
        setattr(mod, name, fn)
    expose(triangular_solve)
    expose(cholesky_legacy, "cholesky", method="cholesky")
    expose(cholesky_solve)
    expose(cholesky_inverse)
    expose(qr_legacy, "qr", method="qr")
    expose(svd_legacy, "svd", method="svd")
    expose(slogdet_top, "slogdet", method="slogdet")
    expose(logdet)
    expose(matrix_exp)
    expose(matrix_power)
    expose(pinverse)
    expose(householder_product, "orgqr")
    expose(lstsq_removed, "lstsq")
    expose(lu_unpack, method=False)
    expose(lu_legacy, "lu", method="lu")
    expose(lu_solve_legacy, "lu_solve", method="lu_solve")
    expose(chain_matmul, method=False)
    expose(vander, method=False)


_install()
