"""chainrule.utils.data: datasets, samplers, the DataLoader and default_collate."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.utils.data import (
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)


def make_ds(n=10):
    return TensorDataset(cr.arange(n * 2, dtype=cr.float32).reshape(n, 2), cr.arange(n))


def test_tensor_dataset_indexing():
    ds = make_ds()
    assert len(ds) == 10
    x, y = ds[3]
    assert x.tolist() == [6.0, 7.0] and int(y) == 3
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(cr.zeros(3), cr.zeros(4))


@pytest.mark.parametrize("drop_last,sizes", [(False, [4, 4, 2]), (True, [4, 4])])
def test_batches_in_order(drop_last, sizes):
    dl = DataLoader(make_ds(), batch_size=4, drop_last=drop_last)
    batches = list(dl)
    assert [len(b[1]) for b in batches] == sizes
    assert len(dl) == len(sizes)
    assert batches[0][0].shape == (4, 2) and batches[0][1].dtype == cr.int64
    assert cr.cat([b[1] for b in batches]).tolist() == list(range(sum(sizes)))


def test_shuffle_is_seeded_and_a_permutation():
    def epoch(seed):
        g = cr.Generator().manual_seed(seed)
        dl = DataLoader(make_ds(), batch_size=3, shuffle=True, generator=g)
        return [y.tolist() for _, y in dl]

    a, b, c = epoch(0), epoch(0), epoch(1)
    assert a == b and a != c
    assert sorted(sum(a, [])) == list(range(10))
    # a new permutation each epoch from the same loader
    g = cr.Generator().manual_seed(0)
    dl = DataLoader(make_ds(), batch_size=10, shuffle=True, generator=g)
    e1, e2 = next(iter(dl))[1].tolist(), next(iter(dl))[1].tolist()
    assert e1 != e2


def test_global_seed_controls_shuffle():
    cr.manual_seed(3)
    a = [y.tolist() for _, y in DataLoader(make_ds(), batch_size=5, shuffle=True)]
    cr.manual_seed(3)
    b = [y.tolist() for _, y in DataLoader(make_ds(), batch_size=5, shuffle=True)]
    assert a == b


class Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": cr.tensor([float(i)]), "y": i * i, "name": f"s{i}"}


def test_custom_dataset_dict_collate():
    batch = next(iter(DataLoader(Squares(), batch_size=3)))
    assert batch["x"].shape == (3, 1)
    assert batch["y"].tolist() == [0, 1, 4] and batch["y"].dtype == cr.int64
    assert batch["name"] == ["s0", "s1", "s2"]


def test_default_collate_matches_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import default_collate as tcollate

    samples = [(np.float32(1.5), 2, 0.5), (np.float32(2.5), 3, 1.5)]
    c = default_collate([(cr.tensor(a), b, f) for a, b, f in samples])
    t = tcollate([(torch.tensor(a), b, f) for a, b, f in samples])
    assert isinstance(c, list) and isinstance(t, list)
    for a, b in zip(c, t):
        assert a.tolist() == b.tolist() and str(a.dtype) == str(b.dtype)


def test_batch_size_none_and_custom_collate():
    dl = DataLoader(make_ds(4), batch_size=None)
    first = next(iter(dl))
    assert first[0].shape == (2,)
    dl = DataLoader(make_ds(4), batch_size=2, collate_fn=lambda b: len(b))
    assert list(dl) == [2, 2]


class Stream(IterableDataset):
    def __iter__(self):
        return iter(cr.tensor([float(i)]) for i in range(5))


def test_iterable_dataset():
    assert [b.shape[0] for b in DataLoader(Stream(), batch_size=2)] == [2, 2, 1]
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Stream(), shuffle=True)


def test_subset_concat_random_split():
    ds = make_ds()
    sub = Subset(ds, [1, 3])
    assert len(sub) == 2 and int(sub[1][1]) == 3
    cat = ConcatDataset([ds, ds])
    assert len(cat) == 20 and int(cat[12][1]) == 2
    a, b = random_split(ds, [7, 3], generator=cr.Generator().manual_seed(0))
    assert len(a) == 7 and len(b) == 3
    assert sorted(a.indices + b.indices) == list(range(10))
    a, b = random_split(ds, [0.8, 0.2])
    assert (len(a), len(b)) == (8, 2)
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(ds, [3, 3])


def test_errors():
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        DataLoader(make_ds(), batch_size=0)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(make_ds(), sampler=[0, 1], shuffle=True)
