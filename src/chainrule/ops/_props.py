"""Tensor properties that are ops: ``T``, ``mT``, ``H``, ``mH`` (views, as in PyTorch), and
``real`` / ``imag``.

``install(Tensor)`` is called once by ``chainrule/__init__.py``.
"""

from __future__ import annotations

import warnings

from .._cwarn import cpp_warn

_T_WARNING = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
    "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
    "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
    "tensor."
)
_T0_WARNING = "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases."
_T_SITES = (
    "aten/src/ATen/native/TensorShape.cpp:4314",
    "aten/src/ATen/native/TensorShape.cpp:4321",
)


_WARNED = [False, False]  # [other than 2-D, 0-D]


def _T(self):
    """The tensor with its dims reversed (``PermuteBackward0``); meant for 2-D tensors.

    Example:
        >>> import chainrule as torch
        >>> torch.zeros(2, 3).T.shape
        torch.Size([3, 2])
    """
    from .shape import PERMUTE, _view

    nd = self._data.ndim
    if nd != 2 and not _WARNED[nd == 0]:
        _WARNED[nd == 0] = True  # PyTorch warns once per process
        cpp_warn(_T0_WARNING if nd == 0 else _T_WARNING, _T_SITES[nd == 0], stacklevel=3)
    return _view(PERMUTE, self, (tuple(range(nd - 1, -1, -1)),))


_WARNED_0D = set()  # PyTorch warns once per process for each of mT, mH, H on a 0-D tensor
_0D_WARNINGS = {
    "mT": "Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases."
    " (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4373.)",
    "mH": "Tensor.mH is deprecated on 0-D tensors. Consider using x.conj(). (Triggered "
    "internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4382.)",
    "H": "Tensor.H is deprecated on 0-D tensors. Consider using x.conj(). (Triggered "
    "internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4335.)",
}


def _warn_0d(name: str) -> None:
    if name not in _WARNED_0D:
        _WARNED_0D.add(name)
        warnings.warn(_0D_WARNINGS[name], UserWarning, stacklevel=3)


def _mT(self):
    """The last two dims swapped (batches of matrices transposed)."""
    nd = self._data.ndim
    if nd == 0:
        _warn_0d("mT")
        return self
    if nd < 2:
        raise RuntimeError(
            f"tensor.mT is only supported on matrices or batches of matrices. Got {nd}-D tensor."
        )
    return self.transpose(-2, -1)


def _conj(t):
    return t.conj() if t._data.dtype.kind == "c" else t


def _H(self):
    """The conjugate transpose of a matrix (2-D tensors only)."""
    nd = self._data.ndim
    if nd == 0:
        _warn_0d("H")
        return self.conj()
    if nd != 2:
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {nd}-D tensor."
            + (" For batches of matrices, consider using tensor.mH" if nd > 2 else "")
        )
    return _conj(self.transpose(0, 1))


def _mH(self):
    """The conjugate transpose of the last two dims."""
    nd = self._data.ndim
    if nd == 0:
        _warn_0d("mH")
        return self.conj()
    if nd < 2:
        raise RuntimeError(
            f"tensor.mH is only supported on matrices or batches of matrices. Got {nd}-D tensor."
        )
    return _conj(self.transpose(-2, -1))


def install(Tensor) -> None:
    """Add the properties to ``Tensor``."""
    Tensor.T = property(_T)
    Tensor.mT = property(_mT)
    Tensor.H = property(_H)
    Tensor.mH = property(_mH)
    from .pointwise import imag, real

    Tensor.real = property(real)
    Tensor.imag = property(imag)
