"""``torch.backends``: the flags tutorials set (``cudnn.deterministic = True``) and the
availability checks (``mps.is_available()``); chainrule has neither backend.

Example:
    >>> import chainrule as torch
    >>> torch.backends.mps.is_available()
    False
"""

from . import cudnn, mha, mps

__all__ = ["cudnn", "mha", "mps"]
