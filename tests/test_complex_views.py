"""view_as_real, view_as_complex, complex and polar against PyTorch: values, views, errors."""

import numpy as np
import pytest

import chainrule as cr


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


CASES = {
    "real_of_real": lambda L: L.view_as_real(L.ones(3)),
    "real_1d": lambda L: L.view_as_real(L.tensor([1 + 2j, 3 - 1j])),
    "real_0d": lambda L: L.view_as_real(L.tensor(1 + 2j)),
    "real_transposed": lambda L: L.view_as_real(L.tensor([[1 + 2j, 3 - 1j], [5j, 6]]).t()),
    "complex_of_long": lambda L: L.view_as_complex(L.ones(3, dtype=L.int64)),
    "complex_last_not_2": lambda L: L.view_as_complex(L.ones(3)),
    "complex_0d": lambda L: L.view_as_complex(L.tensor(1.0)),
    "complex_sliced": lambda L: L.view_as_complex(L.arange(8.0).reshape(2, 4)[:, :2]),
    "complex_odd_offset": lambda L: L.view_as_complex(L.arange(8.0).reshape(2, 4)[:, 1:3]),
    "complex_transposed": lambda L: L.view_as_complex(L.ones(2, 2).t()),
    "complex_expanded": lambda L: L.view_as_complex(L.ones(3, 2)[:, None].expand(3, 3, 2)),
    "complex_2d": lambda L: L.view_as_complex(L.arange(6.0).reshape(3, 2)),
    "complex_f64": lambda L: L.view_as_complex(L.arange(4.0, dtype=L.float64).reshape(2, 2)),
    "complex_fn": lambda L: L.complex(L.tensor([1.0, 3.0]), L.tensor([2.0, -1.0])),
    "complex_mixed": lambda L: L.complex(L.ones(2), L.ones(2, dtype=L.float64)),
    "complex_long": lambda L: L.complex(L.ones(2, dtype=L.int64), L.ones(2, dtype=L.int64)),
    "complex_broadcast": lambda L: L.complex(L.ones(2, 1), L.arange(3.0)),
    "complex_mismatch": lambda L: L.complex(L.ones(2), L.ones(3)),
    "complex_inf": lambda L: L.complex(L.tensor([float("inf")]), L.tensor([0.0])),
    "complex_number": lambda L: L.complex(L.ones(2), 1.0),
    "polar": lambda L: L.polar(L.tensor([2.0, 1.0]), L.tensor([0.5, -3.0])),
    "polar_f64": lambda L: L.polar(
        L.tensor([2.0], dtype=L.float64), L.tensor([1.0], dtype=L.float64)
    ),
    "polar_long": lambda L: L.polar(L.ones(2, dtype=L.int64), L.ones(2, dtype=L.int64)),
}


def _outcome(lib, fn):
    try:
        r = fn(lib)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return type(e).__name__, str(e)
    return "ok", str(r.dtype), tuple(r.shape), r.numpy().tolist()


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(torch, name):
    got, want = _outcome(cr, CASES[name]), _outcome(torch, CASES[name])
    assert got[:3] == want[:3]
    if got[0] == "ok":
        np.testing.assert_allclose(np.array(got[3]), np.array(want[3]), rtol=1e-6)


def test_views_share_memory_and_versions():
    z = cr.zeros(2, dtype=cr.complex128)
    v = cr.view_as_real(z)
    v[0, 1] = 5
    assert z.tolist() == [5j, 0j] and z._version == v._version == 1
    x = cr.ones(2, 2)
    c = cr.view_as_complex(x)
    c[0] = 3j
    np.testing.assert_array_equal(x.numpy(), [[0.0, 3.0], [1.0, 1.0]])
    assert cr.view_as_real(c).numpy().tolist() == x.numpy().tolist()


def test_round_trip_and_polar_values():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))
    t = cr.tensor(a)
    np.testing.assert_array_equal(cr.view_as_complex(cr.view_as_real(t)).numpy(), a)
    r, th = cr.tensor(np.abs(a)), cr.tensor(np.angle(a))
    np.testing.assert_allclose(cr.polar(r, th).numpy(), a, rtol=1e-12)
    np.testing.assert_array_equal(cr.complex(t.real, t.imag).numpy(), a)


def test_grad_inputs_are_refused_clearly():
    x = cr.ones(3, 2, requires_grad=True)
    with pytest.raises(NotImplementedError, match="no complex autograd"):
        cr.view_as_complex(x)
    with pytest.raises(NotImplementedError, match="no complex autograd"):
        cr.complex(x, x)


COMPLEX_GRAPH_OPS = {
    "mul": lambda z, x: z * z,
    "abs": lambda z, x: z.abs(),
    "sum": lambda z, x: z.sum(),
    "to_complex": lambda z, x: x.to(cr.complex128),
    "real_times_complex": lambda z, x: x * cr.tensor(np.array([1j, 2.0])),
}


@pytest.mark.parametrize("name", list(COMPLEX_GRAPH_OPS))
def test_complex_graphs_are_refused_not_silently_wrong(name):
    # without complex autograd a recorded node would give wrong (or zero) gradients: refused
    z = cr.tensor(np.array([1 + 2j, 0.5 - 1j]), requires_grad=True)
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="no complex autograd"):
        COMPLEX_GRAPH_OPS[name](z, x)
    with cr.no_grad():  # no graph: computed as usual
        assert COMPLEX_GRAPH_OPS[name](z, x) is not None


def test_complex_without_grad_and_real_graphs_unaffected():
    z = cr.tensor(np.array([1 + 2j, 0.5 - 1j]))
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    np.testing.assert_allclose((z * z).numpy(), np.array([1 + 2j, 0.5 - 1j]) ** 2)
    y = (x * z.abs()).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.abs([1 + 2j, 0.5 - 1j]))
