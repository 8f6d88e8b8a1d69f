"""The engine's shortcuts for the commonest cases give what the general code gives.

``fast_apply`` (a node class's own ``_apply`` for ops with one saved value, none, or the two
inputs) against ``OpNode._apply``; ``autograd.grad(loss, x)``'s direct path against the same
call spelled with tuples; errors raised through both.
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule.ops._dispatch import OpNode

RNG = np.random.default_rng(7)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _leaf(shape, dtype=np.float64):
    return cr.tensor(RNG.uniform(0.5, 1.5, shape).astype(dtype), requires_grad=True)


CASES = [
    ("exp", lambda a, b: a.exp()),
    ("sin", lambda a, b: a.sin()),
    ("tanh", lambda a, b: a.tanh()),
    ("mul", lambda a, b: a * b),
    ("mul_scalar", lambda a, b: a * 2.5),
    ("div", lambda a, b: a / b),
    ("add", lambda a, b: a + b),
    ("sub", lambda a, b: a - b),
    ("pow", lambda a, b: a**3),
]


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_node_apply_matches_generic(name, fn, shape, dtype):
    a, b = _leaf(shape, dtype), _leaf(shape, dtype)
    y = fn(a, b)
    node = y.grad_fn
    assert type(node)._apply is not OpNode._apply  # the shortcut is what runs
    g = RNG.standard_normal(shape).astype(dtype)
    fast = type(node)._apply(node, [np.asarray(g)], False)
    generic = OpNode._apply(node, [np.asarray(g)], False)
    assert len(fast) == len(generic)
    for f, r in zip(fast, generic):
        assert (f is None) == (r is None)
        if f is not None:
            np.testing.assert_array_equal(np.asarray(f), np.asarray(r))
            assert np.asarray(f).dtype == np.asarray(r).dtype


SAVING = [c for c in CASES[:6] if c[0] != "mul_scalar"]  # a * 2.5 saves no tensor


@pytest.mark.parametrize("name,fn", SAVING, ids=[c[0] for c in SAVING])
def test_modified_saved_tensor_still_raises(name, fn):
    a, b = _leaf((3,)), _leaf((3,))
    a2, b2 = a * 1, b * 1  # non-leaves, so they may be modified in place
    y = fn(a2, b2)
    if name in ("exp", "tanh"):
        y.add_(1)  # these save their result
    else:
        a2.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        cr.autograd.grad(y.sum(), a)


def test_second_backward_error_through_fast_apply():
    x = _leaf((3,))
    y = (x.sin() * x).sum()
    cr.autograd.grad(y, x)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        cr.autograd.grad(y, x)


@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_grad_direct_path_matches_tuple_call(shape):
    x = _leaf((4,))

    def f():
        return ((x.sin() * x) + (-(x * x)).exp()).sum().reshape(shape)

    (direct,) = cr.autograd.grad(f(), x)
    (spelled,) = cr.autograd.grad((f(),), (x,), grad_outputs=(None,), retain_graph=False)
    np.testing.assert_array_equal(direct.numpy(), spelled.numpy())
    xd = x.detach().numpy()
    expected = np.sin(xd) + xd * np.cos(xd) - 2 * xd * np.exp(-xd * xd)
    np.testing.assert_allclose(direct.numpy(), expected, rtol=1e-12)
    assert direct.grad_fn is None and not direct.requires_grad


def test_grad_direct_path_errors():
    x = _leaf((3,))
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        cr.autograd.grad(x * 2, x)
    with pytest.raises(RuntimeError, match="does not require grad"):
        cr.autograd.grad(x.detach().sum(), x)
    w = _leaf((3,))
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        cr.autograd.grad((w * 2).sum(), x)


def test_grad_direct_path_returns_a_fresh_array():
    # add's backward hands its incoming gradient on unchanged: the result must not alias the
    # root gradient or another result
    x = _leaf(())
    (gx,) = cr.autograd.grad(x + 1.0, x)
    assert gx.item() == 1.0
    gx.add_(5)
    (gx2,) = cr.autograd.grad(x + 1.0, x)
    assert gx2.item() == 1.0


def test_grad_direct_path_against_torch(torch):
    xs = RNG.standard_normal(5)
    x = cr.tensor(xs, requires_grad=True)
    tx = torch.tensor(xs, requires_grad=True)
    (g,) = cr.autograd.grad(((x.sin() * x) + (-(x * x)).exp()).sum(), x)
    (tg,) = torch.autograd.grad(((tx.sin() * tx) + (-(tx * tx)).exp()).sum(), tx)
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-13, atol=1e-15)
