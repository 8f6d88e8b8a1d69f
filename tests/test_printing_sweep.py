"""Printing regressions from the differential sweep: the same expression printed under torch and
under chainrule must give the same text (memory addresses aside)."""

from __future__ import annotations

import re

import pytest

import chainrule


@pytest.fixture
def torch():
    t = pytest.importorskip("torch")
    yield t
    t.set_printoptions(profile="default")
    chainrule.set_printoptions(profile="default")


def _text(fn, lib) -> str:
    try:
        out = repr(fn(lib))
    except Exception as e:  # noqa: BLE001
        out = f"{type(e).__name__}: {e}"
    return re.sub(r"0x[0-9a-f]+", "0x", out).replace("chainrule.", "torch.")


def _same(torch, fn) -> str:
    got, want = _text(fn, chainrule), _text(fn, torch)
    assert got == want
    return got


_TENSORS = [
    lambda lib: lib.tensor([1e-5, 1.0]),
    lambda lib: lib.tensor([-0.0, 0.0, float("nan"), float("inf")]),
    lambda lib: lib.tensor([1 + 2j, -3.5 - 0.25j]),
    lambda lib: lib.tensor([65504.0, 1e-4], dtype=lib.float16),
    lambda lib: lib.zeros(2, 0, dtype=lib.int8),
    lambda lib: lib.arange(2000.0).reshape(2, 1000),
    lambda lib: lib.arange(40.0, requires_grad=True).reshape(2, 20) * 1.5,
    lambda lib: lib.linspace(0, 1, 40),
    lambda lib: lib.tensor([300, -1], dtype=lib.int16),
    lambda lib: lib.tensor(True),
]


@pytest.mark.parametrize("k", range(len(_TENSORS)))
def test_tensor_reprs(torch, k):
    _same(torch, _TENSORS[k])


@pytest.mark.parametrize(
    "opts",
    [
        {"precision": 2},
        {"sci_mode": True},
        {"threshold": 5, "edgeitems": 1},
        {"linewidth": 20},
        {"profile": "short"},
        {"profile": "full"},
    ],
)
def test_printoptions(torch, opts):
    for lib in (torch, chainrule):
        lib.set_printoptions(**opts)
    for fn in _TENSORS:
        _same(torch, fn)


def test_grad_fn_suffixes_after_in_place(torch):
    def through_view(lib):
        b = lib.tensor([1.0, 2.0, 3.0], requires_grad=True) * 1
        v = b[:2]
        v.mul_(2)
        return v, b

    def copied(lib):
        b = lib.ones(2, requires_grad=True) * 1
        b.copy_(lib.zeros(2))
        return b, b.grad_fn

    _same(torch, through_view)
    assert "AsStridedBackward0" in _same(torch, through_view)
    assert "<CopyBackwards object at 0x>" in _same(torch, copied)


def test_views_printed_in_no_grad_show_requires_grad(torch):
    def fn(lib):
        w = lib.ones(2, 3, requires_grad=True)
        with lib.no_grad():
            return w[0], w.T, w * 2, w.view(6)

    got = _same(torch, fn)
    assert got.count("requires_grad=True") == 3  # the views; w * 2 is a plain result


def test_objects_of_the_autograd_api(torch):
    _same(torch, lambda lib: type(lib.ones(1)))
    _same(torch, lambda lib: lib.ones(2, 3).shape + (4,))
    _same(torch, lambda lib: lib.nn.Parameter(lib.ones(2)))
    _same(torch, lambda lib: lib.finfo(lib.float32))
    _same(torch, lambda lib: lib.iinfo(lib.int64))

    def custom(lib):
        class Twice(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        return Twice.apply(lib.ones(1, requires_grad=True)).grad_fn

    got = _text(custom, chainrule)
    want = _text(custom, torch)
    # <torch.autograd.function.TwiceBackward object at 0x>: the class is local to ``custom``
    assert got.split(" object")[0].split(".")[-1] == want.split(" object")[0].split(".")[-1]
    assert got.startswith("<torch.autograd.function.")


def test_repr_of_mode_objects(torch):
    try:
        got = repr(chainrule.set_grad_enabled(False))
    finally:
        chainrule.set_grad_enabled(True)
    try:
        want = repr(torch.set_grad_enabled(False))
    finally:
        torch.set_grad_enabled(True)
    assert got.replace("chainrule.", "torch.") == want
    assert type(chainrule.autograd.set_detect_anomaly(False)).__module__ == (
        "chainrule.autograd.anomaly_mode"
    )
    assert type(chainrule.manual_seed(0)).__module__ == "chainrule._C"


def test_random_tensors_print_as_torchs(torch):
    def fn(lib):
        lib.manual_seed(0)
        return lib.rand(2, 3), lib.randn(4), lib.randint(0, 5, (3,))

    _same(torch, fn)


def test_literal_reprs_without_torch():
    chainrule.manual_seed(0)
    assert repr(chainrule.rand(2)) == "tensor([0.4963, 0.7682])"
    try:
        text = repr(chainrule.set_grad_enabled(False))
    finally:
        chainrule.set_grad_enabled(True)
    assert text == "chainrule.autograd.grad_mode.set_grad_enabled(mode=False)"
    assert repr(type(chainrule.ones(1))) == "<class 'chainrule.Tensor'>"
    assert repr((3,) + chainrule.ones(2).shape) == "torch.Size([3, 2])"
