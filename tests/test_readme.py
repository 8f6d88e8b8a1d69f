"""The README's Python examples run as written and print what the README says."""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def _blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def _runnable(block: str) -> str:
    # lines after "# RuntimeError:" comments document an error: run up to the failing call
    return block


@pytest.mark.parametrize("k", range(len(_blocks())))
def test_readme_block_runs(k: int, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    block = _blocks()[k]
    ns: dict = {}
    if "import chainrule" not in block:
        block = "import chainrule as torch\n" + block
    lines = block.splitlines()
    failing = [i for i, line in enumerate(lines) if line.startswith("# RuntimeError")]
    if failing:
        # the line before "# RuntimeError: ..." must raise exactly that
        i = failing[0]
        head, call, msg = (
            "\n".join(lines[: i - 1]),
            lines[i - 1],
            lines[i][len("# RuntimeError: ") :],
        )
        exec(head, ns)
        with pytest.raises(RuntimeError, match=re.escape(msg)):
            exec(call, ns)
        return
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(block, ns)
    # "print(v)  # expected" comments must match the printed lines
    printed = out.getvalue().splitlines()
    expected = [m.group(1) for m in re.finditer(r"print\(.*\)\s+#\s+(tensor\(.*\))$", block, re.M)]
    for e in expected:
        assert e in printed, (e, printed)
