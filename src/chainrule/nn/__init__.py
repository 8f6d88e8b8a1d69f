"""``chainrule.nn``: layers, losses, initialisers and ``functional`` with PyTorch's API.

Example:
    >>> import chainrule as torch
    >>> import chainrule.nn as nn
    >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    >>> model(torch.zeros(3, 4)).shape
    torch.Size([3, 2])
"""

from . import functional, grad, init, parallel, utils
from .modules import *  # noqa: F403
from .modules import __all__ as _modules_all
from .parallel import DataParallel
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter

__all__ = [
    "Buffer",
    "DataParallel",
    "Parameter",
    "UninitializedBuffer",
    "UninitializedParameter",
    "functional",
    "grad",
    "init",
    "parallel",
    "utils",
    *_modules_all,
]
