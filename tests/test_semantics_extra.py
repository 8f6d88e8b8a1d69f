"""chainrule-specific additions to PyTorch's messages (PyTorch's sentence always comes first)."""

import pytest

import chainrule as torch

BASE = "element 0 of tensors does not require grad and does not have a grad_fn"


def test_error_says_no_grad_cut_the_graph():
    x = torch.tensor(1.0, requires_grad=True)
    with torch.no_grad():
        y = x * x
    with pytest.raises(
        RuntimeError, match=BASE + r"\. It was computed by Mul inside torch.no_grad"
    ):
        y.backward()


def test_error_says_detach_cut_the_graph():
    x = torch.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match=BASE + r"\. It was made by \.detach\(\)"):
        x.detach().backward()


def test_error_for_constant_suggests_requires_grad():
    with pytest.raises(RuntimeError, match=BASE + r"\. Nothing it was computed from requires grad"):
        torch.ones(1).backward()
