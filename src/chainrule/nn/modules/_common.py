"""Small helpers shared by the layer modules."""

from __future__ import annotations

from typing import Any

import chainrule as _c

from ..parameter import Parameter


def new_param(*shape: int, dtype: Any = None, device: Any = None) -> Parameter:
    """An uninitialised float Parameter (the layer's ``reset_parameters`` fills it)."""
    return Parameter(_c.empty(*shape, dtype=dtype, device=device))


def ntuple(v: Any, n: int) -> tuple:
    if isinstance(v, (list, tuple)):
        return tuple(v)
    return (v,) * n


def deprecated_class(msg: str, category: type = FutureWarning, stacklevel: int = 1):
    """``typing_extensions.deprecated`` for a class (as PyTorch marks its deprecated modules):
    instantiating the class itself, or subclassing it, warns ``msg``."""
    import functools
    import warnings
    from types import MethodType

    def decorate(arg: type) -> type:
        original_new = arg.__new__

        @functools.wraps(original_new)
        def __new__(cls, /, *args, **kwargs):
            if cls is arg:
                warnings.warn(msg, category=category, stacklevel=stacklevel + 1)
            if original_new is not object.__new__:
                return original_new(cls, *args, **kwargs)
            elif cls.__init__ is object.__init__ and (args or kwargs):
                raise TypeError(f"{cls.__name__}() takes no arguments")
            return original_new(cls)

        arg.__new__ = staticmethod(__new__)
        original_init_subclass = arg.__init_subclass__
        if isinstance(original_init_subclass, MethodType):
            original_init_subclass = original_init_subclass.__func__

            @functools.wraps(original_init_subclass)
            def __init_subclass__(*args, **kwargs):
                warnings.warn(msg, category=category, stacklevel=stacklevel + 1)
                return original_init_subclass(*args, **kwargs)

            arg.__init_subclass__ = classmethod(__init_subclass__)
        else:

            @functools.wraps(original_init_subclass)
            def __init_subclass__(*args, **kwargs):
                warnings.warn(msg, category=category, stacklevel=stacklevel + 1)
                return original_init_subclass(*args, **kwargs)

            arg.__init_subclass__ = __init_subclass__
        arg.__deprecated__ = __new__.__deprecated__ = msg
        __init_subclass__.__deprecated__ = msg
        return arg

    return decorate
