"""Op modules that load on first use, so that ``import chainrule`` stays fast.

``import chainrule`` compiles or unmarshals every module it imports; the four largest op modules
(matrix decompositions, the nn kernels, the further functions of ``extra`` and ``shape_more``)
are a third of that and most scripts use few of their names. Their names are known in advance
from ``_lazy_manifest.py``: ``chainrule.<name>``, ``Tensor.<name>`` and ``chainrule.linalg.<name>``
load the module that defines the name on first access, which then installs everything it
defines, exactly as an eager import would have.

The manifest is generated (``python -c "import chainrule.ops._lazy as m; m.write_manifest()"``)
and a test regenerates it in a fresh interpreter and compares, so that a name added to a lazy
module cannot be missed.

Example:
    >>> import chainrule as torch
    >>> torch.unique(torch.tensor([3, 1, 3]))      # loads chainrule.ops.extra on first use
    tensor([1, 3])
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from ._lazy_manifest import MANIFEST

LAZY_MODULES = ("decomp", "extra", "nn_ops", "shape_more", "toplevel")

_LOADED: set[str] = set()

# name -> module, for each kind of name (built once from the manifest)
PUBLIC_OWNER = {n: m for m, e in MANIFEST.items() for n in e["public"]}
TENSOR_OWNER = {n: m for m, e in MANIFEST.items() for n in e["tensor"]}
LINALG_OWNER = {n: m for m, e in MANIFEST.items() for n in e["linalg"]}


def load(module: str) -> None:
    """Import ``chainrule.ops.<module>`` and install its names as the eager import did."""
    if module in _LOADED:
        return
    from .._tensor import Tensor
    from ._registry import METHODS, PUBLIC

    importlib.import_module(f"chainrule.ops.{module}")
    _LOADED.add(module)
    entry = MANIFEST[module]
    for name in entry["methods"]:
        setattr(Tensor, name, METHODS[name])
    namespace = sys.modules["chainrule"].__dict__
    for name in entry["public"]:
        namespace[name] = PUBLIC[name]


def load_all() -> None:
    """Load every lazy op module (for code that walks the whole op table)."""
    for module in LAZY_MODULES:
        load(module)


class _LazyTensorAttr:
    """A placeholder on ``Tensor``: the first access loads the module that defines the name."""

    __slots__ = ("name", "module")

    def __init__(self, name: str, module: str) -> None:
        self.name = name
        self.module = module

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        load(self.module)
        cls = owner if owner is not None else type(obj)
        if isinstance(cls.__dict__.get(self.name), _LazyTensorAttr):
            raise AttributeError(  # the manifest is stale: the module did not define it
                f"'Tensor' object has no attribute '{self.name}'"
            )
        return getattr(cls if obj is None else obj, self.name)


def install_stubs(tensor_cls: type) -> None:
    """Put a placeholder on ``Tensor`` for every attribute a lazy module will define."""
    for name, module in TENSOR_OWNER.items():
        if name not in tensor_cls.__dict__:
            setattr(tensor_cls, name, _LazyTensorAttr(name, module))


def public_attr(name: str) -> Any:
    """``chainrule.<name>`` for a name of a lazy module (loads it); AttributeError otherwise."""
    module = PUBLIC_OWNER.get(name)
    if module is None:
        raise AttributeError(name)
    load(module)
    return sys.modules["chainrule"].__dict__[name]


def linalg_attr(name: str) -> Any:
    """``chainrule.linalg.<name>`` for a name of a lazy module (loads it)."""
    module = LINALG_OWNER.get(name)
    if module is None:
        raise AttributeError(f"module 'chainrule.linalg' has no attribute '{name}'")
    load(module)
    return sys.modules["chainrule.linalg"].__dict__[name]


# ---------------------------------------------------------------- the manifest
def generate_manifest() -> dict:
    """What each lazy module adds, found by importing them one at a time (fresh interpreter).

    Raises ValueError when a lazy module replaces or removes a name that existed before it was
    loaded: such a module would behave differently before and after loading.
    """
    import chainrule

    from .._tensor import Tensor
    from ._registry import METHODS, PUBLIC

    linalg = sys.modules["chainrule.linalg"]
    if _LOADED:
        raise RuntimeError("generate_manifest() needs a fresh interpreter")

    def snapshot() -> dict:
        return {
            "public": dict(PUBLIC),
            "methods": dict(METHODS),
            "tensor": {
                k: v for k, v in Tensor.__dict__.items() if not isinstance(v, _LazyTensorAttr)
            },
            "linalg": dict(linalg.__dict__),
        }

    manifest = {}
    for module in LAZY_MODULES:
        before = snapshot()
        importlib.import_module(f"chainrule.ops.{module}")
        for name, fn in METHODS.items():  # what load() does after the import
            if name not in before["methods"] or before["methods"][name] is not fn:
                setattr(Tensor, name, fn)
        _LOADED.add(module)
        after = snapshot()
        entry = {}
        for kind in ("public", "methods", "tensor", "linalg"):
            old, new = before[kind], after[kind]
            changed = sorted(k for k in old if k not in new or new[k] is not old[k])
            if changed:
                raise ValueError(f"lazy module {module} replaces or removes {kind} {changed}")
            entry[kind] = sorted(k for k in new if k not in old)
        manifest[module] = entry
    del chainrule
    return manifest


def manifest_source(manifest: dict) -> str:
    """The manifest as Python source, laid out as ``ruff format`` leaves it."""
    lines = [
        '"""Names defined by the lazy op modules (generated by ``_lazy.write_manifest()``)."""',
        "",
        "MANIFEST = {",
    ]
    for module, entry in manifest.items():
        lines.append(f'    "{module}": {{')
        for kind, names in entry.items():
            if len(names) < 2:  # () and ("x",): ruff keeps these on one line
                inner = "".join(f'"{n}",' for n in names)
                lines.append(f'        "{kind}": ({inner}),')
                continue
            lines.append(f'        "{kind}": (')
            lines.extend(f'            "{n}",' for n in names)
            lines.append("        ),")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_manifest() -> None:
    """Regenerate ``_lazy_manifest.py`` (run in a fresh interpreter, after adding a name)."""
    import os

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_lazy_manifest.py")
    with open(path, "w", encoding="utf-8") as f:
        f.write(manifest_source(generate_manifest()))
