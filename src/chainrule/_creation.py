"""Tensor creation: ``tensor``, ``zeros``, ``randn`` ... with PyTorch's argument forms."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import _dtype as D
from ._tensor import Tensor, check_device, mark_inference, wrap
from .autograd.grad_mode import state as _grad_state

__all__ = [
    "tensor",
    "as_tensor",
    "from_numpy",
    "zeros",
    "ones",
    "full",
    "empty",
    "arange",
    "linspace",
    "logspace",
    "eye",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "rand_like",
    "randn_like",
    "randint_like",
    "rand",
    "randn",
    "randint",
    "randperm",
    "normal",
    "manual_seed",
    "seed",
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
    "Generator",
    "scalar_tensor",
]

_DEFAULT_SEED = 67280421310721  # PyTorch's default CPU seed: unseeded runs are reproducible


class Generator:
    """A random number generator giving PyTorch's CPU numbers for the same seed (its mt19937 and
    sampling recipes, in ``_random.py``), like ``torch.Generator``.

    Example:
        >>> import chainrule as torch
        >>> g = torch.Generator().manual_seed(0)
        >>> torch.rand(2, generator=g)
        tensor([0.4963, 0.7682])
    """

    def __init__(self, device: Any = "cpu") -> None:
        self._seed = _DEFAULT_SEED
        self._rng = None  # created on first use: numpy.random costs ~15 ms to import

    @property
    def rng(self):
        if self._rng is None:
            from ._random import TorchRNG

            self._rng = TorchRNG(self._seed)
        return self._rng

    def manual_seed(self, seed: int) -> Generator:
        seed = int(seed)
        if not -(1 << 63) <= seed < (1 << 64):
            raise ValueError("Overflow when unpacking long long")
        self._seed = seed % (1 << 64)  # a negative seed as its two's complement, as PyTorch
        self._rng = None
        return self

    def seed(self) -> int:
        s = int(np.random.SeedSequence().entropy % (1 << 63))
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        import pickle

        state = (self._seed, self.rng.get_state())
        return wrap(np.frombuffer(pickle.dumps(state), dtype=np.uint8).copy())

    def set_state(self, state: Tensor) -> Generator:
        import pickle

        self._seed, rng_state = pickle.loads(state._data.tobytes())
        self._rng = None
        self.rng.set_state(rng_state)
        return self


Generator.__module__ = "chainrule._C"  # as torch._C.Generator (chainrule/_C.py re-exports it)
default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator: the same seed gives the same numbers.

    Example:
        >>> import chainrule as torch
        >>> _ = torch.manual_seed(0); a = torch.rand(2)
        >>> _ = torch.manual_seed(0); bool((a == torch.rand(2)).all())
        True
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(state: Tensor) -> None:
    default_generator.set_state(state)


def _rng(generator: Generator | None):
    return (generator or default_generator).rng


def _sizes(size: tuple, kw_size: Any = None) -> tuple:
    if kw_size is not None:
        size = (kw_size,)
    if len(size) == 1 and not isinstance(size[0], (numbers.Integral, Tensor)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, numbers.Integral):
            raise TypeError(
                f"zeros(): argument 'size' must be tuple of ints, but found element of type "
                f"{type(s).__name__} at pos {len(out)}"
            )
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(int(s))
    return tuple(out)


def _finish(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = wrap(arr)
    if _grad_state.inference:
        mark_inference((t,))
    if requires_grad:
        if arr.dtype.kind not in "fc":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t._requires_grad = True
    return t


def _float_dtype(dtype: Any) -> np.dtype:
    return (D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()).np


def _infer_dtype(data: Any) -> D.dtype:
    """The dtype ``torch.tensor(data)`` would give."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.ndarray):
        return D.from_numpy_dtype(data.dtype)
    if isinstance(data, np.generic):
        return D.from_numpy_dtype(data.dtype)
    if isinstance(data, bool):
        return D.bool_
    if isinstance(data, numbers.Integral):
        return D.int64
    if isinstance(data, numbers.Real):
        return D.get_default_dtype()
    if isinstance(data, numbers.Complex):
        return D.complex64 if D.get_default_dtype() is not D.float64 else D.complex128
    if isinstance(data, (list, tuple)):
        best = None
        for item in data:
            d = _infer_dtype(item)
            best = d if best is None else _seq_promote(best, d)
        return best or D.get_default_dtype()
    raise TypeError(f"Could not infer dtype of {type(data).__name__}")


def _seq_promote(a: D.dtype, b: D.dtype) -> D.dtype:
    if a is b:
        return a
    if a._rank != b._rank:
        return a if a._rank > b._rank else b
    return D.promote_types(a, b)


def _to_nested(data: Any) -> Any:
    if isinstance(data, Tensor):  # an element of a list: PyTorch converts it to a number
        if data._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if data._requires_grad:
            from ._tensor import warn_scalar_conversion

            warn_scalar_conversion()
        return data._data.reshape(())
    if isinstance(data, (list, tuple)):
        return [_to_nested(x) for x in data]
    return data


def _check_ragged(data: Any, depth: int = 0) -> None:
    if isinstance(data, (list, tuple)) and data and isinstance(data[0], (list, tuple)):
        n = len(data[0])
        for item in data:
            if not isinstance(item, (list, tuple)) or len(item) != n:
                got = len(item) if isinstance(item, (list, tuple)) else 0
                raise ValueError(f"expected sequence of length {n} at dim {depth + 1} (got {got})")
            _check_ragged(item, depth + 1)


def tensor(
    data: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
) -> Tensor:
    """A new tensor holding a copy of ``data`` (numbers, nested lists, arrays, tensors).

    Python floats give the default dtype (float32), ints int64, bools bool.

    Example:
        >>> import chainrule as torch
        >>> torch.tensor([[1, 2], [3, 4]], dtype=torch.float64)
        tensor([[1., 2.],
                [3., 4.]], dtype=torch.float64)
    """
    check_device(device)
    if isinstance(data, Tensor):
        import warnings

        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), "
            "rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    d = D.to_dtype(dtype) if dtype is not None else _infer_dtype(data)
    if isinstance(data, (list, tuple)):
        _check_ragged(data)
        data = _to_nested(data)
    elif isinstance(data, Tensor):
        data = data._data
    try:
        arr = np.array(data, dtype=d.np)
    except OverflowError:
        arr = _checked_int_cast(np.array(data), d)
    except (TypeError, ValueError) as exc:
        got = np.array(data) if not isinstance(exc, TypeError) else None
        if got is not None and got.dtype.kind == "f" and d.np.kind in "iub":
            raise RuntimeError(
                f"value cannot be converted to type {d.name} without overflow"
            ) from None
        if isinstance(exc, TypeError) and d.np.kind in "fiub":
            kinds = {np.dtype(type(v)).kind for v in np.ravel(np.array(data, dtype=object))}
            if "c" in kinds:
                raise TypeError("must be real number, not complex") from None
        raise TypeError(f"could not convert {type(data).__name__} to a tensor: {exc}") from None
    return _finish(arr, requires_grad)


def _checked_int_cast(arr: np.ndarray, d: D.dtype) -> np.ndarray:
    """PyTorch's range check for Python ints given an integer dtype: out of range is an error,
    except that an unsigned dtype takes negatives down to -max (two's complement wrap)."""
    info = np.iinfo(d.np)
    big = np.asarray(arr, dtype=object)
    low = -int(info.max) if info.min == 0 else int(info.min)
    if big.size and (big.max() > info.max or big.min() < low):
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
    return np.array(arr.astype(np.int64), dtype=np.int64).astype(d.np)


def scalar_tensor(
    s: Any, *, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return tensor(float(s), dtype=dtype or D.get_default_dtype(), requires_grad=requires_grad)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array / tensor of the same dtype.

    Example:
        >>> import chainrule as torch, numpy as np
        >>> a = np.zeros(2); t = torch.as_tensor(a); a[0] = 5; t
        tensor([5., 0.], dtype=torch.float64)
    """
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or D.to_dtype(dtype) is data.dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or D.to_dtype(dtype).np == data.dtype):
        D.from_numpy_dtype(data.dtype)
        return wrap(data)
    return tensor(data, dtype=dtype)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray``.

    Example:
        >>> import chainrule as torch, numpy as np
        >>> torch.from_numpy(np.arange(3))
        tensor([0, 1, 2])
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    D.from_numpy_dtype(ndarray.dtype)
    return wrap(ndarray)


def _filled(size: tuple, kw: dict, fill: Any, name: str) -> Tensor:
    out = kw.pop("out", None)
    check_device(kw.pop("device", None))
    dtype = kw.pop("dtype", None)
    requires_grad = kw.pop("requires_grad", False)
    kw.pop("layout", None)
    kw.pop("pin_memory", None)
    kw.pop("memory_format", None)
    try:
        shape = _sizes(size, kw.pop("size", None))
    except RuntimeError:  # (a negative size: the only RuntimeError _sizes raises)
        if name == "zeros":  # PyTorch's zeros words it its own way
            raise RuntimeError("zeros: Dimension size must be non-negative.") from None
        raise
    if kw:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kw))}'")
    if dtype is None:
        d = D.get_default_dtype() if fill is not None or name != "full" else D.get_default_dtype()
    else:
        d = D.to_dtype(dtype)
    arr = np.empty(shape, d.np) if fill is None else np.full(shape, fill, d.np)
    t = _finish(arr, requires_grad)
    if out is not None:
        out.data = t
        return out
    return t


def zeros(*size: Any, **kw: Any) -> Tensor:
    """A tensor of zeros; ``size`` as varargs, a tuple, or ``size=``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3).shape, torch.zeros((2,)).dtype
        (torch.Size([2, 3]), torch.float32)
    """
    return _filled(size, kw, 0, "zeros")


def ones(*size: Any, **kw: Any) -> Tensor:
    """A tensor of ones.

    Example:
        >>> import chainrule as torch
        >>> torch.ones(2)
        tensor([1., 1.])
    """
    return _filled(size, kw, 1, "ones")


def empty(*size: Any, **kw: Any) -> Tensor:
    """An uninitialised tensor (here: zero-filled, so results are reproducible)."""
    return _filled(size, kw, 0, "empty")


def full(
    size: Any,
    fill_value: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Any = None,
    layout: Any = None,
) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows the value like PyTorch.

    Example:
        >>> import chainrule as torch
        >>> torch.full((2,), 7)
        tensor([7, 7])
    """
    if dtype is None:
        if isinstance(fill_value, Tensor):
            fill_value = fill_value.item()
        dtype = _infer_dtype(fill_value)
    return _filled(
        (size,),
        {"dtype": dtype, "device": device, "requires_grad": requires_grad},
        fill_value,
        "full",
    )


def _like(input: Tensor, dtype: Any) -> tuple:
    return input._data.shape, (D.to_dtype(dtype).np if dtype is not None else input._data.dtype)


def zeros_like(
    input: Tensor,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    layout: Any = None,
    memory_format: Any = None,
) -> Tensor:
    """Zeros with the shape (and dtype) of ``input``."""
    shape, npd = _like(input, dtype)
    return _finish(np.zeros(shape, npd), requires_grad)


def ones_like(
    input: Tensor,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    layout: Any = None,
    memory_format: Any = None,
) -> Tensor:
    """Ones with the shape (and dtype) of ``input``."""
    shape, npd = _like(input, dtype)
    return _finish(np.ones(shape, npd), requires_grad)


def empty_like(
    input: Tensor,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    layout: Any = None,
    memory_format: Any = None,
) -> Tensor:
    shape, npd = _like(input, dtype)
    return _finish(np.zeros(shape, npd), requires_grad)


def full_like(
    input: Tensor,
    fill_value: Any,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    layout: Any = None,
    memory_format: Any = None,
) -> Tensor:
    """``fill_value`` with the shape (and dtype) of ``input``."""
    shape, npd = _like(input, dtype)
    return _finish(np.full(shape, fill_value, npd), requires_grad)


def rand_like(
    input: Tensor,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: Generator | None = None,
    **kw: Any,
) -> Tensor:
    """Uniform [0, 1) numbers shaped like ``input``."""
    shape, npd = _like(input, dtype)
    _check_float_sampler(npd, "check_uniform_bounds")
    return _finish(_rng(generator).random(shape, dtype=npd), requires_grad)


def randn_like(
    input: Tensor,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    generator: Generator | None = None,
    **kw: Any,
) -> Tensor:
    """Standard normal numbers shaped like ``input``."""
    shape, npd = _like(input, dtype)
    return _finish(_normal_draw(_rng(generator), shape, npd), requires_grad)


def randint_like(
    input: Tensor,
    low: int = 0,
    high: int | None = None,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    generator: Generator | None = None,
    **kw: Any,
) -> Tensor:
    if high is None:
        low, high = 0, low
    shape, npd = _like(input, dtype)
    return _finish(_rng(generator).integers(low, high, shape, dtype=npd), requires_grad)


_KERNEL_NAMES = {
    "float16": "Half",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}


def _check_float_sampler(npd: Any, kernel: str) -> None:
    """PyTorch's error for a floating-point sampler asked for an integer or bool dtype."""
    npd = np.dtype(npd)
    if npd.kind not in "fc":
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{_KERNEL_NAMES.get(npd.name, npd.name)}'"
        )


def _uniform_draw(r, shape, npd):
    _check_float_sampler(npd, "check_uniform_bounds")
    return r.random(shape, dtype=npd)


def _normal_draw(r, shape, npd):
    _check_float_sampler(npd, "normal_kernel_cpu")
    return r.standard_normal(shape, dtype=npd)


def _random(size: tuple, kw: dict, draw, name: str) -> Tensor:
    gen = kw.pop("generator", None)
    check_device(kw.pop("device", None))
    dtype = kw.pop("dtype", None)
    requires_grad = kw.pop("requires_grad", False)
    out = kw.pop("out", None)
    kw.pop("layout", None)
    kw.pop("pin_memory", None)
    shape = _sizes(size, kw.pop("size", None))
    if kw:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kw))}'")
    npd = _float_dtype(dtype)
    t = _finish(draw(_rng(gen), shape, npd), requires_grad)
    if out is not None:
        out.data = t
        return out
    return t


def rand(*size: Any, **kw: Any) -> Tensor:
    """Uniform random numbers in [0, 1).

    Example:
        >>> import chainrule as torch
        >>> torch.rand(2, 3).shape
        torch.Size([2, 3])
    """
    return _random(size, kw, _uniform_draw, "rand")


def randn(*size: Any, **kw: Any) -> Tensor:
    """Standard normal random numbers; ``torch.randn(size=(), requires_grad=True)`` works.

    Example:
        >>> import chainrule as torch
        >>> torch.randn(size=(), requires_grad=True).shape
        torch.Size([])
    """
    return _random(size, kw, _normal_draw, "randn")


def randint(
    low: int = 0,
    high: Any = None,
    size: Any = None,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Random integers in ``[low, high)``; ``randint(high, size)`` also works.

    Example:
        >>> import chainrule as torch
        >>> torch.randint(0, 10, (3,)).dtype
        torch.int64
    """
    check_device(device)
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    shape = _sizes((size,))
    npd = D.to_dtype(dtype).np if dtype is not None else np.int64
    return _finish(_rng(generator).integers(low, high, shape, dtype=npd), requires_grad)


def randperm(
    n: int,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """A random permutation of ``0 .. n-1``."""
    npd = D.to_dtype(dtype).np if dtype is not None else np.int64
    return _finish(_rng(generator).permutation(n).astype(npd), requires_grad)


def normal(
    mean: Any = 0.0,
    std: Any = 1.0,
    size: Any = None,
    *,
    generator: Generator | None = None,
    dtype: Any = None,
    requires_grad: bool = False,
    **kw: Any,
) -> Tensor:
    """Normal random numbers with the given mean/std (numbers or tensors)."""
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    shape = _sizes((size,)) if size is not None else np.broadcast_shapes(np.shape(m), np.shape(s))
    npd = (
        mean._data.dtype
        if isinstance(mean, Tensor)
        else std._data.dtype
        if isinstance(std, Tensor)
        else _float_dtype(dtype)
    )
    if np.ndim(m) == 0 and np.ndim(s) == 0:
        arr = _rng(generator).normal(float(m), float(s), shape, dtype=npd)
    else:
        arr = _rng(generator).standard_normal(shape, dtype=npd) * s + m
    return _finish(np.asarray(arr).astype(npd), requires_grad)


def arange(
    start: Any = 0,
    end: Any = None,
    step: Any = 1,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Any = None,
    layout: Any = None,
) -> Tensor:
    """``start, start+step, ...`` up to ``end`` (int64 for integer arguments, else default float).

    Example:
        >>> import chainrule as torch
        >>> torch.arange(4.0)
        tensor([0., 1., 2., 3.])
    """
    check_device(device)
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if vals[2] == 0:
        raise RuntimeError("step must be nonzero")
    if (vals[2] > 0 and vals[1] < vals[0]) or (vals[2] < 0 and vals[1] > vals[0]):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        is_int = all(isinstance(v, numbers.Integral) for v in vals)
        d = D.int64 if is_int else D.get_default_dtype()
    else:
        d = D.to_dtype(dtype)
    n = int(np.ceil((vals[1] - vals[0]) / vals[2]))
    arr = (vals[0] + np.arange(max(n, 0)) * vals[2]).astype(d.np)
    return _finish(arr, requires_grad)


def linspace(
    start: Any,
    end: Any,
    steps: int,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Any = None,
    layout: Any = None,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    Example:
        >>> import chainrule as torch
        >>> torch.linspace(0, 1, 3)
        tensor([0.0000, 0.5000, 1.0000])
    """
    check_device(device)
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    npd = _float_dtype(dtype)
    if npd.kind == "b":
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    arr = np.linspace(start, end, int(steps), dtype=np.float64)
    return _finish(arr.astype(npd), requires_grad)


def logspace(
    start: Any,
    end: Any,
    steps: int,
    base: float = 10.0,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``base ** linspace(start, end, steps)``."""
    npd = _float_dtype(dtype)
    return _finish(np.logspace(start, end, int(steps), base=base).astype(npd), requires_grad)


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
    out: Any = None,
    layout: Any = None,
) -> Tensor:
    """The ``n x m`` identity matrix.

    Example:
        >>> import chainrule as torch
        >>> torch.eye(2)
        tensor([[1., 0.],
                [0., 1.]])
    """
    check_device(device)
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def legacy_new(*args: Any, **kw: Any) -> Tensor:
    """``torch.Tensor(...)``: from data, or uninitialised of a size (default float dtype)."""
    if kw.pop("device", None) not in (None, "cpu"):
        raise RuntimeError("chainrule runs on the CPU")
    if (
        len(args) == 1
        and isinstance(args[0], (list, tuple, np.ndarray))
        and not (
            isinstance(args[0], tuple)
            and all(isinstance(a, numbers.Integral) for a in args[0])
            and False
        )
    ):
        data = args[0]
        if isinstance(data, np.ndarray):
            return wrap(data.astype(D.get_default_dtype().np))
        return tensor(data, dtype=D.get_default_dtype())
    if len(args) == 1 and isinstance(args[0], Tensor):
        return args[0].detach()
    return zeros(*args)
