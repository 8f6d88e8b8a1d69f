"""Tests for chainrule._printing: the repr must match PyTorch's byte for byte."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from chainrule._printing import format_tensor, get_printoptions, printoptions, set_printoptions

try:  # the oracle; the comparisons are skipped when it is missing
    import torch
except ImportError:  # pragma: no cover
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")

DTYPES = [
    np.float16,
    np.float32,
    np.float64,
    np.int8,
    np.uint8,
    np.int16,
    np.int32,
    np.int64,
    np.bool_,
    np.complex64,
    np.complex128,
]


@pytest.fixture(autouse=True)
def _restore_options():
    """Every test starts and ends with default options, ours and torch's."""
    set_printoptions(profile="default")
    if torch is not None:
        torch.set_printoptions(profile="default")
        old_default = torch.get_default_dtype()
    yield
    set_printoptions(profile="default")
    if torch is not None:
        torch.set_printoptions(profile="default")
        torch.set_default_dtype(old_default)


def _name(t) -> str:
    return str(t.dtype).removeprefix("torch.")


def _check(arr: np.ndarray, default: str = "float32") -> None:
    arr = np.array(arr, order="C")
    t = torch.from_numpy(arr.copy())
    expected = repr(t)
    got = format_tensor(arr, _name(t), default, [])
    assert got == expected, f"\n--- ours ---\n{got}\n--- torch ---\n{expected}"
    assert str(t) == expected


def _check_many(arrays, default: str = "float32") -> None:
    failures = []
    for arr in arrays:
        arr = np.array(arr, order="C")
        t = torch.from_numpy(arr.copy())
        expected = repr(t)
        got = format_tensor(arr, _name(t), default, [])
        if got != expected:
            failures.append(f"{arr.dtype} {arr.shape}\n{got}\n!=\n{expected}")
    assert not failures, f"{len(failures)} mismatches, first:\n" + failures[0]


# ----------------------------------------------------------------------------------------
# Golden strings (taken from real torch 2.13), run without torch.
# ----------------------------------------------------------------------------------------

GOLDEN = [
    (np.array(4.5, np.float32), "float32", [], "tensor(4.5000)"),
    (
        np.full((2, 2), 4.5, np.float32),
        "float32",
        ["grad_fn=<MulBackward0>"],
        "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]], grad_fn=<MulBackward0>)",
    ),
    (
        np.array([1.0, 2.0]),
        "float64",
        ["requires_grad=True"],
        "tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
    ),
    (np.zeros((0, 3), np.float32), "float32", [], "tensor([], size=(0, 3))"),
    (np.zeros(0, np.float32), "float32", [], "tensor([])"),
    (np.zeros(0, np.int64), "int64", [], "tensor([], dtype=torch.int64)"),
    (np.array([1, 2, 3]), "int64", [], "tensor([1, 2, 3])"),
    (np.array([True, False]), "bool", [], "tensor([ True, False])"),
    (np.array(3, np.int32), "int32", [], "tensor(3, dtype=torch.int32)"),
    (np.array(-0.0, np.float32), "float32", [], "tensor(-0.)"),
    (np.array([-0.0, 1.0], np.float32), "float32", [], "tensor([-0., 1.])"),
    (np.array([np.nan, 1.5], np.float32), "float32", [], "tensor([   nan, 1.5000])"),
    (
        np.array([np.inf, -np.inf, np.nan, 2.0], np.float32),
        "float32",
        [],
        "tensor([inf, -inf, nan, 2.])",
    ),
    (
        np.array([1e-10, 1.0, 1e10]),
        "float64",
        [],
        "tensor([1.0000e-10, 1.0000e+00, 1.0000e+10], dtype=torch.float64)",
    ),
    (np.array([0.1, 1000.0], np.float32), "float32", [], "tensor([1.0000e-01, 1.0000e+03])"),
    (
        np.array([0.5, 100.0], np.float16),
        "float16",
        [],
        "tensor([  0.5000, 100.0000], dtype=torch.float16)",
    ),
    (
        np.array([1 + 2j, -3.5 - 0j], np.complex64),
        "complex64",
        [],
        "tensor([ 1.0000+2.j, -3.5000+0.j])",
    ),
    (
        np.arange(30, dtype=np.float32),
        "float32",
        [],
        "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
        "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
        "        28., 29.])",
    ),
    (
        np.arange(2000, dtype=np.int64),
        "int64",
        [],
        "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])",
    ),
    (
        np.arange(1000, 2200, dtype=np.float32).reshape(40, 30),
        "float32",
        [],
        "tensor([[1000., 1001., 1002.,  ..., 1027., 1028., 1029.],\n"
        "        [1030., 1031., 1032.,  ..., 1057., 1058., 1059.],\n"
        "        [1060., 1061., 1062.,  ..., 1087., 1088., 1089.],\n"
        "        ...,\n"
        "        [2110., 2111., 2112.,  ..., 2137., 2138., 2139.],\n"
        "        [2140., 2141., 2142.,  ..., 2167., 2168., 2169.],\n"
        "        [2170., 2171., 2172.,  ..., 2197., 2198., 2199.]])",
    ),
    (
        np.arange(8, dtype=np.float32).reshape(2, 2, 2),
        "float32",
        [],
        "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])",
    ),
]


@pytest.mark.parametrize(("arr", "name", "suffixes", "expected"), GOLDEN)
def test_golden(arr, name, suffixes, expected):
    assert format_tensor(arr, name, "float32", suffixes) == expected


def test_golden_default_float64():
    assert format_tensor(np.array([1.5], np.float32), "float32", "float64", []) == (
        "tensor([1.5000], dtype=torch.float32)"
    )
    assert format_tensor(np.array([1.5]), "float64", "float64", []) == "tensor([1.5000])"
    assert format_tensor(np.zeros(0), "float64", "float64", []) == "tensor([])"
    assert format_tensor(np.zeros(0, np.float32), "float32", "float64", []) == (
        "tensor([], dtype=torch.float32)"
    )


def test_golden_dtype_aliases():
    assert format_tensor(np.array([1.0]), "double", "float", []) == (
        "tensor([1.], dtype=torch.float64)"
    )


def test_golden_printoptions():
    with printoptions(precision=2):
        assert format_tensor(np.array([1.12345]), "float64", "float64", []) == "tensor([1.12])"
    assert format_tensor(np.array([1.12345]), "float64", "float64", []) == "tensor([1.1235])"
    set_printoptions(threshold=5)
    assert format_tensor(np.arange(10), "int64", "float32", []) == (
        "tensor([0, 1, 2,  ..., 7, 8, 9])"
    )
    set_printoptions(edgeitems=0)
    assert format_tensor(np.arange(10), "int64", "float32", []) == ("tensor([...], size=(10,))")


def test_get_set_printoptions_semantics():
    assert get_printoptions() == {
        "precision": 4,
        "threshold": 1000,
        "edgeitems": 3,
        "linewidth": 80,
        "sci_mode": None,
    }
    set_printoptions(profile="short")
    assert get_printoptions()["precision"] == 2
    assert get_printoptions()["edgeitems"] == 2
    set_printoptions(profile="full", precision=6, sci_mode=True)
    opts = get_printoptions()
    assert opts["threshold"] == math.inf
    assert opts["precision"] == 6
    assert opts["sci_mode"] is True
    # like torch: any call resets sci_mode to its argument
    set_printoptions(linewidth=100)
    assert get_printoptions()["sci_mode"] is None
    assert get_printoptions()["linewidth"] == 100
    # the returned dict is a copy and round-trips
    saved = get_printoptions()
    saved["precision"] = 99
    assert get_printoptions()["precision"] == 6
    set_printoptions(profile="default")
    set_printoptions(**saved)
    assert get_printoptions() == saved


def test_fast_import_only_numpy():
    import sys

    import chainrule._printing as mod

    assert "torch" not in vars(mod)
    assert mod.np is sys.modules["numpy"]


# ----------------------------------------------------------------------------------------
# Comparisons against torch.
# ----------------------------------------------------------------------------------------


def _special_values(dtype) -> list[np.ndarray]:
    kind = np.dtype(dtype).kind
    if kind == "b":
        return [
            np.array(True),
            np.array(False),
            np.array([True, True]),
            np.array([False, True, False]),
            np.ones((3, 4), bool),
        ]
    if kind in "iu":
        info = np.iinfo(dtype)
        return [
            np.array(0, dtype),
            np.array(info.max, dtype),
            np.array([info.min, 0, info.max], dtype),
            np.arange(min(int(info.max), 50), dtype=dtype),
            np.array([[1, 2], [3, 100]], dtype),
        ]
    vals = [
        [0.0],
        [-0.0],
        [-0.0, 0.0],
        [np.nan],
        [np.inf, -np.inf],
        [np.nan, 0.0, -0.0],
        [1.0, 2.0, np.nan],
        [1.5, np.inf, -2.25],
        [1.0, -1.0, 0.5],
        [1e-5, 1.0],
        [1e-4, 1.0],
        [999.0, 1.0],
        [1001.0, 1.0],
        [0.001, 1.0],
        [0.0011, 1.0],
        [1e8, 1.0e8 + 8],
        [1e9, 2e9],
        [1e9 + 0.5],
        [123456.789, 0.5],
        [-123.5, 0.25, 7.0],
        [9.99995, 0.5],
        [0.99999, -0.99999],
        [65504.0, -65504.0],
        [3.0e-8, 6.0e-5],
        [1e-300, 1e300],
        [1e100, -1e-100],
    ]
    out = [np.array(v).astype(dtype) for v in vals]
    out += [np.array(v[0]).astype(dtype) for v in vals]
    if kind == "c":
        out += [
            np.array([1 + 1j, -2 - 3.5j, 0 - 0j, 1e-5j, np.nan + 1j, np.inf * 1j], dtype),
            np.array(2.5 - 1j, dtype),
            np.array([[1j, 2], [-3, 4e6 - 1j]], dtype),
        ]
    return out


@needs_torch
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_special_values(dtype):
    with np.errstate(all="ignore"):
        arrays = _special_values(dtype)
    # tiled copies hold the same values but take the vectorised (> 64 elements) path
    _check_many(arrays + [np.tile(a, 70) for a in arrays])


def test_formatter_small_and_large_paths_agree():
    from chainrule._printing import _Formatter

    rng = np.random.default_rng(5)
    for _ in range(400):
        arr = _random_array(rng).reshape(-1)[:60]
        if arr.dtype.kind == "c":
            arr = arr.real
        for prec, sci in [(4, None), (2, True), (0, False), (6, None)]:
            small = _Formatter(arr, prec, sci)
            large = _Formatter(np.tile(arr, 3), prec, sci)
            assert (small.width, small.int_mode, small.sci_mode) == (
                large.width,
                large.int_mode,
                large.sci_mode,
            ), arr


@needs_torch
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize(
    "shape", [(), (0,), (1,), (7,), (3, 0), (0, 2, 2), (2, 3), (4, 1, 3), (2, 3, 2, 2), (1, 1, 1)]
)
def test_shapes_and_dtypes(dtype, shape):
    rng = np.random.default_rng(abs(hash((np.dtype(dtype).name, shape))) % 2**32)
    kind = np.dtype(dtype).kind
    n = int(np.prod(shape))
    if kind == "b":
        arr = rng.random(n) > 0.5
    elif kind in "iu":
        arr = rng.integers(0 if kind == "u" else -100, 100, n)
    else:
        arr = rng.standard_normal(n) * 10
        if kind == "c":
            arr = arr + 1j * rng.standard_normal(n)
    _check(arr.astype(dtype).reshape(shape))


def _random_array(rng: np.random.Generator) -> np.ndarray:
    dtype = DTYPES[rng.integers(len(DTYPES))]
    ndim = int(rng.integers(0, 5))
    big = rng.random() < 0.25
    shape = tuple(int(rng.integers(1, 40 if big else 6)) for _ in range(ndim))
    if rng.random() < 0.05 and ndim:
        shape = (*shape[:-1], 0)
    n = int(np.prod(shape))
    kind = np.dtype(dtype).kind
    if kind == "b":
        return (rng.random(n) < rng.random()).reshape(shape)
    if kind in "iu":
        info = np.iinfo(dtype)
        hi = min(int(info.max), int(10 ** rng.integers(1, 19)))
        lo = 0 if kind == "u" else max(int(info.min), -hi)
        return rng.integers(lo, hi, n, dtype=dtype, endpoint=True).reshape(shape)
    style = rng.integers(5)
    if style == 0:  # integer-valued floats
        vals = rng.integers(-1000, 1000, n).astype(np.float64)
    elif style == 1:  # wide range of magnitudes
        vals = rng.standard_normal(n) * 10.0 ** rng.integers(-12, 12, n)
    elif style == 2:  # one common scale
        vals = rng.standard_normal(n) * 10.0 ** rng.integers(-6, 10)
    elif style == 3:  # rounded decimals (rounding edge cases)
        vals = np.round(rng.standard_normal(n) * 100, int(rng.integers(0, 6)))
    else:
        vals = rng.random(n)
    mask = rng.random(n)
    vals = np.where(mask < 0.03, np.nan, vals)
    infs = np.where(vals < 0.5, -np.inf, np.inf)
    vals = np.where((mask >= 0.03) & (mask < 0.05), infs, vals)
    vals = np.where((mask >= 0.05) & (mask < 0.08), -0.0, vals)
    vals = np.where((mask >= 0.08) & (mask < 0.1), 0.0, vals)
    if kind == "c":
        vals = vals + 1j * rng.standard_normal(n) * 10.0 ** rng.integers(-5, 5)
    with np.errstate(all="ignore"):
        return vals.astype(dtype).reshape(shape)


@needs_torch
@pytest.mark.parametrize("seed", range(8))
def test_random_fuzz(seed):
    rng = np.random.default_rng(seed)
    _check_many([_random_array(rng) for _ in range(150)])


@needs_torch
def test_summarization():
    rng = np.random.default_rng(1)
    arrays = [
        np.arange(1001, dtype=np.float32),
        np.arange(1000, dtype=np.float32),
        np.arange(1001, dtype=np.int64),
        rng.standard_normal(5000).astype(np.float32),
        rng.standard_normal((100, 100)).astype(np.float64),
        rng.standard_normal((7, 200)).astype(np.float32),
        rng.standard_normal((200, 6)).astype(np.float32),
        rng.standard_normal((5, 6, 50)).astype(np.float32),
        rng.standard_normal((20, 3, 4, 20)).astype(np.float32),
        rng.integers(-(10**9), 10**9, (40, 40)),
        rng.random((40, 40)) > 0.5,
        (rng.standard_normal((50, 50)) * 1e9).astype(np.float32),
        np.concatenate([[1e-9], np.ones(2000), [1e9]]).astype(np.float32),  # hidden extremes
        np.concatenate([[1e-9], np.ones(2000), [3.5]]).astype(np.float32),
        (rng.standard_normal((40, 30)) + 1j * rng.standard_normal((40, 30))).astype(np.complex64),
    ]
    _check_many(arrays)


@needs_torch
def test_line_wrapping():
    arrays = [
        np.arange(100, dtype=np.float32) * 1.5,
        np.arange(200, dtype=np.int64) * 12345,
        np.linspace(-1, 1, 77).reshape(7, 11),
        np.linspace(-1e6, 1e6, 77).reshape(7, 11).astype(np.float32),
        np.linspace(1, 2, 3 * 2 * 40).reshape(3, 2, 40).astype(np.float32),
        np.arange(2 * 2 * 2 * 30, dtype=np.int32).reshape(2, 2, 2, 30),
        np.array([1e-20, 1e20] * 20),
        (np.arange(60) * (1 - 2j)).astype(np.complex128),
    ]
    _check_many(arrays)


@needs_torch
@pytest.mark.parametrize(
    "opts",
    [
        {"precision": 2},
        {"precision": 0},
        {"precision": 8},
        {"threshold": 10},
        {"threshold": 10, "edgeitems": 1},
        {"threshold": 10, "edgeitems": 0},
        {"edgeitems": 0},
        {"linewidth": 20},
        {"linewidth": 1},
        {"linewidth": 200},
        {"sci_mode": True},
        {"sci_mode": False},
        {"profile": "short"},
        {"profile": "full"},
        {"profile": "short", "linewidth": 40, "sci_mode": True},
    ],
    ids=str,
)
def test_printoptions_match_torch(opts):
    torch.set_printoptions(**opts)
    set_printoptions(**opts)
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    rng = np.random.default_rng(7)
    arrays = [_random_array(rng) for _ in range(120)]
    if opts.get("profile") == "full":  # no summarization: keep torch's side quick
        arrays = [a for a in arrays if a.size <= 5000]
    arrays += [
        np.arange(1500, dtype=np.float32).reshape(30, 50),
        np.arange(30, dtype=np.int64),
        np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 7,
        np.array(3.25),
        np.zeros((0, 4)),
    ]
    _check_many(arrays)


@needs_torch
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_default_dtype_float64(dtype):
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(3)
    arrays = [
        np.array(1.5),
        np.array([1, 2]),
        np.zeros(0),
        np.zeros((2, 0)),
        rng.standard_normal((3, 4)),
        rng.standard_normal(2000),
    ]
    _check_many([a.astype(dtype) for a in arrays], default="float64")


@needs_torch
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64])
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3), (30,), (12, 12), (40, 40)])
def test_requires_grad_and_grad_fn_suffixes(dtype, shape):
    rng = np.random.default_rng(11)
    arr = np.asarray(rng.standard_normal(shape) * 3).astype(dtype)
    t = torch.from_numpy(arr.copy()).requires_grad_()
    name = _name(t)
    assert format_tensor(arr, name, "float32", ["requires_grad=True"]) == repr(t)
    y = t * 2
    expected = repr(y)
    grad_fn = f"grad_fn=<{type(y.grad_fn).__name__}>"
    assert grad_fn == "grad_fn=<MulBackward0>"
    with torch.no_grad():
        values = y.numpy()
    assert format_tensor(values, name, "float32", [grad_fn]) == expected


@needs_torch
def test_suffix_wrapping():
    # dtype + grad_fn on a line that is already long must move to new lines like torch does
    for n in range(1, 16):
        arr = np.arange(n, dtype=np.float64) * 1.25
        t = torch.from_numpy(arr.copy()).requires_grad_()
        assert format_tensor(arr, "float64", "float32", ["requires_grad=True"]) == repr(t)
        y = t.sum(0, keepdim=True).expand(n) * t
        got = format_tensor(y.detach().numpy(), "float64", "float32", ["grad_fn=<MulBackward0>"])
        assert got == repr(y)


@needs_torch
def test_non_contiguous_input():
    base = np.arange(60, dtype=np.float32).reshape(3, 4, 5) / 3
    for view in (base.T, base[:, ::2], base[::-1], base.transpose(1, 0, 2)[..., 1:]):
        assert format_tensor(view, "float32", "float32", []) == repr(torch.from_numpy(view.copy()))


@needs_torch
def test_all_dtypes_all_options_small_grid():
    arrays = [
        np.array([0.0, 1.0, 2.0]),
        np.array([0.1234567, -9.87654]),
        np.array([1e-5, 3.0]),
        np.array([[1, -2], [3, 40]]),
    ]
    for prec, sci in itertools.product([1, 4], [None, True, False]):
        torch.set_printoptions(precision=prec, sci_mode=sci)
        set_printoptions(precision=prec, sci_mode=sci)
        _check_many([a.astype(d) for a in arrays for d in DTYPES])
