"""Samples for ``chainrule/ops/shape.py``: views (view/reshape, squeeze, permute, expand, narrow,
select, split, unbind, diagonal, T/mT) and copies (cat, stack, repeat, flip, roll).

Memory sharing, errors and partial use of multi-output ops are in ``tests/test_shape_indexing.py``.
"""

from __future__ import annotations

import warnings

from op_samples import Sample

S = Sample
A3 = [((2, 3, 4),)]
M = [((3, 4),), ((2, 3, 4),)]


def _quiet_T(a):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return a.T


SAMPLES = [
    # ---- view / reshape
    S(("view",), lambda lib, a: a.view(6, 4), A3),
    S(("view",), lambda lib, a: a.view(-1), [((2, 3, 4),), ((),), ((5,),)], name="view_flat"),
    S(("view",), lambda lib, a: a.view((4, -1)), [((2, 2, 3),)], name="view_tuple"),
    S(("view",), lambda lib, a: a.view(1, 1), [((),)], name="view_0d"),
    S(("view",), lambda lib, a, b: a.view_as(b), [((2, 3), (3, 2))], diff=(0,), name="view_as"),
    S(("view",), lambda lib, a: a.reshape(3, 8), A3, name="reshape"),
    S(("view",), lambda lib, a: lib.reshape(a, (-1, 2)), A3, name="reshape_fn"),
    S(("view",), lambda lib, a: a.flatten(), A3, name="flatten"),
    S(("view",), lambda lib, a: lib.flatten(a, 1, -1), A3, name="flatten_1"),
    S(("view",), lambda lib, a: a.flatten(), [((),)], name="flatten_0d"),
    S(("view",), lambda lib, a: a.unflatten(-1, (2, -1)), A3, name="unflatten"),
    S(("view",), lambda lib, a: a.ravel(), A3, name="ravel"),
    S(
        ("view",),
        lambda lib, a, b: a.reshape_as(b),
        [((4, 3), (2, 6))],
        diff=(0,),
        name="reshape_as",
    ),
    S(("_unsafe_view",), lambda lib, a: a.mT.reshape(-1), A3),
    S(("_unsafe_view",), lambda lib, a: a.t().flatten(), [((3, 4),)], name="t_flatten"),
    # ---- squeeze / unsqueeze
    S(("squeeze",), lambda lib, a: a.squeeze(), [((2, 1, 3, 1),), ((1,),), ((3,),)]),
    S(("squeeze_dim",), lambda lib, a: a.squeeze(1), [((2, 1, 3),), ((2, 3),)]),
    S(("squeeze_dim",), lambda lib, a: lib.squeeze(a, -1), [((2, 3, 1),)], name="squeeze_neg"),
    S(("squeeze_dims",), lambda lib, a: a.squeeze((0, -1)), [((1, 3, 1),), ((2, 3, 1),)]),
    S(("unsqueeze",), lambda lib, a: a.unsqueeze(1), [((2, 3),)]),
    S(("unsqueeze",), lambda lib, a: a.unsqueeze(0), [((),)], name="unsqueeze_0d"),
    S(("unsqueeze",), lambda lib, a: lib.unsqueeze(a, -1), [((2, 3),)], name="unsqueeze_neg"),
    # ---- permute / transpose / t / T
    S(("permute",), lambda lib, a: a.permute(2, 0, 1), A3),
    S(("permute",), lambda lib, a: lib.permute(a, (1, -1, 0)), A3, name="permute_tuple"),
    S(("permute",), lambda lib, a: a.movedim(0, -1), A3, name="movedim"),
    S(("permute",), lambda lib, a: lib.movedim(a, (0, 1), (2, 0)), A3, name="movedim_tuple"),
    S(("permute",), lambda lib, a: _quiet_T(a), [((3, 4),), ((2, 3, 4),), ((5,),)], name="T"),
    S(("transpose",), lambda lib, a: a.transpose(0, -1), A3),
    S(("transpose",), lambda lib, a: a.swapaxes(0, 1), A3, name="swapaxes"),
    S(("transpose",), lambda lib, a: lib.swapdims(a, 1, 2), A3, name="swapdims"),
    S(("transpose",), lambda lib, a: a.mT, M, name="mT"),
    S(("transpose",), lambda lib, a: a.mH, M, name="mH"),
    S(("transpose",), lambda lib, a: a.H, [((3, 4),)], name="H"),
    S(("t",), lambda lib, a: a.t(), [((3, 4),), ((5,),), ((),)]),
    # ---- expand / broadcast
    S(("expand",), lambda lib, a: a.expand(2, 3, 4), [((3, 1),), ((1, 4),), ((),)]),
    S(("expand",), lambda lib, a: a.expand(5, -1, 3), [((2, 1),)], name="expand_keep"),
    S(
        ("expand",),
        lambda lib, a, b: a.expand_as(b),
        [((3, 1), (2, 3, 4))],
        diff=(0,),
        name="expand_as",
    ),
    S(("expand",), lambda lib, a: lib.broadcast_to(a, (2, 3)), [((3,),)], name="broadcast_to"),
    S(
        ("expand",),
        lambda lib, a, b: lib.broadcast_tensors(a, b),
        [((3, 1), (4,))],
        name="broadcast_tensors",
    ),
    # ---- repeat / tile / flip / roll
    S(("repeat",), lambda lib, a: a.repeat(2, 1, 3), [((2, 3),), ((3,),), ((),)]),
    S(("repeat",), lambda lib, a: a.repeat(1, 2), [((2, 3),)], name="repeat_same"),
    S(("repeat",), lambda lib, a: lib.tile(a, (2,)), [((2, 3),), ((3,),)], name="tile"),
    S(("flip",), lambda lib, a: a.flip(0), A3),
    S(("flip",), lambda lib, a: lib.flip(a, (0, -1)), A3, name="flip_dims"),
    S(("flip",), lambda lib, a: a.fliplr(), [((2, 3),)], name="fliplr"),
    S(("flip",), lambda lib, a: lib.flipud(a), [((2, 3),)], name="flipud"),
    S(("roll",), lambda lib, a: a.roll(1, 0), A3),
    S(("roll",), lambda lib, a: lib.roll(a, 5), A3, name="roll_flat"),
    S(("roll",), lambda lib, a: a.roll((1, -2), (0, 2)), A3, name="roll_dims"),
    # ---- cat / stack and friends
    S(("cat",), lambda lib, a, b: lib.cat([a, b]), [((2, 3), (4, 3)), ((1,), (3,))]),
    S(
        ("cat",),
        lambda lib, a, b, c: lib.cat((a, b, c), -1),
        [((2, 1), (2, 3), (2, 2))],
        name="cat3",
    ),
    S(
        ("cat",),
        lambda lib, a, b: lib.cat([a, b], dim=1),
        [((2, 3), (2, 0))],
        diff=(0,),
        name="cat_empty",
    ),
    S(("cat",), lambda lib, a, b: lib.concat([a, b], 1), [((2, 3), (2, 1))], name="concat"),
    S(
        ("cat",),
        lambda lib, a, b: lib.concatenate([a, b], axis=0),
        [((1, 3), (2, 3))],
        name="concatenate",
    ),
    S(
        ("cat",),
        lambda lib, a, b: lib.cat([a, b]),
        [((2, 3), (2, 3))],
        diff=(0,),
        name="cat_one_grad",
    ),
    S(
        ("cat",),
        lambda lib, a, b: lib.cat([a, b.float()]),
        [((2,), (3,))],
        atol=1e-3,
        name="cat_promote",
    ),
    S(
        ("cat",),
        lambda lib, a, b: lib.hstack([a, b]),
        [((2, 3), (2, 1)), ((2,), (3,))],
        name="hstack",
    ),
    S(
        ("cat",),
        lambda lib, a, b: lib.vstack([a, b]),
        [((2, 3), (1, 3)), ((3,), (3,))],
        name="vstack",
    ),
    S(("cat",), lambda lib, a, b: lib.dstack([a, b]), [((2, 3), (2, 3))], name="dstack"),
    S(("cat",), lambda lib, a, b: lib.column_stack([a, b]), [((3,), (3, 2))], name="column_stack"),
    S(("stack",), lambda lib, a, b: lib.stack([a, b]), [((2, 3), (2, 3)), ((), ())]),
    S(("stack",), lambda lib, a, b, c: lib.stack((a, b, c), -1), [((2, 3),) * 3], name="stack3"),
    S(
        ("stack",),
        lambda lib, a, b: lib.stack([a, b], 1),
        [((2,), (2,))],
        diff=(1,),
        name="stack_one",
    ),
    # ---- split / chunk / unbind (several outputs)
    S(("split",), lambda lib, a: a.split(2), [((5, 3),), ((4,),)]),
    S(("split",), lambda lib, a: lib.split(a, 2, dim=-1), [((2, 3),)], name="split_fn"),
    S(("split",), lambda lib, a: a.chunk(2, 1), [((2, 5),), ((2, 4),)], name="chunk"),
    S(("split",), lambda lib, a: lib.chunk(a, 3), [((2,),)], name="chunk_fewer"),
    S(("split",), lambda lib, a: a.split(4)[0], [((3, 2),)], name="split_single"),
    S(("split_with_sizes",), lambda lib, a: a.split([1, 3], 1), [((2, 4),)]),
    S(
        ("split_with_sizes",),
        lambda lib, a: lib.split(a, [2, 0, 1]),
        [((3,),)],
        name="split_sizes_0",
    ),
    S(("unbind",), lambda lib, a: a.unbind(), [((3, 2),), ((4,),)]),
    S(("unbind",), lambda lib, a: lib.unbind(a, -1), A3, name="unbind_last"),
    S(("unbind",), lambda lib, a: tuple(a), [((2, 3),)], name="iter"),
    # ---- narrow / select / tensor_split / diagonal
    S(("slice",), lambda lib, a: a.narrow(1, 1, 2), A3, name="narrow"),
    S(("slice",), lambda lib, a: lib.narrow(a, -1, -2, 2), A3, name="narrow_neg"),
    S(("slice",), lambda lib, a: a.tensor_split(3, 1), [((2, 5),)], name="tensor_split"),
    S(("slice",), lambda lib, a: lib.tensor_split(a, [1, 3]), [((4, 2),)], name="tensor_split_idx"),
    S(("slice",), lambda lib, a: a.hsplit(2), [((2, 4),)], name="hsplit"),
    S(("select",), lambda lib, a: a.select(1, -1), A3, name="select_fn"),
    S(("select",), lambda lib, a: lib.select(a, 0, 2), [((3,),)], name="select_1d"),
    S(("diagonal",), lambda lib, a: a.diagonal(), [((3, 3),), ((3, 5),), ((2, 3, 4),)]),
    S(("diagonal",), lambda lib, a: a.diagonal(1), [((3, 4),), ((4, 3),)], name="diagonal_off"),
    S(("diagonal",), lambda lib, a: lib.diagonal(a, -1, 0, 2), A3, name="diagonal_neg"),
    S(("diagonal",), lambda lib, a: a.diagonal(0, -1, -2), A3, name="diagonal_rev"),
    # ---- rot90 / unfold / meshgrid / repeat_interleave
    S(("rot90",), lambda lib, a: lib.rot90(a), [((3, 4),)]),
    S(("rot90",), lambda lib, a: a.rot90(2, (2, 0)), A3, name="rot90_2"),
    S(("rot90",), lambda lib, a: lib.rot90(a, -1, (-1, 1)), A3, name="rot90_neg"),
    S(("unfold",), lambda lib, a: a.unfold(1, 2, 1), [((2, 5),), ((2, 5, 3),)]),
    S(("unfold",), lambda lib, a: a.unfold(-1, 3, 2), [((2, 7),)], name="unfold_step"),
    S(("unfold",), lambda lib, a: a.unfold(0, 1, 1), [((),)], name="unfold_0d"),
    S(
        ("view", "expand"),
        lambda lib, a, b: lib.meshgrid(a, b, indexing="ij"),
        [((3,), (2,))],
        name="meshgrid",
    ),
    S(
        ("view", "expand"),
        lambda lib, a, b, c: lib.meshgrid(a, b, c, indexing="xy"),
        [((3,), (2,), ())],
        name="meshgrid_xy",
    ),
    S(("view", "expand"), lambda lib, a: a.repeat_interleave(2), [((2, 3),)], name="rep_inter"),
    S(
        ("view", "expand"),
        lambda lib, a: lib.repeat_interleave(a, 3, dim=1),
        [((2, 3),)],
        name="rep_inter_dim",
    ),
    S(
        ("index_select",),
        lambda lib, a: a.repeat_interleave(lib.tensor([1, 0, 2]), dim=0),
        [((3, 2),)],
        name="rep_inter_tensor",
    ),
    # ---- chains of views
    S(
        ("view", "permute", "select"),
        lambda lib, a: a.permute(1, 0, 2)[1].reshape(-1),
        A3,
        name="chain",
    ),
]

SAMPLES += [
    # ---- in-place view ops (PyTorch's in-place node names)
    S(("squeeze_",), lambda lib, a: (a * 1).squeeze_(), [((2, 1, 3),)], name="squeeze_"),
    S(("squeeze_dim_",), lambda lib, a: (a * 1).squeeze_(1), [((2, 1, 3),)], name="squeeze_dim_"),
    S(
        ("squeeze_dims_",),
        lambda lib, a: (a * 1).squeeze_((1, 2)),
        [((2, 1, 1),)],
        name="squeeze_dims_",
    ),
    S(("unsqueeze_",), lambda lib, a: (a * 1).unsqueeze_(0), [((2, 3),)], name="unsqueeze_"),
    S(("t_",), lambda lib, a: (a * 1).t_(), [((2, 3),)], name="t_"),
    S(("transpose_",), lambda lib, a: (a * 1).transpose_(0, 2), [((2, 3, 4),)], name="transpose_"),
    S(("transpose_",), lambda lib, a: (a * 1).swapdims_(0, 1), [((2, 3),)], name="swapdims_"),
    S(("transpose_",), lambda lib, a: (a * 1).swapaxes_(1, 0), [((2, 3),)], name="swapaxes_"),
]

SAMPLES += [
    # ---- scatters into a region (shape_more.py)
    S(("select_scatter",), lambda lib, a, b: lib.select_scatter(a, b, 0, 1), [((3, 4), (4,))]),
    S(
        ("select_scatter",),
        lambda lib, a, b: a.select_scatter(b, -1, -1),
        [((2, 3, 4), (2, 3))],
        name="select_scatter_last",
    ),
    S(("slice_scatter",), lambda lib, a, b: lib.slice_scatter(a, b, 1, 0, 2), [((3, 4), (3, 2))]),
    S(
        ("slice_scatter",),
        lambda lib, a, b: a.slice_scatter(b, 2, 1, None, 2),
        [((2, 3, 4), (2, 3, 2))],
        name="slice_scatter_step",
    ),
    S(("diagonal_scatter",), lambda lib, a, b: lib.diagonal_scatter(a, b), [((3, 4), (3,))]),
    S(
        ("diagonal_scatter",),
        lambda lib, a, b: a.diagonal_scatter(b, -1, 0, 2),
        [((2, 3, 4), (3, 1))],
        name="diagonal_scatter_3d",
    ),
    S(("narrow_copy",), lambda lib, a: lib.narrow_copy(a, 1, 1, 2), [((3, 4),)]),
    S(("unsafe_split",), lambda lib, a: lib.unsafe_split(a, 3, 1), [((3, 4),)]),
    S(("unsafe_split",), lambda lib, a: a.unsafe_chunk(2, 0), [((5, 2),)], name="unsafe_chunk"),
    S(
        ("unsafe_split_with_sizes",),
        lambda lib, a: lib.unsafe_split_with_sizes(a, [1, 3], 1),
        [((3, 4),)],
    ),
    S(("diag_embed",), lambda lib, a: lib.diagflat(a, 1), [((2, 3),)], name="diagflat"),
]
