"""Every op sample (``op_samples``), checked generically against torch and finite differences.

For each sample and shape case: forward values, dtype, shape, ``requires_grad`` and ``grad_fn``
names vs torch (float64 and float32); gradients for a random upstream gradient vs torch;
``gradcheck`` and ``gradgradcheck`` (chainrule's own) in float64; inputs never mutated.
Adding an op needs only a sample in its family file.
"""

from __future__ import annotations

import warnings
import zlib

import numpy as np
import pytest
from op_samples import all_samples

import chainrule
from chainrule.autograd import gradcheck, gradgradcheck
from chainrule.ops import _lazy
from chainrule.ops._registry import OPS

_lazy.load_all()  # the whole op table, including the modules that load on first use

# ---------------------------------------------------------------- cases


def _norm_shapes(case) -> tuple:
    """One tuple of input shapes (a bare shape like ``(2, 3)`` means one input)."""
    case = tuple(case)
    if case and all(isinstance(s, int) for s in case):
        return (case,)
    return tuple(tuple(s) for s in case)


def _fmt_shape(s: tuple) -> str:
    return "x".join(map(str, s)) if s else "s"


def _cases() -> list:
    out, seen = [], {}
    for s in all_samples():
        for k, case in enumerate(s.shapes):
            shapes = _norm_shapes(case)
            cid = f"{s.id(k)}-" + "_".join(_fmt_shape(sh) for sh in shapes)
            n = seen.get(cid, 0)
            seen[cid] = n + 1
            if n:
                cid = f"{cid}#{n}"
            out.append(pytest.param(s, shapes, id=cid))
    return out


CASES = _cases()


def _domain(sample, i: int):
    d = sample.domain
    if isinstance(d, (tuple, list)):
        return d[i] if i < len(d) else None
    if d is None and len(sample.covers) == 1 and sample.covers[0] in OPS:
        return OPS[sample.covers[0]].domain
    return d


def _make_arrays(sample, shapes: tuple) -> list:
    """Deterministic NumPy inputs (float64, or int64 for ``int_inputs``)."""
    rng = np.random.default_rng(zlib.crc32(repr((sample.covers, sample.name, shapes)).encode()))
    arrays = []
    for i, shape in enumerate(shapes):
        if i in sample.int_inputs:
            lo, hi = sample.int_inputs[i]
            arrays.append(rng.integers(lo, hi, size=shape, dtype=np.int64))
            continue
        d = _domain(sample, i)
        if d == "positive":
            a = rng.uniform(0.5, 2.0, shape)
        elif d == "unit":
            a = rng.uniform(-0.9, 0.9, shape)
        elif d == "nonzero":
            a = rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
        else:
            a = rng.standard_normal(shape)
        arrays.append(np.asarray(a, dtype=np.float64))
    return arrays


def _diff_idx(sample, arrays: list) -> tuple:
    if sample.diff is not None:
        return tuple(sample.diff)
    return tuple(i for i, a in enumerate(arrays) if a.dtype.kind == "f")


def _tensors(lib, arrays: list, diff: tuple, dtype=np.float64) -> list:
    out = []
    for i, a in enumerate(arrays):
        a = a.astype(dtype) if a.dtype.kind == "f" else a
        if lib is chainrule:
            t = chainrule.tensor(a.copy())
        else:
            t = lib.from_numpy(a.copy())
        if i in diff:
            t.requires_grad_(True)
        out.append(t)
    return out


def _outs(x) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _np(t) -> np.ndarray:
    return np.asarray(t.detach().numpy())


def _torch():
    return pytest.importorskip("torch")


def _tols(sample, dtype) -> dict:
    if dtype == np.float32:
        return {"rtol": max(sample.rtol, 1e-4), "atol": max(sample.atol, 1e-5)}
    return {"rtol": sample.rtol, "atol": sample.atol}


def _both(sample, shapes, dtype=np.float64):
    """Run the sample on chainrule and torch with the same inputs."""
    torch = _torch()
    arrays = _make_arrays(sample, shapes)
    diff = _diff_idx(sample, arrays)
    cr_in = _tensors(chainrule, arrays, diff, dtype)
    th_in = _tensors(torch, arrays, diff, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's log(-x) etc. (torch is silent)
        cr = _outs(sample.fn(chainrule, *cr_in))
    th = _outs(sample.fn(torch, *th_in))
    return cr_in, th_in, cr, th


# ---------------------------------------------------------------- vs torch


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("sample,shapes", CASES)
def test_forward_vs_torch(sample, shapes, dtype):
    """Values, dtype, shape, requires_grad and grad_fn name, as torch."""
    _, _, cr, th = _both(sample, shapes, dtype)
    assert len(cr) == len(th), "number of outputs"
    for k, (c, t) in enumerate(zip(cr, th)):
        assert isinstance(c, chainrule.Tensor), f"output {k} is {type(c).__name__}"
        assert str(c.dtype) == str(t.dtype), f"output {k} dtype"
        assert tuple(c.shape) == tuple(t.shape), f"output {k} shape"
        assert c.requires_grad == t.requires_grad, f"output {k} requires_grad"
        cname = None if c.grad_fn is None else c.grad_fn.name()
        tname = None if t.grad_fn is None else t.grad_fn.name()
        assert cname == tname, f"output {k} grad_fn"
        np.testing.assert_allclose(
            _np(c), _np(t), equal_nan=True, err_msg=f"output {k}", **_tols(sample, dtype)
        )


def _weights(outs, seed: int) -> list:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(tuple(o.shape)) for o in outs]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("sample,shapes", CASES)
def test_grad_vs_torch(sample, shapes, dtype):
    """Gradients of all differentiable outputs for a random upstream gradient, as torch."""
    torch = _torch()
    cr_in, th_in, cr, th = _both(sample, shapes, dtype)
    pairs = [(c, t) for c, t in zip(cr, th) if t.requires_grad]
    c_ins = [c for c in cr_in if c.requires_grad]
    t_ins = [t for t in th_in if t.requires_grad]
    if not pairs or not t_ins:
        pytest.skip("no differentiable output")
    ws = _weights([t for _, t in pairs], 7)
    t_grads = torch.autograd.grad(
        [t for _, t in pairs],
        t_ins,
        [torch.from_numpy(w.astype(np.dtype(str(t.dtype)[6:]))) for w, (_, t) in zip(ws, pairs)],
        allow_unused=True,
    )
    c_grads = chainrule.autograd.grad(
        [c for c, _ in pairs],
        c_ins,
        [chainrule.tensor(w.astype(np.dtype(str(c.dtype)[6:]))) for w, (c, _) in zip(ws, pairs)],
        allow_unused=True,
    )
    for k, (cg, tg) in enumerate(zip(c_grads, t_grads)):
        if tg is None or cg is None:
            other = cg if tg is None else tg
            assert other is None or not np.any(_np(other)), f"grad {k}: None vs nonzero"
            continue
        assert str(cg.dtype) == str(tg.dtype), f"grad {k} dtype"
        assert tuple(cg.shape) == tuple(tg.shape), f"grad {k} shape"
        np.testing.assert_allclose(
            _np(cg), _np(tg), equal_nan=True, err_msg=f"grad {k}", **_tols(sample, dtype)
        )


# ---------------------------------------------------------------- finite differences


def _check_fn(sample):
    """The sample as a function of its tensors, returning its differentiable float outputs."""

    def f(*ts):
        outs = _outs(sample.fn(chainrule, *ts))
        # float outputs (not "requires_grad": under forward mode inputs are detached duals)
        return tuple(o for o in outs if o.is_floating_point()) or outs

    return f


def _gc_kwargs(sample, outs) -> dict:
    # outputs computed in lower precision than float64 need a coarser finite difference; a
    # sample with a float32 intermediate says so with atol >= 1e-3
    low = sample.atol >= 1e-3 or any(
        o.dtype not in (chainrule.float64, chainrule.complex128) for o in outs
    )
    if low:
        return {"eps": 1e-3, "atol": 1e-3, "rtol": 1e-2}
    return {"atol": max(1e-5, sample.atol), "rtol": max(1e-3, sample.rtol)}


def _gc_inputs(sample, shapes):
    arrays = _make_arrays(sample, shapes)
    diff = _diff_idx(sample, arrays)
    ins = _tensors(chainrule, arrays, diff)
    if not diff:
        pytest.skip("no differentiable input")
    f = _check_fn(sample)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        outs = f(*ins)
    if not any(o.requires_grad for o in outs):
        pytest.skip("no differentiable output")
    return f, ins, outs


def _quiet():
    """NumPy's domain warnings, and gradcheck's warning for float32 grad_outputs of
    low-precision samples (their tolerances are loosened on purpose)."""
    w = warnings.catch_warnings()
    w.__enter__()
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.filterwarnings("ignore", "Input #", UserWarning)
    return w


@pytest.mark.parametrize("sample,shapes", CASES)
def test_gradcheck(sample, shapes):
    f, ins, outs = _gc_inputs(sample, shapes)
    w = _quiet()
    try:
        assert gradcheck(f, tuple(ins), **_gc_kwargs(sample, outs))
    finally:
        w.__exit__(None, None, None)


@pytest.mark.parametrize("sample,shapes", CASES)
def test_gradgradcheck(sample, shapes):
    if not sample.gradgrad:
        pytest.skip("sample.gradgrad is False")
    f, ins, outs = _gc_inputs(sample, shapes)
    w = _quiet()
    try:
        assert gradgradcheck(f, tuple(ins), **_gc_kwargs(sample, outs))
    finally:
        w.__exit__(None, None, None)


# ---------------------------------------------------------------- no mutation


@pytest.mark.parametrize("sample,shapes", CASES)
def test_inputs_not_mutated(sample, shapes):
    arrays = _make_arrays(sample, shapes)
    diff = _diff_idx(sample, arrays)
    ins = _tensors(chainrule, arrays, diff)
    before = [t.detach().numpy().copy() for t in ins]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        outs = [o for o in _outs(sample.fn(chainrule, *ins)) if o.requires_grad]
        if outs:
            ws = _weights(outs, 3)
            chainrule.autograd.backward(
                outs,
                [chainrule.tensor(w.astype(np.dtype(str(o.dtype)[6:]))) for w, o in zip(ws, outs)],
            )
    for k, (t, b) in enumerate(zip(ins, before)):
        np.testing.assert_array_equal(t.detach().numpy(), b, err_msg=f"input {k} was modified")
        assert t._version == 0, f"input {k}'s version counter moved"


# ---------------------------------------------------------------- forward mode


@pytest.mark.parametrize("sample,shapes", CASES)
def test_forward_ad(sample, shapes):
    """Forward mode (the entries' JVP rules) against finite differences."""
    no_jvp = [n for n in sample.covers if n in OPS and OPS[n].differentiable and OPS[n].jvp is None]
    if no_jvp:
        pytest.skip(f"no forward-mode rule yet: {no_jvp}")
    f, ins, outs = _gc_inputs(sample, shapes)
    w = _quiet()
    try:
        assert gradcheck(
            f,
            tuple(ins),
            check_forward_ad=True,
            check_backward_ad=False,
            check_undefined_grad=False,
            **_gc_kwargs(sample, outs),
        )
    finally:
        w.__exit__(None, None, None)
