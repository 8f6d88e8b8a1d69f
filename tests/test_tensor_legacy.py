"""Legacy and CPU-only Tensor methods (new, resize, apply_, map_, share_memory_, pin_memory,
adjoint) and linalg.tensorinv / tensorsolve: printed results and errors against torch,
gradients against finite differences."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule
from chainrule.autograd import gradcheck

CASES = [
    "torch.tensor([[1., 2.], [3., 4.]], requires_grad=True).adjoint()",
    "torch.adjoint(torch.ones(2, 3, 4)).shape",
    "torch.ones(3).adjoint()",
    "torch.tensor(2.).adjoint()",
    "torch.tensor([1., 2.]).apply_(lambda v: v * 2)",
    "torch.tensor([1., 2.], requires_grad=True).apply_(lambda v: v)",
    "torch.ones(2, dtype=torch.int64).apply_(lambda v: v * 1.5)",
    "torch.ones(2).apply_(3)",
    "torch.tensor([1., 2.]).map_(torch.tensor([10., 20.]), lambda a, b: a + b)",
    "torch.tensor([1., 2.]).map_(torch.tensor(3.), lambda a, b: a * b)",
    "torch.ones(2).map_(torch.ones(3), lambda a, b: a)",
    "torch.ones(1, dtype=torch.float64).new([1, 2])",
    "torch.tensor([1, 2]).new([1.5])",
    "torch.ones(2).new(2, 3).shape",
    "torch.ones(2).new().shape",
    "torch.ones(2).new(torch.Size([2])).shape",
    "torch.ones(2).new(torch.tensor([5.]))",
    "torch.ones(2, requires_grad=True).new([1.]).requires_grad",
    "torch.ones(2, 2).resize(4)",
    "torch.ones(3).resize(2)",
    "torch.ones(4).resize_as(torch.ones(2, 2))",
    "torch.ones(2).share_memory_()",
    "torch.ones(2).is_shared()",
    "torch.ones(2).is_pinned()",
    "torch.ones(2).pin_memory()",
    "torch.linalg.tensorinv(torch.eye(4).reshape(4, 2, 2), ind=1)",
    "torch.linalg.tensorinv(torch.ones(4, 3), ind=1)",
    "torch.linalg.tensorinv(torch.ones(4, 2, 2), ind=0)",
    "torch.linalg.tensorsolve(torch.eye(6).reshape(2, 3, 6), torch.arange(6.).reshape(2, 3))",
    "torch.linalg.tensorsolve(torch.eye(6).reshape(6, 2, 3), torch.arange(6.).reshape(2, 3), "
    "dims=(0,))",
    "torch.linalg.tensorsolve(torch.ones(2, 3, 5), torch.ones(2, 3))",
]


def _show(lib, code: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return repr(eval(code, {"torch": lib}))
        except Exception as e:
            return f"{type(e).__name__}: {str(e).splitlines()[0]}"


@pytest.mark.parametrize("code", CASES)
def test_same_as_torch(code):
    torch = pytest.importorskip("torch")
    assert _show(chainrule, code) == _show(torch, code)


def _dbl(*shape, seed=0, shift=0.0):
    data = np.random.default_rng(seed).standard_normal(shape) + shift
    return chainrule.tensor(data, dtype=chainrule.float64, requires_grad=True)


def test_tensorinv_and_tensorsolve_gradients():
    a = _dbl(4, 2, 2, seed=1)
    with chainrule.no_grad():
        a += 3 * chainrule.eye(4, dtype=chainrule.float64).reshape(4, 2, 2)
    assert gradcheck(lambda a: chainrule.linalg.tensorinv(a, ind=1), (a,))
    m = _dbl(2, 3, 6, seed=2)
    with chainrule.no_grad():
        m += 3 * chainrule.eye(6, dtype=chainrule.float64).reshape(2, 3, 6)
    b = _dbl(2, 3, seed=3)
    assert gradcheck(lambda m, b: chainrule.linalg.tensorsolve(m, b), (m, b))


def test_adjoint_gradient_and_resize_is_a_differentiable_reshape():
    x = _dbl(2, 3)
    assert gradcheck(lambda x: x.adjoint() * 2, (x,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert gradcheck(lambda x: x.resize(3, 2) ** 2, (x,))


def test_apply_writes_in_place_and_bumps_the_version():
    t = chainrule.tensor([1.0, 2.0])
    v = t._version
    assert t.apply_(lambda e: e + 1) is t
    assert t.tolist() == [2.0, 3.0] and t._version == v + 1


def test_resize_warns_as_torch():
    with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
        chainrule.ones(2, 2).resize(4)
