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
