"""PyTorch's CPU random numbers, drawn the way PyTorch draws them.

PyTorch's CPU generator is an mt19937 seeded with the low 32 bits of the seed; every sampler turns
its 32-bit (or, for float64 and wide integer ranges, two combined into 64-bit) outputs into
values with a fixed recipe (``ATen/core/DistributionsHelper.h``, ``TransformationHelper.h``,
``native/cpu/DistributionTemplates.h``). Reproducing the recipe on NumPy's MT19937 gives the same
numbers for the same seed:

* uniform ``[a, b)``: the low ``digits`` bits (24 for float32, 53 for float64, 11 for float16)
  times ``2**-digits``, then ``x * (b - a) + a`` (one fused multiply-add in float32);
* normal, fewer than 16 values: Box-Muller in float64 from two 53-bit uniforms, the second value of
  each pair kept for the next call (``next_double_normal_sample``);
* normal, 16 or more: all uniforms first, then Box-Muller on blocks of 16 (the last block
  redrawn when the size is not a multiple of 16); float32 with the AVX2 kernel's polynomial
  ``log``/``sincos`` (``avx_mathfun.h``), whose fused multiply-adds are reproduced here;
* integers in ``[low, high)``: ``draw % (high - low) + low``; permutations: PyTorch's swap loop.

Samplers PyTorch runs elsewhere (Bernoulli through MKL, exponential, ...) draw from a NumPy
generator seeded with the same seed: the same seed still gives the same numbers run to run.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["TorchRNG"]

_F = np.float32
_DIGITS = {"float16": 11, "float32": 24, "float64": 53}


def _mt_key(seed: int) -> np.ndarray:
    """mt19937's state after ``init_genrand(seed)`` (std::mt19937's seeding)."""
    key = np.empty(624, dtype=np.uint32)
    x = seed & 0xFFFFFFFF
    key[0] = x
    for i in range(1, 624):
        x = (1812433253 * (x ^ (x >> 30)) + i) & 0xFFFFFFFF
        key[i] = x
    return key


def _fma32(a, b, c):
    """float32 fused multiply-add: the exact product and sum, rounded once."""
    return (
        np.asarray(a, np.float64) * np.asarray(b, np.float64) + np.asarray(c, np.float64)
    ).astype(_F)


def _log_avx(x: np.ndarray) -> np.ndarray:
    """``log256_ps`` of PyTorch's avx_mathfun.h (Cephes' logf), as compiled (with FMAs)."""
    invalid = x <= 0
    x = np.maximum(x, _F(1.17549435e-38))
    bits = x.view(np.int32)
    e = ((bits.view(np.uint32) >> 23).astype(np.int32) - 0x7F).astype(_F) + _F(1)
    x = ((bits & np.int32(~0x7F800000)) | np.array(0.5, _F).view(np.int32)).view(_F)
    mask = x < _F(0.707106781186547524)
    tmp = np.where(mask, x, _F(0))
    x = x - _F(1)
    e = e - np.where(mask, _F(1), _F(0))
    x = x + tmp
    z = x * x
    y = np.full_like(x, _F(7.0376836292e-2))
    for p in (
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    ):
        y = _fma32(y, x, _F(p))
    y = y * x
    y = _fma32(y, z, e * _F(-2.12194440e-4))
    y = _fma32(-z, _F(0.5), y)
    x = x + y
    x = _fma32(e, _F(0.693359375), x)
    x[invalid] = np.nan
    return x


def _sincos_avx(x: np.ndarray) -> tuple:
    """``sincos256_ps`` of PyTorch's avx_mathfun.h (Cephes' sinf/cosf), as compiled."""
    sign_sin = np.signbit(x)
    x = np.abs(x)
    j = ((x * _F(1.27323954473516)).astype(np.int32) + 1) & ~1
    y = j.astype(_F)
    swap_sin = (j & 4) != 0
    poly = (j & 2) == 0
    for dp in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = _fma32(y, _F(dp), x)
    sign_cos = (~(j - 2) & 4) != 0
    sign_sin = sign_sin ^ swap_sin
    z = x * x
    c = _fma32(_F(2.443315711809948e-005), z, _F(-1.388731625493765e-003))
    c = _fma32(c, z, _F(4.166664568298827e-002))
    c = c * z
    c = _fma32(c, z, -(z * _F(0.5)))
    c = c + _F(1)
    s = _fma32(_F(-1.9515295891e-4), z, _F(8.3321608736e-3))
    s = _fma32(s, z, _F(-1.6666654611e-1))
    s = s * z
    s = _fma32(s, x, x)
    sin = np.where(poly, s, c)
    cos = np.where(poly, c, s)
    return np.where(sign_sin, -sin, sin), np.where(sign_cos, -cos, cos)


def _box_muller_16(d: np.ndarray, mean: float, std: float) -> None:
    """PyTorch's ``normal_fill_16`` on one block of 16 uniforms, in place."""
    if d.dtype == np.float32:
        u1 = _F(1) - d[:8]
        radius = np.sqrt(_F(-2) * _log_avx(u1))
        sin, cos = _sincos_avx(_F(2.0 * np.pi) * d[8:16])
        n1, n2 = radius * cos, radius * sin
        d[:8] = _fma32(n1, _F(std), _F(mean))
        d[8:16] = _fma32(n2, _F(std), _F(mean))
        return
    u1 = 1 - d[:8]
    radius = np.sqrt(-2 * np.log(u1))
    theta = 2.0 * np.pi * d[8:16]
    d[:8] = radius * np.cos(theta) * std + mean
    d[8:16] = radius * np.sin(theta) * std + mean


def _complex_pairs(sample, args: tuple, shape: Any, dt: np.dtype) -> np.ndarray:
    """A complex sample as PyTorch draws it: one real tensor of shape ``(*shape, 2)`` of the
    matching real dtype (real and imaginary parts interleaved), viewed as complex."""
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (int(shape),)
    part = np.float32 if dt == np.complex64 else np.float64
    pairs = sample(*args, shape + (2,), part)
    return np.ascontiguousarray(pairs).view(dt).reshape(shape)


class TorchRNG:
    """PyTorch's CPU generator state (mt19937 + the cached normal sample) and its samplers.

    The methods follow ``numpy.random.Generator``'s names (``random``, ``uniform``,
    ``standard_normal``, ``normal``, ``integers``, ``permutation``) with a ``dtype`` argument
    where PyTorch's result depends on it; anything else goes to a NumPy generator seeded alike.
    """

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._bg = np.random.MT19937()
        self._bg.state = {
            "bit_generator": "MT19937",
            "state": {"key": _mt_key(seed), "pos": 624},
        }
        self.next_double = None  # PyTorch's cached second Box-Muller value
        self._np = None

    # ---- raw draws
    def _u32(self, n: int) -> np.ndarray:
        return self._bg.random_raw(n)

    def _u64(self, n: int) -> np.ndarray:
        r = self._u32(2 * n)
        return (r[0::2] << np.uint64(32)) | r[1::2]

    def _unit(self, n: int, dt: np.dtype) -> np.ndarray:
        digits = _DIGITS.get(np.dtype(dt).name, 24)
        raw = self._u64(n) if digits == 53 else self._u32(n)
        raw &= np.uint64((1 << digits) - 1)
        acc = np.float64 if digits == 53 else _F
        return raw.astype(acc) * acc(2.0**-digits)

    # ---- samplers
    def random(self, shape: Any = (), dtype: Any = np.float64) -> np.ndarray:
        return self.uniform(0.0, 1.0, shape, dtype)

    def uniform(
        self, low: float = 0.0, high: float = 1.0, shape: Any = (), dtype: Any = np.float64
    ):
        dt = np.dtype(dtype)
        if dt.kind == "c":  # both parts in [low, high), see _complex_pairs
            return _complex_pairs(self.uniform, (low, high), shape, dt)
        n = int(np.prod(shape, dtype=np.int64))
        x = self._unit(n, dt)
        if (low, high) != (0.0, 1.0):
            if x.dtype == _F:
                x = _fma32(x, _F(high) - _F(low), _F(low))
            else:
                x = x * (high - low) + low
        return x.astype(dt, copy=False).reshape(shape)

    def standard_normal(self, shape: Any = (), dtype: Any = np.float64) -> np.ndarray:
        return self.normal(0.0, 1.0, shape, dtype)

    def normal(self, mean: float = 0.0, std: float = 1.0, shape: Any = (), dtype: Any = np.float64):
        dt = np.dtype(dtype)
        if dt.kind == "c":  # each part with half the variance, see _complex_pairs
            return _complex_pairs(self.normal, (mean, std / math.sqrt(2.0)), shape, dt)
        n = int(np.prod(shape, dtype=np.int64))
        if n >= 16:
            acc = dt if dt in (np.float32, np.float64) else np.dtype(np.float32)
            data = self._unit(n, acc).astype(acc, copy=False)
            for i in range(0, n - 15, 16):
                _box_muller_16(data[i : i + 16], mean, std)
            if n % 16:
                data[n - 16 :] = self._unit(16, acc)
                _box_muller_16(data[n - 16 :], mean, std)
            return data.astype(dt, copy=False).reshape(shape)
        out = np.empty(n, dtype=np.float64)
        for i in range(n):
            if self.next_double is not None:
                out[i] = self.next_double * std + mean
                self.next_double = None
                continue
            u1, u2 = self._unit(2, np.float64)
            r = np.sqrt(-2.0 * np.log1p(-u2))
            theta = 2.0 * np.pi * u1
            self.next_double = r * np.sin(theta)
            out[i] = r * np.cos(theta) * std + mean
        return out.astype(dt).reshape(shape)

    def integers(self, low: int, high: int | None = None, shape: Any = (), dtype: Any = np.int64):
        if high is None:
            low, high = 0, low
        low, high = int(low), int(high)
        if low >= high:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )
        n = int(np.prod(shape, dtype=np.int64))
        span = high - low
        raw = self._u64(n) if span >= 1 << 32 else self._u32(n)
        vals = (raw % np.uint64(span)).astype(np.int64) + low
        return vals.astype(dtype).reshape(shape)

    def random_int64(self) -> int:
        """``torch.empty((), dtype=torch.int64).random_()``: a 64-bit draw modulo 2**63."""
        return int(self._u64(1)[0]) % (1 << 63)

    def permutation(self, n: int) -> np.ndarray:
        n = int(n)
        perm = np.arange(n, dtype=np.int64)
        if n > 1:
            draws = self._u32(n - 1)
            for i in range(n - 1):
                z = int(draws[i]) % (n - i) + i
                perm[i], perm[z] = perm[z], perm[i]
        return perm

    # ---- everything else: NumPy's generator with the same seed
    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._np is None:
            self._np = np.random.default_rng(self._seed)
        return getattr(self._np, name)

    # ---- state (for get_rng_state / set_rng_state / checkpoint)
    def get_state(self) -> tuple:
        return (
            self._seed,
            self._bg.state,
            self.next_double,
            None if self._np is None else self._np.bit_generator.state,
        )

    def set_state(self, state: tuple) -> None:
        self._seed, bg, self.next_double, np_state = state
        self._bg.state = bg
        if np_state is None:
            self._np = None
        else:
            self._np = np.random.default_rng(self._seed)
            self._np.bit_generator.state = np_state
