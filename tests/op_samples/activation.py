"""Samples for ``chainrule/ops/activation.py``: softmax and log_softmax along each kind of dim."""

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
]
