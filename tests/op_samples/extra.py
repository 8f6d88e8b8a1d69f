"""Samples for the primitive entries in ``chainrule/ops/extra.py`` (the rest of that module
is composites of other ops, tested in ``test_extra.py``).

``unique`` and its variants have no derivative in PyTorch (their outputs carry a grad_fn whose
backward raises), so they are compared forward only (``diff=()``).
"""

from __future__ import annotations

from op_samples import Sample

S = Sample

SAMPLES = [
    S(("unique",), lambda lib, a: lib.unique(a.round()), [((3, 4),), ((),)], diff=()),
    S(
        ("unique",),
        lambda lib, a: lib.unique(a.round(), return_inverse=True, return_counts=True),
        [((5,),)],
        diff=(),
        name="unique_inverse_counts",
    ),
    S(("unique_dim",), lambda lib, a: lib.unique(a.round(), dim=1), [((2, 5),)], diff=()),
    S(
        ("unique_consecutive",),
        lambda lib, a: lib.unique_consecutive(a.round(), return_counts=True),
        [((6,),), ((2, 3),)],
        diff=(),
    ),
    S(
        ("unique_consecutive",),
        lambda lib, a: lib.unique_consecutive(a.round(), dim=0),
        [((4, 2),)],
        diff=(),
        name="unique_consecutive_dim",
    ),
]

SAMPLES += [
    S(("kthvalue",), lambda lib, a: tuple(lib.kthvalue(a, 2, 1)), [((3, 4),), ((2, 5),)]),
    S(("kthvalue",), lambda lib, a: a.kthvalue(1, 0, True).values, [((3, 4),), ((),)], name="kth0"),
    S(("mode",), lambda lib, a: tuple(lib.mode(a.round(), 1)), [((3, 4),)]),
    S(("mode",), lambda lib, a: a.mode(0, keepdim=True).values, [((3, 4),)], name="mode_keep"),
]
