"""``nn.Parameter``, ``nn.Buffer`` and the uninitialized (lazy) parameters and buffers.

``UninitializedParameter``/``UninitializedBuffer`` hold no data until ``materialize(shape)``;
until then they refuse to take part in computations with PyTorch's errors (``ValueError``
naming the refused function; ``RuntimeError`` for ``.shape``).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, wrap

__all__ = [
    "Parameter",
    "UninitializedParameter",
    "is_lazy",
    "Buffer",
    "UninitializedBuffer",
    "UninitializedTensorMixin",
]


class Parameter(Tensor):
    """A Tensor that is a module parameter (``requires_grad=True`` by default).

    Assigning a Parameter as a Module attribute registers it in ``parameters()``.

    Example:
        >>> import chainrule as torch
        >>> p = torch.nn.Parameter(torch.zeros(2))
        >>> p
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            arr = np.empty((0,), dtype=np.float32)
            vc = [0]
        elif isinstance(data, Tensor):
            if isinstance(data, UninitializedTensorMixin):
                data.detach()  # refused, as torch's subclass path detaches
            arr = data._data
            vc = data._vc  # shares storage and version counter, like torch
        else:
            raise TypeError(
                f"Parameter.__new__(): argument 'data' must be Tensor, not {type(data).__name__}"
            )
        if requires_grad and arr.dtype.kind not in "fc":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        p = wrap(arr, bool(requires_grad), cls=cls)
        p._vc = vc
        return p

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # state is set in __new__
        pass

    def __repr__(self, **kwargs: Any) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, protocol: int):
        return (_rebuild_parameter, (self._data.copy(), self._requires_grad))


def _rebuild_parameter(arr: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(wrap(arr), requires_grad)


# ---------------------------------------------------------------------------------- Buffer
class _BufferMeta(type):
    # ``isinstance(t, Buffer)`` holds for the tensors ``Buffer(...)`` returns (flagged plain
    # Tensors), as torch's metaclass makes it
    def __instancecheck__(cls, instance: Any) -> bool:
        if cls is Buffer and isinstance(instance, Tensor):
            if instance.__dict__.get("_is_buffer", False):
                return True
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """A Tensor that a Module registers as a buffer when assigned as an attribute.

    ``Buffer(data)`` returns a plain Tensor (sharing ``data``'s storage) flagged as a buffer;
    ``persistent=False`` keeps it out of ``state_dict``.

    Example:
        >>> import chainrule as torch
        >>> class M(torch.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.steps = torch.nn.Buffer(torch.zeros(1))
        ...         self.cache = torch.nn.Buffer(torch.ones(2), persistent=False)
        >>> m = M()
        >>> [name for name, _ in m.named_buffers()], list(m.state_dict())
        (['steps', 'cache'], ['steps'])
        >>> type(m.steps).__name__, isinstance(m.steps, torch.nn.Buffer)
        ('Tensor', True)
    """

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Tensor:
        if data is None:
            from .._creation import empty

            data = empty(0)
        t = data.detach().requires_grad_(data.requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t


# ---------------------------------------------------------------------- uninitialized tensors
_SLOT = Tensor.__dict__["_data"]  # the storage slot, read past the refusing ``_data`` below
_PKG = os.path.dirname(os.path.dirname(__file__)) + os.sep
# code that behaves like user code (PyTorch's Python-level modules, optimizers...): a refusal
# met there names the tensor method it called, not the enclosing chainrule function
_USERISH = tuple(
    os.path.join(_PKG, *p)
    for p in (
        ("nn", "modules", ""),
        ("nn", "parameter.py"),
        ("nn", "parallel", ""),
        ("nn", "utils", ""),
        ("optim", ""),
        ("utils", ""),
    )
)

# torch.nn.functional names that are C builtins in PyTorch (how the refusal prints them)
_F_BUILTIN_FUNCTION = {
    "avg_pool2d",
    "avg_pool3d",
    "elu_",
    "gelu",
    "hardtanh_",
    "leaky_relu_",
    "linear",
    "logsigmoid",
    "one_hot",
    "scaled_dot_product_attention",
    "softplus",
    "softshrink",
}
_F_BUILTIN_METHOD = {
    "adaptive_avg_pool1d",
    "avg_pool1d",
    "bilinear",
    "celu_",
    "channel_shuffle",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_tbc",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "cosine_similarity",
    "hardshrink",
    "native_channel_shuffle",
    "pairwise_distance",
    "pdist",
    "pixel_shuffle",
    "pixel_unshuffle",
    "prelu",
    "relu_",
    "rrelu_",
    "selu_",
    "threshold_",
}
# Tensor methods written in Python in PyTorch (``<function Tensor.x at ...>``) and C aliases
_PY_TENSOR_METHODS = {
    "backward",
    "dim_order",
    "eig",
    "is_shared",
    "istft",
    "lstsq",
    "lu",
    "module_load",
    "norm",
    "register_hook",
    "register_post_accumulate_grad_hook",
    "reinforce",
    "resize",
    "resize_as",
    "solve",
    "split",
    "stft",
    "storage",
    "storage_type",
    "symeig",
    "to_sparse_coo",
    "unflatten",
    "unique",
    "unique_consecutive",
}
_METHOD_ALIASES = {"ndimension": "dim", "nelement": "numel"}
# attributes that are properties in PyTorch (so allowed), whatever chainrule makes them
_NOT_BLOCKED = {"is_cpu", "is_meta", "is_quantized", "is_sparse", "itemsize", "nbytes", "layout"}


def _method_desc(name: str) -> str:
    name = _METHOD_ALIASES.get(name, name)
    if name in _PY_TENSOR_METHODS:
        return f"<function Tensor.{name} at {hex(id(Tensor))}>"
    return f"<method '{name}' of 'torch._C.TensorBase' objects>"


def _frame_desc(f: Any) -> str:
    """How PyTorch prints the function that ``f`` (a chainrule frame) runs."""
    code = f.f_code
    name = code.co_name
    if name == "_convnd":
        name = f.f_locals.get("name", name)
    elif name == "wrapper" or name.startswith("_"):  # a decorator's wrapper: the wrapped name
        inner = f.f_locals.get("fn") or f.f_locals.get("func")
        name = getattr(inner, "__name__", name)
    mod = f.f_globals.get("__name__", "")
    if mod == "chainrule._tensor":
        return _method_desc(name)
    if mod == "chainrule.nn.functional":
        if name in _F_BUILTIN_FUNCTION:
            return f"<built-in function {'log_sigmoid' if name == 'logsigmoid' else name}>"
        if name not in _F_BUILTIN_METHOD:
            return f"<function {name} at {hex(id(code))}>"
    elif mod.startswith("chainrule.nn"):
        return f"<function {name} at {hex(id(code))}>"
    return f"<built-in method {name} of type object at {hex(id(Tensor))}>"


def _entry(frame: Any) -> Any:
    """The outermost chainrule function (not module/optimizer code) on the stack from
    ``frame`` outwards: the torch function PyTorch's ``__torch_function__`` would refuse."""
    entry = None
    f = frame
    while f is not None:
        fn = f.f_code.co_filename
        if not fn.startswith(_PKG) or fn.startswith(_USERISH):
            break
        entry = f
        f = f.f_back
    return entry


def _refuse(cls: type, desc: str, frame: Any) -> None:
    entry = _entry(frame)
    if entry is not None:
        desc = _frame_desc(entry)
    raise ValueError(
        f"Attempted to use an uninitialized parameter in {desc}. "
        "This error happens when you are using a `LazyModule` or "
        f"explicitly manipulating `torch.nn.parameter.{cls.__name__}` "
        "objects. When using LazyModules Call `forward` with a dummy batch "
        "to initialize the parameters before calling torch functions"
    )


def _refused_method(cls: type, name: str):
    def refused(*args: Any, **kwargs: Any) -> Any:
        _refuse(cls, _method_desc(name), sys._getframe(1))

    refused.__name__ = name
    return refused


_KINDS: dict = {}
_REFUSE, _ON_PLAIN = 1, 2
# properties that read autograd state kept on the tensor itself (not on its storage)
_STATE_PROPERTIES = {"grad", "grad_fn", "retains_grad", "requires_grad", "data", "is_leaf"}


def _kind(cls: type, name: str) -> int:
    """0 for an ordinary attribute; _REFUSE for a Tensor method an uninitialized tensor refuses;
    _ON_PLAIN for a Tensor property (PyTorch allows them all), read on the empty storage."""
    key = (cls, name)
    kind = _KINDS.get(key)
    if kind is None:
        kind = 0
        if name in Tensor.__dict__:
            for klass in cls.__mro__:  # the mixin's own (allowed) methods and overrides win
                if klass is Tensor:
                    v = getattr(Tensor, name, None)  # resolves a lazily loaded attribute
                    if isinstance(v, property):
                        kind = 0 if name in _STATE_PROPERTIES else _ON_PLAIN
                    elif callable(v) and not isinstance(v, type) and name not in _NOT_BLOCKED:
                        kind = _REFUSE
                    break
                if name in klass.__dict__:
                    break
        _KINDS[key] = kind
    return kind


def _caller(depth: int) -> Any:
    """The first frame, ``depth`` frames out, that is not this file's (attribute plumbing)."""
    f = sys._getframe(depth + 1)
    while f is not None and f.f_code.co_filename == __file__:
        f = f.f_back
    return f


def _raw(t: Tensor) -> np.ndarray:
    return _SLOT.__get__(t)


def _plain(t: Tensor) -> Tensor:
    """A plain Tensor over an uninitialized tensor's (empty) storage."""
    p = wrap(_raw(t), t._requires_grad)
    p._vc = t._vc
    return p


_CONVERSIONS = {
    "half": "float16",
    "float": "float32",
    "double": "float64",
    "char": "int8",
    "short": "int16",
    "int": "int32",
    "long": "int64",
}


class UninitializedTensorMixin:
    """What ``UninitializedParameter`` and ``UninitializedBuffer`` share: no data until
    ``materialize``; only dtype/device moves, ``size()``, ``copy_`` and attribute reads work.

    Example:
        >>> import chainrule as torch
        >>> b = torch.nn.UninitializedBuffer()
        >>> isinstance(b, torch.nn.parameter.UninitializedTensorMixin), b.dtype, b.size()
        (True, torch.float32, torch.Size([0]))
        >>> b.sum()
        Traceback (most recent call last):
        ...
        ValueError: Attempted to use an uninitialized parameter in <method 'sum' of 'torch._C.TensorBase' objects>. This error happens when you are using a `LazyModule` or explicitly manipulating `torch.nn.parameter.UninitializedBuffer` objects. When using LazyModules Call `forward` with a dummy batch to initialize the parameters before calling torch functions
    """

    __slots__ = ()
    cls_to_become: type

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # state is set in __new__
        pass

    def __getattribute__(self, name: str) -> Any:
        if name[:1] != "_":
            kind = _kind(type(self), name)
            if kind == _REFUSE:
                return _refused_method(type(self), name)
            if kind == _ON_PLAIN:
                return getattr(_plain(self), name)
        return object.__getattribute__(self, name)

    # the storage is refused to chainrule's functions (PyTorch refuses them the tensor)
    def _get_data(self) -> np.ndarray:
        f = sys._getframe(1)
        if f.f_code.co_name == "__getattribute__" and f.f_code.co_filename == __file__:
            f = f.f_back  # the frame that read ``_data``
        _refuse(type(self), _frame_desc(f), f)

    def _set_data(self, arr: np.ndarray) -> None:
        _SLOT.__set__(self, arr)

    _data = property(_get_data, _set_data)

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give the tensor storage of ``shape`` (uninitialized values) and make it the regular
        class (``Parameter`` or ``Tensor``), with its dtype unless ``dtype`` is given.

        Example:
            >>> import chainrule as torch
            >>> p = torch.nn.UninitializedParameter()
            >>> p.materialize((2, 3))
            >>> type(p).__name__, p.shape
            ('Parameter', torch.Size([2, 3]))
        """
        from .._creation import empty

        if device is not None:
            from .._tensor import check_device

            check_device(device)
        if dtype is None:
            dtype = D._BY_NP[_raw(self).dtype]
        arr = empty(shape, dtype=dtype)._data
        _SLOT.__set__(self, arr)
        self.__class__ = self.cls_to_become

    @property
    def shape(self) -> Any:
        f = _caller(1)
        if _entry(f) is not None:  # a chainrule function was given the tensor
            _refuse(type(self), "", f)
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. "
            "This error usually happens in `load_state_dict` when trying to load "
            "an uninitialized parameter into an initialized one. "
            "Call `forward` to initialize the parameters before accessing their attributes."
        )

    def share_memory_(self) -> Any:
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. "
            "Call `forward` to initialize the parameters before calling "
            "`module.share_memory()`."
        )

    def __repr__(self, **kwargs: Any) -> str:
        return f"<{self.__class__.__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, protocol: int):
        return (self.__class__, (self._requires_grad,))

    __hash__ = Tensor.__hash__

    # ---- what PyTorch allows: attribute reads, dtype/device moves, size(), copy_
    @property
    def dtype(self) -> Any:
        return D._BY_NP[_raw(self).dtype]

    @property
    def ndim(self) -> int:
        return _raw(self).ndim

    @property
    def data(self) -> Tensor:
        return wrap(_raw(self))

    @data.setter
    def data(self, other: Tensor) -> None:
        if not isinstance(other, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(other).__name__}")
        _SLOT.__set__(self, _raw(other) if is_lazy(other) else other._data)

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        p = _plain(self)
        p.requires_grad = flag
        self._requires_grad = p._requires_grad

    def size(self, dim: int | None = None) -> Any:
        return _plain(self).size(dim)

    def is_floating_point(self) -> bool:
        return _raw(self).dtype.kind == "f"

    def is_complex(self) -> bool:
        return _raw(self).dtype.kind == "c"

    def get_device(self) -> int:
        return -1

    def cpu(self) -> Any:
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("Torch not compiled with CUDA enabled")

    def to(self, *args: Any, **kwargs: Any) -> Any:
        p = _plain(self)
        out = p.to(*args, **kwargs)
        if out is p:
            return self
        if type(self).cls_to_become is Tensor:
            # torch's default __torch_function__ (kept by UninitializedBuffer, disabled for
            # Parameter) gives the result the buffer's class
            return wrap(out._data, out._requires_grad, cls=type(self))
        return out

    def copy_(self, src: Any, non_blocking: bool = False) -> Any:
        if isinstance(src, Tensor) and is_lazy(src):
            src = _plain(src)
        _plain(self).copy_(src, non_blocking)
        return self

    def _set_requires_grad(self, flag: bool, kinds: str) -> None:
        p = _plain(self)
        p._set_requires_grad(flag, kinds)
        self._requires_grad = p._requires_grad


def _conversion(dtype_name: str):
    def convert(self: Any, memory_format: Any = None) -> Any:
        return self.to(getattr(D, dtype_name))

    return convert


for _name, _dt in _CONVERSIONS.items():
    setattr(UninitializedTensorMixin, _name, _conversion(_dt))

# operators: the interpreter finds them on the type (not through __getattribute__); each is
# refused under the name PyTorch reports for it
_M, _F, _S = "method", "function", "slot"
_DUNDERS = {
    "__add__": (_M, "add"), "__radd__": (_M, "add"), "__iadd__": (_M, "add_"),
    "__sub__": (_M, "sub"), "__rsub__": (_F, "__rsub__"), "__isub__": (_M, "sub_"),
    "__mul__": (_M, "mul"), "__rmul__": (_M, "mul"), "__imul__": (_M, "mul_"),
    "__truediv__": (_M, "div"), "__rtruediv__": (_F, "__rdiv__"), "__itruediv__": (_M, "div_"),
    "__floordiv__": (_F, "__floordiv__"), "__rfloordiv__": (_F, "__rfloordiv__"),
    "__ifloordiv__": (_M, "__ifloordiv__"),
    "__mod__": (_M, "remainder"), "__rmod__": (_F, "__rmod__"), "__imod__": (_M, "__imod__"),
    "__pow__": ("TensorBase", "pow"), "__rpow__": (_F, "__rpow__"),
    "__ipow__": ("TensorBase", "pow_"),
    "__matmul__": (_M, "matmul"), "__rmatmul__": (_M, "matmul"),
    "__neg__": (_M, "neg"), "__pos__": (_M, "positive"), "__abs__": (_M, "abs"),
    "__invert__": (_M, "__invert__"),
    "__and__": (_M, "__and__"), "__rand__": (_M, "bitwise_and"), "__iand__": (_M, "__iand__"),
    "__or__": (_M, "__or__"), "__ror__": (_M, "bitwise_or"), "__ior__": (_M, "__ior__"),
    "__xor__": (_M, "__xor__"), "__rxor__": (_M, "bitwise_xor"), "__ixor__": (_M, "__ixor__"),
    "__lshift__": (_M, "__lshift__"), "__rlshift__": (_F, "__rlshift__"),
    "__ilshift__": (_M, "__ilshift__"),
    "__rshift__": (_M, "__rshift__"), "__rrshift__": (_F, "__rrshift__"),
    "__irshift__": (_M, "__irshift__"),
    "__eq__": (_M, "__eq__"), "__ne__": (_M, "ne"), "__lt__": (_M, "lt"), "__le__": (_M, "le"),
    "__gt__": (_M, "gt"), "__ge__": (_M, "ge"),
    "__getitem__": (_S, "__getitem__"), "__setitem__": (_S, "__setitem__"),
    "__len__": (_F, "__len__"), "__iter__": (_M, "dim"), "__reversed__": (_F, "__reversed__"),
    "__bool__": (_M, "__bool__"), "__float__": (_M, "__float__"), "__int__": (_M, "__int__"),
    "__index__": (_M, "__index__"), "__complex__": (_M, "__complex__"),
    "__contains__": (_F, "__contains__"), "__array__": (_F, "__array__"),
    "__format__": (_F, "__format__"), "__dir__": (_F, "__dir__"),
}  # fmt: skip


def _dunder(kind: str, target: str):
    if kind == _M:
        desc = f"<method '{target}' of 'torch._C.TensorBase' objects>"
    elif kind == _S:
        desc = f"<slot wrapper '{target}' of 'torch._C.TensorBase' objects>"
    else:
        desc = f"<function {'Tensor' if kind == _F else kind}.{target} at {hex(id(Tensor))}>"

    def refused(self: Any, *args: Any, **kwargs: Any) -> Any:
        _refuse(type(self), desc, sys._getframe(1))

    return refused


for _name, (_how, _target) in _DUNDERS.items():
    _fn = _dunder(_how, _target)
    _fn.__name__ = _name
    setattr(UninitializedTensorMixin, _name, _fn)
del _name, _dt, _how, _target, _fn


def is_lazy(param: Any) -> bool:
    """Whether ``param`` is an ``UninitializedParameter`` or ``UninitializedBuffer``.

    Example:
        >>> import chainrule as torch
        >>> torch.nn.parameter.is_lazy(torch.nn.LazyLinear(2).weight)
        True
    """
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is not known yet (a lazy module's weight before its first
    forward); ``materialize(shape)`` turns it into a regular ``Parameter``.

    Example:
        >>> import chainrule as torch
        >>> p = torch.nn.UninitializedParameter()
        >>> p, isinstance(p, torch.nn.Parameter)
        (<UninitializedParameter>, True)
        >>> p.shape
        Traceback (most recent call last):
        ...
        RuntimeError: Can't access the shape of an uninitialized parameter or buffer. This error usually happens in `load_state_dict` when trying to load an uninitialized parameter into an initialized one. Call `forward` to initialize the parameters before accessing their attributes.
    """

    cls_to_become = Parameter

    def __new__(
        cls, requires_grad: bool = True, device: Any = None, dtype: Any = None
    ) -> UninitializedParameter:
        from .._creation import empty

        arr = empty(0, device=device, dtype=dtype)._data
        if requires_grad and arr.dtype.kind not in "fc":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        return wrap(arr, bool(requires_grad), cls=cls)

    def __deepcopy__(self, memo: dict) -> UninitializedParameter:
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self._requires_grad, None, D._BY_NP[_raw(self).dtype])
        memo[id(self)] = result
        return result


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet (a lazy norm layer's running statistics);
    ``materialize(shape)`` turns it into a regular ``Tensor``.

    Example:
        >>> import chainrule as torch
        >>> b = torch.nn.UninitializedBuffer()
        >>> b.materialize(3)
        >>> type(b).__name__, b.shape
        ('Tensor', torch.Size([3]))
    """

    cls_to_become = Tensor

    def __new__(
        cls,
        requires_grad: bool = False,
        device: Any = None,
        dtype: Any = None,
        persistent: bool = True,
    ) -> UninitializedBuffer:
        from .._creation import empty

        arr = empty(0, device=device, dtype=dtype)._data
        if requires_grad and arr.dtype.kind not in "fc":
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        ret = wrap(arr, bool(requires_grad), cls=cls)
        ret.persistent = persistent
        ret._is_buffer = True
        return ret

    def __deepcopy__(self, memo: dict) -> Any:  # torch has none: Tensor's refuses
        _refuse(type(self), f"<function Tensor.__deepcopy__ at {hex(id(Tensor))}>", None)
