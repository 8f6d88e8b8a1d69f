"""Samples for ``chainrule/ops/misc.py``: casts, clone, copy_, fill_, zero_."""

from __future__ import annotations

from op_samples import Sample

S = Sample
ONE = [((2, 3),), ((),)]

SAMPLES = [
    S(("to_copy",), lambda lib, a: a.float(), ONE, name="to_float"),
    S(("to_copy",), lambda lib, a: a.to(lib.float32), ONE, name="to_dtype"),
    S(("to_copy",), lambda lib, a: a.to(dtype=lib.float64, copy=True), ONE, name="to_copy"),
    # float32 on the way: atol >= 1e-3 makes the harness use a coarse finite difference
    S(
        ("to_copy",),
        lambda lib, a: a.float().double() * 1,
        ONE,
        atol=1e-3,
        rtol=1e-3,
        name="roundtrip",
    ),
    S(("to_copy",), lambda lib, a: a.double(), ONE, name="double_noop"),
    S(("to_copy",), lambda lib, a: (a * 4).long(), ONE, name="to_long"),
    S(("to_copy",), lambda lib, a: a.double(), ONE, int_inputs={0: (-5, 5)}, name="int_to_double"),
    S(("to_copy",), lambda lib, a: a.type_as(a.float()), ONE, name="type_as"),
    S(("clone",), lambda lib, a: a.clone(), ONE),
    S(("clone",), lambda lib, a: lib.clone(a), ONE, name="clone_fn"),
    S(
        ("copy",),
        lambda lib, a, b: a.clone().copy_(b),
        [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 3), ()), ((), ())],
    ),
    S(
        ("copy",),
        lambda lib, a, b: a.clone().copy_(b.float()),
        [((2, 3), (2, 3))],
        atol=1e-3,
        rtol=1e-3,
        name="copy_cast",
    ),
    S(("copy",), lambda lib, a, b: a.clone().copy_(b) * a, [((2, 3), (3,))], name="copy_then_use"),
    S(("fill",), lambda lib, a: a.clone().fill_(1.5), ONE),
    S(("fill",), lambda lib, a: (a * 2).fill_(-3) + a, ONE, name="fill_then_add"),
    S(("fill_tensor",), lambda lib, a, v: a.clone().fill_(v), [((2, 3), ()), ((), ())]),
    S(("zero",), lambda lib, a: a.clone().zero_(), ONE),
    S(("zero",), lambda lib, a: a.clone().zero_() + a * a, ONE, name="zero_then_add"),
    # random in-place fills: the drawn values differ from torch's, so they are multiplied by 0;
    # what is checked is the zero gradient through the fill and the graph around it
    S(("normal",), lambda lib, a: (a * 2).normal_(0, 1) * 0 + a, ONE, gradgrad=False),
    S(("uniform",), lambda lib, a: (a * 2).uniform_(-1, 1) * 0 + a, ONE, gradgrad=False),
    S(("bernoulli",), lambda lib, a: (a * 2).bernoulli_(0.5) * 0 + a, ONE, gradgrad=False),
    S(("random",), lambda lib, a: (a * 2).random_(0, 5) * 0 + a, ONE, gradgrad=False),
    S(("exponential",), lambda lib, a: (a * 2).exponential_() * 0 + a, ONE, gradgrad=False),
]
