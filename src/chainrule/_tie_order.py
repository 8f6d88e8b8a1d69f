"""Which index PyTorch's CPU kernels report among equal values, for topk and kthvalue.

NumPy's stable sorts give the first occurrence; PyTorch's CPU topk runs libstdc++'s
``std::nth_element`` + ``std::sort`` (or ``std::partial_sort`` when ``k * 64 <= n``) on
(value, index) pairs compared by value only, and kthvalue runs ATen's own quickselect, so among
ties they report whatever those algorithms leave in place. This module replays those algorithms
step by step on one row (plain Python: only rows that contain repeated values are replayed).

Example:
    >>> from chainrule._tie_order import kthvalue_index, topk_indices
    >>> topk_indices([5.0, 5.0, 5.0, 5.0], 1, largest=True)  # NumPy's argsort: 0
    [2]
    >>> kthvalue_index([2.0, 2.0, 2.0], 1)
    1
"""

from __future__ import annotations

import math
from collections.abc import Callable


def _isnan(v) -> bool:
    return isinstance(v, float) and math.isnan(v)


def _comparator(largest: bool) -> Callable:
    """ATen's topk comparators: NaN sorts as the largest value."""
    if largest:
        return lambda x, y: (_isnan(x) and not _isnan(y)) or x > y
    return lambda x, y: (not _isnan(x) and _isnan(y)) or x < y


# ---------------------------------------------------------------- libstdc++ (bits/stl_algo.h)
class _Seq:
    """(value, index) pairs; the algorithms below compare values only, as ATen's lambdas do."""

    __slots__ = ("v", "i", "comp")

    def __init__(self, values: list, comp: Callable) -> None:
        self.v = list(values)
        self.i = list(range(len(values)))
        self.comp = comp

    def less(self, a: int, b: int) -> bool:
        return self.comp(self.v[a], self.v[b])

    def swap(self, a: int, b: int) -> None:
        v, i = self.v, self.i
        v[a], v[b] = v[b], v[a]
        i[a], i[b] = i[b], i[a]

    def get(self, a: int) -> tuple:
        return self.v[a], self.i[a]

    def put(self, a: int, item: tuple) -> None:
        self.v[a], self.i[a] = item


def _lg(n: int) -> int:
    return n.bit_length() - 1


def _move_median_to_first(s: _Seq, result: int, a: int, b: int, c: int) -> None:
    if s.less(a, b):
        if s.less(b, c):
            s.swap(result, b)
        elif s.less(a, c):
            s.swap(result, c)
        else:
            s.swap(result, a)
    elif s.less(a, c):
        s.swap(result, a)
    elif s.less(b, c):
        s.swap(result, c)
    else:
        s.swap(result, b)


def _unguarded_partition(s: _Seq, first: int, last: int, pivot: int) -> int:
    while True:
        while s.less(first, pivot):
            first += 1
        last -= 1
        while s.less(pivot, last):
            last -= 1
        if not first < last:
            return first
        s.swap(first, last)
        first += 1


def _unguarded_partition_pivot(s: _Seq, first: int, last: int) -> int:
    mid = first + (last - first) // 2
    _move_median_to_first(s, first, first + 1, mid, last - 1)
    return _unguarded_partition(s, first + 1, last, first)


def _unguarded_linear_insert(s: _Seq, last: int) -> None:
    val = s.get(last)
    nxt = last - 1
    while s.comp(val[0], s.v[nxt]):
        s.put(last, s.get(nxt))
        last = nxt
        nxt -= 1
    s.put(last, val)


def _insertion_sort(s: _Seq, first: int, last: int) -> None:
    if first == last:
        return
    for i in range(first + 1, last):
        if s.less(i, first):
            val = s.get(i)
            for j in range(i, first, -1):  # move_backward(first, i, i + 1)
                s.put(j, s.get(j - 1))
            s.put(first, val)
        else:
            _unguarded_linear_insert(s, i)


def _push_heap(s: _Seq, first: int, hole: int, top: int, val: tuple) -> None:
    parent = (hole - 1) // 2
    while hole > top and s.comp(s.v[first + parent], val[0]):
        s.put(first + hole, s.get(first + parent))
        hole = parent
        parent = (hole - 1) // 2
    s.put(first + hole, val)


def _adjust_heap(s: _Seq, first: int, hole: int, length: int, val: tuple) -> None:
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if s.less(first + child, first + child - 1):
            child -= 1
        s.put(first + hole, s.get(first + child))
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        s.put(first + hole, s.get(first + child - 1))
        hole = child - 1
    _push_heap(s, first, hole, top, val)


def _make_heap(s: _Seq, first: int, last: int) -> None:
    length = last - first
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust_heap(s, first, parent, length, s.get(first + parent))
        if parent == 0:
            return
        parent -= 1


def _pop_heap(s: _Seq, first: int, last: int, result: int) -> None:
    val = s.get(result)
    s.put(result, s.get(first))
    _adjust_heap(s, first, 0, last - first, val)


def _heap_select(s: _Seq, first: int, middle: int, last: int) -> None:
    _make_heap(s, first, middle)
    for i in range(middle, last):
        if s.less(i, first):
            _pop_heap(s, first, middle, i)


def _sort_heap(s: _Seq, first: int, last: int) -> None:
    while last - first > 1:
        last -= 1
        _pop_heap(s, first, last, last)


def _partial_sort(s: _Seq, first: int, middle: int, last: int) -> None:
    _heap_select(s, first, middle, last)
    _sort_heap(s, first, middle)


def _introsort_loop(s: _Seq, first: int, last: int, depth: int) -> None:
    while last - first > 16:
        if depth == 0:
            _partial_sort(s, first, last, last)
            return
        depth -= 1
        cut = _unguarded_partition_pivot(s, first, last)
        _introsort_loop(s, cut, last, depth)
        last = cut


def _sort(s: _Seq, first: int, last: int) -> None:
    if first == last:
        return
    _introsort_loop(s, first, last, _lg(last - first) * 2)
    if last - first > 16:
        _insertion_sort(s, first, first + 16)
        for i in range(first + 16, last):
            _unguarded_linear_insert(s, i)
    else:
        _insertion_sort(s, first, last)


def _nth_element(s: _Seq, first: int, nth: int, last: int) -> None:
    if first == last or nth == last:
        return
    depth = _lg(last - first) * 2
    while last - first > 3:
        if depth == 0:
            _heap_select(s, first, nth + 1, last)
            s.swap(first, nth)
            return
        depth -= 1
        cut = _unguarded_partition_pivot(s, first, last)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(s, first, last)


def topk_indices(values: list, k: int, largest: bool = True) -> list:
    """The indices PyTorch's CPU topk (sorted) returns for one row."""
    n = len(values)
    s = _Seq(values, _comparator(largest))
    if k * 64 <= n:
        _partial_sort(s, 0, k, n)
    else:
        _nth_element(s, 0, k - 1, n)
        _sort(s, 0, k - 1)
    return s.i[:k]


# ---------------------------------------------------------------- ATen's quick_select_template
def kthvalue_index(values: list, k: int) -> int:
    """The index PyTorch's CPU kthvalue returns for one row (``k`` is 1-based)."""

    def gt(x, y) -> bool:  # "greater, or NaN": NaN is the largest value
        return (_isnan(x) and not _isnan(y)) or x > y

    arr = list(values)
    ind = list(range(len(arr)))

    def swap(a: int, b: int) -> None:
        arr[a], arr[b] = arr[b], arr[a]
        ind[a], ind[b] = ind[b], ind[a]

    target = k - 1
    lo, hi = 0, len(arr) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(arr[lo], arr[hi]):
                swap(lo, hi)
            break
        swap(lo + (hi - lo) // 2, lo + 1)  # median of three as pivot
        if gt(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if gt(arr[lo], arr[hi]):
            swap(lo, hi)
        if gt(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j = lo + 1, hi
        pivot = arr[lo]
        while True:
            i += 1
            while gt(pivot, arr[i]):
                i += 1
            j -= 1
            while gt(arr[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= target:
            lo = i
        if j >= target:
            hi = j - 1
    return ind[target]


# ---------------------------------------------------------------- applied to arrays
# rows are replayed in Python only up to this many elements per call (beyond it, NumPy's
# first-occurrence order stands: correct values, possibly other indices among ties)
MAX_REPLAY = 1 << 18


def _tied_rows(rows):
    """Numbers of the rows (of a 2-D array) in which some value occurs twice (NaN included)."""
    import numpy as np

    s = np.sort(rows, axis=-1)
    same = s[:, 1:] == s[:, :-1]
    if s.dtype.kind == "f":
        nan = np.isnan(s)
        same |= nan[:, 1:] & nan[:, :-1]
    return np.flatnonzero(same.any(axis=1))


def fix_ties(x, idx, dim: int, row_indices: Callable) -> None:
    """Overwrite, in ``idx`` (indices along ``dim`` of ``x``, k per row), the rows of ``x`` that
    contain repeated values with ``row_indices(row_values) -> k indices``, PyTorch's choice."""
    import numpy as np

    n = x.shape[dim]
    if n < 2 or x.size == 0:
        return
    rows = np.moveaxis(x, dim, -1).reshape(-1, n)
    tied = _tied_rows(rows)
    if not tied.size or tied.size * n > MAX_REPLAY:
        return
    out = np.moveaxis(idx, dim, -1)  # a view: writes land in idx
    flat = out.reshape(-1, out.shape[-1])
    for r in tied.tolist():
        flat[r] = row_indices(rows[r].tolist())
    if not np.shares_memory(flat, idx):
        out[...] = flat.reshape(out.shape)
