"""``DataLoader``: batches from a dataset (shuffling with a seeded generator, ``drop_last``),
with ``default_collate`` stacking samples into batch tensors. Runs in-process
(``num_workers`` is accepted and ignored)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

import chainrule as _c

from ..._tensor import Tensor, wrap
from .dataset import Dataset, IterableDataset, TensorDataset

__all__ = [
    "DataLoader",
    "default_collate",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "BatchSampler",
]


class Sampler:
    """Yields dataset indices."""

    def __iter__(self) -> Iterator[int]:  # pragma: no cover - abstract
        raise NotImplementedError


class SequentialSampler(Sampler):
    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation per epoch, drawn from ``generator`` (or the global generator)."""

    def __init__(
        self,
        data_source: Any,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Any = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _indices(self) -> np.ndarray:
        n = len(self.data_source)
        if self.generator is None:
            # as PyTorch: a fresh generator seeded from the global one, once per epoch
            seed = _c.default_generator.rng.random_int64()
            rng = _c.Generator().manual_seed(seed).rng
        else:
            rng = self.generator.rng
        if self.replacement:
            return rng.integers(0, n, self.num_samples)
        reps = -(-self.num_samples // n) if n else 0
        return np.concatenate([rng.permutation(n) for _ in range(reps)])[: self.num_samples]

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices().tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups a sampler's indices into lists of ``batch_size``."""

    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list]:
        if isinstance(self.sampler, RandomSampler):
            idx = self.sampler._indices()
        else:
            idx = np.fromiter(iter(self.sampler), dtype=np.int64)
        bs = self.batch_size
        n = len(idx)
        stop = n - n % bs if self.drop_last else n
        for i in range(0, stop, bs):
            yield idx[i : i + bs].tolist()

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)


def default_collate(batch: list) -> Any:
    """Stack a list of samples: tensors -> one tensor with a batch dim, numbers -> a tensor,
    tuples/dicts -> collated field by field.

    Example:
        >>> import chainrule as torch
        >>> from chainrule.utils.data import default_collate
        >>> default_collate([(torch.ones(2), 0), (torch.zeros(2), 1)])
        [tensor([[1., 1.],
                [0., 0.]]), tensor([0, 1])]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return wrap(np.stack([b._data for b in batch]))
    if isinstance(elem, np.ndarray):
        return wrap(np.stack(batch))
    if isinstance(elem, bool):
        return _c.tensor(batch)
    if isinstance(elem, numbers.Integral):
        return _c.tensor(batch, dtype=_c.int64)
    if isinstance(elem, float):
        return _c.tensor(batch, dtype=_c.float64)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, dict):
        return {k: default_collate([b[k] for b in batch]) for k in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, (tuple, list)):
        n = len(elem)
        if any(len(b) != n for b in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(s)) for s in zip(*batch)]
    raise TypeError(
        "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        f"found {type(elem)}"
    )


class DataLoader:
    """Iterate over a dataset in batches.

    ``shuffle=True`` draws a new permutation every epoch from ``generator`` (seeded:
    reproducible); ``drop_last`` drops a final incomplete batch. A ``TensorDataset`` with the
    default collate is batched by fancy indexing (no per-sample Python work).

    Example:
        >>> import chainrule as torch
        >>> from chainrule.utils.data import DataLoader, TensorDataset
        >>> ds = TensorDataset(torch.arange(10.), torch.arange(10))
        >>> [len(x) for x, y in DataLoader(ds, batch_size=4)]
        [4, 4, 2]
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Any = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Callable | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable | None = None,
        multiprocessing_context: Any = None,
        generator: Any = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        self.dataset = dataset
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.generator = generator
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (None, False):
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but "
                    f"got shuffle={shuffle}"
                )
            if sampler is not None or batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified sampler option"
                )
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with "
                "drop_last"
            )
        if sampler is None and not self._iterable:
            sampler = (
                RandomSampler(dataset, generator=generator)
                if shuffle
                else SequentialSampler(dataset)
            )
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self._auto_collate = collate_fn is None
        self.collate_fn = collate_fn or (
            default_collate if batch_size is not None or batch_sampler is not None else _convert
        )

    def __iter__(self) -> Iterator[Any]:
        # PyTorch's iterator draws its workers' base seed first (one 64-bit draw), so the
        # generator's stream stays in step with PyTorch's
        (self.generator or _c.default_generator).rng.random_int64()
        yield from self._batches()

    def _batches(self) -> Iterator[Any]:
        if self._iterable:
            yield from self._iter_stream()
            return
        if self.batch_sampler is None:
            for i in self.sampler:
                yield self.collate_fn(self.dataset[i])
            return
        fast = self._auto_collate and type(self.dataset) is TensorDataset
        if fast:
            arrays = [t._data for t in self.dataset.tensors]
        for idx in self.batch_sampler:
            if fast:
                ix = np.asarray(idx, dtype=np.int64)
                yield [wrap(a[ix]) for a in arrays]
            else:
                yield self.collate_fn([self.dataset[i] for i in idx])

    def _iter_stream(self) -> Iterator[Any]:
        if self.batch_size is None:
            for s in self.dataset:
                yield self.collate_fn(s)
            return
        buf = []
        for s in self.dataset:
            buf.append(s)
            if len(buf) == self.batch_size:
                yield self.collate_fn(buf)
                buf = []
        if buf and not self.drop_last:
            yield self.collate_fn(buf)

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)


def _convert(sample: Any) -> Any:
    if isinstance(sample, np.ndarray):
        return wrap(sample)
    return sample
