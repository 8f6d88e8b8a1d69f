"""nn.Buffer, uninitialized parameters/buffers and the lazy modules, plus RNNCellBase,
Container, NLLLoss2d, DataParallel and SyncBatchNorm -- compared with torch: reprs, state dict
keys, values initialised under the same seed, outputs, gradients, warnings and errors."""

from __future__ import annotations

import copy
import re
import warnings

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")

cnn = cr.nn
tnn = torch.nn


def arr(t):
    return np.asarray(t.detach().numpy())


def close(a, b, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(arr(a), arr(b), rtol=rtol, atol=atol)


def norm_msg(e):
    """An error message without object addresses."""
    return re.sub(r"at 0x[0-9a-f]+", "at 0x", str(e))


def both_raise(fn_c, fn_t, exc=Exception):
    with pytest.raises(exc) as ec:
        fn_c()
    with pytest.raises(exc) as et:
        fn_t()
    assert type(ec.value) is type(et.value)
    assert norm_msg(ec.value) == norm_msg(et.value)
    return ec.value


def caught(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn()
    return out, [(x.category, str(x.message)) for x in w]


def keys_and_reprs(sd):
    return [(k, repr(v) if k != "num_batches_tracked" else repr(v.item())) for k, v in sd.items()]


# ------------------------------------------------------------------------------ nn.Buffer
def _buffer_module(nn, lib):
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Buffer(lib.ones(2))
            self.b = nn.Buffer(lib.zeros(1), persistent=False)
            self.c = nn.UninitializedBuffer(persistent=False)
            self.fc = nn.Linear(2, 1)

    return M()


def test_buffer_registration_and_state_dict():
    mc, mt = _buffer_module(cnn, cr), _buffer_module(tnn, torch)
    assert [n for n, _ in mc.named_buffers()] == [n for n, _ in mt.named_buffers()]
    assert list(mc.state_dict()) == list(mt.state_dict()) == ["a", "fc.weight", "fc.bias"]
    assert mc._non_persistent_buffers_set == mt._non_persistent_buffers_set == {"b", "c"}
    assert repr(mc) == repr(mt)
    # plain tensor assigned to a buffer name keeps its persistence; a Buffer brings its own
    mc.a, mt.a = cr.zeros(3), torch.zeros(3)
    mc.b, mt.b = cnn.Buffer(cr.ones(1)), tnn.Buffer(torch.ones(1))
    assert list(mc.state_dict()) == list(mt.state_dict()) == ["a", "b", "fc.weight", "fc.bias"]
    mc.a, mt.a = (
        cnn.Buffer(cr.ones(1), persistent=False),
        tnn.Buffer(torch.ones(1), persistent=False),
    )
    assert list(mc.state_dict()) == list(mt.state_dict())
    mc.a, mt.a = None, None
    assert list(mc.named_buffers()) == [] or [n for n, _ in mc.named_buffers()] == [
        n for n, _ in mt.named_buffers()
    ]


def test_buffer_object():
    for lib, nn in ((cr, cnn), (torch, tnn)):
        src = lib.ones(2, requires_grad=True)
        b = nn.Buffer(src)
        assert type(b) is lib.Tensor
        assert isinstance(b, nn.Buffer) and not isinstance(lib.ones(1), nn.Buffer)
        assert issubclass(nn.Buffer, lib.Tensor)
        assert b.persistent is True and b.requires_grad and b.is_leaf
        assert nn.Buffer(lib.ones(1), persistent=False).persistent is False
        assert isinstance(nn.UninitializedBuffer(), nn.Buffer)
        b.data[0] = 5.0  # shares storage with the source
        assert float(src.detach()[0]) == 5.0
    assert repr(cnn.Buffer(cr.ones(2))) == repr(tnn.Buffer(torch.ones(2)))
    assert repr(cnn.Buffer()) == repr(tnn.Buffer())
    both_raise(lambda: cnn.Buffer([1.0]), lambda: tnn.Buffer([1.0]), AttributeError)


def test_buffer_assignment_errors():
    mc, mt = _buffer_module(cnn, cr), _buffer_module(tnn, torch)
    both_raise(lambda: setattr(mc, "a", 3), lambda: setattr(mt, "a", 3), TypeError)
    mc.x, mt.x = 5, 5
    both_raise(
        lambda: setattr(mc, "x", cnn.Buffer(cr.ones(1))),
        lambda: setattr(mt, "x", tnn.Buffer(torch.ones(1))),
        KeyError,
    )
    both_raise(
        lambda: setattr(mc, "fc", cnn.Buffer(cr.ones(1))),
        lambda: setattr(mt, "fc", tnn.Buffer(torch.ones(1))),
        TypeError,
    )
    mc.w, mt.w = cnn.Parameter(cr.ones(1)), tnn.Parameter(torch.ones(1))
    both_raise(
        lambda: setattr(mc, "w", cnn.Buffer(cr.ones(1))),
        lambda: setattr(mt, "w", tnn.Buffer(torch.ones(1))),
        TypeError,
    )

    def custom(nn, lib):
        class Custom(nn.Module):
            def register_buffer(self, name, tensor):
                super().register_buffer(name, tensor)

        m = Custom()
        m.p = nn.Buffer(lib.ones(1))
        assert list(m.state_dict()) == ["p"]
        m.q = nn.Buffer(lib.ones(1), persistent=False)

    both_raise(lambda: custom(cnn, cr), lambda: custom(tnn, torch), RuntimeError)


# ---------------------------------------------------------------- uninitialized tensors
def test_uninitialized_parameter_basics():
    pc, pt = cnn.UninitializedParameter(), tnn.UninitializedParameter()
    assert repr(pc) == repr(pt) == str(pc) == "<UninitializedParameter>"
    assert repr(cnn.UninitializedBuffer()) == repr(tnn.UninitializedBuffer())
    assert isinstance(pc, cnn.Parameter) and cnn.parameter.is_lazy(pc)
    assert not cnn.parameter.is_lazy(cnn.Parameter(cr.ones(1)))
    for attr in ("requires_grad", "is_leaf", "grad", "ndim"):
        assert getattr(pc, attr) == getattr(pt, attr)
    assert str(pc.dtype) == str(pt.dtype) and pc.size() == pt.size() and str(pc.device) == "cpu"
    assert pc.is_floating_point() and not pc.is_complex() and pc.get_device() == -1
    assert cnn.UninitializedParameter(requires_grad=False).requires_grad is False
    assert str(cnn.UninitializedParameter(dtype=cr.float64).dtype) == "torch.float64"
    assert cnn.UninitializedBuffer().requires_grad is False
    assert cnn.UninitializedBuffer(persistent=False).persistent is False
    assert repr(pc.data) == repr(pt.data)
    assert pc.float() is pc and pc.to(cr.float32) is pc and pc.cpu() is pc
    assert type(pc.double()) is cr.Tensor and str(pc.double().dtype) == "torch.float64"
    assert type(cnn.UninitializedBuffer().double()) is cnn.UninitializedBuffer
    assert repr(copy.deepcopy(pc)) == "<UninitializedParameter>" and copy.deepcopy(pc) is not pc
    assert repr(copy.copy(pc)) == "<UninitializedParameter>"
    assert hash(pc) == hash(pc)


def test_uninitialized_parameter_materialize():
    for nn in (cnn, tnn):
        p = nn.UninitializedParameter()
        p.materialize((2, 3))
        assert type(p) is nn.Parameter and tuple(p.shape) == (2, 3) and p.requires_grad
        b = nn.UninitializedBuffer(dtype=cr.float64 if nn is cnn else torch.float64)
        b.materialize(4)
        assert type(b).__name__ == "Tensor" and tuple(b.shape) == (4,)
        assert str(b.dtype) == "torch.float64"
        q = nn.UninitializedParameter()
        q.materialize(3, dtype=cr.float64 if nn is cnn else torch.float64)
        assert str(q.dtype) == "torch.float64"


USES = [
    "p.shape",
    "p + 1",
    "1 + p",
    "1 - p",
    "p * 2",
    "p / 2",
    "2 / p",
    "p ** 2",
    "p @ p",
    "-p",
    "abs(p)",
    "p == 1",
    "p != 1",
    "p < 1",
    "p[0]",
    "len(p)",
    "bool(p)",
    "float(p)",
    "iter(p)",
    "format(p, '')",
    "p.sum()",
    "p.numel()",
    "p.nelement()",
    "p.dim()",
    "p.detach()",
    "p.t()",
    "p.clone()",
    "p.view(-1)",
    "p.zero_()",
    "p.tolist()",
    "p.numpy()",
    "p.requires_grad_(False)",
    "p.norm()",
    "p.split(1)",
    "p.backward()",
    "p.share_memory_()",
    "lib.add(p, 1)",
    "lib.sum(p)",
    "lib.cat([p, p])",
    "lib.zeros_like(p)",
    "lib.matmul(p, p)",
    "F.linear(lib.ones(2, 3), p)",
    "F.conv2d(lib.ones(1, 1, 3, 3), p)",
    "F.relu(p)",
    "F.batch_norm(lib.ones(2, 3), p, p)",
    "nn.init.uniform_(p)",
    "nn.init.kaiming_uniform_(p)",
    "copy.deepcopy(nn.UninitializedBuffer())",
]


@pytest.mark.parametrize("expr", USES)
def test_uninitialized_use_errors_match_torch(expr):
    def run(lib):
        nn = lib.nn
        env = {"p": nn.UninitializedParameter(), "lib": lib, "nn": nn, "F": nn.functional}
        env["copy"] = copy
        return eval(expr, env)

    both_raise(lambda: run(cr), lambda: run(torch))


def test_uninitialized_load_into_initialized_raises():
    both_raise(
        lambda: cnn.Linear(5, 3).load_state_dict(cnn.LazyLinear(3).state_dict()),
        lambda: tnn.Linear(5, 3).load_state_dict(tnn.LazyLinear(3).state_dict()),
        RuntimeError,
    )


# ------------------------------------------------------------------------------ lazy modules
LAZY = [
    ("LazyLinear(10)", (4, 3)),
    ("LazyLinear(4, bias=False)", (2, 5, 3)),
    ("LazyConv1d(4, 3)", (2, 3, 9)),
    ("LazyConv1d(4, 3, padding=1, bias=False)", (3, 9)),
    ("LazyConv2d(6, 3, stride=2, groups=2)", (2, 4, 7, 7)),
    ("LazyConv3d(2, 2, padding=1)", (1, 3, 4, 4, 4)),
    ("LazyConvTranspose1d(4, 3, stride=2)", (2, 3, 5)),
    ("LazyConvTranspose2d(4, 3, stride=2, padding=1, output_padding=1)", (1, 2, 4, 4)),
    ("LazyConvTranspose3d(2, 2, groups=2)", (1, 4, 2, 2, 2)),
    ("LazyBatchNorm1d()", (6, 3)),
    ("LazyBatchNorm1d(affine=False, momentum=None)", (6, 3, 4)),
    ("LazyBatchNorm2d(bias=False)", (2, 3, 4, 4)),
    ("LazyBatchNorm3d(track_running_stats=False)", (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d()", (2, 3, 6)),
    ("LazyInstanceNorm2d(affine=False, track_running_stats=False)", (2, 3, 4, 4)),
    ("LazyInstanceNorm3d()", (1, 2, 3, 3, 3)),
]


@pytest.mark.parametrize("expr,shape", LAZY)
def test_lazy_module_matches_torch(expr, shape):
    (mc, wc), (mt, wt) = caught(lambda: eval("cnn." + expr)), caught(lambda: eval("tnn." + expr))
    assert wc == wt == []  # torch 2.13 no longer warns that lazy modules are experimental
    assert repr(mc) == repr(mt)
    assert type(mc).__name__ == type(mt).__name__
    assert keys_and_reprs(mc.state_dict()) == keys_and_reprs(mt.state_dict())
    assert [n for n, _ in mc.named_parameters()] == [n for n, _ in mt.named_parameters()]
    assert [repr(p) for p in mc.parameters()] == [repr(p) for p in mt.parameters()]
    assert mc.has_uninitialized_params() == mt.has_uninitialized_params()

    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    xc = cr.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    cr.manual_seed(7)
    torch.manual_seed(7)
    (yc, wc), (yt, wt) = caught(lambda: mc(xc)), caught(lambda: mt(xt))
    assert wc == wt
    assert type(mc).__name__ == type(mt).__name__ == type(mt).__name__.removeprefix("Lazy")
    assert type(mc) is getattr(cnn, type(mt).__name__)
    assert repr(mc) == repr(mt)
    assert not any(cnn.parameter.is_lazy(t) for t in [*mc.parameters(), *mc.buffers()])
    assert not hasattr(mc, "_initialize_hook") and not mc._forward_pre_hooks
    sc, st = mc.state_dict(), mt.state_dict()
    assert list(sc) == list(st)
    for k in st:
        close(sc[k], st[k])
    close(yc, yt, rtol=1e-4, atol=1e-5)
    (yc * yc).sum().backward()
    (yt * yt).sum().backward()
    close(xc.grad, xt.grad, rtol=1e-4, atol=1e-4)
    for (_, pc), (_, pt) in zip(mc.named_parameters(), mt.named_parameters()):
        assert type(pc) is cnn.Parameter
        close(pc.grad, pt.grad, rtol=1e-4, atol=1e-4)
    # a second call runs the regular module
    (yc, wc), (yt, wt) = caught(lambda: mc(xc)), caught(lambda: mt(xt))
    assert wc == wt
    close(yc, yt, rtol=1e-4, atol=1e-5)


def test_lazy_linear_seeded_weights_equal_linear():
    cr.manual_seed(0)
    lazy = cnn.LazyLinear(10)
    lazy(cr.ones(4, 3))
    cr.manual_seed(0)
    regular = cnn.Linear(3, 10)
    torch.manual_seed(0)
    tl = tnn.LazyLinear(10)
    tl(torch.ones(4, 3))
    for name in ("weight", "bias"):
        assert np.array_equal(arr(getattr(lazy, name)), arr(getattr(regular, name)))
        assert np.array_equal(arr(getattr(lazy, name)), arr(getattr(tl, name)))


def test_lazy_construction_draws_no_random_numbers():
    cr.manual_seed(3)
    cnn.LazyConv2d(4, 3)
    cnn.LazyBatchNorm2d()
    a = cr.rand(3)
    cr.manual_seed(3)
    assert np.array_equal(arr(a), arr(cr.rand(3)))


def test_lazy_load_state_dict():
    src_c, src_t = cnn.Linear(5, 3), tnn.Linear(5, 3)
    src_t.load_state_dict({k: torch.tensor(arr(v)) for k, v in src_c.state_dict().items()})
    mc, mt = cnn.LazyLinear(3), tnn.LazyLinear(3)
    assert repr(mc.load_state_dict(src_c.state_dict())) == repr(
        mt.load_state_dict(src_t.state_dict())
    )
    # materialized with the checkpoint's shapes, still the lazy class until forward
    assert type(mc).__name__ == type(mt).__name__ == "LazyLinear" and repr(mc) == repr(mt)
    assert type(mc.weight) is cnn.Parameter and tuple(mc.weight.shape) == (3, 5)
    close(mc.weight, src_c.weight)
    x = cr.ones(2, 5)
    close(mc(x), src_c(x))
    mt(torch.ones(2, 5))
    assert type(mc) is cnn.Linear and repr(mc) == repr(mt)

    # lazy into lazy: nothing to copy, all keys match, still uninitialized
    a, b = cnn.LazyLinear(3), cnn.LazyLinear(3)
    assert repr(b.load_state_dict(a.state_dict())) == "<All keys matched successfully>"
    assert cnn.parameter.is_lazy(b.weight)
    # strict key checking is as for regular modules
    both_raise(
        lambda: cnn.LazyLinear(3).load_state_dict({"weight": cr.ones(3, 2)}),
        lambda: tnn.LazyLinear(3).load_state_dict({"weight": torch.ones(3, 2)}),
        RuntimeError,
    )
    bn_c, bn_t = cnn.LazyBatchNorm1d(), tnn.LazyBatchNorm1d()
    bn_c.load_state_dict(cnn.BatchNorm1d(4).state_dict())
    bn_t.load_state_dict(tnn.BatchNorm1d(4).state_dict())
    assert keys_and_reprs(bn_c.state_dict()) == keys_and_reprs(bn_t.state_dict())


def test_lazy_keep_vars_state_dict_and_deepcopy():
    m = cnn.LazyLinear(3)
    sd = m.state_dict(keep_vars=True)
    assert sd["weight"] is m.weight
    c = copy.deepcopy(m)
    assert repr(c) == repr(m) and cnn.parameter.is_lazy(c.weight) and c.weight is not m.weight
    c(cr.ones(1, 2))
    assert type(c) is cnn.Linear and cnn.parameter.is_lazy(m.weight)
    assert m._forward_pre_hooks  # the original keeps its hook
    both_raise(
        lambda: copy.deepcopy(cnn.LazyBatchNorm1d()),
        lambda: copy.deepcopy(tnn.LazyBatchNorm1d()),
        ValueError,
    )


def test_lazy_dtype_moves():
    for lib in (cr, torch):
        m = lib.nn.LazyLinear(3).double()
        assert str(m.weight.dtype) == "torch.float64" and lib.nn.parameter.is_lazy(m.weight)
        m(lib.ones(2, 4, dtype=lib.float64))
        assert str(m.weight.dtype) == "torch.float64"
        bn = lib.nn.LazyBatchNorm1d().double()
        assert type(bn.running_mean).__name__ == "UninitializedBuffer"
        bn(lib.randn(4, 3, dtype=lib.float64))
        assert str(bn.running_mean.dtype) == "torch.float64"
    # the parameters keep the construction dtype: a float64 input to a float32 layer fails
    mc, mt = cnn.LazyLinear(3), tnn.LazyLinear(3)
    both_raise(
        lambda: mc(cr.ones(2, 3, dtype=cr.float64)),
        lambda: mt(torch.ones(2, 3, dtype=torch.float64)),
        RuntimeError,
    )
    assert type(mc) is cnn.Linear  # the hook had already run, as in torch


def test_lazy_optimizer_before_initialization():
    x = np.random.default_rng(1).standard_normal((4, 5)).astype(np.float32)
    results = []
    for lib in (cr, torch):
        lib.manual_seed(0)
        m = lib.nn.LazyLinear(3)
        opt = lib.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
        for _ in range(3):
            opt.zero_grad()
            m(lib.tensor(x)).pow(2).sum().backward()
            opt.step()
        results.append((arr(m.weight), arr(m.bias), opt.state_dict()["param_groups"][0]["params"]))
    (wc, bc, pc), (wt, bt, pt) = results
    np.testing.assert_allclose(wc, wt, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bc, bt, rtol=1e-5, atol=1e-6)
    assert pc == pt


def test_lazy_errors_match_torch():
    both_raise(
        lambda: cnn.LazyConv2d(4, 3)(cr.ones(2, 2)),
        lambda: tnn.LazyConv2d(4, 3)(torch.ones(2, 2)),
        RuntimeError,
    )
    mc, mt = cnn.LazyConv2d(4, 3, groups=2), tnn.LazyConv2d(4, 3, groups=2)
    both_raise(lambda: mc(cr.ones(1, 3, 5, 5)), lambda: mt(torch.ones(1, 3, 5, 5)), ValueError)
    assert repr(mc) == repr(mt)
    both_raise(
        lambda: cnn.LazyInstanceNorm1d()(cr.ones(3, 5)),
        lambda: tnn.LazyInstanceNorm1d()(torch.ones(3, 5)),
        ValueError,
    )
    # a parameter materialized by hand leaves the module half initialized
    mc, mt = cnn.LazyLinear(3), tnn.LazyLinear(3)
    mc.weight.materialize((3, 4))
    mt.weight.materialize((3, 4))
    assert mc.has_uninitialized_params() == mt.has_uninitialized_params()
    both_raise(lambda: mc(cr.ones(2, 4)), lambda: mt(torch.ones(2, 4)), AttributeError)

    class Bare(cnn.modules.lazy.LazyModuleMixin, cnn.Module):
        pass

    class TBare(tnn.modules.lazy.LazyModuleMixin, tnn.Module):
        pass

    Bare.__name__ = TBare.__name__ = "Bare"
    both_raise(lambda: Bare()(1), lambda: TBare()(1), NotImplementedError)
    # calling forward directly (no hook) on uninitialized parameters: torch's refusal
    both_raise(
        lambda: cnn.LazyLinear(3).forward(cr.ones(2, 3)),
        lambda: tnn.LazyLinear(3).forward(torch.ones(2, 3)),
        ValueError,
    )
    both_raise(
        lambda: cnn.LazyLinear(3).requires_grad_(False),
        lambda: tnn.LazyLinear(3).requires_grad_(False),
        ValueError,
    )


def test_lazy_in_sequential():
    def build(lib):
        lib.manual_seed(0)
        nn = lib.nn
        net = nn.Sequential(
            nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(), nn.ReLU(), nn.Flatten(), nn.LazyLinear(2)
        )
        before = repr(net)
        out = net(lib.ones(2, 3, 6, 6))
        return before, repr(net), out, net.state_dict()

    bc, ac, oc, sc = build(cr)
    bt, at, ot, st = build(torch)
    assert bc == bt and ac == at
    close(oc, ot, rtol=1e-4, atol=1e-5)
    assert list(sc) == list(st)
    for k in st:
        close(sc[k], st[k])


# --------------------------------------------------------------------------- other classes
def test_rnn_cell_base():
    cr.manual_seed(0)
    torch.manual_seed(0)
    mc, mt = cnn.RNNCellBase(3, 4, True, 2), tnn.RNNCellBase(3, 4, True, 2)
    assert repr(mc) == repr(mt) == "RNNCellBase(3, 4)"
    assert repr(cnn.RNNCellBase(3, 4, False, 1)) == repr(tnn.RNNCellBase(3, 4, False, 1))
    for (nc, pc), (nt, pt) in zip(mc.named_parameters(), mt.named_parameters()):
        assert nc == nt
        close(pc, pt)
    both_raise(lambda: mc(cr.ones(2, 3)), lambda: mt(torch.ones(2, 3)), NotImplementedError)
    for name in ("RNNCell", "LSTMCell", "GRUCell"):
        assert isinstance(getattr(cnn, name)(2, 3), cnn.RNNCellBase)
    assert repr(cnn.RNNCell(2, 3, bias=False, nonlinearity="relu")) == repr(
        tnn.RNNCell(2, 3, bias=False, nonlinearity="relu")
    )
    cr.manual_seed(1)
    torch.manual_seed(1)
    gc, gt = cnn.GRUCell(3, 5), tnn.GRUCell(3, 5)
    close(gc.weight_hh, gt.weight_hh)
    x = np.ones((2, 3), np.float32)
    close(gc(cr.tensor(x)), gt(torch.tensor(x)))


def test_container_deprecated():
    (cc, wc), (ct, wt) = (
        caught(lambda: cnn.Container(a=cnn.Linear(2, 3), b=cnn.ReLU())),
        caught(lambda: tnn.Container(a=tnn.Linear(2, 3), b=tnn.ReLU())),
    )
    assert wc == wt and wc[0][0] is FutureWarning
    assert repr(cc) == repr(ct)
    assert list(cc.state_dict()) == list(ct.state_dict())
    assert cnn.Container.__deprecated__ == tnn.Container.__deprecated__

    def subclass(nn):
        class Sub(nn.Container):
            pass

        return Sub

    (sub_c, wc), (sub_t, wt) = caught(lambda: subclass(cnn)), caught(lambda: subclass(tnn))
    assert wc == wt and len(wc) == 1
    assert caught(lambda: sub_c(x=cnn.ReLU()))[1] == caught(lambda: sub_t(x=tnn.ReLU()))[1] == []
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        cnn.Container()
    assert w[0].filename == __file__  # reported at the caller, as torch


def test_nll_loss_2d_deprecated():
    (lc, wc), (lt, wt) = (
        caught(lambda: cnn.NLLLoss2d(ignore_index=1)),
        caught(lambda: tnn.NLLLoss2d(ignore_index=1)),
    )
    assert wc == wt and wc[0][0] is FutureWarning
    assert repr(lc) == repr(lt) and isinstance(lc, cnn.NLLLoss)
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 4)).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 3, (2, 4, 4))
    close(
        lc(cr.tensor(x).log_softmax(1), cr.tensor(y)),
        lt(torch.tensor(x).log_softmax(1), torch.tensor(y)),
    )


def test_data_parallel_cpu():
    cr.manual_seed(0)
    torch.manual_seed(0)
    (dc, wc), (dt, wt) = (
        caught(lambda: cnn.DataParallel(cnn.Linear(2, 3))),
        caught(lambda: tnn.DataParallel(tnn.Linear(2, 3))),
    )
    assert wc == wt == []
    assert repr(dc) == repr(dt)
    assert dc.device_ids == dt.device_ids == []
    assert list(dc.state_dict()) == list(dt.state_dict()) == ["module.weight", "module.bias"]
    assert isinstance(dc.module, cnn.Linear) and cnn.DataParallel is cnn.parallel.DataParallel
    x = np.ones((4, 2), np.float32)
    close(dc(cr.tensor(x)), dt(torch.tensor(x)))
    d2 = cnn.DataParallel(cnn.Linear(2, 3), device_ids=[0], output_device=0)
    assert d2.device_ids == [] and not hasattr(d2, "output_device")
    both_raise(
        lambda: cnn.parallel.data_parallel(cnn.Linear(2, 3), cr.ones(1, 2)),
        lambda: tnn.parallel.data_parallel(tnn.Linear(2, 3), torch.ones(1, 2)),
        RuntimeError,
    )
    lazy_c, lazy_t = cnn.DataParallel(cnn.LazyLinear(2)), tnn.DataParallel(tnn.LazyLinear(2))
    assert repr(lazy_c) == repr(lazy_t)
    lazy_c(cr.ones(1, 4))
    lazy_t(torch.ones(1, 4))
    assert repr(lazy_c) == repr(lazy_t)


def test_sync_batch_norm_cpu():
    mc, mt = cnn.SyncBatchNorm(3, momentum=None), tnn.SyncBatchNorm(3, momentum=None)
    assert repr(mc) == repr(mt) and mc.process_group is None
    assert list(mc.state_dict()) == list(mt.state_dict())
    rng = np.random.default_rng(0)
    for shape in ((4, 3), (4, 3, 5), (2, 3, 4, 4)):
        x = rng.standard_normal(shape).astype(np.float32)
        xc, xt = cr.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        yc, yt = mc(xc), mt(xt)
        close(yc, yt, rtol=1e-4, atol=1e-5)
        (yc * yc.detach()).sum().backward()
        (yt * yt.detach()).sum().backward()
        close(xc.grad, xt.grad, rtol=1e-4, atol=1e-4)
    close(mc.running_mean, mt.running_mean)
    close(mc.running_var, mt.running_var)
    assert int(mc.num_batches_tracked) == int(mt.num_batches_tracked) == 3
    mc.eval()
    mt.eval()
    x = rng.standard_normal((2, 3)).astype(np.float32)
    close(mc(cr.tensor(x)), mt(torch.tensor(x)), rtol=1e-4, atol=1e-5)
    both_raise(lambda: mc(cr.ones(3)), lambda: mt(torch.ones(3)), ValueError)
    both_raise(
        lambda: cnn.SyncBatchNorm(0)(cr.ones(2, 0)),
        lambda: tnn.SyncBatchNorm(0)(torch.ones(2, 0)),
        ValueError,
    )


def test_convert_sync_batchnorm():
    def build(nn):
        return nn.Sequential(
            nn.Conv2d(1, 2, 3),
            nn.BatchNorm2d(2, affine=False),
            nn.Sequential(nn.BatchNorm1d(4, bias=False), nn.InstanceNorm1d(4)),
        )

    nc, nt = build(cnn), build(tnn)
    nc[1].eval()
    cc = cnn.SyncBatchNorm.convert_sync_batchnorm(nc)
    ct = tnn.SyncBatchNorm.convert_sync_batchnorm(nt)
    assert repr(cc) == repr(ct)
    assert isinstance(cc[1], cnn.SyncBatchNorm) and not cc[1].training
    assert cc[2][0].weight is nc[2][0].weight and cc[2][0].running_mean is nc[2][0].running_mean
    assert isinstance(cc[2][1], cnn.InstanceNorm1d)  # instance norms are not batch norms


def test_norm_reprs_and_instance_norm_checks():
    for expr in (
        "BatchNorm1d(3, affine=False)",
        "BatchNorm2d(3, affine=False, bias=False)",
        "BatchNorm1d(3, bias=False)",
        "InstanceNorm1d(3, affine=True, bias=False)",
        "InstanceNorm2d(3, affine=True)",
    ):
        assert repr(eval("cnn." + expr)) == repr(eval("tnn." + expr))
    both_raise(
        lambda: cnn.InstanceNorm1d(3, affine=True)(cr.ones(2, 4, 5)),
        lambda: tnn.InstanceNorm1d(3, affine=True)(torch.ones(2, 4, 5)),
        ValueError,
    )
    (_, wc), (_, wt) = (
        caught(lambda: cnn.InstanceNorm1d(3)(cr.randn(2, 4, 5))),
        caught(lambda: tnn.InstanceNorm1d(3)(torch.randn(2, 4, 5))),
    )
    assert wc == wt and len(wc) == 1


def test_exports():
    for name in (
        "Buffer",
        "UninitializedParameter",
        "UninitializedBuffer",
        "DataParallel",
        "Container",
        "NLLLoss2d",
        "RNNCellBase",
        "SyncBatchNorm",
        "LazyLinear",
        "LazyConvTranspose3d",
        "LazyBatchNorm3d",
        "LazyInstanceNorm3d",
    ):
        assert hasattr(cnn, name) and hasattr(tnn, name)
        assert name in cnn.__all__
    assert sorted(cnn.parameter.__all__) == sorted(tnn.parameter.__all__)
    assert hasattr(cnn.modules.lazy, "LazyModuleMixin")
