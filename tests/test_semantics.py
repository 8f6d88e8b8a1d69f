"""Autograd semantics as PyTorch 2.13 has them.

Every expected value, repr, exception type and message fragment below was checked by running the
same code on torch 2.13.0 (CPU): chainrule must behave the same way.
"""

import gc
import math
import operator
import re
import threading
import weakref

import numpy as np
import pytest

import chainrule as torch

NON_LEAF_GRAD = r"\.grad attribute of a Tensor that is not a leaf Tensor is being accessed"
LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
SECOND_BACKWARD = "Trying to backward through the graph a second time"
MODIFIED_INPLACE = (
    "one of the variables needed for gradient computation has been modified by an inplace operation"
)


def values(t):
    return np.asarray(t.tolist(), dtype=float)


def assert_values(t, expected, rtol=1e-6, atol=1e-7):
    np.testing.assert_allclose(values(t), np.asarray(expected, dtype=float), rtol=rtol, atol=atol)


def node_names(t):
    return [(None if n is None else type(n).__name__, i) for n, i in t.grad_fn.next_functions]


# ---------------------------------------------------------------------------------------------
# requires_grad, leaves, grad_fn, next_functions, AccumulateGrad
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: torch.tensor([1, 2], requires_grad=True),
        lambda: torch.arange(3, requires_grad=True),
        lambda: torch.zeros(2, dtype=torch.int32, requires_grad=True),
        lambda: torch.ones(2, dtype=torch.int64).requires_grad_(),
        lambda: torch.tensor([True]).requires_grad_(True),
    ],
)
def test_requires_grad_only_for_floating_dtypes(make):
    with pytest.raises(RuntimeError, match="Tensors of floating point.* can require gradients"):
        make()


def test_requires_grad_error_messages_exact():
    with pytest.raises(
        RuntimeError, match="Only Tensors of floating point and complex dtype can require gradients"
    ):
        torch.tensor([1, 2], requires_grad=True)
    with pytest.raises(
        RuntimeError, match="only Tensors of floating point dtype can require gradients"
    ):
        torch.tensor([1, 2]).requires_grad_()


def test_requires_grad_on_floating_dtypes():
    assert torch.tensor([1.0], dtype=torch.float64, requires_grad=True).requires_grad
    assert torch.zeros(2, 3, requires_grad=True).requires_grad
    assert torch.ones(2).requires_grad is False
    assert torch.ones(2).requires_grad_().requires_grad is True
    assert torch.ones(2).requires_grad_(False).requires_grad is False


def test_is_leaf_and_grad_fn():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([3.0, 4.0])
    assert x.is_leaf and c.is_leaf
    assert x.grad_fn is None and c.grad_fn is None
    y = x * c
    assert not y.is_leaf and y.requires_grad
    assert y.grad_fn is not None
    z = c * 2  # no input requires grad: the result is a leaf without grad_fn
    assert z.is_leaf and z.grad_fn is None and not z.requires_grad
    d = y.detach()
    assert d.is_leaf and d.grad_fn is None and not d.requires_grad


def test_grad_fn_name_and_type_name():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert y.grad_fn.name() == "MulBackward0"
    assert type(y.grad_fn).__name__ == "MulBackward0"
    assert re.fullmatch(r"<MulBackward0 object at 0x[0-9a-fA-F]+>", repr(y.grad_fn))


@pytest.mark.parametrize(
    "op, name, nexts",
    [
        (lambda x, w: x + w, "AddBackward0", ["AccumulateGrad", "AccumulateGrad"]),
        (lambda x, w: x - w, "SubBackward0", ["AccumulateGrad", "AccumulateGrad"]),
        (lambda x, w: x * w, "MulBackward0", ["AccumulateGrad", "AccumulateGrad"]),
        (lambda x, w: x / w, "DivBackward0", ["AccumulateGrad", "AccumulateGrad"]),
        (lambda x, w: -x, "NegBackward0", ["AccumulateGrad"]),
        (lambda x, w: x**2, "PowBackward0", ["AccumulateGrad"]),
        (lambda x, w: x**w, "PowBackward1", ["AccumulateGrad", "AccumulateGrad"]),
        (lambda x, w: x.exp(), "ExpBackward0", ["AccumulateGrad"]),
        (lambda x, w: x.log(), "LogBackward0", ["AccumulateGrad"]),
        (lambda x, w: x.sin(), "SinBackward0", ["AccumulateGrad"]),
        (lambda x, w: x.cos(), "CosBackward0", ["AccumulateGrad"]),
        (lambda x, w: x.tanh(), "TanhBackward0", ["AccumulateGrad"]),
        (lambda x, w: x.sigmoid(), "SigmoidBackward0", ["AccumulateGrad"]),
        (lambda x, w: x.relu(), "ReluBackward0", ["AccumulateGrad"]),
        (lambda x, w: x.sum(), "SumBackward0", ["AccumulateGrad"]),
        (lambda x, w: x.sum(0), "SumBackward1", ["AccumulateGrad"]),
        (lambda x, w: x.mean(), "MeanBackward0", ["AccumulateGrad"]),
        (lambda x, w: x.mean(0), "MeanBackward1", ["AccumulateGrad"]),
        (lambda x, w: torch.dot(x, w), "DotBackward0", ["AccumulateGrad", "AccumulateGrad"]),
        (lambda x, w: x.view(1, 2).mm(w.view(2, 1)), "MmBackward0", ["ViewBackward0"] * 2),
        (lambda x, w: x.view(1, 2) @ w.view(2, 1), "MmBackward0", ["ViewBackward0"] * 2),
        (lambda x, w: x.view(2, 1), "ViewBackward0", ["AccumulateGrad"]),
        (lambda x, w: x.reshape(2, 1), "ViewBackward0", ["AccumulateGrad"]),
        (lambda x, w: x[0], "SelectBackward0", ["AccumulateGrad"]),
        (lambda x, w: x[0:1], "SliceBackward0", ["AccumulateGrad"]),
        (lambda x, w: x[[0, 1]], "IndexBackward0", ["AccumulateGrad"]),
        (lambda x, w: x.clone(), "CloneBackward0", ["AccumulateGrad"]),
        (lambda x, w: torch.cat([x, w]), "CatBackward0", ["AccumulateGrad", "AccumulateGrad"]),
        (lambda x, w: torch.stack([x, w]), "StackBackward0", ["AccumulateGrad", "AccumulateGrad"]),
        (lambda x, w: x.view(1, 2).t(), "TBackward0", ["ViewBackward0"]),
        (lambda x, w: x.view(1, 2).T, "PermuteBackward0", ["ViewBackward0"]),
    ],
)
def test_node_names(op, name, nexts):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    y = op(x, w)
    assert y.grad_fn.name() == name
    assert type(y.grad_fn).__name__ == name
    assert node_names(y) == [(n, 0) for n in nexts]


def test_next_functions_with_constant_operand():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([3.0, 4.0])
    assert node_names(x + 2) == [("AccumulateGrad", 0), (None, 0)]
    assert node_names(2 * x) == [("AccumulateGrad", 0), (None, 0)]
    assert node_names(x * c) == [("AccumulateGrad", 0), (None, 0)]
    assert node_names(c * x) == [(None, 0), ("AccumulateGrad", 0)]
    y = (x * 2).sum()
    ((mul, idx),) = y.grad_fn.next_functions
    assert mul.name() == "MulBackward0" and idx == 0


def test_accumulate_grad_node():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x + 1
    z = x * 2
    acc = y.grad_fn.next_functions[0][0]
    assert type(acc).__name__ == "AccumulateGrad"
    assert acc.variable is x
    assert acc.next_functions == ()
    # the same AccumulateGrad node serves every graph that uses x while one is alive
    assert z.grad_fn.next_functions[0][0] is acc


def test_graph_walk_matches_expression():
    x = torch.ones(2, 2, requires_grad=True)
    out = ((x + 2) * (x + 2) * 3).mean()
    names = []
    node = out.grad_fn
    while node is not None:
        names.append(type(node).__name__)
        node = node.next_functions[0][0] if node.next_functions else None
    assert names == [
        "MeanBackward0",
        "MulBackward0",
        "MulBackward0",
        "AddBackward0",
        "AccumulateGrad",
    ]


# ---------------------------------------------------------------------------------------------
# backward(gradient, retain_graph, create_graph, inputs)
# ---------------------------------------------------------------------------------------------


def test_backward_with_explicit_gradient():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(gradient=torch.tensor([1.0, 0.1, 0.01]))
    assert_values(x.grad, [2.0, 0.4, 0.06])


def test_backward_all_keywords():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x**3).sum()
    y.backward(gradient=None, retain_graph=None, create_graph=False, inputs=None)
    assert x.grad.tolist() == [3.0, 12.0]
    assert x.grad.requires_grad is False


def test_implicit_gradient_only_for_one_element_outputs():
    x = torch.tensor([[3.0]], requires_grad=True)
    y = x * 2  # shape (1, 1): one element, implicit gradient allowed
    y.backward()
    assert x.grad.tolist() == [[2.0]]
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        RuntimeError, match="grad can be implicitly created only for scalar outputs"
    ):
        (x * 2).backward()
    assert x.grad is None


def test_backward_gradient_shape_mismatch():
    z = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of"):
        (z * 2).backward(torch.ones(3))


def test_backward_on_tensor_not_requiring_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        torch.ones(2).sum().backward()
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        torch.autograd.backward(torch.ones(2).sum())


def test_backward_inputs_restricts_accumulation():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    assert a.grad.tolist() == [3.0, 4.0]
    assert b.grad is None
    a.grad = None
    torch.autograd.backward((a * b).sum(), inputs=[b])
    assert a.grad is None
    assert b.grad.tolist() == [1.0, 2.0]


def test_backward_create_graph_warns_and_allows_second_order():
    q = torch.tensor(2.0, requires_grad=True)
    with pytest.warns(UserWarning, match="create_graph=True will create a reference cycle"):
        (q**3).backward(create_graph=True)
    assert q.grad.item() == 12.0
    assert q.grad.requires_grad is True
    (g2,) = torch.autograd.grad(q.grad, q, retain_graph=True)
    assert g2.item() == 12.0  # d(3 q^2)/dq = 6 q
    # torch warns once per process, so the repr is checked here too (tests may run in any order)
    assert repr(q.grad) == "tensor(12., grad_fn=<CopyBackwards>)"


# ---------------------------------------------------------------------------------------------
# accumulation, zero_, grad = None
# ---------------------------------------------------------------------------------------------


def test_gradients_accumulate_across_calls():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]
    (x * 3).sum().backward()
    assert x.grad.tolist() == [5.0, 7.0]
    g = x.grad
    (x * 1).sum().backward()
    assert x.grad.tolist() == [6.0, 8.0]
    assert g.tolist() == [6.0, 8.0]  # accumulated in place into the same tensor


def test_grad_zero_and_none():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad.zero_()
    assert x.grad.tolist() == [0.0, 0.0]
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    x.grad = None
    assert x.grad is None
    (x * 5).sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


def test_assign_grad():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    a.grad = torch.ones(2)
    (a * 2).sum().backward()
    assert a.grad.tolist() == [3.0, 3.0]
    with pytest.raises(RuntimeError, match="attempting to assign a gradient of size"):
        a.grad = torch.ones(3)


def test_leaf_grad_is_not_tracked():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.requires_grad is False
    assert x.grad.is_leaf
    assert x.grad.grad_fn is None


# ---------------------------------------------------------------------------------------------
# retain_graph
# ---------------------------------------------------------------------------------------------


def test_second_backward_without_retain_graph_raises():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    e = x * x
    e.sum().backward()
    with pytest.raises(RuntimeError, match=SECOND_BACKWARD):
        e.sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_second_backward_message_mentions_retain_graph():
    x = torch.tensor(3.0, requires_grad=True)
    y = x.exp() * x
    y.backward()
    with pytest.raises(RuntimeError, match="Specify retain_graph=True"):
        y.backward()


def test_retain_graph_allows_second_backward_and_accumulates():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    assert x.grad.tolist() == [2.0, 4.0]
    y.backward(retain_graph=True)
    assert x.grad.tolist() == [4.0, 8.0]
    y.backward()
    assert x.grad.tolist() == [6.0, 8.0 + 4.0]
    with pytest.raises(RuntimeError, match=SECOND_BACKWARD):
        y.backward()


def test_autograd_grad_frees_graph_too():
    x = torch.tensor(2.0, requires_grad=True)
    y = x * x
    torch.autograd.grad(y, x)
    with pytest.raises(RuntimeError, match=SECOND_BACKWARD):
        torch.autograd.grad(y, x)
    y = x * x
    (g1,) = torch.autograd.grad(y, x, retain_graph=True)
    (g2,) = torch.autograd.grad(y, x)
    assert g1.item() == g2.item() == 4.0


# ---------------------------------------------------------------------------------------------
# grad modes
# ---------------------------------------------------------------------------------------------


def test_no_grad_context():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert torch.is_grad_enabled() is True
    with torch.no_grad():
        assert torch.is_grad_enabled() is False
        y = x * 2
        t = torch.ones(2, requires_grad=True)  # a leaf created here still requires grad
        assert t.requires_grad and not (t * 2).requires_grad
    assert torch.is_grad_enabled() is True
    assert y.requires_grad is False and y.grad_fn is None
    assert y.tolist() == [2.0, 4.0]


def test_no_grad_decorator_both_forms():
    x = torch.tensor([1.0, 2.0], requires_grad=True)

    @torch.no_grad()
    def f(t):
        assert not torch.is_grad_enabled()
        return t * 2

    @torch.no_grad
    def f2(t):
        return t * 2

    assert f(x).requires_grad is False
    assert f2(x).requires_grad is False
    assert f.__name__ == "f"
    assert torch.is_grad_enabled()


def test_enable_grad_nesting_and_decorator():
    x = torch.tensor([1.0, 2.0], requires_grad=True)

    @torch.enable_grad()
    def g(t):
        return t * 2

    with torch.no_grad():
        assert g(x).requires_grad is True
        assert torch.is_grad_enabled() is False
        with torch.enable_grad():
            assert torch.is_grad_enabled() is True
            assert (x * 2).requires_grad is True
            with torch.no_grad():
                assert (x * 2).requires_grad is False
            assert torch.is_grad_enabled() is True
        assert torch.is_grad_enabled() is False
    assert torch.is_grad_enabled() is True


def test_set_grad_enabled_function_and_context():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    try:
        torch.set_grad_enabled(False)
        assert torch.is_grad_enabled() is False
        assert (x * 2).requires_grad is False
        torch.set_grad_enabled(True)
        assert torch.is_grad_enabled() is True
    finally:
        torch.set_grad_enabled(True)
    with torch.set_grad_enabled(False):
        assert (x * 2).requires_grad is False
        with torch.set_grad_enabled(True):
            assert (x * 2).requires_grad is True
        assert torch.is_grad_enabled() is False
    assert torch.is_grad_enabled() is True
    is_train = False
    with torch.set_grad_enabled(is_train):
        y = x * 2
    assert y.requires_grad is False


def test_grad_mode_restored_after_exception():
    with pytest.raises(ValueError):
        with torch.no_grad():
            raise ValueError("boom")
    assert torch.is_grad_enabled() is True


def test_inference_mode():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert torch.is_inference_mode_enabled() is False
    with torch.inference_mode():
        assert torch.is_grad_enabled() is False
        assert torch.is_inference_mode_enabled() is True
        i = x * 2
        assert i.requires_grad is False
        assert i.is_inference() is True
        with torch.inference_mode(False):
            assert torch.is_inference_mode_enabled() is False
            assert torch.is_grad_enabled() is True
    assert torch.is_inference_mode_enabled() is False
    assert torch.is_grad_enabled() is True
    assert x.is_inference() is False
    assert i.tolist() == [2.0, 4.0]

    @torch.inference_mode()
    def im(t):
        return t * 2

    r = im(x)
    assert r.requires_grad is False and r.is_inference()


def test_inference_tensor_cannot_be_saved_for_backward():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.inference_mode():
        i = x * 2
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        (i * x).sum().backward()


def test_grad_mode_is_thread_local():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    res = []

    def worker():
        res.append((torch.is_grad_enabled(), (x * 2).requires_grad))
        torch.set_grad_enabled(False)  # only affects this thread
        res.append(torch.is_grad_enabled())

    with torch.no_grad():
        th = threading.Thread(target=worker)
        th.start()
        th.join()
        assert torch.is_grad_enabled() is False
    assert res == [(True, True), False]
    assert torch.is_grad_enabled() is True


# ---------------------------------------------------------------------------------------------
# detach, detach_, requires_grad_, retain_grad, .grad of non-leaves
# ---------------------------------------------------------------------------------------------


def test_detach_shares_memory_and_stops_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    d = y.detach()
    assert not d.requires_grad and d.is_leaf
    d[0] = 100.0  # writes through to y
    assert y.tolist() == [100.0, 6.0]
    z = (d * x).sum()
    z.backward()
    assert x.grad.tolist() == [100.0, 6.0]


def test_detach_in_place():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    d = x * 2
    r = d.detach_()
    assert r is d
    assert d.requires_grad is False and d.is_leaf and d.grad_fn is None
    assert d.tolist() == [2.0, 4.0]


def test_requires_grad_on_non_leaf():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        RuntimeError, match="you can only change requires_grad flags of leaf variables"
    ):
        (x * 2).requires_grad_(False)
    y = x * 2
    assert y.requires_grad_(True) is y  # already requires grad: allowed


def test_retain_grad():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    z = y * y
    assert y.retains_grad is False
    y.retain_grad()
    assert y.retains_grad is True
    assert x.retains_grad is False
    x.retain_grad()  # no-op on a leaf
    assert x.retains_grad is False
    z.sum().backward()
    assert y.grad.tolist() == [6.0, 12.0]
    assert x.grad.tolist() == [18.0, 36.0]
    with pytest.raises(
        RuntimeError, match="can't retain_grad on Tensor that has requires_grad=False"
    ):
        torch.ones(2).retain_grad()


def test_non_leaf_grad_warns_and_is_none():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.sum().backward()
    with pytest.warns(UserWarning, match=NON_LEAF_GRAD) as rec:
        g = y.grad
    assert g is None
    assert "retain_grad()" in str(rec[0].message)


def test_leaf_grad_read_does_not_warn(recwarn):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert x.grad is None
    c = torch.ones(2)
    assert c.grad is None
    assert not [w for w in recwarn.list if issubclass(w.category, UserWarning)]


# ---------------------------------------------------------------------------------------------
# hooks
# ---------------------------------------------------------------------------------------------


def test_register_hook_replaces_gradient_and_remove():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    seen = []

    def hook(g):
        seen.append(g.tolist())
        return g * 10

    h = y.register_hook(hook)
    y.sum().backward(retain_graph=True)
    assert seen == [[1.0, 1.0]]
    assert x.grad.tolist() == [30.0, 30.0]
    h.remove()
    x.grad = None
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]
    assert len(seen) == 1


def test_hook_returning_none_observes_only():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    (y * torch.tensor([2.0, 5.0])).sum().backward()
    assert seen == [[2.0, 5.0]]
    assert x.grad.tolist() == [4.0, 20.0]


def test_hook_on_leaf_changes_accumulated_grad():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g * 0 + 7)
    (x * x).sum().backward()
    assert x.grad.tolist() == [7.0, 7.0]


def test_multiple_hooks_chain_in_order():
    x = torch.tensor(1.0, requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g + 1)
    y.register_hook(lambda g: g * 10)
    y.backward()
    assert x.grad.item() == 40.0  # ((1 + 1) * 10) * 2


def test_hook_on_tensor_not_requiring_grad_raises():
    with pytest.raises(
        RuntimeError, match="cannot register a hook on a tensor that doesn't require"
    ):
        torch.ones(2).register_hook(lambda g: g)


# ---------------------------------------------------------------------------------------------
# torch.autograd.grad / torch.autograd.backward
# ---------------------------------------------------------------------------------------------


def test_autograd_grad_returns_tuple_and_does_not_accumulate():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    r = torch.autograd.grad((a * b).sum(), a)
    assert isinstance(r, tuple) and len(r) == 1
    assert r[0].tolist() == [3.0, 4.0]
    assert a.grad is None and b.grad is None
    ga, gb = torch.autograd.grad((a * b).sum(), [a, b])
    assert ga.tolist() == [3.0, 4.0] and gb.tolist() == [1.0, 2.0]


def test_autograd_grad_grad_outputs_and_multiple_outputs():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    (g,) = torch.autograd.grad((a * b).sum(), a, grad_outputs=torch.tensor(2.0))
    assert g.tolist() == [6.0, 8.0]
    (g,) = torch.autograd.grad(a * b, a, grad_outputs=torch.tensor([1.0, -1.0]))
    assert g.tolist() == [3.0, -4.0]
    ga, gb = torch.autograd.grad([(a * b).sum(), (a * a).sum()], [a, b])
    assert ga.tolist() == [5.0, 8.0] and gb.tolist() == [1.0, 2.0]


def test_autograd_grad_allow_unused():
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    r = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        torch.autograd.grad((p * 2).sum(), [p, r])
    with pytest.raises(RuntimeError, match="Set allow_unused=True"):
        torch.autograd.grad((p * 2).sum(), [p, r])
    gp, gr = torch.autograd.grad((p * 2).sum(), [p, r], allow_unused=True)
    assert gp.tolist() == [2.0, 2.0]
    assert gr is None


def test_autograd_grad_input_not_requiring_grad():
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        RuntimeError, match="One of the differentiated Tensors does not require grad"
    ):
        torch.autograd.grad((p * 2).sum(), [p, torch.ones(2)])
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        torch.autograd.grad(torch.ones(2).sum(), torch.ones(2))


def test_autograd_grad_non_scalar_needs_grad_outputs():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        RuntimeError, match="grad can be implicitly created only for scalar outputs"
    ):
        torch.autograd.grad(x * 2, x)


def test_autograd_backward_multiple_tensors():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    torch.autograd.backward([(a * b).sum(), a * a], [None, torch.tensor([1.0, 10.0])])
    assert a.grad.tolist() == [5.0, 44.0]
    assert b.grad.tolist() == [1.0, 2.0]


def test_third_derivative_of_x4():
    x = torch.tensor(2.0, requires_grad=True)
    y = x**4
    (g1,) = torch.autograd.grad(y, x, create_graph=True)
    (g2,) = torch.autograd.grad(g1, x, create_graph=True)
    (g3,) = torch.autograd.grad(g2, x)
    assert (g1.item(), g2.item(), g3.item()) == (32.0, 48.0, 48.0)
    assert g1.requires_grad and g2.requires_grad and not g3.requires_grad
    assert repr(g3) == "tensor(48.)"
    assert x.grad is None


def test_third_derivative_of_sin():
    x = torch.tensor(0.5, requires_grad=True)
    y = torch.sin(x)
    (g1,) = torch.autograd.grad(y, x, create_graph=True)
    (g2,) = torch.autograd.grad(g1, x, create_graph=True)
    (g3,) = torch.autograd.grad(g2, x)
    assert g1.item() == pytest.approx(math.cos(0.5), rel=1e-6)
    assert g2.item() == pytest.approx(-math.sin(0.5), rel=1e-6)
    assert g3.item() == pytest.approx(-math.cos(0.5), rel=1e-6)
    assert repr(g3) == "tensor(-0.8776)"


def test_second_derivative_vector_via_sum():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (g,) = torch.autograd.grad((x**3).sum(), x, create_graph=True)
    assert g.tolist() == [3.0, 12.0, 27.0]
    (h,) = torch.autograd.grad(g.sum(), x)
    assert h.tolist() == [6.0, 12.0, 18.0]


def test_jacobian_rows_in_a_loop():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = torch.stack([x[0] * x[1], x[1] * x[2], x[0] ** 2])
    rows = []
    for i in range(3):
        (row,) = torch.autograd.grad(y[i], x, retain_graph=True)
        rows.append(row)
    jac = torch.stack(rows)
    assert jac.tolist() == [[2.0, 1.0, 0.0], [0.0, 3.0, 2.0], [2.0, 0.0, 0.0]]
    rows = []
    for i in range(3):
        e = torch.zeros(3)
        e[i] = 1.0
        rows.append(torch.autograd.grad(y, x, grad_outputs=e, retain_graph=True)[0])
    assert torch.stack(rows).tolist() == jac.tolist()


# ---------------------------------------------------------------------------------------------
# dynamic graphs
# ---------------------------------------------------------------------------------------------


def d2l_f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


@pytest.mark.parametrize("a0, grad", [(0.3, 4096.0), (-0.3, 409600.0), (5.0, 256.0)])
def test_d2l_control_flow(a0, grad):
    a = torch.tensor(a0, requires_grad=True)
    d = d2l_f(a)
    d.backward()
    assert a.grad.item() == grad
    assert (a.grad == d / a).item() is True


def test_recursion_builds_graph():
    def power(t, n):
        return t if n == 1 else t * power(t, n - 1)

    x = torch.tensor(1.5, requires_grad=True)
    p = power(x, 5)
    p.backward()
    assert p.item() == pytest.approx(1.5**5, rel=1e-6)
    assert x.grad.item() == pytest.approx(5 * 1.5**4, rel=1e-6)


def test_value_dependent_branches_and_loops():
    def g(x):
        if x.sum() > 0:
            out = x * x
        else:
            out = -x
        for _ in range(int(x.abs().sum().item())):
            out = out * 2
        return out.sum()

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    g(x).backward()
    assert x.grad.tolist() == [16.0, 32.0]  # 2x * 2**3
    x = torch.tensor([-1.0, -0.5], requires_grad=True)
    g(x).backward()
    assert x.grad.tolist() == [-2.0, -2.0]  # -1 * 2**1


def test_graph_differs_per_call():
    x = torch.tensor(3.0, requires_grad=True)
    ys = [x * x if i % 2 else x.exp() for i in range(2)]
    assert ys[0].grad_fn.name() == "ExpBackward0"
    assert ys[1].grad_fn.name() == "MulBackward0"


# ---------------------------------------------------------------------------------------------
# in-place rules and the version counter
# ---------------------------------------------------------------------------------------------


def test_inplace_on_leaf_requiring_grad_raises():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=LEAF_INPLACE):
        x.add_(1)
    with pytest.raises(RuntimeError, match=LEAF_INPLACE):
        x -= 1
    with pytest.raises(RuntimeError, match=LEAF_INPLACE):
        x.zero_()
    with pytest.raises(
        RuntimeError, match="leaf Variable that requires grad is being used in an in-place"
    ):
        x[0] = 5.0
    assert x.tolist() == [1.0, 2.0, 3.0]
    assert x._version == 0


def test_inplace_on_leaf_allowed_under_no_grad_and_versions():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    assert x._version == 0
    with torch.no_grad():
        x.add_(1)
        assert x._version == 1
        x.mul_(2)
        assert x._version == 2
        x[0] = 0.5
        assert x._version == 3
        x -= 0.5
        assert x._version == 4
    assert x.tolist() == [0.0, 5.5, 7.5]
    assert x.requires_grad and x.is_leaf and x.grad_fn is None
    (x * x).sum().backward()
    assert x.grad.tolist() == [0.0, 11.0, 15.0]


def test_inplace_on_non_leaf_is_differentiable():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    assert y._version == 0
    y.add_(1)
    assert y._version == 1
    assert y.grad_fn.name() == "AddBackward0"
    assert repr(y) == "tensor([3., 5., 7.], grad_fn=<AddBackward0>)"
    y.mul_(torch.tensor([1.0, 2.0, 3.0]))
    assert y._version == 2
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]


def test_inplace_exp_on_non_leaf():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.exp_()
    assert y.grad_fn.name() == "ExpBackward0"
    y.sum().backward()
    assert repr(x.grad) == "tensor([ 14.7781, 109.1963, 806.8576])"


def test_augmented_assignment_on_non_leaf():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y += 3
    y *= x
    y.sum().backward()
    # y = (x + 3) * x, dy/dx = 2x + 3
    assert x.grad.tolist() == [5.0, 7.0]


@pytest.mark.parametrize(
    "build",
    [
        lambda x: (lambda a: (a * a, a))(x * 1),  # mul saves its inputs
        lambda x: (lambda y: (y, y))(x.exp()),  # exp saves its output
        lambda x: (lambda y: (y * 1, y))(x.sigmoid()),  # sigmoid saves its output
    ],
)
def test_modifying_saved_tensor_then_backward_raises(build):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out, saved = build(x)
    saved.add_(1)
    with pytest.raises(RuntimeError, match=MODIFIED_INPLACE):
        out.sum().backward()


def test_modified_saved_tensor_message_has_versions():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = x * 1
    b = a * a
    a.add_(1)
    with pytest.raises(RuntimeError, match=r"is at version 1; expected version 0 instead"):
        b.sum().backward()


def test_inplace_on_unsaved_tensor_is_fine():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x * 1
    b = a + 1  # add does not save its inputs
    a.mul_(5)
    b.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


# ---------------------------------------------------------------------------------------------
# views share memory
# ---------------------------------------------------------------------------------------------


def test_views_share_memory():
    x = torch.arange(6.0).reshape(2, 3)
    v = x.view(6)
    v[0] = 10
    assert x[0, 0].item() == 10.0
    r = x.reshape(3, 2)
    r[2, 1] = -1
    assert x[1, 2].item() == -1.0
    s = x[1]
    s[0] = 7
    assert x.tolist() == [[10.0, 1.0, 2.0], [7.0, 4.0, -1.0]]
    sl = x[:, 1:]
    sl.fill_(0.5)
    assert x.tolist() == [[10.0, 0.5, 0.5], [7.0, 0.5, 0.5]]
    x.add_(1)  # writes to the base are seen by the views
    assert v.tolist() == [11.0, 1.5, 1.5, 8.0, 1.5, 1.5]
    assert s.tolist() == [8.0, 1.5, 1.5]


def test_detach_and_data_share_memory():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    d[0] = 9.0
    assert x.tolist() == [9.0, 2.0]
    x.data[1] = -4.0
    assert x.tolist() == [9.0, -4.0]
    assert x.data.requires_grad is False


def test_numpy_shares_memory():
    x = torch.arange(6.0).reshape(2, 3)
    n = x.numpy()
    assert isinstance(n, np.ndarray) and n.dtype == np.float32
    n[0, 2] = 42
    assert x[0, 2].item() == 42.0
    x.add_(1)
    assert n.tolist() == [[1.0, 2.0, 43.0], [4.0, 5.0, 6.0]]


def test_from_numpy_shares_memory():
    a = np.arange(3.0)
    t = torch.from_numpy(a)
    assert t.dtype == torch.float64
    a[0] = 5
    assert repr(t) == "tensor([5., 1., 2.], dtype=torch.float64)"


def test_numpy_on_tensor_requiring_grad_raises():
    t = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        t.numpy()
    assert t.detach().numpy().tolist() == [1.0, 1.0]


def test_view_of_non_contiguous_raises_reshape_copies():
    x = torch.arange(6.0).reshape(2, 3)
    with pytest.raises(RuntimeError, match="view size is not compatible with input tensor's size"):
        x.T.view(6)
    r = x.T.reshape(6)
    assert r.tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert x.is_contiguous() and not x.T.is_contiguous()


def test_inplace_on_view_of_non_leaf_propagates_to_base_gradient():
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    y = x * 1
    v = y[0:2]
    v.mul_(3)
    assert y.tolist() == [3.0, 6.0, 3.0, 4.0]
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 1.0, 1.0]


def test_inplace_on_view_of_leaf_raises():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[0:1].mul_(2)


# ---------------------------------------------------------------------------------------------
# __setitem__ / __getitem__
# ---------------------------------------------------------------------------------------------


def test_setitem_on_non_leaf_is_differentiable():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor(5.0, requires_grad=True)
    y = x * 2
    y[1] = 0
    assert repr(y) == "tensor([2., 0., 6.], grad_fn=<CopySlices>)"
    y[0] = w * w
    assert repr(y) == "tensor([25.,  0.,  6.], grad_fn=<CopySlices>)"
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 6.0]
    assert w.grad.item() == 10.0


def test_setitem_with_slice_and_mask():
    x = torch.tensor([1.0, -2.0, 3.0, -4.0], requires_grad=True)
    y = x * 1
    y[y < 0] = 0
    y[:1] = y[:1] * 10
    y.sum().backward()
    assert y.tolist() == [10.0, 0.0, 3.0, 0.0]
    assert x.grad.tolist() == [10.0, 0.0, 1.0, 0.0]


def test_getitem_repeated_indices_accumulate():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 1, 0]].sum().backward()
    assert x.grad.tolist() == [3.0, 1.0, 0.0]
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x[torch.tensor([2, 2])] * torch.tensor([1.0, 10.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 11.0]


def test_getitem_overlapping_uses_accumulate():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    (x[0] + x[0] + x[:, 1]).sum().backward()
    assert x.grad.tolist() == [[2.0, 3.0], [0.0, 1.0]]


# ---------------------------------------------------------------------------------------------
# deep graphs and freeing
# ---------------------------------------------------------------------------------------------


def test_100k_op_chain_backward_without_recursion_error():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1
    assert y.tolist() == [100001.0, 100002.0]
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    del y  # freeing the long chain must not overflow the stack either


@pytest.fixture
def no_gc():
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def test_graph_freed_with_output(no_gc):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    b = a.sin()
    r = weakref.ref(a)
    del a
    del b  # the graph (which saved a) goes with its output, without gc.collect()
    assert r() is None


def test_graph_nodes_freed_with_output_hook_sentinel(no_gc):
    class Sentinel:
        pass

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    s = Sentinel()
    a.register_hook(lambda g, s=s: None)
    rs = weakref.ref(s)
    del s
    b = (a * a).sum()
    del a
    assert rs() is not None  # still held by the graph of b
    del b
    assert rs() is None


def test_output_saved_by_its_own_node_is_freed(no_gc):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # ExpBackward0 saves its result: no reference cycle allowed
    r = weakref.ref(y)
    del y
    assert r() is None
    y = x.sigmoid() * 2
    r = weakref.ref(y)
    del y
    assert r() is None


def test_saved_tensors_released_by_backward(no_gc):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    b = (a * a).sum()
    r = weakref.ref(a)
    del a
    assert r() is not None
    b.backward()
    assert r() is None
    assert x.grad.tolist() == [8.0, 16.0]


# ---------------------------------------------------------------------------------------------
# type promotion and the default dtype
# ---------------------------------------------------------------------------------------------


def test_type_promotion():
    i = torch.tensor([1, 2, 3])
    assert i.dtype == torch.int64
    assert (i + 2.5).dtype == torch.float32
    assert (i + 2.5).tolist() == [3.5, 4.5, 5.5]
    assert (i * 2).dtype == torch.int64
    assert (torch.ones(2) * 2.5).dtype == torch.float32
    assert (torch.ones(2) + torch.ones(2, dtype=torch.float64)).dtype == torch.float64
    assert (torch.tensor(2.0, dtype=torch.float64) * torch.ones(2)).dtype == torch.float32
    assert (i + torch.tensor(1.5, dtype=torch.float64)).dtype == torch.float64
    assert (torch.ones(2, dtype=torch.float64) * 2.5).dtype == torch.float64
    assert (torch.tensor([True]) + 1).dtype == torch.int64
    assert (i // 2).dtype == torch.int64


def test_int_true_division_gives_float32():
    i = torch.tensor([1, 2, 3])
    q = i / torch.tensor([2, 2, 2])
    assert q.dtype == torch.float32
    assert repr(q) == "tensor([0.5000, 1.0000, 1.5000])"
    assert (i / 2).dtype == torch.float32


def test_tensor_constructor_dtypes():
    assert torch.tensor(3).dtype == torch.int64
    assert torch.tensor(3.0).dtype == torch.float32
    assert torch.tensor(True).dtype == torch.bool
    assert torch.tensor([1, 2.0]).dtype == torch.float32
    assert torch.tensor(3.0, dtype=torch.float64).dtype == torch.float64


def test_set_default_dtype():
    assert torch.get_default_dtype() == torch.float32
    try:
        torch.set_default_dtype(torch.float64)
        assert torch.get_default_dtype() == torch.float64
        assert torch.tensor([1.5]).dtype == torch.float64
        assert torch.ones(2).dtype == torch.float64
        assert torch.randn(2).dtype == torch.float64
        assert torch.arange(3.0).dtype == torch.float64
        assert (torch.tensor([1, 2]) / 2).dtype == torch.float64
        assert (torch.tensor([1, 2]) + 0.5).dtype == torch.float64
        # the repr omits the dtype of the default type and shows the others
        assert repr(torch.tensor([1.5])) == "tensor([1.5000])"
        assert repr(torch.tensor([1.5], dtype=torch.float32)) == (
            "tensor([1.5000], dtype=torch.float32)"
        )
    finally:
        torch.set_default_dtype(torch.float32)
    assert torch.get_default_dtype() == torch.float32
    assert torch.tensor([1.5]).dtype == torch.float32
    with pytest.raises(
        TypeError, match="only floating-point types are supported as the default type"
    ):
        torch.set_default_dtype(torch.int64)


# ---------------------------------------------------------------------------------------------
# creation functions
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty", "rand", "randn"])
def test_creation_size_forms(fn):
    f = getattr(torch, fn)
    for t in (f(2, 3), f((2, 3)), f([2, 3]), f(size=(2, 3))):
        assert t.shape == (2, 3)
        assert t.dtype == torch.float32
        assert t.requires_grad is False
    assert f(3).shape == (3,)
    assert f(()).shape == ()
    assert f(2, 3, dtype=torch.float64).dtype == torch.float64
    t = f(2, requires_grad=True)
    assert t.requires_grad and t.is_leaf
    assert f(2, device="cpu").device.type == "cpu"


def test_creation_values():
    assert torch.zeros(2, 2).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert torch.ones(3).tolist() == [1.0, 1.0, 1.0]
    assert repr(torch.full((2, 2), 7.0)) == "tensor([[7., 7.],\n        [7., 7.]])"
    assert repr(torch.full((2,), 7)) == "tensor([7, 7])"
    assert repr(torch.arange(5)) == "tensor([0, 1, 2, 3, 4])"
    assert repr(torch.arange(1, 4)) == "tensor([1, 2, 3])"
    assert repr(torch.arange(0, 1, 0.25)) == "tensor([0.0000, 0.2500, 0.5000, 0.7500])"
    assert repr(torch.linspace(0, 1, 5)) == "tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])"
    assert repr(torch.eye(2)) == "tensor([[1., 0.],\n        [0., 1.]])"
    i = torch.tensor([1, 2, 3])
    assert repr(torch.zeros_like(i)) == "tensor([0, 0, 0])"
    assert repr(torch.full_like(i, 4)) == "tensor([4, 4, 4])"
    assert repr(torch.ones_like(torch.ones(2, dtype=torch.float64))) == (
        "tensor([1., 1.], dtype=torch.float64)"
    )
    assert torch.randn_like(torch.ones(2, 3)).shape == (2, 3)
    assert torch.rand(1000).min().item() >= 0.0 and torch.rand(1000).max().item() < 1.0


def test_tensor_constructor_keywords():
    t = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True, device="cpu")
    assert repr(t) == "tensor([1., 2.], dtype=torch.float64, requires_grad=True)"
    assert t.is_leaf


def test_randn_scalar_size_keyword():
    r = torch.randn(size=(), requires_grad=True)
    assert r.shape == () and r.dim() == 0
    assert r.requires_grad and r.is_leaf
    (r * 3).backward()
    assert r.grad.item() == 3.0


def test_manual_seed_reproducible():
    # chainrule's random numbers need not equal torch's: only reproducibility is tested
    torch.manual_seed(123)
    a = torch.randn(5).tolist()
    b = torch.rand(3).tolist()
    torch.manual_seed(123)
    assert torch.randn(5).tolist() == a
    assert torch.rand(3).tolist() == b
    torch.manual_seed(124)
    assert torch.randn(5).tolist() != a


def test_randint():
    torch.manual_seed(0)
    r = torch.randint(0, 10, (100,))
    assert r.dtype == torch.int64 and r.shape == (100,)
    assert r.min().item() >= 0 and r.max().item() < 10


# ---------------------------------------------------------------------------------------------
# attributes and conversions
# ---------------------------------------------------------------------------------------------


def test_shape_size_dim():
    x = torch.arange(6.0).reshape(2, 3)
    assert repr(x.shape) == "torch.Size([2, 3])"
    assert x.shape == (2, 3) and x.shape == torch.Size([2, 3])
    assert isinstance(x.shape, tuple) and list(x.shape) == [2, 3]
    assert type(x.shape[0]) is int
    assert x.size() == (2, 3)
    assert x.size(1) == 3 and x.size(-1) == 3 and x.size(0) == 2
    assert x.dim() == 2 and x.ndim == 2
    assert x.numel() == 6
    assert torch.tensor(1.0).shape == () and torch.tensor(1.0).dim() == 0


def test_dtype_and_device():
    x = torch.ones(2)
    assert x.dtype == torch.float32
    assert str(x.dtype) == "torch.float32"
    assert str(x.device) == "cpu"
    assert repr(x.device) == "device(type='cpu')"
    assert x.device.type == "cpu"
    assert torch.zeros(2, device=torch.device("cpu")).device.type == "cpu"


def test_device_prints_cpu(capsys):
    print(torch.ones(1).device)
    assert capsys.readouterr().out == "cpu\n"


def test_transposes():
    x = torch.arange(6.0).reshape(2, 3)
    expected = [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    assert x.T.tolist() == expected
    assert x.mT.tolist() == expected
    assert x.t().tolist() == expected
    assert x.T.shape == (3, 2)
    b = torch.arange(12.0).reshape(2, 2, 3)
    assert b.mT.shape == (2, 3, 2)
    assert b.mT[1].tolist() == [[6.0, 9.0], [7.0, 10.0], [8.0, 11.0]]


def test_data_item_tolist():
    w = torch.tensor([1.5, -2.7], requires_grad=True)
    assert repr(w.data) == "tensor([ 1.5000, -2.7000])"
    assert torch.tensor([2.5]).item() == 2.5
    assert isinstance(torch.tensor(3).item(), int)
    with pytest.raises(
        RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"
    ):
        w.item()
    assert torch.tensor([[1.0, 2.0], [3.0, 4.0]]).tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert torch.tensor(3.5).tolist() == 3.5
    assert type(torch.tensor([1, 2]).tolist()[0]) is int


def test_dtype_conversions():
    f = torch.tensor([-1.7, 2.7])
    assert f.float().dtype == torch.float32
    assert f.float() is f
    assert repr(f.double()) == "tensor([-1.7000,  2.7000], dtype=torch.float64)"
    assert repr(f.long()) == "tensor([-1,  2])"  # truncation toward zero
    assert repr(f.int()) == "tensor([-1,  2], dtype=torch.int32)"
    assert repr(f.bool()) == "tensor([True, True])"
    assert repr(torch.tensor([0.0, 1.5]).bool()) == "tensor([False,  True])"
    assert f.to(torch.float64).dtype == torch.float64
    assert f.to(torch.float32) is f
    assert f.to("cpu") is f
    assert repr(f.type_as(torch.tensor([1]))) == "tensor([-1,  2])"
    assert repr(torch.tensor([True, False]).long()) == "tensor([1, 0])"


def test_conversion_is_differentiable():
    w = torch.tensor([1.5, -2.7], requires_grad=True)
    d = w.double()
    assert d.requires_grad and d.grad_fn.name() == "ToCopyBackward0"
    assert w.to(torch.float64).grad_fn.name() == "ToCopyBackward0"
    (d * 2).sum().backward()
    assert w.grad.dtype == torch.float32
    assert w.grad.tolist() == [2.0, 2.0]


def test_clone_and_contiguous():
    w = torch.tensor([1.5, -2.7], requires_grad=True)
    c = w.clone()
    assert repr(c) == "tensor([ 1.5000, -2.7000], grad_fn=<CloneBackward0>)"
    c.sum().backward()
    assert w.grad.tolist() == [1.0, 1.0]
    x = torch.arange(6.0).reshape(2, 3)
    k = x.clone()
    k[0, 0] = 100
    assert x[0, 0].item() == 0.0
    assert x.contiguous() is x
    t = x.T.contiguous()
    assert t.is_contiguous() and t.tolist() == x.T.tolist()


def test_len_and_iter():
    x = torch.arange(6.0).reshape(2, 3)
    assert len(x) == 2
    assert [r.tolist() for r in x] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert repr(list(torch.tensor([1, 2, 3]))) == "[tensor(1), tensor(2), tensor(3)]"
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(torch.tensor(1.0))
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(torch.tensor(1.0))


def test_iteration_is_differentiable():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    total = sum(e * e for e in x)
    total.backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]


def test_bool_of_tensor():
    assert bool(torch.tensor([1.0])) is True
    assert bool(torch.tensor(0.0)) is False
    assert bool(torch.tensor([[0]])) is False
    with pytest.raises(
        RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"
    ):
        bool(torch.tensor([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value"):
        if torch.tensor([1, 2]) > 0:
            pass


def test_float_int_conversions():
    assert float(torch.tensor([2.5])) == 2.5
    assert type(float(torch.tensor(2))) is float
    assert int(torch.tensor(3.9)) == 3
    assert int(torch.tensor(-3.9)) == -3
    with pytest.raises(
        ValueError, match="only one element tensors can be converted to Python scalars"
    ):
        float(torch.tensor([1.0, 2.0]))


def test_index_protocol():
    assert [10, 20, 30][torch.tensor(1)] == 20
    assert operator.index(torch.tensor(2)) == 2
    assert list(range(torch.tensor(3))) == [0, 1, 2]
    with pytest.raises(
        TypeError, match="only integer tensors of a single element can be converted"
    ):
        operator.index(torch.tensor(2.0))
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        operator.index(torch.tensor([1, 2]))


# ---------------------------------------------------------------------------------------------
# printing
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, text",
    [
        (lambda: torch.tensor(4.5), "tensor(4.5000)"),
        (lambda: torch.tensor(-0.5), "tensor(-0.5000)"),
        (lambda: torch.tensor(3), "tensor(3)"),
        (lambda: torch.tensor([1.0, 2.0]), "tensor([1., 2.])"),
        (lambda: torch.tensor([1, 2, 3]), "tensor([1, 2, 3])"),
        (lambda: torch.tensor([True, False]), "tensor([ True, False])"),
        (lambda: torch.tensor([1, 2], dtype=torch.int32), "tensor([1, 2], dtype=torch.int32)"),
        (
            lambda: torch.tensor([1.5, 2.0], dtype=torch.float64),
            "tensor([1.5000, 2.0000], dtype=torch.float64)",
        ),
        (
            lambda: torch.tensor(2.0, dtype=torch.float64, requires_grad=True),
            "tensor(2., dtype=torch.float64, requires_grad=True)",
        ),
        (lambda: torch.tensor([-1.5, 0.25, 10.0]), "tensor([-1.5000,  0.2500, 10.0000])"),
        (lambda: torch.tensor([0.1, 1000.0]), "tensor([1.0000e-01, 1.0000e+03])"),
        (lambda: torch.tensor([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
        (lambda: torch.tensor([123456.0]), "tensor([123456.])"),
        (lambda: torch.tensor([1.23456789]), "tensor([1.2346])"),
        (lambda: torch.tensor(float("nan")), "tensor(nan)"),
        (lambda: torch.tensor([float("inf"), -1.0]), "tensor([inf, -1.])"),
        (lambda: torch.tensor([]), "tensor([])"),
        (lambda: torch.zeros(0, 3), "tensor([], size=(0, 3))"),
        (
            lambda: torch.zeros(2, 2, 2),
            "tensor([[[0., 0.],\n         [0., 0.]],\n\n        [[0., 0.],\n         [0., 0.]]])",
        ),
        (
            lambda: torch.ones(2, 2, requires_grad=True),
            "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)",
        ),
        (
            lambda: torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True) * 2,
            "tensor([[2., 4.],\n        [6., 8.]], grad_fn=<MulBackward0>)",
        ),
        (
            lambda: (
                torch.tensor([1.5, 2.0], dtype=torch.float64)
                * torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
            ),
            "tensor([3., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)",
        ),
        (
            lambda: torch.tensor([0.5, 1.0], requires_grad=True).sum(),
            "tensor(1.5000, grad_fn=<SumBackward0>)",
        ),
    ],
)
def test_repr(make, text):
    t = make()
    assert repr(t) == text
    assert str(t) == text


def test_repr_of_grads(capsys):
    x = torch.ones(2, 2, requires_grad=True)
    out = ((x + 2) * (x + 2) * 3).mean()
    out.backward()
    print(x.grad)
    print(out)
    assert capsys.readouterr().out == (
        "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])\n"
        "tensor(27., grad_fn=<MeanBackward0>)\n"
    )


def test_repr_under_no_grad_has_no_grad_fn():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        y = x * 2
    assert repr(y) == "tensor([2., 4.])"


# ---------------------------------------------------------------------------------------------
# bad input errors
# ---------------------------------------------------------------------------------------------


def test_broadcasting_error():
    with pytest.raises(
        RuntimeError,
        match=re.escape(
            "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"
        ),
    ):
        torch.ones(2, 3) + torch.ones(4)
    with pytest.raises(
        RuntimeError, match=re.escape("tensor a (3) must match the size of tensor b (2)")
    ):
        torch.ones(2, 3) * torch.ones(3, 2)


def test_broadcasting_works():
    a = torch.ones(2, 3)
    b = torch.tensor([1.0, 2.0, 3.0])
    assert (a + b).tolist() == [[2.0, 3.0, 4.0], [2.0, 3.0, 4.0]]
    c = torch.tensor([[10.0], [20.0]])
    assert (a * c).tolist() == [[10.0, 10.0, 10.0], [20.0, 20.0, 20.0]]


def test_broadcast_gradient_is_reduced():
    a = torch.ones(2, 3, requires_grad=True)
    b = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = torch.tensor([[10.0], [20.0]], requires_grad=True)
    (a * b * c).sum().backward()
    assert b.grad.tolist() == [30.0, 30.0, 30.0]
    assert c.grad.tolist() == [[6.0], [6.0]]
    assert a.grad.shape == (2, 3)


@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a @ b,
        lambda a, b: a.mm(b),
        lambda a, b: torch.matmul(a, b),
        lambda a, b: torch.mm(a, b),
    ],
)
def test_matmul_shape_error(op):
    with pytest.raises(
        RuntimeError, match=re.escape("mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")
    ):
        op(torch.ones(2, 3), torch.ones(4, 5))


def test_index_out_of_range():
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        torch.ones(3)[5]
    with pytest.raises(IndexError, match="index 3 is out of bounds for dimension 1 with size 3"):
        torch.ones(2, 3)[0, 3]
    with pytest.raises(IndexError, match="index -4 is out of bounds for dimension 1 with size 3"):
        torch.ones(2, 3)[:, -4]


def test_other_shape_errors():
    with pytest.raises(RuntimeError, match=re.escape("shape '[4]' is invalid for input of size 6")):
        torch.ones(6).view(4)
    with pytest.raises(
        RuntimeError, match=re.escape("shape '[4, 2]' is invalid for input of size 6")
    ):
        torch.ones(6).reshape(4, 2)
    with pytest.raises(RuntimeError, match="inconsistent tensor size"):
        torch.dot(torch.ones(3), torch.ones(4))
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.ones(2, 3).sum(2)
    with pytest.raises(
        ValueError, match=re.escape("expected sequence of length 2 at dim 1 (got 1)")
    ):
        torch.tensor([[1, 2], [3]])


def test_inplace_broadcast_and_cast_errors():
    with pytest.raises(
        RuntimeError,
        match=re.escape("output with shape [2] doesn't match the broadcast shape [2, 2]"),
    ):
        torch.tensor([1.0, 2.0]).add_(torch.ones(2, 2))
    with pytest.raises(
        RuntimeError, match="result type Float can't be cast to the desired output type Long"
    ):
        torch.tensor([1, 2]).add_(1.5)
