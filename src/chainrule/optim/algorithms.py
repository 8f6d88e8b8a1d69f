"""``SGD``, ``Adam``, ``AdamW``, ``RMSprop``, ``Adagrad`` -- PyTorch's update rules, in place."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._tensor import wrap
from .optimizer import Optimizer, _step_tensor, lerp_, params_with_grad

__all__ = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]


def _check(cond: bool, msg: str) -> None:
    if not cond:
        raise ValueError(msg)


def _check_adam_args(eps: float, betas: tuple, weight_decay: float) -> None:
    """torch's checks on the Adam family's ``eps``, ``betas`` and ``weight_decay``."""
    _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
    _check(0.0 <= betas[0] < 1.0, f"Invalid beta parameter at index 0: {betas[0]}")
    _check(0.0 <= betas[1] < 1.0, f"Invalid beta parameter at index 1: {betas[1]}")
    _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")


def _zeros_like(a: np.ndarray):
    return wrap(np.zeros_like(a))


def _bump(p) -> None:
    p._vc[0] += 1


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = torch.optim.SGD([w], lr=0.5, momentum=0.9)
        >>> (2 * w).sum().backward(); opt.step(); w
        Parameter containing:
        tensor([0.], requires_grad=True)
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check(lr >= 0.0, f"Invalid learning rate: {lr}")
        _check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        _check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
            foreach=foreach,
            differentiable=differentiable,
            fused=fused,
        )
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr = group["lr"]
        mom = group["momentum"]
        damp = group["dampening"]
        wd = group["weight_decay"]
        for p, x, g in params_with_grad(group):
            if group["maximize"]:
                g = -g
            if wd != 0:
                g = g + wd * x
            if mom != 0:
                st = self.state[p]
                buf = st.get("momentum_buffer")
                if buf is None:
                    buf = wrap(np.array(g, copy=True))
                    st["momentum_buffer"] = buf
                else:
                    b = buf._data
                    b *= mom
                    b += (1 - damp) * g
                g = g + mom * buf._data if group["nesterov"] else buf._data
            x -= lr * g
            _bump(p)


class Adam(Optimizer):
    """Adam (Kingma & Ba), with ``amsgrad`` and L2 ``weight_decay``; bias-corrected.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0]))
        >>> opt = torch.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); w
        Parameter containing:
        tensor([0.9000], requires_grad=True)
    """

    _decoupled = False

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check_adam_args(eps, betas, weight_decay)
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=decoupled_weight_decay or self._decoupled,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        wd = group["weight_decay"]
        amsgrad = group["amsgrad"]
        decoupled = group["decoupled_weight_decay"]
        for p, x, g in params_with_grad(group):
            st = self.state[p]
            if not st:
                st["step"] = _step_tensor()
                st["exp_avg"] = _zeros_like(x)
                st["exp_avg_sq"] = _zeros_like(x)
                if amsgrad:
                    st["max_exp_avg_sq"] = _zeros_like(x)
            if group["maximize"]:
                g = -g
            st["step"]._data += 1
            step = float(st["step"]._data)
            if wd != 0:
                if decoupled:
                    x *= 1 - lr * wd
                else:
                    g = g + wd * x
            m = st["exp_avg"]._data
            v = st["exp_avg_sq"]._data
            lerp_(m, g, 1 - beta1)
            v *= beta2
            v += (1 - beta2) * (g * g)
            bc1 = 1 - beta1**step
            bc2 = 1 - beta2**step
            step_size = lr / bc1
            bc2_sqrt = bc2**0.5
            if amsgrad:
                vm = st["max_exp_avg_sq"]._data
                np.maximum(vm, v, out=vm)
                denom = np.sqrt(vm) / bc2_sqrt + eps
            else:
                denom = np.sqrt(v) / bc2_sqrt + eps
            x -= (step_size * m) / denom
            _bump(p)


class AdamW(Adam):
    """Adam with decoupled weight decay (default ``weight_decay=1e-2``)."""

    _decoupled = True

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )


class RMSprop(Optimizer):
    """RMSprop with optional momentum and centring."""

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        _check(0.0 <= momentum, f"Invalid momentum value: {momentum}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(0.0 <= alpha, f"Invalid alpha value: {alpha}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            alpha=alpha,
            eps=eps,
            centered=centered,
            weight_decay=weight_decay,
            capturable=capturable,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict) -> None:
        lr, alpha, eps = group["lr"], group["alpha"], group["eps"]
        wd, mom = group["weight_decay"], group["momentum"]
        for p, x, g in params_with_grad(group):
            st = self.state[p]
            if not st:
                st["step"] = _step_tensor()
                st["square_avg"] = _zeros_like(x)
                if mom > 0:
                    st["momentum_buffer"] = _zeros_like(x)
                if group["centered"]:
                    st["grad_avg"] = _zeros_like(x)
            if group["maximize"]:
                g = -g
            st["step"]._data += 1
            if wd != 0:
                g = g + wd * x
            sq = st["square_avg"]._data
            sq *= alpha
            sq += (1 - alpha) * (g * g)
            if group["centered"]:
                ga = st["grad_avg"]._data
                lerp_(ga, g, 1 - alpha)
                avg = np.sqrt(sq - ga * ga)
            else:
                avg = np.sqrt(sq)
            avg += eps
            if mom > 0:
                buf = st["momentum_buffer"]._data
                buf *= mom
                buf += g / avg
                x -= lr * buf
            else:
                x -= (lr * g) / avg
            _bump(p)


class Adagrad(Optimizer):
    """Adagrad: per-coordinate learning rates from the running sum of squared gradients."""

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check(0.0 <= lr, f"Invalid learning rate: {lr}")
        _check(0.0 <= lr_decay, f"Invalid lr_decay value: {lr_decay}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(
            0.0 <= initial_accumulator_value,
            f"Invalid initial_accumulator_value value: {initial_accumulator_value}",
        )
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            fused=fused,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:  # torch creates the state eagerly
            for p in group["params"]:
                st = self.state[p]
                st["step"] = _step_tensor()
                st["sum"] = wrap(np.full_like(p._data, group["initial_accumulator_value"]))

    def _update_group(self, group: dict) -> None:
        lr, lr_decay, eps, wd = group["lr"], group["lr_decay"], group["eps"], group["weight_decay"]
        for p, x, g in params_with_grad(group):
            st = self.state[p]
            if group["maximize"]:
                g = -g
            st["step"]._data += 1
            step = float(st["step"]._data)
            if wd != 0:
                g = g + wd * x
            clr = lr / (1 + (step - 1) * lr_decay)
            s = st["sum"]._data
            s += g * g
            std = np.sqrt(s) + eps
            x -= (clr * g) / std
            _bump(p)
