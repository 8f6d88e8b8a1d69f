"""nn.Module machinery: registration, iteration, modes, hooks, state dicts, dtype moves,
Parameter semantics and errors -- compared with torch where it has an observable result."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import chainrule as cr

nn = cr.nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 3)
        self.act = nn.ReLU()
        self.blocks = nn.ModuleList([nn.Linear(3, 3), nn.Linear(3, 3)])
        self.scale = nn.Parameter(cr.ones(1))
        self.register_buffer("steps", cr.zeros(1))
        self.register_buffer("cache", cr.zeros(2), persistent=False)

    def forward(self, x):
        x = self.act(self.fc1(x))
        for b in self.blocks:
            x = b(x)
        return x * self.scale


def test_registration_and_iteration():
    m = Net()
    names = [n for n, _ in m.named_parameters()]
    assert names == [
        "scale",
        "fc1.weight",
        "fc1.bias",
        "blocks.0.weight",
        "blocks.0.bias",
        "blocks.1.weight",
        "blocks.1.bias",
    ]
    assert [n for n, _ in m.named_buffers()] == ["steps", "cache"]
    assert list(m.state_dict()) == names[:1] + ["steps"] + names[1:]
    assert [n for n, _ in m.named_children()] == ["fc1", "act", "blocks"]
    assert [n for n, _ in m.named_modules()] == ["", "fc1", "act", "blocks", "blocks.0", "blocks.1"]
    assert len(list(m.parameters(recurse=False))) == 1
    assert m.get_submodule("blocks.1") is m.blocks[1]
    assert m.get_parameter("blocks.0.bias") is m.blocks[0].bias


def test_shared_parameters_listed_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, lin)
    assert len(list(seq.parameters())) == 2
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_train_eval_propagates():
    m = Net()
    m.eval()
    assert not m.training and not m.blocks[0].training
    m.train()
    assert all(x.training for x in m.modules())


def test_forward_hooks_and_removal():
    m = nn.Linear(2, 2)
    seen = []
    h1 = m.register_forward_pre_hook(lambda mod, args: seen.append("pre"))
    h2 = m.register_forward_hook(lambda mod, args, out: out * 0)
    out = m(cr.ones(1, 2))
    assert seen == ["pre"] and float(out.abs().sum()) == 0
    h1.remove()
    h2.remove()
    assert float(m(cr.ones(1, 2)).abs().sum()) != 0
    h = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    assert np.allclose(m(cr.ones(1, 2)).detach().numpy(), m.bias.detach().numpy())
    h.remove()
    m.register_forward_hook(lambda mod, args, kwargs, out: out + 1, with_kwargs=True)
    assert np.allclose(m(cr.zeros(1, 2)).detach().numpy(), m.bias.detach().numpy() + 1)


def test_state_dict_round_trip_and_strict_errors():
    a, b = Net(), Net()
    res = b.load_state_dict(a.state_dict())
    assert repr(res) == "<All keys matched successfully>"
    for (n, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy()), n
    sd = a.state_dict()
    assert not sd["fc1.weight"].requires_grad
    del sd["scale"]
    sd["extra"] = cr.zeros(1)
    with pytest.raises(RuntimeError) as e:
        b.load_state_dict(sd)
    msg = str(e.value)
    assert msg.startswith("Error(s) in loading state_dict for Net:")
    assert 'Missing key(s) in state_dict: "scale".' in msg
    assert 'Unexpected key(s) in state_dict: "extra".' in msg
    res = b.load_state_dict(sd, strict=False)
    assert res.missing_keys == [] and res.unexpected_keys == []
    sd = a.state_dict()
    sd["fc1.weight"] = cr.zeros(4, 4)
    with pytest.raises(RuntimeError, match="size mismatch for fc1.weight"):
        b.load_state_dict(sd)


def test_state_dict_error_message_matches_torch():
    torch = pytest.importorskip("torch")
    msgs = []
    for lib in (torch, cr):
        m = lib.nn.Sequential(lib.nn.Linear(2, 2))
        sd = {"0.weight": lib.zeros(2, 2), "x": lib.zeros(1)}
        with pytest.raises(RuntimeError) as e:
            m.load_state_dict(sd)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_zero_grad_and_requires_grad_():
    m = Net()
    m(cr.ones(1, 2)).sum().backward()
    assert m.fc1.weight.grad is not None
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_to_double_keeps_parameter_identity():
    m = nn.Linear(2, 2)
    w = m.weight
    m.double()
    assert m.weight is w and m.weight.dtype == cr.float64 and isinstance(m.weight, nn.Parameter)
    assert m(cr.ones(1, 2, dtype=cr.float64)).dtype == cr.float64
    m.to(cr.float32)
    assert m.weight.dtype == cr.float32
    bn = nn.BatchNorm1d(2).double()
    assert bn.running_mean.dtype == cr.float64 and bn.num_batches_tracked.dtype == cr.int64


def test_deepcopy_is_independent():
    m = Net()
    m2 = copy.deepcopy(m)
    with cr.no_grad():
        m2.fc1.weight.mul_(0)
    assert float(m.fc1.weight.abs().sum()) > 0
    assert isinstance(m2.fc1.weight, nn.Parameter)


def test_setattr_semantics_and_errors():
    m = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' as parameter 'weight'"):
        m.weight = cr.zeros(2, 2)
    m.weight = nn.Parameter(cr.zeros(2, 2))
    assert float(m.weight.sum()) == 0
    m.bias = None
    assert m.bias is None and "bias" in m._parameters
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'nope'"):
        m.nope
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        m.register_buffer("weight", cr.zeros(1))
    with pytest.raises(AttributeError, match="cannot assign parameters before Module.__init__"):

        class Bad(nn.Module):
            def __init__(self):
                self.p = nn.Parameter(cr.zeros(1))

        Bad()
    del m.weight
    assert "weight" not in m._parameters


def test_missing_forward():
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        nn.Module()(cr.zeros(1))


def test_parameter_semantics():
    t = cr.ones(2)
    p = nn.Parameter(t)
    assert isinstance(p, cr.Tensor) and p.requires_grad and p.is_leaf
    with cr.no_grad():
        p.mul_(3)
    assert t.tolist() == [3.0, 3.0]  # shares storage with the data it wraps
    assert not nn.Parameter(cr.ones(1), requires_grad=False).requires_grad
    assert repr(nn.Parameter(cr.tensor([1.0, 2.0]))) == (
        "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    )
    q = p * 2
    assert type(q) is cr.Tensor
    assert nn.Parameter().shape == (0,)


def test_containers():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(seq) == 3 and isinstance(seq[1], nn.ReLU)
    assert isinstance(seq[-1], nn.Linear)
    assert isinstance(seq[:2], nn.Sequential) and len(seq[:2]) == 2
    seq.append(nn.Sigmoid())
    assert len(seq) == 4
    del seq[1]
    assert [type(m).__name__ for m in seq] == ["Linear", "Linear", "Sigmoid"]
    with pytest.raises(IndexError, match="index 5 is out of range"):
        seq[5]
    ml = nn.ModuleList()
    ml += [nn.ReLU()]
    ml.insert(0, nn.Tanh())
    assert [type(m).__name__ for m in ml] == ["Tanh", "ReLU"]
    md = nn.ModuleDict({"a": nn.ReLU()})
    md["b"] = nn.Linear(1, 1)
    assert list(md.keys()) == ["a", "b"] and "b" in md and len(list(md.parameters())) == 2
    pl = nn.ParameterList([cr.zeros(2), nn.Parameter(cr.ones(1))])
    assert len(list(pl.parameters())) == 2 and isinstance(pl[0], nn.Parameter)
    pd = nn.ParameterDict({"w": cr.zeros(2)})
    assert [n for n, _ in pd.named_parameters()] == ["w"]
    from collections import OrderedDict

    named = nn.Sequential(OrderedDict([("enc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert [n for n, _ in named.named_children()] == ["enc", "act"]


def test_init_functions():
    init = nn.init
    w = cr.empty(30, 20)
    init.xavier_uniform_(w)
    assert np.abs(w.numpy()).max() <= np.sqrt(6 / 50)
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    np.testing.assert_allclose(w.numpy().std(), np.sqrt(2 / 30), rtol=0.1)
    init.constant_(w, 0.5)
    assert (w == 0.5).all()
    init.zeros_(w)
    init.ones_(w)
    assert (w == 1).all()
    init.eye_(w)
    assert float(w.sum()) == 20
    init.orthogonal_(w)
    np.testing.assert_allclose(w.numpy().T @ w.numpy(), np.eye(20), atol=1e-5)
    init.trunc_normal_(w, std=2.0, a=-1.0, b=1.0)
    assert np.abs(w.numpy()).max() <= 1.0
    g = cr.Generator().manual_seed(0)
    a = init.normal_(cr.empty(3), generator=g).tolist()
    g.manual_seed(0)
    assert init.normal_(cr.empty(3), generator=g).tolist() == a
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(np.sqrt(2 / 1.04))
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        init.xavier_uniform_(cr.empty(3))
    c = cr.empty(2, 2, 3, 3)
    init.dirac_(c)
    assert float(c.sum()) == 2
    x = nn.Parameter(cr.zeros(3))
    v = x._version
    init.uniform_(x)
    assert x._version > v and x.requires_grad and x.grad_fn is None


def test_full_backward_hooks_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    xa = rng.standard_normal((3, 2))
    logs = []

    def show(gs):
        return [None if g is None else np.round(g.detach().numpy(), 10).tolist() for g in gs]

    for lib in (torch, cr):
        m = lib.nn.Linear(2, 2).double()
        with lib.no_grad():
            m.weight.copy_(lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64))
            m.bias.zero_()
        log = []

        def pre(mod, go, log=log):
            log.append(("pre", show(go)))

        def hook(mod, gi, go, log=log):
            log.append(("hook", show(gi), show(go)))
            return None if gi[0] is None else (gi[0] * 2,)

        m.register_full_backward_pre_hook(pre)
        m.register_full_backward_hook(hook)
        x = lib.tensor(xa, requires_grad=True)
        y = m(x)
        assert y.grad_fn.name() == "BackwardHookFunctionBackward"
        (y * lib.tensor([[1.0, 2.0]], dtype=lib.float64)).sum().backward()
        log.append(("xgrad", show([x.grad])))
        with pytest.warns(UserWarning, match="Full backward hook is firing"):
            m(lib.tensor(xa)).sum().backward()
        logs.append(log)
    assert logs[0] == logs[1]
