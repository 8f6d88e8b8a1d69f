"""ConstantLR, MultiplicativeLR, PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR,
SequentialLR and ChainedScheduler against torch: lrs (and cycled momentum/betas) step by step,
``step(epoch)`` forms, state dicts and resuming from them, errors and warnings."""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import pytest

import chainrule as cr


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


# ---------------------------------------------------------------------------- helpers

GROUP_KEYS = (
    "lr",
    "initial_lr",
    "momentum",
    "betas",
    "max_lr",
    "min_lr",
    "max_momentum",
    "base_momentum",
)


def make_opt(lib, kind="sgd"):
    ps = [lib.nn.Parameter(lib.ones(3) * (i + 1)) for i in range(2)]
    groups = [{"params": ps[:1]}, {"params": ps[1:], "lr": 0.5}]
    if kind == "sgd":
        opt = lib.optim.SGD(groups, lr=0.1, momentum=0.9)
    elif kind == "adam":
        opt = lib.optim.Adam(groups, lr=0.1, betas=(0.9, 0.99))
    elif kind == "adagrad":
        opt = lib.optim.Adagrad(groups, lr=0.1)
    else:  # plain SGD, no momentum
        opt = lib.optim.SGD(groups, lr=0.1)
    return ps, opt


def assert_same(c, t, path="value"):
    """Recursive equality with the same builtin types; floats bit-for-bit (chainrule evaluates
    torch's formulas in torch's order, so not even the last ulp may differ)."""
    assert type(c).__name__ == type(t).__name__, f"{path}: {type(c)} vs {type(t)}"
    if isinstance(t, dict):
        assert list(c) == list(t) or set(c) == set(t), f"{path}: keys {list(c)} vs {list(t)}"
        for k in t:
            assert_same(c[k], t[k], f"{path}[{k!r}]")
    elif isinstance(t, (list, tuple)):
        assert len(c) == len(t), f"{path}: length {len(c)} vs {len(t)}"
        for i, (a, b) in enumerate(zip(c, t)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(t, float):
        if math.isnan(t):
            assert math.isnan(c), path
        else:
            assert c == t, f"{path}: {c!r} vs {t!r}"
    else:
        assert c == t, f"{path}: {c!r} vs {t!r}"


def snapshot(sched, opt):
    groups = [{k: g[k] for k in GROUP_KEYS if k in g} for g in opt.param_groups]
    last_epoch = getattr(sched, "last_epoch", None)  # ChainedScheduler has none
    return {"last_lr": sched.get_last_lr(), "last_epoch": last_epoch, "groups": groups}


def train_step(ps, opt):
    opt.zero_grad()
    loss = ((ps[0] * ps[0]).sum() + (ps[1] * ps[1]).sum()) * 0.01
    loss.backward()
    opt.step()


def drive(lib, make_sched, kind="sgd", steps=20, train=True, start=None):
    """Build optimizer + scheduler, then step (``None``: ``step()``, a number: ``step(n)``).
    Returns the per-step snapshots, the warnings (category, text), the scheduler, optimizer and
    parameters."""
    steps = [None] * steps if isinstance(steps, int) else list(steps)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if start is None:
            ps, opt = make_opt(lib, kind)
            sched = make_sched(lib, opt)
        else:
            ps, opt, sched = start
        rec = [snapshot(sched, opt)]
        for e in steps:
            if train:
                train_step(ps, opt)
            if e is None:
                sched.step()
            else:
                sched.step(e)
            rec.append(snapshot(sched, opt))
    warns = [(w.category.__name__, str(w.message)) for w in caught]
    return rec, warns, sched, opt, ps


def S(name):
    return lambda lib: getattr(lib.optim.lr_scheduler, name)


def frac(n_epochs, per_epoch):
    return [e + i / per_epoch for e in range(n_epochs) for i in range(per_epoch)]


def seq_two(lib, o, a, b, milestone):
    return lib.optim.lr_scheduler.SequentialLR(o, [a(lib, o), b(lib, o)], milestones=[milestone])


CASES = {
    # ConstantLR
    "constant_default": (lambda lib, o: S("ConstantLR")(lib)(o), "sgd", 9),
    "constant_half": (lambda lib, o: S("ConstantLR")(lib)(o, factor=0.5, total_iters=3), "sgd", 8),
    "constant_one": (lambda lib, o: S("ConstantLR")(lib)(o, factor=1.0, total_iters=2), "sgd", 4),
    "constant_epoch_form": (
        lambda lib, o: S("ConstantLR")(lib)(o, factor=0.25, total_iters=4),
        "sgd",
        [None, 2, None, 5, 1, None, None, 4],
    ),
    # MultiplicativeLR
    "multiplicative": (lambda lib, o: S("MultiplicativeLR")(lib)(o, lambda e: 0.95), "sgd", 12),
    "multiplicative_list": (
        lambda lib, o: S("MultiplicativeLR")(lib)(o, [lambda e: 0.9, lambda e: 1 + 0.01 * e]),
        "adam",
        12,
    ),
    "multiplicative_epoch_form": (
        lambda lib, o: S("MultiplicativeLR")(lib)(o, lambda e: 0.5 + e / 20),
        "sgd",
        [None, 3, None, 0, 7],
    ),
    # PolynomialLR
    "poly_default": (lambda lib, o: S("PolynomialLR")(lib)(o), "sgd", 8),
    "poly_power2": (lambda lib, o: S("PolynomialLR")(lib)(o, total_iters=6, power=2.0), "sgd", 10),
    "poly_sqrt": (lambda lib, o: S("PolynomialLR")(lib)(o, total_iters=7, power=0.5), "adam", 10),
    "poly_epoch_form": (
        lambda lib, o: S("PolynomialLR")(lib)(o, total_iters=6, power=1.5),
        "sgd",
        [None, 2, 4, None, 7, None, 1, None],
    ),
    # step(epoch) of the older schedulers that use a closed form
    "linear_epoch_form": (
        lambda lib, o: S("LinearLR")(lib)(o, start_factor=0.2, end_factor=0.9, total_iters=5),
        "sgd",
        [None, 3, None, 8, 2, None],
    ),
    "multistep_epoch_form": (
        lambda lib, o: S("MultiStepLR")(lib)(o, milestones=[2, 4, 4], gamma=0.5),
        "sgd",
        [None, 4, None, 1, 6, None],
    ),
    # CosineAnnealingWarmRestarts
    "cawr": (lambda lib, o: S("CosineAnnealingWarmRestarts")(lib)(o, T_0=3), "sgd", 20),
    "cawr_mult": (
        lambda lib, o: S("CosineAnnealingWarmRestarts")(lib)(o, T_0=2, T_mult=2, eta_min=0.01),
        "sgd",
        35,
    ),
    "cawr_fractional": (
        lambda lib, o: S("CosineAnnealingWarmRestarts")(lib)(o, T_0=2, T_mult=2, eta_min=0.001),
        "adam",
        frac(12, 4),
    ),
    "cawr_fractional_mult1": (
        lambda lib, o: S("CosineAnnealingWarmRestarts")(lib)(o, T_0=3, eta_min=0.01),
        "sgd",
        frac(8, 3),
    ),
    "cawr_interleaved": (
        lambda lib, o: S("CosineAnnealingWarmRestarts")(lib)(o, T_0=2, T_mult=3),
        "sgd",
        [None] * 5 + [26, None, None, 3.5, None, 0, None, 1, 2, 100.25, None],
    ),
    # CyclicLR
    "cyclic_triangular": (
        lambda lib, o: S("CyclicLR")(lib)(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
        "sgd",
        30,
    ),
    "cyclic_triangular2": (
        lambda lib, o: S("CyclicLR")(lib)(
            o, base_lr=0.01, max_lr=0.3, step_size_up=3, step_size_down=5, mode="triangular2"
        ),
        "sgd",
        40,
    ),
    "cyclic_exp_range_adam": (
        lambda lib, o: S("CyclicLR")(lib)(
            o, base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=5, mode="exp_range", gamma=0.9
        ),
        "adam",
        30,
    ),
    "cyclic_scale_fn_cycle": (
        lambda lib, o: S("CyclicLR")(lib)(
            o, base_lr=0.01, max_lr=0.1, step_size_up=2, scale_fn=lambda x: 0.5**x
        ),
        "sgd",
        20,
    ),
    "cyclic_scale_fn_iterations": (
        lambda lib, o: S("CyclicLR")(lib)(
            o,
            base_lr=0.01,
            max_lr=0.1,
            step_size_up=3,
            step_size_down=2,
            scale_fn=lambda x: 1 / (1 + 0.1 * x),
            scale_mode="iterations",
            base_momentum=[0.7, 0.75],
            max_momentum=[0.95, 0.9],
        ),
        "adam",
        25,
    ),
    "cyclic_no_momentum": (
        lambda lib, o: S("CyclicLR")(lib)(
            o, base_lr=0.05, max_lr=0.2, step_size_up=3, cycle_momentum=False
        ),
        "adagrad",
        15,
    ),
    "cyclic_plain_sgd_momentum": (
        lambda lib, o: S("CyclicLR")(lib)(o, base_lr=0.05, max_lr=0.2, step_size_up=3),
        "plain",
        15,
    ),
    "cyclic_epoch_form": (
        lambda lib, o: S("CyclicLR")(lib)(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
        "sgd",
        [None, 5, None, 2, 13, None],
    ),
    # OneCycleLR
    "onecycle_cos": (lambda lib, o: S("OneCycleLR")(lib)(o, max_lr=1.0, total_steps=20), "sgd", 20),
    "onecycle_linear_three_phase_adam": (
        lambda lib, o: S("OneCycleLR")(lib)(
            o, max_lr=[0.5, 2.0], total_steps=30, anneal_strategy="linear", three_phase=True
        ),
        "adam",
        30,
    ),
    "onecycle_cos_three_phase": (
        lambda lib, o: S("OneCycleLR")(lib)(
            o, max_lr=1.0, total_steps=25, pct_start=0.4, three_phase=True
        ),
        "sgd",
        25,
    ),
    "onecycle_epochs_steps": (
        lambda lib, o: S("OneCycleLR")(lib)(
            o,
            max_lr=0.8,
            epochs=4,
            steps_per_epoch=5,
            pct_start=0.25,
            div_factor=10.0,
            final_div_factor=100.0,
            base_momentum=[0.8, 0.7],
            max_momentum=[0.9, 0.99],
        ),
        "adam",
        20,
    ),
    "onecycle_no_momentum": (
        lambda lib, o: S("OneCycleLR")(lib)(o, max_lr=0.3, total_steps=12, cycle_momentum=False),
        "adagrad",
        12,
    ),
    "onecycle_epoch_form": (
        lambda lib, o: S("OneCycleLR")(lib)(o, max_lr=1.0, total_steps=20),
        "sgd",
        [None, 7, None, 3, 20],
    ),
    # SequentialLR
    "sequential_constant_exp": (
        lambda lib, o: seq_two(
            lib,
            o,
            lambda lib, o: S("ConstantLR")(lib)(o, factor=0.5, total_iters=3),
            lambda lib, o: S("ExponentialLR")(lib)(o, gamma=0.9),
            3,
        ),
        "sgd",
        12,
    ),
    "sequential_linear_cosine": (
        lambda lib, o: seq_two(
            lib,
            o,
            lambda lib, o: S("LinearLR")(lib)(o, start_factor=0.25, total_iters=4),
            lambda lib, o: S("CosineAnnealingLR")(lib)(o, T_max=6, eta_min=0.01),
            4,
        ),
        "adam",
        16,
    ),
    "sequential_three": (
        lambda lib, o: S("SequentialLR")(lib)(
            o,
            [
                S("ConstantLR")(lib)(o, factor=0.1, total_iters=2),
                S("MultiStepLR")(lib)(o, milestones=[2, 4], gamma=0.5),
                S("StepLR")(lib)(o, step_size=2, gamma=0.7),
            ],
            milestones=[3, 8],
        ),
        "sgd",
        14,
    ),
    "sequential_warm_restarts": (
        lambda lib, o: seq_two(
            lib,
            o,
            lambda lib, o: S("LinearLR")(lib)(o, start_factor=0.5, total_iters=3),
            lambda lib, o: S("CosineAnnealingWarmRestarts")(lib)(o, T_0=3),
            4,
        ),
        "sgd",
        14,
    ),
    "sequential_of_chained": (
        lambda lib, o: S("SequentialLR")(lib)(
            o,
            [
                S("ChainedScheduler")(lib)(
                    [
                        S("ConstantLR")(lib)(o, factor=0.5, total_iters=2),
                        S("ExponentialLR")(lib)(o, gamma=0.8),
                    ]
                ),
                S("PolynomialLR")(lib)(o, total_iters=4, power=2.0),
            ],
            milestones=[5],
        ),
        "sgd",
        12,
    ),
    # ChainedScheduler
    "chained_constant_exp": (
        lambda lib, o: S("ChainedScheduler")(lib)(
            [
                S("ConstantLR")(lib)(o, factor=0.5, total_iters=4),
                S("ExponentialLR")(lib)(o, gamma=0.9),
            ]
        ),
        "sgd",
        10,
    ),
    "chained_three_with_optimizer": (
        lambda lib, o: S("ChainedScheduler")(lib)(
            [
                S("LinearLR")(lib)(o, start_factor=0.3, total_iters=3),
                S("StepLR")(lib)(o, step_size=3, gamma=0.5),
                S("MultiplicativeLR")(lib)(o, lambda e: 0.97),
            ],
            optimizer=o,
        ),
        "adam",
        12,
    ),
}


def _compare_runs(torch, make, kind, steps, train=True):
    trec, twarn, tsch, topt, tps = drive(torch, make, kind, steps, train)
    crec, cwarn, csch, copt, cps = drive(cr, make, kind, steps, train)
    assert_same(crec, trec, "records")
    assert cwarn == twarn
    for c, t in zip(cps, tps):
        np.testing.assert_allclose(c.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)
    return tsch, csch


# ---------------------------------------------------------------------------- values


@pytest.mark.parametrize("name", list(CASES))
def test_values_and_warnings_match_torch(torch, name):
    make, kind, steps = CASES[name]
    _compare_runs(torch, make, kind, steps)


@pytest.mark.parametrize(
    "name",
    [
        "constant_half",
        "multiplicative",
        "poly_power2",
        "cawr",
        "cyclic_triangular",
        "onecycle_cos",
        "sequential_constant_exp",
        "chained_constant_exp",
    ],
)
def test_scheduler_step_before_optimizer_step_warns_like_torch(torch, name):
    make, kind, steps = CASES[name]
    _compare_runs(torch, make, kind, 4, train=False)


def test_fractional_epochs_cawr_values(torch):
    make, kind, steps = CASES["cawr_fractional"]
    trec = drive(torch, make, kind, steps)[0]
    assert any(isinstance(r["last_epoch"], int) for r in trec)
    _compare_runs(torch, make, kind, steps)
    # T_cur is fractional like torch's
    _, _, tsch, _, _ = drive(torch, make, kind, [5.75])
    _, _, csch, _, _ = drive(cr, make, kind, [5.75])
    assert_same(csch.T_cur, tsch.T_cur)
    assert_same(csch.T_i, tsch.T_i)
    assert csch.last_epoch == tsch.last_epoch == 5


# ---------------------------------------------------------------------------- state dicts


@pytest.mark.parametrize("name", list(CASES))
def test_state_dict_matches_torch(torch, name):
    make, kind, steps = CASES[name]
    part = 7 if isinstance(steps, int) else steps[:4]
    tsch = drive(torch, make, kind, part)[2]
    csch = drive(cr, make, kind, part)[2]
    assert_same(csch.state_dict(), tsch.state_dict(), "state_dict")


def _resume(lib, make, kind, steps, k):
    """Run ``k`` steps, save, load into a fresh optimizer + scheduler, run the rest."""
    _, _, sched, opt, ps = drive(lib, make, kind, steps[:k])
    sd = copy.deepcopy(sched.state_dict())
    osd = copy.deepcopy(opt.state_dict())
    # new parameters with the same values, new optimizer and scheduler, then load
    ps2 = [lib.nn.Parameter(p.detach().clone()) for p in ps]
    _, opt2 = make_opt(lib, kind)
    opt2.param_groups[0]["params"], opt2.param_groups[1]["params"] = ps2[:1], ps2[1:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the children's constructor steps, compared elsewhere
        sched2 = make(lib, opt2)
    opt2.load_state_dict(osd)
    sched2.load_state_dict(sd)
    loaded = snapshot(sched2, opt2)
    rec = drive(lib, make, kind, steps[k:], start=(ps2, opt2, sched2))[0]
    return sd, loaded, rec


@pytest.mark.parametrize("name", list(CASES))
def test_load_state_dict_resumes_like_torch(torch, name):
    make, kind, steps = CASES[name]
    steps = [None] * steps if isinstance(steps, int) else list(steps)
    k = len(steps) // 2
    trec = drive(torch, make, kind, steps)[0]
    tsd, tloaded, tresumed = _resume(torch, make, kind, steps, k)
    csd, cloaded, cresumed = _resume(cr, make, kind, steps, k)
    # the argument is left as torch leaves it (CyclicLR pops ``_scale_fn_custom`` from it)
    assert_same(csd, tsd, "state dict after load")
    assert_same(cloaded, trec[k], "resumed state")
    assert_same(cresumed, trec[k:], "resumed records")
    assert_same(tresumed, trec[k:], "torch's resumed records")


class _Decay:
    """A callable object: its attributes are saved in state dicts (a lambda is not)."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, x):
        return self.rate**x


def test_callable_objects_saved_in_state_dict(torch):
    left = []
    for lib in (torch, cr):
        sched_mod = lib.optim.lr_scheduler
        _, opt = make_opt(lib)
        fn = _Decay(0.5)
        s = sched_mod.CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=fn)
        sd = s.state_dict()
        assert sd["_scale_fn_custom"] == {"rate": 0.5}
        assert "_scale_fn_ref" not in sd
        fn2 = _Decay(0.9)
        s2 = sched_mod.CyclicLR(make_opt(lib)[1], 0.01, 0.1, step_size_up=2, scale_fn=fn2)
        s2.load_state_dict(sd)
        assert fn2.rate == 0.5
        left.append(sorted(sd))  # torch's CyclicLR pops _scale_fn_custom from the argument
        m = sched_mod.MultiplicativeLR(make_opt(lib)[1], [_Decay(0.7), lambda e: 0.9])
        assert m.state_dict()["lr_lambdas"] == [{"rate": 0.7}, None]
    assert left[1] == left[0]
    # the built-in modes drop their (unpicklable) scale function and rebuild it on load
    _, opt = make_opt(cr)
    s = cr.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=2, mode="exp_range", gamma=0.5)
    sd = s.state_dict()
    assert sd["_scale_fn_custom"] is None and "_scale_fn_ref" not in sd
    s3 = cr.optim.lr_scheduler.CyclicLR(make_opt(cr)[1], 0.01, 0.1, step_size_up=2)
    s3.load_state_dict(copy.deepcopy(sd))
    assert s3.scale_mode == "iterations" and s3.scale_fn(2) == 0.25


def test_state_dict_pickles_through_save_load(tmp_path):
    _, opt = make_opt(cr, "adam")
    s = cr.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, three_phase=True)
    for _ in range(3):
        opt.step()
        s.step()
    cr.save(s.state_dict(), tmp_path / "s.pt")
    assert cr.load(tmp_path / "s.pt") == s.state_dict()


# ---------------------------------------------------------------------------- errors


def _error(fn, lib):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn(lib)
        except Exception as e:  # noqa: BLE001 - compared with torch's
            return type(e).__name__, str(e)
    return None


def _past_total_steps(lib):
    _, opt = make_opt(lib)
    s = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=5)
    for _ in range(6):
        opt.step()
        s.step()


def _constant_factor_zero(lib):
    _, opt = make_opt(lib)
    s = lib.optim.lr_scheduler.ConstantLR(opt, factor=0.0, total_iters=2)
    for _ in range(3):
        opt.step()
        s.step()


def _group_added_then_closed_form(lib):
    _, opt = make_opt(lib)
    s = lib.optim.lr_scheduler.PolynomialLR(opt, total_iters=4)
    opt.add_param_group({"params": [lib.nn.Parameter(lib.ones(2))]})
    s.step()
    s.step(2)


def _two_optimizers(lib, cls):
    _, o1 = make_opt(lib)
    _, o2 = make_opt(lib)
    a = lib.optim.lr_scheduler.ConstantLR(o1)
    b = lib.optim.lr_scheduler.ExponentialLR(o2, 0.9)
    if cls == "SequentialLR":
        lib.optim.lr_scheduler.SequentialLR(o1, [a, b], [2])
    else:
        lib.optim.lr_scheduler.ChainedScheduler([a, b])


def _with_plateau(lib, cls):
    _, o = make_opt(lib)
    a = lib.optim.lr_scheduler.ConstantLR(o)
    b = lib.optim.lr_scheduler.ReduceLROnPlateau(o)
    if cls == "SequentialLR":
        lib.optim.lr_scheduler.SequentialLR(o, [a, b], [2])
    else:
        lib.optim.lr_scheduler.ChainedScheduler([a, b], optimizer=o)


class _NoOptimizer:
    pass


def _sched(name, *args, kind="sgd", **kwargs):
    return lambda lib: getattr(lib.optim.lr_scheduler, name)(
        make_opt(lib, kind)[1], *args, **kwargs
    )


ERRORS = {
    "constant_factor_big": _sched("ConstantLR", factor=1.5),
    "constant_factor_negative": _sched("ConstantLR", factor=-0.1),
    "constant_factor_zero_step": _constant_factor_zero,
    "constant_not_optimizer": lambda lib: lib.optim.lr_scheduler.ConstantLR(object()),
    "constant_resume_without_initial_lr": _sched("ConstantLR", last_epoch=3),
    "multiplicative_not_callable": _sched("MultiplicativeLR", 0.5),
    "multiplicative_not_callable_in_list": _sched("MultiplicativeLR", [lambda e: 1.0, "x"]),
    "multiplicative_wrong_length": _sched("MultiplicativeLR", [lambda e: 1.0]),
    "poly_group_added": _group_added_then_closed_form,
    "cawr_T0_zero": _sched("CosineAnnealingWarmRestarts", 0),
    "cawr_T0_float": _sched("CosineAnnealingWarmRestarts", 2.5),
    "cawr_Tmult_zero": _sched("CosineAnnealingWarmRestarts", 2, T_mult=0),
    "cawr_Tmult_float": _sched("CosineAnnealingWarmRestarts", 2, T_mult=1.5),
    "cawr_eta_min_str": _sched("CosineAnnealingWarmRestarts", 2, eta_min="0.1"),
    "cawr_negative_epoch": lambda lib: _sched("CosineAnnealingWarmRestarts", 2)(lib).step(-1),
    "cyclic_bad_mode": _sched("CyclicLR", 0.01, 0.1, mode="sawtooth"),
    "cyclic_base_lr_length": _sched("CyclicLR", [0.01, 0.02, 0.03], 0.1),
    "cyclic_max_lr_length": _sched("CyclicLR", 0.01, [0.1]),
    "cyclic_momentum_unsupported": _sched("CyclicLR", 0.01, 0.1, kind="adagrad"),
    "cyclic_momentum_length": _sched("CyclicLR", 0.01, 0.1, base_momentum=[0.8]),
    "cyclic_not_optimizer": lambda lib: lib.optim.lr_scheduler.CyclicLR(None, 0.01, 0.1),
    "cyclic_resume_without_initial_lr": _sched("CyclicLR", 0.01, 0.1, last_epoch=4),
    "onecycle_no_steps": _sched("OneCycleLR", 1.0),
    "onecycle_only_epochs": _sched("OneCycleLR", 1.0, epochs=3),
    "onecycle_total_zero": _sched("OneCycleLR", 1.0, total_steps=0),
    "onecycle_total_float": _sched("OneCycleLR", 1.0, total_steps=10.0),
    "onecycle_epochs_zero": _sched("OneCycleLR", 1.0, epochs=0, steps_per_epoch=3),
    "onecycle_steps_per_epoch_float": _sched("OneCycleLR", 1.0, epochs=2, steps_per_epoch=1.5),
    "onecycle_pct_big": _sched("OneCycleLR", 1.0, total_steps=10, pct_start=1.5),
    "onecycle_pct_int": _sched("OneCycleLR", 1.0, total_steps=10, pct_start=1),
    "onecycle_anneal": _sched("OneCycleLR", 1.0, total_steps=10, anneal_strategy="exp"),
    "onecycle_max_lr_length": _sched("OneCycleLR", [1.0, 2.0, 3.0], total_steps=10),
    "onecycle_momentum_unsupported": _sched("OneCycleLR", 1.0, total_steps=10, kind="adagrad"),
    "onecycle_past_total_steps": _past_total_steps,
    "onecycle_not_optimizer": lambda lib: lib.optim.lr_scheduler.OneCycleLR(3, 1.0, 10),
    "sequential_empty": _sched("SequentialLR", [], []),
    "sequential_milestones": lambda lib: (
        lambda o: lib.optim.lr_scheduler.SequentialLR(
            o, [lib.optim.lr_scheduler.ConstantLR(o)], milestones=[3]
        )
    )(make_opt(lib)[1]),
    "sequential_no_optimizer_attr": _sched("SequentialLR", [_NoOptimizer()], []),
    "sequential_plateau": lambda lib: _with_plateau(lib, "SequentialLR"),
    "sequential_other_optimizer": lambda lib: _two_optimizers(lib, "SequentialLR"),
    "sequential_step_epoch": lambda lib: (
        lambda o: lib.optim.lr_scheduler.SequentialLR(
            o, [lib.optim.lr_scheduler.ConstantLR(o)], milestones=[]
        )
    )(make_opt(lib)[1]).step(3),
    "chained_empty": lambda lib: lib.optim.lr_scheduler.ChainedScheduler([]),
    "chained_no_optimizer_attr": lambda lib: lib.optim.lr_scheduler.ChainedScheduler(
        [_NoOptimizer()]
    ),
    "chained_plateau": lambda lib: _with_plateau(lib, "ChainedScheduler"),
    "chained_other_optimizer": lambda lib: _two_optimizers(lib, "ChainedScheduler"),
    "chained_get_lr": lambda lib: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.ConstantLR(make_opt(lib)[1])]
    ).get_lr(),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(torch, name):
    expected = _error(ERRORS[name], torch)
    assert expected is not None, "torch raised nothing"
    assert _error(ERRORS[name], cr) == expected


def test_past_total_steps_state_like_torch(torch):
    got = []
    for lib in (torch, cr):
        _, opt = make_opt(lib)
        s = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=3)
        for _ in range(3):
            opt.step()
            s.step()
        with pytest.raises(ValueError, match="Tried to step 4 times"):
            s.step()
        got.append((s.last_epoch, s._step_count, s.get_last_lr(), s._get_lr_called_within_step))
    assert_same(got[1], got[0])


# ---------------------------------------------------------------------------- warnings


@pytest.mark.parametrize(
    "name",
    [
        "constant_half",
        "multiplicative_list",
        "poly_power2",
        "cawr_mult",
        "cyclic_exp_range_adam",
        "cyclic_triangular",
        "onecycle_linear_three_phase_adam",
        "sequential_constant_exp",
    ],
)
def test_get_lr_outside_step_warns_like_torch(torch, name):
    make, kind, _ = CASES[name]
    out = []
    for lib in (torch, cr):
        _, _, sched, opt, _ = drive(lib, make, kind, 3)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = sched.get_lr()
            except NotImplementedError:
                value = "NotImplementedError"
            # and within step there is no such warning
            opt.step()
            sched.step()
        out.append(
            (
                value,
                snapshot(sched, opt),
                [(w.category.__name__, str(w.message)) for w in caught],
            )
        )
    assert_same(out[1], out[0])
    if name != "sequential_constant_exp":
        assert out[0][2] and "get_last_lr()" in out[0][2][0][1]


def test_overridden_optimizer_step_warns_like_torch(torch):
    for lib in (torch, cr):
        _, opt = make_opt(lib)
        s = lib.optim.lr_scheduler.PolynomialLR(opt, total_iters=4)
        opt.step = lambda closure=None: None
        with pytest.warns(
            UserWarning, match="Seems like `optimizer.step\\(\\)` has been overridden"
        ):
            s.step()


def test_epoch_argument_deprecation_warning(torch):
    for lib in (torch, cr):
        _, opt = make_opt(lib)
        s = lib.optim.lr_scheduler.ConstantLR(opt)
        opt.step()
        with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)`"):
            s.step(3)
        p = lib.optim.lr_scheduler.ReduceLROnPlateau(opt)
        with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)`"):
            p.step(1.0, 2)
        w = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            w.step(1.5)  # its own step(epoch): no deprecation warning


# ---------------------------------------------------------------------------- without torch


def test_known_values_without_torch():
    _, opt = make_opt(cr, "adam")
    s = cr.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=1.0, total_steps=4, pct_start=0.5, anneal_strategy="linear", div_factor=4.0
    )
    assert opt.param_groups[0]["betas"] == (0.95, 0.99)
    assert opt.param_groups[0]["initial_lr"] == 0.25 and opt.param_groups[0]["min_lr"] == 0.25e-4
    lrs = [s.get_last_lr()[0]]
    for _ in range(3):
        opt.step()
        s.step()
        lrs.append(s.get_last_lr()[0])
    assert lrs[0] == 0.25 and lrs[1] == 1.0 and math.isclose(lrs[-1], 0.25e-4, rel_tol=1e-9)
    assert opt.param_groups[0]["betas"] == (0.95, 0.99)
    _, opt = make_opt(cr)
    c = cr.optim.lr_scheduler.CyclicLR(opt, 0.0, 1.0, step_size_up=1, mode="triangular2")
    seq = []
    for _ in range(6):
        opt.step()
        c.step()
        seq.append(c.get_last_lr()[0])
    assert seq == [1.0, 0.0, 0.5, 0.0, 0.25, 0.0]
    _, opt = make_opt(cr)
    w = cr.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=1, T_mult=2)
    for e in (0, 1, 3, 7):
        w.step(e)
        assert w.get_last_lr() == [0.1, 0.5]
