"""Optimizer machinery and learning-rate schedulers against torch."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import chainrule as cr

torch = pytest.importorskip("torch")


def params(lib, n=2):
    return [lib.nn.Parameter(lib.ones(3) * (i + 1)) for i in range(n)]


def test_zero_grad_set_to_none_and_zero():
    p = params(cr)
    opt = cr.optim.SGD(p, lr=0.1)
    (p[0] * p[1]).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert p[0].grad is not None and float(p[0].grad.abs().sum()) == 0
    opt.zero_grad()
    assert p[0].grad is None and p[1].grad is None


def test_step_skips_params_without_grad_and_closure():
    p = params(cr)
    opt = cr.optim.Adam(p, lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p[0] ** 2).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss) == 3.0
    assert np.allclose(p[1].detach().numpy(), 2.0)
    assert not np.allclose(p[0].detach().numpy(), 1.0)
    assert p[1] not in opt.state


def test_errors_match_torch():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        cr.optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        cr.optim.Adam(params(cr), lr=-1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 0"):
        cr.optim.Adam(params(cr), betas=(1.0, 0.9))
    with pytest.raises(
        ValueError, match="Nesterov momentum requires a momentum and zero dampening"
    ):
        cr.optim.SGD(params(cr), lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        cr.optim.SGD(cr.ones(2, requires_grad=True), lr=0.1)
    x = cr.ones(2, requires_grad=True) * 2
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        cr.optim.SGD([x], lr=0.1)
    p = params(cr)
    opt = cr.optim.SGD([p[0]], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [p[0]]})


def test_param_groups_defaults_and_repr():
    p = params(cr, 3)
    opt = cr.optim.SGD([{"params": p[:1]}, {"params": p[1:], "lr": 0.5}], lr=0.1, momentum=0.9)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["momentum"] == 0.9
    tp = params(torch, 3)
    topt = torch.optim.SGD(
        [{"params": tp[:1]}, {"params": tp[1:], "lr": 0.5}], lr=0.1, momentum=0.9
    )
    assert set(opt.param_groups[0]) == set(topt.param_groups[0])
    assert repr(opt) == repr(topt)
    assert repr(cr.optim.Adam(params(cr))) == repr(torch.optim.Adam(params(torch)))


@pytest.mark.parametrize(
    "make",
    [
        lambda L, p: L.optim.Adam(p, lr=0.1, amsgrad=True),
        lambda L, p: L.optim.SGD(p, lr=0.1, momentum=0.9),
        lambda L, p: L.optim.RMSprop(p, lr=0.1, centered=True, momentum=0.5),
        lambda L, p: L.optim.Adagrad(p, lr=0.1),
        lambda L, p: L.optim.AdamW(p, lr=0.1),
    ],
)
def test_state_dict_matches_torch_and_round_trips(make):
    tp, cp = params(torch), params(cr)
    topt, copt = make(torch, tp), make(cr, cp)
    for ps, opt in ((tp, topt), (cp, copt)):
        for _ in range(2):
            opt.zero_grad()
            (ps[0] * ps[0] * ps[1]).sum().backward()
            opt.step()
    ts, cs = topt.state_dict(), copt.state_dict()
    assert cs["param_groups"] == ts["param_groups"]
    assert set(cs["state"]) == set(ts["state"])
    for k in ts["state"]:
        assert set(cs["state"][k]) == set(ts["state"][k])
        for name, v in ts["state"][k].items():
            c = cs["state"][k][name]
            if isinstance(v, torch.Tensor):
                assert c.dtype.name == str(v.dtype).split(".")[1], name
                assert tuple(c.shape) == tuple(v.shape), name
                np.testing.assert_allclose(c.numpy(), v.numpy(), rtol=1e-5)
            else:
                assert c == v
    # a fresh optimizer loaded from the state dict continues identically
    cp2 = [cr.nn.Parameter(p.detach().clone()) for p in cp]
    copt2 = make(cr, cp2)
    copt2.load_state_dict(copy.deepcopy(cs))
    for ps, opt in ((cp, copt), (cp2, copt2)):
        opt.zero_grad()
        (ps[0] * ps[0] * ps[1]).sum().backward()
        opt.step()
    for a, b in zip(cp, cp2):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_optimizer_save_load_round_trip(tmp_path):
    p = params(cr)
    opt = cr.optim.Adam(p, lr=0.1)
    (p[0] * p[1]).sum().backward()
    opt.step()
    cr.save(opt.state_dict(), tmp_path / "opt.pt")
    sd = cr.load(tmp_path / "opt.pt")
    opt2 = cr.optim.Adam(params(cr), lr=0.1)
    opt2.load_state_dict(sd)
    assert opt2.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
    assert float(opt2.state[opt2.param_groups[0]["params"][0]]["step"]) == 1.0


SCHEDS = {
    "step": lambda L, o: L.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    "multistep": lambda L, o: L.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.3),
    "exp": lambda L, o: L.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
    "cosine": lambda L, o: L.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.01),
    "lambda": lambda L, o: L.optim.lr_scheduler.LambdaLR(o, lambda e: 1 / (e + 1)),
    "lambda_list": lambda L, o: L.optim.lr_scheduler.LambdaLR(o, [lambda e: 0.9**e, lambda e: 1.0]),
    "linear": lambda L, o: L.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=6),
}


def test_reduce_lr_on_plateau_matches_torch():
    metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.94, 0.96, 0.97, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    seqs = []
    for lib in (torch, cr):
        opt = lib.optim.SGD(params(lib), lr=1.0)
        s = lib.optim.lr_scheduler.ReduceLROnPlateau(
            opt, factor=0.5, patience=1, cooldown=1, min_lr=0.1
        )
        seq = []
        for m in metrics:
            s.step(m)
            seq.append(s.get_last_lr()[0])
        seqs.append(seq)
    assert seqs[0] == seqs[1]


@pytest.mark.parametrize("name", list(SCHEDS))
def test_scheduler_values_match_torch(name):
    lrs = {}
    for lib in (torch, cr):
        ps = params(lib)
        opt = lib.optim.SGD([{"params": ps[:1]}, {"params": ps[1:], "lr": 0.5}], lr=0.1)
        sch = SCHEDS[name](lib, opt)
        seq = [sch.get_last_lr()]
        for _ in range(12):
            opt.step()
            sch.step()
            seq.append(sch.get_last_lr())
        lrs[lib.__name__] = seq
        assert [g["lr"] for g in opt.param_groups] == seq[-1]
        assert opt.param_groups[0]["initial_lr"] == 0.1
    np.testing.assert_allclose(lrs["chainrule"], lrs["torch"], rtol=1e-12)


def test_scheduler_state_dict_round_trip():
    p = params(cr)
    opt = cr.optim.SGD(p, lr=1.0)
    s = cr.optim.lr_scheduler.StepLR(opt, 2, 0.5)
    for _ in range(3):
        opt.step()
        s.step()
    sd = s.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 3
    opt2 = cr.optim.SGD(params(cr), lr=1.0)
    s2 = cr.optim.lr_scheduler.StepLR(opt2, 2, 0.5)
    s2.load_state_dict(sd)
    assert s2.last_epoch == 3 and s2.get_last_lr() == s.get_last_lr()


def test_clip_grad_norm_and_value_match_torch():
    rng = np.random.default_rng(0)
    g = [rng.standard_normal((3, 2)).astype(np.float32), rng.standard_normal(4).astype(np.float32)]
    for norm_type in (2.0, 1.0, float("inf")):
        for max_norm in (0.5, 100.0):
            tps = [torch.nn.Parameter(torch.zeros(a.shape)) for a in g]
            cps = [cr.nn.Parameter(cr.zeros(*a.shape)) for a in g]
            for tp, cp, a in zip(tps, cps, g):
                tp.grad = torch.tensor(a)
                cp.grad = cr.tensor(a)
            tn = torch.nn.utils.clip_grad_norm_(tps, max_norm, norm_type)
            cn = cr.nn.utils.clip_grad_norm_(cps, max_norm, norm_type)
            np.testing.assert_allclose(cn.item(), tn.item(), rtol=1e-6)
            for tp, cp in zip(tps, cps):
                np.testing.assert_allclose(cp.grad.numpy(), tp.grad.numpy(), rtol=1e-6)
    cp = cr.nn.Parameter(cr.zeros(3))
    cp.grad = cr.tensor([-2.0, 0.5, 3.0])
    cr.nn.utils.clip_grad_value_([cp], 1.0)
    assert cp.grad.tolist() == [-1.0, 0.5, 1.0]


def test_parameters_to_vector_round_trip():
    m = cr.nn.Linear(3, 2)
    v = cr.nn.utils.parameters_to_vector(m.parameters())
    assert v.shape == (8,)
    cr.nn.utils.vector_to_parameters(v * 0 + 1, m.parameters())
    assert float(m.weight.sum()) == 6.0 and float(m.bias.sum()) == 2.0


def _sgd_l1_class(lib):
    """The seeds' "rewrite SGD with an L1 penalty" optimizer, written once against the torch API."""
    import importlib

    from_opt = importlib.import_module(lib.__name__ + ".optim.optimizer")

    class SGDL1(lib.optim.Optimizer):
        def __init__(self, params, lr=from_opt.required, l1=0.0):
            super().__init__(params, dict(lr=lr, l1=l1))

        @lib.no_grad()
        def step(self, closure=None):
            loss = None
            if closure is not None:
                with lib.enable_grad():
                    loss = closure()
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    d_p = p.grad
                    if group["l1"] != 0:
                        d_p = d_p.add(lib.sign(p), alpha=group["l1"])
                    state = self.state[p]
                    state["n"] = state.get("n", 0) + 1
                    p.add_(d_p, alpha=-group["lr"])
            return loss

    return SGDL1


def test_custom_optimizer_subclass_matches_torch():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 3)).astype(np.float32)
    y = rng.standard_normal((8, 1)).astype(np.float32)
    finals = []
    for lib in (torch, cr):
        lib.manual_seed(0)
        m = lib.nn.Linear(3, 1)
        with lib.no_grad():
            m.weight.copy_(lib.tensor([[0.1, -0.2, 0.3]]))
            m.bias.zero_()
        opt = _sgd_l1_class(lib)(m.parameters(), lr=0.1, l1=0.01)
        for _ in range(5):

            def closure():
                opt.zero_grad()
                loss = lib.nn.functional.mse_loss(m(lib.tensor(x)), lib.tensor(y))
                loss.backward()
                return loss

            opt.step(closure)
        assert opt.state[m.weight]["n"] == 5
        finals.append(m.weight.detach().numpy().copy())
    np.testing.assert_allclose(finals[1], finals[0], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="required optimization parameter lr"):
        _sgd_l1_class(cr)([cr.nn.Parameter(cr.ones(1))])


def test_scheduler_before_optimizer_warns_like_torch():
    import warnings

    for lib in (torch, cr):
        opt = lib.optim.SGD(params(lib), lr=1.0)
        s = lib.optim.lr_scheduler.StepLR(opt, 1)
        with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` before"):
            s.step()
        opt2 = _sgd_l1_class(lib)(params(lib), lr=1.0)
        s2 = lib.optim.lr_scheduler.StepLR(opt2, 1)
        opt2.step()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            s2.step()
