"""``nn.utils.rnn.pad_sequence``: stack variable-length sequences into one padded tensor."""

from __future__ import annotations

from collections.abc import Sequence

import chainrule as _c

from ..._tensor import Tensor
from .. import functional as F

__all__ = ["pad_sequence"]


def pad_sequence(
    sequences: Sequence[Tensor] | Tensor,
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Pad tensors of shape (L_i, *) to the longest length and stack them: (L, B, *), or
    (B, L, *) with ``batch_first`` (differentiable).

    Example:
        >>> import chainrule as torch
        >>> from chainrule.nn.utils.rnn import pad_sequence
        >>> pad_sequence([torch.tensor([1, 2, 3]), torch.tensor([4])], batch_first=True)
        tensor([[1, 2, 3],
                [4, 0, 0]])
    """
    if padding_side not in ("left", "right"):
        raise ValueError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    seqs = list(sequences.unbind(0)) if isinstance(sequences, Tensor) else list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    longest = max(s.shape[0] for s in seqs)
    padded = []
    for s in seqs:
        extra = longest - s.shape[0]
        if extra:
            pads = [0, 0] * (s.dim() - 1)
            pads += [0, extra] if padding_side == "right" else [extra, 0]
            s = F.pad(s, pads, value=padding_value)
        padded.append(s)
    return _c.stack(padded, 0 if batch_first else 1)
