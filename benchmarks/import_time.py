"""import_time: how long ``import <lib>`` takes in a fresh interpreter.

For each library the worker runs ``python -X importtime -c "import <lib>"`` once as a
warm-up (fills the OS file cache, writes ``.pyc`` files) and then ``repeats`` times
(5 by default), parses the ``-X importtime`` report on stderr and takes medians of:

* ``total``      - the cumulative import time of the top-level ``<lib>`` entry;
* ``numpy``      - the cumulative time of the ``numpy`` entry in the *same* report (0 if
  the library did not import NumPy);
* ``excl_numpy`` - total minus numpy, i.e. the library's own import cost on top of NumPy.

For ``numpy`` itself, total is NumPy's import time. The chainrule run sees ``src/`` on
``PYTHONPATH`` (set by the runner), exactly like the other chainrule benchmarks.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

from _common import first_line, worker_main

NAME = "import_time"
LIBS = ("chainrule", "torch", "numpy")


class ImportFailed(Exception):
    """``python -c "import <lib>"`` exited with an error."""


def parse_importtime(stderr: str) -> dict[str, int]:
    """``{module: cumulative_us}`` for the *first* occurrence of each module."""
    cumulative = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3:
            continue
        try:
            cum = int(parts[1].strip())
        except ValueError:  # the header line
            continue
        cumulative.setdefault(parts[2].strip(), cum)
    return cumulative


def import_once(lib: str) -> dict[str, float]:
    # The assert (not timed by -X importtime) rejects an empty namespace package, e.g. a
    # src/chainrule/ directory that has no __init__.py yet.
    code = f"import {lib}; assert {lib}.__file__, 'namespace package without __init__.py'"
    # Measure as an installed package behaves: with its bytecode cached. A shell that sets
    # PYTHONDONTWRITEBYTECODE would make every run recompile the sources (~80 ms here).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.splitlines() if not ln.startswith("import time:")]
        raise ImportFailed(first_line("\n".join(reversed(lines)) or "no output"))
    cum = parse_importtime(proc.stderr)
    if lib not in cum:
        raise RuntimeError(f"no -X importtime entry for {lib!r}")
    total_ms = cum[lib] / 1e3
    numpy_ms = 0.0 if lib == "numpy" else cum.get("numpy", 0) / 1e3
    return {"total": total_ms, "numpy": numpy_ms, "excl_numpy": total_ms - numpy_ms}


def jobs(quick: bool) -> list[dict]:
    params = {"repeats": 3 if quick else 5, "warmup": 1}
    return [{"lib": lib, "mode": "import", "params": params} for lib in LIBS]


def measure(_lib, spec: dict) -> dict:
    p = spec["params"]
    lib = spec["lib"]
    for _ in range(p["warmup"]):
        import_once(lib)
    runs = [import_once(lib) for _ in range(p["repeats"])]
    out = {k + "_ms": statistics.median(r[k] for r in runs) for k in runs[0]}
    out["runs"] = runs
    return out


ROWS = [
    {
        "metric": "import, total",
        "unit": "ms",
        "modes": ["import"],
        "value": lambda b: b["import"]["total_ms"],
    },
    {
        "metric": "import, excluding numpy",
        "unit": "ms",
        "modes": ["import"],
        "value": lambda b: b["import"]["excl_numpy_ms"],
        "libs": ("chainrule", "torch"),
    },
]

CHECKS = []

if __name__ == "__main__":
    worker_main(measure, import_lib=False)
