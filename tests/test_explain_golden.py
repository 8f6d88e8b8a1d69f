"""Golden outputs: the seed examples explained, in English and Chinese, as text, Markdown, LaTeX.

Regenerate after an intended change with ``CHAINRULE_UPDATE_GOLDEN=1 pytest tests/test_explain_golden.py``
and review the diff.
"""

import os
import pathlib
import re

import numpy as np
import pytest

import chainrule
from chainrule.explain import _demo

GOLDEN = pathlib.Path(__file__).parent / "golden"
UPDATE = os.environ.get("CHAINRULE_UPDATE_GOLDEN") == "1"
FORMATS = {"text": ("txt", "to_text"), "md": ("md", "to_markdown"), "latex": ("tex", "to_latex")}
NEEDS = {2: "norm", 5: "dot"}


def _example(n: int, lang: str):
    need = NEEDS.get(n)
    if need and not hasattr(chainrule, need):
        pytest.skip(f"seed example {n} needs chainrule.{need}, which is not implemented yet")
    return _demo.EXAMPLES[n - 1](lang, simplify=False)


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("n", range(1, len(_demo.EXAMPLES) + 1))
def test_golden(n, lang, fmt):
    d = _example(n, lang)
    ext, method = FORMATS[fmt]
    got = getattr(d, method)()
    path = GOLDEN / f"explain_seed{n}_{lang}.{ext}"
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"missing golden file {path.name}; run with CHAINRULE_UPDATE_GOLDEN=1")
        path.write_text(got, encoding="utf-8")
    assert _stable(got) == _stable(path.read_text(encoding="utf-8"))


def _stable(s: str) -> str:
    """Source line numbers (of the demo module) change with any edit: compare without them."""
    return re.sub(r"line \d+|第 \d+ 行", "line N", s)


def test_seed1_headline_numbers():
    d = _example(1, "en")
    assert f"{float(d.graph.y._data):.4f}" == "0.9689"
    assert f"{float(d.grads['x']):.4f}" == "-0.2474"
    text = d.to_text()
    assert "v1 = x ** 2 = 0.25   [PowBackward0]" in text
    assert "∂y/∂v1 = ∂y/∂y · (-sin(v1)) = 1 · (-0.2474) = -0.2474" in text


def test_seed2_norm_gradient_matches_formula():
    d = _example(2, "en")
    x = np.array([0.5, -1.0, 2.0])
    s = float(x @ x) + 1
    expected = np.cos(np.cos(s)) * -np.sin(s) * 2 * x
    np.testing.assert_allclose(d.grads["x"], expected, rtol=1e-5)
    assert "As a formula: doutput/dx = -2·x·cos(cos(‖x‖² + 1))·sin(‖x‖² + 1)" in d.to_text()


def test_seed3_no_grad_gives_two_not_five():
    d = _example(3, "en")
    assert float(d.grads["x"]) == 2.0
    text = d.to_text()
    assert "y2 is a constant in y3 = y1 + y2: it was computed under torch.no_grad() from x" in text
    dz = _example(3, "zh")
    assert "它是在 torch.no_grad() 下由 x 计算得到的" in dz.to_text()


@pytest.mark.parametrize("n", range(1, len(_demo.EXAMPLES) + 1))
def test_seed_gradients_match_torch(n):
    torch = pytest.importorskip("torch")
    d = _example(n, "en")
    ref = {
        1: lambda: _ref1(torch),
        2: lambda: _ref2(torch),
        3: lambda: _ref3(torch),
        4: lambda: _ref4(torch),
        5: lambda: _ref5(torch),
        6: lambda: _ref6(torch),
        7: lambda: _ref7(torch),
    }[n]()
    for name, g in ref.items():
        np.testing.assert_allclose(d.grads[name], g, rtol=1e-6, atol=1e-7)


def _ref1(torch):
    x = torch.tensor(0.5, requires_grad=True)
    torch.cos(x**2).backward()
    return {"x": x.grad.numpy()}


def _ref2(torch):
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    torch.sin(torch.cos(torch.norm(x, p=2) ** 2 + 1)).backward()
    return {"x": x.grad.numpy()}


def _ref3(torch):
    x = torch.tensor(1.0, requires_grad=True)
    with torch.no_grad():
        y2 = x**3
    (x**2 + y2).backward()
    return {"x": x.grad.numpy()}


def _ref4(torch):
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = x + 2
    (y * y * 2).mean().backward()
    return {"x": x.grad.numpy()}


def _ref5(torch):
    x = torch.arange(4.0, requires_grad=True)
    (2 * torch.dot(x, x)).backward()
    return {"x": x.grad.numpy()}


def _ref6(torch):
    x = torch.arange(4.0, requires_grad=True)
    u = (x * x).detach()
    (u * x).sum().backward()
    return {"x": x.grad.numpy()}


def _ref7(torch):
    x = torch.tensor(1.0, requires_grad=True)
    w = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    (w * x + b).backward()
    return {"x": x.grad.numpy(), "w": w.grad.numpy(), "b": b.grad.numpy()}
