"""``run_backward``: the only code that walks the graph to compute gradients.

Iterative (no recursion: a 100,000-node chain works). It counts dependencies, runs nodes from a
ready queue ordered by sequence number (newest first, AccumulateGrad as soon as ready, as in
PyTorch), sums each edge's gradient to the input's shape and casts it to its dtype in one place,
and adds it into the target's buffer. Gradients are NumPy arrays on the fast path, and Tensors
(recording a graph) when ``create_graph=True``.
"""

from __future__ import annotations

import heapq
from sys import getrefcount
from typing import Any

import numpy as np

from .._tensor import Tensor, wrap
from . import grad_mode
from .graph import SEQ_STEP, AccumulateGrad, Node

_state = grad_mode.state
_ndarray = np.ndarray

# Gradient buffers of at least this many elements are reused in place when the engine owns them
# (made by a formula during this pass, held by nothing else): a fan-in sum adds into one of
# them, and an op whose formulas are marked ``donate`` writes its arithmetic into the incoming
# one. Below this size allocation is cheap; above it each fresh array costs page faults.
DONATE_MIN = 1 << 16
# (bitwise_and: where(mask, g, 0) selects g's bits, see _ArrayNS.where; sin/cos: a lent saved
# array's cos(x) in its own memory, see _lend_saved)
_INPLACE_UFUNCS = frozenset(
    (np.add, np.subtract, np.multiply, np.true_divide, np.negative, np.bitwise_and, np.sin, np.cos)
)
# references to a saved array that nothing else holds, as counted inside _lend_saved: the
# node's saved tuple, the local name and getrefcount's argument
_DEAD_REFS = 3


class _Donated(np.ndarray):
    """A gradient buffer the engine owns, lent to one formula that uses it once.

    ``+ - * /`` and unary ``-`` write their result into it (and return it) when the result has
    its shape and dtype, so ``g * r`` costs no allocation; every other NumPy call sees a plain
    array. Only formulas audited to read their gradient once (``Op.donate``) receive one.
    """

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = tuple(a.view(_ndarray) if a.__class__ is _Donated else a for a in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(
                a.view(_ndarray) if a.__class__ is _Donated else a for a in kwargs["out"]
            )
        elif method == "__call__" and ufunc in _INPLACE_UFUNCS and not kwargs:
            base = self.view(_ndarray)
            if (
                np.broadcast_shapes(*(np.shape(a) for a in plain)) == base.shape
                and np.result_type(*plain) == base.dtype
            ):
                ufunc(*plain, out=base)
                return self
        return getattr(ufunc, method)(*plain, **kwargs)


def _apply_donated(node: Node, g: np.ndarray) -> list:
    """``node._apply([g])`` letting the formula write into ``g`` (owned by the engine)."""
    lent = g.view(_Donated)
    outs = node._apply([lent], False)
    res = []
    for r in outs:
        if r is not None and r.__class__ is _Donated:
            r = g if r is lent else r.view(_ndarray)
        res.append(r)
    return res


def _lend_saved(node: Node) -> tuple | None:
    """The node's saved arrays, the large ones nothing else holds lent as ``_Donated``.

    Called only while the graph is being freed (``retain_graph=False``): after this node the
    saved arrays are dropped, so when the forward value itself is gone (the user no longer holds
    the tensor, no view or other node shares the array) the formula may compute in its memory.
    None when there is nothing to lend.
    """
    for vc in node._vcs or ():
        if vc is not None and vc[0][0] != vc[1]:
            return None  # modified in place: _apply raises the error, naming the saved tensor
    saved = node._saved
    lent = None
    for k in range(len(saved)):
        v = saved[k]
        if v.__class__ is Tensor:  # an input, saved as the tensor (``_saved_self is x``)
            if getrefcount(v) != _DEAD_REFS:
                continue
            v = v._data  # now held by the tensor, ``v`` and getrefcount: as many
        if (
            v.__class__ is _ndarray
            and v.size >= DONATE_MIN
            and v.base is None
            and v.flags.writeable
            and getrefcount(v) == _DEAD_REFS
        ):
            if lent is None:
                lent = list(saved)
            lent[k] = v.view(_Donated)
    return None if lent is None else tuple(lent)


def _apply_lent(node: Node, gs: list, lend, lent_saved: tuple) -> list:
    """``node._apply`` with its saved arrays ``lent_saved`` (and gradient ``lend``, when owned)
    lent: results computed in a lent buffer come back as that plain buffer."""
    saved = node._saved
    grads = gs if lend is None else [lend.view(_Donated)]
    node._saved = lent_saved
    try:
        outs = node._apply(grads, False)
    finally:
        node._saved = saved
    res = []
    for r in outs:
        if r is not None and r.__class__ is _Donated:
            if lend is not None and r is grads[0]:
                r = lend
            else:
                for v in lent_saved:
                    if r is v:
                        r = v.base  # the saved array itself (or the saved tensor's data)
                        break
                else:
                    r = r.view(_ndarray)
        res.append(r)
    return res


def _donatable(node: Node) -> bool:
    """The node's op reads its gradient once, and exactly one of its formulas will run."""
    op = node._op
    if op is None or not op.donate or op.grads is None:
        return False
    meta = node._meta
    return sum(1 for k, f in enumerate(op.grads) if f is not None and meta[k] is not None) == 1


def _fan_in(old: np.ndarray, r, owned: dict) -> np.ndarray:
    """``old + r`` for a large buffer, written into whichever of the two the engine owns."""
    if r.__class__ is _ndarray and old.dtype == r.dtype and old.shape == r.shape:
        if id(old) in owned:
            owned.pop(id(r), None)  # summed in: no longer held
            return np.add(old, r, out=old)
        if id(r) in owned:
            return np.add(r, old, out=r)
    owned.pop(id(old), None)
    owned.pop(id(r), None)
    s = old + r
    if s.__class__ is _ndarray and s.base is None:
        owned[id(s)] = s
    return s


def _fresh(r: np.ndarray, outs, saved) -> bool:
    """``r`` (a large formula result) is a new array that nothing else references."""
    if r.base is not None or not r.flags.writeable:
        return False
    n = 0
    for o in outs:
        if o is r:
            n += 1
    if n > 1:
        return False
    if saved:
        for v in saved:
            if v is r or (v.__class__ is Tensor and v._data is r):
                return False
    return True


def sum_to(g, shape: tuple, create: bool):
    """Sum ``g`` down to ``shape`` (undo broadcasting)."""
    gshape = g.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1
    )
    if create:
        if axes:
            g = g.sum(dim=axes, keepdim=True)
        return g.reshape(shape)
    if axes:
        if len(axes) == lead and shape:
            # only leading axes (a bias): the sum has the shape already, a fresh array rather
            # than a reshaped view (which a leaf's .grad would have to copy); 0-d stays an array
            return np.sum(g, axis=axes)
        g = np.sum(g, axis=axes, keepdims=True)
    return np.reshape(g, shape)


def _to_tensor(g) -> Tensor:
    return g if isinstance(g, Tensor) else wrap(g)


def _run_tensor_hooks(hooks: dict, g, create: bool):
    for fn in list(hooks.values()):
        r = fn(_to_tensor(g))
        if r is not None:
            g = r if create else r._data
    return g


def _accumulate(node: AccumulateGrad, g, create: bool, borrowed: set, hooks: bool = True) -> None:
    var = node.variable
    if hooks and var._hooks:
        g = _run_tensor_hooks(var._hooks, g, create)
    old = var._grad
    if create:
        if old is None:
            # PyTorch copies into a fresh tensor (the grad's node is CopyBackwards)
            new = wrap(np.empty_like(np.asarray(g._data))).copy_(g)
        else:
            new = old + g
        var._grad = new
    elif old is None:
        if type(g) is not _ndarray:
            g = np.asarray(g)
        if id(g) in borrowed or g.base is not None or not g.flags.writeable:
            g = g.copy()
        var._grad = wrap(g)
    elif old._grad_fn is None and not old._requires_grad and old._data.shape == np.shape(g):
        np.add(old._data, g, out=old._data, casting="unsafe")
        old._vc[0] += 1
    else:
        with grad_mode.no_grad():
            var._grad = old + wrap(np.asarray(g))
    x = node._x
    if x is not None and x.post_hooks:
        # an AccumulateGrad has no inputs to hand on; its output gradient is the one it added
        for fn in list(x.post_hooks.values()):
            fn((), (_to_tensor(g),))


def call_node(node: Node, grads: tuple) -> tuple:
    """Apply one node to output gradients directly (``grad_fn(grad)``)."""
    create = _state.enabled
    gs = [g if create else (g._data if isinstance(g, Tensor) else g) for g in grads]
    out = node._apply(gs, create)
    res = []
    for i, r in enumerate(out):
        if r is not None and node._meta[i] is not None:
            shape, dt = node._meta[i]
            r = sum_to(r, shape, create)
            r = r if create else wrap(np.asarray(r).astype(dt, copy=False))
        res.append(r)
    return tuple(res)


def run_backward(
    roots: list,
    root_grads: list,
    retain_graph: bool,
    create_graph: bool,
    inputs: tuple | None = None,
    allow_unused: bool = False,
    accumulate: bool = True,
) -> tuple | None:
    """Backpropagate ``root_grads`` from ``roots`` (tensors that require grad).

    With ``accumulate`` (``backward()``), leaf gradients go into ``.grad`` (only for ``inputs``
    when given). Without it (``autograd.grad``), the gradients of ``inputs`` are returned.
    """
    create = create_graph
    free_saved = not retain_graph and not create  # saved arrays may be lent (_lend_saved)
    buffers: dict = {}
    borrowed: set = set()
    # id -> array: large gradient buffers this pass made and nothing else holds (see DONATE_MIN);
    # holding them here also keeps their ids from being reused while they are listed
    owned: dict = {}
    start = []
    for t, g in zip(roots, root_grads):
        if create:
            g = _to_tensor(g)
        else:
            g = g._data if isinstance(g, Tensor) else g
            borrowed.add(id(g))
        if t._grad_fn is not None:
            node, nr = t._grad_fn, t._output_nr
        else:
            node, nr = t._accumulate_node(), 0
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * _n_out(node)
        buf[nr] = g if buf[nr] is None else buf[nr] + g
        start.append(node)

    # targets: where gradients are captured (autograd.grad) or the only leaves to fill
    capture = capture_points(inputs) if inputs is not None else None
    needed = None
    if capture is not None:
        needed = plan(start, capture, accumulate, count=False)[2]
    capture_nodes = {key[0] for key in capture} if capture is not None else ()

    results = [None] * len(inputs) if inputs is not None else None
    # Pending nodes (those holding a gradient) run newest first. A node's sequence number is
    # larger than those of the nodes it consumes (AccumulateGrad: just below its first
    # consumer's), so when a node is the newest pending one, every consumer of it that the
    # pass reaches has run and its gradient is complete: no dependency counting is needed.
    if len(start) == 1:
        heap: list = []  # one root: it runs first as ``ready`` (below)
    else:
        heap = [(-n._seq, id(n), n) for n in dict.fromkeys(start)]
        heapq.heapify(heap)

    prev_enabled = _state.enabled
    _state.enabled = create
    try:
        heappop = heapq.heappop
        heappush = heapq.heappush
        # ``ready``: a node made pending by the last node run, newer than everything in the
        # heap, so it runs next without a heap round trip (a chain never touches the heap);
        # ``ready_gs`` its gradients while they are kept out of ``buffers``
        ready = None
        ready_gs = None
        if not heap:
            ready = start[0]
            ready_gs = buffers.pop(ready)
        pruning = needed is not None
        leaves: list = []  # AccumulateGrad nodes the last node completed: they run next
        while True:
            if leaves:
                node = leaves.pop()
                gs = buffers.pop(node)
            elif ready is not None:
                node = ready
                ready = None
                gs = ready_gs
                ready_gs = None
            elif heap:
                node = heappop(heap)[2]
                gs = buffers.pop(node, None)
                if gs is None:
                    continue  # a leaf that already ran right after its first consumer
            else:
                break
            lend = None  # an owned gradient this node's formula may write into
            if owned:
                for h in gs:
                    if h is not None and owned.pop(id(h), None) is not None and len(gs) == 1:
                        lend = h
            x = node._x
            if x is not None:
                lend = None  # hooks may keep the gradient
                gs = _pre_node(node, x, gs, create)
            if capture is not None:
                if node in capture_nodes:
                    lend = None  # returned to the caller
                    if node.__class__ is AccumulateGrad and gs[0] is not None:
                        hooks = node.variable._hooks
                        if hooks:  # a leaf's hooks apply to the gradient returned for it
                            gs = [_run_tensor_hooks(hooks, gs[0], create)]
                    for nr, g in enumerate(gs):
                        for k in capture.get((node, nr), ()):
                            results[k] = g
                if pruning and node not in needed:
                    continue
            if node.__class__ is AccumulateGrad:
                if accumulate and gs[0] is not None:
                    hooked = capture is not None and node in capture_nodes
                    _accumulate(node, gs[0], create, borrowed, not hooked)
                continue
            if len(gs) == 1:
                g = gs[0]
            else:
                g = next((h for h in gs if h is not None), None)
            if g is None:
                outs = [None] * len(node._edges)
            else:
                if lend is None and (not free_saved or g.size < DONATE_MIN):
                    outs = node._apply(gs, create)  # the common case
                else:
                    # a large gradient: it, or the saved arrays, may be written into
                    outs, g = _apply_large(node, gs, g, lend, free_saved and x is None)
                if x is not None and x.post_hooks:
                    outs = _post_node(x, outs, gs, create)
            meta = node._meta
            leaf_edges = False
            i = -1
            for e in node._edges:
                i += 1
                if e is None:
                    continue
                nxt = e[0]
                if nxt is None or (pruning and nxt not in needed and nxt not in capture_nodes):
                    continue
                r = outs[i]
                if r is not None:
                    shape, dt = meta[i]
                    if r.shape != shape:
                        r = sum_to(r, shape, create)
                    rdt = r.dtype
                    if rdt is not dt and rdt != dt:
                        r = r.to(_dtype_of(dt)) if create else np.asarray(r).astype(dt)
                    if r.__class__ is _ndarray:
                        if r is g or (len(gs) > 1 and any(r is h for h in gs)):
                            borrowed.add(id(r))  # (NumPy scalars are immutable: no need)
                        elif r.size >= DONATE_MIN and not create and _fresh(r, outs, node._saved):
                            owned[id(r)] = r
                buf = ready_gs if nxt is ready else buffers.get(nxt)
                if buf is None:
                    # nxt's first gradient (possibly None): it becomes pending
                    if nxt._out is None:
                        buf = [r]
                    else:
                        buf = [None] * len(nxt._out)
                        buf[e[1]] = r
                    if nxt.__class__ is AccumulateGrad and nxt._seq > node._seq - SEQ_STEP:
                        # a leaf this node was the first to consume: complete once it ran
                        buffers[nxt] = buf
                        leaf_edges = True
                        continue
                    if ready is None:
                        if not heap or nxt._seq > -heap[0][0]:
                            ready = nxt
                            ready_gs = buf
                            continue
                    elif nxt._seq > ready._seq:
                        buffers[ready] = ready_gs
                        heappush(heap, (-ready._seq, id(ready), ready))
                        ready = nxt
                        ready_gs = buf
                        continue
                    buffers[nxt] = buf
                    heappush(heap, (-nxt._seq, id(nxt), nxt))
                elif r is not None:
                    if nxt.__class__ is AccumulateGrad and nxt._seq > node._seq - SEQ_STEP:
                        leaf_edges = True  # (pending since a newer consumer fed it)
                    old = buf[e[1]]
                    if old is None:
                        buf[e[1]] = r
                    elif old.__class__ is _ndarray and old.size >= DONATE_MIN and not create:
                        buf[e[1]] = _fan_in(old, r, owned)
                    else:
                        buf[e[1]] = old + r
            if leaf_edges:
                # PyTorch runs them in the order their last edge from this node completed
                # them; ``leaves`` is popped from the end
                seen: set = set()
                for e in reversed(node._edges):
                    if e is not None and e[0] in buffers and e[0] not in seen:
                        nxt = e[0]
                        if nxt.__class__ is AccumulateGrad and nxt._seq > node._seq - SEQ_STEP:
                            seen.add(nxt)
                            leaves.append(nxt)
            if not retain_graph and node._saved:
                node._saved = None
    finally:
        _state.enabled = prev_enabled

    if inputs is None:
        return None
    out = []
    for k in range(len(inputs)):
        g = results[k]
        if g is None:
            if not allow_unused and not accumulate:
                raise RuntimeError(
                    f"The differentiated Tensor at index {k} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
            out.append(None)
            continue
        if not create:
            g = np.asarray(g)
            if id(g) in borrowed or g.base is not None:
                g = g.copy()
            g = wrap(g)
        out.append(g)
    return tuple(out)


def _apply_large(node: Node, gs: list, g, lend, may_lend_saved: bool) -> tuple:
    """``node._apply`` for a large gradient: the formula may write into ``lend`` (an owned
    gradient) or into saved arrays nothing else holds. Returns the results and the gradient
    still to treat as borrowed (None once ``lend`` was consumed)."""
    lent_saved = None
    if may_lend_saved and node._saved:
        op = node._op
        if op is not None and op.donate_saved:
            # (every such op saves one value: skip the call for small ones; no reference may
            # be left here, _lend_saved counts them)
            v = node._saved[0]
            if v.__class__ is Tensor:
                v = v._data
            big = v.size if v.__class__ is _ndarray else 0
            v = None
            if big >= DONATE_MIN:
                lent_saved = _lend_saved(node)
    if lend is not None and not _donatable(node):
        lend = None
    if lent_saved is not None:
        outs = _apply_lent(node, gs, lend, lent_saved)
        # dropped now rather than after the edges: a result computed in a saved buffer is
        # then a buffer this pass owns (_fresh)
        node._saved = None
        return outs, (None if lend is not None else g)
    if lend is not None:
        return _apply_donated(node, lend), None  # a result that is ``lend`` is owned
    return node._apply(gs, False), g


def capture_points(inputs) -> dict:
    """{(node, output_nr): [input positions]} where the gradients of ``inputs`` arrive."""
    capture: dict = {}
    for k, t in enumerate(inputs):
        if t._grad_fn is not None:
            key = (t._grad_fn, t._output_nr)
        elif t._requires_grad:
            acc = t._accum() if t._accum is not None else None
            key = (acc, 0) if acc is not None else None
        else:
            key = None
        if key is not None:
            capture.setdefault(key, []).append(k)
    return capture


def plan(start: list, capture: dict | None, accumulate: bool = True, count: bool = True) -> tuple:
    """Discover the graph below ``start`` (iteratively) and count dependencies.

    Returns ``(order, deps, needed)``: the number of incoming edges per node (``deps``, empty
    without ``count``; the engine itself runs by sequence numbers, the batched walk of
    ``functional`` counts) and,
    when gradients are captured, the nodes found (``order``) and the set of nodes that must run
    (those above a capture point), with ``deps`` counting only edges from those nodes; ``needed``
    is None when every node found runs. Without capture points ``order`` and ``needed`` are
    None.
    """
    deps: dict = {}
    starts = set(start)
    stack = list(dict.fromkeys(start))
    if capture is None:
        # the common case (backward()): only dependency counts; ``deps`` doubles as the
        # visited set (a start node reached again is counted, not walked twice)
        while stack:
            for e in stack.pop()._edges:
                if e is not None:
                    nxt = e[0]
                    if nxt is not None:
                        d = deps.get(nxt)
                        if d is None:
                            deps[nxt] = 1
                            if nxt not in starts:
                                stack.append(nxt)
                        else:
                            deps[nxt] = d + 1
        return None, deps, None
    order: list = []
    seen = starts
    target_nodes = {key[0] for key in capture}
    sinks_targeted = True  # every node without edges is a capture point
    while stack:
        node = stack.pop()
        order.append(node)
        sink = True
        for e in node._edges:
            if e is not None:
                nxt = e[0]
                if nxt is not None:
                    sink = False
                    if count:
                        deps[nxt] = deps.get(nxt, 0) + 1
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
        if sink and node not in target_nodes:
            sinks_targeted = False
    if sinks_targeted and all(not n._edges for n in target_nodes):
        # the usual autograd.grad(y, leaves) with no other leaf below y: every path ends at a
        # capture point, so every node runs (the capture points are leaves) and the counts
        # stand: nothing to prune (``needed`` None)
        return order, deps, None
    # a node runs only if a capture point lies below it: walk up from the targets
    parents: dict = {}
    for node in order:
        for e in node._edges:
            if e is not None and e[0] is not None:
                parents.setdefault(e[0], []).append(node)
    needed: set = set()
    frontier = [n for n in target_nodes if n in parents]
    while frontier:
        for parent in parents.get(frontier.pop(), ()):
            if parent not in needed:
                needed.add(parent)
                frontier.append(parent)
    if accumulate:
        needed |= {n for n in target_nodes if isinstance(n, AccumulateGrad)}
    # count again, over edges from needed nodes only (unless every node with edges is needed)
    if count and any(node not in needed and node._edges for node in order):
        deps = {}
        for node in order:
            if node in needed:
                for e in node._edges:
                    if e is not None and e[0] is not None:
                        deps[e[0]] = deps.get(e[0], 0) + 1
    return order, deps, needed


def _dtype_of(npd):
    from .._dtype import _BY_NP

    return _BY_NP[np.dtype(npd)]


def _n_out(node: Node) -> int:
    out = node._out
    return len(out) if out else 1


def _pre_node(node: Node, x: Any, gs: list, create: bool) -> list:
    if x.tensor_hooks:
        for nr, hooks in x.tensor_hooks.items():
            if hooks and nr < len(gs) and gs[nr] is not None:
                gs[nr] = _run_tensor_hooks(hooks, gs[nr], create)
    if x.retain:
        for nr, ref in x.retain.items():
            t = ref()
            if t is not None and nr < len(gs) and gs[nr] is not None:
                g = gs[nr]
                if create:
                    t._grad = g if t._grad is None else t._grad + g
                else:
                    arr = np.array(g, copy=True)
                    t._grad = wrap(arr) if t._grad is None else wrap(t._grad._data + arr)
    if x.pre_hooks:
        for fn in list(x.pre_hooks.values()):
            r = fn(tuple(_maybe_tensor(g) for g in gs))
            if r is not None:
                gs = [_unwrap(g, create) for g in r]
    return gs


def _post_node(x: Any, outs: list, gs: list, create: bool) -> list:
    for fn in list(x.post_hooks.values()):
        r = fn(tuple(_maybe_tensor(g) for g in outs), tuple(_maybe_tensor(g) for g in gs))
        if r is not None:
            outs = [_unwrap(g, create) for g in r]
    return outs


def _maybe_tensor(g):
    return None if g is None else _to_tensor(g)


def _unwrap(g, create: bool):
    if g is None:
        return None
    if create:
        return _to_tensor(g)
    return g._data if isinstance(g, Tensor) else g
