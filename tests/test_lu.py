"""LU: torch.linalg.lu_factor(_ex), lu, lu_solve, torch.lu_unpack and the deprecated torch.lu /
torch.lu_solve -- printed results, errors and warnings against torch (values and gradients of
every case are in the generic op tests, tests/op_samples/linalg.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule

CASES = [
    "torch.linalg.lu_factor(torch.tensor([[1., 2.], [3., 4.]]))",
    "torch.linalg.lu_factor_ex(torch.tensor([[1., 2.], [3., 4.]]))",
    "torch.linalg.lu_factor_ex(torch.zeros(2, 2))",
    "torch.linalg.lu_factor_ex(torch.tensor([[1., 2.], [2., 4.]]))",
    "torch.linalg.lu_factor(torch.zeros(2, 2))",
    "torch.linalg.lu_factor(torch.stack([torch.eye(2), torch.zeros(2, 2)]))",
    "torch.linalg.lu_factor_ex(torch.zeros(2, 2), check_errors=True)",
    "torch.linalg.lu_factor(torch.eye(2), pivot=False)",
    "torch.linalg.lu_factor(torch.ones(3))",
    "torch.linalg.lu_factor(torch.ones(2, 2, dtype=torch.int64))",
    "torch.linalg.lu(torch.tensor([[1., 2.], [3., 4.], [5., 6.]]))",
    "torch.linalg.lu(torch.zeros(2, 3))",
    "torch.linalg.lu(torch.tensor([[1., 2.], [3., 4.]], requires_grad=True))",
    "torch.lu_unpack(*torch.linalg.lu_factor(torch.tensor([[1., 2.], [3., 4.]])))",
    "torch.lu_unpack(*torch.linalg.lu_factor(torch.tensor([[1., 2.], [3., 4.]])), "
    "unpack_data=False)",
    "torch.lu_unpack(*torch.linalg.lu_factor(torch.tensor([[1., 2.], [3., 4.]])), "
    "unpack_pivots=False)",
    "torch.linalg.lu_solve(*torch.linalg.lu_factor(torch.tensor([[1., 2.], [3., 4.]])), "
    "torch.eye(2))",
    "torch.linalg.lu_solve(*torch.linalg.lu_factor(torch.tensor([[1., 2.], [3., 4.]])), "
    "torch.ones(3, 1))",
    "torch.linalg.lu_solve(*torch.linalg.lu_factor(torch.tensor([[1., 2.], [3., 4.]], "
    "requires_grad=True)), torch.eye(2), left=False)",
    "torch.lu(torch.tensor([[1., 2.], [3., 4.]]))",
    "torch.tensor([[1., 2.], [3., 4.]]).lu()",
    "torch.lu(torch.tensor([[1., 2.], [3., 4.]]), get_infos=True)",
    "torch.lu(torch.zeros(2, 2))",
    "torch.lu_solve(torch.eye(2), *torch.linalg.lu_factor(torch.tensor([[1., 2.], [3., 4.]])))",
    "torch.eye(2).lu_solve(*torch.linalg.lu_factor(torch.tensor([[2., 0.], [0., 4.]])))",
]


def _show(lib, code: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return repr(eval(code, {"torch": lib}))
        except Exception as e:
            return f"{type(e).__name__}: {str(e).splitlines()[0]}"


@pytest.mark.parametrize("code", CASES)
def test_same_as_torch(code):
    torch = pytest.importorskip("torch")
    assert _show(chainrule, code) == _show(torch, code)


def test_singular_error_names_the_pivot():
    with pytest.raises(RuntimeError, match=r"U\[2,2\] is zero"):
        chainrule.linalg.lu_factor(chainrule.tensor([[1.0, 2.0], [2.0, 4.0]]))


@pytest.mark.parametrize(
    "fn, words",
    [
        (lambda t: t.lu(t.tensor([[1.0, 2.0], [3.0, 4.0]])), "torch.lu is deprecated"),
        (
            lambda t: t.lu_solve(t.eye(2), *t.linalg.lu_factor(t.eye(2))),
            "torch.lu_solve is deprecated",
        ),
    ],
)
def test_deprecated_forms_warn_as_torch(monkeypatch, fn, words):
    from chainrule import _cwarn

    monkeypatch.setattr(_cwarn, "_SHOWN", set())  # warn-once: shown again in this test
    with pytest.warns(UserWarning, match=words):
        fn(chainrule)


def test_factors_reassemble_the_matrix_and_match_lapack_pivots():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    for shape in [(6, 6), (3, 4, 4), (5, 7), (7, 5)]:
        a = rng.standard_normal(shape)
        P, L, U = chainrule.linalg.lu(chainrule.tensor(a))
        np.testing.assert_allclose((P @ L @ U).numpy(), a, atol=1e-13)
        c = chainrule.linalg.lu_factor(chainrule.tensor(a))
        t = torch.linalg.lu_factor(torch.tensor(a))
        np.testing.assert_array_equal(c.pivots.numpy(), t.pivots.numpy())
        np.testing.assert_allclose(c.LU.numpy(), t.LU.numpy(), rtol=1e-12, atol=1e-14)


def test_singular_gradient_is_finite_where_torch_is():
    """A rank-deficient tall matrix factors (U has a zero row); its L gradient stays finite."""
    a = chainrule.tensor([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], dtype=chainrule.float64)
    LU, piv, info = chainrule.linalg.lu_factor_ex(a)
    assert info.item() == 2
