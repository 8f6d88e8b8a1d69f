"""The Derivation: structured lines, printed as plain text, Markdown, LaTeX or an HTML page."""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from . import _sym as S
from ._catalog import catalog
from ._core import Graph, Var

DEFAULT_MAX_ELEMENTS = 8


def fmt_value(v: Any, max_elements: int, cat: dict) -> str:
    """Scalars and small tensors in full, larger ones by shape and a short summary."""
    if v is None:
        return cat["unknown"]
    a = np.asarray(v)
    if a.dtype.kind == "b":
        a = a.astype(np.float64)
    if a.dtype.kind == "c":
        return str(a.tolist())
    if a.ndim == 0:
        return S.fmt_num(float(a))
    if a.size <= max_elements:
        return _nested(a.tolist())
    summary = cat["summary"].format(
        mean=S.fmt_num(float(a.mean())),
        min=S.fmt_num(float(a.min())),
        max=S.fmt_num(float(a.max())),
    )
    return cat["tensor"].format(shape=list(a.shape), summary=summary)


def _nested(x: Any) -> str:
    if isinstance(x, list):
        return "[" + ", ".join(_nested(e) for e in x) + "]"
    return S.fmt_num(float(x))


def _collapse(v: Any) -> Any:
    """A tensor whose elements are all equal shown as that one number."""
    a = np.asarray(v)
    if a.size >= 1 and a.ndim > 0 and np.all(a == a.reshape(-1)[0]):
        return a.reshape(-1)[0]
    return a


def _local(ed, cat: dict) -> str:
    """The edge's local-derivative text in the catalogue's language."""
    from ._catalog import ZH

    return ed.local_txt_zh if cat is ZH else ed.local_txt


def _paren_txt(s: str) -> str:
    if not s:
        return s
    simple = s.replace(".", "").replace("_", "").isalnum()
    return s if simple or _is_call(s) else f"({s})"


def _is_call(s: str) -> bool:
    """``cos(v3)``: a name applied to one parenthesised argument needs no more parentheses."""
    i = s.find("(")
    if i <= 0 or not s.endswith(")") or not s[:i].replace("_", "").isalnum():
        return False
    depth = 0
    for k, ch in enumerate(s[i:], i):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and k != len(s) - 1:
            return False
    return True


def _paren_num(s: str) -> str:
    return f"({s})" if s.startswith("-") else s


class Line:
    """kind: "h" (section), "sub" (step header), "eq" (equation + note), "p" (prose)."""

    __slots__ = ("kind", "text", "tex", "note", "node")

    def __init__(
        self, kind: str, text: str, tex: str | None = None, note: str = "", node: Any = None
    ):
        self.kind = kind
        self.text = text
        self.tex = tex
        self.note = note
        self.node = node  # the graph node a step is about (for the HTML page)


class Derivation:
    """The backward pass of one output, step by step (``print(d)``, ``d.to_markdown()`` ...).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor(0.5, requires_grad=True)
        >>> d = torch.explain(torch.cos(x ** 2), lang="en")
        >>> x.grad
        tensor(-0.2474)
        >>> print(d.to_text().splitlines()[0])
        How autograd computes the gradient of y
    """

    def __init__(
        self,
        graph: Graph,
        steps: list,
        results: tuple | None,
        inputs: tuple | None,
        gradient_given: Any,
        formulas: dict,
        lang: str | None,
        max_elements: int,
    ) -> None:
        self.graph = graph
        self.steps = steps
        self.results = results
        self.inputs = inputs
        self.gradient_given = gradient_given
        self.formulas = formulas
        self.lang = lang
        self.max_elements = max_elements

    # ------------------------------------------------------------ data access
    @property
    def output_name(self) -> str:
        return self.graph.by_key[self.graph.root_key].name

    @property
    def grads(self) -> dict:
        """{leaf name: gradient array (None where no gradient arrived)}."""
        out = {}
        if self.inputs is not None:
            for t, g in zip(self.inputs, self.results):
                out[self._name_of(t)] = None if g is None else np.asarray(g._data)
            return out
        for v in self.graph.vars:
            if v.kind == "leaf":
                g = v.tensor._grad
                out[v.name] = None if g is None else np.asarray(g._data)
        return out

    def _name_of(self, t: Any) -> str:
        for v in self.graph.vars:
            if v.tensor is t:
                return v.name
        fn = getattr(t, "_grad_fn", None)
        if fn is not None:
            v = self.graph.by_key.get((fn, t._output_nr))
            if v is not None:
                return v.name
        return "?"

    # ------------------------------------------------------------ structured lines
    def lines(self, lang: str | None = None) -> list:
        cat = catalog(lang or self.lang)
        me = self.max_elements
        fv = lambda v: fmt_value(v, me, cat)  # noqa: E731
        g = self.graph
        Y = self.output_name
        tn = lambda n: S.latex_name(n)  # noqa: E731
        out = [Line("h", cat["title"].format(y=Y))]
        # forward
        out.append(Line("h", cat["forward"]))
        for v in g.vars:
            if v.kind == "leaf":
                txt = f"{v.name} = {fv(v.value)}"
                out.append(
                    Line(
                        "eq",
                        txt,
                        f"{tn(v.name)} = {_tex_val(fv(v.value))}",
                        cat["leaf_note"],
                        v.node,
                    )
                )
            elif v.kind == "const":
                txt = f"{v.name} = {fv(v.value)}"
                out.append(
                    Line(
                        "eq",
                        txt,
                        f"{tn(v.name)} = {_tex_val(fv(v.value))}",
                        cat["const_note"],
                        None,
                    )
                )
            elif v.kind == "op":
                txt = f"{v.name} = {v.expr_py} = {fv(v.value)}"
                rhs = (
                    S.latex(v.tree)
                    if v.tree is not None
                    else rf"\texttt{{{_tex_escape(v.expr_py)}}}"
                )
                tex = f"{tn(v.name)} = {rhs} = {_tex_val(fv(v.value))}"
                out.append(Line("eq", txt, tex, f"[{v.node.name()}]", v.node))
        # backward
        out.append(Line("h", cat["backward"]))
        root = g.by_key[g.root_key]
        seed = self.gradient_given
        if seed is None:
            out.append(
                Line(
                    "eq",
                    cat["start"].format(y=Y, g="1"),
                    rf"\frac{{\partial {tn(Y)}}}{{\partial {tn(Y)}}} = 1",
                )
            )
        else:
            out.append(Line("p", cat["start_given"].format(y=Y, g=fv(seed))))
        said_elementwise = False
        for st in self.steps:
            v = st.var
            if st.kind == "leaf":
                out.append(Line("sub", cat["step_leaf"].format(k=st.k, x=v.name), node=v.node))
                self._fanin(out, st, v, Y, cat, fv)
                if self.inputs is not None:
                    continue
                if st.old is not None:
                    out.append(
                        Line(
                            "eq",
                            cat["acc_sum"].format(
                                x=v.name,
                                old=fv(st.old),
                                g=_paren_num(fv(st.incoming)),
                                new=fv(st.new),
                            ),
                            None,
                        )
                    )
                else:
                    out.append(
                        Line(
                            "eq",
                            cat["acc"].format(x=v.name, g=fv(st.incoming)),
                            rf"{tn(v.name)}.\mathrm{{grad}} = {_tex_val(fv(st.incoming))}",
                        )
                    )
                continue
            out.append(
                Line(
                    "sub",
                    cat["step"].format(k=st.k, v=v.name, expr=v.expr_py, node=v.node.name()),
                    node=v.node,
                )
            )
            self._fanin(out, st, v, Y, cat, fv)
            inc_sym = f"∂{Y}/∂{v.name}"
            inc_tex = rf"\frac{{\partial {tn(Y)}}}{{\partial {tn(v.name)}}}"
            any_array = False
            for ed in st.edges:
                u = ed.operand
                if u.kind == "const":
                    out.append(
                        Line(
                            "p",
                            cat["cut"].format(
                                c=u.name, v=v.name, expr=v.expr_py, reason=_reason(u, cat)
                            ),
                        )
                    )
                    continue
                lhs = f"∂{Y}/∂{u.name}"
                lhs_tex = rf"\frac{{\partial {tn(Y)}}}{{\partial {tn(u.name)}}}"
                if ed.via:
                    via = cat["via"].format(v=v.name if ed.via is True else f"{v.name}, {ed.via}")
                    lhs += " " + via
                    lhs_tex += r"\ \text{" + _tex_escape(via) + "}"
                if ed.raw is None:
                    continue
                if np.ndim(ed.raw) > 0 or np.ndim(st.incoming) > 0:
                    any_array = True
                if ed.local_val is not None and st.elementwise:
                    loc = _local(ed, cat) or cat["unknown"]
                    lv = fv(_collapse(ed.local_val))
                    txt = (
                        f"{lhs} = {inc_sym} · {_paren_txt(loc)} = {fv(st.incoming)} · "
                        f"{_paren_num(lv)} = {fv(ed.raw)}"
                    )
                    loc_tex = ed.local_tex or rf"\text{{{_tex_escape(loc)}}}"
                    tex = (
                        rf"{lhs_tex} = {inc_tex} \cdot \left({loc_tex}\right) = "
                        rf"{_tex_val(fv(st.incoming))} \cdot {_tex_val(_paren_num(lv))} = {_tex_val(fv(ed.raw))}"
                    )
                    out.append(Line("eq", txt, tex))
                else:
                    if ed.local_txt:
                        out.append(
                            Line(
                                "p",
                                cat["rule"].format(
                                    node=v.node.name(), u=u.name, formula=_local(ed, cat)
                                ),
                            )
                        )
                    txt = f"{lhs} = {fv(ed.raw)}"
                    out.append(Line("eq", txt, rf"{lhs_tex} = {_tex_val(fv(ed.raw))}"))
                if ed.dims:
                    out.append(
                        Line(
                            "p",
                            cat["broadcast"].format(
                                u=u.name,
                                small=list(np.shape(ed.final)),
                                big=list(np.shape(ed.raw)),
                                dims=_dims(ed.dims),
                            ),
                        )
                    )
                    out.append(
                        Line(
                            "eq",
                            f"{lhs} = {fv(ed.final)}",
                            rf"{lhs_tex} = {_tex_val(fv(ed.final))}",
                        )
                    )
            if any_array and st.elementwise and not said_elementwise:
                out.append(Line("p", cat["elementwise"]))
                said_elementwise = True
        # results
        out.append(Line("h", cat["result"]))
        if self.inputs is not None:
            for t, r in zip(self.inputs, self.results):
                name = self._name_of(t)
                if r is None:
                    out.append(Line("p", cat["result_none"].format(x=name, y=Y)))
                else:
                    txt = cat["result_ret"].format(y=Y, x=name, g=fv(r._data))
                    out.append(Line("eq", txt, _result_tex(Y, name, fv(r._data), txt)))
        else:
            for v in g.vars:
                if v.kind != "leaf":
                    continue
                reached = any(st.kind == "leaf" and st.var is v for st in self.steps)
                if not reached:
                    out.append(Line("p", cat["result_none"].format(x=v.name, y=Y)))
                    continue
                gv = v.tensor._grad
                gtxt = fv(gv._data if gv is not None else None)
                txt = cat["result_grad"].format(y=Y, x=v.name, g=gtxt)
                out.append(Line("eq", txt, _result_tex(Y, v.name, gtxt, txt)))
        for name, (tree, simp) in self.formulas.items():
            if self.inputs is not None and name not in [self._name_of(t) for t in self.inputs]:
                continue
            ftxt = S.text(tree)
            out.append(
                Line(
                    "eq",
                    cat["formula"].format(y=Y, x=name, f=ftxt),
                    rf"\frac{{d {tn(Y)}}}{{d {tn(name)}}} = {S.latex(tree)}",
                )
            )
            mine = S.text(tree, "py").replace(" ", "")
            if simp and len(simp.replace(" ", "")) < len(mine):  # only when SymPy says it shorter
                out.append(Line("eq", cat["formula_simpl"].format(y=Y, x=name, f=simp), None))
        _ = root
        return out

    def _fanin(self, out: list, st: Any, v: Var, Y: str, cat: dict, fv: Any) -> None:
        if len(st.contribs) > 1:
            terms = " + ".join(
                fv(c) if i == 0 else _paren_num(fv(c)) for i, (_, c) in enumerate(st.contribs)
            )
            out.append(
                Line(
                    "p",
                    cat["fanin"].format(
                        u=v.name, n=len(st.contribs), y=Y, terms=terms, g=fv(st.incoming)
                    ),
                )
            )

    # ------------------------------------------------------------ formats
    def to_text(self, lang: str | None = None) -> str:
        """Plain text for terminals."""
        res = []
        in_step = False
        for ln in self.lines(lang):
            if ln.kind == "h":
                if res:
                    res.append("")
                res.append(ln.text)
                in_step = False
            elif ln.kind == "sub":
                res.append("  " + ln.text)
                in_step = True
            else:
                indent = "      " if in_step else "  "
                res.append(indent + ln.text + (f"   {ln.note}" if ln.note else ""))
        return "\n".join(res) + "\n"

    def to_markdown(self, lang: str | None = None) -> str:
        """Markdown (headings, one list item per line, equations as code)."""
        res = []
        first = True
        in_step = False
        for ln in self.lines(lang):
            ind = "  " if in_step else ""
            if ln.kind == "h":
                res.append(("## " if first else "\n### ") + ln.text + "\n")
                first = False
                in_step = False
            elif ln.kind == "sub":
                res.append(f"- **{_md_escape(ln.text)}**")
                in_step = True
            elif ln.kind == "eq":
                note = f" {_md_escape(ln.note)}" if ln.note else ""
                res.append(f"{ind}- `{ln.text}`{note}")
            else:
                res.append(f"{ind}- {_md_escape(ln.text)}")
        return "\n".join(res) + "\n"

    def to_latex(self, lang: str | None = None, standalone: bool = False) -> str:
        """LaTeX (amsmath): math as ``align*``, sentences as text. ``standalone`` adds a preamble
        (with xeCJK for Chinese: compile with xelatex)."""
        lang = lang or self.lang
        res = []
        in_align = False

        def close():
            nonlocal in_align
            if in_align:
                res[-1] = res[-1].rstrip(" \\")
                res.append(r"\end{align*}")
                in_align = False

        for ln in self.lines(lang):
            if ln.kind in ("h", "sub", "p") or ln.tex is None:
                close()
                t = _tex_prose(ln.text + (f"   {ln.note}" if ln.note and ln.tex is None else ""))
                if ln.kind == "h":
                    res.append(rf"\subsection*{{{t}}}")
                elif ln.kind == "sub":
                    res.append(rf"\paragraph{{{t}}}")
                else:
                    res.append(t + r"\par")
            else:
                if not in_align:
                    res.append(r"\begin{align*}")
                    in_align = True
                note = rf" && \text{{{_tex_escape(ln.note)}}}" if ln.note else ""
                row = ln.tex if "&=" in ln.tex else ln.tex.replace(" = ", " &= ", 1)
                res.append(f"  {row}{note} \\\\")
        close()
        body = "\n".join(res) + "\n"
        if not standalone:
            return body
        pre = ["\\documentclass{article}", "\\usepackage{amsmath}"]
        if (lang or "") == "zh" or any("\u4e00" <= ch <= "\u9fff" for ch in body):
            pre.append("\\usepackage{xeCJK}")
        return "\n".join(pre) + "\n\\begin{document}\n" + body + "\\end{document}\n"

    def to_html(self, lang: str | None = None, svg: str | None = None) -> str:
        """One self-contained page: the graph beside the steps, with Next/Back stepping."""
        from ._html import page

        return page(self, lang or self.lang, svg)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        """All of it as one MathJax-friendly ``aligned`` block (sentences as ``\\text``)."""
        rows = []
        for ln in self.lines():
            if ln.tex is not None:
                rows.append(ln.tex if "&=" in ln.tex else ln.tex.replace(" = ", " &= ", 1))
            else:
                note = f"   {ln.note}" if ln.note else ""
                rows.append(r"&\text{" + _tex_escape(ln.text + note) + "}")
        return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"


def _result_tex(Y: str, x: str, g: str, txt: str) -> str:
    i = txt.find("   ")
    note = txt[i:].strip() if i >= 0 else ""
    tex = rf"\frac{{\partial {S.latex_name(Y)}}}{{\partial {S.latex_name(x)}}} = {_tex_val(g)}"
    return tex + (rf" && \text{{{_tex_escape(note)}}}" if note else "")


def _reason(c: Var, cat: dict) -> str:
    r = c.reason or ("unknown",)
    if r[0] == "nograd":
        s = cat["why_nograd"].format(src=r[1])
        if len(r) > 2 and r[2]:
            s += cat["at_line"].format(file=r[2][0], line=r[2][1])
        return s
    if r[0] == "detach":
        return cat["why_detach"].format(src=r[1] or "?")
    if r[0] == "plain":
        return cat["why_plain"]
    return cat["why_unknown"]


def _dims(d: tuple) -> str:
    return str(d[0]) if len(d) == 1 else str(tuple(d))


_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "_": r"\_",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "^": r"\^{}",
    "~": r"\~{}",
}
_TEX_MATH = {
    "∂": r"$\partial$",
    "·": r"$\cdot$",
    "²": r"$^2$",
    "³": r"$^3$",
    "‖": r"$\|$",
    "√": r"$\surd$",
    "σ": r"$\sigma$",
    "π": r"$\pi$",
    "≤": r"$\le$",
}


_TEX_TABLE = str.maketrans({**_TEX_MATH, **_TEX_SPECIAL})


def _tex_escape(s: str) -> str:
    return s.translate(_TEX_TABLE)


def _tex_prose(s: str) -> str:
    return _tex_escape(s)


def _tex_val(s: str) -> str:
    if s and (s[0].isdigit() or s[0] in "-[(" or s in ("nan", "inf")):
        return s
    return rf"\text{{{_tex_escape(s)}}}"


def _md_escape(s: str) -> str:
    return s.replace("*", r"\*").replace("_", r"\_")


_ = html
