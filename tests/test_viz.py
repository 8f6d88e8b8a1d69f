"""chainrule.viz: DOT and Mermaid structure, files, Graphviz rendering when installed."""

import re
import shutil

import pytest

import chainrule as torch
from chainrule import viz

HAS_DOT = shutil.which("dot") is not None


def _seed_graph():
    x = torch.tensor(0.5, requires_grad=True)
    y = torch.cos(x**2)
    return x, y, torch.viz.graph(y, names={"x": x})


def test_dot_structure():
    x, y, g = _seed_graph()
    src = g.source
    assert src.startswith("digraph chainrule {") and src.rstrip().endswith("}")
    nodes = re.findall(r"^\s+(n\d+) \[id=", src, re.M)
    edges = re.findall(r"^\s+(n\d+) -> (n\d+)", src, re.M)
    assert nodes == ["n0", "n1", "n2"]
    assert edges == [("n0", "n1"), ("n1", "n2")]
    assert "PowBackward0" in src and "CosBackward0" in src
    assert 'label="x\\nscalar\\nvalue 0.5"' in src  # no grad before backward


def test_grads_appear_after_backward_and_from_derivation():
    x, y, g = _seed_graph()
    d = torch.explain(y, lang="en")
    assert "grad -0.2474" in g.source  # leaves: read at render time
    g2 = torch.viz.graph(d)
    assert "v1 = x ** 2\\nPowBackward0\\nscalar\\nvalue 0.25\\ngrad -0.2474" in g2.source


def test_edges_show_shapes_and_constants_are_dashed():
    a = torch.ones(2, 3, requires_grad=True)
    c = torch.tensor([1.0, 2.0, 3.0])
    g = torch.viz.graph((a * c).sum())
    assert 'label="[2, 3]"' in g.source and 'label="[3]"' in g.source
    assert "dashed" in g.source
    g_plain = torch.viz.graph((a * c).sum(), show_values=False, show_grads=False)
    assert "value" not in g_plain.source


def test_show_saved():
    x = torch.tensor(0.5, requires_grad=True)
    g = torch.viz.graph(torch.cos(x), show_saved=True)
    assert "saves self" in g.source


def test_mermaid():
    x, y, g = _seed_graph()
    m = g.mermaid
    assert m.splitlines()[0] == "flowchart TD"
    assert '  n0(["x<br/>scalar<br/>value 0.5"])' in m
    assert "  n0 --> n1" in m and "  n1 --> n2" in m


def test_save_dot_and_mermaid(tmp_path):
    x, y, g = _seed_graph()
    p = g.save(tmp_path / "g.dot")
    assert open(p).read() == g.source
    p = g.save(tmp_path / "g.mmd")
    assert open(p).read() == g.mermaid
    with pytest.raises(ValueError, match="cannot write '.xyz'"):
        g.save(tmp_path / "g.xyz")


def test_missing_graphviz_message(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    x, y, g = _seed_graph()
    with pytest.raises(viz.GraphvizMissing, match="apt-get install graphviz"):
        g.save(tmp_path / "g.svg")
    assert g._repr_svg_() is None
    assert "text/markdown" in g._repr_mimebundle_()


def test_needs_a_graph():
    with pytest.raises(RuntimeError, match="does not require grad"):
        torch.viz.graph(torch.tensor(1.0))
    with pytest.raises(TypeError):
        torch.viz.graph(3.0)


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz `dot` is not installed")
@pytest.mark.parametrize("ext", ["svg", "png", "pdf"])
def test_render_with_graphviz(tmp_path, ext):
    x, y, g = _seed_graph()
    p = g.save(tmp_path / f"g.{ext}")
    data = open(p, "rb").read()
    magic = {"svg": b"<svg", "png": b"\x89PNG", "pdf": b"%PDF"}[ext]
    assert magic in data[:400]


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz `dot` is not installed")
def test_svg_has_node_ids_for_highlighting():
    x, y, g = _seed_graph()
    svg = g.svg()
    for nid in ("n0", "n1", "n2", "n0_n1"):
        assert f'id="{nid}"' in svg
    assert g._repr_mimebundle_()["image/svg+xml"] == svg


def test_graph_labels_follow_the_language():
    import chainrule

    x = chainrule.tensor([1.0, 2.0], requires_grad=True)
    zh = chainrule.viz.graph((x * x).sum(), lang="zh").mermaid
    assert "形状 [2]" in zh and "值 [1, 2]" in zh and "标量" in zh and "value" not in zh
    en = chainrule.viz.graph((x * x).sum(), lang="en").mermaid
    assert "shape [2]" in en and "形状" not in en
    d = chainrule.explain((x * x).sum(), lang="zh")
    assert "梯度 [2, 4]" in chainrule.viz.graph(d).mermaid  # a Derivation's language
    with pytest.raises(ValueError, match="lang must be one of"):
        chainrule.viz.graph((x * x).sum(), lang="fr")
