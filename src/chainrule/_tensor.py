"""Tensor: an array plus autograd metadata. No math lives here.

Math methods and operators are installed onto ``Tensor`` by ``ops._registry`` from the op table.
This file holds storage, autograd state (``requires_grad``, ``grad``, ``grad_fn``, version
counter, hooks), conversions, printing, and ``backward()`` (a call into the engine).
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _dtype as D
from ._cwarn import cpp_warn
from .autograd import grad_mode
from .autograd.graph import AccumulateGrad, RemovableHandle, add_hook, checked_tensor_hook

__all__ = ["Tensor", "wrap"]

_scalar_warned: list = [False]


def _leaf_only(flag: bool) -> str:
    msg = "you can only change requires_grad flags of leaf variables."
    if not flag:
        msg += (
            " If you want to use a computed variable in a subgraph that doesn't require "
            "differentiation use var_no_grad = var.detach()."
        )
    return msg


def warn_scalar_conversion() -> None:
    """PyTorch's warning for ``float(t)`` on a tensor that requires grad: once per process, as
    PyTorch's TORCH_WARN_ONCE; attributed to the first caller outside chainrule."""
    if not _scalar_warned[0]:
        _scalar_warned[0] = True
        import sys

        stacklevel, frame = 2, sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__", "").startswith("chainrule"):
            stacklevel += 1
            frame = frame.f_back
        warnings.warn(
            "Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
            "behavior.\nConsider using tensor.detach() first. (Triggered internally at "
            "/__w/pytorch/pytorch/torch/csrc/autograd/generated/python_variable_methods.cpp:822.)",
            UserWarning,
            stacklevel=stacklevel,
        )


# per-tensor autograd fields kept in the instance __dict__ (never copied by deepcopy)
_AUTOGRAD_STATE = frozenset(("_grad", "_base", "_hooks", "_retains_grad", "_accum", "_fw", "_cut"))

_NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information."
)

_ndarray = np.ndarray
_new = object.__new__


inference_seen = [False]  # set once any inference tensor exists; checked when saving


def mark_inference(tensors) -> None:
    """Mark tensors made inside ``inference_mode`` (they cannot be saved for backward later)."""
    inference_seen[0] = True
    for t in tensors:
        t.__dict__["_inference"] = True


def wrap(arr, requires_grad: bool = False, cls=None) -> Tensor:
    """A Tensor over ``arr`` (a NumPy array; numpy scalars are made 0-d arrays)."""
    if type(arr) is not _ndarray:
        arr = np.asarray(arr)
    t = _new(cls or Tensor)
    t._data = arr
    t._requires_grad = requires_grad
    t._grad_fn = None
    t._output_nr = 0
    t._vc = [0]
    return t


class Tensor:
    """A multi-dimensional array that records operations for automatic differentiation.

    Create tensors with ``chainrule.tensor``, ``zeros``, ``randn`` ...; ``Tensor(data)`` and
    ``Tensor(*sizes)`` also work as in PyTorch (default float dtype).

    Example:
        >>> import chainrule as torch
        >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([2., 4.])
    """

    # Set on every tensor (a new tensor writes only these: the per-op cost of small tensors).
    __slots__ = (
        "_data",
        "_requires_grad",
        "_grad_fn",
        "_output_nr",
        "_vc",  # version counter: a one-element list shared by a tensor and its views
        "__dict__",  # allows attributes set by users and nn (e.g. Parameter flags)
        "__weakref__",
    )
    # Rarely set: class-level defaults, stored in the instance __dict__ once assigned.
    _grad = None
    _base = None  # (base tensor, view chain) for views
    _hooks = None
    _retains_grad = False
    _accum = None  # weakref to this leaf's AccumulateGrad node
    _fw = None  # forward-mode tangents {level: tangent}

    # NumPy defers to our reflected operators (np.float64(2) * t calls Tensor.__rmul__)
    __array_ufunc__ = None
    __array_priority__ = 1000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from ._creation import legacy_new

        src = legacy_new(*args, **kwargs)
        for name in Tensor.__slots__[:-2]:
            setattr(self, name, getattr(src, name))
        self.__dict__.update(src.__dict__)

    # ------------------------------------------------------------------ storage
    @property
    def shape(self) -> Size:
        return _tuple_new(Size, self._data.shape)

    def size(self, dim: int | None = None):
        """The shape as ``torch.Size``, or one dimension's length."""
        if dim is None:
            return _tuple_new(Size, self._data.shape)
        if not self._data.ndim:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def dtype(self) -> D.dtype:
        return D._BY_NP[self._data.dtype]

    @property
    def device(self) -> device:
        return _CPU

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def is_complex(self) -> bool:
        return self._data.dtype.kind == "c"

    def is_contiguous(self, memory_format: Any = None) -> bool:
        return bool(self._data.flags.c_contiguous)

    def stride(self, dim: int | None = None):
        a = self._data
        st = tuple(s // a.itemsize for s in a.strides)
        if 0 in st:
            # NumPy gives an inserted size-1 dim (None index, unsqueeze, broadcast_to) stride
            # 0; PyTorch gives it the stride of the dim after it times that dim's size
            shape = a.shape
            fixed = list(st)
            for d in range(len(st) - 1, -1, -1):
                if shape[d] == 1 and fixed[d] == 0:
                    fixed[d] = fixed[d + 1] * shape[d + 1] if d + 1 < len(st) else 1
            st = tuple(fixed)
        if dim is not None and not st:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return st if dim is None else st[_wrap_dim(dim, self._data.ndim)]

    def data_ptr(self) -> int:
        return self._data.__array_interface__["data"][0]

    def untyped_storage(self):
        return _Storage(self)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        raise AssertionError("Torch not compiled with CUDA enabled")

    @property
    def data(self) -> Tensor:
        """A tensor sharing this one's storage, outside autograd (own version counter)."""
        return wrap(self._data)

    @data.setter
    def data(self, other: Tensor) -> None:
        if not isinstance(other, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(other).__name__}")
        self._data = other._data

    @property
    def _version(self) -> int:
        return self._vc[0]

    def _bump(self) -> None:
        self._vc[0] += 1

    # ------------------------------------------------------------------ autograd state
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if not isinstance(flag, bool):
            raise RuntimeError("requires_grad must be a bool")
        if self._grad_fn is not None:
            raise RuntimeError(_leaf_only(flag))
        self._set_requires_grad(flag, "and complex dtype ")

    def _set_requires_grad(self, flag: bool, kinds: str) -> None:
        if flag and self.__dict__.get("_inference") and not grad_mode.state.inference:
            raise RuntimeError(
                "Setting requires_grad=True on inference tensor outside InferenceMode is not "
                "allowed."
            )
        if flag and self._data.dtype.kind not in "fc":
            raise RuntimeError(f"only Tensors of floating point {kinds}can require gradients")
        self._requires_grad = flag

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return self (leaves only)."""
        if not isinstance(requires_grad, bool):
            raise TypeError(
                "requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                f"{type(requires_grad).__name__}"
            )
        if self._grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(_leaf_only(False))
            return self  # already requires grad, as a computed tensor
        self._set_requires_grad(requires_grad, "dtype ")
        return self

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def grad(self) -> Tensor | None:
        if self._grad_fn is not None and not self._retains_grad and self._grad is None:
            cpp_warn(_NON_LEAF_GRAD_WARNING, "build/aten/src/ATen/core/TensorBody.h:493")
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value is self:
                raise RuntimeError("can't assign Variable as its own grad")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor "
                    f"of size '{list(self.shape)}'. Please ensure that the gradient and the "
                    "tensor are the same size"
                )
            if value._data.dtype != self._data.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{value.dtype.cpp}' "
                    f"to a tensor with grad_dtype '{self.dtype.word}'. The gradient must "
                    "match the tensor's grad_dtype (defaults to the tensor's dtype). You can set "
                    "the tensor's grad_dtype attribute with a specific dtype, or None to allow any "
                    "dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its "
                    "gradient may break downstream systems that assume they match."
                )
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor during backward (a no-op on leaves)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self._retains_grad:
            return
        x = self._grad_fn._extras()
        if x.retain is None:
            x.retain = {}
        x.retain[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    def _accumulate_node(self, consumer: int | None = None) -> AccumulateGrad:
        """This leaf's AccumulateGrad node (created once, shared while alive); None for a view
        made in no_grad mode: PyTorch gives it requires_grad but no gradient accumulator.
        ``consumer``: the number of the node being recorded, when the caller knows it."""
        if self._base is not None and self.__dict__.get("_nograd_view"):
            return None
        ref = self._accum
        node = ref() if ref is not None else None
        if node is None:
            node = AccumulateGrad(self, consumer)
            self._accum = weakref.ref(node)
        return node

    def _edge(self):
        """(node, output_nr) for a graph edge into this tensor."""
        if self._grad_fn is not None:
            return (self._grad_fn, self._output_nr)
        if self._requires_grad:
            return (self._accumulate_node(), 0)
        return (None, 0)

    def register_hook(self, hook: Callable) -> RemovableHandle:
        """Run ``hook(grad)`` when this tensor's gradient is computed; a returned tensor
        replaces the gradient.

        Example:
            >>> import chainrule as torch
            >>> x = torch.tensor(1.0, requires_grad=True)
            >>> _ = x.register_hook(lambda g: g * 10)
            >>> (x * 3).backward(); x.grad
            tensor(30.)
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            return self._grad_fn._register_tensor_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = {}
        return add_hook(self._hooks, checked_tensor_hook(hook))

    def register_post_accumulate_grad_hook(self, hook: Callable) -> RemovableHandle:
        """Run ``hook(tensor)`` after a leaf's ``.grad`` has been accumulated."""
        if self._grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        node = self._accumulate_node()
        self._keep_accumulate = node  # hooks must survive with the tensor
        x = node._extras()
        if x.post_hooks is None:
            x.post_hooks = {}
        ref = weakref.ref(self)
        return add_hook(x.post_hooks, lambda gi, go: hook(ref()))

    def detach(self) -> Tensor:
        """A new tensor sharing storage and version counter, cut from the graph.

        Example:
            >>> import chainrule as torch
            >>> x = torch.ones(2, requires_grad=True)
            >>> (x * 2).detach().requires_grad
            False
        """
        t = wrap(self._data)
        t._vc = self._vc
        if self._requires_grad:
            t.__dict__["_cut"] = ("detach", None)
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place (it becomes a leaf)."""
        if self._base is not None:  # (base, view chain): PyTorch refuses for any view
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        self._grad_fn = None
        self._output_nr = 0
        self._requires_grad = False
        return self

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into ``.grad`` of every leaf that requires grad.

        Example:
            >>> import chainrule as torch
            >>> x = torch.tensor(0.5, requires_grad=True)
            >>> torch.cos(x ** 2).backward(); x.grad
            tensor(-0.2474)
        """
        from .autograd import backward as _backward

        _backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # ------------------------------------------------------------------ conversions
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, force: bool = False) -> np.ndarray:
        """The NumPy array behind this tensor (shared memory).

        Example:
            >>> import chainrule as torch
            >>> torch.ones(2).numpy()
            array([1., 1.], dtype=float32)
        """
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._data if not force else self._data.copy()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = self.numpy()
        return arr if dtype is None else arr.astype(dtype)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            if self._data.size == 0:
                raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data.reshape(()))

    def __contains__(self, element: Any) -> bool:
        if isinstance(element, (Tensor, int, float, complex, bool, np.number, np.bool_)):
            return bool((self == element).any())
        raise RuntimeError(
            "Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
            f"{type(element)}."
        )

    def _scalar_check(self, kind: str) -> None:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")

    def __float__(self) -> float:
        self._scalar_check("float")
        if self._requires_grad:
            warn_scalar_conversion()
        return float(self._data.reshape(()))

    def __int__(self) -> int:
        self._scalar_check("int")
        return int(self._data.reshape(()))

    def __complex__(self) -> complex:
        self._scalar_check("complex")
        return complex(self._data.reshape(()))

    def __index__(self) -> int:
        if self._data.size != 1 or self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def __hash__(self) -> int:
        return id(self)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return object.__format__(self, spec)

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        from ._printing import format_tensor

        suffixes = []
        if self._grad_fn is not None:
            # as PyTorch: the short class name (CopySlices, not torch::autograd::CopySlices)
            suffixes.append(f"grad_fn=<{self._grad_fn.name().rsplit('::', 1)[-1]}>")
        elif self._requires_grad:
            suffixes.append("requires_grad=True")
        if self._fw:  # a dual tensor inside a dual level prints its tangent, as PyTorch
            from .autograd.forward_ad import unpack_dual

            tangent = unpack_dual(self).tangent
            if tangent is not None:
                suffixes.append(f"tangent={tangent}")
        return format_tensor(self._data, self.dtype.name, D.get_default_dtype().name, suffixes)

    __str__ = __repr__

    def __reduce_ex__(self, protocol: int):
        return (_rebuild, (self._data.copy(), self._requires_grad))

    def __deepcopy__(self, memo: dict) -> Tensor:
        if self._grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.  If you were attempting to deepcopy a module, this may "
                "be because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        new = wrap(self._data.copy(), self._requires_grad, cls=type(self))
        if self._grad is not None:
            new._grad = wrap(self._grad._data.copy())
        d = {k: v for k, v in self.__dict__.items() if k not in _AUTOGRAD_STATE}
        if d:
            import copy

            new.__dict__.update(copy.deepcopy(d, memo))
        memo[id(self)] = new
        return new

    def __setstate__(self, state: Any) -> None:  # pragma: no cover - pickle protocol
        pass

    def is_inference(self) -> bool:
        """Whether this tensor was created inside ``inference_mode``."""
        return self.__dict__.get("_inference", False)

    def type(self, dtype: Any = None):
        if dtype is None:
            return _LEGACY_NAMES.get(self.dtype.name, "torch.Tensor")
        if isinstance(dtype, str):
            for k, v in _LEGACY_NAMES.items():
                if v == dtype:
                    return self.to(D._BY_NAME[k])
            raise ValueError(f"invalid type: '{dtype}'")
        legacy = getattr(dtype, "_dtype", None)  # torch.DoubleTensor and friends
        return self.to(legacy if legacy is not None else dtype)


_LEGACY_NAMES = {
    "float32": "torch.FloatTensor",
    "float64": "torch.DoubleTensor",
    "float16": "torch.HalfTensor",
    "int64": "torch.LongTensor",
    "int32": "torch.IntTensor",
    "int16": "torch.ShortTensor",
    "int8": "torch.CharTensor",
    "uint8": "torch.ByteTensor",
    "bool": "torch.BoolTensor",
    "complex64": "torch.ComplexFloatTensor",
    "complex128": "torch.ComplexDoubleTensor",
}


def legacy_type_name(t: Tensor) -> str:
    return _LEGACY_NAMES.get(t.dtype.name, "torch.Tensor")


def _rebuild(arr: np.ndarray, requires_grad: bool) -> Tensor:
    return wrap(arr, requires_grad)


def _wrap_dim(dim: int, ndim: int) -> int:
    """Normalise a possibly negative dim, with torch's IndexError when out of range."""
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim + n if dim < 0 else dim


_tuple_new = tuple.__new__


class Size(tuple):
    """``torch.Size``: a tuple of dimension lengths, printed as ``torch.Size([2, 3])``.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3).shape
        torch.Size([2, 3])
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        got = tuple.__getitem__(self, item)
        return _tuple_new(Size, got) if isinstance(item, slice) else got

    def __new__(cls, sizes=()):
        dims = []
        for i, v in enumerate(sizes):
            if isinstance(v, int):
                dims.append(int(v))
                continue
            if getattr(v, "ndim", None) == 0 and getattr(v, "dtype", None) is not None:
                try:
                    dims.append(v.__index__())  # a 0-d integer tensor or NumPy integer
                    continue
                except TypeError:
                    pass
            raise TypeError(
                f"torch.Size() takes an iterable of 'int' (item {i} is '{type(v).__name__}')"
            )
        return tuple.__new__(cls, dims)

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(other, self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))


_DEVICE_TYPES = (
    "cpu cuda ipu xpu mkldnn opengl opencl ideep hip ve fpga maia xla lazy vulkan mps meta hpu "
    "mtia privateuseone"
).split()


class device:
    """``torch.device``; chainrule runs on the CPU (NumPy).

    Example:
        >>> import chainrule as torch
        >>> torch.device("cpu")
        device(type='cpu')
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str = "cpu", index: int | None = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            raise RuntimeError("Cannot access accelerator device when none is available.")
        text = str(type)
        kind, sep, nr = text.partition(":")
        if kind not in _DEVICE_TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device "
                f"string: {text}"
            )
        if sep:
            if not nr.isdigit() or (len(nr) > 1 and nr[0] == "0") or index is not None:
                raise RuntimeError(f"Invalid device string: '{text}'")
            index = int(nr)
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type = kind
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))


_CPU = device("cpu")


def check_device(dev: Any) -> None:
    """Accept ``None``/'cpu'/device('cpu'); anything else is not available without a GPU, with
    the error a CPU-only PyTorch gives."""
    if dev is None:
        return
    d = dev if isinstance(dev, device) else device(dev)
    if d.type == "cpu":
        return
    from .autograd.graph import with_note

    note = f"chainrule runs on the CPU (NumPy); device '{d}' is not available."
    if d.type == "cuda":
        raise with_note(AssertionError("Torch not compiled with CUDA enabled"), note)
    raise with_note(RuntimeError(f"PyTorch is not linked with support for {d.type} devices"), note)


class _Storage:
    __slots__ = ("_t",)

    def __init__(self, t: Tensor) -> None:
        self._t = t

    def data_ptr(self) -> int:
        base = self._t._data
        while isinstance(base.base, np.ndarray):
            base = base.base
        return base.__array_interface__["data"][0]

    def nbytes(self) -> int:
        return self._t._data.nbytes


# Their public home, as PyTorch shows them (``<class 'torch.Tensor'>``, pickles by that name too).
Tensor.__module__ = Size.__module__ = device.__module__ = "chainrule"
