"""Linear algebra, reductions, shape and indexing additions checked against torch: values,
dtypes, grad_fn names, gradients of composites, tie-breaking, and error paths (same exception
type and key words as torch's messages). Differentiable primitives are also sampled in
``tests/op_samples`` (the generic harness)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import chainrule

NAN = float("nan")
RNG = np.random.default_rng(1234)
A3 = RNG.standard_normal((3, 3))
SPD = A3 @ A3.T + 3 * np.eye(3)
R43 = RNG.standard_normal((4, 3))
X34 = RNG.standard_normal((3, 4))
V3 = RNG.standard_normal(3)


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _run(lib, fn, arrays, grad):
    ins = [
        (lib.tensor(a) if lib is chainrule else lib.from_numpy(a.copy())).requires_grad_(
            grad and a.dtype.kind == "f"
        )
        for a in arrays
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fn(lib, *ins)
    return ins, (tuple(out) if isinstance(out, (tuple, list)) else (out,))


def _np(t):
    return np.asarray(t.detach().numpy())


def check(torch, fn, *arrays, grad=True, names=True, rtol=1e-6, atol=1e-8):
    """``fn(lib, *tensors)`` on both libraries: values, dtypes, shapes, grad_fn names and (for
    a random upstream gradient) the input gradients."""
    c_in, c_out = _run(chainrule, fn, arrays, grad)
    t_in, t_out = _run(torch, fn, arrays, grad)
    assert len(c_out) == len(t_out)
    for c, t in zip(c_out, t_out):
        assert str(c.dtype) == str(t.dtype)
        assert tuple(c.shape) == tuple(t.shape)
        np.testing.assert_allclose(_np(c), _np(t), rtol=rtol, atol=atol, equal_nan=True)
        if names:
            cn = None if c.grad_fn is None else c.grad_fn.name()
            tn = None if t.grad_fn is None else t.grad_fn.name()
            assert cn == tn
    diff = [k for k, t in enumerate(t_out) if t.requires_grad]
    t_leaves = [t for t in t_in if t.requires_grad]
    if not (grad and diff and t_leaves):
        return
    ws = [RNG.standard_normal(tuple(t_out[k].shape)) for k in diff]
    tg = torch.autograd.grad(
        [t_out[k] for k in diff], t_leaves, [torch.from_numpy(w) for w in ws], allow_unused=True
    )
    cg = chainrule.autograd.grad(
        [c_out[k] for k in diff],
        [c for c in c_in if c.requires_grad],
        [chainrule.tensor(w) for w in ws],
        allow_unused=True,
    )
    for a, b in zip(cg, tg):
        if b is None:
            assert a is None or not np.any(_np(a))
            continue
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-5, atol=1e-7, equal_nan=True)


def raises_like(torch, fn, *words):
    """Both libraries raise the same exception type; chainrule's message has torch's words."""
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(Exception) as ce:
        fn(chainrule)
    assert type(ce.value).__name__ == type(te.value).__name__, (ce.value, te.value)
    for w in words:
        assert w in str(te.value), (w, str(te.value))
        assert w in str(ce.value), (w, str(ce.value))


# ---------------------------------------------------------------- linalg composites
@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf])
def test_matrix_norm(torch, ord):
    check(torch, lambda L, a: L.linalg.matrix_norm(a, ord), R43)
    check(
        torch,
        lambda L, a: L.linalg.matrix_norm(a, ord, dim=(2, 0), keepdim=True),
        RNG.random((3, 2, 4)),
    )
    check(torch, lambda L, a: L.linalg.norm(a, ord), R43)


def test_norms(torch):
    check(torch, lambda L, a: L.linalg.norm(a), R43)
    check(torch, lambda L, a: L.linalg.norm(a, 3, dim=1), R43)
    check(torch, lambda L, a: L.norm(a, "nuc"), R43)


@pytest.mark.parametrize("p", [None, 2, -2])
def test_cond_svd(torch, p):
    check(torch, lambda L, a: L.linalg.cond(a, p), A3)


@pytest.mark.parametrize("p", [1, -1, "fro", "nuc", math.inf])
def test_cond_norms(torch, p):
    check(torch, lambda L, a: L.linalg.cond(a, p), A3, grad=False)
    if p != "nuc":  # 'nuc' divides by the smallest singular value: LAPACK rounding noise
        check(
            torch, lambda L, a: L.linalg.cond(a, p), np.array([[1.0, 2.0], [2.0, 4.0]]), grad=False
        )


def test_cond_backward_error_as_torch(torch):
    # PyTorch fills the inverse in place, so its backward refuses: so does chainrule's
    for lib in (torch, chainrule):
        x = (
            lib.tensor(A3, requires_grad=True)
            if lib is chainrule
            else torch.tensor(A3, requires_grad=True)
        )
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            lib.linalg.cond(x, 1).backward()


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, -3])
def test_matrix_power(torch, n):
    check(torch, lambda L, a: L.linalg.matrix_power(a, n), A3 + 2 * np.eye(3))
    check(torch, lambda L, a: a.matrix_power(n), RNG.standard_normal((2, 3, 3)) + 2 * np.eye(3))


def test_matrix_power_int(torch):
    check(torch, lambda L, a: L.linalg.matrix_power(a, 3), np.arange(4).reshape(2, 2))


def test_matrix_rank(torch):
    ones = np.ones((3, 3))
    check(torch, lambda L, a: L.linalg.matrix_rank(a), ones)
    check(torch, lambda L, a: L.linalg.matrix_rank(a, tol=0.5), ones)
    check(torch, lambda L, a: L.linalg.matrix_rank(a, hermitian=True), np.ones((2, 3, 3)))
    check(torch, lambda L, a: L.linalg.matrix_rank(a, atol=1.0, rtol=0.0), SPD)


def test_multi_dot_and_chain_matmul(torch):
    b = RNG.standard_normal((3, 2))
    check(torch, lambda L, a, m, c: L.linalg.multi_dot([a, m, c]), R43, A3, b)
    check(torch, lambda L, a, m, c, d: L.linalg.multi_dot([a, m, c, d]), R43, A3, b, b.T)
    check(torch, lambda L, a, m, c: L.linalg.multi_dot([a, m, c]), V3, A3, V3)
    check(torch, lambda L, a, m: L.linalg.multi_dot([a, m]), R43, A3)
    check(torch, lambda L, a, m, c: L.chain_matmul(a, m, c), R43, A3, b)


def test_vander_vecdot_diagonal(torch):
    check(torch, lambda L, a: L.linalg.vander(a), V3)
    check(torch, lambda L, a: L.linalg.vander(a, N=5), RNG.standard_normal((2, 3)))
    check(torch, lambda L, a: L.vander(a, 4), V3, grad=False)
    check(torch, lambda L, a: L.vander(a, 4, increasing=True), V3, grad=False)
    check(torch, lambda L, a: L.vander(a), np.array([1, 2, 3], dtype=np.int32))
    check(torch, lambda L, a, b: L.linalg.vecdot(a, b), R43, V3)
    check(torch, lambda L, a: L.linalg.diagonal(a, offset=1), RNG.standard_normal((2, 3, 3)))


def test_logdet_slogdet_signs(torch):
    check(torch, lambda L, a: L.logdet(a), -SPD, grad=False)
    check(torch, lambda L, a: L.logdet(a), SPD)
    check(torch, lambda L, a: tuple(L.slogdet(a)), A3)
    check(torch, lambda L, a: tuple(a.slogdet()), A3)


def test_ex_variants(torch):
    sing = np.array([[1.0, 2.0, 3], [2.0, 4.0, 6], [1, 1, 1]])
    check(torch, lambda L, a: tuple(L.linalg.inv_ex(a)), sing, grad=False)
    check(
        torch,
        lambda L, a: tuple(L.linalg.inv_ex(a)),
        np.array([[[1.0, 2], [2, 4]], [[0, 2], [0, 4]]]),
        grad=False,
    )
    check(
        torch,
        lambda L, a: tuple(L.linalg.solve_ex(a, a)),
        np.array([[0.0, 2.0], [0.0, 4.0]]),
        grad=False,
    )
    check(torch, lambda L, a, b: tuple(L.linalg.solve_ex(a, b)), A3, R43[:3])
    check(torch, lambda L, a: tuple(L.linalg.cholesky_ex(a)), SPD)
    check(
        torch,
        lambda L, a: tuple(L.linalg.cholesky_ex(a)),
        np.array([[1.0, 2.0], [2.0, 1.0]]),
        grad=False,
    )


def test_lstsq_drivers(torch):
    b = RNG.standard_normal((4, 2))
    for driver in ("gelsy", "gelsd", "gelss", "gels"):
        check(torch, lambda L, a, c: tuple(L.linalg.lstsq(a, c, driver=driver)), R43, b)
    check(torch, lambda L, a, c: L.linalg.lstsq(a, c).solution, R43, RNG.standard_normal(4))


def test_decompositions_extra_forms(torch):
    check(torch, lambda L, a: tuple(L.linalg.qr(a, "r")), R43, grad=False, names=False)
    check(torch, lambda L, a: tuple(L.qr(a)), R43)
    check(torch, lambda L, a: tuple(a.qr(some=False)), R43.T)
    check(torch, lambda L, a: L.linalg.cholesky(a), SPD + np.triu(A3, 1))  # lower triangle read
    check(torch, lambda L, a: L.linalg.cholesky(a, upper=True), SPD + np.triu(A3, 1))
    check(torch, lambda L, a: a.cholesky(), SPD)
    check(torch, lambda L, a: (lambda w, v: (w, v * v))(*L.linalg.eigh(a)), A3)  # lower triangle
    check(torch, lambda L, a: (lambda w, v: (w, v * v))(*L.linalg.eigh(a, "U")), A3)
    check(torch, lambda L, a: L.linalg.eigvalsh(a), SPD)
    check(torch, lambda L, a: (lambda u, s, v: (u * u, s, v * v))(*a.svd()), R43)
    check(torch, lambda L, a: tuple(L.svd(a, compute_uv=False))[1], R43)
    check(torch, lambda L, a: L.linalg.matrix_exp(5 * a), A3)
    check(torch, lambda L, a: L.linalg.pinv(a, hermitian=True), SPD)
    check(torch, lambda L, a: L.linalg.pinv(a, atol=0.5), R43)


def test_qr_r_mode_backward_error(torch):
    for lib in (torch, chainrule):
        x = (
            lib.tensor(R43, requires_grad=True)
            if lib is chainrule
            else torch.tensor(R43, requires_grad=True)
        )
        with pytest.raises(RuntimeError, match="mode='r'"):
            lib.linalg.qr(x, mode="r").R.sum().backward()


def test_matmul_family(torch):
    check(torch, lambda L, c, a, b: L.addmv(c, a, b, beta=0.5, alpha=2), V3, A3, V3)
    check(torch, lambda L, c, a, b: L.addr(c, a, b, beta=2, alpha=0.5), A3, V3, V3)
    check(
        torch,
        lambda L, c, a, b: L.addr(c, a, b, beta=2, alpha=3),
        np.ones((3, 3), np.int64),
        np.arange(3),
        np.arange(3),
    )
    check(
        torch,
        lambda L, c, a, b: L.addbmm(c, a, b),
        A3,
        RNG.standard_normal((2, 3, 4)),
        RNG.standard_normal((2, 4, 3)),
    )
    check(torch, lambda L, a, b: L.vdot(a, b), V3, V3)
    check(torch, lambda L, a, b: L.inner(a, b), R43, RNG.standard_normal((2, 3)))
    check(torch, lambda L, a, b: L.inner(a, b), R43, np.array(2.0))
    check(torch, lambda L, c, a, b: c.clone().addmm_(a, b, alpha=2), A3, R43.T, R43)
    check(torch, lambda L, c, a, b: c.clone().addmv_(a, b), V3, A3, V3)
    check(torch, lambda L, c, a, b: L.addmv_(c.clone(), a, b), V3, A3, V3)
    check(torch, lambda L, c, a, b: c.clone().addr_(a, b), A3, V3, V3)
    check(
        torch,
        lambda L, c, a, b: c.clone().baddbmm_(a, b),
        RNG.standard_normal((2, 3, 3)),
        RNG.standard_normal((2, 3, 4)),
        RNG.standard_normal((2, 4, 3)),
    )
    check(
        torch,
        lambda L, c, a, b: c.clone().addbmm_(a, b),
        A3,
        RNG.standard_normal((2, 3, 4)),
        RNG.standard_normal((2, 4, 3)),
    )


def _t(L, a):
    return L.tensor(a) if L is chainrule else L.from_numpy(np.array(a))


LINALG_ERRORS = [
    (lambda L: L.linalg.solve(_t(L, R43), _t(L, R43)), "A must be batches of square matrices"),
    (lambda L: L.linalg.solve(_t(L, A3), _t(L, np.ones((2, 2)))), "Incompatible shapes of A and B"),
    (lambda L: L.linalg.solve(_t(L, np.zeros((3, 3))), _t(L, A3)), "input matrix is singular"),
    (
        lambda L: L.linalg.solve(_t(L, np.stack([A3, np.zeros((3, 3))])), _t(L, A3)),
        "(Batch element 1)",
    ),
    (lambda L: L.linalg.solve(_t(L, A3), _t(L, A3.astype(np.float32))), "same dtype"),
    (lambda L: L.linalg.solve(_t(L, A3[0]), _t(L, A3)), "at least 2 dimensions"),
    (
        lambda L: L.linalg.inv(_t(L, np.stack([A3, np.zeros((3, 3))]))),
        "(Batch element 1): The diagonal element 1 is zero",
    ),
    (
        lambda L: L.linalg.inv(_t(L, [[1.0, 2, 3], [2, 4, 6], [1, 1, 1]])),
        "The diagonal element 3 is zero",
    ),
    (
        lambda L: L.linalg.solve_triangular(_t(L, A3), _t(L, V3), upper=True),
        "B must have at least 2 dimensions",
    ),
    (
        lambda L: L.linalg.solve_triangular(_t(L, A3), _t(L, R43[:2]), upper=True),
        "Incompatible shapes",
    ),
    (
        lambda L: L.linalg.cholesky(_t(L, -np.eye(3))),
        "leading minor of order 1 is not positive-definite",
    ),
    (
        lambda L: L.linalg.cholesky(_t(L, np.stack([np.eye(2), [[1.0, 2], [2, 1]]]))),
        "(Batch element 1)",
    ),
    (
        lambda L: L.linalg.cholesky(_t(L, np.arange(9).reshape(3, 3))),
        "Expected a floating point or complex tensor",
    ),
    (lambda L: L.linalg.qr(_t(L, A3), mode="foo"), "unrecognized mode 'foo'"),
    (lambda L: L.linalg.eigh(_t(L, A3), UPLO="X"), "Expected UPLO argument to be 'L' or 'U'"),
    (lambda L: L.linalg.svd(_t(L, V3)), "at least 2 dimensions"),
    (lambda L: L.linalg.pinv(_t(L, V3)), "expected a tensor with 2 or more dimensions"),
    (
        lambda L: L.linalg.lstsq(_t(L, A3), _t(L, np.ones((2, 2)))),
        "input.size(-2) should match other.size(-2)",
    ),
    (
        lambda L: L.linalg.lstsq(_t(L, A3), _t(L, A3), driver="foo"),
        "parameter `driver` should be one of",
    ),
    (lambda L: L.linalg.matrix_power(_t(L, R43), 2), "A must be batches of square matrices"),
    (
        lambda L: L.linalg.matrix_power(_t(L, np.eye(3, dtype=np.int64)), -1),
        "Expected a floating point",
    ),
    (lambda L: L.linalg.matrix_exp(_t(L, R43)), "A must be batches of square matrices"),
    (lambda L: L.linalg.matrix_norm(_t(L, V3)), "at least 2 dimensions"),
    (lambda L: L.linalg.matrix_norm(_t(L, A3), 3), "Order 3 not supported"),
    (lambda L: L.linalg.matrix_norm(_t(L, A3), dim=(0, 0)), "dims must be different"),
    (lambda L: L.linalg.norm(_t(L, np.ones((2, 2, 2))), 2), "the input must be 1D or 2D. Got 3D"),
    (lambda L: L.linalg.norm(_t(L, A3), 2, dim=(0, 1, 1)), "it must be of length 1 or 2"),
    (lambda L: L.linalg.cond(_t(L, R43), 1), "A must be batches of square matrices"),
    (lambda L: L.linalg.multi_dot([_t(L, A3)]), "expected at least 2 tensors but got 1"),
    (
        lambda L: L.linalg.multi_dot([_t(L, A3), _t(L, A3[None])]),
        "the last tensor must be 1D or 2D",
    ),
    (lambda L: L.linalg.multi_dot([_t(L, A3), _t(L, R43)]), "cannot be multiplied"),
    (
        lambda L: L.linalg.multi_dot([_t(L, A3), _t(L, A3.astype(np.float32))]),
        "tensor 0 is double and tensor 1 float",
    ),
    (lambda L: L.linalg.vander(_t(L, 1.0)), "N must be greater than 1."),
    (lambda L: L.linalg.matrix_rank(_t(L, V3)), "must have at least 2 dimensions"),
    (
        lambda L: L.linalg.householder_product(_t(L, R43.T), _t(L, V3[:2])),
        "input.shape[-2] must be greater than or equal",
    ),
    (
        lambda L: L.cholesky_solve(_t(L, R43.T[:2]), _t(L, A3)),
        "Incompatible matrix sizes for cholesky_solve",
    ),
    (lambda L: L.cholesky_inverse(_t(L, R43)), "A must be batches of square matrices"),
    (
        lambda L: L.triangular_solve(_t(L, R43.T[:2]), _t(L, A3)),
        "Incompatible matrix sizes for triangular_solve",
    ),
    (lambda L: L.inner(_t(L, A3), _t(L, R43[:2].T)), "the last dimension must match"),
    (lambda L: L.vdot(_t(L, A3), _t(L, A3)), "1D tensors expected, but got 2D and 2D tensors"),
    (lambda L: L.addmv(_t(L, V3), _t(L, A3), _t(L, V3[:2])), "size mismatch"),
    (lambda L: L.addr(_t(L, A3), _t(L, A3), _t(L, V3)), "Expected 1-D argument vec1, but got 2-D"),
    (
        lambda L: L.addr(_t(L, R43[:2]), _t(L, V3), _t(L, V3)),
        "must match the existing size (2) at non-singleton dimension 0",
    ),
    (
        lambda L: L.addbmm(_t(L, A3), _t(L, np.ones((2, 3, 2))), _t(L, np.ones((2, 3, 3)))),
        "Incompatible matrix sizes for bmm (3x2 and 3x3)",
    ),
    (lambda L: L.addbmm(_t(L, A3), _t(L, A3), _t(L, A3)), "Dimension out of range"),
    (lambda L: L.chain_matmul(), "Expected one or more matrices"),
    (
        lambda L: L.lstsq(_t(L, A3), _t(L, A3)),
        "`torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`",
    ),
]


@pytest.mark.parametrize("fn,words", LINALG_ERRORS)
def test_linalg_errors(torch, fn, words):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raises_like(torch, fn, words)


def test_linalg_error_class(torch):
    assert issubclass(chainrule.linalg.LinAlgError, RuntimeError)
    with pytest.raises(chainrule.linalg.LinAlgError):
        chainrule.linalg.inv(chainrule.zeros(2, 2))


# ---------------------------------------------------------------- reductions
TIES = np.array([[1.0, 3, 3, 2, 3, NAN, 1, 5]])
NANS = np.array([[2.0, NAN, 1, 3], [NAN, NAN, 1, 2], [2, 1, 2, 1], [5, 4, 3, 2]])
INTS = np.array([[1, 3, 3, 2], [4, 1, 1, 0]])


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin_ties_and_nan(torch, name):
    check(torch, lambda L, a: tuple(getattr(L, name)(a, 1)), TIES)
    check(torch, lambda L, a: tuple(getattr(a, name)(0)), X34)
    check(torch, lambda L, a: tuple(getattr(L, name)(a, 1)), INTS)
    check(torch, lambda L, a: tuple(getattr(L, name)(a, 1)), np.array([[1.0, 3, 3, 0, 3]]))
    check(torch, lambda L, a: tuple(getattr(L, name)(a, 0)), np.array(3.0))


def test_logcumsumexp(torch):
    check(torch, lambda L, a: L.logcumsumexp(a, 0), np.array([1000.0, 1000, -5.0]))
    check(torch, lambda L, a: a.logcumsumexp(-1), X34)
    raises_like(
        torch, lambda L: L.logcumsumexp(_t(L, np.array([1, 2])), 0), "not implemented for 'Long'"
    )


def test_aminmax(torch):
    check(torch, lambda L, a: tuple(L.aminmax(a)), X34)
    check(torch, lambda L, a: tuple(L.aminmax(a, dim=1)), np.array([[1.0, 3, 3, 1]]))
    check(torch, lambda L, a: tuple(a.aminmax(keepdim=True)), X34)
    check(torch, lambda L, a: tuple(L.aminmax(a, dim=0, keepdim=True)), INTS)
    raises_like(
        torch, lambda L: L.aminmax(_t(L, np.zeros(0))), "cannot compute aminmax over an empty"
    )
    raises_like(
        torch, lambda L: L.aminmax(_t(L, np.zeros((2, 0))), dim=1), "Expected reduction dim 1"
    )


def test_median_family(torch):
    check(torch, lambda L, a: L.nanmedian(a), NANS)
    check(torch, lambda L, a: tuple(L.nanmedian(a, 1)), NANS)
    check(torch, lambda L, a: tuple(a.nanmedian(0, keepdim=True)), NANS)
    check(torch, lambda L, a: L.nanmedian(a), np.array([1.0, 2, 2, 3]))  # ties share
    check(torch, lambda L, a: tuple(L.nanmedian(a, 1)), INTS)
    check(torch, lambda L, a: tuple(L.median(a, 1)), NANS)
    check(torch, lambda L, a: tuple(L.median(a, 1)), np.array([[2.0, 1, 2, 1], [1, 1, 3, 3]]))
    check(torch, lambda L, a: L.median(a), np.array([1.0, 2, 2, 3]))
    check(
        torch,
        lambda L, a: tuple(L.mode(a, 1)),
        np.array([[2.0, 1, 2, 1], [1, 1, 3, 3], [5, 4, 3, 2]]),
    )
    check(torch, lambda L, a: tuple(L.mode(a, 0)), INTS)
    check(torch, lambda L, a: tuple(L.kthvalue(a, 2, 1)), X34)


def test_nan_reductions_and_counts(torch):
    check(torch, lambda L, a: L.nansum(a), NANS)
    check(torch, lambda L, a: a.nansum((0, 1), keepdim=True), NANS)
    check(torch, lambda L, a: L.nansum(a, 1), INTS)
    check(torch, lambda L, a: L.nanmean(a, 1), NANS)
    check(torch, lambda L, a: a.nanmean(), NANS)
    check(torch, lambda L, a: L.count_nonzero(a, (0, 1)), INTS)
    check(torch, lambda L, a: a.count_nonzero(1), INTS)
    check(torch, lambda L, a: L.var_mean(a, 1), X34)
    check(torch, lambda L, a: L.var_mean(a, (0, 1), correction=0, keepdim=True), X34)
    check(torch, lambda L, a: L.std_mean(a, 0), X34)


@pytest.mark.parametrize("interp", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantiles(torch, interp):
    check(torch, lambda L, a: L.quantile(a, 0.3, dim=1, interpolation=interp), X34)
    check(torch, lambda L, a: L.quantile(a, 0.5, interpolation=interp), X34)
    check(
        torch,
        lambda L, a, q: a.quantile(q, dim=0, keepdim=True, interpolation=interp),
        X34,
        np.array([0.1, 0.5, 1.0]),
    )
    check(torch, lambda L, a: L.nanquantile(a, 0.4, dim=1, interpolation=interp), NANS)
    check(torch, lambda L, a: L.quantile(a, 0.4, dim=1, interpolation=interp), NANS)


QUANTILE_ERRORS = [
    (lambda L: L.quantile(_t(L, X34), 1.5), "q must be in the range [0, 1] but got 1.5"),
    (lambda L: L.quantile(_t(L, INTS), 0.5), "input tensor must be either float or double dtype"),
    (
        lambda L: L.quantile(_t(L, X34), _t(L, np.ones((2, 2)) / 2)),
        "q must be a scalar or 1D tensor",
    ),
    (
        lambda L: L.quantile(_t(L, X34), _t(L, np.array([0.5], np.float32))),
        "same dtype as the input",
    ),
    (lambda L: L.quantile(_t(L, X34), 0.5, interpolation="foo"), "interpolation must be one of"),
    (lambda L: L.quantile(_t(L, np.zeros(0)), 0.5), "input tensor must be non-empty"),
]


@pytest.mark.parametrize("fn,words", QUANTILE_ERRORS)
def test_quantile_errors(torch, fn, words):
    raises_like(torch, fn, words)


# ---------------------------------------------------------------- shape / indexing
def test_index_builders(torch):
    check(torch, lambda L: L.tril_indices(3, 4, 1))
    check(torch, lambda L: L.triu_indices(4, 3, -1))
    check(torch, lambda L: L.tril_indices(3, 3, dtype=L.int32))
    check(torch, lambda L, a: L.unravel_index(a, (3, 4)), np.array([5, 7, 11]))
    check(torch, lambda L, a: L.unravel_index(a, (3, 4)), np.array(5))
    check(torch, lambda L, a: L.combinations(a), V3)
    check(torch, lambda L, a: L.combinations(a, 3), RNG.standard_normal(4))
    check(torch, lambda L, a: L.combinations(a, 2, with_replacement=True), V3)
    raises_like(
        torch, lambda L: L.tril_indices(3, 3, dtype=L.float32), "not implemented for 'Float'"
    )
    raises_like(torch, lambda L: L.combinations(_t(L, np.ones((2, 2)))), "Expect a 1D vector")


def test_counting(torch):
    check(torch, lambda L, a: L.bincount(a), np.array([1, 1, 3]))
    check(
        torch,
        lambda L, a, w: L.bincount(a, w, 6),
        np.array([1, 1, 3]),
        np.array([0.5, 1, 2]),
        grad=False,
    )
    check(
        torch,
        lambda L, a, w: a.bincount(w),
        np.array([1, 1, 3]),
        np.array([0.5, 1, 2], np.float32),
        grad=False,
    )
    check(torch, lambda L, a: tuple(L.histogram(a, 4)), RNG.standard_normal(20), grad=False)
    check(
        torch,
        lambda L, a, w: tuple(L.histogram(a, 3, range=(0.0, 4.0), weight=w, density=True)),
        np.array([1.0, 2, 1, 4]),
        np.array([1.0, 2, 3, 4]),
        grad=False,
    )
    check(
        torch,
        lambda L, a, b: tuple(a.histogram(b)),
        np.array([1.0, 2, 1, 4]),
        np.array([0.0, 1, 2.5, 4]),
        grad=False,
    )
    check(torch, lambda L, a, b: L.isin(a, b), np.array([1, 2, 3]), np.array([2, 5]))
    check(
        torch,
        lambda L, a, b: L.isin(a, b, invert=True),
        np.array([[1, 2], [3, 4]]),
        np.array([2, 3]),
    )
    raises_like(torch, lambda L: L.bincount(_t(L, np.array([-1]))), "non-negative integral inputs")


def test_splits_and_scatters(torch):
    y = RNG.standard_normal((2, 3, 4))
    check(torch, lambda L, a: L.dsplit(a, 2), y)
    check(torch, lambda L, a: L.dsplit(a, [1, 3]), y)
    check(torch, lambda L, a: L.hsplit(a, 2), X34)
    check(torch, lambda L, a: L.vsplit(a, [1]), X34)
    check(torch, lambda L, a: L.split_with_sizes(a, [1, 3], 1), X34)
    check(torch, lambda L, a: L.unsafe_split(a, 3, 1), X34)
    check(torch, lambda L, a: a.unsafe_chunk(2, 1), X34)
    check(torch, lambda L, a: L.unsafe_split_with_sizes(a, [1, 3], 1), X34)
    check(torch, lambda L, a: L.narrow_copy(a, 1, 1, 2), X34)
    check(torch, lambda L, a: L.diagflat(a), X34)
    check(torch, lambda L, a, i: L.take_along_dim(a, i, 1), X34, np.array([[0], [1], [2]]))
    check(torch, lambda L, a, i: L.take_along_dim(a, i), X34, np.array([0, 5]))
    check(torch, lambda L, a, b: L.select_scatter(a, b, -1, -1), y, RNG.standard_normal((2, 3)))
    check(torch, lambda L, a, b: a.slice_scatter(b), X34, RNG.standard_normal((3, 4)))
    check(torch, lambda L, a, b: L.diagonal_scatter(a, b, 1), X34, RNG.standard_normal(3))
    raises_like(
        torch,
        lambda L: L.select_scatter(_t(L, X34), _t(L, V3), 0, 1),
        "src size = [3], slice size = [4]",
    )
    raises_like(
        torch, lambda L: L.diagonal_scatter(_t(L, X34), _t(L, np.ones(4))), "slice size = [3]"
    )
    raises_like(torch, lambda L: L.dsplit(_t(L, X34), 2), "at least 3 dimension")
    raises_like(torch, lambda L: L.narrow_copy(_t(L, X34), 1, 3, 2), "exceeds dimension size (4)")
    raises_like(torch, lambda L: L.split_with_sizes(_t(L, X34), [1, 2], 1), "to sum exactly to 4")


def test_inplace_view_node_names(torch):
    x = np.ones((2, 1))
    check(torch, lambda L, a: (a * 1).squeeze_(), x)
    check(torch, lambda L, a: (a * 1).squeeze_(1), x)
    check(torch, lambda L, a: (a * 1).squeeze_((1,)), x)
    check(torch, lambda L, a: (a * 1).unsqueeze_(0), x)
    check(torch, lambda L, a: (a * 1).t_(), x)
    check(torch, lambda L, a: (a * 1).swapaxes_(0, 1), x)
    check(torch, lambda L, a: (a * 1).swapdims_(0, 1), x)


def test_tensor_attributes(torch):
    x = np.arange(6.0).reshape(2, 3)
    got = []
    for lib in (chainrule, torch):
        t = _t(lib, x)
        got.append(
            (
                t.itemsize,
                t.nbytes,
                t.is_cpu,
                t[:, 1:].storage_offset(),
                t[1].storage_offset(),
                t.is_sparse,
                t.is_quantized,
                t.is_meta,
                repr(t.layout),
                t.get_device(),
                _t(lib, np.ones(2, np.int16)).itemsize,
            )
        )
    assert got[0] == got[1]
    assert repr(chainrule.strided) == "torch.strided"
