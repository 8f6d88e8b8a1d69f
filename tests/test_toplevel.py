"""PyTorch's top-level aliases and settings (ops/toplevel.py): printed values and errors
against torch, gradients against finite differences."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule
from chainrule.autograd import gradcheck

# Each case is evaluated with ``torch`` bound to chainrule and to PyTorch; the reprs (or the
# error type and first line) must be the same.
CASES = [
    "torch.hann_window(5)",
    "torch.hann_window(5, periodic=False)",
    "torch.hann_window(1)",
    "torch.hann_window(0)",
    "torch.hann_window(7, dtype=torch.float64)",
    "torch.hamming_window(4)",
    "torch.hamming_window(6, False, 0.5, 0.3)",
    "torch.blackman_window(5)",
    "torch.blackman_window(8, dtype=torch.float64)",
    "torch.bartlett_window(5)",
    "torch.bartlett_window(6, periodic=False)",
    "torch.kaiser_window(5)",
    "torch.kaiser_window(4, False, 5.0, dtype=torch.float64)",
    "torch.hann_window(-1)",
    "torch.hann_window(3, dtype=torch.int64)",
    "torch.hann_window(3, requires_grad=True)",
    "torch.range(1, 4)",
    "torch.range(0, 1, 0.25)",
    "torch.range(1, 4, dtype=torch.int64)",
    "torch.range(4, 1, -1)",
    "torch.range(5)",
    "torch.range(1, 4, 0)",
    "torch.range(4, 1)",
    "torch.fill(torch.ones(3), 2.5)",
    "torch.fill(torch.ones(2, dtype=torch.int64), 2.5)",
    "torch.is_same_size(torch.ones(2), torch.ones(3))",
    "torch.ones(2).is_same_size(torch.zeros(2))",
    "torch.typename(torch.ones(2))",
    "torch.typename(torch.ones(2, dtype=torch.int8))",
    "torch.typename(torch.ones(2, dtype=torch.float64))",
    "torch.typename(3)",
    "torch.cumulative_trapezoid(torch.tensor([1., 2., 4., 8.]))",
    "torch.cumulative_trapezoid(torch.tensor([[1., 2.], [3., 5.]]), dim=0)",
    "torch.cumulative_trapezoid(torch.tensor([1., 2., 4.]), dx=2.0)",
    "torch.cumulative_trapezoid(torch.tensor([1., 2., 4.]), torch.tensor([0., 1., 3.]))",
    "torch.cumulative_trapezoid(torch.tensor([[1., 2., 4.], [0., 1., 1.]]), torch.tensor([0., 1., 3.]))",
    "torch.cumulative_trapezoid(torch.tensor([1., 2., 4.]), torch.tensor([0., 1.]))",
    "torch.dropout(torch.ones(3), 0.5)",
    "torch.dropout(torch.ones(3), 0.0, True)",
    "torch.dropout(torch.ones(3), 0.5, False)",
    "torch.embedding(torch.eye(3), torch.tensor([2, 0]))",
    "torch.celu(torch.tensor([-1., 1.]))",
    "torch.selu(torch.tensor([-1., 1.]))",
    "torch.threshold(torch.tensor([1., 2.]), 1.5, 0.)",
    "torch.rrelu(torch.tensor([-1., 1.]), 0.25, 0.25)",
    "torch.hardshrink(torch.tensor([0.3, -1.]))",
    "torch.tensor([0.3, -1.]).hardshrink(0.2)",
    "torch.prelu(torch.tensor([-1., 2.]), torch.tensor([0.25]))",
    "torch.tensor([-1., 2.]).prelu(torch.tensor([0.25]))",
    "torch.pixel_shuffle(torch.arange(8.).view(1, 4, 1, 2), 2)",
    "torch.pixel_unshuffle(torch.arange(8.).view(1, 1, 2, 4), 2)",
    "torch.channel_shuffle(torch.arange(4.).view(1, 4, 1), 2)",
    "torch.pdist(torch.tensor([[0., 0.], [3., 4.], [1., 1.]]))",
    "torch.cosine_similarity(torch.tensor([[1., 0.]]), torch.tensor([[1., 1.]]))",
    "torch.pairwise_distance(torch.tensor([[0., 0.]]), torch.tensor([[3., 4.]]))",
    "torch.max_pool1d(torch.arange(6.).view(1, 1, 6), 2)",
    "torch.max_pool1d(torch.arange(6.).view(1, 1, 6), 3, 2)",
    "torch.max_pool2d(torch.arange(16.).view(1, 1, 4, 4), 2)",
    "torch.max_pool1d_with_indices(torch.arange(6.).view(1, 1, 6), 2)",
    "torch.avg_pool1d(torch.arange(6.).view(1, 1, 6), 2)",
    "torch.adaptive_avg_pool1d(torch.arange(6.).view(1, 1, 6), 4)",
    "torch.adaptive_max_pool1d(torch.arange(6.).view(1, 1, 6), 4)",
    "torch.bilinear(torch.ones(1, 2), torch.ones(1, 3), torch.ones(1, 2, 3))",
    "torch.constant_pad_nd(torch.ones(2), (1, 0), 5.0)",
    "torch.constant_pad_nd(torch.ones(2, 2), [1, 1, 0, 1])",
    "torch.layer_norm(torch.tensor([1., 2., 3.]), (3,))",
    "torch.group_norm(torch.tensor([[1., 3.]]), 1)",
    "torch.rms_norm(torch.tensor([3., 4.]), (2,), eps=0.0)",
    "torch.batch_norm(torch.tensor([[1.], [3.]]), None, None, None, None, True, 0.1, 1e-5, False)",
    "torch.batch_norm(torch.tensor([[1.], [3.]]), torch.tensor([2.]), torch.tensor([1.]),"
    " torch.tensor([0.]), torch.tensor([1.]), False, 0.1, 1e-5, False)",
    "torch.instance_norm(torch.tensor([[[1., 3.]]]), None, None, None, None, True, 0.1, 1e-5,"
    " False)",
    "torch.conv1d(torch.ones(1, 1, 4), torch.ones(1, 1, 2))",
    "torch.conv2d(torch.ones(1, 1, 3, 3), torch.ones(2, 1, 2, 2), torch.ones(2), 1, 1).shape",
    "torch.conv3d(torch.ones(1, 1, 2, 2, 2), torch.ones(1, 1, 2, 2, 2))",
    "torch.conv_transpose1d(torch.ones(1, 1, 2), torch.ones(1, 1, 2), None, 2)",
    "torch.conv_transpose2d(torch.ones(1, 1, 1, 1), torch.ones(1, 1, 2, 2))",
    "torch.detach(torch.ones(1, requires_grad=True))",
    "torch.asarray([1, 2])",
    "torch.asarray([1., 2.], dtype=torch.float64)",
    "torch.asarray(np.ones(2))",
    "torch.asarray(torch.ones(2), dtype=torch.int64)",
    "torch.get_float32_matmul_precision()",
    "torch.are_deterministic_algorithms_enabled()",
    "torch.get_deterministic_debug_mode()",
    "torch.is_warn_always_enabled()",
    "torch.get_default_device()",
    "torch.is_anomaly_enabled()",
    "torch.set_num_threads(0)",
    "torch.set_deterministic_debug_mode('x')",
    "torch.set_default_tensor_type(torch.LongTensor)",
    "torch.frombuffer(bytearray(b'\\x01\\x00\\x00\\x00\\x02\\x00\\x00\\x00'), dtype=torch.int32)",
    "torch.vmap(torch.sum)(torch.ones(2, 3))",
    "torch.grid_sampler(torch.arange(4.).view(1, 1, 2, 2), torch.zeros(1, 1, 1, 2), 0, 0, True)",
    "torch.grid_sampler(torch.arange(4.).view(1, 1, 2, 2), torch.full((1, 1, 1, 2), 0.7), 1, 1,"
    " False)",
    "torch.affine_grid_generator(torch.eye(2, 3).unsqueeze(0), [1, 1, 2, 2], False)",
]


def _show(lib, code: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return repr(eval(code, {"torch": lib, "np": np}))
        except Exception as e:  # the error type and its first line
            return f"{type(e).__name__}: {str(e).splitlines()[0]}"


@pytest.mark.parametrize("code", CASES)
def test_same_as_torch(code):
    torch = pytest.importorskip("torch")
    assert _show(chainrule, code) == _show(torch, code)


def test_windows_match_torch_to_the_last_bits():
    torch = pytest.importorskip("torch")
    for name in ("hann_window", "hamming_window", "blackman_window", "bartlett_window"):
        for n in (2, 3, 10, 33):
            for periodic in (True, False):
                for dt in ("float32", "float64"):
                    c = getattr(chainrule, name)(n, periodic, dtype=getattr(chainrule, dt))
                    t = getattr(torch, name)(n, periodic, dtype=getattr(torch, dt))
                    np.testing.assert_allclose(c.numpy(), t.numpy(), rtol=0, atol=4e-7)
    for beta in (0.0, 5.0, 12.0):
        c = chainrule.kaiser_window(9, True, beta, dtype=chainrule.float64)
        t = torch.kaiser_window(9, True, beta, dtype=torch.float64)
        np.testing.assert_allclose(c.numpy(), t.numpy(), rtol=1e-14)


def _dbl(*shape, seed=0):
    data = np.random.default_rng(seed).standard_normal(shape)
    return chainrule.tensor(data, dtype=chainrule.float64, requires_grad=True)


def test_cumulative_trapezoid_gradients():
    y = _dbl(3, 5)
    x = chainrule.tensor([0.0, 0.5, 1.5, 2.0, 4.0], dtype=chainrule.float64, requires_grad=True)
    assert gradcheck(lambda y: chainrule.cumulative_trapezoid(y), (y,))
    assert gradcheck(lambda y: chainrule.cumulative_trapezoid(y, dx=0.3, dim=0), (y,))
    assert gradcheck(lambda y, x: chainrule.cumulative_trapezoid(y, x), (y, x))


def test_cumulative_trapezoid_gradient_matches_torch():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(1).standard_normal((2, 4))
    xs = np.array([0.0, 1.0, 3.0, 3.5])
    c = chainrule.tensor(data, requires_grad=True)
    t = torch.tensor(data, requires_grad=True)
    cx = chainrule.tensor(xs, requires_grad=True)
    tx = torch.tensor(xs, requires_grad=True)
    (chainrule.cumulative_trapezoid(c, cx) ** 2).sum().backward()
    (torch.cumulative_trapezoid(t, tx) ** 2).sum().backward()
    np.testing.assert_allclose(c.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(cx.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


def test_aten_argument_orders_give_the_functional_gradients():
    F = chainrule.nn.functional
    x, w, b = _dbl(4, 3), _dbl(3, seed=1), _dbl(3, seed=2)
    assert gradcheck(
        lambda x, w, b: chainrule.batch_norm(x, w, b, None, None, True, 0.1, 1e-5, False),
        (x, w, b),
    )
    table, idx = _dbl(5, 2), chainrule.tensor([4, 0, 4])
    assert gradcheck(lambda t: chainrule.embedding(t, idx), (table,))  # padding_idx -1: none
    out = chainrule.embedding(table, idx, 0)
    out.sum().backward()
    assert table.grad[0].tolist() == [0.0, 0.0]  # padding_idx 0 gets no gradient
    y = chainrule.layer_norm(x, (3,), w, b)
    assert chainrule.equal(y, F.layer_norm(x, (3,), w, b))
    assert y.grad_fn.name() == F.layer_norm(x, (3,), w, b).grad_fn.name()


def test_in_place_forms_modify_their_input():
    t = chainrule.tensor([-1.0, 2.0])
    assert chainrule.celu_(t) is t and t.tolist()[1] == 2.0 and t.tolist()[0] < 0
    u = chainrule.tensor([1.0, 2.0])
    assert chainrule.threshold_(u, 1.5, -3.0) is u and u.tolist() == [-3.0, 2.0]
    v = chainrule.ones(4)
    assert chainrule.dropout_(v, 0.0, True) is v


def test_settings_round_trip():
    old_threads = chainrule.get_num_threads()
    try:
        chainrule.set_num_threads(3)
        assert chainrule.get_num_threads() == 3
        chainrule.use_deterministic_algorithms(True, warn_only=True)
        assert chainrule.are_deterministic_algorithms_enabled()
        assert chainrule.is_deterministic_algorithms_warn_only_enabled()
        assert chainrule.get_deterministic_debug_mode() == 1
        chainrule.set_deterministic_debug_mode("error")
        assert chainrule.get_deterministic_debug_mode() == 2
        chainrule.set_float32_matmul_precision("medium")
        assert chainrule.get_float32_matmul_precision() == "medium"
        chainrule.set_anomaly_enabled(True, check_nan=False)
        assert chainrule.is_anomaly_enabled() and not chainrule.is_anomaly_check_nan_enabled()
    finally:
        chainrule.set_num_threads(old_threads)
        chainrule.use_deterministic_algorithms(False)
        chainrule.set_float32_matmul_precision("highest")
        chainrule.set_anomaly_enabled(False)
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        chainrule.set_default_device("cuda")


def test_set_default_tensor_type_warns_and_sets_the_dtype():
    try:
        with pytest.warns(UserWarning, match="set_default_tensor_type\\(\\) is deprecated"):
            chainrule.set_default_tensor_type(chainrule.DoubleTensor)
        assert chainrule.get_default_dtype() is chainrule.float64
        assert chainrule.tensor([1.5]).dtype is chainrule.float64
        chainrule.set_default_tensor_type("torch.FloatTensor")
        assert chainrule.get_default_dtype() is chainrule.float32
    finally:
        chainrule.set_default_dtype(chainrule.float32)


def test_range_warns_as_torch():
    with pytest.warns(UserWarning, match="torch.range is deprecated"):
        chainrule.range(0, 2)


def test_asarray_shares_memory_when_it_can():
    a = np.ones(3)
    t = chainrule.asarray(a)
    a[0] = 5
    assert t.tolist() == [5.0, 1.0, 1.0]
    x = chainrule.ones(2, requires_grad=True)
    assert chainrule.asarray(x) is x
    assert chainrule.asarray(x, requires_grad=False).requires_grad is False
    copied = chainrule.asarray(x, copy=True)
    assert copied is not x and copied.requires_grad
