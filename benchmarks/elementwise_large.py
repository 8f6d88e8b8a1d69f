"""(c) elementwise_large: 10 million float64 elements through 10 elementwise ops, summed.

``f(lib, x)`` (same code text for chainrule, torch *and* numpy)::

    y = sin(x); y = y * 1.1; y = exp(y); y = tanh(y); y = y + x
    y = square(y); y = sin(y); y = y * 0.5; y = exp(y); y = tanh(y); return sum(y)

All intermediates stay in modest ranges (exp of something in [-1.1, 1.1]), so nothing
overflows for x ~ N(0, 1).

Two modes, each measured in its OWN fresh subprocess:

* ``f``    - the function alone (torch/chainrule: under ``no_grad()``; numpy: plain);
* ``grad`` - forward with ``requires_grad=True`` + ``backward()`` (numpy: the hand-written
  forward that keeps what the backward needs + the manual backward, ``numpy_f_and_grad``).

Reported: median ms for each mode, the ratio grad/f per library, and the *extra peak
resident memory* (MB) of the call over the baseline taken right after the input was
created (see ``_common.PeakMemory``: the kernel's RSS high-water mark is reset, so
this is exactly the transient + retained memory of one call, including the returned
gradient for ``grad``). The input itself (80 MB at 10M elements) is not counted.
"""

from __future__ import annotations

import numpy as np
from _common import PeakMemory, summarize, time_calls, to_float, to_numpy, worker_main

NAME = "elementwise_large"
LIBS = ("chainrule", "torch", "numpy")
N_FULL = 10_000_000
N_QUICK = 1_000_000


def f(lib, x):
    """Ten elementwise ops then a sum; the same code text for every library."""
    y = lib.sin(x)
    y = y * 1.1
    y = lib.exp(y)
    y = lib.tanh(y)
    y = y + x
    y = lib.square(y)
    y = lib.sin(y)
    y = y * 0.5
    y = lib.exp(y)
    y = lib.tanh(y)
    return lib.sum(y)


def numpy_f_and_grad(x):
    """Hand-written forward keeping only what the backward needs + manual backward.

    Written the way a careful NumPy user would: in-place updates (``out=``) wherever a
    buffer is dead, so at most 6 arrays of ``x``'s size are alive at any time (the
    returned gradient included).
    """
    e1 = np.sin(x)
    e1 *= 1.1
    np.exp(e1, out=e1)  # d exp(u) = exp(u)          -> keep e1
    t1 = np.tanh(e1)  # d tanh(u) = 1 - tanh(u)^2   -> keep t1
    s = t1 + x  # d square(s) = 2 s             -> keep s
    q = np.square(s)  # d sin(q) = cos(q)           -> keep q
    e2 = np.sin(q)
    e2 *= 0.5
    np.exp(e2, out=e2)  # keep e2
    t2 = np.tanh(e2)  # keep t2
    value = t2.sum()
    # backward; d value / d t2 = 1
    g = np.square(t2, out=t2)  # reuse t2's buffer
    np.subtract(1.0, g, out=g)
    del t2
    g *= e2
    del e2
    g *= 0.5
    g *= np.cos(q, out=q)
    del q
    g *= s
    g *= 2.0
    del s
    gx = g.copy()  # the "+ x" branch
    np.square(t1, out=t1)
    np.subtract(1.0, t1, out=t1)
    g *= t1
    del t1
    g *= e1
    del e1
    g *= 1.1
    g *= np.cos(x)
    gx += g
    return value, gx


def title(quick: bool) -> str:
    return f"{NAME} ({(N_QUICK if quick else N_FULL) // 1_000_000}M float64)"


def jobs(quick: bool) -> list[dict]:
    params = {
        "n": N_QUICK if quick else N_FULL,
        "repeats": 3 if quick else 7,
        "warmup": 1,
    }
    return [{"lib": lib, "mode": mode, "params": params} for lib in LIBS for mode in ("f", "grad")]


def make_call(lib, name: str, mode: str, x_np):
    """``(fn, after)`` for one library/mode on a fresh copy of ``x_np``."""
    if name == "numpy":
        x = x_np
        if mode == "f":
            return (lambda: f(np, x)), None
        return (lambda: numpy_f_and_grad(x)), None
    x = lib.tensor(x_np, requires_grad=(mode == "grad"))
    if mode == "f":

        def fn():
            with lib.no_grad():
                return f(lib, x)

        return fn, None

    def fn_grad():
        y = f(lib, x)
        y.backward()
        return y, x.grad

    def clear_grad(_):
        x.grad = None

    return fn_grad, clear_grad


def measure(lib, spec: dict) -> dict:
    p = spec["params"]
    name, mode = spec["lib"], spec["mode"]
    rng = np.random.default_rng(0)
    # One-time initialisation (thread pools, kernel dispatch caches, autograd engine)
    # happens on a small input *before* the memory baseline, so "extra peak memory"
    # measures the call itself, not library start-up.
    fn, after = make_call(lib, name, mode, rng.standard_normal(100_000))
    for _ in range(2):
        res = fn()
        if after is not None:
            after(res)
        del res
    del fn, after

    x_np = rng.standard_normal(p["n"])  # float64
    fn, after = make_call(lib, name, mode, x_np)
    del x_np  # torch/chainrule hold their own copy (or a view)

    out = {"n": p["n"]}
    # first untimed call on the big input: peak memory + check values
    with PeakMemory() as mem:
        res = fn()
    out["extra_peak_mb"] = mem.extra_mb
    out["baseline_rss_mb"] = mem.base_mb
    out["mem_method"] = mem.method
    if mode == "f":
        out["check"] = {"f": to_float(res)}
    else:
        value, grad = res
        grad = to_numpy(grad)
        out["check"] = {
            "f": to_float(value),
            "grad sum": float(grad.sum()),
            "grad[:3]": [float(v) for v in grad[:3]],
        }
        del value, grad
    if after is not None:
        after(res)
    del res
    out["time_ms"] = summarize(time_calls(fn, p["repeats"], p["warmup"], after), 1e3)
    return out


def _median(mode):
    return lambda by_mode: by_mode[mode]["time_ms"]["median"]


ROWS = [
    {"metric": "f (10 ops + sum)", "unit": "ms", "modes": ["f"], "value": _median("f")},
    {"metric": "f + grad", "unit": "ms", "modes": ["grad"], "value": _median("grad")},
    {
        "metric": "(f + grad) / f",
        "unit": "×",
        "modes": ["f", "grad"],
        "value": lambda b: b["grad"]["time_ms"]["median"] / b["f"]["time_ms"]["median"],
        "ratio": False,
    },
    {
        "metric": "extra peak memory, f",
        "unit": "MB",
        "modes": ["f"],
        "value": lambda b: b["f"]["extra_peak_mb"],
    },
    {
        "metric": "extra peak memory, f + grad",
        "unit": "MB",
        "modes": ["grad"],
        "value": lambda b: b["grad"]["extra_peak_mb"],
    },
]

CHECKS = [("f", "f", 1e-9), ("grad", "f", 1e-9), ("grad", "grad sum", 1e-9)]

if __name__ == "__main__":
    worker_main(measure)
