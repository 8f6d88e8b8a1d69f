"""nn.functional (losses, conv, pooling, norms) against torch: values, gradients, node names,
second derivatives, and errors."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")


def close(a, b, rtol=1e-6, atol=1e-8):
    if a is None or b is None:
        assert a is None and b is None
        return
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def both(fn, arrays, grads=True, rtol=1e-6, atol=1e-8, names=True):
    """Run fn(lib, *tensors) on both libraries; compare value, node name and gradients."""
    tin = [torch.tensor(a, requires_grad=grads and a.dtype.kind == "f") for a in arrays]
    cin = [cr.tensor(a, requires_grad=grads and a.dtype.kind == "f") for a in arrays]
    t = fn(torch, *tin)
    c = fn(cr, *cin)
    close(c, t, rtol, atol)
    if grads and t.requires_grad:
        if names:
            assert c.grad_fn.name() == t.grad_fn.name()
        up = np.random.default_rng(5).standard_normal(tuple(t.shape))
        (t * torch.tensor(up)).sum().backward()
        (c * cr.tensor(up)).sum().backward()
        for a, b in zip(cin, tin):
            if b.requires_grad:
                close(a.grad, b.grad, rtol, atol)
    return c, t


rng = np.random.default_rng(0)
X = rng.standard_normal((5, 4))
Y = rng.standard_normal((5, 4))
P = 1 / (1 + np.exp(-X))
T01 = rng.random((5, 4))
TGT = np.array([0, 3, 1, 1, 2])
TGT_IGN = np.array([0, -100, 1, 1, 2])
W4 = np.array([0.5, 1.0, 2.0, 1.5])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
class TestLosses:
    def test_mse(self, reduction):
        both(lambda L, x, y: L.nn.functional.mse_loss(x, y, reduction=reduction), [X, Y])

    def test_l1(self, reduction):
        both(lambda L, x, y: L.nn.functional.l1_loss(x, y, reduction=reduction), [X, Y])

    @pytest.mark.parametrize("beta", [1.0, 0.5, 0.0])
    def test_smooth_l1(self, reduction, beta):
        both(
            lambda L, x, y: L.nn.functional.smooth_l1_loss(x, y, reduction=reduction, beta=beta),
            [X, Y],
        )

    def test_huber(self, reduction):
        both(
            lambda L, x, y: L.nn.functional.huber_loss(x, y, reduction=reduction, delta=0.7), [X, Y]
        )

    def test_cross_entropy(self, reduction):
        both(lambda L, x, t: L.nn.functional.cross_entropy(x, t, reduction=reduction), [X, TGT])

    def test_cross_entropy_weight_ignore(self, reduction):
        both(
            lambda L, x, t: L.nn.functional.cross_entropy(
                x, t, weight=L.tensor(W4), ignore_index=-100, reduction=reduction
            ),
            [X, TGT_IGN],
        )

    @pytest.mark.parametrize("weighted", [False, True])
    def test_cross_entropy_label_smoothing(self, reduction, weighted):
        both(
            lambda L, x, t: L.nn.functional.cross_entropy(
                x,
                t,
                weight=L.tensor(W4) if weighted else None,
                reduction=reduction,
                label_smoothing=0.1,
            ),
            [X, TGT_IGN],
        )

    def test_cross_entropy_probs(self, reduction):
        probs = np.exp(Y) / np.exp(Y).sum(1, keepdims=True)
        # (a tensor divided by a Python number is DivBackward1 in torch: a core naming detail)
        names = reduction != "mean"
        both(
            lambda L, x, p: L.nn.functional.cross_entropy(x, p, reduction=reduction),
            [X, probs],
            names=names,
        )
        both(
            lambda L, x, p: L.nn.functional.cross_entropy(
                x, p.detach(), reduction=reduction, label_smoothing=0.2
            ),
            [X, probs],
            names=names,
        )

    def test_cross_entropy_spatial(self, reduction):
        x = rng.standard_normal((2, 3, 4, 4))
        t = rng.integers(0, 3, (2, 4, 4))
        both(lambda L, x, t: L.nn.functional.cross_entropy(x, t, reduction=reduction), [x, t])

    def test_nll(self, reduction):
        both(
            lambda L, x, t: L.nn.functional.nll_loss(x.log_softmax(1), t, reduction=reduction),
            [X, TGT],
        )
        both(
            lambda L, x, t: L.nn.functional.nll_loss(
                x, t, weight=L.tensor(W4), reduction=reduction
            ),
            [X, TGT_IGN],
        )

    def test_bce(self, reduction):
        both(
            lambda L, p, t: L.nn.functional.binary_cross_entropy(p, t, reduction=reduction),
            [P, T01],
        )
        both(
            lambda L, p, t: L.nn.functional.binary_cross_entropy(
                p, t, weight=L.tensor(W4), reduction=reduction
            ),
            [P, T01],
        )

    def test_bce_with_logits(self, reduction):
        both(
            lambda L, x, t: L.nn.functional.binary_cross_entropy_with_logits(
                x, t, reduction=reduction
            ),
            [X, T01],
        )
        both(
            lambda L, x, t: L.nn.functional.binary_cross_entropy_with_logits(
                x, t, weight=L.tensor(W4), pos_weight=L.tensor(W4[::-1].copy()), reduction=reduction
            ),
            [X, T01],
        )


def test_cross_entropy_unbatched():
    both(lambda L, x, t: L.nn.functional.cross_entropy(x, t), [X[0], np.array(2)])


def test_bce_extremes_are_finite_like_torch():
    p = np.array([0.0, 1.0, 0.5])
    t = np.array([1.0, 0.0, 1.0])
    both(lambda L, p, t: L.nn.functional.binary_cross_entropy(p, t), [p, t], grads=False)
    x = np.array([100.0, -100.0, 0.0])
    both(lambda L, x, t: L.nn.functional.binary_cross_entropy_with_logits(x, t), [x, t])


def test_loss_modules():
    for name, args in [
        ("MSELoss", (X, Y)),
        ("L1Loss", (X, Y)),
        ("SmoothL1Loss", (X, Y)),
        ("HuberLoss", (X, Y)),
        ("CrossEntropyLoss", (X, TGT)),
        ("BCEWithLogitsLoss", (X, T01)),
        ("BCELoss", (P, T01)),
    ]:
        both(lambda L, a, b, n=name: getattr(L.nn, n)()(a, b), list(args))
    both(lambda L, a, b: L.nn.CrossEntropyLoss(label_smoothing=0.05)(a, b), [X, TGT])
    both(lambda L, a, b: L.nn.NLLLoss(weight=L.tensor(W4))(a, b), [X, TGT])


def test_loss_errors_match_torch():
    F = cr.nn.functional
    with pytest.raises(ValueError, match="Expected input batch_size"):
        F.cross_entropy(cr.zeros(3, 4), cr.tensor([0, 1]))
    with pytest.raises(IndexError, match="Target 7 is out of bounds"):
        F.cross_entropy(cr.zeros(2, 4), cr.tensor([0, 7]))
    with pytest.raises(RuntimeError, match="expected scalar type Long"):
        F.nll_loss(cr.zeros(2, 4), cr.tensor([0.0, 1.0]).reshape(2))
    with pytest.raises(ValueError, match="must be the same as input size"):
        F.binary_cross_entropy_with_logits(cr.zeros(3), cr.zeros(2))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(cr.tensor([1.5]), cr.tensor([1.0]))
    with pytest.warns(UserWarning, match="different to the input size"):
        F.mse_loss(cr.zeros(3, 1), cr.zeros(3))
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        F.mse_loss(cr.zeros(3), cr.zeros(3), reduction="avg")


def test_conv_errors_match_torch():
    F = cr.nn.functional
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        F.conv2d(cr.zeros(1, 1, 2, 2), cr.zeros(1, 1, 3, 3))
    with pytest.raises(
        RuntimeError, match="expected input.*to have 2 channels, but got 3 channels"
    ):
        F.conv2d(cr.zeros(1, 3, 5, 5), cr.zeros(1, 2, 3, 3))
    with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D \\(batched\\) input"):
        F.conv2d(cr.zeros(5, 5), cr.zeros(1, 1, 3, 3))
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        cr.nn.Linear(3, 2)(cr.zeros(4, 5))
    with pytest.raises(ValueError, match="expected 4D input"):
        cr.nn.BatchNorm2d(3)(cr.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel"):
        cr.nn.BatchNorm1d(3)(cr.zeros(1, 3))
    with pytest.raises(RuntimeError, match="running_mean should contain 5 elements not 3"):
        cr.nn.BatchNorm1d(3)(cr.zeros(4, 5))
    with pytest.raises(RuntimeError, match="expected scalar type Double but found Float"):
        F.conv2d(cr.zeros(1, 1, 4, 4, dtype=cr.float64), cr.zeros(1, 1, 2, 2))
    with pytest.raises(
        RuntimeError, match=r"Calculated output size: \(1x0x0\). Output size is too"
    ):
        F.max_pool2d(cr.zeros(1, 1, 2, 2), 3)
    with pytest.raises(RuntimeError, match="but got torch.FloatTensor instead"):
        F.embedding(cr.zeros(2), cr.zeros(3, 2))


@pytest.mark.parametrize(
    "fn,shapes",
    [
        (
            lambda L, x, w, b: L.nn.functional.conv2d(
                x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2)
            ),
            [(2, 3, 7, 8), (4, 3, 3, 2), (4,)],
        ),
        (lambda L, x, w: L.nn.functional.conv2d(x, w, groups=3), [(1, 6, 5, 5), (6, 2, 2, 2)]),
        (
            lambda L, x, w, b: L.nn.functional.conv1d(x, w, b, stride=2, padding=1),
            [(2, 3, 9), (4, 3, 3), (4,)],
        ),
        (lambda L, x: L.nn.functional.max_pool2d(x, 3, stride=2, padding=1), [(2, 2, 7, 7)]),
        (lambda L, x: L.nn.functional.max_pool2d(x, 2, dilation=2), [(1, 2, 7, 7)]),
        (
            lambda L, x: L.nn.functional.avg_pool2d(
                x, 3, stride=2, padding=1, count_include_pad=False, ceil_mode=True
            ),
            [(1, 2, 8, 8)],
        ),
        (lambda L, x: L.nn.functional.avg_pool2d(x, 2, divisor_override=3), [(1, 2, 4, 4)]),
        (lambda L, x, w, b: L.nn.functional.layer_norm(x, (4,), w, b), [(3, 4), (4,), (4,)]),
        (
            lambda L, x, w, b: L.nn.functional.batch_norm(x, None, None, w, b, training=True),
            [(5, 3, 2), (3,), (3,)],
        ),
    ],
)
def test_functional_values_grads_and_gradgrad(fn, shapes):
    arrays = [rng.standard_normal(s) for s in shapes]
    both(fn, arrays)
    # second derivatives through the dedicated rules (create_graph=True)
    tin = [torch.tensor(a, requires_grad=True) for a in arrays]
    cin = [cr.tensor(a, requires_grad=True) for a in arrays]
    up = rng.standard_normal(tuple(fn(torch, *tin).shape))
    tg = torch.autograd.grad(
        (fn(torch, *tin) ** 2 * torch.tensor(up)).sum(), tin, create_graph=True
    )
    cg = cr.autograd.grad((fn(cr, *cin) ** 2 * cr.tensor(up)).sum(), cin, create_graph=True)
    for a, b in zip(cg, tg):
        close(a, b)
    ts = sum((g * g).sum() for g in tg)
    cs = sum((g * g).sum() for g in cg)
    tgg = torch.autograd.grad(ts, tin)
    cgg = cr.autograd.grad(cs, cin)
    for a, b in zip(cgg, tgg):
        close(a, b, rtol=1e-5, atol=1e-7)


def test_max_pool_return_indices_match_torch():
    x = rng.standard_normal((2, 3, 6, 5))
    tv, ti = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    cv, ci = cr.nn.functional.max_pool2d(cr.tensor(x), 3, 2, 1, return_indices=True)
    close(cv, tv)
    assert np.array_equal(ci.numpy(), ti.numpy())
    assert ci.dtype == cr.int64


def test_embedding_functional_and_padding_grad():
    w = rng.standard_normal((6, 3))
    idx = np.array([[0, 2, 2], [5, 0, 1]])
    both(lambda L, w, i: L.nn.functional.embedding(i, w, padding_idx=2), [w, idx])


def test_one_hot_and_misc():
    F = cr.nn.functional
    assert (
        F.one_hot(cr.tensor([0, 2]), 3).tolist()
        == torch.nn.functional.one_hot(torch.tensor([0, 2]), 3).tolist()
    )
    assert F.one_hot(cr.tensor([1, 3])).shape == (2, 4)
    x = rng.standard_normal((3, 4))
    both(lambda L, x: L.nn.functional.normalize(x, dim=1), [x])
    both(lambda L, x: L.nn.functional.pad(x, (1, 2)), [x])


def test_softmax_implicit_dim_warns():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        cr.nn.functional.softmax(cr.zeros(2, 3))
