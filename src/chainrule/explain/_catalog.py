"""Every sentence the explainer prints, one catalogue per language (``en``, ``zh``)."""

from __future__ import annotations

import locale
import os

EN = {
    "title": "How autograd computes the gradient of {y}",
    "forward": "Forward pass (each intermediate value gets a name)",
    "leaf_note": "(leaf, requires_grad=True)",
    "const_note": "(constant: no gradient flows into it)",
    "step_leaf": "Step {k}: leaf {x}   [AccumulateGrad]",
    "backward": "Backward pass (the chain rule, node by node, in the order the engine runs)",
    "start": "Start: ∂{y}/∂{y} = {g}",
    "start_given": "Start: the gradient passed in for {y} (backward(gradient=...)) is {g}",
    "step": "Step {k}: {v} = {expr}   [{node}]",
    "incoming": "incoming gradient ∂{y}/∂{v} = {g}",
    "local": "local derivative ∂{v}/∂{u} = {formula}",
    "elementwise": "(products are elementwise)",
    "rule": "{node}'s rule for {u}: {formula}",
    "rule_only": "∂{y}/∂{u} = {g}",
    "fanin": "{u} is used {n} times, so the contributions add up: ∂{y}/∂{u} = {terms} = {g}",
    "via": "(via {v})",
    "broadcast": "broadcasting: {u} has shape {small} but its contribution has shape {big}; "
    "summed over dim {dims} to give back shape {small}",
    "cut": "{c} is a constant in {v} = {expr}: {reason}. No gradient flows into it.",
    "why_nograd": "it was computed under torch.no_grad() from {src}",
    "why_detach": "it is {src}.detach(), cut from the graph",
    "why_plain": "it does not require grad (created without requires_grad=True)",
    "why_unknown": "it does not require grad (created without requires_grad=True, computed "
    "under torch.no_grad(), or detached)",
    "acc": "{x}.grad = {g}",
    "acc_sum": "{x}.grad already held {old}; gradients accumulate: {old} + {g} = {new}",
    "nonleaf_grad": "(retain_grad) {v}.grad = {g}",
    "result": "Result",
    "result_grad": "∂{y}/∂{x} = {g}   (stored in {x}.grad)",
    "result_ret": "∂{y}/∂{x} = {g}   (returned; {x}.grad is left unchanged)",
    "result_none": "{x} receives no gradient from {y}",
    "formula": "As a formula: d{y}/d{x} = {f}",
    "formula_simpl": "simplified (SymPy): d{y}/d{x} = {f}",
    "check": "which at the given values is {g}",
    "tensor": "tensor of shape {shape}: {summary}",
    "summary": "mean {mean}, min {min}, max {max}",
    "unknown": "?",
    # why()
    "why_title": "Why does {x} get no gradient from {y}?",
    "why_ok": "{x} does get a gradient from {y}: the graph of {y} reaches {x} (path: {path}).",
    "why_ok_nonleaf": "The graph of {y} reaches {x}, but {x} is not a leaf (it was computed by "
    "{node}): autograd fills .grad only for leaves. Call {x}.retain_grad() before backward(), or "
    "use torch.autograd.grad({y}, {x}).",
    "why_int": "{x} has dtype {dtype}: only floating point (and complex) tensors can require "
    "gradients.",
    "why_rg": "{x}.requires_grad is False: autograd does not track it. Create it with "
    "requires_grad=True or call {x}.requires_grad_().",
    "why_y_const": "{y} has no grad_fn: it does not depend on anything that requires grad{where}.",
    "why_nopath": "The graph of {y} does not contain {x}: {y} does not depend on {x} through "
    "operations autograd recorded.",
    "why_cut": "The path from {x} to {y} is cut at {op}: {reason}{line}.",
    "why_cuts": "Constant inputs in the graph of {y} (possible cut points): {list}.",
    "at_line": " ({file}, line {line})",
    "under_nograd": " (it was computed under torch.no_grad())",
}

ZH = {
    "title": "自动求导如何计算 {y} 的梯度",
    "forward": "前向传播(每个中间结果都有一个名字)",
    "leaf_note": "(叶子节点,requires_grad=True)",
    "const_note": "(常量:梯度不会流入它)",
    "step_leaf": "第 {k} 步:叶子节点 {x}   [AccumulateGrad]",
    "backward": "反向传播(链式法则,按引擎执行的顺序逐个节点进行)",
    "start": "起点:∂{y}/∂{y} = {g}",
    "start_given": "起点:传给 {y} 的梯度(backward(gradient=...))为 {g}",
    "step": "第 {k} 步:{v} = {expr}   [{node}]",
    "incoming": "传入的梯度 ∂{y}/∂{v} = {g}",
    "local": "局部导数 ∂{v}/∂{u} = {formula}",
    "elementwise": "(乘法逐元素进行)",
    "rule": "{node} 对 {u} 的求导规则:{formula}",
    "rule_only": "∂{y}/∂{u} = {g}",
    "fanin": "{u} 被使用了 {n} 次,各路贡献相加:∂{y}/∂{u} = {terms} = {g}",
    "via": "(经由 {v})",
    "broadcast": "广播:{u} 的形状是 {small},而它得到的梯度形状是 {big};沿维度 {dims} 求和,"
    "还原为形状 {small}",
    "cut": "{c} 在 {v} = {expr} 中是常量:{reason}。梯度不会流入它。",
    "why_nograd": "它是在 torch.no_grad() 下由 {src} 计算得到的",
    "why_detach": "它是 {src}.detach(),已从计算图中分离",
    "why_plain": "它不需要梯度(创建时没有 requires_grad=True)",
    "why_unknown": "它不需要梯度(创建时没有 requires_grad=True、在 torch.no_grad() 下计算,"
    "或已被 detach)",
    "acc": "{x}.grad = {g}",
    "acc_sum": "{x}.grad 原来是 {old};梯度会累加:{old} + {g} = {new}",
    "nonleaf_grad": "(retain_grad){v}.grad = {g}",
    "result": "结果",
    "result_grad": "∂{y}/∂{x} = {g}   (存入 {x}.grad)",
    "result_ret": "∂{y}/∂{x} = {g}   (作为返回值;{x}.grad 保持不变)",
    "result_none": "{x} 没有从 {y} 得到梯度",
    "formula": "写成公式:d{y}/d{x} = {f}",
    "formula_simpl": "化简(SymPy):d{y}/d{x} = {f}",
    "check": "在给定的取值处等于 {g}",
    "tensor": "形状为 {shape} 的张量:{summary}",
    "summary": "均值 {mean},最小值 {min},最大值 {max}",
    "unknown": "?",
    "why_title": "为什么 {x} 没有从 {y} 得到梯度?",
    "why_ok": "{x} 确实会从 {y} 得到梯度:{y} 的计算图能到达 {x}(路径:{path})。",
    "why_ok_nonleaf": "{y} 的计算图能到达 {x},但 {x} 不是叶子节点(它由 {node} 计算得到):"
    "自动求导只为叶子节点填写 .grad。请在 backward() 之前调用 {x}.retain_grad(),"
    "或使用 torch.autograd.grad({y}, {x})。",
    "why_int": "{x} 的数据类型是 {dtype}:只有浮点(和复数)张量才能需要梯度。",
    "why_rg": "{x}.requires_grad 为 False:自动求导不会追踪它。创建时请加 requires_grad=True,"
    "或调用 {x}.requires_grad_()。",
    "why_y_const": "{y} 没有 grad_fn:它不依赖任何需要梯度的张量{where}。",
    "why_nopath": "{y} 的计算图中没有 {x}:在自动求导记录的运算中,{y} 并不依赖 {x}。",
    "why_cut": "从 {x} 到 {y} 的路径在 {op} 处被切断:{reason}{line}。",
    "why_cuts": "{y} 的计算图中的常量输入(可能的切断点):{list}。",
    "at_line": "({file} 第 {line} 行)",
    "under_nograd": "(它是在 torch.no_grad() 下计算的)",
}

CATALOGS = {"en": EN, "zh": ZH}


def default_lang() -> str:
    """``zh`` when the locale says Chinese, else ``en``."""
    for var in ("CHAINRULE_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        v = os.environ.get(var)
        if v:
            return "zh" if v.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"


def catalog(lang: str | None) -> dict:
    lang = lang or default_lang()
    if lang not in CATALOGS:
        raise ValueError(f"explain: unknown language {lang!r}; choose one of {sorted(CATALOGS)}")
    return CATALOGS[lang]
