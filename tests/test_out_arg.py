"""``out=`` arguments follow PyTorch: results written into the given tensor, no autograd."""

import warnings

import pytest

import chainrule as torch


def test_out_receives_the_result_and_is_returned():
    o = torch.empty(2)
    r = torch.add(torch.ones(2), 1, out=o)
    assert r is o and o.tolist() == [2.0, 2.0]
    t = torch.ones(4, 4)
    y = torch.rand(4, 4)
    torch.matmul(t, t.T, out=y)
    assert y.tolist() == [[4.0] * 4] * 4
    assert torch.sin(torch.zeros(1), out=torch.empty(1)).tolist() == [0.0]


def test_out_is_resized_with_a_warning_unless_empty():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        o = torch.empty(0)
        torch.mul(torch.ones(3), 2, out=o)
    assert o.shape == (3,)
    with pytest.warns(UserWarning, match="An output with one or more elements was resized"):
        torch.mul(torch.ones(2), 2, out=torch.empty(5))


def test_out_casts_like_pytorch():
    o = torch.empty(2, dtype=torch.float64)
    torch.add(torch.ones(2), 1.5, out=o)
    assert o.dtype == torch.float64 and o.tolist() == [2.5, 2.5]
    with pytest.raises(
        RuntimeError, match="result type Float can't be cast to the desired output type Long"
    ):
        torch.add(torch.ones(2), 1.5, out=torch.empty(2, dtype=torch.long))


def test_out_refuses_autograd():
    x = torch.ones(2, requires_grad=True)
    with pytest.raises(
        RuntimeError, match=r"mul\(\): functions with out=\.\.\. arguments don't support"
    ):
        torch.mul(x, 2, out=torch.empty(2))
    with torch.no_grad():
        o = torch.mul(x, 2, out=torch.empty(2))
    assert o.tolist() == [2.0, 2.0] and not o.requires_grad


def test_out_tuple_for_values_and_indices():
    v, i = torch.empty(0), torch.empty(0, dtype=torch.long)
    torch.max(torch.tensor([[1.0, 5.0], [3.0, 2.0]]), 1, out=(v, i))
    assert v.tolist() == [5.0, 3.0] and i.tolist() == [1, 0]
