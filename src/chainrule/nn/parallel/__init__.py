"""``chainrule.nn.parallel``: ``DataParallel`` with PyTorch's behaviour on a machine without
accelerators (the wrapped module runs as it is)."""

from .data_parallel import DataParallel, data_parallel

__all__ = ["data_parallel", "DataParallel"]
