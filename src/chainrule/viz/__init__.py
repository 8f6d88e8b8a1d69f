"""Pictures of the graph: Graphviz DOT (SVG/PNG/PDF through ``dot`` when installed) and Mermaid.

``chainrule.viz.graph(y)`` reads ``y``'s graph (leaves, constants, one box per recorded op, with
the node names PyTorch uses) and returns a :class:`Graph`: ``.source`` (DOT), ``.mermaid``,
``.save(path)`` and Jupyter rendering. It reads the graph only; nothing runs backward.

Example:
    >>> import chainrule as torch
    >>> x = torch.tensor(0.5, requires_grad=True)
    >>> g = torch.viz.graph(torch.cos(x ** 2), names={"x": x})
    >>> "PowBackward0" in g.source and "CosBackward0" in g.mermaid
    True
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import numpy as np

from .._tensor import Tensor
from ..explain._core import Graph as _Graph
from ..explain._core import caller_tensors
from ..explain._render import DEFAULT_MAX_ELEMENTS, fmt_value

__all__ = ["graph", "Graph", "GraphvizMissing", "INSTALL_HINT"]

INSTALL_HINT = (
    "Graphviz's `dot` program is needed to write {ext} files and was not found on PATH. "
    "Install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install "
    "graphviz; conda: conda install graphviz), or save the picture as .dot (Graphviz source) or "
    ".mmd (Mermaid, no program needed)."
)
_CAT = {"tensor": "tensor {shape}", "summary": "", "unknown": "?"}


class GraphvizMissing(RuntimeError):
    """Raised when an image format needs Graphviz's ``dot`` and it is not installed."""


def _fmt(v: Any, max_elements: int) -> str:
    s = fmt_value(v, max_elements, _CAT)
    return s.replace(": ", "").strip()


def _shape(v: Any) -> str:
    return str(list(np.shape(v))) if v is not None else "?"


def _dot_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _mm_escape(s: str) -> str:
    return s.replace('"', "#quot;").replace("\n", "<br/>")


class Graph:
    """A picture of one graph. ``source`` is DOT; ``mermaid`` is a Mermaid flowchart."""

    def __init__(
        self,
        g: _Graph,
        show_values: bool,
        show_grads: bool,
        show_saved: bool,
        max_elements: int,
        derivation: Any = None,
        lang: str = "en",
    ) -> None:
        self._g = g
        self._words = _LABELS[lang]
        self.show_values = show_values
        self.show_grads = show_grads
        self.show_saved = show_saved
        self.max_elements = max_elements
        self._derivation = derivation

    # ------------------------------------------------------------ model
    def ids(self) -> dict:
        """{id(Var): "n<k>"}: stable node ids (also the SVG element ids)."""
        return {id(v): f"n{k}" for k, v in enumerate(self._g.vars)}

    def node_id(self, node: Any) -> str | None:
        """The picture's id for a graph node (op node or a leaf's AccumulateGrad)."""
        ids = self.ids()
        for v in self._g.vars:
            if v.node is node:
                return ids[id(v)]
        return None

    def _grad_of(self, v: Any) -> Any:
        if v.kind == "leaf":
            g = v.tensor._grad
            return None if g is None else g._data
        d = self._derivation
        if d is not None:
            for st in d.steps:
                if st.var is v:
                    return st.incoming
        return None

    def _items(self) -> tuple:
        me = self.max_elements
        nodes, edges = [], []
        ids = self.ids()
        for v in self._g.vars:
            nid = ids[id(v)]
            if v.kind == "op":
                lines = [f"{v.name} = {v.expr_py}", v.node.name()]
            else:
                lines = [v.name]
            w = self._words
            if v.value is not None:
                lines.append(f"{w['shape']} {_shape(v.value)}" if np.ndim(v.value) else w["scalar"])
            if self.show_values:
                lines.append(f"{w['value']} {_fmt(v.value, me)}")
            if self.show_grads:
                g = self._grad_of(v)
                if g is not None:
                    lines.append(f"{w['grad']} {_fmt(g, me)}")
            if self.show_saved and v.kind == "op" and v.op is not None and v.op.saves:
                lines.append(f"{w['saves']} " + ", ".join(v.op.saves))
            nodes.append((nid, v.kind, lines))
            if v.kind == "op":
                for o in v.operands:
                    if o.kind == "scalar":
                        continue
                    src = ids.get(id(o))
                    if src is not None:
                        edges.append((src, nid, _shape(o.value) if np.ndim(o.value) else ""))
        return nodes, edges

    # ------------------------------------------------------------ outputs
    @property
    def source(self) -> str:
        """Graphviz DOT source (forward direction: inputs at the top, the output at the bottom)."""
        nodes, edges = self._items()
        out = [
            "digraph chainrule {",
            '  graph [rankdir=TB, fontname="Helvetica"];',
            '  node [fontname="Helvetica", fontsize=11];',
            '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
        ]
        style = {
            "leaf": 'shape=box, style="rounded,filled", fillcolor="#dbeafe"',
            "const": 'shape=box, style="rounded,dashed", color="#888888"',
            "op": 'shape=box, style="filled", fillcolor="#fef3c7"',
        }
        for nid, kind, lines in nodes:
            label = _dot_escape("\n".join(lines))
            out.append(f'  {nid} [id="{nid}", label="{label}", {style[kind]}];')
        for src, dst, shape in edges:
            lab = f', label="{_dot_escape(shape)}"' if shape else ""
            out.append(f'  {src} -> {dst} [id="{src}_{dst}"{lab}];')
        out.append("}")
        return "\n".join(out) + "\n"

    @property
    def mermaid(self) -> str:
        """A Mermaid flowchart (renders in GitHub/GitLab Markdown inside a ```mermaid block)."""
        nodes, edges = self._items()
        out = ["flowchart TD"]
        for nid, kind, lines in nodes:
            text = _mm_escape("\n".join(lines))
            shape = (
                ('(["', '"])')
                if kind == "leaf"
                else (('["', '"]') if kind == "op" else ('[/"', '"/]'))
            )
            out.append(f"  {nid}{shape[0]}{text}{shape[1]}")
        for src, dst, shape in edges:
            lab = f'|"{_mm_escape(shape)}"| ' if shape else ""
            out.append(f"  {src} --> {lab}{dst}")
        return "\n".join(out) + "\n"

    def pipe(self, format: str = "svg") -> bytes:  # noqa: A002 - Graphviz's own word
        """Render with Graphviz's ``dot`` (``format``: svg, png, pdf)."""
        exe = shutil.which("dot")
        if exe is None:
            raise GraphvizMissing(INSTALL_HINT.format(ext="." + format))
        res = subprocess.run(
            [exe, f"-T{format}"], input=self.source.encode(), capture_output=True, check=False
        )
        if res.returncode != 0:
            raise RuntimeError(
                f"Graphviz dot failed: {res.stderr.decode(errors='replace').strip()}"
            )
        return res.stdout

    def save(self, path: str | os.PathLike) -> str:
        """Write ``.dot``/``.gv`` (source), ``.mmd`` (Mermaid), or ``.svg``/``.png``/``.pdf``."""
        path = os.fspath(path)
        ext = os.path.splitext(path)[1].lower()
        if ext in (".dot", ".gv", ""):
            data: bytes = self.source.encode()
        elif ext in (".mmd", ".mermaid"):
            data = self.mermaid.encode()
        elif ext in (".svg", ".png", ".pdf"):
            data = self.pipe(ext[1:])
        else:
            raise ValueError(
                f"viz: cannot write {ext!r} files; use .dot, .gv, .mmd, .svg, .png or .pdf"
            )
        with open(path, "wb") as f:
            f.write(data)
        return path

    def svg(self) -> str | None:
        """The SVG as text, or None when Graphviz is not installed."""
        try:
            return self.pipe("svg").decode()
        except GraphvizMissing:
            return None

    # ------------------------------------------------------------ Jupyter
    def _repr_svg_(self) -> str | None:
        return self.svg()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        svg = self.svg()
        if svg is not None:
            return {"image/svg+xml": svg, "text/plain": self.source}
        return {"text/markdown": f"```mermaid\n{self.mermaid}```", "text/plain": self.source}

    def __repr__(self) -> str:
        return self.source


def graph(
    y: Any,
    names: dict | None = None,
    show_values: bool = True,
    show_grads: bool = True,
    show_saved: bool = False,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
    lang: str | None = None,
) -> Graph:
    """A picture of ``y``'s graph (``y`` a Tensor that requires grad, or a Derivation).

    Leaves show name, shape, value and (after backward) grad; op boxes show the expression and
    PyTorch's node name; edges show shapes. ``names`` maps names to tensors (default: the
    caller's variable names). Given a Derivation, intermediate boxes also show their gradients.
    ``lang`` (``"en"`` or ``"zh"``) picks the label words; by default a Derivation's language,
    else the locale's (as ``explain``).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> print(torch.viz.graph((x * x).sum()).mermaid.splitlines()[0])
        flowchart TD
    """
    derivation = None
    if not isinstance(y, Tensor) and hasattr(y, "graph") and hasattr(y, "steps"):
        derivation = y
        g = y.graph
    else:
        if not isinstance(y, Tensor):
            raise TypeError(f"viz.graph() expects a Tensor or a Derivation, got {type(y).__name__}")
        if not y.requires_grad:
            raise RuntimeError(
                "viz.graph(): the tensor does not require grad and has no grad_fn, so there is "
                "no graph to draw"
            )
        g = _Graph(y, names, caller_tensors(2))
        g.infer_constants()
        for v in g.vars:
            if v.kind == "op":
                v.tree = None
                g._exprs(v)
    if lang is None:
        lang = getattr(derivation, "lang", None)
    if lang is None:
        from ..explain import default_lang

        lang = default_lang()
    if lang not in _LABELS:
        raise ValueError(f"viz.graph(): lang must be one of {sorted(_LABELS)}, got {lang!r}")
    return Graph(g, show_values, show_grads, show_saved, max_elements, derivation, lang)


# the words inside the boxes, per language
_LABELS = {
    "en": {
        "shape": "shape",
        "scalar": "scalar",
        "value": "value",
        "grad": "grad",
        "saves": "saves",
    },
    "zh": {"shape": "形状", "scalar": "标量", "value": "值", "grad": "梯度", "saves": "保存"},
}
