"""The test-side op table: sample inputs per op, checked generically by ``test_ops_generic``.

Each family file (``elementwise.py``, ``shape.py``, ``reduce.py`` ...) defines ``SAMPLES``, a list
of ``Sample``. A sample is a lambda run identically on chainrule and on torch:

    Sample(covers=("mul",), fn=lambda lib, a, b: a * b, shapes=[((2, 3), (3,)), ((), (4,))])

- ``covers``: the registry op names (``chainrule.ops._registry.OPS``) this sample exercises;
  the registry test fails for any differentiable op no sample covers.
- ``fn(lib, *tensors)``: ``lib`` is the module (chainrule or torch); returns a tensor or a tuple
  of tensors. Non-tensor arguments are written into the lambda.
- ``shapes``: list of input-shape tuples, one tuple of shapes per case.
- ``domain``: "positive" (0.5..2), "unit" (-0.9..0.9), "nonzero" (|x| in 0.5..2), or None
  (standard normal); a tuple gives one domain per input.
- ``diff``: indices of inputs that are differentiable (default: all float inputs).
- ``int_inputs``: {index: (low, high)} for integer inputs (indices), made as int64.
- ``gradgrad``: whether second derivatives are checked (default True).
- ``rtol``/``atol``: tolerances for float64 comparisons.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Sample:
    covers: tuple
    fn: Callable
    shapes: list
    domain: Any = None
    diff: tuple | None = None
    int_inputs: dict = field(default_factory=dict)
    gradgrad: bool = True
    rtol: float = 1e-5
    atol: float = 1e-7
    name: str = ""

    def id(self, k: int) -> str:
        return f"{self.name or self.covers[0]}-{k}"


FAMILIES = (
    "elementwise",
    "reduce",
    "shape",
    "indexing",
    "linalg",
    "activation",
    "misc",
    "nn_ops",
    "extra",
)


def all_samples() -> list:
    out = []
    for fam in FAMILIES:
        try:
            mod = importlib.import_module(f"op_samples.{fam}")
        except ModuleNotFoundError as e:
            if e.name != f"op_samples.{fam}":
                raise
            continue
        out.extend(mod.SAMPLES)
    return out
