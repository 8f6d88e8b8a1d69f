"""Grad modes: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

The state is thread-local (a new thread starts with grad enabled, as in PyTorch). Each mode is a
context manager and a decorator, with or without parentheses (``@no_grad`` / ``@no_grad()``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

__all__ = [
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
]


class _State(threading.local):
    # class attributes are the defaults every new thread sees
    enabled = True
    inference = False


state = _State()


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for autograd in this thread.

    Example:
        >>> import chainrule as torch
        >>> with torch.no_grad():
        ...     torch.is_grad_enabled()
        False
    """
    return state.enabled


def is_inference_mode_enabled() -> bool:
    """Whether ``inference_mode`` is active in this thread."""
    return state.inference


class _DecoratorContextManager:
    """Base: a context manager that also decorates functions and generators."""

    def __call__(self, func: Callable) -> Callable:
        if isinstance(func, type):
            raise RuntimeError(f"{type(self).__name__} cannot decorate a class")
        make = self.clone
        if getattr(getattr(func, "__code__", None), "co_flags", 0) & 0x20:  # CO_GENERATOR

            @functools.wraps(func)
            def gen_wrapper(*args: Any, **kwargs: Any):
                gen = func(*args, **kwargs)
                try:
                    with make():
                        value = next(gen)
                    while True:
                        try:
                            sent = yield value
                        except GeneratorExit:
                            with make():
                                gen.close()
                            raise
                        except BaseException as exc:
                            with make():
                                value = gen.throw(exc)
                        else:
                            with make():
                                value = gen.send(sent)
                except StopIteration as stop:
                    return stop.value

            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any):
            with make():
                return func(*args, **kwargs)

        return wrapper

    def clone(self):
        return type(self)()


class _NoParamDecorator(_DecoratorContextManager):
    """Allows ``@no_grad`` (no parentheses) as well as ``@no_grad()``."""

    def __new__(cls, orig_func: Callable | None = None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecorator):
    """Disable gradient recording inside the block or decorated function.

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor(1.0, requires_grad=True)
        >>> with torch.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    def __init__(self) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = state.enabled
        state.enabled = False

    def __exit__(self, *exc: Any) -> None:
        state.enabled = self.prev


class enable_grad(_NoParamDecorator):
    """Enable gradient recording inside a ``no_grad`` block.

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor(1.0, requires_grad=True)
        >>> with torch.no_grad(), torch.enable_grad():
        ...     (x * 2).requires_grad
        True
    """

    def __init__(self) -> None:
        self.prev = True

    def __enter__(self) -> None:
        self.prev = state.enabled
        state.enabled = True

    def __exit__(self, *exc: Any) -> None:
        state.enabled = self.prev


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode now; restore the previous mode on leaving the block.

    Example:
        >>> import chainrule as torch
        >>> with torch.set_grad_enabled(False):
        ...     torch.is_grad_enabled()
        False
    """

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(
                "set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
                f"{type(mode).__name__}"
            )
        self.prev = state.enabled
        self.mode = mode
        state.enabled = self.mode

    def __call__(self, func: Callable) -> Callable:
        state.enabled = self.prev  # as a decorator it only applies while the function runs
        return super().__call__(func)

    def __repr__(self) -> str:
        return f"{type(self).__module__}.{type(self).__name__}(mode={self.mode})"

    __str__ = __repr__

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        state.enabled = self.prev

    def clone(self):
        return type(self)(self.mode)


class inference_mode(_DecoratorContextManager):
    """Like ``no_grad``, for code that will never need gradients (``mode=False`` is a no-op).

    Example:
        >>> import chainrule as torch
        >>> with torch.inference_mode():
        ...     torch.is_inference_mode_enabled()
        True
    """

    def __new__(cls, mode: Any = True):
        if callable(mode) and not isinstance(mode, bool):
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode
        self.prev = (True, False)

    def __enter__(self) -> None:
        self.prev = (state.enabled, state.inference)
        # inference_mode(False) switches inference off and grad on, as PyTorch's guard does
        state.enabled = not self.mode
        state.inference = bool(self.mode)

    def __exit__(self, *exc: Any) -> None:
        state.enabled, state.inference = self.prev

    def clone(self):
        return type(self)(self.mode)
