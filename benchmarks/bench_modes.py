"""The cost of forward and reverse mode, measured (chainrule vs torch, each in a fresh process).

For f: R^n -> R (a scalar loss) and g: R^n -> R^m (m = 8 outputs), for n from 10 to 10,000:
the time of the function, of its gradient / Jacobian by reverse mode, and by forward mode, as
ratios to the function's time; and how many backward/forward passes each transform ran. Then
full Hessians of n = 200 by ``autograd.functional.hessian`` (loop and vectorized) against torch's.

    python benchmarks/bench_modes.py            # the full table
    python benchmarks/bench_modes.py --quick    # fewer sizes

The lesson the table shows: a gradient of a scalar costs one reverse pass (a small constant
times the function) but n forward passes; a Jacobian of m outputs needs m reverse passes or n
forward passes -- unless the passes are batched (``vectorize=True``): then it is one pass whose
cost grows with the batch.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")
M = 8  # outputs of g
MAX_FWD_PASSES = 200  # forward-mode gradients with more passes are timed on a subset, scaled


def _time(fn, min_time: float = 0.3, repeat: int = 5) -> float:
    """Best seconds per call."""
    return _time_together([fn], min_time, repeat)[0]


def _time_together(fns, min_time: float = 0.6, repeat: int = 10) -> list:
    """Best seconds per call of each of ``fns``, their rounds interleaved: a ratio of two of
    them then compares the same moments of a noisy machine."""
    for fn in fns:
        fn()
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            n = 0
            t0 = time.perf_counter()
            while True:
                fn()
                n += 1
                dt = time.perf_counter() - t0
                if dt >= min_time / repeat / len(fns):
                    break
            best[k] = min(best[k], dt / n)
    return best


def worker(lib_name: str, sizes: list) -> dict:
    if lib_name == "chainrule":
        sys.path.insert(0, SRC)
        import chainrule as lib
        from chainrule.autograd import forward_ad as fwAD
        from chainrule.autograd import functional as F

        counters = F.counters
    else:
        import torch as lib

        lib.set_num_threads(
            1
        )  # NumPy's elementwise ops are single-threaded: compare like with like
        import torch.autograd.forward_ad as fwAD
        import torch.autograd.functional as F

        counters = None
    rng = np.random.default_rng(0)
    out: dict = {"rows": [], "hessian": {}}

    def f(x):  # R^n -> R
        return ((x.sin() * x) + (-(x * x)).exp()).sum()

    for n in sizes:
        x0 = lib.tensor(rng.standard_normal(n))
        W = lib.tensor(rng.standard_normal((M, n)) / np.sqrt(n))

        def g(x, W=W):  # R^n -> R^m
            return lib.tanh(W @ (x.sin() * x))

        def fun():
            f(x0)

        def rev():
            x = x0.detach().requires_grad_(True)
            (gr,) = lib.autograd.grad(f(x), x)
            return gr

        def fwd_pass(k):
            with fwAD.dual_level():
                e = lib.zeros(n, dtype=x0.dtype)
                e[k] = 1.0
                y = f(fwAD.make_dual(x0, e))
                return fwAD.unpack_dual(y).tangent

        passes = min(n, MAX_FWD_PASSES)

        def fwd():
            for k in range(passes):
                fwd_pass(k)

        t_f, t_r = _time_together([fun, rev])
        t_fw = _time(fwd, min_time=0.05, repeat=1) * n / passes
        # Jacobian of g: m reverse passes (loop), one batched reverse pass, one batched forward
        t_g = _time(lambda: g(x0))
        if counters is not None:
            counters["backward"] = counters["forward"] = 0
        t_jr = _time(lambda: F.jacobian(g, x0), min_time=0.05, repeat=1)
        t_jv = _time(lambda: F.jacobian(g, x0, vectorize=True), min_time=0.05, repeat=1)
        if n <= 1000:
            t_jf = _time(
                lambda: F.jacobian(g, x0, vectorize=True, strategy="forward-mode"),
                min_time=0.05,
                repeat=1,
            )
        else:
            t_jf = float("nan")  # n x n tangents: too large to batch in memory
        counts = {}
        if counters is not None:
            for name, call in (
                ("jacobian loop", lambda: F.jacobian(g, x0)),
                ("jacobian vectorized", lambda: F.jacobian(g, x0, vectorize=True)),
                (
                    "jacobian forward",
                    lambda: F.jacobian(g, x0, vectorize=True, strategy="forward-mode"),
                ),
            ):
                if name == "jacobian forward" and n > 1000:
                    continue
                counters["backward"] = counters["forward"] = 0
                call()
                counts[name] = dict(counters)
        out["rows"].append(
            {
                "n": n,
                "f": t_f,
                "rev": t_r,
                "fwd": t_fw,
                "fwd_passes": n,
                "g": t_g,
                "jac_loop": t_jr,
                "jac_vec": t_jv,
                "jac_fwd": t_jf,
                "counts": counts,
            }
        )
    # full Hessian, n = 200
    n = 200
    A = rng.standard_normal((n, n))
    A = lib.tensor((A + A.T) / (2 * n))
    x0 = lib.tensor(rng.standard_normal(n))

    def h(x):
        return (x.sin() * x).sum() + x @ (A @ x)

    for vec in (False, True):
        key = "vectorized" if vec else "loop"
        out["hessian"][key] = _time(
            lambda vec=vec: F.hessian(h, x0, vectorize=vec), min_time=0.3, repeat=2
        )
    H = F.hessian(h, x0, vectorize=True)
    out["hessian"]["checksum"] = float(H.detach().numpy().sum())
    if lib_name == "chainrule":
        out["checkpoint"] = checkpoint_memory(lib)
    return out


def checkpoint_memory(lib) -> dict:
    """Memory held by the graph after the forward of a 16-layer tanh MLP (batch 256, width
    256), without and with checkpointing (4 segments); and the time of forward + backward."""
    import tracemalloc

    from chainrule.utils.checkpoint import checkpoint

    rng = np.random.default_rng(0)
    Ws = [lib.tensor(rng.standard_normal((256, 256)) / 16, requires_grad=True) for _ in range(16)]
    x0 = lib.tensor(rng.standard_normal((256, 256)))

    def segment(lo, hi):
        def run(h):
            for W in Ws[lo:hi]:
                h = lib.tanh(h @ W)
            return h

        return run

    def run(mode):
        if mode == "plain":
            y = segment(0, 16)(x0)
        else:
            y = x0
            for k in range(4):
                y = checkpoint(segment(4 * k, 4 * k + 4), y, use_reentrant=False)
        return y.sum()

    res = {}
    for mode in ("plain", "checkpoint"):
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        loss = run(mode)
        held = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        loss.backward()
        del loss
        res[mode] = {"held_mb": held / 2**20, "seconds": float("inf")}
    # time the two alternately (best of 5 each), so that machine load hits both alike
    for _ in range(5):
        for mode in ("plain", "checkpoint"):
            t0 = time.perf_counter()
            run(mode).backward()
            res[mode]["seconds"] = min(res[mode]["seconds"], time.perf_counter() - t0)
    return res


def _run(lib_name: str, sizes: list) -> dict:
    cmd = [sys.executable, __file__, "--worker", lib_name, "--sizes", ",".join(map(str, sizes))]
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if res.returncode != 0:
        raise SystemExit(f"{lib_name} worker failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--worker")
    ap.add_argument("--sizes")
    args = ap.parse_args()
    if args.worker:
        sizes = [int(s) for s in args.sizes.split(",")]
        print(json.dumps(worker(args.worker, sizes)))
        return
    sizes = [10, 100, 1000] if args.quick else [10, 100, 1000, 10000]
    results = {"chainrule": _run("chainrule", sizes)}
    try:
        import torch  # noqa: F401

        results["torch"] = _run("torch", sizes)
    except ImportError:
        pass
    print(f"f: R^n -> R and g: R^n -> R^{M}; times as ratios to one call of the function")
    print()
    hdr = (
        f"{'lib':<10} {'n':>6} {'f (us)':>9} {'grad rev/f':>11} {'grad fwd/f':>11} "
        f"{'g (us)':>9} {'jac loop/g':>11} {'jac vec/g':>10} {'jac fwd/g':>10}"
    )
    print(hdr)
    print("-" * len(hdr))
    for lib, res in results.items():
        for r in res["rows"]:
            print(
                f"{lib:<10} {r['n']:>6} {r['f'] * 1e6:>9.1f} {r['rev'] / r['f']:>11.2f} "
                f"{r['fwd'] / r['f']:>11.1f} {r['g'] * 1e6:>9.1f} {r['jac_loop'] / r['g']:>11.1f} "
                f"{r['jac_vec'] / r['g']:>10.1f} {r['jac_fwd'] / r['g']:>10.1f}"
            )
    print()
    print("passes per transform (chainrule's counters; forward-mode gradient = n passes):")
    for r in results["chainrule"]["rows"]:
        c = r["counts"]
        parts = [f"{k}: {v['backward']} backward + {v['forward']} forward" for k, v in c.items()]
        print(
            f"  n={r['n']:>5}  grad rev: 1 backward | grad fwd: {r['n']} forward | "
            + " | ".join(parts)
        )
    print()
    print("full Hessian, n = 200 (autograd.functional.hessian), ms:")
    for lib, res in results.items():
        h = res["hessian"]
        print(
            f"  {lib:<10} loop {h['loop'] * 1e3:8.1f}   vectorized {h['vectorized'] * 1e3:8.1f}"
            f"   (checksum {h['checksum']:.6f})"
        )
    if "torch" in results:
        ours = results["chainrule"]["hessian"]["vectorized"]
        theirs = results["torch"]["hessian"]["vectorized"]
        print(f"  vectorized: chainrule / torch = {ours / theirs:.2f}")
    ck = results["chainrule"].get("checkpoint")
    if ck:
        print()
        print("checkpoint (chainrule.utils.checkpoint), 16-layer tanh MLP, batch 256 x width 256:")
        for mode, r in ck.items():
            print(
                f"  {mode:<10} graph holds {r['held_mb']:7.1f} MiB after forward;"
                f" forward + backward {r['seconds'] * 1e3:7.1f} ms"
            )


if __name__ == "__main__":
    main()
