"""Attention against torch: ``F.scaled_dot_product_attention`` (the fused and the math path,
their grad_fn names, masks, GQA, errors), ``nn.MultiheadAttention`` /
``F.multi_head_attention_forward`` and the Transformer modules with copied weights: outputs,
grad_fn names, input and parameter gradients, reprs, parameter names and state-dict keys."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch")


def _np(t):
    return t.detach().numpy()


def _tols(dtype):
    return (1e-9, 1e-10) if dtype == "float64" else (2e-4, 2e-5)


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [o for x in out for o in _flat(x)]
    return [] if out is None else [out]


# ---------------------------------------------------------------- scaled_dot_product_attention


def _sdpa_both(torch, shapes, dtype="float64", mask=None, mask_grad=False, **kw):
    rng = np.random.default_rng(len(shapes) * 7 + sum(map(len, shapes)))
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    up = None
    res = []
    for lib in (torch, cr):
        ins = [lib.tensor(a, requires_grad=True) for a in arrays]
        m = None
        if mask is not None:
            m = lib.tensor(mask)
            if mask_grad:
                m.requires_grad_(True)
        out = lib.nn.functional.scaled_dot_product_attention(*ins, attn_mask=m, **kw)
        if up is None:
            up = rng.standard_normal(tuple(out.shape)).astype(dtype)
        (out * lib.tensor(up)).sum().backward()
        grads = [t.grad for t in ins] + ([m.grad] if mask_grad else [])
        res.append((out, grads))
    (tout, tg), (cout, cg) = res
    assert cout.grad_fn.name() == tout.grad_fn.name()
    assert str(cout.dtype) == str(tout.dtype)
    rtol, atol = _tols(dtype)
    np.testing.assert_allclose(_np(cout), _np(tout), rtol=rtol, atol=atol)
    for a, b in zip(cg, tg):
        np.testing.assert_allclose(_np(a), _np(b), rtol=rtol, atol=atol * 10)
    return cout


FUSED = "ScaledDotProductFlashAttentionForCpuBackward0"
R = np.random.default_rng(3)
DEAD_ROW = np.array([[True] * 5, [False] * 5, [True, False] * 2 + [True], [False] * 4 + [True]])

SDPA_CASES = {
    # name: (shapes, kwargs, grad_fn torch records)
    "4d": ([(2, 3, 4, 8)] * 3, {}, FUSED),
    "3d": ([(3, 4, 8)] * 3, {}, "UnsafeViewBackward0"),
    "2d": ([(4, 8), (5, 8), (5, 8)], {}, "MmBackward0"),
    "5d": ([(1, 2, 3, 4, 8)] * 3, {}, "UnsafeViewBackward0"),
    "causal": ([(2, 3, 4, 8)] * 3, {"is_causal": True}, FUSED),
    "causal_L_gt_S": ([(2, 3, 4, 8), (2, 3, 2, 8), (2, 3, 2, 8)], {"is_causal": True}, FUSED),
    "causal_3d_L_lt_S": ([(3, 2, 8), (3, 5, 8), (3, 5, 8)], {"is_causal": True}, "UnsafeViewBackward0"),  # noqa: E501
    "bool_mask": ([(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)], {"mask": R.random((4, 5)) > 0.3}, FUSED),  # noqa: E501
    "dead_row": ([(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)], {"mask": DEAD_ROW}, FUSED),
    "dead_row_3d": ([(3, 4, 8), (3, 5, 8), (3, 5, 8)], {"mask": DEAD_ROW}, "UnsafeViewBackward0"),
    "float_mask_4d": ([(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)], {"mask": R.standard_normal((2, 1, 4, 5))}, FUSED),  # noqa: E501
    "mask_requires_grad": ([(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)], {"mask": R.standard_normal((4, 5)), "mask_grad": True}, "UnsafeViewBackward0"),  # noqa: E501
    "mask_3d": ([(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)], {"mask": R.standard_normal((3, 4, 5))}, "UnsafeViewBackward0"),  # noqa: E501
    "mask_1d_math": ([(3, 4, 8)] * 3, {"mask": R.standard_normal(4)}, "UnsafeViewBackward0"),
    "mask_and_causal_fused": ([(2, 3, 4, 8)] * 3, {"mask": R.standard_normal((4, 4)), "is_causal": True}, FUSED),  # noqa: E501
    "scale": ([(2, 3, 4, 8)] * 3, {"scale": 0.3}, FUSED),
    "negative_scale": ([(2, 3, 4, 8)] * 3, {"scale": -0.3}, FUSED),
    "negative_scale_3d": ([(3, 4, 8)] * 3, {"scale": -0.3}, "UnsafeViewBackward0"),
    "broadcast_batch": ([(2, 3, 4, 8), (1, 3, 5, 8), (1, 3, 5, 8)], {}, "UnsafeViewBackward0"),
    "broadcast_heads": ([(2, 3, 4, 8), (2, 1, 5, 8), (2, 1, 5, 8)], {}, "UnsafeViewBackward0"),
    "value_dim": ([(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6)], {}, "UnsafeViewBackward0"),
    "gqa": ([(2, 4, 4, 8), (2, 2, 5, 8), (2, 2, 5, 8)], {"enable_gqa": True}, FUSED),
    "gqa_mask": ([(2, 4, 4, 8), (2, 2, 5, 8), (2, 2, 5, 8)], {"enable_gqa": True, "mask": R.standard_normal((2, 4, 4, 5))}, FUSED),  # noqa: E501
    "gqa_kv_heads_differ": ([(2, 4, 4, 8), (2, 2, 5, 8), (2, 4, 5, 8)], {"enable_gqa": True}, "UnsafeViewBackward0"),  # noqa: E501
    "gqa_3d": ([(4, 4, 8), (2, 5, 8), (2, 5, 8)], {"enable_gqa": True}, "UnsafeViewBackward0"),
    "empty_L": ([(2, 3, 0, 8), (2, 3, 4, 8), (2, 3, 4, 8)], {}, "AddBackward0"),
    "empty_S": ([(2, 3, 4, 8), (2, 3, 0, 8), (2, 3, 0, 8)], {}, "AddBackward0"),
    "negative_dropout_3d": ([(3, 4, 8)] * 3, {"dropout_p": -0.1}, "UnsafeViewBackward0"),
    "dropout_one": ([(2, 3, 4, 8)] * 3, {"dropout_p": 1.0}, "UnsafeViewBackward0"),
}  # fmt: skip


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(SDPA_CASES))
def test_sdpa_vs_torch(torch, name, dtype):
    shapes, kw, node = SDPA_CASES[name]
    kw = dict(kw)
    if "mask" in kw and kw["mask"].dtype.kind == "f":
        kw["mask"] = kw["mask"].astype(dtype)
    out = _sdpa_both(torch, shapes, dtype, **kw)
    assert out.grad_fn.name() == node


def test_sdpa_float32_mask_on_float64(torch):
    _sdpa_both(
        torch, [(1, 2, 3, 4)] * 3, "float64", mask=R.standard_normal((3, 3)).astype("float32")
    )  # noqa: E501


def test_sdpa_non_contiguous_query_takes_math_path(torch):
    for lib, name in ((torch, "UnsafeViewBackward0"), (cr, "UnsafeViewBackward0")):
        q = lib.randn(2, 3, 8, 4).transpose(-1, -2).requires_grad_()
        out = lib.nn.functional.scaled_dot_product_attention(
            q, lib.randn(2, 3, 4, 8), lib.randn(2, 3, 4, 8)
        )  # noqa: E501
        assert out.grad_fn.name() == name


def test_sdpa_dropout_statistics():
    cr.manual_seed(0)
    q = k = cr.zeros(1, 1, 4, 8)
    v = cr.ones(1, 1, 4, 8, requires_grad=True)
    out = cr.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    # uniform attention (1/4 each), kept with probability 1/2 and scaled by 2
    vals = np.unique(np.round(_np(out) * 2, 6))
    assert set(vals) <= {0.0, 1.0, 2.0, 3.0, 4.0}
    assert out.grad_fn.name() == "UnsafeViewBackward0"


def test_sdpa_no_grad_inputs(torch):
    q = cr.randn(2, 3, 4, 8)
    assert cr.nn.functional.scaled_dot_product_attention(q, q, q).grad_fn is None


def test_sdpa_second_derivative_fused():
    q, k, v = (cr.randn(1, 2, 3, 4, dtype=cr.float64, requires_grad=True) for _ in range(3))
    f = cr.nn.functional.scaled_dot_product_attention
    assert cr.autograd.gradgradcheck(lambda *a: f(*a, is_causal=True), (q, k, v))


SDPA_ERRORS = [
    # (name, shapes, kwargs, dtype overrides)
    ("gqa_not_divisible", [(2, 3, 4, 8), (2, 2, 4, 8), (2, 2, 4, 8)], {"enable_gqa": True}),
    ("heads_mismatch", [(2, 4, 4, 8), (2, 2, 4, 8), (2, 2, 4, 8)], {}),
    ("mask_with_causal_math", [(3, 4, 8)] * 3, {"attn_mask": "f44", "is_causal": True}),
    ("int_mask", [(2, 3, 4, 8)] * 3, {"attn_mask": "i44"}),
    ("double_mask_float_query", [(2, 3, 4, 8)] * 3, {"attn_mask": "d44", "dtype": "float32"}),
    ("mask_1d_fused", [(2, 3, 4, 8)] * 3, {"attn_mask": "f4"}),
    ("mask_0d_fused", [(2, 3, 4, 8)] * 3, {"attn_mask": "f"}),
    ("mask_bad_shape", [(2, 3, 4, 8)] * 3, {"attn_mask": "f2345"}),
    ("mask_5d", [(2, 3, 4, 8)] * 3, {"attn_mask": "f22344"}),
    ("one_dim", [(8,)] * 3, {}),
    ("key_dim", [(3, 4, 8), (3, 4, 7), (3, 4, 8)], {}),
    ("key_dim_2d", [(4, 8), (4, 7), (4, 8)], {}),
    ("value_length", [(3, 4, 8), (3, 4, 8), (3, 5, 8)], {}),
    ("negative_dropout_fused", [(2, 3, 4, 8)] * 3, {"dropout_p": -0.1}),
    ("dropout_above_one", [(2, 3, 4, 8)] * 3, {"dropout_p": 1.5}),
]


def _mask_spec(lib, spec):
    kind, dims = spec[0], tuple(int(c) for c in spec[1:])
    dt = {"f": lib.float32, "d": lib.float64, "i": lib.int64}[kind]
    return lib.ones(dims, dtype=dt)


@pytest.mark.parametrize("name,shapes,kw", SDPA_ERRORS, ids=[e[0] for e in SDPA_ERRORS])
def test_sdpa_errors(torch, name, shapes, kw):
    msgs = []
    for lib in (torch, cr):
        kw2 = dict(kw)
        dt = getattr(lib, kw2.pop("dtype", "float64"))
        if "attn_mask" in kw2:
            kw2["attn_mask"] = _mask_spec(lib, kw2["attn_mask"])
        ins = [lib.randn(*s, dtype=dt) for s in shapes]
        with pytest.raises(Exception) as ei:
            lib.nn.functional.scaled_dot_product_attention(*ins, **kw2)
        msgs.append((type(ei.value), str(ei.value)))
    assert msgs[1] == msgs[0]


def test_sdpa_type_errors(torch):
    for lib in (torch, cr):
        x = lib.randn(2, 3, 4, 8)
        f = lib.nn.functional.scaled_dot_product_attention
        with pytest.raises(TypeError, match="argument 'query' \\(position 1\\) must be Tensor"):
            f([1.0], x, x)
        with pytest.raises(TypeError, match="argument 'attn_mask' must be Tensor, not list"):
            f(x, x, x, attn_mask=[1.0])
        with pytest.raises(RuntimeError, match="Expected query, key, and value to have the same"):
            f(x, x, x.double())


def test_safe_softmax(torch):
    a = np.array([[-np.inf] * 3, [1.0, 2.0, 3.0], [-np.inf, 0.0, -np.inf]])
    outs = []
    for lib in (torch, cr):
        x = lib.tensor(a, requires_grad=True)
        y = lib._safe_softmax(x, -1)
        (y * lib.tensor(np.arange(9.0).reshape(3, 3))).sum().backward()
        outs.append((_np(y), _np(x.grad), y.grad_fn.name()))
    np.testing.assert_allclose(outs[1][0], outs[0][0])
    np.testing.assert_allclose(outs[1][1], outs[0][1], atol=1e-12)
    assert outs[1][2] == outs[0][2] == "SafeSoftmaxBackward0"
    assert cr._safe_softmax(cr.randn(3), 0, dtype=cr.float64).dtype == cr.float64


# ---------------------------------------------------------------- modules with copied weights


def _copy_state(tm, cm):
    tsd = tm.state_dict()
    assert list(cm.state_dict().keys()) == list(tsd.keys())
    res = cm.load_state_dict({k: cr.tensor(v.detach().numpy().copy()) for k, v in tsd.items()})
    assert not res.missing_keys and not res.unexpected_keys


def run_module(torch, make, shapes, call, *, dtype="float64", train=False, seed=0):
    """Build the module in both libraries (torch's weights copied), run ``call(lib, m, *xs)``
    and compare reprs, parameter names/shapes, outputs, grad_fn names and gradients."""
    rng = np.random.default_rng(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tm, cm = make(torch.nn), make(cr.nn)
    assert repr(cm) == repr(tm)
    assert [(n, tuple(p.shape)) for n, p in cm.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in tm.named_parameters()
    ]
    tm, cm = tm.to(getattr(torch, dtype)), cm.to(getattr(cr, dtype))
    _copy_state(tm, cm)
    tm.train(train)
    cm.train(train)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    tin = [torch.tensor(a, requires_grad=True) for a in arrays]
    cin = [cr.tensor(a, requires_grad=True) for a in arrays]
    touts, couts = _flat(call(torch, tm, *tin)), _flat(call(cr, cm, *cin))
    assert len(couts) == len(touts)
    rtol, atol = _tols(dtype)
    for c, t in zip(couts, touts):
        assert tuple(c.shape) == tuple(t.shape)
        np.testing.assert_allclose(_np(c), _np(t), rtol=rtol, atol=atol)
        if t.grad_fn is not None:
            assert c.grad_fn is not None and c.grad_fn.name() == t.grad_fn.name()
    pairs = [(c, t) for c, t in zip(couts, touts) if t.requires_grad]
    if not pairs:
        return cm, tm
    ups = [rng.standard_normal(tuple(t.shape)).astype(dtype) for _, t in pairs]
    sum((t * torch.tensor(u)).sum() for (_, t), u in zip(pairs, ups)).backward()
    sum((c * cr.tensor(u)).sum() for (c, _), u in zip(pairs, ups)).backward()
    for a, b in zip(cin, tin):
        if b.grad is None:
            assert a.grad is None or not np.any(_np(a.grad))
        else:
            np.testing.assert_allclose(_np(a.grad), _np(b.grad), rtol=rtol, atol=atol * 10)
    tp = dict(tm.named_parameters())
    for name, p in cm.named_parameters():
        if tp[name].grad is None:
            assert p.grad is None or not np.any(_np(p.grad)), name
        else:
            np.testing.assert_allclose(_np(p.grad), _np(tp[name].grad), rtol=rtol, atol=atol * 10)
    return cm, tm


def _pad_mask(lib, n, s, float_mask=False):
    m = lib.zeros(n, s, dtype=lib.bool)
    m[0, -1] = True
    if n > 1:
        m[1, -2:] = True
    return m.to(lib.float64).masked_fill(m, float("-inf")).masked_fill(~m, 0.0) if float_mask else m


def _causal(lib, n):
    return lib.nn.Transformer.generate_square_subsequent_mask(n)


MHA_CONFIGS = {
    "basic": lambda nn: nn.MultiheadAttention(8, 2),
    "no_bias": lambda nn: nn.MultiheadAttention(8, 4, bias=False),
    "bias_kv": lambda nn: nn.MultiheadAttention(8, 2, add_bias_kv=True),
    "zero_attn": lambda nn: nn.MultiheadAttention(8, 2, add_zero_attn=True),
    "bias_kv_zero_attn": lambda nn: nn.MultiheadAttention(
        8, 2, add_bias_kv=True, add_zero_attn=True
    ),  # noqa: E501
    "kdim_vdim": lambda nn: nn.MultiheadAttention(8, 2, kdim=5, vdim=6),
    "batch_first": lambda nn: nn.MultiheadAttention(8, 2, batch_first=True),
    "dropout_eval": lambda nn: nn.MultiheadAttention(8, 2, dropout=0.3),
}

L, S, N, E = 4, 5, 3, 8


def _mha_inputs(name):
    kd = 5 if name == "kdim_vdim" else E
    vd = 6 if name == "kdim_vdim" else E
    if name == "batch_first":
        return [(N, L, E), (N, S, kd), (N, S, vd)]
    return [(L, N, E), (S, N, kd), (S, N, vd)]


def _mha_call(kind):
    def call(lib, m, q, k, v):
        if kind == "self":
            return m(q, q, q)
        if kind == "kv_same":
            return m(q, k, k) if k.shape[-1] == v.shape[-1] and m.kdim == m.vdim else m(q, k, v)
        if kind == "no_weights":
            return m(q, k, v, need_weights=False)
        if kind == "per_head":
            return m(q, k, v, average_attn_weights=False)
        bf = m.batch_first
        n = q.shape[0] if bf else q.shape[1]
        if kind == "kpm":
            return m(q, k, v, key_padding_mask=_pad_mask(lib, n, k.shape[1 if bf else 0]))
        if kind == "kpm_no_weights":
            return m(
                q,
                k,
                v,
                key_padding_mask=_pad_mask(lib, n, k.shape[1 if bf else 0]),
                need_weights=False,
            )  # noqa: E501
        if kind == "attn_mask_bool":
            mask = lib.tensor(np.triu(np.ones((L, S), dtype=bool), 2))
            return m(q, k, v, attn_mask=mask)
        if kind == "attn_mask_3d_float":
            mask = lib.tensor(np.random.default_rng(5).standard_normal((n * m.num_heads, L, S)))
            return m(q, k, v, attn_mask=mask.to(q.dtype), need_weights=False)
        if kind == "causal_self":
            x = q
            return m(
                x, x, x, attn_mask=_causal(lib, L).to(x.dtype), is_causal=True, need_weights=False
            )  # noqa: E501
        if kind == "causal_self_weights":
            x = q
            return m(x, x, x, attn_mask=_causal(lib, L).to(x.dtype), is_causal=True)
        raise AssertionError(kind)

    return call


MHA_CALLS = [
    "self",
    "kv_same",
    "no_weights",
    "per_head",
    "kpm",
    "kpm_no_weights",
    "attn_mask_bool",
    "attn_mask_3d_float",
    "causal_self",
    "causal_self_weights",
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", MHA_CALLS)
@pytest.mark.parametrize("cfg", list(MHA_CONFIGS))
def test_multihead_attention(torch, cfg, kind, dtype):
    if (kind.startswith("causal_self") or kind == "self") and cfg == "kdim_vdim":
        pytest.skip("self-attention needs kdim == vdim == embed_dim")
    run_module(torch, MHA_CONFIGS[cfg], _mha_inputs(cfg), _mha_call(kind), dtype=dtype)


def test_multihead_attention_unbatched(torch):
    def call(lib, m, q, k):
        return m(q, k, k, key_padding_mask=lib.tensor([False, False, True, False, True]))

    run_module(torch, MHA_CONFIGS["basic"], [(L, E), (S, E)], call)
    run_module(
        torch,
        MHA_CONFIGS["basic"],
        [(L, E), (S, E)],
        lambda lib, m, q, k: m(q, k, k, need_weights=False),
    )  # noqa: E501


def test_multihead_attention_float_padding_mask(torch):
    def call(lib, m, q, k):
        kpm = _pad_mask(lib, N, S, float_mask=True).to(q.dtype)
        return m(q, k, k, key_padding_mask=kpm, attn_mask=lib.zeros(L, S, dtype=q.dtype))

    run_module(torch, MHA_CONFIGS["basic"], [(L, N, E), (S, N, E)], call)


def test_multihead_attention_no_grad_eval_batch_first(torch):
    # PyTorch's fused fast path (eval, no grad, batch_first, even heads): same values
    def call(lib, m, x):
        with lib.no_grad():
            return m(x, x, x, key_padding_mask=_pad_mask(lib, N, L))

    run_module(torch, lambda nn: nn.MultiheadAttention(8, 2, batch_first=True), [(N, L, E)], call)


def test_multi_head_attention_forward_functional(torch):
    rng = np.random.default_rng(0)
    arr = {
        "x": rng.standard_normal((L, N, E)),
        "w": rng.standard_normal((3 * E, E)) * 0.3,
        "b": rng.standard_normal(3 * E),
        "wo": rng.standard_normal((E, E)) * 0.3,
        "bo": rng.standard_normal(E),
        "sk": rng.standard_normal((N * 2, S, E // 2)),
        "sv": rng.standard_normal((N * 2, S, E // 2)),
    }
    outs = []
    for lib in (torch, cr):
        t = {k: lib.tensor(v, requires_grad=True) for k, v in arr.items()}
        F = lib.nn.functional
        o1, w1 = F.multi_head_attention_forward(
            t["x"], t["x"], t["x"], E, 2, t["w"], t["b"], None, None, False, 0.0, t["wo"], t["bo"],
            static_k=t["sk"], static_v=t["sv"],
        )  # fmt: skip
        o2, _ = F.multi_head_attention_forward(
            t["x"], t["x"], t["x"], E, 2, t["w"], t["b"], None, None, True, 0.5, t["wo"], None,
            training=False, need_weights=False,
        )  # fmt: skip
        (o1.sum() + w1.sum() * 2 + (o2 * o2).sum()).backward()
        outs.append([o1, w1, o2] + [t[k].grad for k in arr])
    for c, tt in zip(outs[1], outs[0]):
        np.testing.assert_allclose(_np(c), _np(tt), rtol=1e-9, atol=1e-10)


MHA_ERRORS = [
    (lambda nn: nn.MultiheadAttention(0, 2), None, ValueError, "embed_dim and num_heads must be greater than 0"),  # noqa: E501
    (lambda nn: nn.MultiheadAttention(8, 3), None, AssertionError, "embed_dim must be divisible by num_heads"),  # noqa: E501
    (None, lambda lib, m, x: m(x, x[0], x[0]), AssertionError, "expected `key` and `value` to be 3-D"),  # noqa: E501
    (None, lambda lib, m, x: m(x[0], x[0], x[0], key_padding_mask=lib.zeros(2, 4, dtype=lib.bool)), AssertionError, "expected `key_padding_mask` to be `None` or 1-D"),  # noqa: E501
    (None, lambda lib, m, x: m(x, x, x, attn_mask=lib.zeros(1, 1, 4, 4)), AssertionError, "expected `attn_mask` to be `None`, 2-D or 3-D"),  # noqa: E501
    (None, lambda lib, m, x: m(x, x, x, attn_mask=lib.zeros(3, 4)), RuntimeError, "The shape of the 2D attn_mask is torch.Size([3, 4]), but should be (4, 4)."),  # noqa: E501
    (None, lambda lib, m, x: m(x, x, x, attn_mask=lib.zeros(2, 4, 4)), RuntimeError, "The shape of the 3D attn_mask is torch.Size([2, 4, 4]), but should be (6, 4, 4)."),  # noqa: E501
    (None, lambda lib, m, x: m(x, x, x, key_padding_mask=lib.zeros(3, 5, dtype=lib.bool)), AssertionError, "Expected key_padded_mask.shape[1] to be 4, but got 5"),  # noqa: E501
    (None, lambda lib, m, x: m(x, x, x, is_causal=True), RuntimeError, "Need attn_mask if specifying the is_causal hint"),  # noqa: E501
    (None, lambda lib, m, x: m(x, x, x, attn_mask=lib.zeros(4, 4, dtype=lib.int64)), AssertionError, "only bool and floating types of attn_mask are supported"),  # noqa: E501
    (None, lambda lib, m, x: m(x[..., :4], x[..., :4], x[..., :4]), AssertionError, "was expecting embedding dimension of 8, but got 4"),  # noqa: E501
    (None, lambda lib, m, x: m(x[0], x[0][None], x[0]), AssertionError, "For unbatched (2-D) `query`, expected `key` and `value` to be 2-D"),  # noqa: E501
    (None, lambda lib, m, x: m(x[0, 0], x[0, 0], x[0, 0]), AssertionError, "query should be unbatched 2D or batched 3D tensor but received 1-D query tensor"),  # noqa: E501
]  # fmt: skip


@pytest.mark.parametrize("make,call,exc,msg", MHA_ERRORS)
def test_multihead_attention_errors(torch, make, call, exc, msg):
    for lib in (torch, cr):
        with pytest.raises(exc) as ei:
            m = (make or (lambda nn: nn.MultiheadAttention(8, 2)))(lib.nn)
            if call is not None:
                call(lib, m, lib.randn(4, 3, 8))
        assert msg in str(ei.value), (lib.__name__, str(ei.value))


def test_mismatched_mask_types_warn(torch):
    for lib in (torch, cr):
        m = lib.nn.MultiheadAttention(8, 2)
        x = lib.randn(4, 3, 8)
        with pytest.warns(
            UserWarning, match="Support for mismatched key_padding_mask and attn_mask is deprecated"
        ):  # noqa: E501
            m(x, x, x, key_padding_mask=lib.zeros(3, 4, dtype=lib.bool), attn_mask=lib.zeros(4, 4))  # noqa: E501


# ---------------------------------------------------------------- Transformer


D, H, FF = 8, 2, 16


def _enc_layer(**kw):
    return lambda nn: nn.TransformerEncoderLayer(D, H, FF, **kw)


ENC_LAYERS = {
    "default": _enc_layer(),
    "norm_first": _enc_layer(norm_first=True),
    "gelu_str": _enc_layer(activation="gelu"),
    "gelu_module": lambda nn: nn.TransformerEncoderLayer(D, H, FF, activation=nn.GELU()),
    "batch_first": _enc_layer(batch_first=True),
    "no_bias": _enc_layer(bias=False, dropout=0.0),
    "eps": _enc_layer(layer_norm_eps=1e-3),
}


def _seq_call(kind, bf_attr="self_attn"):
    def call(lib, m, x):
        bf = getattr(m, bf_attr).batch_first if bf_attr else False
        n, s = (x.shape[0], x.shape[1]) if bf else (x.shape[1], x.shape[0])
        if kind == "plain":
            return m(x)
        if kind == "mask":
            return m(x, src_mask=lib.tensor(np.triu(np.ones((s, s), dtype=bool), 1)))
        if kind == "padding":
            return m(x, src_key_padding_mask=_pad_mask(lib, n, s))
        if kind == "causal":
            return m(x, src_mask=_causal(lib, s).to(x.dtype), is_causal=True)
        if kind == "causal_and_padding":
            return m(
                x,
                src_mask=_causal(lib, s).to(x.dtype),
                src_key_padding_mask=_pad_mask(lib, n, s)
                .to(x.dtype)
                .masked_fill(_pad_mask(lib, n, s), float("-inf")),
            )  # noqa: E501
        raise AssertionError(kind)

    return call


SEQ_KINDS = ["plain", "mask", "padding", "causal", "causal_and_padding"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", SEQ_KINDS)
@pytest.mark.parametrize("cfg", list(ENC_LAYERS))
def test_encoder_layer(torch, cfg, kind, dtype):
    shape = (3, 5, D) if cfg == "batch_first" else (5, 3, D)
    run_module(torch, ENC_LAYERS[cfg], [shape], _seq_call(kind), dtype=dtype)


def test_encoder_layer_unbatched(torch):
    run_module(torch, ENC_LAYERS["default"], [(5, D)], lambda lib, m, x: m(x))


def _encoder(layer_kw=None, n=2, norm=True, **kw):
    def make(nn):
        layer = nn.TransformerEncoderLayer(D, H, FF, **(layer_kw or {}))
        return nn.TransformerEncoder(layer, n, nn.LayerNorm(D) if norm else None, **kw)

    return make


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", SEQ_KINDS)
def test_encoder(torch, kind, dtype):
    call = _seq_call(kind, None)

    def call2(lib, m, x):
        if kind in ("mask", "causal"):  # TransformerEncoder names it ``mask``
            s = x.shape[0]
            mask = (
                lib.tensor(np.triu(np.ones((s, s), dtype=bool), 1))
                if kind == "mask"
                else _causal(lib, s).to(x.dtype)
            )
            return m(x, mask=mask)  # is_causal detected from the mask
        if kind == "causal_and_padding":
            pad = _pad_mask(lib, 3, 5)
            fpad = lib.zeros(3, 5, dtype=x.dtype).masked_fill(pad, float("-inf"))
            return m(x, mask=_causal(lib, 5).to(x.dtype), src_key_padding_mask=fpad)
        return call(lib, m, x)

    run_module(torch, _encoder(), [(5, 3, D)], call2, dtype=dtype)
    run_module(torch, _encoder({"norm_first": True}, norm=False), [(5, 3, D)], call2, dtype=dtype)


def test_encoder_nested_tensor_path_zeros_padding(torch):
    """Eval, no grad, batch_first, padding mask: PyTorch drops padded tokens (nested tensors)
    and pads the output with zeros (before the final norm)."""

    def call(lib, m, x):
        with lib.no_grad():
            return m(x, src_key_padding_mask=_pad_mask(lib, 3, 5))

    for norm in (True, False):
        cm, _ = run_module(torch, _encoder({"batch_first": True}, norm=norm), [(3, 5, D)], call)


def test_encoder_not_left_aligned_mask_keeps_values(torch):
    def call(lib, m, x):
        mask = lib.zeros(3, 5, dtype=lib.bool)
        mask[0, 1] = True  # a hole: not left-aligned, no nested tensors
        with lib.no_grad():
            return m(x, src_key_padding_mask=mask)

    run_module(torch, _encoder({"batch_first": True}), [(3, 5, D)], call)


def test_encoder_nested_tensor_warning(torch):
    for lib in (torch, cr):
        layer = lib.nn.TransformerEncoderLayer(D, H, FF)
        with pytest.warns(UserWarning) as rec:
            enc = lib.nn.TransformerEncoder(layer, 1)
        assert str(rec[0].message) == (
            "enable_nested_tensor is True, but self.use_nested_tensor is False because "
            "encoder_layer.self_attn.batch_first was not True(use batch_first for better "
            "inference performance)"
        )
        assert enc.use_nested_tensor is False
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(D, H, FF, batch_first=True), 1)  # noqa: E501


DEC_LAYERS = {
    "default": lambda nn: nn.TransformerDecoderLayer(D, H, FF),
    "norm_first": lambda nn: nn.TransformerDecoderLayer(D, H, FF, norm_first=True),
    "gelu_batch_first": lambda nn: nn.TransformerDecoderLayer(
        D, H, FF, activation="gelu", batch_first=True
    ),  # noqa: E501
    "no_bias": lambda nn: nn.TransformerDecoderLayer(D, H, FF, bias=False),
}


def _dec_call(kind):
    def call(lib, m, tgt, mem):
        layer = m.layers[0] if hasattr(m, "layers") else m
        bf = layer.self_attn.batch_first
        n = tgt.shape[0] if bf else tgt.shape[1]
        t, s = (tgt.shape[1], mem.shape[1]) if bf else (tgt.shape[0], mem.shape[0])
        if kind == "plain":
            return m(tgt, mem)
        if kind == "masks":
            return m(
                tgt,
                mem,
                tgt_mask=_causal(lib, t).to(tgt.dtype),
                memory_mask=lib.tensor(np.triu(np.ones((t, s), dtype=bool), 3)),
                tgt_key_padding_mask=_pad_mask(lib, n, t),
                memory_key_padding_mask=_pad_mask(lib, n, s),
            )
        if kind == "causal":
            return m(tgt, mem, tgt_mask=_causal(lib, t).to(tgt.dtype), tgt_is_causal=True)
        raise AssertionError(kind)

    return call


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("kind", ["plain", "masks", "causal"])
@pytest.mark.parametrize("cfg", list(DEC_LAYERS))
def test_decoder_layer(torch, cfg, kind, dtype):
    bf = cfg == "gelu_batch_first"
    shapes = [(3, 4, D), (3, 6, D)] if bf else [(4, 3, D), (6, 3, D)]
    run_module(torch, DEC_LAYERS[cfg], shapes, _dec_call(kind), dtype=dtype)


@pytest.mark.parametrize("kind", ["plain", "masks", "causal"])
def test_decoder(torch, kind):
    def make(nn):
        return nn.TransformerDecoder(nn.TransformerDecoderLayer(D, H, FF), 2, nn.LayerNorm(D))

    run_module(torch, make, [(4, 3, D), (6, 3, D)], _dec_call(kind))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer(torch, batch_first, dtype):
    def make(nn):
        return nn.Transformer(D, H, 2, 1, FF, dropout=0.2, batch_first=batch_first)

    def call(lib, m, src, tgt):
        n = src.shape[0] if batch_first else src.shape[1]
        t = tgt.shape[1] if batch_first else tgt.shape[0]
        return m(
            src,
            tgt,
            tgt_mask=m.generate_square_subsequent_mask(t).to(src.dtype),
            src_key_padding_mask=_pad_mask(lib, n, 6),
            memory_key_padding_mask=_pad_mask(lib, n, 6),
        )

    shapes = [(3, 6, D), (3, 4, D)] if batch_first else [(6, 3, D), (4, 3, D)]
    run_module(torch, make, shapes, call, dtype=dtype)  # eval mode: dropout off


def test_transformer_norm_first_plain(torch):
    make = lambda nn: nn.Transformer(D, H, 1, 1, FF, norm_first=True, activation="gelu")  # noqa: E731
    run_module(torch, make, [(6, 3, D), (4, 3, D)], lambda lib, m, s, t: m(s, t))


def test_transformer_train_mode_dropout_zero(torch):
    make = lambda nn: nn.Transformer(D, H, 1, 1, FF, dropout=0.0)  # noqa: E731
    run_module(torch, make, [(6, 3, D), (4, 3, D)], lambda lib, m, s, t: m(s, t), train=True)


def test_generate_square_subsequent_mask(torch):
    for sz in (0, 1, 4):
        a = torch.nn.Transformer.generate_square_subsequent_mask(sz)
        b = cr.nn.Transformer.generate_square_subsequent_mask(sz)
        assert str(b) == str(a)
        assert str(b.dtype) == str(a.dtype)
    b = cr.nn.Transformer.generate_square_subsequent_mask(3, dtype=cr.float64)
    assert b.dtype == cr.float64


TRANSFORMER_ERRORS = [
    (lambda lib, m: m(lib.randn(6, 3, D), lib.randn(4, 2, D)), RuntimeError, "the batch number of src and tgt must be equal"),  # noqa: E501
    (lambda lib, m: m(lib.randn(6, 3, D), lib.randn(4, 3, 4)), RuntimeError, "the feature number of src and tgt must be equal to d_model"),  # noqa: E501
    (lambda lib, m: lib.nn.TransformerEncoderLayer(D, H, activation="tanh"), RuntimeError, "activation should be relu/gelu, not tanh"),  # noqa: E501
]  # fmt: skip


@pytest.mark.parametrize("call,exc,msg", TRANSFORMER_ERRORS)
def test_transformer_errors(torch, call, exc, msg):
    for lib in (torch, cr):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = lib.nn.Transformer(D, H, 1, 1, FF)
        with pytest.raises(exc, match=msg):
            call(lib, m)


def test_transformer_train_step_matches(torch):
    """A few SGD steps of a small Transformer: the losses agree."""
    losses = []
    for lib in (torch, cr):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = lib.nn.Transformer(D, H, 1, 1, FF, dropout=0.0).double()
        if lib is torch:
            state = {k: v.detach().numpy().copy() for k, v in m.state_dict().items()}
        else:
            m.load_state_dict({k: cr.tensor(v) for k, v in state.items()})
        opt = lib.optim.SGD(m.parameters(), lr=0.1)
        rng = np.random.default_rng(1)
        src, tgt = (
            lib.tensor(rng.standard_normal((6, 2, D))),
            lib.tensor(rng.standard_normal((4, 2, D))),
        )  # noqa: E501
        run = []
        for _ in range(3):
            opt.zero_grad()
            loss = ((m(src, tgt) - 1.0) ** 2).mean()
            loss.backward()
            opt.step()
            run.append(loss.item())
        losses.append(run)
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-9)
