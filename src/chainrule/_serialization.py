"""``chainrule.save`` / ``chainrule.load``: tensors, state dicts and plain containers in a NumPy
``.npz`` archive.

The archive holds one array per tensor plus ``__structure__``, a JSON description of the
container tree (dicts, lists, tuples, numbers, strings, dtypes). Loading uses
``allow_pickle=False`` and only rebuilds those types, so an untrusted file cannot run code.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

import numpy as np

from . import _dtype as D
from ._tensor import Size, Tensor, wrap

__all__ = ["save", "load"]

_FORMAT = "chainrule-npz-1"


class _Writer:
    def __init__(self) -> None:
        self.arrays: dict = {}
        self.memo: dict = {}

    def array(self, arr: np.ndarray) -> str:
        key = f"a{len(self.arrays)}"
        self.arrays[key] = arr if arr.flags.c_contiguous else arr.copy()  # keeps 0-d shape
        return key

    def encode(self, obj: Any) -> Any:
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, (int, np.integer)) and not isinstance(obj, bool):
            return int(obj)
        if isinstance(obj, (float, np.floating)):
            return {"__float__": repr(float(obj))}
        if isinstance(obj, complex):
            return {"__complex__": [obj.real, obj.imag]}
        if isinstance(obj, Tensor):
            # tensors that appear twice are stored once and shared again on load
            if id(obj) in self.memo:
                return {"__ref__": self.memo[id(obj)]}
            from .nn.parameter import Parameter  # only reached when nn is already in use

            key = self.array(obj._data)
            self.memo[id(obj)] = key
            return {
                "__tensor__": key,
                "requires_grad": bool(obj._requires_grad),
                "parameter": isinstance(obj, Parameter),
            }
        if isinstance(obj, np.ndarray):
            return {"__ndarray__": self.array(obj)}
        if isinstance(obj, D.dtype):
            return {"__dtype__": obj.name}
        if isinstance(obj, Size):
            return {"__size__": list(obj)}
        if isinstance(obj, dict):
            return {
                "__dict__": [[self.encode(k), self.encode(v)] for k, v in obj.items()],
                "ordered": isinstance(obj, OrderedDict),
            }
        if isinstance(obj, tuple):
            return {"__tuple__": [self.encode(v) for v in obj]}
        if isinstance(obj, list):
            return [self.encode(v) for v in obj]
        if isinstance(obj, (set, frozenset)):
            return {"__set__": [self.encode(v) for v in obj]}
        raise TypeError(
            f"chainrule.save: cannot save an object of type {type(obj).__name__}; only tensors, "
            "numbers, strings, None, dtypes and lists/tuples/dicts of them are supported (save "
            "a module's state_dict(), not the module)"
        )


def _is_path(f: Any) -> bool:
    return isinstance(f, (str, os.PathLike))


def save(
    obj: Any,
    f: Any,
    pickle_module: Any = None,
    pickle_protocol: int = 2,
    _use_new_zipfile_serialization: bool = True,
) -> None:
    """Save tensors, state dicts and plain containers to a path or a binary file object.

    Example:
        >>> import io, chainrule as torch
        >>> buf = io.BytesIO()
        >>> torch.save({"w": torch.ones(2), "step": 3}, buf); _ = buf.seek(0)
        >>> torch.load(buf)
        {'w': tensor([1., 1.]), 'step': 3}
    """
    import json  # imported on use: keeps ``import chainrule`` light

    w = _Writer()
    tree = {"format": _FORMAT, "root": w.encode(obj)}
    meta = np.frombuffer(json.dumps(tree).encode("utf-8"), dtype=np.uint8)
    arrays = dict(w.arrays)
    arrays["__structure__"] = meta
    if _is_path(f):
        # open ourselves: np.savez would append ".npz" to a path without that suffix
        with open(f, "wb") as fh:
            np.savez(fh, **arrays)
    else:
        np.savez(f, **arrays)


class _Reader:
    def __init__(self, archive: Any) -> None:
        self.archive = archive
        self.cache: dict = {}

    def decode(self, node: Any) -> Any:
        if node is None or isinstance(node, (bool, int, str)):
            return node
        if isinstance(node, list):
            return [self.decode(v) for v in node]
        if not isinstance(node, dict):
            raise RuntimeError(f"chainrule.load: malformed file (unexpected {type(node).__name__})")
        if "__float__" in node:
            return float(node["__float__"])
        if "__complex__" in node:
            re, im = node["__complex__"]
            return complex(re, im)
        if "__tensor__" in node:
            key = node["__tensor__"]
            arr = self._array(key)
            if node.get("parameter"):
                from .nn.parameter import Parameter

                t = Parameter(wrap(arr), bool(node.get("requires_grad", True)))
            else:
                t = wrap(arr, bool(node.get("requires_grad", False)))
            self.cache[key] = t
            return t
        if "__ref__" in node:
            return self.cache[node["__ref__"]]
        if "__ndarray__" in node:
            return self._array(node["__ndarray__"])
        if "__dtype__" in node:
            return D._BY_NAME[node["__dtype__"]]
        if "__size__" in node:
            return Size(int(v) for v in node["__size__"])
        if "__dict__" in node:
            items = [(self._key(k), self.decode(v)) for k, v in node["__dict__"]]
            return OrderedDict(items) if node.get("ordered") else dict(items)
        if "__tuple__" in node:
            return tuple(self.decode(v) for v in node["__tuple__"])
        if "__set__" in node:
            return set(self._key(v) for v in node["__set__"])
        raise RuntimeError("chainrule.load: malformed file (unknown entry)")

    def _key(self, k: Any) -> Any:
        v = self.decode(k)
        return tuple(v) if isinstance(v, list) else v

    def _array(self, key: str) -> np.ndarray:
        if not isinstance(key, str) or key not in self.archive.files:
            raise RuntimeError(f"chainrule.load: malformed file (missing array {key!r})")
        return np.array(self.archive[key])


def load(
    f: Any,
    map_location: Any = None,
    pickle_module: Any = None,
    *,
    weights_only: bool | None = None,
    mmap: Any = None,
    **pickle_load_args: Any,
) -> Any:
    """Load what ``save`` wrote (from a path or a binary file object). No code is executed:
    the archive is read with ``allow_pickle=False``.

    Example:
        >>> import io, chainrule as torch
        >>> buf = io.BytesIO(); torch.save([torch.tensor([1, 2])], buf); _ = buf.seek(0)
        >>> torch.load(buf, weights_only=True)
        [tensor([1, 2])]
    """
    import io
    import json

    if map_location is not None:
        from ._tensor import check_device

        if not callable(map_location) and not isinstance(map_location, dict):
            check_device(map_location)
    if not _is_path(f) and isinstance(f, (bytes, bytearray)):
        f = io.BytesIO(f)
    try:
        archive = np.load(f, allow_pickle=False)
    except (ValueError, OSError) as exc:
        if _is_path(f) and not os.path.exists(f):
            raise FileNotFoundError(
                f"[Errno 2] No such file or directory: '{os.fspath(f)}'"
            ) from None
        raise RuntimeError(
            f"chainrule.load: not a chainrule file (expected a NumPy .npz archive): {exc}"
        ) from None
    with archive:
        if not hasattr(archive, "files") or "__structure__" not in archive.files:
            raise RuntimeError("chainrule.load: not a chainrule file (no __structure__ entry)")
        tree = json.loads(bytes(archive["__structure__"]).decode("utf-8"))
        if tree.get("format") != _FORMAT:
            raise RuntimeError(f"chainrule.load: unsupported format {tree.get('format')!r}")
        return _Reader(archive).decode(tree["root"])
