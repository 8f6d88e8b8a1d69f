"""(b) mlp: one training step of a 784-512-512-10 ReLU MLP, batch 128, float32.

Forward, MSE loss against fixed random targets, ``loss.backward()``, and a plain SGD
step written by hand (no ``nn``/``optim``)::

    with lib.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None

``step(lib, params, x, y, lr)`` is the *same code text* for chainrule and torch. The
``numpy`` baseline is the same step written by hand in float32 NumPy (forward + manual
backward + in-place SGD). Every library starts from identical weights/data (generated
with NumPy and handed over with ``lib.tensor(array, requires_grad=...)``), so the loss of
the first step is compared across libraries as a sanity check.

Reported: median milliseconds per step.
"""

from __future__ import annotations

import numpy as np
from _common import summarize, time_calls, to_float, worker_main

NAME = "mlp"
LIBS = ("chainrule", "torch", "numpy")
SIZES = (784, 512, 512, 10)
BATCH = 128
LR = 0.01


def step(lib, params, x, y, lr):
    """One SGD step; the same code text for chainrule and torch."""
    w1, b1, w2, b2, w3, b3 = params
    h = lib.relu(x @ w1 + b1)
    h = lib.relu(h @ w2 + b2)
    out = h @ w3 + b3
    loss = lib.mean(lib.square(out - y))
    loss.backward()
    with lib.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
    return loss


def numpy_step(params, x, y, lr):
    """The same step by hand in float32 NumPy: forward, manual backward, in-place SGD."""
    w1, b1, w2, b2, w3, b3 = params
    z1 = x @ w1 + b1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ w2 + b2
    h2 = np.maximum(z2, 0)
    out = h2 @ w3 + b3
    diff = out - y
    loss = np.mean(np.square(diff))
    # backward
    dout = diff * (2.0 / diff.size)
    dw3 = h2.T @ dout
    db3 = dout.sum(axis=0)
    dz2 = dout @ w3.T
    dz2 *= z2 > 0
    dw2 = h1.T @ dz2
    db2 = dz2.sum(axis=0)
    dz1 = dz2 @ w2.T
    dz1 *= z1 > 0
    dw1 = x.T @ dz1
    db1 = dz1.sum(axis=0)
    for p, g in zip(params, (dw1, db1, dw2, db2, dw3, db3)):
        p -= lr * g
    return loss


def make_data(seed: int = 0):
    """Float32 NumPy arrays: weights (He init), zero biases, input batch and targets."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        w = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        params += [w.astype(np.float32), np.zeros(fan_out, dtype=np.float32)]
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    y = rng.standard_normal((BATCH, SIZES[-1])).astype(np.float32)
    return params, x, y


def jobs(quick: bool) -> list[dict]:
    params = {"repeats": 10 if quick else 100, "warmup": 2 if quick else 10}
    return [{"lib": lib, "mode": "step", "params": params} for lib in LIBS]


def measure(lib, spec: dict) -> dict:
    p = spec["params"]
    np_params, np_x, np_y = make_data()
    if spec["lib"] == "numpy":
        params, x, y = np_params, np_x, np_y
        fn = lambda: numpy_step(params, x, y, LR)
    else:
        params = [lib.tensor(a, requires_grad=True) for a in np_params]
        x, y = lib.tensor(np_x), lib.tensor(np_y)
        fn = lambda: step(lib, params, x, y, LR)
    out = {"dtype": str(params[0].dtype)}
    loss0 = to_float(fn())
    loss1 = to_float(fn())
    out["check"] = {"loss step 1": loss0, "loss step 2": loss1}
    out["step_ms"] = summarize(time_calls(fn, p["repeats"], p["warmup"]), 1e3)
    return out


ROWS = [
    {
        "metric": "SGD step (batch 128)",
        "unit": "ms",
        "modes": ["step"],
        "value": lambda by_mode: by_mode["step"]["step_ms"]["median"],
    }
]

CHECKS = [("step", "loss step 1", 1e-4), ("step", "loss step 2", 1e-4)]

if __name__ == "__main__":
    worker_main(measure)
