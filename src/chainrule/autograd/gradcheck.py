"""``gradcheck`` and ``gradgradcheck``: analytical gradients against finite differences.

As ``torch.autograd.gradcheck``: the numerical Jacobian comes from central differences (each
input element perturbed by ``±eps`` in place), the analytical one from the engine, one row per
output element (``autograd.grad`` with a one-hot ``grad_outputs``). On a mismatch a
``GradcheckError`` names the input, the output, the worst element, both values and their
difference, and says when the point looks like a kink (``abs``/``relu``/``max``/``clamp``/``norm``
at 0) where the function has no derivative.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._tensor import Tensor, wrap
from . import grad_mode
from .graph import with_note

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError"]


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck``/``gradgradcheck`` when gradients disagree (as in PyTorch)."""


# ---------------------------------------------------------------- helpers


def _as_tuple(x: Any) -> tuple:
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _differentiable_outputs(x: Any) -> tuple:
    return tuple(o for o in _as_tuple(x) if isinstance(o, Tensor) and o.requires_grad)


def _is_float(t: Any) -> bool:
    return isinstance(t, Tensor) and t._data.dtype.kind in "fc"


def _diff_inputs(inputs: tuple) -> list:
    """(argument index, tensor) for each input that requires grad."""
    return [(k, t) for k, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]


def _check_inputs(inputs: tuple) -> None:
    found = False
    for idx, inp in enumerate(inputs):
        if isinstance(inp, Tensor) and inp.requires_grad:
            if inp._data.dtype not in (np.float64, np.complex128):
                warnings.warn(
                    f"Input #{idx} requires gradient and is not a double precision floating "
                    "point or complex. This check will likely fail if all the inputs are not of "
                    "double precision floating point or complex. ",
                    stacklevel=3,
                )
            a = inp._data
            if not all(st > 0 or sz <= 1 for st, sz in zip(a.strides, a.shape)):
                raise RuntimeError(
                    f"The {idx}th input has a dimension with stride 0. gradcheck only supports "
                    "inputs that are non-overlapping to be able to compute the numerical "
                    "gradients correctly. You should call .contiguous on the input before "
                    "passing it to gradcheck."
                )
            found = True
    if not found:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them "
            "have requires_grad=True."
        )


def _out_arrays(func: Callable, inputs: tuple) -> list:
    """The function's outputs as float64 (or complex) copies, in call order (all of them)."""
    outs = _as_tuple(func(*inputs))
    res = []
    for o in outs:
        if isinstance(o, Tensor):
            a = o._data
            res.append(np.array(a, dtype=np.complex128 if a.dtype.kind == "c" else np.float64))
        else:
            res.append(None)
    return res


def _numerical(func: Callable, inputs: tuple, eps: float, out_mask: list) -> tuple:
    """Central differences ``J[j][i]`` (input j, output i) of shape (numel_in, numel_out).

    Also returns the one-sided (right, left) difference quotients, used to recognise kinks.
    """
    center = _out_arrays(func, inputs)
    outs_idx = [i for i, m in enumerate(out_mask) if m]
    jac, right, left = [], [], []
    for _, t in _diff_inputs(inputs):
        arr = t._data  # perturbed in place, with no version bump (PyTorch uses .data)
        n = arr.size
        J = [np.zeros((n, center[i].size)) for i in outs_idx]
        R = [np.zeros((n, center[i].size)) for i in outs_idx]
        L = [np.zeros((n, center[i].size)) for i in outs_idx]
        if arr.dtype.kind in "fc":
            for flat, idx in enumerate(np.ndindex(arr.shape)):
                orig = arr[idx].copy()
                arr[idx] = orig - eps
                a = _out_arrays(func, inputs)
                arr[idx] = orig + eps
                b = _out_arrays(func, inputs)
                arr[idx] = orig
                for k, i in enumerate(outs_idx):
                    J[k][flat] = ((b[i] - a[i]) / (2 * eps)).real.reshape(-1)
                    R[k][flat] = ((b[i] - center[i]) / eps).real.reshape(-1)
                    L[k][flat] = ((center[i] - a[i]) / eps).real.reshape(-1)
        jac.append(J)
        right.append(R)
        left.append(L)
    return jac, right, left


def _grad_rows(output: Tensor, diff: list, grad_fn: Callable) -> tuple:
    """The analytical Jacobian rows of one output: (list per input (numel_in, numel_out),
    types_ok, sizes_ok)."""
    n_out = output._data.size
    jac = [np.zeros((t._data.size, n_out)) for _, t in diff]
    types_ok = sizes_ok = True
    for flat in range(n_out):
        go = np.zeros(output._data.shape, output._data.dtype)
        go.reshape(-1)[flat] = 1
        grads = grad_fn(wrap(go))
        for j, ((_, t), g) in enumerate(zip(diff, grads)):
            if g is None:
                continue
            if g._data.dtype != t._data.dtype:
                types_ok = False
            if g._data.shape != t._data.shape:
                sizes_ok = False
                continue
            jac[j][:, flat] = np.asarray(g._data, dtype=np.float64).reshape(-1)
    return jac, types_ok, sizes_ok


def _analytical(output: Tensor, diff: list, nondet_tol: float, check_grad_dtypes: bool) -> list:
    from . import grad as autograd_grad

    inputs = [t for _, t in diff]

    def vjp(go: Tensor) -> tuple:
        return autograd_grad(output, inputs, go, retain_graph=True, allow_unused=True)

    # computed twice to catch nondeterministic (non-reentrant) backward formulas
    jac1, types_ok, sizes_ok = _grad_rows(output, diff, vjp)
    jac2, _, _ = _grad_rows(output, diff, vjp)
    # as PyTorch: NaN differences do not count as nondeterminism (NaN > tol is False)
    reentrant = not any(a.size and np.max(np.abs(a - b)) > nondet_tol for a, b in zip(jac1, jac2))
    if not types_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not sizes_ok:
        raise GradcheckError("Analytical gradient has incorrect size")
    if not reentrant:
        raise GradcheckError(
            "Backward is not reentrant, i.e., running backward with same input and grad_output "
            "multiple times gives different values, although analytical gradient matches "
            f"numerical gradient.The tolerance for nondeterminism was {nondet_tol}."
        )
    return jac1


def _allclose(a: np.ndarray, n: np.ndarray, rtol: float, atol: float) -> bool:
    return bool(np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=False))


def _fmt_idx(flat: int, shape: tuple) -> str:
    if not shape:
        return "()"
    return str(tuple(int(i) for i in np.unravel_index(flat, shape)))


def _mismatch_msg(
    a: np.ndarray,
    n: np.ndarray,
    out_i: int,
    in_j: int,
    arg_k: int,
    in_t: Tensor,
    out_t: Tensor,
    right: np.ndarray,
    left: np.ndarray,
    rtol: float,
    atol: float,
    prefix: str = "",
) -> GradcheckError:
    """PyTorch's message (the Jacobians in the input's dtype, as PyTorch computes them), and
    chainrule's note: the worst element, its values and a kink hint."""
    dt = in_t._data.dtype if in_t._data.dtype.kind == "f" else None
    msg = (
        prefix + f"Jacobian {'computed with forward mode ' if prefix else ''}mismatch for "
        f"output {out_i:d} with respect to input {in_j:d},\n"
        f"numerical:{wrap(n if dt is None else n.astype(dt))}\n"
        f"analytical:{wrap(a if dt is None else a.astype(dt))}\n"
    )
    head, msg = msg, ""
    with np.errstate(invalid="ignore"):
        excess = np.abs(a - n) - (atol + rtol * np.abs(n))
    excess = np.where(np.isnan(excess), np.inf, excess)
    r, c = np.unravel_index(int(np.argmax(excess)), excess.shape)
    xval = in_t._data.reshape(-1)[r].item()
    where_in = "" if arg_k == in_j else f" (argument {arg_k} of func)"
    msg += (
        f"Worst element: input {in_j}{where_in} at index {_fmt_idx(r, in_t._data.shape)} "
        f"(value {xval!r}), output {out_i} at index {_fmt_idx(c, out_t._data.shape)}: "
        f"numerical {n[r, c]:.10g}, analytical {a[r, c]:.10g}, difference "
        f"{a[r, c] - n[r, c]:.3g} "
        f"(rtol={rtol}, atol={atol}).\n"
    )
    rv, lv = float(right[r, c]), float(left[r, c])
    tol = 10 * (atol + rtol * max(abs(rv), abs(lv)))
    if np.isfinite(rv) and np.isfinite(lv) and abs(rv - lv) > max(tol, 1e-3):
        msg += (
            f"Hint: the one-sided differences disagree there (left {lv:.6g}, right {rv:.6g}): the "
            "function has a kink at this point (as abs/relu/max/clamp/norm at 0) and is not "
            "differentiable there; move the test input away from it.\n"
        )
    return with_note(GradcheckError(head.lstrip()), msg)


# ---------------------------------------------------------------- checks


def _slow_check(func, func_out, inputs, outputs, eps, rtol, atol, nondet_tol, check_grad_dtypes):
    func_out = _as_tuple(func_out)
    diff = _diff_inputs(inputs)
    if not outputs:
        mask = [_is_float(o) for o in func_out]
        jac, _, _ = _numerical(func, inputs, eps, mask)
        for per_in in jac:
            for J in per_in:
                if np.any(J != 0):
                    raise GradcheckError("Numerical gradient for function expected to be zero")
        return True
    mask = [isinstance(o, Tensor) and o.requires_grad for o in func_out]
    num, right, left = _numerical(func, inputs, eps, mask)
    for i, o in enumerate(outputs):
        ana = _analytical(o, diff, nondet_tol, check_grad_dtypes)
        for j, a in enumerate(ana):
            n = num[j][i]
            if not _allclose(a, n, rtol, atol):
                raise _mismatch_msg(
                    a, n, i, j, diff[j][0], diff[j][1], o, right[j][i], left[j][i], rtol, atol
                )
    return True


def _fast_check(func, func_out, inputs, outputs, eps, rtol, atol, nondet_tol, check_grad_dtypes):
    """PyTorch's fast mode: compare ``v^T J u`` for random ``u``, ``v``; on a mismatch rerun
    the slow check to name the element."""
    func_out = _as_tuple(func_out)
    diff = _diff_inputs(inputs)
    rng = np.random.default_rng(0)
    if not outputs:
        return _slow_check(
            func, func_out, inputs, outputs, eps, rtol, atol, nondet_tol, check_grad_dtypes
        )
    from . import grad as autograd_grad

    all_u = []
    for _, t in diff:
        u = rng.random(t._data.shape)
        norm = np.linalg.norm(u)
        all_u.append(u / norm if norm else u)
    all_v = []
    for o in outputs:
        v = rng.random(o._data.shape)
        norm = np.linalg.norm(v)
        all_v.append(v / norm if norm else v)
    out_pos = [k for k, o in enumerate(func_out) if isinstance(o, Tensor) and o.requires_grad]
    for j, (_, t) in enumerate(diff):
        arr = t._data
        if arr.dtype.kind not in "fc":
            continue
        orig = arr.copy()
        u = all_u[j]
        arr[...] = orig - eps * u
        a = _out_arrays(func, inputs)
        arr[...] = orig + eps * u
        b = _out_arrays(func, inputs)
        arr[...] = orig
        for i, o in enumerate(outputs):
            k = out_pos[i]
            jvp = (b[k] - a[k]) / (2 * eps)
            numerical = float(np.sum(jvp.real * all_v[i]))
            vs = [
                autograd_grad(
                    o,
                    [tt for _, tt in diff],
                    wrap(all_v[i].astype(o._data.dtype)),
                    retain_graph=True,
                    allow_unused=True,
                )
                for _ in range(2)
            ]
            g1, g2 = vs[0][j], vs[1][j]
            analytical = 0.0 if g1 is None else float(np.sum(np.asarray(g1._data) * u))
            if g1 is not None and g2 is not None:
                if g1._data.size and np.max(np.abs(g1._data - g2._data)) > nondet_tol:
                    raise GradcheckError(
                        "Backward is not reentrant, i.e., running backward with same input and "
                        "grad_output multiple times gives different values, although analytical "
                        "gradient matches numerical gradient.The tolerance for nondeterminism "
                        f"was {nondet_tol}."
                    )
            adj_atol = atol * float(u.sum()) * float(all_v[i].sum())
            if not _allclose(np.array(analytical), np.array(numerical), rtol, adj_atol):
                msg = (
                    f"Jacobian mismatch for output {i:d} with respect to input {j:d},\n"
                    f"numerical:{wrap(np.array(numerical))}\n"
                    f"analytical:{wrap(np.array(analytical))}\n\n"
                    "The above quantities relating the numerical and analytical jacobians are "
                    "computed \nin fast mode. Below, we recompute them in slow mode:\n\n"
                )
                try:
                    _slow_check(
                        func,
                        func_out,
                        inputs,
                        outputs,
                        eps,
                        rtol,
                        atol,
                        nondet_tol,
                        check_grad_dtypes,
                    )
                except GradcheckError as e:
                    msg += "\n".join([str(e), *getattr(e, "__notes__", ())])
                else:
                    msg += (
                        "Fast gradcheck failed but element-wise differences are small: the test "
                        "might have passed in slow mode (fast_mode=False).\n"
                    )
                raise GradcheckError(msg)
    return True


def _forward_ad_check(func, func_out, inputs, outputs, eps, rtol, atol):
    """Jacobian from forward mode (one unit tangent per input element) vs finite differences."""
    try:
        from . import forward_ad as fwAD
    except ImportError as e:  # pragma: no cover - until forward mode lands
        raise NotImplementedError("gradcheck(check_forward_ad=True) needs forward_ad") from e
    func_out = _as_tuple(func_out)
    diff = _diff_inputs(inputs)
    mask = [isinstance(o, Tensor) and o.requires_grad for o in func_out]
    num, right, left = _numerical(func, inputs, eps, mask)
    out_pos = [k for k, m in enumerate(mask) if m]
    for j, (k_arg, t) in enumerate(diff):
        n_in = t._data.size
        ana = [np.zeros((n_in, func_out[k]._data.size)) for k in out_pos]
        for flat in range(n_in):
            tan = np.zeros(t._data.shape, t._data.dtype)
            tan.reshape(-1)[flat] = 1
            with fwAD.dual_level():
                args = list(inputs)
                args[k_arg] = fwAD.make_dual(t.detach(), wrap(tan))
                outs = _as_tuple(func(*args))
                for i, k in enumerate(out_pos):
                    tangent = fwAD.unpack_dual(outs[k])[1]
                    if tangent is not None:
                        ana[i][flat] = np.asarray(tangent._data, dtype=np.float64).reshape(-1)
        for i, k in enumerate(out_pos):
            if not _allclose(ana[i], num[j][i], rtol, atol):
                raise _mismatch_msg(
                    ana[i],
                    num[j][i],
                    i,
                    j,
                    k_arg,
                    t,
                    func_out[k],
                    right[j][i],
                    left[j][i],
                    rtol,
                    atol,
                    prefix=" ",
                )
    return True


def _test_backward_mul_by_grad_output(outputs: tuple, inputs: tuple) -> bool:
    from . import grad as autograd_grad

    diff = [t for _, t in _diff_inputs(inputs)]
    if not diff:
        raise GradcheckError("no Tensors requiring grad found in input")
    zeros = [wrap(np.zeros_like(o._data)) for o in outputs]
    grads = autograd_grad(outputs, diff, zeros, allow_unused=True)
    for gi, di in zip(grads, diff):
        if gi is None:
            continue
        if np.any(gi._data != 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if gi._data.dtype != di._data.dtype:
            raise GradcheckError("grad is incorrect type")
        if gi._data.shape != di._data.shape:
            raise GradcheckError("grad is incorrect size")
    return True


def _test_undefined_backward_mode(func: Callable, outputs: tuple, inputs: tuple) -> bool:
    """Backward must cope with outputs whose gradient is undefined (here: left out)."""
    from . import grad as autograd_grad

    diff = [t for _, t in _diff_inputs(inputs)]
    if len(outputs) < 2:
        return True  # all output grads undefined: the engine runs nothing
    for undef in range(len(outputs)):
        outs = _differentiable_outputs(func(*inputs))
        keep = [o for i, o in enumerate(outs) if i != undef]
        zeros = [wrap(np.zeros_like(o._data)) for o in keep]
        try:
            grads = autograd_grad(keep, diff, zeros, allow_unused=True)
        except RuntimeError as e:
            raise GradcheckError(
                "Expected backward function to handle undefined output grads. Please look at "
                '"Notes about undefined output gradients" in "tools/autograd/derivatives.yaml"'
            ) from e
        for gi in grads:
            if gi is not None and np.any(gi._data != 0):
                raise GradcheckError(
                    "Expected all input grads to be undefined or zero when all output grads are "
                    'undefined or zero. Please look at "Notes about undefined output gradients" '
                    'in "tools/autograd/derivatives.yaml"'
                )
    return True


def _test_batched_grad(inputs: tuple, output: Tensor, output_idx: int) -> bool:
    from . import grad as autograd_grad

    diff = [t for _, t in _diff_inputs(inputs)]
    rng = np.random.default_rng(1)
    gos = [rng.standard_normal(output._data.shape).astype(output._data.dtype) for _ in range(2)]
    expected = []
    for go in gos:
        r = autograd_grad(output, diff, wrap(go), retain_graph=True, allow_unused=True)
        expected.append([np.zeros_like(t._data) if g is None else g._data for g, t in zip(r, diff)])
    try:
        batched = autograd_grad(
            output,
            diff,
            wrap(np.stack(gos)),
            retain_graph=True,
            allow_unused=True,
            is_grads_batched=True,
        )
    except RuntimeError as ex:
        raise GradcheckError(f"While computing batched gradients, got: {ex}") from ex
    for j, (res, _t) in enumerate(zip(batched, diff)):
        exp = np.stack([e[j] for e in expected])
        got = np.zeros_like(exp) if res is None else res._data
        if not np.allclose(got, exp):
            raise GradcheckError(
                f"For output {output_idx} and input {j}:\n\nbatched gradients disagree with the "
                f"per-sample ones.\nGot: {wrap(got)}\nExpected: {wrap(exp)}"
            )
    return True


# ---------------------------------------------------------------- public


def gradcheck(
    func: Callable[..., Tensor | Sequence[Tensor]],
    inputs: Tensor | Sequence[Any],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
) -> bool:
    """Check the engine's gradients of ``func`` at ``inputs`` against finite differences.

    Inputs that require grad should be float64. Returns True, or raises ``GradcheckError``
    (returns False with ``raise_exception=False``) on a mismatch.

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
        >>> torch.autograd.gradcheck(torch.sin, (x,))
        True
    """
    if not (check_forward_ad or check_backward_ad):
        raise AssertionError(
            "Expected at least one of check_forward_ad or check_backward_ad to be True"
        )
    if check_batched_grad and not check_backward_ad:
        raise AssertionError(
            "Setting check_batched_grad=True requires check_backward_ad to be True"
        )
    if check_batched_forward_grad and not check_forward_ad:
        raise AssertionError(
            "Setting check_batched_forward_grad=True requires check_forward_ad to be True"
        )
    try:
        return _gradcheck_helper(
            func,
            inputs,
            eps,
            atol,
            rtol,
            nondet_tol,
            check_undefined_grad,
            check_grad_dtypes,
            check_batched_grad,
            check_forward_ad,
            check_backward_ad,
            fast_mode,
        )
    except GradcheckError:
        if raise_exception:
            raise
        return False


def _gradcheck_helper(
    func,
    inputs,
    eps,
    atol,
    rtol,
    nondet_tol,
    check_undefined_grad,
    check_grad_dtypes,
    check_batched_grad,
    check_forward_ad,
    check_backward_ad,
    fast_mode,
) -> bool:
    tupled = _as_tuple(inputs)
    _check_inputs(tupled)
    with grad_mode.enable_grad():
        func_out = func(*tupled)
        outputs = _differentiable_outputs(func_out)
        if check_backward_ad:
            check = _fast_check if fast_mode else _slow_check
            check(func, func_out, tupled, outputs, eps, rtol, atol, nondet_tol, check_grad_dtypes)
        if check_forward_ad:
            _forward_ad_check(func, func_out, tupled, outputs, eps, rtol, atol)
        if not check_backward_ad:
            return True
        if check_batched_grad:
            for i, o in enumerate(outputs):
                _test_batched_grad(tupled, o, i)
        if outputs:
            _test_backward_mul_by_grad_output(outputs, tupled)
            if check_undefined_grad:
                _test_undefined_backward_mode(func, outputs, tupled)
    return True


def _random_grad_output(x: Tensor, noncontig: bool, rng: np.random.Generator) -> Tensor:
    dt = x._data.dtype if x._data.dtype.kind in "fc" else np.dtype(np.float64)
    shape = x._data.shape
    if noncontig and shape:
        # every other element of a wider array: same values, non-contiguous strides
        big = np.empty(shape[:-1] + (2 * shape[-1],), dt)
        arr = big[..., ::2]
        arr[...] = rng.uniform(-1, 1, shape)
    else:
        arr = rng.uniform(-1, 1, shape).astype(dt)
    return wrap(arr, True)


def gradgradcheck(
    func: Callable[..., Tensor | Sequence[Tensor]],
    inputs: Tensor | Sequence[Any],
    grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
) -> bool:
    """Check second derivatives: ``gradcheck`` of the gradients computed with create_graph.

    Random ``grad_outputs`` (uniform in [-1, 1], requiring grad) are made when not given.

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
        >>> torch.autograd.gradgradcheck(lambda t: t ** 3, (x,))
        True
    """
    if not (check_fwd_over_rev or check_rev_over_rev):
        raise AssertionError(
            "Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True"
        )
    if check_undefined_grad and not check_rev_over_rev:
        raise AssertionError(
            "Setting check_undefined_grad=True requires check_rev_over_rev to be True"
        )
    if check_batched_grad and not check_rev_over_rev:
        raise AssertionError(
            "Setting check_batched_grad=True requires check_rev_over_rev to be True"
        )
    from . import grad as autograd_grad

    tupled = _as_tuple(inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        with grad_mode.enable_grad():
            outs = _differentiable_outputs(func(*tupled))
        tupled_go = tuple(_random_grad_output(o, gen_non_contig_grad_outputs, rng) for o in outs)
    else:
        tupled_go = _as_tuple(grad_outputs)
    num_outputs = len(tupled_go)
    diff_in = {i for i, x in enumerate(tupled) if isinstance(x, Tensor) and x.requires_grad}
    diff_go = {i for i, x in enumerate(tupled_go) if isinstance(x, Tensor) and x.requires_grad}

    def new_func(*args: Any) -> tuple:
        in_args = (
            tuple(
                x.requires_grad_() if i in diff_in else x for i, x in enumerate(args[:-num_outputs])
            )
            if num_outputs
            else args
        )
        outputs = _differentiable_outputs(func(*in_args))
        gos = tuple(
            x.requires_grad_() if i in diff_go else x
            for i, x in enumerate(args[len(args) - num_outputs :])
        )
        diff_args = tuple(x for i, x in enumerate(in_args) if i in diff_in)
        grads = autograd_grad(outputs, diff_args, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        new_func,
        tupled + tupled_go,
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
        nondet_tol=nondet_tol,
        check_undefined_grad=check_undefined_grad,
        check_grad_dtypes=check_grad_dtypes,
        check_batched_grad=check_batched_grad,
        fast_mode=fast_mode,
        check_forward_ad=check_fwd_over_rev,
        check_backward_ad=check_rev_over_rev,
        masked=masked,
    )
