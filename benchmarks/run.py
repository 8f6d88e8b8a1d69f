"""Benchmarks: chainrule vs PyTorch (vs hand-written NumPy), in one command.

How to run (from the repository root; chainrule does NOT need to be installed)::

    python benchmarks/run.py                 # full run, a few minutes on 2 cores
    python benchmarks/run.py --quick         # smoke test: fewer repeats, smaller sizes, < 1 min
    python benchmarks/run.py --only mlp      # one benchmark (comma-separate for several)
    python benchmarks/run.py --markdown      # print only the Markdown table (for the README)
    python benchmarks/run.py --json out.json # also write every raw result to out.json

Other options: ``--libs chainrule,numpy`` (measure only those), ``--threads N`` (pin
torch/BLAS/OpenMP threads to N in every subprocess; by default each library uses its own
default, e.g. torch uses all cores), ``--rounds N`` (run every measurement N times, in
fresh subprocesses with the libraries alternating, and keep the round with the lowest
median -- use ``--rounds 3`` on a busy or shared machine), ``--timeout S`` (per
subprocess), ``--strict`` (exit status 1 if a measurement failed or the libraries
disagree numerically).

On a machine where other processes compete for the CPUs the timings are NOT reliable:
the run prints the load average before/after and lists "noisy measurements" (IQR above
25% of the median); multi-threaded kernels (BLAS matmul in ``mlp``, torch's elementwise
ops) suffer most, so ``--threads 1 --rounds 3`` gives the most stable comparison there.

How it measures
---------------
* Every (benchmark, library[, mode]) measurement runs in a FRESH subprocess
  (``python benchmarks/<benchmark>.py '<json spec>'``) that imports only the library under
  test and prints its result as one JSON line on stdout. The chainrule subprocess gets
  ``<repo>/src`` prepended to ``PYTHONPATH``. A subprocess that fails (import error,
  missing function, RecursionError, crash, timeout) shows up as ``failed: <ErrorType>`` in
  the table and its first error line is printed under "Problems"; the run goes on.
* Times are wall-clock (``time.perf_counter``) MEDIANS over the repeats, after untimed
  warm-up calls (full run / --quick: scalar_chain and mlp 100 / 10 repeats after 10 / 2
  warm-ups; elementwise_large 7 / 3 after 1; import_time 5 / 3 after 1).
  ``gc.collect()`` runs before (outside) each timed call, and results / graphs / ``.grad``
  are dropped outside the timed region.
* If torch is not installed, its column reads "torch not installed"; ratios against NumPy
  are still printed.
* The same inputs (generated with NumPy, seed 0) are given to every library and a few
  output values are compared across libraries ("Cross-library checks").

What each number means
----------------------
scalar_chain (chainrule, torch)
    1,000 scalar float64 ops (cycle ``+0.1, exp, sin, square, *0.9, tanh`` from x = 0.5),
    median total time / 1000 = microseconds PER OP, for: forward + ``backward()``; forward
    only (graph recorded); forward under ``no_grad()``. Measures per-op overhead.
mlp (chainrule, torch, numpy)
    One SGD training step of a 784-512-512-10 ReLU MLP, batch 128, float32, MSE loss:
    forward + backward + hand-written ``p -= lr * p.grad`` update, in ms per step. torch
    and chainrule run the same function ``step(lib, ...)``; numpy is forward + manual
    backward + SGD written by hand.
elementwise_large (chainrule, torch, numpy)
    10M float64 elements (1M with --quick) through 10 elementwise ops then ``sum``:
    "f" = the function alone (``no_grad`` for torch/chainrule), "f + grad" = forward with
    ``requires_grad`` + ``backward()`` (numpy: hand-written forward + manual backward),
    both in ms; "(f + grad) / f" = the cost of a gradient in units of the function (per
    library, so the ratio columns are left empty); "extra peak memory" = peak resident
    memory (MB) of the call above the process's RSS right after the input was created,
    measured in separate subprocesses for f and f + grad (kernel RSS high-water mark reset
    via /proc/self/clear_refs, or ``ru_maxrss`` deltas where that is not available), on
    the first call with the big input (one-time library initialisation is done before,
    on a small input). It includes temporaries, saved tensors and the returned gradient,
    not the input itself. The numpy f + grad is written carefully (in-place buffers): it
    keeps at most 6 arrays of the input's size alive (the gradient included).
import_time (chainrule, torch, numpy)
    ``python -X importtime -c "import <lib>"``, median of 5 after a warm-up: the cumulative
    time of the top-level module ("total") and that minus the cumulative time of its
    ``numpy`` import ("excluding numpy"). The numpy column is NumPy's own import time.

Ratio columns: chainrule / torch and chainrule / numpy of the numbers in that row
(< 1 means chainrule is faster or smaller).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SRC = REPO / "src"
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _common import LIBS, RESULT_MARKER, first_line  # noqa: E402

BENCHMARKS = ("scalar_chain", "mlp", "elementwise_large", "import_time")
LIB_TITLES = {"chainrule": "chainrule", "torch": "torch", "numpy": "NumPy"}
THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- running


def lib_installed(lib: str) -> bool:
    if lib == "chainrule":
        return True  # always attempted, from src/; failures are reported, not skipped
    return importlib.util.find_spec(lib) is not None


def run_job(bench: str, job: dict, args) -> dict:
    """Run one measurement in a fresh subprocess and return its JSON result (or an error)."""
    lib = job["lib"]
    spec = dict(job, threads=args.threads)
    env = os.environ.copy()
    if lib == "chainrule":
        old = env.get("PYTHONPATH")
        env["PYTHONPATH"] = str(SRC) + (os.pathsep + old if old else "")
    if args.threads:
        for var in THREAD_ENV:
            env[var] = str(args.threads)
    cmd = [sys.executable, str(HERE / f"{bench}.py"), json.dumps(spec)]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=env, cwd=REPO, timeout=args.timeout
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"Timeout: no result after {args.timeout} s", "lib": lib}
    wall = time.perf_counter() - t0
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            res = json.loads(line[len(RESULT_MARKER) :])
            res["subprocess_wall_s"] = wall
            return res
    # no result line: the interpreter died (segfault, OOM kill, ...) or the worker broke
    err_lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    last = err_lines[-1].strip() if err_lines else "no output"
    rc = proc.returncode
    if rc < 0:
        try:
            how = f"Crashed: killed by {signal.Signals(-rc).name}"
        except ValueError:
            how = f"Crashed: killed by signal {-rc}"
    else:
        how = f"Crashed: exit status {rc} without a result"
    return {
        "ok": False,
        "lib": lib,
        "error": f"{how}; last stderr line: {last}",
        "stderr_tail": "\n".join(err_lines[-20:]),
    }


def is_summary(v) -> bool:
    return isinstance(v, dict) and {"median", "iqr", "min", "max"} <= v.keys()


def merge_rounds(rs: list[dict]) -> dict:
    """Combine the results of several rounds (``--rounds``) of one measurement.

    Every timing summary is taken from the round with the LOWEST median (the round least
    disturbed by other load); everything else (memory, checks) from the first successful
    round. A measurement that failed in every round reports the first failure.
    """
    ok = [r for r in rs if r.get("ok")]
    if not ok:
        return rs[0]
    merged = dict(ok[0])
    if len(rs) > 1:
        merged["rounds"] = len(rs)
        merged["rounds_failed"] = len(rs) - len(ok)
        merged["round_medians"] = {}
        for key, v in ok[0].items():
            if is_summary(v):
                cands = [r[key] for r in ok if is_summary(r.get(key))]
                merged[key] = min(cands, key=lambda s: s["median"])
                merged["round_medians"][key] = [c["median"] for c in cands]
    return merged


# --------------------------------------------------------------------------- table


def fmt_num(v: float) -> str:
    a = abs(v)
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    if a == 0:
        return "0"
    return f"{v:.3g}"


def fmt_ratio(r: float | None) -> str:
    if r is None:
        return "—"
    return f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


def build_rows(modules: dict, results: dict, libs: list[str], quick: bool) -> list[dict]:
    """One dict per table row: cell text, raw values and ratios."""
    rows = []
    for bench, mod in modules.items():
        for i, row in enumerate(mod.ROWS):
            row_libs = row.get("libs", mod.LIBS)
            values, cells = {}, {}
            for lib in LIBS:
                if lib not in row_libs:
                    cells[lib] = "—"
                    continue
                if lib not in libs:
                    cells[lib] = "not measured"
                    continue
                if not lib_installed(lib):
                    cells[lib] = f"{lib} not installed"
                    continue
                by_mode = results.get(bench, {}).get(lib, {})
                bad = [by_mode.get(m, {"error": "not run"}) for m in row["modes"]]
                bad = [r for r in bad if not r.get("ok")]
                if bad:
                    err = bad[0].get("error", "unknown error")
                    kind = err.split(":")[0].strip() or "error"
                    cells[lib] = f"failed: {kind}"
                    continue
                try:
                    v = float(row["value"](by_mode))
                except Exception as e:  # a result without the expected key
                    cells[lib] = f"failed: {type(e).__name__}"
                    continue
                values[lib] = v
                cells[lib] = fmt_num(v)
            ratios = {}
            for other in ("torch", "numpy"):
                ok = row.get("ratio", True) and "chainrule" in values and other in values
                ratios[other] = (
                    values["chainrule"] / values[other] if ok and values[other] > 0 else None
                )
            title = getattr(mod, "title", lambda q: bench)(quick) if i == 0 else ""
            rows.append(
                {
                    "benchmark": bench,
                    "title": title,
                    "metric": f"{row['metric']} ({row['unit']})",
                    "values": values,
                    "cells": cells,
                    "ratios": ratios,
                }
            )
    return rows


HEADERS = [
    "Benchmark",
    "Metric",
    "chainrule",
    "torch",
    "NumPy",
    "chainrule / torch",
    "chainrule / NumPy",
]


def row_cells(r: dict) -> list[str]:
    return [
        r["title"],
        r["metric"],
        r["cells"]["chainrule"],
        r["cells"]["torch"],
        r["cells"]["numpy"],
        fmt_ratio(r["ratios"]["torch"]),
        fmt_ratio(r["ratios"]["numpy"]),
    ]


def text_table(rows: list[dict]) -> str:
    table = [HEADERS] + [row_cells(r) for r in rows]
    widths = [max(len(line[c]) for line in table) for c in range(len(HEADERS))]
    out = []
    for n, line in enumerate(table):
        cells = [s.ljust(w) if c < 2 else s.rjust(w) for c, (s, w) in enumerate(zip(line, widths))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
        elif n < len(rows) and rows[n]["title"]:  # blank line between benchmarks
            out.append("")
    return "\n".join(out)


def markdown_table(rows: list[dict], footer: str) -> str:
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * 5) + "|"]
    for r in rows:
        cells = row_cells(r)
        if cells[0]:  # `name` (size)
            name, _, rest = cells[0].partition(" ")
            cells[0] = f"`{name}` {rest}".rstrip()
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out) + "\n\n" + footer


# --------------------------------------------------------------------------- checks


def cross_checks(modules: dict, results: dict) -> list[str]:
    """Compare the 'check' values that each worker reports (same inputs everywhere)."""
    notes = []
    for bench, mod in modules.items():
        for mode, key, rtol in getattr(mod, "CHECKS", []):
            vals = {}
            for lib, by_mode in results.get(bench, {}).items():
                r = by_mode.get(mode, {})
                if r.get("ok") and key in r.get("check", {}):
                    vals[lib] = r["check"][key]
            ref_lib = next((lb for lb in ("torch", "numpy") if lb in vals), None)
            if ref_lib is None or len(vals) < 2:
                continue
            ref = vals[ref_lib]
            for lib, v in vals.items():
                if lib == ref_lib:
                    continue
                err = abs(v - ref) / max(abs(ref), 1e-300)
                if not err <= rtol:
                    notes.append(
                        f"MISMATCH {bench}/{mode} {key!r}: {lib}={v!r} vs {ref_lib}={ref!r} "
                        f"(rel. diff {err:.2e} > {rtol:g})"
                    )
    return notes


def noisy_measurements(results: dict, threshold: float = 0.25) -> list[str]:
    """Timings whose interquartile range exceeds ``threshold`` x median (machine busy?)."""
    notes = []
    for bench, by_lib in results.items():
        for lib, by_mode in by_lib.items():
            for mode, r in by_mode.items():
                for key, s in r.items():
                    if is_summary(s) and s["median"]:
                        rel = s["iqr"] / s["median"]
                        if rel > threshold:
                            notes.append(
                                f"{bench}/{lib}/{mode} {key}: median {s['median']:.4g}, "
                                f"IQR {100 * rel:.0f}% (min {s['min']:.4g}, max {s['max']:.4g})"
                            )
    return notes


# --------------------------------------------------------------------------- main


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="chainrule vs torch vs NumPy benchmarks (see the docstring of this file)."
    )
    p.add_argument("--quick", action="store_true", help="fewer repeats, smaller sizes")
    p.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only these benchmarks (comma-separated / repeatable): {', '.join(BENCHMARKS)}",
    )
    p.add_argument("--libs", default=",".join(LIBS), help="libraries to measure (default: all)")
    p.add_argument("--markdown", action="store_true", help="print only the Markdown table")
    p.add_argument("--json", metavar="PATH", help="write all raw results as JSON to PATH")
    p.add_argument("--threads", type=int, default=None, help="pin torch/BLAS/OpenMP threads")
    p.add_argument("--timeout", type=float, default=None, help="seconds per subprocess")
    p.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="repeat every measurement N times (fresh subprocesses, libraries alternating) "
        "and keep the round with the lowest median: for busy/shared machines",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 on failures or mismatches")
    args = p.parse_args(argv)
    names = [n.strip() for spec in (args.only or []) for n in spec.split(",") if n.strip()]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        p.error(f"unknown benchmark(s) {unknown}; choose from {', '.join(BENCHMARKS)}")
    args.benchmarks = [b for b in BENCHMARKS if not names or b in names]
    args.lib_list = [lb.strip() for lb in args.libs.split(",") if lb.strip()]
    bad = [lb for lb in args.lib_list if lb not in LIBS]
    if bad:
        p.error(f"unknown librar(y/ies) {bad}; choose from {', '.join(LIBS)}")
    if args.rounds < 1:
        p.error("--rounds must be >= 1")
    if args.timeout is None:
        args.timeout = 300.0 if args.quick else 900.0
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    modules = {b: importlib.import_module(b) for b in args.benchmarks}
    plan = []
    for bench, mod in modules.items():
        for job in mod.jobs(args.quick):
            if job["lib"] in args.lib_list and lib_installed(job["lib"]):
                plan.append((bench, job))
    missing = [lb for lb in args.lib_list if not lib_installed(lb)]
    for lb in missing:
        log(f"{lb} not installed: its column is skipped")

    load_before = load_average()
    if load_before is not None and load_before > 0.5 * (os.cpu_count() or 1):
        log(
            f"warning: load average {load_before:.2f} on {os.cpu_count()} CPUs before "
            "starting; other processes may distort the timings"
        )
    runs: dict = {}  # bench -> lib -> mode -> [result of each round]
    t_start = time.perf_counter()
    n_total = len(plan) * args.rounds
    n = 0
    for rnd in range(args.rounds):
        for bench, job in plan:
            n += 1
            t0 = time.perf_counter()
            res = run_job(bench, job, args)
            runs.setdefault(bench, {}).setdefault(job["lib"], {}).setdefault(
                job["mode"], []
            ).append(res)
            status = "ok" if res.get("ok") else "FAILED: " + res.get("error", "?")
            tag = f" round {rnd + 1}" if args.rounds > 1 else ""
            log(
                f"[{n:2d}/{n_total}] {bench:<17} {job['lib']:<9} {job['mode']:<6} "
                f"{time.perf_counter() - t0:6.1f} s  {status}{tag}"
            )
    results = {
        bench: {lib: {mode: merge_rounds(rs) for mode, rs in bm.items()} for lib, bm in bl.items()}
        for bench, bl in runs.items()
    }
    total_s = time.perf_counter() - t_start

    rows = build_rows(modules, results, args.lib_list, args.quick)
    problems = []
    for bench, by_lib in results.items():
        for lib, by_mode in by_lib.items():
            for mode, r in by_mode.items():
                if not r.get("ok"):
                    problems.append(f"{bench}/{lib}/{mode}: {first_line(r.get('error', '?'))}")
    checks = cross_checks(modules, results)
    noisy = noisy_measurements(results)

    meta = environment(results, args, total_s)
    meta["load_average_before"] = load_before
    meta["load_average_after"] = load_average()
    footer = (
        f"_{'Quick run (--quick): ' if args.quick else ''}medians after warm-up, each library "
        f"in a fresh subprocess; {meta['summary']}. "
        f"Produced by `python benchmarks/run.py{command_flags(args)}`._"
    )
    md = markdown_table(rows, footer)

    if args.markdown:
        print(md)
    else:
        print()
        print(text_table(rows))
        print()
        print(f"Environment: {meta['summary']}; total {total_s:.0f} s.")
        if load_before is not None:
            print(
                f"Load average (1 min) before / after the run: {load_before:.2f} / "
                f"{meta['load_average_after']:.2f} on {os.cpu_count()} CPUs "
                "(well above 0 means other processes competed for the CPUs)."
            )
        if problems:
            print("\nProblems (first line of each error):")
            for line in problems:
                print("  - " + line)
        print(
            "\nCross-library checks: "
            + ("all compared values agree." if not checks else f"{len(checks)} mismatch(es)")
        )
        for line in checks:
            print("  - " + line)
        if noisy:
            print(
                "\nNoisy measurements (interquartile range > 25% of the median; "
                "rerun on a quiet machine, or with --rounds 3 / --threads 1):"
            )
            for line in noisy:
                print("  - " + line)
        print("\nMarkdown:\n")
        print(md)

    if args.json:
        payload = {
            "meta": meta,
            "results": results,
            "rows": [{k: r[k] for k in ("benchmark", "metric", "values", "ratios")} for r in rows],
            "problems": problems,
            "checks": checks,
            "noisy": noisy,
        }
        Path(args.json).write_text(json.dumps(payload, indent=2, ensure_ascii=False))
        log(f"wrote {args.json}")
    return 1 if args.strict and (problems or checks) else 0


def command_flags(args) -> str:
    """The options that change the numbers, as they would be typed on the command line."""
    flags = " --quick" if args.quick else ""
    if args.threads:
        flags += f" --threads {args.threads}"
    if args.rounds > 1:
        flags += f" --rounds {args.rounds}"
    return flags


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def environment(results: dict, args, total_s: float) -> dict:
    """Versions (as reported by the subprocesses), CPU and thread information."""
    versions, torch_threads = {}, None
    for by_lib in results.values():
        for lib, by_mode in by_lib.items():
            for r in by_mode.values():
                if r.get("ok") and r.get("version"):
                    versions.setdefault(lib, r["version"])
                if r.get("torch_threads"):
                    torch_threads = r["torch_threads"]
    try:
        import numpy

        versions.setdefault("numpy", numpy.__version__)
    except ImportError:
        pass
    parts = [f"Python {platform.python_version()}"]
    for lib in LIBS:
        if lib in versions:
            v = f"{LIB_TITLES[lib]} {versions[lib]}"
            if lib == "torch" and torch_threads:
                v += f" ({torch_threads} thread{'s' if torch_threads != 1 else ''})"
            parts.append(v)
    parts.append(f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs")
    if args.threads:
        parts.append(f"threads pinned to {args.threads}")
    if args.rounds > 1:
        parts.append(f"best of {args.rounds} rounds")
    return {
        "summary": ", ".join(parts),
        "python": sys.version,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "versions": versions,
        "torch_threads": torch_threads,
        "threads_pinned": args.threads,
        "rounds": args.rounds,
        "quick": args.quick,
        "benchmarks": args.benchmarks,
        "total_s": total_s,
        "timestamp": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


if __name__ == "__main__":
    sys.exit(main())
