"""``torch.backends.mps``: Apple's GPU backend is not available."""


def is_available() -> bool:
    """False: no MPS device."""
    return False


def is_built() -> bool:
    """False: not built with MPS."""
    return False
