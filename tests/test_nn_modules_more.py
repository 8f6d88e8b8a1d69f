"""More nn modules against torch: the same weights in (copied from torch's module) -> the same
outputs, input and parameter gradients, buffers, reprs and state-dict keys."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")


def to_cr(t):
    return cr.tensor(t.detach().numpy().copy())


def close(a, b, rtol=1e-6, atol=1e-8):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def _flat(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flat(o))
        return res
    return [out]


def run_both(make, shapes, *, dtype="float64", train=True, ints=None, seed=0, scale=1.0, args=()):
    """Build the module in both libraries (torch's state copied), run forward and backward with
    a random upstream gradient; compare reprs, outputs, gradients and buffers."""
    rng = np.random.default_rng(seed)
    tm, cm = make(torch), make(cr)
    assert repr(cm) == repr(tm)
    tm = tm.to(getattr(torch, dtype))
    cm = cm.to(getattr(cr, dtype))
    tsd = tm.state_dict()
    assert list(cm.state_dict().keys()) == list(tsd.keys())
    res = cm.load_state_dict({k: to_cr(v) for k, v in tsd.items()})
    assert not res.missing_keys and not res.unexpected_keys
    tm.train(train)
    cm.train(train)
    tin, cin = [], []
    for i, s in enumerate(shapes):
        if ints and i in ints:
            a = rng.integers(*ints[i], size=s)
            tin.append(torch.tensor(a))
            cin.append(cr.tensor(a))
        else:
            a = (rng.standard_normal(s) * scale).astype(dtype)
            tin.append(torch.tensor(a, requires_grad=True))
            cin.append(cr.tensor(a, requires_grad=True))
    rtol, atol = (1e-6, 1e-8) if dtype == "float64" else (1e-4, 1e-5)
    touts = _flat(tm(*tin, *args))
    couts = _flat(cm(*cin, *args))
    assert len(touts) == len(couts)
    for c, t in zip(couts, touts):
        close(c, t, rtol, atol)
        if t.grad_fn is not None:
            assert c.grad_fn is not None and c.grad_fn.name() == t.grad_fn.name()
    pairs = [(c, t) for c, t in zip(couts, touts) if t.requires_grad]
    if pairs:
        ups = [rng.standard_normal(tuple(t.shape)).astype(dtype) for _, t in pairs]
        sum((t * torch.tensor(u)).sum() for (_, t), u in zip(pairs, ups)).backward()
        sum((c * cr.tensor(u)).sum() for (c, _), u in zip(pairs, ups)).backward()
        for a, b in zip(cin, tin):
            if b.requires_grad:
                close(a.grad, b.grad, rtol, atol)
        tp = dict(tm.named_parameters())
        for name, p in cm.named_parameters():
            if tp[name].grad is None:
                assert p.grad is None
            else:
                close(p.grad, tp[name].grad, rtol, atol)
    tb = dict(tm.named_buffers())
    for name, b in cm.named_buffers():
        close(b, tb[name], rtol, atol)
    return cm, tm


# ---------------------------------------------------------------- activations

ACT_MODULES = {
    "ReLU6": lambda nn: nn.ReLU6(),
    "ReLU6_inplace": lambda nn: nn.ReLU6(inplace=True),
    "Hardtanh": lambda nn: nn.Hardtanh(-0.5, 2.0),
    "Hardswish": lambda nn: nn.Hardswish(),
    "Hardsigmoid": lambda nn: nn.Hardsigmoid(),
    "Mish": lambda nn: nn.Mish(),
    "LogSigmoid": lambda nn: nn.LogSigmoid(),
    "Softsign": lambda nn: nn.Softsign(),
    "Softmin": lambda nn: nn.Softmin(dim=1),
    "Softmax2d": lambda nn: nn.Softmax2d(),
    "Softshrink": lambda nn: nn.Softshrink(0.3),
    "Hardshrink": lambda nn: nn.Hardshrink(),
    "Tanhshrink": lambda nn: nn.Tanhshrink(),
    "Threshold": lambda nn: nn.Threshold(0.1, 20.0),
    "GLU": lambda nn: nn.GLU(dim=1),
    "SELU": lambda nn: nn.SELU(),
    "CELU": lambda nn: nn.CELU(alpha=1.5),
    "PReLU": lambda nn: nn.PReLU(),
    "PReLU_channels": lambda nn: nn.PReLU(4, init=0.1),
    "RReLU": lambda nn: nn.RReLU(0.1, 0.3),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(ACT_MODULES))
def test_activation_module(name, dtype):
    # in-place modules act on an intermediate (x * 1), so wrap them
    make = ACT_MODULES[name]
    train = name != "RReLU"  # RReLU is random in training mode
    if "inplace" in name:

        def make2(lib, make=make):
            return lib.nn.Sequential(lib.nn.Identity(), make(lib.nn))

        cm, tm = make2(cr), make2(torch)
        assert repr(cm) == repr(tm)
        x = np.random.default_rng(0).standard_normal((2, 4, 3, 3)) * 4
        tx = torch.tensor(x, requires_grad=True)
        cx = cr.tensor(x, requires_grad=True)
        to, co = tm(tx * 1.0), cm(cx * 1.0)
        close(co, to)
        assert co.grad_fn.name() == to.grad_fn.name()
        to.sum().backward()
        co.sum().backward()
        close(cx.grad, tx.grad)
        return
    run_both(lambda lib: make(lib.nn), [(2, 4, 3, 3)], dtype=dtype, train=train, scale=3.0)


def test_activation_module_reprs():
    for make in (
        lambda nn: nn.Hardtanh(-2, 3, True),
        lambda nn: nn.Hardswish(True),
        lambda nn: nn.Mish(True),
        lambda nn: nn.Threshold(0.1, 20, True),
        lambda nn: nn.SELU(True),
        lambda nn: nn.CELU(2.0, True),
        lambda nn: nn.RReLU(0.1, 0.3, True),
        lambda nn: nn.Softmin(),
        lambda nn: nn.PReLU(3),
    ):
        assert repr(make(cr.nn)) == repr(make(torch.nn))


def test_softmax2d_rank_error():
    for lib in (torch, cr):
        with pytest.raises(ValueError, match="Softmax2d: expected input to be 3D or 4D, got 2D"):
            lib.nn.Softmax2d()(lib.ones(2, 3))


# ---------------------------------------------------------------- conv, pooling, resampling

LAYERS = {
    "Conv3d": (lambda nn: nn.Conv3d(2, 4, 3, padding=1), [(2, 2, 4, 5, 3)]),
    "Conv3d_strided_groups": (
        lambda nn: nn.Conv3d(4, 6, (2, 3, 1), stride=(2, 1, 1), groups=2, bias=False),
        [(1, 4, 5, 4, 3)],
    ),
    "Conv3d_reflect": (
        lambda nn: nn.Conv3d(2, 3, 3, padding=1, padding_mode="reflect"),
        [(1, 2, 3, 4, 4)],
    ),
    "ConvTranspose1d": (lambda nn: nn.ConvTranspose1d(3, 2, 3, stride=2), [(2, 3, 5)]),
    "ConvTranspose2d": (
        lambda nn: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
        [(2, 4, 3, 4)],
    ),
    "ConvTranspose2d_dilated": (
        lambda nn: nn.ConvTranspose2d(2, 3, (2, 3), dilation=2, bias=False),
        [(3, 2, 3, 3)],
    ),
    "ConvTranspose3d": (lambda nn: nn.ConvTranspose3d(2, 2, 2, stride=2), [(1, 2, 2, 3, 2)]),
    "MaxPool3d": (lambda nn: nn.MaxPool3d(2, stride=1, padding=1), [(2, 2, 3, 4, 3)]),
    "MaxPool3d_indices": (lambda nn: nn.MaxPool3d(2, return_indices=True), [(2, 2, 4, 4, 4)]),
    "MaxPool1d_dilated": (
        lambda nn: nn.MaxPool1d(3, 2, 1, dilation=2, ceil_mode=True),
        [(2, 3, 9)],
    ),
    "AvgPool3d": (lambda nn: nn.AvgPool3d(3, 2, 1, count_include_pad=False), [(2, 2, 5, 4, 5)]),
    "AdaptiveAvgPool1d": (lambda nn: nn.AdaptiveAvgPool1d(3), [(2, 3, 7)]),
    "AdaptiveAvgPool2d": (lambda nn: nn.AdaptiveAvgPool2d((3, None)), [(2, 3, 7, 5)]),
    "AdaptiveAvgPool3d": (lambda nn: nn.AdaptiveAvgPool3d((2, 3, 2)), [(2, 2, 5, 4, 3)]),
    "AdaptiveMaxPool1d": (lambda nn: nn.AdaptiveMaxPool1d(4), [(2, 3, 7)]),
    "AdaptiveMaxPool2d": (
        lambda nn: nn.AdaptiveMaxPool2d((2, 3), return_indices=True),
        [(3, 5, 7)],
    ),
    "AdaptiveMaxPool3d": (lambda nn: nn.AdaptiveMaxPool3d(2), [(1, 2, 5, 4, 3)]),
    "LPPool1d": (lambda nn: nn.LPPool1d(2, 3, stride=2), [(2, 3, 8)]),
    "LPPool2d": (lambda nn: nn.LPPool2d(1.5, 2), [(2, 3, 6, 4)]),
    "LPPool3d": (lambda nn: nn.LPPool3d(2, 2), [(1, 2, 4, 4, 2)]),
    "Upsample_nearest": (lambda nn: nn.Upsample(scale_factor=2), [(2, 3, 4, 5)]),
    "Upsample_bilinear": (
        lambda nn: nn.Upsample(size=(7, 3), mode="bilinear", align_corners=True),
        [(2, 3, 4, 5)],
    ),
    "Upsample_bicubic": (lambda nn: nn.Upsample(scale_factor=1.5, mode="bicubic"), [(1, 2, 4, 5)]),
    "Upsample_linear": (lambda nn: nn.Upsample(size=9, mode="linear"), [(2, 3, 4)]),
    "Upsample_trilinear": (
        lambda nn: nn.Upsample(scale_factor=(2, 1, 0.5), mode="trilinear"),
        [(1, 2, 2, 3, 4)],
    ),
    "UpsamplingNearest2d": (lambda nn: nn.UpsamplingNearest2d(size=(5, 3)), [(2, 3, 4, 5)]),
    "UpsamplingBilinear2d": (lambda nn: nn.UpsamplingBilinear2d(scale_factor=2), [(2, 3, 4, 5)]),
    "PixelShuffle": (lambda nn: nn.PixelShuffle(2), [(2, 8, 3, 4)]),
    "PixelUnshuffle": (lambda nn: nn.PixelUnshuffle(2), [(2, 2, 4, 6)]),
    "Unfold": (lambda nn: nn.Unfold((2, 3), dilation=1, padding=1, stride=2), [(2, 3, 5, 6)]),
    "Fold": (lambda nn: nn.Fold((4, 5), 2), [(2, 12, 12)]),
}
for _kind in ("Zero", "Reflection", "Replication", "Circular"):
    LAYERS[f"{_kind}Pad1d"] = (lambda nn, k=_kind: getattr(nn, f"{k}Pad1d")((2, 1)), [(2, 3, 4)])
    LAYERS[f"{_kind}Pad2d"] = (
        lambda nn, k=_kind: getattr(nn, f"{k}Pad2d")((1, 2, 0, 1)),
        [(2, 3, 4, 4)],
    )
    LAYERS[f"{_kind}Pad3d"] = (lambda nn, k=_kind: getattr(nn, f"{k}Pad3d")(1), [(1, 2, 3, 3, 3)])
for _n in (1, 2, 3):
    LAYERS[f"ConstantPad{_n}d"] = (
        lambda nn, n=_n: getattr(nn, f"ConstantPad{n}d")(2, 0.5),
        [(1, 2) + (3,) * _n],
    )


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(LAYERS))
def test_layer(name, dtype):
    make, shapes = LAYERS[name]
    run_both(lambda lib: make(lib.nn), shapes, dtype=dtype)


def test_conv_transpose_output_size():
    run_both(
        lambda lib: lib.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1),
        [(1, 2, 4, 4)],
        args=((8, 8),),
    )
    for lib in (torch, cr):
        m = lib.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
        with pytest.raises(ValueError, match="requested an output size of"):
            m(lib.zeros(1, 2, 4, 4), output_size=(10, 10))
        with pytest.raises(ValueError, match='Only "zeros" padding mode'):
            lib.nn.ConvTranspose2d(2, 3, 3, padding_mode="reflect")


@pytest.mark.parametrize("n", [1, 2, 3])
def test_max_unpool_module(n):
    shape = (2, 3) + (4, 6, 4)[:n]
    x = np.random.default_rng(n).standard_normal(shape)
    outs = []
    for lib in (torch, cr):
        pool = getattr(lib.nn, f"MaxPool{n}d")(2, return_indices=True)
        unpool = getattr(lib.nn, f"MaxUnpool{n}d")(2)
        assert repr(unpool) == repr(getattr(torch.nn, f"MaxUnpool{n}d")(2))
        t = lib.tensor(x, requires_grad=True)
        y, i = pool(t)
        z = unpool(y, i, output_size=shape)
        (z * z).sum().backward()
        assert z.grad_fn.name() == (f"MaxUnpool{n}DBackward0" if n > 1 else "SqueezeBackward1")
        outs.append((z, t.grad, i))
    close(outs[1][0], outs[0][0])
    close(outs[1][1], outs[0][1])
    np.testing.assert_array_equal(outs[1][2].numpy(), outs[0][2].numpy())


def test_layer_reprs():
    makes = [
        lambda nn: nn.ConvTranspose2d(4, 6, 3, 2, 1, 1, 2, False, 2),
        lambda nn: nn.Conv3d(2, 4, (3, 1, 2), stride=2, padding=1, padding_mode="reflect"),
        lambda nn: nn.MaxPool3d((2, 3, 1), 1, 1, 1, True, True),
        lambda nn: nn.AvgPool3d(3, 2, 1, True, False, 4),
        lambda nn: nn.AdaptiveMaxPool2d((2, 3), True),
        lambda nn: nn.LPPool2d(2.0, 3, 2, True),
        lambda nn: nn.Upsample(size=5, mode="bilinear", align_corners=True),
        lambda nn: nn.Upsample(scale_factor=(2, 3)),
        lambda nn: nn.Fold((4, 5), 2, 1, 0, 1),
        lambda nn: nn.ZeroPad2d((1, 2, 3, 4)),
        lambda nn: nn.ConstantPad3d(1, 2),
        lambda nn: nn.ReflectionPad1d(2),
        lambda nn: nn.CircularPad2d(1),
    ]
    for make in makes:
        assert repr(make(cr.nn)) == repr(make(torch.nn))


# ---------------------------------------------------------------- normalisation, distance

NORM_LAYERS = {
    "GroupNorm": (lambda nn: nn.GroupNorm(2, 4), [(3, 4, 5, 2)]),
    "GroupNorm_noaffine": (lambda nn: nn.GroupNorm(3, 6, eps=1e-3, affine=False), [(2, 6, 4)]),
    "InstanceNorm1d": (lambda nn: nn.InstanceNorm1d(3), [(2, 3, 6)]),
    "InstanceNorm1d_unbatched": (lambda nn: nn.InstanceNorm1d(3, affine=True), [(3, 6)]),
    "InstanceNorm2d_stats": (
        lambda nn: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
        [(2, 3, 4, 5)],
    ),
    "InstanceNorm3d": (lambda nn: nn.InstanceNorm3d(2, momentum=0.3), [(2, 2, 3, 2, 3)]),
    "RMSNorm": (lambda nn: nn.RMSNorm(5), [(2, 3, 5)]),
    "RMSNorm_2d": (lambda nn: nn.RMSNorm((3, 5), eps=1e-4), [(2, 3, 5)]),
    "RMSNorm_noaffine": (lambda nn: nn.RMSNorm(5, elementwise_affine=False), [(2, 5)]),
    "LocalResponseNorm": (lambda nn: nn.LocalResponseNorm(3, alpha=0.1), [(2, 5, 4, 4)]),
    "CosineSimilarity": (lambda nn: nn.CosineSimilarity(dim=-1), [(3, 5), (3, 5)]),
    "PairwiseDistance": (lambda nn: nn.PairwiseDistance(p=3.0, keepdim=True), [(3, 5), (3, 5)]),
}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(NORM_LAYERS))
def test_norm_layer(name, dtype):
    make, shapes = NORM_LAYERS[name]
    run_both(lambda lib: make(lib.nn), shapes, dtype=dtype)


def test_instance_norm_eval_uses_running_stats():
    run_both(
        lambda lib: lib.nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
        [(2, 3, 4, 5)],
        train=False,
    )


def test_norm_layer_errors():
    for lib in (torch, cr):
        with pytest.raises(
            ValueError, match=r"num_channels \(4\) must be divisible by num_groups \(3\)"
        ):
            lib.nn.GroupNorm(3, 4)
        with pytest.raises(ValueError, match="expected 2D or 3D input"):
            lib.nn.InstanceNorm1d(3)(lib.ones(2, 3, 4, 5))


# ---------------------------------------------------------------- losses


def _signs(rng, shape):
    return np.where(rng.standard_normal(shape) > 0, 1.0, -1.0)


LOSS_MODULES = {
    "KLDivLoss": (lambda nn: nn.KLDivLoss(reduction="batchmean"), lambda r: (r.standard_normal((3, 4)), np.abs(r.standard_normal((3, 4))))),
    "KLDivLoss_log": (lambda nn: nn.KLDivLoss(reduction="sum", log_target=True), lambda r: (r.standard_normal((3, 4)), r.standard_normal((3, 4)))),
    "PoissonNLLLoss": (lambda nn: nn.PoissonNLLLoss(), lambda r: (r.standard_normal((3, 4)), np.abs(r.standard_normal((3, 4))) * 3)),
    "PoissonNLLLoss_full": (lambda nn: nn.PoissonNLLLoss(log_input=False, full=True, reduction="sum"), lambda r: (np.abs(r.standard_normal((3, 4))), np.abs(r.standard_normal((3, 4))) * 3)),
    "GaussianNLLLoss": (lambda nn: nn.GaussianNLLLoss(full=True), lambda r: (r.standard_normal((3, 4)), r.standard_normal((3, 4)), np.abs(r.standard_normal((3, 1))))),
    "HingeEmbeddingLoss": (lambda nn: nn.HingeEmbeddingLoss(margin=0.5), lambda r: (r.standard_normal((3, 4)), _signs(r, (3, 4)))),
    "MarginRankingLoss": (lambda nn: nn.MarginRankingLoss(0.2), lambda r: (r.standard_normal(5), r.standard_normal(5), _signs(r, 5))),
    "SoftMarginLoss": (lambda nn: nn.SoftMarginLoss(reduction="sum"), lambda r: (r.standard_normal((3, 4)), _signs(r, (3, 4)))),
    "MultiLabelSoftMarginLoss": (lambda nn: nn.MultiLabelSoftMarginLoss(), lambda r: (r.standard_normal((3, 4)), (r.random((3, 4)) > 0.5) * 1.0)),
    "MultiMarginLoss": (lambda nn: nn.MultiMarginLoss(p=2, margin=0.5), lambda r: (r.standard_normal((3, 4)), np.array([0, 3, 2]))),
    "CosineEmbeddingLoss": (lambda nn: nn.CosineEmbeddingLoss(0.1), lambda r: (r.standard_normal((3, 4)), r.standard_normal((3, 4)), _signs(r, 3))),
    "TripletMarginLoss": (lambda nn: nn.TripletMarginLoss(swap=True), lambda r: tuple(r.standard_normal((3, 4)) for _ in range(3))),
    "TripletMarginWithDistanceLoss": (lambda nn: nn.TripletMarginWithDistanceLoss(), lambda r: tuple(r.standard_normal((3, 4)) for _ in range(3))),
}  # fmt: skip


@pytest.mark.parametrize("name", list(LOSS_MODULES))
def test_loss_module(name):
    make, data = LOSS_MODULES[name]
    arrays = data(np.random.default_rng(0))
    res = []
    for lib in (torch, cr):
        m = make(lib.nn)
        ins = [lib.tensor(a) for a in arrays]
        if ins[0].is_floating_point():
            ins[0].requires_grad_(True)
        out = m(*ins)
        out.sum().backward()
        res.append((repr(m), out, ins[0].grad))
    assert res[1][0] == res[0][0]
    close(res[1][1], res[0][1])
    close(res[1][2], res[0][2])
    assert res[1][1].grad_fn.name() == res[0][1].grad_fn.name()


def test_new_module_reprs():
    makes = [
        lambda nn: nn.GroupNorm(2, 4, affine=False),
        lambda nn: nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
        lambda nn: nn.RMSNorm((4, 5), eps=1e-3, elementwise_affine=False),
        lambda nn: nn.LocalResponseNorm(3),
        lambda nn: nn.Dropout1d(0.3),
        lambda nn: nn.Dropout2d(),
        lambda nn: nn.Dropout3d(inplace=True),
        lambda nn: nn.AlphaDropout(0.2),
        lambda nn: nn.FeatureAlphaDropout(0.1),
        lambda nn: nn.TripletMarginWithDistanceLoss(),
        lambda nn: nn.CosineSimilarity(),
        lambda nn: nn.PairwiseDistance(),
    ]
    for make in makes:
        assert repr(make(cr.nn)) == repr(make(torch.nn))


def test_dropout_modules_eval_identity():
    x = cr.randn(2, 3, 4, 4)
    for m in (
        cr.nn.Dropout1d(),
        cr.nn.Dropout2d(),
        cr.nn.AlphaDropout(),
        cr.nn.FeatureAlphaDropout(),
    ):
        assert m.eval()(x if not isinstance(m, cr.nn.Dropout1d) else x[0]) is not None
    assert cr.nn.Dropout2d().eval()(x) is x
    assert cr.nn.AlphaDropout().eval()(x) is x
