"""Elementwise semantics the generic harness does not cover: type promotion, in-place rules,
operator dunders (reflected, NumPy scalars on the left), errors, floor_divide's backward."""

from __future__ import annotations

import operator

import numpy as np
import pytest

import chainrule

torch = pytest.importorskip("torch")

# NumPy warns on log(0), 1/0 ...; torch is silent (values are compared instead)
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

# ---------------------------------------------------------------- operands
# (name, builder(lib)) -- the same operand built on chainrule and on torch
_VALS = {
    "f32": ([0.5, -1.5, 2.0], "float32"),
    "f64": ([1.5, 2.5, -0.5], "float64"),
    "f16": ([0.5, 1.0, -2.0], "float16"),
    "i64": ([1, -2, 3], "int64"),
    "i32": ([2, 3, -1], "int32"),
    "u8": ([1, 2, 3], "uint8"),
    "i8": ([-1, 2, 3], "int8"),
    "b": ([True, False, True], "bool"),
    "f64_0d": (1.5, "float64"),
    "f32_0d": (2.5, "float32"),
    "i64_0d": (2, "int64"),
    "b_0d": (True, "bool"),
}
_SCALARS = {"int": 2, "float": 2.5, "bool": True, "np_f64": np.float64(1.5), "np_i64": np.int64(3)}


def _operand(lib, key):
    if key in _SCALARS:
        return _SCALARS[key]
    v, dt = _VALS[key]
    return lib.tensor(v, dtype=getattr(lib, dt))


PAIRS = [
    ("i64", "float"),
    ("float", "i64"),
    ("f32", "float"),
    ("float", "f32"),
    ("f32", "int"),
    ("f32", "f64"),
    ("f64_0d", "f32"),
    ("f32", "f64_0d"),
    ("f32_0d", "i64"),
    ("i64_0d", "f32_0d"),
    ("i64", "i64"),
    ("i32", "i64_0d"),
    ("i32", "i64"),
    ("b", "b"),
    ("b", "int"),
    ("b", "float"),
    ("b_0d", "i32"),
    ("u8", "int"),
    ("u8", "i8"),
    ("u8", "b"),
    ("i64", "bool"),
    ("f16", "f32"),
    ("f16", "float"),
    ("f32", "np_f64"),
    ("i64", "np_i64"),
]

BINARY = [
    "add",
    "sub",
    "mul",
    "div",
    "true_divide",
    "floor_divide",
    "remainder",
    "fmod",
    "pow",
    "maximum",
    "minimum",
    "atan2",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "logical_and",
    "logical_or",
    "logical_xor",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
]


def _run(fn):
    """(result, None) or (None, exception)."""
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001 - compared with torch's below
        return None, e


def _same(cr_fn, th_fn):
    """chainrule and torch agree: same dtype and values, or the same exception type."""
    c, ce = _run(cr_fn)
    t, te = _run(th_fn)
    if te is not None:
        assert ce is not None, f"torch raised {type(te).__name__}: {te}; chainrule returned {c!r}"
        assert type(ce) is type(te) or isinstance(ce, type(te)), (
            f"torch raised {type(te).__name__}: {te}; chainrule raised {type(ce).__name__}: {ce}"
        )
        return
    assert ce is None, f"chainrule raised {type(ce).__name__}: {ce}; torch returned {t!r}"
    assert isinstance(c, chainrule.Tensor), f"chainrule returned {type(c).__name__}"
    assert str(c.dtype) == str(t.dtype), f"dtype {c.dtype} vs torch {t.dtype}"
    assert tuple(c.shape) == tuple(t.shape)
    np.testing.assert_allclose(
        c.numpy().astype(np.float64), t.numpy().astype(np.float64), rtol=1e-3, equal_nan=True
    )


def _has_tensor(a, b):
    return not (a in _SCALARS and b in _SCALARS)


@pytest.mark.parametrize("a,b", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
@pytest.mark.parametrize("op", BINARY)
def test_binary_promotion_vs_torch(op, a, b):
    """Function form with every operand pairing: result dtype/values or error type as torch."""
    if a in _SCALARS:  # torch functions want a Tensor first
        pytest.skip("scalar first: covered by the reflected operators")

    def call(lib):
        return lambda: getattr(lib, op)(_operand(lib, a), _operand(lib, b))

    _same(call(chainrule), call(torch))


OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "&": operator.and_,
    "|": operator.or_,
    "^": operator.xor,
}


@pytest.mark.parametrize("a,b", PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
@pytest.mark.parametrize("sym", list(OPERATORS))
def test_operators_vs_torch(sym, a, b):
    """Operators incl. reflected ones (scalar on the left) and NumPy scalars on the right."""
    f = OPERATORS[sym]
    if a in ("np_f64", "np_i64"):
        pytest.skip("NumPy scalars on the left: test_numpy_scalar_on_the_left")
    _same(
        lambda: f(_operand(chainrule, a), _operand(chainrule, b)),
        lambda: f(_operand(torch, a), _operand(torch, b)),
    )


@pytest.mark.parametrize("sym", ["+", "-", "*", "/", "**", "%", "//", "<", ">", "==", "!="])
@pytest.mark.parametrize(
    "scalar", [np.float64(2.0), np.float32(2.0), np.int64(3)], ids=["f64", "f32", "i64"]
)
@pytest.mark.parametrize("key", ["f32", "i64", "f64"])
def test_numpy_scalar_on_the_left(sym, scalar, key):
    f = OPERATORS[sym]
    c = f(scalar, _operand(chainrule, key))
    assert isinstance(c, chainrule.Tensor), f"{type(scalar).__name__} {sym} Tensor gave {type(c)}"
    t = f(scalar, _operand(torch, key))
    assert str(c.dtype) == str(t.dtype)
    np.testing.assert_allclose(c.numpy().astype(float), t.numpy().astype(float), rtol=1e-6)


def test_numpy_scalar_on_the_left_keeps_graph():
    x = chainrule.tensor([1.0, 2.0], requires_grad=True)
    y = np.float64(2) * x
    assert isinstance(y, chainrule.Tensor) and y.grad_fn is not None
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


@pytest.mark.parametrize("key", ["f32", "i64", "b", "u8"])
@pytest.mark.parametrize("sym", ["-x", "abs", "~x"])
def test_unary_operators(sym, key):
    f = {"-x": operator.neg, "abs": abs, "~x": operator.invert}[sym]
    _same(lambda: f(_operand(chainrule, key)), lambda: f(_operand(torch, key)))


def test_pos_returns_self():
    x = chainrule.tensor([1.0, -2.0])
    assert (+x) is x or (+x).tolist() == x.tolist()


@pytest.mark.parametrize(
    "fn",
    ["exp", "log", "sqrt", "sin", "sigmoid", "tanh", "erf", "reciprocal", "rsqrt", "exp2", "log1p"],
)
@pytest.mark.parametrize("key", ["i64", "b", "u8", "f16", "f32"])
def test_unary_float_ops_promote_ints(fn, key):
    _same(
        lambda: getattr(chainrule, fn)(_operand(chainrule, key)),
        lambda: getattr(torch, fn)(_operand(torch, key)),
    )


@pytest.mark.parametrize("fn", ["abs", "neg", "sign", "floor", "ceil", "round", "trunc", "relu"])
@pytest.mark.parametrize("key", ["i64", "i32", "f32"])
def test_unary_ops_keep_int_dtype(fn, key):
    _same(
        lambda: getattr(chainrule, fn)(_operand(chainrule, key)),
        lambda: getattr(torch, fn)(_operand(torch, key)),
    )


# ---------------------------------------------------------------- in-place


def test_inplace_int_with_float_raises():
    for lib in (chainrule, torch):
        x = lib.tensor([1, 2, 3])
        with pytest.raises(
            RuntimeError, match="result type Float can't be cast to the desired output type Long"
        ):
            x.add_(1.5)
    for lib in (chainrule, torch):
        x = lib.tensor([1, 2, 3])
        with pytest.raises(
            RuntimeError, match="result type Float can't be cast to the desired output type Long"
        ):
            x += lib.tensor([0.5, 0.5, 0.5])


@pytest.mark.parametrize(
    "dst,src",
    [
        ("f32", "f64"),
        ("f32", "i64"),
        ("i64", "b"),
        ("f64", "float"),
        ("i32", "i64"),
        ("i64", "float"),
        ("b", "i64"),
        ("f16", "f32"),
    ],
)
@pytest.mark.parametrize("meth", ["add_", "sub_", "mul_", "div_"])
def test_inplace_dtype_rules_vs_torch(meth, dst, src):
    def run(lib):
        def go():
            x = _operand(lib, dst).clone()
            r = getattr(x, meth)(_operand(lib, src))
            assert r is x
            return x

        return go

    _same(run(chainrule), run(torch))


def test_inplace_broadcast_mismatch_raises():
    for lib in (chainrule, torch):
        x = lib.zeros(3)
        with pytest.raises(
            RuntimeError,
            match=r"output with shape \[3\] doesn't match the broadcast shape \[2, 3\]",
        ):
            x.add_(lib.ones(2, 3))


def test_inplace_on_leaf_requiring_grad_raises():
    for lib in (chainrule, torch):
        x = lib.ones(3, requires_grad=True)
        with pytest.raises(
            RuntimeError,
            match="a leaf Variable that requires grad is being used in an in-place operation",
        ):
            x.mul_(2)


def test_inplace_bumps_version_and_keeps_identity():
    x = chainrule.ones(3)
    v = x._version
    y = x.add_(1)
    assert y is x and x._version == v + 1
    x += 1
    assert x.tolist() == [3.0, 3.0, 3.0]


def test_inplace_gradients_vs_torch():
    grads = []
    for lib in (chainrule, torch):
        a = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        b = lib.tensor([1.5, 2.0, -0.5], dtype=lib.float64, requires_grad=True)
        y = a * 1
        y.mul_(b)
        y.add_(b, alpha=2)
        y.div_(b + 3)
        y.pow_(2)
        y.sub_(a)
        y.clamp_(-1, 1)
        y.sum().backward()
        grads.append((a.grad.numpy(), b.grad.numpy(), y.grad_fn.name()))
    np.testing.assert_allclose(grads[0][0], grads[1][0])
    np.testing.assert_allclose(grads[0][1], grads[1][1])
    assert grads[0][2] == grads[1][2]


# ---------------------------------------------------------------- errors


def test_broadcast_mismatch_message():
    for lib in (chainrule, torch):
        with pytest.raises(
            RuntimeError,
            match=r"The size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1",
        ):
            lib.ones(2, 3) + lib.ones(2, 4)
    for lib in (chainrule, torch):
        with pytest.raises(
            RuntimeError,
            match=r"The size of tensor a \(2\) must match the size of tensor b \(3\) at non-singleton dimension 0",
        ):
            lib.mul(lib.ones(2), lib.ones(3))


@pytest.mark.parametrize("op", ["sub", "atan2", "maximum", "where", "lerp", "div", "pow"])
def test_broadcast_mismatch_other_ops(op):
    def call(lib):
        a, b = lib.ones(2, 3), lib.ones(4)
        if op == "where":
            return lambda: lib.where(a > 0, a, b)
        if op == "lerp":
            return lambda: lib.lerp(a, b, 0.5)
        return lambda: getattr(lib, op)(a, b)

    _same(call(chainrule), call(torch))


def test_floor_divide_backward_raises():
    for lib in (chainrule, torch):
        x = lib.tensor([3.0, -4.0], requires_grad=True)
        y = x // 2
        assert y.grad_fn.name() == "torch::autograd::NotImplemented"
        with pytest.raises(
            RuntimeError, match="derivative for aten::floor_divide is not implemented"
        ):
            y.sum().backward()


def test_remainder_scalar_first_backward_raises():
    for lib in (chainrule, torch):
        x = lib.tensor([3.0, -4.0], requires_grad=True)
        y = 5 % x
        assert y.grad_fn.name() == "torch::autograd::NotImplemented"
        with pytest.raises(RuntimeError, match="derivative for aten::remainder is not implemented"):
            y.sum().backward()


def test_int_pow_negative_raises():
    for lib in (chainrule, torch):
        with pytest.raises(
            RuntimeError, match="Integers to negative integer powers are not allowed"
        ):
            lib.tensor([1, 2]) ** -1


def test_int_division_by_zero():
    _same(
        lambda: chainrule.tensor([1.0, -1.0, 0.0]) / 0, lambda: torch.tensor([1.0, -1.0, 0.0]) / 0
    )
    _same(lambda: chainrule.tensor([1, 2]) / 0, lambda: torch.tensor([1, 2]) / 0)


def test_clamp_requires_a_bound():
    for lib in (chainrule, torch):
        with pytest.raises(RuntimeError, match="At least one of 'min' or 'max' must not be None"):
            lib.clamp(lib.ones(2))


def test_where_needs_bool_condition():
    for lib in (chainrule, torch):
        with pytest.raises(RuntimeError, match="where expected condition to be a boolean tensor"):
            lib.where(lib.ones(2), lib.ones(2), lib.zeros(2))


@pytest.mark.parametrize("mode", ["floor", "trunc"])
@pytest.mark.parametrize("a,b", [("i64", "i32"), ("f32", "int"), ("i64", "int"), ("f64", "f32")])
def test_div_rounding_modes(mode, a, b):
    _same(
        lambda: chainrule.div(_operand(chainrule, a), _operand(chainrule, b), rounding_mode=mode),
        lambda: torch.div(_operand(torch, a), _operand(torch, b), rounding_mode=mode),
    )


def test_div_bad_rounding_mode():
    for lib in (chainrule, torch):
        with pytest.raises(
            RuntimeError, match="div expected rounding_mode to be one of None, 'trunc', or 'floor'"
        ):
            lib.div(lib.ones(2), 2, rounding_mode="round")


def test_python_scalars_stay_weak():
    """float32 tensor with a Python/NumPy-free scalar stays float32, also with alpha."""
    x = chainrule.ones(2)
    for y in (x + 1e10, x * 2.5, x - 3, x.add(3, alpha=2), x.sub(2.5, alpha=3), 2.5 - x, 3**x):
        assert y.dtype == chainrule.float32


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("exponent", [2, 3, -1, -2, -0.5, 2.7, -1.5])
def test_pow_scalar_exponent_bitwise_vs_torch(dtype, exponent):
    """x ** e: 0-d tensors (the NumPy-scalar fast path) and, for the exponents PyTorch
    computes by multiplication, arrays give PyTorch's exact bits."""
    vals = np.abs(np.random.default_rng(0).standard_normal(300) * 10).astype(dtype)
    ours = np.array([(chainrule.tensor(v) ** exponent).item() for v in vals])
    theirs = np.array([(torch.tensor(v) ** exponent).item() for v in vals])
    np.testing.assert_array_equal(ours, theirs)
    if exponent in (2, 3, -1, -2, -0.5):
        np.testing.assert_array_equal(
            (chainrule.tensor(vals) ** exponent).numpy(), (torch.tensor(vals) ** exponent).numpy()
        )
    assert (chainrule.tensor(vals[0]) ** exponent).dtype is getattr(chainrule, dtype)
