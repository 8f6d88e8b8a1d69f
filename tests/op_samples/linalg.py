"""Samples for ``chainrule/ops/linalg.py``: matmul in every rank combination (batched with
broadcasting), mm/bmm/mv/dot, outer, addmm/baddbmm, trace, diag, tril/triu, einsum, det/inv."""

from __future__ import annotations

from op_samples import Sample

S = Sample


def _spd(lib, a):
    """A well-conditioned matrix built from ``a`` (for det/inv)."""
    n = a.shape[-1]
    return a @ a.transpose(-1, -2) + n * lib.eye(n, dtype=a.dtype)


SAMPLES = [
    # ---- matmul: each torch code path (node names differ per path)
    S(("dot",), lambda lib, a, b: a @ b, [((3,), (3,))], name="matmul_1d1d"),
    S(("mv",), lambda lib, a, b: a @ b, [((2, 3), (3,))], name="matmul_2d1d"),
    S(("matmul_vm",), lambda lib, a, b: a @ b, [((3,), (3, 4))], name="matmul_1d2d"),
    S(("mm",), lambda lib, a, b: a @ b, [((2, 3), (3, 4)), ((1, 1), (1, 1))], name="matmul_2d2d"),
    S(
        ("matmul",),
        lambda lib, a, b: lib.matmul(a, b),
        [
            ((5, 2, 3), (3, 4)),
            ((5, 2, 3), (5, 3, 4)),
            ((5, 2, 3), (1, 3, 4)),
            ((2, 5, 2, 3), (5, 3, 4)),
            ((5, 2, 3), (2, 1, 3, 4)),
            ((5, 2, 3), (3,)),
            ((3,), (5, 3, 4)),
            ((1, 2, 3), (3, 4)),
        ],
        name="matmul_batched",
    ),
    S(
        ("matmul_transposed",),
        lambda lib, a, b: a @ b,
        [((2, 3), (5, 3, 4)), ((1, 2, 3), (5, 3, 4)), ((2, 3), (1, 3, 4))],
        name="matmul_2d3d",
    ),
    S(
        ("matmul",),
        lambda lib, a, b: a.matmul(b),
        [((5, 2, 3), (3, 4))],
        diff=(1,),
        name="matmul_rhs",
    ),
    S(
        ("matmul",),
        lambda lib, a, b: a @ b,
        [((2, 3), (5, 3, 4))],
        diff=(1,),
        name="matmul_2d3d_rhs",
    ),
    S(("mm",), lambda lib, a, b: lib.mm(a, b), [((2, 3), (3, 4)), ((4, 1), (1, 2))]),
    S(("mm",), lambda lib, a, b: a.mm(b.t()), [((2, 3), (4, 3))], name="mm_transposed"),
    S(("bmm",), lambda lib, a, b: lib.bmm(a, b), [((5, 2, 3), (5, 3, 4)), ((1, 1, 1), (1, 1, 2))]),
    S(("mv",), lambda lib, a, b: lib.mv(a, b), [((2, 3), (3,))]),
    S(("dot",), lambda lib, a, b: lib.dot(a, b), [((4,), (4,)), ((1,), (1,))]),
    S(("dot",), lambda lib, a, b: a.dot(b), [((4,), (4,))], name="dot_method"),
    # ---- outer / addmm / baddbmm
    S(("outer",), lambda lib, a, b: lib.outer(a, b), [((3,), (4,)), ((1,), (2,))]),
    S(("outer",), lambda lib, a, b: lib.ger(a, b), [((3,), (4,))], name="ger"),
    S(
        ("addmm",),
        lambda lib, c, a, b: lib.addmm(c, a, b),
        [((4,), (2, 3), (3, 4)), ((2, 4), (2, 3), (3, 4)), ((2, 1), (2, 3), (3, 4))],
    ),
    S(
        ("addmm",),
        lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5, alpha=2.0),
        [((4,), (2, 3), (3, 4))],
        name="addmm_scaled",
    ),
    S(
        ("addmm",),
        lambda lib, c, a, b: c.addmm(a, b, beta=0),
        [((2, 4), (2, 3), (3, 4))],
        name="addmm_beta0",
    ),
    S(
        ("baddbmm",),
        lambda lib, c, a, b: lib.baddbmm(c, a, b, alpha=0.5),
        [((5, 2, 4), (5, 2, 3), (5, 3, 4)), ((4,), (5, 2, 3), (5, 3, 4))],
    ),
    # ---- trace / diag / tril / triu
    S(("trace",), lambda lib, a: lib.trace(a), [((3, 3),), ((2, 4),), ((4, 2),)]),
    S(("diag_embed",), lambda lib, a: lib.diag(a), [((3,),), ((1,),)], name="diag_1d"),
    S(("diag_embed",), lambda lib, a: lib.diag(a, 1), [((3,),)], name="diag_1d_k1"),
    S(("diag_embed",), lambda lib, a: a.diag(-2), [((3,),)], name="diag_1d_km2"),
    S(("diag",), lambda lib, a: lib.diag(a), [((3, 3),), ((2, 4),), ((4, 2),)], name="diag_2d"),
    S(("diag",), lambda lib, a: a.diag(1), [((3, 3),), ((2, 4),), ((4, 2),)], name="diag_2d_k1"),
    S(("diag",), lambda lib, a: lib.diag(a, -1), [((3, 3),), ((4, 2),)], name="diag_2d_km1"),
    S(("tril",), lambda lib, a: lib.tril(a), [((3, 3),), ((2, 3, 4),)]),
    S(("tril",), lambda lib, a: a.tril(-1), [((3, 4),)], name="tril_km1"),
    S(("triu",), lambda lib, a: lib.triu(a, 1), [((3, 3),), ((2, 4, 3),)]),
    S(("triu",), lambda lib, a: a.triu(), [((4, 3),)], name="triu_method"),
    # ---- einsum: 1 operand
    S(("einsum1",), lambda lib, a: lib.einsum("ij->ji", a), [((2, 3),)], name="einsum_transpose"),
    S(("einsum1",), lambda lib, a: lib.einsum("ba", a), [((2, 3),)], name="einsum_implicit_t"),
    S(("einsum1",), lambda lib, a: lib.einsum("ii->i", a), [((3, 3),)], name="einsum_diag"),
    S(
        ("einsum1",),
        lambda lib, a: lib.einsum("...ij->...ji", a),
        [((4, 2, 3),), ((2, 3),)],
        name="einsum_ell_t",
    ),
    S(("einsum1_sum",), lambda lib, a: lib.einsum("ii->", a), [((3, 3),)], name="einsum_trace"),
    S(("einsum1_sum",), lambda lib, a: lib.einsum("ii", a), [((3, 3),)], name="einsum_trace_impl"),
    S(("einsum1_sum",), lambda lib, a: lib.einsum("ij->i", a), [((2, 3),)], name="einsum_rowsum"),
    S(
        ("einsum1_sum",),
        lambda lib, a: lib.einsum("iij->j", a),
        [((2, 2, 3),)],
        name="einsum_diag_sum",
    ),
    S(
        ("einsum1_sum",),
        lambda lib, a: lib.einsum("i...->...", a),
        [((2, 3, 4),)],
        name="einsum_ell_sum",
    ),
    # ---- einsum: 2 operands
    S(
        ("einsum2",),
        lambda lib, a, b: lib.einsum("i,j->ij", a, b),
        [((3,), (4,))],
        name="einsum_outer",
    ),
    S(
        ("einsum2",),
        lambda lib, a, b: lib.einsum("i,j", a, b),
        [((3,), (4,))],
        name="einsum_outer_impl",
    ),
    S(
        ("einsum2",),
        lambda lib, a, b: lib.einsum("ij,ij->ij", a, b),
        [((2, 3), (2, 3)), ((2, 1), (1, 3))],
        name="einsum_hadamard",
    ),
    S(
        ("einsum2",),
        lambda lib, a, b: lib.einsum("ii,i->i", a, b),
        [((3, 3), (3,))],
        name="einsum_diag_mul",
    ),
    S(
        ("einsum2_contract",),
        lambda lib, a, b: lib.einsum("ij,jk->ik", a, b),
        [((2, 3), (3, 4))],
        name="einsum_mm",
    ),
    S(
        ("einsum2_contract",),
        lambda lib, a, b: lib.einsum("ij,jk", a, b),
        [((2, 3), (3, 4))],
        name="einsum_mm_impl",
    ),
    S(
        ("einsum2_contract",),
        lambda lib, a, b: lib.einsum("ij,kj->ki", a, b),
        [((2, 3), (4, 3))],
        name="einsum_mmt",
    ),
    S(
        ("einsum2_contract",),
        lambda lib, a, b: lib.einsum("i,i->", a, b),
        [((3,), (3,))],
        name="einsum_dot",
    ),
    S(
        ("einsum2_contract",),
        lambda lib, a, b: lib.einsum("ij,ij->", a, b),
        [((2, 3), (2, 3))],
        name="einsum_frob",
    ),
    S(
        ("einsum2_contract",),
        lambda lib, a, b: lib.einsum("bij,bjk->bik", a, b),
        [((5, 2, 3), (5, 3, 4)), ((1, 2, 3), (5, 3, 4))],
        name="einsum_bmm",
    ),
    S(
        ("einsum2_contract",),
        lambda lib, a, b: lib.einsum("...ij,...jk->...ik", a, b),
        [((5, 2, 3), (5, 3, 4)), ((2, 3), (5, 3, 4)), ((2, 1, 2, 3), (5, 3, 4))],
        name="einsum_ell_mm",
    ),
    S(
        ("einsum2_contract",),
        lambda lib, a, b: lib.einsum("ij,j->i", [a, b]),
        [((2, 3), (3,))],
        name="einsum_list",
    ),
    S(
        ("einsum2_contract",),
        lambda lib, a, b: lib.einsum("ii,jj->", a, b),
        [((3, 3), (2, 2))],
        name="einsum_two_traces",
    ),
    # ---- einsum: 3 and 4 operands (and 5, folded)
    S(
        ("einsum3_contract",),
        lambda lib, a, b, c: lib.einsum("ij,jk,kl->il", a, b, c),
        [((2, 3), (3, 4), (4, 5))],
        name="einsum_chain",
    ),
    S(
        ("einsum3",),
        lambda lib, a, b, c: lib.einsum("i,j,k->ijk", a, b, c),
        [((2,), (3,), (4,))],
        name="einsum_outer3",
    ),
    S(
        ("einsum3_contract",),
        lambda lib, a, b, c: lib.einsum("bn,anm,bm->ba", a, b, c),
        [((2, 3), (4, 3, 5), (2, 5))],
        name="einsum_bilinear",
    ),
    S(
        ("einsum4_contract",),
        lambda lib, a, b, c, d: lib.einsum("i,i,i,i->", a, b, c, d),
        [((3,), (3,), (3,), (3,))],
        name="einsum4",
    ),
    S(
        ("einsum4",),
        lambda lib, a, b, c, d: lib.einsum("i,j,k,l->ijkl", a, b, c, d),
        [((2,), (2,), (1,), (3,))],
        name="einsum4_outer",
    ),
    S(
        ("einsum4_contract",),
        lambda lib, a, b, c, d, e: lib.einsum("ab,bc,cd,de,ef->af", a, b, c, d, e),
        [((2, 3), (3, 2), (2, 2), (2, 3), (3, 2))],
        name="einsum5",
    ),
    # ---- linalg
    S(("linalg_det",), lambda lib, a: lib.linalg.det(_spd(lib, a)), [((3, 3),), ((2, 2, 2),)]),
    S(("linalg_det",), lambda lib, a: lib.det(a), [((2, 2),)], name="det_raw"),
    S(("linalg_inv",), lambda lib, a: lib.linalg.inv(_spd(lib, a)), [((3, 3),), ((2, 2, 2),)]),
    S(("linalg_inv",), lambda lib, a: lib.inverse(_spd(lib, a)), [((2, 2),)], name="inverse"),
]


def _tri(lib, a, upper=True):
    """A well-conditioned triangular matrix from ``a`` (for triangular solves)."""
    n = a.shape[-1]
    t = a.triu() if upper else a.tril()
    return t + 3 * lib.eye(n, dtype=a.dtype)


def _sq(u):
    """Elementwise square: invariant to the sign of singular/eigen vectors (LAPACK builds
    differ on it), so the values and gradients can be compared with torch's."""
    return u * u


SAMPLES += [
    # ---- matmul family: addmv / addr / addbmm / vdot
    S(
        ("addmv",),
        lambda lib, c, a, b: lib.addmv(c, a, b),
        [((2,), (2, 3), (3,)), ((1,), (2, 3), (3,))],
    ),
    S(
        ("addmv",),
        lambda lib, c, a, b: c.addmv(a, b, beta=0.5, alpha=-2.0),
        [((2,), (2, 3), (3,))],
        name="addmv_scaled",
    ),
    S(
        ("addr",),
        lambda lib, c, a, b: lib.addr(c, a, b),
        [((2, 3), (2,), (3,)), ((3,), (2,), (3,))],
    ),
    S(
        ("addr",),
        lambda lib, c, a, b: c.addr(a, b, beta=2.0, alpha=0.5),
        [((2, 3), (2,), (3,))],
        name="addr_scaled",
    ),
    S(
        ("addbmm",),
        lambda lib, c, a, b: lib.addbmm(c, a, b, beta=0.5, alpha=2.0),
        [((2, 4), (3, 2, 5), (3, 5, 4)), ((4,), (1, 2, 3), (1, 3, 4))],
    ),
    S(("vdot",), lambda lib, a, b: lib.vdot(a, b), [((4,), (4,))]),
    S(
        ("addmm",),
        lambda lib, c, a, b: c.clone().addmm_(a, b, alpha=2.0),
        [((2, 4), (2, 3), (3, 4))],
        name="addmm_",
    ),
    S(("addr",), lambda lib, c, a, b: c.clone().addr_(a, b), [((2, 3), (2,), (3,))], name="addr_"),
    # ---- solves
    S(
        ("linalg_solve",),
        lambda lib, a, b: lib.linalg.solve(_spd(lib, a), b),
        [((3, 3), (3, 2)), ((3, 3), (3,)), ((2, 3, 3), (2, 3)), ((2, 3, 3), (3, 1))],
    ),
    S(
        ("linalg_solve",),
        lambda lib, a, b: lib.linalg.solve(a + 3 * lib.eye(3, dtype=a.dtype), b, left=False),
        [((3, 3), (2, 3)), ((2, 3, 3), (1, 3))],
        name="solve_right",
    ),
    S(
        ("linalg_solve_triangular",),
        lambda lib, a, b: lib.linalg.solve_triangular(_tri(lib, a), b, upper=True),
        [((3, 3), (3, 2)), ((2, 3, 3), (3, 1))],
    ),
    S(
        ("linalg_solve_triangular",),
        lambda lib, a, b: lib.linalg.solve_triangular(
            a, b, upper=False, left=False, unitriangular=True
        ),
        [((3, 3), (2, 3))],
        name="solve_tri_unit_right",
    ),
    S(
        ("triangular_solve",),
        lambda lib, b, a: tuple(lib.triangular_solve(b, _tri(lib, a, False), upper=False)),
        [((3, 2), (3, 3))],
    ),
    S(
        ("triangular_solve",),
        lambda lib, b, a: tuple(lib.triangular_solve(b, _tri(lib, a), transpose=True)),
        [((2, 3, 2), (3, 3))],
        name="triangular_solve_t",
    ),
    # ---- Cholesky
    S(
        ("linalg_cholesky",),
        lambda lib, a: lib.linalg.cholesky(_spd(lib, a)),
        [((3, 3),), ((2, 2, 2),)],
    ),
    S(
        ("linalg_cholesky",),
        lambda lib, a: lib.linalg.cholesky(_spd(lib, a), upper=True),
        [((3, 3),)],
        name="cholesky_upper",
    ),
    S(
        ("linalg_cholesky",),
        lambda lib, a: lib.linalg.cholesky_ex(_spd(lib, a)).L,
        [((3, 3),)],
        name="cholesky_ex",
    ),
    S(("cholesky",), lambda lib, a: lib.cholesky(_spd(lib, a)), [((3, 3),)]),
    S(
        ("cholesky_solve",),
        lambda lib, b, a: lib.cholesky_solve(b, _tri(lib, a, False)),
        [((3, 2), (3, 3)), ((2, 3, 1), (3, 3))],
    ),
    S(
        ("cholesky_solve",),
        lambda lib, b, a: lib.cholesky_solve(b, _tri(lib, a), upper=True),
        [((3, 2), (3, 3))],
        name="cholesky_solve_upper",
    ),
    S(("cholesky_inverse",), lambda lib, a: lib.cholesky_inverse(_tri(lib, a, False)), [((3, 3),)]),
    S(
        ("cholesky_inverse",),
        lambda lib, a: (
            a.cholesky_inverse(upper=True) if False else lib.cholesky_inverse(_tri(lib, a), True)
        ),
        [((2, 3, 3),)],
        name="cholesky_inverse_upper",
    ),
    # ---- QR
    S(
        ("linalg_qr",),
        lambda lib, a: tuple(lib.linalg.qr(a)),
        [((4, 3),), ((3, 3),), ((3, 5),), ((2, 4, 2),)],
    ),
    S(
        ("linalg_qr",),
        lambda lib, a: tuple(lib.linalg.qr(a, "complete")),
        [((3, 5),), ((3, 3),)],
        name="qr_complete",
    ),
    S(("linalg_qr",), lambda lib, a: lib.linalg.qr(a).R, [((4, 3),)], name="qr_r_only"),
    # ---- LU
    S(
        ("linalg_lu_factor_ex",),
        lambda lib, a: lib.linalg.lu_factor(a).LU,
        [((3, 3),), ((2, 4, 4),), ((3, 5),), ((5, 3),)],
    ),
    S(
        ("linalg_lu_factor_ex",),
        lambda lib, a: lib.linalg.lu_factor_ex(a).LU,
        [((4, 4),)],
        name="lu_factor_ex",
    ),
    S(
        ("linalg_lu",),
        lambda lib, a: tuple(lib.linalg.lu(a)),
        [((3, 3),), ((2, 3, 5),), ((5, 3),)],
    ),
    S(
        ("lu_unpack", "linalg_lu_factor_ex"),
        lambda lib, a: tuple(lib.lu_unpack(*lib.linalg.lu_factor(a))),
        [((3, 3),), ((4, 2),), ((2, 5),)],
    ),
    S(
        ("linalg_lu_solve", "linalg_lu_factor_ex"),
        lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b),
        [((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 1))],
    ),
    S(
        ("linalg_lu_solve", "linalg_lu_factor_ex"),
        lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b, left=False),
        [((3, 3), (2, 3))],
        name="lu_solve_right",
    ),
    S(
        ("linalg_lu_solve", "linalg_lu_factor_ex"),
        lambda lib, a, b: lib.linalg.lu_solve(*lib.linalg.lu_factor(a), b, adjoint=True),
        [((3, 3), (3, 2))],
        name="lu_solve_adjoint",
    ),
    S(
        ("linalg_lu_solve", "linalg_lu_factor_ex"),
        lambda lib, a, b: lib.linalg.lu_solve(
            *lib.linalg.lu_factor(a), b, left=False, adjoint=True
        ),
        [((2, 3, 3), (2, 2, 3))],
        name="lu_solve_right_adjoint",
    ),
    # ---- eigh / svd (sign-invariant functions of the vectors)
    S(
        ("linalg_eigh",),
        lambda lib, a: (lambda w, v: (w, _sq(v)))(*lib.linalg.eigh(a + a.mT)),
        [((3, 3),), ((2, 4, 4),)],
    ),
    S(
        ("linalg_eigh",),
        lambda lib, a: lib.linalg.eigvalsh(a + a.mT, UPLO="U"),
        [((3, 3),)],
        name="eigvalsh",
    ),
    S(
        ("linalg_svd",),
        lambda lib, a: (lambda u, s, vh: (_sq(u), s, _sq(vh), u @ vh))(
            *lib.linalg.svd(a, full_matrices=False)
        ),
        [((4, 3),), ((3, 3),), ((2, 3, 4),)],
    ),
    S(
        ("linalg_svd",),
        lambda lib, a: lib.linalg.svdvals(a),
        [((4, 3),), ((2, 2, 3),)],
        name="svdvals",
    ),
    S(
        ("linalg_svd",),
        lambda lib, a: (lambda u, s, v: (_sq(u), s, _sq(v)))(*lib.svd(a)),
        [((4, 3),)],
        name="torch_svd",
    ),
    # ---- slogdet / logdet / matrix_exp / pinv / lstsq / householder_product
    S(("linalg_slogdet",), lambda lib, a: tuple(lib.linalg.slogdet(a)), [((3, 3),), ((2, 2, 2),)]),
    S(("linalg_slogdet",), lambda lib, a: lib.logdet(_spd(lib, a)), [((3, 3),)], name="logdet"),
    S(
        ("linalg_matrix_exp",),
        lambda lib, a: lib.linalg.matrix_exp(a),
        [((3, 3),), ((2, 2, 2),), ((1, 1),)],
    ),
    S(
        ("linalg_matrix_exp",),
        lambda lib, a: lib.matrix_exp(3 * a),
        [((3, 3),)],
        name="matrix_exp_scaled",
    ),
    S(("linalg_pinv",), lambda lib, a: lib.linalg.pinv(a), [((4, 3),), ((3, 4),), ((2, 3, 3),)]),
    S(
        ("linalg_pinv",),
        lambda lib, a: lib.linalg.pinv(_spd(lib, a), hermitian=True),
        [((3, 3),)],
        name="pinv_hermitian",
    ),
    S(("linalg_pinv",), lambda lib, a: lib.pinverse(a), [((4, 3),)], name="pinverse"),
    S(
        ("linalg_lstsq",),
        lambda lib, a, b: lib.linalg.lstsq(a, b).solution,
        [((4, 3), (4, 2)), ((3, 3), (3, 1)), ((2, 4, 3), (2, 4, 2))],
    ),
    S(
        ("linalg_lstsq",),
        lambda lib, a, b: tuple(lib.linalg.lstsq(a, b, driver="gelsd"))[:2],
        [((4, 3), (4, 2))],
        name="lstsq_residuals",
    ),
    S(
        ("linalg_householder_product",),
        lambda lib, a, t: lib.linalg.householder_product(a, t),
        [((4, 3), (2,)), ((3, 3), (3,)), ((2, 4, 2), (2, 2))],
    ),
]
