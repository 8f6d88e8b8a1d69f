"""Samples for ``chainrule/ops/activation.py``: softmax and log_softmax along each kind of dim,
and the pointwise activations of ``nn.functional``."""

from __future__ import annotations

from op_samples import Sample

S = Sample
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
]
