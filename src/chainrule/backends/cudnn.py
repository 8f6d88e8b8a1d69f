"""``torch.backends.cudnn``: settable flags (no effect on the CPU) and ``is_available()``."""

enabled = True
deterministic = False
benchmark = False
allow_tf32 = True


def is_available() -> bool:
    """False: no cuDNN."""
    return False


def version() -> None:
    """None: no cuDNN."""
    return None
