"""linalg.eig / linalg.eigvals against PyTorch: values, eigenvectors up to phase, errors."""

import numpy as np
import pytest

import chainrule as cr


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


RNG = np.random.default_rng(11)
MATS = {
    "3x3": RNG.standard_normal((3, 3)),
    "5x5": RNG.standard_normal((5, 5)),
    "batch": RNG.standard_normal((4, 3, 3)),
    "rotation": np.array([[0.0, -1.0], [1.0, 0.0]]),
    "diagonal": np.diag([3.0, 1.0, 2.0]),
    "complex": RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3)),
}


def _phase_free(v):
    """Eigenvectors with each column's largest component rotated onto the positive reals."""
    idx = np.abs(v).argmax(axis=-2)[..., None, :]
    top = np.take_along_axis(v, idx, axis=-2)
    return v * (np.abs(top) / top)


@pytest.mark.parametrize("name", list(MATS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_eig_matches_torch(torch, name, dtype):
    a = MATS[name]
    if np.iscomplexobj(a):
        dtype = {"float64": "complex128", "float32": "complex64"}[dtype]
    a = a.astype(dtype)
    w, v = cr.linalg.eig(cr.tensor(a))
    tw, tv = torch.linalg.eig(torch.tensor(a))
    assert str(w.dtype) == str(tw.dtype) and str(v.dtype) == str(tv.dtype)
    single = dtype in ("float32", "complex64")
    tol = dict(rtol=1e-4, atol=1e-5) if single else dict(atol=1e-10)
    if single:
        # LAPACK builds may order nearly tied float32 eigenvalues differently (~3% of random
        # matrices between NumPy's and PyTorch's): compared as sets, vectors by the equation
        np.testing.assert_allclose(np.sort_complex(w.numpy()), np.sort_complex(tw.numpy()), **tol)
    else:
        np.testing.assert_allclose(w.numpy(), tw.numpy(), **tol)  # the same order
        np.testing.assert_allclose(_phase_free(v.numpy()), _phase_free(tv.numpy()), **tol)
    # A V = V diag(w), unit columns
    av = a.astype(v.numpy().dtype) @ v.numpy()
    np.testing.assert_allclose(av, v.numpy() * w.numpy()[..., None, :], **tol)
    np.testing.assert_allclose(np.linalg.norm(v.numpy(), axis=-2), 1.0, rtol=1e-5)
    np.testing.assert_allclose(cr.linalg.eigvals(cr.tensor(a)).numpy(), w.numpy(), **tol)


ERRORS = {
    "not_square": lambda L: L.linalg.eig(L.ones(2, 3)),
    "vector": lambda L: L.linalg.eig(L.ones(3)),
    "long": lambda L: L.linalg.eig(L.ones(2, 2, dtype=L.int64)),
    "nan": lambda L: L.linalg.eig(L.tensor([[1.0, float("nan")], [0.0, 1.0]])),
    "eigvals_not_square": lambda L: L.linalg.eigvals(L.ones(2, 3)),
    "eigvals_long": lambda L: L.linalg.eigvals(L.ones(2, 2, dtype=L.int64)),
    "empty": lambda L: L.linalg.eig(L.ones(0, 0)),
    "half": lambda L: L.linalg.eig(L.ones(2, 2, dtype=L.float16)),
}


def _outcome(lib, fn):
    try:
        r = fn(lib)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return type(e).__name__, str(e)
    return "ok", [(str(x.dtype), tuple(x.shape)) for x in r]


@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental")
@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(torch, name):
    assert _outcome(cr, ERRORS[name]) == _outcome(torch, ERRORS[name])


def test_grad_is_refused_clearly_and_no_grad_works():
    a = cr.tensor(MATS["3x3"], requires_grad=True)
    with pytest.raises(NotImplementedError, match="no complex autograd"):
        cr.linalg.eig(a)
    with pytest.raises(NotImplementedError, match="no complex autograd"):
        cr.linalg.eigvals(a)
    with cr.no_grad():
        assert cr.linalg.eigvals(a).shape == (3,)
    np.testing.assert_allclose(
        np.sort_complex(cr.linalg.eigvals(a.detach()).numpy()),
        np.sort_complex(np.linalg.eigvals(MATS["3x3"])),
    )
