"""The command line: ``chainrule explain|grad|demo`` (run in-process and as ``python -m``)."""

import os
import subprocess
import sys
import time

import pytest

from chainrule.__main__ import ExprError, evaluate, main

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def run(capsys, *argv):
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_explain_seed(capsys):
    rc, out, _ = run(capsys, "explain", "cos(x**2)", "--at", "x=0.5", "--lang", "en")
    assert rc == 0
    assert "v1 = x ** 2 = 0.25   [PowBackward0]" in out
    assert "∂y/∂v1 = ∂y/∂y · (-sin(v1)) = 1 · (-0.2474) = -0.2474" in out
    assert "x.grad = -0.2474" in out


def test_explain_zh(capsys):
    rc, out, _ = run(capsys, "explain", "cos(x**2)", "--at", "x=0.5", "--lang", "zh")
    assert rc == 0 and "反向传播" in out and "第 1 步" in out


@pytest.mark.parametrize(
    "fmt,needle", [("md", "### "), ("latex", r"\begin{align*}"), ("text", "Step 1")]
)
def test_formats(capsys, fmt, needle):
    rc, out, _ = run(
        capsys, "explain", "sin(x) * x", "--at", "x=1", "--format", fmt, "--lang", "en"
    )
    assert rc == 0 and needle in out


def test_vectors_matrices_and_several_variables(capsys):
    rc, out, _ = run(
        capsys, "explain", "(x + b).sum()", "--at", "x=[1, 2, 3]", "b=2", "--lang", "en"
    )
    assert rc == 0 and "b.grad = 3" in out and "x.grad = [1, 1, 1]" in out
    rc, out, _ = run(
        capsys, "grad", "(W * x).sum()", "--at", "W=[[1, 2], [3, 4]]", "--at", "x=[1, -1]"
    )
    assert rc == 0
    assert out.splitlines() == ["value: -2", "d/dW: [[1, -1], [1, -1]]", "d/dx: [4, 6]"]


def test_methods_and_namespaces(capsys):
    rc, out, _ = run(capsys, "grad", "torch.exp(x).mean() + x.norm()", "--at", "x=[3, 4]")
    assert rc == 0 and out.startswith("value: ")


def test_non_scalar_expression_uses_ones(capsys):
    rc, out, _ = run(capsys, "grad", "x * x", "--at", "x=[1, 2]")
    assert rc == 0 and "d/dx: [2, 4]" in out


@pytest.mark.parametrize(
    "expr,msg",
    [
        ("__import__('os').system('echo hacked')", "unknown method .system()"),
        ("__import__('os')", "unknown function '__import__'"),
        ("x.__class__", "unsupported attribute"),
        ("open('f')", "unknown function 'open'"),
        ("foo(x)", "unknown function 'foo'"),
        ("x +", "cannot parse"),
        ("x + z", "unknown name 'z'"),
        ("[i for i in x]", "unsupported syntax: ListComp"),
        ("lambda: 1", "unsupported syntax: Lambda"),
        ("x.sum.__globals__", "unsupported attribute"),
        ("2 + 3", "does not depend on any --at variable"),
    ],
)
def test_bad_expressions_exit_2(capsys, expr, msg):
    rc, out, err = run(capsys, "explain", expr, "--at", "x=1")
    assert rc == 2
    assert msg in err and len(err.strip().splitlines()) == 1
    assert "hacked" not in out


@pytest.mark.parametrize("at", ["x", "x=abc", "1x=2", "x=[1, 'a']"])
def test_bad_at_values(capsys, at):
    rc, _, err = run(capsys, "grad", "x", "--at", at)
    assert rc == 2 and err.startswith("chainrule: error:")


def test_evaluate_never_calls_eval():
    import chainrule

    x = chainrule.tensor([1.0, 2.0])
    assert evaluate("x.sum() * pi", {"x": x}).item() == pytest.approx(3 * 3.14159265, rel=1e-6)
    with pytest.raises(ExprError):
        evaluate("().__class__", {})


def test_graph_files(tmp_path, capsys):
    p = tmp_path / "g.dot"
    rc, _, _ = run(capsys, "explain", "cos(x**2)", "--at", "x=0.5", "--graph", str(p))
    assert rc == 0 and "CosBackward0" in p.read_text()
    p = tmp_path / "g.mmd"
    rc, _, _ = run(capsys, "explain", "cos(x**2)", "--at", "x=0.5", "--graph", str(p))
    assert rc == 0 and p.read_text().startswith("flowchart TD")


def test_graph_svg_without_graphviz(tmp_path, capsys, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    rc, _, err = run(
        capsys, "explain", "cos(x**2)", "--at", "x=0.5", "--graph", str(tmp_path / "g.svg")
    )
    assert rc == 1 and "apt-get install graphviz" in err


def test_output_file(tmp_path, capsys):
    p = tmp_path / "d.md"
    rc, out, _ = run(
        capsys, "explain", "cos(x**2)", "--at", "x=0.5", "--format", "md", "-o", str(p)
    )
    assert rc == 0 and out == "" and p.read_text(encoding="utf-8").startswith("## ")


def test_demo_in_process(capsys):
    rc, out, _ = run(capsys, "demo", "--lang", "en")
    assert rc == 0
    first = out.splitlines()[0]
    assert "0.9689" in first and "-0.2474" in first
    assert "x.grad is 2, not 5" in out


def test_demo_subprocess_is_fast():
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t = time.perf_counter()
    res = subprocess.run(
        [sys.executable, "-m", "chainrule", "demo", "1", "--lang", "en"],
        capture_output=True,
        env=env,
        timeout=60,
    )
    elapsed = time.perf_counter() - t
    assert res.returncode == 0, res.stderr.decode()
    out = res.stdout.decode()
    assert "value 0.9689" in out and "gradient dy/dx = -0.2474" in out
    assert elapsed < 3.0  # well under a second on a normal machine; generous for CI


def test_no_command_prints_help(capsys):
    rc, out, _ = run(capsys)
    assert rc == 2 and "explain" in out


def test_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    p = tmp_path / "f.png"
    rc, _, _ = run(
        capsys, "explain", "cos(x**2)", "--at", "x=0.5", "--plot", str(p), "--plot-range", "-2", "2"
    )
    assert rc == 0 and p.read_bytes()[:4] == b"\x89PNG"


def test_plot_needs_one_scalar_variable(tmp_path, capsys):
    rc, _, err = run(
        capsys, "explain", "x * y", "--at", "x=1", "y=2", "--plot", str(tmp_path / "f.png")
    )
    assert rc == 2 and "one scalar variable" in err


def test_plot_without_matplotlib(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    rc, _, err = run(capsys, "explain", "cos(x)", "--at", "x=1", "--plot", str(tmp_path / "f.png"))
    assert rc == 2 and "needs matplotlib" in err
