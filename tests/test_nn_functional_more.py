"""More of nn.functional against torch: activations, pooling, resampling, normalisation,
distances, losses, dropout variants and attention -- values, grad_fn names, input gradients
(float64 and float32) and errors (type and key words of torch's message)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")

DTYPES = ["float64", "float32"]


def _np(t):
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def close(a, b, dtype="float64", rtol=None, atol=None):
    if dtype == "float32":
        rtol, atol = rtol or 1e-4, atol or 1e-5
    else:
        rtol, atol = rtol or 1e-6, atol or 1e-8
    a, b = _np(a), _np(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def _flat(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def both(
    fn, shapes, dtype="float64", *, scale=1.0, ints=None, seed=0, names=True, rtol=None, atol=None
):
    """fn(lib, *tensors) on chainrule and torch with the same inputs: outputs, grad_fn names
    and input gradients for a random upstream gradient."""
    rng = np.random.default_rng(seed)
    ints = ints or {}
    arrays = []
    for i, s in enumerate(shapes):
        if i in ints:
            arrays.append(rng.integers(*ints[i], size=s))
        else:
            arrays.append((rng.standard_normal(s) * scale).astype(dtype))
    tin = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    cin = [cr.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    touts = _flat(fn(torch, *tin))
    couts = _flat(fn(cr, *cin))
    assert len(touts) == len(couts)
    for c, t in zip(couts, touts):
        assert str(c.dtype) == str(t.dtype)
        close(c, t, dtype, rtol, atol)
        if names:
            tn = t.grad_fn.name() if t.grad_fn is not None else None
            cn = c.grad_fn.name() if c.grad_fn is not None else None
            assert cn == tn
    diff = [(c, t) for c, t in zip(couts, touts) if t.requires_grad]
    if not diff:
        return couts, touts
    ups = [rng.standard_normal(tuple(t.shape)).astype(dtype) for _, t in diff]
    sum((t * torch.tensor(u)).sum() for (_, t), u in zip(diff, ups)).backward()
    sum((c * cr.tensor(u)).sum() for (c, _), u in zip(diff, ups)).backward()
    for a, b in zip(cin, tin):
        if b.requires_grad:
            if b.grad is None:
                assert a.grad is None or not np.any(_np(a.grad))
            else:
                close(a.grad, b.grad, dtype, rtol, atol)
    return couts, touts


def same_error(fn, *args, words=()):
    """fn(lib, *args) raises the same exception type in both libraries, with torch's key
    words (all of ``words``, or the whole message when none are given)."""
    with pytest.raises(Exception) as te:
        fn(torch, *[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in args])
    with pytest.raises(Exception) as ce:
        fn(cr, *[cr.tensor(a) if isinstance(a, np.ndarray) else a for a in args])
    assert type(ce.value).__name__ == type(te.value).__name__, (ce.value, te.value)
    msg = str(ce.value)
    for w in words or (str(te.value),):
        assert w in str(te.value), f"{w!r} not in torch's message {te.value}"
        assert w in msg, f"{w!r} not in {msg!r}"


def F(lib):
    return lib.nn.functional


# ---------------------------------------------------------------- activations

ACTS = {
    "relu6": lambda L, x: F(L).relu6(x * 4),
    "relu6_inplace": lambda L, x: F(L).relu6(x * 4, inplace=True),
    "hardtanh": lambda L, x: F(L).hardtanh(x, -0.5, 0.8),
    "hardtanh_": lambda L, x: F(L).hardtanh_(x * 1.0),
    "hardswish": lambda L, x: F(L).hardswish(x * 4),
    "hardswish_inplace": lambda L, x: F(L).hardswish(x * 4, inplace=True),
    "hardsigmoid": lambda L, x: F(L).hardsigmoid(x * 4),
    "hardsigmoid_inplace": lambda L, x: F(L).hardsigmoid(x * 4, True),
    "mish": lambda L, x: F(L).mish(x * 5),
    "mish_inplace": lambda L, x: F(L).mish(x * 5, inplace=True),
    "logsigmoid": lambda L, x: F(L).logsigmoid(x * 10),
    "softsign": lambda L, x: F(L).softsign(x),
    "softmin": lambda L, x: F(L).softmin(x, dim=1),
    "softmin_dtype": lambda L, x: F(L).softmin(x, 0, dtype=L.float64),
    "softshrink": lambda L, x: F(L).softshrink(x, 0.4),
    "hardshrink": lambda L, x: F(L).hardshrink(x, 0.4),
    "tanhshrink": lambda L, x: F(L).tanhshrink(x),
    "threshold": lambda L, x: F(L).threshold(x, 0.2, -3.0),
    "threshold_inplace": lambda L, x: F(L).threshold(x * 1.0, 0.2, -3.0, inplace=True),
    "threshold_": lambda L, x: F(L).threshold_(x * 1.0, 0.2, 0.0),
    "glu": lambda L, x: F(L).glu(x),
    "glu_dim0": lambda L, x: F(L).glu(x[:2], 0),
    "selu": lambda L, x: F(L).selu(x),
    "selu_": lambda L, x: F(L).selu_(x * 1.0),
    "celu": lambda L, x: F(L).celu(x, 0.5),
    "celu_": lambda L, x: F(L).celu_(x * 1.0, 2.0),
    "elu_": lambda L, x: F(L).elu_(x * 1.0, 0.3),
    "leaky_relu_": lambda L, x: F(L).leaky_relu_(x * 1.0, 0.05),
    "relu_": lambda L, x: F(L).relu_(x * 1.0),
    "silu_inplace": lambda L, x: F(L).silu(x * 1.0, inplace=True),
    "rrelu_eval": lambda L, x: F(L).rrelu(x, 0.1, 0.4),
    "rrelu_inplace": lambda L, x: F(L).rrelu(x * 1.0, inplace=True),
    "rrelu_fixed_train": lambda L, x: F(L).rrelu(x, 0.2, 0.2, training=True),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(ACTS))
def test_activation(name, dtype):
    both(ACTS[name], [(3, 4, 6)], dtype)


@pytest.mark.parametrize("wshape", [(4,), (1,)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_prelu(wshape, dtype):
    both(lambda L, x, w: F(L).prelu(x, w), [(3, 4, 5), wshape], dtype)
    both(lambda L, x, w: F(L).prelu(x, w), [(4, 4), wshape], dtype)


def test_prelu_1d_and_errors():
    both(lambda L, x, w: F(L).prelu(x, w), [(5,), (1,)])
    same_error(lambda L, x, w: F(L).prelu(x, w), np.ones((2, 3)), np.ones(2), words=("Mismatch",))
    same_error(lambda L, x, w: F(L).prelu(x, w), np.array(1.0), np.ones(2), words=("zero-dim",))
    both(lambda L, x, w: F(L).prelu(x, w), [(), (1,)])


def test_rrelu_training_uses_random_slopes_in_range():
    cr.manual_seed(0)
    x = cr.randn(200, requires_grad=True)
    y = F(cr).rrelu(x, 0.1, 0.3, training=True)
    assert y.grad_fn.name() == "RreluWithNoiseBackward0"
    xs, ys = x.detach().numpy(), y.detach().numpy()
    neg = xs <= 0
    np.testing.assert_array_equal(ys[~neg], xs[~neg])
    slope = ys[neg] / xs[neg]
    assert slope.min() >= 0.1 and slope.max() <= 0.3 and slope.std() > 0
    y.sum().backward()  # the gradient is the sampled slope (1 for x > 0)
    np.testing.assert_allclose(x.grad.numpy()[neg], slope, rtol=1e-6)
    np.testing.assert_array_equal(x.grad.numpy()[~neg], 1.0)


def test_activation_errors():
    x = np.ones((2, 3))
    same_error(lambda L, a: F(L).glu(a, 1), x, words=("Halving dimension must be even",))
    same_error(lambda L, a: F(L).glu(a), np.array(1.0), words=("does not support scalars",))
    same_error(lambda L, a: F(L).celu(a, 0.0), x, words=("alpha cannot be 0",))
    same_error(lambda L, a: F(L).hardtanh(a, 2.0, 1.0), x)
    same_error(lambda L, a: F(L).rrelu(a, 0.5, 0.1), x, words=("Lower bound",))
    same_error(lambda L, a: F(L).softshrink(a.float(), -1.0), x)
    same_error(lambda L, a: F(L).mish(a), np.array([1, 2]))
    same_error(lambda L, a: F(L).hardswish(a), np.array([1, 2]))
    same_error(lambda L, a: F(L).logsigmoid(a), np.array([1, 2]))
    same_error(lambda L, a: F(L).gelu(a), np.array([1, 2]))
    same_error(lambda L, a: F(L).elu(a), np.array([1, 2]))
    same_error(lambda L, a: F(L).selu(a), np.array([1, 2]))


def test_inplace_negative_slope_backward_error():
    for L in (torch, cr):
        x = L.tensor([1.0, -2.0], requires_grad=True)
        y = F(L).leaky_relu(x * 1.0, -0.1, inplace=True)
        with pytest.raises(RuntimeError, match="negative slope"):
            y.sum().backward()


def test_integer_hardtanh_relu6_threshold():
    a = np.array([-3, 1, 2, 7])
    for fn in (
        lambda L, t: F(L).relu6(t),
        lambda L, t: F(L).hardtanh(t, 1.5, 2.5),
        lambda L, t: F(L).threshold(t, 1, 0),
    ):
        c, t = fn(cr, cr.tensor(a)), fn(torch, torch.tensor(a))
        assert str(c.dtype) == str(t.dtype)
        np.testing.assert_array_equal(c.numpy(), t.numpy())


def test_implicit_dim_warnings():
    x = np.ones((2, 3))
    for name in ("softmin", "log_softmax", "softmax"):
        for L in (torch, cr):
            with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name}"):
                getattr(F(L), name)(L.tensor(x))
