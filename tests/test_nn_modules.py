"""Each nn module against torch: same weights in -> same outputs, input and parameter gradients,
buffers (running stats), reprs and state-dict keys."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")


def to_cr(t, requires_grad=False):
    x = cr.tensor(t.detach().numpy().copy())
    return x.requires_grad_(True) if requires_grad else x


def copy_weights(cm, tm):
    """Load the torch module's state dict into the chainrule module (strict)."""
    res = cm.load_state_dict({k: to_cr(v) for k, v in tm.state_dict().items()})
    assert not res.missing_keys and not res.unexpected_keys


def close(a, b, rtol=1e-5, atol=1e-6):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def flat(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(flat(o))
        return res
    return [out]


def run_both(
    make, shapes, *, dtype="float64", train=True, int_inputs=None, seed=0, rtol=1e-6, atol=1e-8
):
    """Build the module in both libraries (torch weights copied), run forward + backward with a
    random upstream gradient; compare outputs, gradients and buffers."""
    rng = np.random.default_rng(seed)
    tm = make(torch)
    cm = make(cr)
    tdt = getattr(torch, dtype)
    tm = tm.to(tdt)
    cm = cm.to(getattr(cr, dtype))
    copy_weights(cm, tm)
    tm.train(train)
    cm.train(train)
    tin, cin = [], []
    for i, s in enumerate(shapes):
        if int_inputs and i in int_inputs:
            arr = rng.integers(*int_inputs[i], size=s)
            tin.append(torch.tensor(arr))
            cin.append(cr.tensor(arr))
        else:
            arr = rng.standard_normal(s).astype(dtype)
            tin.append(torch.tensor(arr, requires_grad=True))
            cin.append(cr.tensor(arr, requires_grad=True))
    tout = flat(tm(*tin))
    cout = flat(cm(*cin))
    assert len(tout) == len(cout)
    for a, b in zip(cout, tout):
        close(a, b, rtol, atol)
    ups = [rng.standard_normal(tuple(o.shape)).astype(dtype) for o in tout]
    tl = sum((o * torch.tensor(u)).sum() for o, u in zip(tout, ups) if o.requires_grad)
    cl = sum((o * cr.tensor(u)).sum() for o, u in zip(cout, ups) if o.requires_grad)
    tl.backward()
    cl.backward()
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


CASES = [
    ("linear", lambda nn: nn.Linear(5, 3), [(4, 5)]),
    ("linear_nobias", lambda nn: nn.Linear(5, 3, bias=False), [(4, 5)]),
    ("linear_3d", lambda nn: nn.Linear(5, 3), [(2, 4, 5)]),
    ("linear_1d", lambda nn: nn.Linear(5, 3), [(5,)]),
    ("bilinear", lambda nn: nn.Bilinear(3, 4, 2), [(5, 3), (5, 4)]),
    (
        "seq_mlp",
        lambda nn: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 3), nn.Tanh()),
        [(4, 6)],
    ),
    ("conv2d", lambda nn: nn.Conv2d(3, 4, 3), [(2, 3, 7, 6)]),
    (
        "conv2d_stride_pad",
        lambda nn: nn.Conv2d(3, 4, (3, 2), stride=2, padding=1, dilation=(1, 2)),
        [(2, 3, 9, 8)],
    ),
    ("conv2d_groups", lambda nn: nn.Conv2d(4, 6, 3, groups=2, bias=False), [(2, 4, 5, 5)]),
    ("conv2d_same", lambda nn: nn.Conv2d(2, 3, 4, padding="same"), [(1, 2, 6, 6)]),
    ("conv2d_unbatched", lambda nn: nn.Conv2d(2, 3, 3), [(2, 5, 5)]),
    (
        "conv2d_reflect",
        lambda nn: nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect"),
        [(2, 2, 5, 5)],
    ),
    (
        "conv2d_circular",
        lambda nn: nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode="circular"),
        [(1, 2, 5, 4)],
    ),
    (
        "conv1d_replicate",
        lambda nn: nn.Conv1d(2, 3, 3, padding=2, padding_mode="replicate"),
        [(2, 2, 6)],
    ),
    ("conv1d", lambda nn: nn.Conv1d(3, 4, 3, stride=2, padding=1), [(2, 3, 11)]),
    ("conv1d_dil", lambda nn: nn.Conv1d(2, 2, 2, dilation=3), [(3, 2, 9)]),
    ("maxpool2d", lambda nn: nn.MaxPool2d(2), [(2, 3, 6, 6)]),
    ("maxpool2d_overlap", lambda nn: nn.MaxPool2d(3, stride=2, padding=1), [(2, 2, 7, 7)]),
    ("maxpool2d_ceil", lambda nn: nn.MaxPool2d(2, ceil_mode=True), [(1, 2, 5, 5)]),
    ("maxpool2d_3d", lambda nn: nn.MaxPool2d(2), [(3, 4, 4)]),
    ("maxpool1d", lambda nn: nn.MaxPool1d(3, 2), [(2, 3, 9)]),
    ("avgpool2d", lambda nn: nn.AvgPool2d(2), [(2, 3, 6, 6)]),
    ("avgpool2d_pad", lambda nn: nn.AvgPool2d(3, stride=2, padding=1), [(2, 2, 7, 7)]),
    (
        "avgpool2d_nopadcount",
        lambda nn: nn.AvgPool2d(3, 2, 1, count_include_pad=False),
        [(1, 2, 6, 6)],
    ),
    ("avgpool2d_ceil", lambda nn: nn.AvgPool2d(2, ceil_mode=True), [(1, 2, 5, 5)]),
    ("avgpool1d", lambda nn: nn.AvgPool1d(2), [(2, 3, 8)]),
    ("adaptive_avg", lambda nn: nn.AdaptiveAvgPool2d(1), [(2, 3, 4, 4)]),
    ("flatten", lambda nn: nn.Flatten(), [(2, 3, 4)]),
    ("unflatten", lambda nn: nn.Unflatten(1, (2, 3)), [(4, 6)]),
    ("batchnorm1d", lambda nn: nn.BatchNorm1d(4), [(8, 4)]),
    ("batchnorm1d_3d", lambda nn: nn.BatchNorm1d(3), [(4, 3, 5)]),
    ("batchnorm2d", lambda nn: nn.BatchNorm2d(3), [(4, 3, 5, 5)]),
    ("batchnorm2d_noaffine", lambda nn: nn.BatchNorm2d(3, affine=False), [(4, 3, 2, 2)]),
    ("batchnorm2d_cma", lambda nn: nn.BatchNorm2d(3, momentum=None), [(4, 3, 2, 2)]),
    ("layernorm", lambda nn: nn.LayerNorm(6), [(3, 4, 6)]),
    ("layernorm_2d", lambda nn: nn.LayerNorm((4, 6)), [(3, 4, 6)]),
    ("layernorm_noaffine", lambda nn: nn.LayerNorm(6, elementwise_affine=False), [(3, 6)]),
    ("layernorm_nobias", lambda nn: nn.LayerNorm(6, bias=False), [(3, 6)]),
    ("relu", lambda nn: nn.ReLU(), [(3, 4)]),
    ("leaky_relu", lambda nn: nn.LeakyReLU(0.2), [(3, 4)]),
    ("gelu", lambda nn: nn.GELU(), [(3, 4)]),
    ("gelu_tanh", lambda nn: nn.GELU("tanh"), [(3, 4)]),
    ("silu", lambda nn: nn.SiLU(), [(3, 4)]),
    ("sigmoid", lambda nn: nn.Sigmoid(), [(3, 4)]),
    ("tanh", lambda nn: nn.Tanh(), [(3, 4)]),
    ("softmax", lambda nn: nn.Softmax(dim=1), [(3, 4)]),
    ("log_softmax", lambda nn: nn.LogSoftmax(dim=-1), [(3, 4)]),
    ("elu", lambda nn: nn.ELU(), [(3, 4)]),
    ("softplus", lambda nn: nn.Softplus(), [(3, 4)]),
    ("identity", lambda nn: nn.Identity(), [(3, 4)]),
    ("rnn", lambda nn: nn.RNN(3, 5), [(4, 2, 3)]),
    ("rnn_relu_2l", lambda nn: nn.RNN(3, 5, 2, nonlinearity="relu"), [(4, 2, 3)]),
    ("rnn_bf_bidir", lambda nn: nn.RNN(3, 4, batch_first=True, bidirectional=True), [(2, 5, 3)]),
    ("lstm", lambda nn: nn.LSTM(3, 5), [(4, 2, 3)]),
    ("lstm_2l_bf", lambda nn: nn.LSTM(3, 5, num_layers=2, batch_first=True), [(2, 4, 3)]),
    ("lstm_bidir", lambda nn: nn.LSTM(3, 4, bidirectional=True, num_layers=2), [(5, 2, 3)]),
    ("lstm_unbatched", lambda nn: nn.LSTM(3, 4), [(5, 3)]),
    ("lstm_nobias", lambda nn: nn.LSTM(3, 4, bias=False), [(5, 2, 3)]),
    ("gru", lambda nn: nn.GRU(3, 5), [(4, 2, 3)]),
    (
        "gru_2l_bf_bidir",
        lambda nn: nn.GRU(3, 4, 2, batch_first=True, bidirectional=True),
        [(2, 5, 3)],
    ),
    ("rnncell", lambda nn: nn.RNNCell(3, 4), [(2, 3), (2, 4)]),
    ("grucell", lambda nn: nn.GRUCell(3, 4), [(2, 3), (2, 4)]),
]


@pytest.mark.parametrize("name,make,shapes", CASES, ids=[c[0] for c in CASES])
def test_module_matches_torch(name, make, shapes):
    run_both(lambda lib: make(lib.nn), shapes)


def test_module_float32():
    run_both(
        lambda lib: lib.nn.Sequential(lib.nn.Conv2d(2, 3, 3), lib.nn.ReLU()),
        [(2, 2, 6, 6)],
        dtype="float32",
        rtol=1e-4,
        atol=1e-5,
    )


def test_lstm_with_initial_state():
    rng = np.random.default_rng(1)
    tm = torch.nn.LSTM(3, 4, num_layers=2).double()
    cm = cr.nn.LSTM(3, 4, num_layers=2).double()
    copy_weights(cm, tm)
    x = rng.standard_normal((5, 2, 3))
    h0 = rng.standard_normal((2, 2, 4))
    c0 = rng.standard_normal((2, 2, 4))
    th, tc = torch.tensor(h0, requires_grad=True), torch.tensor(c0, requires_grad=True)
    ch, cc = cr.tensor(h0, requires_grad=True), cr.tensor(c0, requires_grad=True)
    to, (thn, tcn) = tm(torch.tensor(x), (th, tc))
    co, (chn, ccn) = cm(cr.tensor(x), (ch, cc))
    close(co, to)
    close(chn, thn)
    close(ccn, tcn)
    (to.sum() + tcn.sum()).backward()
    (co.sum() + ccn.sum()).backward()
    close(ch.grad, th.grad)
    close(cc.grad, tc.grad)


def test_lstmcell():
    rng = np.random.default_rng(2)
    tm = torch.nn.LSTMCell(3, 4).double()
    cm = cr.nn.LSTMCell(3, 4).double()
    copy_weights(cm, tm)
    x = rng.standard_normal((2, 3))
    th, tc = tm(torch.tensor(x))
    ch, cc = cm(cr.tensor(x))
    close(ch, th)
    close(cc, tc)


def test_batchnorm_eval_uses_running_stats():
    tm, cm = torch.nn.BatchNorm2d(3).double(), cr.nn.BatchNorm2d(3).double()
    copy_weights(cm, tm)
    x = np.random.default_rng(0).standard_normal((4, 3, 2, 2))
    for _ in range(3):  # update the running statistics in training mode
        tm(torch.tensor(x))
        cm(cr.tensor(x))
    close(cm.running_mean, tm.running_mean)
    close(cm.running_var, tm.running_var)
    assert int(cm.num_batches_tracked) == int(tm.num_batches_tracked) == 3
    run_both(lambda lib: lib.nn.BatchNorm2d(3), [(4, 3, 2, 2)], train=False)


def test_embedding():
    run_both(lambda lib: lib.nn.Embedding(10, 4), [(3, 5)], int_inputs={0: (0, 10)})
    run_both(lambda lib: lib.nn.Embedding(10, 4, padding_idx=0), [(3, 5)], int_inputs={0: (0, 10)})


def test_embedding_padding_row_zero_and_repr():
    e = cr.nn.Embedding(5, 2, padding_idx=1)
    assert (e.weight[1] == 0).all()
    assert repr(e) == "Embedding(5, 2, padding_idx=1)"
    with pytest.raises(IndexError, match="index out of range"):
        e(cr.tensor([5]))


def test_dropout_train_eval():
    d = cr.nn.Dropout(0.5)
    x = cr.ones(1000, requires_grad=True)
    y = d(x)
    vals = set(np.unique(y.detach().numpy()).tolist())
    assert vals <= {0.0, 2.0}
    assert 300 < int((y == 0).sum()) < 700
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    assert np.array_equal(x.grad.numpy(), y.detach().numpy())
    d.eval()
    assert d(x) is x
    assert (cr.nn.functional.dropout(x, 1.0) == 0).all()


REPRS = [
    "nn.Linear(3, 4)",
    "nn.Linear(3, 4, bias=False)",
    "nn.Bilinear(2, 3, 4)",
    "nn.Conv2d(3, 4, 3)",
    "nn.Conv2d(3, 4, (3, 2), stride=2, padding=1, dilation=2, bias=False)",
    "nn.Conv2d(4, 4, 3, groups=2)",
    "nn.Conv1d(2, 4, 3, padding='same')",
    "nn.Conv2d(2, 4, 3, padding=1, padding_mode='reflect')",
    "nn.MaxPool2d(2)",
    "nn.MaxPool1d(3, 2)",
    "nn.AvgPool2d(2)",
    "nn.AvgPool1d(2)",
    "nn.AdaptiveAvgPool2d((1, 1))",
    "nn.BatchNorm1d(4)",
    "nn.BatchNorm2d(3, momentum=None)",
    "nn.LayerNorm(8)",
    "nn.LayerNorm([2, 3], bias=False)",
    "nn.Embedding(10, 3, padding_idx=0)",
    "nn.Dropout()",
    "nn.Dropout(0.2, True)",
    "nn.Flatten()",
    "nn.Unflatten(1, (2, 3))",
    "nn.RNN(3, 4)",
    "nn.RNN(3, 4, nonlinearity='relu', bias=False)",
    "nn.LSTM(3, 4, 2, batch_first=True, dropout=0.1)",
    "nn.GRU(3, 4, bidirectional=True)",
    "nn.RNNCell(3, 4)",
    "nn.LSTMCell(3, 4)",
    "nn.GRUCell(3, 4, bias=False)",
    "nn.Identity()",
    "nn.ReLU()",
    "nn.ReLU(inplace=True)",
    "nn.LeakyReLU()",
    "nn.LeakyReLU(0.2, True)",
    "nn.GELU()",
    "nn.GELU('tanh')",
    "nn.SiLU()",
    "nn.Sigmoid()",
    "nn.Tanh()",
    "nn.Softmax(1)",
    "nn.LogSoftmax(dim=-1)",
    "nn.ELU()",
    "nn.Softplus()",
    "nn.MSELoss()",
    "nn.L1Loss()",
    "nn.SmoothL1Loss()",
    "nn.HuberLoss()",
    "nn.CrossEntropyLoss()",
    "nn.NLLLoss()",
    "nn.BCELoss()",
    "nn.BCEWithLogitsLoss()",
    "nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 1), nn.Sigmoid()))",
    "nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2)])",
    "nn.ModuleList()",
    "nn.ModuleDict({'a': nn.ReLU(), 'b': nn.Linear(1, 2)})",
    "nn.Sequential()",
]


@pytest.mark.parametrize("expr", REPRS)
def test_repr_matches_torch(expr):
    assert repr(eval(expr, {"nn": cr.nn})) == repr(eval(expr, {"nn": torch.nn}))


@pytest.mark.parametrize(
    "expr",
    [
        "nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4, 2))",
        "nn.LSTM(3, 4, 2, bidirectional=True)",
        "nn.GRU(3, 4, bias=False)",
        "nn.ModuleDict({'enc': nn.Linear(2, 3), 'dec': nn.ModuleList([nn.Linear(3, 2)])})",
        "nn.BCEWithLogitsLoss(pos_weight=lib.ones(3))",
        "nn.CrossEntropyLoss(weight=lib.ones(3))",
    ],
)
def test_state_dict_and_parameter_names_match_torch(expr):
    cm = eval(expr, {"nn": cr.nn, "lib": cr})
    tm = eval(expr, {"nn": torch.nn, "lib": torch})
    assert list(cm.state_dict()) == list(tm.state_dict())
    assert [n for n, _ in cm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert [n for n, _ in cm.named_buffers()] == [n for n, _ in tm.named_buffers()]
    assert [n for n, _ in cm.named_modules()] == [n for n, _ in tm.named_modules()]
    for (n, p), (_, q) in zip(cm.named_parameters(), tm.named_parameters()):
        assert tuple(p.shape) == tuple(q.shape), n


def _bound_check(make, name, bound_fn):
    """Default initialisation: values lie within torch's bound and fill most of it."""
    m = make(cr.nn)
    w = getattr(m, name).detach().numpy()
    b = bound_fn(make(torch.nn))
    assert np.abs(w).max() <= b + 1e-7
    assert np.abs(w).max() > 0.5 * b


@pytest.mark.parametrize(
    "make,name",
    [
        (lambda nn: nn.Linear(50, 40), "weight"),
        (lambda nn: nn.Linear(50, 40), "bias"),
        (lambda nn: nn.Conv2d(3, 8, 5), "weight"),
        (lambda nn: nn.Conv1d(3, 8, 5), "bias"),
        (lambda nn: nn.LSTM(10, 20), "weight_hh_l0"),
        (lambda nn: nn.GRU(10, 20), "bias_ih_l0"),
        (lambda nn: nn.Bilinear(10, 20, 4), "weight"),
    ],
)
def test_default_init_bounds(make, name):
    def bound(tm):
        # torch's initialisation is bounded; measure it over many draws
        vals = [np.abs(getattr(make(torch.nn), name).detach().numpy()).max() for _ in range(20)]
        return max(vals)

    m = make(cr.nn)
    w = getattr(m, name).detach().numpy()
    b = bound(None)
    assert np.abs(w).max() <= b * 1.05
    if w.size >= 100:  # a few draws may all be small; many fill the range
        assert np.abs(w).max() > 0.8 * b
    assert w.dtype == np.float32


def test_default_init_statistics_linear():
    m = cr.nn.Linear(400, 300)
    w = m.weight.detach().numpy()
    bound = 1 / np.sqrt(400)  # kaiming_uniform(a=sqrt(5)) -> U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    assert np.abs(w).max() <= bound
    np.testing.assert_allclose(w.std(), bound / np.sqrt(3), rtol=0.02)
    emb = cr.nn.Embedding(1000, 50).weight.detach().numpy()
    np.testing.assert_allclose(emb.std(), 1.0, rtol=0.02)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_sequence_matches_torch(batch_first, side):
    rng = np.random.default_rng(0)
    arrs = [rng.standard_normal((n, 3)) for n in (4, 1, 3)]
    tin = [torch.tensor(a, requires_grad=True) for a in arrs]
    cin = [cr.tensor(a, requires_grad=True) for a in arrs]
    t = torch.nn.utils.rnn.pad_sequence(tin, batch_first, 0.5, side)
    c = cr.nn.utils.rnn.pad_sequence(cin, batch_first, 0.5, side)
    close(c, t)
    up = rng.standard_normal(tuple(t.shape))
    (t * torch.tensor(up)).sum().backward()
    (c * cr.tensor(up)).sum().backward()
    for a, b in zip(cin, tin):
        close(a.grad, b.grad)
