"""One self-contained HTML page: the graph picture beside the steps, with Next/Back stepping.

No network access and no external scripts: the style and the script are inline and the picture
is Graphviz's SVG inlined (without Graphviz the page shows the steps and how to get the picture).
"""

from __future__ import annotations

import html
import json
from typing import Any

from ._catalog import catalog

UI = {
    "en": {
        "back": "◀ Back",
        "next": "Next ▶",
        "step": "step",
        "of": "of",
        "nopic": "The picture needs Graphviz's dot program (Debian/Ubuntu: sudo apt-get install "
        "graphviz; macOS: brew install graphviz). The steps work without it.",
        "keys": "Keys: ← → step through the backward pass.",
    },
    "zh": {
        "back": "◀ 上一步",
        "next": "下一步 ▶",
        "step": "第",
        "of": "/",
        "nopic": "要显示计算图,需要 Graphviz 的 dot 程序(Debian/Ubuntu:sudo apt-get install graphviz;"
        "macOS:brew install graphviz)。没有它,步骤照样可以逐步查看。",
        "keys": "按键:← → 逐步查看反向传播。",
    },
}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,"Noto Sans CJK SC",sans-serif;
margin:0;color:#1f2937;background:#f9fafb}
header{padding:12px 20px;background:#111827;color:#f9fafb}
header h1{font-size:18px;margin:0}
main{display:flex;gap:16px;padding:16px;align-items:flex-start}
#picture{flex:1 1 45%;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:8px;
overflow:auto;position:sticky;top:8px}
#picture svg{max-width:100%;height:auto}
#steps{flex:1 1 55%}
.step{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:8px 12px;margin:0 0 8px;
opacity:.45}
.step.active{opacity:1;border-color:#dc2626;box-shadow:0 0 0 2px #fecaca}
.step h2{font-size:15px;margin:4px 0}
.step ul{margin:4px 0;padding-left:18px}
.step li{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;white-space:pre-wrap}
nav{display:flex;gap:8px;align-items:center;margin:0 0 10px}
button{font-size:14px;padding:6px 14px;border-radius:6px;border:1px solid #9ca3af;background:#fff;
cursor:pointer}
button:disabled{opacity:.4;cursor:default}
.hl polygon,.hl path,.hl ellipse{stroke:#dc2626 !important;stroke-width:3px}
.hl text{font-weight:bold}
.nopic{color:#6b7280;font-size:14px}
"""

JS = """
(function(){
  var steps = JSON.parse(document.getElementById('steps-data').textContent);
  var boxes = document.querySelectorAll('.step');
  var cur = 0;
  function show(i){
    cur = Math.max(0, Math.min(steps.length - 1, i));
    var old = document.querySelectorAll('.hl');
    for (var k = 0; k < old.length; k++) old[k].classList.remove('hl');
    var ids = steps[cur].ids || [];
    for (var j = 0; j < ids.length; j++){
      var el = document.getElementById(ids[j]);
      if (el) el.classList.add('hl');
    }
    for (var b = 0; b < boxes.length; b++) boxes[b].classList.toggle('active', b === cur);
    document.getElementById('counter').textContent = (cur + 1) + ' / ' + steps.length;
    document.getElementById('back').disabled = cur === 0;
    document.getElementById('next').disabled = cur === steps.length - 1;
    document.body.setAttribute('data-step', String(cur));
    if (boxes[cur] && boxes[cur].scrollIntoView) boxes[cur].scrollIntoView({block: 'nearest'});
  }
  document.getElementById('back').addEventListener('click', function(){ show(cur - 1); });
  document.getElementById('next').addEventListener('click', function(){ show(cur + 1); });
  document.addEventListener('keydown', function(e){
    if (e.key === 'ArrowRight') show(cur + 1);
    if (e.key === 'ArrowLeft') show(cur - 1);
  });
  show(0);
})();
"""


def _groups(d: Any, lang: str) -> list:
    """Split the derivation's lines into pages: forward pass, start, each step, result."""
    groups: list = []
    cur = None
    for k, ln in enumerate(d.lines(lang)):
        if ln.kind == "h":
            if k == 0:  # the title
                continue
            cur = {"title": ln.text, "lines": [], "node": None}
            groups.append(cur)
        elif ln.kind == "sub":
            cur = {"title": ln.text, "lines": [], "node": ln.node}
            groups.append(cur)
        elif cur is not None:
            cur["lines"].append(ln.text + (f"   {ln.note}" if ln.note else ""))
    return [g for g in groups if g["lines"] or g["node"] is not None]


def page(d: Any, lang: str | None, svg: str | None = None) -> str:
    """The HTML page for Derivation ``d`` (``svg``: Graphviz SVG of its graph, if available)."""
    from .. import viz

    ui = UI["zh" if catalog(lang) is catalog("zh") else "en"]
    pic = viz.graph(d)
    if svg is None:
        svg = pic.svg()
    groups = _groups(d, lang)
    steps = []
    for g in groups:
        ids = []
        if g["node"] is not None:
            nid = pic.node_id(g["node"])
            if nid is not None:
                ids.append(nid)
                # the edges into this node (its inputs), as the picture names them
                for src, dst, _ in pic._items()[1]:
                    if dst == nid:
                        ids.append(f"{src}_{dst}")
        steps.append({"title": g["title"], "ids": ids})
    if svg:
        picture = svg[svg.find("<svg") :] if "<svg" in svg else svg
    else:
        picture = f'<p class="nopic">{html.escape(ui["nopic"])}</p>'
    parts = []
    for k, g in enumerate(groups):
        lines = "".join(f"<li>{html.escape(x)}</li>" for x in g["lines"])
        parts.append(
            f'<section class="step" id="step-{k}"><h2>{html.escape(g["title"])}</h2>'
            f"<ul>{lines}</ul></section>"
        )
    title = html.escape(d.lines(lang)[0].text)
    data = json.dumps(steps, ensure_ascii=False).replace("</", "<\\/")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{"zh" if ui is UI["zh"] else "en"}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{title}</h1></header>"
        f'<main><div id="picture">{picture}</div><div id="steps">'
        f'<nav><button id="back" type="button">{ui["back"]}</button>'
        f'<button id="next" type="button">{ui["next"]}</button>'
        f'<span id="counter"></span> <small>{html.escape(ui["keys"])}</small></nav>'
        + "".join(parts)
        + "</div></main>"
        f'<script type="application/json" id="steps-data">{data}</script>'
        f"<script>{JS}</script></body></html>\n"
    )
