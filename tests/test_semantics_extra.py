"""chainrule-specific additions to PyTorch's messages: exception notes under PyTorch's exact text."""

import warnings

import pytest

import chainrule
import chainrule as torch

BASE = "element 0 of tensors does not require grad and does not have a grad_fn"


def _note_of(excinfo) -> str:
    """The message must stay PyTorch's; chainrule's explanation is an exception note."""
    assert str(excinfo.value) == BASE
    return "\n".join(getattr(excinfo.value, "__notes__", []))


def test_error_says_no_grad_cut_the_graph():
    x = torch.tensor(1.0, requires_grad=True)
    with torch.no_grad():
        y = x * x
    with pytest.raises(RuntimeError) as excinfo:
        y.backward()
    assert _note_of(excinfo).startswith("chainrule: it was computed by Mul inside torch.no_grad")


def test_error_says_detach_cut_the_graph():
    x = torch.tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError) as excinfo:
        x.detach().backward()
    assert _note_of(excinfo).startswith("chainrule: it was made by .detach()")


def test_error_for_constant_suggests_requires_grad():
    with pytest.raises(RuntimeError) as excinfo:
        torch.ones(1).backward()
    assert _note_of(excinfo).startswith("chainrule: nothing it was computed from requires grad")


# ---------------------------------------------------------------- parity sweep (session 2)
def test_cuda_and_backends_answer_like_a_cpu_only_torch():
    import chainrule.backends.cudnn as cudnn

    assert chainrule.cuda.is_available() is False and chainrule.cuda.device_count() == 0
    device = "cuda" if chainrule.cuda.is_available() else "cpu"
    assert chainrule.ones(2, device=device).to(device).tolist() == [1.0, 1.0]
    chainrule.cuda.manual_seed_all(0)  # accepted, no effect
    cudnn.deterministic = True
    assert chainrule.backends.cudnn.deterministic is True
    assert chainrule.backends.mps.is_available() is False
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        chainrule.cuda.synchronize()


def test_variable_is_a_detached_tensor_with_requires_grad():
    from chainrule.autograd import Variable

    x = chainrule.ones(2)
    v = Variable(x, requires_grad=True)
    assert v is not x and v.requires_grad and not x.requires_grad and isinstance(x, Variable)
    y = chainrule.ones(2, requires_grad=True) * 2
    assert Variable(y).grad_fn is None and not Variable(y).requires_grad


def test_tensor_where_method_takes_the_condition_first():
    x = chainrule.tensor([1.0, 2.0, 3.0], requires_grad=True)
    r = x.where(x > 1.5, chainrule.tensor(0.0))
    assert repr(r) == "tensor([0., 2., 3.], grad_fn=<WhereBackward0>)"


def test_type_accepts_legacy_tensor_classes():
    assert chainrule.Tensor([1, 2]).type(chainrule.DoubleTensor).dtype is chainrule.float64


def test_scalar_conversion_warning_is_emitted_once_per_process():
    import chainrule._tensor as T

    T._scalar_warned[0] = False
    a = chainrule.tensor(1.0, requires_grad=True)
    with pytest.warns(UserWarning, match="Converting a tensor with requires_grad=True"):
        float(a * 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        float(a * 1)  # PyTorch: TORCH_WARN_ONCE
        chainrule.tensor([a, a * 2])


def test_version_error_hint_matches_torch():
    torch = pytest.importorskip("torch")
    msgs = []
    for lib in (chainrule, torch):
        x = lib.ones(2, requires_grad=True)
        y = x * 1
        z = y.sin()
        y.mul_(2)
        with pytest.raises(RuntimeError) as info:
            z.sum().backward()
        msgs.append(str(info.value).splitlines()[0].replace("chainrule", "torch"))
    assert msgs[0] == msgs[1]


def test_saved_attributes_on_grad_fn_as_in_the_autograd_mechanics_notes():
    x = chainrule.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = x.pow(2)
    assert x.equal(y.grad_fn._saved_self) and x is y.grad_fn._saved_self
    assert y.grad_fn._saved_exponent == 2
    y = x.exp()
    assert y.equal(y.grad_fn._saved_result) and y is not y.grad_fn._saved_result
    z = x * 3
    assert repr(z.grad_fn._saved_other) == "tensor(3)" and z.grad_fn._saved_self is None
    y.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.grad_fn._saved_result
    with pytest.raises(AttributeError, match="has no attribute '_saved_nothing'"):
        y.grad_fn._saved_nothing
