"""Op modules that load on first use (``chainrule/ops/_lazy.py``): fresh interpreters only,
since the rest of the suite has long loaded them."""

import os
import subprocess
import sys
import textwrap

import pytest

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def run_fresh(code: str) -> str:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_import_leaves_the_lazy_modules_unloaded():
    out = run_fresh(
        """
        import sys
        import chainrule
        from chainrule.ops._lazy import LAZY_MODULES
        print(sorted(m for m in LAZY_MODULES if f"chainrule.ops.{m}" in sys.modules))
        """
    )
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "expr, module, expected",
    [
        ("torch.unique(torch.tensor([3, 1, 3]))", "extra", "tensor([1, 3])"),
        ("torch.tensor([3.0, 1.0]).kthvalue(1).values", "extra", "tensor(1.)"),
        ("torch.linalg.solve(torch.eye(2), torch.ones(2))", "decomp", "tensor([1., 1.])"),
        ("torch.linalg.cross(torch.eye(3)[0], torch.eye(3)[1])", "extra", "tensor([0., 0., 1.])"),
        ("torch.ones(2, 3).nbytes", "shape_more", "24"),
        ("torch.tensor([[1.0, 2.0]]).cholesky_inverse", "decomp", "<bound method"),
        ("torch.finfo(torch.float32).eps", "extra", "1.1920928955078125e-07"),
        ("torch.nn.functional.conv1d(torch.ones(1, 1, 3), torch.ones(1, 1, 2))", "nn_ops", ""),
    ],
)
def test_first_use_loads_the_module(expr, module, expected):
    out = run_fresh(
        f"""
        import sys
        import chainrule as torch
        value = {expr}
        print(f"chainrule.ops.{module}" in sys.modules)
        print(value)
        """
    )
    loaded, value = out.split("\n", 1)
    assert loaded == "True"
    assert value.startswith(expected)


def test_lazy_names_behave_as_eager_ones():
    out = run_fresh(
        """
        import chainrule as torch
        from chainrule import cdist                       # from-import of a lazy name
        x = torch.tensor([[0.0, 3.0]], requires_grad=True)
        d = cdist(x, torch.tensor([[4.0, 0.0]]))
        d.sum().backward()
        print(d.detach(), x.grad)
        print("unique" in dir(torch), "solve" in dir(torch.linalg))
        print(hasattr(torch.Tensor, "kthvalue"), callable(torch.Tensor.unique))
        t = torch.arange(6).reshape(2, 3)[:, 1:]
        print(t.storage_offset(), t.itemsize)
        """
    )
    lines = out.splitlines()
    assert lines[0] == "tensor([[5.]]) tensor([[-0.8000,  0.6000]])"
    assert lines[1:] == ["True True", "True True", "1 8"]


def test_unknown_names_raise_attribute_error_as_torch():
    out = run_fresh(
        """
        import chainrule as torch
        for get in (lambda: torch.no_such_op, lambda: torch.linalg.no_such_op,
                    lambda: torch.ones(1).no_such_op):
            try:
                get()
            except AttributeError as e:
                print(e)
        """
    )
    assert out.splitlines() == [
        "module 'chainrule' has no attribute 'no_such_op'",
        "module 'chainrule.linalg' has no attribute 'no_such_op'",
        "'Tensor' object has no attribute 'no_such_op'",
    ]


def test_manifest_is_up_to_date():
    """Regenerate the manifest in a fresh interpreter: a name added to a lazy module must be
    listed (else ``chainrule.<name>`` would fail before the module happens to be loaded)."""
    out = run_fresh(
        """
        from chainrule.ops import _lazy
        from chainrule.ops._lazy_manifest import MANIFEST
        fresh = _lazy.generate_manifest()
        stored = {m: {k: list(v) for k, v in e.items()} for m, e in MANIFEST.items()}
        print(fresh == stored)
        """
    )
    assert out.strip() == "True", (
        "run: python -c 'import chainrule.ops._lazy as m; m.write_manifest()' (then ruff format)"
    )


def test_manifest_rejects_a_module_that_replaces_a_name():
    """A lazy module may only add names: replacing one would change behaviour on loading."""
    out = run_fresh(
        """
        import chainrule
        from chainrule.ops import _lazy, _registry
        real = _lazy.importlib.import_module
        def import_and_replace(name):
            module = real(name)
            _registry.PUBLIC["exp"] = lambda x: x
            return module
        _lazy.importlib.import_module = import_and_replace
        try:
            _lazy.generate_manifest()
        except ValueError as e:
            print(e)
        """
    )
    assert out.strip() == "lazy module decomp replaces or removes public ['exp']"
