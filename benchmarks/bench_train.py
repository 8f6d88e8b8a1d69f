"""Training-step time of an MLP and a small CNN: chainrule vs torch (nn + optim + DataLoader-free).

Usage::

    python benchmarks/bench_train.py            # both models, prints a table and ratios
    python benchmarks/bench_train.py --quick    # fewer steps (a smoke run)

Each library runs in a fresh subprocess (``--worker LIB MODEL``) so that one import cannot
affect the other's numbers. The models are those of ``examples/digits.py`` (8x8 digits):

- MLP: Linear(64, 128) - ReLU - Linear(128, 128) - ReLU - Linear(128, 10), batch 64, Adam
- CNN: Conv2d(1, 16, 3, pad 1) - ReLU - MaxPool2d(2) - Conv2d(16, 32, 3, pad 1) - ReLU -
  MaxPool2d(2) - Flatten - Linear(128, 10), batch 64, Adam

One step = zero_grad, forward, cross-entropy, backward, optimizer step -- the same code text for
both libraries. Reported: median milliseconds per step over several repeats.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "@@BENCH_TRAIN@@"
BATCH = 64


def build(lib, model: str):
    nn = lib.nn
    if model == "mlp":
        net = nn.Sequential(
            nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10)
        )
        shape = (BATCH, 64)
    else:
        net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 2 * 2, 10),
        )
        shape = (BATCH, 1, 8, 8)
    return net, shape


def worker(libname: str, model: str, steps: int, repeats: int) -> None:
    import numpy as np

    if libname == "torch":
        import torch as lib
    else:
        sys.path.insert(0, str(ROOT / "src"))
        import chainrule as lib
    lib.manual_seed(0)
    net, shape = build(lib, model)
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal(shape).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, BATCH))
    opt = lib.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(max(5, steps // 10)):  # warm-up
        step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        times.append((time.perf_counter() - t0) / steps * 1e3)
    threads = lib.get_num_threads() if hasattr(lib, "get_num_threads") else None
    print(MARK + json.dumps({"ms": statistics.median(times), "threads": threads}))


def run(libname: str, model: str, steps: int, repeats: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", libname, model, str(steps), str(repeats)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    for line in out.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    return {"error": (out.stderr or out.stdout).strip().splitlines()[-1:]}


def main(argv: list) -> int:
    if argv[:1] == ["--worker"]:
        worker(argv[1], argv[2], int(argv[3]), int(argv[4]))
        return 0
    quick = "--quick" in argv
    steps, repeats = (20, 3) if quick else (200, 5)
    targets = {"mlp": 1.3, "cnn": 2.0}
    print(f"training step time, batch {BATCH}, median of {repeats} x {steps} steps (ms/step)")
    print(f"{'model':<6}{'chainrule':>12}{'torch':>10}{'ratio':>9}{'target':>9}")
    ok = True
    for model in ("mlp", "cnn"):
        c = run("chainrule", model, steps, repeats)
        t = run("torch", model, steps, repeats)
        if "error" in c:
            print(f"{model:<6} chainrule failed: {c['error']}")
            ok = False
            continue
        if "error" in t:
            print(f"{model:<6}{c['ms']:>12.3f}{'n/a':>10}  (torch not available)")
            continue
        ratio = c["ms"] / t["ms"]
        flag = "ok" if ratio <= targets[model] else "SLOWER"
        print(
            f"{model:<6}{c['ms']:>12.3f}{t['ms']:>10.3f}{ratio:>8.2f}x{targets[model]:>8.1f}x  {flag}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
