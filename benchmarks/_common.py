"""Helpers shared by the benchmark workers (the code that runs inside each subprocess).

Only the standard library is imported here at module level; the library under test
(chainrule, torch or numpy) is imported by :func:`worker_main` inside the fresh
subprocess, so that one library's import can never influence another's numbers.
"""

from __future__ import annotations

import gc
import json
import os
import re
import statistics
import sys
import time
import traceback

# The worker prints exactly one line starting with this marker; everything after it
# is the JSON result. Anything else a library prints on stdout is ignored.
RESULT_MARKER = "@@CHAINRULE_BENCH_RESULT@@"

LIBS = ("chainrule", "torch", "numpy")


def load_lib(name: str):
    """Import and return the module that plays the role of ``lib`` in the benchmark code."""
    if name == "chainrule":
        import chainrule

        return chainrule
    if name == "torch":
        import torch

        return torch
    if name == "numpy":
        import numpy

        return numpy
    raise ValueError(f"unknown library {name!r}")


def first_line(text: str) -> str:
    for line in str(text).splitlines():
        if line.strip():
            return line.strip()
    return ""


def to_float(t) -> float:
    """A Python float from a 0-d tensor / array of any of the libraries."""
    item = getattr(t, "item", None)
    if item is not None:
        return float(item())
    return float(t)


def to_numpy(t):
    """A NumPy array from a tensor of any of the libraries (``.numpy()`` if it has one)."""
    import numpy as np

    if isinstance(t, np.ndarray):
        return t
    to_np = getattr(t, "numpy", None)
    return np.asarray(to_np() if to_np is not None else t)


# --------------------------------------------------------------------------- timing


def time_calls(fn, repeats: int, warmup: int, after=None) -> list[float]:
    """Call ``fn()`` ``warmup`` times untimed, then ``repeats`` times timed.

    Returns the list of wall-clock durations in seconds (``time.perf_counter``).
    ``after(result)`` runs outside the timed region after every call (e.g. to clear
    ``.grad``); the result is dropped before the next call so that memory and graph
    teardown of one call never lands inside the timing of the next.
    """
    times = []
    for i in range(warmup + repeats):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        t1 = time.perf_counter()
        if after is not None:
            after(out)
        del out
        if i >= warmup:
            times.append(t1 - t0)
    return times


def summarize(times: list[float], scale: float = 1.0) -> dict:
    """Median (the number reported) plus min/max/IQR for the JSON output, times ``scale``."""
    xs = sorted(t * scale for t in times)
    q = statistics.quantiles(xs, n=4) if len(xs) >= 2 else [xs[0]] * 3
    return {
        "median": statistics.median(xs),
        "min": xs[0],
        "max": xs[-1],
        "iqr": q[2] - q[0],
        "n": len(xs),
    }


# --------------------------------------------------------------------------- memory


def _proc_status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            m = re.search(rf"^{field}:\s+(\d+)\s+kB", fh.read(), re.M)
        return int(m.group(1)) if m else None
    except OSError:
        return None


def _ru_maxrss_kb() -> int:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r // 1024 if sys.platform == "darwin" else r  # bytes on macOS, KiB elsewhere


class PeakMemory:
    """Peak resident-memory increase (MB) of this process over the code in the ``with`` block.

    Preferred method (Linux): reset the kernel's RSS high-water mark by writing ``5`` to
    ``/proc/self/clear_refs``; baseline = current ``VmRSS``, peak = ``VmHWM`` afterwards.
    That measures precisely the extra peak caused by the block even if something earlier
    in the process (e.g. creating the input) had a higher transient peak.

    Fallback (other systems, or if clear_refs is not writable): the difference of
    ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` before and after, which underestimates
    when an earlier transient peak was higher than the baseline.
    """

    def __enter__(self):
        gc.collect()
        self.method = "ru_maxrss"
        try:
            with open("/proc/self/clear_refs", "w") as fh:
                fh.write("5")
            base = _proc_status_kb("VmRSS")
            if base is not None and _proc_status_kb("VmHWM") is not None:
                self.method = "VmHWM"
                self.base_kb = base
        except OSError:
            pass
        if self.method == "ru_maxrss":
            self.base_kb = _ru_maxrss_kb()
        return self

    def __exit__(self, *exc):
        peak = _proc_status_kb("VmHWM") if self.method == "VmHWM" else _ru_maxrss_kb()
        self.extra_mb = max(0, peak - self.base_kb) / 1024.0
        self.base_mb = self.base_kb / 1024.0
        return False


# --------------------------------------------------------------------------- worker


def worker_main(measure, import_lib: bool = True) -> None:
    """Entry point of a benchmark module run as a script (one fresh subprocess per call).

    ``sys.argv[1]`` is a JSON object ``{"lib": ..., "mode": ..., "params": {...},
    "threads": int|null}``. ``measure(lib_module, spec)`` returns a JSON-able dict.
    The result (or the error) is printed as one line: ``RESULT_MARKER + json``.
    """
    spec = json.loads(sys.argv[1])
    out = {"lib": spec["lib"], "mode": spec.get("mode"), "pid": os.getpid()}
    try:
        lib = None
        if import_lib:
            t0 = time.perf_counter()
            lib = load_lib(spec["lib"])
            out["import_s"] = time.perf_counter() - t0
            out["version"] = str(getattr(lib, "__version__", "unknown"))
            if spec["lib"] == "torch":
                if spec.get("threads"):
                    lib.set_num_threads(int(spec["threads"]))
                out["torch_threads"] = lib.get_num_threads()
        try:
            import numpy

            out["numpy_version"] = numpy.__version__
        except ImportError:
            pass
        out.update(measure(lib, spec))
        out["ok"] = True
    except BaseException as e:  # report *anything*, incl. RecursionError
        out["ok"] = False
        msg = first_line(str(e))
        out["error"] = f"{type(e).__name__}: {msg}" if msg else type(e).__name__
        out["error_type"] = type(e).__name__
        out["traceback"] = traceback.format_exc()
    sys.stdout.write("\n" + RESULT_MARKER + json.dumps(out) + "\n")
    sys.stdout.flush()
