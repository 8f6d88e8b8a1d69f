"""Samples for ``chainrule/ops/activation.py``: softmax and log_softmax along each kind of dim,
and the pointwise activations of ``nn.functional``."""

from __future__ import annotations

from op_samples import Sample

S = Sample


def FN(lib):
    return lib.nn.functional


SHAPES = [((3, 4),), ((2, 3, 4),), ((5,),), ((),)]

SAMPLES = [
    S(("softmax",), lambda lib, a: lib.softmax(a, -1), SHAPES),
    S(("softmax",), lambda lib, a: a.softmax(0), SHAPES[:3], name="softmax_dim0"),
    S(("softmax",), lambda lib, a: a.softmax(dim=1), SHAPES[:2], name="softmax_dim1"),
    S(("softmax",), lambda lib, a: a.softmax(-1) * 3.0, [((2, 3),)], name="softmax_scaled"),
    S(("log_softmax",), lambda lib, a: lib.log_softmax(a, -1), SHAPES),
    S(("log_softmax",), lambda lib, a: a.log_softmax(0), SHAPES[:3], name="log_softmax_dim0"),
    S(("log_softmax",), lambda lib, a: a.log_softmax(dim=-2), SHAPES[:2], name="log_softmax_m2"),
    S(("gelu",), lambda lib, a: lib.nn.functional.gelu(a), SHAPES[:3]),
    S(
        ("gelu",),
        lambda lib, a: lib.nn.functional.gelu(a, approximate="tanh"),
        SHAPES[:2],
        name="gelu_tanh",
    ),
    S(("silu",), lambda lib, a: lib.nn.functional.silu(a), SHAPES[:3]),
    S(("leaky_relu",), lambda lib, a: lib.nn.functional.leaky_relu(a, 0.2), SHAPES[:3]),
    S(("elu",), lambda lib, a: lib.nn.functional.elu(a, alpha=1.3), SHAPES[:3]),
    S(("softplus",), lambda lib, a: lib.nn.functional.softplus(a), SHAPES[:3]),
    S(
        ("softplus",),
        lambda lib, a: lib.nn.functional.softplus(a * 10, beta=2.0, threshold=5.0),
        [((4, 5),)],
        name="softplus_threshold",
        gradgrad=False,
    ),
    # the piecewise activations of nn.functional (in-place forms are nodes of their own)
    S(("hardtanh",), lambda lib, a: FN(lib).hardtanh(a, -0.7, 1.2), SHAPES[:3]),
    S(("hardtanh",), lambda lib, a: FN(lib).relu6(a * 4), SHAPES[:2], name="relu6"),
    S(("hardtanh_",), lambda lib, a: FN(lib).hardtanh_(a * 1.0), SHAPES[:3]),
    S(("hardtanh_",), lambda lib, a: FN(lib).relu6(a * 4, inplace=True), SHAPES[:1], name="relu6_"),
    S(("hardswish",), lambda lib, a: FN(lib).hardswish(a * 3), SHAPES[:3]),
    S(("hardswish",), lambda lib, a: FN(lib).hardswish(a * 3, True), SHAPES[:1], name="hswish_"),
    S(("hardsigmoid",), lambda lib, a: FN(lib).hardsigmoid(a * 3), SHAPES[:3]),
    S(("mish",), lambda lib, a: FN(lib).mish(a * 3), SHAPES[:3]),
    S(("mish",), lambda lib, a: FN(lib).mish(a * 1.0, inplace=True), SHAPES[:1], name="mish_"),
    S(("log_sigmoid",), lambda lib, a: FN(lib).logsigmoid(a * 5), SHAPES[:3]),
    S(("softshrink",), lambda lib, a: FN(lib).softshrink(a, 0.3), SHAPES[:3]),
    S(("hardshrink",), lambda lib, a: FN(lib).hardshrink(a, 0.3), SHAPES[:3]),
    S(("threshold",), lambda lib, a: FN(lib).threshold(a, 0.1, -2.0), SHAPES[:3]),
    S(("threshold_",), lambda lib, a: FN(lib).threshold_(a * 1.0, 0.1, -2.0), SHAPES[:3]),
    S(("elu",), lambda lib, a: FN(lib).selu(a), SHAPES[:3], name="selu"),
    S(("elu_",), lambda lib, a: FN(lib).elu_(a * 1.0, 0.7), SHAPES[:3]),
    S(("elu_",), lambda lib, a: FN(lib).selu(a * 1.0, inplace=True), SHAPES[:1], name="selu_"),
    S(("celu",), lambda lib, a: FN(lib).celu(a, 1.7), SHAPES[:3]),
    S(("celu_",), lambda lib, a: FN(lib).celu_(a * 1.0, 0.6), SHAPES[:3]),
    S(("leaky_relu_",), lambda lib, a: FN(lib).leaky_relu_(a * 1.0, 0.3), SHAPES[:3]),
    S(("rrelu_with_noise",), lambda lib, a: FN(lib).rrelu(a, 0.1, 0.3), SHAPES[:3]),
    S(("rrelu_with_noise_",), lambda lib, a: FN(lib).rrelu_(a * 1.0), SHAPES[:3]),
    S(("glu",), lambda lib, a: FN(lib).glu(a), [((3, 4),), ((2, 3, 6),), ((4,),)]),
    S(("glu",), lambda lib, a: FN(lib).glu(a, 1), [((3, 4, 5),)], name="glu_dim1"),
    S(("prelu",), lambda lib, a, w: FN(lib).prelu(a, w), [((3, 4, 5), (4,)), ((2, 3), (3,))]),
    S(
        ("prelu",),
        lambda lib, a, w: FN(lib).prelu(a, w),
        [((3, 4), (1,)), ((5,), (1,))],
        name="prelu1",
    ),
]
