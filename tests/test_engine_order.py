"""The order in which backward runs nodes and hooks, against PyTorch.

The engine runs the newest pending node first and needs no dependency counts (see
``engine.run_backward``); these graphs check that every hook fires once, with the complete
gradient, in PyTorch's order.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule


def _chain(lib, log):
    x = lib.tensor(0.5, requires_grad=True)
    y = x.exp()
    z = y.sin() * 2
    return [x, y, z], z


def _diamond(lib, log):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    b = x.exp()
    c = a * b + a.sin()
    return [x, a, b, c], c.sum()


def _two_leaves_one_op(lib, log):
    w = lib.tensor(2.0, requires_grad=True)
    x = lib.tensor(1.0, requires_grad=True)
    b = lib.tensor(3.0, requires_grad=True)
    return [w, x, b], w * x + b


def _repeated_inputs(lib, log):
    p = lib.tensor([1.0, 2.0], requires_grad=True)
    q = lib.tensor([3.0, 4.0], requires_grad=True)
    return [p, q], lib.cat([q, p, q]).sum()


def _leaf_at_several_depths(lib, log):
    a = lib.tensor(1.0, requires_grad=True)
    c = lib.tensor(2.0, requires_grad=True)
    y = a * 2
    z = (y * c) + a
    w = (z * a).exp() + c
    return [a, c, y, z], w


def _shared_subgraph(lib, log):
    x = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h = x.tanh()
    u = (h * h).sum()
    v = (h.exp() * x).sum()
    return [x, h], u * v + u


def _inplace_and_views(lib, log):
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1.5
    y[1:].mul_(2)
    z = y.exp()
    return [x, z], z.sum()


GRAPHS = {
    "chain": _chain,
    "diamond": _diamond,
    "two leaves one op": _two_leaves_one_op,
    "repeated inputs": _repeated_inputs,
    "leaf at several depths": _leaf_at_several_depths,
    "shared subgraph": _shared_subgraph,
    "in-place and views": _inplace_and_views,
}


def _run(lib, build, how):
    log = []
    tensors, out = build(lib, log)
    for k, t in enumerate(tensors):
        t.register_hook(lambda g, k=k: log.append(("tensor", k, np.round(g.tolist(), 6).tolist())))
        if t.grad_fn is not None:
            t.grad_fn.register_prehook(lambda gs, k=k: log.append(("pre", k)))
            t.grad_fn.register_hook(lambda gi, go, k=k: log.append(("post", k)))
        elif t.is_leaf:
            t.register_post_accumulate_grad_hook(lambda p, k=k: log.append(("acc", k)))
    if how == "backward":
        out.backward()
    else:
        leaves = [t for t in tensors if t.is_leaf]
        grads = lib.autograd.grad(out, leaves)
        log.append(("grads", [np.round(g.tolist(), 6).tolist() for g in grads]))
    return log


@pytest.mark.parametrize("how", ["backward", "grad"])
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_hook_order_matches_torch(name, how):
    torch = pytest.importorskip("torch")
    build = GRAPHS[name]
    assert _run(chainrule, build, how) == _run(torch, build, how)


def test_two_roots_and_a_root_inside_the_other_graph():
    torch = pytest.importorskip("torch")

    def run(lib):
        log = []
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        x.register_hook(lambda g: log.append(g.tolist()))
        y1 = (x * 3).sum()
        y2 = (y1 * x).exp().sum()  # y1 is a root and an intermediate of y2
        lib.autograd.backward([y1, y2])
        return log, x.grad.tolist()

    assert run(chainrule) == run(torch)


def test_long_chain_and_wide_fan_in():
    x = chainrule.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    terms = [x * k for k in range(1, 200)]
    total = y + chainrule.stack(terms).sum()
    total.backward()
    expected = 1.0001**5000 + sum(range(1, 200))
    assert abs(x.grad.item() - expected) < 1e-6 * expected


def test_leaf_hooks_apply_to_gradients_autograd_grad_returns():
    torch = pytest.importorskip("torch")

    def run(lib):
        x = lib.tensor(0.5, requires_grad=True)
        x.register_hook(lambda g: g * 10)
        (gx,) = lib.autograd.grad(x * 2, x)
        y = x * 3
        y.register_hook(lambda g: g * 100)
        (gy,) = lib.autograd.grad(y * 2, y)
        (gx2,) = lib.autograd.grad(y * 2, x)
        (x * 4).backward(inputs=[x])
        return [gx.item(), gy.item(), gx2.item(), x.grad.item()]

    assert run(chainrule) == run(torch) == [20.0, 200.0, 6000.0, 40.0]


def test_accumulate_grad_node_hook_sees_the_gradient():
    torch = pytest.importorskip("torch")

    def run(lib):
        seen = []
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        y.grad_fn.next_functions[0][0].register_hook(
            lambda gi, go: seen.append((len(gi), [g.tolist() for g in go]))
        )
        y.sum().backward()
        return seen

    assert run(chainrule) == run(torch) == [(0, [[2.0, 2.0]])]
