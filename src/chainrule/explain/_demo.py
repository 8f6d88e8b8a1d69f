"""The seed documents' examples, explained (``chainrule demo``)."""

from __future__ import annotations

from collections.abc import Callable

import chainrule as torch

from . import explain
from ._catalog import catalog
from ._trace import trace

TITLES = {
    "en": [
        "1. cos(x²) at x = 0.5, with the detailed steps of the backward pass",
        "2. sin(cos(‖x‖² + 1)) for x = [0.5, -1, 2]",
        "3. y3 = y1 + y2 = x² + x³ at x = 1, with x³ computed under torch.no_grad()",
        "4. y = x + 2, z = y·y·2, out = z.mean()",
        "5. y = 2·dot(x, x) for x = arange(4.)",
        "6. u = (x·x).detach(); z = u·x: the gradient treats u as a constant",
        "7. y = w·x + b with x = 1, w = 2, b = 3",
    ],
    "zh": [
        "1. 在 x = 0.5 处计算 cos(x²),并写出反向传播求导的详细步骤",
        "2. 对 x = [0.5, -1, 2] 计算 sin(cos(‖x‖² + 1)) 的导数",
        "3. y3 = y1 + y2 = x² + x³,x = 1,计算 x³ 时中断梯度追踪(torch.no_grad())",
        "4. y = x + 2,z = y·y·2,out = z.mean()",
        "5. 对 x = arange(4.) 计算 y = 2·dot(x, x)",
        "6. u = (x·x).detach();z = u·x:求梯度时 u 被当作常量",
        "7. y = w·x + b,其中 x = 1,w = 2,b = 3",
    ],
}

HEADLINE = {
    "en": "cos(x**2) at x = 0.5:  value {v}   gradient dy/dx = {g}",
    "zh": "cos(x**2) 在 x = 0.5 处:函数值 {v}   梯度 dy/dx = {g}",
}
NOTE_5 = {
    "en": "x.grad is 2, not 5: the x³ branch was computed under no_grad, so it is a constant.",
    "zh": "x.grad 是 2 而不是 5:x³ 这一支是在 no_grad 下计算的,因此是常量。",
}


def _ex1(lang, **kw):
    x = torch.tensor(0.5, requires_grad=True)
    y = torch.cos(x**2)
    return explain(y, names={"x": x}, lang=lang, **kw)


def _ex2(lang, **kw):
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    norm_squared = torch.norm(x, p=2) ** 2 + 1
    output = torch.sin(torch.cos(norm_squared))
    return explain(
        output, names={"x": x, "norm_squared": norm_squared, "output": output}, lang=lang, **kw
    )


def _ex3(lang, **kw):
    with trace() as tr:
        x = torch.tensor(1.0, requires_grad=True)
        y1 = x**2
        with torch.no_grad():
            y2 = x**3
        y3 = y1 + y2
    return explain(y3, names={"x": x, "y1": y1, "y2": y2, "y3": y3}, lang=lang, trace=tr, **kw)


def _ex4(lang, **kw):
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = x + 2
    z = y * y * 2
    out = z.mean()
    return explain(out, names={"x": x, "y": y, "z": z, "out": out}, lang=lang, **kw)


def _ex5(lang, **kw):
    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    return explain(y, names={"x": x, "y": y}, lang=lang, **kw)


def _ex6(lang, **kw):
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    z = u * x
    return explain(z.sum(), names={"x": x, "y": y, "u": u, "z": z}, lang=lang, **kw)


def _ex7(lang, **kw):
    x = torch.tensor(1.0, requires_grad=True)
    w = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    y = w * x + b
    return explain(y, names={"x": x, "w": w, "b": b, "y": y}, lang=lang, **kw)


EXAMPLES: list[Callable] = [_ex1, _ex2, _ex3, _ex4, _ex5, _ex6, _ex7]


def available(i: int) -> bool:
    """Examples 2 and 5 need ops (norm, dot) that may not be installed yet."""
    need = {1: "norm", 4: "dot"}.get(i)
    return need is None or hasattr(torch, need)


def demo(lang: str | None = None, which: list | None = None, fmt: str = "text", **kw) -> str:
    """The seeds' examples with their explanations, as one document."""
    cat_lang = (
        "zh" if (lang or "") == "zh" or (lang is None and catalog(None) is catalog("zh")) else "en"
    )
    parts = []
    idx = [i - 1 for i in which] if which else range(len(EXAMPLES))
    for i in idx:
        if i < 0 or i >= len(EXAMPLES) or not available(i):
            continue
        d = EXAMPLES[i](lang, **kw)
        if i == 0:
            g = d.grads["x"]
            v = float(d.graph.y._data)
            parts.append(HEADLINE[cat_lang].format(v=f"{v:.4f}", g=f"{float(g):.4f}"))
        title = TITLES[cat_lang][i]
        body = {"text": d.to_text, "md": d.to_markdown, "latex": d.to_latex}[fmt]()
        if fmt == "md":
            parts.append(f"# {title}\n\n{body}")
        elif fmt == "latex":
            parts.append(f"\\section*{{{title}}}\n{body}")
        else:
            parts.append(f"{'=' * 72}\n{title}\n{'=' * 72}\n{body}")
        if i == 2:
            parts.append(NOTE_5[cat_lang] + "\n")
    return "\n".join(parts)
