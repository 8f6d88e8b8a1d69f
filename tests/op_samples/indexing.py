"""Samples for ``chainrule/ops/indexing.py``: ``x[...]`` (basic and advanced, repeated indices),
``x[...] = v``, gather/scatter, index_select/index_add, masked_fill/masked_select, take,
index_put.

Index tensors are built inside the lambdas (``lib.tensor``), so both libraries get the same
ones. Node names of ``x[...] = v`` and errors are in ``tests/test_shape_indexing.py``.
"""

from __future__ import annotations

from op_samples import Sample

S = Sample
A3 = [((2, 3, 4),)]
M = [((3, 4),)]


def _set(lib, a, b, idx):
    c = a * 1  # a non-leaf: setitem is differentiable on it
    c[idx] = b
    return c


def _set_number(a, idx, v):
    c = a * 1
    c[idx] = v
    return c


def _inplace_view(lib, a, b):
    c = a * 2
    c[0].mul_(b)
    return c


def _inplace_slice(a):
    c = a * 2
    c[:2] = 0
    return c


def _inplace_chain(lib, a, b):
    c = a * 2
    v = c.t()[1:]  # a view of a view
    v.add_(b)
    return c


SAMPLES = [
    # ---- basic indexing (views)
    S(("select",), lambda lib, a: a[0], A3),
    S(("select",), lambda lib, a: a[-1, 1], A3, name="select_2"),
    S(("select",), lambda lib, a: a[..., 0], A3, name="select_ellipsis"),
    S(("select",), lambda lib, a: a[None, 1], A3, name="select_after_none"),
    S(("select",), lambda lib, a: a[1:, 0], A3, name="select_after_slice"),
    S(("select",), lambda lib, a: a[lib.tensor(1)], A3, name="select_0d_tensor"),
    S(("select",), lambda lib, a: a[1, 2, 3], A3, name="select_scalar"),
    S(("slice",), lambda lib, a: a[1:], A3),
    S(("slice",), lambda lib, a: a[:, ::2], A3, name="slice_step"),
    S(("slice",), lambda lib, a: a[0, 1:3], A3, name="slice_after_select"),
    S(("slice",), lambda lib, a: a[:, -2:, 1:10:2], A3, name="slice_neg"),
    S(("slice",), lambda lib, a: a[2:], [((2,),)], name="slice_empty"),
    S(("alias",), lambda lib, a: a[...], A3),
    S(("alias",), lambda lib, a: a[:, 0:3], A3, name="alias_full"),
    S(("alias",), lambda lib, a: a[()], [((),)], name="alias_0d"),
    S(("index_unsqueeze",), lambda lib, a: a[None], A3),
    S(("index_unsqueeze",), lambda lib, a: a[0, ..., None], A3, name="unsq_ellipsis"),
    S(("index_unsqueeze",), lambda lib, a: a[None], [((),)], name="unsq_0d"),
    # ---- advanced indexing (copies; repeated indices accumulate)
    S(("index",), lambda lib, a: a[[0, 0, 1]], A3),
    S(("index",), lambda lib, a: a[lib.tensor([[2, 0], [2, 2]])], M, name="index_2d"),
    S(("index",), lambda lib, a: a[:, [2, 0, 2]], A3, name="index_dim1"),
    S(("index",), lambda lib, a: a[[0, 1, 1], [1, 2, 2]], A3, name="index_pair"),
    S(("index",), lambda lib, a: a[[0, 1], :, [3, 3]], A3, name="index_separated"),
    S(("index",), lambda lib, a: a[lib.tensor([True, False])], A3, name="index_mask"),
    S(
        ("index",),
        lambda lib, a: a[lib.tensor([[True, False, True], [False, False, True]])],
        A3,
        name="index_mask2d",
    ),
    S(("index",), lambda lib, a: a[:, lib.tensor([False, True, True])], A3, name="index_mask_dim1"),
    S(("index", "select"), lambda lib, a: a[0, :, [0, 0, 2]], A3, name="index_int_separated"),
    S(("index", "slice"), lambda lib, a: a[1:, [1, 1]], A3, name="index_after_slice"),
    S(("index",), lambda lib, a: a[..., [3, 0]], A3, name="index_ellipsis"),
    S(("index",), lambda lib, a: a[None, [1, 1]], A3, name="index_none"),
    S(("index",), lambda lib, a: a[[-1, -2, -1]], M, name="index_negative"),
    S(
        ("index",),
        lambda lib, a: a[lib.tensor([], dtype=lib.long)],
        M,
        name="index_empty",
        gradgrad=False,
    ),
    S(("index",), lambda lib, a: a[True], M, name="index_true"),
    # ---- setitem (differentiable on non-leaf tensors)
    S(
        ("copy",),
        lambda lib, a, b: _set(lib, a, b, 0),
        [((3, 4), (4,)), ((3, 4), ())],
        name="set_row",
    ),
    S(
        ("copy",),
        lambda lib, a, b: _set(lib, a, b, (slice(None), slice(1, 3))),
        [((3, 4), (3, 1))],
        name="set_slice",
    ),
    S(
        ("copy",),
        lambda lib, a, b: _set(lib, a, b, 1),
        [((3, 4), (1, 1, 4))],
        name="set_lead_ones",
    ),
    S(
        ("index_put",),
        lambda lib, a, b: _set(lib, a, b, [2, 0]),
        [((3, 4), (4,)), ((3, 4), (2, 4))],
        name="set_adv",
    ),
    S(
        ("index_put",),
        lambda lib, a, b: _set(lib, a, b, (slice(None), lib.tensor([True, False, True, False]))),
        [((3, 4), (3, 1))],
        name="set_mask",
    ),
    S(
        ("index_put",),
        lambda lib, a, b: _set(lib, a, b, (0, slice(None), [1, 2])),
        [((2, 3, 4), (3, 2))],
        name="set_int_adv",
    ),
    S(
        ("fill",),
        lambda lib, a: _set_number(a, (slice(None), 1), 2.5),
        [((3, 4),)],
        name="set_number",
    ),
    S(
        ("index_put",),
        lambda lib, a: _set_number(a, [0, 2], -1.0),
        [((3, 4),)],
        name="set_number_adv",
    ),
    S(("mul",), _inplace_view, [((3, 4), (4,))], name="inplace_view"),
    S(
        ("fill",),
        lambda lib, a: _inplace_slice(a),
        [((3, 4),)],
        name="inplace_slice",
    ),
    S(("add",), _inplace_chain, [((3, 4), (3, 3))], name="inplace_view_of_view"),
    # ---- index_put
    S(("index_put",), lambda lib, a, b: a.index_put((lib.tensor([0, 2]),), b), [((3, 4), (4,))]),
    S(
        ("index_put",),
        lambda lib, a, b: lib.index_put(
            a, (lib.tensor([0, 0, 1]), lib.tensor([1, 1, 3])), b, accumulate=True
        ),
        [((3, 4), (3,)), ((3, 4), ())],
        name="index_put_acc",
    ),
    S(
        ("index_put",),
        lambda lib, a, b: a.index_put([lib.tensor([[True, False, True, True]] * 3)], b),
        [((3, 4), ())],
        name="index_put_mask",
    ),
    # ---- gather / scatter
    S(("gather",), lambda lib, a: a.gather(1, lib.tensor([[0, 0], [2, 1], [3, 3]])), M),
    S(
        ("gather",),
        lambda lib, a: lib.gather(a, 0, lib.tensor([[1, 0, 1]])),
        [((2, 3),)],
        name="gather_dim0",
    ),
    S(
        ("gather",),
        lambda lib, a: a.gather(-1, lib.tensor([[[1], [0]]])),
        [((1, 3, 2),)],
        name="gather_neg",
    ),
    S(
        ("scatter",),
        lambda lib, a, b: a.scatter(0, lib.tensor([[1, 0, 1]]), b),
        [((2, 3), (1, 3))],
    ),
    S(
        ("scatter",),
        lambda lib, a, b: lib.scatter(a, 1, lib.tensor([[2], [0]]), b),
        [((2, 3), (2, 1))],
        name="scatter_dim1",
    ),
    S(
        ("scatter_value",),
        lambda lib, a: a.scatter(1, lib.tensor([[2, 0], [1, 1]]), 2.5),
        [((2, 3),)],
    ),
    S(
        ("scatter_add",),
        lambda lib, a, b: a.scatter_add(0, lib.tensor([[1, 1, 0], [1, 0, 0]]), b),
        [((2, 3), (2, 3))],
    ),
    *[
        S(
            ("scatter_reduce",),
            lambda lib, a, b, r=r, inc=inc: a.scatter_reduce(
                0, lib.tensor([[1, 1, 0], [1, 0, 2]]), b, r, include_self=inc
            ),
            [((3, 3), (2, 3))],
            name=f"scatter_reduce_{r}_{inc}",
        )
        for r in ("sum", "prod", "mean", "amax", "amin")
        for inc in (True, False)
    ],
    S(
        ("scatter_reduce",),
        lambda lib, a, b: a.clone().scatter_reduce_(1, lib.tensor([[1, 1], [0, 0]]), b, "amax"),
        [((2, 3), (2, 2))],
        name="scatter_reduce_",
    ),
    S(
        ("masked_scatter",),
        lambda lib, a, b: a.masked_scatter(lib.tensor([True, False, True]), b),
        [((2, 3), (5,)), ((3,), (2, 2))],
    ),
    S(
        ("masked_scatter",),
        lambda lib, a, b: a.clone().masked_scatter_(lib.tensor([[True], [False]]), b),
        [((2, 3), (2, 2))],
        name="masked_scatter_",
    ),
    S(
        ("scatter",),
        lambda lib, a, b: a.clone().scatter_(0, lib.tensor([[1, 0]]), b),
        [((2, 2), (1, 2))],
        name="scatter_",
    ),
    S(
        ("scatter_add",),
        lambda lib, a, b: (a * 1).scatter_add_(1, lib.tensor([[1, 1]]), b),
        [((2, 2), (1, 2))],
        name="scatter_add_",
    ),
    S(
        ("gather", "expand"),
        lambda lib, a: lib.take_along_dim(a, lib.tensor([[2], [0], [1]]), 1),
        [((3, 4),), ((1, 4),)],
        name="take_along_dim",
    ),
    S(
        ("gather",),
        lambda lib, a: lib.take_along_dim(a, lib.tensor([5, 0, 5])),
        [((2, 3),)],
        name="take_along_dim_flat",
    ),
    S(("index_fill",), lambda lib, a: a.index_fill(1, lib.tensor([0, 2, 0]), 1.5), [((2, 3),)]),
    S(
        ("index_fill_tensor",),
        lambda lib, a, b: lib.index_fill(a, -1, lib.tensor([1]), b),
        [((2, 3), ())],
    ),
    S(
        ("index_fill",),
        lambda lib, a: (a * 1).index_fill_(0, lib.tensor([1]), -2.0),
        [((2, 3),)],
        name="index_fill_",
    ),
    S(
        ("index_copy",),
        lambda lib, a, b: a.index_copy(1, lib.tensor([2, 0]), b),
        [((2, 3), (2, 2))],
    ),
    S(
        ("index_copy",),
        lambda lib, a, b: (a * 1).index_copy_(0, lib.tensor([1]), b),
        [((2, 3), (1, 3))],
        name="index_copy_",
    ),
    # ---- index_select / index_add / take
    S(
        ("index_select",),
        lambda lib, a: a.index_select(0, lib.tensor([1, 1, 0])),
        [((2, 3),), ((3,),)],
    ),
    S(
        ("index_select",),
        lambda lib, a: lib.index_select(a, -1, lib.tensor([3, 0])),
        A3,
        name="index_select_last",
    ),
    S(
        ("index_select",),
        lambda lib, a: a.index_select(0, lib.tensor(1)),
        [((2, 3),)],
        name="index_select_0d",
    ),
    S(("index_add",), lambda lib, a, b: a.index_add(0, lib.tensor([0, 0]), b), [((2, 3), (2, 3))]),
    S(
        ("index_add",),
        lambda lib, a, b: lib.index_add(a, 1, lib.tensor([2, 0, 2]), b, alpha=2.0),
        [((2, 3), (2, 3))],
        name="index_add_alpha",
    ),
    S(
        ("index_add",),
        lambda lib, a, b: (a * 1).index_add_(0, lib.tensor([1]), b),
        [((2, 3), (1, 3))],
        name="index_add_",
    ),
    S(("take",), lambda lib, a: a.take(lib.tensor([[0, 5], [5, -1]])), [((2, 3),)]),
    S(("take",), lambda lib, a: lib.take(a, lib.tensor([0, 0])), [((),)], name="take_0d"),
    # ---- masks
    S(
        ("masked_fill",),
        lambda lib, a: a.masked_fill(lib.tensor([True, False, True]), 0.5),
        [((2, 3),)],
    ),
    S(
        ("masked_fill",),
        lambda lib, a: lib.masked_fill(a, lib.tensor([[True], [False]]), -1),
        [((3,),)],
        name="masked_fill_bcast",
    ),
    S(
        ("masked_fill",),
        lambda lib, a: (a * 1).masked_fill_(lib.tensor([False, True]), 3.0),
        [((3, 2),)],
        name="masked_fill_",
    ),
    S(
        ("masked_fill_tensor",),
        lambda lib, a, b: a.masked_fill(lib.tensor([[True, False, True]]), b),
        [((2, 3), ())],
    ),
    S(
        ("masked_fill_tensor",),
        lambda lib, a, b: a.masked_fill(lib.tensor([[True], [False], [True]]), b),
        [((2,), ())],
        name="masked_fill_tensor_bcast",
    ),
    S(
        ("masked_select",),
        lambda lib, a: a.masked_select(lib.tensor([True, False, True])),
        [((2, 3),)],
    ),
    S(
        ("masked_select",),
        lambda lib, a: lib.masked_select(a, lib.tensor([[True], [False]])),
        [((3,),)],
        name="masked_select_bcast",
    ),
    # scatter_reduce / index_reduce: each reduction, with and without the old values
    *[
        Sample(
            ("scatter_reduce",),
            lambda lib, a, b, red=red, inc=inc: a.scatter_reduce(
                0,
                lib.tensor([[0, 1, 0], [1, 1, 2], [0, 0, 0], [3, 2, 1]]),
                b,
                red,
                include_self=inc,
            ),
            [((4, 3), (4, 3))],
            domain="nonzero",
            name=f"scatter_reduce_{red}_{inc}",
        )
        for red in ("sum", "prod", "mean", "amax", "amin")
        for inc in (True, False)
    ],
    Sample(
        ("scatter_reduce",),
        lambda lib, a, b: (a * 1).scatter_reduce_(1, lib.tensor([[0, 0], [2, 2]]), b, "sum"),
        [((2, 3), (2, 2))],
        name="scatter_reduce_",
    ),
    *[
        Sample(
            ("index_reduce",),
            lambda lib, a, b, red=red, inc=inc: a.index_reduce(
                1, lib.tensor([2, 0, 2]), b, red, include_self=inc
            ),
            [((2, 4), (2, 3))],
            domain="nonzero",
            name=f"index_reduce_{red}_{inc}",
        )
        for red in ("prod", "mean", "amax", "amin")
        for inc in (True, False)
    ],
    Sample(
        ("masked_scatter",),
        lambda lib, a, b: a.masked_scatter(
            lib.tensor([[True, False, True], [False, True, True]]), b
        ),  # noqa: E501
        [((2, 3), (5,)), ((3,), (2, 4))],
    ),
    Sample(
        ("masked_scatter",),
        lambda lib, a, b: (a * 1).masked_scatter_(lib.tensor([True, False, True]), b),
        [((2, 3), (2, 3))],
        name="masked_scatter_",
    ),
    Sample(
        ("put",),
        lambda lib, a, b: a.put(lib.tensor([0, 4, -1]), b),
        [((2, 3), (3,))],
    ),
    Sample(
        ("put",),
        lambda lib, a, b: (a * 1).put_(lib.tensor([[0, 0], [4, 0]]), b, accumulate=True),
        [((2, 3), (2, 2))],
        name="put_accumulate",
    ),
    Sample(
        ("as_strided", "as_strided_storage_remap"),
        lambda lib, a: a.as_strided((3, 2), (1, 2), 1),
        [((2, 3),)],
    ),
    Sample(
        ("as_strided", "as_strided_storage_remap"),
        lambda lib, a: (a * 2).t().as_strided((2, 2, 2), (1, 1, 2)),
        [((3, 2),)],
        name="as_strided_overlap",
    ),
]
