"""Forward-mode AD: the dual-tensor API, and every sampled op's JVP checked against central
finite differences and against reverse mode through <u, J v> = <J^T u, v>."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from test_ops_generic import CASES, _diff_idx, _make_arrays, _outs

import chainrule
import chainrule.autograd.forward_ad as fwAD


def _run(sample, arrays, diff, tangents):
    ins = [chainrule.tensor(a.copy()) for a in arrays]
    with fwAD.dual_level():
        duals = [
            fwAD.make_dual(t, chainrule.tensor(tangents[i])) if i in diff else t
            for i, t in enumerate(ins)
        ]
        outs = _outs(sample.fn(chainrule, *duals))
        res = []
        for o in outs:
            p, t = fwAD.unpack_dual(o)
            res.append((p._data.copy(), None if t is None else t._data.copy()))
    return res


# op entries whose forward-mode kind is known to be wrong (owned elsewhere; reported):
# they run and show as xfail until fixed
KNOWN_JVP_ISSUES = {}


def _known_issue(sample, request) -> None:
    for name in sample.covers:
        if name in KNOWN_JVP_ISSUES:
            request.applymarker(pytest.mark.xfail(reason=KNOWN_JVP_ISSUES[name], strict=False))


@pytest.mark.parametrize("sample,shapes", CASES)
def test_jvp_vs_finite_differences_and_vjp(sample, shapes, request):
    _known_issue(sample, request)
    arrays = _make_arrays(sample, shapes)
    diff = [i for i in _diff_idx(sample, arrays) if arrays[i].dtype.kind == "f"]
    if not diff:
        pytest.skip("no differentiable input")
    rng = np.random.default_rng(7)
    tangents = {i: rng.standard_normal(arrays[i].shape) for i in diff}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            res = _run(sample, arrays, diff, tangents)
        except NotImplementedError as e:
            pytest.skip(f"no forward-mode rule: {e}")
        # samples that pass through float32 say so with a coarse atol: use a coarse step
        eps = 1e-6 if sample.atol < 1e-3 else 1e-3
        plus = [a + eps * tangents[i] if i in diff else a for i, a in enumerate(arrays)]
        minus = [a - eps * tangents[i] if i in diff else a for i, a in enumerate(arrays)]
        fp = _outs(sample.fn(chainrule, *[chainrule.tensor(a) for a in plus]))
        fm = _outs(sample.fn(chainrule, *[chainrule.tensor(a) for a in minus]))
    for k, (primal, tan) in enumerate(res):
        if primal.dtype.kind not in "fc":
            continue
        fd = (fp[k]._data.astype(np.float64) - fm[k]._data) / (2 * eps)
        got = np.zeros_like(primal) if tan is None else tan
        # float32 outputs (casts) round the finite difference: compare coarsely
        tol = 1e-4 if primal.dtype == np.float64 and sample.atol < 1e-3 else 1e-2
        if primal.dtype != np.float64:
            tol = 0.2
        np.testing.assert_allclose(got, fd, rtol=tol, atol=tol, err_msg=f"output {k}")
    # <u, J v> == <J^T u, v>, reverse mode on the same inputs
    ins = [chainrule.tensor(a.copy(), requires_grad=i in diff) for i, a in enumerate(arrays)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        outs = _outs(sample.fn(chainrule, *ins))
    pairs = [
        (o, rng.standard_normal(o.shape), r[1])
        for o, r in zip(outs, res)
        if o.requires_grad and o._data.dtype.kind == "f"
    ]
    if not pairs:
        return
    gs = chainrule.autograd.grad(
        [o for o, _, _ in pairs],
        [ins[i] for i in diff],
        [chainrule.tensor(u) for _, u, _ in pairs],
        allow_unused=True,
    )
    lhs = sum(float(np.sum(u * (0 if t is None else t))) for _, u, t in pairs)
    rhs = sum(0.0 if g is None else float(np.sum(g._data * tangents[i])) for g, i in zip(gs, diff))
    assert np.isclose(lhs, rhs, rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- API semantics
def test_make_dual_outside_level():
    with pytest.raises(RuntimeError, match="no level exists"):
        fwAD.make_dual(chainrule.ones(2), chainrule.ones(2))


def test_unpack_and_errors():
    x = chainrule.tensor([1.0, 2.0])
    with fwAD.dual_level() as lvl:
        assert lvl >= 0
        d = fwAD.make_dual(x, chainrule.ones(2))
        p, t = fwAD.unpack_dual(d)
        assert t.tolist() == [1.0, 1.0] and p.tolist() == [1.0, 2.0]
        assert fwAD.unpack_dual(x).tangent is None
        with pytest.raises(RuntimeError, match="different size"):
            fwAD.make_dual(x, chainrule.ones(3))
        with pytest.raises(ValueError, match="floating point"):
            fwAD.make_dual(x, chainrule.ones(2, dtype=chainrule.int64))
        with pytest.raises(RuntimeError, match="Nested forward mode AD is not supported"):
            with fwAD.dual_level():
                pass
        with pytest.raises(NotImplementedError, match="Trying to use forward AD with"):
            chainrule.floor_divide(d, 2)
    assert fwAD.unpack_dual(d).tangent is None  # tangents die with their level


def test_inplace_and_reverse_over_forward():
    torch = pytest.importorskip("torch")
    for lib in (chainrule, torch):
        fw = lib.autograd.forward_ad
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with fw.dual_level():
            d = fw.make_dual(x, lib.tensor([1.0, 0.5]))
            z = d.clone()
            z.mul_(d)
            y = (d * 3).sin()
            t_inplace = fw.unpack_dual(z).tangent
            t = fw.unpack_dual(y).tangent
            assert t.requires_grad  # tangents are differentiable w.r.t. the primal
            (g,) = lib.autograd.grad(t.sum(), x)
        if lib is chainrule:
            ours = (t_inplace.detach().numpy(), t.detach().numpy(), g.numpy())
        else:
            for a, b in zip(ours, (t_inplace.detach().numpy(), t.detach().numpy(), g.numpy())):
                np.testing.assert_allclose(a, b, rtol=1e-6)


def test_forward_over_reverse_hvp():
    x0 = np.array([0.3, -1.2, 2.0])
    v = np.array([1.0, 0.5, -2.0])
    x = chainrule.tensor(x0, requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(x, chainrule.tensor(v))
        y = chainrule.sin(d) * d * d  # elementwise: H is diagonal
        (g,) = chainrule.autograd.grad(
            y, d, chainrule.ones(3, dtype=chainrule.float64), create_graph=True
        )
        hv = fwAD.unpack_dual(g).tangent
    h_diag = -np.sin(x0) * x0**2 + 4 * np.cos(x0) * x0 + 2 * np.sin(x0)
    np.testing.assert_allclose(hv.detach().numpy(), h_diag * v, rtol=1e-10)


def test_dual_tensor_prints_its_tangent_like_torch():
    import chainrule as cr
    import chainrule.autograd.forward_ad as cfw

    with cfw.dual_level():
        d = cfw.make_dual(cr.tensor([1.0, 2.0]), cr.ones(2))
        assert repr(d) == "tensor([1., 2.], tangent=tensor([1., 1.]))"
        assert str(d * 2) == "tensor([2., 4.], tangent=tensor([2., 2.]))"
        y = cfw.make_dual(cr.tensor(3.0, requires_grad=True), cr.tensor(1.0))
        assert str(y * y) == "tensor(9., grad_fn=<MulBackward0>, tangent=6.0)"
    assert repr(d) == "tensor([1., 2.])"  # outside the level: no tangent
