"""chainrule.explain: each situation the derivation must describe, and the API around it."""

import numpy as np
import pytest

import chainrule as torch
from chainrule import explain as ex


def text(d):
    return d.to_text()


def test_module_is_callable_and_has_why():
    x = torch.tensor(0.5, requires_grad=True)
    d = torch.explain(torch.cos(x**2), lang="en")
    assert isinstance(d, ex.Derivation)
    assert callable(torch.explain) and callable(torch.explain.why)
    assert str(d) == d.to_text()


def test_backward_fills_grad_like_backward():
    x = torch.tensor(0.5, requires_grad=True)
    torch.explain(torch.cos(x**2), lang="en")
    assert repr(x.grad) == "tensor(-0.2474)"


def test_caller_variable_names_are_used():
    a = torch.tensor(2.0, requires_grad=True)
    hidden = a * 3
    loss = hidden.exp()
    t = text(torch.explain(loss, lang="en"))
    assert "hidden = a * 3 = 6   [MulBackward0]" in t
    assert "loss = exp(hidden)" in t


def test_inputs_mode_returns_gradients_and_leaves_grad_alone():
    x = torch.tensor(3.0, requires_grad=True)
    w = torch.tensor(2.0, requires_grad=True)
    d = torch.explain(w * x * x, inputs=[x], lang="en")
    assert x.grad is None and w.grad is None
    assert d.grads["x"] == pytest.approx(12.0)
    assert "(returned; x.grad is left unchanged)" in text(d)


def test_fan_in_contributions_are_summed():
    x = torch.tensor(2.0, requires_grad=True)
    a = x.sin()
    b = x.cos()
    y = a + b
    t = text(torch.explain(y, lang="en", simplify=False))
    assert "x is used 2 times, so the contributions add up" in t
    assert x.grad.item() == pytest.approx(np.cos(2.0) - np.sin(2.0), rel=1e-6)


def test_broadcasting_reduction_is_described():
    a = torch.ones(2, 3, requires_grad=True)
    b = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    t = text(torch.explain((a * b).sum(), lang="en"))
    assert (
        "broadcasting: b has shape [3] but its contribution has shape [2, 3]; summed over dim 0 "
        "to give back shape [3]" in t
    )
    assert "∂y/∂b = [2, 2, 2]" in t
    tz = torch.explain((a * b).sum(), lang="zh").to_text()
    assert "广播:b 的形状是 [3]" in tz


def test_cut_edge_plain_constant():
    x = torch.tensor(1.0, requires_grad=True)
    c = torch.tensor(5.0)
    t = text(torch.explain(x * c, lang="en"))
    assert "c is a constant in y = x * c" in t
    assert "No gradient flows into it." in t


def test_cut_edge_detach_named():
    x = torch.arange(3.0, requires_grad=True)
    y = x * x
    u = y.detach()
    t = text(torch.explain((u * x).sum(), lang="en"))
    assert "it is y.detach(), cut from the graph" in t


def test_cut_edge_no_grad_with_trace():
    with torch.explain.trace() as tr:
        x = torch.tensor(1.0, requires_grad=True)
        with torch.no_grad():
            y2 = x**3
        y3 = x**2 + y2
    t = text(torch.explain(y3, lang="en", trace=tr))
    assert (
        "y2 is a constant in y3 = v1 + y2: it was computed under torch.no_grad() from x (test_explain.py, line"
        in t
    )
    assert x.grad.item() == 2.0


def test_trace_restores_forward_hook():
    from chainrule.ops import _dispatch

    before = _dispatch.forward_hook[0]
    with torch.explain.trace() as tr:
        assert _dispatch.forward_hook[0] is not before
        torch.tensor(1.0, requires_grad=True) * 2
    assert _dispatch.forward_hook[0] is before
    assert len(tr.records) == 1


def test_non_scalar_output_with_gradient():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    d = torch.explain(y, torch.tensor([1.0, 0.5, 0.0]), lang="en")
    t = text(d)
    assert "Start: the gradient passed in for y (backward(gradient=...)) is [1, 0.5, 0]" in t
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0, 0.0])


def test_non_scalar_output_without_gradient_raises_like_backward():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        RuntimeError, match="grad can be implicitly created only for scalar outputs"
    ):
        torch.explain(x * 2)


def test_output_not_requiring_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch.explain(torch.tensor(1.0))


def test_accumulation_into_existing_grad():
    x = torch.tensor(1.0, requires_grad=True)
    (x * 2).backward()
    t = text(torch.explain(x * 3, lang="en"))
    assert "x.grad already held 2; gradients accumulate: 2 + 3 = 5" in t
    assert x.grad.item() == 5.0


def test_large_tensors_are_summarised():
    x = torch.ones(4, 5, requires_grad=True)
    t = text(torch.explain((x * 2).sum(), lang="en"))
    assert "tensor of shape [4, 5]: mean 1, min 1, max 1" in t
    t2 = text(
        torch.explain((torch.ones(3, requires_grad=True) * 2).sum(), lang="en", max_elements=2)
    )
    assert "tensor of shape [3]" in t2


def test_formula_composed_without_sympy():
    x = torch.tensor(0.5, requires_grad=True)
    t = text(torch.explain(torch.cos(x**2), lang="en", simplify=False))
    assert "As a formula: dy/dx = -2·x·sin(x²)" in t
    assert "SymPy" not in t


def test_formula_simplified_with_sympy():
    pytest.importorskip("sympy")
    x = torch.tensor(0.7, requires_grad=True)
    t = text(torch.explain(torch.sin(x) * torch.sin(x) + torch.cos(x) * torch.cos(x), lang="en"))
    assert "simplified (SymPy): dy/dx = 0" in t


def test_unknown_ops_still_explained():
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    t = text(torch.explain(torch.relu(x).sum(), lang="en"))
    assert "[ReluBackward0]" in t
    assert "x.grad = [1, 0, 1]" in t


def test_languages_and_default_from_locale(monkeypatch):
    x = torch.tensor(0.5, requires_grad=True)
    monkeypatch.setenv("CHAINRULE_LANG", "zh_CN.UTF-8")
    d = torch.explain(torch.cos(x**2))
    assert d.to_text().startswith("自动求导如何计算 y 的梯度")
    assert d.to_text(lang="en").startswith("How autograd computes the gradient of y")
    with pytest.raises(ValueError, match="unknown language"):
        torch.explain(torch.cos(x**2), lang="fr")


def test_jupyter_reprs():
    x = torch.tensor(0.5, requires_grad=True)
    d = torch.explain(torch.cos(x**2), lang="en")
    assert d._repr_markdown_().startswith("## How autograd")
    lx = d._repr_latex_()
    assert lx.startswith("$$\\begin{aligned}") and lx.endswith("\\end{aligned}$$")
    assert r"v_{1} &= x^{2} = 0.25" in lx
    assert r"\frac{\partial y}{\partial v_{1}}" in d.to_latex()
    doc = d.to_latex(standalone=True)
    assert doc.startswith("\\documentclass") and doc.rstrip().endswith("\\end{document}")
    assert "xeCJK" in torch.explain(torch.cos(x**2), lang="zh").to_latex(standalone=True)


def test_hooks_are_removed_after_explain():
    x = torch.tensor(0.5, requires_grad=True)
    y = torch.cos(x**2)
    node = y.grad_fn
    torch.explain(y, retain_graph=True, lang="en")
    assert not node._x.pre_hooks and not node._x.post_hooks
    y.backward()  # the graph was retained, and the engine runs without our hooks
    assert x.grad.item() == pytest.approx(2 * -0.24740396, rel=1e-6)


def test_retain_graph_default_frees_graph_like_backward():
    x = torch.tensor(0.5, requires_grad=True)
    y = torch.cos(x**2)
    torch.explain(y, lang="en")
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_matches_torch_on_a_mixed_graph():
    torch_ = pytest.importorskip("torch")
    vals = [[0.5, -1.0], [2.0, 0.25]]
    a = torch.tensor(vals, requires_grad=True)
    b = torch.tensor([1.5, -0.5], requires_grad=True)
    torch.explain(((a * b).exp() / (1 + a * a)).mean(), lang="en")
    ta = torch_.tensor(vals, requires_grad=True)
    tb = torch_.tensor([1.5, -0.5], requires_grad=True)
    ((ta * tb).exp() / (1 + ta * ta)).mean().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-6)


# ---------------------------------------------------------------- why()
def test_why_no_grad_output():
    x = torch.tensor(1.0, requires_grad=True)
    with torch.no_grad():
        y2 = x * 3
    w = torch.explain.why(x, y2, lang="en")
    assert w.code == "no_graph"
    assert "y2 has no grad_fn" in str(w)


def test_why_requires_grad_false():
    x = torch.tensor(1.0)
    w = torch.explain.why(x, torch.tensor(2.0, requires_grad=True) * x, lang="en")
    assert w.code == "requires_grad" and "x.requires_grad is False" in str(w)


def test_why_integer_dtype():
    n = torch.tensor([1, 2])
    w = torch.explain.why(n, torch.tensor(2.0, requires_grad=True) * 2, lang="en")
    assert w.code == "dtype" and "int64" in str(w)


def test_why_non_leaf():
    x = torch.tensor(1.0, requires_grad=True)
    h = x * 2
    y = h * h
    w = torch.explain.why(h, y, lang="en")
    assert w.code == "nonleaf" and "retain_grad()" in str(w)


def test_why_ok_names_path():
    x = torch.tensor(1.0, requires_grad=True)
    y = torch.sin(x) * 2
    w = torch.explain.why(x, y, lang="en")
    assert w.code == "ok" and "MulBackward0 <- SinBackward0 <- x" in str(w)


def test_why_cut_by_detach_lists_constants():
    x = torch.tensor(1.0, requires_grad=True)
    z = torch.tensor(2.0, requires_grad=True)
    u = (x * 2).detach()
    y = u * z
    w = torch.explain.why(x, y, lang="en")
    assert w.code == "no_path"
    assert "u in y = u * z [MulBackward0]" in str(w)


def test_why_cut_with_trace_names_op_and_line():
    with torch.explain.trace() as tr:
        x = torch.tensor(1.0, requires_grad=True)
        z = torch.tensor(2.0, requires_grad=True)
        with torch.no_grad():
            h = x * 3
        y = h * z
    w = torch.explain.why(x, y, lang="en", trace=tr)
    assert w.code == "cut"
    assert (
        "cut at mul (MulBackward0): it was computed under torch.no_grad() from x (test_explain.py, line"
        in str(w)
    )
    wz = torch.explain.why(x, y, lang="zh", trace=tr)
    assert "被切断" in str(wz)
