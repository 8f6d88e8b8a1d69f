"""The examples in examples/, run in a fast form (few epochs/steps)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def test_linear_regression(tmp_path, capsys):
    ex = load("linear_regression")
    png = tmp_path / "loss.png"
    res = ex.main(["--epochs", "3", "--n", "1000", "--plot", str(png)])
    out = capsys.readouterr().out
    assert "epoch 3, loss" in out
    losses = res["losses"]
    assert losses[-1] < losses[0] and losses[-1] < 1e-3
    np.testing.assert_allclose(res["w"].reshape(-1).tolist(), [2.0, -3.4], atol=0.02)
    assert abs(res["b"].item() - 4.2) < 0.02
    assert res["losses_nn"][-1] < 1e-3
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "no plot" in out
    else:
        assert png.exists() and png.read_bytes()[:4] == b"\x89PNG"


def test_digits_mlp_reaches_97_percent():
    pytest.importorskip("sklearn")
    ex = load("digits")
    res = ex.main(["--epochs", "30", "--model", "mlp", "--no-torch", "--no-progress"])
    assert res["mlp"]["accuracy"] >= 0.97


def test_digits_cnn_trains_and_compares_with_torch(capsys):
    pytest.importorskip("sklearn")
    pytest.importorskip("torch")
    ex = load("digits")
    res = ex.main(["--epochs", "3", "--model", "cnn", "--no-progress"])
    assert res["cnn"]["accuracy"] > 0.6
    assert "ms/epoch (torch" in capsys.readouterr().out


def test_char_lstm_loss_goes_down():
    ex = load("char_lstm")
    res = ex.main(["--steps", "30", "--hidden", "48", "--sample", "30", "--lr", "1e-2"])
    losses = res["losses"]
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 0.3
    assert res["sample"].startswith("The ") and len(res["sample"]) == 34


def test_char_gru_runs():
    ex = load("char_lstm")
    res = ex.main(["--steps", "5", "--cell", "gru", "--hidden", "16", "--sample", "0"])
    assert len(res["losses"]) == 5
