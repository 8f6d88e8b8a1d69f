"""chainrule.save / chainrule.load: tensors, state dicts, containers; no code runs on load."""

from __future__ import annotations

import io
import os
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import chainrule as cr


def round_trip(obj):
    buf = io.BytesIO()
    cr.save(obj, buf)
    buf.seek(0)
    return cr.load(buf)


def test_tensors_and_containers():
    obj = {
        "f": cr.tensor([[1.5, 2.0]]),
        "i": cr.tensor([1, 2], dtype=cr.int64),
        "b": cr.tensor([True, False]),
        "d": cr.tensor(3.0, dtype=cr.float64),
        "h": cr.ones(2, dtype=cr.float16),
        "g": cr.ones(2, requires_grad=True),
        "nums": [1, 2.5, float("inf"), None, True, "s"],
        "tup": (1, (2, 3)),
        "dtype": cr.float64,
        "size": cr.zeros(2, 3).shape,
        3: "int key",
        "arr": np.arange(3),
    }
    out = round_trip(obj)
    assert set(out) == set(obj)
    for k in ("f", "i", "b", "d", "h"):
        assert out[k].dtype == obj[k].dtype and out[k].shape == obj[k].shape
        assert out[k].tolist() == obj[k].tolist()
    assert out["g"].requires_grad and out["g"].is_leaf
    assert out["nums"] == obj["nums"] and out["tup"] == obj["tup"]
    assert out["dtype"] is cr.float64 and out["size"] == obj["size"]
    assert isinstance(out["size"], cr.Size)
    assert out[3] == "int key"
    assert np.array_equal(out["arr"], obj["arr"])


def test_model_state_dict_round_trip(tmp_path):
    m = cr.nn.Sequential(cr.nn.Linear(3, 4), cr.nn.BatchNorm1d(4))
    path = tmp_path / "model.pt"
    cr.save(m.state_dict(), path)
    assert path.exists()
    sd = cr.load(path)
    assert isinstance(sd, OrderedDict) and list(sd) == list(m.state_dict())
    m2 = cr.nn.Sequential(cr.nn.Linear(3, 4), cr.nn.BatchNorm1d(4))
    m2.load_state_dict(sd)
    x = cr.randn(5, 3)
    m.eval()
    m2.eval()
    assert np.array_equal(m(x).detach().numpy(), m2(x).detach().numpy())
    # a str path without an .npz suffix is written exactly there
    p = str(tmp_path / "weights.bin")
    cr.save({"a": cr.ones(1)}, p)
    assert os.path.exists(p) and not os.path.exists(p + ".npz")


def test_parameters_and_shared_tensors():
    p = cr.nn.Parameter(cr.ones(2))
    out = round_trip({"p": p, "q": p, "t": cr.zeros(1)})
    assert isinstance(out["p"], cr.nn.Parameter) and out["p"] is out["q"]


def test_rejects_arbitrary_objects():
    with pytest.raises(TypeError, match="cannot save an object of type Linear"):
        cr.save(cr.nn.Linear(2, 2), io.BytesIO())

    class Thing:
        pass

    with pytest.raises(TypeError, match="cannot save"):
        cr.save({"x": Thing()}, io.BytesIO())


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_loading_untrusted_files_runs_no_code(tmp_path):
    # a pickle file (what torch.save writes) is refused, not unpickled
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"x": _Evil()}))
    with pytest.raises(RuntimeError, match="not a chainrule file"):
        cr.load(path)
    # an .npz holding an object (pickled) array is refused by allow_pickle=False
    buf = io.BytesIO()
    np.savez(
        buf,
        __structure__=np.frombuffer(
            b'{"format": "chainrule-npz-1", "root": {"__ndarray__": "a0"}}', dtype=np.uint8
        ),
        a0=np.array([_Evil()], dtype=object),
    )
    buf.seek(0)
    with pytest.raises(ValueError, match="allow_pickle"):
        cr.load(buf)


def test_load_errors():
    with pytest.raises(FileNotFoundError):
        cr.load("/nonexistent/file.pt")


def test_torch_reads_values_back_equal():
    torch = pytest.importorskip("torch")
    tm = torch.nn.Linear(3, 2)
    cm = cr.nn.Linear(3, 2)
    cm.load_state_dict({k: cr.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    out = round_trip(cm.state_dict())
    for k, v in tm.state_dict().items():
        assert np.array_equal(out[k].numpy(), v.numpy())
