"""``Adadelta``, ``Adamax``, ``NAdam``, ``RAdam``, ``Rprop``, ``ASGD`` and ``LBFGS``.

Each follows PyTorch's single-tensor (``foreach=False``) update in the same order of
floating-point operations, computed in place on the parameters' NumPy arrays. Where torch keeps
a hyper-parameter product in a float32 scalar tensor (NAdam's ``mu_product``, ASGD's ``eta`` and
``mu``) the state holds a float32 0-d array too, so the rounding is the same. Complex parameters
are updated through real views, like torch's ``view_as_real``.

LBFGS computes with NumPy arrays and NumPy scalars where torch has tensors and 0-d tensors,
and with Python floats where torch has Python floats, so comparisons, ``min``/``max`` choices
and the types saved in the state (a 0-d tensor or a float for ``t`` ...) are torch's.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

import chainrule as _c

from .._tensor import Tensor, wrap
from .algorithms import _bump, _check, _check_adam_args, _zeros_like
from .optimizer import Optimizer, _step_tensor, lerp_, params_with_grad

__all__ = ["Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD", "LBFGS"]

_CAPTURABLE_DEVICES = ["cuda", "xpu", "hpu", "privateuseone"]


# ---------------------------------------------------------------------------- helpers
def _check_lr(lr: Any) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    _check(0.0 <= lr, f"Invalid learning rate: {lr}")


def _scalar(v: Any) -> Any:
    """A hyper-parameter to compute with: a 1-element tensor ``lr`` becomes a NumPy scalar of
    its dtype (so it mixes with floats and arrays as torch's 0-d tensor does)."""
    return v._data.reshape(())[()] if isinstance(v, Tensor) else v


def _real(a: np.ndarray) -> np.ndarray:
    """``torch.view_as_real`` for complex arrays (a view sharing memory); real ones pass."""
    if a.dtype.kind != "c":
        return a
    return a[..., None].view(a.real.dtype)


def _sign(a: np.ndarray) -> np.ndarray:
    """``torch.sign``: like ``np.sign`` but 0 for NaN."""
    return (a > 0).astype(a.dtype) - (a < 0)


def _capturable_error(what: str = "params and state_steps", xla: bool = True) -> None:
    devices = _CAPTURABLE_DEVICES + (["xla"] if xla else [])
    raise AssertionError(f"If capturable=True, {what} must be on supported devices: {devices}.")


def _cast_state(p: Tensor, value: Any, group: dict | None, key: Any = None) -> Any:
    """torch's ``load_state_dict`` cast: ``step`` is kept (float32 when capturable/fused),
    other tensors take a floating parameter's dtype; dicts and lists are cast inside."""
    if isinstance(value, Tensor):
        if key == "step":
            if group is not None and (group.get("capturable") or group.get("fused")):
                return value.to(_c.float32)
            return value
        return value.to(p.dtype) if p.is_floating_point() else value
    if isinstance(value, dict):
        return {k: _cast_state(p, v, group, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(p, v, group) for v in value)
    return value


def _load_state_dict(opt: Optimizer, state_dict: dict) -> None:
    """``Optimizer.load_state_dict`` with torch's casting rules (nested lists, complex
    parameters, state of unknown parameters kept under its key)."""
    Optimizer.load_state_dict(opt, state_dict)  # checks the groups and installs them
    saved = copy.deepcopy(state_dict)
    id_map: dict = {}
    group_of: dict = {}
    for g, s in zip(opt.param_groups, saved["param_groups"]):
        for old, p in zip(s["params"], g["params"]):
            id_map[old] = p
            group_of[old] = s
    state: defaultdict = defaultdict(dict)
    for k, v in saved["state"].items():
        k = int(k) if isinstance(k, str) else k
        if k in id_map:
            state[id_map[k]] = _cast_state(id_map[k], v, group_of[k])
        else:
            state[k] = v
    opt.state = state
    opt.__setstate__({"state": opt.state, "param_groups": opt.param_groups})


class _Elementwise(Optimizer):
    """Shared ``load_state_dict`` and ``__setstate__`` of the element-wise optimizers (as
    torch, unpickling fills missing flags and turns old Python-number scalars into tensors)."""

    _flags: tuple = ("foreach", "maximize", "differentiable", "capturable")
    _scalar_keys: tuple = ("step",)

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore state saved by ``state_dict``, casting tensors as torch does."""
        _load_state_dict(self, state_dict)

    def _init_state(self, items: list, moments: tuple, **scalars: float) -> None:
        """Each parameter's state on its first step, in torch's key order: ``step`` 0, the
        ``scalars`` as step tensors, then the ``moments`` as zeros shaped like it."""
        for p, x, _ in items:
            st = self.state[p]
            if not st:
                st["step"] = _step_tensor(0.0)
                for key, value in scalars.items():
                    st[key] = _step_tensor(value)
                for key in moments:
                    st[key] = _zeros_like(x)

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            for flag in self._flags:
                group.setdefault(flag, None if flag == "foreach" else False)
            for p in group["params"]:
                st = self.state.get(p)
                for key in self._scalar_keys if st else ():
                    if not isinstance(st[key], Tensor):
                        st[key] = _step_tensor(float(st[key]))


# ---------------------------------------------------------------------------- Adadelta
class Adadelta(_Elementwise):
    """Adadelta (Zeiler, 2012): step sizes from running averages of squared gradients and
    squared updates.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.Adadelta([w], lr=1.0)
        >>> (w * w).sum().backward(); opt.step(); w
        Parameter containing:
        tensor([ 0.9968, -1.9968], requires_grad=True)
    """

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check(0.0 <= rho <= 1.0, f"Invalid rho value: {rho}")
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            rho=rho,
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            capturable=capturable,
            foreach=foreach,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, rho, eps, wd = _scalar(group["lr"]), group["rho"], group["eps"], group["weight_decay"]
        items = list(params_with_grad(group))
        self._init_state(items, ("square_avg", "acc_delta"))
        if group["capturable"] and items:
            _capturable_error(xla=False)
        for p, x, g in items:
            st = self.state[p]
            st["step"]._data += 1
            if group["maximize"]:
                g = -g
            if wd != 0:
                g = g + wd * x
            sq, acc, g = _real(st["square_avg"]._data), _real(st["acc_delta"]._data), _real(g)
            sq *= rho
            sq += ((1 - rho) * g) * g
            std = np.sqrt(sq + eps)
            delta = np.sqrt(acc + eps)
            delta /= std
            delta *= g
            acc *= rho
            acc += ((1 - rho) * delta) * delta
            xr = _real(x)
            xr += (-lr) * delta
            _bump(p)


# ---------------------------------------------------------------------------- Adamax
class Adamax(_Elementwise):
    """Adamax: Adam with the infinity norm of past gradients (Kingma & Ba, section 7).

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.Adamax([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); w
        Parameter containing:
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_adam_args(eps, betas, weight_decay)
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, eps, wd = _scalar(group["lr"]), group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        items = list(params_with_grad(group))
        self._init_state(items, ("exp_avg", "exp_inf"))
        for p, x, g in items:
            st = self.state[p]
            if group["maximize"]:
                g = -g
            if group["capturable"]:
                _capturable_error()
            st["step"]._data += 1
            step = float(st["step"]._data)
            if wd != 0:
                g = g + wd * x
            xr, g = _real(x), _real(g)
            m, u = _real(st["exp_avg"]._data), _real(st["exp_inf"]._data)
            lerp_(m, g, 1 - beta1)
            u *= beta2
            np.maximum(u, np.abs(g) + eps, out=u)
            clr = lr / (1 - beta1**step)
            xr += ((-clr) * m) / u
            _bump(p)


# ---------------------------------------------------------------------------- NAdam
class NAdam(_Elementwise):
    """NAdam: Adam with Nesterov momentum and a momentum schedule (Dozat, 2016); optional
    decoupled weight decay.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.NAdam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); w
        Parameter containing:
        tensor([ 0.8944, -1.8944], requires_grad=True)
    """

    _flags = ("maximize", "foreach", "capturable", "differentiable", "decoupled_weight_decay")
    _scalar_keys = ("step", "mu_product")

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_adam_args(eps, betas, weight_decay)
        _check(0.0 <= momentum_decay, f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, eps, wd = _scalar(group["lr"]), group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        momentum_decay = group["momentum_decay"]
        items = list(params_with_grad(group))
        self._init_state(items, ("exp_avg", "exp_avg_sq"), mu_product=1.0)
        for p, x, g in items:
            st = self.state[p]
            if group["maximize"]:
                g = -g
            if group["capturable"]:
                _capturable_error("params, mu_products and state_steps")
            st["step"]._data += 1
            step = float(st["step"]._data)
            bias_correction2 = 1 - beta2**step
            if wd != 0:
                if group["decoupled_weight_decay"]:
                    x *= 1 - lr * wd
                else:
                    g = g + wd * x
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
            mu_product = st["mu_product"]._data
            mu_product *= mu  # in the state's (float32) precision, as torch
            xr, g = _real(x), _real(g)
            m, v = _real(st["exp_avg"]._data), _real(st["exp_avg_sq"]._data)
            lerp_(m, g, 1 - beta1)
            v *= beta2
            v += ((1 - beta2) * g) * g
            denom = np.sqrt(v / bias_correction2)
            mp = float(mu_product)
            mu_product_next = mp * mu_next
            denom += eps
            xr += ((-lr * (1.0 - mu) / (1.0 - mp)) * g) / denom
            xr += (((-lr * mu_next) / (1.0 - mu_product_next)) * m) / denom
            _bump(p)


# ---------------------------------------------------------------------------- RAdam
class RAdam(_Elementwise):
    """RAdam: Adam with a rectified adaptive learning rate (Liu et al., 2019); optional
    decoupled weight decay.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.RAdam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); w
        Parameter containing:
        tensor([ 0.8000, -1.6000], requires_grad=True)
    """

    _flags = ("foreach", "maximize", "differentiable", "decoupled_weight_decay", "capturable")

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_adam_args(eps, betas, weight_decay)
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            decoupled_weight_decay=decoupled_weight_decay,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, eps, wd = _scalar(group["lr"]), group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        items = list(params_with_grad(group))
        self._init_state(items, ("exp_avg", "exp_avg_sq"))
        for p, x, g in items:
            st = self.state[p]
            if group["maximize"]:
                g = -g
            if group["capturable"]:
                _capturable_error()
            st["step"]._data += 1
            step = float(st["step"]._data)
            if wd != 0:
                if group["decoupled_weight_decay"]:
                    x *= 1 - lr * wd
                else:
                    g = g + wd * x
            xr, g = _real(x), _real(g)
            m, v = _real(st["exp_avg"]._data), _real(st["exp_avg_sq"]._data)
            lerp_(m, g, 1 - beta1)
            v *= beta2
            v += ((1 - beta2) * g) * g
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            bias_corrected_exp_avg = m / bias_correction1
            rho_inf = 2 / (1 - beta2) - 1
            rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
            if rho_t > 5.0:
                rect = (
                    (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
                ) ** 0.5
                # torch's ``scalar / tensor`` is ``tensor.reciprocal() * scalar``
                adaptive_lr = (1.0 / (np.sqrt(v) + eps)) * (bias_correction2**0.5)
                xr -= ((bias_corrected_exp_avg * lr) * adaptive_lr) * rect
            else:
                xr -= bias_corrected_exp_avg * lr
            _bump(p)


# ---------------------------------------------------------------------------- Rprop
class Rprop(_Elementwise):
    """Rprop (resilient backpropagation): per-element step sizes grown by ``etas[1]`` while
    the gradient keeps its sign and shrunk by ``etas[0]`` when it flips; only the gradient's
    sign is used.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.Rprop([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); w
        Parameter containing:
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-2,
        etas: tuple[float, float] = (0.5, 1.2),
        step_sizes: tuple[float, float] = (1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check(0.0 < etas[0] < 1.0 < etas[1], f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(
            lr=lr,
            etas=etas,
            step_sizes=step_sizes,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        items = list(params_with_grad(group))
        for p, x, g in items:
            st = self.state[p]
            if not st:
                st["step"] = _step_tensor(0.0)
                st["prev"] = _zeros_like(x)
                lr = _scalar(group["lr"])
                fill = complex(lr, lr) if x.dtype.kind == "c" else lr
                st["step_size"] = wrap(np.full(g.shape, fill, dtype=g.dtype))
        for p, x, g in items:
            st = self.state[p]
            if group["maximize"]:
                g = -g
            if group["capturable"]:
                _capturable_error()
            st["step"]._data += 1
            g = _real(g)
            prev, step_size, xr = _real(st["prev"]._data), _real(st["step_size"]._data), _real(x)
            sign = _sign(g * prev)
            sign[sign > 0] = etaplus
            sign[sign < 0] = etaminus
            sign[sign == 0] = 1
            step_size *= sign
            np.clip(step_size, step_size_min, step_size_max, out=step_size)
            g = g.copy()
            g[sign == sign.dtype.type(etaminus)] = 0
            xr += (-1 * _sign(g)) * step_size
            prev[...] = g
            _bump(p)


# ---------------------------------------------------------------------------- ASGD
class ASGD(_Elementwise):
    """Averaged SGD (Polyak & Juditsky): SGD with a decaying step ``eta`` and, after ``t0``
    steps, a running average ``ax`` of the iterates kept in the state.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.ASGD([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); w
        Parameter containing:
        tensor([ 0.8000, -1.6000], requires_grad=True)
    """

    _scalar_keys = ("step", "eta", "mu")

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            lambd=lambd,
            alpha=alpha,
            t0=t0,
            weight_decay=weight_decay,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, lambd, alpha, t0 = _scalar(group["lr"]), group["lambd"], group["alpha"], group["t0"]
        wd = group["weight_decay"]
        items = list(params_with_grad(group))
        self._init_state(items, ("ax",), eta=lr, mu=1.0)
        for p, x, g in items:
            st = self.state[p]
            if group["maximize"]:
                g = -g
            if group["capturable"]:
                _capturable_error("params, mus, etas, and state_steps")
            xr, g, ax = _real(x), _real(g), _real(st["ax"]._data)
            st["step"]._data += 1
            if wd != 0:
                g = g + wd * xr
            eta_value = float(st["eta"]._data)
            xr *= 1 - lambd * eta_value
            xr += (-eta_value) * g
            mu = float(st["mu"]._data)
            if mu != 1:
                ax += (xr - ax) * mu
            else:
                ax[...] = xr
            step = float(st["step"]._data)
            # torch.as_tensor(python float) has the default dtype before it is copied in
            default = _c.get_default_dtype().np
            st["eta"]._data[...] = np.asarray(lr / ((1 + lambd * lr * step) ** alpha), default)
            st["mu"]._data[...] = np.asarray(1 / max(1, step - t0), default)
            _bump(p)


# ---------------------------------------------------------------------------- LBFGS
def _rdiv(a: Any, b: Any) -> Any:
    """``a / b`` as torch computes it: a Python number over a tensor is
    ``b.reciprocal() * a``."""
    if isinstance(b, np.generic) and not isinstance(a, np.generic):
        return (1.0 / b) * a
    return a / b


def _cubic_interpolate(
    x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any, bounds: tuple | None = None
) -> Any:
    # the minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clipped to the bounds
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - _rdiv(3 * (f1 - f2), x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    else:
        return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(
    obj_func: Callable,
    x: list,
    t: Any,
    d: np.ndarray,
    f: float,
    g: np.ndarray,
    gtd: Any,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple:
    # torch.optim.lbfgs._strong_wolfe, step for step (bracketing, then zoom)
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = g_new.dot(d)

    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket = [t_prev, t]
            bracket_f = [f_prev, f_new]
            bracket_g = [g_prev, g_new.copy()]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket = [t]
            bracket_f = [f_new]
            bracket_g = [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket = [t_prev, t]
            bracket_f = [f_prev, f_new]
            bracket_g = [g_prev, g_new.copy()]
            bracket_gtd = [gtd_prev, gtd_new]
            break
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(
            t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step)
        )
        t_prev = tmp
        f_prev = f_new
        g_prev = g_new.copy()
        gtd_prev = gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

    if ls_iter == max_ls:
        bracket = [0, t]
        bracket_f = [f, f_new]
        bracket_g = [g, g_new]

    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False

        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos] = t
            bracket_f[high_pos] = f_new
            bracket_g[high_pos] = g_new.copy()
            bracket_gtd[high_pos] = gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos] = bracket[low_pos]
                bracket_f[high_pos] = bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            bracket[low_pos] = t
            bracket_f[low_pos] = f_new
            bracket_g[low_pos] = g_new.copy()
            bracket_gtd[low_pos] = gtd_new

    t = bracket[low_pos]
    f_new = bracket_f[low_pos]
    g_new = bracket_g[low_pos]
    return f_new, g_new, t, ls_func_evals


def _from_state(v: Any) -> Any:
    """A state value as LBFGS computes with it: tensors become arrays (0-d ones NumPy
    scalars), lists are converted element-wise, Python numbers and ``None`` pass."""
    if isinstance(v, Tensor):
        a = v._data
        return a[()] if a.ndim == 0 else a
    if isinstance(v, list):
        return [_from_state(e) for e in v]
    return v


def _to_state(v: Any) -> Any:
    """The inverse of ``_from_state``: arrays and NumPy scalars become tensors."""
    if isinstance(v, (np.ndarray, np.generic)):
        return wrap(np.asarray(v))
    if isinstance(v, list):
        return [_to_state(e) for e in v]
    return v


class LBFGS(Optimizer):
    """L-BFGS (limited-memory BFGS), as in torch: ``step(closure)`` runs up to ``max_iter``
    iterations, re-evaluating the loss through ``closure`` (which must zero the gradients,
    compute the loss, call ``backward`` and return it). ``line_search_fn="strong_wolfe"``
    chooses each step length by a strong-Wolfe line search. Only one parameter group.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.LBFGS([w], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = ((w - torch.tensor([3.0, 1.0])) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> opt.step(closure)
        tensor(13., grad_fn=<SumBackward0>)
        >>> w
        Parameter containing:
        tensor([3.0000, 1.0000], requires_grad=True)
    """

    def __init__(
        self,
        params: Any,
        lr: float | Tensor = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        _check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(
            lr=lr,
            max_iter=max_iter,
            max_eval=max_eval,
            tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change,
            history_size=history_size,
            line_search_fn=line_search_fn,
        )
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]
        self._numel_cache: int | None = None

    def _numel(self) -> int:
        if self._numel_cache is None:
            self._numel_cache = sum(
                2 * p.numel() if p.is_complex() else p.numel() for p in self._params
            )
        return self._numel_cache

    def _gather_flat_grad(self) -> np.ndarray:
        views = []
        for p in self._params:
            g = p._grad
            if g is None:
                view = np.zeros(p._data.size, dtype=p._data.dtype)
            else:
                view = g._data.reshape(-1)
            views.append(_real(view).reshape(-1))
        return np.concatenate(views, 0)

    def _add_grad(self, step_size: Any, update: np.ndarray) -> None:
        alpha = float(step_size)  # torch's ``alpha=`` is a Scalar: cast to the param dtype
        offset = 0
        for p in self._params:
            x = _real(p._data)
            numel = x.size
            x += alpha * update[offset : offset + numel].reshape(x.shape)
            _bump(p)
            offset += numel
        if offset != self._numel():
            raise AssertionError(f"Expected offset {offset} to equal {self._numel()}")

    def _clone_param(self) -> list:
        return [p._data.copy() for p in self._params]

    def _set_param(self, params_data: list) -> None:
        for p, pdata in zip(self._params, params_data, strict=True):
            p._data[...] = pdata
            _bump(p)

    def _directional_evaluate(self, closure: Callable, x: list, t: Any, d: np.ndarray) -> tuple:
        self._add_grad(t, d)
        loss = float(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    def step(self, closure: Callable) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` L-BFGS iterations and return the loss ``closure`` gave
        first. ``closure`` runs with grad enabled; everything else under ``no_grad``."""
        self._opt_called = True
        with _c.no_grad(), np.errstate(all="ignore"):
            return self._step(closure)

    def _step(self, user_closure: Callable) -> Any:
        if len(self.param_groups) != 1:
            raise AssertionError(
                f"Expected exactly one param_group, but got {len(self.param_groups)}"
            )

        def closure() -> Any:
            with _c.enable_grad():
                return user_closure()

        group = self.param_groups[0]
        lr = _scalar(group["lr"])
        max_iter = group["max_iter"]
        max_eval = group["max_eval"]
        tolerance_grad = group["tolerance_grad"]
        tolerance_change = group["tolerance_change"]
        line_search_fn = group["line_search_fn"]
        history_size = group["history_size"]

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1

        flat_grad = self._gather_flat_grad()
        opt_cond = np.abs(flat_grad).max() <= tolerance_grad
        if opt_cond:
            return orig_loss

        d = _from_state(state.get("d"))
        t = _from_state(state.get("t"))
        old_dirs = _from_state(state.get("old_dirs"))
        old_stps = _from_state(state.get("old_stps"))
        ro = _from_state(state.get("ro"))
        H_diag = _from_state(state.get("H_diag"))
        prev_flat_grad = _from_state(state.get("prev_flat_grad"))
        prev_loss = state.get("prev_loss")
        al = _from_state(state["al"]) if "al" in state else None

        try:
            n_iter = 0
            while n_iter < max_iter:
                n_iter += 1
                state["n_iter"] += 1

                # the descent direction
                if state["n_iter"] == 1:
                    d = -flat_grad
                    old_dirs = []
                    old_stps = []
                    ro = []
                    H_diag = 1
                else:
                    y = flat_grad - prev_flat_grad
                    s = d * t
                    ys = y.dot(s)
                    if ys > 1e-10:
                        if len(old_dirs) == history_size:
                            old_dirs.pop(0)
                            old_stps.pop(0)
                            ro.pop(0)
                        old_dirs.append(y)
                        old_stps.append(s)
                        ro.append(1.0 / ys)
                        H_diag = ys / y.dot(y)
                    num_old = len(old_dirs)
                    if al is None:
                        al = [None] * history_size
                    q = -flat_grad
                    for i in range(num_old - 1, -1, -1):
                        al[i] = old_stps[i].dot(q) * ro[i]
                        q += float(-al[i]) * old_dirs[i]
                    d = r = q * H_diag
                    for i in range(num_old):
                        be_i = old_dirs[i].dot(r) * ro[i]
                        r += float(al[i] - be_i) * old_stps[i]

                if prev_flat_grad is None:
                    prev_flat_grad = flat_grad.copy()
                else:
                    prev_flat_grad[...] = flat_grad
                prev_loss = loss

                # the step length
                if state["n_iter"] == 1:
                    t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr
                else:
                    t = lr

                gtd = flat_grad.dot(d)
                if gtd > -tolerance_change:
                    break

                ls_func_evals = 0
                if line_search_fn is not None:
                    if line_search_fn != "strong_wolfe":
                        raise RuntimeError("only 'strong_wolfe' is supported")
                    x_init = self._clone_param()

                    def obj_func(x: list, t: Any, d: np.ndarray) -> tuple:
                        return self._directional_evaluate(closure, x, t, d)

                    loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                        obj_func,
                        x_init,
                        t,
                        d,
                        loss,
                        flat_grad,
                        gtd,
                        max_ls=max_eval - current_evals,
                    )
                    self._add_grad(t, d)
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                else:
                    self._add_grad(t, d)
                    if n_iter != max_iter:
                        loss = float(closure())
                        flat_grad = self._gather_flat_grad()
                        opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                        ls_func_evals = 1

                current_evals += ls_func_evals
                state["func_evals"] += ls_func_evals

                # the stopping conditions
                if n_iter == max_iter:
                    break
                if current_evals >= max_eval:
                    break
                if opt_cond:
                    break
                if np.abs(d * t).max() <= tolerance_change:
                    break
                if abs(loss - prev_loss) < tolerance_change:
                    break
        finally:
            if al is not None:
                state["al"] = _to_state(al)

        state["d"] = _to_state(d)
        state["t"] = _to_state(t)
        state["old_dirs"] = _to_state(old_dirs)
        state["old_stps"] = _to_state(old_stps)
        state["ro"] = _to_state(ro)
        state["H_diag"] = _to_state(H_diag)
        state["prev_flat_grad"] = _to_state(prev_flat_grad)
        state["prev_loss"] = prev_loss
        return orig_loss

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a saved state (tensors in the history lists are cast like torch's)."""
        _load_state_dict(self, state_dict)
