"""(a) scalar_chain: per-op overhead of the autograd machinery on 0-d float64 tensors.

A chain of ``N_OPS = 1000`` scalar ops starting from ``x = tensor(0.5, float64,
requires_grad=True)``, cycling through::

    y + 0.1,  exp(y),  sin(y),  square(y),  y * 0.9,  tanh(y)

This order keeps every value in [0.5, 2.2] (it converges to a stable 6-cycle), and the
chain is contracting, so it neither overflows nor hits 0 and tiny rounding differences
between libraries do not blow up: with torch, y = 0.794282048751602 and
dy/dx = -1.329336e-06 (both nowhere near 0, inf or denormal range).

Reported, in microseconds per op (median total time / 1000):

* ``fwd+bwd``   - forward with graph recording + ``y.backward()``;
* ``fwd``       - forward only (graph recorded, no backward);
* ``fwd no_grad`` - forward under ``no_grad()`` (pure op dispatch cost).

Libraries: chainrule, torch. Run standalone as a worker:
``python benchmarks/scalar_chain.py '{"lib": "torch", "mode": "chain", "params": {...}}'``.
"""

from __future__ import annotations

from _common import summarize, time_calls, to_float, worker_main

NAME = "scalar_chain"
LIBS = ("chainrule", "torch")
N_OPS = 1000


def chain(lib, x, n_ops=N_OPS):
    """The same code text for every library: ``lib`` is the chainrule or torch module."""
    exp, sin, square, tanh = lib.exp, lib.sin, lib.square, lib.tanh
    y = x
    for _ in range(n_ops // 6):
        y = y + 0.1
        y = exp(y)
        y = sin(y)
        y = square(y)
        y = y * 0.9
        y = tanh(y)
    tail = (lambda v: v + 0.1, exp, sin, square, lambda v: v * 0.9, tanh)
    for op in tail[: n_ops % 6]:
        y = op(y)
    return y


def jobs(quick: bool) -> list[dict]:
    params = {"n_ops": N_OPS, "repeats": 10 if quick else 100, "warmup": 2 if quick else 10}
    return [{"lib": lib, "mode": "chain", "params": params} for lib in LIBS]


def measure(lib, spec: dict) -> dict:
    p = spec["params"]
    n, repeats, warmup = p["n_ops"], p["repeats"], p["warmup"]
    x = lib.tensor(0.5, dtype=lib.float64, requires_grad=True)

    def fwd_bwd():
        y = chain(lib, x, n)
        y.backward()
        return y

    def clear_grad(_):
        x.grad = None

    def fwd():
        return chain(lib, x, n)

    def fwd_no_grad():
        with lib.no_grad():
            return chain(lib, x, n)

    out = {}
    # correctness check values (compared across libraries by the runner)
    y = fwd_bwd()
    out["check"] = {"y": to_float(y), "dy/dx": to_float(x.grad)}
    x.grad = None
    del y

    per_op_us = 1e6 / n
    out["fwd_bwd_us"] = summarize(time_calls(fwd_bwd, repeats, warmup, clear_grad), per_op_us)
    out["fwd_us"] = summarize(time_calls(fwd, repeats, warmup), per_op_us)
    out["fwd_no_grad_us"] = summarize(time_calls(fwd_no_grad, repeats, warmup), per_op_us)
    return out


def _get(key):
    return lambda by_mode: by_mode["chain"][key]["median"]


ROWS = [
    {"metric": "fwd+bwd, per op", "unit": "µs", "modes": ["chain"], "value": _get("fwd_bwd_us")},
    {"metric": "fwd only, per op", "unit": "µs", "modes": ["chain"], "value": _get("fwd_us")},
    {
        "metric": "fwd under no_grad, per op",
        "unit": "µs",
        "modes": ["chain"],
        "value": _get("fwd_no_grad_us"),
    },
]

# (mode, check key, relative tolerance) compared across libraries
CHECKS = [("chain", "y", 1e-9), ("chain", "dy/dx", 1e-6)]

if __name__ == "__main__":
    worker_main(measure)
