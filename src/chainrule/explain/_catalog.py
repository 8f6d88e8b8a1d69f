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


# The op table's local-derivative texts in Chinese (formulas without words need none).
RULES_ZH = {
    "1 if {other} < {self}": "若 {other} < {self} 则为 1",
    "1 if {other} > {self}": "若 {other} > {self} 则为 1",
    "1 if {self} < {other}": "若 {self} < {other} 则为 1",
    "1 if {self} > {other}": "若 {self} > {other} 则为 1",
    "({u} - mean)/((N - correction)·std)": "({u} - 均值)/((N - correction)·标准差)",
    "-w[t]/Σw at the target class, else 0": "目标类别处为 -w[t]/Σw,其余为 0",
    "0 where filled, else 1": "被填充处为 0,其余为 1",
    "0 where mask, else 1": "mask 为真处为 0,其余为 1",
    "0 where overwritten, else 1": "被覆盖处为 0,其余为 1",
    "1 (dims permuted back)": "1(维度按原顺序换回)",
    "1 (each element)": "1(每个元素)",
    "1 (flipped back)": "1(翻转回去)",
    "1 (onto the diagonal)": "1(放回对角线上)",
    "1 (pieces joined back)": "1(各段拼接回去)",
    "1 (reshaped)": "1(改回原形状)",
    "1 (rolled back)": "1(滚动回去)",
    "1 (rotated back)": "1(旋转回去)",
    "1 (slices stacked back)": "1(切片堆叠回去)",
    "1 (summed over the expanded dims)": "1(在扩展出的维度上求和)",
    "1 (transposed back)": "1(转置回去)",
    "1 at each copied element": "每个被复制的元素处为 1",
    "1 at each gathered element (repeats add up)": "每个被收集的元素处为 1(重复的相加)",
    "(#active pairs with i - #active pairs with j)/C": "(以 i 为一方的有效对数 - 以 j 为一方的有效对数)/C",
    "1 (channels moved back)": "1(通道移回原位)",
    "1 (or 1/count, or psw) per lookup": "每次查找为 1(或 1/计数,或样本权重)",
    "1 at each element read (repeats add up)": "每个被读取的元素处为 1(重复的相加)",
    "1 at each put position": "每个写入位置处为 1",
    "1 at the looked-up rows (1/count with scale_grad_by_freq)": "被查找的行处为 1(scale_grad_by_freq 时为 1/计数)",
    "1 at the same storage position": "同一存储位置处为 1",
    "1 for each element written": "每个被写入的元素为 1",
    "the row": "该行",
    "{y}·(δ - {y}) (0 on fully masked rows)": "{y}·(δ - {y})(完全屏蔽的行为 0)",
    "∂reduce/∂self at each position": "每个位置处的 ∂归约/∂self",
    "∂reduce/∂src per element": "每个元素的 ∂归约/∂src",
    "1 at each scattered element": "每个被散射的元素处为 1",
    "∂reduce/∂src at each scattered element": "每个被散射的元素处为 ∂reduce/∂src",
    "1 at each selected element (repeats add up)": "每个被选中的元素处为 1(重复的相加)",
    "1 at each taken element (repeats add up)": "每个被取出的元素处为 1(重复的相加)",
    "1 at each window's maximum, else 0": "每个窗口的最大值处为 1,其余为 0",
    "second derivatives of the weights": "权重的二阶导数",
    "the base grid's (x, y[, z], 1) coordinates of each output point": (
        "每个输出点在基准网格上的 (x, y[, z], 1) 坐标"
    ),
    "the grid derivatives of the weights": "权重对网格坐标的导数",
    "the interpolation weight of each tap it supplies": "它所提供的每个采样点的插值权重",
    "the interpolation weights (and their grid derivatives)": "插值权重(及其对网格坐标的导数)",
    "Σ over taps of ∂weight/∂grid · input[tap]": "对各采样点求和 ∂权重/∂网格 · input[采样点]",
    "1 at each written element": "每个被写入的元素处为 1",
    "1 at the index of the maximum": "最大值的位置为 1",
    "1 at the index of the minimum": "最小值的位置为 1",
    "1 at the looked-up rows": "被查找的行处为 1",
    "1 at the median element": "中位数元素处为 1",
    "1 at the selected elements": "被选中的元素处为 1",
    "1 for each later position": "对其后的每个位置为 1",
    "1 for each position it is copied to": "对它被复制到的每个位置为 1",
    "1 for the k selected elements": "被选出的 k 个元素处为 1",
    "1 if min ≤ {u} ≤ max else 0": "若 min ≤ {u} ≤ max 则为 1,否则为 0",
    "1 if {u} > 0 else 0": "若 {u} > 0 则为 1,否则为 0",
    "1 if {u} > 0 else {negative_slope}": "若 {u} > 0 则为 1,否则为 {negative_slope}",
    "1 if {u} > 0 else {alpha}·exp({u})": "若 {u} > 0 则为 1,否则为 {alpha}·exp({u})",
    "1 if {u} ≤ max else 0": "若 {u} ≤ max 则为 1,否则为 0",
    "1 if {u} ≥ min else 0": "若 {u} ≥ min 则为 1,否则为 0",
    "1 inside, 0 on the padding": "原区域内为 1,填充处为 0",
    "1 on and above the diagonal": "对角线及其上方为 1",
    "1 on and below the diagonal": "对角线及其下方为 1",
    "1 on each input's slice": "在各输入对应的切片上为 1",
    "1 on the diagonal": "对角线上为 1",
    "1 per filled element": "每个被填充的元素为 1",
    "1 where condition": "condition 为真处为 1",
    "1 where mask": "mask 为真处为 1",
    "1 where not condition": "condition 为假处为 1",
    "1 where the element moved to": "元素被移到的位置为 1",
    "1/(window size) for each window containing it": "对包含它的每个窗口为 1/(窗口大小)",
    "1/k where {u} is the maximum (k ties)": "{u} 取最大值处为 1/k(k 个并列)",
    "1/k where {u} is the median (k ties)": "{u} 为中位数处为 1/k(k 个并列)",
    "1/k where {u} is the minimum (k ties)": "{u} 取最小值处为 1/k(k 个并列)",
    "1/n (each element)": "1/n(每个元素)",
    "2({u} - mean)/(N - correction)": "2({u} - 均值)/(N - correction)",
    "alpha at each indexed position": "每个被索引的位置为 alpha",
    "conv-transpose with {weight}": "与 {weight} 做转置卷积",
    "correlation with {input}": "与 {input} 做相关运算",
    "einsum of the gradient with the other operands": "梯度与其余操作数的 einsum",
    "product of the other elements": "其余元素之积",
    "product of the others up to each later position": "到其后每个位置为止的其余元素之积",
    "sum over the repeated copies": "对重复的各份求和",
    "sum over the windows holding each element": "对包含该元素的各窗口求和",
    "{self} (column sums)": "{self}(按列求和)",
    "{vec2} (row sums)": "{vec2}(按行求和)",
    "{y}·(δ - {y}) (Jacobian of softmax)": "{y}·(δ - {y})(softmax 的雅可比矩阵)",
    "· {other}ᵀ (gradient @ otherᵀ)": "· {other}ᵀ(梯度 @ otherᵀ)",
    "1 (0 at NaN)": "1(NaN 处为 0)",
    "1 (copied)": "1(复制)",
    "1 inside the written region": "写入区域内为 1",
    "1 outside the written region": "写入区域外为 1",
    "1 at the index of each running maximum": "各前缀最大值所在位置为 1",
    "1 at the index of each running minimum": "各前缀最小值所在位置为 1",
    "1 at the selected element": "被选中的元素处为 1",
    "1/k where {u} is the median of the non-NaN values (k ties)": "{u} 为非 NaN 值的中位数处为 1/k(k 个并列)",
    "1/k where {u} is the minimum / maximum (k ties)": "{u} 取最小值 / 最大值处为 1/k(k 个并列)",
    "block of exp([[Aᵀ, G], [0, Aᵀ]])": "exp([[Aᵀ, G], [0, Aᵀ]]) 的右上块",
    "softmax weights of each later prefix": "各后续前缀的 softmax 权重",
    "through each reflector H_i = I - τᵢ vᵢ vᵢᵀ": "经由每个反射 H_i = I - τᵢ vᵢ vᵢᵀ",
    "{u}⁻ᵀ (for log|det|)": "{u}⁻ᵀ(对 log|det|)",
    # nn pooling, resampling, convolution
    "1 (elements moved back)": "1(元素移回原位)",
    "1 (the block's sum)": "1(所在块的和)",
    "1 at the position its index names": "其索引所指的位置处为 1",
    "1 at the source of each output": "每个输出的来源位置处为 1",
    "1 for each block it is copied to": "每个包含它的块处为 1",
    "1/(bin size) for each bin containing it": "每个包含它的区间处为 1/(区间大小)",
    "convolution with {weight}": "与 {weight} 的卷积",
    "correlation of the gradient with {input}": "梯度与 {input} 的互相关",
    "the interpolation weights": "插值权重",
    "the resampling's weights": "重采样的权重",
    "p·max(0, margin - x[y] + x[i])^(p-1)·w[y]/C (minus their sum at y)": (
        "p·max(0, margin - x[y] + x[i])^(p-1)·w[y]/C(在 y 处为它们之和的相反数)"
    ),
    "∂‖x_i - x_j‖_p/∂x for each pair": "每一对的 ∂‖x_i - x_j‖_p/∂x",
    # nn activations (hardtanh, hardswish, prelu, glu, rrelu ...)
    "0 if {u} ≤ -3, {u}/3 + 1/2 if {u} < 3, else 1": "{u} ≤ -3 时为 0,{u} < 3 时为 {u}/3 + 1/2,否则为 1",
    "0 if {u} > 0 else {u}": "若 {u} > 0 则为 0,否则为 {u}",
    "1 if {min_val} < {u} < {max_val} else 0": "若 {min_val} < {u} < {max_val} 则为 1,否则为 0",
    "1 if {min_val} < {y} < {max_val} else 0": "若 {min_val} < {y} < {max_val} 则为 1,否则为 0",
    "1 if {u} > 0 else exp({u}/α)": "若 {u} > 0 则为 1,否则为 exp({u}/α)",
    "1 if {u} > 0 else {weight}": "若 {u} > 0 则为 1,否则为 {weight}",
    "1 if {u} > {threshold} else 0": "若 {u} > {threshold} 则为 1,否则为 0",
    "1 if {y} > 0 else {negative_slope}": "若 {y} > 0 则为 1,否则为 {negative_slope}",
    "1 if {y} > 0 else {y}/α + 1": "若 {y} > 0 则为 1,否则为 {y}/α + 1",
    "1 if {y} > {threshold} else 0": "若 {y} > {threshold} 则为 1,否则为 0",
    "1 if |{u}| > {lambd} else 0": "若 |{u}| > {lambd} 则为 1,否则为 0",
    "1/6 if -3 < {u} < 3 else 0": "若 -3 < {u} < 3 则为 1/6,否则为 0",
    "[σ(b), a·σ(b)(1 - σ(b))] for the halves a, b": "对两半 a、b 分别为 [σ(b), a·σ(b)(1 - σ(b))]",
    "the sampled slope if {u} ≤ 0 (training), else 1": "{u} ≤ 0 时为采样的斜率(训练模式),否则为 1",
    "the sampled slope if {y} ≤ 0 (training), else 1": "{y} ≤ 0 时为采样的斜率(训练模式),否则为 1",
    "{scale} if {u} > 0 else {scale}·{alpha}·{input_scale}·exp({input_scale}·{u})": (
        "{scale}(若 {u} > 0),否则为 {scale}·{alpha}·{input_scale}·exp({input_scale}·{u})"
    ),
    "{scale} if {y} > 0 else {input_scale}·({y} + {alpha}·{scale})": (
        "{scale}(若 {y} > 0),否则为 {input_scale}·({y} + {alpha}·{scale})"
    ),
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
