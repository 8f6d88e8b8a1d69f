"""Training-step time of an MLP and a small CNN: chainrule vs torch (nn + optim + DataLoader-free).

Usage::

    python benchmarks/bench_train.py            # both models, prints a table and ratios
    python benchmarks/bench_train.py --quick    # fewer steps (a smoke run)
    python benchmarks/bench_train.py --threads 0  # each library's default thread count

By default both libraries run single-threaded (``OMP/OPENBLAS/MKL_NUM_THREADS=1`` and
``torch.set_num_threads(1)``): the comparison is then of the per-op overhead and kernels, and
it is stable on a shared machine. Libraries alternate over several rounds and the fastest
round counts (the least disturbed by other load).

Each library runs in a fresh subprocess (``--worker LIB MODEL``) so that one import cannot
affect the other's numbers. The models are those of ``examples/digits.py`` (8x8 digits):

- MLP: Linear(64, 256) - ReLU - Dropout(0.2) - Linear(256, 128) - ReLU - Dropout(0.2) -
  Linear(128, 10), batch 64, Adam
- CNN: Conv2d(1, 16, 3, pad 1) - ReLU - MaxPool2d(2) - Conv2d(16, 32, 3, pad 1) - ReLU -
  MaxPool2d(2) - Flatten - Linear(128, 10), batch 64, Adam

One step = zero_grad, forward, cross-entropy, backward, optimizer step -- the same code text for
both libraries. Reported: milliseconds per step (best round; each round is the median of its
repeats).
"""

from __future__ import annotations

import json
import os
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
            nn.Linear(64, 256),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(256, 128),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(128, 10),
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

        if os.environ.get("BENCH_THREADS", "1") != "0":
            lib.set_num_threads(int(os.environ.get("BENCH_THREADS", "1")))
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


def run(libname: str, model: str, steps: int, repeats: int, threads: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", libname, model, str(steps), str(repeats)]
    env = dict(os.environ, BENCH_THREADS=str(threads))
    if threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    for line in out.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK) :])
    return {"error": (out.stderr or out.stdout).strip().splitlines()[-1:]}


def main(argv: list) -> int:
    if argv[:1] == ["--worker"]:
        worker(argv[1], argv[2], int(argv[3]), int(argv[4]))
        return 0
    quick = "--quick" in argv
    threads = int(argv[argv.index("--threads") + 1]) if "--threads" in argv else 1
    steps, repeats, rounds = (20, 3, 1) if quick else (100, 5, 3)
    targets = {"mlp": 1.3, "cnn": 2.0}
    tdesc = "library defaults" if threads == 0 else f"{threads} thread(s)"
    print(
        f"training step time (ms/step), batch {BATCH}, {tdesc}, best of {rounds} round(s) "
        f"of {repeats} x {steps} steps"
    )
    print(f"{'model':<6}{'chainrule':>12}{'torch':>10}{'ratio':>9}{'target':>9}")
    ok = True
    for model in ("mlp", "cnn"):
        best: dict = {}
        err = None
        for _ in range(rounds):  # alternate the libraries so that both see the same load
            for lib in ("chainrule", "torch"):
                r = run(lib, model, steps, repeats, threads)
                if "error" in r:
                    err = err or (lib, r["error"])
                    continue
                best[lib] = min(best.get(lib, float("inf")), r["ms"])
        if "chainrule" not in best:
            print(f"{model:<6} chainrule failed: {err}")
            ok = False
            continue
        c = best["chainrule"]
        if "torch" not in best:
            print(f"{model:<6}{c:>12.3f}{'n/a':>10}  (torch not available)")
            continue
        t = best["torch"]
        ratio = c / t
        flag = "ok" if ratio <= targets[model] else "SLOWER"
        print(f"{model:<6}{c:>12.3f}{t:>10.3f}{ratio:>8.2f}x{targets[model]:>8.1f}x  {flag}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
