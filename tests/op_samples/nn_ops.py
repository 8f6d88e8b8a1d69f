"""Samples for the nn op family (``chainrule/ops/nn_ops.py``): convolution and its adjoints,
pooling, embedding, batch/layer norm, losses, padding. Adjoint entries (the ops that only
second derivatives reach) are listed in ``covers`` of the samples whose gradgrad runs them."""

from __future__ import annotations

from . import Sample


def F(lib):
    return lib.nn.functional


SDPA = "_scaled_dot_product_flash_attention_for_cpu"
CONV_ADJ = ("convolution_input_grad", "convolution_weight_grad")

SAMPLES = [
    Sample(
        covers=("convolution",) + CONV_ADJ,
        fn=lambda lib, x, w, b: F(lib).conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2)),
        shapes=[((2, 3, 6, 5), (4, 3, 3, 2), (4,)), ((1, 1, 4, 4), (2, 1, 2, 2), (2,))],
        name="conv2d",
    ),
    Sample(
        covers=("convolution",) + CONV_ADJ,
        fn=lambda lib, x, w: F(lib).conv2d(x, w, groups=2),
        shapes=[((1, 4, 4, 4), (4, 2, 3, 3))],
        name="conv2d_groups",
    ),
    Sample(
        covers=("convolution",) + CONV_ADJ,
        fn=lambda lib, x, w, b: F(lib).conv1d(x, w, b, stride=2, padding=1),
        shapes=[((2, 2, 7), (3, 2, 3), (3,))],
        name="conv1d",
    ),
    Sample(
        covers=CONV_ADJ,
        fn=lambda lib, w, g: lib.nn.grad.conv2d_input((2, 3, 5, 5), w, g, stride=2, padding=1),
        shapes=[((4, 3, 3, 3), (2, 4, 3, 3))],
        name="conv2d_input",
    ),
    Sample(
        covers=CONV_ADJ,
        fn=lambda lib, x, g: lib.nn.grad.conv2d_weight(x, (4, 3, 3, 3), g, padding=1),
        shapes=[((2, 3, 4, 4), (2, 4, 4, 4))],
        name="conv2d_weight",
    ),
    Sample(
        covers=("max_pool2d_with_indices", "max_pool2d_scatter", "max_pool2d_gather"),
        fn=lambda lib, x: F(lib).max_pool2d(x, 3, stride=2, padding=1),
        shapes=[(2, 3, 7, 6), (3, 5, 5)],
        name="max_pool2d",
    ),
    Sample(
        covers=("max_pool2d_with_indices", "max_pool2d_scatter", "max_pool2d_gather"),
        fn=lambda lib, x: F(lib).max_pool2d(x, 2, ceil_mode=True),
        shapes=[(1, 2, 5, 5)],
        name="max_pool2d_ceil",
    ),
    Sample(
        covers=("avg_pool2d", "avg_pool2d_adjoint"),
        fn=lambda lib, x: F(lib).avg_pool2d(x, 3, stride=2, padding=1),
        shapes=[(2, 3, 7, 6), (3, 4, 4)],
        name="avg_pool2d",
    ),
    Sample(
        covers=("avg_pool2d", "avg_pool2d_adjoint"),
        fn=lambda lib, x: F(lib).avg_pool2d(
            x, 2, ceil_mode=True, count_include_pad=False, padding=1
        ),
        shapes=[(1, 2, 5, 5)],
        name="avg_pool2d_ceil",
    ),
    Sample(
        covers=("embedding", "embedding_dense_backward"),
        fn=lambda lib, w, i: F(lib).embedding(
            i, w
        ),  # padding_idx is non-differentiable by design: see test_nn_functional
        shapes=[((6, 3), (2, 4)), ((5, 2), (7,))],
        int_inputs={1: (0, 5)},
        name="embedding",
    ),
    Sample(
        covers=("native_batch_norm",),
        fn=lambda lib, x, w, b: F(lib).batch_norm(x, None, None, w, b, training=True),
        shapes=[((4, 3), (3,), (3,)), ((3, 2, 2, 2), (2,), (2,))],
        rtol=1e-4,
        atol=1e-6,
        name="batch_norm",
    ),
    Sample(
        covers=("native_batch_norm",),
        fn=lambda lib, x: F(lib).batch_norm(
            x, lib.ones(3, dtype=x.dtype), lib.ones(3, dtype=x.dtype) * 2, training=False
        ),
        shapes=[(4, 3, 2)],
        name="batch_norm_eval",
    ),
    Sample(
        covers=("native_layer_norm",),
        fn=lambda lib, x, w, b: F(lib).layer_norm(x, (4,), w, b),
        shapes=[((3, 4), (4,), (4,)), ((2, 2, 4), (4,), (4,))],
        rtol=1e-4,
        atol=1e-6,
        name="layer_norm",
    ),
    Sample(
        covers=("native_layer_norm",),
        fn=lambda lib, x: F(lib).layer_norm(x, (2, 3)),
        shapes=[(2, 2, 3)],
        rtol=1e-4,
        atol=1e-6,
        name="layer_norm_plain",
    ),
    Sample(
        covers=("nll_loss",),
        fn=lambda lib, x, t: F(lib).nll_loss(x, t),
        shapes=[((5, 4), (5,))],
        int_inputs={1: (0, 4)},
        name="nll_loss",
    ),
    Sample(
        covers=("nll_loss",),
        fn=lambda lib, x, t: F(lib).nll_loss(
            x, t, weight=lib.arange(1, 5).to(x.dtype), reduction="none"
        ),
        shapes=[((5, 4), (5,))],
        int_inputs={1: (0, 4)},
        name="nll_loss_weight_none",
    ),
    Sample(
        covers=("nll_loss2d",),
        fn=lambda lib, x, t: F(lib).nll_loss(x, t, reduction="sum"),
        shapes=[((2, 3, 2, 2), (2, 2, 2))],
        int_inputs={1: (0, 3)},
        name="nll_loss2d",
    ),
    Sample(
        covers=("nll_loss",),
        fn=lambda lib, x, t: F(lib).cross_entropy(x, t, label_smoothing=0.1),
        shapes=[((5, 4), (5,))],
        int_inputs={1: (0, 4)},
        name="cross_entropy",
    ),
    Sample(
        covers=("mse_loss",),
        fn=lambda lib, x, y: F(lib).mse_loss(x, y),
        shapes=[((3, 4), (3, 4)), ((), ())],
    ),
    Sample(
        covers=("mse_loss",),
        fn=lambda lib, x, y: F(lib).mse_loss(x, y, reduction="none"),
        shapes=[((3, 4), (3, 4))],
        name="mse_loss_none",
    ),
    Sample(
        covers=("smooth_l1_loss",),
        fn=lambda lib, x, y: F(lib).smooth_l1_loss(x, y, beta=0.5),
        shapes=[((3, 4), (3, 4))],
    ),
    Sample(
        covers=("huber_loss",),
        fn=lambda lib, x, y: F(lib).huber_loss(x, y, reduction="sum", delta=0.8),
        shapes=[((3, 4), (3, 4))],
    ),
    Sample(
        covers=("binary_cross_entropy",),
        fn=lambda lib, p, y: F(lib).binary_cross_entropy(p.sigmoid(), y.sigmoid()),
        shapes=[((3, 4), (3, 4))],
    ),
    Sample(
        covers=("binary_cross_entropy_with_logits",),
        fn=lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(x, y.sigmoid()),
        shapes=[((3, 4), (3, 4))],
    ),
    Sample(
        covers=("binary_cross_entropy_with_logits",),
        fn=lambda lib, x, y: F(lib).binary_cross_entropy_with_logits(
            x,
            y.sigmoid(),
            pos_weight=lib.tensor([1.0, 2.0, 0.5, 3.0]).to(x.dtype),
            reduction="none",
        ),
        shapes=[((3, 4), (3, 4))],
        name="bce_logits_pos_weight",
    ),
    Sample(
        covers=("constant_pad_nd",),
        fn=lambda lib, x: F(lib).pad(x, (1, 2, 0, 1), value=0.5),
        shapes=[(2, 3, 4), (3, 2)],
    ),
]

for _mode in ("reflect", "replicate", "circular"):
    SAMPLES += [
        Sample(
            covers=(f"{_mode}_pad1d", "pad_scatter", "pad_gather"),
            fn=lambda lib, x, m=_mode: F(lib).pad(x, (2, 1), mode=m),
            shapes=[(2, 3, 4), (3, 5)],
            name=f"{_mode}_pad1d",
        ),
        Sample(
            covers=(f"{_mode}_pad2d", "pad_scatter", "pad_gather"),
            fn=lambda lib, x, m=_mode: F(lib).pad(x, (1, 2, 2, 0), mode=m),
            shapes=[(1, 2, 4, 3)],
            name=f"{_mode}_pad2d",
        ),
        Sample(
            covers=(f"{_mode}_pad3d", "pad_scatter", "pad_gather"),
            fn=lambda lib, x, m=_mode: F(lib).pad(x, (1, 1, 0, 1, 1, 0), mode=m),
            shapes=[(1, 1, 3, 3, 3)],
            name=f"{_mode}_pad3d",
        ),
    ]

# ---------------------------------------------------------------- 3-d pooling, adaptive pooling,
# unpooling, resampling, pixel shuffle, im2col, transposed and 3-d convolution
SAMPLES += [
    Sample(
        covers=("max_pool3d_with_indices", "max_pool2d_scatter", "max_pool2d_gather"),
        fn=lambda lib, x: F(lib).max_pool3d(x, 2, stride=(1, 2, 2), padding=1, ceil_mode=True),
        shapes=[(2, 2, 3, 4, 5), (2, 4, 3, 4)],
        name="max_pool3d",
    ),
    Sample(
        covers=("avg_pool3d", "avg_pool2d_adjoint"),
        fn=lambda lib, x: F(lib).avg_pool3d(x, (2, 3, 2), stride=2, padding=1),
        shapes=[(2, 2, 4, 5, 4), (2, 3, 4, 5)],
        name="avg_pool3d",
    ),
    Sample(
        covers=("avg_pool3d", "avg_pool2d_adjoint"),
        fn=lambda lib, x: F(lib).avg_pool3d(x, 2, ceil_mode=True, count_include_pad=False),
        shapes=[(1, 2, 3, 5, 3)],
        name="avg_pool3d_ceil",
    ),
    Sample(
        covers=("adaptive_avg_pool2d", "separable_resample_adjoint"),
        fn=lambda lib, x: F(lib).adaptive_avg_pool2d(x, (2, 3)),
        shapes=[(2, 3, 5, 7), (3, 4, 4)],
    ),
    Sample(
        covers=("adaptive_avg_pool2d", "separable_resample_adjoint"),
        fn=lambda lib, x: F(lib).adaptive_avg_pool1d(x, 3),
        shapes=[(2, 3, 7)],
        name="adaptive_avg_pool1d",
    ),
    Sample(
        covers=("adaptive_avg_pool3d", "separable_resample_adjoint"),
        fn=lambda lib, x: F(lib).adaptive_avg_pool3d(x, (2, 1, 3)),
        shapes=[(1, 2, 3, 4, 5)],
    ),
    Sample(
        covers=("adaptive_max_pool2d", "max_pool2d_scatter", "max_pool2d_gather"),
        fn=lambda lib, x: F(lib).adaptive_max_pool2d(x, (2, 3)),
        shapes=[(2, 3, 5, 7), (3, 4, 4)],
    ),
    Sample(
        covers=("adaptive_max_pool2d", "max_pool2d_scatter", "max_pool2d_gather"),
        fn=lambda lib, x: F(lib).adaptive_max_pool1d(x, 4),
        shapes=[(2, 3, 7)],
        name="adaptive_max_pool1d",
    ),
    Sample(
        covers=("adaptive_max_pool3d", "max_pool2d_scatter", "max_pool2d_gather"),
        fn=lambda lib, x: F(lib).adaptive_max_pool3d(x, (2, 2, 3)),
        shapes=[(1, 2, 3, 4, 5)],
    ),
    Sample(
        covers=("max_unpool2d", "max_pool2d_gather", "max_pool2d_scatter"),
        fn=lambda lib, x, y: F(lib).max_unpool2d(
            y, F(lib).max_pool2d(x, 2, return_indices=True)[1], 2, output_size=(5, 7)
        ),
        shapes=[((2, 3, 5, 7), (2, 3, 2, 3))],
        diff=(1,),
        name="max_unpool2d",
    ),
    Sample(
        covers=("max_unpool2d", "max_pool2d_gather", "max_pool2d_scatter"),
        fn=lambda lib, x, y: F(lib).max_unpool1d(
            y, F(lib).max_pool1d(x, 2, 2, 1, return_indices=True)[1], 2, 2, 1, output_size=(7,)
        ),
        shapes=[((2, 3, 7), (2, 3, 4))],
        diff=(1,),
        name="max_unpool1d",
    ),
    Sample(
        covers=("max_unpool3d", "max_pool2d_gather", "max_pool2d_scatter"),
        fn=lambda lib, x, y: F(lib).max_unpool3d(
            y, F(lib).max_pool3d(x, 2, return_indices=True)[1], 2
        ),
        shapes=[((1, 2, 4, 4, 2), (1, 2, 2, 2, 1))],
        diff=(1,),
        name="max_unpool3d",
    ),
    Sample(
        covers=("pixel_shuffle", "pixel_unshuffle"),
        fn=lambda lib, x: F(lib).pixel_shuffle(x, 2),
        shapes=[(2, 8, 2, 3), (4, 1, 2)],
    ),
    Sample(
        covers=("pixel_unshuffle", "pixel_shuffle"),
        fn=lambda lib, x: F(lib).pixel_unshuffle(x, 2),
        shapes=[(2, 2, 4, 6), (1, 2, 2)],
    ),
    Sample(
        covers=("im2col", "col2im"),
        fn=lambda lib, x: F(lib).unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)),
        shapes=[(2, 2, 4, 5), (2, 4, 5)],
        name="unfold",
    ),
    Sample(
        covers=("col2im", "im2col"),
        fn=lambda lib, x: F(lib).fold(x, (4, 5), 2, padding=(1, 0), stride=(2, 1)),
        shapes=[(2, 8, 12), (8, 12)],
        name="fold",
    ),
    Sample(
        covers=("convolution_transpose",) + CONV_ADJ + ("convolution",),
        fn=lambda lib, x, w, b: F(lib).conv_transpose2d(
            x, w, b, stride=(2, 1), padding=1, output_padding=(1, 0), dilation=(1, 2)
        ),
        shapes=[((2, 4, 3, 4), (4, 3, 3, 2), (3,))],
        name="conv_transpose2d",
    ),
    Sample(
        covers=("convolution_transpose",) + CONV_ADJ + ("convolution",),
        fn=lambda lib, x, w: F(lib).conv_transpose2d(x, w, groups=2, output_padding=1, dilation=2),
        shapes=[((1, 4, 3, 3), (4, 1, 2, 2))],
        name="conv_transpose2d_groups_outpad",
    ),
    Sample(
        covers=("convolution_transpose",) + CONV_ADJ + ("convolution",),
        fn=lambda lib, x, w, b: F(lib).conv_transpose1d(x, w, b, stride=2, output_padding=1),
        shapes=[((2, 3, 4), (3, 2, 3), (2,)), ((3, 4), (3, 2, 3), (2,))],
        name="conv_transpose1d",
    ),
    Sample(
        covers=("convolution_transpose",) + CONV_ADJ + ("convolution",),
        fn=lambda lib, x, w: F(lib).conv_transpose3d(x, w, stride=2, padding=(1, 0, 0)),
        shapes=[((1, 2, 2, 3, 2), (2, 2, 3, 2, 2))],
        name="conv_transpose3d",
    ),
    Sample(
        covers=("convolution",) + CONV_ADJ,
        fn=lambda lib, x, w, b: F(lib).conv3d(x, w, b, stride=(1, 2, 1), padding=(1, 0, 1)),
        shapes=[((2, 2, 3, 5, 4), (3, 2, 2, 3, 2), (3,))],
        name="conv3d",
    ),
    Sample(
        covers=("convolution",) + CONV_ADJ,
        fn=lambda lib, x, w: F(lib).conv3d(x, w, groups=2, dilation=(2, 1, 1)),
        shapes=[((1, 4, 5, 3, 3), (2, 2, 2, 2, 2))],
        name="conv3d_groups",
    ),
]

_UPSAMPLE_CASES = [
    ("nearest", 1, {"size": 5}),
    ("nearest", 2, {"scale_factor": 2}),
    ("nearest", 3, {"size": (3, 2, 5)}),
    ("nearest-exact", 1, {"scale_factor": 1.7}),
    ("nearest-exact", 2, {"size": (3, 5)}),
    ("nearest-exact", 3, {"scale_factor": (1, 2, 0.5)}),
    ("linear", 1, {"size": 7}),
    ("linear", 1, {"scale_factor": 0.6, "align_corners": True}),
    ("bilinear", 2, {"size": (3, 7)}),
    ("bilinear", 2, {"scale_factor": 1.5, "align_corners": True}),
    ("bicubic", 2, {"size": (5, 3)}),
    ("bicubic", 2, {"scale_factor": 2, "align_corners": True}),
    ("trilinear", 3, {"size": (3, 4, 2)}),
    ("trilinear", 3, {"scale_factor": 1.5, "align_corners": True}),
]
for _k, (_mode, _nd, _kw) in enumerate(_UPSAMPLE_CASES):
    SAMPLES.append(
        Sample(
            covers=(f"upsample_{_mode.replace('-', '_')}{_nd}d", "separable_resample_adjoint"),
            fn=lambda lib, x, m=_mode, kw=_kw: F(lib).interpolate(x, mode=m, **kw),
            shapes=[(2, 2) + (4, 3, 2)[:_nd]],
            name=f"interpolate_{_mode}_{_k}",
        )
    )

# ---------------------------------------------------------------- group norm, distances, margins
SAMPLES += [
    Sample(
        covers=("native_group_norm",),
        fn=lambda lib, x, w, b: F(lib).group_norm(x, 2, w, b),
        shapes=[((2, 4, 3), (4,), (4,)), ((3, 6, 2, 2), (6,), (6,))],
        rtol=1e-4,
        atol=1e-6,
        name="group_norm",
    ),
    Sample(
        covers=("native_group_norm",),
        fn=lambda lib, x: F(lib).group_norm(x, 3),
        shapes=[(2, 3, 4)],
        rtol=1e-4,
        atol=1e-6,
        name="group_norm_plain",
    ),
    Sample(
        covers=("pdist",),
        fn=lambda lib, x: F(lib).pdist(x),
        shapes=[(5, 3), (2, 4)],
    ),
    Sample(
        covers=("pdist",),
        fn=lambda lib, x: F(lib).pdist(x, 3.0),
        shapes=[(4, 3)],
        name="pdist_p3",
    ),
    Sample(
        covers=("pdist",),
        fn=lambda lib, x: F(lib).pdist(x, 1.0),
        shapes=[(4, 3)],
        name="pdist_p1",
        gradgrad=False,
    ),
    Sample(
        covers=("norm_dim",),
        fn=lambda lib, x, y: F(lib).pairwise_distance(x, y),
        shapes=[((3, 4), (3, 4)), ((4,), (2, 4))],
    ),
    Sample(
        covers=("norm_dim",),
        fn=lambda lib, x, y: F(lib).pairwise_distance(x, y, p=3.0, keepdim=True),
        shapes=[((3, 4), (3, 4))],
        name="pairwise_distance_p3",
    ),
    Sample(
        covers=("soft_margin_loss",),
        fn=lambda lib, x, y: F(lib).soft_margin_loss(x, y.sign()),
        shapes=[((3, 4), (3, 4))],
        diff=(0,),
    ),
    Sample(
        covers=("soft_margin_loss",),
        fn=lambda lib, x, y: F(lib).soft_margin_loss(x, y.sign(), reduction="none"),
        shapes=[((3, 4), (3, 4))],
        diff=(0,),
        name="soft_margin_loss_none",
    ),
    Sample(
        covers=("multi_margin_loss",),
        fn=lambda lib, x, t: F(lib).multi_margin_loss(x, t, margin=0.8),
        shapes=[((5, 4), (5,))],
        int_inputs={1: (0, 4)},
    ),
    Sample(
        covers=("multi_margin_loss",),
        fn=lambda lib, x, t: F(lib).multi_margin_loss(
            x, t, p=2, weight=lib.tensor([1.0, 0.5, 2.0, 1.5]).to(x.dtype), reduction="none"
        ),
        shapes=[((5, 4), (5,))],
        int_inputs={1: (0, 4)},
        name="multi_margin_loss_p2_weight",
    ),
    # scaled_dot_product_attention: 4-D inputs run the fused entry (one node, as PyTorch's CPU
    # kernel); 3-D inputs, masks requiring grad and dropout run the math path (_safe_softmax)
    Sample(
        covers=(SDPA,),
        fn=lambda lib, q, k, v: F(lib).scaled_dot_product_attention(q, k, v),
        shapes=[
            ((2, 3, 4, 6), (2, 3, 5, 6), (2, 3, 5, 6)),
            ((1, 1, 1, 3), (1, 1, 1, 3), (1, 1, 1, 3)),
        ],
        name="sdpa",
    ),
    Sample(
        covers=(SDPA,),
        fn=lambda lib, q, k, v: F(lib).scaled_dot_product_attention(
            q, k, v, is_causal=True, scale=0.7
        ),
        shapes=[((1, 2, 4, 3), (1, 2, 3, 3), (1, 2, 3, 3))],
        name="sdpa_causal",
    ),
    Sample(
        covers=(SDPA,),
        fn=lambda lib, q, k, v, m: F(lib).scaled_dot_product_attention(
            q, k, v, attn_mask=m.to(q.dtype), enable_gqa=True
        ),
        shapes=[((2, 4, 3, 4), (2, 2, 5, 4), (2, 2, 5, 4), (2, 4, 3, 5))],
        diff=(0, 1, 2),
        name="sdpa_gqa_mask",
    ),
    Sample(
        covers=(SDPA,),
        fn=lambda lib, q, k, v: F(lib).scaled_dot_product_attention(
            q, k, v, attn_mask=lib.tensor([[True, False, True], [False, False, False]])
        ),
        shapes=[((2, 1, 2, 3), (2, 1, 3, 3), (2, 1, 3, 3))],
        name="sdpa_bool_mask_dead_row",
    ),
    Sample(
        covers=("_safe_softmax",),
        fn=lambda lib, q, k, v, m: F(lib).scaled_dot_product_attention(q, k, v, attn_mask=m),
        shapes=[((3, 4, 5), (3, 2, 5), (3, 2, 6), (3, 4, 2)), ((4, 5), (2, 5), (2, 5), (2,))],
        name="sdpa_math",
    ),
    Sample(
        covers=("_safe_softmax",),
        fn=lambda lib, x: lib._safe_softmax(x, -1),
        shapes=[(3, 4), (2, 3, 5), (4,)],
    ),
    Sample(
        covers=("_safe_softmax",),
        fn=lambda lib, x: lib._safe_softmax(
            x.masked_fill(lib.tensor([[True, True, True], [False, True, False]]), float("-inf")), 1
        ),
        shapes=[(2, 3)],
        name="_safe_softmax_dead_row",
    ),
    Sample(
        covers=("channel_shuffle",),
        fn=lambda lib, x: F(lib).channel_shuffle(x, 2),
        shapes=[(2, 4, 3), (1, 6, 2, 2)],
    ),
    Sample(
        covers=("multilabel_margin_loss",),
        fn=lambda lib, x: F(lib).multilabel_margin_loss(
            x, lib.tensor([[3, 0, -1, 1], [1, 2, 3, -1], [2, 2, -1, -1]])
        ),
        shapes=[(3, 4)],
    ),
    Sample(
        covers=("multilabel_margin_loss",),
        fn=lambda lib, x: F(lib).multilabel_margin_loss(
            x, lib.tensor([[3, 0, -1, 1], [1, 2, 3, -1], [2, 2, -1, -1]]), reduction="none"
        ),
        shapes=[(3, 4)],
        name="multilabel_margin_loss_none",
    ),
    Sample(
        covers=("multilabel_margin_loss",),
        fn=lambda lib, x: F(lib).multilabel_margin_loss(
            x, lib.tensor([0, 2, -1, 1]), reduction="sum"
        ),  # noqa: E501
        shapes=[(4,)],
        name="multilabel_margin_loss_1d",
    ),
    *[
        Sample(
            covers=("embedding_bag",),
            fn=lambda lib, w, mode=mode, pad=pad: F(lib).embedding_bag(
                lib.tensor([0, 2, 2, 5, 1, 3]),
                w,
                lib.tensor([0, 2, 2, 4]),
                mode=mode,
                padding_idx=pad,
            ),
            shapes=[(6, 3)],
            name=f"embedding_bag_{mode}_{pad}",
        )
        for mode in ("sum", "mean", "max")
        for pad in (None, 2)
    ],
    Sample(
        covers=("embedding_bag",),
        fn=lambda lib, w, p: F(lib).embedding_bag(
            lib.tensor([[0, 2], [2, 5], [1, 1]]), w, mode="sum", per_sample_weights=p
        ),
        shapes=[((6, 3), (3, 2))],
        name="embedding_bag_weighted",
    ),
]

# ---------------------------------------------------------------- grid sampling, affine grids
# Standard-normal grids: about a third of the points fall outside [-1, 1] (padding); the
# derivatives jump only at pixel boundaries and at the padding's clamps/reflections, which
# these fixed draws are far from (finite differences stay valid). Each case's gradgrad runs
# the backward entry (GridSampler{2,3}DBackwardBackward0).
_GRID_2D = [
    (mode, pad, k % 2 == 0)
    for k, (mode, pad) in enumerate(
        (m, p)
        for m in ("bilinear", "nearest", "bicubic")
        for p in ("zeros", "border", "reflection")
    )
]
for _mode, _pad, _ac in _GRID_2D:
    SAMPLES.append(
        Sample(
            covers=("grid_sampler_2d", "grid_sampler_2d_backward"),
            fn=lambda lib, x, g, m=_mode, p=_pad, a=_ac: F(lib).grid_sample(
                x, g, mode=m, padding_mode=p, align_corners=a
            ),
            shapes=[((2, 2, 3, 4), (2, 3, 2, 2)), ((1, 1, 4, 3), (1, 1, 5, 2))],
            name=f"grid_sample_{_mode}_{_pad}_{int(_ac)}",
        )
    )
for _k, (_mode, _pad) in enumerate(
    (m, p) for m in ("bilinear", "nearest") for p in ("zeros", "border", "reflection")
):
    SAMPLES.append(
        Sample(
            covers=("grid_sampler_3d", "grid_sampler_3d_backward"),
            fn=lambda lib, x, g, m=_mode, p=_pad, a=_k % 2 == 1: F(lib).grid_sample(
                x, g, mode=m, padding_mode=p, align_corners=a
            ),
            shapes=[((1, 2, 2, 3, 3), (1, 2, 1, 2, 3))],
            name=f"grid_sample3d_{_mode}_{_pad}",
        )
    )
SAMPLES += [
    Sample(
        covers=("affine_grid_generator",),
        fn=lambda lib, th: F(lib).affine_grid(th, (2, 3, 4, 5), align_corners=False),
        shapes=[(2, 2, 3)],
        name="affine_grid",
    ),
    Sample(
        covers=("affine_grid_generator",),
        fn=lambda lib, th: F(lib).affine_grid(th, (1, 2, 3, 2, 4), align_corners=True),
        shapes=[(1, 3, 4)],
        name="affine_grid_3d",
    ),
    Sample(
        covers=("affine_grid_generator", "grid_sampler_2d", "grid_sampler_2d_backward"),
        fn=lambda lib, x, th: F(lib).grid_sample(
            x, F(lib).affine_grid(th * 0.6, (2, 2, 3, 3), align_corners=False), align_corners=False
        ),
        shapes=[((2, 2, 4, 5), (2, 2, 3))],
        name="spatial_transformer",
    ),
]
