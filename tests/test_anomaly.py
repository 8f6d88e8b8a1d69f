"""Anomaly mode: a NaN produced in backward names the node and shows the forward traceback."""

from __future__ import annotations

import warnings

import pytest

import chainrule
from chainrule.ops import _dispatch


def _nan_backward(lib):
    a = lib.tensor([0.0], requires_grad=True)
    c = a / a  # the line the error must point to
    return c


def test_nan_in_backward_names_node_and_forward_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with chainrule.autograd.detect_anomaly():
            assert chainrule.autograd.is_anomaly_enabled()
            c = _nan_backward(chainrule)
            with pytest.raises(RuntimeError) as e:
                c.sum().backward()
    assert str(e.value) == "Function 'DivBackward0' returned nan values in its 1th output."
    msg = "\n".join([str(e.value), *e.value.__notes__])  # the forward line: an exception note
    assert msg.startswith("Function 'DivBackward0' returned nan values in its 1th output.")
    assert "test_anomaly.py" in msg and "c = a / a" in msg
    texts = [str(w.message) for w in caught]
    assert any("Anomaly Detection has been enabled" in t for t in texts)
    assert any(t.startswith("Error detected in DivBackward0.") and "c = a / a" in t for t in texts)
    assert not chainrule.autograd.is_anomaly_enabled()
    assert _dispatch.anomaly_hook[0] is None  # off again: the forward path pays nothing


def test_same_message_as_torch():
    torch = pytest.importorskip("torch")
    msgs = []
    for lib in (chainrule, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with lib.autograd.detect_anomaly():
                c = _nan_backward(lib)
                with pytest.raises(RuntimeError) as e:
                    c.sum().backward()
        msgs.append(str(e.value).splitlines()[0])
    assert msgs[0] == msgs[1]


def test_set_detect_anomaly_and_node_name_unchanged():
    prev = chainrule.autograd.set_detect_anomaly(True)
    try:
        assert chainrule.autograd.is_anomaly_enabled()
        assert chainrule.autograd.is_anomaly_check_nan_enabled()
        x = chainrule.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sin()
        assert y.grad_fn.name() == "SinBackward0"
        assert type(y.grad_fn).__name__ == "SinBackward0"
        y.sum().backward()  # no NaN: runs normally
        assert x.grad is not None
    finally:
        chainrule.autograd.set_detect_anomaly(False)
    del prev
    assert not chainrule.autograd.is_anomaly_enabled()


def test_check_nan_false_and_custom_function():
    class Bad(chainrule.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = chainrule.tensor([1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with chainrule.autograd.detect_anomaly(check_nan=False):
            Bad.apply(x).sum().backward()  # not checked
        with chainrule.autograd.detect_anomaly():
            y = Bad.apply(x)
            with pytest.raises(RuntimeError, match="Function 'BadBackward' returned nan"):
                y.sum().backward()


# ---------------------------------------------------------------- errors that teach
def _full(exc: BaseException) -> str:
    """PyTorch's message and, under it, chainrule's exception notes (as a traceback shows)."""
    return "\n".join([str(exc), *getattr(exc, "__notes__", [])])


def test_inplace_error_names_op_and_lines():
    x = chainrule.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y * y
    y.add_(1)  # the modifying line
    with pytest.raises(RuntimeError) as e:
        z.sum().backward()
    assert "chainrule" not in str(e.value)  # PyTorch's message; the teaching part is a note
    msg = _full(e.value)
    assert msg.startswith(
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [torch.FloatTensor [2]], which is output 0 of Add, is at version 1; expected "
        "version 0 instead."
    )
    assert "saved by MulBackward0 (the backward of mul)" in msg
    assert "modified in place by add_ at" in msg and "test_anomaly.py" in msg
    assert "clone()" in msg


def test_inplace_error_shows_forward_line_in_anomaly_mode():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with chainrule.autograd.detect_anomaly():
            x = chainrule.tensor([1.0, 2.0], requires_grad=True)
            y = x.exp()
            y.mul_(2)
            with pytest.raises(RuntimeError) as e:
                y.sum().backward()
    assert "y = x.exp()" in _full(e.value)


def test_second_backward_error_gives_both_fixes():
    x = chainrule.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError) as e:
        y.backward()
    assert str(e.value).endswith("after calling backward.")  # exactly PyTorch's text
    msg = _full(e.value)
    assert msg.startswith("Trying to backward through the graph a second time")
    assert "retain_graph=True" in msg and "forward pass again" in msg
