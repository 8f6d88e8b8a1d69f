"""``chainrule.autograd.gradcheck`` / ``gradgradcheck``: same answers, errors and warnings as
torch's, plus chainrule's detailed mismatch report."""

from __future__ import annotations

import re

import numpy as np
import pytest

import chainrule
from chainrule.autograd import GradcheckError, gradcheck, gradgradcheck


def _x(values, lib=chainrule, dtype="float64", requires_grad=True):
    return lib.tensor(values, dtype=getattr(lib, dtype), requires_grad=requires_grad)


def _torch():
    return pytest.importorskip("torch")


def _broken(lib, factor=3.0):
    """``2 x`` whose gradient is scaled by ``factor`` through a hook (a wrong backward)."""

    def f(x):
        y = x * 2
        y.register_hook(lambda g: g * factor)
        return y

    return f


# ---------------------------------------------------------------- API


def test_exports():
    assert chainrule.autograd.gradcheck is gradcheck
    assert chainrule.autograd.gradgradcheck is gradgradcheck
    assert issubclass(GradcheckError, RuntimeError)
    assert {"gradcheck", "gradgradcheck", "GradcheckError"} <= set(chainrule.autograd.__all__)


def test_signature_matches_torch():
    torch = _torch()
    import inspect

    for name in ("gradcheck", "gradgradcheck"):
        ours = inspect.signature(getattr(chainrule.autograd, name)).parameters
        theirs = inspect.signature(getattr(torch.autograd, name)).parameters
        assert list(ours) == list(theirs), name
        for p in theirs:
            assert ours[p].default == theirs[p].default, (name, p)
            assert ours[p].kind == theirs[p].kind, (name, p)


# ---------------------------------------------------------------- passing checks


@pytest.mark.parametrize(
    "fn,n",
    [
        (lambda lib, x: x.sin(), 1),
        (lambda lib, x, y: x * y + x.exp(), 2),
        (lambda lib, x, y: (x * y, x - y), 2),
        (lambda lib, x: x**3, 1),
        (lambda lib, x, y: lib.atan2(x, y + 3), 2),
    ],
    ids=["sin", "mul_exp", "tuple", "cube", "atan2"],
)
@pytest.mark.parametrize("fast", [False, True], ids=["slow", "fast"])
def test_correct_gradients_pass(fn, n, fast):
    rng = np.random.default_rng(0)
    ins = [_x(rng.standard_normal((2, 3)).tolist()) for _ in range(n)]
    assert gradcheck(lambda *a: fn(chainrule, *a), ins, fast_mode=fast)
    assert gradgradcheck(lambda *a: fn(chainrule, *a), ins, fast_mode=fast)


def test_same_results_as_torch():
    torch = _torch()
    for lib in (chainrule, torch):
        x = _x([0.3, -1.2, 2.0], lib)
        assert lib.autograd.gradcheck(lambda t: (t * t).tanh(), (x,))
        assert lib.autograd.gradgradcheck(lambda t: (t * t).tanh(), (x,))
        assert lib.autograd.gradcheck(_broken(lib), (x,), raise_exception=False) is False


def test_single_tensor_input_and_non_tensor_args():
    x = _x([0.5, 1.5])
    assert gradcheck(chainrule.sin, x)
    assert gradcheck(lambda t, k: t * k, (x, 3.0))
    assert gradgradcheck(lambda t, k: t**k, (x, 3))


def test_inputs_not_requiring_grad_and_int_inputs():
    x = _x([0.5, 1.5])
    c = _x([2.0, 3.0], requires_grad=False)
    i = chainrule.tensor([1, 2])
    assert gradcheck(lambda a, b, k: a * b + k, (x, c, i))


def test_inputs_restored_after_check():
    x = _x([0.5, 1.5, -2.0])
    before = x.detach().numpy().copy()
    gradcheck(lambda t: t.exp(), (x,))
    np.testing.assert_array_equal(x.detach().numpy(), before)


def test_explicit_grad_outputs():
    x = _x([0.5, 1.5])
    go = _x([1.0, -2.0])
    assert gradgradcheck(lambda t: t**3, (x,), (go,))
    assert gradgradcheck(lambda t: t.sin(), (x,), gen_non_contig_grad_outputs=True)


def test_multiple_outputs_undefined_grads():
    x = _x([0.5, 1.5])
    assert gradcheck(lambda t: (t * 2, t.exp(), t.sum()), (x,), check_undefined_grad=True)


def test_no_differentiable_output():
    torch = _torch()
    from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError

    for lib, err in ((chainrule, GradcheckError), (torch, TorchGradcheckError)):
        x = _x([0.5, 1.5], lib)
        # constant in x: fine; depends on x but records no graph: the numerical gradient is not 0
        assert lib.autograd.gradcheck(lambda t: t.detach() * 0 + 1, (x,))
        with pytest.raises(err, match="Numerical gradient for function expected to be zero"):
            lib.autograd.gradcheck(lambda t: t.detach() * 2, (x,))


def test_error_importable_from_submodule():
    from chainrule.autograd.gradcheck import GradcheckError as E

    assert E is GradcheckError


# ---------------------------------------------------------------- failures


def test_wrong_gradient_raises_with_report():
    x = _x([[0.5, 1.5], [-1.0, 2.0]])
    with pytest.raises(GradcheckError) as info:
        gradcheck(_broken(chainrule), (x,))
    assert "Worst element" not in str(info.value)  # PyTorch's message; the report is a note
    msg = "\n".join([str(info.value), *info.value.__notes__])
    assert msg.startswith("Jacobian mismatch for output 0 with respect to input 0,\n")
    assert "numerical:" in msg and "analytical:" in msg
    assert re.search(r"Worst element: input 0 at index \(\d, \d\) \(value [-\d.]+\)", msg)
    assert "numerical 2, analytical 6, difference 4" in msg
    assert "kink" not in msg


def test_wrong_gradient_message_prefix_as_torch():
    torch = _torch()
    from torch.autograd.gradcheck import GradcheckError as TorchGradcheckError

    msgs = []
    for lib, err in ((chainrule, GradcheckError), (torch, TorchGradcheckError)):
        a, b = _x([0.5, 1.5], lib), _x([1.0, 2.0], lib)
        with pytest.raises(err) as info:
            lib.autograd.gradcheck(lambda p, q: _broken(lib)(q) * p, (a, b))
        msgs.append(str(info.value).split("\n")[0])
    assert len(msgs) == 2 and msgs[0] == msgs[1]


def test_input_index_names_the_argument():
    a = _x([0.5, 1.5], requires_grad=False)
    b = _x([1.0, 2.0])
    with pytest.raises(GradcheckError, match=r"input 0 \(argument 1 of func\)"):
        gradcheck(lambda p, q: _broken(chainrule)(q) * p, (a, b))


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: t.relu(),
        lambda t: t.abs() + t.relu(),
        lambda t: t.clamp(min=0.0) * 1.0,
    ],
    ids=["relu", "abs_relu", "clamp"],
)
def test_kink_hint(fn):
    x = _x([1.0, 0.0, -1.0])
    with pytest.raises(GradcheckError) as info:
        gradcheck(fn, (x,))
    msg = "\n".join(info.value.__notes__)  # chainrule's report, under PyTorch's message
    assert "index (1,)" in msg and "value 0.0" in msg
    assert "kink" in msg and "not differentiable" in msg


def test_abs_at_zero_passes_like_torch():
    # sign(0) = 0 equals the central difference of |x| at 0, so both libraries pass
    torch = _torch()
    for lib in (chainrule, torch):
        assert lib.autograd.gradcheck(lambda t: t.abs(), (_x([0.0, 1.0], lib),))


def test_raise_exception_false():
    x = _x([0.5, 1.5])
    assert gradcheck(_broken(chainrule), (x,), raise_exception=False) is False
    assert gradcheck(_broken(chainrule), (x,), raise_exception=False, fast_mode=True) is False


def test_fast_mode_failure_reports_slow_mode():
    x = _x([0.5, 1.5])
    with pytest.raises(GradcheckError) as info:
        gradcheck(_broken(chainrule), (x,), fast_mode=True)
    msg = str(info.value)
    assert "fast mode" in msg and "Worst element" in msg


def test_gradgradcheck_detects_wrong_second_derivative():
    torch = _torch()
    for lib in (chainrule, torch):

        def f(t):
            y = t * t
            # cuts the gradient's graph: right gradient, wrong second derivative
            y.register_hook(lambda g: None if g is None else g.detach())
            return y

        x = _x([0.5, 1.5], lib)
        assert lib.autograd.gradcheck(f, (x,))
        assert lib.autograd.gradgradcheck(f, (x,), raise_exception=False) is False
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        gradgradcheck(f, (_x([0.5, 1.5]),))


def test_nondeterministic_backward():
    rng = np.random.default_rng(0)

    def f(t):
        y = t * 2
        y.register_hook(lambda g: g * (1 + float(rng.uniform(-1e-9, 1e-9))))
        return y

    x = _x([0.5, 1.5])
    with pytest.raises(GradcheckError, match="Backward is not reentrant"):
        gradcheck(f, (x,))
    assert gradcheck(f, (x,), nondet_tol=1e-6)


def test_backward_not_multiplied_by_grad_output():
    def f(t):
        y = t * 2
        # right for a one-hot grad_output, but a zero grad_output gives a nonzero gradient
        y.register_hook(lambda g: g + (g == 0).to(g.dtype))
        return y

    x = _x(0.5)
    with pytest.raises(GradcheckError, match="backward not multiplied by grad_output"):
        gradcheck(f, (x,))


# ---------------------------------------------------------------- input checks


def test_float32_input_warns_like_torch():
    torch = _torch()
    for lib in (chainrule, torch):
        x = _x([0.5, 1.5], lib, dtype="float32")
        with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double"):
            lib.autograd.gradcheck(
                lambda t: t * 2, (x,), eps=1e-3, atol=1e-2, raise_exception=False
            )


def test_no_input_requires_grad_raises_like_torch():
    torch = _torch()
    for lib in (chainrule, torch):
        x = _x([0.5, 1.5], lib, requires_grad=False)
        with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
            lib.autograd.gradcheck(lambda t: t * 2, (x,))


def test_stride_zero_input_raises():
    from chainrule._tensor import wrap

    # an expanded leaf (built directly, so this does not depend on the shape ops)
    y = wrap(np.broadcast_to(np.float64(0.5), (3,)), True)
    with pytest.raises(RuntimeError, match="stride 0"):
        gradcheck(lambda t: t * 2, (y,))


def test_check_forward_ad_needs_forward_mode():
    x = _x([0.5, 1.5])
    try:
        import chainrule.autograd.forward_ad  # noqa: F401
    except ImportError:
        with pytest.raises(NotImplementedError):
            gradcheck(lambda t: t.sin(), (x,), check_forward_ad=True)
        return
    assert gradcheck(lambda t: t.sin() * t, (x,), check_forward_ad=True)
