"""Custom ``autograd.Function`` (and checkpoint, saved_tensors_hooks) against torch."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule


def _torch():
    return pytest.importorskip("torch")


def _both():
    return (chainrule, _torch())


def _cube(lib):
    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x * x * x * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x * x * g * ctx.k, None

    return Cube


def test_basic_node_and_grad():
    for lib in _both():
        Cube = _cube(lib)
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Cube.apply(x, 2.0)
        assert y.grad_fn.name() == "CubeBackward"
        assert type(y.grad_fn).__name__ == "CubeBackward"
        assert y.grad_fn.k == 2.0
        assert y.grad_fn.needs_input_grad == (True, False)
        assert len(y.grad_fn.next_functions) == 1
        y.sum().backward()
        assert x.grad.tolist() == [6.0, 24.0]
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            y.grad_fn.saved_tensors
        assert repr(y).endswith("grad_fn=<CubeBackward>)")


def test_create_graph_and_double_backward():
    for lib in _both():
        Cube = _cube(lib)
        x = lib.tensor(1.5, requires_grad=True)
        (g,) = lib.autograd.grad(Cube.apply(x, 1.0), x, create_graph=True)
        (gg,) = lib.autograd.grad(g, x)
        assert abs(float(g) - 3 * 1.5**2) < 1e-6 and abs(float(gg) - 6 * 1.5) < 1e-6


def test_no_record_without_grad():
    for lib in _both():
        Cube = _cube(lib)
        assert not Cube.apply(lib.ones(2), 1.0).requires_grad
        with lib.no_grad():
            assert not Cube.apply(lib.ones(2, requires_grad=True), 1.0).requires_grad


@pytest.mark.parametrize(
    "case", ["too_many", "bad_shape", "not_variable", "extra_none", "extra_value"]
)
def test_backward_errors_match_torch(case):
    msgs = []
    for lib in _both():
        ret = {
            "too_many": lambda g: (g, g),
            "bad_shape": lambda g: lib.ones(3),
            "not_variable": lambda g: (g, g),
            "extra_none": lambda g: (g, None, None),
            "extra_value": lambda g: (g, None, g),
        }[case]

        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k=None):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return ret(g)

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Bad.apply(x) if case in ("too_many", "bad_shape") else Bad.apply(x, 3)
        try:
            y.sum().backward()
            msgs.append(None)
        except RuntimeError as e:
            msgs.append(str(e))
    assert msgs[0] == msgs[1]


def test_non_differentiable_materialize_and_non_tensor_outputs():
    seen = {}
    for lib in _both():

        class Two(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                a = x * 2
                b = (x > 1).sum()
                ctx.mark_non_differentiable(b)
                return a, b, 5

            @staticmethod
            def backward(ctx, ga, gb, gc):
                seen[lib.__name__] = (ga.tolist(), gb.tolist(), gc)
                return ga * 2

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        a, b, c = Two.apply(x)
        assert not b.requires_grad and c == 5
        a.sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]

        class NoMat(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.set_materialize_grads(False)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, ga, gb):
                assert gb is None
                return ga

        a, b = NoMat.apply(x)
        a.sum().backward()
    assert seen["chainrule"] == seen["torch"]


def test_mark_dirty_and_identity():
    for lib in _both():

        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.mul_(2)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return 2 * g

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            Double.apply(x)
        z = x.clone()
        w = Double.apply(z)
        assert w is z and z._version == 2 and z.grad_fn.name() == "DoubleBackward"
        w.sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]

        class Id(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g

        y = Id.apply(x)
        assert y is not x and y.grad_fn.name() == "IdBackward"


def test_saved_output_modified_in_place():
    msgs = []
    for lib in _both():

        class Exp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x.exp()
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, g):
                (y,) = ctx.saved_tensors
                return g * y

        y = Exp.apply(lib.tensor([1.0, 2.0], requires_grad=True))
        y.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation") as e:
            y.sum().backward()
        msgs.append(str(e.value).split(" Hint")[0])
    assert msgs[0] == msgs[1]


def test_setup_context_style_and_jvp():
    for lib in _both():

        class Sin(lib.autograd.Function):
            @staticmethod
            def forward(x):
                return x.sin()

            @staticmethod
            def setup_context(ctx, inputs, output):
                (x,) = inputs
                ctx.save_for_backward(x)
                ctx.save_for_forward(x)

            @staticmethod
            def backward(ctx, g):
                (x,) = ctx.saved_tensors
                return g * x.cos()

            @staticmethod
            def jvp(ctx, t):
                (x,) = ctx.saved_tensors
                return t * x.cos()

        x = lib.tensor([0.0, 1.0], requires_grad=True)
        Sin.apply(x).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), np.cos([0.0, 1.0]), rtol=1e-6)
        fw = lib.autograd.forward_ad
        with fw.dual_level():
            d = fw.make_dual(lib.tensor([0.0, 1.0]), lib.tensor([2.0, 2.0]))
            t = fw.unpack_dual(Sin.apply(d)).tangent
        np.testing.assert_allclose(t.numpy(), 2 * np.cos([0.0, 1.0]), rtol=1e-6)

        class NoJvp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g

        with fw.dual_level():
            d = fw.make_dual(lib.tensor([0.0, 1.0]), lib.tensor([2.0, 2.0]))
            with pytest.raises(NotImplementedError, match="You must implement the jvp function"):
                NoJvp.apply(d)


def test_once_differentiable():
    for lib in _both():
        from importlib import import_module

        once = import_module(f"{lib.__name__}.autograd.function").once_differentiable

        class Sq(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x**2

            @staticmethod
            @once
            def backward(ctx, g):
                assert not lib.is_grad_enabled()
                (x,) = ctx.saved_tensors
                return 2 * x * g

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (g,) = lib.autograd.grad(Sq.apply(x).sum(), x, create_graph=True)
        assert g.grad_fn is None and g.tolist() == [2.0, 4.0]


def test_hooks_on_custom_node():
    for lib in _both():
        Cube = _cube(lib)
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Cube.apply(x, 1.0)
        calls = []
        y.grad_fn.register_prehook(lambda go: calls.append("pre"))
        y.grad_fn.register_hook(lambda gi, go: calls.append("post"))
        y.register_hook(lambda g: g * 10)
        y.sum().backward()
        assert calls == ["pre", "post"] and x.grad.tolist() == [30.0, 120.0]


def test_functional_through_custom_function():
    torch = _torch()
    xa = np.array([0.5, -1.0, 2.0])
    ours = chainrule.autograd.functional.jacobian(
        lambda x: _cube(chainrule).apply(x, 2.0), chainrule.tensor(xa), vectorize=True
    )
    theirs = torch.autograd.functional.jacobian(
        lambda x: _cube(torch).apply(x, 2.0), torch.tensor(xa), vectorize=True
    )
    np.testing.assert_allclose(ours.numpy(), theirs.numpy())


def test_saved_tensors_hooks():
    for lib in _both():
        packed, unpacked = [], []

        def pack(t):
            packed.append(tuple(t.shape))
            return t * 1

        def unpack(t):
            unpacked.append(tuple(t.shape))
            return t

        Cube = _cube(lib)
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
            y = Cube.apply(x, 1.0)
        y.sum().backward()
        assert packed == [(2,)] and unpacked == [(2,)]
        assert x.grad.tolist() == [3.0, 12.0]


def test_checkpoint_matches_plain_backward():
    from chainrule.utils.checkpoint import checkpoint

    x = chainrule.tensor([1.0, 2.0], requires_grad=True)
    w = chainrule.tensor([0.5, -1.0], requires_grad=True)
    y = checkpoint(lambda t: (t.sin() * t * w).exp(), x, use_reentrant=True)
    assert y.grad_fn.name() == "CheckpointFunctionBackward"
    y.sum().backward()
    x2 = x.detach().requires_grad_()
    w2 = w.detach().requires_grad_()
    (x2.sin() * x2 * w2).exp().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), x2.grad.numpy())
    np.testing.assert_allclose(w.grad.numpy(), w2.grad.numpy())
    import chainrule.utils.checkpoint as ckpt_module

    assert ckpt_module(lambda t: t * t, x).requires_grad  # the module is callable too


def test_checkpoint_non_reentrant_closure_parameters():
    from chainrule.utils.checkpoint import checkpoint

    rng = np.random.default_rng(0)
    Ws = [chainrule.tensor(rng.standard_normal((4, 4)), requires_grad=True) for _ in range(4)]
    x = chainrule.tensor(rng.standard_normal((3, 4)))

    def seg(lo, hi):
        def run(h):
            for W in Ws[lo:hi]:
                h = chainrule.tanh(h @ W)
            return h

        return run

    seg(0, 4)(x).sum().backward()
    plain = [W.grad.numpy().copy() for W in Ws]
    for W in Ws:
        W.grad = None
    y = checkpoint(seg(0, 2), x, use_reentrant=False)
    y = checkpoint(seg(2, 4), y, use_reentrant=False)
    y.sum().backward()
    for W, g in zip(Ws, plain):
        np.testing.assert_allclose(W.grad.numpy(), g, rtol=1e-12)


def test_saved_tensors_hooks_builtin_ops_vs_torch():
    results = []
    for lib in _both():
        packed, unpacked = [], []

        def pack(t, packed=packed):
            packed.append(tuple(t.shape))
            return t.detach().numpy().copy()  # e.g. offload to another store

        def unpack(a, lib=lib, unpacked=unpacked):
            unpacked.append(a.shape)
            return lib.from_numpy(a) if lib is not chainrule else chainrule.tensor(a)

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
            y = (x * x).exp().sum()
        y.backward()
        results.append((packed, unpacked, x.grad.tolist()))
    assert results[0][0] == results[1][0]
    assert [tuple(s) for s in results[0][1]] == [tuple(s) for s in results[1][1]]
    np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-6)


def test_custom_jvp_written_for_one_direction_in_vectorized_jacobian():
    W = chainrule.tensor(np.random.default_rng(0).standard_normal((3, 4)))

    class Lin(chainrule.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return W @ x

        @staticmethod
        def backward(ctx, g):
            return g @ W

        @staticmethod
        def jvp(ctx, t):
            return W @ t  # (3, 4) @ (batch, 4) would fail: checked, then one call per direction

    x = chainrule.tensor(np.ones(4))
    F = chainrule.autograd.functional
    j = F.jacobian(Lin.apply, x, vectorize=True, strategy="forward-mode")
    np.testing.assert_allclose(j.numpy(), W.numpy())
